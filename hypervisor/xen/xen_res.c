/*
 * xen_res.c - a Xen guest's resources: vcpu-set, mem-set, mem-max,
 * block-attach and block-detach are libxl calls, checked against the guest
 * first so that a bad value gets its reason; save and restore run
 * `xl save` / `xl restore` (xl's file format, and xl keeps watching a
 * restored guest as after create).
 */
#include "hypervisor/xen/xen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/memsize.h"
#include "core/vdev.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"
#include "hypervisor/xen/xen_save.h"

#define XEN_MIN_MEM_KB (32u << 10)	/* a smaller target starves the guest */

/* What a resource change is checked against: the guest as libxl keeps it
 * (target and static maximum from xenstore, vcpus from the hypervisor). */
struct xen_res_cur {
	const char *name;
	uint32_t domid;
	uint32_t max_vcpus, online;
	uint64_t target_kb, max_kb, host_kb;
};

static int
xen_res_vcpus(struct xen_priv *p, const struct xen_res_cur *c, uint64_t n,
    struct xdom_err *err)
{
	libxl_bitmap map;
	uint32_t i;
	int rc, lrc;

	if ((rc = hv_res_vcpus_check(c->name, n, c->max_vcpus, err)) != 0)
		return rc;
	libxl_bitmap_init(&map);
	if (libxl_bitmap_alloc(p->ctx, &map, (int)c->max_vcpus) != 0)
		return xdom_err_set(err, XDOM_EIO, "out of memory");
	for (i = 0; i < n; i++)
		libxl_bitmap_set(&map, (int)i);
	lrc = libxl_set_vcpuonline(p->ctx, c->domid, &map, NULL);
	libxl_bitmap_dispose(&map);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "vcpu-set", c->name);
	return 0;
}

static int
xen_res_mem(struct xen_priv *p, const struct xen_res_cur *c, uint64_t kb,
    struct xdom_err *err)
{
	char a[24], b[24];
	int lrc;

	if (kb < XEN_MIN_MEM_KB)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is below the "
		    "minimum of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(XEN_MIN_MEM_KB, b, sizeof b));
	if (kb > c->max_kb)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is above %s's "
		    "maximum of %s; raise it with mem-max first",
		    memsize_format(kb, a, sizeof a), c->name,
		    memsize_format(c->max_kb, b, sizeof b));
	if (kb > INT64_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "memory out of range");
	lrc = libxl_set_memory_target(p->ctx, c->domid, (int64_t)kb, 0, 1);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "mem-set", c->name);
	return 0;
}

static int
xen_res_maxmem(struct xen_priv *p, const struct xen_res_cur *c, uint64_t kb,
    struct xdom_err *err)
{
	char a[24], b[24];
	int lrc;

	if (kb < c->target_kb)
		return xdom_err_set(err, XDOM_EINVAL, "maximum %s is below %s's "
		    "memory of %s; lower it with mem-set first",
		    memsize_format(kb, a, sizeof a), c->name,
		    memsize_format(c->target_kb, b, sizeof b));
	if (c->host_kb != 0 && kb > c->host_kb)	/* ENOMEM: a host limit */
		return xdom_err_set(err, XDOM_ENOMEM, "maximum %s is above the "
		    "host's memory of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(c->host_kb, b, sizeof b));
	lrc = libxl_domain_setmaxmem(p->ctx, c->domid, kb);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "mem-max", c->name);
	return 0;
}

/* The guest's current limits, for the checks above. */
static int
xen_res_current(struct xen_priv *p, const char *name, struct xen_res_cur *c,
    struct xdom_err *err)
{
	libxl_dominfo di;
	libxl_domain_config dc;
	libxl_physinfo phys;
	int rc, lrc;

	memset(c, 0, sizeof *c);
	c->name = name;
	rc = xen_domid(p, name, &c->domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	libxl_dominfo_init(&di);
	lrc = libxl_domain_info(p->ctx, &di, c->domid);
	if (lrc == 0) {
		c->max_vcpus = di.vcpu_max_id + 1;
		c->online = di.vcpu_online;
	}
	libxl_dominfo_dispose(&di);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "info", name);
	libxl_domain_config_init(&dc);
	lrc = libxl_retrieve_domain_configuration(p->ctx, c->domid, &dc,
	    NULL);
	if (lrc == 0) {
		c->target_kb = dc.b_info.target_memkb;
		c->max_kb = dc.b_info.max_memkb;
	}
	libxl_domain_config_dispose(&dc);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "configuration", name);
	libxl_physinfo_init(&phys);
	if (libxl_get_physinfo(p->ctx, &phys) == 0)
		c->host_kb = phys.total_pages * 4;
	libxl_physinfo_dispose(&phys);
	return 0;
}

int
xen_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	static int (*const set[HV_RES__COUNT])(struct xen_priv *,
	    const struct xen_res_cur *, uint64_t, struct xdom_err *) = {
		[HV_RES_VCPUS] = xen_res_vcpus,
		[HV_RES_MEM] = xen_res_mem,
		[HV_RES_MAXMEM] = xen_res_maxmem,
	};
	struct xen_priv *p = xen_priv(hv);
	struct xen_res_cur c;
	int rc;

	if ((unsigned)r >= HV_RES__COUNT || set[r] == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	rc = xen_res_current(p, name, &c, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	return set[r](p, &c, value, err);
}

/* An absolute path to an existing regular file or block device. */
static int
xen_check_target(const char *target, struct xdom_err *err)
{
	struct stat sb;

	if (target == NULL || target[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the device's "
		    "absolute path", target != NULL ? target : "(none)");
	if (strlen(target) >= PATH_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "target path too long");
	if (stat(target, &sb) != 0)
		return xdom_err_errno(err, XDOM_EINVAL, errno, "%.200s",
		    target);
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return xdom_err_set(err, XDOM_EINVAL, "%.200s is not a file or "
		    "a block device", target);
	return 0;
}

/*
 * Where target is attached already (another domain, or this one under
 * another name): refused when either use is read-write, as two writers
 * would corrupt it. Writes the holder's name into who.
 */
static bool
xen_target_busy(libxl_ctx *ctx, const char *target, bool rw, char *who,
    size_t len)
{
	libxl_dominfo *doms;
	libxl_device_disk *disks;
	int nd = 0, nk, i, j;
	bool busy = false;
	char *name;

	doms = libxl_list_domain(ctx, &nd);
	for (i = 0; doms != NULL && i < nd && !busy; i++) {
		disks = libxl_device_disk_list(ctx, doms[i].domid, &nk);
		for (j = 0; disks != NULL && j < nk && !busy; j++) {
			if (disks[j].pdev_path == NULL ||
			    strcmp(disks[j].pdev_path, target) != 0 ||
			    (!rw && disks[j].readwrite == 0))
				continue;
			busy = true;
			name = libxl_domid_to_name(ctx, doms[i].domid);
			snprintf(who, len, "%s as %s", name != NULL ? name :
			    "another domain", disks[j].vdev != NULL ?
			    disks[j].vdev : "?");
			free(name);
		}
		if (disks != NULL)
			libxl_device_disk_list_free(disks, nk);
	}
	if (doms != NULL)
		libxl_dominfo_list_free(doms, nd);
	return busy;
}

/* libxl_device_disk_add/_remove run hotplug scripts: SIGCHLD at its
 * default meanwhile (see xen_int.h). */
static int
xen_disk_call(int (*fn)(libxl_ctx *, uint32_t, libxl_device_disk *,
    const libxl_asyncop_how *), libxl_ctx *ctx, uint32_t domid,
    libxl_device_disk *disk)
{
	struct sigaction saved;
	int lrc;

	if (!xen_sigchld_dfl(&saved))
		return ERROR_FAIL;
	lrc = fn(ctx, domid, disk, NULL);
	sigaction(SIGCHLD, &saved, NULL);
	return lrc;
}

/*
 * xl block-attach: a raw image or block device as vdev. libxl picks the
 * backend: a block device goes to blkback through the "block" hotplug
 * script, a file to whatever the host offers for files.
 */
int
xen_block_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_device_disk disk, old;
	uint32_t domid, dev;
	char who[160];
	int rc, lrc;

	if (b == NULL || b->vdev == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "block-attach needs a "
		    "target and a virtual device");
	rc = vdev_parse(b->vdev, &dev, err);
	if (rc != 0)
		return rc;
	rc = xen_check_target(b->target, err);
	if (rc != 0)
		return rc;
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	libxl_device_disk_init(&old);
	lrc = libxl_vdev_to_device_disk(p->ctx, domid, b->vdev, &old);
	libxl_device_disk_dispose(&old);
	if (lrc == 0)
		return xdom_err_set(err, XDOM_EINVAL, "%s already has a device "
		    "%s", name, b->vdev);
	if (xen_target_busy(p->ctx, b->target, b->writable, who, sizeof who))
		return xdom_err_set(err, XDOM_EINVAL, "%.200s is attached to "
		    "%s already", b->target, who);
	libxl_device_disk_init(&disk);
	disk.pdev_path = xstrdup(b->target);
	disk.vdev = xstrdup(b->vdev);
	disk.format = LIBXL_DISK_FORMAT_RAW;
	disk.backend = LIBXL_DISK_BACKEND_UNKNOWN;
	disk.readwrite = b->writable ? 1 : 0;
	disk.removable = 0;
	disk.is_cdrom = 0;
	p->log.last[0] = '\0';
	lrc = xen_disk_call(libxl_device_disk_add, p->ctx, domid, &disk);
	libxl_device_disk_dispose(&disk);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "block-attach", name);
	return 0;
}

/* Whether vdev is one of the disks in name's config file. */
static bool
xen_cfg_disk(const struct xen_priv *p, const char *name, const char *vdev)
{
	struct xdom_err err = { 0, "" };
	struct hv_info *in;
	char path[PATH_MAX];
	bool found = false;
	unsigned i;

	if (!xen_cfg_path(p, name, path, sizeof path))
		return false;
	in = xcalloc(1, sizeof *in);
	if (xen_info_cfg(path, in, &err) == 0)
		for (i = 0; i < in->n_disks; i++)
			found = found || strcmp(in->disks[i].vdev, vdev) == 0;
	free(in);
	return found;
}

int
xen_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_device_disk disk;
	uint32_t domid, dev;
	int rc, lrc;

	rc = vdev_parse(vdev, &dev, err);
	if (rc != 0)
		return rc;
	if (strcmp(vdev, "xvda") == 0)
		return xdom_err_set(err, XDOM_EINVAL, "xvda is %s's root disk; "
		    "it stays", name);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	if (xen_cfg_disk(p, name, vdev))
		return xdom_err_set(err, XDOM_EINVAL, "%s is in %s's config "
		    "file; it stays", vdev, name);
	libxl_device_disk_init(&disk);
	if (libxl_vdev_to_device_disk(p->ctx, domid, vdev, &disk) != 0) {
		libxl_device_disk_dispose(&disk);
		return xdom_err_set(err, XDOM_EINVAL, "%s has no device %s",
		    name, vdev);
	}
	p->log.last[0] = '\0';
	lrc = xen_disk_call(libxl_device_disk_remove, p->ctx, domid, &disk);
	libxl_device_disk_dispose(&disk);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "block-detach", name);
	return 0;
}

/*
 * Save and restore run `xl save NAME FILE` and `xl restore FILE`: xl
 * writes its own file format (the domain's config, then libxl's stream),
 * so a file xdom saved can be restored by xl and the other way round, and
 * `xl restore` keeps watching the guest as `xl create` does. The file is
 * created here first, 0600 and never over an existing one (it holds the
 * guest's memory); xl then fills it.
 */
int
xen_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "save", (char *)name, path, NULL };
	uint32_t domid;
	int rc, fd;

	if (file == NULL || file[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file's "
		    "absolute path", file != NULL ? file : "(none)");
	if (strlen(file) >= sizeof path)
		return xdom_err_set(err, XDOM_EINVAL, "save file path too long");
	snprintf(path, sizeof path, "%s", file);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return xdom_err_errno(err, errno == EEXIST ? XDOM_EINVAL :
		    XDOM_EIO, errno, "save file %.200s", path);
	close(fd);
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0) {
		unlink(path);
		return xen_err_prefix(err, rc, name, "save");
	}
	return 0;
}

/* The disks of name's config file, for xen_save_check(). */
static int
xen_restore_cfg(void *arg, const char *name, struct hv_info *out)
{
	char path[PATH_MAX];

	if (!xen_cfg_path(arg, name, path, sizeof path))
		return XDOM_ENOENT;
	return xen_info_cfg(path, out, NULL);
}

/* Restore only the guest asked for, with disks that pass the rule
 * (xen_save.c reads what the file says first). */
int
xen_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "restore", path, NULL };
	libxl_ctx *ctx;
	int rc;

	if (o->file == NULL || o->file[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file's "
		    "absolute path", o->file != NULL ? o->file : "(none)");
	if (strlen(o->file) >= sizeof path)
		return xdom_err_set(err, XDOM_EINVAL, "save file path too long");
	snprintf(path, sizeof path, "%s", o->file);
	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	rc = xen_save_check(ctx, o, xen_restore_cfg, p, err);
	if (rc != 0)
		return rc;
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0)
		return xen_err_prefix(err, rc, path, "restore");
	return 0;
}
