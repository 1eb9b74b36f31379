/*
 * argvtpl.c - command templates to argv (see argvtpl.h).
 */
#include "core/argvtpl.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/xmalloc.h"

void
argvtpl_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static const char *
argvtpl_lookup(const struct argvtpl_var *vars, size_t n_vars, char key)
{
	size_t i;

	for (i = 0; i < n_vars; i++)
		if (vars[i].key == key)
			return vars[i].value != NULL ? vars[i].value : "";
	return NULL;
}

/* Append n bytes to word (len, capped at ARGVTPL_MAX_LEN). */
static int
argvtpl_append(char *word, size_t *len, const char *s, size_t n,
    struct xdom_err *err)
{
	if (n > ARGVTPL_MAX_LEN - *len)
		return xdom_err_set(err, XDOM_EINVAL, "command template: a "
		    "word is longer than %d bytes", ARGVTPL_MAX_LEN);
	memcpy(word + *len, s, n);
	*len += n;
	word[*len] = '\0';
	return 0;
}

int
argvtpl_expand(const char *tpl, const struct argvtpl_var *vars,
    size_t n_vars, char ***argv_out, size_t *argc_out, struct xdom_err *err)
{
	char word[ARGVTPL_MAX_LEN + 1];
	char **argv = NULL;
	const char *p = tpl, *v;
	size_t argc = 0, len = 0, i;
	bool in_word = false;
	char quote = 0;
	int rc = 0;

	*argv_out = NULL;
	if (argc_out != NULL)
		*argc_out = 0;
	if (tpl == NULL || strlen(tpl) > ARGVTPL_MAX_LEN)
		return xdom_err_set(err, XDOM_EINVAL, "command template "
		    "missing or longer than %d bytes", ARGVTPL_MAX_LEN);
	for (i = 0; i < n_vars; i++) {
		if (vars[i].key == 'n' && !xdom_name_valid(vars[i].value))
			return xdom_err_set(err, XDOM_EINVAL, "invalid domain "
			    "name for a command");
	}
	argv = xcalloc(ARGVTPL_MAX_WORDS + 1, sizeof *argv);
	word[0] = '\0';
	for (;; p++) {
		char c = *p;

		if (c == '\0' || (quote == 0 && (c == ' ' || c == '\t' ||
		    c == '\n'))) {
			if (c == '\0' && quote != 0) {
				rc = xdom_err_set(err, XDOM_EINVAL, "command "
				    "template: unterminated %c quote", quote);
				goto out;
			}
			if (in_word) {
				if (argc == ARGVTPL_MAX_WORDS) {
					rc = xdom_err_set(err, XDOM_EINVAL,
					    "command template: more than %d "
					    "words", ARGVTPL_MAX_WORDS);
					goto out;
				}
				argv[argc++] = xstrdup(word);
				len = 0;
				word[0] = '\0';
				in_word = false;
			}
			if (c == '\0')
				break;
			continue;
		}
		in_word = true;
		if (quote == 0 && (c == '\'' || c == '"')) {
			quote = c;
			continue;
		}
		if (quote != 0 && c == quote) {
			quote = 0;
			continue;
		}
		if (c == '%') {
			if (p[1] == '%') {
				p++;
				rc = argvtpl_append(word, &len, "%", 1, err);
			} else if (p[1] == '\0' || (v = argvtpl_lookup(vars,
			    n_vars, p[1])) == NULL) {
				rc = xdom_err_set(err, XDOM_EINVAL, "command "
				    "template: unknown %%%c", p[1] != '\0' &&
				    p[1] > ' ' && p[1] < 0x7f ? p[1] : '?');
			} else {
				p++;
				rc = argvtpl_append(word, &len, v, strlen(v),
				    err);
			}
		} else {
			rc = argvtpl_append(word, &len, &c, 1, err);
		}
		if (rc != 0)
			goto out;
	}
	if (argc == 0) {
		rc = xdom_err_set(err, XDOM_EINVAL, "command template is "
		    "empty");
		goto out;
	}
out:
	if (rc != 0) {
		argvtpl_free(argv);
		return rc;
	}
	*argv_out = argv;
	if (argc_out != NULL)
		*argc_out = argc;
	return 0;
}
