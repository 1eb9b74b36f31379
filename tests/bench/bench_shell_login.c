/*
 * bench_shell_login.c - time from SSH login to the first prompt, for
 * xdom-shell against a plain /bin/sh login on the same sshd, printed as a
 * ratio (median of several logins each).
 *
 *   bench_shell_login
 *       needs root: runs tests/integration/shell_ssh.sh in bench mode,
 *       which creates the users, starts xdomd and sshd, and calls back:
 *   bench_shell_login --measure PORT XUSER XKEY SUSER SKEY
 *       logs in N times as each user with `ssh -tt` on a pty and stops
 *       the clock when the prompt ("xdom> " or "$ ") appears.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv);

#define RUNS 9
#define TIMEOUT_MS 15000

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* One login; returns the milliseconds to the prompt, or -1. */
static double
login_once(const char *port, const char *user, const char *key,
    const char *prompt)
{
	char dest[128], buf[8192];
	size_t have = 0;
	double t0, t = -1;
	pid_t pid;
	int fd, status;

	snprintf(dest, sizeof dest, "%s@127.0.0.1", user);
	t0 = now_ms();
	pid = forkpty(&fd, NULL, NULL, NULL);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("ssh", "ssh", "-F", "/dev/null", "-tt", "-p", port, "-i",
		    key, "-o", "StrictHostKeyChecking=no", "-o",
		    "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		    "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", dest,
		    (char *)NULL);
		_exit(127);
	}
	while (now_ms() - t0 < TIMEOUT_MS) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, prompt) != NULL) {
			t = now_ms() - t0;
			break;
		}
		if (have > sizeof buf / 2) {	/* keep the tail */
			memmove(buf, buf + have - 64, 64);
			have = 64;
		}
	}
	kill(pid, SIGTERM);
	close(fd);
	waitpid(pid, &status, 0);
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const char *port, const char *user, const char *key,
    const char *prompt)
{
	double v[RUNS];
	int i;

	for (i = 0; i < RUNS; i++) {
		v[i] = login_once(port, user, key, prompt);
		if (v[i] < 0)
			return -1;
	}
	qsort(v, RUNS, sizeof v[0], cmp_double);
	return v[RUNS / 2];
}

int
main(int argc, char **argv)
{
	double x, s;

	if (argc == 7 && strcmp(argv[1], "--measure") == 0) {
		/* Warm both paths once (page cache, sshd's first fork). */
		login_once(argv[2], argv[3], argv[4], "xdom> ");
		login_once(argv[2], argv[5], argv[6], "$ ");
		x = median(argv[2], argv[3], argv[4], "xdom> ");
		s = median(argv[2], argv[5], argv[6], "$ ");
		if (x < 0 || s < 0) {
			printf("login to prompt: no prompt within %d ms "
			    "(xdom-shell %.1f, /bin/sh %.1f)\n", TIMEOUT_MS, x,
			    s);
			return 1;
		}
		printf("login to prompt (median of %d): xdom-shell %.1f ms, "
		    "/bin/sh %.1f ms, ratio %.2f\n", RUNS, x, s, x / s);
		return 0;
	}
	if (argc != 1) {
		fputs("usage: bench_shell_login [--measure PORT XUSER XKEY "
		    "SUSER SKEY]\n", stderr);
		return 2;
	}
	if (geteuid() != 0) {
		puts("login to prompt: skipped: not root (needs to create "
		    "users and run sshd)");
		return 0;
	}
	setenv("XDOM_SHELL_BENCH", "1", 1);
	execlp("bash", "bash", "tests/integration/shell_ssh.sh", (char *)NULL);
	fprintf(stderr, "bench_shell_login: cannot run the sshd harness: "
	    "%s\n", strerror(errno));
	return 1;
}
