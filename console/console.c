/*
 * console.c - terminal <-> guest console relay (see console.h).
 *
 * One poll() loop moves bytes through two small buffers, one per
 * direction; a buffer is refilled only when it has been written out, so
 * a slow side slows the other instead of growing memory, and the guest's
 * fd is non-blocking so a guest that stops reading cannot hang us. The
 * signals that end a session are blocked except inside ppoll(), which
 * makes "check the flag, then wait" free of races. Whatever ends the loop,
 * the same exit path restores the terminal, the fd's flags, the signal
 * dispositions and the signal mask, in that order.
 */
#include "console/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console/termmodes.h"
#include "core/clock.h"
#include "core/escape.h"

#define CONSOLE_BUF 4096

/*
 * Every signal whose default action would end or stop the process with
 * the terminal still raw, unless the caller ignores it (a login shell
 * ignores SIGQUIT and SIGTSTP: they stay ignored). SIGTSTP suspends the
 * session with the terminal put back, and SIGCONT takes it up again; the
 * others end it.
 */
static const int console_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
    SIGTSTP, SIGCONT };
#define CONSOLE_NSIG (sizeof console_signals / sizeof console_signals[0])

static volatile sig_atomic_t console_caught, console_tstp, console_cont;

/* A crash while the terminal is raw: put it back, then die as the
 * signal would have (the handler resets itself: SA_RESETHAND). */
static const int console_fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    SIGABRT, SIGTRAP, SIGSYS };
#define CONSOLE_NFATAL (sizeof console_fatal / sizeof console_fatal[0])
static struct termios console_fatal_tio;
static volatile sig_atomic_t console_fatal_fd = -1;

static void
console_on_fatal(int signo)
{
	int e = errno;

	if (console_fatal_fd >= 0)
		(void)tcsetattr(console_fatal_fd, TCSANOW, &console_fatal_tio);
	raise(signo);		/* the default action, now that we are reset */
	errno = e;
}

static void
console_on_signal(int signo)
{
	if (signo == SIGTSTP)
		console_tstp = 1;
	else if (signo == SIGCONT)
		console_cont = 1;
	else
		console_caught = signo;
}

/* One direction of the relay. */
struct console_buf {
	unsigned char b[CONSOLE_BUF];
	size_t off, len;	/* bytes b[off..len) are still to write */
};

/* Everything to undo on the way out, each with a "not done" value. */
struct console_saved {
	bool tty;			/* termios below must be put back */
	struct termios termios;
	struct termios raw;		/* what the session runs with */
	int fd_flags;			/* -1: fd's flags untouched */
	bool handlers;			/* sigactions below must be put back */
	bool caught[CONSOLE_NSIG];	/* which of console_signals we catch */
	sigset_t set;			/* those, as a set */
	struct sigaction old_act[CONSOLE_NSIG];
	struct sigaction old_pipe;
	bool mask;			/* old_mask must be put back */
	sigset_t old_mask;
	bool fatal;			/* old_fatal must be put back */
	struct sigaction old_fatal[CONSOLE_NFATAL];
	bool out_tty;			/* the user's output is a terminal */
	struct termmodes modes;		/* what the guest's output set */
};

void
console_opts_init(struct console_opts *o)
{
	memset(o, 0, sizeof *o);
	o->in_fd = 0;
	o->out_fd = 1;
	o->note_fd = 2;
	o->escape = CONSOLE_ESCAPE_DEFAULT;
}

void
console_escape_name(unsigned char escape, char *buf, unsigned len)
{
	if (escape < 0x20)
		snprintf(buf, len, "Ctrl-%c", escape + 0x40);
	else if (escape == 0x7f)
		snprintf(buf, len, "Ctrl-?");
	else if (escape < 0x7f)
		snprintf(buf, len, "%c", escape);
	else
		snprintf(buf, len, "0x%02x", escape);
}

int
console_escape_parse(const char *spec, unsigned char *out,
    struct xdom_err *err)
{
	unsigned long v;
	char *end;
	size_t n = strlen(spec);
	const char *c = NULL;

	if (strcmp(spec, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (n == 2 && spec[0] == '^')
		c = spec + 1;
	else if (n == 6 && strncasecmp(spec, "ctrl-", 5) == 0)
		c = spec + 5;
	if (c != NULL) {
		if (*c == '?') {
			*out = 0x7f;
			return 0;
		}
		if ((*c >= '@' && *c <= '_') || (*c >= 'a' && *c <= 'z')) {
			*out = (unsigned char)((*c >= 'a' ? *c - 0x20 : *c) -
			    0x40);
			if (*out != 0)
				return 0;
		}
	} else if (n == 1 && (unsigned char)spec[0] > 0x20 &&
	    (unsigned char)spec[0] < 0x7f) {
		*out = (unsigned char)spec[0];
		return 0;
	} else if (n > 2 && spec[0] == '0' && (spec[1] == 'x' ||
	    spec[1] == 'X')) {
		errno = 0;
		v = strtoul(spec + 2, &end, 16);
		if (errno == 0 && *end == '\0' && v > 0 && v < 256) {
			*out = (unsigned char)v;
			return 0;
		}
	}
	return xdom_err_set(err, XDOM_EINVAL, "console escape '%.16s': use "
	    "caret notation such as ^] or ^A, a hex byte such as 0x1d, or "
	    "none", spec);
}

/* Write a note line; best effort (the user may have gone away). */
static void
console_note(const struct console_opts *o, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;

	if (o->note_fd < 0)
		return;
	while (off < len) {
		n = write(o->note_fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static int console_take_pending(const sigset_t *set);

/* Put back the terminal modes the guest's output changed (alternate
 * screen, hidden cursor, mouse reporting, keypad...), before the user's
 * shell gets the terminal again. */
static void
console_modes_reset(const struct console_opts *o, struct console_saved *sv)
{
	char buf[TERMMODES_RESET_MAX];
	const char *seq;
	size_t len, off = 0;
	ssize_t n;
	int waits = 0;

	if (!sv->out_tty)
		return;
	seq = termmodes_reset(&sv->modes, buf);
	len = strlen(seq);
	while (off < len) {
		n = write(o->out_fd, seq + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && waits++ < 10) {
			/* a terminal that is slow to drain: a second at most */
			struct pollfd pf = { .fd = o->out_fd, .events = POLLOUT };

			(void)poll(&pf, 1, 100);
			continue;
		}
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	sv->modes.alt_screen = false;
	sv->modes.scroll_region = false;
}

/* Undo everything in sv; returns a signal that was still pending, or 0. */
static int
console_restore(const struct console_opts *o, struct console_saved *sv,
    int fd)
{
	size_t i;
	int pending = 0;

	console_modes_reset(o, sv);
	sv->out_tty = false;
	if (sv->tty) {
		while (tcsetattr(o->in_fd, TCSADRAIN, &sv->termios) != 0 &&
		    errno == EINTR)
			;
		sv->tty = false;
	}
	if (sv->fatal) {
		console_fatal_fd = -1;
		for (i = 0; i < CONSOLE_NFATAL; i++)
			sigaction(console_fatal[i], &sv->old_fatal[i], NULL);
		sv->fatal = false;
	}
	if (sv->fd_flags != -1) {
		(void)fcntl(fd, F_SETFL, sv->fd_flags);
		sv->fd_flags = -1;
	}
	if (sv->handlers) {
		if (sv->mask)
			pending = console_take_pending(&sv->set);
		for (i = 0; i < CONSOLE_NSIG; i++)
			if (sv->caught[i])
				sigaction(console_signals[i], &sv->old_act[i],
				    NULL);
		sigaction(SIGPIPE, &sv->old_pipe, NULL);
		sv->handlers = false;
	}
	if (sv->mask) {
		sigprocmask(SIG_SETMASK, &sv->old_mask, NULL);
		sv->mask = false;
	}
	return pending;
}

/* Block the signals we catch (those not ignored), catch them, ignore
 * SIGPIPE. An ignored signal is left alone and unblocked: blocked, the
 * kernel would keep it pending rather than drop it. */
static void
console_signals_setup(struct console_saved *sv, sigset_t *wait_mask)
{
	struct sigaction sa, ign, cur;
	size_t i;

	sigemptyset(&sv->set);
	for (i = 0; i < CONSOLE_NSIG; i++) {
		sigaction(console_signals[i], NULL, &cur);
		sv->caught[i] = !(!(cur.sa_flags & SA_SIGINFO) &&
		    cur.sa_handler == SIG_IGN);
		if (sv->caught[i])
			sigaddset(&sv->set, console_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &sv->set, &sv->old_mask);
	sv->mask = true;
	/* ppoll waits with the caller's mask minus our signals. */
	*wait_mask = sv->old_mask;
	for (i = 0; i < CONSOLE_NSIG; i++)
		if (sv->caught[i])
			sigdelset(wait_mask, console_signals[i]);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_on_signal;	/* no SA_RESTART: end waits */
	sigemptyset(&sa.sa_mask);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	console_caught = console_tstp = console_cont = 0;
	for (i = 0; i < CONSOLE_NSIG; i++)
		if (sv->caught[i])
			sigaction(console_signals[i], &sa, &sv->old_act[i]);
	sigaction(SIGPIPE, &ign, &sv->old_pipe);
	sv->handlers = true;
}

/*
 * SIGTSTP (kill -TSTP, as Ctrl-Z reaches the guest as a byte): put the
 * terminal back and stop as the default action would; once continued,
 * raw mode again. A SIGCONT alone (after SIGSTOP, whose stop we never
 * see, while the shell had put its own settings back) re-applies raw mode.
 */
static void
console_job_control(const struct console_opts *o, struct console_saved *sv)
{
	struct sigaction dfl, mine;
	sigset_t tstp;

	if (console_tstp) {
		console_tstp = 0;
		if (sv->tty)
			(void)tcsetattr(o->in_fd, TCSADRAIN, &sv->termios);
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		sigaction(SIGTSTP, &dfl, &mine);
		sigemptyset(&tstp);
		sigaddset(&tstp, SIGTSTP);
		raise(SIGTSTP);		/* pending: blocked until here */
		sigprocmask(SIG_UNBLOCK, &tstp, NULL);
		/* stopped here until SIGCONT */
		sigprocmask(SIG_BLOCK, &tstp, NULL);
		sigaction(SIGTSTP, &mine, NULL);
		console_cont = 1;
	}
	if (console_cont) {
		console_cont = 0;
		if (sv->tty)
			(void)tcsetattr(o->in_fd, TCSADRAIN, &sv->raw);
	}
}

static void
console_fatal_handlers(const struct console_opts *o, struct console_saved *sv)
{
	struct sigaction sa;
	size_t i;

	console_fatal_tio = sv->termios;
	console_fatal_fd = o->in_fd;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < CONSOLE_NFATAL; i++)
		sigaction(console_fatal[i], &sa, &sv->old_fatal[i]);
	sv->fatal = true;
}

static int
console_raw(const struct console_opts *o, struct console_saved *sv,
    struct xdom_err *err)
{
	struct termios raw;

	if (!isatty(o->in_fd))
		return 0;
	if (tcgetattr(o->in_fd, &sv->termios) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "console: reading "
		    "the terminal settings");
	raw = sv->termios;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	sv->raw = raw;
	sv->tty = true;
	console_fatal_handlers(o, sv);
	if (tcsetattr(o->in_fd, TCSADRAIN, &raw) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "console: setting "
		    "the terminal to raw mode");
	return 0;
}

/* Write what b holds to fd; 0, or -1 with errno (EAGAIN is not fatal). */
static int
console_flush(int fd, struct console_buf *b)
{
	ssize_t n;

	while (b->off < b->len) {
		n = write(fd, b->b + b->off, b->len - b->off);
		if (n < 0) {
			if (errno == EINTR)
				return 0;	/* back to the loop: signals */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		b->off += (size_t)n;
	}
	b->off = b->len = 0;
	return 0;
}

/* The loop; returns the end reason, with err set for CONSOLE_END_ERROR. */
static enum console_end
console_loop(int fd, const struct console_opts *o, struct console_saved *sv,
    const sigset_t *wait_mask, bool *ended_mid_line, struct xdom_err *err)
{
	struct console_buf to_con = { .len = 0 }, to_out = { .len = 0 };
	bool in_open = true, leaving = false;
	int64_t quiet_since = 0, eof_at = 0, typed_at = xdom_mono_ms();
	struct pollfd p[3];
	struct timespec ts, *tsp;
	ssize_t n;
	int r;

	for (;;) {
		if (console_caught != 0)
			return CONSOLE_END_SIGNAL;
		console_job_control(o, sv);
		if (leaving && to_con.len == 0)
			return CONSOLE_END_ESCAPE;
		p[0].fd = fd;
		p[0].events = (short)((to_out.len == 0 && !leaving ? POLLIN :
		    0) | (to_con.len > 0 ? POLLOUT : 0));
		p[1].fd = in_open && !leaving ? o->in_fd : -1;
		p[1].events = to_con.len == 0 ? POLLIN : 0;
		p[2].fd = to_out.len > 0 ? o->out_fd : -1;
		p[2].events = POLLOUT;
		p[0].revents = p[1].revents = p[2].revents = 0;
		tsp = NULL;
		if (!in_open || leaving) {
			/* Linger after end of input; leave promptly after
			 * the escape even if the guest stopped reading. */
			int64_t limit = leaving ? 500 : o->linger_ms;
			int64_t now = xdom_mono_ms();
			int64_t left = quiet_since + limit - now;

			/* A guest that never goes quiet: stop anyway. */
			if (!leaving && eof_at + 10 * limit - now < left)
				left = eof_at + 10 * limit - now;

			if (left <= 0)
				return leaving ? CONSOLE_END_ESCAPE :
				    CONSOLE_END_EOF;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000;
			tsp = &ts;
		} else if (o->idle_ms > 0) {
			int64_t left = typed_at + o->idle_ms - xdom_mono_ms();

			if (left <= 0)
				return CONSOLE_END_IDLE;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(p, 3, tsp, wait_mask);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			xdom_err_errno(err, XDOM_EIO, errno, "console: poll");
			return CONSOLE_END_ERROR;
		}
		if (r == 0)
			continue;	/* the deadline check above ends it */

		/* Guest -> user. */
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, to_out.b, sizeof to_out.b);
			if (n > 0) {
				to_out.len = (size_t)n;
				termmodes_feed(&sv->modes, to_out.b, (size_t)n);
				*ended_mid_line = to_out.b[n - 1] != '\n';
				quiet_since = xdom_mono_ms();
			} else if (n == 0 || (errno != EINTR &&
			    errno != EAGAIN && errno != EWOULDBLOCK)) {
				/* EOF, or EIO from a pty whose guest side
				 * closed: the guest went away. */
				return CONSOLE_END_CLOSED;
			}
		} else if (p[0].revents & POLLNVAL) {
			return CONSOLE_END_CLOSED;
		}
		if ((p[0].revents & POLLOUT) && console_flush(fd, &to_con)) {
			if (errno == EPIPE || errno == EIO)
				return CONSOLE_END_CLOSED;
			xdom_err_errno(err, XDOM_EIO, errno, "console: writing "
			    "to the guest");
			return CONSOLE_END_ERROR;
		}

		/* User -> guest, up to the escape byte. */
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
			n = read(o->in_fd, to_con.b, sizeof to_con.b);
			if (n > 0) {
				typed_at = xdom_mono_ms();
				unsigned char *esc = o->escape == 0 ? NULL :
				    memchr(to_con.b, o->escape, (size_t)n);

				to_con.len = esc != NULL ?
				    (size_t)(esc - to_con.b) : (size_t)n;
				to_con.off = 0;
				if (esc != NULL) {
					leaving = true;
					quiet_since = xdom_mono_ms();
				}
				/* Try at once; POLLOUT finishes the rest. */
				if (console_flush(fd, &to_con) != 0 &&
				    (errno == EPIPE || errno == EIO))
					return CONSOLE_END_CLOSED;
			} else if (n == 0 || (errno != EINTR &&
			    errno != EAGAIN)) {
				in_open = false;
				quiet_since = eof_at = xdom_mono_ms();
			}
		}

		/* Out to the user. */
		if (p[2].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			xdom_err_set(err, XDOM_EIO, "console: the terminal "
			    "went away");
			return CONSOLE_END_ERROR;
		}
		if (to_out.len > 0 && console_flush(o->out_fd, &to_out)) {
			xdom_err_errno(err, XDOM_EIO, errno, "console: writing "
			    "to the terminal");
			return CONSOLE_END_ERROR;
		}
	}
}

/* A signal that arrived after the last wait is still pending: take it,
 * so that it does not kill us with the caller's disposition. */
static int
console_take_pending(const sigset_t *caught)
{
	struct timespec zero = { 0, 0 };
	sigset_t set = *caught;
	int s, got = 0;

	/* A late suspend or continue is moot: we are leaving anyway. */
	sigdelset(&set, SIGTSTP);
	sigdelset(&set, SIGCONT);
	while ((s = sigtimedwait(&set, NULL, &zero)) > 0)
		got = s;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigaddset(&set, SIGCONT);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	return got;
}

int
console_relay(int fd, const struct console_opts *o, struct xdom_err *err)
{
	struct console_saved sv;
	struct console_result res = { CONSOLE_END_ERROR, 0 };
	char name[160], key[16], line[256];
	bool mid_line = false;
	sigset_t wait_mask;
	int flags, pending = 0, rc = 0;

	memset(&sv, 0, sizeof sv);
	sv.fd_flags = -1;
	termmodes_init(&sv.modes);
	sv.out_tty = isatty(o->out_fd) == 1;
	xdom_escape(name, sizeof name, o->name != NULL ? o->name : "the guest");

	if (o->escape != 0) {
		console_escape_name(o->escape, key, sizeof key);
		snprintf(line, sizeof line, "Connected to %s's console%s. %s "
		    "to leave.\n", name, o->simulated ? " (SIMULATED guest)" :
		    "", key);
	} else {
		snprintf(line, sizeof line, "Connected to %s's console%s.\n",
		    name, o->simulated ? " (SIMULATED guest)" : "");
	}
	console_signals_setup(&sv, &wait_mask);
	if ((flags = fcntl(fd, F_GETFL)) < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "console fd");
		goto out;
	}
	if (!(flags & O_NONBLOCK)) {
		if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
			rc = xdom_err_errno(err, XDOM_EIO, errno,
			    "console fd");
			goto out;
		}
		sv.fd_flags = flags;
	}
	console_note(o, line);
	if ((rc = console_raw(o, &sv, err)) != 0)
		goto out;
	res.end = console_loop(fd, o, &sv, &wait_mask, &mid_line, err);
	if (res.end == CONSOLE_END_ERROR)
		rc = err != NULL && err->code != 0 ? err->code : XDOM_EIO;
out:
	pending = console_restore(o, &sv, fd);
	if (res.end == CONSOLE_END_SIGNAL)
		res.signo = console_caught;
	else if (pending != 0 && rc == 0) {
		res.end = CONSOLE_END_SIGNAL;
		res.signo = pending;
	}
	if (rc == 0) {
		const char *lead = mid_line ? "\n" : "";

		switch (res.end) {
		case CONSOLE_END_CLOSED:
			snprintf(line, sizeof line, "%s%s's console closed "
			    "(the guest stopped).\n", lead, name);
			break;
		case CONSOLE_END_SIGNAL:
			snprintf(line, sizeof line, "%sLeft %s's console "
			    "(%s).\n", lead, name, strsignal(res.signo));
			break;
		case CONSOLE_END_IDLE:
			snprintf(line, sizeof line, "%sLeft %s's console: "
			    "nothing typed for %ld s.\n", lead, name,
			    o->idle_ms / 1000);
			break;
		default:
			snprintf(line, sizeof line, "%sLeft %s's console.\n",
			    lead, name);
			break;
		}
		console_note(o, line);
	}
	if (o->result != NULL)
		*o->result = res;
	return rc;
}
