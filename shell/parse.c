/*
 * parse.c - words from one line of input (see parse.h).
 *
 * Validation comes first and covers the whole line, so a refused line is
 * refused whole: nothing after a bad byte is ever looked at as a command.
 */
#include "shell/parse.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

/* What a line that is not UTF-8 most likely is: bytes 0x80..0x9f are
 * printable only in Windows-1252, the rest of 0xa0..0xff in ISO-8859-1
 * (PuTTY's and old terminals' default). */
static const char *
parse_guess_encoding(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;
	bool c1 = false;

	while (i < len) {
		n = xdom_utf8_decode(s + i, len - i, &cp);
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
	uint32_t cp;

	if (len > SHELL_LINE_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "line too long (%zu "
		    "bytes; the limit is %d): nothing was done", len,
		    SHELL_LINE_MAX);
	while (i < len) {
		n = xdom_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return xdom_err_set(err, XDOM_EINVAL, "invalid UTF-8 "
			    "at byte %zu (0x%02x): input is not UTF-8 (%s?); "
			    "set your terminal to UTF-8: nothing was done",
			    i + 1, s[i], parse_guess_encoding(s, len));
		if (xdom_utf8_is_control(cp) && cp != '\t')
			return xdom_err_set(err, XDOM_EINVAL, "control "
			    "character 0x%02x at byte %zu is not allowed: "
			    "nothing was done", (unsigned)cp, i + 1);
		if (!xdom_utf8_printable(cp) && cp != '\t')
			return xdom_err_set(err, XDOM_EINVAL, "character "
			    "U+%04X at byte %zu is not allowed (it reorders or "
			    "breaks the text shown): nothing was done",
			    (unsigned)cp, i + 1);
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
