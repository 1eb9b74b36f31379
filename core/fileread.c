/*
 * fileread.c - bounded whole-file reads (see fileread.h).
 */
#include "core/fileread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xmalloc.h"

int
xdom_file_read(const char *path, size_t max, unsigned flags, char **out,
    size_t *len, struct stat *st, struct xdom_err *err)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0, cap;
	ssize_t n;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    ((flags & XDOM_READ_NOFOLLOW) != 0 ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ENOENT && (flags & XDOM_READ_OPTIONAL) != 0)
			return 0;
		return xdom_err_errno(err, errno == ENOENT ? XDOM_ENOENT :
		    XDOM_EIO, errno, "%s", path);
	}
	if (fstat(fd, &sb) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = xdom_err_set(err, XDOM_EPROTO, "%s: not a regular file",
		    path);
		goto out;
	}
	if ((unsigned long long)sb.st_size > max)
		goto too_large;
	/* One byte more than allowed, to see a file that grew past max. */
	cap = (size_t)sb.st_size < max ? (size_t)sb.st_size + 1 : max + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (got == cap) {
			if (cap > max)
				break;
			cap = max + 1;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max)
		goto too_large;
	buf[got] = '\0';
	if (st != NULL)
		*st = sb;
	*out = buf;
	*len = got;
	buf = NULL;
	goto out;
too_large:
	rc = xdom_err_set(err, XDOM_EPROTO, "%s: larger than %zu bytes", path,
	    max);
out:
	free(buf);
	close(fd);
	return rc;
}
