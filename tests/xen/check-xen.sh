#!/bin/bash
# check-xen.sh - the real-Xen checks: boot Xen 4.17 (Debian's packages)
# under QEMU's software emulation with a busybox dom0 that holds this
# build's programs, start guests, and check xdom against the real
# hypervisor and against Xen's own tools (xl, xentop). Prints TAP lines;
# exit status 1 when any check failed or the run could not happen.
#
# Needs: `make all` done (with libxen-dev, so build/ has the xen backend),
# qemu-system-x86 (installed with apt-get when missing and root), apt-get
# download access to Debian's archive for the Xen, kernel and busybox
# packages. Nothing is installed into the host beyond missing tools.
#
# Environment:
#   XDOM_XEN_CACHE     downloads and unpacked packages (default
#                      $TMPDIR/xdom-xenlab); kept between runs
#   XDOM_XEN_TIMEOUT   seconds QEMU may run (default 1800: a loaded 2-core machine)
#   XDOM_XEN_KEEP=1    keep the run directory (initramfs, serial log)
#   XDOM_XEN_CPU       QEMU -cpu model (default max without XSAVE/AVX)
#   XDOM_BUILD         build directory (default build)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/xen
BUILD=${XDOM_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
CACHE=${XDOM_XEN_CACHE:-${TMPDIR:-/tmp}/xdom-xenlab}
QEMU_TIMEOUT=${XDOM_XEN_TIMEOUT:-1800}
XENVER=4.17
QEMU_MEM=2816		# MiB; dom0 768 + guests 1.1 GiB + Xen
T0=$(date +%s)
QEMU_PID=
RUN=

say() { echo "# $*"; }
elapsed() { echo $(($(date +%s) - T0)); }
# A failure that stops the run: one not-ok line, exit 1.
die() { echo "not ok - $*"; exit 1; }
cleanup() {
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null
		sleep 1
		kill -9 "$QEMU_PID" 2>/dev/null
	fi
	if [ -n "$RUN" ] && [ "${XDOM_XEN_KEEP:-0}" != 1 ]; then
		rm -rf "$RUN"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ host tools
for p in "$BUILD/xdom" "$BUILD/xdomd" "$BUILD/xdom-shell" \
    "$BUILD/tools/hvprobe" "$BUILD/tools/xencmp"; do
	[ -e "$p" ] || die "$p missing: run make tests first"
done
nm "$BUILD/libxdomhv_xen.a" 2>/dev/null | grep -q ' hv_xen_backend$' ||
	die "this build has no xen backend (libxenlight not found at build time: install libxen-dev and rebuild)"
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
command -v dpkg-deb >/dev/null || need+=(dpkg)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		say "installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		timeout 300 apt-get update -qq >/dev/null 2>&1
		timeout 600 apt-get install -y -qq "${need[@]}" >/dev/null 2>&1
	fi
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 is not installed and could not be installed (apt-get install qemu-system-x86): the real-Xen checks did not run"
	command -v cpio >/dev/null || die "cpio is missing: the real-Xen checks did not run"
fi

# ------------------------------------------------------------ packages
mkdir -p "$CACHE/debs" "$CACHE/root/.done" || die "cannot create $CACHE"
exec 9>"$CACHE/.lock"
flock -w 600 9 || die "another check-xen run holds $CACHE/.lock"
kver() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {sub("linux-image-", "", $2); print $2; exit}'; }
KVER=$(kver)
if [ -z "$KVER" ]; then
	timeout 300 apt-get update -qq >/dev/null 2>&1
	KVER=$(kver)
fi
if [ -z "$KVER" ]; then	# offline: whatever kernel the cache holds
	KVER=$(ls "$CACHE"/debs/linux-image-*-amd64_*.deb 2>/dev/null | sed -n 's|.*/linux-image-\(.*-amd64\)_.*|\1|p' | tail -1)
fi
[ -n "$KVER" ] || die "cannot tell which Debian kernel to use (apt-cache knows no linux-image-amd64; run apt-get update)"
PKGS="xen-hypervisor-$XENVER-amd64 xen-utils-$XENVER xen-utils-common xenstore-utils busybox-static linux-image-$KVER"
missing=()
for p in $PKGS; do
	ls "$CACHE/debs/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "downloading ${missing[*]}"
	(cd "$CACHE/debs" && timeout 600 apt-get download "${missing[@]}") >"$CACHE/download.log" 2>&1 ||
		{ timeout 300 apt-get update -qq >/dev/null 2>&1
		  (cd "$CACHE/debs" && timeout 600 apt-get download "${missing[@]}") >"$CACHE/download.log" 2>&1; } ||
		{ tail -5 "$CACHE/download.log"; die "apt-get download ${missing[*]} failed"; }
fi
# Unpack each package once; of the kernel only vmlinuz and the modules
# used (the whole package is 400 MB unpacked).
DOM0_MODS="drivers/xen/xen-privcmd drivers/xen/xenfs/xenfs drivers/xen/xen-evtchn
 drivers/xen/xen-gntdev drivers/xen/xen-gntalloc drivers/block/xen-blkback/xen-blkback
 drivers/block/loop drivers/net/xen-netback/xen-netback net/llc/llc net/802/stp
 net/bridge/bridge"
GUEST_MODS="drivers/block/xen-blkfront drivers/net/xen-netfront"
R=$CACHE/root
for p in $PKGS; do
	deb=$(ls "$CACHE/debs/${p}_"*.deb | tail -1)
	stamp=$R/.done/$(basename "$deb")
	[ -e "$stamp" ] && continue
	case $p in
	linux-image-*)
		pats=("./boot/vmlinuz-$KVER")
		for m in $DOM0_MODS $GUEST_MODS; do pats+=("./lib/modules/$KVER/kernel/$m.ko"); done
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$R" "${pats[@]}" ||
			die "unpacking $deb failed" ;;
	*)	dpkg-deb -x "$deb" "$R" || die "unpacking $deb failed" ;;
	esac
	touch "$stamp"
done
XEN_GZ=$R/boot/xen-$XENVER-amd64.gz
[ -e "$XEN_GZ" ] || XEN_GZ=$(ls "$R"/boot/xen-$XENVER*.gz 2>/dev/null | head -1)
[ -n "$XEN_GZ" ] && [ -e "$XEN_GZ" ] || die "no Xen $XENVER image in the unpacked hypervisor package"
# The guests boot an uncompressed kernel: xl then need not unpack 8 MB of
# xz for every guest it creates, which under TCG takes seconds each.
VMLINUX=$R/boot/vmlinux-$KVER
if [ ! -s "$VMLINUX" ] && command -v xz >/dev/null; then
	k=$R/boot/vmlinuz-$KVER
	setup=$(od -An -tu1 -j 497 -N1 "$k" | tr -d ' ')
	poff=$(od -An -tu4 -j 584 -N4 "$k" | tr -d ' ')
	plen=$(od -An -tu4 -j 588 -N4 "$k" | tr -d ' ')
	tail -c +$(((setup + 1) * 512 + poff + 1)) "$k" | head -c "$plen" |
	    xz -dc >"$VMLINUX.tmp" 2>/dev/null
	if [ "$(head -c 4 "$VMLINUX.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		mv "$VMLINUX.tmp" "$VMLINUX"
	else
		rm -f "$VMLINUX.tmp"
	fi
fi
flock -u 9
say "packages ready in $CACHE ($(elapsed) s): Xen $(dpkg-deb -f "$(ls "$CACHE"/debs/xen-hypervisor-*.deb | tail -1)" Version), kernel $KVER"

# ------------------------------------------------------------ test tools
RUN=$(mktemp -d "${TMPDIR:-/tmp}/xdom-xen-run.XXXXXX") || die "mktemp failed"
XB=/usr/lib/xen-$XENVER/bin
CFLAGS_T="-std=c11 -O2 -g -D_GNU_SOURCE -DXDOM_HAVE_XEN -I$TOP -Wall -Wextra"
for t in hvprobe xencmp; do
	[ -x "$BUILD/tools/$t" ] || die "$BUILD/tools/$t is missing: run 'make tests' first"
	cp "$BUILD/tools/$t" "$RUN/$t"
done
for t in cputime runas; do
	gcc $CFLAGS_T -o "$RUN/$t" "$HERE/$t.c" >"$RUN/cc.log" 2>&1 ||
		{ cat "$RUN/cc.log"; die "building tests/xen/$t.c failed"; }
done

# ------------------------------------------------------------ initramfs
# add_prog ROOT FILE DEST: copy an executable and every shared library it
# needs (resolved on the host, Xen's libraries from the unpacked packages
# when the host lacks them) into ROOT.
LIBS=$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu
add_prog() {
	local root=$1 src=$2 dst=$3 lib
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst" || return 1
	LD_LIBRARY_PATH=$LIBS ldd "$src" >"$RUN/ldd.out" 2>&1
	if grep -q 'not found' "$RUN/ldd.out"; then
		cat "$RUN/ldd.out"; return 1
	fi
	for lib in $(awk '/=> \// {print $3} /^\t\/lib64\// {print $1}' "$RUN/ldd.out"); do
		case $lib in
		/lib64/*) [ -e "$root$lib" ] || { mkdir -p "$root/lib64"; cp -L "$lib" "$root$lib"; } ;;
		*) [ -e "$root/lib/x86_64-linux-gnu/${lib##*/}" ] ||
			cp -L "$lib" "$root/lib/x86_64-linux-gnu/" ;;
		esac
	done
}
mkcpio() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$2"; }

G=$RUN/guest
mkdir -p "$G"/{bin,sbin,proc,sys,dev,tmp,lib/modules}
cp "$R/bin/busybox" "$G/bin/busybox"
cp "$HERE/dom0/guest-init" "$G/init"
cp "$HERE/dom0/guest-poweroff" "$G/sbin/poweroff"
cp "$HERE/dom0/guest-reboot" "$G/sbin/reboot"
for m in $GUEST_MODS; do cp "$R/lib/modules/$KVER/kernel/$m.ko" "$G/lib/modules/" || die "module $m missing"; done
mkcpio "$G" "$RUN/guest.cpio.gz"

D=$RUN/dom0
mkdir -p "$D"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,run,tmp,root,boot,xdomtest} \
    "$D"/{etc/xen/scripts,var/lib,var/log,lib/x86_64-linux-gnu,home/xdtest}
ln -s ../run "$D/var/run"
cp "$R/bin/busybox" "$D/bin/busybox"
for a in $("$R/bin/busybox" --list-full); do
	[ -e "$D/$a" ] || ln -s /bin/busybox "$D/$a"
done
cp "$HERE/dom0/init" "$D/init"
cp "$HERE/dom0/dom0-test.sh" "$HERE/dom0/fake-reimage" "$D/xdomtest/"
cp "$HERE/dom0/hotplug-block" "$HERE/dom0/hotplug-vif" "$D/etc/xen/scripts/"
cp "$HERE/dom0/hotplug-block" "$D/etc/xen/scripts/block"
cp "$R/etc/xen/xl.conf" "$D/etc/xen/" 2>/dev/null
for f in xl xenstored xenconsoled xentop xen-init-dom0 libxl-save-helper; do
	add_prog "$D" "$R$XB/$f" "$XB/$f" || die "cannot add $f to dom0"
done
ln -s "$XB/xl" "$D/usr/sbin/xl"
for f in xenstore xenstore-read xenstore-write xenstore-ls xenstore-rm xenstore-list xenstore-exists; do
	[ -e "$R/usr/bin/$f" ] && { add_prog "$D" "$R/usr/bin/$f" "/usr/bin/$f" || die "cannot add $f"; }
done
for f in xdom xdomd xdom-shell; do
	add_prog "$D" "$BUILD/$f" "/usr/local/bin/$f" || die "cannot add $f to dom0"
done
for f in hvprobe xencmp cputime runas; do
	add_prog "$D" "$RUN/$f" "/usr/local/bin/$f" || die "cannot add $f to dom0"
done
if command -v tmux >/dev/null; then
	add_prog "$D" "$(command -v tmux)" /usr/bin/tmux || die "cannot add tmux to dom0"
fi
# glibc loads libgcc_s at run time (pthread_cancel in xl)
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$D/lib/x86_64-linux-gnu/" ||
	die "libgcc_s.so.1 missing on the host"
# tmux and the dashboard want a UTF-8 locale (libc-bin's C.UTF-8)
if [ -d /usr/lib/locale/C.utf8 ]; then
	mkdir -p "$D/usr/lib/locale"
	cp -r /usr/lib/locale/C.utf8 "$D/usr/lib/locale/"
fi
for t in l/linux v/vt100 x/xterm s/screen t/tmux-256color; do
	for base in /lib/terminfo /usr/share/terminfo; do
		[ -e "$base/$t" ] || continue
		mkdir -p "$D/usr/share/terminfo/${t%/*}"
		cp "$base/$t" "$D/usr/share/terminfo/$t"
		break
	done
done
for m in $DOM0_MODS; do
	mkdir -p "$D/lib/modules/$KVER/kernel/$(dirname "$m")"
	cp "$R/lib/modules/$KVER/kernel/$m.ko" "$D/lib/modules/$KVER/kernel/$m.ko" || die "module $m missing"
done
if [ -s "$VMLINUX" ]; then
	cp "$VMLINUX" "$D/boot/vmlinux"
else
	cp "$R/boot/vmlinuz-$KVER" "$D/boot/vmlinux"
fi
cp "$RUN/guest.cpio.gz" "$D/boot/guest.cpio.gz"
# xdtest: the customer; xdomd-front: the system user xdomd's fronts (the
# processes that read clients' bytes) run as, as the xdomd package makes.
printf 'root:x:0:0:root:/root:/bin/sh\nxdtest:x:1000:1000:xdom test customer:/home/xdtest:/bin/sh\nxdomd-front:x:998:998:xdomd front:/nonexistent:/usr/sbin/nologin\n' >"$D/etc/passwd"
printf 'root:x:0:\nxdtest:x:1000:\nxdomd-front:x:998:\n' >"$D/etc/group"
chown 1000:1000 "$D/home/xdtest"
echo xdomtest >"$D/etc/hostname"
mkcpio "$D" "$RUN/dom0.cpio.gz"
zcat "$XEN_GZ" >"$RUN/xen" || die "cannot unpack $XEN_GZ"
say "images built ($(elapsed) s): dom0 initramfs $(($(stat -c %s "$RUN/dom0.cpio.gz") / 1048576)) MiB"

# ------------------------------------------------------------ boot
# Xen is a multiboot kernel; QEMU passes the dom0 kernel and initramfs as
# modules. smap=0: with SMAP, dom0 dies at its first page fault under
# TCG. dom0's kernel messages stay off the console (loglevel=1).
LOG=$RUN/serial.log
# No XSAVE (and so no AVX): with -cpu max, programs in dom0 now and then
# crashed at random (heap corruption in xl and libxl callers, a segfault
# in busybox sh), as if vector registers were not kept across context
# switches; Xen saves them with fxsave when the CPU has no xsave.
QEMU_CPU=${XDOM_XEN_CPU:-max,-xsave,-avx,-avx2,-fma,-f16c}
XEN_CMD="console=com1 com1=115200,8n1 dom0_mem=768M,max:768M dom0_max_vcpus=2 smap=0 loglvl=warning guest_loglvl=none"
DOM0_CMD="console=hvc0 quiet loglevel=1"
timeout -k 5 "$QEMU_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu "$QEMU_CPU" -smp 2 -m "$QEMU_MEM" \
    -display none -nodefaults -no-reboot -monitor none -serial "file:$LOG" \
    -kernel "$RUN/xen" -append "$XEN_CMD" \
    -initrd "$R/boot/vmlinuz-$KVER $DOM0_CMD,$RUN/dom0.cpio.gz" </dev/null >"$RUN/qemu.out" 2>&1 &
QEMU_PID=$!
say "QEMU started (pid $QEMU_PID, TCG, 2 vcpus, $QEMU_MEM MiB, up to $QEMU_TIMEOUT s)"
TB=$(date +%s)
while kill -0 "$QEMU_PID" 2>/dev/null; do
	grep -qa 'XDOMXEN done' "$LOG" 2>/dev/null && break
	sleep 1
done
sleep 1
cleanup_qemu_rc=0
if kill -0 "$QEMU_PID" 2>/dev/null; then
	kill "$QEMU_PID" 2>/dev/null
else
	wait "$QEMU_PID"; cleanup_qemu_rc=$?
fi
QEMU_PID=
TQ=$(($(date +%s) - TB))
mkdir -p "$TOP/build/test-logs"
tr -d '\r' <"$LOG" >"$TOP/build/test-logs/xen-serial.log"
LOG=$TOP/build/test-logs/xen-serial.log

# ------------------------------------------------------------ results
grep -a '^XDOMXEN \(ok\|not ok\) - ' "$LOG" | sed 's/^XDOMXEN //'
nres=$(grep -ac '^XDOMXEN \(ok\|not ok\) - ' "$LOG")
rc=0
grep -aq '^XDOMXEN not ok - ' "$LOG" && rc=1
if ! grep -aq '^XDOMXEN done' "$LOG"; then
	echo "not ok - dom0 did not finish its checks (QEMU exit $cleanup_qemu_rc after $TQ s; timeout or crash); serial log: build/test-logs/xen-serial.log"
	tail -25 "$LOG" | sed 's/^/#   /'
	rc=1
fi
[ "$nres" -gt 0 ] || { echo "not ok - no results came back from dom0"; rc=1; }
say "timings (dom0 uptime, s):"
sed -n 's/^XDOMXEN stage \([^ ]*\) \([0-9.]*\)/#   \1 \2/p' "$LOG"
sed -n 's/^XDOMXEN bench /# bench: /p' "$LOG"
say "QEMU ran $TQ s; whole check-xen $(elapsed) s; serial log: build/test-logs/xen-serial.log"
exit $rc
