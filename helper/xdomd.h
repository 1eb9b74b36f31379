/*
 * xdomd.h - the privileged helper's internals, shared by the files of
 * helper/ (and its unit tests). Nothing outside helper/ includes this.
 *
 *   main.c      options, config, start-up, daemon life cycle
 *   server.c    the event loop: listening socket, connections, limits,
 *               timeouts, per-domain locks, worker processes
 *   requests.c  the request table and its handlers
 *   ident.c     who is calling (SO_PEERCRED -> user and groups)
 *   audit.c     one audit line per request (syslog, file)
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
/* Write the line to syslog (LOG_AUTHPRIV) and to d->audit_fd. */
void audit_log(struct xdomd *d, const struct audit_rec *r);
/* Open d->audit_path for appending (0640). */
int audit_open(struct xdomd *d, struct xdom_err *err);
/* Open it again (after log rotation); on failure the old fd is kept. */
int audit_reopen(struct xdomd *d, struct xdom_err *err);

/* --- harden.c ------------------------------------------------------------ */

/* Make sure fds 0-2 are open (on /dev/null) and close every fd above 2. */
void harden_fds(void);
/* Raise RLIMIT_NOFILE's soft limit to the hard one; returns it. */
long harden_nofile(void);
/* Keep only the capabilities the backend needs (see harden.c), drop the
 * bounding set, set no_new_privs. As non-root, only no_new_privs. */
int harden_privileges(const char *backend, struct xdom_err *err);
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

/* --- server.c ------------------------------------------------------------ */

/* Listen on d->socket_path (stale sockets replaced, live ones refused). */
int server_listen(struct xdomd *d, struct xdom_err *err);
/* Serve until d->stop; returns 0 on a clean stop. */
int server_run(struct xdomd *d, struct xdom_err *err);
/* Ask server_run to stop (async-signal-safe). */
void server_request_stop(void);
/* Ask the server to reload the policy (async-signal-safe). */
void server_request_reload(void);

#endif
