/*
 * conf.c - xl-style `key = value` reader (see conf.h).
 */
#include "core/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileread.h"
#include "core/xmalloc.h"

struct conf_entry {
	char *key;
	char *value;		/* NULL for a list */
	char **items;
	size_t n_items;
};

struct conf {
	struct conf_entry *e;
	size_t n, cap;
};

struct conf_lexer {
	const char *p, *end;
	const char *origin;
	unsigned line;
	struct xdom_err *err;
};

static void
conf_entry_dispose(struct conf_entry *e)
{
	size_t i;

	free(e->key);
	free(e->value);
	for (i = 0; i < e->n_items; i++)
		free(e->items[i]);
	free(e->items);
	memset(e, 0, sizeof *e);
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		conf_entry_dispose(&c->e[i]);
	free(c->e);
	free(c);
}

static int
conf_fail(struct conf_lexer *lx, const char *what)
{
	return xdom_err_set(lx->err, XDOM_EPROTO, "%s:%u: %s", lx->origin,
	    lx->line, what);
}

/* Skip blanks, comments and (if newlines) line ends. */
static void
conf_skip(struct conf_lexer *lx, bool newlines)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\r')
			lx->p++;
		else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '\n' && newlines) {
			lx->line++;
			lx->p++;
		} else
			break;
	}
}

static bool
conf_key_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (first)
		return false;
	return (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* Backslash escapes in quoted strings, as xl's reader takes them. */
static const struct {
	char in, out;
} conf_escapes[] = {
	{ '"', '"' }, { '\'', '\'' }, { '\\', '\\' }, { 'a', '\a' },
	{ 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' },
	{ 't', '\t' }, { 'v', '\v' },
};

static int
conf_digit(char c, int base)
{
	int v = c >= '0' && c <= '9' ? c - '0' :
	    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

	return v < base ? v : -1;
}

/* One escape after the backslash at lx->p[-1]: the byte it stands for
 * into *c; \xHH (1-2 hex digits) and \OOO (1-3 octal digits) too. */
static int
conf_escape(struct conf_lexer *lx, char *c)
{
	int base, max, v = 0, d, n;
	size_t i;

	if (lx->p >= lx->end || *lx->p == '\n')
		return conf_fail(lx, "unterminated string");
	for (i = 0; i < sizeof conf_escapes / sizeof conf_escapes[0]; i++) {
		if (*lx->p == conf_escapes[i].in) {
			*c = conf_escapes[i].out;
			lx->p++;
			return 0;
		}
	}
	if (*lx->p == 'x') {
		lx->p++;
		base = 16;
		max = 2;
	} else if (conf_digit(*lx->p, 8) >= 0) {
		base = 8;
		max = 3;
	} else {
		return conf_fail(lx, "unknown escape in a string (write \\\\ "
		    "for a backslash)");
	}
	for (n = 0; n < max && lx->p < lx->end &&
	    (d = conf_digit(*lx->p, base)) >= 0; n++, lx->p++)
		v = v * base + d;
	if (n == 0)
		return conf_fail(lx, "\\x needs hex digits");
	if (v == 0 || v > 255)
		return conf_fail(lx, "escape for a NUL or out-of-range byte");
	*c = (char)v;
	return 0;
}

/* Read one scalar: quoted string or bare word. Returns a new string. */
static int
conf_scalar(struct conf_lexer *lx, char **out)
{
	const char *start;

	*out = NULL;
	if (lx->p >= lx->end)
		return conf_fail(lx, "missing value");
	if (*lx->p == '"' || *lx->p == '\'') {
		char q = *lx->p++, *buf, *w, c;
		int rc;

		/* the unescaped text is never longer than the quoted */
		start = lx->p;
		buf = w = xmalloc((size_t)(lx->end - start) + 1);
		while (lx->p < lx->end && *lx->p != q) {
			if (*lx->p == '\n' || *lx->p == '\0') {
				free(buf);
				return conf_fail(lx, "unterminated string");
			}
			c = *lx->p++;
			if (c == '\\' && (rc = conf_escape(lx, &c)) != 0) {
				free(buf);
				return rc;
			}
			*w++ = c;
		}
		if (lx->p >= lx->end) {
			free(buf);
			return conf_fail(lx, "unterminated string");
		}
		*w = '\0';
		*out = buf;
		lx->p++;
		return 0;
	}
	start = lx->p;
	while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '#' &&
	    *lx->p != ',' && *lx->p != ']' && *lx->p != ';') {
		if (*lx->p == '\0' || *lx->p == '"' || *lx->p == '\'' ||
		    *lx->p == '[')
			return conf_fail(lx, "unexpected character in value");
		lx->p++;
	}
	while (lx->p > start && (lx->p[-1] == ' ' || lx->p[-1] == '\t' ||
	    lx->p[-1] == '\r'))
		lx->p--;
	if (lx->p == start)
		return conf_fail(lx, "missing value");
	*out = xstrndup(start, (size_t)(lx->p - start));
	return 0;
}

static int
conf_list(struct conf_lexer *lx, struct conf_entry *e)
{
	char *item;
	int rc;

	lx->p++;			/* '[' */
	for (;;) {
		conf_skip(lx, true);
		if (lx->p >= lx->end)
			return conf_fail(lx, "unterminated list");
		if (*lx->p == ']') {
			lx->p++;
			return 0;
		}
		if ((rc = conf_scalar(lx, &item)) != 0)
			return rc;
		e->items = xreallocarray(e->items, e->n_items + 1,
		    sizeof *e->items);
		e->items[e->n_items++] = item;
		conf_skip(lx, true);
		if (lx->p < lx->end && *lx->p == ',')
			lx->p++;
		else if (lx->p < lx->end && *lx->p != ']')
			return conf_fail(lx, "expected ',' or ']' in list");
	}
}

/* key += value (xl): a list gets e's items appended, a string e's text;
 * e is used up either way. */
static int
conf_append(struct conf_entry *old, struct conf_entry *e,
    struct conf_lexer *lx)
{
	size_t i;
	char *v;

	if ((old->value == NULL) != (e->value == NULL))
		return conf_fail(lx, "'+=' adds a list to a list or a string "
		    "to a string");
	if (e->value != NULL) {
		v = xasprintf("%s%s", old->value, e->value);
		free(old->value);
		old->value = v;
	} else {
		old->items = xreallocarray(old->items, old->n_items +
		    e->n_items + 1, sizeof *old->items);
		for (i = 0; i < e->n_items; i++)
			old->items[old->n_items++] = e->items[i];
		e->n_items = 0;
	}
	conf_entry_dispose(e);
	return 0;
}

/*
 * Store e (taking its allocations), replacing an entry with the same key,
 * or, for +=, adding to it. The lookup is linear, so the number of keys
 * is capped: a file of a million one-letter keys must not take minutes.
 */
static int
conf_put(struct conf *c, struct conf_entry *e, bool add,
    struct conf_lexer *lx)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->e[i].key, e->key) == 0) {
			if (add)
				return conf_append(&c->e[i], e, lx);
			conf_entry_dispose(&c->e[i]);
			c->e[i] = *e;
			return 0;
		}
	}
	if (c->n >= CONF_MAX_KEYS)
		return conf_fail(lx, "too many keys");
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->e = xreallocarray(c->e, c->cap, sizeof *c->e);
	}
	c->e[c->n++] = *e;
	return 0;
}

int
conf_parse(struct conf **out, const char *text, size_t len,
    const char *origin, struct xdom_err *err)
{
	struct conf_lexer lx = { text, text + len, origin, 1, err };
	struct conf *c = xcalloc(1, sizeof *c);
	struct conf_entry e;
	const char *start;
	bool add;
	int rc = 0;

	*out = NULL;
	if (len > CONF_MAX_BYTES) {
		rc = xdom_err_set(err, XDOM_EPROTO, "%s: larger than %d bytes",
		    origin, CONF_MAX_BYTES);
		goto out;
	}
	for (;;) {
		memset(&e, 0, sizeof e);
		conf_skip(&lx, true);
		if (lx.p >= lx.end)
			break;
		if (*lx.p == ';') {
			lx.p++;
			continue;
		}
		start = lx.p;
		if (!conf_key_char(*lx.p, true)) {
			rc = conf_fail(&lx, "expected a key");
			goto out;
		}
		while (lx.p < lx.end && conf_key_char(*lx.p, false))
			lx.p++;
		e.key = xstrndup(start, (size_t)(lx.p - start));
		conf_skip(&lx, false);
		add = lx.p + 1 < lx.end && lx.p[0] == '+' && lx.p[1] == '=';
		if (add)
			lx.p++;
		if (lx.p >= lx.end || *lx.p != '=') {
			rc = conf_fail(&lx, "expected '=' after the key");
			conf_entry_dispose(&e);
			goto out;
		}
		lx.p++;
		conf_skip(&lx, false);
		if (lx.p < lx.end && *lx.p == '[')
			rc = conf_list(&lx, &e);
		else
			rc = conf_scalar(&lx, &e.value);
		if (rc != 0) {
			conf_entry_dispose(&e);
			goto out;
		}
		conf_skip(&lx, false);
		if (lx.p < lx.end && *lx.p != '\n' && *lx.p != ';') {
			rc = conf_fail(&lx, "unexpected text after the value");
			conf_entry_dispose(&e);
			goto out;
		}
		if ((rc = conf_put(c, &e, add, &lx)) != 0) {
			conf_entry_dispose(&e);
			goto out;
		}
	}
out:
	if (rc != 0) {
		conf_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int
conf_load(struct conf **out, const char *path, bool must_exist,
    struct xdom_err *err)
{
	char *buf;
	size_t got;
	int rc;

	*out = NULL;
	rc = xdom_file_read(path, CONF_MAX_BYTES, must_exist ? 0 :
	    XDOM_READ_OPTIONAL, &buf, &got, NULL, err);
	if (rc != 0)
		return rc;
	if (buf == NULL) {		/* missing, and that is fine */
		*out = xcalloc(1, sizeof **out);
		return 0;
	}
	rc = conf_parse(out, buf, got, path, err);
	free(buf);
	return rc;
}

static const struct conf_entry *
conf_find(const struct conf *c, const char *key)
{
	size_t i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0)
			return &c->e[i];
	return NULL;
}

const char *
conf_get(const struct conf *c, const char *key)
{
	const struct conf_entry *e = conf_find(c, key);

	return e != NULL ? e->value : NULL;
}

const char *
conf_get_default(const struct conf *c, const char *key, const char *def)
{
	const char *v = conf_get(c, key);

	return v != NULL ? v : def;
}

bool
conf_is_list(const struct conf *c, const char *key)
{
	const struct conf_entry *e = conf_find(c, key);

	return e != NULL && e->value == NULL;
}

size_t
conf_list_len(const struct conf *c, const char *key)
{
	const struct conf_entry *e = conf_find(c, key);

	return e != NULL ? e->n_items : 0;
}

const char *
conf_list_item(const struct conf *c, const char *key, size_t i)
{
	const struct conf_entry *e = conf_find(c, key);

	if (e == NULL || i >= e->n_items)
		return NULL;
	return e->items[i];
}

int
conf_get_long(const struct conf *c, const char *key, long def, long min,
    long max, long *out, struct xdom_err *err)
{
	const char *v = conf_get(c, key);
	char *end;
	long n;

	*out = def;
	if (v == NULL) {
		if (conf_is_list(c, key))
			return xdom_err_set(err, XDOM_EINVAL, "%s: expected a "
			    "number, not a list", key);
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return xdom_err_set(err, XDOM_EINVAL, "%s = %.32s: expected "
		    "a whole number from %ld to %ld", key, v, min, max);
	*out = n;
	return 0;
}
