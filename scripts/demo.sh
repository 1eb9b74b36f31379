#!/bin/sh
# demo.sh - open the dashboard on the simulated host (make demo).
# The sim state lives in a directory of its own so a demo never disturbs
# the state tests or other sessions use; it is kept between demos.
set -eu
build=${1:-build}
: "${XDOM_SIM_DIR:=${XDG_RUNTIME_DIR:-$HOME/.local/state}/xdom-demo}"
export XDOM_SIM_DIR
if [ ! -t 1 ]; then
	echo "make demo: not a terminal; showing one batch refresh instead" >&2
	exec "$build/xdom" --sim top -b -i 2 -d 1
fi
exec "$build/xdom" --sim top
