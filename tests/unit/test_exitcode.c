/*
 * test_exitcode.c - every XDOM_E* code maps to the documented exit
 * status: 0 ok, 2 usage (XDOM_EINVAL), 1 for all the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/exitcode.h"

static void
test_every_code(void **state)
{
	int code;

	(void)state;
	assert_int_equal(xdom_exit_status(0), 0);
	assert_int_equal(xdom_exit_status(XDOM_EINVAL), 2);
	for (code = -1; code > -XDOM_E_COUNT; code--)
		if (code != XDOM_EINVAL)
			assert_int_equal(xdom_exit_status(code), 1);
	assert_int_equal(xdom_exit_status(XDOM_EREASON), 1);
	assert_int_equal(xdom_exit_status(-999), 1);	/* unknown: a failure */
	assert_int_equal(XDOM_EXIT_OK, 0);
	assert_int_equal(XDOM_EXIT_FAIL, 1);
	assert_int_equal(XDOM_EXIT_USAGE, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
