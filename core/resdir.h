/*
 * resdir.h - where saved guests and attachable images live, as the
 * admin's xdom.conf says, and the file names xdom gives them there.
 *
 *   save_dir = /var/lib/xdom/save      NAME.save: the saved state of
 *                                      guest NAME (one per guest)
 *   block_dir = /srv/xdom/disks        NAME/IMAGE: images the helper
 *                                      may attach to guest NAME
 *
 * Through xdomd a client names only the guest (and, to attach, an image
 * name): the directory is the admin's, the names are checked with
 * xdom_name_valid(), so no path a client chooses is ever opened. The
 * admin's own tools (`xdom save`, the dashboard) default to the same
 * files, so a guest saved one way is restored the other.
 */
#ifndef XDOM_CORE_RESDIR_H
#define XDOM_CORE_RESDIR_H

#include <stddef.h>

#include "core/err.h"

struct conf;

#define RESDIR_SAVE_DEFAULT "/var/lib/xdom/save"
#define RESDIR_SAVE_SUFFIX ".save"

/* save_dir from c (may be NULL), or RESDIR_SAVE_DEFAULT. */
const char *resdir_save_dir(const struct conf *c);
/* block_dir from c, or NULL when the admin set none (attaching through
 * xdomd is then refused). */
const char *resdir_block_dir(const struct conf *c);

/*
 * DIR/NAME.save into buf (len bytes). XDOM_EINVAL when dir is not an
 * absolute path, name fails xdom_name_valid(), or it does not fit.
 */
int resdir_save_path(const char *dir, const char *name, char *buf,
    size_t len, struct xdom_err *err);
/* DIR/NAME/IMAGE into buf, with the same checks on name and image. */
int resdir_image_path(const char *dir, const char *name, const char *image,
    char *buf, size_t len, struct xdom_err *err);

#endif
