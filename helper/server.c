/*
 * server.c - the monitor: xdomd's privileged process, after OpenSSH's
 * privilege separation (README.privsep, monitor.c).
 *
 * The monitor never reads a byte a client wrote. It accepts a
 * connection, takes the caller's uid, gid and pid from the kernel
 * (SO_PEERCRED), and hands the socket to that uid's front (front.c), a
 * sandboxed process forked on first need that frames and decodes the
 * client's requests. One front per uid: every byte a front reads belongs
 * to one identity, so a bug in it can act at most as that uid; a slow or
 * hostile uid slows only its own front; and a thousand idle connections
 * cost the fronts' small tables, not a process each.
 *
 * A front forwards typed requests (mwire.c). The monitor decodes them
 * strictly again, checks that the connection is that front's, reads the
 * caller's groups again (at most rights_cache_ms old), checks the policy,
 * and then:
 *
 * - a read (whoami, list, status, stats) is answered at once, filtered
 *   for the caller (requests.c), and audited;
 * - an action is audited first: its "started" record is written and
 *   fdatasync'ed before anything is done, and when that fails the action
 *   is refused ("audit log unavailable: action refused"). It then runs in
 *   a worker under the guest's lock (work.c), is never stopped because
 *   its client left, and its result is audited;
 * - a console is relayed by the monitor for its whole life (work.c).
 *
 * Budgets per uid: connections (max_connections_per_user, and a reserve
 * of reserve_connections slots only uids without a connection may take),
 * actions in flight (max_requests_per_user), consoles
 * (max_consoles_per_user) and audit lines (a token bucket: audit_rate a
 * second, audit_burst at once; refusals past it are counted and
 * summarised, actions past it refused).
 */
#include "helper/monitor.h"

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

#define SRV_FRONT_LINGER_MS 5000	/* an idle front waits this long */


static int srv_sigpipe[2] = {-1, -1};

int64_t
server_now_ms(void)
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

/* --- talking to fronts --------------------------------------------------- */

const struct ident *
mon_ident(struct server *s, struct mfront *f)
{
	int64_t now = server_now_ms();

	(void)s;
	if (f->id_ms == 0 || now - f->id_ms >= s->d->lim.rights_cache_ms) {
		ident_dispose(&f->id);
		ident_from_ids(f->uid, f->gid, 0, &f->id);
		f->id_ms = now;
	}
	return &f->id;
}

void
mon_send(struct server *s, struct mconn *c, unsigned flags, const void *frame,
    size_t n)
{
	(void)s;
	if (c->gone || c->f->dead)
		return;
	if (flags & MW_F_FINAL)
		c->busy = false;
	if (mw_put_frame(&c->f->out, c->id, flags, frame, n) != 0)
		log_warn("uid %lu: front too far behind; a reply is lost",
		    (unsigned long)c->f->uid);
}

void
mon_error(struct server *s, struct mconn *c, int code, const char *msg,
    unsigned flags)
{
	pbuf_reset(&s->scratch);
	proto_frame_id_set(&s->scratch, flags & MW_F_CLOSE ? 0 : c->req.id);
	if (proto_error_encode(&s->scratch, code, msg) != 0)
		pbuf_reset(&s->scratch);
	mon_send(s, c, flags, pbuf_ptr(&s->scratch),
	    pbuf_avail(&s->scratch));
}

static void srv_conn_gone(struct server *s, struct mconn *c);

static void
srv_conn_free(struct server *s, size_t slot)
{
	struct mconn *c = s->c[slot];

	srv_conn_gone(s, c);
	c->f->n_conn--;
	free(c->pin);
	free(c);
	s->c[slot] = NULL;
	s->n_conn--;
	while (s->hw > 0 && s->c[s->hw - 1] == NULL)
		s->hw--;
}

/* The client left (or its front is gone): what runs for it goes on. */
static void
srv_conn_gone(struct server *s, struct mconn *c)
{
	if (c->gone)
		return;
	if (c->pty >= 0)
		work_console_close(s, c, "the client left");
	c->gone = true;
	c->f->n_live--;
	s->n_live--;
	if (c->f->n_live == 0)
		c->f->empty_since = server_now_ms();
}

/* Close a front's channels; its conns are gone, its workers go on. The
 * struct stays until its last conn is freed. */
static void
srv_front_end(struct server *s, struct mfront *f)
{
	size_t i;

	if (f->dead)
		return;
	for (i = 0; i < s->hw; i++)
		if (s->c[i] != NULL && s->c[i]->f == f)
			srv_conn_gone(s, s->c[i]);
	f->dead = true;
	while (f->n_pend > 0)
		close(f->pend_fd[--f->n_pend]);
	close(f->fd);
	close(f->ctl);
	f->fd = f->ctl = -1;
	pbuf_dispose(&f->out);
	free(f->in);
	f->in = NULL;
	if (f->pid > 0)
		kill(f->pid, SIGKILL);
}

/* A front that breaks the rules is not one to trust again. */
static void
srv_front_bad(struct server *s, struct mfront *f, const char *why)
{
	log_warn("uid %lu: front %ld ended: %s", (unsigned long)f->uid,
	    (long)f->pid, why);
	srv_front_end(s, f);
}

/* Free dead fronts nothing refers to any more. */
static void
srv_front_sweep(struct server *s, int64_t now, int *next_ms)
{
	size_t i = 0;
	int64_t due;

	while (i < s->n_front) {
		struct mfront *f = s->f[i];

		if (!f->dead && f->n_live == 0) {
			due = f->empty_since + SRV_FRONT_LINGER_MS;
			if (now >= due)
				srv_front_end(s, f);
			else if (due - now < *next_ms)
				*next_ms = (int)(due - now);
		}
		if (f->dead && f->n_conn == 0) {
			ident_dispose(&f->id);
			free(f->pend_fd);
			free(f->pend_id);
			free(f);
			s->f[i] = s->f[--s->n_front];
			continue;
		}
		i++;
	}
}

/* --- requests ------------------------------------------------------------ */

static const char *
srv_type_name(uint16_t type)
{
	const struct proto_req_desc *rd = proto_req_desc(type);

	if (type == MW_NOTE_TIMEOUT)
		return "timeout";
	if (type == MW_NOTE_TRUNCATED)
		return "truncated";
	return rd != NULL ? rd->name : "invalid";
}

/* The checks an action passes before its start is audited. */
static int
srv_admit(struct server *s, struct mconn *c, struct xdom_err *err)
{
	const struct xdomd_limits *l = &s->d->lim;
	size_t total, mine = work_count(s, c->f->uid, &total);

	if ((long)mine >= l->max_requests_per_user)
		return xdom_err_set(err, XDOM_EBUSY, "too many requests at "
		    "once (at most %ld per user); wait for one to finish",
		    l->max_requests_per_user);
	if ((long)total >= l->max_workers)
		return xdom_err_set(err, XDOM_EBUSY, "xdomd is busy (%ld "
		    "actions running); try again shortly", l->max_workers);
	if (c->req.type == PROTO_T_CONSOLE &&
	    (long)c->f->n_consoles >= l->max_consoles_per_user)
		return xdom_err_set(err, XDOM_EBUSY, "too many consoles open "
		    "(at most %ld per user); close one first",
		    l->max_consoles_per_user);
	if (work_domain_locked(s, c->req.name))
		return xdom_err_set(err, XDOM_EBUSY, "%s: busy: another "
		    "request is acting on it; try again when it is done",
		    c->req.name);
	return 0;
}

/* A request from c's front, decoded: check it, then answer or act. */
static void
srv_dispatch(struct server *s, struct mconn *c, const struct proto_req *req)
{
	struct xdom_err err = {0};
	const struct req_handler *h = req_handler(req->type);
	const struct ident *id = mon_ident(s, c->f);
	struct req_ctx ctx;
	int rc;

	c->busy = true;
	c->req = *req;
	if (h == NULL) {
		mon_audit(s, c, srv_type_name(req->type), NULL, NULL,
		    XDOM_EPROTO, "unknown request", NULL);
		mon_error(s, c, XDOM_EPROTO, "unknown request",
		    MW_F_FINAL | MW_F_CLOSE);
		return;
	}
	rc = req_authorize(s->d, id, req, &err);
	if (rc == 0 && proto_req_acts(req->type)) {
		if ((rc = srv_admit(s, c, &err)) == 0 &&
		    (rc = mon_audit_start(s, c, &err)) == 0 &&
		    (rc = work_start(s, c, &err)) == 0)
			return;	/* its result is audited when it ends */
	} else if (rc == 0) {
		memset(&ctx, 0, sizeof ctx);
		ctx.d = s->d;
		ctx.id = id;
		ctx.req = req;
		ctx.fd = -1;
		ctx.out = &s->scratch;
		pbuf_reset(&s->scratch);
		proto_frame_id_set(&s->scratch, req->id);
		rc = h->serve(&ctx, &err);
		if (rc == 0)
			mon_send(s, c, MW_F_FINAL, pbuf_ptr(&s->scratch),
			    pbuf_avail(&s->scratch));
	}
	mon_audit(s, c, srv_type_name(req->type), req->name, req->reason, rc,
	    rc != 0 ? xdom_err_msg(&err) : NULL, NULL);
	if (rc != 0)
		mon_error(s, c, rc, xdom_err_msg(&err), MW_F_FINAL);
}

static struct mconn *
srv_conn_of(struct server *s, struct mfront *f, uint32_t id)
{
	size_t slot = id & 0xffff;
	struct mconn *c;

	if (slot >= s->n_slots)
		return NULL;
	c = s->c[slot];
	/* A front speaks only for its own clients. */
	return c != NULL && c->id == id && c->f == f ? c : NULL;
}

/* One whole message from front f. */
static void
srv_front_msg(struct server *s, struct mfront *f, const uint8_t *p,
    size_t n)
{
	struct xdom_err err = {0};
	struct mw_msg m;
	struct mconn *c;

	if (mw_decode(p, n, &m, &err) != 0) {
		srv_front_bad(s, f, err.msg);
		return;
	}
	c = srv_conn_of(s, f, m.conn);
	if (c == NULL) {
		srv_front_bad(s, f, "a connection that is not its own");
		return;
	}
	if (c->gone)
		return;
	switch (m.type) {	/* one case per message type */
	case MW_REQ:
		if (c->busy || c->pty >= 0) {
			srv_front_bad(s, f, "a request while one is answered");
			return;
		}
		srv_dispatch(s, c, &m.req);
		break;
	case MW_GONE:
		srv_conn_gone(s, c);
		break;
	case MW_NOTE:
		mon_audit(s, c, srv_type_name(m.note_type), m.note_name,
		    m.note_reason, m.note_code, m.note_msg, NULL);
		break;
	case MW_CIN:
		work_console_input(s, c, m.data, m.data_len);
		break;
	default:
		srv_front_bad(s, f, "unexpected message");
	}
}

static void
srv_front_read(struct server *s, struct mfront *f)
{
	struct xdom_err err = {0};
	uint16_t type;
	uint32_t len, id;
	size_t at = 0;
	ssize_t n;

	/* One read per round: a busy uid cannot crowd out the others. */
	n = read(f->fd, f->in + f->in_len, MON_FRONT_IN - f->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Fronts end when the monitor closes them; one that ends by
		 * itself crashed or broke its sandbox's rules. */
		log_warn("uid %lu: front %ld ended by itself, %zu clients "
		    "with it", (unsigned long)f->uid, (long)f->pid, f->n_live);
		srv_front_end(s, f);
		return;
	}
	f->in_len += (size_t)n;
	while (!f->dead && f->in_len - at >= PROTO_HDR_LEN) {
		if (mw_header(f->in + at, MW_IN_MAX, &type, &len, &id,
		    &err) != 0) {
			srv_front_bad(s, f, err.msg);
			return;
		}
		if (f->in_len - at < PROTO_HDR_LEN + (size_t)len)
			break;
		srv_front_msg(s, f, f->in + at, PROTO_HDR_LEN + len);
		at += PROTO_HDR_LEN + len;
	}
	if (f->dead)
		return;
	memmove(f->in, f->in + at, f->in_len - at);
	f->in_len -= at;
}

static void
srv_front_write(struct server *s, struct mfront *f)
{
	ssize_t n = send(f->fd, pbuf_ptr(&f->out), pbuf_avail(&f->out),
	    MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		srv_front_end(s, f);
		return;
	}
	f->out.off += (size_t)n;
	if (pbuf_avail(&f->out) == 0) {
		if (f->out.cap > 1024 * 1024)
			pbuf_dispose(&f->out);
		else
			pbuf_reset(&f->out);
	}
}

/* Free connections whose client left and whose work is done. */
static void
srv_sweep(struct server *s)
{
	size_t i;

	for (i = 0; i < s->hw; i++) {
		struct mconn *c = s->c[i];

		if (c != NULL && (c->gone || c->f->dead) && c->worker == 0)
			srv_conn_free(s, i);
	}
}

static void
srv_timeouts(struct server *s, int64_t now, int *next_ms)
{
	size_t i;

	for (i = 0; i < s->hw; i++) {
		struct mconn *c = s->c[i];

		if (c == NULL)
			continue;
		if (c->worker > 0)
			work_timeouts(s, c, now, next_ms);
		else if (c->pty >= 0)
			work_console_check(s, c, now, false, next_ms);
	}
	srv_front_sweep(s, now, next_ms);
}

/* SIGHUP: reopen the audit file, reload the policy, and end the consoles
 * the new policy no longer allows. */
static void
srv_reload(struct server *s)
{
	struct xdom_err err = {0};
	struct policy *p = NULL;
	int next = 0;
	size_t i;

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
	/* Groups too are read again for what is checked now. */
	for (i = 0; i < s->n_front; i++)
		s->f[i]->id_ms = 0;
	for (i = 0; i < s->hw; i++)
		if (s->c[i] != NULL && s->c[i]->pty >= 0)
			work_console_check(s, s->c[i], server_now_ms(), true,
			    &next);
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
				while (waitpid(-1, NULL, WNOHANG) > 0)
					;
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

static void
srv_poll_add(struct server *s, size_t *np, int fd, short ev, void *own,
    enum mon_poll kind)
{
	s->pfd[*np] = (struct pollfd){fd, ev, 0};
	s->pown[*np] = own;
	s->pkind[*np] = (unsigned char)kind;
	(*np)++;
}

static size_t
srv_poll_set(struct server *s)
{
	size_t i, np = 0;

	srv_poll_add(s, &np, srv_sigpipe[0], POLLIN, NULL, MON_P_FRONT);
	srv_poll_add(s, &np, s->d->listen_fd, POLLIN, NULL, MON_P_FRONT);
	for (i = 0; i < s->n_front; i++) {
		struct mfront *f = s->f[i];

		if (!f->dead)
			srv_poll_add(s, &np, f->fd, (short)(POLLIN |
			    (pbuf_avail(&f->out) > 0 ? POLLOUT : 0)), f,
			    MON_P_FRONT);
		if (!f->dead && f->n_pend > 0)
			srv_poll_add(s, &np, f->ctl, POLLOUT, f, MON_P_CTL);
	}
	for (i = 0; i < s->hw; i++) {
		struct mconn *c = s->c[i];
		bool room;

		if (c == NULL)
			continue;
		room = c->f->dead || pbuf_avail(&c->f->out) < MON_RELAY_MAX;
		if (c->wfd >= 0 && room)
			srv_poll_add(s, &np, c->wfd, POLLIN, c, MON_P_WORKER);
		if (c->pty >= 0 && (room || c->pin_len > 0))
			srv_poll_add(s, &np, c->pty, (short)((room ? POLLIN :
			    0) | (c->pin_len > 0 ? POLLOUT : 0)), c,
			    MON_P_PTY);
	}
	return np;
}

int
server_run(struct xdomd *d, struct xdom_err *err)
{
	struct server s;
	size_t i, np, cap;
	int rc, timeout;

	memset(&s, 0, sizeof s);
	s.d = d;
	if ((rc = srv_setup_signals(err)) != 0 ||
	    (rc = sandbox_prepare(d, &s.su, err)) != 0)
		return rc;
	s.n_slots = (size_t)d->lim.max_connections;
	s.c = xcalloc(s.n_slots, sizeof *s.c);
	s.f = xcalloc(s.n_slots, sizeof *s.f);
	cap = 2 + 4 * s.n_slots;	/* fronts: 2 each, conns: 2 each */
	s.pfd = xcalloc(cap, sizeof *s.pfd);
	s.pown = xcalloc(cap, sizeof *s.pown);
	s.pkind = xcalloc(cap, sizeof *s.pkind);
	pbuf_init(&s.scratch, PROTO_HDR_LEN + PROTO_MAX_MSG);
	while (!d->stop) {
		timeout = 60000;
		srv_timeouts(&s, server_now_ms(), &timeout);
		srv_sweep(&s);
		np = srv_poll_set(&s);
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
			short re = s.pfd[i].revents;

			if (re == 0)
				continue;
			if (s.pkind[i] == MON_P_FRONT) {
				struct mfront *f = s.pown[i];

				if (f->dead || f->fd != s.pfd[i].fd)
					continue;
				if (re & POLLOUT)
					srv_front_write(&s, f);
				if (!f->dead && (re & (POLLIN | POLLHUP |
				    POLLERR)))
					srv_front_read(&s, f);
			} else if (s.pkind[i] == MON_P_CTL) {
				struct mfront *f = s.pown[i];

				if (!f->dead && f->ctl == s.pfd[i].fd)
					mon_handoff(&s, f);
			} else if (s.pkind[i] == MON_P_WORKER) {
				struct mconn *c = s.pown[i];

				if (c->wfd == s.pfd[i].fd)
					work_read(&s, c);
			} else {
				struct mconn *c = s.pown[i];

				if (c->pty == s.pfd[i].fd)
					work_pty(&s, c, re);
			}
		}
		/* Replies go out in the round that made them. */
		for (i = 0; i < s.n_front; i++)
			if (!s.f[i]->dead && pbuf_avail(&s.f[i]->out) > 0)
				srv_front_write(&s, s.f[i]);
		srv_sweep(&s);
		if (s.pfd[1].revents & POLLIN)
			mon_accept(&s);
	}
	rc = 0;
out:
	for (i = 0; i < s.n_front; i++)
		srv_front_end(&s, s.f[i]);
	for (i = 0; i < s.hw; i++) {
		struct mconn *c = s.c[i];

		if (c != NULL && c->worker > 0) {
			kill(-c->worker, SIGKILL);
			kill(c->worker, SIGKILL);
			if (c->wfd >= 0)
				close(c->wfd);
			c->wfd = -1;
			free(c->win);
			c->win = NULL;
			c->worker = 0;
		}
		if (c != NULL)
			srv_conn_free(&s, i);
	}
	srv_front_sweep(&s, server_now_ms(), &timeout);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	pbuf_dispose(&s.scratch);
	free(s.c);
	free(s.f);
	free(s.pfd);
	free(s.pown);
	free(s.pkind);
	return rc;
}
