/*
 * work.c - the monitor's actions: worker processes, and the consoles it
 * relays.
 *
 * - Actions, consoles and re-images may take seconds or minutes (xl
 *   create, xen-create-image) and touch the hypervisor's state, so each
 *   runs in a worker process with its own backend handle: a slow or
 *   crashing action stalls or kills only itself. A worker talks to the
 *   monitor over a socketpair; its progress and its reply are relayed to
 *   the client through the client's front.
 * - A worker is never stopped because its client left: the action goes
 *   on to its end (or its timeout, when its whole process group is
 *   killed) and its result is audited, "(client went away)" included.
 *   The audit record saying it started was written, durably, before the
 *   worker was forked (server.c).
 * - A console is not handed to the client: the worker passes the pty to
 *   the monitor, which relays it to the client's connection (turned into
 *   a raw stream) for as long as the console is open. So it counts
 *   against max_consoles_per_user for its whole life, and it ends, and
 *   is audited as closed, when its right ends (checked at every policy
 *   reload and once a second against the caller's groups as they are
 *   now), when the guest is gone or runs as another domain (a reboot, a
 *   guest given away and started again), or when the client leaves.
 */
#include "helper/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"

void
work_child_signals(void)
{
	struct sigaction sa;
	int sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

size_t
work_count(struct server *s, uid_t uid, size_t *total)
{
	size_t i, n = 0;

	*total = 0;
	for (i = 0; i < s->hw; i++) {
		if (s->c[i] == NULL || s->c[i]->worker <= 0)
			continue;
		(*total)++;
		if (s->c[i]->f->uid == uid)
			n++;
	}
	return n;
}

bool
work_domain_locked(struct server *s, const char *name)
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
work_main(struct server *s, struct mconn *c, int sock)
{
	const struct req_handler *h = req_handler(c->req.type);
	struct xdom_err err = {0};
	struct req_ctx ctx;
	struct hv *hv = NULL;
	struct pbuf b;
	int rc;

	work_child_signals();
	(void)setpgid(0, 0);
	/* Nothing of the monitor's: only fds 0-2 and the socket to it (the
	 * audit file included: the monitor writes every line). */
	if (dup2(sock, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) != 0)
		_exit(1);
	close_range(4, ~0U, 0);
	sock = 3;
	harden_worker(hv_backend_name(s->d->hv));
	memset(&ctx, 0, sizeof ctx);
	ctx.d = s->d;
	ctx.id = &c->f->id;
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

int
work_start(struct server *s, struct mconn *c, struct xdom_err *err)
{
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "socketpair");
	pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return xdom_err_errno(err, XDOM_EIO, errno, "fork");
	}
	if (pid == 0)
		work_main(s, c, sp[1]);
	close(sp[1]);
	(void)setpgid(pid, pid);	/* races the child's own call: fine */
	(void)fcntl(sp[0], F_SETFL, O_NONBLOCK);
	c->worker = pid;
	c->wfd = sp[0];
	c->win = xmalloc(PROTO_HDR_LEN + MON_WORKER_MSG);
	c->win_len = 0;
	c->worker_said = server_now_ms();
	c->ka_permille = 0;
	snprintf(c->ka_stage, sizeof c->ka_stage, "working");
	c->worker_deadline = server_now_ms() + 1000 *
	    (c->req.type == PROTO_T_REIMAGE ? s->d->lim.reimage_timeout :
	    s->d->lim.action_timeout);
	return 0;
}

/* The worker is done (final frame, EOF or timeout): audit and clean up. */
static void
work_done(struct server *s, struct mconn *c, int rc, const char *msg)
{
	char m[XDOM_ERR_MSG_MAX + 40];
	bool note = rc != 0 || c->gone;

	snprintf(m, sizeof m, "%s%s%s", msg != NULL ? msg : "",
	    msg != NULL && msg[0] != '\0' && c->gone ? " " : "",
	    c->gone ? "(client went away)" : "");
	mon_audit(s, c, proto_req_desc(c->req.type)->name, c->req.name,
	    c->req.reason, rc, note ? m : NULL, rc == 0 && c->gone ? "ok" :
	    NULL);
	if (c->wfd >= 0)
		close(c->wfd);
	c->wfd = -1;
	free(c->win);
	c->win = NULL;
	c->win_len = 0;
	c->worker = 0;	/* reaped by the SIGCHLD path */
}

/* The console reply came with the pty: the monitor relays it now. */
static void
work_console_open(struct server *s, struct mconn *c, int pty)
{
	struct xdom_err err = {0};
	struct hv_info in;

	if (hv_info(s->d->hv, c->req.name, &in, &err) != 0 || !in.running) {
		close(pty);
		mon_error(s, c, XDOM_ESTATE, "the console ended at once",
		    MW_F_FINAL);
		return;
	}
	(void)fcntl(pty, F_SETFL, O_NONBLOCK);
	c->pty = pty;
	c->domid = in.id;
	c->cons_checked = server_now_ms();
	c->f->n_consoles++;
}

/* Read frames from the worker and relay them. */
void
work_read(struct server *s, struct mconn *c)
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
		if (proto_header_parse(c->win, MON_WORKER_MSG, &type, &len,
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
		    ch->cmsg_len == CMSG_LEN(sizeof(int))) {
			if (passed >= 0)
				close(passed);
			memcpy(&passed, CMSG_DATA(ch), sizeof(int));
		}
	}
	if (passed >= 0 && (c->req.type != PROTO_T_CONSOLE || c->pty >= 0 ||
	    c->gone)) {
		close(passed);
		passed = -1;
	} else if (passed >= 0) {
		c->pty = passed;	/* taken up with the reply */
	}
	if (n <= 0) {
		work_done(s, c, XDOM_EIO, "the action's worker ended without "
		    "an answer");
		mon_error(s, c, XDOM_EIO, "internal error: the action ended "
		    "without an answer (see the log)", MW_F_FINAL);
		return;
	}
	c->win_len += (size_t)n;
	if (c->win_len < PROTO_HDR_LEN)
		return;
	if (proto_header_parse(c->win, MON_WORKER_MSG, &type, &len, NULL,
	    &err) != 0)
		goto broken;
	if (c->win_len < PROTO_HDR_LEN + len)
		return;
	/* A whole frame, with the id of the request it answers (whatever
	 * the worker wrote). */
	proto_header_stamp(c->win, c->req.id);
	c->worker_said = server_now_ms();
	c->win_len = 0;
	if (type == PROTO_T_PROGRESS) {
		if (proto_progress_decode(c->win + PROTO_HDR_LEN, len,
		    &c->ka_permille, c->ka_stage, &err) != 0)
			goto broken;
		mon_send(s, c, 0, c->win, PROTO_HDR_LEN + len);
		return;
	}
	if (type == PROTO_T_ERROR) {
		if (proto_error_decode(c->win + PROTO_HDR_LEN, len, &rep,
		    &err) != 0)
			xdom_err_set(&rep, XDOM_EIO, "malformed error");
		if (c->pty >= 0) {
			close(c->pty);
			c->pty = -1;
		}
		mon_send(s, c, MW_F_FINAL, c->win, PROTO_HDR_LEN + len);
		work_done(s, c, rep.code, rep.msg);
		return;
	}
	if (c->req.type == PROTO_T_CONSOLE) {
		int pty = c->pty;

		c->pty = -1;
		if (pty < 0 || c->gone) {
			if (pty >= 0)
				close(pty);
			work_done(s, c, XDOM_EIO, pty >= 0 ? "the client left "
			    "before its console opened" : "the console's "
			    "worker sent no console");
			mon_error(s, c, XDOM_EIO, "internal error: no "
			    "console (see the log)", MW_F_FINAL);
			return;
		}
		work_console_open(s, c, pty);
		if (c->pty >= 0)
			mon_send(s, c, MW_F_FINAL | MW_F_RAW, c->win,
			    PROTO_HDR_LEN + len);
		work_done(s, c, c->pty >= 0 ? 0 : XDOM_ESTATE, c->pty >= 0 ?
		    NULL : "the console ended at once");
		return;
	}
	mon_send(s, c, MW_F_FINAL, c->win, PROTO_HDR_LEN + len);
	work_done(s, c, 0, NULL);
	return;
broken:
	if (c->pty >= 0) {
		close(c->pty);
		c->pty = -1;
	}
	work_done(s, c, XDOM_EIO, "the action's worker sent a bad message");
	mon_error(s, c, XDOM_EIO, "internal error (see the log)",
	    MW_F_FINAL | MW_F_CLOSE);
}

/*
 * A worker may be silent for minutes (a re-image's backup, xl create,
 * saving a guest), and a client gives up on a silent daemon: every
 * MON_KEEPALIVE_MS of silence, the last progress (or "working") is said
 * again. Past its deadline a worker is stopped, its process group with
 * it, and that is audited.
 */
void
work_timeouts(struct server *s, struct mconn *c, int64_t now, int *next_ms)
{
	int64_t due = c->worker_said + MON_KEEPALIVE_MS;
	struct pbuf b;

	if (now >= c->worker_deadline) {
		kill(-c->worker, SIGKILL);
		kill(c->worker, SIGKILL);
		if (c->pty >= 0) {
			close(c->pty);
			c->pty = -1;
		}
		work_done(s, c, XDOM_ETIMEDOUT, "did not finish in time; "
		    "stopped");
		mon_error(s, c, XDOM_ETIMEDOUT, "the action did not finish in "
		    "time and was stopped", MW_F_FINAL);
		return;
	}
	if (!c->gone && proto_req_acts(c->req.type) && now >= due &&
	    c->win_len == 0) {
		pbuf_init(&b, 256);
		proto_frame_id_set(&b, c->req.id);
		if (proto_progress_encode(&b, c->ka_permille,
		    c->ka_stage) == 0)
			mon_send(s, c, 0, pbuf_ptr(&b), pbuf_avail(&b));
		pbuf_dispose(&b);
		c->worker_said = now;
		due = now + MON_KEEPALIVE_MS;
	} else if (now >= due) {
		due = now + MON_KEEPALIVE_MS;
	}
	if (c->worker_deadline < due)
		due = c->worker_deadline;
	if (due - now < *next_ms)
		*next_ms = (int)(due - now);
}

/* --- relayed consoles ---------------------------------------------------- */

void
work_console_close(struct server *s, struct mconn *c, const char *why)
{
	if (c->pty < 0)
		return;
	close(c->pty);
	c->pty = -1;
	free(c->pin);
	c->pin = NULL;
	c->pin_len = 0;
	c->f->n_consoles--;
	mon_audit(s, c, "console", c->req.name, c->req.reason, 0, why,
	    "closed");
	mon_send(s, c, MW_F_CLOSE, NULL, 0);
}

void
work_pty(struct server *s, struct mconn *c, short revents)
{
	uint8_t buf[MW_CONS_MAX];
	ssize_t n;

	if ((revents & POLLOUT) && c->pin_len > 0) {
		n = write(c->pty, c->pin, c->pin_len);
		if (n > 0) {
			memmove(c->pin, c->pin + n, c->pin_len - (size_t)n);
			c->pin_len -= (size_t)n;
		}
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(c->pty, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		work_console_close(s, c, "the guest's console ended");
		return;
	}
	if (mw_put(&c->f->out, MW_COUT, c->id, buf, (size_t)n) != 0)
		work_console_close(s, c, "the client does not read");
}

void
work_console_input(struct server *s, struct mconn *c, const uint8_t *p,
    size_t n)
{
	ssize_t w = 0;

	(void)s;
	if (c->pty < 0)
		return;
	if (c->pin_len == 0) {
		w = write(c->pty, p, n);
		if (w < 0)
			w = 0;
	}
	if ((size_t)w == n)
		return;
	p += w;
	n -= (size_t)w;
	/* Typed faster than the guest reads: kept up to a bound, the rest
	 * is lost as on a serial line. */
	if (c->pin == NULL)
		c->pin = xmalloc(MON_CONSOLE_IN_MAX);
	if (n > MON_CONSOLE_IN_MAX - c->pin_len)
		n = MON_CONSOLE_IN_MAX - c->pin_len;
	memcpy(c->pin + c->pin_len, p, n);
	c->pin_len += n;
}

void
work_console_check(struct server *s, struct mconn *c, int64_t now,
    bool force, int *next_ms)
{
	struct xdom_err err = {0};
	struct hv_info in;
	char why[XDOM_ERR_MSG_MAX + 32];
	int64_t due = c->cons_checked + MON_CONSOLE_CHECK_MS;

	if (!force && now < due) {
		if (due - now < *next_ms)
			*next_ms = (int)(due - now);
		return;
	}
	c->cons_checked = now;
	if (MON_CONSOLE_CHECK_MS < *next_ms)
		*next_ms = MON_CONSOLE_CHECK_MS;
	/* The right, as the policy and the caller's groups say now. */
	if (req_authorize(s->d, mon_ident(s, c->f), &c->req, &err) != 0) {
		snprintf(why, sizeof why, "right ended: %s", err.msg);
		work_console_close(s, c, why);
		return;
	}
	if (hv_info(s->d->hv, c->req.name, &in, &err) != 0 || !in.running) {
		work_console_close(s, c, "the guest stopped");
		return;
	}
	if (in.id != c->domid)
		work_console_close(s, c, "the guest runs as another domain "
		    "now");
}
