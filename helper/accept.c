/*
 * accept.c - the monitor's door: a new connection's caller is taken from
 * the kernel (SO_PEERCRED), held to the connection budgets, and handed
 * with SCM_RIGHTS to its uid's front, which is forked on first need.
 *
 * Budgets: max_connections in all; max_connections_per_user for one uid;
 * and the last reserve_connections slots only for a uid that has no
 * connection yet, so that a few accounts holding every slot they can
 * never lock the others out. A refusal gets a one-line error, never
 * blocking, and is audited (from the uid's bucket, budget.c).
 */
#include "helper/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"

#define ACCEPT_BURST 64
#define ACCEPT_FRONT_OUT_MAX (64 * 1024 * 1024)

static struct mfront *
accept_front_find(struct server *s, uid_t uid)
{
	size_t i;

	for (i = 0; i < s->n_front; i++)
		if (!s->f[i]->dead && s->f[i]->uid == uid)
			return s->f[i];
	return NULL;
}

static struct mfront *
accept_front_start(struct server *s, uid_t uid, gid_t gid, struct xdom_err *err)
{
	struct mfront *f;
	int sp[2], cp[2];
	pid_t pid;

	if (s->n_front >= s->n_slots) {
		xdom_err_set(err, XDOM_EBUSY, "too many fronts");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		xdom_err_errno(err, XDOM_EIO, errno, "socketpair");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cp) != 0) {
		xdom_err_errno(err, XDOM_EIO, errno, "socketpair");
		close(sp[0]);
		close(sp[1]);
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		xdom_err_errno(err, XDOM_EIO, errno, "fork");
		close(sp[0]); close(sp[1]); close(cp[0]); close(cp[1]);
		return NULL;
	}
	if (pid == 0) {
		work_child_signals();
		front_main(s->d, &s->su, sp[1], cp[1]);
	}
	close(sp[1]);
	close(cp[1]);
	(void)fcntl(sp[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(cp[0], F_SETFL, O_NONBLOCK);
	f = xcalloc(1, sizeof *f);
	f->uid = uid;
	f->gid = gid;
	f->pid = pid;
	f->fd = sp[0];
	f->ctl = cp[0];
	pbuf_init(&f->out, ACCEPT_FRONT_OUT_MAX);
	f->in = xmalloc(MON_FRONT_IN);
	f->empty_since = server_now_ms();
	s->f[s->n_front++] = f;
	return f;
}

/* Refused before any front sees it: a best-effort error, audited. */
static void
accept_refuse(struct server *s, int fd, const struct ucred *uc, const char *why)
{
	struct audit_rec r;
	struct ident id;
	struct pbuf b;
	int64_t now = server_now_ms();

	pbuf_init(&b, 1024);
	if (proto_error_encode(&b, XDOM_EBUSY, why) == 0)
		(void)!send(fd, pbuf_ptr(&b), pbuf_avail(&b),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
	pbuf_dispose(&b);
	close(fd);
	if (now - s->last_full_log > 1000) {
		log_warn("uid %lu: %s", (unsigned long)uc->uid, why);
		s->last_full_log = now;
	}
	ident_from_ids(uc->uid, uc->gid, uc->pid, &id);
	memset(&r, 0, sizeof r);
	r.id = &id;
	r.action = "connect";
	r.rc = XDOM_EBUSY;
	r.msg = why;
	/* Refusals at the door pay from the same bucket. */
	if (mon_take_uid(s, uc->uid, NULL))
		audit_log(s->d, &r);
	ident_dispose(&id);
}

static void
accept_one(struct server *s, int fd)
{
	const struct xdomd_limits *l = &s->d->lim;
	struct xdom_err err = {0};
	struct ucred uc;
	socklen_t len = sizeof uc;
	struct mfront *f;
	struct mconn *c;
	size_t slot, free_slots;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 ||
	    len != sizeof uc) {
		log_warn("refusing a connection: SO_PEERCRED: %s",
		    strerror(errno));
		close(fd);
		return;
	}
	f = accept_front_find(s, uc.uid);
	for (slot = 0; slot < s->n_slots && s->c[slot] != NULL; slot++)
		;
	free_slots = s->n_slots - s->n_conn;
	if (slot == s->n_slots) {
		accept_refuse(s, fd, &uc, "xdomd has too many connections; try "
		    "again later");
		return;
	}
	if (f != NULL && (long)f->n_live >= l->max_connections_per_user) {
		accept_refuse(s, fd, &uc, "too many connections from this user");
		return;
	}
	/* The last slots are for uids that have none yet. */
	if (f != NULL && f->n_live > 0 &&
	    (long)free_slots <= l->reserve_connections) {
		accept_refuse(s, fd, &uc, "xdomd has too many connections; try "
		    "again later");
		return;
	}
	if (f == NULL && (f = accept_front_start(s, uc.uid, uc.gid,
	    &err)) == NULL) {
		log_err("uid %lu: no front: %s", (unsigned long)uc.uid,
		    err.msg);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	if (++s->gen == 0)
		s->gen = 1;
	c->id = (uint32_t)s->gen << 16 | (uint32_t)slot;
	c->f = f;
	c->pid = uc.pid;
	c->wfd = -1;
	c->pty = -1;
	s->c[slot] = c;
	s->n_conn++;
	s->n_live++;
	f->n_conn++;
	f->n_live++;
	if (slot >= s->hw)
		s->hw = slot + 1;
	/* Queued, then passed on as fast as the front takes them. */
	if (f->n_pend == f->cap_pend) {
		f->cap_pend = f->cap_pend ? 2 * f->cap_pend : 16;
		f->pend_fd = xreallocarray(f->pend_fd, f->cap_pend,
		    sizeof *f->pend_fd);
		f->pend_id = xreallocarray(f->pend_id, f->cap_pend,
		    sizeof *f->pend_id);
	}
	f->pend_fd[f->n_pend] = fd;
	f->pend_id[f->n_pend++] = c->id;
	mon_handoff(s, f);
}

/* Pass queued client sockets to f (SCM_RIGHTS, with their numbers) until
 * its control socket is full. */
void
mon_handoff(struct server *s, struct mfront *f)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr msg;
	struct iovec iov;
	uint8_t idb[4];
	size_t done = 0;
	ssize_t n;

	(void)s;
	while (!f->dead && done < f->n_pend) {
		uint32_t id = f->pend_id[done];

		idb[0] = (uint8_t)(id >> 24);
		idb[1] = (uint8_t)(id >> 16);
		idb[2] = (uint8_t)(id >> 8);
		idb[3] = (uint8_t)id;
		iov.iov_base = idb;
		iov.iov_len = sizeof idb;
		memset(&msg, 0, sizeof msg);
		memset(&cm, 0, sizeof cm);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof cm.buf;
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &f->pend_fd[done], sizeof(int));
		n = sendmsg(f->ctl, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		/* Sent, or the front is broken (it then ends): ours goes. */
		close(f->pend_fd[done++]);
	}
	memmove(f->pend_fd, f->pend_fd + done, (f->n_pend - done) *
	    sizeof *f->pend_fd);
	memmove(f->pend_id, f->pend_id + done, (f->n_pend - done) *
	    sizeof *f->pend_id);
	f->n_pend -= done;
}

void
mon_accept(struct server *s)
{
	int fd, k;

	for (k = 0; k < ACCEPT_BURST; k++) {
		fd = accept4(s->d->listen_fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		accept_one(s, fd);
	}
}

