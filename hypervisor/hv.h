/*
 * hv.h - the one door to a hypervisor.
 *
 * Every view (dashboard, CLI, helper, shell) talks to a host through this
 * interface; nothing outside hypervisor/ includes a Xen header. A backend
 * is a const struct hv_backend table chosen at run time by name:
 *
 *   sim     the embedded simulated host (always built, the default)
 *   xen     libxenstat + libxenlight (built when libxenlight is found)
 *   helper  the same calls sent to xdomd over its Unix socket
 *   ssh, fleet  remote hosts over SSH: their `xdom stats --stream`, and
 *               actions as the remote `xdom ACTION NAME`
 *
 * All functions return 0 or a negative XDOM_E* code and fill *err with a
 * one-line message a person can act on. Domain names are raw bytes from
 * the hypervisor or the user: escape them before display (core/escape.h).
 */
#ifndef XDOM_HYPERVISOR_HV_H
#define XDOM_HYPERVISOR_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/err.h"
#include "core/snap.h"

struct conf;

/* A block device to attach (xl block-attach). */
struct hv_block {
	const char *target;	/* image file or block device path */
	const char *vdev;	/* virtual device name: "xvdb" */
	bool writable;		/* rw (true) or ro */
};

/*
 * Resource changes on a running guest (xl vcpu-set, mem-set, mem-max,
 * block-attach/-detach, save/restore). Values are validated by the
 * backend against the guest: more vcpus than its maximum, memory above
 * its maximum or a vdev that does not exist give XDOM_EINVAL with the
 * reason. Save stops the guest and writes its state to file; restore
 * starts it again from file with the same name (struct hv_restore_opts).
 * hypervisor/hv_res.h is the one path callers take to these calls.
 */
enum hv_resource {
	HV_RES_VCPUS = 0,	/* online vcpus, value = count */
	HV_RES_MEM,		/* memory target, value = KiB */
	HV_RES_MAXMEM,		/* maximum memory, value = KiB */
	HV_RES__COUNT
};

/*
 * Progress of a long action (re-image). permille is 0..1000; stage is a
 * short phrase ("writing image", "backup"). Return non-zero to ask the
 * backend to stop early (it then returns XDOM_ETIMEDOUT or XDOM_EIO and
 * leaves the guest's old image in place).
 */
typedef int (*hv_progress_fn)(void *arg, unsigned permille, const char *stage);

/* What to restore. */
struct hv_restore_opts {
	const char *name;	/* the guest to restore: a file saved from
				   another guest is refused (XDOM_EPERM)
				   and nothing else is locked or touched;
				   NULL: the guest the file names (the
				   admin's explicit file only) */
	const char *file;	/* the save file, absolute; NULL through a
				   backend with picks_files */
	bool confine_disks;	/* every disk the file names must lie
				   under disk_dir (none at all when
				   disk_dir is NULL), see hv_res_disk_check;
				   without it each disk is still checked,
				   anywhere */
	const char *disk_dir;
};

struct hv_reimage_opts {
	bool shutdown_first;	/* stop a running guest first, else refuse */
	const char *reason;	/* audit reason, may be NULL */
};

/* How to open a backend. Zero-initialise; every field is optional. */
struct hv_open_opts {
	const char *backend;	/* "sim", "xen", "helper", ...; NULL: config,
				   then $XDOM_BACKEND, then "sim" */
	const struct conf *conf;	/* xdom.conf, may be NULL */
	const char *sim_dir;	/* NULL: $XDOM_SIM_DIR or the default */
	bool trusted_dirs;	/* privileged caller (xdomd): refuse state
				   directories that anyone but root or this
				   process's user could change
				   (core/pathtrust.h) */
	unsigned sim_domains;	/* >0: create a sim host with N guests */
	const char *socket;	/* helper backend: xdomd's socket */
	const char *hosts;	/* ssh/fleet: comma-separated host specs,
				   [user@]host[:port] */
	const char *hosts_file;	/* ssh/fleet: a hosts file (one spec a
				   line); fleet with neither reads
				   ~/.config/xdom/hosts */
};

struct hv;

struct hv_backend {
	const char *name;
	bool simulated;		/* views must say SIMULATED */
	bool remote;		/* hosts over SSH (ssh, fleet): snapshot()
				   never waits, action() may run on another
				   thread meanwhile, over the same
				   connections; domains are "HOST/NAME" */
	bool picks_files;	/* the backend names every file itself
				   (helper: xdomd's block_dir, save_dir):
				   attach takes an image name, save no file,
				   restore the guest's name */
	int (*open)(struct hv *hv, const struct hv_open_opts *o,
	    struct xdom_err *err);
	void (*close)(struct hv *hv);
	int (*snapshot)(struct hv *hv, unsigned what, struct snap *out,
	    struct xdom_err *err);
	int (*guests)(struct hv *hv, struct hv_guest_list *out,
	    struct xdom_err *err);
	int (*info)(struct hv *hv, const char *name, struct hv_info *out,
	    struct xdom_err *err);
	/* reason: the caller's audit reason (help-desk tickets), may be
	 * NULL; only the helper backend uses it. */
	int (*action)(struct hv *hv, const char *name, enum hv_action a,
	    const char *reason, struct xdom_err *err);
	int (*console)(struct hv *hv, const char *name, const char *reason,
	    int *fd, struct xdom_err *err);
	int (*reimage)(struct hv *hv, const char *name,
	    const struct hv_reimage_opts *o, hv_progress_fn progress,
	    void *arg, struct xdom_err *err);
	int (*set_resource)(struct hv *hv, const char *name,
	    enum hv_resource r, uint64_t value, struct xdom_err *err);
	int (*block_attach)(struct hv *hv, const char *name,
	    const struct hv_block *b, struct xdom_err *err);
	int (*block_detach)(struct hv *hv, const char *name, const char *vdev,
	    struct xdom_err *err);
	int (*save)(struct hv *hv, const char *name, const char *file,
	    struct xdom_err *err);
	int (*restore)(struct hv *hv, const struct hv_restore_opts *o,
	    struct xdom_err *err);
	/* Whether this connection's data is simulated, when only the open
	 * connection knows (helper: what xdomd runs); NULL: .simulated. */
	bool (*is_simulated)(const struct hv *hv);
	/* key already checked by hv_sysrq(); reason as for action. */
	int (*sysrq)(struct hv *hv, const char *name, char key,
	    const char *reason, struct xdom_err *err);
	/* Give up what other threads wait for (see hv_cancel); NULL:
	 * nothing to do. */
	void (*cancel)(struct hv *hv);
};

/* An open connection to a host. Backends keep their state in priv. */
struct hv {
	const struct hv_backend *be;
	void *priv;
};

/* Open the backend chosen by o (see hv_open_opts.backend). */
int hv_open(struct hv **out, const struct hv_open_opts *o,
    struct xdom_err *err);
/* Close and free (NULL is fine). */
void hv_close(struct hv *hv);
/* Whether name is a backend of the project ("xen" even in a build or a
 * program without it, which hv_open() then explains). */
bool hv_backend_known(const char *name);

/* The backend's name ("sim") and whether its data is simulated. */
const char *hv_backend_name(const struct hv *hv);
bool hv_simulated(const struct hv *hv);

/*
 * Fill out (after snap_reset) with a snapshot; what is a mask of
 * enum hv_snap_what. out->mono_ns and wall_s are set; domains sorted.
 */
int hv_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err);
/* Every guest the host knows, running or stopped. Caller disposes. */
int hv_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err);
int hv_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err);
/* Act on a guest by name. Returns once the request was accepted: a
 * shutdown or reboot completes later, as on Xen. */
int hv_action(struct hv *hv, const char *name, enum hv_action a,
    struct xdom_err *err);
/* The same with an audit reason. Through the helper, a policy rule that
 * requires a reason makes a request without one fail with XDOM_EREASON:
 * ask the user for one and send the request again. */
int hv_action_reason(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err);
/* A read/write fd on the guest's console; the caller closes it. */
int hv_console(struct hv *hv, const char *name, int *fd, struct xdom_err *err);
int hv_console_reason(struct hv *hv, const char *name, const char *reason,
    int *fd, struct xdom_err *err);
/* Re-image; blocks until done, calling progress along the way. */
int hv_reimage(struct hv *hv, const char *name,
    const struct hv_reimage_opts *o, hv_progress_fn progress, void *arg,
    struct xdom_err *err);

/*
 * Send a magic SysRq key to a running guest, as `xl sysrq` does (the
 * guest's kernel acts on it: 's' sync, 'u' remount read-only, 'b' reboot
 * at once, 'o' power off, 'c' crash, 'h' help on its console...). Keys
 * are the ones HV_SYSRQ_KEYS (core/domain.h) lists; another is XDOM_EINVAL, a backend
 * without SysRq gives XDOM_ENOSYS. reason as for hv_action_reason().
 */
int hv_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err);

/* Resource changes and save/restore (see enum hv_resource). A backend
 * without them gives XDOM_ENOSYS. */
int hv_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err);
int hv_block_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err);
int hv_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err);
int hv_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err);
int hv_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err);

/*
 * The name to give hv_action() for domain d of snapshot s taken from hv:
 * the domain's own name, or "HOST/NAME" (HOST being s->hosts[d->host]
 * .name) for the ssh and fleet backends, whose actions must know the
 * host. Writes into buf (len bytes, truncated) and returns buf.
 */
const char *hv_dom_ref(const struct hv *hv, const struct snap *s,
    const struct snap_dom *d, char *buf, size_t len);

/* Whether hv reaches its hosts over SSH (see hv_backend.remote): views
 * then show a HOST column and host states, and share this handle with
 * their action thread instead of opening a second one. */
bool hv_remote(const struct hv *hv);

/* Before closing a handle that other threads use (a remote one shared
 * with an action thread): stop its connections, so that a call in flight
 * there (an action on a slow host) ends soon, with an error. Afterwards
 * the handle is only good for hv_close(). */
void hv_cancel(struct hv *hv);

/* Short name of a snap_host state for views: "up", "connecting", "auth
 * failed", "key mismatch", "down", "retrying"; "?" when out of range. */
const char *hv_host_state_name(int state);

/*
 * The backends a program offers, NULL-terminated. Each program defines
 * this list in its main.c (cli/, shell/, helper/; the tests in
 * tests/unit/support/), so it links only those backends and their
 * libraries: xdomd {sim, xen}, xdom-shell {helper}, xdom all of them.
 */
extern const struct hv_backend *const hv_backends[];

/* The backends, each in its own folder and archive (see Makefile). */
extern const struct hv_backend hv_sim_backend;		/* hypervisor/sim/ */
extern const struct hv_backend hv_ssh_backend;		/* hypervisor/remote/ */
extern const struct hv_backend hv_fleet_backend;	/* hypervisor/remote/ */
extern const struct hv_backend hv_helper_backend;	/* hypervisor/remote/ */
#ifdef XDOM_HAVE_XEN
extern const struct hv_backend hv_xen_backend;		/* hypervisor/xen/ */
#endif

#endif
