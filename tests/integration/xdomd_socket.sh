#!/bin/bash
# xdomd_socket.sh - xdomd's socket path at exit: the socket it made is
# removed; anything another process put at that path since is left alone.
set -u
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d)
T_CLEANUP=("rm -rf '$T'")
trap t_cleanup EXIT
sim_tmpdir
: >"$T/policy"; chmod 644 "$T/policy"; chmod 755 "$T"
: >"$T/empty.conf"

# start_xdomd: in the background, until its socket answers (10 s).
start_xdomd() {
	"$XDOMD" --foreground --sim --config "$T/empty.conf" --socket "$T/s" \
		--policy "$T/policy" --audit "$T/audit" 2>"$T/log" &
	DPID=$!
	for _ in $(seq 100); do [ -S "$T/s" ] && return 0; sleep 0.1; done
	return 1
}
# stop_xdomd: SIGTERM and wait for it.
stop_xdomd() { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }

if start_xdomd; then
	stop_xdomd
	check "its own socket is removed when it stops" test ! -e "$T/s"
else
	not_ok "xdomd did not start:"; sed 's/^/#   /' "$T/log"
fi

# While it runs, the path is taken over by another socket (a second
# instance after the first one's socket was removed by hand).
if start_xdomd; then
	mv "$T/s" "$T/s.old"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/s"
	ino=$(stat -c %i "$T/s")
	stop_xdomd
	if [ -S "$T/s" ] && [ "$(stat -c %i "$T/s")" = "$ino" ]; then
		ok "a socket someone else made at the path is left in place"
	else
		not_ok "xdomd removed a socket it did not make"
	fi
else
	not_ok "xdomd did not start the second time:"; sed 's/^/#   /' "$T/log"
fi
done_testing
