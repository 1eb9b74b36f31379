/*
 * utf8.c - strict UTF-8 decoding and character classes (see utf8.h).
 */
#include "core/utf8.h"

#include <string.h>

size_t
xdom_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	uint32_t v;
	size_t n, i;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80) {
		n = 1;
		v = s[0];
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		v = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		v = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		v = s[0] & 0x07;
	} else {
		return 0;	/* continuation byte, c0/c1, f5..ff */
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;		/* overlong, out of range, surrogate */
	if (cp != NULL)
		*cp = v;
	return n;
}

bool
xdom_utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

bool
xdom_utf8_printable(uint32_t cp)
{
	if (xdom_utf8_is_control(cp))
		return false;
	if (cp == 0x2028 || cp == 0x2029)
		return false;		/* line, paragraph separator */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return false;		/* bidi embeddings, overrides, isolates */
	return true;
}

/* Inclusive ranges of code points that show nothing: White_Space and
 * Default_Ignorable_Code_Point of Unicode 15 (controls are tested apart). */
static const struct {
	uint32_t lo, hi;
} utf8_invisible[] = {
	{ .lo = 0x0020, .hi = 0x0020 },		/* space */
	{ .lo = 0x00a0, .hi = 0x00a0 },		/* no-break space */
	{ .lo = 0x00ad, .hi = 0x00ad },		/* soft hyphen */
	{ .lo = 0x034f, .hi = 0x034f },		/* combining grapheme joiner */
	{ .lo = 0x061c, .hi = 0x061c },		/* Arabic letter mark */
	{ .lo = 0x115f, .hi = 0x1160 },		/* Hangul choseong/jungseong fillers */
	{ .lo = 0x1680, .hi = 0x1680 },		/* Ogham space mark */
	{ .lo = 0x17b4, .hi = 0x17b5 },		/* Khmer inherent vowels */
	{ .lo = 0x180b, .hi = 0x180f },		/* Mongolian selectors, vowel separator */
	{ .lo = 0x2000, .hi = 0x200f },		/* en quad..hair space, ZWSP, ZWNJ, ZWJ, LRM, RLM */
	{ .lo = 0x2028, .hi = 0x202f },		/* separators, bidi, narrow NBSP */
	{ .lo = 0x205f, .hi = 0x206f },		/* medium math space, word joiner, invisible operators, isolates */
	{ .lo = 0x3000, .hi = 0x3000 },		/* ideographic space */
	{ .lo = 0x3164, .hi = 0x3164 },		/* Hangul filler */
	{ .lo = 0xfe00, .hi = 0xfe0f },		/* variation selectors */
	{ .lo = 0xfeff, .hi = 0xfeff },		/* BOM, zero-width no-break space */
	{ .lo = 0xffa0, .hi = 0xffa0 },		/* halfwidth Hangul filler */
	{ .lo = 0xfff0, .hi = 0xfff8 },		/* unassigned, default ignorable */
	{ .lo = 0x1bca0, .hi = 0x1bca3 },	/* shorthand format controls */
	{ .lo = 0x1d173, .hi = 0x1d17a },	/* musical format controls */
	{ .lo = 0xe0000, .hi = 0xe0fff },	/* tags, variation selectors supplement */
};

bool
xdom_utf8_invisible(uint32_t cp)
{
	size_t i;

	if (xdom_utf8_is_control(cp))
		return true;
	for (i = 0; i < sizeof utf8_invisible / sizeof utf8_invisible[0]; i++)
		if (cp >= utf8_invisible[i].lo && cp <= utf8_invisible[i].hi)
			return true;
	return false;
}

/* One pass over s: whether every character is valid and printable, and
 * whether one of them is visible. */
static void
utf8_scan(const char *s, bool *printable, bool *visible)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, left;
	uint32_t cp;

	*printable = true;
	*visible = false;
	for (left = strlen(s); left > 0; p += n, left -= n) {
		n = xdom_utf8_decode(p, left, &cp);
		if (n == 0 || !xdom_utf8_printable(cp))
			*printable = false;
		else if (!xdom_utf8_invisible(cp))
			*visible = true;
		if (n == 0)
			n = 1;		/* an invalid byte shows nothing */
	}
}

bool
xdom_text_visible(const char *s)
{
	bool printable, visible;

	if (s == NULL)
		return false;
	utf8_scan(s, &printable, &visible);
	return visible;
}

bool
xdom_text_printable(const char *s)
{
	bool printable, visible;

	if (s == NULL)
		return false;
	utf8_scan(s, &printable, &visible);
	return printable;
}
