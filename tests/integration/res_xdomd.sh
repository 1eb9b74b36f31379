#!/bin/bash
# res_xdomd.sh - vcpus, memory, maxmem, block attach/detach, save and
# restore through xdomd (sim backend) as temporary test users: the `xdom`
# CLI with --backend=helper and xdom-shell. An owner granted the actions
# does each of them; a customer without them is refused each one; the
# help-desk needs a reason; bad values get one-line errors; images come
# only from the admin's block_dir and save files go only to its save_dir,
# whatever the client sends; every request is audited.
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "resource actions through xdomd as different users" "not root: creating temporary test users needs root (run as root or in CI)"
	done_testing
	exit
fi

sim_tmpdir
unset XDOM_BACKEND
T=$(mktemp -d "${TMPDIR:-/tmp}/xdomd-res.XXXXXX")
chmod 755 "$T"
T_CLEANUP+=("rm -rf '$T'")
UA=xdr$$a UB=xdr$$b UH=xdr$$h G=xdr$$g
S=$T/sock

quiet() { "$@" >/dev/null 2>&1; }
T_CLEANUP+=("userdel $UA 2>/dev/null; userdel $UB 2>/dev/null; userdel $UH 2>/dev/null; groupdel $G 2>/dev/null; groupdel $UA 2>/dev/null; groupdel $UB 2>/dev/null; groupdel $UH 2>/dev/null")
stale_ids "$UA" "$UB" "$UH" "$G"
if ! quiet retry3 groupadd "$G" || ! quiet retry3 useradd -M -s /usr/sbin/nologin "$UA" ||
	! quiet retry3 useradd -M -s /usr/sbin/nologin "$UB" ||
	! quiet retry3 useradd -M -s /usr/sbin/nologin -G "$G" "$UH"; then
	not_ok "creating test users $UA $UB $UH and group $G"
	done_testing
	exit 1
fi
ok "test users $UA (owner), $UB (customer without resource rights), $UH (help-desk)"
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }

# ---- config, policy, images, daemon -------------------------------------
mkdir -p "$T/disks/web01" "$T/disks/web02" "$T/disks/db01"
truncate -s 32M "$T/disks/web01/data.img" "$T/disks/web02/other.img" "$T/secret.img"
ln -s "$T/secret.img" "$T/disks/web01/link.img"
mkdir "$T/disks/web01/dir.img"
cat >"$T/policy" <<EOF
user:$UA   web01,db01  status,boot,shutdown,vcpus,memory,maxmem,block,save,restore
user:$UB   web02       status,boot,shutdown,reboot,console,reimage
group:$G   cust-*      status,vcpus,memory   reason required
user:root  *           all
EOF
cat >"$T/xdom.conf" <<EOF
audit_syslog = no
save_dir = $T/save
block_dir = $T/disks
socket = $S
EOF
"$XDOMD" --foreground --sim --config "$T/xdom.conf" --socket "$S" \
	--policy "$T/policy" --audit "$T/audit" 2>"$T/log" &
DPID=$!
T_CLEANUP+=("kill $DPID 2>/dev/null; wait $DPID 2>/dev/null")
for _ in $(seq 300); do [ -S "$S" ] && break; sleep 0.1; done
if [ -S "$S" ] && kill -0 "$DPID" 2>/dev/null; then ok "xdomd listens on a private socket"
else not_ok "xdomd did not start:"; sed 's/^/#   /' "$T/log"; done_testing; exit 1; fi

XH=("$XDOM" --config "$T/xdom.conf" --backend=helper --socket "$S")
SH=("$XDOM_SHELL" --config "$T/xdom.conf" --socket "$S")
XR=("$XDOM" --config "$T/xdom.conf" --sim)	# root's direct view

one_line() {	# DESC RC REGEX CMD...: exit RC, exactly one stderr line
	local what=$1 want=$2 re=$3 rc n
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	n=$(wc -l <"$T/err")
	if [ "$rc" -eq "$want" ] && [ "$n" -eq 1 ] && grep -Eq -- "$re" "$T/err"; then
		ok "$what"
	else
		not_ok "$what: exit $rc (want $want), $n lines, /$re/:"
		sed 's/^/#   /' "$T/err" "$T/out" | head -5
	fi
}
audited() {	# DESC REGEX
	if grep -Eq -- "$2" "$T/audit"; then ok "audit: $1"
	else not_ok "audit: $1: /$2/ not in the audit file"; tail -3 "$T/audit" | sed 's/^/#   /'; fi
}
field() { "${XR[@]}" list 2>/dev/null | awk -v n="$1" -v c="$2" '$1 == n { print $c }'; }
vbds() { "${XR[@]}" top -b -i 1 -x 2>/dev/null | awk -v n="$1" '$1 == n { on = 1; next } /^ / { on = 0 } on'; }

# ---- vcpus, memory, maxmem: the xdom CLI through xdomd ------------------
check_out "owner: vcpu-set web01 1 (xdom --backend=helper)" "^web01: 1 vcpu online" as "$UA" "${XH[@]}" vcpu-set web01 1
check "... the host shows 1 vcpu" test "$(field web01 4)" = 1
audited "the vcpus change" "user=\"$UA\" .*domain=\"web01\" action=vcpus .*result=ok"
one_line "owner: more vcpus than the maximum" 1 "at most 2 vcpus" as "$UA" "${XH[@]}" vcpu-set web01 5
check_out "owner: mem-set web01 1g" "^web01: memory 1g" as "$UA" "${XH[@]}" mem-set web01 1g
check "... the host shows 1024 MiB" test "$(field web01 3)" = 1024
one_line "owner: memory above the maximum" 1 "above web01's maximum" as "$UA" "${XH[@]}" mem-set web01 9g
check_out "owner: mem-max web01 3g" "^web01: maximum memory 3g" as "$UA" "${XH[@]}" mem-max web01 3g
one_line "owner: maximum below the memory" 1 "lower it with mem-set first" as "$UA" "${XH[@]}" mem-max web01 512m
one_line "owner: a bad size never reaches xdomd" 2 "unknown unit" as "$UA" "${XH[@]}" mem-set web01 3q
one_line "customer without the right: vcpu-set refused" 1 "web02: not allowed: vcpus" as "$UB" "${XH[@]}" vcpu-set web02 1
one_line "customer without the right: mem-set refused" 1 "web02: not allowed: memory" as "$UB" "${XH[@]}" mem-set web02 1g
one_line "customer without the right: mem-max refused" 1 "web02: not allowed: maxmem" as "$UB" "${XH[@]}" mem-max web02 3g
one_line "owner: another's guest refused" 1 "web02: not allowed: vcpus" as "$UA" "${XH[@]}" vcpu-set web02 1
one_line "owner: a guest that does not exist" 1 "not allowed|no such" as "$UA" "${XH[@]}" vcpu-set web77 1
check "web02 untouched by the refusals" test "$(field web02 4)" = 2 -a "$(field web02 3)" = 2048
audited "the refusal" "user=\"$UB\" .*domain=\"web02\" action=vcpus .*result=denied"

# ---- the same through xdom-shell ------------------------------------------
check_out "shell: vcpus 2 web01" "^web01: 2 vcpus online" as "$UA" "${SH[@]}" -c "vcpus 2 web01"
check "... the host shows 2 vcpus" test "$(field web01 4)" = 2
check_out "shell: memory 1536 web01 (growing: no question)" "^web01: memory 1536m" as "$UA" "${SH[@]}" -c "memory 1536 web01"
out=$(echo n | as "$UA" "${SH[@]}" -c "memory 512m web01" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "Shrink web01's memory from 1536m to 512m" <<<"$out" && grep -q "not confirmed" <<<"$out" &&
	[ "$(field web01 3)" = 1536 ]; then ok "shell: shrinking memory asks first; 'n' changes nothing"
else not_ok "shell: shrinking memory, declined (exit $rc):"; sed 's/^/#   /' <<<"$out"; fi
out=$(echo y | as "$UA" "${SH[@]}" -c "memory 512m web01" 2>&1)
if [ "$(field web01 3)" = 512 ]; then ok "shell: shrinking memory after 'y'"
else not_ok "shell: shrinking memory after 'y':"; sed 's/^/#   /' <<<"$out"; fi
one_line "shell: vcpus 0" 2 "vcpus: give a whole number" as "$UA" "${SH[@]}" -c "vcpus 0 web01"
one_line "shell: vcpus with a word" 2 "vcpus: give a whole number" as "$UA" "${SH[@]}" -c "vcpus lots web01"
one_line "shell: memory with a bad size" 2 "memory: size '1,5g'" as "$UA" "${SH[@]}" -c "memory 1,5g web01"
one_line "shell: maxmem above the host, no host figures without the host right" 1 "the host cannot give it that much memory now" as "$UA" "${SH[@]}" -c "maxmem 2t web01"
if grep -Eq '[0-9]+[kmgt]\b' "$T/err"; then not_ok "... the refusal shows a size:"; sed 's/^/#   /' "$T/err"
else ok "... and no size of the host's in it"; fi
one_line "root (host right): the same refusal with the host's memory" 1 "above the host's memory of [0-9]+[kmgt]" "${XH[@]}" mem-max web01 2t
one_line "shell: customer without the right" 1 "not allowed: vcpus" as "$UB" "${SH[@]}" -c "vcpus 1 web02"
help_a=$(as "$UA" "${SH[@]}" -c help 2>&1)
help_b=$(as "$UB" "${SH[@]}" -c help 2>&1)
if grep -q '^  vcpus N' <<<"$help_a" && grep -q '^  save ' <<<"$help_a" && grep -q '^  attach ' <<<"$help_a"; then
	ok "shell help offers the resource commands to an owner granted them"
else not_ok "shell help for $UA:"; sed 's/^/#   /' <<<"$help_a" | head -30; fi
if ! grep -Eq '^  (vcpus|memory|maxmem|attach|detach|save|restore) ' <<<"$help_b" && grep -q '^  reboot ' <<<"$help_b"; then
	ok "shell help offers none of them to a customer without them"
else not_ok "shell help for $UB:"; sed 's/^/#   /' <<<"$help_b" | head -30; fi

# ---- help-desk: reason required -----------------------------------------
one_line "help-desk: vcpus without a reason (CLI): refused" 1 "reason" as "$UH" "${XH[@]}" vcpu-set cust-alice-db 1
out=$(echo "ticket 77" | as "$UH" "${SH[@]}" -c "vcpus 1 cust-alice-db" 2>&1); rc=$?
if [ "$rc" -eq 0 ] && grep -q "Reason" <<<"$out" && [ "$(field cust-alice-db 4)" = 1 ]; then
	ok "help-desk: the shell asks for a reason, then sets vcpus"
else not_ok "help-desk vcpus with a reason (exit $rc):"; sed 's/^/#   /' <<<"$out"; fi
audited "the reason" "user=\"$UH\" .*domain=\"cust-alice-db\" action=vcpus reason=\"ticket 77\" result=ok"
check_out "help-desk: --reason on the line" "cust-alice-db: memory 1g" bash -c "echo y | runuser -u $UH -- ${SH[*]} -c \"memory 1g cust-alice-db --reason 'ticket 78'\""
one_line "help-desk: no block right" 1 "not allowed: block" as "$UH" "${SH[@]}" -c "attach data.img xvdc cust-alice-db --reason t"

# ---- block devices: images from block_dir only -----------------------------
check_out "shell: attach data.img xvdc ro web01" "^web01: data.img attached as xvdc \(read-only\)" as "$UA" "${SH[@]}" -c "attach data.img xvdc ro web01"
out=$(vbds web01)
if grep -q '\[xvdc\]' <<<"$out"; then ok "... top -b -x shows xvdc on web01"
else not_ok "... no xvdc for web01:"; sed 's/^/#   /' <<<"$out"; fi
if "${XR[@]}" top -b -i 1 -x 2>/dev/null | grep -q secret; then not_ok "a secret path shows"; fi
audited "the attach" "user=\"$UA\" .*domain=\"web01\" action=attach .*result=ok"
one_line "attach: a path is no image name (shell)" 2 "not an image name" as "$UA" "${SH[@]}" -c "attach ../web02/other.img xvdd web01"
one_line "attach: an absolute path (xdom CLI)" 1 "not a path" as "$UA" "${XH[@]}" block-attach web01 "$T/secret.img" xvdd
one_line "attach: another guest's image is not there" 1 "no image 'other.img'" as "$UA" "${SH[@]}" -c "attach other.img xvdd web01"
one_line "attach: a symbolic link in block_dir is refused" 1 "link.img" as "$UA" "${SH[@]}" -c "attach link.img xvdd web01"
one_line "attach: a directory is refused" 1 "not a file or a block device" as "$UA" "${SH[@]}" -c "attach dir.img xvdd web01"
one_line "attach: the same vdev twice" 1 "already has a device xvdc" as "$UA" "${SH[@]}" -c "attach data.img xvdc ro web01"
one_line "attach: a bad vdev" 2 "'hdb' is not a virtual device name" as "$UA" "${SH[@]}" -c "attach data.img hdb web01"
one_line "attach: customer without the block right" 1 "not allowed: block" as "$UB" "${SH[@]}" -c "attach other.img xvdd web02"
one_line "detach: the root disk" 1 "root disk" bash -c "echo y | runuser -u $UA -- ${SH[*]} -c 'detach xvda web01'"
one_line "detach: a device that is not there" 1 "no device xvdq" bash -c "echo y | runuser -u $UA -- ${SH[*]} -c 'detach xvdq web01'"
out=$(echo n | as "$UA" "${SH[@]}" -c "detach xvdc web01" 2>&1)
if grep -q "not confirmed" <<<"$out" && vbds web01 | grep -q '\[xvdc\]'; then ok "detach: declined, xvdc stays"
else not_ok "detach declined:"; sed 's/^/#   /' <<<"$out"; fi
out=$(echo y | as "$UA" "${SH[@]}" -c "detach xvdc web01" 2>&1)
if grep -q "web01: xvdc detached" <<<"$out" && ! vbds web01 | grep -q '\[xvdc\]'; then ok "detach: confirmed, xvdc gone"
else not_ok "detach confirmed:"; sed 's/^/#   /' <<<"$out"; fi
check_out "attach through the xdom CLI by image name" "^web01: xvde attached \(rw\)" as "$UA" "${XH[@]}" block-attach web01 data.img xvde
check_out "detach through the xdom CLI" "^web01: xvde detached" as "$UA" "${XH[@]}" block-detach web01 xvde

# ---- save and restore: save_dir only ----------------------------------------
out=$(echo n | as "$UA" "${SH[@]}" -c "save web01" 2>&1)
if grep -q "not confirmed" <<<"$out" && [ -n "$(field web01 2)" ]; then ok "save: declined, web01 still runs"
else not_ok "save declined:"; sed 's/^/#   /' <<<"$out"; fi
one_line "save: customer without the right" 1 "not allowed: save" bash -c "echo y | runuser -u $UB -- ${SH[*]} -c 'save web02'"
one_line "save: a file from the client is refused (xdom CLI)" 1 "give no file" as "$UA" "${XH[@]}" save web01 /tmp/x.save
check "... and nothing was written there" test ! -e /tmp/x.save
out=$(echo y | as "$UA" "${SH[@]}" -c "save web01" 2>&1)
if grep -q "web01: saved and stopped" <<<"$out" && [ -z "$(field web01 2)" ]; then ok "save: web01 saved, gone from the list"
else not_ok "save:"; sed 's/^/#   /' <<<"$out"; fi
check "the save file is in save_dir, root's, mode 600" test "$(stat -c '%U %a' "$T/save/web01.save" 2>/dev/null)" = "root 600"
check "save_dir was made 0700" test "$(stat -c %a "$T/save")" = 700
audited "the save" "user=\"$UA\" .*domain=\"web01\" action=save .*result=ok"
one_line "save: a stopped guest" 1 "has a saved state already|not running" bash -c "echo y | runuser -u $UA -- ${SH[*]} -c 'save web01'"
# ---- restore trusts nothing in the file ------------------------------------
cp "$T/save/web01.save" "$T/web01.good"
cp "$T/save/web01.save" "$T/save/db01.save"	# db01's name, web01's state
one_line "restore: a save file holding another guest is refused" 1 "holds another guest" as "$UA" "${SH[@]}" -c "restore db01"
check "... web01 was not restored by it" test -z "$(field web01 2)"
check "... db01 runs as before" test -n "$(field db01 2)"
rm -f "$T/save/db01.save"
sed 's|^end$|vbd xvdd rw /etc/shadow\nend|' "$T/web01.good" >"$T/save/web01.save"
one_line "restore: a save file naming /etc/shadow as a disk is refused" 1 "names a disk that is refused" as "$UA" "${SH[@]}" -c "restore web01"
check "... web01 stays stopped, nothing attached" test -z "$(field web01 2)"
sed "s|^end\$|vbd xvdd rw $T/disks/web01/link.img\nend|" "$T/web01.good" >"$T/save/web01.save"
one_line "restore: a save file naming a symbolic link in block_dir is refused" 1 "names a disk that is refused" as "$UA" "${XH[@]}" restore web01
check "... the state is kept for the admin" test -s "$T/save/web01.save"
cp "$T/web01.good" "$T/save/web01.save"
one_line "restore: customer without the right" 1 "not allowed: restore" as "$UB" "${SH[@]}" -c "restore web02"
one_line "restore: a guest with no saved state" 1 "db01 has no saved state|db01 is running" as "$UA" "${SH[@]}" -c "restore db01"
check_out "restore web01 (shell)" "^web01: restored, running again" as "$UA" "${SH[@]}" -c "restore web01"
check "... web01 runs again" test -n "$(field web01 2)"
check "... its save file is gone" test ! -e "$T/save/web01.save"
one_line "restore: twice" 1 "no saved state" as "$UA" "${SH[@]}" -c "restore web01"
check_out "save through the xdom CLI (no file)" "^web01: saved$" as "$UA" "${XH[@]}" save web01
check_out "restore through the xdom CLI by name" "^web01: restored$" as "$UA" "${XH[@]}" restore web01
one_line "restore through the xdom CLI: a path is not a name" 1 "not a valid guest name" as "$UA" "${XH[@]}" restore "$T/save/web01.save"
# ---- the dashboard through xdomd (xdom --backend=helper top) ----------------
if command -v tmux >/dev/null; then
	TM=(tmux -L "xdomtest-$$-resx" -f /dev/null)
	T_CLEANUP+=("${TM[*]} kill-server 2>/dev/null")
	cap() { "${TM[@]}" capture-pane -p; }
	keys() { "${TM[@]}" send-keys "$@"; }
	text() { "${TM[@]}" send-keys -l "$1"; }
	wait_screen() {
		local n=$(($1 * 10)) i
		for ((i = 0; i < n; i++)); do
			if cap | grep -Eq -- "$2"; then return 0; fi
			sleep 0.1
		done
		return 1
	}
	screen_ok() {
		if wait_screen "${3:-20}" "$2"; then ok "$1"
		else not_ok "$1: /$2/ not on screen:"; cap | sed 's/^/#   /' | head -12; fi
	}
	a() { keys a; wait_screen 20 '^Action: ' >/dev/null; keys "$1"; }
	"${TM[@]}" new-session -d -x 200 -y 40 \
		"$(printf '%q ' runuser -u "$UA" -- "${XH[@]}" top --no-settings -d 1); echo EXITED=\$?; sleep 60"
	"${TM[@]}" set-option -g status off >/dev/null 2>&1
	screen_ok "dashboard through xdomd as $UA" 'Quit' 20
	keys /; text web01; keys Enter
	screen_ok "... filtered to web01" 'Filter: web01 \(1\)'
	a v; text 1; keys Enter
	screen_ok "dashboard via xdomd: vcpus 1" '^vcpus web01: 1 vcpu online'
	check "... the host shows 1 vcpu" test "$(field web01 4)" = 1
	a b
	screen_ok "dashboard via xdomd: attach asks for an image, not a path" '^Attach to web01 \(IMAGE VDEV \[ro\|rw\]; it has xvda\)'
	text "$T/secret.img xvdf"; keys Enter
	screen_ok "dashboard via xdomd: a path is refused" "not an image name"
	a b; text "data.img xvdf"; keys Enter
	screen_ok "dashboard via xdomd: image attached" '^attach web01: xvdf attached \(rw\)'
	a w
	screen_ok "dashboard via xdomd: save asks y/N, no file" '^Save web01 \(it stops; restore brings it back\)\? \(y/N\)'
	keys y
	screen_ok "dashboard via xdomd: saved" '^save web01: saved; it stopped'
	check "... into save_dir" test -s "$T/save/web01.save"
	keys /; sleep 0.2; keys Escape; sleep 0.3
	a l
	screen_ok "dashboard via xdomd: restore offers the guest just saved" '^Restore guest: web01'
	keys Enter
	screen_ok "dashboard via xdomd: restored" '^restore web01: restored; it runs again'
	check "... web01 runs again" test -n "$(field web01 2)"
	keys q
	screen_ok "... q leaves, exit 0" 'EXITED=0'
	"${TM[@]}" kill-server 2>/dev/null
else
	skip "the dashboard through xdomd" "tmux is not installed"
fi
check "the daemon is still running" kill -0 "$DPID"
n=$(grep -Evc '^time=[0-9TZ:-]+ uid=[0-9]+ user="[^"]*" pid=[0-9]+ domain="[^"]*" action=[a-z]+ reason="[^"]*" result=[a-z-]+( msg="[^"]*")?$' "$T/audit")
check "audit lines are whole ($n malformed)" test "$n" -eq 0
kill -TERM "$DPID"; wait "$DPID" 2>/dev/null
if grep -Eq 'Sanitizer|runtime error' "$T/log"; then
	not_ok "xdomd's log has sanitizer reports:"; grep -E -A5 'Sanitizer|runtime error' "$T/log" | head -20 | sed 's/^/#   /'
else ok "no sanitizer reports from xdomd"; fi

done_testing
