#!/bin/bash
# top_keys.sh - the dashboard's keys, mouse and signals on the terminals
# admins have, under tmux: clicks sent as raw SGR reports with
# TERM=xterm-256color (whose terminfo claims kmous=\E[<), PuTTY's Home
# and End (ESC [ 1 ~, ESC [ 4 ~), Esc Esc that must not quit, q and F10,
# help and detail views that return where they came from, Ctrl-Z and fg
# in a shell with job control, SIGSTOP/SIGCONT redrawing.
source "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null; then
	skip "dashboard keys under tmux" "tmux is not installed"
	done_testing
	exit
fi
sim_tmpdir
T=$(mktemp -d "${TMPDIR:-/tmp}/xdom-topkeys.XXXXXX")
T_CLEANUP+=("rm -rf '$T'")
: >"$T/empty.conf"
X=("$XDOM" --config "$T/empty.conf" --sim)
export XDG_CONFIG_HOME=$T/config
NSRV=0

# start W H TERM ARGS...: a fresh tmux server running xdom top with TERM.
start() {
	local w=$1 h=$2 term=$3
	shift 3
	[ ${#TM[@]} -gt 0 ] && "${TM[@]}" kill-server 2>/dev/null
	NSRV=$((NSRV + 1))
	tm_server "keys-$NSRV"
	tm_new "$w" "$h" -e XDOM_SIM_DIR="$XDOM_SIM_DIR" -e XDOM_SIM_DELAY_MS=300 \
		"$(printf '%q ' env TERM="$term" "${X[@]}" top --no-settings "$@"); echo EXITED=\$?; sleep 60"
	wait_screen 20 'Quit' >/dev/null
}
# click X Y: a left click (press and release) at 1-based column X, line Y.
click() { keys -l $'\e[<0;'"$1;$2"'M'$'\e[<0;'"$1;$2"'m'; }
header_y() { cap | grep -nE '^ +ID +NAME' | head -1 | cut -d: -f1; }
# The name in the detail view's first line.
detail_name() { cap | grep -oE '^[^ ]+  id [0-9]+' | head -1 | awk '{ print $1 }'; }

for term in xterm-256color xterm screen linux; do
	start 200 40 "$term" -d 1 --sort=name
	y=$(header_y)
	row=$(cap | sed -n "$((y + 3))p" | awk '{ print $2 }')
	click 12 $((y + 3))
	keys Enter
	screen_ok "TERM=$term: a click on a row selects it (detail of $row)" "^${row}[^ ]*  id [0-9]+"
	screen_not "TERM=$term: ... and nothing of the click was typed" 'Delay\(sec\)|Filter:'
	keys q
	screen_ok "TERM=$term: q in the detail view: back to the list" '^ +ID +NAME'
	x=$(cap | grep -E '^ +ID +NAME' | head -1 | awk '{ print index($0, "MEM(k)") }')
	click $((x + 2)) "$(header_y)"
	screen_ok "TERM=$term: a click on a header sorts by it" '^Sort: MEM\(k\) desc'
	keys a
	screen_ok "TERM=$term: action menu" '^Action: '
	click 12 $((y + 3))
	screen_not "TERM=$term: a click in the action menu is no answer" 'cancelled'
	screen_ok "TERM=$term: ... the menu stays" '^Action: '
	esc
	keys F10
	screen_ok "TERM=$term: F10 quits" '^EXITED=0'
done

# PuTTY's Home and End (its default "ESC [n~" keys)
start 200 40 xterm-256color -d 1 --sort=name
first=$(cap | sed -n "$(($(header_y) + 1))p" | awk '{ print $2 }')
last=$("${X[@]}" list 2>/dev/null | awk 'NR > 1 && !/^(SIMULATED|#)/ { print $1 }' | LC_ALL=C sort | tail -1)
keys -l $'\e[4~'
keys Enter
screen_ok "ESC [ 4 ~ is End: the last row ($last)" "^${last}[^ ]*  id [0-9]+"
keys Escape
sleep 0.5
keys -l $'\e[1~'
keys Enter
screen_ok "ESC [ 1 ~ is Home: the first row ($first)" "^${first}[^ ]*  id [0-9]+"
# help from the detail view goes back to it
keys '?'
screen_ok "? in the detail view: help" '^xdom top keys'
keys x
screen_ok "... any key: back to the detail view" "^${first}[^ ]*  id [0-9]+"
esc
screen_ok "Esc: the detail view back to the list" '^ +ID +NAME'
# Esc twice, three times: still there
esc; esc; esc
screen_not "Esc Esc Esc at the list: no quit" '^EXITED='
keys /; esc; esc
screen_not "/ then Esc Esc: the prompt cancelled, no quit" '^EXITED='
screen_ok "... the dashboard is still drawn" 'Quit'
# SIGSTOP and SIGCONT from outside (no job control here): a redraw
pid=$(pgrep -P "$("${TM[@]}" display-message -p '#{pane_pid}')" -x xdom | head -1)
if [ -n "$pid" ]; then
	kill -STOP "$pid"
	printf '\033[%d;3HGARBAGE-CONT' "$(($(header_y) + 2))" >"$("${TM[@]}" display-message -p '#{pane_tty}')"
	screen_ok "garbage written while stopped shows" 'GARBAGE-CONT'
	kill -CONT "$pid"
	screen_not "SIGCONT: the whole screen drawn again" 'GARBAGE-CONT' 1.5
else
	not_ok "SIGSTOP/SIGCONT: could not find the dashboard's pid"
fi
keys q
screen_ok "q quits at the list" '^EXITED=0'

# Ctrl-Z in a shell with job control: stopped, the terminal restored;
# fg brings the dashboard back, drawn anew
[ ${#TM[@]} -gt 0 ] && "${TM[@]}" kill-server 2>/dev/null
tm_server keys-jobs
tm_new 160 40 -e XDOM_SIM_DIR="$XDOM_SIM_DIR" -e XDOM_SIM_DELAY_MS=300 \
	"env TERM=xterm-256color PS1='PROMPT\$ ' bash --norc --noprofile -i"
wait_screen 10 'PROMPT' >/dev/null
text "$(printf '%q ' "${X[@]}" top --no-settings -d 1)"
keys Enter
screen_ok "job control shell: the dashboard runs" 'Quit'
keys C-z
screen_ok "Ctrl-Z: the shell says it stopped" 'Stopped'
screen_ok "... and gives its prompt" '^PROMPT\$ *$'
type_line "stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon' | sed 's/^/TTY=/'"
screen_ok "... with the terminal restored (canonical mode)" '^TTY=icanon'
type_line 'clear; echo SHELL-GARBAGE'
screen_ok "the shell's output is on the screen" '^SHELL-GARBAGE'
type_line fg
screen_ok "fg: the dashboard is back" 'Quit'
screen_not "fg: ... drawn anew (no shell output left)" 'SHELL-GARBAGE'
keys q
screen_ok "q: back to the shell" '^PROMPT\$ *$'

# Safe actions: a bulk question names its targets, a tag hidden by the
# filter is left out and said so, a tagged guest that leaves is untagged,
# U untags all; --readonly has no actions at all.
start 200 40 xterm-256color -d 0.5 --sort=name
keys /
keys -l web0
keys Enter Home Space Space
screen_ok "two tagged" 'Filter: web0 \(2\)  2 tagged' 20
keys a p
screen_ok "the question names both" '^Pause 2 tagged domains: web01, web02\? \(y/N\)'
keys n
keys /; esc
keys /
keys -l web01
keys Enter
screen_ok "web02 filtered out" 'Filter: web01 \(1\)'
keys a r
screen_ok "a tagged domain off the list is left out, and said so" \
	'^Reboot 1 tagged domain: web01 \(1 tagged not on the list left out\)\? \(y/N\)'
keys n
keys /; esc
"${X[@]}" destroy web02 >/dev/null 2>&1
screen_ok "a tagged guest that leaves is untagged, said so" '1 tagged domain gone: untagged' 20
screen_ok "... one tag left" '  1 tagged' 20
keys a p
screen_ok "... the question names only the one left" '^Pause web01\? \(y/N\)'
keys n
keys U
screen_ok "U untags all" 'untagged 1 domain'
screen_not "... no tag left" '[0-9] tagged' 3.5
keys q
wait_screen 20 EXITED >/dev/null
start 200 40 xterm-256color -d 1 --readonly
keys a
screen_ok "--readonly: A says read-only" 'read-only: no actions'
screen_not "--readonly: no action menu" '^Action: '
keys Enter a
screen_ok "--readonly: nor from the detail view" 'read-only: no actions'
keys q q
screen_ok "--readonly: q q quits" '^EXITED=0'

done_testing
