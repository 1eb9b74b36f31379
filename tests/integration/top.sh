#!/bin/bash
# top.sh - `xdom top` against the real binary and the sim backend: batch
# output (text, csv, json), bad flags, and the dashboard under its own
# tmux server at 120x40, 250x40 and 40x10: every column header, the
# summary lines and bottom bar, each key, the detail view, filter, sort,
# mouse, an action with confirmation whose effect shows, settings saved
# and restored, themes, NO_COLOR, resize, and the terminal restored after
# q and after SIGTERM.
source "$(dirname "$0")/../lib.sh"

sim_tmpdir
export XDOM_SIM_DELAY_MS=300
unset XDOM_BACKEND NO_COLOR
T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-top.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
: >"$T/empty.conf"
X=("$XDOM" --config "$T/empty.conf" --sim)
export XDG_CONFIG_HOME=$T/config

if ! command -v jq >/dev/null && ! command -v python3 >/dev/null; then
	JSONCHK=""
elif command -v jq >/dev/null; then
	JSONCHK=jq
else
	JSONCHK=python3
fi

quiet() { "$@" >/dev/null 2>&1; }

# ---- batch ---------------------------------------------------------------
"${X[@]}" top -b -i 3 -d 0.5 --format=json >"$T/json" 2>"$T/err"
rc=$?
check "top -b -i 3 -d 0.5 --format=json exits 0" test "$rc" -eq 0
check "... prints 3 lines" test "$(wc -l <"$T/json")" -eq 3
if [ "$JSONCHK" = jq ]; then
	n=0
	while IFS= read -r line; do
		jq -e '.domains | length > 20' >/dev/null <<<"$line" && n=$((n + 1))
	done <"$T/json"
	check "... each line is a JSON object with the domains" test "$n" -eq 3
	# Profiles (hypervisor/sim/sim.h): batch guests run each online vcpu at
	# about 92 % (within 25 % scale and 5 % waves); idle ones near 1 %.
	ci=$(jq -r '.domains[] | select(.name=="ci-runner01") | .cpu_pct' <"$T/json" | tail -1)
	vc=$(jq -r '.domains[] | select(.name=="ci-runner01") | .vcpus' <"$T/json" | tail -1)
	if awk -v c="$ci" -v v="$vc" 'BEGIN { e = 92 * v; exit !(c > e * 0.7 && c < e * 1.3) }'; then
		ok "ci-runner01 (batch profile) CPU% $ci with $vc vcpus is about 92 % each"
	else not_ok "ci-runner01 CPU% $ci with $vc vcpus: want about $((92 * vc)) %"; fi
	inter=$(jq -r '.interval_s' <"$T/json" | head -1)
	check "... first line's interval is the delay, not 0 (a first sample was taken)" \
		awk -v i="$inter" 'BEGIN { exit !(i > 0.4 && i < 0.8) }'
	rx=$(jq -r '.domains[] | select(.name=="web01") | .net_tx_bytes_per_s' <"$T/json" | head -1)
	# web: tx 2500 KiB/s mean, scale within 25 %, waves within 37 %
	check "web01's first-line tx rate $rx B/s is a real rate (web profile ~2.5 MB/s)" \
		awk -v r="$rx" 'BEGIN { e = 2500 * 1024; exit !(r > e * 0.45 && r < e * 1.75) }'
	check "... units in field names" quiet jq -e '.domains[0] | has("cpu_pct") and has("mem_kib") and has("net_rx_bytes_per_s")' \
		<<<"$(head -1 "$T/json")"
else
	skip "JSON content checks" "neither jq nor python3 here"
fi

# Text batch is xentop -b's layout: per iteration the header line, then
# a line per domain, nothing else on stdout; SIMULATED goes to stderr.
"${X[@]}" top -b -i 2 -d 0.2 >"$T/text" 2>"$T/text.err"
rc=$?
out=$(cat "$T/text")
hdr='^ +NAME +STATE +CPU\(sec\) CPU\(%\) +MEM\(k\) MEM\(%\) +MAXMEM\(k\) MAXMEM\(%\) VCPUS NETS +NETTX\(k\) +NETRX\(k\) VBDS +VBD_OO +VBD_RD +VBD_WR +VBD_RSECT +VBD_WSECT SSID$'
check "text batch: exit 0" test "$rc" -eq 0
check_out "text batch: the first line is xentop's header" "$hdr" head -1 "$T/text"
ndom=$("${X[@]}" list 2>/dev/null | grep -cvE '^(Name|SIMULATED|#)')
check "text batch: 2 iterations are 2 headers and 2 x $ndom rows, nothing else ($(wc -l <"$T/text") lines)" \
	test "$(grep -cE "$hdr" "$T/text")" -eq 2 -a "$(grep -cE '^ *[^ ]+ [-dsbcpr]{6} +[0-9]+ +[0-9.]+ ' "$T/text")" -eq $((2 * ndom)) -a "$(wc -l <"$T/text")" -eq $((2 + 2 * ndom))
check "text batch: no summary line on stdout" sh -c '! grep -qE "SIMULATED|domains:|^Mem:|^$" "$1"' _ "$T/text"
check "text batch: every row as wide as the header (columns line up)" \
	test "$(awk '{ print length($0) }' "$T/text" | sort -u | wc -l)" -eq 1
check_out "text batch: one SIMULATED notice on stderr" '^xdom: top: SIMULATED host' cat "$T/text.err"
check "... and only one line there" test "$(wc -l <"$T/text.err")" -eq 1
check_out "text batch: Domain-0 with no limit" '^  Domain-0 -----r .* no limit +n/a ' echo "$out"
out=$("${X[@]}" top -b -i 1 -d 0.2 --summary 2>/dev/null)
check_out "--summary: the title with SIMULATED first" '^xdom top - [0-9:]+ .*SIMULATED' head -1 <<<"$out"
check_out "--summary: xentop's counts line" '^[0-9]+ domains: [0-9]+ running, [0-9]+ blocked, [0-9]+ paused, [0-9]+ crashed, [0-9]+ dying, [0-9]+ shutdown' echo "$out"
check_out "--summary: memory and CPUs line" '^Mem: [0-9]+k total, [0-9]+k used, [0-9]+k free    CPUs: [0-9]+ @ [0-9]+MHz' echo "$out"
check_out "--summary: then a blank line and the header" "$hdr" sed -n 5p <<<"$out"
"${X[@]}" top -b -i 1 -d 0.2 --summary --format=json >/dev/null 2>"$T/err"
check "--summary with json: usage error (exit 2)" test $? -eq 2
out=$("${X[@]}" top -b -i 1 -d 0.2 -n -x -v 2>&1)
check_out "-n: network lines" '^Net0 RX: +[0-9]+bytes' echo "$out"
check_out "-x: block device lines" '^VBD BlkBack +[0-9]+ \[xvda\] OO:' echo "$out"
check_out "-v: vcpu lines" '^VCPUs\(sec\): +0: +[0-9]+s' echo "$out"
out=$("${X[@]}" top -b -i 2 -d 0.2 --format=csv 2>&1)
check "csv: a header and one line per domain per iteration" \
	test "$(wc -l <<<"$out")" -eq $((1 + 2 * $(grep -c '^1,' <<<"$out")))
check_out "csv: header names carry units" '^iteration,time,host,id,name,state,cpu_s,cpu_pct,mem_kib,' echo "$out"
check_out "csv: names quoted" '^1,[0-9.]+,"[^"]*",0,"Domain-0","-----r",' echo "$out"
check_out "csv: a simulated field, 1 on every line" ',simulated$' head -1 <<<"$out"
check "... 1 on every line of the sim" test "$(grep '^[12],' <<<"$out" | grep -vc ',1$')" -eq 0
out=$("${X[@]}" top -b -i 1 -d 0.2 --sort=mem:desc --filter=web --format=csv 2>&1)
check "--filter and --sort in batch" test "$(grep -c '^1,' <<<"$out")" -ge 2
check "--filter keeps only matches" test "$(grep '^1,' <<<"$out" | grep -vc web)" -eq 0

out=$("${X[@]}" top -b -i 1 -d 0.2 -z --sort=name:desc 2>&1)
first=$(grep -A1 -E '^ +NAME +STATE' <<<"$out" | sed -n 2p | awk '{ print $1 }')
check "-z: Domain-0 first whatever the sort (got $first)" test "$first" = Domain-0
second=$(grep -A2 -E '^ +NAME +STATE' <<<"$out" | sed -n 3p | awk '{ print $1 }')
check "--sort=name:desc: then the names backwards (got $second)" test "$second" = web02
out=$("${X[@]}" top -b -i 1 -d 0.2 2>&1)
check "without -f: names cut to 10 (ci-runner0)" grep -qE '^ci-runner0 ' <<<"$out"
out=$("${X[@]}" top -b -i 1 -d 0.2 -f 2>&1)
check "-f: full names (ci-runner01, cust-alice-web)" grep -qE '(^| )ci-runner01 .* cust-alice-web ' <<<"$(tr '\n' ' ' <<<"$out")"
out=$("${X[@]}" top -b -i 1 -d 0.2 -r 2>&1)
check "-r: the header before each domain" test "$(grep -cE '^ +NAME +STATE' <<<"$out")" -eq "$(grep -cE ' [-a-z]{6} +[0-9]+ ' <<<"$out")"
# Text batch sorts by what it prints: NETTX(k) totals, biggest first.
out=$("${X[@]}" top -b -i 1 -d 0.2 --sort=nettx 2>&1)
tx=$(awk 'p && NF >= 19 { print $(NF - 8) } /^ +NAME +STATE/ { p = 1 }' <<<"$out" | tr '\n' ' ')
check "--sort=nettx in text: NETTX(k) column descending ($tx)" \
	sh -c 'printf "%s\n" $1 | sort -rn -c' _ "$tx"
# Batch ends quietly: a reader that goes away, SIGTERM, SIGINT.
"${X[@]}" top -b -d 0.2 --format=json 2>"$T/err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
check "batch into a reader that leaves: status 0, nothing on stderr (rc $rc)" \
	sh -c 'test "$1" -eq 0 && ! test -s "$2"' _ "$rc" "$T/err"
# caught PID SIGNUM: the process is xdom (not the shell that forked it,
# before its exec: a signal caught there would be lost) and has its
# handler for that signal in place.
caught() {
	local m
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$XDOM")" ] || return 1
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && (((16#$m >> ($2 - 1)) & 1))
}
for sig in TERM INT; do
	"${X[@]}" top -b -d 5 >"$T/out" 2>"$T/err" &
	pid=$!
	# started (handlers in place), however busy the machine: 30 s at most
	for _ in $(seq 300); do caught "$pid" "$(kill -l "$sig")" && break; sleep 0.1; done
	kill -$sig $pid
	t0=$(date +%s%N)
	wait $pid
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "batch and SIG$sig: status 0 at once (rc $rc, ${ms} ms)" \
		sh -c 'test "$1" -eq 0 && test "$2" -lt 2000' _ "$rc" "$ms"
done
for bad in "-d 0" "-d x" "-i 0" "--format=xml -b" "--sort=nope -b" "--bogus" "-b stray"; do
	# shellcheck disable=SC2086
	"${X[@]}" top $bad >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ]; then ok "top $bad: usage error (exit 2, one line)"
	else not_ok "top $bad: exit $rc, $(wc -l <"$T/err") lines: $(head -c 200 "$T/err")"; fi
done
"${X[@]}" top </dev/null >"$T/out" 2>"$T/err"
check "interactive top without a terminal: exit 2 and a hint" \
	grep -q 'not a terminal' "$T/err"
check_out "top -h" 'usage: xdom .*top' "${X[@]}" top -h
check_out "top -V" '^xdom top [0-9]' "${X[@]}" top -V

# ---- the manual covers every flag, key and column -------------------------
MAN=$(dirname "$0")/../../man/xdom.1
if ! command -v man >/dev/null || ! LC_ALL=C man --nj --nh -l "$MAN" >/dev/null 2>&1; then
	skip "man page coverage" "man cannot render man/xdom.1 here"
else
	# The TOP section as a reader sees it.
	mantop=$(LC_ALL=C MANWIDTH=200 man --nj --nh -l "$MAN" 2>/dev/null | col -b | expand |
		sed -n '/^TOP/,/^ENVIRONMENT/p')
	missing=()
	while IFS= read -r opt; do
		grep -qF -- "$opt" <<<"$mantop" || missing+=("$opt")
	done < <("${X[@]}" top -h | grep -oE -- '(^|[ ,])--?[A-Za-z][-a-z]*' | tr -d ' ,' | sort -u)
	check "man: every option of top -h (${missing[*]:-all there})" test ${#missing[@]} -eq 0
	missing=()
	while read -r name header _; do
		grep -qF -- "$header ($name)" <<<"$mantop" || missing+=("$header")
	done < <("${X[@]}" top --list-columns)
	check "man: every column of --list-columns with its name (${missing[*]:-all there})" test ${#missing[@]} -eq 0
	# Keys are the tags of the Keys list: the line after each .TP of the
	# source's Keys subsection (".BR Q \", \" Esc" is Q and Esc).
	tags=$(sed -n '/^\.SS Keys/,/^\.SS Columns/p' "$MAN" | awk 'p { print; p = 0 } /^\.TP/ { p = 1 }' |
		sed -e 's/^\.[A-Z]* //' -e 's/\\-/-/g' -e 's/"//g' -e 's/,/ /g' | tr -s ' ' '\n' |
		grep -vxE 'and|or|')
	missing=()
	for k in D N B V R S '<' '>' I Q F10 Esc Up Down PgUp PgDn Home End Left Right Ctrl-L Ctrl-Z \
		T / Enter Space U A C P Y W H '?' F1; do
		grep -qxF -- "$k" <<<"$tags" || missing+=("$k")
	done
	check "man: every key (${missing[*]:-all there})" test ${#missing[@]} -eq 0
	check "man: xentop's bottom bar" grep -qF 'Delay  Networks  vBds  VCPUs  Repeat header  Sort order  Quit' <<<"$mantop"
	# (blanks squeezed: groff spreads a justified line's spaces anywhere)
	check "man: the summary's counts line" grep -qF 'N domains: N running, N blocked, N paused, N crashed, N dying, N shutdown' <<<"$(tr -s ' ' <<<"$mantop")"
fi

# ---- the dashboard under tmux ---------------------------------------------
if ! command -v tmux >/dev/null; then
	skip "dashboard under tmux" "tmux is not installed"
	done_testing
	exit
fi
# Each dashboard gets its own tmux server, so one shutting down never
# races the next one starting.
NSRV=0

# start W H [ENV=VAL...] -- ARGS...: a fresh tmux server running xdom top.
start() {
	local w=$1 h=$2 envs=() assign=()
	shift 2
	# tmux sets TERM itself: the assignments also go on the command line
	while [ "$1" != "--" ]; do envs+=(-e "$1"); assign+=("$1"); shift; done
	shift
	[ ${#TM[@]} -gt 0 ] && "${TM[@]}" kill-server 2>/dev/null
	NSRV=$((NSRV + 1))
	tm_server "top-$NSRV"
	tm_new "$w" "$h" -e XDOM_SIM_DIR="$XDOM_SIM_DIR" \
		-e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDOM_SIM_DELAY_MS=300 \
		"${envs[@]}" \
		"$(printf '%q ' env "${assign[@]}" "${X[@]}" top "$@"); echo EXITED=\$?; stty -a | tr ' ' '\n' | grep -x -- '-\\?icanon' | sed 's/^/TTY=/'; sleep 60"
	wait_screen 20 'Quit' >/dev/null
}

start 250 40 -- -d 1
screen_ok "dashboard starts, SIMULATED in the title" '^xdom top - [0-9:]+ .*SIMULATED'
screen_ok "domain counts line" '^[0-9]+ domains: [0-9]+ running, [0-9]+ blocked, [0-9]+ paused, [0-9]+ crashed, [0-9]+ dying, [0-9]+ shutdown'
screen_ok "memory line" '^Mem: [0-9]+k total, [0-9]+k used, [0-9]+k free +CPUs: [0-9]+ @ [0-9]+MHz'
screen_ok "host meters" '^CPU\[.*%\] +Mem\[.*\]'
screen_ok "xentop's bottom bar" 'Delay  Networks  vBds  VCPUs  Repeat header  Sort order  Quit'
hdr=$(cap | grep -E '^ +ID +NAME' | head -1)
for h in ID NAME STATE 'CPU(sec)' 'CPU(%)' 'MEM(k)' 'MEM(%)' 'MAXMEM(k)' 'MAXMEM(%)' VCPUS NETS \
	NETTX/s NETRX/s VBDS VBD_OO/s VBD_RD/s VBD_WR/s VBD_RSECT/s VBD_WSECT/s SSID; do
	if grep -qF -- " $h" <<<" $hdr"; then ok "header shows $h"; else not_ok "header shows $h: $hdr"; fi
done
screen_ok "first frame has real CPU rates (a batch guest well above 0)" '^ +[0-9]+ +ci-runner01 +-----r +[0-9]+ +([5-9][0-9]|[1-9][0-9][0-9])\.[0-9] '
keys T
screen_ok "T: totals, xentop's headers" ' NETTX\(k\) NETRX\(k\) VBDS +VBD_OO +VBD_RD +VBD_WR +VBD_RSECT +VBD_WSECT SSID'
keys t
screen_ok "T again: rates" ' NETTX/s +NETRX/s '
keys N
screen_ok "N: network lines" '^Net0 RX: +[0-9]+bytes'
keys N B
screen_not "N again: no network lines" '^Net0 RX:'
screen_ok "B: block device lines" '^VBD BlkBack +[0-9]+ \[xvda\]'
keys B V
screen_ok "V: vcpu lines" '^VCPUs\(sec\): +0: +[0-9]+s'
keys v R
many_headers() { [ "$(cap | grep -c ' NAME  STATE')" -gt 3 ]; }
if wait_for 5 many_headers; then ok "R: header before each domain"
else not_ok "R: header before each domain"; cap | sed 's/^/#   /' | head -20; fi
keys r
screen_ok "sort starts on CPU(%) desc" '^Sort: CPU\(%\) desc'
keys S
screen_ok "S: next sort column" '^Sort: CPU-HISTORY'
keys '>'
screen_ok "> : next sort column" '^Sort: MEM\(k\) desc'
keys '<' '<'
screen_ok "< : previous sort column" '^Sort: CPU\(%\) desc'
keys I
screen_ok "I: inverted" '^Sort: CPU\(%\) asc'
first=$(cap | grep -A1 -E '^ +ID +NAME' | tail -1)
if grep -Eq ' (0\.0|[0-9]\.[0-9]) ' <<<"$first"; then ok "ascending CPU%: least busy first"
else not_ok "ascending CPU%: least busy first: $first"; fi
keys i
keys D
screen_ok "D: xentop's delay prompt" '^Delay\(sec\):'
keys 0 . 5 Enter
screen_ok "delay accepts fractions" 'delay 0\.5 s'
keys D 0 Enter
screen_ok "delay 0 refused" 'delay: a number of seconds'
keys /
keys -l 'web0'
screen_ok "/: incremental filter" '^Filter: web0'
two_rows() { [ "$(cap | grep -Ec '^ +[0-9]+ +[^ ]+ +[-a-z]{6} ')" -eq 2 ] && cap | grep -q 'web02'; }
for _ in $(seq 200); do two_rows && break; sleep 0.1; done
if two_rows; then
	ok "filter keeps only web01 and web02"
else not_ok "filter keeps only web01 and web02"; cap | sed 's/^/#   /' | head -30; fi
keys Enter
screen_ok "filter kept after Enter" 'Filter: web0 \(2\)'
keys '/'; esc
screen_ok "Esc clears the filter" 'db01'
# detail view of the first row after a Down: the cursor moved
keys Home Down Down Up
sel=$(cap | grep -A2 -E '^ +ID +NAME' | tail -1 | awk '{print $2}')
keys Enter
screen_ok "Enter: detail view with per-vcpu table" '^VCPU ONLINE +TIME\(s\) CPU\(%\)'
screen_ok "detail: per-vif and per-vbd tables" '^VBD +OO +RD +WR'
screen_ok "detail: history graphs" '^CPU [0-9.]+%'
screen_ok "detail: shows the domain under the cursor ($sel)" "^${sel}[^ ]*  id [0-9]+"
esc
screen_ok "Esc: back to the list" ' NAME  STATE'
# Ctrl-L: bytes written behind the dashboard's back stay until it redraws
printf '\033[38;3HGARBAGE-XYZ' >"$("${TM[@]}" display-message -p '#{pane_tty}')"
screen_ok "garbage written to the terminal shows" 'GARBAGE-XYZ'
keys C-l
screen_not "Ctrl-L redraws the whole screen: garbage gone" 'GARBAGE-XYZ'
keys '?'
screen_ok "?: help" '^xdom top keys'
esc
# mouse: a click on the MEM(k) header sorts by it
x=$(cap | grep -E '^ +ID +NAME' | head -1 | awk '{ print index($0, "MEM(k)") }')
y=$(cap | grep -nE '^ +ID +NAME' | head -1 | cut -d: -f1)
keys -l $'\e[<0;'"$((x + 2))"';'"$y"'M'$'\e[<0;'"$((x + 2))"';'"$y"'m'
screen_ok "mouse: a click on a header sorts by it" '^Sort: MEM\(k\) desc'
keys -l $'\e[<0;'"$((x + 2))"';'"$y"'M'$'\e[<0;'"$((x + 2))"';'"$y"'m'
screen_ok "mouse: a second click inverts" '^Sort: MEM\(k\) asc'
# columns: hide SSID
keys C
screen_ok "C: column editor" '^Columns: Space shows'
keys End
for i in $(seq 1 25); do keys Up; done
for i in $(seq 1 20); do keys Down; done
esc
# an action with confirmation: pause staging? pause web02 via the filter
keys /
keys -l 'web02'
keys Enter
screen_ok "filtered to web02" 'Filter: web02 \(1\)'
keys a
screen_ok "a: action menu" '^Action: p pause'
keys p
screen_ok "confirmation asked" '^Pause web02\? \(y/N\)'
keys n
screen_ok "n cancels" 'cancelled'
screen_ok "... web02 still running" ' web02 +--b---|web02 +-----r'
keys a p y
screen_ok "pause web02: done" 'pause web02: done'
screen_ok "the effect shows: web02 paused" ' web02 +----p-' 20
keys a u y
screen_ok "unpause web02" ' web02 +--b---|web02 +-----r' 20
# Space tags: an action applies to every tagged domain
keys /; esc
keys /
keys -l 'web0'
keys Enter Home Space Space
screen_ok "Space: two domains tagged (once the last status has gone)" 'Filter: web0 \(2\)  2 tagged' 20
keys a p
screen_ok "the question names the tagged domains" '^Pause 2 tagged domains: web0[12], web0[12]\? \(y/N\)'
keys y
screen_ok "pause on the tagged: done on both" 'pause: done on 2 domains'
screen_ok "... web01 paused" ' web01 +----p-' 20
screen_ok "... web02 paused" ' web02 +----p-' 20
keys a u y
screen_ok "unpause on the tagged" 'unpause: done on 2 domains'
screen_ok "... both run again" ' web01 +--b---|web01 +-----r' 20
keys Home Space Space
screen_not "Space again: untagged" '[0-9] tagged'
keys /; esc
keys Y
screen_ok "Y: next theme" 'theme [a-z0-9-]+'
keys q
screen_ok "q quits with status 0" '^EXITED=0'
screen_ok "terminal restored (canonical mode)" '^TTY=icanon'
if [ -f "$XDG_CONFIG_HOME/xdom/top.conf" ]; then
	ok "settings saved to \$XDG_CONFIG_HOME/xdom/top.conf"
	check "settings file mode 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/xdom/top.conf")" = 600
	check "settings have a version key" grep -q '^version = 1' "$XDG_CONFIG_HOME/xdom/top.conf"
	check "settings keep the delay" grep -q '^delay = 0.5' "$XDG_CONFIG_HOME/xdom/top.conf"
	check "settings keep columns by name" grep -q '^columns = "id,name,state,' "$XDG_CONFIG_HOME/xdom/top.conf"
	check "settings keep the sort" grep -q '^sort = "mem:asc"' "$XDG_CONFIG_HOME/xdom/top.conf"
else
	not_ok "settings saved to \$XDG_CONFIG_HOME/xdom/top.conf"
fi
start 250 40 -- -d 1
screen_ok "settings restored: sort by MEM(k) asc" '^Sort: MEM\(k\) asc'
keys q
wait_screen 20 EXITED >/dev/null
echo 'version = 1
columns = "name,bogus,,-state
sort = ' >"$XDG_CONFIG_HOME/xdom/top.conf"
start 120 40 -- -d 1
screen_ok "a corrupt settings file: defaults and a message" 'top.conf: ignored, using defaults'
screen_ok "... and the dashboard runs" 'Delay  Networks'
keys q
wait_screen 20 EXITED >/dev/null

# NAME grows to fit the names on screen (cust-alice-web, cust-alice-db
# would both be "cust-alice" at xentop's 10) and says when it cuts one.
start 120 40 -- -d 1 --no-settings --filter=cust-alice
screen_ok "120x40: cust-alice-web in full" ' cust-alice-web +-'
screen_ok "120x40: cust-alice-db in full" ' cust-alice-db +-'
keys q
wait_screen 5 EXITED >/dev/null
start 40 10 -- -d 1 --no-settings --filter=cust-alice
screen_ok "40x10: a cut name is marked (~ or an ellipsis)" ' cust-alice-w(~|…) '
screen_ok "40x10: the other still whole" ' cust-alice-db '
if [ "$(cap | LC_ALL=C.UTF-8 wc -L)" -le 40 ]; then ok "40x10: names inside the screen"
else not_ok "40x10: names spill"; cap | sed 's/^/#   /'; fi
keys q
wait_screen 5 EXITED >/dev/null

# 40x10: nothing spills, the essentials are there
start 40 10 -- -d 1 --no-settings
screen_ok "40x10: bottom bar" '^Delay  Networks'
screen_ok "40x10: SIMULATED visible" 'SIMULATED'
screen_ok "40x10: header" '^ +ID +NAME'
# fits40: nothing wider than 40 columns, at most 10 lines
fits40() { [ "$(cap | LC_ALL=C.UTF-8 wc -L)" -le 40 ] && [ "$(cap | wc -l)" -le 10 ]; }
if fits40; then
	ok "40x10: no line longer than the screen"
else not_ok "40x10: lines spill"; cap | sed 's/^/#   /'; fi
# Prompts fit: the action menu in short, its legend over the rows; a
# confirmation keeps its "(y/N)"; a value prompt keeps what is typed.
keys a
screen_ok "40x10: the action prompt fits, whole" '^Action: p u s r d c v m x b e w l \(Esc\)$'
screen_ok "40x10: ... with a legend of the keys" '^p pause +u unpause +s shutdown'
if fits40; then ok "40x10: action menu inside the screen"
else not_ok "40x10: action menu spills"; cap | sed 's/^/#   /'; fi
keys p
screen_ok "40x10: a confirmation ends in (y/N), whole" '^[Pp]ause .+\? \(y/N\) *$'
keys n
screen_ok "40x10: n cancels" 'cancelled'
keys a
wait_screen 3 '^Action: ' >/dev/null
keys m
keys -l 123456789
screen_ok "40x10: a value prompt in short, the typed value in view" '^memory [^ ]+: 123456789$'
if fits40; then ok "40x10: value prompt inside the screen"
else not_ok "40x10: value prompt spills"; cap | sed 's/^/#   /'; fi
esc
keys Enter
screen_ok "40x10: detail view fits" 'id [0-9]+'
esc
"${TM[@]}" resize-window -x 100 -y 30 2>/dev/null
screen_ok "resize to 100x30: redrawn" '^Mem: .*CPUs'
if [ "$(cap | grep -c 'Delay  Networks')" -eq 1 ]; then ok "resize: one bottom bar, no leftovers"
else not_ok "resize: bottom bar count"; cap | sed 's/^/#   /'; fi
# The dashboard is the only child of the pane's shell.
pid=$(pgrep -P "$("${TM[@]}" display-message -p '#{pane_pid}')" -x xdom | head -1)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	screen_ok "SIGTERM: leaves" '^EXITED='
	screen_ok "SIGTERM: terminal restored" '^TTY=icanon'
else
	not_ok "SIGTERM: could not find the dashboard's pid"
fi

# -p and P: per-physical-CPU meters; column editor: hide and reorder;
# a mouse click on a row; the console action; a domain that goes away
# while its detail view is open
start 250 40 -- -d 0.5 --no-settings -p --sort=name
screen_ok "-p: per-physical-CPU meters" '^ +0\[.*%\] +1\[.*%\]'
keys P
screen_not "P: meters off" '^ +0\[.*%\] +1\['
keys P
screen_ok "P: meters on again" '^ +0\[.*%\] +1\[.*%\]'
keys C
screen_ok "C: column editor" '^Columns: Space shows'
keys '>'
for i in $(seq 1 19); do keys Down; done
keys Space
esc
screen_ok "column editor: ID moved after NAME" '^ +NAME +ID +STATE '
screen_not "column editor: SSID hidden" ' SSID *$'
hdr=$(cap | grep -nE '^ +NAME +ID' | head -1 | cut -d: -f1)
row=$(cap | sed -n "$((hdr + 3))p" | awk '{ print $1 }')
keys -l $'\e[<0;3;'"$((hdr + 3))"'M'$'\e[<0;3;'"$((hdr + 3))"'m'
keys Enter
screen_ok "mouse: a click on a row selects it (detail of $row)" "^${row}[^ ]*  id [0-9]+"
esc
keys /
keys -l 'web01'
keys Enter a c
screen_ok "a c: console confirmation" '^Open the console of web01\? \(y/N\)'
keys y
sleep 0.5
keys Enter
screen_ok "console: the guest's login prompt" 'web01 login:'
keys C-]
screen_ok "Ctrl-]: back in the dashboard" 'console web01: left'
screen_ok "... with its bottom bar" '^Delay  Networks'
keys /; esc
keys /
keys -l 'monitor01'
keys Enter Enter
screen_ok "detail of monitor01" '^monitor01  id [0-9]+'
"${X[@]}" destroy monitor01 >/dev/null 2>&1
screen_ok "a domain gone while its detail is shown: back to the list, said so" 'monitor01 is gone'
keys q
wait_screen 20 EXITED >/dev/null

# 8- and 16-colour terminals and one with no colours: a whole frame
for term in xterm xterm-16color vt100; do
	start 120 30 TERM=$term -- -d 1 --no-settings --theme=dark256
	if wait_screen 20 'Delay  Networks' && cap | grep -q SIMULATED &&
		[ "$(cap | LC_ALL=C.UTF-8 wc -L)" -le 120 ] && cap | grep -Eq '^ +ID +NAME'; then
		ok "TERM=$term: a whole frame with the 256-colour theme"
	else not_ok "TERM=$term: frame"; cap | sed 's/^/#   /' | head -30; fi
	if [ "$term" = vt100 ]; then
		if cap -e | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'; then
			not_ok "TERM=vt100: colours used"
		else ok "TERM=vt100: no colours"; fi
	elif cap -e | grep -Eq $'\e\\[([0-9;]*;)?(38;5|48;5)'; then
		not_ok "TERM=$term: 256-colour sequences sent"; cap -e | head -3 | cat -v | sed 's/^/#   /'
	else ok "TERM=$term: only colours it has"; fi
	keys q
	wait_screen 20 EXITED >/dev/null
done

# NO_COLOR: attributes, no colours
start 120 30 NO_COLOR=1 -- -d 1 --no-settings
wait_screen 20 'Delay' >/dev/null
if cap -e | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'; then
	not_ok "NO_COLOR: colours used"; cap -e | head -5 | cat -v | sed 's/^/#   /'
else ok "NO_COLOR: no colours"; fi
keys q
wait_screen 20 EXITED >/dev/null
start 120 30 -- -d 1 --no-settings --theme=dark256
wait_screen 20 'Delay' >/dev/null
screen_not "--theme=dark256 is found" 'not found'
keys Right
screen_ok "Right: columns after ID and NAME scroll" '^ +ID +NAME +CPU\(sec\) '
keys Left
screen_ok "Left: back" '^ +ID +NAME +STATE '
keys Q
screen_ok "Q quits with status 0" '^EXITED=0'
wait_screen 20 EXITED >/dev/null
start 120 30 -- -d 1 --no-settings --theme=nosuch
screen_ok "--theme=nosuch: a message, default theme" 'theme nosuch not found'
esc
screen_not "Esc does not quit" '^EXITED='
keys F10
screen_ok "F10 quits with status 0" '^EXITED=0'
start 120 30 -- -d 0.3 -i 3 --no-settings
screen_ok "-i 3 on the screen: leaves by itself after 3 refreshes" '^EXITED=0' 20

done_testing
