/*
 * xen_console.c - a Xen guest's console: libxl names the primary console's
 * pty, which is opened in raw mode and handed to the caller.
 */
#include "hypervisor/xen/xen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

int
xen_console(struct hv *hv, const char *name, const char *reason, int *fd,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	struct termios t;
	char *path = NULL;
	uint32_t domid;
	int rc, lrc, cfd;

	(void)reason;
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	lrc = libxl_primary_console_get_tty(p->ctx, domid, &path);
	if (lrc != 0 || path == NULL) {
		free(path);
		return xen_lxerr(p, lrc != 0 ? lrc : ERROR_FAIL, err,
		    "console", name);
	}
	cfd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (cfd < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s: console %.100s",
		    name, path);
		free(path);
		return rc;
	}
	free(path);
	/* bytes pass through unchanged, as with xl console */
	if (tcgetattr(cfd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(cfd, TCSANOW, &t);
	}
	*fd = cfd;
	return 0;
}
