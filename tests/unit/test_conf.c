/*
 * test_conf.c - the xl-style config reader (core/conf.c).
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

#include "core/conf.h"
#include "core/xmalloc.h"
#include "tests/unit/support/fixture.h"

static struct conf *
parse_ok(const char *text)
{
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	if (conf_parse(&c, text, strlen(text), "t.cfg", &err) != 0)
		fail_msg("refused %s: %s", text, err.msg);
	assert_non_null(c);
	return c;
}

/* Parse text expecting failure; the message must contain want. */
static void
parse_bad(const char *text, const char *want)
{
	struct xdom_err err = { 0 };
	struct conf *c = (struct conf *)1;

	assert_int_equal(conf_parse(&c, text, strlen(text), "t.cfg", &err),
	    XDOM_EPROTO);
	assert_null(c);
	if (strstr(err.msg, want) == NULL)
		fail_msg("for %s: message '%s' lacks '%s'", text, err.msg,
		    want);
	assert_null(strchr(err.msg, '\n'));
}

static void
test_scalars(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_ok("# a comment\n"
	    "backend = sim\n"
	    "  name=\"web 01\"   # trailing comment\n"
	    "empty = \"\"\n"
	    "memory = 512\r\n"
	    "a.b-c_d = x y z\n"
	    "hash = \"#not a comment\"\n"
	    "\n\n");
	assert_string_equal(conf_get(c, "backend"), "sim");
	assert_string_equal(conf_get(c, "name"), "web 01");
	assert_string_equal(conf_get(c, "empty"), "");
	assert_string_equal(conf_get(c, "memory"), "512");
	assert_string_equal(conf_get(c, "a.b-c_d"), "x y z");
	assert_string_equal(conf_get(c, "hash"), "#not a comment");
	assert_null(conf_get(c, "missing"));
	assert_string_equal(conf_get_default(c, "missing", "dflt"), "dflt");
	assert_string_equal(conf_get_default(c, "backend", "dflt"), "sim");
	assert_false(conf_is_list(c, "backend"));
	assert_false(conf_is_list(c, "missing"));
	conf_free(c);
	conf_free(NULL);
}

static void
test_later_key_wins(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_ok("a = 1\nb = 2\na = 3; b = [ 'x' ]\n");
	assert_string_equal(conf_get(c, "a"), "3");
	assert_null(conf_get(c, "b"));
	assert_true(conf_is_list(c, "b"));
	assert_int_equal(conf_list_len(c, "b"), 1);
	conf_free(c);
}

static void
test_lists(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_ok("disk = [ 'file:/img,xvda,w',   # first\n"
	    "         \"phy:/dev/vg/x,xvdb,r\",\n"
	    "\n"
	    "       ]\n"
	    "vif = []\n"
	    "bare = [ a, b c ,d ]\n"
	    "after = 1\n");
	assert_true(conf_is_list(c, "disk"));
	assert_int_equal(conf_list_len(c, "disk"), 2);
	assert_string_equal(conf_list_item(c, "disk", 0), "file:/img,xvda,w");
	assert_string_equal(conf_list_item(c, "disk", 1),
	    "phy:/dev/vg/x,xvdb,r");
	assert_null(conf_list_item(c, "disk", 2));
	assert_null(conf_get(c, "disk"));
	assert_true(conf_is_list(c, "vif"));
	assert_int_equal(conf_list_len(c, "vif"), 0);
	assert_int_equal(conf_list_len(c, "bare"), 3);
	assert_string_equal(conf_list_item(c, "bare", 1), "b c");
	assert_string_equal(conf_get(c, "after"), "1");
	assert_int_equal(conf_list_len(c, "after"), 0);
	assert_int_equal(conf_list_len(c, "missing"), 0);
	assert_null(conf_list_item(c, "missing", 0));
	conf_free(c);
}

/* Backslash escapes in quoted strings and key += value, as xl reads a
 * guest's config. */
static void
test_xl_escapes_and_append(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_ok("extra = \"console=hvc0 root=\\\"/dev/xvda1\\\"\"\n"
	    "q = 'it\\'s'\n"
	    "ctl = \"a\\tb\\nc\\\\d\"\n"
	    "hex = \"\\x41\\x4a\\101z\"\n"
	    "list = [ 'a,b', \"c\\\"d\" ]\n");
	assert_string_equal(conf_get(c, "extra"),
	    "console=hvc0 root=\"/dev/xvda1\"");
	assert_string_equal(conf_get(c, "q"), "it's");
	assert_string_equal(conf_get(c, "ctl"), "a\tb\nc\\d");
	assert_string_equal(conf_get(c, "hex"), "AJAz");
	assert_int_equal(conf_list_len(c, "list"), 2);
	assert_string_equal(conf_list_item(c, "list", 1), "c\"d");
	conf_free(c);

	c = parse_ok("disk = [ 'a' ]\n"
	    "disk += [ 'b', 'c' ]\n"
	    "extra = \"x\"\n"
	    "extra += \" y\"\n"
	    "new += [ 'z' ]\n"
	    "new2 += 'w'\n");
	assert_int_equal(conf_list_len(c, "disk"), 3);
	assert_string_equal(conf_list_item(c, "disk", 2), "c");
	assert_string_equal(conf_get(c, "extra"), "x y");
	assert_int_equal(conf_list_len(c, "new"), 1);
	assert_string_equal(conf_get(c, "new2"), "w");
	conf_free(c);

	parse_bad("a = \"x\\q\"\n", "t.cfg:1: unknown escape");
	parse_bad("a = 1\nb = \"\\x\"\n", "t.cfg:2: \\x needs hex digits");
	parse_bad("a = \"\\0\"\n", "t.cfg:1: escape for a NUL");
	parse_bad("a = \"\\x00\"\n", "t.cfg:1: escape for a NUL");
	parse_bad("a = \"ends\\\n\"\n", "t.cfg:1: unterminated string");
	parse_bad("a = \"ends\\", "t.cfg:1: unterminated string");
	parse_bad("a = [ 'x' ]\na += 'y'\n", "t.cfg:2: '+=' adds a list");
	parse_bad("a = 'x'\na += [ 'y' ]\n", "t.cfg:2: '+=' adds a list");
	parse_bad("a + = 1\n", "t.cfg:1: expected '='");
}

static void
test_errors_name_the_line(void **state)
{
	(void)state;
	parse_bad("a = 1\n= 2\n", "t.cfg:2: expected a key");
	parse_bad("a = 1\n\nb 2\n", "t.cfg:3: expected '='");
	parse_bad("a = \"open\nb = 1\n", "t.cfg:1: unterminated string");
	parse_bad("a = 'open", "t.cfg:1: unterminated string");
	parse_bad("x = 1\na =\n", "t.cfg:2: missing value");
	parse_bad("a = # nothing\n", "t.cfg:1: missing value");
	parse_bad("a =", "missing value");
	parse_bad("a = [ 'x',\n 'y'\n", "t.cfg:3: unterminated list");
	parse_bad("a = [ 'x' 'y' ]\n", "t.cfg:1: expected ',' or ']'");
	parse_bad("\n\na = 'x' y\n", "t.cfg:3: unexpected text after");
	parse_bad("a = b\"c\n", "t.cfg:1: unexpected character");
	parse_bad("a = [ [ 'x' ] ]\n", "t.cfg:1: unexpected character");
	parse_bad("a = 1, 2\n", "t.cfg:1: unexpected text after");
	parse_bad("1a = 1\n", "t.cfg:1: expected a key");
	parse_bad("a\n", "expected '='");
}

static void
test_nul_bytes(void **state)
{
	static const char bare[] = "a = x\0y\n";
	static const char quoted[] = "a = 'x\0y'\n";
	static const char comment[] = "# x\0y\na = 1\n";
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	(void)state;
	assert_int_equal(conf_parse(&c, bare, sizeof bare - 1, "t", &err),
	    XDOM_EPROTO);
	assert_int_equal(conf_parse(&c, quoted, sizeof quoted - 1, "t", &err),
	    XDOM_EPROTO);
	assert_int_equal(conf_parse(&c, comment, sizeof comment - 1, "t",
	    &err), 0);
	assert_string_equal(conf_get(c, "a"), "1");
	conf_free(c);
}

/* The parser reads exactly len bytes, not up to a NUL. */
static void
test_length_bound(void **state)
{
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	(void)state;
	assert_int_equal(conf_parse(&c, "a = 12345", 6, "t", &err), 0);
	assert_string_equal(conf_get(c, "a"), "12");
	conf_free(c);
	assert_int_equal(conf_parse(&c, "", 0, "t", &err), 0);
	assert_null(conf_get(c, "a"));
	conf_free(c);
}

static void
test_size_limit(void **state)
{
	size_t n = CONF_MAX_BYTES + 1;
	char *big = xmalloc(n);
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	(void)state;
	memset(big, '\n', n);
	assert_int_equal(conf_parse(&c, big, n, "big.cfg", &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "big.cfg"));
	assert_non_null(strstr(err.msg, "larger than"));
	assert_int_equal(conf_parse(&c, big, n - 1, "big.cfg", &err), 0);
	conf_free(c);
	free(big);
}

/* Many keys must not take quadratic time or unbounded memory. */
static void
test_key_limit(void **state)
{
	size_t cap = (CONF_MAX_KEYS + 1) * 16, n = 0, i;
	char *text = xmalloc(cap);
	struct xdom_err err = { 0 };
	struct conf *c = NULL;

	(void)state;
	for (i = 0; i < CONF_MAX_KEYS; i++)
		n += (size_t)snprintf(text + n, cap - n, "k%zu = 1\n", i);
	assert_int_equal(conf_parse(&c, text, n, "t", &err), 0);
	assert_string_equal(conf_get(c, "k0"), "1");
	conf_free(c);
	n += (size_t)snprintf(text + n, cap - n, "k%zu = 1\n", i);
	assert_int_equal(conf_parse(&c, text, n, "t", &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "too many"));
	/* Replacing a key does not count twice. */
	n = 0;
	for (i = 0; i < CONF_MAX_KEYS + 10; i++)
		n += (size_t)snprintf(text + n, cap - n, "k = %zu\n", i);
	assert_int_equal(conf_parse(&c, text, n, "t", &err), 0);
	conf_free(c);
	free(text);
}

static void
test_get_long(void **state)
{
	struct xdom_err err = { 0 };
	struct conf *c;
	long v;

	(void)state;
	c = parse_ok("n = 42\nneg = -3\nbig = 99999999999999999999\n"
	    "word = ten\nl = [ 1 ]\nhalf = 1.5\n");
	assert_int_equal(conf_get_long(c, "n", 0, 0, 100, &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(conf_get_long(c, "absent", 7, 0, 100, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(conf_get_long(c, "neg", 0, -5, 5, &v, &err), 0);
	assert_int_equal(v, -3);
	assert_int_equal(conf_get_long(c, "n", 0, 0, 10, &v, &err),
	    XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "n = 42"));
	assert_int_equal(v, 0);
	assert_int_equal(conf_get_long(c, "big", 0, 0, 10, &v, &err),
	    XDOM_EINVAL);
	assert_int_equal(conf_get_long(c, "word", 0, 0, 10, &v, &err),
	    XDOM_EINVAL);
	assert_int_equal(conf_get_long(c, "half", 0, 0, 10, &v, &err),
	    XDOM_EINVAL);
	assert_int_equal(conf_get_long(c, "l", 0, 0, 10, &v, &err),
	    XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "list"));
	conf_free(c);
}

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/xdom-test-conf.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof path, "%s/good.conf", tmpdir);
	unlink(path);
	snprintf(path, sizeof path, "%s/bad.conf", tmpdir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fifo", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	assert_int_equal(tfx_write_file(path, text), 0);
}

static void
test_load(void **state)
{
	struct xdom_err err = { 0 };
	struct conf *c = NULL;
	char path[128];

	(void)state;
	snprintf(path, sizeof path, "%s/good.conf", tmpdir);
	write_file(path, "backend = xen\n");
	assert_int_equal(conf_load(&c, path, true, &err), 0);
	assert_string_equal(conf_get(c, "backend"), "xen");
	conf_free(c);

	snprintf(path, sizeof path, "%s/bad.conf", tmpdir);
	write_file(path, "backend = xen\nbroken\n");
	assert_int_equal(conf_load(&c, path, true, &err), XDOM_EPROTO);
	assert_null(c);
	assert_non_null(strstr(err.msg, "bad.conf:2:"));

	snprintf(path, sizeof path, "%s/absent.conf", tmpdir);
	assert_int_equal(conf_load(&c, path, false, &err), 0);
	assert_non_null(c);
	assert_null(conf_get(c, "backend"));
	conf_free(c);
	assert_int_equal(conf_load(&c, path, true, &err), XDOM_ENOENT);
	assert_null(c);
	assert_non_null(strstr(err.msg, "absent.conf"));

	/* A directory and a FIFO are refused, and the FIFO does not block. */
	assert_int_not_equal(conf_load(&c, tmpdir, true, &err), 0);
	assert_non_null(strstr(err.msg, "not a regular file"));
	snprintf(path, sizeof path, "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(5);
	assert_int_not_equal(conf_load(&c, path, true, &err), 0);
	alarm(0);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_later_key_wins),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_xl_escapes_and_append),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_key_limit),
		cmocka_unit_test(test_get_long),
		cmocka_unit_test_setup_teardown(test_load, setup_dir,
		    teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
