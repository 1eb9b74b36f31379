#!/bin/bash
# fleet_hosts.sh - start and stop the sshd "hosts" of bench_fleet (the
# same helpers as the fleet integration tests, tests/integration/fleet.inc).
#
#   fleet_hosts.sh start XDOM NHOSTS NGUESTS   prints the work dir; in it:
#                                              hosts (one spec a line),
#                                              known_hosts, userkey
#   fleet_hosts.sh pause DIR NAME              SIGSTOP a host's sshd and
#                                              sessions: a host that hangs
#   fleet_hosts.sh stop DIR                    kill every host, remove DIR
#
# Hosts are named h0, h1, ...; exit status 1 with a reason on stderr when
# something could not be started (everything started is stopped again).
set -u
source "$(dirname "$0")/../integration/fleet.inc"

case "${1:-}" in
start)
	[ $# -eq 4 ] || { echo "usage: $0 start XDOM NHOSTS NGUESTS" >&2; exit 2; }
	why=$(fleet_missing)
	[ -z "$why" ] || { echo "$why" >&2; exit 1; }
	fleet_init "$2"
	for ((i = 0; i < $3; i++)); do
		if ! fleet_host_add "h$i" "$4" >&2; then
			echo "cannot start host h$i" >&2
			fleet_cleanup
			exit 1
		fi
		fleet_spec "h$i" >>"$FLEET_W/hosts"
	done
	echo "$FLEET_W"
	;;
pause)
	[ $# -eq 3 ] || { echo "usage: $0 pause DIR NAME" >&2; exit 2; }
	FLEET_W=$2
	pids=($(fleet_tree "$(cat "$FLEET_W/h/$3/pid")"))
	kill -STOP "${pids[@]}"
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
	case $2 in "${TMPDIR:-/tmp}"/xdom-fleet.*) ;; *) echo "not a fleet dir: $2" >&2; exit 2 ;; esac
	FLEET_W=$2
	fleet_cleanup
	;;
*)
	echo "usage: $0 start|pause|stop ..." >&2
	exit 2
	;;
esac
