/*
 * console.h - relay a terminal to a guest's console fd and back.
 *
 * Used by `xdom console`, by xdom-shell's `console` and by the dashboard.
 * The caller gets the fd (hv_console()), the relay owns the terminal for
 * the session: raw mode on entry, every byte passed both ways with
 * poll(), and the terminal restored on every way out - the escape byte
 * (Ctrl-] by default), the console closing because the guest stopped, a
 * signal, end of input, an idle timeout, or an error. When the input is
 * not a terminal nothing is changed on it and input is relayed until end
 * of file or the escape byte.
 *
 * Signals: while relaying, every signal whose default action ends the
 * process (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
 * SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ) is caught unless the caller
 * ignores it, and ends the session (CONSOLE_END_SIGNAL); SIGPIPE is
 * ignored. SIGTSTP, unless ignored, suspends the session with the
 * terminal put back, and raw mode returns on SIGCONT. A crash (SIGSEGV,
 * SIGABRT...) while relaying puts the terminal back before the process
 * dies of it. The previous dispositions and signal mask are put back
 * before returning, so a caller that wants to exit on SIGTERM sees
 * CONSOLE_END_SIGNAL and does so. Call it from the thread that should
 * get those signals: other threads of the program must block them.
 */
#ifndef XDOM_TUI_CONSOLE_H
#define XDOM_TUI_CONSOLE_H

#include <stdbool.h>

#include "core/err.h"

#define CONSOLE_ESCAPE_DEFAULT 0x1d	/* Ctrl-] as in telnet and xl */

/* Why the relay ended. */
enum console_end {
	CONSOLE_END_ESCAPE = 0,	/* the user typed the escape byte */
	CONSOLE_END_CLOSED,	/* the console closed (guest stopped) */
	CONSOLE_END_EOF,	/* the input ended (not a terminal) */
	CONSOLE_END_SIGNAL,	/* a signal that ends a process: see above */
	CONSOLE_END_ERROR,	/* a read or write failed; see err */
	CONSOLE_END_IDLE,	/* nothing typed for o->idle_ms */
};

struct console_result {
	enum console_end end;
	int signo;		/* the signal, for CONSOLE_END_SIGNAL */
};

struct console_opts {
	int in_fd;		/* the user's input, usually 0 */
	int out_fd;		/* the user's output, usually 1 */
	int note_fd;		/* entry/exit notes, usually 2; -1: none */
	unsigned char escape;	/* byte that leaves; 0: no escape byte */
	const char *name;	/* guest name for the notes (raw bytes;
				   escaped here); NULL: "the guest" */
	bool simulated;		/* the entry note says SIMULATED */
	/* After the input ends (not a terminal), keep relaying the guest's
	 * output until it has been quiet this long, so piped commands
	 * see their answer; at most 10 times this in all. 0: leave at
	 * once. */
	int linger_ms;
	/* Leave (CONSOLE_END_IDLE) when no byte came from the input for
	 * this long, as a login shell's idle timeout does; the guest's
	 * output does not count. 0: never. */
	long idle_ms;
	struct console_result *result;	/* out: why it ended; may be NULL */
};

/* Defaults: fds 0, 1, 2; escape Ctrl-]; no linger; no result. */
void console_opts_init(struct console_opts *o);

/*
 * Relay between o's fds and fd until one of the ends above; fd is not
 * closed (the caller owns it). Returns 0 for the escape, the console
 * closing, end of input or a signal (see o->result), or a negative XDOM_E*
 * code with err filled for a failure (setting up the terminal, reading
 * or writing). The terminal is restored in every case.
 */
int console_relay(int fd, const struct console_opts *o,
    struct xdom_err *err);

/*
 * Parse an escape key as written in xdom.conf: "^]" (caret notation for
 * a control byte), "ctrl-]", a single character, "0x1d" or "none" (no
 * escape byte: only closing the console or a signal leaves).
 */
int console_escape_parse(const char *spec, unsigned char *out,
    struct xdom_err *err);

/* "Ctrl-]" for 0x1d, "Ctrl-A" for 0x01, "0x80" beyond; buf >= 8 bytes. */
void console_escape_name(unsigned char escape, char *buf, unsigned len);

#endif
