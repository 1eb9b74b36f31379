/*
 * hv_res.c - the one path for resource operations (see hv_res.h).
 */
#include "hypervisor/hv_res.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/resdir.h"

#define HV_RES_PATH_MAX 4096

static const char *const hv_res_kinds[HV_RESOP__COUNT] = {
	[HV_RESOP_SET] = "set",
	[HV_RESOP_ATTACH] = "attach",
	[HV_RESOP_DETACH] = "detach",
	[HV_RESOP_SAVE] = "save",
	[HV_RESOP_RESTORE] = "restore",
};

const char *
hv_res_kind_name(enum hv_res_kind kind)
{
	return (unsigned)kind < HV_RESOP__COUNT ? hv_res_kinds[kind] : "?";
}

int
hv_res_vcpus_check(const char *name, uint64_t n, uint32_t max_vcpus,
    struct xdom_err *err)
{
	if (n < 1)
		return xdom_err_set(err, XDOM_EINVAL, "%s needs at least 1 "
		    "vcpu online", name);
	if (n > max_vcpus)
		return xdom_err_set(err, XDOM_EINVAL, "%s has at most %" PRIu32
		    " vcpu%s", name, max_vcpus, max_vcpus == 1 ? "" : "s");
	return 0;
}

static const char *
hv_res_shown(const char *s, char buf[96])
{
	if (xdom_escape(buf, 96, s) >= 96)
		snprintf(buf + 90, 6, "...");
	return buf;
}

/* The part of path below dir ("a/b"), or NULL when it is not below. */
static const char *
hv_res_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || (n > 1 && path[n] != '/') ||
	    (n == 1 && dir[0] != '/'))
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	return *path != '\0' ? path : NULL;
}

/* Open rel below the directory under, resolving no symbolic link and
 * never leaving it (openat2: the kernel walks the path). */
static int
hv_res_open_beneath(const char *under, const char *rel)
{
	struct open_how how;
	int dfd, fd, e;

	dfd = open(under, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* hv_res_disk_check, its messages naming the disk as label. */
static int
hv_res_disk_check_as(const char *path, const char *under, const char *label,
    struct xdom_err *err)
{
	char shown[96];
	const char *rel = NULL;
	struct stat sb;
	int fd, rc = 0;

	hv_res_shown(label != NULL ? label : "", shown);
	if (path == NULL || path[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the device's "
		    "target as an absolute path", shown);
	if (strlen(path) >= HV_RES_PATH_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "%s: path too long",
		    shown);
	if (under != NULL && (under[0] != '/' ||
	    (rel = hv_res_below(path, under)) == NULL))
		return xdom_err_set(err, XDOM_EINVAL, "%s is not one of the "
		    "images provided for this guest", shown);
	if (rel != NULL)
		fd = hv_res_open_beneath(under, rel);
	else
		fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			return xdom_err_set(err, XDOM_EINVAL, "%s: a symbolic "
			    "link or a path out of its directory is refused",
			    shown);
		if (errno == ENOSYS)
			return xdom_err_set(err, XDOM_EIO, "%s: this kernel "
			    "cannot open a path without following links "
			    "(openat2)", shown);
		if (under != NULL && errno == ENOENT)
			return xdom_err_set(err, XDOM_EINVAL, "no such image %s",
			    shown);
		return xdom_err_errno(err, errno == ENOENT ? XDOM_EINVAL :
		    XDOM_EIO, errno, "%s", shown);
	}
	if (fstat(fd, &sb) != 0)
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", shown);
	else if (S_ISLNK(sb.st_mode))
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is a symbolic link; "
		    "give the file itself", shown);
	else if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is not a file or a "
		    "block device", shown);
	close(fd);
	return rc;
}

int
hv_res_disk_check(const char *path, const char *under, struct xdom_err *err)
{
	return hv_res_disk_check_as(path, under, path, err);
}

/* save_dir, made (0700) when it is missing and its parent is not. */
static int
hv_res_save_dir(const char *dir, struct xdom_err *err)
{
	char shown[96];
	struct stat sb;

	hv_res_shown(dir, shown);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return xdom_err_errno(err, XDOM_EIO, errno, "save_dir %s",
		    shown);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return xdom_err_set(err, XDOM_EIO, "save_dir %s is not a "
		    "directory", shown);
	return 0;
}

static const char *
hv_res_save_dir_of(const struct hv_res_dirs *dirs)
{
	return dirs != NULL && dirs->save_dir != NULL ? dirs->save_dir :
	    RESDIR_SAVE_DEFAULT;
}

static int
hv_res_attach(struct hv *hv, const struct hv_res_dirs *dirs,
    const struct hv_res_req *r, struct xdom_err *err)
{
	char path[HV_RES_PATH_MAX], dir[HV_RES_PATH_MAX], shown[96];
	char label[XDOM_NAME_MAX * 2 + 16];
	struct stat sb;
	struct hv_block b;
	int rc;

	memset(&b, 0, sizeof b);
	b.vdev = r->vdev;
	b.writable = r->writable;
	if (hv->be->picks_files) {
		b.target = r->image != NULL ? r->image : r->target;
		return hv_block_attach(hv, r->name, &b, err);
	}
	if (r->image == NULL) {
		if (dirs != NULL && dirs->confined)
			return xdom_err_set(err, XDOM_EINVAL, "%s: name one of "
			    "the images provided for the guest, not a path",
			    r->name);
		if ((rc = hv_res_disk_check(r->target, NULL, err)) != 0)
			return rc;
		b.target = r->target;
		return hv_block_attach(hv, r->name, &b, err);
	}
	if (dirs == NULL || dirs->block_dir == NULL)
		return xdom_err_set(err, XDOM_EPERM, "%s: attaching devices is "
		    "not set up on this host (no block_dir in xdom.conf)",
		    r->name);
	if ((rc = resdir_image_path(dirs->block_dir, r->name, r->image, path,
	    sizeof path, err)) != 0)
		return rc;
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	/* The messages name the image, not where the admin keeps it. */
	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return xdom_err_set(err, XDOM_EINVAL, "%s: no image '%s' for "
		    "this guest", r->name, hv_res_shown(r->image, shown));
	snprintf(label, sizeof label, "%s: image '%s'", r->name, r->image);
	if ((rc = hv_res_disk_check_as(path, dir, label, err)) != 0)
		return rc;
	b.target = path;
	return hv_block_attach(hv, r->name, &b, err);
}

static int
hv_res_save(struct hv *hv, const struct hv_res_dirs *dirs,
    const struct hv_res_req *r, struct xdom_err *err)
{
	char path[HV_RES_PATH_MAX], shown[96];
	const char *dir = hv_res_save_dir_of(dirs);
	struct stat sb;
	int rc;

	if (hv->be->picks_files) {
		if (r->file != NULL && r->file[0] != '\0')
			return xdom_err_set(err, XDOM_EINVAL, "through xdomd a "
			    "guest is saved where the admin's save_dir says; "
			    "give no file");
		return hv_save(hv, r->name, NULL, err);
	}
	if (r->file != NULL) {
		if (dirs != NULL && dirs->confined)
			return xdom_err_set(err, XDOM_EINVAL, "a guest is saved "
			    "where the admin's save_dir says; give no file");
		if (lstat(r->file, &sb) == 0)
			return xdom_err_set(err, XDOM_EINVAL, "save file %s "
			    "exists already: give another", hv_res_shown(
			    r->file, shown));
		return hv_save(hv, r->name, r->file, err);
	}
	if ((rc = resdir_save_path(dir, r->name, path, sizeof path,
	    err)) != 0 || (rc = hv_res_save_dir(dir, err)) != 0)
		return rc;
	if (lstat(path, &sb) == 0)
		return xdom_err_set(err, XDOM_ESTATE, "%s has a saved state "
		    "already: restore it first", r->name);
	return hv_save(hv, r->name, path, err);
}

static int
hv_res_restore(struct hv *hv, const struct hv_res_dirs *dirs,
    const struct hv_res_req *r, struct xdom_err *err)
{
	char path[HV_RES_PATH_MAX], disks[HV_RES_PATH_MAX];
	bool confined = dirs != NULL && dirs->confined;
	struct hv_restore_opts o;
	struct stat sb;
	int rc, n;

	memset(&o, 0, sizeof o);
	o.name = r->name;
	if (hv->be->picks_files)
		return hv_restore(hv, &o, err);
	if (r->file != NULL && confined)
		return xdom_err_set(err, XDOM_EINVAL, "a guest is restored "
		    "from the admin's save_dir; give its name, not a file");
	o.confine_disks = confined;
	if (confined && dirs->block_dir != NULL && r->name != NULL) {
		n = snprintf(disks, sizeof disks, "%s/%s", dirs->block_dir,
		    r->name);
		if (n > 0 && (size_t)n < sizeof disks)
			o.disk_dir = disks;
	}
	if (r->file != NULL) {
		o.file = r->file;
		return hv_restore(hv, &o, err);
	}
	if (r->name == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "restore: give a guest's "
		    "name or a save file");
	if ((rc = resdir_save_path(hv_res_save_dir_of(dirs), r->name, path,
	    sizeof path, err)) != 0)
		return rc;
	if (confined && (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)))
		return xdom_err_set(err, XDOM_ENOENT, "%s has no saved state "
		    "to restore", r->name);
	o.file = path;
	if ((rc = hv_restore(hv, &o, err)) != 0)
		return rc;
	/* The guest's disks move on once it runs: its old state must not
	 * be restored a second time. */
	(void)unlink(path);
	return 0;
}

int
hv_res_apply(struct hv *hv, const struct hv_res_dirs *dirs,
    const struct hv_res_req *r, struct xdom_err *err)
{
	bool confined = dirs != NULL && dirs->confined;
	int rc;

	if (r == NULL || (unsigned)r->kind >= HV_RESOP__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown request");
	if (r->name == NULL && (r->kind != HV_RESOP_RESTORE ||
	    r->file == NULL))
		return xdom_err_set(err, XDOM_EINVAL, "%s: no guest given",
		    hv_res_kind_name(r->kind));
	switch (r->kind) {
	case HV_RESOP_SET:
		rc = hv_set_resource(hv, r->name, r->res, r->value, err);
		break;
	case HV_RESOP_ATTACH:
		rc = hv_res_attach(hv, dirs, r, err);
		break;
	case HV_RESOP_DETACH:
		if (confined && r->vdev != NULL && strcmp(r->vdev, "xvda") == 0)
			return xdom_err_set(err, XDOM_EINVAL, "%s: xvda is the "
			    "root disk; it is not detached", r->name);
		rc = hv_block_detach(hv, r->name, r->vdev, err);
		break;
	case HV_RESOP_SAVE:
		rc = hv_res_save(hv, dirs, r, err);
		break;
	default:
		rc = hv_res_restore(hv, dirs, r, err);
		break;
	}
	/* What the host has (free or in all) is not this caller's to see. */
	if (rc == XDOM_ENOMEM && r->hide_host)
		rc = xdom_err_set(err, XDOM_ENOMEM, "%s: the host cannot give "
		    "%s that much memory now", r->name != NULL ? r->name :
		    "restore", r->name != NULL ? "it" : "the guest");
	return rc;
}
