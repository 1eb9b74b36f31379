/*
 * xen_run.c - the Xen backend's children: `xl create`, `xl save`,
 * `xl restore` and the re-image command, run with fork + execve, a fixed
 * argv, PATH and environment and no shell, in their own session, and
 * reaped here with waitpid (see xen_int.h for libxl's own children).
 */
#include "hypervisor/xen/xen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/escape.h"

#define XEN_CHILD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
	"/sbin:/bin"

/* Absolute path of prog: itself when it has a '/', else found in the
 * fixed child PATH. */
static bool
xen_find_prog(const char *prog, char *buf, size_t len)
{
	const char *dir = XEN_CHILD_PATH, *e;
	int n;

	if (strchr(prog, '/') != NULL) {
		snprintf(buf, len, "%s", prog);
		return prog[0] == '/' && access(buf, X_OK) == 0;
	}
	while (*dir != '\0') {
		e = strchr(dir, ':');
		if (e == NULL)
			e = dir + strlen(dir);
		n = snprintf(buf, len, "%.*s/%s", (int)(e - dir), dir, prog);
		if (n > 0 && (size_t)n < len && access(buf, X_OK) == 0)
			return true;
		dir = *e == ':' ? e + 1 : e;
	}
	return false;
}

/* The child side of xen_run: never returns. */
static void __attribute__((noreturn))
xen_child(const char *prog, char *const argv[], int outfd)
{
	static char *const envp[] = {
		"PATH=" XEN_CHILD_PATH, "LANG=C", "LC_ALL=C", NULL,
	};
	sigset_t none;
	int devnull;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setsid();
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 ||
	    dup2(outfd, 2) < 0)
		_exit(126);
	closefrom(3);
	execve(prog, argv, envp);
	_exit(127);
}

/* Kill the child's process group and reap it. */
static void
xen_kill(pid_t pid)
{
	int status;

	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	usleep(200000);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Run argv (argv[0] resolved by xen_find_prog) with output collected: the
 * last non-empty line goes to last (for error messages); each line goes to
 * progress when given. Returns 0 when it exits with status 0. xl create
 * leaves a daemon behind that inherits the output pipe for a moment, so
 * the wait ends when the child exits, not at end of file.
 */
int
xen_run(char *const argv[], long timeout_s,
    hv_progress_fn progress, void *parg, char *last, size_t lastlen,
    struct xdom_err *err)
{
	char prog[PATH_MAX], buf[4096], line[256];
	size_t ll = 0;
	unsigned permille = 0;
	uint64_t deadline = xen_mono_ns() + (uint64_t)timeout_s * 1000000000ull;
	int pfd[2] = { -1, -1 }, status = 0, rc = 0;
	bool exited = false;
	struct pollfd pf;
	ssize_t n, i;
	pid_t pid;

	last[0] = '\0';
	if (!xen_find_prog(argv[0], prog, sizeof prog))
		return xdom_err_set(err, XDOM_ENOENT, "program %.200s not "
		    "found or not executable (searched %s)", argv[0],
		    XEN_CHILD_PATH);
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "fork");
		goto out;
	}
	if (pid == 0)
		xen_child(prog, argv, pfd[1]);
	close(pfd[1]);
	pfd[1] = -1;
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	if (progress != NULL)
		progress(parg, 0, "starting");
	for (;;) {
		pf.fd = pfd[0];
		pf.events = POLLIN;
		pf.revents = 0;
		if (!exited && poll(&pf, 1, 100) < 0 && errno != EINTR) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "poll");
			xen_kill(pid);
			goto out;
		}
		while ((n = read(pfd[0], buf, sizeof buf)) > 0) {
			for (i = 0; i < n; i++) {
				if (buf[i] != '\n' && buf[i] != '\r') {
					if (ll + 1 < sizeof line)
						line[ll++] = buf[i];
					continue;
				}
				if (ll == 0)
					continue;
				line[ll] = '\0';
				ll = 0;
				xdom_escape(last, lastlen, line);
				if (progress == NULL)
					continue;
				permille += (950 - permille) / 8;
				if (progress(parg, permille, last) != 0) {
					xen_kill(pid);
					rc = xdom_err_set(err,
					    XDOM_ETIMEDOUT, "%s: stopped on "
					    "request", argv[0]);
					goto out;
				}
			}
		}
		if (exited)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;	/* one more pass drains the pipe */
			continue;
		}
		if (xen_mono_ns() > deadline) {
			xen_kill(pid);
			rc = xdom_err_set(err, XDOM_ETIMEDOUT, "%s did not "
			    "finish within %ld s", argv[0], timeout_s);
			goto out;
		}
	}
	if (ll > 0) {
		line[ll] = '\0';
		xdom_escape(last, lastlen, line);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = XDOM_EIO;
		if (WIFSIGNALED(status))
			xdom_err_set(err, rc, "%s was killed by signal %d%s%s",
			    argv[0], WTERMSIG(status), last[0] ? ": " : "",
			    last);
		else
			xdom_err_set(err, rc, "%s failed (exit status %d)%s%s",
			    argv[0], WEXITSTATUS(status), last[0] ? ": " : "",
			    last);
	}
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	return rc;
}
