/*
 * sim_res.c - resource changes and block hotplug on the simulated host
 * (hv_set_resource, hv_block_attach/_detach), and what they add to
 * snapshots; save and restore are sim_save.c, the DIR/res file
 * sim_res_file.c.
 *
 * vcpus, memory and maximum memory live in the guest's record of the
 * state file; the rest in DIR/res records (sim_res_file.c).
 *
 * `vcpu` keeps counters monotonic across vcpu-set: the load model gives
 * counters in closed form from the number of online vcpus, so after a
 * change each vcpu's time is its time at the change (NS*) plus what the
 * new model adds since (BASE_TAU_NS, running time at the change).
 *
 * `vbd` is an attached device under a moderate load of its own (below),
 * counted from its running time at attach, so it pauses with the guest.
 *
 * Rules: vcpus from 1 to the guest's maximum; the memory target from
 * SIM_RES_MIN_MEM_KB to the guest's maximum and within the host's free
 * memory; the maximum at least the current target (lower the target
 * first, as libxl insists) and at most the host's memory (a refusal for
 * the host's limits is XDOM_ENOMEM). Devices: absolute paths to an
 * existing file or block device, not a symbolic link (hv_res_disk_check),
 * a free xvd name, at most SIM_RES_MAX_ATTACH a domain, never one target
 * writable in two places; xvda (the root disk) and the config's own
 * disks stay.
 */
#include "hypervisor/sim/sim_res.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

static int64_t
sim_res_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- what snapshots show ---- */

const struct sim_res_rec *
sim_res_find(const struct sim_res *r, const struct sim_guest *g,
    enum sim_res_kind kind, size_t *from)
{
	size_t i;

	if (r == NULL)
		return NULL;
	for (i = from != NULL ? *from : 0; i < r->n; i++) {
		if (r->r[i].kind == kind && sim_res_match(&r->r[i], g)) {
			if (from != NULL)
				*from = i + 1;
			return &r->r[i];
		}
	}
	return NULL;
}

void
sim_res_counters(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct sim_counters *c)
{
	const struct sim_res_rec *rec;
	struct sim_counters *b;
	uint32_t j;

	if (s->res == NULL || s->res->n == 0 ||
	    (rec = sim_res_find(s->res, g, SIM_RES_VCPU, NULL)) == NULL)
		return;
	b = xmalloc(sizeof *b);
	sim_load_counters(g, (double)rec->tau_ns * 1e-9, b);
	c->cpu_ns = 0;
	for (j = 0; j < g->vcpus && j < SIM_MAX_VCPUS; j++) {
		uint64_t base = j < rec->n ? rec->ns[j] : 0;
		uint64_t add = c->vcpu_ns[j] > b->vcpu_ns[j] ?
		    c->vcpu_ns[j] - b->vcpu_ns[j] : 0;

		c->vcpu_ns[j] = tau * 1e9 >= (double)rec->tau_ns ?
		    base + add : base;
		c->cpu_ns += c->vcpu_ns[j];
	}
	free(b);
}

/* The integral of 1 + a sin(w t + p) over [0, tau]. */
static double
sim_res_integral(double tau, double phase)
{
	double w = 2 * M_PI / SIM_RES_VBD_PERIOD_S;

	return tau + SIM_RES_VBD_AMP / w * (cos(phase) - cos(w * tau + phase));
}

void
sim_res_add_vbds(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct snap *out)
{
	const struct sim_res_rec *rec;
	size_t from = 0;

	if (s->res == NULL || s->res->n == 0)
		return;
	while ((rec = sim_res_find(s->res, g, SIM_RES_VBD, &from)) != NULL) {
		struct snap_vbd *v = snap_add_vbds(out, 1);
		double t0 = (double)rec->tau_ns * 1e-9, io = 0;
		double phase = (double)(rec->dev % 97) / 97.0 * 2 * M_PI;

		if (tau > t0)
			io = sim_res_integral(tau, phase) -
			    sim_res_integral(t0, phase);
		if (io < 0)
			io = 0;
		v->dev = rec->dev;
		v->rd_reqs = (uint64_t)(SIM_RES_VBD_RD_PS * io);
		v->wr_reqs = rec->rw ? (uint64_t)(SIM_RES_VBD_WR_PS * io) : 0;
		v->rd_sect = (uint64_t)(v->rd_reqs * SIM_RES_VBD_SECT);
		v->wr_sect = (uint64_t)(v->wr_reqs * SIM_RES_VBD_SECT);
		v->oo = (v->rd_reqs + v->wr_reqs) / 20000;
	}
}

void
sim_res_info(const struct sim_store *s, const struct sim_guest *g,
    struct hv_info *out)
{
	const struct sim_res_rec *rec;
	size_t from = 0;

	if (s->res == NULL)
		return;
	while (out->n_disks < sizeof out->disks / sizeof out->disks[0] &&
	    (rec = sim_res_find(s->res, g, SIM_RES_VBD, &from)) != NULL) {
		struct hv_disk *d = &out->disks[out->n_disks++];

		snprintf(d->vdev, sizeof d->vdev, "%s", rec->vdev);
		snprintf(d->target, sizeof d->target, "%s", rec->target);
		d->writable = rec->rw;
	}
}

/* ---- actions ---- */


/*
 * Lock the host and find name's guest. want_running: it must have a
 * domain (running or paused, nothing pending); otherwise it must be
 * stopped. verb completes "Domain-0 cannot be ...".
 */
int
sim_res_begin(struct sim_store *s, const char *name, bool want_running,
    const char *verb, struct sim_res_op *op, struct xdom_err *err)
{
	char shown[96];
	struct sim_guest *g;
	int rc = 0;

	memset(op, 0, sizeof *op);
	op->s = s;
	op->lock_fd = -1;
	if (strcmp(name, "Domain-0") == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 cannot be %s "
		    "by xdom", verb);
	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", sim_res_shown(name, shown));
	if ((rc = sim_store_lock(s, &op->lock_fd, err)) != 0)
		return rc;
	if ((rc = sim_store_refresh(s, err)) != 0 ||
	    (rc = sim_res_load(s, err)) != 0)
		goto fail;
	if ((op->idx = sim_state_find(&s->st, name)) < 0) {
		rc = xdom_err_set(err, XDOM_ENOENT, "%s: no such domain", name);
		goto fail;
	}
	op->now_ns = sim_res_now_ns();
	sim_store_materialise(&s->st, op->now_ns / 1000000);
	g = op->g = &s->st.g[op->idx];
	if (op->idx == 0) {
		rc = xdom_err_set(err, XDOM_EPERM, "Domain-0 cannot be %s by "
		    "xdom", verb);
		goto fail;
	}
	if (!want_running) {
		if (g->run != SIM_STOPPED) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s is running; a "
			    "saved state is restored only into a stopped "
			    "guest", name);
			goto fail;
		}
		return 0;
	}
	if (g->run == SIM_STOPPED)
		rc = xdom_err_set(err, XDOM_ESTATE, "%s is not running", name);
	else if (g->run == SIM_CRASHED)
		rc = xdom_err_set(err, XDOM_ESTATE, "%s has crashed; destroy "
		    "or reset it first", name);
	else if (g->pending != SIM_PEND_NONE)
		rc = xdom_err_set(err, XDOM_EBUSY, "%s is %s; try again when "
		    "it is done", name, g->pending == SIM_PEND_SHUTDOWN ?
		    "shutting down" : "rebooting");
	if (rc != 0)
		goto fail;
	return 0;
fail:
	s->cached = false;
	sim_store_unlock(op->lock_fd);
	op->lock_fd = -1;
	return rc;
}

/* Commit the state (res first: its new records are harmless until the
 * state matches them) and unlock; on failure drop every cache. */
int
sim_res_end(struct sim_res_op *op, int rc, bool write_res,
    struct xdom_err *err)
{
	if (rc == 0 && write_res)
		rc = sim_res_commit(op->s, err);
	if (rc == 0)
		rc = sim_store_commit(op->s, err);
	if (rc != 0) {
		op->s->cached = false;
		if (op->s->res != NULL)
			op->s->res->cached = false;
	}
	sim_store_unlock(op->lock_fd);
	op->lock_fd = -1;
	return rc;
}

/* Memory the host's running domains use now (with Xen's own share). */
uint64_t
sim_res_used_kb(const struct sim_state *st)
{
	uint64_t used = SIM_RES_OVERHEAD_KB;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->g[i].run != SIM_STOPPED)
			used += st->g[i].mem_kb;
	return used;
}

static int
sim_res_vcpus(struct sim_res_op *op, uint64_t n, bool *write_res,
    struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	struct sim_res_rec *rec = NULL;
	struct sim_counters *c;
	double tau;
	uint32_t j;
	size_t i;
	int rc;

	if ((rc = hv_res_vcpus_check(g->name, n, g->vcpus, err)) != 0)
		return rc;
	if (n == g->vcpus_online)
		return 0;
	/* counters go on from where they are now, under the new model */
	tau = sim_load_tau(g, op->now_ns);
	c = xmalloc(sizeof *c);
	sim_load_counters(g, tau, c);
	sim_res_counters(op->s, g, tau, c);
	for (i = 0; i < op->s->res->n; i++)
		if (op->s->res->r[i].kind == SIM_RES_VCPU &&
		    sim_res_match(&op->s->res->r[i], g))
			rec = &op->s->res->r[i];
	if (rec == NULL)
		rec = sim_res_add(op->s->res);
	rec->kind = SIM_RES_VCPU;
	snprintf(rec->name, sizeof rec->name, "%s", g->name);
	rec->domid = g->id;
	rec->start_ms = g->start_ms;
	rec->tau_ns = (uint64_t)(tau * 1e9);
	rec->n = g->vcpus;
	for (j = 0; j < g->vcpus && j < SIM_MAX_VCPUS; j++)
		rec->ns[j] = c->vcpu_ns[j];
	free(c);
	g->vcpus_online = (uint32_t)n;
	sim_load_model(g, op->s->st.seed);
	*write_res = true;
	return 0;
}

static int
sim_res_mem(struct sim_res_op *op, uint64_t kb, struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	uint64_t used = sim_res_used_kb(&op->s->st), host = op->s->st.mem_kb;
	char a[24], b[24];

	if (kb < SIM_RES_MIN_MEM_KB)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is below the "
		    "minimum of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(SIM_RES_MIN_MEM_KB, b, sizeof b));
	if (g->maxmem_kb != UINT64_MAX && kb > g->maxmem_kb)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is above %s's "
		    "maximum of %s; raise it with mem-max first",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(g->maxmem_kb, b, sizeof b));
	if (kb > g->mem_kb && kb - g->mem_kb > (used < host ? host - used :
	    0))	/* ENOMEM: a host limit (hv_res.h) */
		return xdom_err_set(err, XDOM_ENOMEM, "memory %s for %s needs "
		    "%s more than the host has free",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(kb - g->mem_kb - (used < host ? host - used :
		    0), b, sizeof b));
	g->mem_kb = kb;
	return 0;
}

static int
sim_res_maxmem(struct sim_res_op *op, uint64_t kb, struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	char a[24], b[24];

	if (kb < g->mem_kb)
		return xdom_err_set(err, XDOM_EINVAL, "maximum %s is below %s's "
		    "memory of %s; lower it with mem-set first",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(g->mem_kb, b, sizeof b));
	if (kb > op->s->st.mem_kb)
		return xdom_err_set(err, XDOM_ENOMEM, "maximum %s is above the "
		    "host's memory of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(op->s->st.mem_kb, b, sizeof b));
	g->maxmem_kb = kb;
	return 0;
}

int
sim_res_set(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	struct sim_res_op op;
	bool write_res = false;
	int rc;

	if ((unsigned)r >= HV_RES__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	if ((rc = sim_res_begin(hv->priv, name, true, "resized", &op,
	    err)) != 0)
		return rc;
	switch (r) {
	case HV_RES_VCPUS:
		rc = sim_res_vcpus(&op, value, &write_res, err);
		break;
	case HV_RES_MEM:
		rc = sim_res_mem(&op, value, err);
		break;
	default:
		rc = sim_res_maxmem(&op, value, err);
		break;
	}
	return sim_res_end(&op, rc, write_res, err);
}

/* The config's own disks are xvda, xvdb, ... in order. */
static bool
sim_res_cfg_disk(const struct sim_guest *g, uint32_t dev)
{
	return (dev >> 8) == 202 && (dev & 0xf) == 0 &&
	    ((dev & 0xff) >> 4) < g->n_vbd;
}

int
sim_res_check_target(const char *target, const char *under,
    struct xdom_err *err)
{
	char shown[96];

	if (target != NULL && strlen(target) > SIM_RES_TARGET_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "%s: path too long",
		    sim_res_shown(target, shown));
	return hv_res_disk_check(target, under, err);
}

/* Another attachment of target that conflicts with mode rw. */
static const struct sim_res_rec *
sim_res_target_busy(const struct sim_store *s, const char *target, bool rw)
{
	size_t i;

	for (i = 0; i < s->res->n; i++) {
		const struct sim_res_rec *rec = &s->res->r[i];
		long idx;

		if (rec->kind != SIM_RES_VBD || strcmp(rec->target, target) != 0
		    || (!rw && !rec->rw))
			continue;
		idx = sim_state_find(&s->st, rec->name);
		if (idx > 0 && sim_res_match(rec, &s->st.g[idx]))
			return rec;
	}
	return NULL;
}

int
sim_res_block_attach(struct hv *hv, const char *name,
    const struct hv_block *b, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	const struct sim_res_rec *other;
	struct sim_res_rec *rec;
	struct sim_res_op op;
	char shown[96];
	uint32_t dev;
	size_t from = 0, n = 0;
	int rc;

	if (b == NULL || b->target == NULL || b->vdev == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "block-attach needs a "
		    "target and a virtual device");
	if ((rc = vdev_parse(b->vdev, &dev, err)) != 0 ||
	    (rc = sim_res_check_target(b->target, NULL, err)) != 0)
		return rc;
	if ((rc = sim_res_begin(s, name, true, "given devices", &op,
	    err)) != 0)
		return rc;
	if (sim_res_cfg_disk(op.g, dev)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s already has a device "
		    "%s", name, b->vdev);
		goto out;
	}
	while ((other = sim_res_find(s->res, op.g, SIM_RES_VBD, &from)) !=
	    NULL) {
		n++;
		if (other->dev == dev) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s already has a "
			    "device %s", name, b->vdev);
			goto out;
		}
	}
	if (n >= SIM_RES_MAX_ATTACH) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s has %d devices "
		    "attached already; detach one first", name,
		    SIM_RES_MAX_ATTACH);
		goto out;
	}
	if ((other = sim_res_target_busy(s, b->target, b->writable)) != NULL) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is attached to %s as "
		    "%s %s; a target is writable in one place only",
		    sim_res_shown(b->target, shown), other->name, other->vdev,
		    other->rw ? "read-write" : "read-only");
		goto out;
	}
	rec = sim_res_add(s->res);
	rec->kind = SIM_RES_VBD;
	snprintf(rec->name, sizeof rec->name, "%s", name);
	rec->domid = op.g->id;
	rec->start_ms = op.g->start_ms;
	snprintf(rec->vdev, sizeof rec->vdev, "%s", b->vdev);
	rec->dev = dev;
	rec->rw = b->writable;
	rec->tau_ns = (uint64_t)(sim_load_tau(op.g, op.now_ns) * 1e9);
	snprintf(rec->target, sizeof rec->target, "%s", b->target);
out:
	return sim_res_end(&op, rc, true, err);
}

int
sim_res_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_res_op op;
	uint32_t dev;
	size_t i;
	int rc;

	if ((rc = vdev_parse(vdev, &dev, err)) != 0)
		return rc;
	if ((rc = sim_res_begin(s, name, true, "given devices", &op,
	    err)) != 0)
		return rc;
	if (dev == 202u << 8 && op.g->n_vbd > 0) {
		rc = xdom_err_set(err, XDOM_EINVAL, "xvda is %s's root disk; "
		    "it cannot be detached", name);
		goto out;
	}
	if (sim_res_cfg_disk(op.g, dev)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is in %s's config "
		    "file; only devices added with block-attach are "
		    "detached", vdev, name);
		goto out;
	}
	for (i = 0; i < s->res->n; i++) {
		struct sim_res_rec *rec = &s->res->r[i];

		if (rec->kind == SIM_RES_VBD && rec->dev == dev &&
		    sim_res_match(rec, op.g)) {
			*rec = s->res->r[--s->res->n];
			goto out;
		}
	}
	rc = xdom_err_set(err, XDOM_EINVAL, "%s has no device %s", name, vdev);
out:
	return sim_res_end(&op, rc, true, err);
}
