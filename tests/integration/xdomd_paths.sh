#!/bin/bash
# xdomd_paths.sh - xdomd trusts only paths that root alone can change:
# it refuses to start, with one line naming the path, when the sim's
# state directory, save_dir, block_dir (or a guest's directory in it) or
# the audit directory is writable by others or owned by another user (a
# customer who made the sim directory first would own every guest in it),
# and starts when they are root's and private. Needs root (chown).
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "xdomd path trust" "not root: the checks chown directories to another uid (run as root or in CI)"
	done_testing
	exit
fi

unset XDOM_BACKEND
T=$(mktemp -d "${TMPDIR:-/tmp}/xdomd-paths.XXXXXX")
chmod 755 "$T"
T_CLEANUP+=("rm -rf '$T'")
printf 'user:root * all\n' >"$T/policy"
chmod 644 "$T/policy"

# start_refused DESC REGEX [ENV=VALUE...] -- ARGS...: xdomd exits 1 with
# exactly one line on stderr matching REGEX, and no socket is left.
start_refused() {
	local what=$1 re=$2 rc n envs=()
	shift 2
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -f "$T/sock"
	env "${envs[@]}" timeout 20 "$XDOMD" --foreground --sim --socket "$T/sock" \
		--policy "$T/policy" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	n=$(wc -l <"$T/err")
	if [ "$rc" -eq 1 ] && [ "$n" -eq 1 ] && grep -Eq -- "$re" "$T/err" && [ ! -e "$T/sock" ]; then
		ok "$what ($(head -c 150 "$T/err"))"
	else
		not_ok "$what: exit $rc (want 1), $n lines (want 1), /$re/:"
		sed 's/^/#   /' "$T/err" "$T/out" | head -5
	fi
}
# starts DESC [ENV=VALUE...] -- ARGS...: xdomd comes up and listens.
starts() {
	local what=$1 pid i up=no envs=()
	shift
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -f "$T/sock"
	env "${envs[@]}" "$XDOMD" --foreground --sim --socket "$T/sock" \
		--policy "$T/policy" "$@" >"$T/out" 2>"$T/err" </dev/null &
	pid=$!
	for i in $(seq 300); do
		if [ -S "$T/sock" ] && grep -q "listening on" "$T/err"; then up=yes; break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	if [ "$up" = yes ]; then ok "$what"
	else not_ok "$what: xdomd did not start:"; sed 's/^/#   /' "$T/err" | head -5; fi
}

# ---- the sim's state directory -------------------------------------------
mkdir -m 700 "$T/sim-ok"
starts "a root-owned 0700 sim directory: xdomd starts" XDOM_SIM_DIR="$T/sim-ok" --
check "... and the simulated host was made in it" test -e "$T/sim-ok/state"
mkdir -m 700 "$T/sim-open"; chmod 777 "$T/sim-open"
start_refused "a world-writable sim directory: refused" \
	"^xdomd: simulated host state: .*/sim-open: writable by others than its owner \(mode 0777\)" \
	XDOM_SIM_DIR="$T/sim-open" --
check "... and nothing was created in it" test -z "$(ls -A "$T/sim-open")"
mkdir -m 700 "$T/sim-theirs"; chown 54321:54321 "$T/sim-theirs"
start_refused "a sim directory owned by a customer (uid 54321): refused" \
	"sim-theirs: owned by uid 54321, not by root" XDOM_SIM_DIR="$T/sim-theirs" --
mkdir -m 755 "$T/cust"; chown 54321 "$T/cust"
start_refused "a sim directory not made yet under a customer's directory: refused" \
	"cust: owned by uid 54321, not by root" XDOM_SIM_DIR="$T/cust/sim" --
mkdir -m 1777 "$T/shared"
start_refused "a sim directory not made yet in a sticky shared directory: refused" \
	"shared: writable by others.*anyone could create it" XDOM_SIM_DIR="$T/shared/sim" --
starts "a sim directory not made yet under root's directory: xdomd starts" XDOM_SIM_DIR="$T/sim-new" --
check "... and made it 0700" test "$(stat -c %a "$T/sim-new" 2>/dev/null)" = 700

# ---- save_dir, block_dir, the audit directory ------------------------------
conf() { printf '%s\naudit_syslog = no\n' "$1" >"$T/xdom.conf"; chmod 644 "$T/xdom.conf"; }
S=(XDOM_SIM_DIR="$T/sim-ok" --)
mkdir -m 777 "$T/save-open"; chmod 777 "$T/save-open"
conf "save_dir = $T/save-open"
start_refused "a world-writable save_dir: refused" "save_dir: .*save-open: writable by others" \
	"${S[@]}" --config "$T/xdom.conf"
mkdir -m 755 "$T/disks" "$T/disks/web01" "$T/disks/web02"
chown 54321 "$T/disks/web02"
conf "block_dir = $T/disks"
start_refused "block_dir/NAME owned by a customer: refused" "block_dir: .*disks/web02: owned by uid 54321" \
	"${S[@]}" --config "$T/xdom.conf"
chown 0 "$T/disks/web02"; chmod 775 "$T/disks/web02"
start_refused "a group-writable block_dir/NAME: refused" "disks/web02: writable by others" \
	"${S[@]}" --config "$T/xdom.conf"
chmod 755 "$T/disks/web02"
starts "block_dir with root's 0755 guest directories: xdomd starts" "${S[@]}" --config "$T/xdom.conf"
mkdir -m 777 "$T/log-open"; chmod 777 "$T/log-open"
conf ""
start_refused "an audit file in a world-writable directory: refused" "audit: .*log-open: writable by others" \
	"${S[@]}" --config "$T/xdom.conf" --audit "$T/log-open/audit"
mkdir -m 755 "$T/log"
starts "an audit file in root's directory: xdomd starts" "${S[@]}" --config "$T/xdom.conf" --audit "$T/log/audit"

done_testing
