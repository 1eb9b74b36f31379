/*
 * hv_res.h - the one path for resource operations (vcpus, memory,
 * maximum memory, block attach and detach, save and restore), below
 * every caller: xdomd (helper/requests.c), xdom-shell without xdomd
 * (shell/cmds_res.c), the CLI (cli/cli_res.c) and the dashboard
 * (top/top_action.c).
 *
 * The rules live here once:
 *   - files are resolved under the admin's directories (core/resdir.h):
 *     save_dir/NAME.save, block_dir/NAME/IMAGE; save_dir is made (0700)
 *     on first use, when its parent exists;
 *   - a save never overwrites a file;
 *   - restore acts only on the guest asked for: a save file of another
 *     guest is refused by the backend (hv_restore_opts.name), and a
 *     state restored by name is removed afterwards (restored once);
 *   - every disk is checked at every use (hv_res_disk_check): attach
 *     and each disk a save file names on restore;
 *   - confined callers (xdomd) name images and guests, never paths, and
 *     a refusal because of the host's limits carries no host figures
 *     for a caller without the `host` right.
 *
 * Through a backend that picks files itself (hv_backend.picks_files:
 * the helper, where xdomd applies these rules) the names pass through.
 */
#ifndef XDOM_HYPERVISOR_HV_RES_H
#define XDOM_HYPERVISOR_HV_RES_H

#include <stdbool.h>
#include <stdint.h>

#include "hypervisor/hv.h"

enum hv_res_kind {
	HV_RESOP_SET = 0,	/* res and value */
	HV_RESOP_ATTACH,	/* image or target, vdev, writable */
	HV_RESOP_DETACH,	/* vdev */
	HV_RESOP_SAVE,		/* file or save_dir/NAME.save */
	HV_RESOP_RESTORE,	/* file or save_dir/NAME.save */
	HV_RESOP__COUNT
};

/* Where files come from (xdom.conf, see core/resdir.h). */
struct hv_res_dirs {
	const char *save_dir;	/* absolute; NULL: RESDIR_SAVE_DEFAULT */
	const char *block_dir;	/* NULL: no image is attached by name */
	bool confined;		/* xdomd's clients: images by name from
				   block_dir/NAME/ only, save files in
				   save_dir only, restore's disks only
				   under block_dir/NAME/, the root disk
				   stays */
};

/* One request. Zero-initialise, then fill what kind needs. */
struct hv_res_req {
	enum hv_res_kind kind;
	const char *name;	/* the guest (as authorised); restore from
				   an explicit file may leave it NULL
				   (not confined): the guest the file
				   names */
	enum hv_resource res;	/* SET */
	uint64_t value;		/* SET: count or KiB */
	const char *image;	/* ATTACH: an image name in
				   block_dir/NAME/ */
	const char *target;	/* ATTACH without image: an absolute path
				   (never when confined) */
	const char *vdev;	/* ATTACH, DETACH */
	bool writable;		/* ATTACH */
	const char *file;	/* SAVE, RESTORE: an absolute path (never
				   when confined); NULL: by name, in
				   save_dir */
	bool hide_host;		/* the caller may not see host figures */
};

/*
 * Apply r on hv under the rules above. 0 or a negative XDOM_E* code with
 * a one-line reason in *err. XDOM_ENOMEM is a refusal because of the
 * host's limits (its free or total memory).
 */
int hv_res_apply(struct hv *hv, const struct hv_res_dirs *dirs,
    const struct hv_res_req *r, struct xdom_err *err);

/*
 * The disk rule, for every use of a disk: path is absolute and names a
 * regular file or a block device, not a symbolic link; it is opened with
 * O_PATH | O_NOFOLLOW and checked with fstat() on that fd. With under
 * (an absolute directory), path must lie below it and no component
 * after it may be a symbolic link or "..". XDOM_EINVAL with the reason
 * (the path escaped) when it fails.
 */
int hv_res_disk_check(const char *path, const char *under,
    struct xdom_err *err);

/*
 * The vcpu rule, for every backend's vcpu-set: n vcpus online for the
 * guest name, which has max_vcpus, is from 1 to max_vcpus. 0, or
 * XDOM_EINVAL with the reason in *err.
 */
int hv_res_vcpus_check(const char *name, uint64_t n, uint32_t max_vcpus,
    struct xdom_err *err);

/* A short verb for kind ("vcpus", "attach", "save", ...). */
const char *hv_res_kind_name(enum hv_res_kind kind);

#endif
