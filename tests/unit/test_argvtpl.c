/*
 * test_argvtpl.c - the command-template expansion used for re-image and
 * backup commands (core/argvtpl.c): one word per value, quoting, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/argvtpl.h"
#include "core/err.h"

static void
test_argvtpl_expand(void **state)
{
	const struct argvtpl_var vars[] = {
		{'n', "web01"}, {'c', "/etc/xen/web01.cfg"},
		{'x', "a b;$(rm -rf /)'\""},
	};
	struct xdom_err err = {0};
	char **argv;
	size_t argc;

	(void)state;
	assert_int_equal(argvtpl_expand("xen-create-image --hostname=%n "
	    "--force  --config '%c' \"two words\" 100%% %x", vars, 3, &argv,
	    &argc, &err), 0);
	assert_int_equal(argc, 8);
	assert_string_equal(argv[0], "xen-create-image");
	assert_string_equal(argv[1], "--hostname=web01");
	assert_string_equal(argv[2], "--force");
	assert_string_equal(argv[3], "--config");
	assert_string_equal(argv[4], "/etc/xen/web01.cfg");
	assert_string_equal(argv[5], "two words");
	assert_string_equal(argv[6], "100%");
	/* A value is one word, whatever it holds. */
	assert_string_equal(argv[7], "a b;$(rm -rf /)'\"");
	assert_null(argv[8]);
	argvtpl_free(argv);
	/* Empty quotes give an empty word. */
	assert_int_equal(argvtpl_expand("cp '' x", vars, 3, &argv, &argc,
	    &err), 0);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[1], "");
	argvtpl_free(argv);
	argvtpl_free(NULL);
}

static void
test_argvtpl_errors(void **state)
{
	const struct argvtpl_var good[] = {{'n', "web01"}};
	const struct argvtpl_var evil[] = {{'n', "../../etc"}};
	const struct argvtpl_var evil2[] = {{'n', "-rf"}};
	struct xdom_err err = {0};
	char **argv = (char **)1;
	char *big;
	int i;

	(void)state;
	assert_int_equal(argvtpl_expand("cmd %q", good, 1, &argv, NULL, &err),
	    XDOM_EINVAL);
	assert_null(argv);
	assert_non_null(strstr(err.msg, "%q"));
	assert_int_equal(argvtpl_expand("cmd %", good, 1, &argv, NULL, &err),
	    XDOM_EINVAL);
	assert_int_equal(argvtpl_expand("cmd 'open", good, 1, &argv, NULL,
	    &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "unterminated"));
	assert_int_equal(argvtpl_expand("   ", good, 1, &argv, NULL, &err),
	    XDOM_EINVAL);
	assert_int_equal(argvtpl_expand(NULL, good, 1, &argv, NULL, &err),
	    XDOM_EINVAL);
	assert_int_equal(argvtpl_expand("cmd %n", evil, 1, &argv, NULL,
	    &err), XDOM_EINVAL);
	assert_int_equal(argvtpl_expand("cmd %n", evil2, 1, &argv, NULL,
	    &err), XDOM_EINVAL);
	big = malloc(ARGVTPL_MAX_WORDS * 2 + 10);
	for (i = 0; i < ARGVTPL_MAX_WORDS + 1; i++) {
		big[2 * i] = 'a';
		big[2 * i + 1] = ' ';
	}
	big[2 * i] = '\0';
	assert_int_equal(argvtpl_expand(big, good, 1, &argv, NULL, &err),
	    XDOM_EINVAL);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argvtpl_expand),
		cmocka_unit_test(test_argvtpl_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
