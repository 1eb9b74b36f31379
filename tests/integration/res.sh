#!/bin/bash
# res.sh - `xdom vcpu-set|mem-set|mem-max|block-attach|block-detach|save|
# restore` against the real binary and the sim backend: each action and
# its effect as `xdom list` and `xdom top -b` show it, each refusal and
# each bad value with its one-line error and exit status (1 refused or
# failed, 2 bad usage), and save/restore through the config's save_dir.
source "$(dirname "$0")/../lib.sh"

sim_tmpdir
unset XDOM_BACKEND
T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-res.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
printf 'save_dir = %s/save\n' "$T" >"$T/xdom.conf"
X=("$XDOM" --config "$T/xdom.conf" --sim)

# one_line_err DESC RC REGEX CMD...: CMD exits RC with exactly one stderr
# line matching REGEX.
one_line_err() {
	local what=$1 want=$2 re=$3 rc lines
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$re" "$T/err"; then
		ok "$what (exit $rc)"
	else
		not_ok "$what: exit $rc (want $want), $lines stderr lines, /$re/:"
		sed 's/^/#   /' "$T/err" "$T/out" | head -5
	fi
}
# field NAME COL: column COL of NAME's row in xdom list (Mem 3, VCPUs 4)
field() { "${X[@]}" list 2>/dev/null | awk -v n="$1" -v c="$2" '$1 == n { print $c }'; }
vbd_line() { "${X[@]}" top -b -i 1 -x 2>/dev/null | awk -v n="$1" '$1 == n { on = 1; next } /^ / { on = 0 } on'; }

# ---- vcpu-set ------------------------------------------------------------
check "web01 starts with 2 vcpus online" test "$(field web01 4)" = 2
check_out "vcpu-set web01 1" "^web01: 1 vcpu online$" "${X[@]}" vcpu-set web01 1
check "xdom list shows 1 vcpu" test "$(field web01 4)" = 1
check_out "top -b shows 1 vcpu" "^ +web01 .* 1 +1 +[0-9]" "${X[@]}" top -b -i 1
check_out "vcpu-set web01 2 (back to its maximum)" "^web01: 2 vcpus online$" "${X[@]}" vcpu-set web01 2
one_line_err "more vcpus than the maximum: refused" 1 "web01 has at most 2 vcpus" "${X[@]}" vcpu-set web01 3
one_line_err "no vcpus at all: refused" 1 "at least 1 vcpu" "${X[@]}" vcpu-set web01 0
one_line_err "vcpu-set with a word: usage" 2 "'two' is not a number of vcpus" "${X[@]}" vcpu-set web01 two
one_line_err "vcpu-set -1: usage" 2 "unknown option '-1'" "${X[@]}" vcpu-set web01 -1
one_line_err "vcpu-set 99999: usage" 2 "not a number of vcpus" "${X[@]}" vcpu-set web01 99999
one_line_err "vcpu-set without N: usage" 2 "vcpu-set" "${X[@]}" vcpu-set web01
one_line_err "vcpu-set of a guest that does not exist" 1 "web99: no such domain" "${X[@]}" vcpu-set web99 1
one_line_err "vcpu-set of Domain-0: refused" 1 "Domain-0 cannot be" "${X[@]}" vcpu-set Domain-0 1
one_line_err "vcpu-set of a bad name" 1 "not a valid domain name" "${X[@]}" vcpu-set '../web01' 1
check "after the refusals web01 still has 2 vcpus" test "$(field web01 4)" = 2

# ---- mem-set, mem-max ----------------------------------------------------
check_out "mem-set web01 1g" "^web01: memory 1g$" "${X[@]}" mem-set web01 1g
check "xdom list shows 1024 MiB" test "$(field web01 3)" = 1024
check_out "mem-set web01 1536 (MiB by default)" "^web01: memory 1536m$" "${X[@]}" mem-set web01 1536
check "xdom list shows 1536 MiB" test "$(field web01 3)" = 1536
check_out "top -b shows 1572864k" "^ +web01 .* 1572864 " "${X[@]}" top -b -i 1
one_line_err "memory above the maximum: refused" 1 "above web01's maximum of 4g" "${X[@]}" mem-set web01 5g
one_line_err "memory far too small: refused" 1 "web01" "${X[@]}" mem-set web01 1k
one_line_err "mem-set with an unknown unit: usage" 2 "unknown unit" "${X[@]}" mem-set web01 2x
one_line_err "mem-set with a sign: usage" 2 "unknown option '-1'" "${X[@]}" mem-set web01 -1
one_line_err "mem-set with a fraction: usage" 2 "size '1.5g'" "${X[@]}" mem-set web01 1.5g
one_line_err "mem-set with an empty size: usage" 2 "size '': empty" "${X[@]}" mem-set web01 ""
one_line_err "mem-set of a guest that does not exist" 1 "no such domain" "${X[@]}" mem-set nosuch 1g
check_out "mem-max web01 6g" "^web01: maximum memory 6g$" "${X[@]}" mem-max web01 6g
check_out "top -b shows the new maximum" "^ +web01 .* 6291456 " "${X[@]}" top -b -i 1
check_out "mem-set up to the new maximum" "^web01: memory 5g$" "${X[@]}" mem-set web01 5g
one_line_err "maximum below the memory: refused" 1 "lower it with mem-set first" "${X[@]}" mem-max web01 1g
one_line_err "maximum above the host: refused" 1 "above the host's memory" "${X[@]}" mem-max web01 1t
one_line_err "mem-max too large to be a size: usage" 2 "too large" "${X[@]}" mem-max web01 99999999t
check "after the refusals web01 has 5 GiB" test "$(field web01 3)" = 5120
"${X[@]}" mem-set web01 2g >/dev/null

# ---- block-attach, block-detach -----------------------------------------
truncate -s 64M "$T/data.img"
(cd "$T" && "${X[@]}" block-attach web01 data.img xvdc ro) >"$T/out" 2>&1
if grep -q '^web01: xvdc attached (ro)$' "$T/out"; then ok "block-attach a relative file read-only"
else not_ok "block-attach a relative file:"; sed 's/^/#   /' "$T/out"; fi
out=$(vbd_line web01)
if grep -q '\[xvdc\]' <<<"$out" && grep -q '\[xvda\]' <<<"$out"; then ok "top -b -x shows the new xvdc next to xvda"
else not_ok "top -b -x: no xvdc for web01:"; sed 's/^/#   /' <<<"$out"; fi
one_line_err "the same vdev twice: refused" 1 "already has a device xvdc" "${X[@]}" block-attach web01 "$T/data.img" xvdc ro
one_line_err "a target attached read-only, now read-write elsewhere: refused" 1 "writable in one place only" "${X[@]}" block-attach web02 "$T/data.img" xvdd rw
one_line_err "a target that does not exist: refused" 1 "nope.img: No such file" "${X[@]}" block-attach web01 "$T/nope.img" xvdd
one_line_err "a directory as target: refused" 1 "not a file or a block device" "${X[@]}" block-attach web01 "$T" xvdd
ln -s "$T/data.img" "$T/link.img"
one_line_err "a symbolic link as target: refused (the one disk rule)" 1 "link.img is a symbolic link" "${X[@]}" block-attach web01 "$T/link.img" xvdd
if vbd_line web01 | grep -q '\[xvdd\]'; then not_ok "... xvdd was attached through the link"
else ok "... nothing attached through the link"; fi
one_line_err "xvda (the root disk): refused" 1 "already has a device xvda" "${X[@]}" block-attach web01 "$T/data.img" xvda
one_line_err "a bad vdev: usage" 2 "'sdb' is not a virtual device name" "${X[@]}" block-attach web01 "$T/data.img" sdb
one_line_err "a bad mode: usage" 2 "mode 'rx': use ro or rw" "${X[@]}" block-attach web01 "$T/data.img" xvdd rx
one_line_err "attach to a guest that does not exist" 1 "no such domain" "${X[@]}" block-attach web99 "$T/data.img" xvdd
one_line_err "attach to a stopped guest: refused" 1 "not running" "${X[@]}" block-attach test01 "$T/data.img" xvdd
one_line_err "detach the root disk: refused" 1 "root disk" "${X[@]}" block-detach web01 xvda
one_line_err "detach a device that is not there" 1 "web01 has no device xvdq" "${X[@]}" block-detach web01 xvdq
one_line_err "detach with a bad vdev: usage" 2 "not a virtual device name" "${X[@]}" block-detach web01 hda
check_out "block-detach web01 xvdc" "^web01: xvdc detached$" "${X[@]}" block-detach web01 xvdc
if vbd_line web01 | grep -q '\[xvdc\]'; then not_ok "xvdc still shown after detach"
else ok "top -b -x: xvdc gone after detach"; fi
check_out "read-write attach after the detach" "^web01: xvdd attached \(rw\)$" "${X[@]}" block-attach web01 "$T/data.img" xvdd
"${X[@]}" block-detach web01 xvdd >/dev/null

# ---- save and restore with explicit files --------------------------------
id1=$(field web02 2)
check_out "save web02 to a file" "^web02: saved to $T/web02.state$" "${X[@]}" save web02 "$T/web02.state"
check "the save file exists, mode 600" test "$(stat -c %a "$T/web02.state" 2>/dev/null)" = 600
check "web02 is gone from xdom list" test -z "$(field web02 2)"
if "${X[@]}" top -b -i 1 | grep -q '^ *web02 '; then not_ok "web02 still in top -b after save"
else ok "web02 is gone from top -b"; fi
one_line_err "save of a stopped guest: refused" 1 "web02 is not running" "${X[@]}" save web02 "$T/again.state"
one_line_err "save over an existing file: refused" 1 "save file .*exists" "${X[@]}" save web01 "$T/web02.state"
one_line_err "save into a missing directory: refused" 1 "directory does not exist" "${X[@]}" save web01 "$T/no/such/dir/x"
one_line_err "save of a guest that does not exist" 1 "no such domain" "${X[@]}" save web99 "$T/w99"
check "web01 still runs after the refused saves" test -n "$(field web01 2)"
check_out "restore web02 from its file" "^restored from $T/web02.state$" "${X[@]}" restore "$T/web02.state"
id2=$(field web02 2)
check "web02 runs again, with a new id ($id1 -> $id2)" test -n "$id2" -a "$id2" != "$id1"
one_line_err "restore into a running guest: refused" 1 "web02 is running" "${X[@]}" restore "$T/web02.state"
printf 'not a save file\n' >"$T/junk"
one_line_err "restore of a file that is no save file" 1 "not a saved guest" "${X[@]}" restore "$T/junk"
one_line_err "restore of a missing file" 1 "No such file" "${X[@]}" restore "$T/missing.state"
one_line_err "restore of a directory" 1 "not a saved guest" "${X[@]}" restore "$T/"
one_line_err "restore without a file: usage" 2 "restore" "${X[@]}" restore

# ---- save and restore through save_dir ----------------------------------
check_out "save db02 (no file: save_dir)" "^db02: saved to $T/save/db02.save$" "${X[@]}" save db02
check "save_dir was created, mode 700" test "$(stat -c %a "$T/save" 2>/dev/null)" = 700
check "db02 is gone from xdom list" test -z "$(field db02 2)"
check_out "restore db02 (a guest's name: its file in save_dir)" "^restored from $T/save/db02.save$" "${X[@]}" restore db02
check "db02 is back in xdom list" test -n "$(field db02 2)"
check "... its state was restored once: the file is gone" test ! -e "$T/save/db02.save"
one_line_err "restore of a name with no saved state" 1 "web01.save" "${X[@]}" restore web01
check_out "save web02 (save_dir)" "^web02: saved to $T/save/web02.save$" "${X[@]}" save web02
one_line_err "save again over its saved state: refused" 1 "web02 has a saved state already" "${X[@]}" save web02
cp "$T/save/web02.save" "$T/save/db02.save"
"${X[@]}" shutdown db02 >/dev/null 2>&1
one_line_err "restore db02 from a file holding web02: refused" 1 "holds another guest" "${X[@]}" restore db02
check "... web02 was not restored by it" test -z "$(field web02 2)"
check_out "restore web02 by name" "^restored from $T/save/web02.save$" "${X[@]}" restore web02

done_testing
