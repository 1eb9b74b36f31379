/*
 * term.h - the person's side of xdom-shell: GNU readline line editing
 * (callback mode, so the shell keeps control of signals and the idle
 * timeout), per-user history, tab completion, and questions asked in the
 * middle of a command.
 *
 * Readline is configured so that it only ever edits text: no history
 * expansion (`!`), no file-name completion, no ~/.inputrc. Whatever it
 * returns goes through shell_parse() like any other line.
 */
#ifndef XDOM_SHELL_TERM_H
#define XDOM_SHELL_TERM_H

#include <stdbool.h>

#include "shell/shell.h"

#define SHELL_HISTORY_LINES 500		/* lines kept in ~/.xdom_history */

extern volatile sig_atomic_t shell_winch;	/* SIGWINCH seen */

/*
 * Set readline up for sh. history_path may be NULL (no history file);
 * idle_s is the idle timeout in seconds, 0 for none. Installs the
 * `history` printer and, when stdin is a terminal, the readline-based
 * question function (otherwise questions read a line from stdin).
 */
void shell_term_init(struct shell *sh, const char *history_path,
    long idle_s);

/*
 * Read one command line. On success *line is a new string (caller
 * frees). Returns XDOM_EIO at end of input or on hang-up and
 * XDOM_ETIMEDOUT when the idle timeout expired (a message was printed).
 * The terminal is in its normal mode again when this returns.
 */
int shell_term_read(struct shell *sh, const char *prompt, char **line);

/* Read the terminal's size into sh->cols and sh->rows (0 when sh->out
 * is not a terminal). */
void shell_term_size(struct shell *sh);

/* Remember an accepted line in the history; it is appended to the
 * history file (then cut to SHELL_HISTORY_LINES), never rewritten. */
void shell_term_remember(const char *line);

/* Restore the terminal and free readline state (safe twice). */
void shell_term_done(void);

/*
 * Relay the terminal to a console fd (not closed here) until the escape
 * key (sh->console_escape, Ctrl-] by default) or either side closes; the
 * terminal is restored on every path. A hang-up during the relay sets
 * shell_hangup. name (raw) is for the entry and exit notes.
 */
int shell_console_relay(struct shell *sh, int fd, const char *name,
    struct xdom_err *err);

/*
 * Read a line from fd 0 without readline (non-interactive input), at
 * most len - 1 bytes kept; a longer line is read to its end and refused
 * with XDOM_EINVAL so its tail never becomes a command. XDOM_EIO at end
 * of input or on a hang-up, XDOM_ETIMEDOUT when no byte came for the
 * idle timeout given to shell_term_init() (0 there: wait for ever).
 * *got_len is the length kept.
 */
int shell_read_plain_line(char *buf, size_t len, size_t *got_len);

/* Set the console escape key from xdom.conf's console_escape ("^]"). */
int shell_console_escape_set(struct shell *sh, const char *spec,
    struct xdom_err *err);

#endif
