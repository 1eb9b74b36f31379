#!/bin/bash
# shell_ssh.sh - xdom-shell as the login shell of real users behind a real
# OpenSSH sshd, acting through xdomd on a private sim host.
#
# As root: creates temporary users (a customer A, another customer B
# whose sshd entry has a ForceCommand and a config with a 3 s idle
# timeout, a help-desk user H in a help-desk group, and S with /bin/sh for
# the login time comparison), lists the built xdom-shell in /etc/shells,
# starts
# xdomd (sim backend, own policy, audit file, socket) and sshd (own host
# key, loopback, free port), then drives ssh sessions: non-interactive
# ones directly, interactive ones under tmux. Everything it created is
# removed on exit. Not root: says so and skips.
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "xdom-shell over sshd" "not root: cannot create users or run sshd"
	done_testing
	exit
fi
for tool in /usr/sbin/sshd ssh ssh-keygen tmux useradd userdel groupadd ss; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "xdom-shell over sshd" "$tool is not installed"
		done_testing
		exit
	fi
done

W=$(mktemp -d /tmp/xdom-shellssh.XXXXXX)
chmod 755 "$W"
T_CLEANUP+=("rm -rf '$W'")
mkdir -p "$W/bin" "$W/home" "$W/sim"
chmod 755 "$W/bin" "$W/home"
chmod 700 "$W/sim"
SHELL_BIN=$W/bin/xdom-shell
install -m 755 "$XDOM_SHELL" "$SHELL_BIN"
export XDOM_SIM_DIR=$W/sim

UA=xsa$$ UB=xsb$$ UH=xsh$$ US=xss$$ HG=xshg$$
USERS="$UA $UB $UH $US"
tm_server shell

# ---- cleanup: kill what we started, remove users and the shells line --
kill_user_procs() {
	local u
	for u in $USERS; do pkill -KILL -u "$u" 2>/dev/null; done
}
cleanup_users() {
	local u
	kill_user_procs
	for u in $USERS; do
		id "$u" >/dev/null 2>&1 && userdel -f "$u" >/dev/null 2>&1
	done
	getent group "$HG" >/dev/null && groupdel "$HG" 2>/dev/null
	# Remove exactly our line, keeping the file (and its inode).
	if grep -qxF "$SHELL_BIN" /etc/shells; then
		grep -vxF "$SHELL_BIN" /etc/shells >"$W/shells.new"
		cat "$W/shells.new" >/etc/shells
	fi
}
stop_daemons() {
	tm kill-server 2>/dev/null
	[ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null
	[ -n "${XDOMD_PID:-}" ] && kill "$XDOMD_PID" 2>/dev/null
	wait 2>/dev/null
}
T_CLEANUP+=("cleanup_users" "stop_daemons")

# ---- users, keys, shells --------------------------------------------
echo "$SHELL_BIN" >>/etc/shells
groupadd "$HG"
for u in $UA $UB $UH; do
	useradd -M -d "$W/home/$u" -s "$SHELL_BIN" -U "$u"
done
useradd -M -d "$W/home/$US" -s /bin/sh -U "$US"
# No password, but not locked: sshd without PAM refuses locked accounts.
for u in $USERS; do usermod -p '*' "$u"; done
usermod -a -G "$HG" "$UH"
# The groups of the shipped sshd snippet, included unchanged below: the
# customers in xdom-customers, help desk in xdom-helpdesk (S, the /bin/sh
# user for the login-time comparison, in neither).
xdom_groups_ensure
usermod -a -G xdom-customers "$UA"
usermod -a -G xdom-customers "$UB"
usermod -a -G xdom-helpdesk "$UH"
for u in $USERS; do
	mkdir -p "$W/home/$u/.ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$W/key_$u" -C "$u"
	cp "$W/key_$u.pub" "$W/home/$u/.ssh/authorized_keys"
	chown -R "$u:$u" "$W/home/$u"
	chmod 700 "$W/home/$u" "$W/home/$u/.ssh"
done

# ---- xdomd on the sim backend ---------------------------------------
cat >"$W/policy" <<POL
user:$UA      cust-alice-web,cust-alice-db  status,console,sysrq,boot,shutdown,destroy,reboot,reset,reimage
user:$UB      cust-bob-shop                 status,console,boot,shutdown,reboot,reset,reimage
group:$HG    cust-*                        status,console,reboot,reset  reason required
POL
cat >"$W/xdom.conf" <<CONF
backend = sim
socket = "$W/xdomd.sock"
idle_timeout = 120
audit_syslog = no
CONF
sed 's/^idle_timeout = .*/idle_timeout = 3/' "$W/xdom.conf" >"$W/xdom-idle.conf"
chmod 644 "$W/policy" "$W/xdom.conf" "$W/xdom-idle.conf"


XDOM_SIM_DELAY_MS=300 XDOM_SIM_REIMAGE_MS=5000 "$XDOMD" --foreground --sim --config "$W/xdom.conf" \
	--socket "$W/xdomd.sock" --policy "$W/policy" --audit "$W/audit.log" \
	>"$W/xdomd.log" 2>&1 &
XDOMD_PID=$!
xdomd_up() { test -S "$W/xdomd.sock" || ! kill -0 "$XDOMD_PID" 2>/dev/null; }
if ! wait_for 10 xdomd_up || ! kill -0 "$XDOMD_PID" 2>/dev/null; then
	if grep -q "not built yet" "$W/xdomd.log"; then
		skip "xdom-shell over sshd" "xdomd is not built yet in this tree"
		done_testing
		exit
	fi
	not_ok "xdomd started: no socket after 10 s:"
	sed 's/^/#   /' "$W/xdomd.log" | head -20
	done_testing
	exit
fi
ok "xdomd serves the sim host on a private socket"

# ---- sshd on a free loopback port -------------------------------------
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
start_sshd() {
	PORT=$(free_port) || return 1
	cat >"$W/sshd_config" <<CFG
Include $SSHD_SNIPPET
Port $PORT
ListenAddress 127.0.0.1
HostKey $W/hostkey
PidFile $W/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes no
PermitRootLogin no
AllowUsers $UA $UB $UH $US
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
Match User $UA,$UH,$US
	SetEnv XDOM_CONFIG=$W/xdom.conf
Match User $UB
	SetEnv XDOM_CONFIG=$W/xdom-idle.conf
CFG
	/usr/sbin/sshd -D -f "$W/sshd_config" -e 2>>"$W/sshd.log" &
	SSHD_PID=$!
	wait_for 5 bash -c "ss -Htln 'sport = :$PORT' | grep -q ." &&
		kill -0 "$SSHD_PID" 2>/dev/null
}
started=0
for _ in 1 2 3; do
	if start_sshd; then started=1; break; fi
	kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null
done
if [ "$started" -ne 1 ]; then
	not_ok "sshd started on loopback:"
	sed 's/^/#   /' "$W/sshd.log" | tail -20
	done_testing
	exit
fi
ok "sshd listens on 127.0.0.1:$PORT"

# make bench: bench_shell_login runs this script for the set-up only.
if [ -n "${XDOM_SHELL_BENCH:-}" ]; then
	"$B/bench/bench_shell_login" --measure "$PORT" "$UA" "$W/key_$UA" "$US" "$W/key_$US"
	exit $?
fi

SSH_OPTS=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
	-o IdentitiesOnly=yes -o ConnectTimeout=10)
# ssh_as USER [ARGS...]: one non-interactive session, stdin from /dev/null.
ssh_as() {
	local u=$1
	shift
	timeout 30 ssh "${SSH_OPTS[@]}" -i "$W/key_$u" "$u@127.0.0.1" "$@" </dev/null
}
# run_as USER CMD: stdout in $OUT, stderr in $ERR, status in $RC.
run_as() {
	local u=$1
	shift
	ssh_as "$u" "$@" >"$W/out" 2>"$W/err"
	RC=$?
	OUT=$(cat "$W/out")
	ERR=$(cat "$W/err")
}
# run_in INPUT USER CMD: like run_as with INPUT on stdin (answers).
run_in() {
	local in=$1 u=$2
	shift 2
	printf '%s' "$in" | timeout 30 ssh "${SSH_OPTS[@]}" -i "$W/key_$u" \
		"$u@127.0.0.1" "$@" >"$W/out" 2>"$W/err"
	RC=$?
	OUT=$(cat "$W/out")
	ERR=$(cat "$W/err")
}
# One login first: if that fails, nothing after it can work.
run_as "$UA" version
if [ "$RC" -ne 0 ] || ! grep -q "xdom-shell" <<<"$OUT"; then
	not_ok "ssh login as a customer runs xdom-shell (rc $RC):"
	sed 's/^/#   /' <<<"$OUT$ERR"
	tail -20 "$W/sshd.log" | sed 's/^/#   /'
	done_testing
	exit
fi
ok "ssh login as a customer runs xdom-shell"

# Requests that change or reach a guest (logins also send whoami and
# list, which change nothing).
audit_lines() {
	grep -cE 'action=(boot|shutdown|reboot|reset|destroy|pause|unpause|console|reimage|sysrq) ' "$W/audit.log" 2>/dev/null
}
show() { cut -c1-200 <<<"$1" | sed 's/^/#   /' | head -"${2:-15}"; }

# ---- non-interactive: ssh user@host COMMAND ----------------------------
run_as "$UA" list
if [ "$RC" -eq 0 ] && grep -q cust-alice-web <<<"$OUT" &&
	grep -q cust-alice-db <<<"$OUT" && ! grep -q cust-bob <<<"$OUT" &&
	! grep -q web01 <<<"$OUT"; then
	ok "customer lists exactly their own guests"
else
	not_ok "customer list (rc $RC):"; show "$OUT$ERR"
fi

run_as "$UA" reboot cust-alice-web
if [ "$RC" -eq 0 ] && grep -q "cust-alice-web: rebooting" <<<"$OUT"; then
	ok "ssh A reboot cust-alice-web works non-interactively, exit 0"
else
	not_ok "non-interactive reboot (rc $RC):"; show "$OUT$ERR"
fi

run_as "$UA" reboot cust-bob-shop
if [ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] &&
	grep -q "not allowed" <<<"$ERR" && [ -z "$OUT" ]; then
	ok "another customer's guest is refused: exit 1, one line ($ERR)"
else
	not_ok "refusal on another customer's guest (rc $RC):"; show "$OUT$ERR"
fi

for act in shutdown reset console reimage boot status info; do
	run_as "$UA" "$act" cust-bob-shop
	if [ "$RC" -eq 0 ]; then
		not_ok "$act on another customer's guest was not refused"; show "$OUT"
		continue
	fi
	[ "$act" = reimage ] || grep -q "not allowed\|no such" <<<"$ERR" ||
		not_ok "$act cust-bob-shop: unexpected error: $ERR"
done
ok "every action on another customer's guest is refused"

run_as "$UA" status --json cust-alice-web
if [ "$RC" -eq 0 ] && grep -q '"name":"cust-alice-web"' <<<"$OUT" &&
	grep -q '"state":"running"' <<<"$OUT"; then
	ok "status --json for scripts"
else
	not_ok "status --json (rc $RC):"; show "$OUT$ERR"
fi

run_as "$UA" info cust-alice-web
if [ "$RC" -eq 0 ] && grep -q "memory: " <<<"$OUT" && grep -q "vcpus: " <<<"$OUT" &&
	grep -q "disk: " <<<"$OUT" && grep -qE "network: mac [0-9a-f:]{17}" <<<"$OUT"; then
	ok "info shows memory, vcpus, disks, networks and MACs"
else
	not_ok "info (rc $RC):"; show "$OUT$ERR"
fi
run_as "$UA" uptime cust-alice-web
[ "$RC" -eq 0 ] && grep -qE "cust-alice-web: up " <<<"$OUT" && ok "uptime" ||
	{ not_ok "uptime (rc $RC)"; show "$OUT$ERR"; }
run_as "$UA" help
h1=$OUT
run_as "$UA" help reimage
if grep -q "reimage \[NAME\]" <<<"$h1" && grep -q "sysrq KEY" <<<"$h1" &&
	grep -q "usage: reimage" <<<"$OUT"; then
	ok "help lists the commands; help COMMAND explains one"
else
	not_ok "help:"; show "$h1$OUT$ERR"
fi

# SysRq through xdomd: b reboots the guest at once (a new domain id).
id_of() {
	ssh_as "$UA" status --json "$1" 2>/dev/null | sed -n 's/.*"id":\([0-9]*\).*/\1/p'
}
id0=$(id_of cust-alice-db)
run_as "$UA" sysrq b cust-alice-db
id1=$(id_of cust-alice-db)
if [ "$RC" -eq 0 ] && grep -q "cust-alice-db: sent SysRq b" <<<"$OUT" &&
	[ -n "$id0" ] && [ -n "$id1" ] && [ "$id0" != "$id1" ] &&
	grep "user=\"$UA\"" "$W/audit.log" | grep -q 'domain="cust-alice-db" action=sysrq .*result=ok'; then
	ok "sysrq b reaches the guest through xdomd (domain $id0 is now $id1), audited"
else
	not_ok "sysrq b (rc $RC, id $id0 -> $id1):"; show "$OUT$ERR"
fi
run_as "$UA" sysrq s cust-bob-shop
[ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "not allowed" <<<"$ERR" &&
	ok "sysrq on another customer's guest is refused: exit 1, one line" ||
	{ not_ok "sysrq on another customer's guest (rc $RC)"; show "$OUT$ERR"; }
run_as "$UA" "sysrq 'x;id' cust-alice-db"
[ "$RC" -eq 2 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] &&
	ok "sysrq with a key that is not one: exit 2, one line" ||
	{ not_ok "sysrq bad key (rc $RC)"; show "$OUT$ERR"; }

run_as "$UA" frobnicate
[ "$RC" -eq 2 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] &&
	ok "unknown command: exit 2, one line" ||
	{ not_ok "unknown command (rc $RC)"; show "$ERR"; }

# Escape attempts over -c: all refused, nothing runs, nothing is sent.
before=$(audit_lines)
marker=$W/pwned
escapes=("reboot cust-alice-web; touch $marker" "; touch $marker" "\$(touch $marker)"
	"\`touch $marker\`" "!" "!!" "sh" "/bin/sh -c 'touch $marker'"
	"exec /bin/sh" "list | touch $marker" "list && touch $marker"
	"reboot ../../etc/passwd" "reboot cust-alice-web\$(id)"
	"/usr/lib/openssh/sftp-server" "scp -t /tmp"
	$'list\xff\xfe' $'list\x1b[2J' $'reboot\tcust-alice-web\x07')
bad=0
for e in "${escapes[@]}"; do
	run_as "$UA" "$e"
	if [ "$RC" -eq 0 ] || [ -e "$marker" ] || grep -q "uid=" <<<"$OUT$ERR" ||
		[ "$(wc -l <<<"$ERR")" -ne 1 ]; then
		bad=1; not_ok "escape attempt '$e' (rc $RC):"; show "$OUT$ERR"
	fi
done
long=$(head -c 102400 /dev/zero | tr '\0' 'a')
run_as "$UA" "$long"
if [ "$RC" -eq 2 ] && grep -q "line too long" <<<"$ERR"; then :; else
	bad=1; not_ok "100 KB command (rc $RC)"; show "$ERR"; fi
[ "$(audit_lines)" -eq "$before" ] || { bad=1; not_ok "escape attempts reached xdomd"; }
[ "$bad" -eq 0 ] && ok "escape attempts over ssh -c (metacharacters, !, sh, sftp, 100 KB, bad UTF-8, control bytes) are refused with one line and run nothing"

# Help-desk: list shows every guest they may act on, across customers.
run_as "$UH" list
if [ "$RC" -eq 0 ] && grep -q cust-alice-web <<<"$OUT" && grep -q cust-bob-shop <<<"$OUT" &&
	grep -q cust-carol-blog <<<"$OUT" && ! grep -qE 'web01|db01|Domain-0' <<<"$OUT" &&
	grep -q "reason needed" <<<"$OUT"; then
	ok "help-desk list shows every customer guest they may act on (and that a reason is needed)"
else
	not_ok "help-desk list (rc $RC):"; show "$OUT$ERR"
fi

# Help-desk: a reason is required, and it lands in the audit log.
run_as "$UH" reset cust-alice-web
if [ "$RC" -ne 0 ] && grep -q "reason" <<<"$ERR"; then
	ok "help-desk reset without a reason is refused, asking for one"
else
	not_ok "help-desk reset without reason (rc $RC):"; show "$OUT$ERR"
fi
run_as "$UH" "reset cust-alice-web --reason 'ticket 4711'"
if [ "$RC" -eq 0 ] && grep "ticket 4711" "$W/audit.log" | grep -q reset; then
	ok "help-desk resets a customer guest with a reason that lands in the audit log"
else
	not_ok "help-desk reset with reason (rc $RC):"; show "$OUT$ERR"
	show "$(tail -5 "$W/audit.log")"
fi
# SysRq is a right of its own (o powers a guest off): the help-desk rule
# has console but not sysrq, so its keys are refused, and audited.
run_as "$UH" "sysrq o cust-alice-web --reason 'ticket 4715'"
if [ "$RC" -eq 1 ] && grep -q "not allowed: sysrq" <<<"$ERR" &&
	grep 'reason="ticket 4715"' "$W/audit.log" | grep "action=sysrq" | grep -q "result=denied"; then
	ok "help-desk (console, no sysrq) cannot send a SysRq key; the refusal is audited"
else
	not_ok "help-desk sysrq (rc $RC):"; show "$OUT$ERR"
fi
run_in $'cust-alice-web\ny\n' "$UH" "reimage cust-alice-web --reason 'ticket 4712'"
if [ "$RC" -ne 0 ] && grep -q "not allowed" <<<"$ERR"; then
	ok "help-desk cannot re-image"
else
	not_ok "help-desk re-image (rc $RC):"; show "$OUT$ERR"
fi

# ForceCommand: sshd runs xdom-shell for B whatever B asks for, and the
# command arrives in SSH_ORIGINAL_COMMAND.
run_as "$UB" reboot cust-bob-shop
if [ "$RC" -eq 0 ] && grep -q "cust-bob-shop: rebooting" <<<"$OUT" &&
	grep "user=\"$UB\"" "$W/audit.log" | grep -q 'domain="cust-bob-shop" action=reboot .*result=ok'; then
	ok "under a ForceCommand, ssh B reboot cust-bob-shop works (SSH_ORIGINAL_COMMAND), exit 0"
else
	not_ok "ForceCommand reboot (rc $RC):"; show "$OUT$ERR"
	show "$(grep "$UB" "$W/audit.log" | tail -3)"
fi
run_as "$UB" reboot cust-alice-web
if [ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "not allowed" <<<"$ERR"; then
	ok "under a ForceCommand, another customer's guest is refused: exit 1, one line"
else
	not_ok "ForceCommand refusal (rc $RC):"; show "$OUT$ERR"
fi
bad=0
for e in "list; touch $marker" "/bin/sh -c 'touch $marker'" "sftp-server" \
	"$SHELL_BIN --backend=sim -c 'reboot cust-alice-web'" "scp -f /etc/passwd"; do
	run_as "$UB" "$e"
	if [ "$RC" -eq 0 ] || [ -e "$marker" ] || [ "$(wc -l <<<"$ERR")" -ne 1 ]; then
		bad=1; not_ok "ForceCommand escape '$e' (rc $RC):"; show "$OUT$ERR"
	fi
done
[ "$bad" -eq 0 ] && ok "under a ForceCommand, other programs and options are refused with one line"
run_as "$UB" status --json cust-bob-shop
[ "$RC" -eq 0 ] && grep -q '"name":"cust-bob-shop"' <<<"$OUT" &&
	ok "under a ForceCommand, status --json" ||
	{ not_ok "ForceCommand status --json (rc $RC)"; show "$OUT$ERR"; }

# sshd serves internal-sftp itself, without the login shell: the README's
# ForceCommand is what keeps a customer from it.
if command -v sftp >/dev/null 2>&1; then
	echo "ls /" >"$W/sftp.batch"
	timeout 30 sftp -F /dev/null -P "$PORT" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
		-i "$W/key_$UB" -b "$W/sftp.batch" "$UB@127.0.0.1" >"$W/out" 2>&1 </dev/null
	RC=$?
	if [ "$RC" -ne 0 ] && ! grep -qE '^(bin|etc|usr)$|sftp> ls' "$W/out"; then
		ok "under a ForceCommand, sftp gets nothing (rc $RC)"
	else
		not_ok "sftp under a ForceCommand (rc $RC):"; show "$(cat "$W/out")"
	fi
else
	skip "sftp under a ForceCommand" "no sftp client"
fi

# Idle timeout without a terminal: stdin stays open and silent.
t0=$SECONDS
timeout 30 ssh "${SSH_OPTS[@]}" -T -i "$W/key_$UB" "$UB@127.0.0.1" \
	< <(sleep 20) >"$W/out" 2>"$W/err"
RC=$?
took=$((SECONDS - t0))
if [ "$took" -ge 2 ] && [ "$took" -le 18 ] && grep -q "no input for 3 s: logging out" "$W/err"; then
	ok "idle timeout (3 s from the config) ends a session without a terminal (after ${took} s)"
else
	not_ok "idle timeout without a terminal (rc $RC, ${took} s):"; show "$(cat "$W/out" "$W/err")"
fi

# ---- interactive sessions under tmux -----------------------------------
# tm_start SESSION USER: an interactive ssh login in a tmux window.
tm_start() {
	tm_new -s "$1" 160 50 \
		"ssh ${SSH_OPTS[*]} -tt -i $W/key_$2 $2@127.0.0.1; sleep 600"
}
tm_screen() { tm capture-pane -p -J -S -300 -t "$1" 2>/dev/null; }
tm_has() { [[ $(tm_screen "$1") =~ $2 ]]; }
# tm_wait SESSION REGEX [SECONDS]: until the window shows REGEX.
tm_wait() { wait_for "${3:-25}" tm_has "$1" "$2"; }
# tm_count SESSION REGEX: lines matching REGEX on screen.
tm_count() { tm_screen "$1" | grep -cE -- "$2"; }
tm_type() { tm send-keys -t "$1" -l -- "$2"; tm send-keys -t "$1" Enter; }
# tm_prompts SESSION N: wait until N prompts have been shown.
tm_nprompts() { [ "$(tm_count "$1" '^xdom(\[[^]]*\])?> ')" -ge "$2" ]; }
tm_prompts() { wait_for 25 tm_nprompts "$1" "$2"; }
# tm_do SESSION LINE REGEX: type LINE, wait for one more line matching
# REGEX than there was before (messages repeat in the scrollback).
tm_more() { [ "$(tm_count "$1" "$2")" -gt "$3" ]; }
tm_do() {
	local n
	n=$(tm_count "$1" "$3")
	tm_type "$1" "$2"
	wait_for 25 tm_more "$1" "$3" "$n"
}
no_procs() { ! pgrep -u "$1" >/dev/null; }

tm_start a "$UA"
if tm_wait a 'xdom> '; then
	ok "interactive login shows the xdom> prompt"
else
	not_ok "no prompt after login:"; show "$(tm_screen a | sed "/^ *$/d" | tail -30)" 30
fi
# sshd starts the login shell as "-xdom-shell", or, under the shipped
# snippet's ForceCommand, as "xdom-shell -c xdom-shell".
if pgrep -u "$UA" -a | grep -qE -- ' (-xdom-shell|xdom-shell -c xdom-shell)$'; then
	ok "sshd runs it as the login shell (argv[0] -xdom-shell, or -c xdom-shell under the ForceCommand)"
else
	not_ok "no -xdom-shell process:"; show "$(pgrep -u "$UA" -a)"
fi
tm_type a "list"
tm_wait a 'cust-alice-db' && ok "interactive list" || not_ok "interactive list"
tm_type a "cust-alice-web"
tm_wait a 'xdom\[cust-alice-web\]> ' &&
	ok "typing a guest's name selects it; prompt shows it" ||
	{ not_ok "select by name:"; show "$(tm_screen a | sed "/^ *$/d" | tail -30)" 30; }

# state_is NAME STATE: what xdomd reports now.
state_is() {
	ssh_as "$UA" status --json "$1" 2>/dev/null | grep -q "\"state\":\"$2\""
}
step=0
# At the prompt, shutdown and reset ask first, naming the guest.
tm_type a "shutdown"
tm_wait a 'Shut down cust-alice-web now\? \(y/N\) ' &&
	tm_do a "y" "cust-alice-web: shutting down" && wait_for 15 state_is cust-alice-web stopped ||
	{ step=1; not_ok "interactive shutdown:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
tm_do a "boot" "cust-alice-web: booting" && wait_for 15 state_is cust-alice-web running ||
	{ step=1; not_ok "interactive boot:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
tm_do a "reboot" "cust-alice-web: rebooting" ||
	{ step=1; not_ok "interactive reboot:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
wait_for 15 state_is cust-alice-web running
tm_type a "reset"
tm_wait a 'Hard-reset cust-alice-web now\? \(y/N\) ' &&
	tm_do a "y" "cust-alice-web: reset" && wait_for 15 state_is cust-alice-web running ||
	{ step=1; not_ok "interactive reset:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
[ "$step" -eq 0 ] && ok "interactive shutdown, boot, reboot and reset take effect"

# Console: sees the guest's login prompt, Ctrl-] comes back to the shell.
n=$(tm_count a '^xdom\[')
tm_type a "console"
if tm_wait a 'login:' 15; then
	ok "console shows the guest's login prompt"
	on_console=1
else
	not_ok "console:"; show "$(tm_screen a | sed "/^ *$/d" | tail -30)" 30
	on_console=0
fi
tm send-keys -t a C-]
if [ "$on_console" -eq 1 ] && tm_prompts a $((n + 1)); then
	tm_type a "whoami"
	tm_wait a "$UA \\(uid" && ok "Ctrl-] leaves the console; the shell works again" ||
		{ not_ok "shell after console:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
else
	not_ok "Ctrl-] did not return to the prompt:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi

# The guest stopping under the console (`serial` is its other name): the
# shell says so and its prompt works again.
n=$(tm_count a 'login:')
p=$(tm_count a '^xdom\[')
tm_type a "serial"
if wait_for 15 tm_more a 'login:' "$n"; then
	run_as "$UA" shutdown force cust-alice-web
	if tm_wait a "cust-alice-web's console closed \(the guest stopped\)" 150 &&
		tm_prompts a $((p + 1)); then
		tm_do a "boot" "cust-alice-web: booting" && wait_for 15 state_is cust-alice-web running &&
			ok "a guest stopping under the console ends it cleanly; the prompt works again" ||
			{ not_ok "boot after the console closed:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20; }
	else
		not_ok "console of a guest that stopped:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
	fi
else
	not_ok "serial:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
	tm send-keys -t a C-]
fi

# top: the dashboard in restricted mode, in-process, own guests only.
n=$(tm_count a '^xdom\[')
tm_type a "top"
# The visible screen only (top draws on the alternate screen).
tm_visible() { tm capture-pane -p -t "$1"; }
top_up() { tm_visible a | grep -q '^xdom top' && tm_visible a | grep -q '^2 domains:'; }
if wait_for 25 top_up && sleep 1 && top_up &&
	! tm_visible a | grep -qE 'web01|cust-bob|Domain-0' &&
	! tm_visible a | grep -qE '^Mem:|CPUs:|Xen [0-9]'; then
	ok "top shows only the customer's guests and no host-wide figures (memory, CPUs, Xen version)"
else
	not_ok "restricted top:"; show "$(tm_visible a)" 50
fi
echo "# top as the customer saw it:"; tm_visible a | head -6 | cut -c1-120 | sed 's/^/#   /'
# SIGTSTP (what Ctrl-Z sends in cooked mode) must not stop the shell in top.
pkill -TSTP -u "$UA" -x xdom-shell
sleep 0.5
if ps -o stat= -u "$UA" -C xdom-shell | grep -q T; then
	not_ok "SIGTSTP stopped xdom-shell inside top"
	pkill -CONT -u "$UA" -x xdom-shell
else
	ok "SIGTSTP inside top does not stop the shell"
fi
tm send-keys -t a q
if tm_prompts a $((n + 1)); then
	ok "q leaves top back to the prompt"
else
	not_ok "top did not return to the prompt:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi

# Re-image with the progress bar, and a second one refused meanwhile.
tm_type a "reimage"
if tm_wait a "Type the guest's name" &&
	tm_has a 'Everything on these disks will be lost:[^x]*xvda' &&
	! tm_has a 'Everything on these disks will be lost:[^x]*xvda +[^ ]*cust-alice-web'; then
	ok "re-image shows the disks that will be lost and asks for the guest's name"
else
	not_ok "reimage asks for the name:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi
tm_type a "cust-alice-web"
tm_wait a "Shut it down" && tm_type a "y"
if tm_wait a '\[#*\.*\] +[0-9]+%  [0-9]+:[0-9][0-9]' 100; then
	ok "re-image shows a progress bar with elapsed time"
else
	not_ok "no progress bar:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi
run_in $'cust-alice-web\ny\n' "$UA" reimage cust-alice-web
if [ "$RC" -ne 0 ] && grep -qi "already\|busy" <<<"$ERR"; then
	ok "a second re-image of the same guest is refused while one runs"
else
	not_ok "second re-image (rc $RC):"; show "$OUT$ERR"
fi
if tm_wait a "cust-alice-web: re-imaged in" 300; then
	ok "re-image reports its result"
else
	not_ok "re-image result:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi
# boot console: boots and lands on the console; Ctrl-] comes back.
n=$(tm_count a 'login:')
p=$(tm_count a '^xdom\[')
tm_type a "boot console"
if tm_wait a "cust-alice-web: booting" && wait_for 15 tm_more a 'login:' "$n"; then
	tm send-keys -t a C-]
	if tm_prompts a $((p + 1)); then
		ok "boot console after the re-image boots and shows the console; Ctrl-] leaves"
	else
		not_ok "boot console: no prompt after Ctrl-]:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
	fi
else
	not_ok "boot console after re-image:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
	tm send-keys -t a C-]
fi

# Ctrl-C during a re-image leaves it to xdomd: a running action is never
# stopped because its client went away; it completes, is audited as such,
# and the guest boots again.
n=$(tm_count a 're-image interrupted')
bars=$(tm_count a '\[#*\.*\] +[0-9]+%')
tm_type a "reimage cust-alice-db"
tm_wait a "Type the guest's name \(cust-alice-db\)" && tm_type a "cust-alice-db"
tm_wait a "cust-alice-db is running. Shut it down" && tm_type a "y"
sleep 0.3
reimage_done() { grep 'domain="cust-alice-db" action=reimage ' "$W/audit.log" | grep -q 'result=ok msg="(client went away)"'; }
if wait_for 10 tm_more a '\[#*\.*\] +[0-9]+%' "$bars" && tm send-keys -t a C-c &&
	wait_for 15 tm_more a 're-image interrupted' "$n" &&
	! tm_has a 'cust-alice-db: re-imaged in' && wait_for 30 reimage_done; then
	if wait_for 30 state_is cust-alice-db stopped &&
		tm_do a "boot cust-alice-db" "cust-alice-db: booting"; then
		ok "Ctrl-C leaves a re-image to xdomd (completed, audited: client went away); the guest boots again"
	else
		not_ok "boot after an interrupted re-image:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
	fi
else
	not_ok "Ctrl-C during a re-image:"; show "$(tm_screen a | sed "/^ *$/d" | tail -20)" 20
fi

# Escape attempts at the prompt change nothing.
before=$(audit_lines)
n=$(tm_count a '^xdom\[')
for e in "; sh" "\$(id)" "\`id\`" "!!" "!-1" "!sh" "sh" "exit; sh"; do
	tm_type a "$e"
done
tm send-keys -t a C-z
tm send-keys -t a 'C-\'
tm send-keys -t a C-c
tm_type a ""
printf '%s' "$long" >"$W/long"
tm load-buffer -b big "$W/long"
tm paste-buffer -b big -t a
tm send-keys -t a Enter
tm send-keys -t a -H 6c 69 73 74 ff fe 0d	# "list\xff\xfe" Enter
tm_type a "version"
if tm_wait a $'\nxdom-shell [0-9.]+ \\(SIMULATED host\\)' 150 &&
	tm_wait a 'line too long \(102400 bytes' 10 &&
	tm_wait a 'invalid UTF-8' 10 && ! tm_screen a | grep -q 'uid=' &&
	[ "$(audit_lines)" -eq "$before" ]; then
	ok "interactive escape attempts (metacharacters, !, Ctrl-Z, Ctrl-\\, 100 KB paste, invalid UTF-8) change nothing"
else
	not_ok "interactive escape attempts:"; show "$(tm_screen a | sed "/^ *$/d" | tail -40)" 40
fi

# Closing the connection mid-console leaves nothing behind.
tm_type a "console"
tm_wait a 'login:' 15
sshpid=$(tm list-panes -t a -F '#{pane_pid}' 2>/dev/null)
[ -n "$sshpid" ] && for p in $(pgrep -P "$sshpid" -x ssh); do kill -KILL "$p"; done
tm kill-session -t a 2>/dev/null
if wait_for 25 no_procs "$UA"; then
	ok "closing the ssh connection mid-console leaves no process of the user"
else
	not_ok "stray processes after a dropped console:"; show "$(ps -fu "$UA")"
fi
run_as "$UA" list
[ "$RC" -eq 0 ] && ok "xdomd still serves after the dropped console" ||
	{ not_ok "xdomd after dropped console (rc $RC)"; show "$ERR"; }

# Per-user history: kept in ~/.xdom_history, mode 0600, lines that did
# not parse (the 100 KB paste, invalid UTF-8) never stored.
hist=$W/home/$UA/.xdom_history
if [ -f "$hist" ] && [ "$(stat -c '%a %U' "$hist")" = "600 $UA" ] &&
	grep -qx "list" "$hist" && grep -qx "reimage" "$hist" &&
	[ "$(stat -c %s "$hist")" -lt 4096 ] && ! grep -q "aaaaaaaaaa" "$hist"; then
	ok "per-user history file (mode 600, only lines that parsed)"
else
	not_ok "history file:"; ls -l "$hist" 2>&1 | sed 's/^/#   /'; show "$(head -c 2000 "$hist" 2>/dev/null)"
fi

# A new session: history from the last one, tab completion of commands
# and of the user's own guest names.
tm_start a2 "$UA"
tm_wait a2 'xdom> ' || not_ok "second login prompt"
tm_type a2 "control cust-alice-db"
tm_wait a2 'xdom\[cust-alice-db\]> ' && ok "control NAME (xen-shell's word) selects a guest" ||
	{ not_ok "control:"; show "$(tm_screen a2 | sed "/^ *$/d" | tail -20)" 20; }
tm_type a2 "history"
tm_wait a2 '[0-9]+  reimage' && ok "history shows the previous session's commands" ||
	{ not_ok "history in a new session:"; show "$(tm_screen a2 | sed "/^ *$/d" | tail -20)" 20; }
tm send-keys -t a2 -l "stat"
tm send-keys -t a2 Tab
tm send-keys -t a2 -l "cust-alice-d"
tm send-keys -t a2 Tab
tm_wait a2 'xdom\[cust-alice-db\]> status cust-alice-db' 50
tm send-keys -t a2 Enter
if tm_wait a2 'cust-alice-db: (running|stopped)'; then
	ok "tab completes a command and the user's own guest name"
else
	not_ok "tab completion:"; show "$(tm_screen a2 | sed "/^ *$/d" | tail -20)" 20
fi
tm send-keys -t a2 -l "reboot cust-b"
tm send-keys -t a2 Tab Tab
sleep 0.5
tm_has a2 'cust-bob' && not_ok "completion offered another customer's guest" ||
	ok "completion never offers another customer's guest"
tm send-keys -t a2 C-u
tm_type a2 "exit"
wait_for 25 no_procs "$UA" || not_ok "exit did not end the session"

# ssh -t alice@host top: the dashboard without the prompt; q ends it.
tm new-session -d -s t -x 160 -y 50 \
	"ssh ${SSH_OPTS[*]} -tt -i $W/key_$UA $UA@127.0.0.1 top; echo top-rc=\$?; sleep 600"
tt_up() { tm capture-pane -p -t t | grep -q '^xdom top'; }
if wait_for 25 tt_up; then
	tm send-keys -t t q
	if wait_for 25 tm_has t 'top-rc=0'; then
		ok "ssh -t A top runs the restricted dashboard; q exits 0"
	else
		not_ok "ssh -t top did not exit 0:"; show "$(tm_screen t | sed "/^ *$/d" | tail -10)" 10
	fi
else
	not_ok "ssh -t top:"; show "$(tm_screen t | sed "/^ *$/d" | tail -20)" 20
fi
tm kill-session -t t 2>/dev/null

# Idle timeout at the prompt, in the middle of a question, on the console
# and in top (B's config says 3 s): the session ends, nothing is done.
tm_start b "$UB"
if tm_wait b 'xdom(\[cust-bob-shop\])?> ' && tm_wait b 'Idle for 3 s: logging out' 250 &&
	wait_for 25 no_procs "$UB"; then
	ok "idle timeout at the prompt logs out and ends the session"
else
	not_ok "idle timeout at the prompt:"; show "$(tm_screen b | sed "/^ *$/d" | tail -20)" 20
fi
tm kill-session -t b 2>/dev/null
tm_start b "$UB"
tm_wait b 'xdom(\[cust-bob-shop\])?> '
tm_type b "reimage cust-bob-shop"
if tm_wait b "Type the guest's name" && tm_wait b 'Idle for 3 s: logging out' 250 &&
	wait_for 25 no_procs "$UB" &&
	! grep "user=\"$UB\"" "$W/audit.log" | grep -q "action=reimage"; then
	ok "idle timeout during a re-image question logs out; nothing re-imaged"
else
	not_ok "idle timeout during a question:"; show "$(tm_screen b | sed "/^ *$/d" | tail -20)" 20
fi
tm kill-session -t b 2>/dev/null
tm_start b "$UB"
tm_wait b 'xdom(\[cust-bob-shop\])?> '
tm_type b "console cust-bob-shop"
if tm_wait b "Connected to cust-bob-shop's console" && tm_wait b 'Idle for 3 s: logging out' 250 &&
	wait_for 25 no_procs "$UB"; then
	ok "idle timeout on the console (guest output does not count) logs out"
else
	not_ok "idle timeout on the console:"; show "$(tm_screen b | sed "/^ *$/d" | tail -20)" 20
fi
tm kill-session -t b 2>/dev/null
tm_start b "$UB"
tm_wait b 'xdom(\[cust-bob-shop\])?> '
tm_type b "top"
tb_up() { tm capture-pane -p -t b | grep -q '^xdom top'; }
if wait_for 25 tb_up && tm_wait b 'Idle for 3 s: logging out' 250 &&
	wait_for 25 no_procs "$UB"; then
	ok "idle timeout in top logs out"
else
	not_ok "idle timeout in top:"; show "$(tm_screen b | sed "/^ *$/d" | tail -20)" 20
fi
tm kill-session -t b 2>/dev/null

# Help-desk, interactively: asked for a reason, which lands in the log.
tm_start h "$UH"
tm_wait h 'xdom> ' || not_ok "help-desk prompt"
tm_type h "reset cust-alice-db"
tm_wait h 'Hard-reset cust-alice-db now\? \(y/N\) ' && tm_type h "y"
if tm_wait h 'Reason \(e\.g\. ticket number\): '; then
	tm_type h "ticket 4713"
	if tm_wait h "cust-alice-db: reset" && grep -q "ticket 4713" "$W/audit.log"; then
		ok "help-desk is asked for a reason interactively; it is audited"
	else
		not_ok "interactive help-desk reset:"; show "$(tm_screen h | sed "/^ *$/d" | tail -20)" 20
	fi
else
	not_ok "no reason prompt:"; show "$(tm_screen h | sed "/^ *$/d" | tail -20)" 20
fi
tm_type h "exit"
wait_for 25 no_procs "$UH" ||
	not_ok "help-desk session did not end on exit"

# ---- login time: xdom-shell against /bin/sh on the same sshd -----------
if [ -x "$B/bench/bench_shell_login" ]; then
	fig=$("$B/bench/bench_shell_login" --measure "$PORT" "$UA" "$W/key_$UA" "$US" "$W/key_$US")
	echo "# $fig"
	grep -q "ratio" <<<"$fig" && ok "login-to-prompt time measured against /bin/sh" ||
		not_ok "login-to-prompt measurement failed"
else
	skip "login-to-prompt time" "build/bench/bench_shell_login is not built"
fi

# ---- nothing left behind -------------------------------------------------
tm kill-server 2>/dev/null
stray=0
for u in $UA $UB $UH; do
	wait_for 25 no_procs "$u" || { stray=1; ps -fu "$u" | sed 's/^/#   /'; }
done
[ "$stray" -eq 0 ] && ok "no stray processes of the test users" || not_ok "stray processes"
kill -0 "$XDOMD_PID" 2>/dev/null && ok "xdomd survived every session" || not_ok "xdomd died"

done_testing
