/*
 * argvtpl.h - expand a command template from xdom.conf into a fixed argv,
 * for programs xdom runs on an admin's behalf (re-image, backup), never
 * through a shell.
 *
 *   reimage_command = "xen-create-image --hostname=%n --force --dist=bookworm"
 *
 * The template is split into words at blanks; single or double quotes
 * group blanks into a word (no escapes inside them, no other shell
 * syntax: $, `, ;, | and the like are ordinary bytes of a word). Then in
 * each word `%X` is replaced by the value of variable X, and `%%` by a
 * percent sign. A value never splits into more words, whatever it holds.
 * An unknown %X, an unterminated quote, an empty template or a value that
 * fails its check is an error naming what was wrong.
 */
#ifndef XDOM_CORE_ARGVTPL_H
#define XDOM_CORE_ARGVTPL_H

#include <stddef.h>

#include "core/err.h"

#define ARGVTPL_MAX_WORDS 64
#define ARGVTPL_MAX_LEN 4096	/* longest template and longest word */

/* One variable: %key expands to value. */
struct argvtpl_var {
	char key;
	const char *value;
};

/*
 * Expand tpl with vars. On success *argv_out is a NULL-terminated array
 * the caller frees with argvtpl_free(), and *argc_out (may be NULL) its
 * length. The variable 'n' (the domain name), when given, must pass
 * xdom_name_valid(): the caller cannot forget to check it.
 */
int argvtpl_expand(const char *tpl, const struct argvtpl_var *vars,
    size_t n_vars, char ***argv_out, size_t *argc_out,
    struct xdom_err *err);
void argvtpl_free(char **argv);

#endif
