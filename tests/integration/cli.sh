#!/bin/bash
# cli.sh - the `xdom` command line against the real binary and the sim
# backend: list, actions, sysrq, console under tmux (terminal restored, guest
# destroyed mid-session), stats --stream, and one-line errors for bad
# input.
source "$(dirname "$0")/../lib.sh"

sim_tmpdir
export XDOM_SIM_DELAY_MS=300
unset XDOM_BACKEND
T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-cli.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
# A config that names no backend, so a host's /etc/xdom/xdom.conf can't
# change what these tests see.
: >"$T/empty.conf"
X=("$XDOM" --config "$T/empty.conf" --sim)


# one_line_err DESC RC REGEX CMD...: CMD exits RC, prints exactly one
# line on stderr matching REGEX, and was not killed by a signal.
one_line_err() {
	local what=$1 want=$2 re=$3 rc lines
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$re" "$T/err"; then
		ok "$what (exit $rc: $(head -c 120 "$T/err"))"
	else
		not_ok "$what: exit $rc (want $want), $lines stderr lines (want 1), /$re/:"
		sed 's/^/#   /' "$T/err" | head -5
	fi
}

quiet() { "$@" >/dev/null 2>&1; }

dom_id() {	# NAME: its ID in xdom list, empty when not listed
	"${X[@]}" list 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}

# ---- list --------------------------------------------------------------
out=$("${X[@]}" list 2>&1)
rc=$?
check "xdom --sim list exits 0" test "$rc" -eq 0
if grep -q SIMULATED <<<"$(head -1 <<<"$out")"; then ok "list: first line says SIMULATED"
else not_ok "list: first line says SIMULATED: $(head -1 <<<"$out")"; fi
if grep -Pq '^Name {40}ID   Mem VCPUs\tState\tTime\(s\)$' <<<"$out"; then ok "list: xl list's header"
else not_ok "list: xl list's header"; sed 's/^/#   /' <<<"$out" | head -3; fi
for d in Domain-0 web01 web02 db01 cust-alice-web; do
	if grep -Eq "^$d +[0-9]+ +[0-9]+ +[0-9]+ +[r-][b-][p-][s-][c-][d-] +[0-9]+\.[0-9]$" <<<"$out"; then
		ok "list shows $d in xl's columns"
	else
		not_ok "list shows $d in xl's columns"
	fi
done
if awk 'NR > 2 && $1 == "Domain-0" && $2 == 0 { f = 1 } END { exit !f }' <<<"$out"; then
	ok "list: Domain-0 has id 0"
else not_ok "list: Domain-0 has id 0"; fi
check_out "list NAME lists just that domain" '^web02 ' "${X[@]}" list web02
n=$("${X[@]}" list web01 db01 | grep -c -E '^(web01|db01) ')
check "list NAME NAME lists both" test "$n" -eq 2

# ---- actions -----------------------------------------------------------
check_out "shutdown web01 is accepted" '^web01: shutting down' "${X[@]}" shutdown web01
# As on Xen, the guest takes a moment: listed (still up, or with the s
# flag) or already gone, but never crashed or dying.
st=$("${X[@]}" list | awk '$1 == "web01" { print $5 }')
if [ -z "$st" ] || [[ $st =~ ^[r-][b-][p-][s-]--$ ]]; then
	ok "right after shutdown web01 is shutting down or gone (${st:-gone})"
else not_ok "right after shutdown web01 is shutting down or gone: state $st"; fi
gone() { [ -z "$(dom_id web01)" ]; }
check "web01 is gone within 5 s" wait_for 5 gone

id0=$(dom_id web02)
check_out "reboot web02 is accepted" '^web02: rebooting' "${X[@]}" reboot web02
back() { local id; id=$(dom_id web02); [ -n "$id" ] && [ "$id" != "$id0" ]; }
if wait_for 5 back; then ok "reboot gives web02 a new id ($id0 -> $(dom_id web02))"
else not_ok "reboot gives web02 a new id (was $id0, now '$(dom_id web02)')"; fi

check "boot web01 again" quiet "${X[@]}" boot web01
check "web01 runs again" wait_for 5 test -n "$(dom_id web01)"
check_out "pause db01" '^db01: paused' "${X[@]}" pause db01
check_out "db01 shows p" '^db01 .* ..p...  ' "${X[@]}" list db01
check_out "unpause db01" '^db01: unpaused' "${X[@]}" unpause db01

# As with xl, a domain id works wherever a NAME does.
check_out "list 0 is Domain-0" '^Domain-0 +0 ' "${X[@]}" list 0
id=$(dom_id mail01)
check_out "list ID lists that domain" "^mail01 +$id " "${X[@]}" list "$id"
check_out "pause by id acts on that guest, by name" '^mail01: paused$' "${X[@]}" pause "$id"
check_out "mail01 shows p" '^mail01 .* ..p...  ' "${X[@]}" list mail01
check_out "unpause by id" '^mail01: unpaused$' "${X[@]}" unpause "$id"
one_line_err "an id no domain has" 1 '^xdom: 30000: no such domain$' "${X[@]}" pause 30000
one_line_err "list of a stopped guest says so" 1 '^xdom: test01: not running \(xdom boot test01' "${X[@]}" list test01
# A message that already names the guest is not prefixed with it again.
check "shutdown monitor01" quiet "${X[@]}" shutdown monitor01
one_line_err "a second shutdown names monitor01 once" 1 '^xdom: monitor01 is already shutting down$' \
	"${X[@]}" shutdown monitor01

# ---- sysrq ---------------------------------------------------------------
id0=$(dom_id db02)
check_out "sysrq db02 s is sent" '^db02: sent SysRq s' "${X[@]}" sysrq db02 s
check "sysrq s leaves db02's domain as it was" test "$(dom_id db02)" = "$id0"
check_out "sysrq db02 b is sent" '^db02: sent SysRq b' "${X[@]}" sysrq db02 b
check "sysrq b reboots db02 at once (new id)" test -n "$(dom_id db02)" -a "$(dom_id db02)" != "$id0"
one_line_err "sysrq with a key that is not one" 2 'KEY is one of' "${X[@]}" sysrq db02 A
one_line_err "sysrq on a stopped guest" 1 'not running' "${X[@]}" sysrq test01 s

# ---- stats --stream ----------------------------------------------------
"${X[@]}" stats --stream -i 2 -d 0.2 >"$T/stats" 2>"$T/stats.err"
rc=$?
check "stats --stream -i 2 -d 0.2 exits 0" test "$rc" -eq 0
check "stats printed 2 lines" test "$(wc -l <"$T/stats")" -eq 2
if python3 - "$T/stats" <<'EOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().splitlines()
assert len(lines) == 2, len(lines)
objs = [json.loads(l) for l in lines]
for o in objs:
    assert o["xdom_stats"] == 1
    assert o["hosts"][0]["simulated"] is True
    names = {d["name"] for d in o["domains"]}
    assert "Domain-0" in names and "db01" in names, names
    for d in o["domains"]:
        for k in ("id", "cpu_ns", "mem_kb", "flags", "vcpus", "nets", "vbds"):
            assert k in d, k
assert objs[1]["mono_ns"] > objs[0]["mono_ns"]
gap = (objs[1]["mono_ns"] - objs[0]["mono_ns"]) / 1e9
assert 0.1 < gap < 2, gap
EOF
then ok "both lines parse as JSON snapshots 0.2 s apart"
else not_ok "both lines parse as JSON snapshots 0.2 s apart"; fi

# A reader that goes away ends the stream quietly and promptly.
start=$(date +%s)
"${X[@]}" stats --stream -d 0.05 2>"$T/pipe.err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ] && [ ! -s "$T/pipe.err" ] && [ $(($(date +%s) - start)) -lt 10 ]; then
	ok "stats ends with status 0 and no message when its reader closes"
else not_ok "stats after its reader closed: exit $rc, stderr: $(head -c 200 "$T/pipe.err")"; fi

# SIGTERM ends it cleanly too, even in the middle of a long wait.
"${X[@]}" stats --stream -d 30 >"$T/term" 2>&1 &
pid=$!
T_CLEANUP+=("kill $pid 2>/dev/null")
wait_for 5 test -s "$T/term"
kill -TERM "$pid"
wait "$pid"
rc=$?
check "stats exits 0 on SIGTERM during its wait" test "$rc" -eq 0
check "stats wrote its first line before" test "$(wc -l <"$T/term")" -eq 1

# ---- console under tmux ------------------------------------------------
tm_server cli
TM_TARGET=t

"${X[@]}" console web01 </dev/null >/dev/null 2>"$T/probe.err"
if ! command -v tmux >/dev/null; then
	skip "console under tmux" "tmux is not installed"
elif grep -q "not written yet" "$T/probe.err"; then
	skip "console under tmux" "this build's sim backend has no console yet: $(cat "$T/probe.err")"
else
	tm_new -s t 120 40 \
		env -i PATH="$PATH" HOME="$T" HISTFILE=/dev/null TERM=xterm XDOM_SIM_DIR="$XDOM_SIM_DIR" \
		XDOM_SIM_DELAY_MS=300 PS1='READY$ ' bash --norc --noprofile
	check "tmux shell is up" wait_for 5 screen_has 'READY$'

	type_line "stty -g > $T/stty.before; clear; ${X[*]} console web01"
	if wait_for 10 screen_has "Connected to web01's console (SIMULATED guest). Ctrl-] to leave."; then
		ok "console prints the entry note, saying SIMULATED"
	else not_ok "console prints the entry note, saying SIMULATED"; show_screen; fi
	keys Enter
	if wait_for 10 screen_has "web01 login:"; then ok "console shows web01 login:"
	else not_ok "console shows web01 login:"; show_screen; fi
	# While attached the terminal is raw, so restoring it means something.
	tty=$("${TM[@]}" display -p -t t '#{pane_tty}')
	if stty -a -F "$tty" 2>/dev/null | grep -qw -- -icanon; then ok "the terminal is raw while attached"
	else not_ok "the terminal is raw while attached: $(stty -a -F "$tty" 2>&1 | tr '\n' ' ' | head -c 300)"; fi
	keys 'C-]'
	if wait_for 5 screen_has "Left web01's console."; then ok "Ctrl-] leaves the console"
	else not_ok "Ctrl-] leaves the console"; show_screen; fi
	type_line "stty -g > $T/stty.after; echo BACK-\$((40+2))"
	if wait_for 5 screen_has "BACK-42"; then ok "back at the shell prompt after Ctrl-]"
	else not_ok "back at the shell prompt after Ctrl-]"; show_screen; fi
	wait_for 5 test -s "$T/stty.after"
	if [ -s "$T/stty.before" ] && cmp -s "$T/stty.before" "$T/stty.after"; then
		ok "terminal settings restored after Ctrl-] (stty -g equal)"
	else not_ok "terminal settings restored after Ctrl-]: $(cat "$T/stty.before") vs $(cat "$T/stty.after")"; fi

	# The guest is destroyed while the console is attached.
	rm -f "$T/stty.after"
	type_line "clear; ${X[*]} console db01; echo RC=\$?"
	if wait_for 10 screen_has "Connected to db01's console (SIMULATED guest)."; then ok "console on db01"
	else not_ok "console on db01"; show_screen; fi
	check "destroy db01 while its console is open" quiet "${X[@]}" destroy db01
	if wait_for 5 screen_has "db01's console closed"; then ok "console notices the guest went away"
	else not_ok "console notices the guest went away"; show_screen; fi
	check "console exits 0 when the guest goes away" wait_for 5 screen_has "RC=0"
	type_line "stty -g > $T/stty.after"
	wait_for 5 test -s "$T/stty.after"
	if cmp -s "$T/stty.before" "$T/stty.after"; then
		ok "terminal settings restored after the guest was destroyed"
	else not_ok "terminal settings restored after the guest was destroyed"; fi

	# SIGTERM to the relay restores the terminal too.
	rm -f "$T/stty.after"
	type_line "clear; sh -c 'echo \$\$ > $T/con.pid; exec ${X[*]} console mail01'"
	if wait_for 10 screen_has "Connected to mail01's console (SIMULATED guest)."; then
		kill -TERM "$(cat "$T/con.pid")" 2>/dev/null
		if wait_for 5 screen_has "Left mail01's console ("; then ok "SIGTERM ends the console with a note"
		else not_ok "SIGTERM ends the console with a note"; show_screen; fi
		type_line "stty -g > $T/stty.after"
		wait_for 5 test -s "$T/stty.after"
		if cmp -s "$T/stty.before" "$T/stty.after"; then ok "terminal settings restored after SIGTERM"
		else not_ok "terminal settings restored after SIGTERM"; fi
	else
		not_ok "console on mail01 for the SIGTERM check"; show_screen
	fi
fi

# Without a terminal the relay just passes bytes until end of input.
if grep -q "not written yet" "$T/probe.err"; then
	skip "console with piped input" "this build's sim backend has no console yet"
else
	out=$(printf '\r' | timeout 20 "${X[@]}" console dns01 2>"$T/con.err")
	rc=$?
	check "console with piped input exits 0" test "$rc" -eq 0
	if grep -q "login:" <<<"$out"; then ok "console with piped input shows the guest's answer"
	else not_ok "console with piped input shows the guest's answer: $(head -c 300 <<<"$out" | tr '\r\n' '  ')"; fi
fi

# Closed standard fds: no hang, and nothing lands where it should not
# (a closed fd's number must not go to the guest's console or a sim file).
out=$(timeout 20 "${X[@]}" console dns01 <&- 2>/dev/null)
rc=$?
check "console with stdin closed ends by itself, status 0 (got $rc)" test "$rc" -eq 0
out=$(printf '\r' | timeout 20 "${X[@]}" console dns01 2>&-)
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'login:' <<<"$out" && ! grep -q 'Password' <<<"$out"; then
	ok "console with stderr closed types no note into the guest"
else not_ok "console with stderr closed: exit $rc, guest saw: $(tail -c 200 <<<"$out" | tr '\r\n' '  ')"; fi
timeout 20 "${X[@]}" list >&- 2>"$T/closed.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'writing the output' "$T/closed.err" && [ ! -s "$XDOM_SIM_DIR/lock" ]; then
	ok "list with stdout closed fails with one line, writes no sim file"
else not_ok "list with stdout closed: exit $rc, $(head -c 200 "$T/closed.err"), lock $(stat -c %s "$XDOM_SIM_DIR/lock")"; fi

# ---- through xdomd (--backend=helper) ----------------------------------
if [ ! -x "$XDOMD" ]; then
	skip "xdom --backend=helper" "$XDOMD was not built"
else
	printf 'user:%s web01,db02 status,stats,list,reboot\n' "$(id -un)" >"$T/policy"
	"$XDOMD" --foreground --sim --config "$T/empty.conf" --socket "$T/xdomd.sock" \
		--policy "$T/policy" >"$T/xdomd.log" 2>&1 &
	hpid=$!
	T_CLEANUP+=("kill $hpid 2>/dev/null")
	H=("$XDOM" --config "$T/empty.conf" --backend=helper --socket "$T/xdomd.sock")
	if wait_for 10 test -S "$T/xdomd.sock"; then
		out=$("${H[@]}" list 2>&1)
		if grep -q '^web01 ' <<<"$out" && grep -q '^db02 ' <<<"$out" && ! grep -q '^db01 ' <<<"$out" \
			&& grep -q SIMULATED <<<"$out"; then
			ok "helper list shows just what the policy grants, and SIMULATED"
		else not_ok "helper list shows just what the policy grants"; sed 's/^/#   /' <<<"$out" | head; fi
		one_line_err "helper refuses what the policy does not grant" 1 '^xdom: web01: not allowed' \
			"${H[@]}" destroy web01
		check_out "helper reboot web01" '^web01: rebooting' "${H[@]}" reboot web01
		if "${H[@]}" stats | python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); assert {d["name"] for d in o["domains"]} <= {"web01","db02"}'; then
			ok "helper stats line holds only the caller's domains"
		else not_ok "helper stats line holds only the caller's domains"; fi
		kill "$hpid" 2>/dev/null
		wait "$hpid" 2>/dev/null
		one_line_err "helper backend with xdomd gone" 1 'xdomd' "${H[@]}" list
	else
		not_ok "xdomd did not start: $(head -c 300 "$T/xdomd.log")"
	fi
fi

# ---- bad input: one line on stderr, status 1 or 2, never a crash -------
one_line_err "unknown domain" 1 '^xdom: web99: ' "${X[@]}" shutdown web99
one_line_err "console on an unknown domain" 1 '^xdom: web99: ' "${X[@]}" console web99
one_line_err "list of an unknown domain" 1 '^xdom: web99: no such domain' "${X[@]}" list web99
one_line_err "invalid domain name" 1 'not a valid domain name' "${X[@]}" destroy '../x'
one_line_err "name with control characters is escaped" 1 'a\\x1b\[2Jb' "${X[@]}" pause $'a\e[2Jb'
one_line_err "an empty NAME" 1 'empty domain name' "${X[@]}" pause ''
one_line_err "list of an empty NAME" 1 'empty domain name' "${X[@]}" list ''
one_line_err "--config ''" 2 'empty file name' "$XDOM" --config '' --sim list
one_line_err "unknown command" 2 "unknown command 'frobnicate'" "${X[@]}" frobnicate
one_line_err "no command" 2 'no command' "${X[@]}"
one_line_err "bad global option" 2 "unknown option '--frob'" "${X[@]}" --frob list
one_line_err "bad command option" 2 "unknown option '-q'" "${X[@]}" list -q
one_line_err "missing NAME" 2 'expected NAME' "${X[@]}" reboot
one_line_err "bad -d for stats" 2 'expected seconds' "${X[@]}" stats --stream -d -1
one_line_err "bad --sim-domains" 2 'sim-domains' "$XDOM" --config "$T/empty.conf" --sim-domains x list
one_line_err "unknown backend" 2 "unknown backend 'nope'" "$XDOM" --config "$T/empty.conf" --backend=nope list
one_line_err "--backend given a command, not a backend" 2 "unknown backend 'list'" "$XDOM" --config "$T/empty.conf" --backend list
one_line_err "missing --config file" 2 "$T/absent.conf" "$XDOM" --config "$T/absent.conf" --sim list
mkdir "$T/dir.conf"
one_line_err "a directory as --config" 2 'not a regular file' "$XDOM" --config "$T/dir.conf" --sim list
printf 'backend = sim\nthis is not valid\n' >"$T/bad.conf"
one_line_err "malformed config names file and line" 2 'bad.conf:2: ' "$XDOM" --config "$T/bad.conf" list
printf 'console_escape = ^@@\n' >"$T/esc.conf"
one_line_err "bad console_escape in the config" 2 'console escape' "$XDOM" --config "$T/esc.conf" --sim console web01
printf 'backend = sim\n' >"$T/noread.conf"
chmod 000 "$T/noread.conf"
if [ "$(id -u)" -ne 0 ]; then
	one_line_err "unreadable config" 2 'noread.conf: Permission denied' "$XDOM" --config "$T/noread.conf" list
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$XDOM"; then
	chmod 755 "$T"
	one_line_err "unreadable config (as uid 65534)" 2 'noread.conf: Permission denied' \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$XDOM" --config "$T/noread.conf" list
else
	skip "unreadable config (mode 000)" "root reads any file and uid 65534 cannot run $XDOM here"
fi
# The config's backend is used, and the flag beats it.
printf 'backend = nope\n' >"$T/nope.conf"
one_line_err "backend from the config" 2 "unknown backend 'nope'" "$XDOM" --config "$T/nope.conf" list
check "--sim beats the config's backend" quiet "$XDOM" --config "$T/nope.conf" --sim list
one_line_err "backend from XDOM_BACKEND" 2 "unknown backend 'envnope'" \
	env XDOM_BACKEND=envnope "$XDOM" --config "$T/empty.conf" list
printf 'backend = sim\n' >"$T/sim.conf"
check "the config's backend beats XDOM_BACKEND" quiet env XDOM_BACKEND=envnope "$XDOM" --config "$T/sim.conf" list
check_out "no backend anywhere: sim" SIMULATED "$XDOM" --config "$T/empty.conf" list

# A corrupt sim state: an error, never a crash.
cp "$XDOM_SIM_DIR/state" "$T/state.good"
head -c 3000 /dev/urandom >"$XDOM_SIM_DIR/state"
one_line_err "corrupt sim state (random bytes) on list" 1 '^xdom: ' "${X[@]}" list
one_line_err "corrupt sim state on stats" 1 '^xdom: ' "${X[@]}" stats --stream -i 1
printf 'garbage\n\x01\x02 = = =\n' >"$XDOM_SIM_DIR/state"
one_line_err "corrupt sim state (text) on shutdown" 1 '^xdom: ' "${X[@]}" shutdown web02
cp "$T/state.good" "$XDOM_SIM_DIR/state"
check "good state again lists" quiet "${X[@]}" list

# Help and version go to stdout with status 0.
check_out "xdom --help lists the commands" 'stats --stream' "$XDOM" --help
check_out "xdom help shutdown" 'usage: xdom shutdown NAME' "$XDOM" --config "$T/empty.conf" help shutdown
check_out "xdom -V" '^xdom [0-9]' "$XDOM" -V

done_testing
