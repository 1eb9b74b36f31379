/*
 * top_summary.c - the lines above the table, shared by the screen and
 * text batch output (--summary): the title, domains by state, memory and
 * CPUs, a fleet's hosts; and xentop's sub-lines under a domain (-n, -x,
 * -v). Names, versions and statuses are escaped.
 */
#include "top/top_int.h"

#include <string.h>
#include <time.h>

/* ---- summary lines ---- */

bool
top_batch_simulated(const struct top_model *m, const struct top_opts *o)
{
	const struct snap *s = top_model_cur(m);
	bool sim = o->simulated;
	size_t h;

	for (h = 0; h < s->n_host; h++)
		sim = sim || s->hosts[h].simulated;
	return sim;
}

void
top_fmt_title(const struct top_model *m, const struct top_opts *o, char *buf,
    size_t len)
{
	const struct snap *s = top_model_cur(m);
	char hms[16] = "--:--:--";
	time_t t = (time_t)m->wall;
	struct tm tm;
	bool sim = o->simulated;
	size_t h;

	for (h = 0; h < s->n_host; h++)
		sim = sim || s->hosts[h].simulated;
	if (t == 0)
		t = time(NULL);
	if (localtime_r(&t, &tm) != NULL)
		strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	if (o->mode == TOP_MODE_RESTRICTED || s->n_host == 0)
		snprintf(buf, len, "xdom top - %s%s", hms,
		    sim ? "   SIMULATED" : "");
	else if (o->remote || s->n_host > 1) {
		unsigned c[SNAP_HOST_RETRYING + 1];
		size_t n = top_model_host_states(m, c);

		snprintf(buf, len, "xdom top - %s   Fleet: %zu host%s, %u up%s",
		    hms, n, n == 1 ? "" : "s", c[SNAP_HOST_UP],
		    sim ? "   SIMULATED" : "");
	} else {
		char ver[4 * 32 + 8];

		top_name_escape(s->hosts[0].hv_version, true, ver, sizeof ver);
		snprintf(buf, len, "xdom top - %s   Xen %s%s", hms, ver,
		    sim ? "   SIMULATED" : "");
	}
}

void
top_fmt_counts(const struct top_model *m, char *buf, size_t len)
{
	struct top_counts c;

	top_model_counts(m, &c);
	snprintf(buf, len, "%u domains: %u running, %u blocked, %u paused, "
	    "%u crashed, %u dying, %u shutdown", c.total, c.running,
	    c.blocked, c.paused, c.crashed, c.dying, c.shutdown);
}

void
top_fmt_memline(const struct top_model *m, char *buf, size_t len)
{
	const struct snap *s = top_model_cur(m);
	uint64_t total, used, free_kb;
	uint32_t cpus = s->n_host > 0 ? s->hosts[0].ncpus : 0;
	uint32_t mhz = s->n_host > 0 ? s->hosts[0].cpu_mhz : 0;
	size_t h;

	top_model_mem(m, &total, &used, &free_kb);
	if (s->n_host > 1) {
		/* A fleet: CPUs of every host that reported, no clock. */
		for (cpus = 0, h = 0; h < s->n_host; h++)
			cpus += s->hosts[h].ncpus;
		snprintf(buf, len, "Mem: %lluk total, %lluk used, %lluk free"
		    "    CPUs: %u (all hosts) %.1f%%",
		    (unsigned long long)total, (unsigned long long)used,
		    (unsigned long long)free_kb, cpus, m->host_cpu_pct);
		return;
	}
	snprintf(buf, len, "Mem: %lluk total, %lluk used, %lluk free    "
	    "CPUs: %u @ %uMHz", (unsigned long long)total,
	    (unsigned long long)used, (unsigned long long)free_kb, cpus, mhz);
}

void
top_fmt_hosts_line(const struct top_model *m, char *buf, size_t len)
{
	unsigned c[SNAP_HOST_RETRYING + 1];
	size_t n = top_model_host_states(m, c), o;
	int st;

	o = (size_t)snprintf(buf, len, "Hosts: %zu, %u up", n,
	    c[SNAP_HOST_UP]);
	for (st = SNAP_HOST_CONNECTING; st <= SNAP_HOST_RETRYING; st++) {
		if (c[st] == 0 || o >= len)
			continue;
		o += (size_t)snprintf(buf + o, len - o, ", %u %s", c[st],
		    hv_host_state_name(st));
	}
}

int
top_host_label_width(const struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	char esc[4 * 128 + 8];
	int w = 4, l;
	size_t h;

	for (h = 0; h < s->n_host; h++) {
		top_name_escape(s->hosts[h].name, m->ascii_only, esc,
		    sizeof esc);
		l = top_text_width(esc);
		if (l > w)
			w = l;
	}
	return w > 40 ? 40 : w;
}

void
top_fmt_host_line(const struct top_model *m, size_t h, int label_w,
    char *buf, size_t len)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_host *sh = &s->hosts[h];
	const struct top_host_row *r = &m->host_rows[h];
	char label[4 * 128 + 8], status[4 * 96 + 8], a[16], b[16];
	int pad;

	top_name_escape(sh->name, m->ascii_only, label, sizeof label);
	top_text_cut(label, label_w);
	pad = label_w - top_text_width(label);
	if (sh->state != SNAP_HOST_UP) {
		top_name_escape(sh->status, m->ascii_only, status,
		    sizeof status);
		snprintf(buf, len, "%s%*s  %-12s %s", label, pad > 0 ? pad : 0,
		    "", hv_host_state_name(sh->state), status);
		return;
	}
	top_fmt_scaled((double)r->mem_used_kb * 1024, 1024, a, sizeof a);
	top_fmt_scaled((double)sh->mem_total_kb * 1024, 1024, b, sizeof b);
	snprintf(buf, len, "%s%*s  %-12s %4u domains %4u running  CPU %5.1f%% "
	    "of %u  Mem %s/%s", label, pad > 0 ? pad : 0, "",
	    hv_host_state_name(sh->state), r->doms, r->running, r->cpu_pct,
	    sh->ncpus, a, b);
}

/* ---- xentop's sub-lines ---- */

void
top_fmt_net_line(const struct top_model *m, uint32_t i, uint32_t k,
    char *buf, size_t len)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_net *n = &snap_dom_nets(s, &s->dom[i])[k];

	snprintf(buf, len, "Net%u RX: %8llubytes %8llupkts %8lluerr "
	    "%8lludrop  TX: %8llubytes %8llupkts %8lluerr %8lludrop",
	    n->id, (unsigned long long)n->rx_bytes,
	    (unsigned long long)n->rx_pkts, (unsigned long long)n->rx_errs,
	    (unsigned long long)n->rx_drops, (unsigned long long)n->tx_bytes,
	    (unsigned long long)n->tx_pkts, (unsigned long long)n->tx_errs,
	    (unsigned long long)n->tx_drops);
}

void
top_fmt_vbd_line(const struct top_model *m, uint32_t i, uint32_t k,
    char *buf, size_t len)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_vbd *v = &snap_dom_vbds(s, &s->dom[i])[k];
	char dev[16];

	snap_vbd_name(v->dev, dev, sizeof dev);
	snprintf(buf, len, "VBD BlkBack %5u [%s] OO: %8llu   RD: %8llu   "
	    "WR: %8llu  RSECT: %10llu  WSECT: %10llu", v->dev, dev,
	    (unsigned long long)v->oo, (unsigned long long)v->rd_reqs,
	    (unsigned long long)v->wr_reqs, (unsigned long long)v->rd_sect,
	    (unsigned long long)v->wr_sect);
}

/* xentop's vcpu line: online vcpus only, by index; in batch output a
 * new line of eight spaces before every fifth index, as xentop. */
void
top_fmt_vcpus(const struct top_model *m, uint32_t i, bool wrap, char *buf,
    size_t len)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_dom *d = &s->dom[i];
	const struct snap_vcpu *v = snap_dom_vcpus(s, d);
	size_t o;
	uint32_t k;

	o = (size_t)snprintf(buf, len, "VCPUs(sec): ");
	for (k = 0; k < d->n_vcpu && o < len; k++) {
		if (!v[k].online)
			continue;
		if (wrap && k != 0 && k % 5 == 0)
			o += (size_t)snprintf(buf + o, len - o, "\n        ");
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, " %2u: %10llus",
			    k, (unsigned long long)(v[k].ns / 1000000000ull));
	}
}

void
top_fmt_vcpu_line(const struct top_model *m, uint32_t i, char *buf,
    size_t len)
{
	top_fmt_vcpus(m, i, false, buf, len);
}

