/*
 * rates.h - per-second rates from two snapshots.
 *
 * CPU% is computed as xentop does: CPU time used in the interval as a
 * percentage of one physical CPU (a 4-vcpu guest can show 400%). Network
 * and block rates are per second. Domains are paired by (host, id) and
 * name: a domain that changed id (a reboot) or newly appeared has no
 * previous sample, and its rates are computed against zero counters over
 * the interval, so they are real figures, never garbage or a blank; such
 * rows are marked fresh. A fresh domain whose CPU time could not fit in
 * the interval existed before it (a rename in place, a domain newly let
 * through a filter): its rates are 0 rather than its whole life as one
 * interval. A domain that vanished simply has no row.
 * Intervals are per host (rates_host_interval): remote hosts of a fleet
 * sample at their own times.
 */
#ifndef XDOM_CORE_RATES_H
#define XDOM_CORE_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/snap.h"

#define RATES_NO_PREV UINT32_MAX

struct rate_dom {
	double cpu_pct;		/* % of one physical CPU */
	double rx_Bps, tx_Bps;	/* network bytes per second, all vifs */
	double rx_pps, tx_pps;	/* network packets per second */
	double vbd_oo_ps;	/* block out-of-request events per second */
	double vbd_rd_ps, vbd_wr_ps;	/* block requests per second */
	double vbd_rsect_ps, vbd_wsect_ps;	/* sectors per second */
	bool fresh;		/* no previous sample for this domain */
	bool same;		/* its host sent no new sample since prev
				   (same snap_host.sample_ns): rates are 0
				   here; a view keeps the last ones */
	uint32_t prev;		/* index in prev->dom, or RATES_NO_PREV */
};

/*
 * The interval, in seconds, over which host h's counters moved between
 * prev and cur. Hosts with sample times (snap_host.sample_ns, remote
 * hosts) use them when the host is the same (index and name) in both:
 * the interval is then on the host's own clock, whatever the network
 * delayed. A host that has a sample time in one snapshot only (it just
 * came up) has none: 0. Hosts without sample times use the snapshots'
 * mono_ns. *same (may be NULL) says the host's sample did not change.
 */
double rates_host_interval(const struct snap *prev, const struct snap *cur,
    uint16_t host, bool *same);

/*
 * Compute out[i] for each cur->dom[i]; out has cur->n_dom entries.
 * prev may be NULL or empty (then every row is fresh and the interval is
 * taken as cur's own). Both snapshots must be snap_finish()ed. O(n).
 */
void rates_compute(const struct snap *prev, const struct snap *cur,
    struct rate_dom *out);

/* Rates for the sub-records of one domain (detail view). pd may be NULL.
 * out arrays have cd->n_vcpu / n_net / n_vbd entries; sub-records are
 * paired by vcpu index, vif id and vbd device number. */
struct rate_net { double rx_Bps, tx_Bps, rx_pps, tx_pps; };
struct rate_vbd { double oo_ps, rd_ps, wr_ps, rsect_ps, wsect_ps; };
void rates_vcpus(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd, double *pct_out);
void rates_nets(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd,
    struct rate_net *out);
void rates_vbds(const struct snap *prev, const struct snap_dom *pd,
    const struct snap *cur, const struct snap_dom *cd,
    struct rate_vbd *out);

/* Host CPU use in percent of all physical CPUs (0..100), from the sum of
 * domain CPU times, or from per-pCPU counters when both have them. */
double rates_host_cpu(const struct snap *prev, const struct snap *cur,
    uint16_t host);

#endif
