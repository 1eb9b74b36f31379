#!/bin/bash
# deb.sh - the Debian packages, end to end: built from a clean copy of
# the tree (tracked files only, uncommitted edits included) with
# dpkg-buildpackage, lintian clean, installed with apt-get, used (xdom
# --sim list; xdomd started from the installed unit's command line on the
# sim backend; a customer logged in over a real sshd with the installed
# snippet), then removed and purged with nothing left behind: files,
# the system user, the groups, the /etc/shells line.
#
# As root only, and only on a machine where no xdom package, user or
# group is there already (it would be someone else's): else it says so
# and skips. Prints the time each stage took.
source "$(dirname "$0")/../lib.sh"

PKGS=(xdom xdom-shell xdomd)
GROUPS_MADE=(xdom-customers xdom-helpdesk xdom-users xdomd-front)

if [ "$(id -u)" -ne 0 ]; then
	skip "the Debian packages" "not root: cannot install packages"
	done_testing; exit
fi
# The packages are built with the normal flags, once: the sanitizer
# phase runs this file again and would only repeat it.
if [ "$(basename "$B")" != build ]; then
	skip "the Debian packages" "built and tested in the normal phase (XDOM_BUILD=build), not for $XDOM_BUILD"
	done_testing; exit
fi
# One run at a time on a machine (two would see each other's groups).
exec 9>/run/lock/xdom-deb.lock
flock -w 300 9 || { skip "the Debian packages" "another deb.sh holds /run/lock/xdom-deb.lock"; done_testing; exit; }
for tool in git flock dpkg-buildpackage dh lintian fakeroot apt-get /usr/sbin/sshd \
	ssh ssh-keygen useradd userdel ss timeout; do
	command -v "$tool" >/dev/null 2>&1 && continue
	skip "the Debian packages" "$tool is not installed (scripts/deps.sh check)"
	done_testing; exit
done
git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1 || {
	skip "the Debian packages" "$TOP is not a git checkout (the clean copy is made with git)"
	done_testing; exit
}
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
	case $st in "" | un*) ;; *)
		echo "# WARNING: package $p is on this machine already ($st): not touching it"
		skip "the Debian packages" "$p is installed (or not purged) by something else"
		done_testing; exit ;;
	esac
done
for g in "${GROUPS_MADE[@]}"; do
	getent group "$g" >/dev/null || continue
	echo "# WARNING: group $g exists already (another test or an install): not touching it"
	skip "the Debian packages" "group $g exists already"
	done_testing; exit
done
if getent passwd xdomd-front >/dev/null; then
	skip "the Debian packages" "user xdomd-front exists already"
	done_testing; exit
fi

T0=$SECONDS
stage() { echo "# $1: $((SECONDS - T0)) s"; T0=$SECONDS; }

W=$(mktemp -d /tmp/xdom-deb.XXXXXX)
chmod 755 "$W"
T_CLEANUP+=("rm -rf '$W'")
# Whatever happens below, no package of ours stays installed.
purge_all() { dpkg --purge "${PKGS[@]}" >/dev/null 2>&1; }
T_CLEANUP+=("purge_all")

# ---- build from a clean copy ------------------------------------------------
# git stash create: a commit of the working tree's tracked files (HEAD
# when nothing is changed); nothing untracked or built comes along.
rev=$(git -C "$TOP" stash create 2>/dev/null)
mkdir "$W/src"
git -C "$TOP" archive "${rev:-HEAD}" | tar -x -C "$W/src"
if (cd "$W/src" && nice dpkg-buildpackage -us -uc -b -j2) >"$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds the packages from a clean copy"
else
	not_ok "dpkg-buildpackage failed:"; tail -15 "$W/build.log" | sed 's/^/#   /'
	done_testing; exit
fi
DEBS=()
for p in "${PKGS[@]}"; do
	f=$(ls "$W"/${p}_*.deb 2>/dev/null | head -1)
	[ -n "$f" ] && DEBS+=("$f") || not_ok "no $p package was built"
done
[ ${#DEBS[@]} -eq ${#PKGS[@]} ] || { done_testing; exit; }
stage "build"

if out=$(lintian --fail-on error,warning "$W"/xdom_*.changes 2>&1); then
	ok "lintian: no error or warning"
else
	not_ok "lintian:"; grep -E '^[EW]:' <<<"$out" | sed 's/^/#   /'
fi
stage "lintian"

# ---- install --------------------------------------------------------------
# No Recommends: xen-utils would bring a hypervisor along.
if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	"${DEBS[@]}" >"$W/apt.log" 2>&1; then
	ok "apt-get install ./xdom_*.deb ./xdom-shell_*.deb ./xdomd_*.deb"
else
	not_ok "apt-get install:"; tail -10 "$W/apt.log" | sed 's/^/#   /'
	done_testing; exit
fi
stage "install"
missing=""
for f in /usr/bin/xdom /usr/bin/xdom-shell /usr/sbin/xdomd \
	/lib/systemd/system/xdomd.service /etc/xdom/xdom.conf /etc/xdom/policy \
	/etc/logrotate.d/xdomd /usr/share/xdom/sshd_config.d/xdom-shell.conf \
	/usr/share/xdom/themes/default.theme \
	/usr/share/bash-completion/completions/xdom \
	/usr/share/bash-completion/completions/xdom-shell \
	/usr/share/man/man1/xdom.1.gz /usr/share/man/man8/xdomd.8.gz; do
	[ -e "$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "the installed layout: programs, unit, configs, logrotate, snippet, themes, completion, man pages" ||
	not_ok "not installed:$missing"
[ ! -e /etc/ssh/sshd_config.d/xdom-shell.conf ] && ok "the sshd snippet is installed, not enabled" ||
	not_ok "the sshd snippet was enabled by the package"
grep -qx /usr/bin/xdom-shell /etc/shells && ok "xdom-shell is in /etc/shells" ||
	not_ok "/usr/bin/xdom-shell is not in /etc/shells"
for g in xdom-customers xdom-helpdesk xdom-users; do
	getent group "$g" >/dev/null && ok "group $g exists" || not_ok "no group $g"
done
front=$(getent passwd xdomd-front)
[ -n "$front" ] && [ "$(cut -d: -f3 <<<"$front")" -lt 1000 ] &&
	ok "system user xdomd-front exists ($(cut -d: -f6,7 <<<"$front"))" ||
	not_ok "no system user xdomd-front: $front"
[ -L /etc/systemd/system/multi-user.target.wants/xdomd.service ] &&
	ok "xdomd.service is enabled" || not_ok "xdomd.service is not enabled"
mode=$(dpkg-query -W -f='${Conffiles}' xdomd)
grep -q /etc/xdom/policy <<<"$mode" && grep -q /etc/xdom/xdom.conf <<<"$mode" &&
	ok "/etc/xdom/xdom.conf and policy are conffiles" || not_ok "conffiles: $mode"
check_out "the installed xdom lists the sim host" '^Domain-0 +0 ' \
	env XDOM_SIM_DIR="$W/sim-cli" /usr/bin/xdom --sim list

# ---- xdomd from the unit's own command line ----------------------------------
unit_cmd() { sed -n "s/^$1=//p" /lib/systemd/system/xdomd.service | head -1; }
read -r -a START <<<"$(unit_cmd ExecStart)"
read -r -a PRE <<<"$(unit_cmd ExecStartPre)"
[ "${START[0]}" = /usr/sbin/xdomd ] && ok "the unit starts /usr/sbin/xdomd (${START[*]})" ||
	not_ok "the unit's ExecStart: ${START[*]}"
CUST=xdc$$
cat >"$W/policy" <<POL
user:$CUST web01 status,console,boot,shutdown,reboot
POL
# The installed config with a private socket, audit file and front root.
sed -e '/^socket *=/d' -e '/^audit_file *=/d' -e '/^policy *=/d' -e '/^front_root *=/d' \
	/etc/xdom/xdom.conf >"$W/xdom.conf"
cat >>"$W/xdom.conf" <<CONF
socket = "$W/xdomd.sock"
policy = "$W/policy"
audit_file = "$W/audit.log"
front_root = "$W/empty"
CONF
chmod 644 "$W/policy" "$W/xdom.conf"
mkdir -m 700 "$W/sim"
export XDOM_SIM_DIR=$W/sim
if [ ${#PRE[@]} -gt 0 ]; then
	if "${PRE[@]}" --config "$W/xdom.conf" --sim >"$W/check.log" 2>&1; then
		ok "the unit's ExecStartPre passes (${PRE[*]} --sim): $(head -1 "$W/check.log")"
	else
		not_ok "the unit's ExecStartPre: $(head -1 "$W/check.log")"
	fi
fi
"${START[@]}" --config "$W/xdom.conf" --sim >"$W/xdomd.log" 2>&1 &
XDOMD_PID=$!
T_CLEANUP+=("kill $XDOMD_PID 2>/dev/null; wait $XDOMD_PID 2>/dev/null")
for _ in $(seq 100); do [ -S "$W/xdomd.sock" ] && break; kill -0 $XDOMD_PID 2>/dev/null || break; sleep 0.1; done
if [ -S "$W/xdomd.sock" ] && [ "$(stat -c %G:%a "$W/xdomd.sock")" = xdom-users:660 ]; then
	ok "the installed xdomd serves the sim host; its socket is xdom-users' (mode 660)"
else
	not_ok "xdomd from the unit's command line:"; sed 's/^/#   /' "$W/xdomd.log" | head -10
	done_testing; exit
fi
stage "xdomd"

# ---- a customer over sshd with the installed snippet --------------------------
useradd -M -d "$W/home" -s /usr/bin/xdom-shell -U -G xdom-customers,xdom-users "$CUST"
T_CLEANUP+=("pkill -KILL -u $CUST 2>/dev/null; userdel -f $CUST >/dev/null 2>&1")
usermod -p '*' "$CUST"
mkdir -p "$W/home/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$W/key" -C "$CUST"
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
cp "$W/key.pub" "$W/home/.ssh/authorized_keys"
chown -R "$CUST:$CUST" "$W/home"
chmod 700 "$W/home" "$W/home/.ssh"
PORT=$(free_port)
# Debian's sshd_config shape: the Include first (as of sshd_config.d).
cat >"$W/sshd_config" <<CFG
Include /usr/share/xdom/sshd_config.d/xdom-shell.conf
Port $PORT
ListenAddress 127.0.0.1
HostKey $W/hostkey
PidFile $W/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
PermitRootLogin no
SetEnv XDOM_CONFIG=$W/xdom.conf
CFG
mkdir -p /run/sshd
check "sshd -t passes with the installed snippet included" /usr/sbin/sshd -t -f "$W/sshd_config"
/usr/sbin/sshd -D -f "$W/sshd_config" -e 2>>"$W/sshd.log" &
SSHD_PID=$!
T_CLEANUP+=("kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null")
for _ in $(seq 50); do ss -Htln "sport = :$PORT" | grep -q . && break; sleep 0.1; done
sshc() {
	timeout 20 ssh -F /dev/null -p "$PORT" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR \
		-o IdentitiesOnly=yes -i "$W/key" "$CUST@127.0.0.1" "$@" </dev/null
}
out=$(sshc list 2>&1)
if grep -qw web01 <<<"$out" && ! grep -qw db01 <<<"$out"; then
	ok "customer $CUST logs in over sshd and xdom-shell lists their guest (web01 only)"
else
	not_ok "the customer's list over sshd:"; sed 's/^/#   /' <<<"$out" | head -10
	sed 's/^/#   sshd: /' "$W/sshd.log" | tail -5
fi
out=$(sshc "/bin/sh -c id" 2>&1)
grep -q "uid=" <<<"$out" && not_ok "the customer ran /bin/sh: $out" ||
	ok "the customer cannot run a program of their own (ForceCommand xdom-shell)"
grep -q "$CUST" "$W/audit.log" 2>/dev/null && ok "xdomd audited the customer's request" ||
	not_ok "no audit line for $CUST"
kill $SSHD_PID $XDOMD_PID 2>/dev/null
wait $SSHD_PID $XDOMD_PID 2>/dev/null
pkill -KILL -u "$CUST" 2>/dev/null
userdel -f "$CUST" >/dev/null 2>&1
stage "ssh"

# ---- remove, purge: nothing left behind -------------------------------------
files=$(dpkg -L "${PKGS[@]}" 2>/dev/null | sort -u)
if DEBIAN_FRONTEND=noninteractive apt-get remove -y "${PKGS[@]}" >"$W/remove.log" 2>&1; then
	ok "apt-get remove"
else
	not_ok "apt-get remove:"; tail -5 "$W/remove.log" | sed 's/^/#   /'
fi
! grep -qx /usr/bin/xdom-shell /etc/shells && ok "after remove: xdom-shell left /etc/shells" ||
	not_ok "after remove: /usr/bin/xdom-shell is still in /etc/shells"
gone=""
getent passwd xdomd-front >/dev/null || gone="$gone user:xdomd-front"
for g in "${GROUPS_MADE[@]}"; do getent group "$g" >/dev/null || gone="$gone group:$g"; done
[ -z "$gone" ] && ok "after remove: the system user and the groups stay (until purge)" ||
	not_ok "after remove: gone already:$gone"
[ -e /etc/xdom/policy ] && ok "after remove: the configs stay (until purge)" ||
	not_ok "after remove: /etc/xdom/policy is gone"
if dpkg --purge "${PKGS[@]}" >"$W/purge.log" 2>&1; then
	ok "dpkg --purge"
else
	not_ok "dpkg --purge:"; tail -5 "$W/purge.log" | sed 's/^/#   /'
fi
left=""
while read -r f; do
	[ -n "$f" ] && [ ! -d "$f" ] && [ -e "$f" ] && left="$left $f"
done <<<"$files"
for f in /etc/xdom /etc/logrotate.d/xdomd /var/log/xdom /var/lib/xdom \
	/etc/systemd/system/multi-user.target.wants/xdomd.service /usr/share/xdom; do
	[ -e "$f" ] && left="$left $f"
done
[ -z "$left" ] && ok "after purge: no file of the packages is left" || not_ok "after purge, left:$left"
left=""
# A group someone is in stays (delgroup --only-if-empty): name them.
for g in "${GROUPS_MADE[@]}"; do
	m=$(getent group "$g") && left="$left group:$g(members:${m##*:})"
done
getent passwd xdomd-front >/dev/null && left="$left user:xdomd-front"
[ -z "$left" ] && ok "after purge: no user or group of the packages is left" || not_ok "after purge, left:$left"
! grep -qx /usr/bin/xdom-shell /etc/shells && ok "after purge: no xdom-shell line in /etc/shells" ||
	not_ok "after purge: /usr/bin/xdom-shell is in /etc/shells"
stage "remove and purge"
done_testing
