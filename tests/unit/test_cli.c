/*
 * test_cli.c - pieces of the xdom command line that the integration test
 * cannot reach: xl list's exact layout, escaping of hostile domain names
 * in it, and the number parsers behind -d, -i and --sim-domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"

static char *
list_text(const struct snap *s, bool simulated, char **names, int n,
    int *missing)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*missing = cli_list_print(f, s, simulated, names, n);
	fclose(f);
	return buf;
}

static void
build(struct snap *s)
{
	struct snap_dom *d;

	snap_init(s);
	snap_add_host(s, "localhost");
	d = snap_add_dom(s, 0, 0, "Domain-0");
	d->flags = SNAP_F_RUNNING;
	d->mem_kb = 4096 * 1024;
	d->vcpus_online = 4;
	d->cpu_ns = 1234567890123ull;
	d = snap_add_dom(s, 0, 7, "evil\x1b]0;pwned\x07\nfake-row");
	d->flags = SNAP_F_BLOCKED | SNAP_F_PAUSED | SNAP_F_SHUTDOWN |
	    SNAP_F_CRASHED | SNAP_F_DYING;
	d->mem_kb = 1023;
	d->vcpus_online = 1;
	d = snap_add_dom(s, 0, 3, "web01");
	d->flags = SNAP_F_BLOCKED;
	d->mem_kb = 2048 * 1024;
	d->vcpus_online = 2;
	d->cpu_ns = 50000000;
	snap_finish(s);
}

static void
test_list_layout(void **state)
{
	struct snap s;
	int missing;
	char *out;

	(void)state;
	build(&s);
	out = list_text(&s, false, NULL, 0, &missing);
	assert_int_equal(missing, -1);
	assert_string_equal(out,
	    "Name                                        ID   Mem VCPUs\t"
	    "State\tTime(s)\n"
	    "Domain-0                                     0  4096     4"
	    "     r-----    1234.6\n"
	    "web01                                        3  2048     2"
	    "     -b----       0.1\n"
	    "evil\\x1b]0;pwned\\x07\\x0afake-row             7     0     1"
	    "     -bpscd       0.0\n");
	free(out);
	snap_dispose(&s);
}

static void
test_list_simulated_and_names(void **state)
{
	char *names[] = { "web01", "Domain-0" }, *bad[] = { "web01", "nope" };
	struct snap s;
	int missing;
	char *out;

	(void)state;
	build(&s);
	out = list_text(&s, true, names, 2, &missing);
	assert_int_equal(missing, -1);
	assert_non_null(strstr(out, "SIMULATED"));
	assert_true(strncmp(out, "SIMULATED", 9) == 0);
	assert_true(strstr(out, "web01") < strstr(out, "Domain-0"));
	assert_null(strstr(out, "evil"));
	free(out);
	out = list_text(&s, true, bad, 2, &missing);
	assert_int_equal(missing, 1);
	assert_string_equal(out, "");	/* nothing printed on an error */
	free(out);
	snap_dispose(&s);
}

/* As xl: a number is a domain id, unless a domain has it as its name. */
static void
test_list_by_id(void **state)
{
	char *ids[] = { "0", "3" }, *gone[] = { "42" }, *named[] = { "3", "9" };
	struct snap_dom *d;
	struct snap s;
	uint32_t id;
	int missing;
	char *out;

	(void)state;
	build(&s);
	out = list_text(&s, false, ids, 2, &missing);
	assert_int_equal(missing, -1);
	assert_non_null(strstr(out, "\nDomain-0 "));
	assert_non_null(strstr(out, "\nweb01 "));
	free(out);
	out = list_text(&s, false, gone, 1, &missing);
	assert_int_equal(missing, 0);
	free(out);
	snap_dispose(&s);

	/* A guest named "3" (id 9) beside web01 (id 3): the name wins. */
	snap_init(&s);
	snap_add_host(&s, "localhost");
	d = snap_add_dom(&s, 0, 3, "web01");
	d = snap_add_dom(&s, 0, 9, "3");
	(void)d;
	snap_finish(&s);
	out = list_text(&s, false, named, 2, &missing);
	assert_int_equal(missing, -1);
	assert_null(strstr(out, "web01"));
	assert_non_null(strstr(out, "\n3                                            9 "));
	free(out);
	snap_dispose(&s);

	assert_true(cli_is_domid("0", &id) && id == 0);
	assert_true(cli_is_domid("32752", &id) && id == 32752);
	assert_false(cli_is_domid("", &id));
	assert_false(cli_is_domid("-1", &id));
	assert_false(cli_is_domid("1a", &id));
	assert_false(cli_is_domid(" 1", &id));
	assert_false(cli_is_domid("99999999999", &id));
	assert_false(cli_is_domid("4294967296", &id));
}

static void
test_parsers(void **state)
{
	double d;
	long l;

	(void)state;
	assert_int_equal(cli_parse_seconds("0.2", 0, 86400, &d), 0);
	assert_true(d > 0.19 && d < 0.21);
	assert_int_equal(cli_parse_seconds("3", 0, 86400, &d), 0);
	assert_int_equal(cli_parse_seconds("-1", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_seconds("nan", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_seconds("inf", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_seconds("1e9", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_seconds("1s", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_seconds("", 0, 86400, &d), XDOM_EINVAL);
	assert_int_equal(cli_parse_long("10000", 1, 100000, &l), 0);
	assert_int_equal(l, 10000);
	assert_int_equal(cli_parse_long("0", 1, 100000, &l), XDOM_EINVAL);
	assert_int_equal(cli_parse_long("12x", 1, 100000, &l), XDOM_EINVAL);
	assert_int_equal(cli_parse_long("99999999999999999999", 1, 100000,
	    &l), XDOM_EINVAL);
}

static void
test_opt_name(void **state)
{
	char buf[64];

	(void)state;
	cli_opt_name(buf, sizeof buf, "--backend=x\x1b[1m");
	assert_string_equal(buf, "--backend");
	cli_opt_name(buf, sizeof buf, "--fr\x1bob");
	assert_string_equal(buf, "--fr\\x1bob");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_layout),
		cmocka_unit_test(test_list_simulated_and_names),
		cmocka_unit_test(test_list_by_id),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_opt_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
