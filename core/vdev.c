/*
 * vdev.c - virtual block device names (see vdev.h).
 */
#include "core/vdev.h"

#include <stdio.h>
#include <string.h>

#include "core/escape.h"

int
vdev_parse(const char *name, uint32_t *dev, struct xdom_err *err)
{
	char shown[48];
	size_t n = name != NULL ? strlen(name) : 0;
	uint32_t disk;

	if (n < 4 || n > 5 || strncmp(name, "xvd", 3) != 0 ||
	    name[3] < 'a' || name[3] > 'z' ||
	    (n == 5 && (name[4] < 'a' || name[4] > 'z'))) {
		xdom_escape(shown, sizeof shown, name != NULL ? name : "");
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a virtual "
		    "device name; use xvdb, xvdc, ... (whole disks only)",
		    shown);
	}
	disk = (uint32_t)(name[3] - 'a');
	if (n == 5)	/* xvdaa is disk 26 */
		disk = (disk + 1) * 26 + (uint32_t)(name[4] - 'a');
	if (disk < 16)
		*dev = 202u << 8 | disk << 4;
	else
		*dev = 1u << 28 | disk << 8;
	return 0;
}
