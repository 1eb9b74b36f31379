#!/bin/bash
# xdomd_privsep.sh - xdomd's privilege separation, as real users against a
# real xdomd on the sim backend: the process that reads a client's bytes
# is an unprivileged, sandboxed front (not root, no capabilities,
# no_new_privs, seccomp); an action whose audit record cannot be written
# is refused and nothing is done; a FIFO at the audit path does not wedge
# the daemon; consoles are relayed, limited per user and end when their
# right ends; rights are read again on an open connection; connection
# budgets per uid keep a reserve for uids not yet connected.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/xdomd.inc"

cat >"$T/policy" <<EOF
user:$UA   web01,db01  status,console,boot,shutdown,reboot,reset,pause,unpause
user:$UB   web02       all
group:$G   cust-*      status,console,reboot,reset   reason required
EOF
cat >"$T/xdom.conf" <<EOF
front_user = $UF
audit_syslog = no
max_consoles_per_user = 2
client_request_timeout = 30
EOF
"$XDOMD" --foreground --sim --config "$T/xdom.conf" --socket "$S" \
	--policy "$T/policy" --audit "$T/audit" 2>"$T/log" &
DPID=$!
T_CLEANUP+=("kill $DPID 2>/dev/null; wait $DPID 2>/dev/null")
if wait_up "$S" "$T/log" && kill -0 "$DPID" 2>/dev/null; then ok "xdomd listens"
else not_ok "xdomd did not start:"; sed 's/^/#   /' "$T/log"; done_testing; exit 1; fi

# ---- who reads a client's bytes ------------------------------------------
# holders PID: the processes holding the other end of PID's sockets.
holders() {
	local ino
	for ino in $(ls -l "/proc/$1/fd" 2>/dev/null | grep -o 'socket:\[[0-9]*\]' | grep -o '[0-9]*'); do
		ss -xpn | awk -v i="$ino" '$8 == i' | grep -o 'pid=[0-9]*' | cut -d= -f2
	done | sort -u
}
status_of() { grep -E "^$2:" "/proc/$1/status" | awk '{print $2}'; }
as "$UA" "$CLIENT" "$S" flood 2 15 >/dev/null &
HPID=$!
sleep 1
CPID=$(pgrep -u "$UA" -f "xdomd_client .* flood 2 15" | head -1)
pids=$(holders "$CPID")
if [ -z "$pids" ]; then
	not_ok "no process found holding the client's socket"
else
	bad=0
	for p in $pids; do
		u=$(status_of "$p" Uid) ce=$(status_of "$p" CapEff) cb=$(status_of "$p" CapBnd)
		nnp=$(status_of "$p" NoNewPrivs) sc=$(status_of "$p" Seccomp)
		echo "# pid $p: uid $u CapEff $ce CapBnd $cb NoNewPrivs $nnp Seccomp $sc"
		if [ "$p" = "$DPID" ] || [ "$u" != "$(id -u "$UF")" ] || [ "$ce" != 0000000000000000 ] ||
			[ "$cb" != 0000000000000000 ] || [ "$nnp" != 1 ] || [ "$sc" != 2 ]; then
			bad=$((bad + 1))
		fi
	done
	check "the process holding a client's socket is a front: uid $UF, no capabilities, no_new_privs, seccomp" test "$bad" -eq 0
	p=$(head -1 <<<"$pids")
	check "... not the monitor, but its child" test "$(status_of "$p" PPid)" = "$DPID"
	check "... chrooted to an empty directory" test "$(readlink "/proc/$p/root")" = /run/xdom/empty
fi
# One front per uid: a second customer gets a front of its own.
as "$UB" "$CLIENT" "$S" flood 2 15 >/dev/null &
H2=$!
sleep 1
C2=$(pgrep -u "$UB" -f "xdomd_client .* flood 2 15" | head -1)
p2=$(holders "$C2")
check "another uid's connection is held by another front" test -n "$p2" -a "$p2" != "$pids"
kill "$HPID" "$H2" 2>/dev/null; wait "$HPID" "$H2" 2>/dev/null

# ---- rights are read again on an open connection --------------------------
: >"$T/rt.out"
as "$UH" "$CLIENT" "$S" reset-twice cust-alice-web "ticket 1" 4 >"$T/rt.out" 2>&1 &
RT=$!
for _ in $(seq 100); do grep -q '^first' "$T/rt.out" && break; sleep 0.1; done
gpasswd -d "$UH" "$G" >/dev/null
wait "$RT"
check_out "help-desk reset on a connection: done while in $G" "^first: done" cat "$T/rt.out"
check_out "... refused on the same connection once removed from $G" "^second: cust-alice-web: not allowed: reset" cat "$T/rt.out"
gpasswd -a "$UH" "$G" >/dev/null
sleep 1.5	# groups are cached for a second at most

# ---- consoles: relayed, limited, revoked ----------------------------------
# hold_console USER GUEST REASON OUT: a console held (30 s at most) in the
# background, $HELD its job, once it is open.
hold_console() {
	as "$1" "$CLIENT" "$S" console-hold "$2" "$3" 30 >"$4" 2>&1 &
	HELD=$!
	for _ in $(seq 100); do grep -q 'console open' "$4" && break; sleep 0.1; done
}
hold_console "$UA" web01 "" "$T/c1.out"; C1=$HELD
hold_console "$UA" db01 "" "$T/c2.out"; C2=$HELD
check "two consoles open (the limit is 2)" test "$(cat "$T/c1.out" "$T/c2.out" | grep -c 'console open')" -eq 2
one_line "a third console of the same user: refused" 1 "too many consoles open \(at most 2 per user\)" \
	as "$UA" "$CLIENT" "$S" console web01
audited "the console's opening" "user=\"$UA\" .*domain=\"web01\" action=console .*result=ok"
kill "$(pgrep -u "$UA" -f "xdomd_client .* console-hold web01")" 2>/dev/null; wait "$C1" 2>/dev/null
for _ in $(seq 100); do grep -q "user=\"$UA\" .*action=console .*result=closed" "$T/audit" && break; sleep 0.1; done
audited "a console whose client left: closed" "user=\"$UA\" .*domain=\"web01\" action=console .*result=closed msg=\"the client left\""
check_out "... and its slot is free again" "saw login:" as "$UA" "$CLIENT" "$S" console web01
kill "$(pgrep -u "$UA" -f "xdomd_client .* console-hold db01")" 2>/dev/null; wait "$C2" 2>/dev/null
# The help-desk's console ends when a policy reload takes the right away.
hold_console "$UH" cust-alice-web "ticket 2" "$T/c3.out"; C3=$HELD
check_out "help-desk console open (with a reason)" "console open" cat "$T/c3.out"
sed -i "/^group:/d" "$T/policy"
hup
wait "$C3"
check_out "... ended by xdomd once the policy is reloaded without the right" "console ended by xdomd" cat "$T/c3.out"
audited "... and the end is audited" "user=\"$UH\" .*domain=\"cust-alice-web\" action=console .*result=closed msg=\"right ended"
printf 'group:%s   cust-*      status,console,reboot,reset   reason required\n' "$G" >>"$T/policy"
hup
# A console ends when its guest is gone.
hold_console "$UA" web01 "" "$T/c4.out"; C4=$HELD
"$XDOM" --sim destroy web01 >/dev/null 2>&1
wait "$C4"
check_out "a console ends when its guest is destroyed" "console ended by xdomd" cat "$T/c4.out"
audited "... audited" "user=\"$UA\" .*domain=\"web01\" action=console .*result=closed msg=\"the guest(.s console ended| stopped| runs as another domain now)\""
"$XDOM" --sim boot web01 >/dev/null 2>&1
# ... and when it reboots into another domain (what was typed for the old
# one never reaches the new one).
for _ in $(seq 100); do "$XDOM" --sim list | grep -q '^web01 ' && break; sleep 0.1; done
sleep 1
hold_console "$UA" web01 "" "$T/c5.out"; C5=$HELD
"$XDOM" --sim reboot web01 >/dev/null 2>&1
wait "$C5"
check_out "a console ends when its guest reboots into another domain" "console ended by xdomd" cat "$T/c5.out"
audited "... audited" "user=\"$UA\" .*domain=\"web01\" action=console .*result=closed msg=\"the guest runs as another domain now\""

# ---- the audit file: a FIFO swapped in ------------------------------------
mv "$T/audit" "$T/audit.keep"
mkfifo "$T/audit"
kill -HUP "$DPID"
for _ in $(seq 100); do grep -q "audit file not reopened" "$T/log" && break; sleep 0.1; done
check_out "a FIFO at the audit path on SIGHUP: refused, not opened" "audit file not reopened.*not a regular file" cat "$T/log"
check_out "... and the daemon is not wedged" "user=$UB" timeout 10 runuser -u "$UB" -- "$CLIENT" "$S" whoami
rm -f "$T/audit"
mv "$T/audit.keep" "$T/audit"
kill -HUP "$DPID"
mkfifo "$T/fifo"
one_line "xdomd will not start with a FIFO as its audit file" 1 "audit.*fifo: not a regular file" \
	timeout 10 "$XDOMD" --foreground --sim --socket "$T/f.sock" --policy "$T/policy" --audit "$T/fifo"

# ---- audit first, fail closed: a full disk ---------------------------------
mkdir "$T/full"
if mount -t tmpfs -o size=64k,mode=755 tmpfs "$T/full" 2>/dev/null; then
	T_CLEANUP+=("umount '$T/full' 2>/dev/null")
	"$XDOMD" --foreground --sim --config "$T/xdom.conf" --socket "$T/full.sock" \
		--policy "$T/policy" --audit "$T/full/audit" 2>"$T/full.log" &
	FPID=$!
	T_CLEANUP+=("kill $FPID 2>/dev/null")
	wait_up "$T/full.sock" "$T/full.log"
	dd if=/dev/zero of="$T/full/fill" bs=4k 2>/dev/null
	before=$("$XDOM" --sim list | awk '$1 == "db01" {print $5}')
	one_line "audit file on a full disk: an action is refused" 1 "db01: audit log unavailable: action refused|audit log unavailable: action refused" \
		as "$UA" "$CLIENT" "$T/full.sock" pause db01
	after=$("$XDOM" --sim list | awk '$1 == "db01" {print $5}')
	check "... and nothing was done to the guest (state '$before', then '$after')" test "$before" = "$after" -a "${after#*p}" = "$after"
	check_out "... while reads still answer" "^db01 running" as "$UA" "$CLIENT" "$T/full.sock" info db01
	rm -f "$T/full/fill"
	check "with room again, the action is done" as "$UA" "$CLIENT" "$T/full.sock" pause db01
	check "... and its start and result are in the audit file" grep -q 'action=pause reason="" result=started' "$T/full/audit"
	as "$UA" "$CLIENT" "$T/full.sock" unpause db01 >/dev/null 2>&1
	kill "$FPID" 2>/dev/null
else
	skip "audit file on a full disk" "cannot mount a tmpfs here"
fi

# another_daemon NAME CONF-LINES: a second xdomd on $T/NAME.sock with the
# fronts' user and these settings, auditing to $T/NAME.audit; $OTHER is
# its pid.
another_daemon() {
	printf 'audit_syslog = no\nfront_user = %s\n%s\n' "$UF" "$2" >"$T/$1.conf"
	"$XDOMD" --foreground --sim --config "$T/$1.conf" --socket "$T/$1.sock" \
		--policy "$T/policy" --audit "$T/$1.audit" 2>"$T/$1.log" &
	OTHER=$!
	T_CLEANUP+=("kill $OTHER 2>/dev/null")
	wait_up "$T/$1.sock" "$T/$1.log"
}

# ---- audit volume: one uid is rate-limited --------------------------------
another_daemon rate "$(printf 'audit_rate = 5\naudit_burst = 20')"
RPID=$OTHER
for i in $(seq 60); do as "$UB" "$CLIENT" "$T/rate.sock" reboot web01 >/dev/null 2>&1; done
n=$(grep -c "user=\"$UB\"" "$T/rate.audit")
check "60 refusals by one user in a burst: at most burst + rate lines written ($n)" test "$n" -ge 20 -a "$n" -le 40
check "another user is still audited" as "$UA" "$CLIENT" "$T/rate.sock" reboot web01
check_out "... its action recorded" "user=\"$UA\" .*action=reboot .*result=ok" cat "$T/rate.audit"
sleep 1
as "$UB" "$CLIENT" "$T/rate.sock" whoami >/dev/null 2>&1
check_out "the lines left out are counted" "user=\"$UB\" .*action=audit .*result=suppressed msg=\"[0-9]+ lines" cat "$T/rate.audit"
kill "$RPID" 2>/dev/null

# ---- connections: per-uid budget and a reserve for new uids ---------------
another_daemon conn "$(printf 'max_connections = 40\nmax_connections_per_user = 30\nreserve_connections = 8\nclient_request_timeout = 60')"
NPID=$OTHER
as "$UA" "$CLIENT" "$T/conn.sock" flood 32 20 >/dev/null &
F1=$!
sleep 2
as "$UB" "$CLIENT" "$T/conn.sock" flood 10 20 >/dev/null &
F2=$!
sleep 2
check_out "per-uid budget: $UA's connections over 30 refused" "user=\"$UA\" .*action=connect .*too many connections from this user" cat "$T/conn.audit"
check_out "reserve: $UB, already connected, cannot take the last 8 slots" "user=\"$UB\" .*action=connect .*xdomd has too many connections" cat "$T/conn.audit"
check_out "... so a uid not yet connected still gets in" "user=$UH" as "$UH" "$CLIENT" "$T/conn.sock" whoami
kill "$F1" "$F2" 2>/dev/null; wait "$F1" "$F2" 2>/dev/null
kill "$NPID" 2>/dev/null

check "the daemon is still running" kill -0 "$DPID"
kill -TERM "$DPID"
wait "$DPID"; rc=$?
check "SIGTERM: xdomd stops cleanly (exit $rc)" test "$rc" -eq 0
if grep -Eq 'Sanitizer|runtime error' "$T/log"; then
	not_ok "xdomd's log has sanitizer reports:"; grep -E -A5 'Sanitizer|runtime error' "$T/log" | head -20 | sed 's/^/#   /'
else ok "no sanitizer reports from xdomd"; fi

done_testing
