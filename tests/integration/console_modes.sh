#!/bin/bash
# console_modes.sh - leaving a guest's console puts the user's terminal
# back, whatever the guest's programs turned on: in a real terminal
# (tmux), a sim guest's `tty-modes` leaves what a killed vim would
# (alternate screen, hidden cursor, mouse and SGR mouse reporting,
# application keypad and cursor keys, insert mode, no wrap, a scroll
# region, the line-drawing character set, reverse red bold); after
# Ctrl-] tmux's own view of the terminal must show every one of them off,
# and the exit note must be plain text.
source "$(dirname "$0")/../lib.sh"
command -v tmux >/dev/null || { skip "console terminal restore" "tmux is not installed"; done_testing; exit; }
sim_tmpdir
# One tmux server per terminal type: a server that is still going away
# cannot take the next session.
TM_TARGET=x	# the session cap and wait_screen look at
FLAGS='alt=#{alternate_on} cursor=#{cursor_flag} keypad=#{keypad_flag} ckeys=#{keypad_cursor_flag} mouse=#{mouse_any_flag} sgr=#{mouse_sgr_flag} insert=#{insert_flag} wrap=#{wrap_flag} region=#{scroll_region_upper}-#{scroll_region_lower}'
CLEAN='alt=0 cursor=1 keypad=0 ckeys=0 mouse=0 sgr=0 insert=0 wrap=1 region=0-23'

for term in xterm-256color screen-256color; do
	tm_server "conmodes-$term"
	tm new-session -d -s x -x 80 -y 24 \
		"env TERM=$term XDOM_SIM_DIR='$XDOM_SIM_DIR' '$XDOM' --sim console web01; echo CONSOLE-DONE; sleep 60"
	if ! wait_screen 10 'login:|Connected'; then
		not_ok "$term: the console did not open"; tm capture-pane -p -t x | sed 's/^/#   /'; continue
	fi
	tm send-keys -t x root Enter
	wait_screen 10 'root@web01' || { not_ok "$term: no guest prompt"; continue; }
	before=$(tm display -p -t x "$FLAGS")
	tm send-keys -t x tty-modes Enter
	for _ in $(seq 50); do
		[ "$(tm display -p -t x '#{alternate_on}')" = 1 ] && break; sleep 0.1
	done
	set_on=$(tm display -p -t x "$FLAGS")
	if [ "$before" = "$CLEAN" ] && [ "$set_on" = "alt=1 cursor=0 keypad=1 ckeys=1 mouse=1 sgr=1 insert=1 wrap=0 region=2-9" ]; then
		ok "$term: the guest's tty-modes turned every mode on ($set_on)"
	else
		not_ok "$term: tty-modes did not set the modes: before '$before', after '$set_on'"
	fi
	tm send-keys -t x C-]
	wait_screen 10 'CONSOLE-DONE' || { not_ok "$term: Ctrl-] did not leave"; continue; }
	after=$(tm display -p -t x "$FLAGS")
	[ "$after" = "$CLEAN" ] && ok "$term: after Ctrl-] every mode is back ($after)" ||
		not_ok "$term: after Ctrl-] the terminal is left with '$after' (want '$CLEAN')"
	# Charset and attributes: the exit note is plain ASCII, no SGR.
	line=$(tm capture-pane -p -e -t x | grep "console" | tail -1)
	if [ "$line" = "Left web01's console." ]; then
		ok "$term: the exit note is plain text (ASCII character set, no attributes)"
	else
		not_ok "$term: the exit note came out as: $(printf '%q' "$line")"
	fi
done
done_testing
