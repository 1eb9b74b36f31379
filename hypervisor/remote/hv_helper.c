/*
 * hv_helper.c - the client library of xdomd's protocol (helper_client.h)
 * and the `helper` hv backend built on it: the same hv calls, answered by
 * xdomd under its policy, so a customer's `top` and shell see only their
 * own guests.
 *
 * The socket is blocking with a receive timeout: xdomd answers reads at
 * once and sends re-image progress regularly, so a silent daemon is a
 * broken one, not a slow one.
 *
 * Before anything is sent, the daemon is checked: the process behind the
 * socket (SO_PEERCRED) must be root, or the caller's own uid (a daemon
 * one runs oneself). Anyone else's listener on that path, a customer's
 * fake xdomd on a shared socket path, would otherwise read what a
 * help-desk user types into a console.
 */
#include "hypervisor/remote/helper_client.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/snap.h"
#include "core/xmalloc.h"

#define HELPER_REPLY_TIMEOUT_S 120	/* silence before giving up */

struct helper_client {
	int fd;
	char *path;
	struct pbuf in;		/* one received payload */
	uint32_t last_id;	/* id of the latest request sent (from 1) */
};

static int
helper_dial(struct helper_client *c, struct xdom_err *err)
{
	struct sockaddr_un sa;
	struct timeval tv = {HELPER_REPLY_TIMEOUT_S, 0};
	struct ucred uc;
	socklen_t ulen = sizeof uc;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(c->path) >= sizeof sa.sun_path)
		return xdom_err_set(err, XDOM_EINVAL, "socket path too long: "
		    "%.80s", c->path);
	strcpy(sa.sun_path, c->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;

		close(fd);
		return xdom_err_errno(err, XDOM_EUNAVAIL, e, "cannot reach "
		    "xdomd at %s (is it running?)", c->path);
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ulen) != 0 ||
	    ulen != sizeof uc) {
		int e = errno;

		close(fd);
		return xdom_err_errno(err, XDOM_EUNAVAIL, e, "%s: who is "
		    "listening", c->path);
	}
	if (uc.uid != 0 && uc.uid != geteuid()) {
		close(fd);
		return xdom_err_set(err, XDOM_EPERM, "%s: the daemon there "
		    "runs as uid %lu, not root: not xdomd, refused", c->path,
		    (unsigned long)uc.uid);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	c->fd = fd;
	return 0;
}

int
helper_connect(struct helper_client **out, const char *path,
    struct xdom_err *err)
{
	struct helper_client *c = xcalloc(1, sizeof *c);
	int rc;

	c->fd = -1;
	c->path = xstrdup(path != NULL && path[0] != '\0' ? path :
	    HELPER_SOCKET_DEFAULT);
	pbuf_init(&c->in, PROTO_MAX_MSG);
	if ((rc = helper_dial(c, err)) != 0) {
		helper_disconnect(c);
		*out = NULL;
		return rc;
	}
	*out = c;
	return 0;
}

void
helper_disconnect(struct helper_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	pbuf_dispose(&c->in);
	free(c->path);
	free(c);
}

/* The connection is unusable after a protocol error or a timeout: close
 * it, so the next call starts clean. */
static void
helper_drop(struct helper_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Send a whole request; XDOM_EUNAVAIL when the peer is gone. */
static int
helper_send(struct helper_client *c, const struct pbuf *b)
{
	const uint8_t *p = pbuf_ptr(b);
	size_t left = pbuf_avail(b);
	ssize_t n;

	if (c->fd < 0)
		return XDOM_EUNAVAIL;
	while (left > 0) {
		n = send(c->fd, p, left, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return XDOM_EUNAVAIL;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* Read exactly n bytes, taking an SCM_RIGHTS fd if one comes along. */
static int
helper_recv(struct helper_client *c, void *buf, size_t n, int *fd_out,
    struct xdom_err *err)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	uint8_t *p = buf;
	struct cmsghdr *ch;
	struct msghdr msg;
	struct iovec iov;
	ssize_t got;
	int fd;

	while (n > 0) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = p;
		iov.iov_len = n;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof cm.buf;
		got = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return xdom_err_set(err, XDOM_ETIMEDOUT, "xdomd did "
			    "not answer within %d s", HELPER_REPLY_TIMEOUT_S);
		if (got <= 0)
			return xdom_err_set(err, XDOM_EUNAVAIL, "xdomd closed "
			    "the connection");
		for (ch = CMSG_FIRSTHDR(&msg); ch != NULL;
		    ch = CMSG_NXTHDR(&msg, ch)) {
			if (ch->cmsg_level != SOL_SOCKET ||
			    ch->cmsg_type != SCM_RIGHTS)
				continue;
			memcpy(&fd, CMSG_DATA(ch), sizeof fd);
			if (fd_out != NULL && *fd_out < 0)
				*fd_out = fd;
			else
				close(fd);	/* not asked for: never kept */
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/*
 * Read one message answering the request (req_type, c->last_id) into
 * c->in; *type gets its type. A message of another type or for another
 * request id is a protocol error that drops the connection. An error
 * reply becomes the return value with its message in err.
 */
static int
helper_read_msg(struct helper_client *c, uint16_t req_type, uint16_t *type,
    int *fd_out, struct xdom_err *err)
{
	struct xdom_err perr = {0};
	uint8_t hdr[PROTO_HDR_LEN];
	uint32_t len, id;
	uint8_t *p;
	int rc;

	pbuf_reset(&c->in);
	if ((rc = helper_recv(c, hdr, sizeof hdr, fd_out, err)) != 0 ||
	    (rc = proto_header_parse(hdr, PROTO_MAX_MSG, type, &len, &id,
	    err)) != 0 ||
	    (rc = proto_answer_check(req_type, c->last_id, *type, id,
	    err)) != 0)
		goto bad;
	if (len > 0) {
		p = xmalloc(len);
		rc = helper_recv(c, p, len, fd_out, err);
		if (rc == 0 && pbuf_put_bytes(&c->in, p, len) != 0)
			rc = xdom_err_set(err, XDOM_ENOMEM, "reply too large");
		free(p);
		if (rc != 0)
			goto bad;
	}
	if (*type == PROTO_T_ERROR) {
		if ((rc = proto_error_decode(pbuf_ptr(&c->in),
		    pbuf_avail(&c->in), &perr, err)) != 0)
			goto bad;
		*err = perr;
		return perr.code;
	}
	return 0;
bad:
	helper_drop(c);
	return rc;
}

/* Send a request (reconnecting once if the daemon had closed us) and read
 * its first answer. */
static int
helper_call(struct helper_client *c, const struct proto_req *r,
    uint16_t *type, int *fd_out, struct xdom_err *err)
{
	struct proto_req numbered = *r;
	struct pbuf b;
	int rc;
	struct pollfd pf = {c->fd, POLLIN, 0};

	/* Ids start at 1 and skip 0 on wrap: 0 is the daemon's "about the
	 * connection" id. */
	if (++c->last_id == 0)
		c->last_id = 1;
	numbered.id = c->last_id;
	pbuf_init(&b, PROTO_HDR_LEN + PROTO_REQ_MAX);
	if ((rc = proto_req_encode(&b, &numbered, err)) != 0)
		goto out;
	/* Between requests xdomd never writes: a readable socket means it
	 * closed the connection (idle timeout, restart). */
	if (c->fd >= 0 && poll(&pf, 1, 0) == 1)
		helper_drop(c);
	rc = helper_send(c, &b);
	if (rc != 0) {
		/* Nothing reached xdomd: safe to try once more. */
		helper_drop(c);
		if ((rc = helper_dial(c, err)) != 0)
			goto out;
		if ((rc = helper_send(c, &b)) != 0) {
			rc = xdom_err_set(err, XDOM_EUNAVAIL, "xdomd closed "
			    "the connection");
			helper_drop(c);
			goto out;
		}
	}
	rc = helper_read_msg(c, r->type, type, fd_out, err);
	/* A long action is kept alive with progress; only a re-image's
	 * caller wants to see it. */
	while (rc == 0 && *type == PROTO_T_PROGRESS &&
	    r->type != PROTO_T_REIMAGE)
		rc = helper_read_msg(c, r->type, type, fd_out, err);
out:
	pbuf_dispose(&b);
	return rc;
}

static void
helper_req(struct proto_req *r, uint16_t type, const char *name,
    const char *reason, uint32_t arg)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	if (name != NULL)
		snprintf(r->name, sizeof r->name, "%s", name);
	if (reason != NULL)
		snprintf(r->reason, sizeof r->reason, "%s", reason);
	r->arg = arg;
}

/* Names are checked here too, so a bad one gets a clear message rather
 * than a protocol refusal. */
static int
helper_check_name(const char *name, struct xdom_err *err)
{
	char esc[XDOM_NAME_MAX * 4 + 1];

	if (name != NULL && xdom_name_valid(name))
		return 0;
	xdom_escape(esc, sizeof esc, name != NULL ? name : "");
	return xdom_err_set(err, XDOM_EINVAL, "'%s': not a valid guest name "
	    "(letters, digits, '.', '_' and '-')", esc);
}

int
helper_whoami(struct helper_client *c, struct proto_whoami *out,
    struct xdom_err *err)
{
	struct proto_req r;
	uint16_t type;
	int rc;

	helper_req(&r, PROTO_T_WHOAMI, NULL, NULL, 0);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_whoami_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), out,
	    err);
}

int
helper_list(struct helper_client *c, struct proto_guest_list *out,
    struct xdom_err *err)
{
	struct proto_req r;
	uint16_t type;
	int rc;

	out->g = NULL;
	out->n = 0;
	helper_req(&r, PROTO_T_LIST, NULL, NULL, 0);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_list_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), out,
	    err);
}

int
helper_info(struct helper_client *c, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct proto_req r;
	uint16_t type;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = helper_check_name(name, err)) != 0)
		return rc;
	helper_req(&r, PROTO_T_INFO, name, NULL, 0);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_info_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), out,
	    err);
}

int
helper_stats(struct helper_client *c, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct proto_req r;
	uint16_t type;
	int rc;

	helper_req(&r, PROTO_T_STATS, NULL, NULL, what & HV_SNAP_ALL);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_stats_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), out,
	    err);
}

int
helper_action(struct helper_client *c, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	uint16_t t = proto_action_type(a), type;
	struct proto_req r;
	int rc;

	if (t == 0)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	if ((rc = helper_check_name(name, err)) != 0)
		return rc;
	helper_req(&r, t, name, reason, 0);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_empty_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), err);
}

int
helper_sysrq(struct helper_client *c, const char *name, char key,
    const char *reason, struct xdom_err *err)
{
	struct proto_req r;
	uint16_t type;
	int rc;

	if (!hv_sysrq_key_valid((unsigned char)key))
		return xdom_err_set(err, XDOM_EINVAL, "not a SysRq key");
	if ((rc = helper_check_name(name, err)) != 0)
		return rc;
	helper_req(&r, PROTO_T_SYSRQ, name, reason, (unsigned char)key);
	if ((rc = helper_call(c, &r, &type, NULL, err)) != 0)
		return rc;
	return proto_empty_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), err);
}

/*
 * xdomd relays a console itself (so it can count it, audit it and end it
 * when the right to it ends): once it has answered, the connection is
 * the console, a raw byte stream both ways. The caller gets that socket;
 * this client dials a new connection for its next request.
 */
int
helper_console(struct helper_client *c, const char *name, const char *reason,
    int *fd, struct xdom_err *err)
{
	struct timeval none = {0, 0};
	struct proto_req r;
	uint16_t type;
	int rc;

	*fd = -1;
	if ((rc = helper_check_name(name, err)) != 0)
		return rc;
	helper_req(&r, PROTO_T_CONSOLE, name, reason, 0);
	rc = helper_call(c, &r, &type, NULL, err);
	if (rc == 0)
		rc = proto_empty_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in),
		    err);
	if (rc != 0)
		return rc;
	/* A console may be quiet for as long as it likes. */
	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
	*fd = c->fd;
	c->fd = -1;
	return 0;
}

int
helper_reimage(struct helper_client *c, const char *name, bool shutdown_first,
    const char *reason, hv_progress_fn progress, void *arg,
    struct xdom_err *err)
{
	char stage[PROTO_STAGE_MAX + 1];
	struct proto_req r;
	unsigned pm;
	uint16_t type;
	int rc;

	if ((rc = helper_check_name(name, err)) != 0)
		return rc;
	helper_req(&r, PROTO_T_REIMAGE, name, reason,
	    shutdown_first ? PROTO_REIMAGE_SHUTDOWN_FIRST : 0);
	rc = helper_call(c, &r, &type, NULL, err);
	while (rc == 0 && type == PROTO_T_PROGRESS) {
		if ((rc = proto_progress_decode(pbuf_ptr(&c->in),
		    pbuf_avail(&c->in), &pm, stage, err)) != 0) {
			helper_drop(c);
			return rc;
		}
		if (progress != NULL && progress(arg, pm, stage) != 0) {
			/* Closing is how a client says stop: xdomd notices,
			 * stops the work and keeps the old image. */
			helper_drop(c);
			return xdom_err_set(err, XDOM_ETIMEDOUT, "%s: re-image "
			    "stopped", name);
		}
		rc = helper_read_msg(c, r.type, &type, NULL, err);
	}
	if (rc != 0)
		return rc;
	return proto_empty_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), err);
}

/* Send a request whose answer is an empty reply. */
static int
helper_simple(struct helper_client *c, const struct proto_req *r,
    struct xdom_err *err)
{
	uint16_t type;
	int rc;

	if ((rc = helper_check_name(r->name, err)) != 0)
		return rc;
	if ((rc = helper_call(c, r, &type, NULL, err)) != 0)
		return rc;
	return proto_empty_decode(pbuf_ptr(&c->in), pbuf_avail(&c->in), err);
}

int
helper_set_resource(struct helper_client *c, const char *name,
    enum hv_resource res, uint64_t value, const char *reason,
    struct xdom_err *err)
{
	static const uint16_t types[HV_RES__COUNT] = {
		[HV_RES_VCPUS] = PROTO_T_VCPUS,
		[HV_RES_MEM] = PROTO_T_MEM,
		[HV_RES_MAXMEM] = PROTO_T_MAXMEM,
	};
	struct proto_req r;

	if ((unsigned)res >= HV_RES__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	if (res == HV_RES_VCPUS && (value < 1 || value > PROTO_VCPUS_MAX))
		return xdom_err_set(err, XDOM_EINVAL, "%" PRIu64 " is not a "
		    "number of vcpus (1 to %d)", value, PROTO_VCPUS_MAX);
	helper_req(&r, types[res], name, reason,
	    res == HV_RES_VCPUS ? (uint32_t)value : 0);
	if (res != HV_RES_VCPUS)
		r.value = value;
	return helper_simple(c, &r, err);
}

int
helper_block_attach(struct helper_client *c, const char *name,
    const char *image, const char *vdev, bool writable, const char *reason,
    struct xdom_err *err)
{
	struct proto_req r;
	char esc[96];

	if (image == NULL || !xdom_name_valid(image)) {
		xdom_escape(esc, sizeof esc, image != NULL ? image : "");
		return xdom_err_set(err, XDOM_EINVAL, "'%s': give the name of "
		    "an image the admin provides for this guest, not a path",
		    esc);
	}
	if (vdev == NULL || strlen(vdev) > PROTO_VDEV_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "not a virtual device "
		    "name; use xvdb, xvdc, ...");
	helper_req(&r, PROTO_T_ATTACH, name, reason,
	    writable ? PROTO_ATTACH_RW : 0);
	snprintf(r.vdev, sizeof r.vdev, "%s", vdev);
	snprintf(r.image, sizeof r.image, "%s", image);
	return helper_simple(c, &r, err);
}

int
helper_block_detach(struct helper_client *c, const char *name,
    const char *vdev, const char *reason, struct xdom_err *err)
{
	struct proto_req r;

	if (vdev == NULL || strlen(vdev) > PROTO_VDEV_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "not a virtual device "
		    "name; use xvdb, xvdc, ...");
	helper_req(&r, PROTO_T_DETACH, name, reason, 0);
	snprintf(r.vdev, sizeof r.vdev, "%s", vdev);
	return helper_simple(c, &r, err);
}

int
helper_save(struct helper_client *c, const char *name, const char *reason,
    struct xdom_err *err)
{
	struct proto_req r;

	helper_req(&r, PROTO_T_SAVE, name, reason, 0);
	return helper_simple(c, &r, err);
}

int
helper_restore(struct helper_client *c, const char *name,
    const char *reason, struct xdom_err *err)
{
	struct proto_req r;

	helper_req(&r, PROTO_T_RESTORE, name, reason, 0);
	return helper_simple(c, &r, err);
}

/* --- the hv backend ------------------------------------------------------ */

struct helper_hv {
	struct helper_client *c;
	struct proto_whoami who;
};

struct helper_client *
hv_helper_client(struct hv *hv)
{
	if (hv == NULL || hv->be != &hv_helper_backend || hv->priv == NULL)
		return NULL;
	return ((struct helper_hv *)hv->priv)->c;
}

static int
hvh_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	struct helper_hv *h = xcalloc(1, sizeof *h);
	const char *path = o->socket;
	int rc;

	if ((path == NULL || path[0] == '\0') && o->conf != NULL)
		path = conf_get(o->conf, "socket");
	if ((rc = helper_connect(&h->c, path, err)) != 0 ||
	    (rc = helper_whoami(h->c, &h->who, err)) != 0) {
		helper_disconnect(h->c);
		free(h);
		return rc;
	}
	hv->priv = h;
	return 0;
}

static void
hvh_close(struct hv *hv)
{
	struct helper_hv *h = hv->priv;

	if (h == NULL)
		return;
	helper_disconnect(h->c);
	free(h);
	hv->priv = NULL;
}

static bool
hvh_is_simulated(const struct hv *hv)
{
	const struct helper_hv *h = hv->priv;

	return h != NULL && h->who.simulated;
}

static int
hvh_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_stats(h->c, what, out, err);
}

static int
hvh_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;
	struct proto_guest_list l;
	size_t i;
	int rc;

	if ((rc = helper_list(h->c, &l, err)) != 0)
		return rc;
	out->g = xcalloc(l.n != 0 ? l.n : 1, sizeof *out->g);
	for (i = 0; i < l.n; i++) {
		out->g[i].name = xstrdup(l.g[i].name);
		out->g[i].running = l.g[i].running;
		out->g[i].id = l.g[i].id;
	}
	out->n = l.n;
	proto_guest_list_dispose(&l);
	return 0;
}

static int
hvh_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_info(h->c, name, out, err);
}

static int
hvh_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_action(h->c, name, a, reason, err);
}

static int
hvh_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_sysrq(h->c, name, key, reason, err);
}

static int
hvh_console(struct hv *hv, const char *name, const char *reason, int *fd,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_console(h->c, name, reason, fd, err);
}

static int
hvh_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_reimage(h->c, name, o->shutdown_first, o->reason,
	    progress, arg, err);
}

static int
hvh_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_set_resource(h->c, name, r, value, NULL, err);
}

/* Through xdomd the target is an image's name in the admin's block_dir
 * for this guest (helper_block_attach says so when it is a path). */
static int
hvh_block_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_block_attach(h->c, name, b->target, b->vdev,
	    b->writable, NULL, err);
}

static int
hvh_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	return helper_block_detach(h->c, name, vdev, NULL, err);
}

/* xdomd picks the file (its save_dir): file must be NULL or "". */
static int
hvh_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	if (file != NULL && file[0] != '\0')
		return xdom_err_set(err, XDOM_EINVAL, "through xdomd a guest "
		    "is saved where the admin's save_dir says; give no file");
	return helper_save(h->c, name, NULL, err);
}

/* By the guest's name: its state is in xdomd's save_dir. */
static int
hvh_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	struct helper_hv *h = hv->priv;

	if (o->name == NULL || o->file != NULL)
		return xdom_err_set(err, XDOM_EINVAL, "through xdomd a guest "
		    "is restored by its name; give no file");
	return helper_restore(h->c, o->name, NULL, err);
}

const struct hv_backend hv_helper_backend = {
	.name = "helper",
	.simulated = false,
	.picks_files = true,
	.open = hvh_open,
	.close = hvh_close,
	.snapshot = hvh_snapshot,
	.guests = hvh_guests,
	.info = hvh_info,
	.action = hvh_action,
	.console = hvh_console,
	.reimage = hvh_reimage,
	.set_resource = hvh_set_resource,
	.block_attach = hvh_block_attach,
	.block_detach = hvh_block_detach,
	.save = hvh_save,
	.restore = hvh_restore,
	.is_simulated = hvh_is_simulated,
	.sysrq = hvh_sysrq,
};
