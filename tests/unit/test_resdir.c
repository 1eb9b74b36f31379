/*
 * test_resdir.c - save and image paths from xdom.conf (core/resdir.h)
 * and the resource actions of the policy: names only, never a path, and
 * nothing granted unless a rule names it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/conf.h"
#include "core/policy.h"
#include "core/resdir.h"

static struct conf *
conf_of(const char *text)
{
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	assert_int_equal(conf_parse(&c, text, strlen(text), "test", &err), 0);
	return c;
}

static void
test_dirs(void **state)
{
	struct conf *c;

	(void)state;
	assert_string_equal(resdir_save_dir(NULL), RESDIR_SAVE_DEFAULT);
	assert_null(resdir_block_dir(NULL));
	c = conf_of("save_dir = /srv/save\nblock_dir = '/srv/disks'\n");
	assert_string_equal(resdir_save_dir(c), "/srv/save");
	assert_string_equal(resdir_block_dir(c), "/srv/disks");
	conf_free(c);
	c = conf_of("save_dir = ''\nblock_dir = ''\n");
	assert_string_equal(resdir_save_dir(c), RESDIR_SAVE_DEFAULT);
	assert_null(resdir_block_dir(c));
	conf_free(c);
}

static void
test_paths(void **state)
{
	struct xdom_err err = { 0 };
	char buf[64];
	static const char *const bad[] = { "", "..", "../etc", "a/b", "/a",
		".hidden", "-rf", "web 01", "web\n01", NULL };
	size_t i;

	(void)state;
	assert_int_equal(resdir_save_path("/srv/save", "web01", buf,
	    sizeof buf, &err), 0);
	assert_string_equal(buf, "/srv/save/web01.save");
	assert_int_equal(resdir_save_path("/srv/save/", "web01", buf,
	    sizeof buf, &err), 0);
	assert_string_equal(buf, "/srv/save/web01.save");
	assert_int_equal(resdir_image_path("/srv/disks", "web01", "data.img",
	    buf, sizeof buf, &err), 0);
	assert_string_equal(buf, "/srv/disks/web01/data.img");
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(resdir_save_path("/srv", bad[i], buf,
		    sizeof buf, &err), XDOM_EINVAL);
		assert_int_equal(resdir_image_path("/srv", "web01", bad[i],
		    buf, sizeof buf, &err), XDOM_EINVAL);
		assert_int_equal(resdir_image_path("/srv", bad[i], "x.img",
		    buf, sizeof buf, &err), XDOM_EINVAL);
	}
	assert_int_equal(resdir_save_path(NULL, NULL, buf, sizeof buf, &err),
	    XDOM_EINVAL);
	/* A relative directory is the admin's mistake, said so. */
	assert_int_equal(resdir_save_path("save", "web01", buf, sizeof buf,
	    &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "save_dir"));
	assert_int_equal(resdir_image_path("disks", "web01", "a", buf,
	    sizeof buf, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "block_dir"));
	/* Too long for the buffer: refused, never cut. */
	assert_int_equal(resdir_save_path("/a-long-directory-name/that-goes-"
	    "on-and-on", "web01-with-a-long-name", buf, sizeof buf, &err),
	    XDOM_EINVAL);
}

static void
test_policy_actions(void **state)
{
	static const char *const names[] = { "vcpus", "memory", "maxmem",
		"block", "save", "restore" };
	struct xdom_err err = { 0 };
	const char *groups[] = { NULL };
	struct policy_subject who = { "alice", groups, 0 };
	struct policy *p = NULL;
	const char *text = "user:alice web01 status,vcpus,save\n"
	    "user:alice web02 all\n"
	    "user:alice web03 status,console,boot,shutdown,reboot,reset,"
	    "reimage\n";
	uint32_t allowed, need, mask;
	enum policy_action a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(policy_action_parse(names[i], &a), 0);
		assert_true(a >= POLICY_VCPUS && a <= POLICY_RESTORE);
		assert_string_equal(policy_action_name(a), names[i]);
	}
	assert_int_equal(policy_actions_parse("vcpus,memory,maxmem,block,"
	    "save,restore", &mask, &err), 0);
	assert_int_equal(mask, (1u << POLICY_VCPUS) | (1u << POLICY_MEMORY) |
	    (1u << POLICY_MAXMEM) | (1u << POLICY_BLOCK) | (1u << POLICY_SAVE) |
	    (1u << POLICY_RESTORE));
	assert_int_equal(policy_parse(&p, text, strlen(text), "policy", &err),
	    0);
	policy_rights(p, &who, "web01", NULL, &allowed, &need);
	assert_true(allowed & (1u << POLICY_VCPUS));
	assert_true(allowed & (1u << POLICY_SAVE));
	assert_false(allowed & (1u << POLICY_RESTORE));
	assert_false(allowed & (1u << POLICY_BLOCK));
	assert_int_equal(policy_allows(p, &who, "web01", NULL, POLICY_MEMORY,
	    NULL, &err), XDOM_EPERM);
	assert_non_null(strstr(err.msg, "not allowed: memory"));
	/* all includes them */
	policy_rights(p, &who, "web02", NULL, &allowed, &need);
	assert_true(allowed & (1u << POLICY_MAXMEM));
	assert_true(allowed & (1u << POLICY_RESTORE));
	/* a customer line listing the classic actions grants none */
	policy_rights(p, &who, "web03", NULL, &allowed, &need);
	for (a = POLICY_VCPUS; a <= POLICY_RESTORE; a++)
		assert_false(allowed & (1u << a));
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_policy_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
