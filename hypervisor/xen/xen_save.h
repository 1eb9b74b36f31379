/*
 * xen_save.h - what an xl save file says before it is restored: the
 * guest it holds and the disks it would attach (xen_save.c).
 */
#ifndef XDOM_HYPERVISOR_XEN_SAVE_H
#define XDOM_HYPERVISOR_XEN_SAVE_H

#include <libxl.h>

#include "core/err.h"
#include "hypervisor/hv.h"

/*
 * Check the save file o->file (opened without following links, a
 * regular file) before `xl restore`: its guest must be o->name (when
 * given), and each disk it names must be one of the guest's config
 * file's (the admin's, from cfg_of(arg, NAME, out), which returns 0 when
 * the guest has one) or pass hv_res_disk_check(), under o->disk_dir
 * when o->confine_disks. 0, or XDOM_EPERM / XDOM_EINVAL with the reason.
 */
typedef int (*xen_save_cfg_fn)(void *arg, const char *name,
    struct hv_info *out);
int xen_save_check(libxl_ctx *ctx, const struct hv_restore_opts *o,
    xen_save_cfg_fn cfg_of, void *arg, struct xdom_err *err);

#endif
