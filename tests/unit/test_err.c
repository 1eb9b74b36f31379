/*
 * test_err.c - error values (core/err.c): code texts, control bytes
 * replaced, errno suffix, bounded length, NULL err, a message wrapped in
 * context from itself. Error values carry one
 * printable line a person can act on, whatever went into them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"

static void
test_err_values(void **state)
{
	struct xdom_err err = { 0 };
	char big[2 * XDOM_ERR_MSG_MAX];
	int code;

	(void)state;
	assert_string_equal(xdom_strerror(0), "success");
	assert_string_equal(xdom_strerror(XDOM_ENOENT), "not found");
	assert_string_equal(xdom_strerror(XDOM_E_COUNT * -1), "unknown error");
	assert_string_equal(xdom_strerror(5), "unknown error");
	assert_string_equal(xdom_err_msg(NULL), "unknown error");
	/* no message set: the code's text */
	err.code = XDOM_EBUSY;
	assert_string_equal(xdom_err_msg(&err), "busy");

	code = xdom_err_set(&err, XDOM_EINVAL, "%s: bad\nname\x1b[2J\x7f",
	    "web01");
	assert_int_equal(code, XDOM_EINVAL);
	assert_int_equal(err.code, XDOM_EINVAL);
	assert_string_equal(err.msg, "web01: bad?name?[2J?");

	code = xdom_err_errno(&err, XDOM_EIO, ENOENT, "open %s", "/x");
	assert_int_equal(code, XDOM_EIO);
	assert_string_equal(err.msg, "open /x: No such file or directory");

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	xdom_err_errno(&err, XDOM_EIO, EACCES, "%s", big);
	assert_int_equal(strlen(err.msg), XDOM_ERR_MSG_MAX - 1);
	assert_null(strchr(err.msg, '\n'));

	/* a NULL err is allowed: the code still comes back */
	assert_int_equal(xdom_err_set(NULL, XDOM_EPERM, "x"), XDOM_EPERM);
	assert_int_equal(xdom_err_errno(NULL, XDOM_EIO, EIO, "x"), XDOM_EIO);
	xdom_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(xdom_err_msg(&err), "success");
	xdom_err_clear(NULL);
}

/* Context added to the message an error already holds: the message is
 * one of the arguments (formatting a buffer into itself was undefined). */
static void
test_err_wraps_own_message(void **state)
{
	struct xdom_err err = { 0 };

	(void)state;
	xdom_err_set(&err, XDOM_EINVAL, "unknown action '%s'", "fly");
	xdom_err_set(&err, err.code, "xen_shell_actions: %s", err.msg);
	assert_string_equal(err.msg, "xen_shell_actions: unknown action 'fly'");
	xdom_err_errno(&err, XDOM_EIO, ENOENT, "%s", "open /x");
	xdom_err_set(&err, err.code, "%s (again: %s)", err.msg, err.msg);
	assert_string_equal(err.msg, "open /x: No such file or directory "
	    "(again: open /x: No such file or directory)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_values),
		cmocka_unit_test(test_err_wraps_own_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
