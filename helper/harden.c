/*
 * harden.c - what xdomd gives up before it serves anyone.
 *
 * - Inherited fds are closed at start (fds 0-2 are kept, on /dev/null if
 *   they were closed), so nothing the parent left open leaks to clients
 *   or workers.
 * - PR_SET_NO_NEW_PRIVS: neither xdomd nor any program it runs (the
 *   re-image command, xl) can gain privileges through set-uid files or
 *   file capabilities.
 * - Capabilities (libcap): the effective, permitted and bounding sets are
 *   cut down to what the backend needs once the socket exists. Running as
 *   root keeps uid 0 (to own the Xen device files and the state), but a
 *   uid-0 process without capabilities cannot override file permissions,
 *   load modules, trace processes, change owners or reach the network
 *   stack's privileged parts.
 *
 * Kept by the monitor whatever the backend, to start a front (sandbox.c)
 * and for nothing else; every worker drops them again (harden_worker):
 *
 *           cap_setuid, cap_setgid  a front becomes front_user, with no
 *                             groups
 *           cap_sys_chroot    a front's root is the empty front_root
 *           cap_setpcap       a front empties its bounding set
 *
 * Kept per backend for the actions, and why:
 *
 *   sim     none. The simulated host is files and ptys under its state
 *           directory, owned by the daemon's own uid. The socket is
 *           created, chmod'ed and chown'ed (CAP_CHOWN for socket_group)
 *           before this runs, so nothing is left that needs one.
 *   xen     cap_sys_admin     privcmd hypercalls, loop devices and mounts
 *                             of xen-create-image
 *           cap_net_admin     vif hotplug: bridges and interfaces
 *           cap_ipc_lock      libxencall locks hypercall buffers in memory
 *           cap_dac_override  xenstore, /var/lib/xen and image files that
 *                             are not owned by root
 *           cap_chown, cap_fowner, cap_fsetid, cap_mknod, cap_sys_chroot
 *                             xen-create-image builds a root file system
 *                             (debootstrap: chroot, device nodes, owners)
 *           cap_setuid, cap_setgid  apt inside the new system drops to
 *                             its own user
 *           cap_kill          stop the device model (qemu) of a guest
 *           cap_sys_resource  the device model raises its own limits
 *
 * Not kept anywhere: cap_sys_module, cap_sys_ptrace, cap_sys_rawio,
 * cap_net_raw, cap_audit_*, cap_mac_*, cap_sys_boot, cap_sys_time,
 * cap_syslog, cap_bpf...
 *
 * - The policy and xdom.conf are only taken from files nobody else can
 *   change: the file and every directory above it (after symlinks) must
 *   belong to root or to xdomd's own user and be writable by nobody else
 *   (a sticky directory like /tmp may be shared). Otherwise anyone who
 *   could write the policy would grant themselves every guest, and
 *   anyone who could write xdom.conf would choose the command xdomd runs
 *   to re-image a guest.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_UNSHARE
#include <linux/close_range.h>
#endif

#include "core/pathtrust.h"

static const cap_value_t harden_xen_caps[] = {
	CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_IPC_LOCK, CAP_DAC_OVERRIDE,
	CAP_CHOWN, CAP_FOWNER, CAP_FSETID, CAP_MKNOD, CAP_SYS_CHROOT,
	CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_RESOURCE,
};

void
harden_fds(void)
{
	int fd;

	/* Keep 0-2 open so a later open() never becomes "stderr". */
	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2) {
		if (fcntl(fd, F_SETFD, 0) != 0)
			break;
	}
	if (fd > 2)
		close(fd);
	if (close_range(3, ~0U, 0) != 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (fd = 3; fd < (max > 0 ? max : 1024); fd++)
			close(fd);
	}
}

long
harden_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1 << 20 ?
	    1 << 20 : (long)rl.rlim_cur;
}

/* What starting a front takes (the monitor only). */
static const cap_value_t harden_front_caps[] = {
	CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_SETPCAP,
};

#define HARDEN_N(a) (sizeof (a) / sizeof (a)[0])

/* The backend's capabilities, plus the monitor's own with monitor. */
static size_t
harden_keep(const char *backend, bool monitor, cap_value_t *keep)
{
	size_t n = 0, i;

	if (backend != NULL && strcmp(backend, "xen") == 0)
		for (i = 0; i < HARDEN_N(harden_xen_caps); i++)
			keep[n++] = harden_xen_caps[i];
	for (i = 0; monitor && i < HARDEN_N(harden_front_caps); i++)
		keep[n++] = harden_front_caps[i];
	return n;
}

void
harden_worker(const char *backend)
{
	cap_value_t keep[HARDEN_N(harden_xen_caps) +
	    HARDEN_N(harden_front_caps)];
	size_t n = harden_keep(backend, false, keep);
	cap_t caps = cap_init();

	if (caps == NULL)
		_exit(1);
	if (n > 0 && geteuid() == 0 &&
	    (cap_set_flag(caps, CAP_PERMITTED, (int)n, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, (int)n, keep, CAP_SET)))
		_exit(1);
	/* Fewer than before: always allowed. */
	if (cap_set_proc(caps) != 0)
		_exit(1);
	cap_free(caps);
}

int
harden_privileges(const char *backend, struct xdom_err *err)
{
	cap_value_t keep[HARDEN_N(harden_xen_caps) +
	    HARDEN_N(harden_front_caps)];
	cap_t caps = NULL;
	size_t n_keep, i;
	cap_value_t c;
	int rc = 0;
	bool kept;

	n_keep = geteuid() == 0 ? harden_keep(backend, true, keep) : 0;
	/* Bounding set first: dropping from it needs cap_setpcap, which the
	 * next step removes. Only a privileged process can; an ordinary
	 * user's bounding set changes nothing it could use anyway. */
	if (CAP_IS_SUPPORTED(CAP_SETPCAP) && prctl(PR_CAPBSET_READ,
	    CAP_SETPCAP) == 1) {
		for (c = 0; c <= CAP_LAST_CAP; c++) {
			kept = false;
			for (i = 0; i < n_keep; i++)
				kept = kept || keep[i] == c;
			if (!kept && CAP_IS_SUPPORTED(c) &&
			    cap_drop_bound(c) != 0 && errno != EPERM) {
				rc = xdom_err_errno(err, XDOM_EIO, errno,
				    "dropping capability %d", (int)c);
				goto out;
			}
		}
	}
	caps = cap_init();
	if (caps == NULL) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cap_init");
		goto out;
	}
	if (n_keep > 0 && geteuid() == 0 &&
	    (cap_set_flag(caps, CAP_PERMITTED, (int)n_keep, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, (int)n_keep, keep, CAP_SET))) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cap_set_flag");
		goto out;
	}
	if (cap_set_proc(caps) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cap_set_proc");
		goto out;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "no_new_privs");
		goto out;
	}
out:
	if (caps != NULL)
		cap_free(caps);
	return rc;
}

void
harden_describe(char *buf, size_t len)
{
	cap_t caps = cap_get_proc();
	char *text = caps != NULL ? cap_to_text(caps, NULL) : NULL;

	snprintf(buf, len, "%s", text == NULL ? "?" : text[0] == '=' &&
	    text[1] == '\0' ? "none" : text);
	if (text != NULL)
		cap_free(text);
	if (caps != NULL)
		cap_free(caps);
}

int
harden_trusted_path(const char *path, struct xdom_err *err)
{
	return xdom_path_trust(path, XDOM_TRUST_FILE, 0, geteuid(), err);
}
