/*
 * test_atomicfile.c - atomic replacement: new contents and mode, the
 * new file's fstat, the old file untouched after an abort, a failed
 * rename or a writer killed half way, and no temporary left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/atomicfile.h"
#include "core/fileread.h"
#include "tests/unit/support/tmpdir.h"

static const char *dir;

static const char *
p(const char *name)
{
	return tsup_path(name);
}

/* Entries in dir other than . and .., and the first one's name. */
static int
entries(char *first, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n++ == 0 && first != NULL)
			snprintf(first, len, "%.32s", e->d_name);
	}
	closedir(d);
	return n;
}

static void
expect(const char *name, const char *text)
{
	struct xdom_err err = { 0 };
	char *buf;
	size_t len;

	assert_int_equal(xdom_file_read(p(name), 4096, 0, &buf, &len, NULL,
	    &err), 0);
	assert_string_equal(buf, text);
	free(buf);
}

static int
setup(void **state)
{
	(void)state;
	return (dir = tsup_tmpdir_make("atomic")) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return tsup_tmpdir_remove();
}

static void
test_write(void **state)
{
	struct xdom_err err = { 0 };
	struct xdom_atomic a;
	struct stat st, st2;

	(void)state;
	assert_int_equal(xdom_atomic_write(p("f"), "one\n", 4, 0600, &err), 0);
	expect("f", "one\n");
	assert_int_equal(stat(p("f"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(xdom_atomic_write(p("f"), "two\n", 4, 0644, &err), 0);
	expect("f", "two\n");
	assert_int_equal(stat(p("f"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(entries(NULL, 0), 1);		/* no temporary left */
	/* by parts, with the new file's identity */
	assert_int_equal(xdom_atomic_begin(&a, p("f"), 0600, &err), 0);
	assert_int_equal(xdom_write_all(a.fd, "three\n", 6), 0);
	assert_int_equal(entries(NULL, 0), 2);
	expect("f", "two\n");			/* not yet */
	assert_int_equal(xdom_atomic_commit(&a, &st, &err), 0);
	assert_int_equal(stat(p("f"), &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_size, 6);
	expect("f", "three\n");
	xdom_atomic_abort(&a);			/* harmless after commit */
	xdom_atomic_abort(&a);
	assert_int_equal(entries(NULL, 0), 1);
}

static void
test_failures(void **state)
{
	struct xdom_err err = { 0 };
	struct xdom_atomic a;

	(void)state;
	assert_int_equal(xdom_atomic_write(p("f"), "old\n", 4, 0600, &err), 0);
	/* abort: the old file stays, the temporary goes */
	assert_int_equal(xdom_atomic_begin(&a, p("f"), 0600, &err), 0);
	assert_int_equal(xdom_write_all(a.fd, "new\n", 4), 0);
	xdom_atomic_abort(&a);
	xdom_atomic_abort(&a);
	expect("f", "old\n");
	assert_int_equal(entries(NULL, 0), 1);
	/* no such directory */
	assert_int_equal(xdom_atomic_write(p("none/f"), "x", 1, 0600, &err),
	    XDOM_EIO);
	assert_non_null(strstr(err.msg, "creating"));
	assert_null(strchr(err.msg, '\n'));
	/* a directory in the way: the rename fails, nothing is left */
	assert_int_equal(mkdir(p("sub"), 0700), 0);
	assert_int_equal(xdom_atomic_write(p("sub"), "x", 1, 0600, &err),
	    XDOM_EIO);
	assert_non_null(strstr(err.msg, "renaming to"));
	assert_int_equal(entries(NULL, 0), 2);		/* f and sub */
	assert_int_equal(rmdir(p("sub")), 0);
}

static void
test_killed_writer(void **state)
{
	struct xdom_err err = { 0 };
	char name[64];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(xdom_atomic_write(p("f"), "old\n", 4, 0600, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct xdom_atomic a;

		if (xdom_atomic_begin(&a, p("f"), 0600, NULL) != 0)
			_exit(1);
		(void)xdom_write_all(a.fd, "ne", 2);
		_exit(0);		/* killed before the commit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	expect("f", "old\n");
	/* a stray f.XXXXXX, never f itself half written */
	assert_int_equal(entries(NULL, 0), 2);
	assert_int_equal(unlink(p("f")), 0);
	assert_int_equal(entries(name, sizeof name), 1);
	assert_int_equal(strncmp(name, "f.", 2), 0);
	assert_int_equal(strlen(name), 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_killed_writer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
