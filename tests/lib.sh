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
T_CLEANUP=()
t_cleanup() {
	local i
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${T_CLEANUP[i]}" || true; done
}
trap t_cleanup EXIT
# Finish: exit status reflects the checks.
done_testing() { [ "$T_FAILS" -eq 0 ]; }
