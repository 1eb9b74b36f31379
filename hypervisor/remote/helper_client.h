/*
 * helper_client.h - the client side of xdomd's protocol: one function per
 * request, over one connection. Used by the `helper` hv backend (so the
 * shell and `xdom --backend=helper` go through it) and directly by the
 * shell for what the hv interface does not carry (the caller's rights per
 * guest, whoami).
 *
 * A connection carries one request at a time; every call blocks until
 * its answer (a re-image calls progress along the way). Every answer is
 * checked to be of the type its request expects. All calls return 0 or a
 * negative XDOM_E* code with a one-line message in err; a refusal is
 * XDOM_EPERM ("web02: not allowed: reboot"), a rule that needs a reason
 * XDOM_EREASON (ask the person for one, then call again with it), an
 * unreachable daemon XDOM_EUNAVAIL. reason may be NULL everywhere.
 *
 * If xdomd closed an idle connection, the next call reconnects once
 * (only when the request could not even be sent, so nothing is done
 * twice).
 */
#ifndef XDOM_HYPERVISOR_HELPER_CLIENT_H
#define XDOM_HYPERVISOR_HELPER_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/policy.h"
#include "core/proto.h"
#include "hypervisor/hv.h"

#define HELPER_SOCKET_DEFAULT "/run/xdom/xdomd.sock"

struct helper_client;

/* Connect to xdomd at path (NULL: HELPER_SOCKET_DEFAULT). */
int helper_connect(struct helper_client **out, const char *path,
    struct xdom_err *err);
/* Close and free (NULL is fine). */
void helper_disconnect(struct helper_client *c);

/* Who xdomd sees (uid, user, groups) and what it runs (backend). */
int helper_whoami(struct helper_client *c, struct proto_whoami *out,
    struct xdom_err *err);
/* The guests the caller may see, each with the caller's rights (bits of
 * enum policy_action) and which of them need a reason. Caller disposes
 * with proto_guest_list_dispose(). */
int helper_list(struct helper_client *c, struct proto_guest_list *out,
    struct xdom_err *err);
/* hv_info of one guest (policy action `status`). */
int helper_info(struct helper_client *c, const char *name,
    struct hv_info *out, struct xdom_err *err);
/* A snapshot of the caller's guests only; what: enum hv_snap_what. */
int helper_stats(struct helper_client *c, unsigned what, struct snap *out,
    struct xdom_err *err);

/* An action on a guest (one request type per action). */
int helper_action(struct helper_client *c, const char *name,
    enum hv_action a, const char *reason, struct xdom_err *err);
/* Send SysRq key (one of HV_SYSRQ_KEYS) to the guest. */
int helper_sysrq(struct helper_client *c, const char *name, char key,
    const char *reason, struct xdom_err *err);
/* The guest's console: *fd is a read/write stream (the connection
 * itself, relayed by xdomd) that the caller closes. */
int helper_console(struct helper_client *c, const char *name,
    const char *reason, int *fd, struct xdom_err *err);

/*
 * Re-image: refused while the guest runs unless shutdown_first. progress
 * (may be NULL) is called for each progress message; returning non-zero
 * from it stops the re-image (the connection is closed, xdomd stops the
 * work and keeps the old image).
 */
int helper_reimage(struct helper_client *c, const char *name,
    bool shutdown_first, const char *reason, hv_progress_fn progress,
    void *arg, struct xdom_err *err);

/*
 * Resources, block devices, save and restore (policy actions vcpus,
 * memory, maxmem, block, save, restore). value: the vcpu count, or KiB.
 * An image is a name in the admin's block_dir for this guest, never a
 * path; save and restore use the admin's save_dir, and a restored save
 * file is removed.
 */
int helper_set_resource(struct helper_client *c, const char *name,
    enum hv_resource r, uint64_t value, const char *reason,
    struct xdom_err *err);
int helper_block_attach(struct helper_client *c, const char *name,
    const char *image, const char *vdev, bool writable, const char *reason,
    struct xdom_err *err);
int helper_block_detach(struct helper_client *c, const char *name,
    const char *vdev, const char *reason, struct xdom_err *err);
int helper_save(struct helper_client *c, const char *name,
    const char *reason, struct xdom_err *err);
int helper_restore(struct helper_client *c, const char *name,
    const char *reason, struct xdom_err *err);

/* The client of an hv opened with the helper backend; NULL otherwise. */
struct helper_client *hv_helper_client(struct hv *hv);

#endif
