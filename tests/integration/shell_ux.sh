#!/bin/bash
# shell_ux.sh - xdom-shell as hosting customers meet it (issue 13), over
# a real sshd and xdomd on a private sim host: a customer with one guest
# (ONE), one with two (TWO), a help-desk user (hdH), a customer whose
# config names a socket where no xdomd listens (DEAD) and one with a 3 s
# idle timeout (IDLE). Non-interactive sessions directly, interactive
# ones under tmux at 80x24 and 40x12, with no LANG and with LC_ALL=C,
# TERM=xterm-256color. Not root: says so and skips.
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "xdom-shell customer experience" "not root: cannot create users or run sshd"
	done_testing
	exit
fi
for tool in /usr/sbin/sshd ssh ssh-keygen tmux useradd userdel groupadd ss; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "xdom-shell customer experience" "$tool is not installed"
		done_testing
		exit
	fi
done
source "$(dirname "$0")/shell_sshd.inc"

sshd_setup_users ONE TWO hdH DEAD IDLE
# The banner holds a terminal escape that must reach nobody raw.
printf 'Welcome to Example Hosting.\n\033[2JSupport: help@example.net\n' >"$W/banner"
cat >"$W/xdom.conf" <<CONF
backend = sim
socket = "$W/xdomd.sock"
idle_timeout = 120
audit_syslog = no
banner = "$W/banner"
CONF
sed 's/^idle_timeout = .*/idle_timeout = 3/' "$W/xdom.conf" >"$W/xdom-idle.conf"
sed "s|^socket = .*|socket = \"$W/nobody-listens.sock\"|" "$W/xdom.conf" >"$W/xdom-dead.conf"
chmod 644 "$W/banner" "$W"/xdom*.conf
if ! sshd_start_xdomd "user:$U_ONE  cust-bob-shop  status,console,boot,shutdown,reboot,reset,pause,unpause
user:$U_TWO  cust-alice-web,cust-alice-db  status,console,boot,shutdown,reboot,reset,reimage,pause,unpause
user:$U_IDLE cust-carol-blog  status,console,boot,shutdown,reboot,reset,reimage
group:$HD_GROUP  cust-*  status,console,reboot,reset  reason required"; then
	not_ok "xdomd started:"; show "$(cat "$W/xdomd.log")"
	done_testing
	exit
fi
if ! sshd_start "Match User $U_ONE,$U_TWO,$U_hdH
	SetEnv XDOM_CONFIG=$W/xdom.conf
Match User $U_DEAD
	SetEnv XDOM_CONFIG=$W/xdom-dead.conf
Match User $U_IDLE
	SetEnv XDOM_CONFIG=$W/xdom-idle.conf"; then
	not_ok "sshd started:"; show "$(tail -20 "$W/sshd.log")"
	done_testing
	exit
fi
run_as "$U_ONE" version
if [ "$RC" -ne 0 ]; then
	not_ok "ssh login as a customer (rc $RC):"; show "$OUT$ERR"
	done_testing
	exit
fi
audit_has() { grep "user=\"$1\"" "$W/audit.log" | grep -qE "$2"; }

# ---- one guest: never named --------------------------------------------
run_as "$U_ONE" reboot
if [ "$RC" -eq 0 ] && grep -q "cust-bob-shop: rebooting" <<<"$OUT" &&
	audit_has "$U_ONE" 'domain="cust-bob-shop" action=reboot .*result=ok'; then
	ok "ssh host reboot acts on a customer's only guest, exit 0"
else
	not_ok "reboot with one guest (rc $RC):"; show "$OUT$ERR"
fi
run_as "$U_ONE" uptime
[ "$RC" -eq 0 ] && grep -q "cust-bob-shop: up " <<<"$OUT" &&
	ok "uptime without a name with one guest" ||
	{ not_ok "uptime with one guest (rc $RC)"; show "$OUT$ERR"; }

# ---- two guests: reset explains, nothing guessed --------------------------
run_as "$U_TWO" reset
if [ "$RC" -eq 2 ] && grep -q "does not reset this terminal" <<<"$ERR" &&
	grep -q "cust-alice-web" <<<"$ERR" && ! audit_has "$U_TWO" 'action=reset'; then
	ok "reset with two guests and none named explains (the terminal is not reset), exit 2"
else
	not_ok "reset without a guest (rc $RC):"; show "$OUT$ERR"
fi

# ---- offered only what is granted ----------------------------------------
run_as "$U_TWO" help
if [ "$RC" -eq 0 ] && grep -q "^  pause \[NAME\]" <<<"$OUT" && grep -q "^  shutdown \[NAME\]" <<<"$OUT" &&
	! grep -qE "force|destroy|^  (save|memory|attach|detach|vcpus|maxmem|restore)" <<<"$OUT"; then
	ok "help lists only granted commands (no force, destroy or resource commands)"
else
	not_ok "help offers what is not granted:"; show "$OUT$ERR" 40
fi
run_as "$U_TWO" help reset
h_cust=$OUT
run_as "$U_hdH" help reset
if ! grep -q -- "--reason" <<<"$h_cust" && grep -q -- "--reason" <<<"$OUT" &&
	grep -q "quote it twice" <<<"$OUT"; then
	ok "the --reason hint only for those whose rules want one, with the ssh quoting rule"
else
	not_ok "reason hints:"; show "$h_cust$OUT"
fi
run_as "$U_hdH" reset --reason "ticket 5" cust-alice-web
if [ "$RC" -eq 2 ] && grep -q "quote twice" <<<"$ERR" && ! audit_has "$U_hdH" 'action=reset'; then
	ok "ssh host reset --reason \"ticket 5\" NAME (quotes lost by ssh): the usage error says to quote twice"
else
	not_ok "quoting hint (rc $RC):"; show "$OUT$ERR"
fi
run_as "$U_hdH" "reset --reason 'ticket 5' cust-alice-web"
[ "$RC" -eq 0 ] && audit_has "$U_hdH" 'reason="ticket 5"' &&
	ok "quoted twice, the reason arrives whole" ||
	{ not_ok "reason quoted twice (rc $RC)"; show "$OUT$ERR"; }

# ---- customer-grade messages ---------------------------------------------
run_as "$U_TWO" reboot cust-alice-wbe
[ "$RC" -eq 1 ] && grep -q "did you mean cust-alice-web?" <<<"$ERR" &&
	ok "a typo in one's own guest's name: did you mean" ||
	{ not_ok "did you mean (rc $RC)"; show "$OUT$ERR"; }
run_as "$U_TWO" REBOOT cust-alice-web
[ "$RC" -eq 0 ] && grep -q "cust-alice-web: rebooting" <<<"$OUT" &&
	ok "command names in any case" || { not_ok "REBOOT (rc $RC)"; show "$OUT$ERR"; }
run_as "$U_TWO" whoami
w=$OUT$ERR
run_as "$U_TWO" version
if ! grep -qiE "xdomd|backend|helper|\bsim\b" <<<"$w$OUT$ERR" && grep -q "$U_TWO (uid" <<<"$w"; then
	ok "whoami and version name no daemon or backend"
else
	not_ok "whoami/version:"; show "$w$OUT$ERR"
fi
run_as "$U_TWO" info cust-alice-web
if [ "$RC" -eq 0 ] && grep -q "disk: *xvda" <<<"$OUT" && grep -q "mac " <<<"$OUT" &&
	! grep -qE "/|\.img|bridge|xenbr" <<<"$OUT"; then
	ok "info shows no host paths and no bridge names"
else
	not_ok "info:"; show "$OUT$ERR"
fi
run_as "$U_DEAD" list
if [ "$RC" -ne 0 ] && [ "$ERR" = "The service is not available right now; please try again in a few minutes." ] &&
	[ -z "$OUT" ]; then
	ok "xdomd unreachable: one plain sentence (no path, errno text or daemon name)"
else
	not_ok "service unavailable (rc $RC):"; show "$OUT$ERR"
fi

# ---- pause, unpause ---------------------------------------------------------
run_as "$U_TWO" pause cust-alice-db
p_rc=$RC p_out=$OUT
run_as "$U_TWO" unpause cust-alice-db
if [ "$p_rc" -eq 0 ] && grep -q "cust-alice-db: paused" <<<"$p_out" && [ "$RC" -eq 0 ] &&
	audit_has "$U_TWO" 'domain="cust-alice-db" action=pause .*result=ok' &&
	audit_has "$U_TWO" 'domain="cust-alice-db" action=unpause .*result=ok'; then
	ok "pause and unpause through xdomd, audited"
else
	not_ok "pause/unpause (rc $p_rc/$RC):"; show "$p_out$OUT$ERR"
fi

# ---- batch input and encodings ------------------------------------------------
run_in $'stauts\nstatus\n' "$U_TWO"
if [ "$RC" -ne 0 ] && grep -q "did you mean 'status'" <<<"$ERR" && grep -q "cust-alice-db: running" <<<"$OUT"; then
	ok "batch input with a failed line exits non-zero (rc $RC), the rest still runs"
else
	not_ok "batch exit status (rc $RC):"; show "$OUT$ERR"
fi
run_in $'status\nstatus\n' "$U_TWO"
[ "$RC" -eq 0 ] && ok "batch input without failures exits 0" ||
	{ not_ok "batch without failures (rc $RC)"; show "$OUT$ERR"; }
run_as "$U_TWO" $'list caf\xe9'
[ "$RC" -eq 2 ] && grep -q "not UTF-8 (ISO-8859-1?)" <<<"$ERR" &&
	ok "ISO-8859-1 input is refused naming the encoding" ||
	{ not_ok "encoding named (rc $RC)"; show "$ERR"; }

# ---- interactive -------------------------------------------------------------------
tm_start one "$U_ONE" 80 24
if tm_wait one 'xdom\[cust-bob-shop\]> ' && tm_has one 'Welcome to Example Hosting' &&
	tm_has one '\\x1b\[2JSupport'; then
	ok "interactive login: the banner (control bytes escaped), the only guest selected in the prompt"
else
	not_ok "banner and prompt:"; tm_show one
fi

# Questions naming the guest; declined changes nothing; ^C on its own line.
tm_start two "$U_TWO" 80 24
tm_wait two 'xdom> ' || { not_ok "no prompt for TWO"; tm_show two; }
n=$(grep -c "user=\"$U_TWO\" .*action=reset" "$W/audit.log")
tm_type two "reset cust-alice-web"
if tm_wait two 'Hard-reset cust-alice-web now\? \(y/N\) '; then
	tm_type two "n"
	if tm_wait two 'cust-alice-web: not confirmed: nothing was done' &&
		[ "$(grep -c "user=\"$U_TWO\" .*action=reset" "$W/audit.log")" -eq "$n" ]; then
		ok "interactive reset asks 'Hard-reset NAME now? (y/N)'; no changes nothing"
	else
		not_ok "declined reset:"; tm_show two
	fi
else
	not_ok "reset asked no question:"; tm_show two
fi
tm_type two "shutdown cust-alice-db"
if tm_wait two 'Shut down cust-alice-db now\? \(y/N\) '; then
	TM send-keys -t two C-c
	# ^C after the question, then the prompt on a line of its own.
	if tm_wait two 'Shut down cust-alice-db now\? \(y/N\) \^C' &&
		tm_wait two $'\\^C\n(.*\n)?xdom> '; then
		ok "Ctrl-C at a question: ^C after it, then a new line"
	else
		not_ok "^C at a question:"; tm_show two
	fi
else
	not_ok "shutdown asked no question:"; tm_show two
fi

# Locale: none at all here; `mä`, Backspace, `ail` is `mail`.
tm_loc() {	# SESSION
	TM send-keys -t "$1" -l "mä"
	TM send-keys -t "$1" BSpace
	TM send-keys -t "$1" -l "ail"
	TM send-keys -t "$1" Enter
	tm_wait "$1" "unknown command or guest 'mail'" 100 && ! tm_has "$1" 'invalid UTF-8'
}
tm_loc two && ok "no LANG: typing mä, Backspace, ail gives 'mail' (UTF-8 editing)" ||
	{ not_ok "UTF-8 editing without LANG:"; tm_show two; }

# Concurrent sessions share the history file without losing lines.
tm_type two "uptime cust-alice-web"
tm_start two2 "$U_TWO" 80 24 LC_ALL=C
tm_wait two2 'xdom> ' || { not_ok "no prompt for the second session"; tm_show two2; }
tm_loc two2 && ok "LC_ALL=C: typing mä, Backspace, ail gives 'mail'" ||
	{ not_ok "UTF-8 editing with LC_ALL=C:"; tm_show two2; }
tm_type two2 "info cust-alice-db"
tm_wait two2 'vcpus:' || not_ok "second session info"
tm_type two "status cust-alice-db"
tm_wait two 'cust-alice-db: running' || not_ok "first session status"
tm_type two "exit"
tm_type two2 "exit"
wait_until 250 no_procs "$U_TWO"
hist=$W/home/$U_TWO/.xdom_history
if grep -qx "uptime cust-alice-web" "$hist" && grep -qx "info cust-alice-db" "$hist" &&
	grep -qx "status cust-alice-db" "$hist"; then
	ok "two sessions at once: both sessions' lines are in ~/.xdom_history"
else
	not_ok "history of concurrent sessions:"; show "$(cat "$hist")"
fi

# 40x12: help paged, list fitted, the progress bar redrawn in place.
tm_start narrow "$U_TWO" 40 12
tm_wait narrow 'xdom> ' || { not_ok "no prompt at 40x12"; tm_show narrow; }
tm_type narrow "help"
if tm_wait narrow '-- more \(Enter; q stops\) --'; then
	tm_type narrow "q"
	ok "help is paged at 12 rows"
else
	not_ok "help not paged:"; tm_show narrow
fi
tm_type narrow "list"
tm_wait narrow 'cust-alice-db +running' || not_ok "list at 40 columns"
# tm_screen joins wrapped lines: a longer one wrapped.
fitted() { tm_screen narrow | sed -n '/^xdom> help/,$p'; }
if fitted | grep -q 'cust-alice-db' && ! fitted | grep -qE '^.{41,}'; then
	ok "list and help fit 40 columns (no wrapped line)"
else
	not_ok "a line wider than 40 columns:"; show "$(fitted | grep -E '^.{41,}')"
fi
tm_type narrow "reimage cust-alice-db"
tm_wait narrow "Type the guest's name" && tm_type narrow "cust-alice-db"
tm_wait narrow "Shut it down" && tm_type narrow "y"
if tm_wait narrow '\] +[0-9]+%' 200 && sleep 2 && tm_wait narrow 'cust-alice-db: re-imaged in' 400; then
	# Every update that scrolled (or wrapped) left its "] NN%" behind.
	bars=$(tm_screen narrow | grep -oE '\] +[0-9]+%' | wc -l)
	[ "$bars" -le 1 ] && ok "re-image progress redraws in place at 40 columns ($bars bar left)" ||
		{ not_ok "progress bar scrolled $bars lines at 40 columns:"; tm_show narrow; }
else
	not_ok "re-image at 40 columns:"; tm_show narrow
fi
tm_type narrow "exit"

# Idle timeout during a question: the command's word first, then the note.
tm_start idle "$U_IDLE" 80 24
tm_wait idle 'xdom\[cust-carol-blog\]> ' || { not_ok "no prompt for IDLE"; tm_show idle; }
tm_type idle "reimage"
if tm_wait idle "Type the guest's name" && tm_wait idle 'Idle for 3 s: logging out' 250 &&
	wait_until 250 no_procs "$U_IDLE"; then
	order=$(tm_screen idle | grep -nE 'not confirmed|Idle for 3 s' | cut -d: -f1 | tr '\n' ' ')
	a=${order%% *} b=$(awk '{print $2}' <<<"$order")
	if [ -n "$b" ] && [ "$a" -lt "$b" ] && tm_screen idle | sed -n "${b}p" | grep -q 'Idle for 3 s'; then
		ok "idle timeout at a question: 'not confirmed' first, then 'Idle for 3 s: logging out.'"
	else
		not_ok "idle messages out of order (lines $order):"; tm_show idle
	fi
else
	not_ok "idle timeout at a question:"; tm_show idle
fi

TM kill-server
kill -0 "$XDOMD_PID" 2>/dev/null && ok "xdomd survived every session" || not_ok "xdomd died"
done_testing
