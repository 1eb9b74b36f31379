#!/bin/bash
# doctor.sh - `xdom doctor --root DIR` on a host laid out under DIR: set
# up right it finds nothing to fix (exit 0); each mistake it names, made
# on a fresh copy of that host, gives a FIX line naming it and exit 1.
#
# The host under DIR: xdom.conf and policy, xdomd's socket (a real Unix
# socket, group and mode set as xdomd sets them), the audit file,
# save_dir and block_dir, /etc/passwd and /etc/group with a customer and
# a help-desk user, /etc/shells, sshd_config including the shipped
# snippet (sshd -t runs the host's sshd on it), and a /proc with xen,
# xenstored and xenconsoled. Ownership mistakes need root: not root, those
# cases are skipped.
source "$(dirname "$0")/../lib.sh"

for tool in python3 ssh-keygen; do
	command -v "$tool" >/dev/null 2>&1 && continue
	skip "xdom doctor" "$tool is not installed"
	done_testing; exit
done
W=$(mktemp -d /tmp/xdom-doctor.XXXXXX)
chmod 755 "$W"
T_CLEANUP+=("rm -rf '$W'")
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
ROOT=0
[ "$(id -u)" -eq 0 ] && ROOT=1

# good DIR: a host set up right, under DIR.
good() {
	local r=$1
	mkdir -p "$r"/etc/xdom "$r"/etc/ssh/sshd_config.d "$r"/usr/bin \
		"$r"/run/xdom "$r"/var/log/xdom "$r"/var/lib/xdom/save \
		"$r"/srv/xdom/disks "$r"/proc/xen "$r"/proc/101 "$r"/proc/102
	chmod 755 "$r"
	cat >"$r/etc/xdom/xdom.conf" <<-CONF
	backend = xen
	socket = /run/xdom/xdomd.sock
	socket_group = xdom-users
	policy = /etc/xdom/policy
	audit_file = /var/log/xdom/audit.log
	save_dir = /var/lib/xdom/save
	block_dir = /srv/xdom/disks
	CONF
	cp "$TOP/etc/policy" "$r/etc/xdom/policy"
	chmod 644 "$r/etc/xdom/xdom.conf" "$r/etc/xdom/policy"
	cat >"$r/etc/group" <<-GRP
	root:x:0:
	xdom-users:x:4000:alice,helen
	xdom-customers:x:4001:alice
	xdom-helpdesk:x:4002:helen
	GRP
	cat >"$r/etc/passwd" <<-PW
	root:x:0:0:root:/root:/bin/bash
	alice:x:5001:5001:a customer:/home/alice:/usr/bin/xdom-shell
	helen:x:5002:5002:help desk:/home/helen:/usr/bin/xdom-shell
	bob:x:5003:5003:an admin:/home/bob:/bin/bash
	PW
	printf '/bin/sh\n/bin/bash\n/usr/bin/xdom-shell\n' >"$r/etc/shells"
	install -m 755 "$XDOM_SHELL" "$r/usr/bin/xdom-shell"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$r/run/xdom/xdomd.sock"
	chgrp 4000 "$r/run/xdom/xdomd.sock" 2>/dev/null
	chmod 660 "$r/run/xdom/xdomd.sock"
	chmod 750 "$r/var/log/xdom"
	: >"$r/var/log/xdom/audit.log"
	chmod 640 "$r/var/log/xdom/audit.log"
	chmod 700 "$r/var/lib/xdom/save"
	cat >"$r/etc/ssh/sshd_config" <<-CFG
	Include /etc/ssh/sshd_config.d/*.conf
	Port 22
	ListenAddress 127.0.0.1
	HostKey $W/hostkey
	PidFile $W/sshd.pid
	UsePAM no
	CFG
	cp "$TOP/etc/sshd_config.d/xdom-shell.conf" "$r/etc/ssh/sshd_config.d/"
	echo control_d >"$r/proc/xen/capabilities"
	echo xenstored >"$r/proc/101/comm"
	echo xenconsoled >"$r/proc/102/comm"
}

doctor() { "$XDOM" doctor --root "$1" 2>&1; }

# The real sshd -t reads the host's own sshd_config.d too (the Include
# names /etc/ssh/...), and needs root for the host key.
good "$W/good"
out=$(doctor "$W/good"); rc=$?
if [ $rc -eq 0 ] && grep -q 'all well' <<<"$out" && ! grep -q '^FIX' <<<"$out"; then
	ok "a host set up right: nothing to fix, exit 0 ($(grep -c '^ok' <<<"$out") checks ok)"
else
	not_ok "a host set up right (exit $rc):"; sed 's/^/#   /' <<<"$out"
fi
for want in 'config .*parses' 'policy .*parses' 'socket .*group xdom-users, mode 660' \
	'audit_file .*writable' 'save_dir' 'block_dir' '/usr/bin/xdom-shell is in /etc/shells' \
	'user alice \(xdom-customers\): logs in' 'user helen \(xdom-helpdesk\): logs in' \
	'ForceCommand xdom-shell from .*xdom-shell.conf' 'xenstored is running' \
	'xenconsoled is running'; do
	grep -Eq "^ok .*$want" <<<"$out" || not_ok "a host set up right: no ok line /$want/"
done
if [ $ROOT -eq 1 ]; then
	grep -Eq '^ok +sshd -t .*clean' <<<"$out" && ok "sshd -t runs and is clean" ||
		not_ok "sshd -t: $(grep 'sshd -t' <<<"$out")"
else
	skip "sshd -t" "not root"
fi

# mistake DESC REGEX ROOT_ONLY CMD...: CMD breaks a fresh good host in
# $H; doctor must exit 1 with a FIX line matching REGEX.
N=0
mistake() {
	local what=$1 re=$2 needroot=$3 out rc
	shift 3
	if [ "$needroot" = root ] && [ $ROOT -eq 0 ]; then
		skip "doctor names: $what" "not root"
		return
	fi
	N=$((N + 1))
	H=$W/m$N
	good "$H"
	"$@"
	out=$(doctor "$H"); rc=$?
	if [ $rc -eq 1 ] && grep -Eq "^FIX +.*$re" <<<"$out"; then
		ok "doctor names: $what ($(grep -Em1 "^FIX +.*$re" <<<"$out" | cut -c6-90)...)"
	else
		not_ok "doctor on: $what (exit $rc; want /$re/):"; grep -v '^ok' <<<"$out" | sed 's/^/#   /'
	fi
}
# shellcheck disable=SC2016
m() { eval "$1"; }
mistake "the socket's mode" 'socket .*mode 666' root m 'chmod 666 $H/run/xdom/xdomd.sock'
mistake "the socket's group" 'socket .*group 0, ' root m 'chgrp 0 $H/run/xdom/xdomd.sock'
mistake "no socket (xdomd not running)" 'socket .*No such file.*start xdomd' any m 'rm $H/run/xdom/xdomd.sock'
mistake "socket_group unset" 'socket_group is not set' any m 'sed -i /^socket_group/d $H/etc/xdom/xdom.conf'
mistake "socket_group names no group" 'socket_group xdom-users: no such group' any m 'sed -i /^xdom-users/d $H/etc/group'
mistake "the policy writable by its group" 'policy: .*writable.*chmod go-w' any m 'chmod 664 $H/etc/xdom/policy'
mistake "the policy owned by someone else" 'policy: .*owned by uid 65534' root m 'chown 65534 $H/etc/xdom/policy'
mistake "a policy that does not parse" 'policy.*correct it' any m 'echo "user:x web01 fly" >>$H/etc/xdom/policy'
mistake "the config writable by others" 'config: .*writable' any m 'chmod 666 $H/etc/xdom/xdom.conf'
mistake "the config's directory owned by someone else" 'config: .*owned by uid 1000' root m 'chown 1000 $H/etc/xdom'
mistake "a config that does not parse" 'xdom.conf.*correct it' any m 'echo "= x" >>$H/etc/xdom/xdom.conf'
mistake "the audit directory missing" 'audit directory .*missing' any m 'rm -r $H/var/log/xdom'
mistake "the audit file not a file" 'audit_file: .*not a regular' any m 'rm $H/var/log/xdom/audit.log; mkdir $H/var/log/xdom/audit.log'
mistake "the audit file someone else's" 'audit_file: .*owned by uid 1000' root m 'chown 1000 $H/var/log/xdom/audit.log'
mistake "save_dir writable by others" 'save_dir: .*writable' any m 'chmod 777 $H/var/lib/xdom/save'
mistake "block_dir someone else's" 'block_dir: .*owned by uid 1000' root m 'chown 1000 $H/srv/xdom/disks'
mistake "xdom-shell not in /etc/shells" '/usr/bin/xdom-shell is not in /etc/shells: add-shell' any \
	m 'sed -i /xdom-shell/d $H/etc/shells'
mistake "a customer's login shell" 'user alice \(xdom-customers\): login shell /bin/bash: usermod -s' any \
	m 'sed -i "s|^alice:\(.*\):/usr/bin/xdom-shell|alice:\1:/bin/bash|" $H/etc/passwd'
mistake "a help-desk user's login shell" 'user helen \(xdom-helpdesk\): login shell /bin/sh' any \
	m 'sed -i "s|^helen:\(.*\):/usr/bin/xdom-shell|helen:\1:/bin/sh|" $H/etc/passwd'
mistake "a customer not in socket_group" 'user alice .*cannot reach xdomd.*adduser alice xdom-users' any \
	m 'sed -i "s/^xdom-users:x:4000:.*/xdom-users:x:4000:helen/" $H/etc/group'
mistake "a customer by primary group, wrong shell" 'user carol \(xdom-customers\): login shell /bin/bash' any \
	m 'echo "carol:x:5004:4001::/home/carol:/bin/bash" >>$H/etc/passwd'
mistake "the help-desk group missing" 'group xdom-helpdesk is missing' any m 'sed -i /^xdom-helpdesk/d $H/etc/group'
mistake "the sshd snippet not included" 'sshd does not include the xdom-shell snippet' any \
	m 'rm $H/etc/ssh/sshd_config.d/xdom-shell.conf'
mistake "sshd -t failing" 'sshd -t -f .*: .*correct it' root m 'echo "NoSuchKeyword yes" >>$H/etc/ssh/sshd_config'
mistake "xenstored not running" 'xenstored is not running' any m 'rm -r $H/proc/101'
mistake "xenconsoled not running" 'xenconsoled is not running' any m 'echo bash >$H/proc/102/comm'

# Not a Xen host: said, not a fault.
good "$W/nox"
rm -r "$W/nox/proc/xen"
out=$(doctor "$W/nox"); rc=$?
if [ $rc -eq 0 ] && grep -Eq '^-- +not a Xen host' <<<"$out"; then
	ok "without /proc/xen: 'not a Xen host', exit 0"
else
	not_ok "without /proc/xen (exit $rc):"; grep -v '^ok' <<<"$out" | sed 's/^/#   /'
fi
# A Xen guest (domU) has /proc/xen but not dom0's control_d.
good "$W/domu"
: >"$W/domu/proc/xen/capabilities"
rm -r "$W/domu/proc/101" "$W/domu/proc/102"
out=$(doctor "$W/domu"); rc=$?
if [ $rc -eq 0 ] && grep -Eq "^-- +not a Xen host's dom0" <<<"$out"; then
	ok "in a Xen guest: not dom0, daemons not asked for, exit 0"
else
	not_ok "in a Xen guest (exit $rc):"; grep -v '^ok' <<<"$out" | sed 's/^/#   /'
fi
check_out "a relative --root is a usage error" 'give an existing directory' "$XDOM" doctor --root rel
"$XDOM" doctor --root rel >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad usage exits 2" || not_ok "bad usage exit status"
done_testing
