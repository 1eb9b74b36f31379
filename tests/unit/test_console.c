/*
 * test_console.c - the console relay: bytes both ways, the escape byte,
 * the guest going away, end of input, signals, and the terminal settings
 * put back on every one of those paths (checked on a real pty), suspend
 * and resume, and the idle timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "console/console.h"

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Milliseconds from a to b. */
static long
timespec_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* Read what is available on fd within ms into buf (NUL-terminated). */
static size_t
drain(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && poll(&p, 1, ms) > 0) {
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return got;
}

/* A delayed action run on a thread while the relay runs. */
struct later {
	int ms;
	int fd;			/* write data to fd, or close it */
	const char *data;
	size_t len;
	int signo;		/* or raise this signal */
	pthread_t thr;
	struct timespec at;	/* just before it acted (CLOCK_MONOTONIC) */
};

static void *
later_run(void *arg)
{
	struct later *l = arg;
	sigset_t all;

	/* Leave signals to the relay's thread, as a program must. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	msleep(l->ms);
	clock_gettime(CLOCK_MONOTONIC, &l->at);
	if (l->signo != 0)
		kill(getpid(), l->signo);
	else if (l->data != NULL)
		(void)!write(l->fd, l->data, l->len);
	else
		close(l->fd);
	return NULL;
}

static void
later_start(struct later *l)
{
	assert_int_equal(pthread_create(&l->thr, NULL, later_run, l), 0);
}

static void
later_join(struct later *l)
{
	pthread_join(l->thr, NULL);
}

/* Plain fds: input from a pipe, output to a pipe, guest on a socketpair. */
struct plain {
	int in[2], out[2], note[2], guest[2];
	struct console_opts o;
	struct console_result res;
};

static void
plain_open(struct plain *p)
{
	assert_int_equal(pipe(p->in), 0);
	assert_int_equal(pipe(p->out), 0);
	assert_int_equal(pipe(p->note), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->guest), 0);
	console_opts_init(&p->o);
	p->o.in_fd = p->in[0];
	p->o.out_fd = p->out[1];
	p->o.note_fd = p->note[1];
	p->o.name = "web01";
	p->o.result = &p->res;
}

static void
plain_close(struct plain *p)
{
	int *fds[] = { p->in, p->out, p->note, p->guest };
	size_t i;

	for (i = 0; i < 4; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
}

static void
test_escape_leaves(void **state)
{
	struct xdom_err err = { 0 };
	struct plain p;
	char buf[256];

	(void)state;
	plain_open(&p);
	assert_int_equal(write(p.guest[1], "web01 login: ", 13), 13);
	assert_int_equal(write(p.in[1], "root\r\x1dignored", 14), 14);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	assert_int_equal(p.res.end, CONSOLE_END_ESCAPE);
	drain(p.guest[1], buf, sizeof buf, 100);
	assert_string_equal(buf, "root\r");
	drain(p.out[0], buf, sizeof buf, 100);
	assert_string_equal(buf, "web01 login: ");
	drain(p.note[0], buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "Connected to web01's console. "
	    "Ctrl-] to leave.\n"));
	assert_non_null(strstr(buf, "Left web01's console.\n"));
	/* The fd is left open and blocking again. */
	assert_int_equal(fcntl(p.guest[0], F_GETFL) & O_NONBLOCK, 0);
	/* A simulated guest's console says so as it opens. */
	p.o.simulated = true;
	assert_int_equal(write(p.in[1], "\x1d", 1), 1);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	drain(p.note[0], buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "Connected to web01's console "
	    "(SIMULATED guest). Ctrl-] to leave.\n"));
	plain_close(&p);
}

static void
test_guest_closes(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 100 };
	struct plain p;
	char buf[256];

	(void)state;
	plain_open(&p);
	assert_int_equal(write(p.guest[1], "Booting...\r\n", 12), 12);
	l.fd = p.guest[1];
	later_start(&l);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	later_join(&l);
	p.guest[1] = open("/dev/null", O_RDONLY);	/* for plain_close */
	assert_int_equal(p.res.end, CONSOLE_END_CLOSED);
	drain(p.out[0], buf, sizeof buf, 100);
	assert_string_equal(buf, "Booting...\r\n");
	drain(p.note[0], buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "web01's console closed"));
	plain_close(&p);
}

/* Idle: what the user types restarts the clock, the guest's output
 * does not; the relay then ends on its own and says why. */
static void
test_idle_ends(void **state)
{
	struct xdom_err err = { 0 };
	struct later typed = { .ms = 300, .data = "x", .len = 1 };
	struct later out = { .ms = 800, .data = "tick\r\n", .len = 6 };
	struct timespec t0, t1;
	struct plain p;
	char buf[256];
	long ms;

	(void)state;
	plain_open(&p);
	p.o.idle_ms = 600;
	typed.fd = p.in[1];
	out.fd = p.guest[1];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	later_start(&typed);
	later_start(&out);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	later_join(&typed);
	later_join(&out);
	assert_int_equal(p.res.end, CONSOLE_END_IDLE);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 850);		/* 300 ms + 600 ms idle */
	/* The output (at 800 ms, later on a busy machine) did not count:
	 * had it, the relay would have run until 600 ms after it. */
	assert_true(timespec_ms(&out.at, &t1) < 600);
	drain(p.guest[1], buf, sizeof buf, 100);
	assert_string_equal(buf, "x");
	drain(p.note[0], buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "Left web01's console: nothing typed "
	    "for 0 s."));
	plain_close(&p);
}

static void
test_eof_lingers(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 80, .data = "answer\r\n", .len = 8 };
	struct plain p;
	char buf[256];

	(void)state;
	plain_open(&p);
	/* a quiet time well beyond how late a busy machine runs the
	 * guest's answer (due at 80 ms) */
	p.o.linger_ms = 2000;
	assert_int_equal(write(p.in[1], "uname\r", 6), 6);
	close(p.in[1]);
	p.in[1] = open("/dev/null", O_RDONLY);
	l.fd = p.guest[1];
	later_start(&l);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	later_join(&l);
	assert_int_equal(p.res.end, CONSOLE_END_EOF);
	drain(p.out[0], buf, sizeof buf, 100);
	assert_string_equal(buf, "answer\r\n");
	drain(p.guest[1], buf, sizeof buf, 100);
	assert_string_equal(buf, "uname\r");
	plain_close(&p);
}

static void
test_no_escape_byte(void **state)
{
	struct xdom_err err = { 0 };
	struct plain p;
	char buf[256];

	(void)state;
	plain_open(&p);
	p.o.escape = 0;
	assert_int_equal(write(p.in[1], "a\x1d" "b", 3), 3);
	close(p.in[1]);
	p.in[1] = open("/dev/null", O_RDONLY);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	assert_int_equal(p.res.end, CONSOLE_END_EOF);
	drain(p.guest[1], buf, sizeof buf, 100);
	assert_string_equal(buf, "a\x1d" "b");
	plain_close(&p);
}

static void
test_signal_ends(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 100, .signo = SIGTERM };
	struct sigaction sa;
	struct plain p;
	sigset_t mask;
	char buf[256];

	(void)state;
	plain_open(&p);
	later_start(&l);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	later_join(&l);
	assert_int_equal(p.res.end, CONSOLE_END_SIGNAL);
	assert_int_equal(p.res.signo, SIGTERM);
	drain(p.note[0], buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "Left web01's console ("));
	/* Dispositions and mask are back as they were. */
	sigaction(SIGTERM, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	sigaction(SIGPIPE, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	assert_false(sigismember(&mask, SIGTERM));
	plain_close(&p);
}

static void
test_escape_parse(void **state)
{
	struct xdom_err err = { 0 };
	unsigned char e;
	char name[16];

	(void)state;
	assert_int_equal(console_escape_parse("^]", &e, &err), 0);
	assert_int_equal(e, 0x1d);
	assert_int_equal(console_escape_parse("^a", &e, &err), 0);
	assert_int_equal(e, 0x01);
	assert_int_equal(console_escape_parse("Ctrl-A", &e, &err), 0);
	assert_int_equal(e, 0x01);
	assert_int_equal(console_escape_parse("0x1d", &e, &err), 0);
	assert_int_equal(e, 0x1d);
	assert_int_equal(console_escape_parse("~", &e, &err), 0);
	assert_int_equal(e, '~');
	assert_int_equal(console_escape_parse("none", &e, &err), 0);
	assert_int_equal(e, 0);
	assert_int_equal(console_escape_parse("^@", &e, &err), XDOM_EINVAL);
	assert_int_equal(console_escape_parse("", &e, &err), XDOM_EINVAL);
	assert_int_equal(console_escape_parse("0x100", &e, &err),
	    XDOM_EINVAL);
	assert_int_equal(console_escape_parse("ab", &e, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "console escape"));
	console_escape_name(0x1d, name, sizeof name);
	assert_string_equal(name, "Ctrl-]");
	console_escape_name(0x01, name, sizeof name);
	assert_string_equal(name, "Ctrl-A");
}

/* ---- on a real terminal ------------------------------------------------ */

struct tty {
	int master, slave;
	struct termios before;
	struct plain p;
};

static void
tty_open(struct tty *t)
{
	assert_int_equal(openpty(&t->master, &t->slave, NULL, NULL, NULL), 0);
	assert_int_equal(tcgetattr(t->slave, &t->before), 0);
	assert_true(t->before.c_lflag & ICANON);
	plain_open(&t->p);
	t->p.o.in_fd = t->slave;
	t->p.o.out_fd = t->slave;
}

static void
tty_check_restored(struct tty *t)
{
	struct termios now;

	assert_int_equal(tcgetattr(t->slave, &now), 0);
	assert_int_equal(now.c_lflag, t->before.c_lflag);
	assert_int_equal(now.c_iflag, t->before.c_iflag);
	assert_int_equal(now.c_oflag, t->before.c_oflag);
	assert_int_equal(now.c_cflag, t->before.c_cflag);
	assert_memory_equal(now.c_cc, t->before.c_cc, sizeof now.c_cc);
}

static void
tty_close(struct tty *t)
{
	close(t->master);
	close(t->slave);
	plain_close(&t->p);
}

static void
test_tty_escape_restores(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 100, .data = "ls\r\x1d", .len = 4 };
	struct tty t;
	char buf[256];

	(void)state;
	tty_open(&t);
	l.fd = t.master;
	assert_int_equal(write(t.p.guest[1], "login: ", 7), 7);
	later_start(&l);
	assert_int_equal(console_relay(t.p.guest[0], &t.p.o, &err), 0);
	later_join(&l);
	assert_int_equal(t.p.res.end, CONSOLE_END_ESCAPE);
	/* In raw mode the \r reached the guest untranslated. */
	drain(t.p.guest[1], buf, sizeof buf, 100);
	assert_string_equal(buf, "ls\r");
	drain(t.master, buf, sizeof buf, 100);
	assert_non_null(strstr(buf, "login: "));
	tty_check_restored(&t);
	tty_close(&t);
}

static void
test_tty_guest_dies_restores(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 100 };
	struct tty t;

	(void)state;
	tty_open(&t);
	l.fd = t.p.guest[1];
	later_start(&l);
	assert_int_equal(console_relay(t.p.guest[0], &t.p.o, &err), 0);
	later_join(&l);
	t.p.guest[1] = open("/dev/null", O_RDONLY);
	assert_int_equal(t.p.res.end, CONSOLE_END_CLOSED);
	tty_check_restored(&t);
	tty_close(&t);
}

static void
test_tty_signal_restores(void **state)
{
	struct xdom_err err = { 0 };
	struct later l = { .ms = 100, .signo = SIGHUP };
	struct tty t;

	(void)state;
	tty_open(&t);
	later_start(&l);
	assert_int_equal(console_relay(t.p.guest[0], &t.p.o, &err), 0);
	later_join(&l);
	assert_int_equal(t.p.res.end, CONSOLE_END_SIGNAL);
	assert_int_equal(t.p.res.signo, SIGHUP);
	tty_check_restored(&t);
	tty_close(&t);
}

/* Signals beyond SIGINT/SIGTERM/SIGHUP whose default action kills the
 * process end the session too, with the terminal put back. */
static void
test_tty_other_signals_restore(void **state)
{
	static const int sigs[] = { SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };
	struct xdom_err err = { 0 };
	struct sigaction sa;
	struct tty t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct later l = { .ms = 50, .signo = sigs[i] };

		tty_open(&t);
		later_start(&l);
		assert_int_equal(console_relay(t.p.guest[0], &t.p.o, &err), 0);
		later_join(&l);
		assert_int_equal(t.p.res.end, CONSOLE_END_SIGNAL);
		assert_int_equal(t.p.res.signo, sigs[i]);
		tty_check_restored(&t);
		sigaction(sigs[i], NULL, &sa);
		assert_true(sa.sa_handler == SIG_DFL);
		tty_close(&t);
	}
}

/* A signal the caller ignores (a login shell ignores SIGQUIT) stays
 * ignored: it neither ends the session nor lingers pending. */
static void
test_ignored_signal_stays_ignored(void **state)
{
	struct xdom_err err = { 0 };
	struct later sig = { .ms = 50, .signo = SIGQUIT };
	struct later esc = { .ms = 250, .data = "\x1d", .len = 1 };
	struct sigaction ign, sa;
	struct plain p;
	sigset_t pend;

	(void)state;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGQUIT, &ign, NULL);
	plain_open(&p);
	esc.fd = p.in[1];
	later_start(&sig);
	later_start(&esc);
	assert_int_equal(console_relay(p.guest[0], &p.o, &err), 0);
	later_join(&sig);
	later_join(&esc);
	assert_int_equal(p.res.end, CONSOLE_END_ESCAPE);
	sigaction(SIGQUIT, NULL, &sa);
	assert_true(sa.sa_handler == SIG_IGN);
	sigpending(&pend);
	assert_false(sigismember(&pend, SIGQUIT));
	ign.sa_handler = SIG_DFL;
	sigaction(SIGQUIT, &ign, NULL);
	plain_close(&p);
}

/* Wait (bounded) for child to stop (true) or to go on running. */
static bool
wait_stopped(pid_t child)
{
	int i, st;

	for (i = 0; i < 200; i++) {
		if (waitpid(child, &st, WUNTRACED | WNOHANG) == child)
			return WIFSTOPPED(st);
		msleep(10);
	}
	return false;
}

static bool
tty_is_raw(int fd)
{
	struct termios now;

	return tcgetattr(fd, &now) == 0 && !(now.c_lflag & (ICANON | ECHO));
}

/* Wait (bounded) until the terminal is raw (want) or not. */
static bool
wait_raw(int fd, bool want)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (tty_is_raw(fd) == want)
			return true;
		msleep(10);
	}
	return false;
}

/* kill -TSTP: the session stops with the terminal as it was, and on
 * SIGCONT it is raw again and still relaying; the escape then leaves. */
static void
test_tty_suspend_resume(void **state)
{
	struct xdom_err err = { 0 };
	struct tty t;
	pid_t child;
	int st, i;

	(void)state;
	tty_open(&t);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int rc;

		/* a process group of its own, with its parent outside it:
		 * not orphaned, so SIGTSTP stops it whatever group the test
		 * runs in (an orphaned one discards it) */
		setpgid(0, 0);
		rc = console_relay(t.p.guest[0], &t.p.o, &err);

		_exit(rc == 0 && t.p.res.end == CONSOLE_END_ESCAPE ? 0 : 3);
	}
	assert_true(wait_raw(t.slave, true));
	kill(child, SIGTSTP);
	assert_true(wait_stopped(child));
	tty_check_restored(&t);
	kill(child, SIGCONT);
	assert_true(wait_raw(t.slave, true));
	/* still relaying: the guest's output comes through */
	assert_int_equal(write(t.p.guest[1], "hello", 5), 5);
	{
		char buf[64];

		drain(t.master, buf, sizeof buf, 300);
		assert_non_null(strstr(buf, "hello"));
	}
	assert_int_equal(write(t.master, "\x1d", 1), 1);
	for (i = 0; i < 300; i++) {
		if (waitpid(child, &st, WNOHANG) == child)
			break;
		msleep(10);
	}
	assert_true(i < 300);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	tty_check_restored(&t);
	tty_close(&t);
}

/* A crash while relaying (here a SIGSEGV or SIGABRT sent to it) still
 * puts the terminal back, and the process dies of that signal. */
static void
test_tty_crash_restores(void **state)
{
	static const int sigs[] = { SIGSEGV, SIGABRT };
	struct xdom_err err = { 0 };
	struct tty t;
	size_t k;
	pid_t child;
	int st, i;

	(void)state;
	for (k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
		tty_open(&t);
		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			struct rlimit no_core = { 0, 0 };

			setrlimit(RLIMIT_CORE, &no_core);
			(void)console_relay(t.p.guest[0], &t.p.o, &err);
			_exit(3);
		}
		assert_true(wait_raw(t.slave, true));
		kill(child, sigs[k]);
		for (i = 0; i < 300; i++) {
			if (waitpid(child, &st, WNOHANG) == child)
				break;
			msleep(10);
		}
		assert_true(i < 300);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), sigs[k]);
		tty_check_restored(&t);
		tty_close(&t);
	}
}

/* The terminal's other end vanishing is an error, and still restores. */
static void
test_bad_fd(void **state)
{
	struct xdom_err err = { 0 };
	struct plain p;

	(void)state;
	plain_open(&p);
	assert_int_not_equal(console_relay(-1, &p.o, &err), 0);
	assert_true(strlen(err.msg) > 0);
	plain_close(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_leaves),
		cmocka_unit_test(test_guest_closes),
		cmocka_unit_test(test_eof_lingers),
		cmocka_unit_test(test_idle_ends),
		cmocka_unit_test(test_no_escape_byte),
		cmocka_unit_test(test_signal_ends),
		cmocka_unit_test(test_escape_parse),
		cmocka_unit_test(test_tty_escape_restores),
		cmocka_unit_test(test_tty_guest_dies_restores),
		cmocka_unit_test(test_tty_signal_restores),
		cmocka_unit_test(test_tty_other_signals_restore),
		cmocka_unit_test(test_ignored_signal_stays_ignored),
		cmocka_unit_test(test_tty_suspend_resume),
		cmocka_unit_test(test_tty_crash_restores),
		cmocka_unit_test(test_bad_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
