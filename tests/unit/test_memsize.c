/*
 * test_memsize.c - memory sizes: suffixes, the MiB default, garbage,
 * overflow and the short form printed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/memsize.h"

static uint64_t
ok_kib(const char *s)
{
	struct xdom_err err = { 0 };
	uint64_t v = 12345;

	assert_int_equal(memsize_parse(s, &v, &err), 0);
	return v;
}

static void
bad(const char *s, const char *why)
{
	struct xdom_err err = { 0 };
	uint64_t v = 777;

	assert_int_equal(memsize_parse(s, &v, &err), XDOM_EINVAL);
	assert_int_equal(v, 777);	/* untouched on error */
	assert_non_null(strstr(err.msg, why));
	assert_null(strchr(err.msg, '\n'));
}

static void
test_suffixes(void **state)
{
	(void)state;
	assert_int_equal(ok_kib("512"), 512 * 1024);	/* MiB by default */
	assert_int_equal(ok_kib("512m"), 512 * 1024);
	assert_int_equal(ok_kib("512M"), 512 * 1024);
	assert_int_equal(ok_kib("2g"), 2 * 1024 * 1024);
	assert_int_equal(ok_kib("2G"), 2 * 1024 * 1024);
	assert_int_equal(ok_kib("1536k"), 1536);
	assert_int_equal(ok_kib("1t"), UINT64_C(1) << 30);
	assert_int_equal(ok_kib("0"), 0);
	assert_int_equal(ok_kib("007m"), 7 * 1024);
	assert_int_equal(ok_kib("1024t"), UINT64_C(1) << 40);	/* the max */
}

static void
test_garbage(void **state)
{
	(void)state;
	bad("", "empty");
	bad(NULL, "empty");
	bad("g", "whole number");
	bad("-1g", "whole number");
	bad("+1g", "whole number");
	bad(" 1g", "whole number");
	bad("1 g", "unknown unit");
	bad("1.5g", "unknown unit");
	bad("1gb", "unknown unit");
	bad("1x", "unknown unit");
	bad("1g ", "unknown unit");
	bad("0x10", "unknown unit");
	bad("12\n", "unknown unit");
}

static void
test_overflow(void **state)
{
	(void)state;
	bad("1025t", "too large");
	bad("1048577g", "too large");
	bad("18446744073709551615", "too large");
	bad("18446744073709551616", "too large");
	bad("99999999999999999999999999k", "too large");
	bad("17179869184", "too large");	/* 2^34 MiB = 16 PiB */
}

static void
test_message_escaped(void **state)
{
	struct xdom_err err = { 0 };
	uint64_t v;

	(void)state;
	assert_int_equal(memsize_parse("9\x1b[2Jg", &v, &err), XDOM_EINVAL);
	assert_null(strchr(err.msg, '\x1b'));
	assert_non_null(strstr(err.msg, "\\x1b"));
}

static void
test_format(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(memsize_format(8u << 20, buf, sizeof buf), "8g");
	assert_string_equal(memsize_format(768u << 10, buf, sizeof buf),
	    "768m");
	assert_string_equal(memsize_format(1500, buf, sizeof buf), "1500k");
	assert_string_equal(memsize_format(0, buf, sizeof buf), "0");
	assert_string_equal(memsize_format(UINT64_C(3) << 30, buf, sizeof buf),
	    "3t");
	assert_string_equal(memsize_format(1536u << 10, buf, sizeof buf),
	    "1536m");
	/* round trip */
	assert_int_equal(ok_kib(memsize_format(1536u << 10, buf, sizeof buf)),
	    1536u << 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_message_escaped),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
