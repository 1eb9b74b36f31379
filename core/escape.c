/*
 * escape.c - escaping for display, and the name rule (see escape.h).
 */
#include "core/escape.h"

#include <string.h>

/* Length of a valid UTF-8 sequence of printable text at s, or 0. */
static size_t
escape_utf8_len(const unsigned char *s)
{
	unsigned cp;
	size_t n, i;

	if (s[0] < 0x80)
		return (s[0] >= 0x20 && s[0] != 0x7f) ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;		/* overlong, out of range, surrogate */
	if (cp >= 0x80 && cp < 0xa0)
		return 0;		/* C1 controls */
	if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;		/* line separators, bidi overrides */
	return n;
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
