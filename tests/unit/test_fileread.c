/*
 * test_fileread.c - whole small files: contents and length, the size
 * limit (exactly max is fine, one byte more is not), missing files with
 * and without XDOM_READ_OPTIONAL, directories, FIFOs (no hang), links
 * with XDOM_READ_NOFOLLOW, NUL bytes kept, the fstat result.
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

#include "core/fileread.h"
#include "tests/unit/support/tmpdir.h"

static const char *dir;

static const char *
p(const char *name)
{
	return tsup_path(name);
}

static void
put(const char *name, const char *data, size_t len)
{
	FILE *f = fopen(p(name), "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int
setup(void **state)
{
	(void)state;
	return (dir = tsup_tmpdir_make("fileread")) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return tsup_tmpdir_remove();
}

static void
test_contents(void **state)
{
	struct xdom_err err = { 0 };
	struct stat st;
	char *buf;
	size_t len;

	(void)state;
	put("a", "key = 1\n", 8);
	assert_int_equal(xdom_file_read(p("a"), 100, 0, &buf, &len, &st,
	    &err), 0);
	assert_int_equal(len, 8);
	assert_string_equal(buf, "key = 1\n");
	assert_int_equal(st.st_size, 8);
	assert_true(S_ISREG(st.st_mode));
	free(buf);
	put("empty", "", 0);
	assert_int_equal(xdom_file_read(p("empty"), 100, 0, &buf, &len, NULL,
	    &err), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	put("nul", "a\0b", 3);
	assert_int_equal(xdom_file_read(p("nul"), 100, 0, &buf, &len, NULL,
	    &err), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "a\0b", 4);	/* and a terminator */
	free(buf);
}

static void
test_limit(void **state)
{
	struct xdom_err err = { 0 };
	char data[4097], *buf = (char *)1;
	size_t len = 99;

	(void)state;
	memset(data, 'x', sizeof data);
	put("big", data, 4096);
	assert_int_equal(xdom_file_read(p("big"), 4096, 0, &buf, &len, NULL,
	    &err), 0);
	assert_int_equal(len, 4096);
	free(buf);
	put("big", data, 4097);
	assert_int_equal(xdom_file_read(p("big"), 4096, 0, &buf, &len, NULL,
	    &err), XDOM_EPROTO);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.msg, "big: larger than 4096 bytes"));
}

static void
test_not_files(void **state)
{
	struct xdom_err err = { 0 };
	char *buf;
	size_t len;

	(void)state;
	assert_int_equal(xdom_file_read(p("none"), 100, 0, &buf, &len, NULL,
	    &err), XDOM_ENOENT);
	assert_non_null(strstr(err.msg, "none: No such file"));
	assert_int_equal(xdom_file_read(p("none"), 100, XDOM_READ_OPTIONAL,
	    &buf, &len, NULL, &err), 0);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(xdom_file_read(dir, 100, 0, &buf, &len, NULL, &err),
	    XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	/* A FIFO with no writer: refused at once, no hang in open(). */
	assert_int_equal(mkfifo(p("fifo"), 0600), 0);
	assert_int_equal(xdom_file_read(p("fifo"), 100, 0, &buf, &len, NULL,
	    &err), XDOM_EPROTO);
	/* A link is followed unless XDOM_READ_NOFOLLOW. */
	put("a", "x", 1);
	assert_int_equal(symlink("a", p("link")), 0);
	assert_int_equal(xdom_file_read(p("link"), 100, 0, &buf, &len, NULL,
	    &err), 0);
	free(buf);
	assert_int_equal(xdom_file_read(p("link"), 100, XDOM_READ_NOFOLLOW,
	    &buf, &len, NULL, &err), XDOM_EIO);
	assert_null(buf);
	assert_null(strchr(err.msg, '\n'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contents),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_not_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
