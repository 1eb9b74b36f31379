/*
 * test_spawn.c - children get exactly the fixed environment and PATH
 * (not the parent's), stdin on /dev/null, output where asked, no fd the
 * parent leaked, an empty signal mask and default dispositions, their own
 * session when asked; missing and relative programs are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/spawn.h"

/* Run argv with output into a pipe; returns the exit status and the
 * output in out (NUL-terminated). */
static int
run(char *const argv[], char *out, size_t len)
{
	struct xdom_spawn sp = { .argv = argv };
	struct xdom_err err = { 0 };
	size_t got = 0;
	ssize_t n;
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	sp.out_fd = pfd[1];
	if (xdom_spawn(&sp, &pid, &err) != 0)
		fail_msg("spawn: %s", err.msg);
	close(pfd[1]);
	while (got + 1 < len && (n = read(pfd[0], out + got,
	    len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_environment(void **state)
{
	char *const argv[] = { "env", NULL };
	char out[4096];

	(void)state;
	/* the parent's environment and PATH do not matter */
	setenv("PATH", "/nonexistent", 1);
	setenv("LD_PRELOAD", "/tmp/evil.so", 1);
	setenv("XDOM_SECRET", "x", 1);
	assert_int_equal(run(argv, out, sizeof out), 0);
	assert_string_equal(out, "PATH=" XDOM_SPAWN_PATH "\nLANG=C\n"
	    "LC_ALL=C\n");
	unsetenv("LD_PRELOAD");
	unsetenv("XDOM_SECRET");
	setenv("PATH", "/usr/bin:/bin", 1);
}

static void
test_fds(void **state)
{
	char *const cat[] = { "cat", NULL };
	char *const ls[] = { "/bin/ls", "/proc/self/fd", NULL };
	char out[4096];
	int leak;

	(void)state;
	/* stdin is /dev/null: cat ends at once with nothing */
	assert_int_equal(run(cat, out, sizeof out), 0);
	assert_string_equal(out, "");
	/* an fd the parent forgot to mark close-on-exec is not inherited
	 * (ls's own directory fd is the 3) */
	leak = open("/dev/null", O_RDONLY);
	assert_true(leak >= 0);
	assert_int_equal(dup2(leak, 9), 9);
	close(leak);
	leak = 9;
	assert_int_equal(run(ls, out, sizeof out), 0);
	assert_string_equal(out, "0\n1\n2\n3\n");
	close(leak);
}

static void
test_signals_and_session(void **state)
{
	char *const argv[] = { "sleep", "30", NULL };
	struct xdom_spawn sp = { .argv = argv, .out_fd = -1,
	    .new_session = true };
	struct xdom_err err = { 0 };
	sigset_t block, old;
	char path[64], stat[512];
	int status, sid = 0;
	FILE *f;
	pid_t pid;

	(void)state;
	/* blocked and ignored in the parent, default in the child */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGHUP, SIG_IGN);
	assert_int_equal(xdom_spawn(&sp, &pid, &err), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGHUP, SIG_DFL);
	/* its own session: field 6 of /proc/PID/stat is the session id */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 200 && sid != (int)pid; i++) {
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(stat, sizeof stat, f));
		fclose(f);
		assert_int_equal(sscanf(strrchr(stat, ')') + 2,
		    "%*c %*d %*d %d", &sid), 1);
		if (sid != (int)pid)
			usleep(10000);	/* exec not done yet */
	}
	assert_int_equal(sid, (int)pid);
	assert_int_equal(kill(pid, SIGHUP), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGHUP);
}

static void
test_refused(void **state)
{
	char *const missing[] = { "xdom-no-such-program", NULL };
	char *const relative[] = { "bin/true", NULL };
	char *const absent[] = { "/nonexistent/true", NULL };
	char *const dir[] = { "/tmp", NULL };
	char *const empty[] = { NULL };
	struct xdom_spawn sp = { .out_fd = -1 };
	struct xdom_err err = { 0 };
	char buf[256];
	pid_t pid = 1234;

	(void)state;
	sp.argv = missing;
	assert_int_equal(xdom_spawn(&sp, &pid, &err), XDOM_ENOENT);
	assert_int_equal(pid, -1);
	assert_non_null(strstr(err.msg, "not found or not executable"));
	assert_non_null(strstr(err.msg, XDOM_SPAWN_PATH));
	sp.argv = relative;
	assert_int_equal(xdom_spawn(&sp, &pid, &err), XDOM_EINVAL);
	sp.argv = absent;
	assert_int_equal(xdom_spawn(&sp, &pid, &err), XDOM_ENOENT);
	sp.argv = dir;
	assert_int_equal(xdom_spawn(&sp, &pid, &err), XDOM_ENOENT);
	sp.argv = empty;
	assert_int_equal(xdom_spawn(&sp, &pid, &err), XDOM_EINVAL);
	assert_true(xdom_spawn_find("true", buf, sizeof buf));
	assert_true(buf[0] == '/');
	assert_false(xdom_spawn_find("", buf, sizeof buf));
	assert_false(xdom_spawn_find("true", buf, 4));	/* does not fit */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_signals_and_session),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
