/*
 * escape.c - escaping for display, and the name rule (see escape.h).
 */
#include "core/escape.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

/* Length of a valid UTF-8 sequence of printable text at s, or 0. The
 * string is NUL-terminated: the decoder stops at a NUL, which is not a
 * continuation byte, so a truncated sequence is never read past. */
static size_t
escape_utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n = xdom_utf8_decode(s, 4, &cp);

	return n > 0 && xdom_utf8_printable(cp) ? n : 0;
}

size_t
xdom_escape(char *dst, size_t len, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t need = 0, n;
	bool room = len > 0;

	while (*s != '\0') {
		char piece[4];
		const char *out;

		n = escape_utf8_len(s);
		if (n > 0 && *s != '\\') {
			out = (const char *)s;
		} else if (*s == '\\') {
			piece[0] = '\\';
			piece[1] = '\\';
			out = piece;
			n = 2;
		} else {
			out = NULL;
			n = 4;
		}
		if (room && need + n < len) {
			if (out != NULL)
				memcpy(dst + need, out, n);
			else {
				dst[need] = '\\';
				dst[need + 1] = 'x';
				dst[need + 2] = hex[*s >> 4];
				dst[need + 3] = hex[*s & 0xf];
			}
		} else if (room) {
			dst[need] = '\0';
			room = false;
		}
		need += n;
		s += (out == (const char *)s) ? n : 1;
	}
	if (room)
		dst[need] = '\0';
	return need;
}

bool
xdom_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > XDOM_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return false;
	}
	return true;
}
