/*
 * tmpdir.c - a test's temporary directory (see tmpdir.h).
 */
#include "tests/unit/support/tmpdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tsup_dir[256];

const char *
tsup_tmpdir_make(const char *tag)
{
	const char *t = getenv("TMPDIR");

	snprintf(tsup_dir, sizeof tsup_dir, "%s/xdom-%.32s.XXXXXX",
	    t != NULL && t[0] == '/' && t[1] != '\0' ? t : "/tmp", tag);
	return mkdtemp(tsup_dir);
}

const char *
tsup_path(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tsup_dir, name);
	return buf[i];
}

static int
tsup_rm_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int
tsup_tmpdir_remove(void)
{
	if (tsup_dir[0] == '\0')
		return 0;
	return nftw(tsup_dir, tsup_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
