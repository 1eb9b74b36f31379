/*
 * top_views.c - the screens that take the list's place: the detail view
 * of one domain (its figures, history graphs, vcpus, vifs and vbds), the
 * help screen (keys from the key table, then every column) and the
 * column picker. top_draw.c draws the frame around them.
 */
#include "top/top_ui.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* ---- detail view ---- */

/* A bar graph of one history series, h rows by w columns, newest at the
 * right, scaled to max(top, the largest sample). */
static void
draw_graph(struct top_ui *ui, int y, int x, int h, int w,
    const struct top_hist *hist, int series, double top, attr_t a)
{
	static const char *const part[9] = { " ", "\xe2\x96\x81",
	    "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85",
	    "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	double maxv = top;
	int k, r;

	if (w > TOP_HIST)
		w = TOP_HIST;
	for (k = 0; k < w; k++) {
		double v = top_hist_get(&ui->m, hist, series, (unsigned)k);

		if (v > maxv)
			maxv = v;
	}
	if (maxv <= 0)
		maxv = 1;
	for (k = 0; k < w; k++) {
		double v = top_hist_get(&ui->m, hist, series,
		    (unsigned)(w - 1 - k));
		int eighths = v > 0 ? (int)(v / maxv * h * 8 + 0.5) : 0;

		for (r = 0; r < h; r++) {
			int lvl = eighths - (h - 1 - r) * 8;
			const char *ch;

			if (lvl <= 0)
				ch = v >= 0 ? " " : ".";
			else if (lvl >= 8)
				ch = ui->m.ascii_only ? "#" : part[8];
			else
				ch = ui->m.ascii_only ? (lvl >= 4 ? "#" : ".")
				    : part[lvl];
			if (v < 0 && r < h - 1)
				ch = " ";
			top_put(y + r, x + k, ch, a, 1);
		}
	}
}

static int
detail_graphs(struct top_ui *ui, int y, uint32_t i, int room)
{
	const struct snap_dom *d = &top_model_cur(&ui->m)->dom[i];
	const struct rate_dom *r = &ui->m.rates[i];
	const struct top_hist *h = &ui->m.hist[i];
	int gh = room >= 18 ? 3 : 1, gw = COLS - 22, k;
	char lab[3][64], a[16], b[16];
	static const int series[3] = { TOP_SERIES_CPU, TOP_SERIES_NET,
	    TOP_SERIES_DSK };
	static const int els[3] = { TH_GRAPH_CPU, TH_GRAPH_NET, TH_GRAPH_DSK };
	double tops[3];

	tops[0] = 100.0 * (d->vcpus_online ? d->vcpus_online : 1);
	tops[1] = tops[2] = 0;
	snprintf(lab[0], sizeof lab[0], "CPU %.1f%%", r->cpu_pct);
	top_fmt_scaled(r->rx_Bps + r->tx_Bps, 1024, a, sizeof a);
	snprintf(lab[1], sizeof lab[1], "Net %sB/s", a);
	top_fmt_scaled((r->vbd_rsect_ps + r->vbd_wsect_ps) * 512, 1024, b,
	    sizeof b);
	snprintf(lab[2], sizeof lab[2], "Disk %sB/s", b);
	if (gw < 8 || room < 3 * gh)
		gh = 0;
	for (k = 0; k < 3; k++) {
		top_put(y, 0, lab[k], ui->attrs[TH_LABEL], 20);
		if (gh > 0)
			draw_graph(ui, y, 21, gh, gw, h, series[k], tops[k],
			    ui->attrs[els[k]]);
		y += gh > 0 ? gh : 1;
	}
	return y;
}

void
top_draw_detail(struct top_ui *ui, int y)
{
	const struct snap *s = top_model_cur(&ui->m);
	const struct snap *ps = top_model_prev(&ui->m);
	const struct snap_dom *d, *pd = NULL;
	char line[1200], name[512], st[SNAP_STATE_LEN + 1], a[16], b[16];
	uint32_t i, k;
	int bottom = LINES - 1;

	ui->header_y = ui->rows_y = -1;
	if (ui->m.n_order == 0 || ui->sel >= ui->m.n_order) {
		top_put(y, 0, "the domain is gone", ui->attrs[TH_STATUS_ERR], -1);
		return;
	}
	i = ui->m.order[ui->sel];
	d = &s->dom[i];
	if (ui->m.rates[i].prev != RATES_NO_PREV)
		pd = &ps->dom[ui->m.rates[i].prev];
	top_col_text(&ui->m, COL_NAME, i, name, sizeof name);
	snap_state_str(d->flags, st);
	snprintf(line, sizeof line, "%s  id %u  %s  vcpus %u/%u  mem %lluk "
	    "max %s", name, d->id, st, d->vcpus_online, d->vcpus_max,
	    (unsigned long long)d->mem_kb, d->maxmem_kb == SNAP_MEM_UNLIMITED
	    ? "no limit" : "");
	if (d->maxmem_kb != SNAP_MEM_UNLIMITED) {
		size_t l = strlen(line);

		snprintf(line + l, sizeof line - l, "%lluk",
		    (unsigned long long)d->maxmem_kb);
	}
	top_put(y++, 0, line, ui->attrs[TH_LABEL], -1);
	y = detail_graphs(ui, y, i, bottom - y);

	/* per-vcpu */
	if (y < bottom) {
		double *pct = xcalloc(d->n_vcpu + 1, sizeof *pct);
		const struct snap_vcpu *v = snap_dom_vcpus(s, d);
		bool have_prev = pd != NULL && pd->n_vcpu == d->n_vcpu;

		rates_vcpus(ps, have_prev ? pd : NULL, s, d, pct);
		top_put(y++, 0, d->n_vcpu ? "VCPU ONLINE    TIME(s) CPU(%)" :
		    "VCPU (no per-vcpu data yet)", ui->attrs[TH_HEADER], -1);
		for (k = 0; k < d->n_vcpu && y < bottom; k++) {
			char p[16];

			if (have_prev && ui->m.interval_s > 0)
				snprintf(p, sizeof p, "%6.1f", pct[k]);
			else
				snprintf(p, sizeof p, "%6s", "-");
			snprintf(line, sizeof line, "%4u %6s %10llu %s", k,
			    v[k].online ? "yes" : "no",
			    (unsigned long long)(v[k].ns / 1000000000ull), p);
			top_put(y++, 0, line, ui->attrs[TH_ROW], -1);
		}
		free(pct);
	}
	/* per-vif */
	if (y < bottom && d->n_net > 0) {
		struct rate_net *rn = xcalloc(d->n_net, sizeof *rn);
		const struct snap_net *nv = snap_dom_nets(s, d);

		rates_nets(ps, pd, s, d, rn);
		top_put(y++, 0, "VIF   RX_BYTES  RX_PKTS RX_ERR RX_DROP   "
		    "TX_BYTES  TX_PKTS TX_ERR TX_DROP    RX/s    TX/s",
		    ui->attrs[TH_HEADER], -1);
		for (k = 0; k < d->n_net && y < bottom; k++) {
			/* counters scaled when too long for their column */
			char c[8][16];

			top_fmt_fit(nv[k].rx_bytes, 10, c[0], sizeof c[0]);
			top_fmt_fit(nv[k].rx_pkts, 8, c[1], sizeof c[1]);
			top_fmt_fit(nv[k].rx_errs, 6, c[2], sizeof c[2]);
			top_fmt_fit(nv[k].rx_drops, 7, c[3], sizeof c[3]);
			top_fmt_fit(nv[k].tx_bytes, 10, c[4], sizeof c[4]);
			top_fmt_fit(nv[k].tx_pkts, 8, c[5], sizeof c[5]);
			top_fmt_fit(nv[k].tx_errs, 6, c[6], sizeof c[6]);
			top_fmt_fit(nv[k].tx_drops, 7, c[7], sizeof c[7]);
			top_fmt_scaled(rn[k].rx_Bps, 1024, a, sizeof a);
			top_fmt_scaled(rn[k].tx_Bps, 1024, b, sizeof b);
			snprintf(line, sizeof line, "%3u %10s %8s %6s %7s %10s "
			    "%8s %6s %7s %7s %7s", nv[k].id, c[0], c[1], c[2],
			    c[3], c[4], c[5], c[6], c[7], a, b);
			top_put(y++, 0, line, ui->attrs[TH_ROW], -1);
		}
		free(rn);
	}
	/* per-vbd */
	if (y < bottom && d->n_vbd > 0) {
		struct rate_vbd *rv = xcalloc(d->n_vbd, sizeof *rv);
		const struct snap_vbd *vv = snap_dom_vbds(s, d);

		rates_vbds(ps, pd, s, d, rv);
		top_put(y++, 0, "VBD        OO       RD       WR      RSECT      "
		    "WSECT   RD/s   WR/s RSECT/s WSECT/s", ui->attrs[TH_HEADER],
		    -1);
		for (k = 0; k < d->n_vbd && y < bottom; k++) {
			char dev[16], r1[16], r2[16], r3[16], r4[16];

			char c[5][16];

			snap_vbd_name(vv[k].dev, dev, sizeof dev);
			top_fmt_fit(vv[k].oo, 6, c[0], sizeof c[0]);
			top_fmt_fit(vv[k].rd_reqs, 8, c[1], sizeof c[1]);
			top_fmt_fit(vv[k].wr_reqs, 8, c[2], sizeof c[2]);
			top_fmt_fit(vv[k].rd_sect, 10, c[3], sizeof c[3]);
			top_fmt_fit(vv[k].wr_sect, 10, c[4], sizeof c[4]);
			top_fmt_scaled(rv[k].rd_ps, 1000, r1, sizeof r1);
			top_fmt_scaled(rv[k].wr_ps, 1000, r2, sizeof r2);
			top_fmt_scaled(rv[k].rsect_ps, 1000, r3, sizeof r3);
			top_fmt_scaled(rv[k].wsect_ps, 1000, r4, sizeof r4);
			snprintf(line, sizeof line, "%-6s %6s %8s %8s %10s "
			    "%10s %6s %6s %7s %7s", dev, c[0], c[1], c[2],
			    c[3], c[4], r1, r2, r3, r4);
			top_put(y++, 0, line, ui->attrs[TH_ROW], -1);
		}
		free(rv);
	}
}

/* ---- help and columns screens ---- */

/* The keys (from the key table) and then every column. */
void
top_draw_help(struct top_ui *ui, int y)
{
	char line[256];
	int n = 0, total, k;

	while (top_keys_help_line((size_t)n, line, sizeof line))
		n++;
	total = n + COL__COUNT;
	if (ui->help_top > total - 1)
		ui->help_top = total - 1;
	if (ui->help_top < 0)
		ui->help_top = 0;
	for (k = ui->help_top; k < total && y < LINES - 1; k++, y++) {
		if (k < n) {
			top_keys_help_line((size_t)k, line, sizeof line);
			top_put(y, 0, line, ui->attrs[k == 0 ||
			    k == n - 1 ? TH_LABEL : TH_ROW], -1);
			continue;
		}
		snprintf(line, sizeof line, "  %-11s %s",
		    top_cols[k - n].title, top_cols[k - n].help);
		top_put(y, 0, line, ui->attrs[TH_ROW], -1);
	}
}

void
top_draw_columns(struct top_ui *ui, int y)
{
	int k, first;

	top_put(y++, 0, "Columns: Space shows/hides, < > (or - +) move, Esc "
	    "back", ui->attrs[TH_LABEL], -1);
	first = ui->col_cursor - (LINES - 2 - y) + 1;
	if (first < 0)
		first = 0;
	for (k = first; k < COL__COUNT && y < LINES - 1; k++, y++) {
		int c = ui->order[k];
		char line[256];

		snprintf(line, sizeof line, "[%c] %-11s %s", ui->shown[c] ?
		    'x' : ' ', top_cols[c].title, top_cols[c].help);
		top_fill(y, 0, COLS, ui->attrs[k == ui->col_cursor ? TH_ROW_SEL :
		    TH_ROW]);
		top_put(y, 0, line, ui->attrs[k == ui->col_cursor ? TH_ROW_SEL :
		    TH_ROW], -1);
	}
}
