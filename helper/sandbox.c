/*
 * sandbox.c - what a front gives up before it reads a client's byte.
 *
 * A front holds the connections of one calling uid and decodes their
 * bytes; it can ask the monitor for what that uid may do and nothing
 * else. If a bug in the decoder hands it to the client, it should hold
 * nothing worth having:
 *
 * - its own system user (front_user, default xdomd-front, else nobody),
 *   no supplementary groups: it owns no file and can signal no one of
 *   ours; not dumpable, so no other process of that user can trace it;
 * - an empty root-owned directory as its root (front_root): no file of
 *   the host to open, no socket path to connect to;
 * - no capabilities (effective, permitted, inheritable, bounding; checked
 *   with capget afterwards), no_new_privs;
 * - RLIMIT_NOFILE its connections, RLIMIT_NPROC and RLIMIT_FSIZE 0;
 * - a seccomp filter (libseccomp), kill by default: reading, writing,
 *   polling and closing its sockets, receiving fds, memory, time and
 *   exit. No open, no socket, no connect, no fork or exec, no kill, no
 *   ptrace.
 *
 * When xdomd itself is not root (an unprivileged test daemon), there is
 * no user to switch to and no chroot; the rest still applies.
 */
#include "helper/xdomd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define SANDBOX_FALLBACK_USER "nobody"

/* A directory fit to be a front's root: root's, writable by nobody
 * else, with nothing in it. Created (0555) when missing. */
static int
sandbox_check_root(const char *dir, struct xdom_err *err)
{
	struct dirent *e;
	struct stat st;
	DIR *dp;
	int fd, rc = 0;

	char parent[4096];
	char *slash;

	snprintf(parent, sizeof parent, "%s", dir);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		(void)mkdir(parent, 0755);	/* /run/xdom, when missing */
	}
	if (mkdir(dir, 0555) != 0 && errno != EEXIST)
		return xdom_err_errno(err, XDOM_EIO, errno, "front_root %s",
		    dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "front_root %s",
		    dir);
	if (fstat(fd, &st) != 0 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return xdom_err_set(err, XDOM_EPERM, "front_root %s: must be "
		    "a directory of root's that nobody else can write", dir);
	}
	dp = fdopendir(fd);
	if (dp == NULL) {
		close(fd);
		return xdom_err_errno(err, XDOM_EIO, errno, "front_root %s",
		    dir);
	}
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..")) {
			rc = xdom_err_set(err, XDOM_EPERM, "front_root %s: "
			    "must be empty", dir);
			break;
		}
	}
	closedir(dp);
	return rc;
}

int
sandbox_prepare(struct xdomd *d, struct sandbox_user *u,
    struct xdom_err *err)
{
	struct passwd pw, *res = NULL;
	const char *name = d->front_user;
	char buf[4096];
	int rc;

	memset(u, 0, sizeof *u);
	if (geteuid() != 0)
		return 0;	/* nobody to become: same uid, sandboxed */
	if (getpwnam_r(name, &pw, buf, sizeof buf, &res) != 0 ||
	    res == NULL) {
		if (d->front_user_set)
			return xdom_err_set(err, XDOM_ENOENT, "front_user "
			    "'%.64s': no such user", name);
		name = SANDBOX_FALLBACK_USER;
		if (getpwnam_r(name, &pw, buf, sizeof buf, &res) != 0 ||
		    res == NULL)
			return xdom_err_set(err, XDOM_ENOENT, "no user for "
			    "the fronts: create %s (front_user)",
			    d->front_user);
		log_warn("front_user %s does not exist; the fronts run as "
		    "%s", d->front_user, name);
	}
	if (pw.pw_uid == 0 || pw.pw_gid == 0)
		return xdom_err_set(err, XDOM_EINVAL, "front_user '%.64s' is "
		    "root; give a system user of its own", name);
	if ((rc = sandbox_check_root(d->front_root, err)) != 0)
		return rc;
	u->switch_user = true;
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	u->root = d->front_root;
	return 0;
}

/* Empty the bounding set: it takes cap_setpcap, so while still root. */
static int
sandbox_drop_bound(struct xdom_err *err)
{
	cap_value_t c;

	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (CAP_IS_SUPPORTED(c) && prctl(PR_CAPBSET_READ, c) == 1 &&
		    cap_drop_bound(c) != 0 && errno != EPERM)
			return xdom_err_errno(err, XDOM_EIO, errno, "front: "
			    "bounding set");
	return 0;
}

/* No capability in the effective, permitted and inheritable sets. */
static int
sandbox_drop_caps(struct xdom_err *err)
{
	cap_t caps;
	int rc = 0;

	caps = cap_init();
	if (caps == NULL || cap_set_proc(caps) != 0)
		rc = xdom_err_errno(err, XDOM_EIO, errno, "front: "
		    "capabilities");
	if (caps != NULL)
		cap_free(caps);
	return rc;
}

/* capget: nothing effective, permitted or inheritable is left. */
static int
sandbox_check_caps(struct xdom_err *err)
{
	cap_t caps = cap_get_proc(), none = cap_init();
	int same = caps != NULL && none != NULL ? cap_compare(caps, none) : 1;

	if (caps != NULL)
		cap_free(caps);
	if (none != NULL)
		cap_free(none);
	if (same != 0)
		return xdom_err_set(err, XDOM_EPERM, "front: capabilities "
		    "left after dropping them");
	return 0;
}

static int
sandbox_limits(long nofile, struct xdom_err *err)
{
	struct rlimit nf = {(rlim_t)nofile, (rlim_t)nofile};
	struct rlimit zero = {0, 0};

	if (setrlimit(RLIMIT_NOFILE, &nf) != 0 ||
	    setrlimit(RLIMIT_NPROC, &zero) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &zero) != 0 ||
	    setrlimit(RLIMIT_CORE, &zero) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "front: limits");
	return 0;
}

/* The system calls of front.c's loop (and of malloc, stdio on stderr,
 * and libc's exit). */
static const int sandbox_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(close),
	SCMP_SYS(shutdown), SCMP_SYS(fcntl), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(brk),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(getrandom),
};

static int
sandbox_seccomp(struct xdom_err *err)
{
	/* Under the sanitizers, their runtime makes calls of its own
	 * (reports, shadow memory): refused, not fatal. */
#if defined(__SANITIZE_ADDRESS__)
	uint32_t deflt = SCMP_ACT_ERRNO(EPERM);
#else
	uint32_t deflt = SCMP_ACT_KILL_PROCESS;
#endif
	scmp_filter_ctx ctx = seccomp_init(deflt);
	size_t i;
	int rc = 0;

	if (ctx == NULL)
		return xdom_err_set(err, XDOM_EIO, "front: seccomp_init");
	for (i = 0; i < sizeof sandbox_allowed / sizeof sandbox_allowed[0] &&
	    rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_allowed[i],
		    0);
	/* Memory, but never executable memory. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect),
		    1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		return xdom_err_set(err, XDOM_EIO, "front: seccomp: %s",
		    strerror(-rc));
	return 0;
}

int
sandbox_enter(const struct sandbox_user *u, long nofile,
    struct xdom_err *err)
{
	int rc;

	if (u->switch_user) {
		if (chroot(u->root) != 0 || chdir("/") != 0)
			return xdom_err_errno(err, XDOM_EIO, errno, "front: "
			    "chroot %s", u->root);
		if ((rc = sandbox_drop_bound(err)) != 0)
			return rc;
		if (setgroups(0, NULL) != 0 ||
		    setresgid(u->gid, u->gid, u->gid) != 0 ||
		    setresuid(u->uid, u->uid, u->uid) != 0)
			return xdom_err_errno(err, XDOM_EIO, errno, "front: "
			    "becoming uid %lu", (unsigned long)u->uid);
		if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0)
			return xdom_err_set(err, XDOM_EPERM, "front: still "
			    "root");
	}
	if ((rc = sandbox_drop_caps(err)) != 0 ||
	    (rc = sandbox_check_caps(err)) != 0 ||
	    (rc = sandbox_limits(nofile, err)) != 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "front: prctl");
	return sandbox_seccomp(err);
}
