#!/bin/bash
# sshd_snippet.sh - the shipped etc/sshd_config.d/xdom-shell.conf, used
# verbatim by a real sshd: it passes `sshd -t` when included the way
# Debian's sshd_config includes sshd_config.d (first, before the global
# settings), leaves other accounts alone, and keeps a customer and a
# help-desk user from every kind of forwarding and from running anything
# but xdom-shell. A control user outside the groups shows that each probe
# works where it is allowed (so a probe that cannot fail would be seen).
#
# As root: creates the groups xdom-customers and xdom-helpdesk when they
# do not exist (and removes them again), three temporary users and an
# sshd on a free loopback port. Not root: says so and skips.
source "$(dirname "$0")/../lib.sh"
SNIPPET=$TOP/etc/sshd_config.d/xdom-shell.conf

for tool in /usr/sbin/sshd ssh ssh-keygen useradd userdel groupadd ss python3; do
	command -v "$tool" >/dev/null 2>&1 && continue
	skip "the shipped sshd snippet" "$tool is not installed"
	done_testing; exit
done
# sshd -t needs no users: it runs first, as any user.
W=$(mktemp -d /tmp/xdom-snippet.XXXXXX)
chmod 755 "$W"
T_CLEANUP+=("rm -rf '$W'")
trap t_cleanup EXIT
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"

# The shape of Debian 12's /etc/ssh/sshd_config: the Include comes
# first, global settings after it; a Match block in the included file
# must not swallow them.
main_config() {	# PORT
	cat <<CFG
Include $SNIPPET
Port $1
ListenAddress 127.0.0.1
HostKey $W/hostkey
PidFile $W/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
StrictModes no
PermitRootLogin no
X11Forwarding yes
AllowTcpForwarding yes
PrintMotd no
Subsystem sftp internal-sftp
CFG
}
main_config 22 >"$W/sshd_config"
if out=$(/usr/sbin/sshd -t -f "$W/sshd_config" 2>&1); then
	ok "sshd -t passes with the snippet included as Debian includes sshd_config.d"
else
	not_ok "sshd -t fails with the snippet: $(head -1 <<<"$out")"
fi
out=$(/usr/sbin/sshd -T -f "$W/sshd_config" -C user=root,host=localhost,addr=127.0.0.1 2>&1)
if grep -qx 'x11forwarding yes' <<<"$out" && grep -qx 'forcecommand none' <<<"$out"; then
	ok "other accounts keep the global settings (the Match block ends with the snippet)"
else
	not_ok "the snippet changes accounts outside its groups:"; grep -E '^(x11forwarding|forcecommand) ' <<<"$out" | sed 's/^/#   /'
fi

if [ "$(id -u)" -ne 0 ]; then
	skip "forwarding and commands as a customer and as help desk" "not root: cannot create users or run sshd"
	done_testing; exit
fi

# ---- groups and users ----------------------------------------------------
MADE_GROUPS=()
for g in xdom-customers xdom-helpdesk; do
	getent group "$g" >/dev/null && continue
	groupadd "$g" && MADE_GROUPS+=("$g")
done
UC=xnc$$ UH=xnh$$ UO=xno$$
mkdir -p "$W/bin" "$W/home"
install -m 755 "$XDOM_SHELL" "$W/bin/xdom-shell"
cleanup_users() {
	local u g
	for u in $UC $UH $UO; do
		pkill -KILL -u "$u" 2>/dev/null
		id "$u" >/dev/null 2>&1 && userdel -f "$u" >/dev/null 2>&1
	done
	for g in "${MADE_GROUPS[@]}"; do groupdel "$g" 2>/dev/null; done
}
T_CLEANUP+=("cleanup_users")
useradd -M -d "$W/home/$UC" -s "$W/bin/xdom-shell" -U -G xdom-customers "$UC"
useradd -M -d "$W/home/$UH" -s "$W/bin/xdom-shell" -U -G xdom-helpdesk "$UH"
useradd -M -d "$W/home/$UO" -s /bin/sh -U "$UO"
for u in $UC $UH $UO; do
	usermod -p '*' "$u"
	mkdir -p "$W/home/$u/.ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$W/key_$u" -C "$u"
	cp "$W/key_$u.pub" "$W/home/$u/.ssh/authorized_keys"
	chown -R "$u:$u" "$W/home/$u"
	chmod 700 "$W/home/$u" "$W/home/$u/.ssh"
done

# ---- what sshd will apply to each (its own evaluation of the config) -----
for u in $UC $UH; do
	eff=$(/usr/sbin/sshd -T -f "$W/sshd_config" -C "user=$u,host=localhost,addr=127.0.0.1" 2>&1)
	bad=""
	for want in 'forcecommand xdom-shell' 'disableforwarding yes' \
		'allowtcpforwarding no' 'allowstreamlocalforwarding no' \
		'allowagentforwarding no' 'x11forwarding no' 'permittunnel no' \
		'permituserrc no' 'permituserenvironment no' 'gatewayports no'; do
		grep -qx "$want" <<<"$eff" || bad="$bad, $want"
	done
	[ -z "$bad" ] && ok "sshd applies to $u: forced xdom-shell, no agent, X11, tunnel, ~/.ssh/rc or user environment" ||
		not_ok "sshd's settings for $u lack${bad#,}"
done

# ---- a live sshd ------------------------------------------------------------
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}
mkdir -p /run/sshd
PORT=$(free_port)
main_config "$PORT" >"$W/sshd_config"
/usr/sbin/sshd -D -f "$W/sshd_config" -e 2>>"$W/sshd.log" &
SSHD_PID=$!
T_CLEANUP+=("kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null")
for _ in $(seq 50); do ss -Htln "sport = :$PORT" | grep -q . && break; sleep 0.1; done
if ! ss -Htln "sport = :$PORT" | grep -q .; then
	not_ok "sshd started:"; tail -5 "$W/sshd.log" | sed 's/^/#   /'
	done_testing; exit
fi
SSH_OPTS=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
	-o IdentitiesOnly=yes -o ConnectTimeout=10)
# sshu USER OPTIONS...: a session with no command (forwarding only), in
# the background with no output (the caller kills it); its pid in $pid.
sshu() {
	local u=$1
	shift
	ssh "${SSH_OPTS[@]}" -i "$W/key_$u" "$@" "$u@127.0.0.1" </dev/null >/dev/null 2>&1 &
	pid=$!
}
# sshc USER COMMAND: run COMMAND as USER.
sshc() { timeout 20 ssh "${SSH_OPTS[@]}" -i "$W/key_$1" "$1@127.0.0.1" "$2"; }

# banner_via PORT: whether a connection to PORT gets sshd's banner (a
# forward that reached the target), 3 s at most.
banner_via() {
	python3 - "$1" <<'PY'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
    s.settimeout(3)
    sys.exit(0 if s.recv(64).startswith(b"SSH-") else 1)
except Exception:
    sys.exit(1)
PY
}
banner_via_unix() {
	python3 - "$1" <<'PY'
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(3)
    s.connect(sys.argv[1])
    sys.exit(0 if s.recv(64).startswith(b"SSH-") else 1)
except Exception:
    sys.exit(1)
PY
}
# wait_listen PORT PID: until something listens on PORT (5 s), or PID
# (the ssh client) is gone.
wait_listen() {
	for _ in $(seq 50); do
		ss -Htln "sport = :$1" | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# probe USER: each forwarding kind, "yes" or "no" per kind, in order:
# local TCP, dynamic (SOCKS), remote TCP, stdio (-W), local Unix socket.
probe() {
	local u=$1 lp pid res=""
	# -L: a local port forwarded to sshd's own port.
	lp=$(free_port)
	sshu "$u" -N -L "$lp:127.0.0.1:$PORT"
	if wait_listen "$lp" $pid && banner_via "$lp"; then res+="L=yes "; else res+="L=no "; fi
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	# -D: SOCKS; a CONNECT to sshd's port through it.
	lp=$(free_port)
	sshu "$u" -N -D "$lp"
	if wait_listen "$lp" $pid && python3 - "$lp" "$PORT" <<'PY'
import socket, struct, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
    s.settimeout(3)
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00": sys.exit(1)
    s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", int(sys.argv[2])))
    r = s.recv(10)
    if len(r) < 2 or r[1] != 0: sys.exit(1)
    sys.exit(0 if s.recv(64).startswith(b"SSH-") else 1)
except Exception:
    sys.exit(1)
PY
	then res+="D=yes "; else res+="D=no "; fi
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	# -R: the server listens for us (refused: ssh exits at once).
	lp=$(free_port)
	sshu "$u" -N -o ExitOnForwardFailure=yes -R "$lp:127.0.0.1:$PORT"
	if wait_listen "$lp" $pid && banner_via "$lp"; then res+="R=yes "; else res+="R=no "; fi
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	# -W: stdio forwarding to sshd's port.
	if timeout 10 ssh "${SSH_OPTS[@]}" -i "$W/key_$u" -W "127.0.0.1:$PORT" "$u@127.0.0.1" </dev/null 2>/dev/null |
		head -c 4 | grep -q 'SSH-'; then res+="W=yes "; else res+="W=no "; fi
	# -L to a Unix socket path (stream-local forwarding).
	rm -f "$W/fwd.sock"
	sshu "$u" -N -L "$W/fwd.sock:127.0.0.1:$PORT"
	for _ in $(seq 50); do [ -S "$W/fwd.sock" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if [ -S "$W/fwd.sock" ] && banner_via_unix "$W/fwd.sock"; then res+="U=yes"; else res+="U=no"; fi
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	echo "$res"
}

ctl=$(probe "$UO")
if [ "$ctl" = "L=yes D=yes R=yes W=yes U=yes" ]; then
	ok "every forwarding probe works for an account outside the groups (the probes can tell)"
else
	not_ok "the probes do not work for the control account: $ctl"
fi
for u in $UC $UH; do
	got=$(probe "$u")
	[ "$got" = "L=no D=no R=no W=no U=no" ] &&
		ok "$u ($(id -nG "$u" | tr ' ' '\n' | grep xdom-)) gets no forwarding: local, dynamic, remote, stdio, Unix socket" ||
		not_ok "$u can forward: $got"
done

# Commands and subsystems reach xdom-shell, never a program of their own.
marker=$W/marker
chmod 777 "$W"
for u in $UC $UH; do
	sshc "$u" "/bin/sh -c 'touch $marker'" </dev/null >"$W/out" 2>&1
	[ ! -e "$marker" ] && ok "$u: a shell command is not run (xdom-shell answered: $(head -c 80 "$W/out" | head -1))" ||
		{ not_ok "$u ran /bin/sh"; rm -f "$marker"; }
	out=$(timeout 15 sftp -P "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o IdentitiesOnly=yes -i "$W/key_$u" "$u@127.0.0.1" <<<"ls /" 2>&1)
	grep -q 'sftp>' <<<"$out" && not_ok "$u got an sftp session" ||
		ok "$u: the sftp subsystem is not served"
done
chmod 755 "$W"
out=$(timeout 15 sftp -P "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$W/key_$UO" "$UO@127.0.0.1" <<<"ls /" 2>&1)
grep -q 'sftp>' <<<"$out" && ok "the control account gets sftp (the sftp probe can tell)" ||
	not_ok "sftp does not work for the control account: $(head -1 <<<"$out")"
done_testing
