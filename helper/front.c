/*
 * front.c - the unprivileged front: every byte a client sends is read and
 * decoded here, in a sandboxed process that serves one calling uid
 * (sandbox.c), never in the monitor.
 *
 * The monitor accepts a connection, learns who is calling from the
 * kernel, and passes the socket to that uid's front over a control
 * socket (SCM_RIGHTS, with the monitor's number for it). The front:
 *
 * - frames and decodes requests (core/proto), one at a time per
 *   connection, with the deadlines the old loop had: a partial request
 *   is cut off after client_request_timeout, an idle connection after
 *   client_idle_timeout, a client that does not read its reply after
 *   client_request_timeout;
 * - answers what is malformed itself (and tells the monitor, which
 *   audits it), and forwards every well-formed request, re-encoded, to
 *   the monitor, which checks the policy and answers;
 * - writes the monitor's answers back, and once a console is open relays
 *   the connection's bytes both ways (MW_CIN, MW_COUT).
 *
 * A slow client costs only its own uid's front; the monitor never waits
 * for one. When the monitor goes away the front exits, closing its
 * clients. Nothing here logs through syslog (its socket is out of the
 * sandbox's reach): the monitor does the talking.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xmalloc.h"

#define FRONT_MON_FD 3
#define FRONT_CTL_FD 4
#define FRONT_OUT_KEEP (64 * 1024)
#define FRONT_OUT_MAX (2 * 1024 * 1024)	/* unread console output */
#define FRONT_MON_BACKLOG (512 * 1024)	/* then stop reading clients */

struct fconn {
	uint32_t id;		/* the monitor's number for it */
	int fd;
	bool busy;		/* a request is with the monitor */
	bool raw;		/* a console: bytes relayed both ways */
	bool close_after;	/* close once out is written */
	uint8_t in[PROTO_HDR_LEN + PROTO_REQ_MAX];
	size_t in_len;
	uint32_t want;
	uint16_t type;
	uint32_t rid;
	int64_t msg_start, last_active, write_since;
	struct pbuf out;
};

struct front {
	struct xdomd *d;
	struct fconn **c;	/* by the low 16 bits of the number */
	size_t n_slots, n_conn;
	struct pbuf mon_out;
	uint8_t *mon_in;
	size_t mon_len, mon_cap;
	struct pollfd *pfd;
	struct fconn **pconn;
};

static struct fconn *
front_find(struct front *f, uint32_t id)
{
	struct fconn *c = f->c[(id & 0xffff) % f->n_slots];

	return c != NULL && c->id == id ? c : NULL;
}

static void
front_tell(struct front *f, uint16_t type, uint32_t id)
{
	(void)mw_put(&f->mon_out, type, id, NULL, 0);
}

/* Close and forget c; the monitor hears of it. */
static void
front_close(struct front *f, struct fconn *c)
{
	front_tell(f, MW_GONE, c->id);
	f->c[(c->id & 0xffff) % f->n_slots] = NULL;
	f->n_conn--;
	close(c->fd);
	pbuf_dispose(&c->out);
	free(c);
}

/* A refusal the front decided: answered here, audited by the monitor. */
static void
front_refuse(struct front *f, struct fconn *c, uint16_t note, int code,
    const char *name, const char *reason, const char *msg, bool fatal)
{
	(void)mw_put_note(&f->mon_out, c->id, note, code, name, reason, msg);
	proto_frame_id_set(&c->out, fatal ? 0 : c->rid);
	if (proto_error_encode(&c->out, code, msg) != 0)
		pbuf_reset(&c->out);
	c->write_since = server_now_ms();
	if (fatal) {
		c->close_after = true;
		c->in_len = 0;
		c->want = 0;
	}
}

/* A whole request is in: decode it, then forward or refuse it. */
static void
front_request(struct front *f, struct fconn *c)
{
	struct xdom_err err = {0};
	struct proto_req req;
	int rc;

	rc = proto_req_decode(c->type, c->in + PROTO_HDR_LEN, c->want, &req,
	    &err);
	c->in_len = 0;
	c->want = 0;
	c->last_active = server_now_ms();
	if (rc == XDOM_EINVAL) {
		/* A bad name is the user's mistake, answered; the audit
		 * line shows it (escaped). */
		front_refuse(f, c, c->type, rc, req.name, req.reason, err.msg,
		    false);
		return;
	}
	if (rc != 0) {
		front_refuse(f, c, c->type, rc, NULL, NULL, err.msg, true);
		return;
	}
	req.id = c->rid;
	if (mw_put_req(&f->mon_out, c->id, &req, &err) != 0) {
		front_refuse(f, c, c->type, XDOM_EPROTO, NULL, NULL,
		    "request could not be passed on", true);
		return;
	}
	c->busy = true;
}

/* Read what the client sent: a request's bytes, or console input. */
static void
front_read(struct front *f, struct fconn *c)
{
	struct xdom_err err = {0};
	uint8_t buf[MW_CONS_MAX];
	size_t need;
	ssize_t n;
	int rc;

	if (c->raw) {
		n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			front_close(f, c);
			return;
		}
		(void)mw_put(&f->mon_out, MW_CIN, c->id, buf, (size_t)n);
		return;
	}
	for (;;) {
		need = c->in_len < PROTO_HDR_LEN ? PROTO_HDR_LEN - c->in_len :
		    PROTO_HDR_LEN + c->want - c->in_len;
		n = recv(c->fd, c->in + c->in_len, need, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (c->in_len > 0)
				(void)mw_put_note(&f->mon_out, c->id,
				    MW_NOTE_TRUNCATED, XDOM_EPROTO, NULL, NULL,
				    "connection closed in the middle of a "
				    "request");
			front_close(f, c);
			return;
		}
		if (c->in_len == 0)
			c->msg_start = server_now_ms();
		c->in_len += (size_t)n;
		if (c->in_len == PROTO_HDR_LEN) {
			rc = proto_header_parse(c->in, PROTO_REQ_MAX, &c->type,
			    &c->want, &c->rid, &err);
			if (rc == 0 && proto_req_desc(c->type) == NULL)
				rc = xdom_err_set(&err, XDOM_EPROTO, "message "
				    "type %#x is not a request", c->type);
			if (rc != 0) {
				front_refuse(f, c, 0, rc, NULL, NULL, err.msg,
				    true);
				return;
			}
		}
		if (c->in_len >= PROTO_HDR_LEN &&
		    c->in_len == PROTO_HDR_LEN + c->want)
			break;
	}
	front_request(f, c);
}

static void
front_write(struct front *f, struct fconn *c)
{
	size_t avail = pbuf_avail(&c->out);
	ssize_t n;

	n = send(c->fd, pbuf_ptr(&c->out), avail, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_close(f, c);
		return;
	}
	c->out.off += (size_t)n;
	c->write_since = server_now_ms();
	if (pbuf_avail(&c->out) > 0)
		return;
	if (c->out.cap > FRONT_OUT_KEEP)
		pbuf_dispose(&c->out);
	else
		pbuf_reset(&c->out);
	c->last_active = c->write_since;
	if (c->close_after)
		front_close(f, c);
}

/* A new client from the monitor: its number, its socket. */
static void
front_accept(struct front *f)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct cmsghdr *ch;
	struct msghdr msg;
	struct iovec iov;
	struct fconn *c;
	uint8_t idb[4];
	uint32_t id;
	ssize_t n;
	int fd;

	for (;;) {
		fd = -1;
		memset(&msg, 0, sizeof msg);
		iov.iov_base = idb;
		iov.iov_len = sizeof idb;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof cm.buf;
		n = recvmsg(FRONT_CTL_FD, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == 0 || (n < 0 && errno != EAGAIN))
			_exit(0);	/* the monitor is gone */
		for (ch = CMSG_FIRSTHDR(&msg); ch != NULL;
		    ch = CMSG_NXTHDR(&msg, ch))
			if (ch->cmsg_level == SOL_SOCKET &&
			    ch->cmsg_type == SCM_RIGHTS &&
			    ch->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&fd, CMSG_DATA(ch), sizeof fd);
		id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 |
		    (uint32_t)idb[2] << 8 | idb[3];
		if (fd < 0)
			continue;
		if (n != 4 || f->c[(id & 0xffff) % f->n_slots] != NULL) {
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof *c);
		c->id = id;
		c->fd = fd;
		pbuf_init(&c->out, FRONT_OUT_MAX + PROTO_HDR_LEN + PROTO_MAX_MSG);
		c->last_active = server_now_ms();
		f->c[(id & 0xffff) % f->n_slots] = c;
		f->n_conn++;
	}
}

/* One message from the monitor, whole in buf. */
static void
front_mon_msg(struct front *f, const uint8_t *buf, uint16_t type,
    uint32_t len, uint32_t id)
{
	struct fconn *c = front_find(f, id);
	const uint8_t *p = buf + PROTO_HDR_LEN;
	unsigned flags;

	if (c == NULL)
		return;	/* it left meanwhile */
	if (type == MW_COUT) {
		if (pbuf_put_bytes(&c->out, p, len) != 0 ||
		    pbuf_avail(&c->out) > FRONT_OUT_MAX)
			front_close(f, c);	/* it does not read */
		else
			c->write_since = pbuf_avail(&c->out) == len ?
			    server_now_ms() : c->write_since;
		return;
	}
	if (type != MW_FRAME || len < 1)
		_exit(1);	/* the monitor does not send those */
	flags = p[0];
	if (len > 1 && pbuf_put_bytes(&c->out, p + 1, len - 1) != 0) {
		front_close(f, c);
		return;
	}
	if (len > 1)
		c->write_since = server_now_ms();
	if (flags & MW_F_FINAL)
		c->busy = false;
	if (flags & MW_F_RAW)
		c->raw = true;
	if (flags & MW_F_CLOSE) {
		c->close_after = true;
		if (pbuf_avail(&c->out) == 0)
			front_close(f, c);
	}
}

static void
front_mon_read(struct front *f)
{
	struct xdom_err err = {0};
	uint16_t type;
	uint32_t len, id;
	size_t at = 0;
	ssize_t n;

	if (f->mon_cap - f->mon_len < 65536 && f->mon_cap < 2 * MW_OUT_MAX) {
		f->mon_cap *= 2;
		f->mon_in = xreallocarray(f->mon_in, f->mon_cap, 1);
	}
	n = read(FRONT_MON_FD, f->mon_in + f->mon_len, f->mon_cap - f->mon_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		_exit(0);	/* the monitor is gone: so are we */
	f->mon_len += (size_t)n;
	while (f->mon_len - at >= PROTO_HDR_LEN) {
		if (mw_header(f->mon_in + at, MW_OUT_MAX, &type, &len, &id,
		    &err) != 0)
			_exit(1);
		if (f->mon_len - at < PROTO_HDR_LEN + (size_t)len)
			break;
		front_mon_msg(f, f->mon_in + at, type, len, id);
		at += PROTO_HDR_LEN + len;
	}
	memmove(f->mon_in, f->mon_in + at, f->mon_len - at);
	f->mon_len -= at;
}

static void
front_mon_write(struct front *f)
{
	ssize_t n = write(FRONT_MON_FD, pbuf_ptr(&f->mon_out),
	    pbuf_avail(&f->mon_out));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		_exit(0);
	f->mon_out.off += (size_t)n;
	if (pbuf_avail(&f->mon_out) == 0)
		pbuf_reset(&f->mon_out);
}

/* Deadlines of requests being sent, replies being read, idle clients. */
static void
front_timeouts(struct front *f, int64_t now, int *next_ms)
{
	const struct xdomd_limits *l = &f->d->lim;
	int64_t due;
	size_t i;

	for (i = 0; i < f->n_slots; i++) {
		struct fconn *c = f->c[i];

		if (c == NULL || (c->busy && pbuf_avail(&c->out) == 0))
			continue;
		/* A console lives as long as it may; a client that stops
		 * reading one is dropped at FRONT_OUT_MAX (front_mon_msg). */
		if (c->raw)
			continue;
		if (pbuf_avail(&c->out) > 0) {
			due = c->write_since + 1000 * l->client_request_timeout;
			if (now >= due) {
				(void)mw_put_note(&f->mon_out, c->id,
				    MW_NOTE_TIMEOUT, XDOM_ETIMEDOUT, NULL, NULL,
				    "client did not read its reply in time");
				front_close(f, c);
				continue;
			}
		} else if (c->in_len > 0) {
			due = c->msg_start + 1000 * l->client_request_timeout;
			if (now >= due) {
				front_refuse(f, c, c->type, XDOM_ETIMEDOUT,
				    NULL, NULL, "request not completed in time",
				    true);
				continue;
			}
		} else {
			due = c->last_active + 1000 * l->client_idle_timeout;
			if (now >= due) {
				front_close(f, c);
				continue;
			}
		}
		if (due - now < *next_ms)
			*next_ms = (int)(due - now);
	}
}

static void
front_loop(struct front *f)
{
	size_t i, np;
	int timeout;
	bool backlog;

	for (;;) {
		timeout = 60000;
		front_timeouts(f, server_now_ms(), &timeout);
		backlog = pbuf_avail(&f->mon_out) > FRONT_MON_BACKLOG;
		np = 0;
		f->pfd[np] = (struct pollfd){FRONT_MON_FD, (short)(POLLIN |
		    (pbuf_avail(&f->mon_out) > 0 ? POLLOUT : 0)), 0};
		f->pconn[np++] = NULL;
		f->pfd[np] = (struct pollfd){FRONT_CTL_FD, POLLIN, 0};
		f->pconn[np++] = NULL;
		for (i = 0; i < f->n_slots; i++) {
			struct fconn *c = f->c[i];
			short ev = 0;

			if (c == NULL)
				continue;
			if (pbuf_avail(&c->out) > 0)
				ev |= POLLOUT;
			else if ((!c->busy || c->raw) && !c->close_after &&
			    !backlog)
				ev |= POLLIN;
			/* While busy only a hang-up is looked for (events 0
			 * still reports POLLHUP). */
			f->pfd[np] = (struct pollfd){c->fd, ev, 0};
			f->pconn[np++] = c;
		}
		if (poll(f->pfd, np, timeout) <= 0)
			continue;
		if (f->pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			front_mon_read(f);
		for (i = 2; i < np; i++) {
			struct fconn *c = f->pconn[i];
			short re = f->pfd[i].revents;

			/* A slot may have been freed and reused this round
			 * (a number is never reused by a live connection). */
			if (re == 0 || front_find(f, c->id) != c ||
			    c->fd != f->pfd[i].fd)
				continue;
			if (re & POLLOUT)
				front_write(f, c);
			else if (c->busy && !c->raw &&
			    (re & (POLLHUP | POLLERR)))
				front_close(f, c);	/* the monitor goes on */
			else if (re & (POLLIN | POLLHUP | POLLERR))
				front_read(f, c);
		}
		if (f->pfd[1].revents != 0)
			front_accept(f);
		if (pbuf_avail(&f->mon_out) > 0)
			front_mon_write(f);
	}
}

void
front_main(struct xdomd *d, const struct sandbox_user *u, int mon, int ctl)
{
	struct xdom_err err = {0};
	struct front f;
	size_t cap;

	/* Out of the way of 3 and 4 first, whatever numbers they had. */
	mon = fcntl(mon, F_DUPFD_CLOEXEC, 10);
	ctl = fcntl(ctl, F_DUPFD_CLOEXEC, 10);
	if (mon < 0 || ctl < 0 || dup2(mon, FRONT_MON_FD) < 0 ||
	    dup2(ctl, FRONT_CTL_FD) < 0)
		_exit(1);
	close_range(FRONT_CTL_FD + 1, ~0U, 0);
	(void)fcntl(FRONT_MON_FD, F_SETFL, O_NONBLOCK);
	if (sandbox_enter(u, d->lim.max_connections_per_user + 16, &err) != 0) {
		dprintf(2, "xdomd: front: %s\n", err.msg);
		_exit(1);
	}
	memset(&f, 0, sizeof f);
	f.d = d;
	f.n_slots = (size_t)d->lim.max_connections;
	f.c = xcalloc(f.n_slots, sizeof *f.c);
	cap = 2 + f.n_slots;
	f.pfd = xcalloc(cap, sizeof *f.pfd);
	f.pconn = xcalloc(cap, sizeof *f.pconn);
	pbuf_init(&f.mon_out, SIZE_MAX / 2);
	f.mon_cap = 65536;
	f.mon_in = xmalloc(f.mon_cap);
	front_loop(&f);
	_exit(0);
}
