#!/bin/bash
# check.sh - run every test and print one summary line last:
#   N passed, N failed, N skipped
#
# Phases (CHECK_PHASES, default all of them, in this order):
#   unit         cmocka unit tests of the normal build (TAP output)
#   integration  tests/integration/*.sh against the normal build
#   san          the same two under ASan+UBSan (build-san/)
#   fuzz         every libFuzzer target for FUZZ_SECONDS each
#   xen          the real Xen 4.17 checks under QEMU (tests/xen/check-xen.sh)
# TEST_FILTER=regex limits which test files run.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
PHASES=${CHECK_PHASES:-unit integration san fuzz xen}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
FILTER=${TEST_FILTER:-.}
LOGDIR=$TOP/build/test-logs
mkdir -p "$LOGDIR"
PASS=0 FAIL=0 SKIP=0
FAILED=()
SKIPPED=()

# run_one LABEL CMD...: run a test file, echo its output, count TAP lines.
run_one() {
	local label=$1 log rc p f s
	shift
	log=$LOGDIR/$(echo "$label" | tr '/ ' '__').log
	echo "=== $label"
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	cat "$log"
	p=$(grep -Ec '^ok ' "$log" | head -1)
	s=$(grep -Eci '^ok .*# *skip' "$log" | head -1)
	f=$(grep -Ec '^not ok ' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label exited with status $rc"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		f=1
		echo "not ok - $label reported no results"
	fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
	[ "$f" -gt 0 ] && FAILED+=("$label")
	if [ "$s" -gt 0 ]; then
		while IFS= read -r line; do SKIPPED+=("$label: ${line#*# }"); done \
			< <(grep -Ei '^ok .*# *skip' "$log")
	fi
	return 0
}

unit_phase() {	# BUILD
	local b=$1 t
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		grep -Eq "$FILTER" <<<"$t" || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_one "$b/unit/$(basename "$t")" "$t"
	done
}

integration_phase() {	# BUILD
	local b=$1 t
	for t in tests/integration/*.sh; do
		[ -e "$t" ] || continue
		grep -Eq "$FILTER" <<<"$t" || continue
		XDOM_BUILD=$b run_one "$b/$t" bash "$t"
	done
}

for phase in $PHASES; do
	case $phase in
	unit) unit_phase build ;;
	integration) integration_phase build ;;
	san)
		echo "=== building with SANITIZE=address,undefined"
		if make --no-print-directory SANITIZE=address,undefined tests >"$LOGDIR/build-san.log" 2>&1; then
			export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
			export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
			unit_phase build-san
			integration_phase build-san
			unset ASAN_OPTIONS UBSAN_OPTIONS
		else
			tail -30 "$LOGDIR/build-san.log"
			echo "not ok - sanitizer build failed"
			FAIL=$((FAIL + 1)); FAILED+=("sanitizer build")
		fi
		;;
	fuzz)
		echo "=== building fuzzers"
		if make --no-print-directory fuzz >"$LOGDIR/build-fuzz.log" 2>&1; then
			for f in build-fuzz/fuzz_*; do
				[ -x "$f" ] || continue
				n=$(basename "$f")
				corpus=tests/fuzz/corpus/${n#fuzz_}
				work=$(mktemp -d)
				[ -d "$corpus" ] && cp -r "$corpus/." "$work/"
				run_one "fuzz/$n" bash -c '"$1" -max_total_time="$2" -max_len=65536 "$3" 2>&1 | tail -5; r=${PIPESTATUS[0]}; [ "$r" -eq 0 ] && echo "ok - $4 ran $2 s, no crash" || { echo "not ok - $4 crashed"; exit 1; }' _ "$f" "$FUZZ_SECONDS" "$work" "$n"
				rm -rf "$work"
			done
		else
			tail -30 "$LOGDIR/build-fuzz.log"
			echo "not ok - fuzzer build failed"
			FAIL=$((FAIL + 1)); FAILED+=("fuzzer build")
		fi
		;;
	xen)
		if [ -x tests/xen/check-xen.sh ]; then
			run_one "xen/check-xen" tests/xen/check-xen.sh
		else
			echo "not ok - tests/xen/check-xen.sh is missing: the real-Xen checks did not run"
			FAIL=$((FAIL + 1)); FAILED+=("xen")
		fi
		;;
	*) echo "check.sh: unknown phase '$phase'" >&2; exit 2 ;;
	esac
done

echo
if [ ${#SKIPPED[@]} -gt 0 ]; then
	echo "SKIPPED (these did not run here):"
	printf '  %s\n' "${SKIPPED[@]}"
fi
if [ ${#FAILED[@]} -gt 0 ]; then
	echo "FAILED:"
	printf '  %s\n' "${FAILED[@]}"
fi
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
