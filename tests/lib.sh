# lib.sh - shared helpers for the integration tests (sourced, bash).
#
# Every test prints TAP lines that tests/check.sh counts:
#   ok - what            a check that passed
#   not ok - what        a check that failed
#   ok - what # SKIP why a check that could not run here (counted as skipped,
#                        never as passed; the reason is printed)
# A script that exits non-zero without a 'not ok' line counts as a failure.
#
# XDOM_BUILD names the build directory to test (build, build-san).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${XDOM_BUILD:=build}"
case $XDOM_BUILD in /*) B=$XDOM_BUILD ;; *) B=$TOP/$XDOM_BUILD ;; esac
XDOM=$B/xdom
XDOMD=$B/xdomd
XDOM_SHELL=$B/xdom-shell
T_FAILS=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; T_FAILS=$((T_FAILS + 1)); }
skip() { local what=$1; shift; echo "ok - $what # SKIP $*"; }
# check DESC CMD...: run CMD, ok if it exits 0.
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what (exit $?)"; fi
}
# check_out DESC REGEX CMD...: ok if CMD's output (stdout+stderr) matches.
check_out() {
	local what=$1 re=$2 out; shift 2
	out=$("$@" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then ok "$what"
	else not_ok "$what: /$re/ not in output:"; sed 's/^/#   /' <<<"$out" | head -20; fi
}
# A private sim state for this test; removed on exit.
sim_tmpdir() {
	XDOM_SIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xdom-sim.XXXXXX")
	export XDOM_SIM_DIR
	T_CLEANUP+=("rm -rf '$XDOM_SIM_DIR'")
}
# The groups the shipped sshd snippet (etc/sshd_config.d/xdom-shell.conf)
# applies to: made if missing, removed on exit when this test made them.
SSHD_SNIPPET=$TOP/etc/sshd_config.d/xdom-shell.conf
xdom_groups_ensure() {
	local g
	for g in xdom-customers xdom-helpdesk; do
		getent group "$g" >/dev/null && continue
		groupadd "$g" && T_CLEANUP+=("groupdel '$g' 2>/dev/null")
	done
}

# stale_ids NAME...: remove users and groups left by an earlier test
# process that had our pid (a test's names carry its pid, so one that
# exists now is a leftover of a killed run, not someone's account).
stale_ids() {
	local n
	for n in "$@"; do
		id "$n" >/dev/null 2>&1 && userdel -f "$n" >/dev/null 2>&1
		getent group "$n" >/dev/null && groupdel "$n" >/dev/null 2>&1
	done
	return 0
}
# retry3 CMD...: CMD, again up to twice after a second (the passwd lock
# may be held for a moment by another tool).
retry3() { "$@" || { sleep 1; "$@"; } || { sleep 1; "$@"; }; }

T_CLEANUP=()
t_cleanup() {
	local i
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${T_CLEANUP[i]}" || true; done
}
trap t_cleanup EXIT
# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds, for at
# most SECONDS (one decimal allowed: 2.5).
wait_for() {
	local s=$1 n i
	shift
	case $s in
	*.*) n=$((${s%.*} * 10 + ${s#*.})) ;;
	*) n=$((s * 10)) ;;
	esac
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# ---- tmux: the programs under test on a terminal ------------------------
# Each test runs its own tmux server (no user config), killed on exit.
# TM is the command that reaches it: "${TM[@]}" ARGS, or tm ARGS (quiet).
# The helpers act on TM_TARGET (a session name; default: tmux's current
# session), or on the session given with -t where they take one.
TM=()
TM_TARGET=
# tm_server NAME: use the server xdomtest-PID-NAME from now on.
tm_server() {
	TM=(tmux -L "xdomtest-$$-$1" -f /dev/null)
	T_CLEANUP+=("tmux -L 'xdomtest-$$-$1' kill-server 2>/dev/null")
}
tm() { "${TM[@]}" "$@" 2>/dev/null; }
# tm_new [-s SESSION] W H [new-session options...] CMDLINE: a detached
# session of W x H running the shell command line CMDLINE, no status bar.
tm_new() {
	local s=()
	if [ "$1" = -s ]; then s=(-s "$2"); shift 2; fi
	local w=$1 h=$2
	shift 2
	"${TM[@]}" new-session -d "${s[@]}" -x "$w" -y "$h" "$@" &&
		"${TM[@]}" set-option -g status off >/dev/null 2>&1
}
_tm_t() { [ -n "$TM_TARGET" ] && echo "-t$TM_TARGET"; }
# cap [capture-pane options]: the visible screen as text.
cap() { "${TM[@]}" capture-pane -p $(_tm_t) "$@" 2>/dev/null; }
# keys KEY...: tmux key names (Enter, Escape, C-c) or text.
keys() { "${TM[@]}" send-keys $(_tm_t) "$@"; }
# text STRING: STRING typed literally.
text() { "${TM[@]}" send-keys $(_tm_t) -l -- "$1"; }
# type_line STRING: STRING typed literally, then Enter.
type_line() { text "$1"; keys Enter; }
# A lone Esc is told from a sequence by a pause, as a person makes.
esc() { sleep 0.2; keys Escape; sleep 0.3; }
# screen_has TEXT: the screen shows TEXT (a fixed string, not a regex).
screen_has() { cap | grep -Fq -- "$1"; }
# show_screen: the screen's last 10 non-blank lines, for the log.
show_screen() { cap | grep -v '^ *$' | tail -10 | sed 's/^/#   /'; }
# wait_screen SECONDS REGEX: poll the screen until it matches.
_screen_has() { cap | grep -Eq -- "$1"; }
wait_screen() { wait_for "$1" _screen_has "$2"; }
# screen_ok DESC REGEX [SECONDS]: ok when the screen shows REGEX in time
# (default SCREEN_WAIT, 20 s); else the screen goes into the log.
SCREEN_WAIT=20
screen_ok() {
	if wait_screen "${3:-$SCREEN_WAIT}" "$2"; then ok "$1"
	else not_ok "$1: /$2/ not on screen:"; cap | sed 's/^/#   /' | head -50; fi
}
# screen_not DESC REGEX [PAUSE]: ok when, after PAUSE s, REGEX is not shown.
screen_not() {
	sleep "${3:-0.6}"
	if cap | grep -Eq -- "$2"; then not_ok "$1: /$2/ still on screen"; cap | sed 's/^/#   /' | head -50
	else ok "$1"; fi
}

# free_port: a TCP port nothing listens on now (for a test's own sshd).
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}
# Finish: exit status reflects the checks.
done_testing() { [ "$T_FAILS" -eq 0 ]; }
