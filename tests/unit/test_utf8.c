/*
 * test_utf8.c - the strict decoder (every 1- and 2-byte input, overlong,
 * surrogate, out-of-range and truncated forms), the character classes,
 * and xdom_text_visible() against every invisible code point a "reason
 * required" check must not take for a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/utf8.h"

/* Encode cp (valid scalar value) into buf; returns the length. The
 * test's own encoder, so the decoder is checked against something. */
static size_t
enc(uint32_t cp, char *buf)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | cp >> 18);
	b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static size_t
dec(const char *s, size_t n, uint32_t *cp)
{
	return xdom_utf8_decode((const unsigned char *)s, n, cp);
}

static void
test_decode_roundtrip(void **state)
{
	char buf[4];
	uint32_t cp, got;
	size_t n;

	(void)state;
	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = enc(cp, buf);
		got = 0xffffffffu;
		assert_int_equal(dec(buf, n, &got), n);
		assert_int_equal(got, cp);
		/* one byte short is never a character */
		if (n > 1)
			assert_int_equal(dec(buf, n - 1, &got), 0);
	}
}

static void
test_decode_invalid(void **state)
{
	uint32_t cp = 7;
	int b;

	(void)state;
	assert_int_equal(dec("", 0, &cp), 0);
	for (b = 0x80; b < 0xc2; b++) {		/* continuations, c0, c1 */
		char s[2] = { (char)b, 'a' };

		assert_int_equal(dec(s, 2, &cp), 0);
	}
	for (b = 0xf5; b <= 0xff; b++) {
		char s[4] = { (char)b, (char)0x80, (char)0x80, (char)0x80 };

		assert_int_equal(dec(s, 4, &cp), 0);
	}
	assert_int_equal(dec("\xc0\xaf", 2, &cp), 0);		/* overlong / */
	assert_int_equal(dec("\xe0\x80\xaf", 3, &cp), 0);
	assert_int_equal(dec("\xf0\x80\x80\xaf", 4, &cp), 0);
	assert_int_equal(dec("\xed\xa0\x80", 3, &cp), 0);	/* U+D800 */
	assert_int_equal(dec("\xed\xbf\xbf", 3, &cp), 0);	/* U+DFFF */
	assert_int_equal(dec("\xf4\x90\x80\x80", 4, &cp), 0);	/* >10FFFF */
	assert_int_equal(dec("\xe2\x82x", 3, &cp), 0);	/* not continued */
	assert_int_equal(dec("\xe2\x00\xac", 3, &cp), 0);	/* NUL inside */
	assert_int_equal(cp, 7);	/* untouched on failure */
	assert_int_equal(dec("\0", 1, &cp), 1);
	assert_int_equal(cp, 0);
	assert_int_equal(dec("\xe2\x82\xac", 3, NULL), 3);	/* cp optional */
}

static void
test_classes(void **state)
{
	uint32_t cp;

	(void)state;
	for (cp = 0; cp < 0x20; cp++)
		assert_true(xdom_utf8_is_control(cp));
	for (cp = 0x7f; cp < 0xa0; cp++)
		assert_true(xdom_utf8_is_control(cp));
	assert_false(xdom_utf8_is_control(' '));
	assert_false(xdom_utf8_is_control(0xa0));
	for (cp = 0x202a; cp <= 0x202e; cp++)	/* LRE RLE PDF LRO RLO */
		assert_false(xdom_utf8_printable(cp));
	for (cp = 0x2066; cp <= 0x2069; cp++)	/* LRI RLI FSI PDI */
		assert_false(xdom_utf8_printable(cp));
	assert_false(xdom_utf8_printable(0x2028));
	assert_false(xdom_utf8_printable(0x2029));
	assert_false(xdom_utf8_printable(0x85));
	assert_false(xdom_utf8_printable('\t'));
	assert_true(xdom_utf8_printable('a'));
	assert_true(xdom_utf8_printable(0xe9));
	assert_true(xdom_utf8_printable(0x1f600));
	assert_true(xdom_utf8_printable(0x200b));	/* shown as nothing */
	assert_false(xdom_utf8_invisible('a'));
	assert_false(xdom_utf8_invisible(0x1f600));
	assert_false(xdom_utf8_invisible(0x65e5));
}

/* Each of these alone, repeated, or mixed with blanks is no reason. */
static const uint32_t invisible[] = {
	0x0020, 0x0085, 0x00a0, 0x00ad,
	0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
	0x2008, 0x2009, 0x200a,
	0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202f, 0x205f, 0x2060,
	0x2061, 0x2062, 0x2063, 0x2064, 0x1680, 0x180e, 0x034f, 0x115f,
	0x1160, 0x3164, 0xffa0, 0x3000, 0xfeff, 0xfe00, 0xfe0f, 0xe0001,
	0xe0020, 0xe007f,
};

static void
test_text_visible(void **state)
{
	char s[64], ch[4];
	size_t i, n;

	(void)state;
	assert_false(xdom_text_visible(NULL));
	assert_false(xdom_text_visible(""));
	assert_false(xdom_text_visible("   "));
	assert_true(xdom_text_visible("4711"));
	assert_true(xdom_text_visible(" ticket 4711 "));
	assert_true(xdom_text_visible("caf\xc3\xa9"));
	assert_true(xdom_text_visible("\xe6\x97\xa5"));
	/* around a visible character, other bytes do not matter */
	assert_true(xdom_text_visible("ok\xff"));
	assert_true(xdom_text_visible("t1\" result=ok\nforged=1"));
	assert_true(xdom_text_visible("\xe2\x80\xae" "ok"));
	/* but are nothing by themselves */
	assert_false(xdom_text_visible("\xff\xfe\xc0\xaf"));
	assert_false(xdom_text_visible("\t\r\n\x1b\x7f"));
	assert_false(xdom_text_visible("\xe2\x80\xae\xe2\x81\xa6\xe2\x80\xa8"));
	/* printable: a line a person may type */
	assert_true(xdom_text_printable(""));
	assert_true(xdom_text_printable("ticket \xc2\xa0 4711 caf\xc3\xa9"));
	assert_false(xdom_text_printable(NULL));
	assert_false(xdom_text_printable("ok\xff"));
	assert_false(xdom_text_printable("ok\t"));
	assert_false(xdom_text_printable("ok\xe2\x80\xae"));
	assert_false(xdom_text_printable("ok\xc2\x85"));
	for (i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
		assert_true(xdom_utf8_invisible(invisible[i]));
		n = enc(invisible[i], ch);
		memcpy(s, ch, n);
		s[n] = '\0';
		assert_false(xdom_text_visible(s));
		memcpy(s, ch, n);
		memcpy(s + n, " ", 1);
		memcpy(s + n + 1, ch, n);
		s[2 * n + 1] = '\0';
		assert_false(xdom_text_visible(s));
		/* with one visible character, it is a reason */
		memcpy(s + 2 * n + 1, "7", 2);
		assert_true(xdom_text_visible(s));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_roundtrip),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_text_visible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
