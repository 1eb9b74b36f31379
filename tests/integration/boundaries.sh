#!/bin/bash
# boundaries.sh - the layering the Makefile and STYLE.md promise, checked
# on what was built: which shared libraries each program links (ldd), and
# that core/ includes nothing from a layer above it.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=${XDOM_BUILD:-build}

# libs PROG: the sonames PROG needs, one per line.
libs() { ldd "$1" | awk '{print $1}' | sed 's/\.so.*//' | sort -u; }

# must_not PROG LIB...: none of LIB among PROG's linked libraries.
must_not() {
	local prog=$1 l found=""
	shift
	for l in "$@"; do
		grep -qx "$l" <<<"$(libs "$B/$prog")" && found="$found $l"
	done
	if [ -z "$found" ]; then
		ok "$prog links none of: $*"
	else
		not_ok "$prog links$found"
		libs "$B/$prog" | sed 's/^/#   /'
	fi
}
# must PROG LIB...: every LIB among PROG's linked libraries.
must() {
	local prog=$1 l missing=""
	shift
	for l in "$@"; do
		grep -qx "$l" <<<"$(libs "$B/$prog")" || missing="$missing $l"
	done
	[ -z "$missing" ] && ok "$prog links $*" || not_ok "$prog lacks$missing"
}

for p in xdom xdom-shell xdomd; do
	[ -x "$B/$p" ] || { not_ok "$B/$p is missing"; done_testing; exit 1; }
done

# The root daemon: no terminal, no line editing, no SSH client, no Kerberos.
must_not xdomd libssh libgssapi_krb5 libkrb5 libncursesw libncurses libtinfo \
	libreadline libtermkey libunibilium libjson-c
must xdomd libcap
# The customer's login shell: no hypervisor library, no SSH client.
must_not xdom-shell libxenlight libxenctrl libxenguest libxenstat libxenstore \
	libxentoollog libssh libgssapi_krb5 libcap
must xdom-shell libreadline libncursesw
if nm "$B/libxdomhv_xen.a" 2>/dev/null | grep -q ' hv_xen_backend$'; then
	must xdomd libxenlight libxenstat
	must xdom libxenlight libssh libncursesw
else
	skip "xdomd and xdom link libxenlight" "this build has no Xen backend (libxen-dev missing at build time)"
fi

# Which backends each program offers, from its own list.
out=$("$B/xdom-shell" --backend=sim -c version 2>&1)
grep -q 'not available' <<<"$out" &&
	ok "xdom-shell refuses the sim backend: it links the helper client only" ||
	{ not_ok "xdom-shell --backend=sim: $out"; }

# core/ is pure logic: it includes nothing from the layers above it.
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*"(hypervisor|tui|top|cli|console|shell|helper)/' core/*.c core/*.h)
[ -z "$bad" ] && ok "core/ includes nothing from hypervisor/, top/, cli/, console/, shell/ or helper/" ||
	{ not_ok "core/ reaches up:"; sed 's/^/#   /' <<<"$bad"; }
# Views reach a hypervisor through hv.h only, never into a backend.
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*"hypervisor/(sim|xen|remote)/' top/*.[ch] cli/*.[ch] console/*.[ch] shell/*.[ch] 2>/dev/null |
	grep -v 'hypervisor/remote/helper_client.h')
[ -z "$bad" ] && ok "top/, cli/, console/ and shell/ reach backends through hypervisor/hv.h only" ||
	{ not_ok "a view includes a backend's header:"; sed 's/^/#   /' <<<"$bad"; }
# The privileged helper never includes a view.
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*"(top|cli|console|shell)/' helper/*.[ch])
[ -z "$bad" ] && ok "helper/ includes no view" || { not_ok "helper/ includes a view:"; sed 's/^/#   /' <<<"$bad"; }

done_testing
