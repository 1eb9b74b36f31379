/*
 * server.c - xdomd's event loop.
 *
 * Why this shape: one process with a poll() loop holds every connection,
 * and each action runs in a short-lived worker process.
 *
 * - Connections cost a fixed ~1 KiB of input buffer plus the reply being
 *   written (at most PROTO_MAX_MSG, freed when large), so a thousand idle
 *   or hostile clients cost little, and none can block another: every
 *   socket is non-blocking, every partial message has a deadline. Slots
 *   are taken lowest first and scans stop at the highest one in use, so
 *   a large max_connections costs nothing until it is used.
 * - Reads (whoami, list, status, stats) are answered in the loop: they
 *   are quick, and that keeps them cheap (no fork per status request).
 * - Actions, consoles and re-images may take seconds or minutes (xl
 *   create, xen-create-image) and touch the hypervisor's state, so each
 *   runs in a worker process that opens its own backend handle: a slow or
 *   crashing action stalls or kills only itself, and the loop can kill a
 *   worker that overruns its time (its whole process group, commands it
 *   ran included). A worker never sees the client's socket: it talks to
 *   the loop over a socketpair, and the loop relays its progress messages
 *   and its reply (and passes the console fd on). A client that goes away
 *   mid-action is noticed by the loop, which tells the worker to stop.
 * - The loop holds a per-domain lock for each running worker, so two
 *   requests on one guest never interleave; limits cap workers per user
 *   and in total, and connections per user and in total.
 *
 * Threads were not used: the backends (libxl contexts, the sim's state
 * files) are then free of any locking question, and a worker's crash
 * cannot corrupt the daemon.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"

#define SRV_OUT_KEEP (64 * 1024)	/* reply buffers above this are freed */
#define SRV_WORKER_MSG (64 * 1024)	/* largest frame a worker sends */
#define SRV_RELAY_MAX (256 * 1024)	/* pending bytes before backpressure */
#define SRV_ACCEPT_BURST 64
#define SRV_KEEPALIVE_MS 2000	/* silence before repeating progress */

struct conn {
	int fd;
	bool dead;		/* closed; freed at the end of the round */
	struct ident id;
	bool id_ok;
	/* the request being read */
	uint8_t in[PROTO_HDR_LEN + PROTO_REQ_MAX];
	size_t in_len;
	uint32_t want;		/* payload length, once the header is in */
	uint16_t type;
	uint32_t rid;		/* its request id, once the header is in */
	int64_t msg_start;	/* when its first byte came, ms */
	int64_t last_active;	/* last request finished or connect, ms */
	/* the reply being written */
	struct pbuf out;
	int pass_fd;		/* sent with the first byte of out */
	int64_t write_since;	/* last write progress, ms */
	bool close_after;	/* close once out is written */
	/* the worker serving the current request */
	pid_t worker;		/* 0 when none */
	int wfd;		/* socketpair to it, -1 when none */
	uint8_t *win;		/* PROTO_HDR_LEN + SRV_WORKER_MSG bytes, only
				   while a worker runs */
	size_t win_len;
	int64_t worker_deadline;
	int64_t worker_said;	/* last frame relayed from the worker, ms */
	unsigned ka_permille;	/* the last progress, repeated while the */
	char ka_stage[PROTO_STAGE_MAX + 1];	/* worker is silent */
	bool client_gone;	/* the client left while the worker ran */
	struct proto_req req;	/* request served by the worker */
};

struct server {
	struct xdomd *d;
	struct conn **c;	/* max_connections slots, NULL when free */
	size_t n_slots, n_conn;
	size_t hw;		/* slots at or above this are all free */
	struct pollfd *pfd;
	struct conn **pconn;	/* pconn[i] owns pfd[i] (NULL: not a conn) */
	bool *pworker;		/* pfd[i] is pconn[i]'s worker socket */
	int64_t last_full_log;
};

static int srv_sigpipe[2] = {-1, -1};

static int64_t
srv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
srv_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (srv_sigpipe[1] >= 0)
		(void)!write(srv_sigpipe[1], &c, 1);
	errno = saved;
}

void
server_request_stop(void)
{
	srv_signal(SIGTERM);
}

void
server_request_reload(void)
{
	srv_signal(SIGHUP);
}

/* --- listening ----------------------------------------------------------- */

int
server_listen(struct xdomd *d, struct xdom_err *err)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t mode = d->socket_group != NULL ? 0660 : 0666;
	mode_t old;
	gid_t gid = (gid_t)-1;
	int fd = -1, probe, rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(d->socket_path) >= sizeof sa.sun_path)
		return xdom_err_set(err, XDOM_EINVAL, "socket path too long "
		    "(at most %zu bytes): %s", sizeof sa.sun_path - 1,
		    d->socket_path);
	strcpy(sa.sun_path, d->socket_path);
	if (d->socket_group != NULL) {
		struct group gr, *res = NULL;
		char buf[4096];

		if (getgrnam_r(d->socket_group, &gr, buf, sizeof buf,
		    &res) != 0 || res == NULL)
			return xdom_err_set(err, XDOM_ENOENT, "socket_group "
			    "'%.64s': no such group", d->socket_group);
		gid = gr.gr_gid;
	}
	if (lstat(d->socket_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return xdom_err_set(err, XDOM_EINVAL, "%s exists and "
			    "is not a socket; remove it or choose another "
			    "--socket", d->socket_path);
		/* A socket someone answers on is a running xdomd. */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa,
		    sizeof sa) == 0) {
			close(probe);
			return xdom_err_set(err, XDOM_EBUSY, "%s: another "
			    "xdomd is already listening there",
			    d->socket_path);
		}
		if (probe >= 0)
			close(probe);
		if (unlink(d->socket_path) != 0)
			return xdom_err_errno(err, XDOM_EIO, errno, "removing "
			    "stale socket %s", d->socket_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "socket");
	/* Created with no access at all, then opened up to exactly mode:
	 * never briefly wider than intended. */
	old = umask(0777);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "bind %s",
		    d->socket_path);
		goto fail;
	}
	if (gid != (gid_t)-1 && chown(d->socket_path, (uid_t)-1, gid) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "chown %s to group "
		    "%s", d->socket_path, d->socket_group);
		goto fail;
	}
	if (chmod(d->socket_path, mode) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "chmod %s",
		    d->socket_path);
		goto fail;
	}
	if (listen(fd, SOMAXCONN) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "listen");
		goto fail;
	}
	d->listen_fd = fd;
	return 0;
fail:
	close(fd);
	unlink(d->socket_path);
	return rc;
}

/* --- connections --------------------------------------------------------- */

/* Mark c closed: its slot is freed by srv_sweep() after this round of
 * events, so pointers held for the round stay valid. */
static void
srv_conn_close(struct conn *c)
{
	c->dead = true;
}

static void
srv_conn_free(struct server *s, size_t slot)
{
	struct conn *c = s->c[slot];

	if (c == NULL)
		return;
	if (c->worker > 0) {
		/* Its worker dies with it; reaped by the SIGCHLD path. */
		kill(-c->worker, SIGKILL);
		kill(c->worker, SIGKILL);
	}
	if (c->wfd >= 0)
		close(c->wfd);
	free(c->win);
	if (c->pass_fd >= 0)
		close(c->pass_fd);
	close(c->fd);
	pbuf_dispose(&c->out);
	ident_dispose(&c->id);
	free(c);
	s->c[slot] = NULL;
	s->n_conn--;
	while (s->hw > 0 && s->c[s->hw - 1] == NULL)
		s->hw--;
}

static const char *
srv_type_name(uint16_t type)
{
	const struct proto_req_desc *rd = proto_req_desc(type);

	return rd != NULL ? rd->name : "invalid";
}

static void
srv_audit(struct server *s, struct conn *c, const char *action,
    const char *domain, const char *reason, int rc, const char *msg)
{
	struct audit_rec r;

	r.id = &c->id;
	r.action = action;
	r.domain = domain;
	r.reason = reason;
	r.rc = rc;
	r.msg = msg;
	audit_log(s->d, &r);
}

/* Queue an error reply; with fatal, the connection ends once it is sent. */
static void
srv_reply_error(struct conn *c, int code, const char *msg, bool fatal)
{
	if (proto_error_encode(&c->out, code, msg) != 0) {
		pbuf_reset(&c->out);
		c->close_after = true;
	}
	c->write_since = srv_now_ms();
	if (fatal)
		c->close_after = true;
}

/* A protocol violation: audited, answered, and the connection ends. The
 * error carries id 0: it is about the connection, not a request. */
static void
srv_violation(struct server *s, struct conn *c, int code, const char *msg)
{
	srv_audit(s, c, srv_type_name(c->type), NULL, NULL, code, msg);
	proto_frame_id_set(&c->out, 0);
	srv_reply_error(c, code, msg, true);
	c->in_len = 0;
	c->want = 0;
}

static size_t
srv_user_workers(struct server *s, uid_t uid, size_t *total)
{
	size_t i, n = 0;

	*total = 0;
	for (i = 0; i < s->hw; i++) {
		if (s->c[i] == NULL || s->c[i]->worker <= 0)
			continue;
		(*total)++;
		if (s->c[i]->id.uid == uid)
			n++;
	}
	return n;
}

static bool
srv_domain_locked(struct server *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->hw; i++)
		if (s->c[i] != NULL && s->c[i]->worker > 0 &&
		    strcmp(s->c[i]->req.name, name) == 0)
			return true;
	return false;
}

/* In the worker process: serve one request and exit. */
static void __attribute__((noreturn))
srv_worker_main(struct server *s, struct conn *c, int sock)
{
	const struct req_handler *h = req_handler(c->req.type);
	struct xdom_err err = {0};
	struct req_ctx ctx;
	struct sigaction sa;
	struct hv *hv = NULL;
	struct pbuf b;
	int rc, sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	(void)setpgid(0, 0);
	/* Nothing of the loop's: only fds 0-2 and the socket to the loop. */
	if (dup2(sock, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) != 0)
		_exit(1);
	close_range(4, ~0U, 0);
	sock = 3;
	memset(&ctx, 0, sizeof ctx);
	ctx.d = s->d;
	ctx.id = &c->id;
	ctx.req = &c->req;
	ctx.fd = sock;
	rc = hv_open(&hv, &s->d->hvo, &err);
	if (rc == 0)
		rc = h->work(&ctx, hv, &err);
	if (rc != 0 && !ctx.client_gone) {
		pbuf_init(&b, PROTO_HDR_LEN + XDOM_ERR_MSG_MAX + 8);
		if (proto_error_encode(&b, rc, xdom_err_msg(&err)) == 0)
			(void)req_send_all(sock, &b, -1, &err);
		pbuf_dispose(&b);
	}
	hv_close(hv);
	_exit(rc == 0 ? 0 : 1);
}

static int
srv_start_worker(struct server *s, struct conn *c, struct xdom_err *err)
{
	size_t total, mine;
	int sp[2];
	pid_t pid;

	mine = srv_user_workers(s, c->id.uid, &total);
	if ((long)mine >= s->d->lim.max_requests_per_user)
		return xdom_err_set(err, XDOM_EBUSY, "too many requests at "
		    "once (at most %ld per user); wait for one to finish",
		    s->d->lim.max_requests_per_user);
	if ((long)total >= s->d->lim.max_workers)
		return xdom_err_set(err, XDOM_EBUSY, "xdomd is busy (%ld "
		    "actions running); try again shortly",
		    s->d->lim.max_workers);
	if (srv_domain_locked(s, c->req.name))
		return xdom_err_set(err, XDOM_EBUSY, "%s: busy: another "
		    "request is acting on it; try again when it is done",
		    c->req.name);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "socketpair");
	pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return xdom_err_errno(err, XDOM_EIO, errno, "fork");
	}
	if (pid == 0)
		srv_worker_main(s, c, sp[1]);
	close(sp[1]);
	(void)setpgid(pid, pid);	/* races the child's own call: fine */
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) != 0) {
		/* Harmless: reads only happen after poll says so. */
	}
	c->worker = pid;
	c->wfd = sp[0];
	c->win = xmalloc(PROTO_HDR_LEN + SRV_WORKER_MSG);
	c->win_len = 0;
	c->client_gone = false;
	c->worker_said = srv_now_ms();
	c->ka_permille = 0;
	snprintf(c->ka_stage, sizeof c->ka_stage, "working");
	c->worker_deadline = srv_now_ms() + 1000 *
	    (c->req.type == PROTO_T_REIMAGE ? s->d->lim.reimage_timeout :
	    s->d->lim.action_timeout);
	return 0;
}

/* A whole request is in c->in: decide, then answer or start a worker. */
static void
srv_dispatch(struct server *s, struct conn *c)
{
	struct xdom_err err = {0};
	const struct req_handler *h;
	struct proto_req req;
	struct req_ctx ctx;
	int rc;

	rc = proto_req_decode(c->type, c->in + PROTO_HDR_LEN, c->want, &req,
	    &err);
	req.id = c->rid;
	c->in_len = 0;
	c->want = 0;
	c->last_active = srv_now_ms();
	/* Everything answering this request carries its id. */
	proto_frame_id_set(&c->out, c->rid);
	if (rc == XDOM_EINVAL) {
		/* A bad name is the user's mistake, not an attack; the audit
		 * line shows it (escaped) with the reason given. */
		srv_audit(s, c, srv_type_name(c->type), req.name, req.reason,
		    rc, err.msg);
		srv_reply_error(c, rc, err.msg, false);
		return;
	}
	if (rc != 0) {
		srv_violation(s, c, rc, err.msg);
		return;
	}
	h = req_handler(req.type);
	if (h == NULL) {
		srv_violation(s, c, XDOM_EPROTO, "unknown request");
		return;
	}
	rc = req_authorize(s->d, &c->id, &req, &err);
	if (rc == 0 && proto_req_acts(req.type)) {
		c->req = req;
		rc = srv_start_worker(s, c, &err);
		if (rc == 0)
			return;	/* audited when the worker is done */
	} else if (rc == 0) {
		memset(&ctx, 0, sizeof ctx);
		ctx.d = s->d;
		ctx.id = &c->id;
		ctx.req = &req;
		ctx.fd = c->fd;
		ctx.out = &c->out;
		rc = h->serve(&ctx, &err);
		if (rc != 0)
			pbuf_reset(&c->out);
		c->write_since = srv_now_ms();
	}
	srv_audit(s, c, srv_type_name(req.type), req.name, req.reason, rc,
	    rc != 0 ? xdom_err_msg(&err) : NULL);
	if (rc != 0)
		srv_reply_error(c, rc, xdom_err_msg(&err), false);
}

static void srv_write(struct conn *c);

/*
 * Read what the client sent; dispatch a complete request. The payload is
 * read as soon as the header is in and the answer from the loop written
 * at once (it nearly always fits the socket): one poll round per
 * request, not three.
 */
static void
srv_read(struct server *s, struct conn *c)
{
	struct xdom_err err = {0};
	size_t need;
	ssize_t n;
	int rc;

	for (;;) {
		need = c->in_len < PROTO_HDR_LEN ? PROTO_HDR_LEN - c->in_len :
		    PROTO_HDR_LEN + c->want - c->in_len;
		n = recv(c->fd, c->in + c->in_len, need, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (c->in_len > 0)
				srv_audit(s, c, "truncated", NULL, NULL,
				    XDOM_EPROTO, "connection closed in the "
				    "middle of a request");
			srv_conn_close(c);
			return;
		}
		if (c->in_len == 0)
			c->msg_start = srv_now_ms();
		c->in_len += (size_t)n;
		if (c->in_len == PROTO_HDR_LEN) {
			rc = proto_header_parse(c->in, PROTO_REQ_MAX, &c->type,
			    &c->want, &c->rid, &err);
			if (rc == 0 && proto_req_desc(c->type) == NULL)
				rc = xdom_err_set(&err, XDOM_EPROTO, "message "
				    "type %#x is not a request", c->type);
			if (rc != 0) {
				c->type = 0;
				srv_violation(s, c, rc, err.msg);
				return;
			}
		}
		if (c->in_len >= PROTO_HDR_LEN &&
		    c->in_len == PROTO_HDR_LEN + c->want)
			break;
	}
	srv_dispatch(s, c);
	if (!c->dead && c->worker == 0 && c->pass_fd < 0 &&
	    pbuf_avail(&c->out) > 0)
		srv_write(c);
}

/* The client left while its worker runs: tell the worker to stop (it
 * sees its socket readable) and drop whatever it still sends. */
static void
srv_client_gone(struct conn *c)
{
	c->client_gone = true;
	if (c->pass_fd >= 0)
		close(c->pass_fd);
	c->pass_fd = -1;
	pbuf_reset(&c->out);
	if (c->wfd >= 0)
		(void)!send(c->wfd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(c->fd, SHUT_RDWR);
}

/* Write pending reply bytes (with a console fd on the first). */
static void
srv_write(struct conn *c)
{
	struct xdom_err err = {0};
	struct pbuf part;
	size_t avail = pbuf_avail(&c->out);
	ssize_t n;

	/* One sendmsg with the fd, then plain sends. */
	if (c->pass_fd >= 0) {
		pbuf_view(&part, pbuf_ptr(&c->out), avail < 1 ? avail : 1);
		if (req_send_all(c->fd, &part, c->pass_fd, &err) != 0) {
			if (c->worker > 0)
				srv_client_gone(c);
			else
				srv_conn_close(c);
			return;
		}
		close(c->pass_fd);
		c->pass_fd = -1;
		c->out.off += 1;
		c->write_since = srv_now_ms();
		return;
	}
	n = send(c->fd, pbuf_ptr(&c->out), avail, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->worker > 0)
			srv_client_gone(c);
		else
			srv_conn_close(c);
		return;
	}
	c->out.off += (size_t)n;
	c->write_since = srv_now_ms();
	if (pbuf_avail(&c->out) > 0)
		return;
	if (c->out.cap > SRV_OUT_KEEP)
		pbuf_dispose(&c->out);
	else
		pbuf_reset(&c->out);
	c->last_active = srv_now_ms();
}

/* The worker is done (final frame, EOF or timeout): audit and clean up. */
static void
srv_worker_done(struct server *s, struct conn *c, int rc, const char *msg)
{
	char m[XDOM_ERR_MSG_MAX + 40];

	snprintf(m, sizeof m, "%s%s", msg != NULL ? msg : "",
	    c->client_gone ? " (client went away)" : "");
	srv_audit(s, c, srv_type_name(c->req.type), c->req.name,
	    c->req.reason, rc, rc != 0 || c->client_gone ? m : NULL);
	if (c->wfd >= 0)
		close(c->wfd);
	c->wfd = -1;
	free(c->win);
	c->win = NULL;
	c->win_len = 0;
	/* The pid stays until SIGCHLD reaps it (srv_reap). */
	c->worker = 0;
	c->last_active = srv_now_ms();
	if (c->client_gone)
		c->close_after = true;
}

/* Read frames from the worker and relay them to the client. */
static void
srv_worker_read(struct server *s, struct conn *c)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct xdom_err err = {0}, rep = {0};
	struct cmsghdr *ch;
	struct msghdr msg;
	struct iovec iov;
	uint16_t type;
	uint32_t len;
	size_t need;
	ssize_t n;
	int passed = -1;

	need = c->win_len < PROTO_HDR_LEN ? PROTO_HDR_LEN - c->win_len : 0;
	if (c->win_len >= PROTO_HDR_LEN) {
		if (proto_header_parse(c->win, SRV_WORKER_MSG, &type, &len,
		    NULL, &err) != 0)
			goto broken;
		need = PROTO_HDR_LEN + len - c->win_len;
	}
	memset(&msg, 0, sizeof msg);
	iov.iov_base = c->win + c->win_len;
	iov.iov_len = need;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof cm.buf;
	n = recvmsg(c->wfd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (ch = CMSG_FIRSTHDR(&msg); n > 0 && ch != NULL;
	    ch = CMSG_NXTHDR(&msg, ch)) {
		if (ch->cmsg_level == SOL_SOCKET &&
		    ch->cmsg_type == SCM_RIGHTS &&
		    ch->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&passed, CMSG_DATA(ch), sizeof(int));
	}
	if (n <= 0) {
		srv_worker_done(s, c, XDOM_EIO, "the action's worker ended "
		    "without an answer");
		if (!c->client_gone)
			srv_reply_error(c, XDOM_EIO, "internal error: the "
			    "action ended without an answer (see the log)",
			    false);
		return;
	}
	if (passed >= 0) {
		if (c->pass_fd >= 0 || c->client_gone)
			close(passed);
		else
			c->pass_fd = passed;
	}
	c->win_len += (size_t)n;
	if (c->win_len < PROTO_HDR_LEN)
		return;
	if (proto_header_parse(c->win, SRV_WORKER_MSG, &type, &len, NULL,
	    &err) != 0)
		goto broken;
	if (c->win_len < PROTO_HDR_LEN + len)
		return;
	/* A whole frame: relay it unless the client is gone, with the id of
	 * the request the loop handed out (whatever the worker wrote). */
	proto_header_stamp(c->win, c->req.id);
	if (!c->client_gone && pbuf_put_bytes(&c->out, c->win,
	    c->win_len) != 0)
		goto broken;
	c->write_since = srv_now_ms();
	c->worker_said = c->write_since;
	c->win_len = 0;
	if (type == PROTO_T_PROGRESS) {
		if (proto_progress_decode(c->win + PROTO_HDR_LEN, len,
		    &c->ka_permille, c->ka_stage, &err) != 0)
			goto broken;
		return;
	}
	if (type == PROTO_T_ERROR) {
		if (proto_error_decode(c->win + PROTO_HDR_LEN, len, &rep,
		    &err) != 0)
			xdom_err_set(&rep, XDOM_EIO, "malformed error");
		srv_worker_done(s, c, rep.code, rep.msg);
	} else {
		srv_worker_done(s, c, 0, NULL);
	}
	return;
broken:
	srv_worker_done(s, c, XDOM_EIO, "the action's worker sent a bad "
	    "message");
	pbuf_reset(&c->out);
	srv_reply_error(c, XDOM_EIO, "internal error (see the log)", true);
}

/* Reap exited workers. */
static void
srv_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Free closed connections, and those done with their last reply. */
static void
srv_sweep(struct server *s)
{
	size_t i;

	for (i = 0; i < s->hw; i++) {
		struct conn *c = s->c[i];

		if (c != NULL && (c->dead || (c->close_after &&
		    c->worker == 0 && pbuf_avail(&c->out) == 0)))
			srv_conn_free(s, i);
	}
}

static void
srv_accept(struct server *s)
{
	struct xdom_err err = {0};
	struct conn *c;
	size_t i, slot, same;
	int fd, k;

	for (k = 0; k < SRV_ACCEPT_BURST; k++) {
		fd = accept4(s->d->listen_fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = xcalloc(1, sizeof *c);
		c->fd = fd;
		c->wfd = -1;
		c->pass_fd = -1;
		pbuf_init(&c->out, PROTO_HDR_LEN + PROTO_MAX_MSG);
		c->last_active = srv_now_ms();
		if (ident_from_socket(fd, &c->id, &err) != 0) {
			log_warn("refusing a connection: %s", err.msg);
			pbuf_dispose(&c->out);
			free(c);
			close(fd);
			continue;
		}
		for (i = 0, same = 0; i < s->hw; i++)
			if (s->c[i] != NULL && s->c[i]->id.uid == c->id.uid)
				same++;
		for (slot = 0; slot < s->n_slots && s->c[slot] != NULL; slot++)
			;
		if (slot == s->n_slots ||
		    (long)same >= s->d->lim.max_connections_per_user) {
			const char *why = slot == s->n_slots ?
			    "xdomd has too many connections; try again later" :
			    "too many connections from this user";
			struct pbuf b;

			/* Best effort, never blocking: then it is gone. */
			pbuf_init(&b, 1024);
			if (proto_error_encode(&b, XDOM_EBUSY, why) == 0)
				(void)!send(fd, pbuf_ptr(&b), pbuf_avail(&b),
				    MSG_NOSIGNAL | MSG_DONTWAIT);
			pbuf_dispose(&b);
			/* An attempt like any other: audited. */
			srv_audit(s, c, "connect", NULL, NULL, XDOM_EBUSY, why);
			if (c->last_active - s->last_full_log > 1000) {
				log_warn("uid %lu: %s", (unsigned long)c->id.uid,
				    why);
				s->last_full_log = c->last_active;
			}
			ident_dispose(&c->id);
			pbuf_dispose(&c->out);
			free(c);
			close(fd);
			continue;
		}
		s->c[slot] = c;
		s->n_conn++;
		if (slot >= s->hw)
			s->hw = slot + 1;
	}
}

/*
 * A worker may be silent for minutes (a re-image's backup, shutdown or
 * debootstrap inside xen-create-image; xl create; saving a guest), and a
 * client gives up on a silent daemon: every SRV_KEEPALIVE_MS of silence,
 * the last progress (or "working") is said again, whatever the backend.
 */
static void
srv_keepalive(struct conn *c, int64_t now, int *next_ms)
{
	int64_t due = c->worker_said + SRV_KEEPALIVE_MS;

	if (c->client_gone || !proto_req_acts(c->req.type))
		return;
	if (now >= due && pbuf_avail(&c->out) == 0 && c->win_len == 0) {
		proto_frame_id_set(&c->out, c->req.id);
		if (proto_progress_encode(&c->out, c->ka_permille,
		    c->ka_stage) != 0)
			pbuf_reset(&c->out);
		c->write_since = now;
		c->worker_said = now;
		due = now + SRV_KEEPALIVE_MS;
	} else if (now >= due) {
		due = now + SRV_KEEPALIVE_MS;	/* busy anyway: look later */
	}
	if (due - now < *next_ms)
		*next_ms = (int)(due - now);
}

/* Deadlines: idle clients, slow senders and readers, overrunning workers. */
static void
srv_timeouts(struct server *s, int64_t now, int *next_ms)
{
	const struct xdomd_limits *l = &s->d->lim;
	int64_t due, left;
	size_t i;

	for (i = 0; i < s->hw; i++) {
		struct conn *c = s->c[i];

		if (c == NULL)
			continue;
		if (c->worker > 0) {
			srv_keepalive(c, now, next_ms);
			due = c->worker_deadline;
			if (now >= due) {
				kill(-c->worker, SIGKILL);
				kill(c->worker, SIGKILL);
				srv_worker_done(s, c, XDOM_ETIMEDOUT, "did not "
				    "finish in time; stopped");
				if (!c->client_gone)
					srv_reply_error(c, XDOM_ETIMEDOUT,
					    "the action did not finish in "
					    "time and was stopped", false);
				continue;
			}
		} else if (pbuf_avail(&c->out) > 0) {
			due = c->write_since + 1000 * l->client_request_timeout;
			if (now >= due) {
				srv_audit(s, c, "timeout", NULL, NULL,
				    XDOM_ETIMEDOUT, "client did not read its "
				    "reply in time");
				srv_conn_close(c);
				continue;
			}
		} else if (c->in_len > 0) {
			due = c->msg_start + 1000 * l->client_request_timeout;
			if (now >= due) {
				srv_violation(s, c, XDOM_ETIMEDOUT, "request "
				    "not completed in time");
				continue;
			}
		} else {
			due = c->last_active + 1000 * l->client_idle_timeout;
			if (now >= due) {
				srv_conn_close(c);
				continue;
			}
		}
		left = due - now;
		if (left < *next_ms)
			*next_ms = (int)(left < 0 ? 0 : left);
	}
}

/* SIGHUP: reopen the audit file, reload the policy. */
static void
srv_reload(struct server *s)
{
	struct xdom_err err = {0};
	struct policy *p = NULL;

	/* SIGHUP is also logrotate's way to say the audit file moved. */
	if (audit_reopen(s->d, &err) != 0)
		log_err("audit file not reopened, writing to the old one: %s",
		    err.msg);
	if (harden_trusted_path(s->d->policy_path, &err) != 0 ||
	    policy_load(&p, s->d->policy_path, &err) != 0) {
		log_err("policy not reloaded, keeping the old one: %s",
		    err.msg);
		return;
	}
	policy_set_owner_actions(p, policy_owner_actions(s->d->policy));
	policy_free(s->d->policy);
	s->d->policy = p;
	log_info("policy reloaded: %zu rules", policy_rule_count(p));
}

static void
srv_signals(struct server *s)
{
	char buf[64];
	ssize_t n, i;

	while ((n = read(srv_sigpipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGTERM || buf[i] == SIGINT)
				s->d->stop = 1;
			else if (buf[i] == SIGHUP)
				srv_reload(s);
			else if (buf[i] == SIGCHLD)
				srv_reap();
		}
	}
}

static int
srv_setup_signals(struct xdom_err *err)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	struct sigaction sa;
	size_t i;

	if (srv_sigpipe[0] < 0 &&
	    pipe2(srv_sigpipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = srv_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return xdom_err_errno(err, XDOM_EIO, errno,
			    "sigaction");
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

int
server_run(struct xdomd *d, struct xdom_err *err)
{
	struct server s;
	size_t i, np, cap;
	int64_t now;
	int rc, timeout;

	memset(&s, 0, sizeof s);
	s.d = d;
	if ((rc = srv_setup_signals(err)) != 0)
		return rc;
	s.n_slots = (size_t)d->lim.max_connections;
	s.c = xcalloc(s.n_slots, sizeof *s.c);
	cap = 2 + 2 * s.n_slots;
	s.pfd = xcalloc(cap, sizeof *s.pfd);
	s.pconn = xcalloc(cap, sizeof *s.pconn);
	s.pworker = xcalloc(cap, sizeof *s.pworker);
	while (!d->stop) {
		now = srv_now_ms();
		timeout = 60000;
		srv_timeouts(&s, now, &timeout);
		srv_sweep(&s);
		np = 0;
		s.pfd[np] = (struct pollfd){srv_sigpipe[0], POLLIN, 0};
		s.pconn[np++] = NULL;
		s.pfd[np] = (struct pollfd){d->listen_fd, POLLIN, 0};
		s.pconn[np++] = NULL;
		for (i = 0; i < s.hw; i++) {
			struct conn *c = s.c[i];
			short ev = 0;

			if (c == NULL)
				continue;
			if (pbuf_avail(&c->out) > 0)
				ev |= POLLOUT;
			else if (c->worker == 0 && !c->close_after)
				ev |= POLLIN;
			/* With a worker running, the client may only hang
			 * up: events 0 still reports POLLHUP. */
			/* A client gone mid-action is not polled: it would
			 * report POLLHUP for ever. */
			s.pfd[np] = (struct pollfd){c->client_gone ? -1 :
			    c->fd, ev, 0};
			s.pworker[np] = false;
			s.pconn[np++] = c;
			if (c->wfd >= 0 && pbuf_avail(&c->out) < SRV_RELAY_MAX) {
				s.pfd[np] = (struct pollfd){c->wfd, POLLIN, 0};
				s.pworker[np] = true;
				s.pconn[np++] = c;
			}
		}
		rc = poll(s.pfd, np, timeout);
		if (rc < 0 && errno != EINTR) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "poll");
			goto out;
		}
		if (rc <= 0)
			continue;
		if (s.pfd[0].revents != 0)
			srv_signals(&s);
		for (i = 2; i < np; i++) {
			struct conn *c = s.pconn[i];
			short re = s.pfd[i].revents;

			if (re == 0 || c->dead)
				continue;
			if (s.pworker[i]) {
				if (c->wfd == s.pfd[i].fd)
					srv_worker_read(&s, c);
				continue;
			}
			if (c->worker > 0 && pbuf_avail(&c->out) == 0 &&
			    (re & (POLLHUP | POLLERR))) {
				srv_client_gone(c);
				continue;
			}
			if (re & POLLOUT)
				srv_write(c);
			else if (re & (POLLIN | POLLHUP | POLLERR))
				srv_read(&s, c);
		}
		srv_sweep(&s);
		if (s.pfd[1].revents & POLLIN)
			srv_accept(&s);
	}
	rc = 0;
out:
	for (i = 0; i < s.hw; i++)
		srv_conn_free(&s, i);
	srv_reap();
	free(s.c);
	free(s.pfd);
	free(s.pconn);
	free(s.pworker);
	return rc;
}
