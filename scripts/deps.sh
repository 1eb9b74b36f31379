#!/bin/sh
# deps.sh - install the Debian packages xdom needs, if any are missing.
#
#   scripts/deps.sh build   what `make` and `make demo` need
#   scripts/deps.sh check   that plus what the tests need (tmux, sshd,
#                           QEMU for the real-Xen checks, clang for fuzzing)
#
# As root it runs apt-get; otherwise it prints the one line to run and
# exits 1, so `make demo` and `make check` stop with a clear instruction.
set -eu

BUILD_PKGS="gcc make pkg-config libc6-dev libxen-dev libncurses-dev
 libtermkey-dev libreadline-dev libcap-dev libseccomp-dev libssh-dev libjson-c-dev"
CHECK_PKGS="libcmocka-dev tmux openssh-server openssh-client
 qemu-system-x86 cpio file busybox-static clang libclang-rt-14-dev procps
 iproute2 passwd util-linux valgrind xz-utils
 debhelper dpkg-dev fakeroot lintian git python3"

case "${1:-build}" in
build) want=$BUILD_PKGS ;;
check) want="$BUILD_PKGS $CHECK_PKGS" ;;
*) echo "usage: scripts/deps.sh build|check" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "xdom: missing Debian packages; run this, then make again:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "xdom: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq $missing
