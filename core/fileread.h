/*
 * fileread.h - read a small file whole: configs, policies, host lists,
 * the sim's state. The one copy of open + fstat + bounded read.
 *
 * The file is opened O_NONBLOCK (a FIFO given as a config must not hang
 * the open) and O_NOCTTY, checked on the fd to be a regular file, and
 * read to its end but never past max bytes, whatever its size said a
 * moment ago.
 */
#ifndef XDOM_CORE_FILEREAD_H
#define XDOM_CORE_FILEREAD_H

#include <stddef.h>
#include <sys/stat.h>

#include "core/err.h"

#define XDOM_READ_NOFOLLOW 0x1u	/* a symbolic link as the last component
				   is an error (O_NOFOLLOW) */
#define XDOM_READ_OPTIONAL 0x2u	/* a missing file is no error: 0 with
				   *out NULL */

/*
 * Read path into *out (malloc'd, NUL-terminated, the caller frees) and
 * its length into *len; when st is not NULL, the fd's fstat into *st.
 * Returns 0, or:
 *   XDOM_ENOENT  missing (unless XDOM_READ_OPTIONAL), "PATH: strerror"
 *   XDOM_EIO     open or read failed, "PATH: strerror"
 *   XDOM_EPROTO  "PATH: not a regular file" or "PATH: larger than MAX
 *                bytes"
 * with *out NULL and *len 0 after any failure. NUL bytes inside are kept:
 * callers that take text check for them.
 */
int xdom_file_read(const char *path, size_t max, unsigned flags, char **out,
    size_t *len, struct stat *st, struct xdom_err *err);

#endif
