/*
 * test_escape.c - display escaping and the name rule (core/escape.c):
 * plain text kept, controls and invalid UTF-8 shown as \xNN, truncation
 * never splits an escape or a character, names that are safe as paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/escape.h"

static const char *
esc(const char *s)
{
	static char buf[256];

	xdom_escape(buf, sizeof buf, s);
	return buf;
}

static void
test_escape_plain(void **state)
{
	(void)state;
	assert_string_equal(esc(""), "");
	assert_string_equal(esc("web01"), "web01");
	assert_string_equal(esc("cust-alice web"), "cust-alice web");
	assert_string_equal(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void
test_escape_controls(void **state)
{
	(void)state;
	assert_string_equal(esc("a\nb"), "a\\x0ab");
	assert_string_equal(esc("\t\r\x01\x7f"), "\\x09\\x0d\\x01\\x7f");
	assert_string_equal(esc("back\\slash"), "back\\\\slash");
	/* Terminal escape sequences lose their ESC, so they cannot act. */
	assert_string_equal(esc("\x1b[2J\x1b]0;owned\x07"),
	    "\\x1b[2J\\x1b]0;owned\\x07");
	/* C1 controls (CSI as U+009B), bidi overrides, line separators. */
	assert_string_equal(esc("\xc2\x9b" "31m"), "\\xc2\\x9b31m");
	assert_string_equal(esc("a\xe2\x80\xae" "b"), "a\\xe2\\x80\\xaeb");
	assert_string_equal(esc("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");
}

static void
test_escape_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(esc("\xff"), "\\xff");
	assert_string_equal(esc("\xc3"), "\\xc3");		/* cut short */
	assert_string_equal(esc("\xc3x"), "\\xc3x");
	assert_string_equal(esc("\xc0\xaf"), "\\xc0\\xaf");	/* overlong */
	assert_string_equal(esc("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");	/* UTF-16 surrogate */
	assert_string_equal(esc("\xf4\x90\x80\x80"),
	    "\\xf4\\x90\\x80\\x80");				/* > U+10FFFF */
	assert_string_equal(esc("\x80z"), "\\x80z");		/* lone continuation */
}

static void
test_escape_truncation(void **state)
{
	char buf[8];
	size_t need;

	(void)state;
	need = xdom_escape(buf, sizeof buf, "abcdefghij");
	assert_int_equal(need, 10);
	assert_string_equal(buf, "abcdefg");

	/* An escape that does not fit whole is left out, never split. */
	need = xdom_escape(buf, sizeof buf, "abcde\x1b");
	assert_int_equal(need, 9);
	assert_string_equal(buf, "abcde");
	need = xdom_escape(buf, sizeof buf, "abcdef\\");
	assert_int_equal(need, 8);
	assert_string_equal(buf, "abcdef");
	/* And a multibyte character is not split either. */
	need = xdom_escape(buf, sizeof buf, "abcdef\xc3\xa9");
	assert_int_equal(need, 8);
	assert_string_equal(buf, "abcdef");
	/* Nothing after a cut, even when it would fit. */
	need = xdom_escape(buf, sizeof buf, "abcde\x1bz");
	assert_string_equal(buf, "abcde");
	assert_int_equal(need, 10);

	/* Exactly fitting, and the size-1 and size-0 cases. */
	need = xdom_escape(buf, sizeof buf, "abcdefg");
	assert_int_equal(need, 7);
	assert_string_equal(buf, "abcdefg");
	buf[0] = 'x';
	assert_int_equal(xdom_escape(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(xdom_escape(buf, 0, "abc\n"), 7);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(xdom_escape(NULL, 0, "\x01"), 4);
}

static void
test_name_valid(void **state)
{
	char longname[XDOM_NAME_MAX + 2];

	(void)state;
	assert_true(xdom_name_valid("web01"));
	assert_true(xdom_name_valid("cust-alice_web.2"));
	assert_true(xdom_name_valid("Domain-0"));
	assert_false(xdom_name_valid(""));
	assert_false(xdom_name_valid("-rf"));
	assert_false(xdom_name_valid(".hidden"));
	assert_false(xdom_name_valid("a/b"));
	assert_false(xdom_name_valid("../etc"));
	assert_false(xdom_name_valid("a b"));
	assert_false(xdom_name_valid("a;b"));
	assert_false(xdom_name_valid("caf\xc3\xa9"));
	assert_false(xdom_name_valid("a\nb"));
	memset(longname, 'a', sizeof longname);
	longname[XDOM_NAME_MAX] = '\0';
	assert_true(xdom_name_valid(longname));
	longname[XDOM_NAME_MAX] = 'a';
	longname[XDOM_NAME_MAX + 1] = '\0';
	assert_false(xdom_name_valid(longname));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_invalid_utf8),
		cmocka_unit_test(test_escape_truncation),
		cmocka_unit_test(test_name_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
