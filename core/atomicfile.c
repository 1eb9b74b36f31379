/*
 * atomicfile.c - temporary file, fsync, rename (see atomicfile.h).
 */
#include "core/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xmalloc.h"

int
xdom_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
xdom_atomic_begin(struct xdom_atomic *a, const char *path, mode_t mode,
    struct xdom_err *err)
{
	int e;

	a->path = xstrdup(path);
	a->tmp = xasprintf("%s.XXXXXX", path);
	a->fd = mkostemp(a->tmp, O_CLOEXEC);	/* 0600, O_EXCL */
	if (a->fd >= 0 && fchmod(a->fd, mode) == 0)
		return 0;
	e = errno;
	if (a->fd >= 0) {
		close(a->fd);
		unlink(a->tmp);
	}
	a->fd = -1;
	xdom_err_errno(err, XDOM_EIO, e, "creating %s", a->tmp);
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
	return XDOM_EIO;
}

/* fsync path's directory, so the rename itself survives a crash. */
static void
atomic_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
xdom_atomic_commit(struct xdom_atomic *a, struct stat *st,
    struct xdom_err *err)
{
	int rc = 0, fd = a->fd;

	if (a->tmp == NULL)
		return xdom_err_set(err, XDOM_EIO, "nothing to commit");
	a->fd = -1;
	if (fsync(fd) != 0 || (st != NULL && fstat(fd, st) != 0)) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "writing %s",
		    a->tmp);
		close(fd);
	} else if (close(fd) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "writing %s",
		    a->tmp);
	} else if (rename(a->tmp, a->path) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "renaming to %s",
		    a->path);
	} else {
		free(a->tmp);
		a->tmp = NULL;
		atomic_sync_dir(a->path);
	}
	xdom_atomic_abort(a);
	return rc;
}

void
xdom_atomic_abort(struct xdom_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->tmp != NULL)
		(void)unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
}

int
xdom_atomic_write(const char *path, const void *data, size_t len,
    mode_t mode, struct xdom_err *err)
{
	struct xdom_atomic a;
	int rc;

	if ((rc = xdom_atomic_begin(&a, path, mode, err)) != 0)
		return rc;
	if (xdom_write_all(a.fd, data, len) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "writing %s", a.tmp);
		xdom_atomic_abort(&a);
		return rc;
	}
	return xdom_atomic_commit(&a, NULL, err);
}
