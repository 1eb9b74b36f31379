/*
 * hv_sim.c - the sim backend: a simulated Xen host that every xdom
 * program can share (see sim.h for the model and sim_store.c for the
 * directory). Snapshots are computed from the cached state and the clock;
 * actions lock the directory, apply what has fallen due, change one guest
 * and write the state back.
 */
#include "hypervisor/hv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/escape.h"
#include "core/pathtrust.h"
#include "core/xmalloc.h"
#include "hypervisor/sim/sim.h"

#define SIM_HV_VERSION "4.17.3 (sim)"
#define SIM_XEN_OVERHEAD_KB (512u << 10)

static void
sim_now(int64_t *wall_ns, uint64_t *mono_ns)
{
	if (mono_ns != NULL)
		*mono_ns = xdom_mono_ns();
	*wall_ns = xdom_wall_ns();
}

static int
sim_trust_dir(const char *dir, struct xdom_err *err)
{
	struct xdom_err why = { 0 };
	int rc = xdom_path_trust(dir, XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, geteuid(), &why);

	if (rc == 0)
		return 0;
	return xdom_err_set(err, rc, "simulated host state: %s; use a "
	    "directory only root can change", why.msg);
}

static int
sim_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	struct sim_store *s = xcalloc(1, sizeof *s);
	char *dir;
	int rc;

	if ((dir = sim_state_dir(o, err)) == NULL) {
		free(s);
		return XDOM_EINVAL;
	}
	/* One who made the directory first would own every guest in it. */
	rc = o->trusted_dirs ? sim_trust_dir(dir, err) : 0;
	if (rc == 0)
		rc = sim_store_open(s, dir, o->sim_domains, err);
	free(dir);
	if (rc != 0) {
		sim_store_close(s);
		free(s);
		return rc;
	}
	hv->priv = s;
	return 0;
}

static void
sim_close(struct hv *hv)
{
	struct sim_store *s = hv->priv;

	if (s == NULL)
		return;
	sim_res_free(s->res);
	sim_store_close(s);
	free(s);
	hv->priv = NULL;
}

/* The guest as seen at now: a pointer into the state or into tmp. */
static const struct sim_guest *
sim_eff(const struct sim_guest *g, int64_t now_ms, struct sim_guest *tmp,
    uint64_t *retired)
{
	if (g->pending == SIM_PEND_NONE || now_ms < g->pend_ms)
		return g;
	sim_guest_effective(g, now_ms, tmp, retired);
	return tmp;
}

/*
 * As on Xen, a guest that was asked to shut down or reboot runs its
 * shutdown for a while, then has shut down ('s') for the last moment
 * before its domain goes away: here the last quarter of the delay, at
 * most a second.
 */
static uint32_t
sim_flags(const struct sim_guest *g, bool dom0, int64_t now_ms)
{
	int64_t tail = sim_delay_ms() / 4;

	if (tail > 1000)
		tail = 1000;
	if (g->pending != SIM_PEND_NONE && now_ms >= g->pend_ms - tail)
		return SNAP_F_SHUTDOWN;
	switch (g->run) {
	case SIM_PAUSED:
		return SNAP_F_PAUSED;
	case SIM_CRASHED:
		return SNAP_F_SHUTDOWN | SNAP_F_CRASHED;
	default:
		return dom0 || g->m.busy ? SNAP_F_RUNNING : SNAP_F_BLOCKED;
	}
}

static void
sim_add_dom(const struct sim_store *s, struct snap *out,
    const struct sim_guest *g, bool dom0, int64_t now_ns, unsigned what,
    uint64_t *busy_ns)
{
	double tau = sim_load_tau(g, now_ns);
	struct sim_counters c;
	struct snap_dom *d;
	uint32_t j;

	sim_load_counters(g, tau, &c);
	sim_res_counters(s, g, tau, &c);
	*busy_ns += c.cpu_ns;
	d = snap_add_dom(out, 0, g->id, g->name);
	d->flags = sim_flags(g, dom0, now_ns / 1000000);
	d->cpu_ns = c.cpu_ns;
	d->mem_kb = g->mem_kb;
	d->maxmem_kb = g->maxmem_kb;
	d->vcpus_online = g->vcpus_online;
	d->vcpus_max = g->vcpus;
	if (what & HV_SNAP_VCPUS) {
		struct snap_vcpu *v = snap_add_vcpus(out, g->vcpus);

		for (j = 0; j < g->vcpus; j++) {
			v[j].ns = c.vcpu_ns[j];
			v[j].online = j < g->vcpus_online;
		}
	}
	if ((what & HV_SNAP_NETS) && g->n_net > 0) {
		struct snap_net *n = snap_add_nets(out, g->n_net);

		for (j = 0; j < g->n_net; j++) {
			double w = sim_load_share(g->n_net, j);

			n[j].id = j;
			n[j].rx_bytes = (uint64_t)(c.rx_bytes * w);
			n[j].tx_bytes = (uint64_t)(c.tx_bytes * w);
			n[j].rx_pkts = (uint64_t)(c.rx_pkts * w);
			n[j].tx_pkts = (uint64_t)(c.tx_pkts * w);
			n[j].rx_drops = (uint64_t)(c.rx_drops * w);
		}
	}
	if ((what & HV_SNAP_VBDS) && g->n_vbd > 0) {
		struct snap_vbd *v = snap_add_vbds(out, g->n_vbd);

		for (j = 0; j < g->n_vbd; j++) {
			double w = sim_load_share(g->n_vbd, j);

			v[j].dev = 51712 + 16 * j;	/* xvda, xvdb, ... */
			v[j].rd_reqs = (uint64_t)(c.rd_reqs * w);
			v[j].wr_reqs = (uint64_t)(c.wr_reqs * w);
			v[j].rd_sect = (uint64_t)(c.rd_sect * w);
			v[j].wr_sect = (uint64_t)(c.wr_sect * w);
			v[j].oo = (uint64_t)(c.oo * w);
		}
	}
	if (what & HV_SNAP_VBDS)
		sim_res_add_vbds(s, g, tau, out);
}

static int
sim_snapshot_locked(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_state *st = &s->st;
	struct sim_guest tmp;
	struct snap_host *h;
	uint64_t used_kb = SIM_XEN_OVERHEAD_KB, busy = 0, mono;
	int64_t now_ns, now_ms;
	size_t i;
	int rc;

	if ((rc = sim_store_refresh(s, err)) != 0)
		return rc;
	sim_res_refresh(s);
	sim_now(&now_ns, &mono);
	now_ms = now_ns / 1000000;
	out->mono_ns = mono;
	out->wall_s = now_ns / 1000000000;
	snap_add_host(out, "localhost");
	busy = st->retired_ns;
	for (i = 0; i < st->n; i++) {
		const struct sim_guest *g = sim_eff(&st->g[i], now_ms, &tmp,
		    &busy);

		if (g->run == SIM_STOPPED)
			continue;
		used_kb += g->mem_kb;
		sim_add_dom(s, out, g, i == 0, now_ns, what, &busy);
	}
	h = &out->hosts[0];
	snprintf(h->hv_version, sizeof h->hv_version, "%s", SIM_HV_VERSION);
	h->ncpus = st->ncpus;
	h->cpu_mhz = st->mhz;
	h->mem_total_kb = st->mem_kb;
	h->mem_free_kb = used_kb < st->mem_kb ? st->mem_kb - used_kb : 0;
	h->simulated = true;
	h->state = SNAP_HOST_UP;
	if (what & HV_SNAP_PCPUS) {
		uint64_t *p = snap_add_pcpus(out, 0, st->ncpus);
		uint32_t j;

		/* the busy time spread over the pCPUs with a +-10 % tilt
		 * (the weights add up to 1) */
		double n = st->ncpus;

		for (j = 0; j < st->ncpus; j++)
			p[j] = (uint64_t)((double)busy / n *
			    (1.0 + 0.1 * (n - 1 - 2.0 * j) / n));
	}
	snap_finish(out);
	return 0;
}

static int
sim_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	int rc;

	sim_store_enter(s);
	rc = sim_snapshot_locked(hv, what, out, err);
	sim_store_leave(s);
	return rc;
}

static int
sim_guests_locked(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_guest tmp;
	int64_t now_ns;
	size_t i;
	int rc;

	if ((rc = sim_store_refresh(s, err)) != 0)
		return rc;
	sim_now(&now_ns, NULL);
	out->g = xcalloc(s->st.n, sizeof *out->g);
	out->n = s->st.n;
	for (i = 0; i < s->st.n; i++) {
		const struct sim_guest *g = sim_eff(&s->st.g[i],
		    now_ns / 1000000, &tmp, NULL);

		out->g[i].name = xstrdup(g->name);
		out->g[i].running = g->run != SIM_STOPPED;
		out->g[i].id = g->run != SIM_STOPPED ? g->id : 0;
	}
	return 0;
}

static int
sim_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	int rc;

	sim_store_enter(s);
	rc = sim_guests_locked(hv, out, err);
	sim_store_leave(s);
	return rc;
}

static int
sim_lookup(struct sim_store *s, const char *name, long *idx,
    struct xdom_err *err)
{
	char shown[96];

	*idx = sim_state_find(&s->st, name);
	if (*idx < 0)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such domain",
		    sim_name_shown(name, shown));
	return 0;
}

static int
sim_info_locked(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_guest tmp;
	const struct sim_guest *g;
	int64_t now_ns;
	long idx;
	unsigned j;
	int rc;

	if ((rc = sim_store_refresh(s, err)) != 0 ||
	    (rc = sim_lookup(s, name, &idx, err)) != 0)
		return rc;
	sim_now(&now_ns, NULL);
	g = sim_eff(&s->st.g[idx], now_ns / 1000000, &tmp, NULL);
	snprintf(out->name, sizeof out->name, "%s", g->name);
	out->running = g->run != SIM_STOPPED;
	out->id = out->running ? g->id : 0;
	out->mem_kb = g->mem_kb;
	out->maxmem_kb = g->maxmem_kb;
	out->vcpus = g->vcpus;
	if (out->running && now_ns / 1000000 > g->start_ms)
		out->uptime_s = (uint64_t)(now_ns / 1000000 - g->start_ms) /
		    1000;
	if (idx == 0 || !xdom_name_valid(g->name))
		return 0;	/* no files for Domain-0 or odd names */
	sim_store_cfg_path(s, g->name, out->config_path,
	    sizeof out->config_path);
	if (!s->readonly)
		sim_store_ensure_cfg(s, &s->st.g[idx]);
	for (j = 0; j < g->n_vbd && j < 8; j++) {
		struct hv_disk *d = &out->disks[out->n_disks++];

		snprintf(d->vdev, sizeof d->vdev, "xvd%c", 'a' + j);
		if (j == 0)
			snprintf(d->target, sizeof d->target, "%s/%s.img",
			    s->img_dir, g->name);
		else
			snprintf(d->target, sizeof d->target, "%s/%s-xvd%c.img",
			    s->img_dir, g->name, 'a' + j);
		d->writable = true;
	}
	for (j = 0; j < g->n_net && j < 8; j++) {
		struct hv_nic *n = &out->nics[out->n_nics++];

		sim_store_mac(g->name, j, n->mac);
		snprintf(n->bridge, sizeof n->bridge, "xenbr0");
		snprintf(n->ip, sizeof n->ip, "10.%u.%u.%u", 1 + j,
		    (unsigned)(idx / 250) % 256, (unsigned)(idx % 250) + 2);
	}
	sim_res_refresh(s);
	sim_res_info(s, g, out);
	return 0;
}

static int
sim_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	int rc;

	sim_store_enter(s);
	rc = sim_info_locked(hv, name, out, err);
	sim_store_leave(s);
	return rc;
}

/* ---- actions ---- */

/* Why an action is refused in each state (NULL: allowed), and why
 * Domain-0 is. Messages follow the guest's name. */
struct sim_act_row {
	const char *dom0;
	const char *refuse[SIM_RUN__COUNT];
	bool while_pending;	/* allowed during a shutdown/reboot */
};

static const struct sim_act_row sim_acts[HV_ACT__COUNT] = {
	[HV_ACT_BOOT] = { "cannot be booted", {
		[SIM_RUNNING] = "is already running",
		[SIM_PAUSED] = "is already running (paused); unpause it",
		[SIM_CRASHED] = "has crashed; destroy it before booting it",
	}, false },
	[HV_ACT_SHUTDOWN] = { "cannot be shut down", {
		[SIM_STOPPED] = "is not running",
		[SIM_PAUSED] = "is paused; unpause it first",
		[SIM_CRASHED] = "has crashed and cannot shut down; use "
		    "destroy or reset",
	}, false },
	[HV_ACT_REBOOT] = { "cannot be rebooted", {
		[SIM_STOPPED] = "is not running; boot it",
		[SIM_PAUSED] = "is paused; unpause it first",
		[SIM_CRASHED] = "has crashed and cannot reboot; use reset",
	}, false },
	[HV_ACT_RESET] = { "cannot be reset", {
		[SIM_STOPPED] = "is not running; boot it",
	}, true },
	[HV_ACT_DESTROY] = { "cannot be destroyed", {
		[SIM_STOPPED] = "is not running",
	}, true },
	[HV_ACT_PAUSE] = { "cannot be paused", {
		[SIM_STOPPED] = "is not running",
		[SIM_PAUSED] = "is already paused",
		[SIM_CRASHED] = "has crashed; it cannot be paused",
	}, false },
	[HV_ACT_UNPAUSE] = { "cannot be unpaused", {
		[SIM_STOPPED] = "is not running",
		[SIM_RUNNING] = "is not paused",
		[SIM_CRASHED] = "has crashed; destroy or reset it",
	}, false },
};

/* A free domain id: after the last one given, never one in use. */
int
sim_alloc_id(struct sim_state *st, uint32_t *id, struct xdom_err *err)
{
	uint8_t *used = xcalloc(SIM_DOMID_LIMIT, 1);
	uint32_t cand = st->next_id, tries;
	size_t i;
	int rc = 0;

	used[0] = 1;
	for (i = 0; i < st->n; i++) {
		if (st->g[i].run != SIM_STOPPED)
			used[st->g[i].id] = 1;
		if (st->g[i].pending == SIM_PEND_REBOOT)
			used[st->g[i].pend_id] = 1;
	}
	for (tries = 0; tries < SIM_DOMID_LIMIT; tries++) {
		if (cand == 0 || cand >= SIM_DOMID_LIMIT)
			cand = 1;
		if (!used[cand])
			break;
		cand++;
	}
	if (tries == SIM_DOMID_LIMIT) {
		rc = xdom_err_set(err, XDOM_ENOMEM, "no free domain id");
		goto out;
	}
	*id = cand;
	st->next_id = cand + 1 >= SIM_DOMID_LIMIT ? 1 : cand + 1;
out:
	free(used);
	return rc;
}

/* The counters of g's domain end: keep its CPU time in the host total. */
static void
sim_retire(struct sim_state *st, const struct sim_guest *g, int64_t now_ns)
{
	struct sim_counters c;

	sim_load_counters(g, sim_load_tau(g, now_ns), &c);
	st->retired_ns += c.cpu_ns;
}

static int
sim_apply(struct sim_state *st, struct sim_guest *g, enum hv_action a,
    int64_t now_ns, struct xdom_err *err)
{
	int64_t floor_ms = now_ns / 1000000, ceil_ms = (now_ns + 999999) /
	    1000000;
	int rc;

	switch (a) {
	case HV_ACT_BOOT:
	case HV_ACT_RESET:
		if ((rc = sim_alloc_id(st, &g->id, err)) != 0)
			return rc;
		if (a == HV_ACT_RESET)
			sim_retire(st, g, now_ns);
		g->run = SIM_RUNNING;
		g->start_ms = floor_ms;
		g->frozen_ms = g->paused_ms = 0;
		g->pending = SIM_PEND_NONE;
		g->pend_ms = 0;
		g->pend_id = 0;
		return 0;
	case HV_ACT_SHUTDOWN:
		g->pending = SIM_PEND_SHUTDOWN;
		g->pend_ms = floor_ms + sim_delay_ms();
		return 0;
	case HV_ACT_REBOOT:
		if ((rc = sim_alloc_id(st, &g->pend_id, err)) != 0)
			return rc;
		g->pending = SIM_PEND_REBOOT;
		g->pend_ms = floor_ms + sim_delay_ms();
		return 0;
	case HV_ACT_DESTROY:
		sim_retire(st, g, now_ns);
		sim_guest_stop(g);
		return 0;
	case HV_ACT_PAUSE:
		/* rounded so counters never step back around the pause */
		g->run = SIM_PAUSED;
		g->frozen_ms = ceil_ms;
		return 0;
	case HV_ACT_UNPAUSE:
		g->paused_ms += floor_ms > g->frozen_ms ?
		    floor_ms - g->frozen_ms : 0;
		g->run = SIM_RUNNING;
		g->frozen_ms = 0;
		return 0;
	default:
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	}
}

static int
sim_act_locked(struct sim_store *s, const char *name, enum hv_action a,
    struct xdom_err *err)
{
	const struct sim_act_row *row;
	struct sim_locked lk;
	struct sim_guest *g;
	int rc;

	if ((unsigned)a >= HV_ACT__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	row = &sim_acts[a];
	if ((rc = sim_guest_locked(s, name, row->dom0, &lk, err)) != 0)
		return rc;
	g = &s->st.g[lk.idx];
	if (g->pending != SIM_PEND_NONE && !row->while_pending &&
	    row->refuse[g->run] == NULL) {
		rc = xdom_err_set(err, XDOM_EBUSY, "%s is already %s", name,
		    g->pending == SIM_PEND_SHUTDOWN ? "shutting down" :
		    "rebooting");
		goto out;
	}
	if (row->refuse[g->run] != NULL) {
		rc = xdom_err_set(err, XDOM_ESTATE, "%s %s", name,
		    row->refuse[g->run]);
		goto out;
	}
	if (a == HV_ACT_BOOT && (rc = sim_reimage_busy(s, name, err)) != 0)
		goto out;
	if ((rc = sim_apply(&s->st, g, a, lk.now_ns, err)) == 0)
		rc = sim_store_commit(s, err);
out:
	return sim_guest_unlock(s, &lk, rc);
}

int
sim_act(struct sim_store *s, const char *name, enum hv_action a,
    struct xdom_err *err)
{
	int rc;

	sim_store_enter(s);
	rc = sim_act_locked(s, name, a, err);
	sim_store_leave(s);
	return rc;
}

static int
sim_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	(void)reason;	/* audited by the helper, not here */
	return sim_act(hv->priv, name, a, err);
}

static int
sim_console(struct hv *hv, const char *name, const char *reason, int *fd,
    struct xdom_err *err)
{
	(void)reason;
	return sim_console_open(hv->priv, name, fd, err);
}

/*
 * SysRq on a simulated guest does what a Linux guest's kernel does with
 * the keys that change what the host sees: 'b' reboots at once (a new
 * domain, like a reset), 'o' powers off, 'c' crashes it. Any other key is
 * taken and changes nothing visible. Only a running guest takes keys.
 */
static int
sim_sysrq_locked(struct sim_store *s, const char *name, char key,
    struct xdom_err *err)
{
	static const char *const refuse[SIM_RUN__COUNT] = {
		[SIM_STOPPED] = "is not running",
		[SIM_PAUSED] = "is paused; unpause it first",
		[SIM_CRASHED] = "has crashed; reset or destroy it",
	};
	struct sim_locked lk;
	struct sim_guest *g;
	int64_t now_ns;
	int rc;

	if ((rc = sim_guest_locked(s, name, "takes no SysRq keys from here",
	    &lk, err)) != 0)
		return rc;
	g = &s->st.g[lk.idx];
	now_ns = lk.now_ns;
	if (g->run >= SIM_RUN__COUNT || refuse[g->run] != NULL) {
		rc = xdom_err_set(err, XDOM_ESTATE, "%s %s", name,
		    g->run < SIM_RUN__COUNT ? refuse[g->run] : "is in an "
		    "unknown state");
		goto out;
	}
	if (key == 'b')
		rc = sim_apply(&s->st, g, HV_ACT_RESET, now_ns, err);
	else if (key == 'o')
		rc = sim_apply(&s->st, g, HV_ACT_DESTROY, now_ns, err);
	else if (key == 'c') {
		g->run = SIM_CRASHED;
		g->frozen_ms = (now_ns + 999999) / 1000000;
		g->pending = SIM_PEND_NONE;
		g->pend_ms = 0;
		g->pend_id = 0;
	} else
		goto out;	/* nothing the host sees changes */
	if (rc == 0)
		rc = sim_store_commit(s, err);
out:
	return sim_guest_unlock(s, &lk, rc);
}

static int
sim_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	int rc;

	(void)reason;	/* audited by the helper, not here */
	sim_store_enter(s);
	rc = sim_sysrq_locked(s, name, key, err);
	sim_store_leave(s);
	return rc;
}

static int
sim_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	return sim_reimage_run(hv->priv, name, o, progress, arg, err);
}

int
sim_expect(struct hv *hv, const char *name, double t0, double t1,
    struct sim_expect *out, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_counters a, b;
	struct sim_guest tmp;
	const struct sim_guest *g;
	double dt = t1 - t0;
	int64_t n0 = (int64_t)(t0 * 1e9), n1 = (int64_t)(t1 * 1e9);
	long idx;
	int rc;

	memset(out, 0, sizeof *out);
	if (!(dt > 0))
		return xdom_err_set(err, XDOM_EINVAL, "empty interval");
	sim_store_enter(s);
	if ((rc = sim_store_refresh(s, err)) != 0 ||
	    (rc = sim_lookup(s, name, &idx, err)) != 0) {
		sim_store_leave(s);
		return rc;
	}
	g = sim_eff(&s->st.g[idx], n1 / 1000000, &tmp, NULL);
	sim_load_counters(g, sim_load_tau(g, n0), &a);
	sim_load_counters(g, sim_load_tau(g, n1), &b);
	sim_store_leave(s);
	out->cpu_pct = (double)(b.cpu_ns - a.cpu_ns) / dt / 1e7;
	out->rx_Bps = (double)(b.rx_bytes - a.rx_bytes) / dt;
	out->tx_Bps = (double)(b.tx_bytes - a.tx_bytes) / dt;
	out->rx_pps = (double)(b.rx_pkts - a.rx_pkts) / dt;
	out->tx_pps = (double)(b.tx_pkts - a.tx_pkts) / dt;
	out->vbd_rd_ps = (double)(b.rd_reqs - a.rd_reqs) / dt;
	out->vbd_wr_ps = (double)(b.wr_reqs - a.wr_reqs) / dt;
	out->vbd_rsect_ps = (double)(b.rd_sect - a.rd_sect) / dt;
	out->vbd_wsect_ps = (double)(b.wr_sect - a.wr_sect) / dt;
	return 0;
}

const struct hv_backend hv_sim_backend = {
	.name = "sim",
	.simulated = true,
	.open = sim_open,
	.close = sim_close,
	.snapshot = sim_snapshot,
	.guests = sim_guests,
	.info = sim_info,
	.action = sim_action,
	.console = sim_console,
	.reimage = sim_reimage,
	.set_resource = sim_res_set,
	.block_attach = sim_res_block_attach,
	.block_detach = sim_res_block_detach,
	.save = sim_res_save,
	.restore = sim_res_restore,
	.sysrq = sim_sysrq,
};
