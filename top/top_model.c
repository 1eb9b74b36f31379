/*
 * top_model.c - what the dashboard knows between two refreshes: the
 * current and previous snapshots, rates between them, per-domain totals
 * (so sorting never re-walks sub-records), history and host figures.
 *
 * Everything is sized by the domain count and reused from refresh to
 * refresh: after the first refreshes nothing is allocated. History moves
 * with a domain through rates' pairing (rate_dom.prev), so a domain that
 * vanishes simply loses its history and a new one starts empty.
 */
#include "top/top_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"

double
top_wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* log2(1 + v) in fifths: one byte reaches 2e15 with steps of 15 %
 * (7 % either way), finer than the eighths a graph row can show. */
uint8_t
top_hist_enc(double v)
{
	double c;

	if (!(v > 0))
		return 0;
	c = log2(1.0 + v) * 5.0 + 0.5;
	return c >= 255.0 ? 255 : (uint8_t)c;
}

double
top_hist_dec(uint8_t code)
{
	return exp2((double)code / 5.0) - 1.0;
}

double
top_hist_get(const struct top_model *m, const struct top_hist *h, int series,
    unsigned age)
{
	unsigned slot;

	if (age >= h->n || m->updates == 0)
		return -1;
	slot = (m->updates - 1 - age) % TOP_HIST;
	switch (series) {
	case TOP_SERIES_CPU:
		return h->cpu[slot] / 10.0;
	case TOP_SERIES_NET:
		return top_hist_dec(h->net[slot]);
	default:
		return top_hist_dec(h->dsk[slot]);
	}
}

void
top_model_init(struct top_model *m)
{
	memset(m, 0, sizeof *m);
	snap_init(&m->snaps[0]);
	snap_init(&m->snaps[1]);
	m->sort_col = COL_CPU_PCT;
	m->sort_desc = true;
}

void
top_model_dispose(struct top_model *m)
{
	snap_dispose(&m->snaps[0]);
	snap_dispose(&m->snaps[1]);
	free(m->rates);
	free(m->rates_old);
	free(m->tot);
	free(m->hist);
	free(m->order);
	free(m->keys);
	free(m->pcpu_pct);
	free(m->host_rows);
	memset(m, 0, sizeof *m);
}

struct snap *
top_model_next(struct top_model *m)
{
	struct snap *s = &m->snaps[m->cur ^ 1];

	snap_reset(s);
	return s;
}

int
top_model_collect(struct top_model *m, struct hv *hv, unsigned what,
    struct xdom_err *err)
{
	struct snap *s = top_model_next(m);
	int rc = hv_snapshot(hv, what, s, err);

	uint64_t now;

	if (rc != 0)
		return rc;
	now = xdom_mono_ns();
	if (s->mono_ns == 0 || s->mono_ns > now)
		s->mono_ns = now;
	/* The real time of the sample itself, not of this line. */
	m->next_wall = top_wall_now() - (double)(now - s->mono_ns) / 1e9;
	return 0;
}

static void
top_model_grow(struct top_model *m, size_t n)
{
	size_t cap = m->cap_rows ? m->cap_rows : 64;

	if (n <= m->cap_rows)
		return;
	while (cap < n)
		cap *= 2;
	m->rates = xreallocarray(m->rates, cap, sizeof *m->rates);
	m->rates_old = xreallocarray(m->rates_old, cap,
	    sizeof *m->rates_old);
	m->tot = xreallocarray(m->tot, cap, sizeof *m->tot);
	m->hist = xreallocarray(m->hist, cap, sizeof *m->hist);
	m->order = xreallocarray(m->order, cap, sizeof *m->order);
	m->keys = xreallocarray(m->keys, cap, sizeof *m->keys);
	m->cap_rows = cap;
}

static void
top_model_pcpus(struct top_model *m)
{
	const struct snap *c = top_model_cur(m), *p = top_model_prev(m);
	const struct snap_host *ch, *ph;
	uint32_t k;

	m->n_pcpu = 0;
	if (c->n_host != 1 || p->n_host != 1 || m->interval_s <= 0)
		return;
	ch = &c->hosts[0];
	ph = &p->hosts[0];
	if (ch->n_pcpu == 0 || ch->n_pcpu != ph->n_pcpu)
		return;
	m->pcpu_pct = xreallocarray(m->pcpu_pct, ch->n_pcpu,
	    sizeof *m->pcpu_pct);
	for (k = 0; k < ch->n_pcpu; k++) {
		uint64_t a = p->pcpu_ns[ph->pcpu_off + k];
		uint64_t b = c->pcpu_ns[ch->pcpu_off + k];
		double v = b >= a ? (double)(b - a) / (m->interval_s * 1e9) *
		    100.0 : 0.0;

		m->pcpu_pct[k] = v > 100.0 ? 100.0 : v;
	}
	m->n_pcpu = ch->n_pcpu;
}

/*
 * History moves with its domain, in place: row i of the new snapshot
 * takes the history of row prev(i) of the old one. Both snapshots are
 * sorted by (host, id), so prev() is increasing over the rows that have
 * one, and three passes never read a slot after overwriting it: rows
 * moving to a lower index in ascending order, rows moving to a higher
 * index in descending order, then new rows start empty. One history
 * array instead of two: at 10,000 domains that is 2.4 MB less.
 */
static void
top_model_move_hist(struct top_model *m, size_t n, size_t n_prev)
{
	uint32_t last = RATES_NO_PREV;
	size_t i;

	if (m->updates == 0) {
		for (i = 0; i < n; i++)
			m->hist[i].n = 0;
		return;
	}
	/* Should the pairing ever not be in order, copy the safe way. */
	for (i = 0; i < n; i++) {
		uint32_t p = m->rates[i].prev;

		if (p == RATES_NO_PREV)
			continue;
		if (last != RATES_NO_PREV && p <= last) {
			struct top_hist *old = xreallocarray(NULL,
			    n_prev > 0 ? n_prev : 1, sizeof *old);

			memcpy(old, m->hist, n_prev * sizeof *old);

			for (i = 0; i < n; i++) {
				p = m->rates[i].prev;
				if (p != RATES_NO_PREV && p < n_prev)
					m->hist[i] = old[p];
				else
					m->hist[i].n = 0;
			}
			free(old);
			return;
		}
		last = p;
	}
	for (i = 0; i < n; i++) {
		uint32_t p = m->rates[i].prev;

		if (p != RATES_NO_PREV && p > i)
			m->hist[i] = m->hist[p];
	}
	for (i = n; i-- > 0;) {
		uint32_t p = m->rates[i].prev;

		if (p != RATES_NO_PREV && p < i)
			m->hist[i] = m->hist[p];
	}
	for (i = 0; i < n; i++)
		if (m->rates[i].prev == RATES_NO_PREV)
			m->hist[i].n = 0;
}

/*
 * Each domain counts once, in the first state of this list that it is
 * in. xentop 4.17 tests shutdown before crashed, and since a crashed
 * domain is also shut down (Xen reports a crash as a shutdown with the
 * reason "crash"), xentop never counts a crash: a crashed guest shows
 * as "1 shutdown". The states a domain ends in come first here, the
 * more specific before the general, then xentop's order for the rest.
 */
static void
top_model_count(struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	struct top_counts *n = &m->counts;
	size_t i;

	memset(n, 0, sizeof *n);
	n->total = (unsigned)s->n_dom;
	for (i = 0; i < s->n_dom; i++) {
		uint32_t f = s->dom[i].flags;

		if (f & SNAP_F_CRASHED)
			n->crashed++;
		else if (f & SNAP_F_DYING)
			n->dying++;
		else if (f & SNAP_F_SHUTDOWN)
			n->shutdown++;
		else if (f & SNAP_F_RUNNING)
			n->running++;
		else if (f & SNAP_F_BLOCKED)
			n->blocked++;
		else if (f & SNAP_F_PAUSED)
			n->paused++;
	}
}

/*
 * Per-host rows, and the CPU figure of the summary: host 0's, or over
 * all hosts weighted by their CPUs. A host is paired with the previous
 * snapshot's host of the same index and name (the fleet keeps one host
 * entry per remote host, up or not, in a fixed order).
 */
static void
top_model_hosts(struct top_model *m)
{
	const struct snap *c = top_model_cur(m), *p = top_model_prev(m);
	double busy = 0, cpus = 0;
	size_t h, i;

	if (c->n_host > m->cap_host_rows) {
		m->host_rows = xreallocarray(m->host_rows, c->n_host,
		    sizeof *m->host_rows);
		m->cap_host_rows = c->n_host;
	}
	for (h = 0; h < c->n_host; h++) {
		struct top_host_row *r = &m->host_rows[h];
		const struct snap_host *ch = &c->hosts[h];

		bool paired = m->updates > 0 && h < p->n_host &&
		    strcmp(p->hosts[h].name, ch->name) == 0;
		bool same = paired && ch->sample_ns != 0 &&
		    p->hosts[h].sample_ns == ch->sample_ns;
		/* last refresh's figures for this same host */
		double keep = same ? r->cpu_pct : 0.0;
		bool rated = same && r->rated;

		memset(r, 0, sizeof *r);
		r->mem_used_kb = ch->mem_total_kb >= ch->mem_free_kb ?
		    ch->mem_total_kb - ch->mem_free_kb : 0;
		if (same) {
			r->cpu_pct = keep;	/* no new sample from it */
			r->rated = rated;
		} else if (paired) {
			r->cpu_pct = rates_host_cpu(p, c, (uint16_t)h);
			r->rated = rates_host_interval(p, c, (uint16_t)h,
			    NULL) > 0;
		}
		busy += r->cpu_pct * ch->ncpus;
		cpus += ch->ncpus;
	}
	for (i = 0; i < c->n_dom; i++) {
		uint16_t dh = c->dom[i].host;

		if (dh >= c->n_host)
			continue;
		m->host_rows[dh].doms++;
		if (c->dom[i].flags & SNAP_F_RUNNING)
			m->host_rows[dh].running++;
	}
	if (c->n_host == 1)
		m->host_cpu_pct = m->host_rows[0].cpu_pct;
	else
		m->host_cpu_pct = cpus > 0 ? busy / cpus : 0.0;
}

void
top_model_update(struct top_model *m)
{
	const struct snap *c, *p;
	unsigned slot;
	size_t i;

	m->cur ^= 1;
	c = top_model_cur(m);
	p = top_model_prev(m);
	top_model_grow(m, c->n_dom > 0 ? c->n_dom : 1);
	/* Last refresh's rates become the old ones (see same below). */
	{
		struct rate_dom *rt = m->rates_old;

		m->rates_old = m->rates;
		m->rates = rt;
	}
	rates_compute(m->updates > 0 ? p : NULL, c, m->rates);
	m->interval_s = m->updates > 0 && c->mono_ns > p->mono_ns ?
	    (double)(c->mono_ns - p->mono_ns) / 1e9 : 0.0;

	top_model_move_hist(m, c->n_dom, p->n_dom);
	slot = m->updates % TOP_HIST;
	for (i = 0; i < c->n_dom; i++) {
		const struct rate_dom *r = &m->rates[i];
		struct top_hist *h = &m->hist[i];
		double cpu10;

		snap_dom_totals(c, &c->dom[i], &m->tot[i]);
		/* A remote host that sent nothing new since the last refresh
		 * (it reports at its own pace): its rows keep their rates
		 * rather than dropping to 0 for one frame. */
		if (r->same && r->prev != RATES_NO_PREV && m->updates > 1) {
			uint32_t pi = r->prev;

			m->rates[i] = m->rates_old[pi];
			m->rates[i].prev = pi;
			m->rates[i].same = true;
		}
		/* The very first sample has no interval: no rates to keep. */
		if (m->updates == 0)
			continue;
		cpu10 = r->cpu_pct * 10.0 + 0.5;
		h->cpu[slot] = cpu10 >= 65535.0 ? 65535 :
		    cpu10 > 0 ? (uint16_t)cpu10 : 0;
		h->net[slot] = top_hist_enc(r->rx_Bps + r->tx_Bps);
		h->dsk[slot] = top_hist_enc(r->vbd_rsect_ps + r->vbd_wsect_ps);
		if (h->n < TOP_HIST)
			h->n++;
	}
	top_model_hosts(m);
	top_model_pcpus(m);
	top_model_count(m);
	m->wall = m->next_wall != 0 ? m->next_wall : (double)c->wall_s;
	m->next_wall = 0;
	m->updates++;
}

void
top_model_counts(const struct top_model *m, struct top_counts *n)
{
	*n = m->counts;
}

void
top_model_mem(const struct top_model *m, uint64_t *total, uint64_t *used,
    uint64_t *free_kb)
{
	const struct snap *s = top_model_cur(m);
	size_t h;

	*total = *used = *free_kb = 0;
	for (h = 0; h < s->n_host; h++) {
		*total += s->hosts[h].mem_total_kb;
		*free_kb += s->hosts[h].mem_free_kb;
	}
	*used = *total >= *free_kb ? *total - *free_kb : 0;
}

size_t
top_model_host_states(const struct top_model *m,
    unsigned counts[SNAP_HOST_RETRYING + 1])
{
	const struct snap *s = top_model_cur(m);
	size_t h;

	memset(counts, 0, sizeof counts[0] * (SNAP_HOST_RETRYING + 1));
	for (h = 0; h < s->n_host; h++) {
		int st = s->hosts[h].state;

		if (st >= 0 && st <= SNAP_HOST_RETRYING)
			counts[st]++;
	}
	return s->n_host;
}
