/*
 * top_cols.c - the dashboard's column table: one row per enum top_col,
 * with its header, width, unit, default sort direction, cell printer,
 * sort key or comparator and help text; number formatting; filtering
 * and sorting of rows.
 *
 * The table is indexed by the enum with designated initialisers and a
 * static assert on its size, so the enum and the table cannot drift apart
 * (xentop's can, and did). Sorting precomputes one numeric key per row
 * and compares doubles, so fractional CPU% and every VBD column sort
 * exactly, and a 10,000-row sort stays cheap.
 */
#include "top/top_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "core/escape.h"

/* ---- number formatting ---- */

void
top_fmt_scaled(double v, unsigned base, char *buf, size_t len)
{
	static const char units[] = "kMGTP";
	double b = base == 1024 ? 1024.0 : 1000.0;
	int u = -1;

	if (!(v >= 0) || isinf(v))	/* negative, NaN, inf: never shown */
		v = 0;
	if (v == 0) {
		snprintf(buf, len, "0");
		return;
	}
	if (v < 9.95) {
		snprintf(buf, len, "%.1f", v);
		return;
	}
	if (v < 999.5) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	while (v >= 999.5 && u < (int)sizeof units - 2) {
		v /= b;
		u++;
	}
	if (v >= 999.5)		/* beyond the last unit: clamp */
		v = 999;
	if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

void
top_fmt_fit(uint64_t v, int width, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%llu", (unsigned long long)v);

	if (n > width)
		top_fmt_scaled((double)v, 1024, buf, len);
}

void
top_name_escape(const char *raw, bool ascii_only, char *buf, size_t len)
{
	char *p;

	xdom_escape(buf, len, raw);
	if (!ascii_only)
		return;
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
}

int
top_text_width(const char *s)
{
	mbstate_t st;
	size_t n = strlen(s);
	int w = 0;

	memset(&st, 0, sizeof st);
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		s += k;
		n -= k;
	}
	return w;
}

void
top_text_cut(char *s, int width)
{
	mbstate_t st;
	size_t n = strlen(s);
	char *p = s;
	int w = 0;

	memset(&st, 0, sizeof st);
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, n, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (w + cw > width)
			break;
		w += cw;
		p += k;
		n -= k;
	}
	*p = '\0';
}

/* ---- row accessors ---- */

static const struct snap_dom *
col_dom(const struct top_model *m, uint32_t i)
{
	return &top_model_cur(m)->dom[i];
}

static uint64_t
col_host_mem(const struct top_model *m, uint32_t i)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_dom *d = col_dom(m, i);

	return d->host < s->n_host ? s->hosts[d->host].mem_total_kb : 0;
}

/* Width a number may take: the column's, or any for exact output. */
static int
col_w(const struct top_model *m, int w)
{
	return m->exact ? 64 : w;
}

bool
top_col_mem_pct(const struct top_model *m, uint32_t i, uint64_t kb,
    double *pct)
{
	uint64_t whole = col_host_mem(m, i);

	*pct = 0;
	if (m->host_hidden || whole == 0)
		return false;
	*pct = (double)kb * 100.0 / (double)whole;
	return true;
}

/* ---- printers and keys, one pair per column ---- */

static void
p_id(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%u", col_dom(m, i)->id);
}
static double
k_id(const struct top_model *m, uint32_t i)
{
	return col_dom(m, i)->id;
}

static void
p_name(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	top_name_escape(snap_dom_name(top_model_cur(m), col_dom(m, i)),
	    m->ascii_only, b, l);
}
/* Ignoring case, as xentop sorts names; bytes break ties. */
static int
c_name(const struct top_model *m, uint32_t a, uint32_t b)
{
	const struct snap *s = top_model_cur(m);
	const char *na = snap_dom_name(s, &s->dom[a]);
	const char *nb = snap_dom_name(s, &s->dom[b]);
	int r = strcasecmp(na, nb);

	return r != 0 ? r : strcmp(na, nb);
}

static void
p_state(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	char st[SNAP_STATE_LEN + 1];

	snap_state_str(col_dom(m, i)->flags, st);
	snprintf(b, l, "%s", st);
}
/* Order as the letters read: a flag further left weighs more. */
static double
k_state(const struct top_model *m, uint32_t i)
{
	uint32_t f = col_dom(m, i)->flags, k = 0;
	int bit;

	for (bit = 0; bit < SNAP_STATE_LEN; bit++)
		if (f & (1u << bit))
			k |= 1u << (SNAP_STATE_LEN - 1 - bit);
	return k;
}

static void
p_cpu_s(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	top_fmt_fit(col_dom(m, i)->cpu_ns / 1000000000ull, col_w(m, 10), b, l);
}
static double
k_cpu_s(const struct top_model *m, uint32_t i)
{
	return (double)col_dom(m, i)->cpu_ns;
}

static void
p_cpu_pct(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%.1f", m->rates[i].cpu_pct);
}
static double
k_cpu_pct(const struct top_model *m, uint32_t i)
{
	return m->rates[i].cpu_pct;
}

static void
p_cpu_hist(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	static const char ascii[] = "_.-:=+*#";
	const struct top_hist *h = &m->hist[i];
	double full = 100.0 * (col_dom(m, i)->vcpus_online > 0 ?
	    col_dom(m, i)->vcpus_online : 1);
	int w = top_cols[COL_CPU_HIST].width, k;
	size_t o = 0;

	for (k = w - 1; k >= 0; k--) {
		double v = top_hist_get(m, h, TOP_SERIES_CPU, (unsigned)k);
		int lvl;

		if (v < 0) {
			if (o + 1 < l)
				b[o++] = ' ';
			continue;
		}
		lvl = (int)(v / full * 8.0);
		if (lvl > 7)
			lvl = 7;
		if (lvl < 0)
			lvl = 0;
		if (m->ascii_only) {
			if (o + 1 < l)
				b[o++] = ascii[lvl];
		} else if (o + 3 < l) {
			memcpy(b + o, blocks[lvl], 3);
			o += 3;
		}
	}
	b[o < l ? o : l - 1] = '\0';
}

static void
p_mem(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	top_fmt_fit(col_dom(m, i)->mem_kb, col_w(m, 10), b, l);
}
static double
k_mem(const struct top_model *m, uint32_t i)
{
	return (double)col_dom(m, i)->mem_kb;
}

/* Without the host's total (withheld from a customer, or not reported)
 * a share of it is unknown: "-", never a made-up 0.0; it sorts below
 * every known share. */
static void
p_mem_pct(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	double pct;

	if (top_col_mem_pct(m, i, col_dom(m, i)->mem_kb, &pct))
		snprintf(b, l, "%.1f", pct);
	else
		snprintf(b, l, "-");
}
static double
k_mem_pct(const struct top_model *m, uint32_t i)
{
	double pct;

	return top_col_mem_pct(m, i, col_dom(m, i)->mem_kb, &pct) ? pct : -1;
}

static void
p_maxmem(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	uint64_t v = col_dom(m, i)->maxmem_kb;

	if (v == SNAP_MEM_UNLIMITED)
		snprintf(b, l, "no limit");
	else
		top_fmt_fit(v, col_w(m, 10), b, l);
}
static double
k_maxmem(const struct top_model *m, uint32_t i)
{
	uint64_t v = col_dom(m, i)->maxmem_kb;

	return v == SNAP_MEM_UNLIMITED ? INFINITY : (double)v;
}

static void
p_maxmem_pct(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	uint64_t v = col_dom(m, i)->maxmem_kb;

	double pct;

	if (v == SNAP_MEM_UNLIMITED)
		snprintf(b, l, "n/a");
	else if (top_col_mem_pct(m, i, v, &pct))
		snprintf(b, l, "%.1f", pct);
	else
		snprintf(b, l, "-");
}
static double
k_maxmem_pct(const struct top_model *m, uint32_t i)
{
	uint64_t v = col_dom(m, i)->maxmem_kb;
	double pct;

	if (v == SNAP_MEM_UNLIMITED)
		return INFINITY;
	return top_col_mem_pct(m, i, v, &pct) ? pct : -1;
}

static void
p_vcpus(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%u", col_dom(m, i)->vcpus_online);
}
static double
k_vcpus(const struct top_model *m, uint32_t i)
{
	return col_dom(m, i)->vcpus_online;
}

static void
p_nets(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%u", col_dom(m, i)->n_net);
}
static double
k_nets(const struct top_model *m, uint32_t i)
{
	return col_dom(m, i)->n_net;
}

static void
p_vbds(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%u", col_dom(m, i)->n_vbd);
}
static double
k_vbds(const struct top_model *m, uint32_t i)
{
	return col_dom(m, i)->n_vbd;
}

static void
p_ssid(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	snprintf(b, l, "%u", col_dom(m, i)->ssid);
}
static double
k_ssid(const struct top_model *m, uint32_t i)
{
	return col_dom(m, i)->ssid;
}

static void
p_host(const struct top_model *m, uint32_t i, char *b, size_t l)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_dom *d = col_dom(m, i);

	top_name_escape(d->host < s->n_host ? s->hosts[d->host].name : "?",
	    m->ascii_only, b, l);
}
static int
c_host(const struct top_model *m, uint32_t a, uint32_t b)
{
	const struct snap *s = top_model_cur(m);
	uint16_t ha = s->dom[a].host, hb = s->dom[b].host;

	if (ha >= s->n_host || hb >= s->n_host)
		return (int)ha - (int)hb;
	return strcmp(s->hosts[ha].name, s->hosts[hb].name);
}

/*
 * The I/O columns show totals (xentop's units: KiB for the network,
 * requests and sectors for block devices) or per-second rates, scaled.
 * One value function per column serves the printer and the key, so the
 * sort always follows what is shown.
 */
struct col_io {
	double (*rate)(const struct rate_dom *r);
	uint64_t (*total)(const struct snap_dom_totals *t);
	unsigned total_div;	/* 1024 for NETTX(k), 1 for counts */
	unsigned base;		/* scaling base for rates */
	int width;
};

static double r_tx(const struct rate_dom *r) { return r->tx_Bps; }
static double r_rx(const struct rate_dom *r) { return r->rx_Bps; }
static double r_oo(const struct rate_dom *r) { return r->vbd_oo_ps; }
static double r_rd(const struct rate_dom *r) { return r->vbd_rd_ps; }
static double r_wr(const struct rate_dom *r) { return r->vbd_wr_ps; }
static double r_rs(const struct rate_dom *r) { return r->vbd_rsect_ps; }
static double r_ws(const struct rate_dom *r) { return r->vbd_wsect_ps; }
static uint64_t t_tx(const struct snap_dom_totals *t) { return t->tx_bytes; }
static uint64_t t_rx(const struct snap_dom_totals *t) { return t->rx_bytes; }
static uint64_t t_oo(const struct snap_dom_totals *t) { return t->vbd_oo; }
static uint64_t t_rd(const struct snap_dom_totals *t) { return t->vbd_rd; }
static uint64_t t_wr(const struct snap_dom_totals *t) { return t->vbd_wr; }
static uint64_t t_rs(const struct snap_dom_totals *t) { return t->vbd_rsect; }
static uint64_t t_ws(const struct snap_dom_totals *t) { return t->vbd_wsect; }

static const struct col_io col_ios[] = {
	{ r_tx, t_tx, 1024, 1024, 8 },
	{ r_rx, t_rx, 1024, 1024, 8 },
	{ r_oo, t_oo, 1, 1000, 8 },
	{ r_rd, t_rd, 1, 1000, 8 },
	{ r_wr, t_wr, 1, 1000, 8 },
	{ r_rs, t_rs, 1, 1000, 10 },
	{ r_ws, t_ws, 1, 1000, 10 },
};
enum { IO_TX, IO_RX, IO_OO, IO_RD, IO_WR, IO_RS, IO_WS };

static void
col_io_print(const struct top_model *m, uint32_t i, int which, char *b,
    size_t l)
{
	const struct col_io *c = &col_ios[which];

	if (m->totals)
		top_fmt_fit(c->total(&m->tot[i]) / c->total_div,
		    col_w(m, c->width), b, l);
	else
		top_fmt_scaled(c->rate(&m->rates[i]), c->base, b, l);
}

static double
col_io_key(const struct top_model *m, uint32_t i, int which)
{
	const struct col_io *c = &col_ios[which];

	if (m->totals)
		return (double)c->total(&m->tot[i]);
	return c->rate(&m->rates[i]);
}

#define COL_IO_FNS(tag, which)						\
static void								\
p_##tag(const struct top_model *m, uint32_t i, char *b, size_t l)	\
{									\
	col_io_print(m, i, which, b, l);				\
}									\
static double								\
k_##tag(const struct top_model *m, uint32_t i)				\
{									\
	return col_io_key(m, i, which);					\
}
COL_IO_FNS(nettx, IO_TX)
COL_IO_FNS(netrx, IO_RX)
COL_IO_FNS(oo, IO_OO)
COL_IO_FNS(rd, IO_RD)
COL_IO_FNS(wr, IO_WR)
COL_IO_FNS(rsect, IO_RS)
COL_IO_FNS(wsect, IO_WS)
#undef COL_IO_FNS

const struct top_col_def top_cols[COL__COUNT] = {
	[COL_ID] = { "id", "ID", NULL, 5, false, "", false, p_id, k_id,
	    NULL, "domain id", true, false },
	[COL_NAME] = { "name", "NAME", NULL, 10, false, "", false, p_name,
	    NULL, c_name, "domain name (escaped; -f for the full name)",
	    true, true },
	[COL_STATE] = { "state", "STATE", NULL, 6, false, "", true, p_state,
	    k_state, NULL, "d(ying) s(hutdown) b(locked) c(rashed) "
	    "p(aused) r(unning)", true, true },
	[COL_CPU_S] = { "cpu_s", "CPU(sec)", NULL, 10, false, "s", true,
	    p_cpu_s, k_cpu_s, NULL, "CPU time used, seconds", true, true },
	[COL_CPU_PCT] = { "cpu_pct", "CPU(%)", NULL, 6, false, "%", true,
	    p_cpu_pct, k_cpu_pct, NULL, "CPU use, % of one physical CPU",
	    true, true },
	[COL_CPU_HIST] = { "cpu_hist", "CPU-HISTORY", NULL, 11, true, "",
	    true, p_cpu_hist, k_cpu_pct, NULL, "CPU use over the last "
	    "refreshes, as a share of the domain's vcpus", true, false },
	[COL_MEM] = { "mem", "MEM(k)", NULL, 10, false, "KiB", true, p_mem,
	    k_mem, NULL, "current memory, KiB", true, true },
	[COL_MEM_PCT] = { "mem_pct", "MEM(%)", NULL, 6, false, "%", true,
	    p_mem_pct, k_mem_pct, NULL, "current memory, % of the host's",
	    true, true },
	[COL_MAXMEM] = { "maxmem", "MAXMEM(k)", NULL, 10, false, "KiB", true,
	    p_maxmem, k_maxmem, NULL, "maximum memory, KiB (no limit)",
	    true, true },
	[COL_MAXMEM_PCT] = { "maxmem_pct", "MAXMEM(%)", NULL, 9, false, "%",
	    true, p_maxmem_pct, k_maxmem_pct, NULL, "maximum memory, % of "
	    "the host's (n/a)", true, true },
	[COL_VCPUS] = { "vcpus", "VCPUS", NULL, 5, false, "", true, p_vcpus,
	    k_vcpus, NULL, "online vcpus", true, true },
	[COL_NETS] = { "nets", "NETS", NULL, 4, false, "", true, p_nets,
	    k_nets, NULL, "network interfaces", true, true },
	[COL_NETTX] = { "nettx", "NETTX(k)", "NETTX/s", 8, false, "KiB|B/s",
	    true, p_nettx, k_nettx, NULL, "network bytes sent: KiB total, "
	    "or per second (T)", true, true },
	[COL_NETRX] = { "netrx", "NETRX(k)", "NETRX/s", 8, false, "KiB|B/s",
	    true, p_netrx, k_netrx, NULL, "network bytes received: KiB "
	    "total, or per second (T)", true, true },
	[COL_VBDS] = { "vbds", "VBDS", NULL, 4, false, "", true, p_vbds,
	    k_vbds, NULL, "virtual block devices", true, true },
	[COL_VBD_OO] = { "vbd_oo", "VBD_OO", "VBD_OO/s", 8, false, "|/s",
	    true, p_oo, k_oo, NULL, "block out-of-request events",
	    true, true },
	[COL_VBD_RD] = { "vbd_rd", "VBD_RD", "VBD_RD/s", 8, false, "|/s",
	    true, p_rd, k_rd, NULL, "block read requests", true, true },
	[COL_VBD_WR] = { "vbd_wr", "VBD_WR", "VBD_WR/s", 8, false, "|/s",
	    true, p_wr, k_wr, NULL, "block write requests", true, true },
	[COL_VBD_RSECT] = { "vbd_rsect", "VBD_RSECT", "VBD_RSECT/s", 10,
	    false, "|/s", true, p_rsect, k_rsect, NULL, "sectors read",
	    true, true },
	[COL_VBD_WSECT] = { "vbd_wsect", "VBD_WSECT", "VBD_WSECT/s", 10,
	    false, "|/s", true, p_wsect, k_wsect, NULL, "sectors written",
	    true, true },
	[COL_SSID] = { "ssid", "SSID", NULL, 4, false, "", false, p_ssid,
	    k_ssid, NULL, "security label id", true, true },
	[COL_HOST] = { "host", "HOST", NULL, 12, true, "", false, p_host,
	    NULL, c_host, "host (several hosts only)", false, false },
};
_Static_assert(sizeof top_cols / sizeof top_cols[0] == COL__COUNT,
    "one top_cols row per enum top_col");

int
top_col_find(const char *name)
{
	int i;

	for (i = 0; i < COL__COUNT; i++) {
		if (strcasecmp(name, top_cols[i].name) == 0 ||
		    strcasecmp(name, top_cols[i].header) == 0 ||
		    (top_cols[i].header_rate != NULL &&
		    strcasecmp(name, top_cols[i].header_rate) == 0))
			return i;
	}
	return -1;
}

int
top_cols_parse(const char *list, int order[COL__COUNT],
    bool shown[COL__COUNT], struct xdom_err *err)
{
	bool seen[COL__COUNT] = { false };
	char item[32];
	int n = 0, i;
	const char *p = list;

	while (*p != '\0') {
		size_t k = strcspn(p, ", ");
		bool hide = false;
		const char *q = p;
		int c;

		if (k > 0) {
			if (*q == '-') {
				hide = true;
				q++;
				k--;
			}
			if (k >= sizeof item)
				return xdom_err_set(err, XDOM_EINVAL,
				    "column name too long in '%.40s'", list);
			memcpy(item, q, k);
			item[k] = '\0';
			c = top_col_find(item);
			if (c < 0)
				return xdom_err_set(err, XDOM_EINVAL,
				    "unknown column '%s' (try --help-columns)",
				    item);
			if (!seen[c]) {
				seen[c] = true;
				order[n++] = c;
				shown[c] = !hide;
			}
			p = q + k;
		}
		while (*p == ',' || *p == ' ')
			p++;
	}
	/* Columns not listed follow, hidden. */
	for (i = 0; i < COL__COUNT; i++) {
		if (!seen[i]) {
			order[n++] = i;
			shown[i] = false;
		}
	}
	return 0;
}

/* ---- filtering and sorting ---- */

static bool
top_row_matches(const struct top_model *m, uint32_t i)
{
	char name[4 * 64 + 8];

	const struct snap *s = top_model_cur(m);
	const struct snap_dom *d = col_dom(m, i);

	if (m->filter[0] == '\0')
		return true;
	top_name_escape(snap_dom_name(s, d), m->ascii_only, name, sizeof name);
	if (strcasestr(name, m->filter) != NULL)
		return true;
	/* Across a fleet the filter also picks hosts by their label. */
	if (s->n_host < 2 || d->host >= s->n_host)
		return false;
	top_name_escape(s->hosts[d->host].name, m->ascii_only, name,
	    sizeof name);
	return strcasestr(name, m->filter) != NULL;
}

static int
top_sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct top_model *m = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct top_col_def *c = &top_cols[m->sort_col];
	int r = 0;

	if (m->dom0_first) {
		bool za = col_dom(m, a)->id == 0, zb = col_dom(m, b)->id == 0;

		if (za != zb)
			return za ? -1 : 1;
	}
	if (c->key != NULL) {
		double ka = m->keys[a], kb = m->keys[b];

		r = ka < kb ? -1 : ka > kb ? 1 : 0;
	} else
		r = c->cmp(m, a, b);
	if (m->sort_desc)
		r = -r;
	if (r == 0)	/* stable: (host, id) order */
		r = a < b ? -1 : a > b ? 1 : 0;
	return r;
}

void
top_model_sort(struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	const struct top_col_def *c;
	size_t i, n = 0;

	if ((unsigned)m->sort_col >= COL__COUNT)
		m->sort_col = COL_CPU_PCT;
	c = &top_cols[m->sort_col];
	for (i = 0; i < s->n_dom; i++) {
		if (!top_row_matches(m, (uint32_t)i))
			continue;
		m->order[n++] = (uint32_t)i;
		if (c->key != NULL)
			m->keys[i] = c->key(m, (uint32_t)i);
	}
	m->n_order = n;
	qsort_r(m->order, n, sizeof m->order[0], top_sort_cmp, m);
}
