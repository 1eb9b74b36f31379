/*
 * test_pathtrust.c - the trust check of paths xdomd uses: good files and
 * directories, a bad mode or owner anywhere from the file up, sticky
 * directories, missing tails, wrong kinds, links, relative paths. The
 * owner cases need root (chown); they are skipped, saying so, otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/pathtrust.h"
#include "tests/unit/support/tmpdir.h"

static const char *base;
static char cwd0[4096];

static const char *
p(const char *rel)
{
	return tsup_path(rel);
}

static void
mk(const char *rel, mode_t mode)
{
	assert_int_equal(mkdir(p(rel), 0700), 0);
	assert_int_equal(chmod(p(rel), mode), 0);
}

static void
put(const char *rel, mode_t mode)
{
	FILE *f = fopen(p(rel), "w");

	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
	assert_int_equal(chmod(p(rel), mode), 0);
}

static int
setup(void **state)
{
	(void)state;
	base = tsup_tmpdir_make("trust");
	return base != NULL && getcwd(cwd0, sizeof cwd0) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	if (chdir(cwd0) != 0)
		return -1;
	return tsup_tmpdir_remove();
}

static int
trust(const char *path, enum xdom_trust_kind k, unsigned flags,
    const char *want)
{
	struct xdom_err err = { 0 };
	int rc = xdom_path_trust(path, k, flags, 0, &err);

	if (want != NULL && strstr(err.msg, want) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", path, err.msg, want);
	if (rc != 0)
		assert_null(strchr(err.msg, '\n'));
	return rc;
}

static void
test_modes(void **state)
{
	(void)state;
	mk("etc", 0755);
	put("etc/policy", 0644);
	put("etc/world", 0666);
	put("etc/group", 0664);
	mk("open", 0777);
	put("open/policy", 0644);
	mk("grp", 0775);
	mk("grp/sub", 0755);
	put("grp/sub/conf", 0600);
	assert_int_equal(trust(p("etc/policy"), XDOM_TRUST_FILE, 0, NULL), 0);
	assert_int_equal(trust(p("etc"), XDOM_TRUST_DIR, 0, NULL), 0);
	assert_int_equal(trust(p("etc/world"), XDOM_TRUST_FILE, 0,
	    "world: writable by others than its owner (mode 0666)"),
	    XDOM_EPERM);
	assert_int_equal(trust(p("etc/group"), XDOM_TRUST_FILE, 0,
	    "group: writable by others"), XDOM_EPERM);
	assert_int_equal(trust(p("open/policy"), XDOM_TRUST_FILE, 0,
	    "open: writable by others"), XDOM_EPERM);
	assert_int_equal(trust(p("open"), XDOM_TRUST_DIR, 0, "mode 0777"),
	    XDOM_EPERM);
	/* two levels up is as bad as the file itself */
	assert_int_equal(trust(p("grp/sub/conf"), XDOM_TRUST_FILE, 0,
	    "grp: writable by others"), XDOM_EPERM);
	assert_int_equal(trust("/", XDOM_TRUST_DIR, 0, NULL), 0);
}

static void
test_sticky(void **state)
{
	(void)state;
	mk("shared", 01777);
	put("shared/policy", 0644);
	mk("shared/d", 0700);
	/* above the last component, a sticky directory is fine (/tmp) */
	assert_int_equal(trust(p("shared/policy"), XDOM_TRUST_FILE, 0, NULL),
	    0);
	assert_int_equal(trust(p("shared/d"), XDOM_TRUST_DIR, 0, NULL), 0);
	/* as the directory checked, it is not: anyone can add names */
	assert_int_equal(trust(p("shared"), XDOM_TRUST_DIR, 0,
	    "mode 1777"), XDOM_EPERM);
	/* nor as the parent of a name not made yet */
	assert_int_equal(trust(p("shared/new"), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, "anyone could create it"),
	    XDOM_EPERM);
}

static void
test_missing(void **state)
{
	(void)state;
	mk("var", 0755);
	assert_int_equal(trust(p("var/save"), XDOM_TRUST_DIR, 0, "save"),
	    XDOM_ENOENT);
	assert_int_equal(trust(p("var/save"), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, NULL), 0);
	assert_int_equal(trust(p("var/a/b/c/"), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, NULL), 0);
	assert_int_equal(trust(p("var/a/.."), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, ".."), XDOM_EINVAL);
	mk("var/open", 0777);
	assert_int_equal(trust(p("var/open/x/y"), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, "open: writable by others"),
	    XDOM_EPERM);
	assert_int_equal(trust("", XDOM_TRUST_FILE, 0, "empty"),
	    XDOM_EINVAL);
}

static void
test_kinds_links_relative(void **state)
{
	(void)state;
	mk("k", 0755);
	put("k/file", 0644);
	put("k/bad", 0666);
	assert_int_equal(trust(p("k"), XDOM_TRUST_FILE, 0,
	    "not a regular file"), XDOM_EINVAL);
	assert_int_equal(trust(p("k/file"), XDOM_TRUST_DIR, 0,
	    "not a directory"), XDOM_EINVAL);
	assert_int_equal(trust(p("k/file/x"), XDOM_TRUST_FILE, 0, NULL),
	    XDOM_EIO);	/* ENOTDIR from realpath */
	assert_int_equal(trust("/dev/null", XDOM_TRUST_FILE, 0,
	    "not a regular file"), XDOM_EINVAL);
	/* a link is followed and its target checked */
	assert_int_equal(symlink("file", p("k/good-link")), 0);
	assert_int_equal(symlink("bad", p("k/bad-link")), 0);
	assert_int_equal(trust(p("k/good-link"), XDOM_TRUST_FILE, 0, NULL),
	    0);
	assert_int_equal(trust(p("k/bad-link"), XDOM_TRUST_FILE, 0,
	    "k/bad: writable by others"), XDOM_EPERM);
	/* relative to the working directory */
	assert_int_equal(chdir(p("k")), 0);
	assert_int_equal(trust("file", XDOM_TRUST_FILE, 0, NULL), 0);
	assert_int_equal(trust("bad", XDOM_TRUST_FILE, 0, "k/bad: writable"),
	    XDOM_EPERM);
	assert_int_equal(chdir(cwd0), 0);
}

static void
test_owners(void **state)
{
	struct xdom_err err = { 0 };

	(void)state;
	if (geteuid() != 0)
		skip();		/* chown needs root; CI runs as root */
	mk("o", 0755);
	put("o/theirs", 0644);
	mk("o/cust", 0755);
	put("o/cust/state", 0600);
	assert_int_equal(chown(p("o/theirs"), 12345, 0), 0);
	assert_int_equal(chown(p("o/cust"), 12345, 12345), 0);
	assert_int_equal(trust(p("o/theirs"), XDOM_TRUST_FILE, 0,
	    "theirs: owned by uid 12345, not by root"), XDOM_EPERM);
	/* a customer's directory makes everything in it theirs */
	assert_int_equal(trust(p("o/cust/state"), XDOM_TRUST_FILE, 0,
	    "cust: owned by uid 12345"), XDOM_EPERM);
	assert_int_equal(trust(p("o/cust"), XDOM_TRUST_DIR, 0, NULL),
	    XDOM_EPERM);
	assert_int_equal(trust(p("o/cust/new"), XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, "owned by uid 12345"), XDOM_EPERM);
	/* the allowed uid (xdomd's own user) is trusted like root */
	assert_int_equal(xdom_path_trust(p("o/cust/state"), XDOM_TRUST_FILE,
	    0, 12345, &err), 0);
	assert_int_equal(xdom_path_trust(p("o/cust/state"), XDOM_TRUST_FILE,
	    0, 999, &err), XDOM_EPERM);
	assert_non_null(strstr(err.msg, "not by root or uid 999"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_kinds_links_relative),
		cmocka_unit_test(test_owners),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
