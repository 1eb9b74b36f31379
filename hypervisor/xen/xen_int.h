/*
 * xen_int.h - what the files of the Xen backend share, and nothing else
 * includes: the backend's private state, the libxl context and its error
 * messages, the child runner, and each file's backend operations (the
 * table that names them is in hv_xen.c).
 *
 *   hv_xen.c       open, close, the libxl context, errors, domain ids
 *   xen_snap.c     snapshots (libxenstat), the guest list, guest info
 *   xen_run.c      running xl and the re-image command as children
 *   xen_act.c      boot, the libxl actions, sysrq
 *   xen_console.c  the console tty
 *   xen_reimage.c  re-image
 *   xen_res.c      vcpus, memory, block devices, save and restore
 *
 * SIGCHLD: libxl is left in its default child mode
 * (libxl_sigchld_owner_libxl): it owns SIGCHLD only while one of its own
 * calls has children (hotplug scripts when a guest is destroyed or a
 * disk added or removed), and it insists that nobody else has a SIGCHLD
 * handler at that moment. Programs embedding the backend do (xdomd's
 * event loop), so each such libxl call runs with SIGCHLD at its default
 * and the caller's handler is put back after (xen_call, xen_sigchld_dfl);
 * listing and snapshots never start children. The "always" modes would
 * install libxl's handler for good as soon as the context exists, which
 * aborts in a program that has its own.
 */
#ifndef XDOM_XEN_INT_H
#define XDOM_XEN_INT_H

#define LIBXL_API_VERSION 0x041400

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstat.h>
#include <xentoollog.h>

#include "hypervisor/hv.h"

/* A xentoollog logger that keeps the last error for the user. libxl calls
 * through vt, so it must stay the first member. */
struct xen_log {
	xentoollog_logger vt;
	char last[256];		/* last message at XTL_ERROR or worse */
	bool echo;		/* $XDOM_XEN_DEBUG: also print to stderr */
};

/* hv->priv of the xen backend; made by xen_open, freed by xen_close. */
struct xen_priv {
	xenstat_handle *xs;
	libxl_ctx *ctx;		/* NULL until first needed */
	struct xen_log log;
	char version[32];	/* hypervisor version, read once */
	char hostname[128];
	char cfg_dir[PATH_MAX];
	char xl[PATH_MAX];
	char reimage[512];
	long cmd_timeout_s;	/* xl create */
	long reimage_timeout_s;
};

static inline struct xen_priv *
xen_priv(struct hv *hv)
{
	return hv->priv;
}

/* --- hv_xen.c ----------------------------------------------------------- */

/* The libxl context, made on first use (the dashboard, which only takes
 * snapshots, never pays for it); *out is owned by p. */
int xen_ctx(struct xen_priv *p, libxl_ctx **out, struct xdom_err *err);
/* The same for acting on the guest called name: refused (one line) when
 * the name is not valid. */
int xen_ctx_named(struct xen_priv *p, const char *name, libxl_ctx **ctx,
    struct xdom_err *err);
/* An error from a libxl call: the code mapped, libxl's last message. */
int xen_lxerr(struct xen_priv *p, int lrc, struct xdom_err *err,
    const char *what, const char *name);
/* Put "who: what: " before the message already in err; returns rc. */
int xen_err_prefix(struct xdom_err *err, int rc, const char *who,
    const char *what);
/* Domain id of a running guest that xdom may act on: a valid name, never
 * Domain-0. Makes the context, so p->ctx is set when this returns 0. */
int xen_domid(struct xen_priv *p, const char *name, uint32_t *domid,
    struct xdom_err *err);

/* --- xen_snap.c --------------------------------------------------------- */

int xen_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err);
int xen_guests(struct hv *hv, struct hv_guest_list *out,
    struct xdom_err *err);
int xen_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err);
/* cfg_dir/NAME.cfg into buf; false when it is not a regular file. */
bool xen_cfg_path(const struct xen_priv *p, const char *name, char *buf,
    size_t len);
/* Facts of a stopped guest from its config file at path (best effort). */
int xen_info_cfg(const char *path, struct hv_info *out,
    struct xdom_err *err);

/* --- xen_run.c ---------------------------------------------------------- */

/* Run argv (no shell, fixed PATH and environment) until it exits or
 * timeout_s passes; its last output line into last, each line to progress
 * when given. 0 when it exits with status 0. */
int xen_run(char *const argv[], long timeout_s, hv_progress_fn progress,
    void *parg, char *last, size_t lastlen, struct xdom_err *err);

/* --- xen_act.c ---------------------------------------------------------- */

int xen_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err);
int xen_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err);
/* SIGCHLD to its default, the caller's disposition into *saved; false
 * when that fails. */
bool xen_sigchld_dfl(struct sigaction *saved);
/* A libxl call on one domain (libxl_domain_shutdown, _reboot, _destroy,
 * _pause, _unpause), made synchronously (ao_how NULL). */
typedef int xen_dom_fn(libxl_ctx *ctx, uint32_t domid,
    const libxl_asyncop_how *ao_how);
/* fn(ctx, domid, NULL) with SIGCHLD at its default; libxl's return code. */
int xen_call(xen_dom_fn *fn, libxl_ctx *ctx, uint32_t domid);

/* --- xen_console.c, xen_reimage.c, xen_res.c ---------------------------- */

int xen_console(struct hv *hv, const char *name, const char *reason, int *fd,
    struct xdom_err *err);
int xen_reimage(struct hv *hv, const char *name,
    const struct hv_reimage_opts *o, hv_progress_fn progress, void *arg,
    struct xdom_err *err);
int xen_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err);
int xen_block_attach(struct hv *hv, const char *name,
    const struct hv_block *b, struct xdom_err *err);
int xen_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err);
int xen_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err);
int xen_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err);

#endif
