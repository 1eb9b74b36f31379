/*
 * atomicfile.h - replace a file so that readers see the old contents or
 * the new, never a part: a temporary file in the same directory, written,
 * fsync'ed, renamed over the old one, and the directory fsync'ed.
 *
 * The temporary is made with mkostemp (O_EXCL: it never follows or
 * reuses an existing name) as PATH.XXXXXX, with the mode asked for
 * (settings and state are 0600). A writer killed half way leaves the old
 * file as it was and at most a stray PATH.XXXXXX.
 *
 *   struct xdom_atomic a;
 *   if (xdom_atomic_begin(&a, path, 0600, err) != 0) return ...;
 *   ... write(a.fd, ...) or fdopen(a.fd) ...
 *   rc = xdom_atomic_commit(&a, NULL, err);   // or xdom_atomic_abort(&a)
 *
 * xdom_atomic_write() does all of it for a buffer.
 */
#ifndef XDOM_CORE_ATOMICFILE_H
#define XDOM_CORE_ATOMICFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/err.h"

/* One replacement under way. Fields are read-only for the caller. */
struct xdom_atomic {
	int fd;		/* the temporary, open for writing; -1 when done */
	char *tmp;	/* its path (malloc'd), NULL when done */
	char *path;	/* the file it replaces (malloc'd) */
};

/* Create the temporary next to path with mode. 0, or XDOM_EIO with a
 * message; on failure nothing needs to be undone. */
int xdom_atomic_begin(struct xdom_atomic *a, const char *path, mode_t mode,
    struct xdom_err *err);

/*
 * fsync and close the temporary, rename it to path, fsync the directory
 * (best effort: the file is complete either way). When st is not NULL it
 * gets the new file's fstat (to recognise it later). 0, or XDOM_EIO with
 * the temporary removed and the old file untouched. a is done after
 * either result; xdom_atomic_abort() on it does nothing.
 */
int xdom_atomic_commit(struct xdom_atomic *a, struct stat *st,
    struct xdom_err *err);

/* Give up: close and remove the temporary. Safe to call twice, and after
 * xdom_atomic_commit(). */
void xdom_atomic_abort(struct xdom_atomic *a);

/* Replace path with len bytes of data, mode as above. 0 or XDOM_EIO. */
int xdom_atomic_write(const char *path, const void *data, size_t len,
    mode_t mode, struct xdom_err *err);

/* write(2) all of len bytes to fd, retrying on EINTR and short writes.
 * 0, or -1 with errno set. */
int xdom_write_all(int fd, const void *data, size_t len);

#endif
