/*
 * vdev.h - Xen virtual block device names ("xvdb") as users give them to
 * block-attach and block-detach, and the device numbers snapshots carry.
 *
 * Accepted: "xvd" and one or two lower-case letters (xvda .. xvdzz), the
 * whole disk only; partitions, hd* and sd* names are not attached by
 * xdom. Numbers follow Xen's docs/misc/vbd-interface.txt: disks below 16
 * are 202 << 8 | disk << 4, the rest 1 << 28 | disk << 8, which is what
 * snap_vbd_name() turns back into the name.
 */
#ifndef XDOM_CORE_VDEV_H
#define XDOM_CORE_VDEV_H

#include <stdint.h>

#include "core/err.h"

#define VDEV_NAME_MAX 15	/* "xvdzz" fits with room to spare */

/* Parse name into *dev; XDOM_EINVAL with a one-line reason otherwise. */
int vdev_parse(const char *name, uint32_t *dev, struct xdom_err *err);

#endif
