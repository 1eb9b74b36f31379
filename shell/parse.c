/*
 * parse.c - words from one line of input (see parse.h).
 *
 * Validation comes first and covers the whole line, so a refused line is
 * refused whole: nothing after a bad byte is ever looked at as a command.
 */
#include "shell/parse.h"

#include <string.h>

size_t
shell_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned cp;
	size_t n, i;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool
shell_is_control(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	/* U+0080..U+009F are encoded as c2 80..c2 9f. */
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

/* What a line that is not UTF-8 most likely is: bytes 0x80..0x9f are
 * printable only in Windows-1252, the rest of 0xa0..0xff in ISO-8859-1
 * (PuTTY's and old terminals' default). */
static const char *
parse_guess_encoding(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	bool c1 = false;

	while (i < len) {
		n = shell_utf8_len(s + i, len - i);
		if (n == 0) {
			c1 = c1 || (s[i] >= 0x80 && s[i] <= 0x9f);
			n = 1;
		}
		i += n;
	}
	return c1 ? "Windows-1252" : "ISO-8859-1";
}

/* Check the whole line; 0 or XDOM_EINVAL with a message. */
static int
parse_validate(const unsigned char *s, size_t len, struct xdom_err *err)
{
	size_t i = 0, n;

	if (len > SHELL_LINE_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "line too long (%zu "
		    "bytes; the limit is %d): nothing was done", len,
		    SHELL_LINE_MAX);
	while (i < len) {
		n = shell_utf8_len(s + i, len - i);
		if (n == 0)
			return xdom_err_set(err, XDOM_EINVAL, "invalid UTF-8 "
			    "at byte %zu (0x%02x): input is not UTF-8 (%s?); "
			    "set your terminal to UTF-8: nothing was done",
			    i + 1, s[i], parse_guess_encoding(s, len));
		if (shell_is_control(s + i, n) && s[i] != '\t')
			return xdom_err_set(err, XDOM_EINVAL, "control "
			    "character 0x%02x at byte %zu is not allowed: "
			    "nothing was done", n == 1 ? s[i] : s[i + 1],
			    i + 1);
		i += n;
	}
	return 0;
}

int
shell_parse(struct shell_args *out, const char *line, size_t len,
    struct xdom_err *err)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, o = 0;
	int rc;

	out->argc = 0;
	out->argv[0] = NULL;
	rc = parse_validate(s, len, err);
	if (rc != 0)
		return rc;
	for (;;) {
		char quote = 0;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (out->argc == SHELL_ARGS_MAX) {
			out->argc = 0;
			out->argv[0] = NULL;
			return xdom_err_set(err, XDOM_EINVAL, "too many words "
			    "(the limit is %d): nothing was done",
			    SHELL_ARGS_MAX);
		}
		out->argv[out->argc++] = out->buf + o;
		while (i < len) {
			unsigned char c = s[i];

			if (quote == 0 && (c == ' ' || c == '\t'))
				break;
			if (quote == 0 && (c == '\'' || c == '"')) {
				quote = (char)c;
				i++;
				continue;
			}
			if (quote != 0 && c == (unsigned char)quote) {
				quote = 0;
				i++;
				continue;
			}
			if (c == '\\' && quote != '\'') {
				if (i + 1 == len) {
					out->argc = 0;
					out->argv[0] = NULL;
					return xdom_err_set(err, XDOM_EINVAL,
					    "a backslash ends the line: "
					    "nothing was done");
				}
				/* Inside "..." only \" and \\ are escapes. */
				if (quote == 0 || s[i + 1] == '"' ||
				    s[i + 1] == '\\')
					i++;
				c = s[i];
			}
			if (c == '\t') {
				/* A tab only separates words. */
				out->argc = 0;
				out->argv[0] = NULL;
				return xdom_err_set(err, XDOM_EINVAL, "control "
				    "character 0x09 inside a word is not "
				    "allowed: nothing was done");
			}
			out->buf[o++] = (char)c;
			i++;
		}
		if (quote != 0) {
			out->argc = 0;
			out->argv[0] = NULL;
			return xdom_err_set(err, XDOM_EINVAL, "unterminated "
			    "%s quote: nothing was done",
			    quote == '"' ? "double" : "single");
		}
		out->buf[o++] = '\0';
	}
	out->argv[out->argc] = NULL;
	return 0;
}
