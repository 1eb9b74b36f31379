#!/bin/bash
# install.sh - make install / make uninstall into a DESTDIR: the full
# layout (programs, man pages, themes, snippet, completion, the unit with
# SBINDIR's path, xdom.conf, policy, logrotate), an admin's config never
# overwritten by a second install nor removed by uninstall, and nothing
# else left after uninstall.
source "$(dirname "$0")/../lib.sh"
if [ "$(basename "$B")" != build ]; then
	skip "make install" "tested with the normal build (XDOM_BUILD=build)"
	done_testing; exit
fi
W=$(mktemp -d /tmp/xdom-install.XXXXXX)
T_CLEANUP+=("rm -rf '$W'")
D=$W/root
mk() { make --no-print-directory -s -C "$TOP" DESTDIR="$D" "$@"; }
if mk install PREFIX=/usr >"$W/log" 2>&1; then ok "make install PREFIX=/usr DESTDIR=..."
else not_ok "make install:"; tail -5 "$W/log" | sed 's/^/#   /'; done_testing; exit; fi
missing=""
for f in usr/bin/xdom usr/bin/xdom-shell usr/sbin/xdomd lib/systemd/system/xdomd.service \
	etc/xdom/xdom.conf etc/xdom/policy etc/logrotate.d/xdomd \
	usr/share/xdom/sshd_config.d/xdom-shell.conf usr/share/xdom/themes/default.theme \
	usr/share/bash-completion/completions/xdom usr/share/bash-completion/completions/xdom-shell \
	usr/share/man/man1/xdom.1 usr/share/man/man5/xdom-policy.5 usr/share/man/man8/xdomd.8; do
	[ -e "$D/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "the full layout is installed" || not_ok "not installed:$missing"
grep -q /usr/local "$D/lib/systemd/system/xdomd.service" &&
	not_ok "the unit still names /usr/local: $(grep -m1 /usr/local "$D/lib/systemd/system/xdomd.service")" ||
	ok "the unit's paths are SBINDIR's ($(sed -n 's/^ExecStart=//p' "$D/lib/systemd/system/xdomd.service"))"
echo "# the admin's" >>"$D/etc/xdom/policy"
mk install PREFIX=/usr >"$W/log" 2>&1
grep -q "the admin's" "$D/etc/xdom/policy" && ok "a second install keeps the admin's policy" ||
	not_ok "make install overwrote /etc/xdom/policy"
mk uninstall PREFIX=/usr >"$W/log" 2>&1
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./etc/xdom/policy " ] && ok "make uninstall removes all but the changed policy" ||
	not_ok "after make uninstall: $left"
mk install PREFIX=/usr/local >"$W/log" 2>&1
[ -x "$D/usr/local/sbin/xdomd" ] && [ -e "$D/usr/local/lib/systemd/system/xdomd.service" ] &&
	ok "PREFIX=/usr/local: programs and unit under /usr/local" || not_ok "PREFIX=/usr/local layout"
done_testing
