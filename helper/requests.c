/*
 * requests.c - what xdomd does for each request: the request table, the
 * policy check every named request passes first, and the handlers.
 *
 * Reads (whoami, list, status, stats) are answered in the event loop and
 * see only what the policy lets the caller see: a list or a snapshot is
 * filtered before it is encoded, so nothing else ever reaches the wire.
 * Actions, consoles and re-images run in a worker process (server.c)
 * under the guest's lock and write their own replies.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/spawn.h"
#include "core/argvtpl.h"
#include "core/conf.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

#define REQ_STOP_WAIT_S 120	/* clean shutdown before a backup */
#define REQ_KILL_WAIT_S 10	/* then destroy, and this long to go */

/* Whether the host knows a guest of exactly this name (running or not):
 * names are matched as names, never as domain ids. */
static int
req_guest_find(struct xdomd *d, const char *name, bool *running,
    struct xdom_err *err)
{
	struct hv_guest_list l;
	size_t i;
	int rc;

	if ((rc = hv_guests(d->hv, &l, err)) != 0)
		return rc;
	rc = XDOM_ENOENT;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.g[i].name, name) == 0) {
			*running = l.g[i].running;
			rc = 0;
			break;
		}
	}
	hv_guest_list_dispose(&l);
	if (rc != 0)
		return xdom_err_set(err, rc, "%s: no such guest", name);
	return 0;
}

int
req_authorize(struct xdomd *d, const struct ident *id,
    const struct proto_req *r, struct xdom_err *err)
{
	const struct proto_req_desc *rd = proto_req_desc(r->type);
	struct xdom_err perr = {0};
	struct policy_subject who;
	char obuf[OWNERS_MAX];
	const char *owners;
	bool running = false;
	int rc;

	if (rd == NULL || req_handler(r->type) == NULL)
		return xdom_err_set(err, XDOM_EPROTO, "unknown request");
	if (rd->policy < 0)
		return 0;
	ident_subject(id, &who);
	owners = owners_get(d, r->name, obuf, sizeof obuf);
	rc = policy_allows(d->policy, &who, r->name, owners,
	    (enum policy_action)rd->policy, r->reason, &perr);
	if (rc != 0)
		return xdom_err_set(err, rc, "%s: %s", r->name, perr.msg);
	if ((rc = req_guest_find(d, r->name, &running, err)) != 0)
		return rc;
	if (r->type == PROTO_T_REIMAGE && running &&
	    (r->arg & PROTO_REIMAGE_SHUTDOWN_FIRST) == 0)
		return xdom_err_set(err, XDOM_ESTATE, "%s: is running; shut "
		    "it down first, or ask for it to be shut down", r->name);
	return 0;
}

int
req_send_all(int fd, const struct pbuf *b, int pass_fd, struct xdom_err *err)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	const uint8_t *p = pbuf_ptr(b);
	size_t left = pbuf_avail(b);
	struct msghdr msg;
	struct iovec iov;
	ssize_t n;

	while (left > 0) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = (void *)(uintptr_t)p;
		iov.iov_len = left;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (pass_fd >= 0) {
			memset(&cm, 0, sizeof cm);
			msg.msg_control = cm.buf;
			msg.msg_controllen = sizeof cm.buf;
			cm.h.cmsg_level = SOL_SOCKET;
			cm.h.cmsg_type = SCM_RIGHTS;
			cm.h.cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(&cm.h), &pass_fd, sizeof(int));
		}
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return xdom_err_errno(err, XDOM_EIO, errno, "client "
			    "went away");
		pass_fd = -1;	/* the fd travels with the first byte */
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* --- reads, in the event loop -------------------------------------------- */

static int
req_whoami(struct req_ctx *ctx, struct xdom_err *err)
{
	struct proto_whoami w;
	size_t i;

	memset(&w, 0, sizeof w);
	w.uid = ctx->id->uid;
	w.gid = ctx->id->gid;
	snprintf(w.user, sizeof w.user, "%s", ctx->id->user);
	for (i = 0; i < ctx->id->n_groups && i < PROTO_MAX_GROUPS; i++)
		strcpy(w.groups[i], ctx->id->groups[i]);
	w.n_groups = (uint32_t)i;
	snprintf(w.backend, sizeof w.backend, "%s",
	    hv_backend_name(ctx->d->hv));
	w.simulated = hv_simulated(ctx->d->hv);
	w.compat = ctx->d->compat;
	if (proto_whoami_encode(ctx->out, &w) != 0)
		return xdom_err_set(err, XDOM_ENOMEM, "reply too large");
	return 0;
}

static int
req_list(struct req_ctx *ctx, struct xdom_err *err)
{
	struct proto_guest *g = NULL;
	struct policy_subject who;
	struct hv_guest_list l;
	char obuf[OWNERS_MAX];
	size_t i, n = 0;
	int rc;

	if ((rc = hv_guests(ctx->d->hv, &l, err)) != 0)
		return rc;
	ident_subject(ctx->id, &who);
	g = xcalloc(l.n != 0 ? l.n : 1, sizeof *g);
	for (i = 0; i < l.n && n < PROTO_MAX_GUESTS; i++) {
		uint32_t allowed, need;

		policy_rights(ctx->d->policy, &who, l.g[i].name,
		    owners_get(ctx->d, l.g[i].name, obuf, sizeof obuf),
		    &allowed, &need);
		if ((allowed & (1u << POLICY_LIST)) == 0)
			continue;
		snprintf(g[n].name, sizeof g[n].name, "%s", l.g[i].name);
		g[n].running = l.g[i].running;
		g[n].id = l.g[i].id;
		g[n].allowed = allowed;
		g[n].need_reason = need;
		n++;
	}
	if (proto_list_encode(ctx->out, g, n) != 0)
		rc = xdom_err_set(err, XDOM_ENOMEM, "reply too large");
	free(g);
	hv_guest_list_dispose(&l);
	return rc;
}

static int
req_info(struct req_ctx *ctx, struct xdom_err *err)
{
	struct hv_info in;
	int rc;

	if ((rc = hv_info(ctx->d->hv, ctx->req->name, &in, err)) != 0)
		return rc;
	if (proto_info_encode(ctx->out, &in) != 0)
		return xdom_err_set(err, XDOM_ENOMEM, "reply too large");
	return 0;
}

/* Append domain sd of src to dst, with its sub-records. */
static void
req_copy_dom(struct snap *dst, uint16_t host, const struct snap *src,
    const struct snap_dom *sd)
{
	struct snap_dom *d = snap_add_dom(dst, host, sd->id,
	    snap_dom_name(src, sd));

	snap_fields_copy(SNAP_REC_DOM, d, sd, SNAP_COPY_ALL);
	if (sd->n_vcpu > 0)
		memcpy(snap_add_vcpus(dst, sd->n_vcpu), snap_dom_vcpus(src, sd),
		    sd->n_vcpu * sizeof(struct snap_vcpu));
	if (sd->n_net > 0)
		memcpy(snap_add_nets(dst, sd->n_net), snap_dom_nets(src, sd),
		    sd->n_net * sizeof(struct snap_net));
	if (sd->n_vbd > 0)
		memcpy(snap_add_vbds(dst, sd->n_vbd), snap_dom_vbds(src, sd),
		    sd->n_vbd * sizeof(struct snap_vbd));
}

/*
 * A snapshot of the caller's domains only. Host-wide figures (memory,
 * CPUs, per-CPU load) are kept only for a caller granted `host` on some
 * domain it can see; the version and the SIMULATED mark always travel.
 */
static int
req_stats(struct req_ctx *ctx, struct xdom_err *err)
{
	struct policy_subject who;
	struct snap all, mine;
	char obuf[OWNERS_MAX];
	bool host_ok = false;
	uint16_t h;
	size_t i;
	int rc;

	snap_init(&all);
	snap_init(&mine);
	if ((rc = hv_snapshot(ctx->d->hv, ctx->req->arg & HV_SNAP_ALL, &all,
	    err)) != 0)
		goto out;
	ident_subject(ctx->id, &who);
	mine.mono_ns = all.mono_ns;
	mine.wall_s = all.wall_s;
	for (h = 0; h < all.n_host; h++) {
		uint16_t nh = snap_add_host(&mine, all.hosts[h].name);

		snap_fields_copy(SNAP_REC_HOST, &mine.hosts[nh], &all.hosts[h],
		    SNAP_COPY_OWN);
	}
	for (i = 0; i < all.n_dom; i++) {
		const struct snap_dom *sd = &all.dom[i];
		const char *name = snap_dom_name(&all, sd);
		uint32_t allowed, need;

		policy_rights(ctx->d->policy, &who, name,
		    owners_get(ctx->d, name, obuf, sizeof obuf), &allowed,
		    &need);
		if ((allowed & (1u << POLICY_STATS)) == 0)
			continue;
		host_ok = host_ok || (allowed & (1u << POLICY_HOST)) != 0;
		req_copy_dom(&mine, sd->host, &all, sd);
	}
	for (h = 0; host_ok && h < all.n_host; h++) {
		struct snap_host *mh = &mine.hosts[h];
		const struct snap_host *ah = &all.hosts[h];

		snap_fields_copy(SNAP_REC_HOST, mh, ah, SNAP_COPY_HOST_WIDE);
		if (ah->n_pcpu > 0)
			memcpy(snap_add_pcpus(&mine, h, ah->n_pcpu),
			    all.pcpu_ns + ah->pcpu_off,
			    ah->n_pcpu * sizeof(uint64_t));
	}
	snap_finish(&mine);
	if (proto_stats_encode(ctx->out, &mine) != 0)
		rc = xdom_err_set(err, XDOM_ENOMEM, "snapshot too large for "
		    "one reply");
out:
	snap_dispose(&all);
	snap_dispose(&mine);
	return rc;
}

/* --- workers ------------------------------------------------------------- */

static int
req_reply_empty(struct req_ctx *ctx, int pass_fd, struct xdom_err *err)
{
	struct pbuf b;
	int rc;

	pbuf_init(&b, PROTO_HDR_LEN);
	if ((rc = proto_empty_encode(&b, ctx->req->type)) == 0)
		rc = req_send_all(ctx->fd, &b, pass_fd, err);
	if (rc != 0)
		ctx->client_gone = true;
	pbuf_dispose(&b);
	/* The action itself succeeded: a client that left early does not
	 * change the audited result. */
	return 0;
}

static int
req_action(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	int a = proto_type_action(ctx->req->type);
	int rc;

	rc = hv_action_reason(hv, ctx->req->name, (enum hv_action)a,
	    ctx->req->reason[0] != '\0' ? ctx->req->reason : NULL, err);
	if (rc != 0)
		return rc;
	return req_reply_empty(ctx, -1, err);
}

static int
req_console(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	int fd = -1, rc;

	rc = hv_console_reason(hv, ctx->req->name,
	    ctx->req->reason[0] != '\0' ? ctx->req->reason : NULL, &fd, err);
	if (rc != 0)
		return rc;
	rc = req_reply_empty(ctx, fd, err);
	/* Our copy goes: the client holds the console now, and when it
	 * goes away nothing of it is left here. */
	close(fd);
	return rc;
}

struct req_progress {
	struct req_ctx *ctx;
	unsigned last_pm;
	char last_stage[PROTO_STAGE_MAX + 1];
	bool sent;
};

static int
req_progress(void *arg, unsigned permille, const char *stage)
{
	struct req_progress *p = arg;
	struct pollfd pf = {p->ctx->fd, POLLIN, 0};
	struct xdom_err err = {0};
	struct pbuf b;
	int rc;

	/* The loop writes to our socket only to say the client left. */
	if (!p->ctx->client_gone && poll(&pf, 1, 0) == 1)
		p->ctx->client_gone = true;
	if (p->ctx->client_gone)
		return 1;
	if (stage == NULL)
		stage = "";
	/* News only: the loop repeats the last progress while we are
	 * silent (server.c, srv_keepalive). */
	if (p->sent && permille == p->last_pm &&
	    strncmp(stage, p->last_stage, PROTO_STAGE_MAX) == 0)
		return 0;
	p->sent = true;
	p->last_pm = permille;
	snprintf(p->last_stage, sizeof p->last_stage, "%s", stage);
	pbuf_init(&b, 128);
	rc = proto_progress_encode(&b, permille, stage);
	if (rc == 0)
		rc = req_send_all(p->ctx->fd, &b, -1, &err);
	pbuf_dispose(&b);
	if (rc != 0) {
		/* Nobody is watching: stop, leaving the old image. */
		p->ctx->client_gone = true;
		return 1;
	}
	return 0;
}

/*
 * Run argv with no shell, stdin/stdout/stderr on /dev/null, a fixed
 * environment and PATH (core/spawn.h); wait for it, calling tick(arg)
 * every 100 ms meanwhile. When tick returns non-zero (the client left),
 * the command is killed.
 */
static int
req_run(char **argv, int (*tick)(void *), void *arg, struct xdom_err *err)
{
	const struct xdom_spawn sp = { .argv = argv, .out_fd = -1 };
	struct timespec nap = {0, 100 * 1000000L};
	bool stopped = false;
	int status, rc;
	pid_t pid, got;

	if ((rc = xdom_spawn(&sp, &pid, err)) != 0)
		return rc;
	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return xdom_err_errno(err, XDOM_EIO, errno, "waitpid");
		if (!stopped && tick != NULL && tick(arg) != 0) {
			kill(pid, SIGKILL);
			stopped = true;
		}
		nanosleep(&nap, NULL);
	}
	if (stopped)
		return xdom_err_set(err, XDOM_EIO, "%s stopped: the client "
		    "went away", argv[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return xdom_err_set(err, XDOM_EIO, "%s exited with status %d",
		    argv[0], WEXITSTATUS(status));
	return xdom_err_set(err, XDOM_EIO, "%s was killed by signal %d",
	    argv[0], WTERMSIG(status));
}

/*
 * Before a backup, a running guest (whose re-image asked for it to be
 * shut down) is stopped, so the backup copies a disk nobody is writing:
 * a clean shutdown, then destroy after REQ_STOP_WAIT_S, as the backends
 * do before a re-image. On return *in describes the stopped guest.
 */
static int
req_stop_for_backup(struct req_ctx *ctx, struct hv *hv,
    struct req_progress *p, struct hv_info *in, struct xdom_err *err)
{
	const char *name = ctx->req->name;
	const char *reason = ctx->req->reason[0] != '\0' ?
	    ctx->req->reason : NULL;
	struct timespec nap = {0, 200 * 1000000L};
	int64_t start = xdom_mono_ms();
	bool destroyed = false;
	int rc;

	if ((rc = hv_info(hv, name, in, err)) != 0 || !in->running)
		return rc;
	if ((ctx->req->arg & PROTO_REIMAGE_SHUTDOWN_FIRST) == 0)
		return xdom_err_set(err, XDOM_ESTATE, "%s: is running; shut "
		    "it down first, or ask for it to be shut down", name);
	if ((rc = hv_action_reason(hv, name, HV_ACT_SHUTDOWN, reason,
	    err)) != 0)
		return rc;
	for (;;) {
		if (req_progress(p, 0, "shutting down") != 0)
			return xdom_err_set(err, XDOM_EIO, "client went away");
		nanosleep(&nap, NULL);
		if ((rc = hv_info(hv, name, in, err)) != 0 || !in->running)
			return rc;
		if (!destroyed &&
		    xdom_mono_ms() - start > REQ_STOP_WAIT_S * 1000) {
			if ((rc = hv_action_reason(hv, name, HV_ACT_DESTROY,
			    reason, err)) != 0)
				return rc;
			destroyed = true;
		}
		if (xdom_mono_ms() - start > (REQ_STOP_WAIT_S +
		    REQ_KILL_WAIT_S) * 1000)
			return xdom_err_set(err, XDOM_ESTATE, "%s: did not "
			    "stop; not backed up, not re-imaged", name);
	}
}

/* While the backup runs: notice the client leaving. */
static int
req_backup_tick(void *arg)
{
	return req_progress(arg, 0, "backup");
}

/* The optional backup step before a re-image (reimage_backup), run once
 * the guest is stopped. */
static int
req_backup(struct req_ctx *ctx, struct hv *hv, struct req_progress *p,
    struct xdom_err *err)
{
	struct xdom_err e2 = {0};
	struct argvtpl_var vars[3];
	struct hv_info in;
	char **argv = NULL;
	int rc;

	if (ctx->d->reimage_backup == NULL ||
	    ctx->d->reimage_backup[0] == '\0')
		return 0;
	if ((rc = req_stop_for_backup(ctx, hv, p, &in, err)) != 0)
		return rc;
	vars[0].key = 'n';
	vars[0].value = ctx->req->name;
	vars[1].key = 'c';
	vars[1].value = in.config_path;
	vars[2].key = 'd';
	vars[2].value = in.n_disks > 0 ? in.disks[0].target : "";
	if ((rc = argvtpl_expand(ctx->d->reimage_backup, vars, 3, &argv, NULL,
	    err)) != 0)
		return rc;
	if (req_progress(p, 0, "backup") != 0) {
		rc = xdom_err_set(err, XDOM_EIO, "client went away");
		goto out;
	}
	if ((rc = req_run(argv, req_backup_tick, p, &e2)) != 0)
		rc = xdom_err_set(err, rc, "%s: backup failed, image left as "
		    "it was: %s", ctx->req->name, e2.msg);
out:
	argvtpl_free(argv);
	return rc;
}

static int
req_reimage(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	struct hv_reimage_opts o;
	struct req_progress p;
	int rc;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	memset(&o, 0, sizeof o);
	o.shutdown_first = (ctx->req->arg & PROTO_REIMAGE_SHUTDOWN_FIRST) != 0;
	o.reason = ctx->req->reason[0] != '\0' ? ctx->req->reason : NULL;
	if ((rc = req_backup(ctx, hv, &p, err)) != 0)
		return rc;
	rc = hv_reimage(hv, ctx->req->name, &o, req_progress, &p, err);
	if (rc != 0) {
		if (ctx->client_gone)
			return xdom_err_set(err, rc, "%s: stopped: the client "
			    "went away (%s)", ctx->req->name, err->msg);
		return rc;
	}
	return req_reply_empty(ctx, -1, err);
}

/* A SysRq key is keyboard input to the guest's kernel, but o powers it
 * off and c crashes it: its own right (POLICY_SYSRQ, in the request's
 * row), not the console's. */
static int
req_sysrq(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	int rc;

	rc = hv_sysrq(hv, ctx->req->name, (char)ctx->req->arg,
	    ctx->req->reason[0] != '\0' ? ctx->req->reason : NULL, err);
	if (rc != 0)
		return rc;
	return req_reply_empty(ctx, -1, err);
}

/* --- resources, block devices, save and restore ------------------------- */

/*
 * Every resource request takes the one path (hypervisor/hv_res.h),
 * confined: the client names the guest and an image, never a path;
 * images come from block_dir/NAME/, save files from save_dir, and a
 * refusal for the host's limits names no host figure unless the caller
 * holds `host` on the guest (as stats withholds them).
 */
static int
req_res_run(struct req_ctx *ctx, struct hv *hv, struct hv_res_req *rr,
    struct xdom_err *err)
{
	struct hv_res_dirs dirs;
	struct policy_subject who;
	char obuf[OWNERS_MAX];
	uint32_t allowed = 0, need = 0;
	int rc;

	memset(&dirs, 0, sizeof dirs);
	dirs.save_dir = ctx->d->save_dir;
	dirs.block_dir = ctx->d->block_dir;
	dirs.confined = true;
	rr->name = ctx->req->name;
	ident_subject(ctx->id, &who);
	policy_rights(ctx->d->policy, &who, rr->name,
	    owners_get(ctx->d, rr->name, obuf, sizeof obuf), &allowed, &need);
	rr->hide_host = (allowed & (1u << POLICY_HOST)) == 0;
	if ((rc = hv_res_apply(hv, &dirs, rr, err)) != 0)
		return rc;
	return req_reply_empty(ctx, -1, err);
}

/* The hv resource each resource request sets. */
static const struct {
	uint16_t type;
	enum hv_resource res;
} req_res_map[] = {
	{ PROTO_T_VCPUS, HV_RES_VCPUS },
	{ PROTO_T_MEM, HV_RES_MEM },
	{ PROTO_T_MAXMEM, HV_RES_MAXMEM },
};

static int
req_resource(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	const struct proto_req *r = ctx->req;
	struct hv_res_req rr;
	size_t i;

	for (i = 0; i < sizeof req_res_map / sizeof req_res_map[0]; i++) {
		if (req_res_map[i].type != r->type)
			continue;
		memset(&rr, 0, sizeof rr);
		rr.kind = HV_RESOP_SET;
		rr.res = req_res_map[i].res;
		rr.value = r->type == PROTO_T_VCPUS ? r->arg : r->value;
		return req_res_run(ctx, hv, &rr, err);
	}
	return xdom_err_set(err, XDOM_EPROTO, "not a resource request");
}

/* Attach an image the admin put in block_dir/NAME/ (hv_res_apply
 * refuses a link, a path out of it and what is no file or device). */
static int
req_attach(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	struct hv_res_req rr;

	memset(&rr, 0, sizeof rr);
	rr.kind = HV_RESOP_ATTACH;
	rr.image = ctx->req->image;
	rr.vdev = ctx->req->vdev;
	rr.writable = (ctx->req->arg & PROTO_ATTACH_RW) != 0;
	return req_res_run(ctx, hv, &rr, err);
}

static int
req_detach(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	struct hv_res_req rr;

	memset(&rr, 0, sizeof rr);
	rr.kind = HV_RESOP_DETACH;
	rr.vdev = ctx->req->vdev;
	return req_res_run(ctx, hv, &rr, err);
}

static int
req_save(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	struct hv_res_req rr;

	memset(&rr, 0, sizeof rr);
	rr.kind = HV_RESOP_SAVE;
	return req_res_run(ctx, hv, &rr, err);
}

/* From save_dir/NAME.save, only into NAME; the file goes afterwards. */
static int
req_restore(struct req_ctx *ctx, struct hv *hv, struct xdom_err *err)
{
	struct hv_res_req rr;

	memset(&rr, 0, sizeof rr);
	rr.kind = HV_RESOP_RESTORE;
	return req_res_run(ctx, hv, &rr, err);
}

/* How each request is served; its rights and kind are its row in the
 * request table (core/proto.c). */
static const struct req_handler req_table[PROTO_T__REQ_END] = {
	[PROTO_T_WHOAMI] = { .serve = req_whoami },
	[PROTO_T_LIST] = { .serve = req_list },
	[PROTO_T_INFO] = { .serve = req_info },
	[PROTO_T_STATS] = { .serve = req_stats },
	[PROTO_T_BOOT] = { .work = req_action },
	[PROTO_T_SHUTDOWN] = { .work = req_action },
	[PROTO_T_REBOOT] = { .work = req_action },
	[PROTO_T_RESET] = { .work = req_action },
	[PROTO_T_DESTROY] = { .work = req_action },
	[PROTO_T_PAUSE] = { .work = req_action },
	[PROTO_T_UNPAUSE] = { .work = req_action },
	[PROTO_T_CONSOLE] = { .work = req_console },
	[PROTO_T_REIMAGE] = { .work = req_reimage },
	[PROTO_T_SYSRQ] = { .work = req_sysrq },
	[PROTO_T_VCPUS] = { .work = req_resource },
	[PROTO_T_MEM] = { .work = req_resource },
	[PROTO_T_MAXMEM] = { .work = req_resource },
	[PROTO_T_ATTACH] = { .work = req_attach },
	[PROTO_T_DETACH] = { .work = req_detach },
	[PROTO_T_SAVE] = { .work = req_save },
	[PROTO_T_RESTORE] = { .work = req_restore },
};

/* The handler of a request type. NULL (the request is refused) when
 * there is none, or when it does not fit the type's row: a worker
 * handler for a read or the other way round. */
const struct req_handler *
req_handler(uint16_t type)
{
	const struct proto_req_desc *rd = proto_req_desc(type);
	const struct req_handler *h;

	if (rd == NULL)
		return NULL;
	h = &req_table[type];
	if (rd->acts ? (h->work == NULL || h->serve != NULL) :
	    (h->serve == NULL || h->work != NULL))
		return NULL;
	return h;
}
