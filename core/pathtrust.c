/*
 * pathtrust.c - owner and mode checks from / down (see pathtrust.h).
 */
#include "core/pathtrust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xmalloc.h"

/* path made absolute, trailing slashes dropped; NULL with err set. */
static char *
trust_absolute(const char *path, struct xdom_err *err)
{
	char cwd[PATH_MAX], *abs;
	size_t n;

	if (path == NULL || path[0] == '\0') {
		xdom_err_set(err, XDOM_EINVAL, "an empty path");
		return NULL;
	}
	if (path[0] == '/') {
		abs = xstrdup(path);
	} else {
		if (getcwd(cwd, sizeof cwd) == NULL) {
			xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
			return NULL;
		}
		abs = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
		    path);
	}
	n = strlen(abs);
	while (n > 1 && abs[n - 1] == '/')
		abs[--n] = '\0';
	return abs;
}

/* realpath(abs); when a tail is missing (and may be), the existing part
 * resolved with the missing names appended. NULL with err set. */
static char *
trust_resolve(const char *abs, bool may_miss, struct xdom_err *err)
{
	char *real = realpath(abs, NULL), *parent, *up, *out;
	const char *slash, *tail;

	if (real != NULL)
		return real;
	if (errno != ENOENT || !may_miss) {
		xdom_err_errno(err, errno == ENOENT ? XDOM_ENOENT : XDOM_EIO,
		    errno, "%s", abs);
		return NULL;
	}
	slash = strrchr(abs, '/');
	tail = slash + 1;
	if (strcmp(tail, ".") == 0 || strcmp(tail, "..") == 0 ||
	    tail[0] == '\0') {
		xdom_err_set(err, XDOM_EINVAL, "%s: does not exist and ends "
		    "in '%s'", abs, tail);
		return NULL;
	}
	parent = slash == abs ? xstrdup("/") : xstrndup(abs,
	    (size_t)(slash - abs));
	up = trust_resolve(parent, true, err);
	free(parent);
	if (up == NULL)
		return NULL;
	out = xasprintf("%s/%s", strcmp(up, "/") == 0 ? "" : up, tail);
	free(up);
	return out;
}

/* Owner and mode of one component; sticky excuses group/world write on
 * a directory that is not the last one. */
static int
trust_check(const char *shown, const struct stat *st, bool sticky_ok,
    uid_t also_uid, struct xdom_err *err)
{
	if (st->st_uid != 0 && st->st_uid != also_uid) {
		if (also_uid == 0)
			return xdom_err_set(err, XDOM_EPERM, "%s: owned by uid "
			    "%lu, not by root: someone else could change it",
			    shown, (unsigned long)st->st_uid);
		return xdom_err_set(err, XDOM_EPERM, "%s: owned by uid %lu, "
		    "not by root or uid %lu: someone else could change it",
		    shown, (unsigned long)st->st_uid,
		    (unsigned long)also_uid);
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    !(sticky_ok && S_ISDIR(st->st_mode) &&
	    (st->st_mode & S_ISVTX) != 0))
		return xdom_err_set(err, XDOM_EPERM, "%s: writable by others "
		    "than its owner (mode %04o): anyone could change it",
		    shown, (unsigned)(st->st_mode & 07777));
	return 0;
}

int
xdom_path_trust(const char *path, enum xdom_trust_kind kind,
    unsigned flags, uid_t also_uid, struct xdom_err *err)
{
	bool may_miss = (flags & XDOM_TRUST_MAY_BE_MISSING) != 0, last;
	char *abs, *real = NULL, *comp, *next;
	struct stat st;
	int fd = -1, nfd, rc = 0;

	if ((abs = trust_absolute(path, err)) == NULL)
		return err != NULL && err->code != 0 ? err->code : XDOM_EINVAL;
	if ((real = trust_resolve(abs, may_miss, err)) == NULL) {
		rc = err != NULL && err->code != 0 ? err->code : XDOM_EIO;
		goto out;
	}
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "/");
		goto out;
	}
	last = strcmp(real, "/") == 0;
	if ((rc = trust_check("/", &st, !last, also_uid, err)) != 0)
		goto out;
	/* real is "/a/b/c": walk a, b, c; the prefix shown so far is real
	 * itself, cut after the current component. */
	for (comp = real + 1; !last; comp = next + 1) {
		next = strchr(comp, '/');
		last = next == NULL;
		if (!last)
			*next = '\0';
		nfd = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && may_miss) {
			/* Nobody but the trusted owner may create it. */
			struct xdom_err why = { 0 };

			if (trust_check(comp == real + 1 ? "/" : real, &st,
			    false, also_uid, &why) == 0)
				goto out;
			rc = xdom_err_set(err, XDOM_EPERM, "%s (%s does not "
			    "exist yet, and anyone could create it)", why.msg,
			    comp);
			goto out;
		}
		if (comp != real + 1)
			comp[-1] = '/';	/* show the path down to comp */
		if (nfd < 0) {
			rc = xdom_err_errno(err, errno == ENOENT ?
			    XDOM_ENOENT : XDOM_EIO, errno, "%s", real);
			goto out;
		}
		close(fd);
		fd = nfd;
		if (fstat(fd, &st) != 0) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", real);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			rc = xdom_err_set(err, XDOM_EPERM, "%s: a symbolic "
			    "link appeared while checking the path", real);
			goto out;
		}
		if ((!last || kind == XDOM_TRUST_DIR) && !S_ISDIR(st.st_mode)) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s: not a "
			    "directory", real);
			goto out;
		}
		if (last && kind == XDOM_TRUST_FILE && !S_ISREG(st.st_mode)) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s: not a regular "
			    "file", real);
			goto out;
		}
		if ((rc = trust_check(real, &st, !last, also_uid, err)) != 0)
			goto out;
		if (!last)
			*next = '\0';	/* restored by the next round */
	}
out:
	if (fd >= 0)
		close(fd);
	free(real);
	free(abs);
	return rc;
}
