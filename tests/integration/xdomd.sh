#!/bin/bash
# xdomd.sh - the privileged helper against the sim backend, driven by real
# users: temporary accounts (created here, removed on exit) act through
# the helper backend with runuser, so xdomd learns who they are from the
# kernel. An owner does what the policy allows; another customer is
# refused everywhere else (odd names, path tricks, ids for names); the
# help-desk needs a reason; consoles and re-images work; hostile clients
# do not take the daemon down; every attempt is audited.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/xdomd.inc"

# ---- config, policy, daemon --------------------------------------------
cat >"$T/policy" <<EOF
# test policy
user:$UA   web01,db01  status,console,boot,shutdown,reboot,reset,reimage,pause,unpause
user:$UB   web02       all
group:$G   cust-*      status,console,reboot,reset   reason required
user:root  *           all
EOF
# The re-image backup step: logs its argv and whether the guest was still
# running, keeps a copy of the old image, fails when asked to.
cat >"$T/backup.sh" <<EOF
#!/bin/bash
state=stopped
XDOM_SIM_DIR='$XDOM_SIM_DIR' '$XDOM' --sim list | grep -q "^\$1 " && state=running
printf '%s %s\\n' "\$*" "\$state" >>'$T/backup.log'
[ -e '$T/backup-fail' ] && exit 3
[ -e '$T/backup-slow' ] && sleep 5
cp -- "\$2" '$T/backup-'"\$1"'.img'
echo finished >>'$T/backup.log'
EOF
chmod 755 "$T/backup.sh"
cat >"$T/xdom.conf" <<EOF
reimage_backup = "'$T/backup.sh' %n %d"
xen_shell_compat = yes
xen_shell_actions = "status,console,reboot"
client_request_timeout = 2
max_connections_per_user = 300
audit_syslog = no
front_user = $UF
EOF
"$XDOMD" --foreground --sim --config "$T/xdom.conf" --socket "$S" \
	--policy "$T/policy" --audit "$T/audit" 2>"$T/log" 9>"$T/inherited" &
DPID=$!
T_CLEANUP+=("kill $DPID 2>/dev/null; wait $DPID 2>/dev/null")
wait_up "$S" "$T/log"
if [ -S "$S" ] && kill -0 "$DPID" 2>/dev/null; then ok "xdomd listens on a private socket"
else not_ok "xdomd did not start:"; sed 's/^/#   /' "$T/log"; done_testing; exit 1; fi
check "socket mode is 0666 without socket_group" test "$(stat -c %a "$S")" = 666

# ---- hardening ---------------------------------------------------------
check "an inherited fd (9) was closed at start" test ! -e "/proc/$DPID/fd/9"
# The monitor keeps only what starting a front takes (setuid, setgid,
# sys_chroot, setpcap: bits 6, 7, 8, 18); the sim's actions need none.
check_out "root + sim backend: the monitor keeps only what starting a front takes" "capabilities: cap_setgid,cap_setuid,cap_setpcap,cap_sys_chroot=ep" cat "$T/log"
check_out "no_new_privs is set" "^NoNewPrivs:[[:space:]]+1" cat "/proc/$DPID/status"
check_out "bounding set: those four only" "^CapBnd:[[:space:]]+0+401c0$" cat "/proc/$DPID/status"
check_out "effective set: those four only" "^CapEff:[[:space:]]+0+401c0$" cat "/proc/$DPID/status"

# ---- identity ----------------------------------------------------------
check_out "whoami: the kernel's idea of $UA" "user=$UA backend=sim SIMULATED" as "$UA" "$CLIENT" "$S" whoami
check_out "whoami: help-desk is in group $G" "user=$UH .*groups=.*$G" as "$UH" "$CLIENT" "$S" whoami

# ---- seeing -------------------------------------------------------------
out=$(as "$UA" "$CLIENT" "$S" list 2>&1)
if [ "$(wc -l <<<"$out")" -eq 2 ] && grep -q '^web01 running' <<<"$out" && grep -q '^db01 running' <<<"$out"; then
	ok "list: the owner sees exactly web01 and db01"
else not_ok "list for $UA:"; sed 's/^/#   /' <<<"$out"; fi
out=$(as "$UA" "$XDOM" --config "$T/xdom.conf" --backend=helper --socket "$S" list 2>&1)
if grep -q '^web01 ' <<<"$out" && ! grep -Eq '^(web02|mail01|Domain-0) ' <<<"$out"; then
	ok "xdom --backend=helper list as $UA: own guests only"
else not_ok "xdom --backend=helper list as $UA:"; sed 's/^/#   /' <<<"$out" | head; fi
if grep -q SIMULATED <<<"$out"; then ok "helper backend says SIMULATED (the daemon's backend)"
else not_ok "helper backend says SIMULATED"; fi
out=$(as "$UA" "$CLIENT" "$S" stats 2>&1)
if grep -q '^dom web01$' <<<"$out" && [ "$(grep -c '^dom ' <<<"$out")" -eq 2 ] &&
	grep -q 'mem_total=0 pcpus=0' <<<"$out"; then
	ok "stats: two domains, no host-wide figures for a customer"
else not_ok "stats for $UA:"; sed 's/^/#   /' <<<"$out" | head; fi
check_out "stats: root (host right) gets host figures" 'mem_total=[1-9]' "$CLIENT" "$S" stats
out=$(as "$UH" "$CLIENT" "$S" list 2>&1)
if grep -q '^cust-alice-web running .*reset.* reason:.*reset' <<<"$out" && ! grep -q '^web01' <<<"$out"; then
	ok "list: help-desk sees cust-* with reset needing a reason"
else not_ok "list for $UH:"; sed 's/^/#   /' <<<"$out" | head; fi

# ---- owner acts --------------------------------------------------------
check_out "owner reboots own guest (xdom CLI via helper)" "web01" \
	as "$UA" "$XDOM" --config "$T/xdom.conf" --backend=helper --socket "$S" reboot web01
audited "owner's reboot" "user=\"$UA\" .*domain=\"web01\" action=reboot .*result=ok"
sleep 0.5
check "owner (as $UA) pauses db01" as "$UA" "$CLIENT" "$S" pause db01
check "owner (as $UA) unpauses db01" as "$UA" "$CLIENT" "$S" unpause db01
check "owner resets web01" as "$UA" "$CLIENT" "$S" reset web01
check_out "owner sees web01's status" "^web01 running" as "$UA" "$CLIENT" "$S" info web01
check "owner shuts web01 down" as "$UA" "$CLIENT" "$S" shutdown web01
for _ in $(seq 300); do as "$UA" "$CLIENT" "$S" info web01 2>/dev/null | grep -q '^web01 stopped' && break; sleep 0.1; done
check_out "... it stops" "^web01 stopped" as "$UA" "$CLIENT" "$S" info web01
check "owner boots web01 again" as "$UA" "$CLIENT" "$S" boot web01
check_out "... it runs" "^web01 running" as "$UA" "$CLIENT" "$S" info web01
audited "each of the owner's actions" "user=\"$UA\" .*domain=\"web01\" action=boot .*result=ok"
one_line "owner may not destroy (not granted)" 1 "web01: not allowed: destroy" as "$UA" "$CLIENT" "$S" destroy web01

# ---- another customer is refused everywhere -----------------------------
one_line "other customer: reboot of web01 refused (xdom CLI)" 1 "web01: not allowed: reboot" \
	as "$UB" "$XDOM" --config "$T/xdom.conf" --backend=helper --socket "$S" reboot web01
audited "the refusal" "user=\"$UB\" .*domain=\"web01\" action=reboot .*result=denied"
fails=0 tries=0
for dom in web01 db01 mail01 cust-alice-web Domain-0 test01; do
	for act in info boot shutdown reboot reset destroy pause unpause console reimage; do
		tries=$((tries + 1))
		if as "$UB" "$CLIENT" "$S" "$act" "$dom" >/dev/null 2>"$T/err"; then
			fails=$((fails + 1)); echo "# $UB could $act $dom"
		elif ! grep -q "not allowed" "$T/err"; then
			fails=$((fails + 1)); echo "# $UB $act $dom: $(cat "$T/err")"
		fi
	done
done
check "other customer refused on all $tries action/guest pairs" test "$fails" -eq 0
n=$(grep -c "user=\"$UB\" .*result=denied" "$T/audit")
check "all $tries refusals audited (found $n)" test "$n" -ge "$tries"
# Odd names, path tricks, ids for names: never act on anything.
fails=0
for name in '../web02' 'web02/..' '/web02' 'web02 ' ' web02' 'web02;id' '-rf' '.web02' \
	'WEB02' 'web0?' 'web0*' '2' '0' "$(printf 'web02\nx')" "$(printf 'web\033[2J')" \
	"$(printf 'w\xc3\xa9b')" "$(head -c 100 /dev/zero | tr '\0' a)"; do
	if as "$UA" "$CLIENT" "$S" destroy "$name" >/dev/null 2>&1; then
		fails=$((fails + 1)); echo "# destroy '$name' succeeded"
	fi
	if as "$UB" "$CLIENT" "$S" reboot "$name" >/dev/null 2>&1 && [ "$name" != web02 ]; then
		fails=$((fails + 1)); echo "# $UB reboot '$name' succeeded"
	fi
done
check "odd names, globs, paths and ids act on nothing" test "$fails" -eq 0
check_out "web02 still running after the tricks" '^web02 running' "$CLIENT" "$S" list
one_line "a bad name gets a clear one-line error" 1 "not a valid guest name" as "$UA" "$CLIENT" "$S" reboot '../web02'
out=$(as "$UB" "$CLIENT" "$S" ids "$(printf '../web\033[2J')" 2>&1)
audited "a bad name sent anyway is recorded, escaped" "user=\"$UB\" .*domain=\"\.\./web\\\\x1b\[2J\" action=reboot .*result=failed msg=\"invalid domain name"

# ---- ids are not names --------------------------------------------------
# A guest named like another's domain id: dns01 becomes "N" where N is
# web02's id ($UB's guest), and "N" is granted to $UA. Acting on "N" must
# mean the guest of that name, for both of them.
WID=$("$XDOM" --sim list | awk '$1 == "web02" {print $2}')
flock "$XDOM_SIM_DIR/lock" sed -i "s/^guest dns01 /guest $WID /" "$XDOM_SIM_DIR/state"
printf 'user:%s %s status,pause,unpause,reboot\n' "$UA" "$WID" >>"$T/policy"
hup
check_out "a guest named \"$WID\" (web02's id) is listed for $UA by that name" "^$WID running" as "$UA" "$CLIENT" "$S" info "$WID"
check "$UA pauses the guest named \"$WID\"" as "$UA" "$CLIENT" "$S" pause "$WID"
out=$("$XDOM" --sim list)
if awk -v n="$WID" '$1 == n && $5 ~ /p/ {f=1} END {exit !f}' <<<"$out" &&
	awk '$1 == "web02" && $5 !~ /p/ {f=1} END {exit !f}' <<<"$out"; then
	ok "... that guest is paused, domain $WID (web02) is not"
else not_ok "pause of \"$WID\" hit the wrong guest:"; grep -E "^(web02|$WID) " <<<"$out" | sed 's/^/#   /'; fi
check "$UA unpauses \"$WID\"" as "$UA" "$CLIENT" "$S" unpause "$WID"
one_line "$UB (owner of domain $WID, web02) may not act on the guest named \"$WID\"" 1 "$WID: not allowed: pause" as "$UB" "$CLIENT" "$S" pause "$WID"
one_line "$UB may not see the guest named \"$WID\" either" 1 "$WID: not allowed: status" as "$UB" "$CLIENT" "$S" info "$WID"
one_line "$UA's right on \"$WID\" is not a right on domain $WID" 1 "web02: not allowed: reboot" as "$UA" "$CLIENT" "$S" reboot web02
fails=0
for name in "0$WID" "+$WID" "$WID.0" "0x$WID" " $WID" "${WID}0"; do
	as "$UA" "$CLIENT" "$S" pause "$name" >/dev/null 2>&1 && { fails=$((fails + 1)); echo "# pause '$name' succeeded"; }
done
check "numbers spelled otherwise (0$WID, +$WID, 0x$WID...) match nothing" test "$fails" -eq 0
audited "the refused pause of \"$WID\"" "user=\"$UB\" .*domain=\"$WID\" action=pause .*result=denied"

# ---- help-desk and reasons ---------------------------------------------
one_line "help-desk reset without a reason: asked for one" 1 "reset needs a reason" \
	as "$UH" "$CLIENT" "$S" reset cust-alice-web
audited "the missing reason" "user=\"$UH\" .*action=reset reason=\"\" result=need-reason"
one_line "help-desk reset with a blank reason: asked for one" 1 "reset needs a reason" \
	as "$UH" "$CLIENT" "$S" reset cust-alice-web "   "
check "help-desk reset with a reason" as "$UH" "$CLIENT" "$S" reset cust-alice-web "ticket 4711"
audited "the reason lands in the audit file" "user=\"$UH\" .*domain=\"cust-alice-web\" action=reset reason=\"ticket 4711\" result=ok"
one_line "help-desk may not re-image" 1 "not allowed: reimage" as "$UH" "$CLIENT" "$S" reimage cust-alice-db shutdown
one_line "help-desk may not destroy" 1 "not allowed: destroy" as "$UH" "$CLIENT" "$S" destroy cust-alice-db "ticket 1"
# A process holding the help-desk gid (as after a set-gid program or
# newgrp) is not a member: rights come from the user database.
GG=$(getent group "$G" | cut -d: -f3)
out=$(setpriv --reuid="$UB" --regid="$GG" --clear-groups "$CLIENT" "$S" whoami 2>&1)
if grep -q "user=$UB " <<<"$out" && ! grep -q "groups=.*$G" <<<"$out"; then
	ok "a process with gid $G but not in the group: not a member"
else not_ok "gid without membership:"; sed 's/^/#   /' <<<"$out"; fi
one_line "... and it gets no help-desk right" 1 "cust-alice-web: not allowed: reset" \
	setpriv --reuid="$UB" --regid="$GG" --clear-groups "$CLIENT" "$S" reset cust-alice-web "ticket 1"
check "a hostile reason cannot forge audit lines" as "$UH" "$CLIENT" "$S" reboot cust-bob-shop "$(printf 't1" result=ok\nforged=1')"
if grep -q '^forged' "$T/audit"; then not_ok "audit line forged by a reason"
else audited "the hostile reason, escaped" 'reason="t1\\x22 result=ok\\x0aforged=1"'; fi

# ---- xen-shell owners ---------------------------------------------------
sleep 0.3
check_out "xen_shell owner: alice's guests name 'alice', not $UA" "not allowed" as "$UA" "$CLIENT" "$S" info cust-alice-web
sed -i "s/^xen_shell = .*/xen_shell = 'nobody, $UA'/" "$XDOM_SIM_DIR/xen/cust-carol-blog.cfg"
check_out "xen_shell = '..., $UA' makes $UA an owner (status)" "^cust-carol-blog running" as "$UA" "$CLIENT" "$S" info cust-carol-blog
one_line "owner from xen_shell gets only xen_shell_actions" 1 "not allowed: reimage" as "$UA" "$CLIENT" "$S" reimage cust-carol-blog shutdown
# Hostile and odd xen_shell values, each as the whole cfg of cust-carol-dev
# (kept running): which ones make $UA an owner. Anything unparsable,
# cut off, a pattern, a prefix or a list names nobody.
CFG=$XDOM_SIM_DIR/xen/cust-carol-dev.cfg
cp "$CFG" "$T/carol-dev.cfg.orig"
long=$(head -c 600 /dev/zero | tr '\0' x)
huge=$(head -c 200000 /dev/zero | tr '\0' y)
owner_case() {	# WANT(yes|no) DESC CFG-TEXT
	local want=$1 what=$2 got=no
	printf '%s\n' "$3" >"$CFG"
	as "$UA" "$CLIENT" "$S" info cust-carol-dev >/dev/null 2>&1 && got=yes
	if [ "$got" = "$want" ]; then ok "xen_shell: $what: owner=$want"
	else not_ok "xen_shell: $what: owner=$got, want $want"; fi
}
owner_case yes "double quotes" "xen_shell = \"$UA\""
owner_case yes "commas, blanks and tabs" "$(printf "xen_shell = ' nobody ,\t%s ,, root '" "$UA")"
owner_case yes "among other keys and comments" "$(printf "# hi\nname = \"cust-carol-dev\"\nxen_shell = 'nobody, %s' # owners\nmemory = 512" "$UA")"
owner_case no "a longer name ($UA + x)" "xen_shell = '${UA}x'"
owner_case no "a shorter name" "xen_shell = '${UA%?}'"
owner_case no "another case" "xen_shell = '${UA^^}'"
owner_case no "a glob" "xen_shell = 'xdt*'"
owner_case no "a lone star" "xen_shell = '*'"
owner_case no "quotes inside the value" "xen_shell = '\"$UA\"'"
owner_case no "shell metacharacters" "xen_shell = '$UA;id'"
owner_case no "an unterminated quote (cfg does not parse)" "xen_shell = '$UA"
owner_case no "a list, not a string" "xen_shell = [ '$UA' ]"
owner_case no "a later key replaces the first" "$(printf "xen_shell = '%s'\nxen_shell = 'nobody'" "$UA")"
owner_case no "another key's name (XEN_SHELL)" "XEN_SHELL = '$UA'"
owner_case no "a value too long to keep (600 bytes, then the name)" "xen_shell = '$long, $UA'"
# Cut at 511 bytes, "..., ${UA}zzz" would end in exactly "$UA".
pad=$(head -c $((509 - ${#UA})) /dev/zero | tr '\0' p)
owner_case no "a long list whose cut-off would end in the name" "xen_shell = '$pad, ${UA}zzz'"
owner_case no "a 200 kB line (cfg refused)" "xen_shell = '$huge $UA'"
owner_case no "empty" "xen_shell = ''"
owner_case no "a control byte glued to the name" "$(printf "xen_shell = '%s\001'" "$UA")"
rm -f "$CFG"
owner_case_missing=no
as "$UA" "$CLIENT" "$S" info cust-carol-dev >/dev/null 2>&1 && owner_case_missing=yes
check "xen_shell: no cfg file at all: owner=no" test "$owner_case_missing" = no
mkdir "$CFG"
check "xen_shell: a cfg that is a directory: owner=no" bash -c "! runuser -u $UA -- '$CLIENT' '$S' info cust-carol-dev >/dev/null 2>&1"
rmdir "$CFG"
cp "$T/carol-dev.cfg.orig" "$CFG"
check "xen_shell: the daemon survived every cfg" kill -0 "$DPID"

# ---- console ------------------------------------------------------------
sleep 1
out=$(as "$UA" "$CLIENT" "$S" console web01 2>&1)
if grep -q "not written yet" <<<"$out"; then
	skip "console fd passing" "the sim backend has no console yet"
elif grep -q "saw login:" <<<"$out"; then ok "console: fd passed, the guest's login prompt read"
else not_ok "console as $UA:"; sed 's/^/#   /' <<<"$out" | head -5; fi
one_line "console of another's guest refused" 1 "not allowed: console" as "$UB" "$CLIENT" "$S" console web01

# ---- SysRq: a right of its own ------------------------------------------
# $UA has console on web01 but not sysrq (SysRq o powers a guest off); the
# help-desk group has console on cust-* but not sysrq; $UB has all.
one_line "sysrq with the console right only: refused" 1 "web01: not allowed: sysrq" as "$UA" "$CLIENT" "$S" sysrq web01 s
one_line "help-desk sysrq (console, no sysrq): refused" 1 "not allowed: sysrq" as "$UH" "$CLIENT" "$S" sysrq cust-alice-web s
check_out "sysrq with the sysrq right (all): sent" "web02: sent SysRq s" as "$UB" "$CLIENT" "$S" sysrq web02 s
audited "the refused SysRq" "user=\"$UA\" .*domain=\"web01\" action=sysrq .*result=denied"
audited "the sent SysRq" "user=\"$UB\" .*domain=\"web02\" action=sysrq .*result=ok"

# ---- re-image -----------------------------------------------------------
one_line "re-image of a running guest refused without shutdown" 1 "is running" as "$UA" "$CLIENT" "$S" reimage db01
as "$UA" "$CLIENT" "$S" reimage db01 shutdown >"$T/ri.out" 2>&1 &
RPID=$!
# under way once it reports progress (or it ended: a reply)
for _ in $(seq 300); do
	grep -q . "$T/ri.out" 2>/dev/null && break
	kill -0 "$RPID" 2>/dev/null || break
	sleep 0.1
done
as "$UA" "$CLIENT" "$S" reimage db01 shutdown >"$T/ri2.out" 2>&1
"$CLIENT" "$S" reboot db01 >"$T/lock1.out" 2>&1; lock1=$?
"$CLIENT" "$S" reboot web01 >"$T/lock2.out" 2>&1; lock2=$?
kill -0 "$RPID" 2>/dev/null; still=$?
wait "$RPID"; rc=$?
if [ "$still" -ne 0 ]; then
	skip "the domain lock holds against other users" "the re-image finished before the check (slow machine)"
elif [ "$lock1" -eq 1 ] && grep -q "db01: busy" "$T/lock1.out" && [ "$lock2" -eq 0 ]; then
	ok "meanwhile root's reboot of db01 is refused as busy; web01 is not locked"
else
	not_ok "domain lock: reboot db01 exit $lock1, reboot web01 exit $lock2:"; sed 's/^/#   /' "$T/lock1.out" "$T/lock2.out"
fi
if grep -q "not written yet" "$T/ri.out"; then
	skip "re-image progress" "the sim backend has no re-image yet"
	skip "one re-image per guest at a time" "the sim backend has no re-image yet"
elif [ "$still" -ne 0 ] && ! grep -q "busy" "$T/ri2.out"; then
	skip "one re-image per guest at a time" "the first re-image finished before the check (slow machine)"
elif ! grep -q "busy" "$T/ri2.out"; then
	not_ok "a second re-image of the same guest meanwhile: not refused as busy:"
	sed 's/^/#   /' "$T/ri2.out" | tail -3
else
	ok "a second re-image of the same guest meanwhile: busy"
fi
if grep -q "not written yet" "$T/ri.out"; then
	:
elif [ "$rc" -eq 0 ] && [ "$(grep -c '^progress' "$T/ri.out")" -ge 3 ] && grep -q '^reimaged' "$T/ri.out"; then
	ok "re-image streams progress ($(grep -c '^progress' "$T/ri.out") messages) then succeeds"
else not_ok "re-image (exit $rc):"; sed 's/^/#   /' "$T/ri.out" | tail -5; fi
audited "the re-image result" "user=\"$UA\" .*domain=\"db01\" action=reimage .*result=(ok|failed)"

# ---- re-image: the backup step --------------------------------------------
IMG=$XDOM_SIM_DIR/images/db01.img
check "db01 boots again" as "$UA" "$CLIENT" "$S" boot db01
for _ in $(seq 300); do "$XDOM" --sim list | grep -q '^db01 ' && break; sleep 0.1; done
printf 'OLD-IMAGE-4711' | dd of="$IMG" bs=1 seek=8192 conv=notrunc status=none
: >"$T/backup.log"
as "$UA" "$CLIENT" "$S" reimage db01 shutdown >"$T/ri4.out" 2>&1; rc=$?
check "re-image with a backup step succeeds (exit $rc)" test "$rc" -eq 0
check_out "the backup got the name and the disk image, with the guest stopped (never a running guest's disk)" "^db01 $IMG stopped\$" cat "$T/backup.log"
check "... and ran once, to the end" test "$(grep -c '^db01 ' "$T/backup.log") $(grep -c '^finished$' "$T/backup.log")" = "1 1"
check "... and before the image was overwritten (the copy holds the old image)" grep -q OLD-IMAGE-4711 "$T/backup-db01.img"
check "the new image replaced the old one" bash -c "! grep -q OLD-IMAGE-4711 '$IMG'"
order=$(grep -o '^progress [0-9]* [a-z ]*' "$T/ri4.out" | cut -d' ' -f3- | uniq | tr '\n' '|')
case $order in
"shutting down|backup|"*writing*) ok "progress: shutting down, backup, then the re-image itself" ;;
*) not_ok "progress order: $order" ;;
esac
touch "$T/backup-fail"
printf 'NEW-IMAGE-4712' | dd of="$IMG" bs=1 seek=8192 conv=notrunc status=none
one_line "a failing backup stops the re-image" 1 "db01: backup failed, image left as it was: .*status 3" as "$UA" "$CLIENT" "$S" reimage db01
check "... and the image is left as it was" grep -q NEW-IMAGE-4712 "$IMG"
audited "the failed backup" "user=\"$UA\" .*domain=\"db01\" action=reimage .*result=failed msg=\"db01: backup failed"
rm -f "$T/backup-fail"
# A slow backup: the client keeps hearing from xdomd, so it does not give
# up on a silent daemon; a client that leaves meanwhile stops it.
touch "$T/backup-slow"
: >"$T/backup.log"
as "$UA" "$CLIENT" "$S" reimage db01 >"$T/ri5.out" 2>&1; rc=$?
n=$(grep -c '^progress 0 backup$' "$T/ri5.out")
check "a 5 s backup: progress repeated while it runs ($n messages), then done (exit $rc)" \
	test "$rc" -eq 0 -a "$n" -ge 3
printf 'NEW-IMAGE-4713' | dd of="$IMG" bs=1 seek=8192 conv=notrunc status=none
: >"$T/backup.log"
re="user=\"$UA\" .*domain=\"db01\" action=reimage .*result=ok .*client went away"
n=$(audit_count "$re")
as "$UA" "$CLIENT" "$S" reimage-drop-backup db01 >/dev/null 2>&1
# A running action is never killed because its client left: the backup
# goes on to its end, the re-image too, and the result is audited.
for _ in $(seq 300); do grep -q '^db01 ' "$T/backup.log" && break; sleep 0.1; done
wait_audit "$re" "$n"
check "a client leaving during the backup: the backup still runs to its end" \
	bash -c "grep -q '^db01 ' '$T/backup.log' && grep -q finished '$T/backup.log'"
check "... and the re-image is done (the image was replaced)" bash -c "! grep -q NEW-IMAGE-4713 '$IMG'"
audited "... and its result says the client went away" "$re"
audited "... after a record that it started" "user=\"$UA\" .*domain=\"db01\" action=reimage .*result=started"
rm -f "$T/backup-slow"

# ---- hostile clients ----------------------------------------------------
check_out "garbage: error reply, connection closed" "error -7: .*version.*closed" as "$UB" "$CLIENT" "$S" garbage
check_out "oversized length: refused, closed" "error -9: .*over the limit.*closed" as "$UB" "$CLIENT" "$S" oversize
check_out "a reply type sent as a request: refused" "error -7: .*not a request.*closed" as "$UB" "$CLIENT" "$S" badtype
check_out "wrong protocol version: refused" "error -7: .*version 9.*closed" as "$UB" "$CLIENT" "$S" badver
check_out "a NUL inside a name on the wire: refused, closed" "error -7: .*malformed reboot.*closed" as "$UB" "$CLIENT" "$S" nulname
check_out "a 300-byte name on the wire: refused by the request's own size limit, closed" "error -9: message of [0-9]+ bytes is over the limit of 272.*closed" as "$UB" "$CLIENT" "$S" longname
check_out "a string longer than its message: refused, closed" "error -7: .*malformed reboot.*closed" as "$UB" "$CLIENT" "$S" hugestr
check "web02 untouched by the malformed names" bash -c "! grep -q 'user=\"$UB\" .*domain=\"web02\" action=reboot .*result=ok' '$T/audit'"
out=$(as "$UB" "$CLIENT" "$S" ids web02 2>&1)
if [ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "answer 0x8001 id 41 answer 0x8002 id 42 answer 0x8007 id 43 " ]; then
	ok "pipelined requests: each answer carries its request's id (loop and worker)"
else not_ok "answers and ids:"; sed 's/^/#   /' <<<"$out"; fi
# A slow action (the sim host's lock held for 5 s) is kept alive: progress
# with the request's id, then its answer; the client library skips it.
flock "$XDOM_SIM_DIR/lock" sleep 5 &
LPID=$!
sleep 0.2
out=$(as "$UB" "$CLIENT" "$S" ids web02 2>&1)
wait "$LPID"
n=$(grep -c '^answer 0xff02 id 43$' <<<"$out")
if [ "$n" -ge 1 ] && [ "$(tail -1 <<<"$out")" = "answer 0x8007 id 43" ]; then
	ok "a 5 s reboot is kept alive ($n progress messages with its id), then answered"
else not_ok "keep-alive of a slow action:"; sed 's/^/#   /' <<<"$out"; fi
flock "$XDOM_SIM_DIR/lock" sleep 5 &
LPID=$!
sleep 0.2
check "... and the client library waits through it" as "$UB" "$CLIENT" "$S" reboot web02
wait "$LPID"
check_out "truncated frame: daemon unharmed" "sent and left" as "$UB" "$CLIENT" "$S" truncated
check_out "a client that never reads its answers is dropped (one answer buffered at most)" "xdomd hung up" as "$UB" "$CLIENT" "$S" noread 3000
audited "... and the drop" "user=\"$UB\" .*action=timeout .*did not read its reply"
check_out "slow sender: timed out, closed" "error -10: .*not completed in time.*closed" as "$UB" "$CLIENT" "$S" slow
check_out "200 connections at once" "opened 200" as "$UB" "$CLIENT" "$S" flood 200
check_out "320 connections at once (20 over the per-user limit)" "opened 320" as "$UB" "$CLIENT" "$S" flood 320 1
audited "a connection over the per-user limit" "user=\"$UB\" .*action=connect .*result=busy msg=\"too many connections from this user\""
# The fd count once earlier clients are gone (the same for 0.5 s).
same=0 base=-1
for _ in $(seq 50); do
	n=$(ls "/proc/$DPID/fd" | wc -l)
	if [ "$n" -eq "$base" ]; then same=$((same + 1)); else same=0 base=$n; fi
	[ "$same" -ge 5 ] && break
	sleep 0.1
done
check "a client vanishes holding a console" as "$UA" "$CLIENT" "$S" console-drop web01
for _ in $(seq 300); do
	n=$(ls "/proc/$DPID/fd" | wc -l)
	[ "$n" -le "$base" ] && break
	sleep 0.1
done
check "... xdomd keeps nothing of it ($n fds, $base before)" test "$n" -le "$base"
check_out "... and the console works for the next client" "saw login:" as "$UA" "$CLIENT" "$S" console web01
re="user=\"$UA\" .*domain=\"db01\" action=reimage .*result=ok msg=\"\(client went away\)"
n=$(audit_count "$re")
as "$UA" "$CLIENT" "$S" reimage-drop db01 shutdown >/dev/null 2>&1
if wait_audit "$re" "$n"; then ok "audit: a re-image whose client left completes and says so"
else not_ok "audit: a re-image whose client left: no new /$re/ line"; tail -5 "$T/audit" | sed 's/^/#   /'; fi
check_out "after all that, whoami still answers" "user=$UB" as "$UB" "$CLIENT" "$S" whoami
check "the daemon is still running" kill -0 "$DPID"
# No worker left behind (sim consoles are the guests' own, not ours).
for _ in $(seq 150); do
	kids=$(pgrep -P "$DPID" | wc -l)
	[ "$kids" -eq 0 ] && break
	sleep 0.2
done
check "no stray worker processes" test "$kids" -eq 0
audited "protocol violations are audited" "user=\"$UB\" .*result=bad-request"
n=$(grep -c "" "$T/audit")
check "audit lines are whole ($n lines, all well formed)" test "$(grep -Evc '^time=[0-9TZ:-]+ uid=[0-9]+ user="[^"]*" pid=[0-9]+ domain="[^"]*" action=[a-z]+ reason="[^"]*" result=[a-z-]+( msg="[^"]*")?$' "$T/audit")" -eq 0

# ---- log rotation ---------------------------------------------------------
mv "$T/audit" "$T/audit.1"
n1=$(wc -l <"$T/audit.1")
kill -HUP "$DPID"
for _ in $(seq 30); do [ -e "$T/audit" ] && break; sleep 0.1; done
as "$UB" "$CLIENT" "$S" whoami >/dev/null 2>&1
check_out "SIGHUP reopens the audit file (after rotation)" "user=\"$UB\" .*action=whoami" cat "$T/audit"
check "... and the rotated file got nothing more" test "$(wc -l <"$T/audit.1")" -eq "$n1"
cat "$T/audit.1" "$T/audit" >"$T/audit.all" && mv "$T/audit.all" "$T/audit"
hup

# ---- policy reload -------------------------------------------------------
one_line "before reload: $UB may not see web01" 1 "not allowed: status" as "$UB" "$CLIENT" "$S" info web01
printf 'user:%s web01 status\n' "$UB" >>"$T/policy"
hup
check_out "SIGHUP reloads the policy" "^web01 " as "$UB" "$CLIENT" "$S" info web01
printf 'user:%s web01 fly\n' "$UB" >>"$T/policy"
hup
check_out "a malformed reload is reported" "policy not reloaded.*unknown action 'fly'" cat "$T/log"
check_out "... and the old policy kept" "^web01 " as "$UB" "$CLIENT" "$S" info web01
sed -i '$d' "$T/policy"
chmod 666 "$T/policy"
hup
check_out "a reload from a policy made world-writable is refused" "policy not reloaded.*writable by others" cat "$T/log"
chmod 644 "$T/policy"

# ---- clean stop ----------------------------------------------------------
kill -TERM "$DPID"
for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
wait "$DPID"; rc=$?
check "SIGTERM: xdomd stops cleanly (exit $rc)" test "$rc" -eq 0
check "SIGTERM: the socket is removed" test ! -e "$S"
if grep -Eq 'Sanitizer|runtime error' "$T/log"; then
	not_ok "xdomd's log has sanitizer reports:"; grep -E -A5 'Sanitizer|runtime error' "$T/log" | head -20 | sed 's/^/#   /'
else ok "no sanitizer reports from xdomd"; fi

# ---- policy errors and start-up ----------------------------------------
printf 'user:x web01 boot\nuser:y web01 fly\n' >"$T/bad.policy"
one_line "malformed policy: refused with file:line" 1 "bad.policy:2: unknown action 'fly'" \
	"$XDOMD" --foreground --sim --socket "$T/other.sock" --policy "$T/bad.policy"
check "nothing listens after a policy error" test ! -e "$T/other.sock"
one_line "a missing policy: refused" 1 "nope" "$XDOMD" --check --policy "$T/nope"
# Only a policy nobody else can change is taken.
P=$T/pol
mkdir -m 755 "$P" "$P/ok" "$P/open" "$P/sticky"
chmod 777 "$P/open"; chmod 1777 "$P/sticky"
printf 'user:%s web01 all\n' "$UB" >"$P/ok/policy"
cp "$P/ok/policy" "$P/open/policy"; cp "$P/ok/policy" "$P/sticky/policy"
cp "$P/ok/policy" "$P/ok/world"; chmod 666 "$P/ok/world"
cp "$P/ok/policy" "$P/ok/group"; chmod 664 "$P/ok/group"
cp "$P/ok/policy" "$P/ok/theirs"; chown "$UB" "$P/ok/theirs"
ln -s ../ok/world "$P/sticky/link"
check_out "a root-owned 0644 policy is taken" "1 rules; config ok" "$XDOMD" --check --policy "$P/ok/policy"
one_line "a world-writable policy: refused" 1 "world: writable by others than its owner \(mode 0666\)" "$XDOMD" --check --policy "$P/ok/world"
one_line "a group-writable policy: refused" 1 "group: writable by others" "$XDOMD" --check --policy "$P/ok/group"
one_line "a policy owned by a customer: refused" 1 "theirs: owned by uid [0-9]+, not by root" "$XDOMD" --check --policy "$P/ok/theirs"
one_line "a policy in a world-writable directory: refused" 1 "$P/open: writable by others" "$XDOMD" --check --policy "$P/open/policy"
check_out "a policy in a sticky shared directory is taken" "config ok" "$XDOMD" --check --policy "$P/sticky/policy"
one_line "a symlink to a world-writable policy: refused (the target is checked)" 1 "$P/ok/world: writable" "$XDOMD" --check --policy "$P/sticky/link"
cp "$T/xdom.conf" "$P/ok/xdom.conf"; chmod 666 "$P/ok/xdom.conf"
one_line "a world-writable xdom.conf (it names the re-image command): refused" 1 "xdom.conf: writable by others" "$XDOMD" --check --config "$P/ok/xdom.conf" --policy "$P/ok/policy"
"$XDOMD" --foreground --sim --socket "$S" --policy "$T/policy" 2>"$T/log2" &
D2=$!
T_CLEANUP+=("kill $D2 2>/dev/null")
wait_up "$S" "$T/log2"
one_line "a second daemon on the same socket: refused" 1 "already listening" \
	"$XDOMD" --foreground --sim --socket "$S" --policy "$T/policy"
kill "$D2" 2>/dev/null

# ---- audit to syslog ------------------------------------------------------
# xdomd in its own mount namespace whose /dev/log is our stand-in syslog.
SL=$T/syslog
"$CLIENT" "$SL.sock" syslog-sink "$SL.txt" 60 &
SINK=$!
T_CLEANUP+=("kill $SINK 2>/dev/null")
for _ in $(seq 50); do [ -S "$SL.sock" ] && break; sleep 0.1; done
printf 'audit_syslog = yes\n' >"$T/syslog.conf"
mkdir "$T/realdev"
unshare -m --propagation private bash -c '
	T=$1; shift
	mount --rbind /dev "$T/realdev" &&
	mount -t tmpfs -o mode=755,size=64k tmpfs /dev || exit 1
	for n in null zero random urandom; do
		touch "/dev/$n" && mount --bind "$T/realdev/$n" "/dev/$n" || exit 1
	done
	ln -s "$T/syslog.sock" /dev/log
	exec "$@"' _ "$T" "$XDOMD" --foreground --sim --config "$T/syslog.conf" \
	--socket "$T/sl.sock" --policy "$T/policy" 2>"$T/sllog" &
SLPID=$!
T_CLEANUP+=("kill $SLPID 2>/dev/null")
if wait_up "$T/sl.sock" "$T/sllog"; then
	as "$UA" "$CLIENT" "$T/sl.sock" whoami >/dev/null 2>&1
	as "$UB" "$CLIENT" "$T/sl.sock" reboot web01 "ticket 9" >/dev/null 2>&1
	for _ in $(seq 300); do grep -q "action=reboot" "$SL.txt" 2>/dev/null && break; sleep 0.1; done
	check_out "syslog: an allowed request, at authpriv.info" "^<86>.*xdomd.*uid=[0-9]+ user=\"$UA\" .*action=whoami .*result=ok" cat "$SL.txt"
	check_out "syslog: a refusal with its reason, at authpriv.notice" "^<85>.*xdomd.*user=\"$UB\" .*domain=\"web01\" action=reboot reason=\"ticket 9\" result=denied" cat "$SL.txt"
	check "syslog: one line per request" test "$(grep -c 'time=' "$SL.txt")" -eq 2
else
	not_ok "xdomd with a stand-in /dev/log did not start:"; sed 's/^/#   /' "$T/sllog" | head -5
fi
kill "$SLPID" "$SINK" 2>/dev/null

# ---- socket_group ---------------------------------------------------------
printf 'socket_group = %s\naudit_syslog = no\nclient_idle_timeout = 1\nmax_requests_per_user = 1\n' "$G" >"$T/group.conf"
"$XDOMD" --foreground --sim --config "$T/group.conf" --socket "$T/g.sock" \
	--policy "$T/policy" 2>"$T/glog" &
GPID=$!
T_CLEANUP+=("kill $GPID 2>/dev/null")
wait_up "$T/g.sock" "$T/glog"
check "socket_group: socket mode 0660, group $G" test "$(stat -c '%a %G' "$T/g.sock")" = "660 $G"
check_out "socket_group: a member connects" "user=$UH" as "$UH" "$CLIENT" "$T/g.sock" whoami
check_out "socket_group: others cannot even connect" "cannot reach xdomd.*ermission denied" as "$UA" "$CLIENT" "$T/g.sock" whoami
check_out "an idle connection closed by xdomd is reopened by the client" "second whoami: user=$UH" \
	as "$UH" "$CLIENT" "$T/g.sock" whoami-twice 2
"$CLIENT" "$T/g.sock" reimage cust-carol-dev >"$T/ri3.out" 2>&1 &
RPID=$!
for _ in $(seq 300); do
	grep -q . "$T/ri3.out" 2>/dev/null && break
	kill -0 "$RPID" 2>/dev/null || break
	sleep 0.1
done
"$CLIENT" "$T/g.sock" reboot web02 >"$T/out" 2>"$T/err" </dev/null; rc=$?
kill -0 "$RPID" 2>/dev/null; still=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "too many requests at once" "$T/err"; then
	ok "per-user limit: a second concurrent action is refused"
elif [ "$still" -ne 0 ] && [ "$rc" -eq 0 ]; then
	skip "per-user limit: a second concurrent action is refused" "the first finished before the check (slow machine)"
else
	not_ok "per-user limit: reboot meanwhile exit $rc:"; sed 's/^/#   /' "$T/err" | head -3
fi
wait "$RPID"
check_out "... while the first completes" "^reimaged" cat "$T/ri3.out"
kill "$GPID" 2>/dev/null

# ---- unprivileged daemon -----------------------------------------------
U=$T/unpriv
mkdir -m 755 "$U" && chown "$UA" "$U"
printf 'user:%s web01 all\n' "$UA" >"$U/policy"
# setpriv execs in place (runuser would stay as a parent that does not
# pass signals on): $! is xdomd itself, so it can be stopped.
setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups \
	env XDOM_SIM_DIR="$U/sim" "$XDOMD" --foreground --sim --socket "$U/sock" \
	--policy "$U/policy" 2>"$U/log" &
UPID=$!
T_CLEANUP+=("kill $UPID 2>/dev/null")
wait_up "$U/sock" "$U/log"
check_out "xdomd runs as an ordinary user" "user=$UA" as "$UA" "$CLIENT" "$U/sock" whoami
check_out "... and still checks its policy" "not allowed" as "$UA" "$CLIENT" "$U/sock" info web02
# To anyone else it is a fake daemon: a non-root listener on the path.
one_line "a client refuses a daemon that is not root (another user's listener)" 1 "runs as uid [0-9]+, not root: not xdomd, refused" as "$UB" "$CLIENT" "$U/sock" whoami
check_out "... with no capabilities" "capabilities: none" cat "$U/log"
kill "$UPID" 2>/dev/null
for _ in $(seq 50); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.1; done
check "the unprivileged xdomd stops on SIGTERM" bash -c "! kill -0 $UPID 2>/dev/null"

done_testing
