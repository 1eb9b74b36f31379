#!/bin/bash
# fleet.sh - `xdom top` over several real OpenSSH sshd "hosts" on loopback
# (tests/integration/fleet.inc: free ports chosen now, a host key, a sim
# state and an sshd each; a user key and known_hosts made for this run).
#
#   batch    JSON, text and CSV carry every host and its state; --hosts
#            FILE and the default hosts file; bad specs are usage errors
#   outage   while a JSON batch runs, one sshd is stopped: that host turns
#            down/retrying and the others keep updating; started again, it
#            comes back
#   keys     a host whose key changed is refused (key mismatch), the
#            others stay up; an unknown host key is refused too; a user
#            key the host does not take: auth failed
#   tmux     the dashboard (its own tmux server): HOST column, host lines
#            with states, a host going down and coming back, a changed key,
#            the filter across hosts, and a pause on a remote guest that
#            goes over the connection already open
#
# Needs root (sshd as hosts, logging in as root with this run's key);
# skips loudly otherwise.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/fleet.inc"

why=$(fleet_missing)
if [ -n "$why" ]; then
	skip "fleet view against real sshd hosts" "$why"
	done_testing
	exit
fi
if ! command -v jq >/dev/null; then
	skip "fleet view against real sshd hosts" "jq is not installed"
	done_testing
	exit
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-fleet-t.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
: >"$T/empty.conf"
export XDG_CONFIG_HOME=$T/config
unset XDOM_BACKEND XDOM_SIM_DIR NO_COLOR
X=("$XDOM" --config "$T/empty.conf")

fleet_init "$XDOM"
T_CLEANUP+=("fleet_cleanup")
# a has a guest the others lack (cache01), for the action below.
for h in a:4 b:3 c:3; do
	if ! fleet_host_add "${h%%:*}" "${h##*:}"; then
		not_ok "start sshd host ${h%%:*}"
		done_testing
		exit
	fi
done
ok "three sshd hosts on loopback ports $(cat "$FLEET_W"/h/*/port | tr '\n' ' ')"
export XDOM_FLEET_RETRY_MAX=1
fleet_env
A=$(fleet_spec a) B=$(fleet_spec b) C=$(fleet_spec c)
HOSTS=(--host "$A" --host "$B" --host "$C")

# state LABEL FILE [LINE]: that host's state in a JSON batch line
# (default the last).
state() {
	sed -n "${3:-\$}p" "$2" | jq -r --arg h "$1" '.hosts[] | select(.name == $h) | .state'
}

# ---- batch ------------------------------------------------------------------
timeout 60 "${X[@]}" top -b -i 2 -d 1 --format=json "${HOSTS[@]}" >"$T/json" 2>"$T/err"
rc=$?
check "JSON batch over 3 hosts exits 0" test "$rc" -eq 0
check "... 2 lines" test "$(wc -l <"$T/json")" -eq 2
check "... every host up on the first line (batch waits for first answers)" \
	test "$(sed -n 1p "$T/json" | jq '[.hosts[] | select(.state == "up")] | length')" -eq 3
check "... hosts in the order given" \
	test "$(sed -n 1p "$T/json" | jq -r '[.hosts[].name] | join(" ")')" = "$A $B $C"
for h in "$A:5" "$B:4" "$C:4"; do
	n=$(tail -1 "$T/json" | jq --arg h "${h%:*}" '[.domains[] | select(.host == $h)] | length')
	check "... host ${h%:*}: ${h##*:} domains tagged with it ($n)" test "$n" -eq "${h##*:}"
	n=$(tail -1 "$T/json" | jq --arg h "${h%:*}" '.hosts[] | select(.name == $h) | .domains')
	check "... host ${h%:*}'s summary counts them ($n)" test "$n" -eq "${h##*:}"
done
check "... real rates on every host (some domain above 0 % CPU on each, every line)" \
	test "$(jq -s '[.[] | [.domains[] | select(.cpu_pct > 0) | .host] | unique | length] | min' "$T/json")" -eq 3
check "... cache01 only on a" test "$(tail -1 "$T/json" | jq -r '.domains[] | select(.name == "cache01") | .host')" = "$A"

out=$(timeout 60 "${X[@]}" top -b -i 1 -d 0.5 "${HOSTS[@]}" 2>/dev/null)
check_out "text batch: xentop's layout, the header first (HOST leading)" '^HOST +NAME +STATE ' head -1 <<<"$out"
out=$(timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --summary "${HOSTS[@]}" 2>&1)
check_out "text batch --summary: Fleet title" '^xdom top - [0-9:]+ +Fleet: 3 hosts, 3 up' echo "$out"
check_out "text batch: Hosts line" '^Hosts: 3, 3 up$' echo "$out"
check_out "text batch: a line per host with its state" "^  $A +up +5 domains" echo "$out"
check_out "text batch: HOST column" '^HOST +NAME +STATE ' echo "$out"
check_out "text batch: rows start with their host" "^$C +Domain-0 " echo "$out"
out=$(timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=csv "${HOSTS[@]}" 2>&1)
check_out "csv: host field" "^1,[0-9.]+,\"$B\",[0-9]+,\"web01\"," echo "$out"
out=$(timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=csv --filter="${A##*:}" "${HOSTS[@]}" 2>&1)
check "filter by host label: only that host's rows" \
	test "$(grep -c '^1,' <<<"$out")" -eq 5 -a "$(grep '^1,' <<<"$out" | grep -vc "\"$A\"")" -eq 0

printf '# the fleet\n%s\n\n  %s   # second\n%s\n' "$A" "$B" "$C" >"$T/hosts"
n=$(timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=json --hosts "$T/hosts" 2>/dev/null |
	jq '[.hosts[] | select(.state == "up")] | length')
check "--hosts FILE (comments, blanks): 3 hosts up ($n)" test "$n" = 3
mkdir -p "$XDG_CONFIG_HOME/xdom"
cp "$T/hosts" "$XDG_CONFIG_HOME/xdom/hosts"
n=$(timeout 60 "${X[@]}" --backend=fleet top -b -i 1 -d 0.5 --format=json 2>/dev/null |
	jq '[.hosts[] | select(.state == "up")] | length')
check "--backend=fleet reads \$XDG_CONFIG_HOME/xdom/hosts ($n up)" test "$n" = 3
rm -f "$XDG_CONFIG_HOME/xdom/hosts"

for bad in "--host a;b" "--host a,b" "--host -oProxyCommand=x" "--host a:0" "--host a:99999" "--host"; do
	# shellcheck disable=SC2086
	timeout 20 "${X[@]}" top -b -i 1 $bad >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ]; then ok "top $bad: usage error (exit 2, one line)"
	else not_ok "top $bad: exit $rc, $(wc -l <"$T/err") lines: $(head -c 200 "$T/err")"; fi
done
printf '%s\nnot a host!\n' "$A" >"$T/badhosts"
timeout 20 "${X[@]}" top -b -i 1 --hosts "$T/badhosts" >"$T/out" 2>"$T/err" </dev/null
rc=$?
check "a bad hosts file: refused, one line naming FILE:LINE" \
	test "$rc" -ne 0 -a "$(wc -l <"$T/err")" -eq 1 -a -n "$(grep -F "$T/badhosts:2:" "$T/err")"
timeout 20 "${X[@]}" top -b -i 1 --host "$A" --host "$A" >"$T/out" 2>"$T/err" </dev/null
check "the same host twice: refused" test $? -ne 0 -a "$(wc -l <"$T/err")" -eq 1

# ---- outage: one host down while the batch runs -----------------------------
: >"$T/run"
timeout 90 "${X[@]}" top -b -d 1 -i 40 --format=json "${HOSTS[@]}" >"$T/run" 2>"$T/run.err" &
RUN=$!
T_CLEANUP+=("kill $RUN 2>/dev/null")
lines() { wc -l <"$T/run"; }
at_least() { [ "$(lines)" -ge "$1" ]; }
wait_for 20 at_least 2
fleet_host_stop b
stop_line=$(lines)
b_down() { [ "$(lines)" -gt "$stop_line" ] && [[ "$(state "$B" "$T/run")" =~ ^(down|retrying)$ ]]; }
if wait_for 20 b_down; then ok "b stopped: its host turns down/retrying ($(tail -1 "$T/run" | jq -r --arg h "$B" '.hosts[] | select(.name == $h) | .status'))"
else not_ok "b stopped: state still $(state "$B" "$T/run")"; fi
down_line=$(lines)
wait_for 10 at_least $((down_line + 3))
# The others keep updating: every line while b is down has a and c up,
# and a's CPU time grows line to line.
ok_lines=0 bad=""
for ((l = down_line; l <= $(lines); l++)); do
	sa=$(state "$A" "$T/run" "$l") sc=$(state "$C" "$T/run" "$l") sb=$(state "$B" "$T/run" "$l")
	if [ "$sa" = up ] && [ "$sc" = up ] && [ "$sb" != up ]; then ok_lines=$((ok_lines + 1))
	else bad+=" line $l: a=$sa b=$sb c=$sc"; fi
done
check "while b is down, a and c stay up ($ok_lines lines)$bad" test "$ok_lines" -ge 3 -a -z "$bad"
cpu() { sed -n "${2}p" "$T/run" | jq --arg h "$1" '[.domains[] | select(.host == $h) | .cpu_s] | add'; }
c1=$(cpu "$A" "$down_line") c2=$(cpu "$A" "$(lines)")
check "... and a's numbers keep moving ($c1 -> $c2 CPU s)" awk -v a="$c1" -v b="$c2" 'BEGIN { exit !(b > a) }'
n=$(sed -n "${down_line}p" "$T/run" | jq --arg h "$B" '[.domains[] | select(.host == $h)] | length')
check "... b has no rows while down ($n)" test "$n" -eq 0
fleet_host_start b || not_ok "restart sshd b"
start_line=$(lines)
b_up() { [ "$(lines)" -gt "$start_line" ] && [ "$(state "$B" "$T/run")" = up ]; }
if wait_for 30 b_up; then ok "b started again: it comes back up with its rows ($(tail -1 "$T/run" | jq --arg h "$B" '[.domains[] | select(.host == $h)] | length') domains)"
else not_ok "b started again: state still $(state "$B" "$T/run")"; fi
kill "$RUN" 2>/dev/null
wait "$RUN" 2>/dev/null
# A host that comes (back) up has no previous sample: its rows start at
# 0, never at counters-since-boot over one interval.
worst=$(jq -s '[.[] | .domains[] | .cpu_pct - 100 * .vcpus] | max' "$T/run")
check "no CPU% spike as hosts went and came back (worst: $worst over 100 % x vcpus)" \
	awk -v w="$worst" 'BEGIN { exit !(w <= 5) }'

# ---- host keys ----------------------------------------------------------------
fleet_host_rekey c || not_ok "restart sshd c with a new key"
timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=json "${HOSTS[@]}" >"$T/keys" 2>"$T/err"
check "c's key changed: key mismatch" test "$(state "$C" "$T/keys")" = "key mismatch"
check_out "... its status says the key changed and it is refused" 'CHANGED: refused' \
	jq -r --arg h "$C" '.hosts[] | select(.name == $h) | .status' "$T/keys"
check "... no rows from c" test "$(jq --arg h "$C" '[.domains[] | select(.host == $h)] | length' "$T/keys")" -eq 0
check "... a and b still up" test "$(state "$A" "$T/keys")/$(state "$B" "$T/keys")" = up/up
awk -v k="$(fleet_known_line a | cut -d' ' -f1)" '$1 != k' "$FLEET_W/known_hosts" >"$T/kh_no_a"
XDOM_KNOWN_HOSTS=$T/kh_no_a timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=json --host "$A" >"$T/keys2" 2>"$T/err"
check "a host not in known_hosts: refused (strict by default)" test "$(state "$A" "$T/keys2")" = "key mismatch"
check_out "... its status says unknown" 'unknown' jq -r '.hosts[0].status' "$T/keys2"

ssh-keygen -q -t ed25519 -N '' -C other -f "$T/otherkey"
XDOM_SSH_IDENTITY=$T/otherkey timeout 60 "${X[@]}" top -b -i 1 -d 0.5 --format=json --host "$A" >"$T/auth" 2>"$T/err"
check "a key the host does not take: auth failed" test "$(state "$A" "$T/auth")" = "auth failed"
check_out "... with its status" 'no key accepted.*retrying (in [0-9]+ s|now)' jq -r '.hosts[0].status' "$T/auth"

# ---- the dashboard under tmux -------------------------------------------------
if ! command -v tmux >/dev/null; then
	skip "fleet dashboard under tmux" "tmux is not installed"
	done_testing
	exit
fi
# c back to a known key: add its new one (the test's known_hosts).
awk -v k="$(fleet_known_line c | cut -d' ' -f1)" '$1 != k' "$FLEET_W/known_hosts" >"$T/kh" &&
	fleet_known_line c >>"$T/kh" && cp "$T/kh" "$FLEET_W/known_hosts"
# Short timeouts, so a hung host is found out quickly.
printf 'fleet_stale_timeout = 3\nssh_connect_timeout = 2\n' >"$T/dash.conf"
tm_server fleet
SCREEN_WAIT=10
tm_new 200 50 \
	-e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDOM_KNOWN_HOSTS="$XDOM_KNOWN_HOSTS" \
	-e XDOM_SSH_IDENTITY="$XDOM_SSH_IDENTITY" -e XDOM_FLEET_XDOM="$XDOM_FLEET_XDOM" \
	-e XDOM_FLEET_RETRY_MAX=1 \
	"$(printf '%q ' "$XDOM" --config "$T/dash.conf" top --no-settings -d 1 "${HOSTS[@]}"); echo EXITED=\$?; sleep 60"
# host_line LABEL: that host's summary line on screen.
host_line() { cap | grep -E "^ +$1 " | head -1; }
screen_ok "dashboard: every host up" '^xdom top - [0-9:]+ +Fleet: 3 hosts, 3 up' 20
screen_ok "... the Hosts line" '^Hosts: 3, 3 up'
screen_ok "... a line per host with its state and figures" "^ +$A +up +5 domains +[0-9]+ running +CPU"
screen_ok "... HOST column, after ID" '^ *ID +HOST +NAME +STATE'
screen_ok "... rows from each host" "$C"
frame() { cap | grep -E '^xdom top - ' | head -1; }
fleet_host_stop b
screen_ok "b stopped: shown down, retrying in N s" "^ +$B +(retrying|down) +down: .*retrying in [0-9]+ s" 20
screen_ok "... the Hosts line counts it" '^Hosts: 3, 2 up, 1 (retrying|down)'
t1=$(frame) l1=$(host_line "$A")
sleep 2.5
t2=$(frame) l2=$(host_line "$A")
check "... the screen keeps refreshing ($t1 -> $t2)" test "$t1" != "$t2"
check "... a's figures still come ($l1 -> $l2)" test -n "$l2"
screen_ok "... a and c still up" "^ +$C +up +4 domains"
fleet_host_start b || not_ok "restart sshd b"
screen_ok "b started again: up" "^ +$B +up +4 domains" 30
screen_ok "... Hosts: 3 up" '^Hosts: 3, 3 up' 10

# Filter across hosts, then pause a remote guest from the view.
keys /
keys -l cache01
keys Enter
screen_ok "filter cache01: one row, host a's" "$A.*cache01|cache01.*$A"
before=$(ss -Htn state established "( dport = :$(cat "$FLEET_W/h/a/port") )" | wc -l)
keys A
screen_ok "A: the action prompt" '^Action: p pause'
keys p
screen_ok "p: asks to confirm, naming host and guest" "Pause $A/cache01\\? \\(y/N\\)"
keys y
screen_ok "pause went to a over SSH: done" "pause $A/cache01: done" 20
remote=$(XDOM_SIM_DIR=$FLEET_W/h/a/sim "$XDOM" --config "$T/empty.conf" --sim list cache01 2>&1)
check_out "... cache01 is paused on host a" '^cache01 .* --p--- ' echo "$remote"
screen_ok "... and the view shows it paused" 'cache01 +----p- ' 10
after=$(ss -Htn state established "( dport = :$(cat "$FLEET_W/h/a/port") )" | wc -l)
check "... over the connection already open (connections to a: $before before, $after after)" \
	test "$before" -eq 1 -a "$after" -eq 1
XDOM_SIM_DIR=$FLEET_W/h/a/sim "$XDOM" --config "$T/empty.conf" --sim unpause cache01 >/dev/null 2>&1
keys /
keys Escape
sleep 0.3

# A host that hangs (sshd and its sessions stopped: connections open,
# nothing coming) is the worst kind: the screen must not wait for it.
hung=($(fleet_tree "$(cat "$FLEET_W/h/b/pid")"))
kill -STOP "${hung[@]}"
T_CLEANUP+=("kill -CONT ${hung[*]} 2>/dev/null")
t1=$(frame)
sleep 2.5
t2=$(frame)
check "b hung (SIGSTOP): the screen keeps refreshing ($t1 -> $t2)" test "$t1" != "$t2"
screen_ok "... b is shown down once its stream is stale" "^ +$B +(retrying|down) +down: no data for 3 s" 15
screen_ok "... a and c still up" "^ +$A +up +5 domains"
kill -CONT "${hung[@]}"
screen_ok "b resumed: up again" "^ +$B +up +4 domains" 30

fleet_host_rekey c
screen_ok "c's key changed: key mismatch, refused" "^ +$C +key mismatch +host key CHANGED: refused" 20
screen_ok "... the Hosts line counts it" '^Hosts: 3, 2 up, 1 key mismatch'
keys q
screen_ok "q: exits 0" '^EXITED=0' 10
done_testing
