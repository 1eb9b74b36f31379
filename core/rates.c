/*
 * rates.c - per-second rates from two snapshots (see rates.h).
 *
 * Both snapshots are sorted by (host, id), so pairing is a merge walk:
 * O(n) and no allocation, which keeps a 10,000-domain refresh cheap.
 */
#include "core/rates.h"

#include <string.h>

/* Counter delta, treating a counter that went backwards (a reset behind
 * our back) as restarted from zero. */
static uint64_t
rates_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

static double
rates_per_s(uint64_t prev, uint64_t cur, double secs)
{
	return secs > 0 ? (double)rates_delta(prev, cur) / secs : 0.0;
}

/* Interval in seconds between two snapshots; 0 when unusable. */
static double
rates_interval(const struct snap *prev, const struct snap *cur)
{
	if (prev == NULL || cur->mono_ns <= prev->mono_ns)
		return 0.0;
	return (double)(cur->mono_ns - prev->mono_ns) / 1e9;
}

double
rates_host_interval(const struct snap *prev, const struct snap *cur,
    uint16_t host, bool *same)
{
	const struct snap_host *ch, *ph;

	if (same != NULL)
		*same = false;
	if (prev == NULL)
		return 0.0;
	ch = host < cur->n_host ? &cur->hosts[host] : NULL;
	ph = host < prev->n_host ? &prev->hosts[host] : NULL;
	if ((ch == NULL || ch->sample_ns == 0) &&
	    (ph == NULL || ph->sample_ns == 0))
		return rates_interval(prev, cur);
	if (ch == NULL || ph == NULL || ch->sample_ns == 0 ||
	    ph->sample_ns == 0 || strcmp(ch->name, ph->name) != 0)
		return 0.0;
	if (ch->sample_ns == ph->sample_ns && same != NULL)
		*same = true;
	if (ch->sample_ns <= ph->sample_ns)
		return 0.0;
	return (double)(ch->sample_ns - ph->sample_ns) / 1e9;
}

static int
rates_key_cmp(const struct snap_dom *a, const struct snap_dom *b)
{
	if (a->host != b->host)
		return a->host < b->host ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/*
 * Whether a domain with no previous sample can have existed only within
 * the interval: its CPU time fits in secs on all of its vcpus (with some
 * slack for when the samples were taken). One that does not existed
 * before it (renamed in place, or newly let through a filter or a
 * policy), and rating it from zero would show its whole life as one
 * interval: its rates are unknown, shown as 0, until the next sample.
 */
static bool
rates_fits_interval(const struct snap_dom *cd, double secs)
{
	uint32_t v = cd->vcpus_online;

	if (cd->n_vcpu > v)
		v = cd->n_vcpu;
	if (cd->vcpus_max > v)
		v = cd->vcpus_max;
	if (v == 0)
		v = 1;
	return (double)cd->cpu_ns <= secs * 1e9 * v * 1.05 + 1e8;
}

/* The interval to rate a domain over: 0 (no rates) for one with no
 * previous sample that cannot have started within it. */
static double
rates_dom_secs(const struct snap_dom *pd, const struct snap_dom *cd,
    double secs)
{
	return pd == NULL && !rates_fits_interval(cd, secs) ? 0.0 : secs;
}

/*
 * Fill one row. pd is the previous sample of the same domain or NULL;
 * without one, counters are taken from zero: a domain that appeared in
 * the interval accumulated all of its counters within it.
 */
static void
rates_fill(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd, double secs,
    struct rate_dom *r)
{
	static const struct snap_dom_totals zero;
	struct snap_dom_totals pt, ct;
	uint64_t pcpu = 0;

	snap_dom_totals(cur, cd, &ct);
	if (pd != NULL) {
		snap_dom_totals(prev, pd, &pt);
		pcpu = pd->cpu_ns;
	} else
		pt = zero;
	secs = rates_dom_secs(pd, cd, secs);
	r->cpu_pct = secs > 0 ?
	    (double)rates_delta(pcpu, cd->cpu_ns) / (secs * 1e9) * 100.0 : 0.0;
	r->rx_Bps = rates_per_s(pt.rx_bytes, ct.rx_bytes, secs);
	r->tx_Bps = rates_per_s(pt.tx_bytes, ct.tx_bytes, secs);
	r->rx_pps = rates_per_s(pt.rx_pkts, ct.rx_pkts, secs);
	r->tx_pps = rates_per_s(pt.tx_pkts, ct.tx_pkts, secs);
	r->vbd_oo_ps = rates_per_s(pt.vbd_oo, ct.vbd_oo, secs);
	r->vbd_rd_ps = rates_per_s(pt.vbd_rd, ct.vbd_rd, secs);
	r->vbd_wr_ps = rates_per_s(pt.vbd_wr, ct.vbd_wr, secs);
	r->vbd_rsect_ps = rates_per_s(pt.vbd_rsect, ct.vbd_rsect, secs);
	r->vbd_wsect_ps = rates_per_s(pt.vbd_wsect, ct.vbd_wsect, secs);
	r->fresh = pd == NULL;
}

void
rates_compute(const struct snap *prev, const struct snap *cur,
    struct rate_dom *out)
{
	double secs = 0;
	size_t i, j = 0, np = prev != NULL ? prev->n_dom : 0;
	uint32_t host = UINT32_MAX;
	bool same = false;

	for (i = 0; i < cur->n_dom; i++) {
		const struct snap_dom *cd = &cur->dom[i];
		const struct snap_dom *pd = NULL;

		/* Sorted by host: one interval per host. */
		if (cd->host != host) {
			host = cd->host;
			secs = rates_host_interval(prev, cur, cd->host, &same);
		}
		while (j < np && rates_key_cmp(&prev->dom[j], cd) < 0)
			j++;
		/* Same id but another name: a different domain that reused
		 * the id; its counters started again. */
		if (j < np && rates_key_cmp(&prev->dom[j], cd) == 0 &&
		    strcmp(snap_dom_name(prev, &prev->dom[j]),
		    snap_dom_name(cur, cd)) == 0)
			pd = &prev->dom[j];
		memset(&out[i], 0, sizeof out[i]);
		rates_fill(prev, pd, cur, cd, secs, &out[i]);
		out[i].same = same;
		out[i].prev = pd != NULL ? (uint32_t)(pd - prev->dom) :
		    RATES_NO_PREV;
	}
}

void
rates_vcpus(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd, double *pct_out)
{
	double secs = rates_dom_secs(pd, cd,
	    rates_host_interval(prev, cur, cd->host, NULL));
	const struct snap_vcpu *cv = snap_dom_vcpus(cur, cd);
	const struct snap_vcpu *pv = pd != NULL ? snap_dom_vcpus(prev, pd) :
	    NULL;
	uint32_t i;

	for (i = 0; i < cd->n_vcpu; i++) {
		uint64_t p = (pv != NULL && i < pd->n_vcpu) ? pv[i].ns : 0;

		pct_out[i] = secs > 0 ?
		    (double)rates_delta(p, cv[i].ns) / (secs * 1e9) * 100.0 :
		    0.0;
	}
}

void
rates_nets(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd, struct rate_net *out)
{
	double secs = rates_dom_secs(pd, cd,
	    rates_host_interval(prev, cur, cd->host, NULL));
	const struct snap_net *cn = snap_dom_nets(cur, cd);
	static const struct snap_net zero;
	uint32_t i, k;

	for (i = 0; i < cd->n_net; i++) {
		const struct snap_net *p = &zero;

		for (k = 0; pd != NULL && k < pd->n_net; k++) {
			if (snap_dom_nets(prev, pd)[k].id == cn[i].id) {
				p = &snap_dom_nets(prev, pd)[k];
				break;
			}
		}
		out[i].rx_Bps = rates_per_s(p->rx_bytes, cn[i].rx_bytes, secs);
		out[i].tx_Bps = rates_per_s(p->tx_bytes, cn[i].tx_bytes, secs);
		out[i].rx_pps = rates_per_s(p->rx_pkts, cn[i].rx_pkts, secs);
		out[i].tx_pps = rates_per_s(p->tx_pkts, cn[i].tx_pkts, secs);
	}
}

void
rates_vbds(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd, struct rate_vbd *out)
{
	double secs = rates_dom_secs(pd, cd,
	    rates_host_interval(prev, cur, cd->host, NULL));
	const struct snap_vbd *cv = snap_dom_vbds(cur, cd);
	static const struct snap_vbd zero;
	uint32_t i, k;

	for (i = 0; i < cd->n_vbd; i++) {
		const struct snap_vbd *p = &zero;

		for (k = 0; pd != NULL && k < pd->n_vbd; k++) {
			if (snap_dom_vbds(prev, pd)[k].dev == cv[i].dev) {
				p = &snap_dom_vbds(prev, pd)[k];
				break;
			}
		}
		out[i].oo_ps = rates_per_s(p->oo, cv[i].oo, secs);
		out[i].rd_ps = rates_per_s(p->rd_reqs, cv[i].rd_reqs, secs);
		out[i].wr_ps = rates_per_s(p->wr_reqs, cv[i].wr_reqs, secs);
		out[i].rsect_ps = rates_per_s(p->rd_sect, cv[i].rd_sect, secs);
		out[i].wsect_ps = rates_per_s(p->wr_sect, cv[i].wr_sect, secs);
	}
}

double
rates_host_cpu(const struct snap *prev, const struct snap *cur, uint16_t host)
{
	double secs = prev != NULL ? rates_host_interval(prev, cur, host,
	    NULL) : 0.0;
	const struct snap_host *ch, *ph;
	uint64_t busy = 0;
	size_t i, j;
	double pct;

	if (secs <= 0 || host >= cur->n_host || host >= prev->n_host)
		return 0.0;
	ch = &cur->hosts[host];
	ph = &prev->hosts[host];
	if (ch->ncpus == 0)
		return 0.0;
	if (ch->n_pcpu > 0 && ch->n_pcpu == ph->n_pcpu) {
		for (i = 0; i < ch->n_pcpu; i++)
			busy += rates_delta(prev->pcpu_ns[ph->pcpu_off + i],
			    cur->pcpu_ns[ch->pcpu_off + i]);
	} else {
		/* Sum of the domains present in both samples. */
		for (i = 0, j = 0; i < cur->n_dom; i++) {
			const struct snap_dom *cd = &cur->dom[i];

			if (cd->host != host)
				continue;
			while (j < prev->n_dom &&
			    rates_key_cmp(&prev->dom[j], cd) < 0)
				j++;
			if (j < prev->n_dom &&
			    rates_key_cmp(&prev->dom[j], cd) == 0)
				busy += rates_delta(prev->dom[j].cpu_ns,
				    cd->cpu_ns);
		}
	}
	pct = (double)busy / (secs * 1e9 * ch->ncpus) * 100.0;
	return pct > 100.0 ? 100.0 : pct;
}
