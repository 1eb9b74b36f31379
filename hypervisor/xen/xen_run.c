/*
 * xen_run.c - the Xen backend's children: `xl create`, `xl save`,
 * `xl restore` and the re-image command, started by core/spawn (a fixed
 * argv, PATH and environment, no shell, their own session), their output
 * collected and their end waited for here (xen_int.h tells how that
 * lives with libxl's own children).
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

#include "core/clock.h"
#include "core/escape.h"
#include "core/spawn.h"

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
 * Run argv (core/spawn.h: fixed PATH and environment, its own session)
 * with output collected: the
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
	struct xdom_spawn sp = { .argv = argv, .new_session = true };
	char buf[4096], line[256];
	size_t ll = 0;
	unsigned permille = 0;
	uint64_t deadline = xdom_mono_ns() + (uint64_t)timeout_s * 1000000000ull;
	int pfd[2] = { -1, -1 }, status = 0, rc = 0;
	bool exited = false;
	struct pollfd pf;
	ssize_t n, i;
	pid_t pid;

	last[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "pipe");
	sp.out_fd = pfd[1];
	if ((rc = xdom_spawn(&sp, &pid, err)) != 0)
		goto out;
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
		if (xdom_mono_ns() > deadline) {
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
