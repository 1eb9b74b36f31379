/*
 * listen.c - xdomd's listening socket: created with no access at all and
 * opened up to exactly its mode (and group), a stale socket replaced, a
 * live one (another xdomd answering there) refused.
 */
#include "helper/xdomd.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"

int
server_listen(struct xdomd *d, struct xdom_err *err)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t mode = d->socket_group != NULL ? 0660 : 0666;
	mode_t old;
	gid_t gid = (gid_t)-1;
	int fd = -1, probe, rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(d->socket_path) >= sizeof sa.sun_path)
		return xdom_err_set(err, XDOM_EINVAL, "socket path too long "
		    "(at most %zu bytes): %s", sizeof sa.sun_path - 1,
		    d->socket_path);
	strcpy(sa.sun_path, d->socket_path);
	if (d->socket_group != NULL) {
		struct group gr, *res = NULL;
		char buf[4096];

		if (getgrnam_r(d->socket_group, &gr, buf, sizeof buf,
		    &res) != 0 || res == NULL)
			return xdom_err_set(err, XDOM_ENOENT, "socket_group "
			    "'%.64s': no such group", d->socket_group);
		gid = gr.gr_gid;
	}
	if (lstat(d->socket_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return xdom_err_set(err, XDOM_EINVAL, "%s exists and "
			    "is not a socket; remove it or choose another "
			    "--socket", d->socket_path);
		/* A socket someone answers on is a running xdomd. */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa,
		    sizeof sa) == 0) {
			close(probe);
			return xdom_err_set(err, XDOM_EBUSY, "%s: another "
			    "xdomd is already listening there",
			    d->socket_path);
		}
		if (probe >= 0)
			close(probe);
		if (unlink(d->socket_path) != 0)
			return xdom_err_errno(err, XDOM_EIO, errno, "removing "
			    "stale socket %s", d->socket_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "socket");
	/* Created with no access at all, then opened up to exactly mode:
	 * never briefly wider than intended. */
	old = umask(0777);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "bind %s",
		    d->socket_path);
		goto fail;
	}
	if (gid != (gid_t)-1 && chown(d->socket_path, (uid_t)-1, gid) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "chown %s to group "
		    "%s", d->socket_path, d->socket_group);
		goto fail;
	}
	if (chmod(d->socket_path, mode) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "chmod %s",
		    d->socket_path);
		goto fail;
	}
	if (listen(fd, SOMAXCONN) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "listen");
		goto fail;
	}
	d->listen_fd = fd;
	return 0;
fail:
	close(fd);
	unlink(d->socket_path);
	return rc;
}

