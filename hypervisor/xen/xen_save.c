/*
 * xen_save.c - read an xl save file's header and the domain
 * configuration xl stored in it (see xen_save.h).
 *
 * xl writes a 32-byte magic, then four uint32 in the host's byte order
 * (a byte-order mark, mandatory flags, optional flags, the optional
 * data's length), then the optional data: the configuration's length
 * and the configuration itself, JSON when the JSON flag is set (every
 * xl since Xen 4.5). libxl parses that JSON (libxl_domain_config_from_json).
 */
#include "hypervisor/xen/xen_save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

#define XEN_SAVE_MAGIC "Xen saved domain, xl format\n \0 \r"
#define XEN_SAVE_MAGIC_LEN 32
#define XEN_SAVE_BYTEORDER 0x01020304u
#define XEN_SAVE_FLAG_JSON 1u
#define XEN_SAVE_CONFIG_MAX (1u << 20)

struct xen_save_hdr {
	char magic[XEN_SAVE_MAGIC_LEN];
	uint32_t byteorder;
	uint32_t mandatory_flags;
	uint32_t optional_flags;
	uint32_t optional_data_len;
};

static int
xen_save_read(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The configuration JSON of the save file on fd (malloc'd), or NULL. */
static char *
xen_save_config(int fd, const char *shown, struct xdom_err *err)
{
	struct xen_save_hdr h;
	uint32_t len;
	char *json;

	if (xen_save_read(fd, &h, sizeof h) != 0 ||
	    memcmp(h.magic, XEN_SAVE_MAGIC, XEN_SAVE_MAGIC_LEN) != 0 ||
	    h.byteorder != XEN_SAVE_BYTEORDER) {
		xdom_err_set(err, XDOM_EINVAL, "%s is not an xl save file",
		    shown);
		return NULL;
	}
	if ((h.mandatory_flags & XEN_SAVE_FLAG_JSON) == 0) {
		xdom_err_set(err, XDOM_EINVAL, "%s keeps its configuration "
		    "in the old text form, which xdom does not check: "
		    "restore it with xl", shown);
		return NULL;
	}
	if (h.optional_data_len < sizeof len ||
	    xen_save_read(fd, &len, sizeof len) != 0 || len == 0 ||
	    len > XEN_SAVE_CONFIG_MAX || len > h.optional_data_len -
	    sizeof len) {
		xdom_err_set(err, XDOM_EINVAL, "%s: damaged save file header",
		    shown);
		return NULL;
	}
	json = xmalloc((size_t)len + 1);
	if (xen_save_read(fd, json, len) != 0) {
		free(json);
		xdom_err_set(err, XDOM_EINVAL, "%s: damaged save file", shown);
		return NULL;
	}
	json[len] = '\0';
	return json;
}

static bool
xen_save_cfg_disk(const struct hv_info *cfg, const char *path)
{
	unsigned i;

	for (i = 0; cfg != NULL && i < cfg->n_disks; i++)
		if (strcmp(cfg->disks[i].target, path) == 0)
			return true;
	return false;
}

/* Each disk of dc: the guest's own (cfg) or one that passes the rule. */
static int
xen_save_disks(const libxl_domain_config *dc, const struct hv_restore_opts *o,
    const struct hv_info *cfg, struct xdom_err *err)
{
	char shown[96], why[XDOM_ERR_MSG_MAX];
	int i, rc;

	for (i = 0; i < dc->num_disks; i++) {
		const libxl_device_disk *k = &dc->disks[i];

		if (k->pdev_path == NULL || k->pdev_path[0] == '\0' ||
		    xen_save_cfg_disk(cfg, k->pdev_path))
			continue;
		xdom_escape(shown, sizeof shown, k->pdev_path);
		if (o->confine_disks && (o->disk_dir == NULL ||
		    k->script != NULL))
			return xdom_err_set(err, XDOM_EPERM, "the save file "
			    "names a disk that is not the guest's: %s", shown);
		if (k->script != NULL)
			continue;	/* the admin's own hotplug script */
		if ((rc = hv_res_disk_check(k->pdev_path, o->confine_disks ?
		    o->disk_dir : NULL, err)) != 0) {
			snprintf(why, sizeof why, "%s", xdom_err_msg(err));
			return xdom_err_set(err, rc == XDOM_EINVAL ? XDOM_EPERM :
			    rc, "the save file names a disk that is refused: %s",
			    why);
		}
	}
	return 0;
}

int
xen_save_check(libxl_ctx *ctx, const struct hv_restore_opts *o,
    xen_save_cfg_fn cfg_of, void *arg, struct xdom_err *err)
{
	struct hv_info *cfg = NULL;
	libxl_domain_config dc;
	char shown[96], *json = NULL;
	struct stat sb;
	int fd, rc;

	xdom_escape(shown, sizeof shown, o->file);
	fd = open(o->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return xdom_err_errno(err, errno == ENOENT ? XDOM_ENOENT :
		    XDOM_EIO, errno, "save file %s", shown);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return xdom_err_set(err, XDOM_EINVAL, "%s is not a save file",
		    shown);
	}
	json = xen_save_config(fd, shown, err);
	close(fd);
	if (json == NULL)
		return err != NULL && err->code != 0 ? err->code : XDOM_EINVAL;
	libxl_domain_config_init(&dc);
	if (libxl_domain_config_from_json(ctx, &dc, json) != 0) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s: its configuration "
		    "does not parse", shown);
		goto out;
	}
	if (o->name != NULL && (dc.c_info.name == NULL ||
	    strcmp(dc.c_info.name, o->name) != 0)) {
		rc = xdom_err_set(err, XDOM_EPERM, "the save file for %s holds "
		    "another guest; it is not restored", o->name);
		goto out;
	}
	/* the guest's own disks are the admin's: its config file says */
	if (dc.c_info.name != NULL && xdom_name_valid(dc.c_info.name)) {
		cfg = xcalloc(1, sizeof *cfg);
		if (cfg_of(arg, dc.c_info.name, cfg) != 0)
			cfg->n_disks = 0;
	}
	rc = xen_save_disks(&dc, o, cfg, err);
	free(cfg);
out:
	libxl_domain_config_dispose(&dc);
	free(json);
	return rc;
}
