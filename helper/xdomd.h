/*
 * xdomd.h - the privileged helper's internals, shared by the files of
 * helper/ (and its unit tests). Nothing outside helper/ includes this.
 *
 *   main.c      options, config, start-up, daemon life cycle
 *   server.c    the monitor (root): listening socket, the fronts, the
 *               policy check, audit, per-domain locks, limits
 *   work.c      the monitor's worker processes and relayed consoles
 *   front.c     the unprivileged front: one process per calling uid that
 *               frames and decodes that uid's bytes
 *   mwire.c     the typed messages between a front and the monitor
 *   sandbox.c   what a front gives up (user, chroot, caps, seccomp)
 *   requests.c  the request table and its handlers
 *   owners.c    xen-shell owners from guest configs (cached)
 *   ident.c     who is calling (SO_PEERCRED -> user and groups)
 *   audit.c     one audit line per request (syslog, file), written
 *               durably before an action starts
 *   harden.c    fds, capabilities, no_new_privs, resource limits
 */
#ifndef XDOM_HELPER_XDOMD_H
#define XDOM_HELPER_XDOMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/policy.h"
#include "core/proto.h"
#include "hypervisor/hv.h"

#define XDOMD_SOCKET_DEFAULT "/run/xdom/xdomd.sock"
#define XDOMD_MAX_GROUPS 256	/* groups of one caller the policy sees */

/* Who is on the other end of a connection (from the kernel). */
struct ident {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	char user[PROTO_USER_MAX + 1];	/* "" when uid has no name */
	size_t n_groups;
	char (*groups)[PROTO_USER_MAX + 1];	/* owned */
	const char **group_ptrs;		/* owned, into groups */
};

/* Fill id from a connected Unix socket's SO_PEERCRED. */
int ident_from_socket(int fd, struct ident *id, struct xdom_err *err);
/* Fill id for uid/gid directly (tests, and the fallback of the above). */
void ident_from_ids(uid_t uid, gid_t gid, pid_t pid, struct ident *id);
void ident_dispose(struct ident *id);
/* The policy's view of the caller. */
void ident_subject(const struct ident *id, struct policy_subject *who);

/* Limits and timeouts (xdom.conf keys of the same names). */
struct xdomd_limits {
	long max_connections;		/* all users together */
	long max_connections_per_user;
	long max_requests_per_user;	/* concurrent actions in workers */
	long max_workers;		/* worker processes at once */
	long client_idle_timeout;	/* s without a request: closed */
	long client_request_timeout;	/* s to send one whole request */
	long action_timeout;		/* s for an action's worker */
	long reimage_timeout;		/* s for a re-image's worker */
	long max_consoles_per_user;	/* relayed consoles open at once */
	long reserve_connections;	/* slots kept for uids not connected */
	long audit_rate;		/* audit lines per s one uid may cause */
	long audit_burst;		/* ... and at once */
	long rights_cache_ms;		/* groups re-read after this long */
};

struct xdomd {
	/* configuration */
	const char *socket_path;
	const char *policy_path;
	const char *audit_path;
	const char *socket_group;	/* NULL: mode 0666, else 0660 */
	const char *reimage_backup;	/* command template or NULL */
	const char *save_dir;		/* saved guests (core/resdir.h) */
	const char *block_dir;		/* attachable images, or NULL */
	bool audit_syslog;
	bool compat;			/* xen_shell owners honoured */
	const char *front_user;		/* the fronts' system user */
	bool front_user_set;		/* named in xdom.conf (else a fallback
					   to "nobody" is allowed) */
	const char *front_root;		/* the fronts' empty chroot */
	struct xdomd_limits lim;
	struct hv_open_opts hvo;	/* workers open their own hv */
	const struct conf *conf;
	/* state */
	struct hv *hv;			/* for reads in the event loop */
	struct policy *policy;
	int audit_fd;			/* -1 when none */
	int listen_fd;
	volatile int stop;		/* set from the signal pipe */
};

/* --- audit.c ------------------------------------------------------------- */

/* What came of a request, for the audit line. */
struct audit_rec {
	const struct ident *id;
	pid_t pid;		/* the client's pid (0: id->pid) */
	const char *result;	/* NULL: audit_result(rc); or a word of its
				   own ("started", "closed"), shown with
				   msg even on success */
	const char *action;	/* "reboot", "whoami", "garbage" */
	const char *domain;	/* NULL or "" when none */
	const char *reason;	/* NULL or "" when none */
	int rc;			/* 0 or XDOM_E* */
	const char *msg;	/* error message, NULL when rc == 0 */
};

/*
 * Format one audit line (no newline) into buf: time, uid, user, pid,
 * domain, action, reason, result and message, every string escaped and
 * quoted so a reason or name cannot forge fields or lines.
 */
void audit_format(char *buf, size_t len, const struct audit_rec *r,
    long long now_s);
/* The result word for rc: ok, denied, need-reason, busy, failed... */
const char *audit_result(int rc);
/* Write the line to syslog (LOG_AUTHPRIV) and to d->audit_fd; with
 * durable, the file's data is on disk (fdatasync) before this returns.
 * XDOM_EIO (message "audit log unavailable: action refused") when the
 * file line could not be written whole: the caller must not act. */
int audit_write(struct xdomd *d, const struct audit_rec *r, bool durable,
    struct xdom_err *err);
/* audit_write(), best effort (reads, refusals, results). */
void audit_log(struct xdomd *d, const struct audit_rec *r);
/* Open d->audit_path for appending (0640), never blocking and never
 * through a symlink; refused when it is not a regular file (a FIFO there
 * would wedge the daemon). */
int audit_open(struct xdomd *d, struct xdom_err *err);
/* Open it again (after log rotation); on failure the old fd is kept. */
int audit_reopen(struct xdomd *d, struct xdom_err *err);

/* --- harden.c ------------------------------------------------------------ */

/* Make sure fds 0-2 are open (on /dev/null) and close every fd above 2. */
void harden_fds(void);
/* Raise RLIMIT_NOFILE's soft limit to the hard one; returns it. */
long harden_nofile(void);
/* Keep only the capabilities the backend needs (see harden.c), drop the
 * bounding set, set no_new_privs. As non-root, only no_new_privs. The
 * monitor also keeps what starting a front takes (setuid, setgid,
 * sys_chroot, setpcap). */
int harden_privileges(const char *backend, struct xdom_err *err);
/* In a worker: give up what only the monitor needs (starting fronts). */
void harden_worker(const char *backend);
/* The capabilities kept, as text ("none" or "cap_x,cap_y=ep"). */
void harden_describe(char *buf, size_t len);
/*
 * Whether the file at path (policy, xdom.conf) may be trusted: after
 * symlinks, the file and every directory above it belong to root or to
 * xdomd's user and are writable by nobody else (sticky directories
 * excepted): xdom_path_trust() of core/pathtrust.h. 0, or XDOM_EPERM /
 * XDOM_ENOENT / XDOM_EINVAL / XDOM_EIO with a one-line message.
 */
int harden_trusted_path(const char *path, struct xdom_err *err);

/* --- owners.c ------------------------------------------------------------ */

#define OWNERS_MAX 512	/* bytes of a guest's xen_shell owner list */
/*
 * The guest's xen_shell owners ("alice, bob") into buf when compatibility
 * is on and its config file names any; NULL otherwise (and when the list
 * does not fit in len: a cut-off list could end in a prefix of a longer
 * name). Kept per guest while its config file is unchanged.
 */
const char *owners_get(struct xdomd *d, const char *name, char *buf,
    size_t len);

/* --- requests.c ---------------------------------------------------------- */

struct conn;

struct req_ctx {
	struct xdomd *d;
	const struct ident *id;
	const struct proto_req *req;
	int fd;			/* the client's socket */
	struct pbuf *out;	/* reply frames to send (loop handlers) */
	bool client_gone;	/* worker: the client went away */
};

/*
 * How a request is served: its handler. What the request is, which right
 * it needs and whether it acts is its row in core/proto.c's request
 * table (proto_req_desc()). Reads (whoami, list, status, stats) run in
 * the event loop; actions, consoles and re-images (desc->acts) run in a
 * worker process that owns the connection until it is done (server.c).
 */
struct req_handler {
	/* Event-loop handler: append the reply to ctx->out. */
	int (*serve)(struct req_ctx *ctx, struct xdom_err *err);
	/* Worker handler: talk to ctx->fd directly, final reply included. */
	int (*work)(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err);
};

const struct req_handler *req_handler(uint16_t type);

/*
 * Check what a request may do before it runs: the name's rights for the
 * handler's action (policy, xen-shell owners), that the guest exists,
 * and request-specific state (a re-image of a running guest). 0 to go
 * ahead; otherwise the error to answer with.
 */
int req_authorize(struct xdomd *d, const struct ident *id,
    const struct proto_req *r, struct xdom_err *err);

/* Send a whole buffer on a blocking socket, with fd attached when >= 0. */
int req_send_all(int fd, const struct pbuf *b, int pass_fd,
    struct xdom_err *err);

/* --- mwire.c ------------------------------------------------------------ */

/*
 * Messages between a front and the monitor, over a stream socketpair.
 * Each is framed like a client message (proto.h: u32 length, u16
 * version, u16 type, u32 id) where the id is the monitor's number for
 * the client connection. The monitor trusts nothing a front sends: it
 * decodes it as strictly as a client's (mw_decode, fuzzed), checks that
 * the connection belongs to that front, and checks the policy itself.
 */
enum mw_type {
	/* front -> monitor */
	MW_REQ = 0x4001,	/* a whole request frame, as re-encoded */
	MW_GONE = 0x4002,	/* the client left, or the front closed it */
	MW_NOTE = 0x4003,	/* a request the front refused, to audit:
				   u16 type, u32 code, str name, str reason,
				   str msg */
	MW_CIN = 0x4004,	/* console keystrokes (1..MW_CONS_MAX) */
	/* monitor -> front */
	MW_FRAME = 0x4101,	/* u8 flags (MW_F_*), a whole client frame
				   or nothing */
	MW_COUT = 0x4102,	/* console output for the client */
	MW_CONN = 0x4103,	/* on the control socket: a new client
				   (its fd with SCM_RIGHTS), no payload */
};
#define MW_F_FINAL 1u	/* the request is answered: read the next */
#define MW_F_CLOSE 2u	/* close the connection once this is written */
#define MW_F_RAW 4u	/* from now on the connection is a console */
#define MW_CONS_MAX 4096	/* console bytes in one message */
/* MW_NOTE types that are not requests: what the audit line calls them. */
#define MW_NOTE_TIMEOUT 0xfff0		/* "timeout": reply not read */
#define MW_NOTE_TRUNCATED 0xfff1	/* "truncated": left mid-request */
/* The largest message a front may send. */
#define MW_IN_MAX (PROTO_HDR_LEN + PROTO_HDR_LEN + PROTO_REQ_MAX + 64)
/* The largest message the monitor sends (a whole client frame). */
#define MW_OUT_MAX (PROTO_HDR_LEN + 1 + PROTO_HDR_LEN + PROTO_MAX_MSG)

/* A front's message, decoded by the monitor. Pointers point into the
 * buffer given to mw_decode. */
struct mw_msg {
	uint16_t type;
	uint32_t conn;
	/* MW_REQ */
	struct proto_req req;
	/* MW_NOTE */
	uint16_t note_type;
	int note_code;
	char note_name[XDOM_NAME_MAX * 4 + 1];
	char note_reason[PROTO_REASON_MAX + 1];
	char note_msg[XDOM_ERR_MSG_MAX];
	/* MW_CIN */
	const uint8_t *data;
	size_t data_len;
};

/* Parse a message header: the payload length (at most max - header),
 * type and connection number. XDOM_EPROTO for a bad version, an unknown
 * type or an oversized length. */
int mw_header(const uint8_t hdr[PROTO_HDR_LEN], size_t max, uint16_t *type,
    uint32_t *len, uint32_t *conn, struct xdom_err *err);
/* Decode one whole message a front sent (header included). A request
 * must decode with proto_req_decode (a bad name too: the front answers
 * those itself); XDOM_EPROTO for anything else. */
int mw_decode(const uint8_t *msg, size_t len, struct mw_msg *m,
    struct xdom_err *err);
/* Encoders: append one message to b. */
int mw_put(struct pbuf *b, uint16_t type, uint32_t conn, const void *p,
    size_t n);
int mw_put_frame(struct pbuf *b, uint32_t conn, unsigned flags,
    const void *frame, size_t n);
int mw_put_req(struct pbuf *b, uint32_t conn, const struct proto_req *r,
    struct xdom_err *err);
int mw_put_note(struct pbuf *b, uint32_t conn, uint16_t type, int code,
    const char *name, const char *reason, const char *msg);

/* --- sandbox.c ----------------------------------------------------------- */

/* The front's account, looked up by the monitor before it is needed. */
struct sandbox_user {
	bool switch_user;	/* false when xdomd itself is not root */
	uid_t uid;
	gid_t gid;
	const char *root;	/* empty directory to chroot into, or NULL */
};
/* Look up d->front_user and check d->front_root (root-owned, not
 * writable by others, empty); when xdomd is not root, nothing to switch
 * to. */
int sandbox_prepare(struct xdomd *d, struct sandbox_user *u,
    struct xdom_err *err);
/*
 * In a new front: chroot, drop to u's uid/gid with no groups, no
 * capabilities (bounding set included, checked with capget),
 * no_new_privs, not dumpable, RLIMIT_NOFILE nofile, no new processes or
 * files, then a seccomp filter (libseccomp) that allows only what the
 * front's loop does. Returns 0 or an error: the front must then exit.
 */
int sandbox_enter(const struct sandbox_user *u, long nofile,
    struct xdom_err *err);

/* --- front.c ------------------------------------------------------------- */

/* The front's life: serve the clients the monitor hands over on ctl,
 * talking to the monitor on mon. Never returns. */
void front_main(struct xdomd *d, const struct sandbox_user *u, int mon,
    int ctl) __attribute__((noreturn));

/* --- server.c ------------------------------------------------------------ */

/* Listen on d->socket_path (stale sockets replaced, live ones refused). */
int server_listen(struct xdomd *d, struct xdom_err *err);
/* Serve until d->stop; returns 0 on a clean stop. */
int server_run(struct xdomd *d, struct xdom_err *err);
/* Ask server_run to stop (async-signal-safe). */
void server_request_stop(void);
/* Ask the server to reload the policy (async-signal-safe). */
void server_request_reload(void);
/* Milliseconds of CLOCK_MONOTONIC. */
int64_t server_now_ms(void);

#endif
