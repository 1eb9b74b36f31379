/*
 * sim_load.c - the simulated guests' load: seeded, time-based, closed form.
 *
 * Each counter is rate x I(tau), where tau is the domain's running time and
 * I(tau) = tau + sum a/w (cos p - cos(w tau + p)) is the exact integral of
 * the load shape 1 + sum a sin(w t + p). Nothing accumulates anywhere, so
 * any process can compute any guest's counters at any moment, and a test
 * can compute what an interval must show (sim_expect). The mean figures per
 * profile are tabled in sim.h; keep the two in step.
 */
#include "hypervisor/sim/sim.h"

#include <math.h>
#include <string.h>

struct sim_prof_row {
	const char *name;
	double cpu_pct;		/* per online vcpu */
	double rx_kBps, tx_kBps;
	double rd_ps, wr_ps;
	double rd_sect, wr_sect;
	double wave;		/* amplitude factor of the sines (1 = 0.37) */
	double scale_var;	/* per-guest scale spread */
};

static const struct sim_prof_row sim_prof[SIM_PROF__COUNT] = {
	[SIM_PROF_IDLE] = { "idle", 1, 2, 1, 0.2, 1, 8, 8, 1, 0.25 },
	[SIM_PROF_WEB] = { "web", 8, 400, 2500, 15, 8, 16, 16, 1, 0.25 },
	[SIM_PROF_DB] = { "db", 10, 1500, 800, 250, 180, 16, 16, 1, 0.25 },
	[SIM_PROF_BATCH] = { "batch", 92, 20, 10, 5, 20, 32, 32, 0.135, 0.02 },
	[SIM_PROF_IO] = { "io", 8, 100, 100, 900, 600, 64, 64, 1, 0.25 },
	[SIM_PROF_NET] = { "net", 10, 40000, 35000, 2, 5, 8, 16, 1, 0.25 },
	[SIM_PROF_CRASHED] = { "crashed", 1, 2, 1, 0.2, 1, 8, 8, 1, 0.25 },
};

#define SIM_RX_PKT 800.0
#define SIM_TX_PKT 1100.0
#define SIM_DROP_DIV 200000
#define SIM_OO_DIV 20000

const char *
sim_load_profile_name(unsigned p)
{
	return p < SIM_PROF__COUNT ? sim_prof[p].name : "?";
}

int
sim_load_profile_parse(const char *s)
{
	unsigned i;

	for (i = 0; i < SIM_PROF__COUNT; i++)
		if (strcmp(s, sim_prof[i].name) == 0)
			return (int)i;
	return -1;
}

/* splitmix64: a small, well-mixed sequence from a seed. */
static uint64_t
sim_load_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double
sim_load_unit(uint64_t *x)
{
	return (double)(sim_load_next(x) >> 11) / 9007199254740992.0;
}

static uint64_t
sim_load_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void
sim_load_waves(struct sim_wave w[3], uint64_t *x, double factor)
{
	static const double amp[3] = { 0.12, 0.15, 0.10 };
	static const double pmin[3] = { 4, 40, 600 };
	static const double pmax[3] = { 9, 90, 1200 };
	int i;

	for (i = 0; i < 3; i++) {
		double period = pmin[i] + (pmax[i] - pmin[i]) * sim_load_unit(x);

		w[i].amp = amp[i] * factor;
		w[i].omega = 2.0 * M_PI / period;
		w[i].phase = 2.0 * M_PI * sim_load_unit(x);
		w[i].cos_phase = cos(w[i].phase);
	}
}

void
sim_load_model(struct sim_guest *g, uint64_t seed)
{
	const struct sim_prof_row *p = &sim_prof[g->profile < SIM_PROF__COUNT ?
	    g->profile : SIM_PROF_IDLE];
	struct sim_model *m = &g->m;
	uint64_t x = seed ^ sim_load_hash(g->name);
	double scale;

	scale = 1.0 + p->scale_var * (2.0 * sim_load_unit(&x) - 1.0);
	sim_load_waves(m->cpu, &x, p->wave);
	sim_load_waves(m->io, &x, p->wave);
	m->cpu_ns_per_s = p->cpu_pct / 100.0 * 1e9 * g->vcpus_online * scale;
	m->rx_Bps = p->rx_kBps * 1024.0 * scale;
	m->tx_Bps = p->tx_kBps * 1024.0 * scale;
	m->rd_ps = p->rd_ps * scale;
	m->wr_ps = p->wr_ps * scale;
	m->rd_sect = p->rd_sect;
	m->wr_sect = p->wr_sect;
	m->busy = p->cpu_pct * scale >= 50.0;
}

/* The integral of 1 + sum a sin(w t + p) over [0, tau]. */
static double
sim_load_integral(const struct sim_wave w[3], double tau)
{
	double v = tau;
	int i;

	for (i = 0; i < 3; i++)
		v += w[i].amp / w[i].omega *
		    (w[i].cos_phase - cos(w[i].omega * tau + w[i].phase));
	return v;
}

double
sim_load_tau(const struct sim_guest *g, int64_t now_ns)
{
	int64_t at = now_ns, ns;

	switch (g->run) {
	case SIM_RUNNING:
		break;
	case SIM_PAUSED:
	case SIM_CRASHED:
		at = g->frozen_ms * 1000000;
		break;
	default:
		return 0.0;
	}
	ns = at - g->start_ms * 1000000 - g->paused_ms * 1000000;
	return ns > 0 ? (double)ns * 1e-9 : 0.0;
}

double
sim_load_share(uint32_t n, uint32_t j)
{
	/* weights 1 + 0.25 (n - 1 - j), normalised */
	double sum = n + 0.25 * n * (n - 1) / 2.0;

	if (n == 0 || j >= n)
		return 0.0;
	return (1.0 + 0.25 * (n - 1 - j)) / sum;
}

void
sim_load_counters(const struct sim_guest *g, double tau,
    struct sim_counters *c)
{
	const struct sim_model *m = &g->m;
	double icpu = 0, iio = 0, cpu;
	uint32_t j, on = g->vcpus_online;

	c->cpu_ns = 0;
	c->rx_bytes = c->tx_bytes = c->rx_pkts = c->tx_pkts = 0;
	c->rx_drops = c->rd_reqs = c->wr_reqs = c->rd_sect = 0;
	c->wr_sect = c->oo = 0;
	if (tau > 0) {
		icpu = sim_load_integral(m->cpu, tau);
		iio = sim_load_integral(m->io, tau);
	}
	if (icpu < 0)
		icpu = 0;
	if (iio < 0)
		iio = 0;
	cpu = m->cpu_ns_per_s * icpu;
	if (on > SIM_MAX_VCPUS)
		on = SIM_MAX_VCPUS;
	for (j = 0; j < g->vcpus && j < SIM_MAX_VCPUS; j++) {
		c->vcpu_ns[j] = j < on ?
		    (uint64_t)(cpu * sim_load_share(on, j)) : 0;
		c->cpu_ns += c->vcpu_ns[j];
	}
	if (g->n_net > 0) {
		c->rx_bytes = (uint64_t)(m->rx_Bps * iio);
		c->tx_bytes = (uint64_t)(m->tx_Bps * iio);
		c->rx_pkts = (uint64_t)(c->rx_bytes / SIM_RX_PKT);
		c->tx_pkts = (uint64_t)(c->tx_bytes / SIM_TX_PKT);
		c->rx_drops = c->rx_pkts / SIM_DROP_DIV;
	}
	if (g->n_vbd > 0) {
		c->rd_reqs = (uint64_t)(m->rd_ps * iio);
		c->wr_reqs = (uint64_t)(m->wr_ps * iio);
		c->rd_sect = (uint64_t)(c->rd_reqs * m->rd_sect);
		c->wr_sect = (uint64_t)(c->wr_reqs * m->wr_sect);
		c->oo = (c->rd_reqs + c->wr_reqs) / SIM_OO_DIV;
	}
}
