#!/bin/bash
# top_res.sh - the dashboard's resource actions under its own tmux server
# (sim backend): from the action menu on the selected guest, vcpus,
# memory, maximum memory, attach and detach a block device, save and
# restore; each prompt shows the current value, each bad value gets its
# one-line reason on the message line and changes nothing, what takes
# something away asks y/N first, and each result shows in the status
# line and in the host (xdom list, the table).
source "$(dirname "$0")/../lib.sh"

sim_tmpdir
unset XDOM_BACKEND NO_COLOR
T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-top-res.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
printf 'save_dir = %s/save\n' "$T" >"$T/xdom.conf"
X=("$XDOM" --config "$T/xdom.conf" --sim)
export XDG_CONFIG_HOME=$T/config
truncate -s 16M "$T/d.img"

if ! command -v tmux >/dev/null; then
	skip "dashboard resource actions under tmux" "tmux is not installed"
	done_testing
	exit
fi
tm_server topres

field() { "${X[@]}" list 2>/dev/null | awk -v n="$1" -v c="$2" '$1 == n { print $c }'; }
# a KEY: open the action menu and press KEY
a() { keys a; wait_screen 20 '^Action: ' >/dev/null; keys "$1"; }
# clear the value prompt's text
clear_input() { local i; for i in $(seq 1 80); do keys BSpace; done; }

tm_new 220 50 -e XDOM_SIM_DIR="$XDOM_SIM_DIR" \
	-e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	"$(printf '%q ' "${X[@]}" top -d 1); echo EXITED=\$?; sleep 60"
screen_ok "dashboard starts" 'Quit' 20
keys /; text web01; keys Enter
screen_ok "filtered to web01" 'Filter: web01 \(1\)'

# ---- vcpus ------------------------------------------------------------------
a v
screen_ok "v: asks for vcpus, showing the current and the maximum" '^vcpus for web01 \(now 2 online, at most 2\): *$'
text 3; keys Enter
screen_ok "more vcpus than the maximum: one-line reason" '^vcpus: web01 has at most 2 vcpus'
check "... nothing changed" test "$(field web01 4)" = 2
a v; text two; keys Enter
screen_ok "a word for vcpus: refused" '^vcpus: a whole number from 1'
a v; text 1; keys Enter
screen_ok "vcpus 1: result in the status line" '^vcpus web01: 1 vcpu online'
check "... the host has web01 at 1 vcpu" test "$(field web01 4)" = 1
screen_ok "... and the table shows it" '^ +[0-9]+ +web01 .* 1 +[0-9]+ +[0-9]' 20
a v; text 2; esc
screen_ok "Esc at the value: cancelled" 'cancelled'
check "... still 1 vcpu" test "$(field web01 4)" = 1

# ---- memory, maximum memory --------------------------------------------------
a m
screen_ok "m: asks for memory, showing it and the maximum" '^Memory for web01 \(now 2g, maximum 4g; MiB or k/m/g\): *$'
text 5g; keys Enter
screen_ok "memory above the maximum: refused" "^memory: 5g is above web01's maximum of 4g"
a m; text 2x; keys Enter
screen_ok "a bad size: refused" "^memory: size '2x': unknown unit"
check "... still 2048 MiB" test "$(field web01 3)" = 2048
a m; text 3072; keys Enter
screen_ok "memory 3072 (MiB): done" '^memory web01: memory now 3g'
check "... the host has 3072 MiB" test "$(field web01 3)" = 3072
# The prompt shows what the table has: wait for a refresh to show it.
wait_screen 30 '^ +[0-9]+ +web01 .* 3145728 ' >/dev/null
a m; text 1g; keys Enter
screen_ok "less memory asks first" "^Shrink web01's memory from 3g to 1g\? \(y/N\)"
keys n
screen_ok "n: cancelled" 'cancelled'
check "... still 3072 MiB" test "$(field web01 3)" = 3072
a m; text 1g; keys Enter; wait_screen 20 'Shrink' >/dev/null; keys y
screen_ok "y: memory now 1g" '^memory web01: memory now 1g'
check "... the host has 1024 MiB" test "$(field web01 3)" = 1024
wait_screen 30 '^ +[0-9]+ +web01 .* 1048576 ' >/dev/null
a x
screen_ok "x: asks for the maximum, showing it and the memory" '^Maximum memory for web01 \(now 4g, memory 1g'
text 512m; keys Enter
screen_ok "maximum below the memory: refused" "^maxmem: 512m is below web01's memory of 1g"
a x; text 6g; keys Enter
screen_ok "maximum 6g: done" '^maxmem web01: maximum memory now 6g'
check "... the host agrees" test "$("${X[@]}" top -b -i 1 | awk '$1 == "web01" { print $7 }')" = 6291456

# ---- block devices -------------------------------------------------------------
a b
screen_ok "b: asks for a target and device, showing the devices it has" '^Attach to web01 \(PATH VDEV \[ro\|rw\]; it has xvda\): *$'
text "$T/nope.img xvdc"; keys Enter
screen_ok "a target that does not exist: refused" 'attach: .*nope.img: No such file or directory'
a b; text "$T/d.img sdb"; keys Enter
screen_ok "a bad device name: refused" "attach: 'sdb' is not a virtual device name"
a b; text "$T/d.img xvda"; keys Enter
screen_ok "a device it has: refused" '^attach: web01 already has xvda'
a b; text "$T/d.img xvdc rx"; keys Enter
screen_ok "a bad mode: refused" "^attach: mode 'rx': ro or rw"
a b; text "d.img xvdc"; keys Enter
screen_ok "a relative path: refused" 'attach: d.img: give the target as an absolute path'
ln -s "$T/d.img" "$T/link.img"
a b; text "$T/link.img xvdc"; keys Enter
screen_ok "a symbolic link: refused (the one disk rule)" 'attach: .*link.img is a symbolic link'
a b; text "$T/d.img xvdc ro"; keys Enter
screen_ok "attach xvdc read-only: done" '^attach web01: xvdc attached \(ro\)'
keys B
screen_ok "... B shows web01's new xvdc" '^VBD BlkBack +[0-9]+ \[xvdc\]'
keys B
a e
screen_ok "e: asks for the device, showing what it has" '^Detach from web01 \(VDEV; it has xvda xvdc\): *$'
text xvdq; keys Enter
screen_ok "a device it does not have: refused" '^detach: web01 has no device xvdq'
a e; text xvdc; keys Enter
screen_ok "detach asks first" '^Detach xvdc from web01\? \(y/N\)'
keys y
screen_ok "detach xvdc: done" '^detach web01: xvdc detached'
if "${X[@]}" top -b -i 1 -x | grep -q '\[xvdc\]'; then not_ok "xvdc still attached"
else ok "... the host has no xvdc any more"; fi

# ---- save and restore -------------------------------------------------------------
a w
screen_ok "w: asks for the file, save_dir's by default" "^Save web01 \(it stops\) to file: $T/save/web01.save\$"
keys Enter
screen_ok "save asks first" "^Save web01 to $T/save/web01.save \(it stops\)\? \(y/N\)"
keys y
screen_ok "save: done" '^save web01: saved; it stopped'
check "... web01 is gone from the host's list" test -z "$(field web01 2)"
check "... its state is in save_dir" test -s "$T/save/web01.save"
screen_ok "... and from the table" 'no domain matches the filter'
keys /; esc
a w; clear_input; text "$T/save/web01.save"; keys Enter
screen_ok "save over an existing file: refused" 'save: .*web01.save exists already'
a w; clear_input; text "$T/no/dir/x.save"; keys Enter
screen_ok "save into a missing directory: refused" 'save: .*x.save: its directory does not exist'
a l
screen_ok "l: asks for the file, the last saved by default" "^Restore from file: $T/save/web01.save\$"
clear_input; text "$T/nope.save"; keys Enter
screen_ok "restore from a missing file: refused" 'restore: .*nope.save: No such file'
printf 'junk\n' >"$T/junk.save"
a l; clear_input; text "$T/junk.save"; keys Enter
screen_ok "restore from a file that is no saved guest: the backend says why" 'restore .*junk.save: .*not a saved guest'
a l; clear_input; text "$T/save/web01.save"; keys Enter
screen_ok "restore: done" 'restore .*web01.save: restored; it runs again'
check "... web01 runs again" test -n "$(field web01 2)"
a l; keys Enter
screen_ok "restore into a running guest: refused by the backend" 'web01 is running'

# ---- two tagged domains ----------------------------------------------------------------
keys Home Space Space
a v
screen_ok "vcpus on two tagged domains: refused" '^vcpus: untag all but one domain'

keys q
screen_ok "q leaves, exit 0" 'EXITED=0'
done_testing
