/*
 * parse.h - turn one line typed at xdom-shell into words.
 *
 * The shell is a command interpreter, not a Unix shell: `;`, `|`, `&`,
 * `$(...)`, backticks, `!`, `*`, `~` and `#` are ordinary text that ends up
 * inside a word. Only whitespace separates words, and quoting exists just
 * so a word may hold a space:
 *
 *   'text'     literal, up to the next single quote
 *   "text"     literal except \" and \\
 *   \c         outside quotes: c taken literally
 *
 * Lines are refused, with a message that says why, when they are longer
 * than SHELL_LINE_MAX bytes, hold a control character (a tab counts as a
 * space between words, never inside one), hold invalid UTF-8 or a character
 * that reorders what is shown (bidi overrides, line separators: see
 * core/utf8.h, the one decoder), have an unterminated quote or more than
 * SHELL_ARGS_MAX words. Nothing here allocates; the parser only reads
 * core/ code, so a fuzzer can build it from source.
 */
#ifndef XDOM_SHELL_PARSE_H
#define XDOM_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define SHELL_LINE_MAX 1024	/* longest accepted line, in bytes */
#define SHELL_ARGS_MAX 16	/* most words on one line */

/* The words of one line. argv points into buf; argv[argc] is NULL. */
struct shell_args {
	int argc;
	char *argv[SHELL_ARGS_MAX + 1];
	char buf[SHELL_LINE_MAX + 2];
};

/*
 * Split line (len bytes, need not be NUL-terminated; a NUL inside is a
 * control character) into out. Returns 0, or XDOM_EINVAL with a one-line
 * message in err; out->argc is 0 after a failure. An empty or all-blank
 * line gives argc 0.
 */
int shell_parse(struct shell_args *out, const char *line, size_t len,
    struct xdom_err *err);

#endif
