/*
 * resdir.c - save and image directories from xdom.conf (see resdir.h).
 */
#include "core/resdir.h"

#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/escape.h"

const char *
resdir_save_dir(const struct conf *c)
{
	const char *v = c != NULL ? conf_get(c, "save_dir") : NULL;

	return v != NULL && v[0] != '\0' ? v : RESDIR_SAVE_DEFAULT;
}

const char *
resdir_block_dir(const struct conf *c)
{
	const char *v = c != NULL ? conf_get(c, "block_dir") : NULL;

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static int
resdir_check(const char *dir, const char *key, struct xdom_err *err)
{
	char shown[96];

	if (dir == NULL || dir[0] != '/') {
		xdom_escape(shown, sizeof shown, dir != NULL ? dir : "");
		return xdom_err_set(err, XDOM_EINVAL, "%s = %s: give an "
		    "absolute directory in xdom.conf", key, shown);
	}
	return 0;
}

int
resdir_save_path(const char *dir, const char *name, char *buf, size_t len,
    struct xdom_err *err)
{
	int rc, n;

	if ((rc = resdir_check(dir, "save_dir", err)) != 0)
		return rc;
	if (name == NULL || !xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name "
		    "for a save file");
	n = snprintf(buf, len, "%s%s%s%s", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/", name, RESDIR_SAVE_SUFFIX);
	if (n < 0 || (size_t)n >= len)
		return xdom_err_set(err, XDOM_EINVAL, "save_dir: path too "
		    "long");
	return 0;
}

int
resdir_image_path(const char *dir, const char *name, const char *image,
    char *buf, size_t len, struct xdom_err *err)
{
	int rc, n;

	if ((rc = resdir_check(dir, "block_dir", err)) != 0)
		return rc;
	if (name == NULL || !xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name");
	if (image == NULL || !xdom_name_valid(image))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid image name "
		    "(letters, digits, '.', '_' and '-')");
	n = snprintf(buf, len, "%s%s%s/%s", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/", name, image);
	if (n < 0 || (size_t)n >= len)
		return xdom_err_set(err, XDOM_EINVAL, "block_dir: path too "
		    "long");
	return 0;
}
