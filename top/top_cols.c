/*
 * top_cols.c - the dashboard's column table: one row per enum top_col,
 * with its header, width, unit, default sort direction, format and the
 * getter of its value; number formatting; filtering and sorting of rows.
 *
 * A getter gives a typed value (struct top_val) and everything reads
 * that one value: the screen's cell (top_col_text), the sort
 * (top_model_sort) and csv/json (top_batch.c), so they cannot drift
 * apart. The table is indexed by the enum with designated initialisers
 * and a static assert on its size, so the enum and the table cannot
 * drift apart either (xentop's can, and did). Sorting keys each row's
 * number once and compares doubles, so fractional CPU% and every VBD
 * column sort exactly, and a 10,000-row sort stays cheap; names compare
 * as text, raw, as the backend gave them.
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

/* ---- getters, one per column ---- */

static void
g_id(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->id;
}

static void
g_name(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_STR;
	v->s = snap_dom_name(top_model_cur(m), col_dom(m, i));
}

/* The letters sort as they read: a flag further left weighs more, as
 * the text compares ('-' is below every letter). */
static void
g_state(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	char st[SNAP_STATE_LEN + 1];

	snap_state_str(col_dom(m, i)->flags, st);
	snprintf(b, l, "%s", st);
	v->kind = TV_STR;
	v->s = b;
}

static void
g_cpu_s(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_DBL;
	v->d = (double)col_dom(m, i)->cpu_ns / 1e9;
}

static void
g_cpu_pct(const struct top_model *m, uint32_t i, struct top_val *v,
    char *b, size_t l)
{
	(void)b; (void)l;
	v->kind = TV_DBL;
	v->d = m->rates[i].cpu_pct;
}

static void
g_mem(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->mem_kb;
}

/* A share of the host's memory: without the host's total (withheld from
 * a customer, or not reported) it is unknown, "-", never a made-up 0.0,
 * and sorts below every known share; an unlimited maximum has none,
 * "n/a", and sorts above. */
static void
col_share(const struct top_model *m, uint32_t i, uint64_t kb,
    struct top_val *v)
{
	if (kb == SNAP_MEM_UNLIMITED) {
		v->kind = TV_NONE;
		v->s = "n/a";
		v->d = INFINITY;
	} else if (top_col_mem_pct(m, i, kb, &v->d))
		v->kind = TV_DBL;
	else {
		v->kind = TV_NONE;
		v->s = "-";
		v->d = -1;
	}
}

static void
g_mem_pct(const struct top_model *m, uint32_t i, struct top_val *v,
    char *b, size_t l)
{
	(void)b; (void)l;
	col_share(m, i, col_dom(m, i)->mem_kb, v);
}

static void
g_maxmem(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	uint64_t kb = col_dom(m, i)->maxmem_kb;

	(void)b; (void)l;
	if (kb == SNAP_MEM_UNLIMITED) {
		v->kind = TV_NONE;
		v->s = "no limit";
		v->d = INFINITY;
	} else {
		v->kind = TV_U64;
		v->u = kb;
	}
}

static void
g_maxmem_pct(const struct top_model *m, uint32_t i, struct top_val *v,
    char *b, size_t l)
{
	(void)b; (void)l;
	col_share(m, i, col_dom(m, i)->maxmem_kb, v);
}

static void
g_vcpus(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->vcpus_online;
}

static void
g_nets(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->n_net;
}

static void
g_vbds(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->n_vbd;
}

static void
g_ssid(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = col_dom(m, i)->ssid;
}

static void
g_host(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	const struct snap *s = top_model_cur(m);
	const struct snap_dom *d = col_dom(m, i);

	(void)b; (void)l;
	if (d->host < s->n_host) {
		v->kind = TV_STR;
		v->s = s->hosts[d->host].name;
	} else {
		v->kind = TV_NONE;
		v->s = "?";
		v->d = d->host;
	}
}

/*
 * The I/O columns: totals (xentop's units: bytes, shown as KiB, for the
 * network; requests and sectors for block devices) or per-second rates,
 * as the model's mode (T) says.
 */
#define COL_IO(fn, total, rate)						\
static void								\
fn(const struct top_model *m, uint32_t i, struct top_val *v, char *b,	\
    size_t l)								\
{									\
	(void)b; (void)l;						\
	if (m->totals) {						\
		v->kind = TV_U64;					\
		v->u = m->tot[i].total;					\
	} else {							\
		v->kind = TV_DBL;					\
		v->d = m->rates[i].rate;				\
	}								\
}
COL_IO(g_nettx, tx_bytes, tx_Bps)
COL_IO(g_netrx, rx_bytes, rx_Bps)
COL_IO(g_oo, vbd_oo, vbd_oo_ps)
COL_IO(g_rd, vbd_rd, vbd_rd_ps)
COL_IO(g_wr, vbd_wr, vbd_wr_ps)
COL_IO(g_rsect, vbd_rsect, vbd_rsect_ps)
COL_IO(g_wsect, vbd_wsect, vbd_wsect_ps)
#undef COL_IO

const struct top_col_def top_cols[COL__COUNT] = {
	[COL_ID] = { .name = "id", .title = "ID", .width = 5,
	    .fmt = CF_PLAIN, .get = g_id, .help = "domain id",
	    .visible = true },
	[COL_NAME] = { .name = "name", .title = "NAME", .width = 10,
	    .sort_nocase = true, .fmt = CF_TEXT, .get = g_name,
	    .help = "domain name (escaped; -f for the full name)",
	    .visible = true, .xentop = true },
	[COL_STATE] = { .name = "state", .title = "STATE", .width = 6,
	    .sort_desc = true, .fmt = CF_TEXT, .get = g_state,
	    .help = "d(ying) s(hutdown) b(locked) c(rashed) p(aused) "
	    "r(unning)", .visible = true, .xentop = true },
	[COL_CPU_S] = { .name = "cpu_s", .title = "CPU(sec)", .width = 10,
	    .unit = "s", .sort_desc = true, .fmt = CF_WHOLE, .get = g_cpu_s,
	    .help = "CPU time used, seconds", .visible = true,
	    .xentop = true },
	[COL_CPU_PCT] = { .name = "cpu_pct", .title = "CPU(%)", .width = 6,
	    .unit = "%", .sort_desc = true, .fmt = CF_PLAIN,
	    .get = g_cpu_pct, .help = "CPU use, % of one physical CPU",
	    .visible = true, .xentop = true },
	[COL_CPU_HIST] = { .name = "cpu_hist", .title = "CPU-HISTORY",
	    .width = 11, .left = true, .sort_desc = true, .fmt = CF_SPARK,
	    .get = g_cpu_pct, .help = "CPU use over the last refreshes, as "
	    "a share of the domain's vcpus", .visible = true },
	[COL_MEM] = { .name = "mem", .title = "MEM(k)", .width = 10,
	    .unit = "KiB", .sort_desc = true, .fmt = CF_WHOLE, .get = g_mem,
	    .help = "current memory, KiB", .visible = true, .xentop = true },
	[COL_MEM_PCT] = { .name = "mem_pct", .title = "MEM(%)", .width = 6,
	    .unit = "%", .sort_desc = true, .fmt = CF_PLAIN,
	    .get = g_mem_pct, .help = "current memory, % of the host's",
	    .visible = true, .xentop = true },
	[COL_MAXMEM] = { .name = "maxmem", .title = "MAXMEM(k)",
	    .width = 10, .unit = "KiB", .sort_desc = true, .fmt = CF_WHOLE,
	    .get = g_maxmem, .help = "maximum memory, KiB (no limit)",
	    .visible = true, .xentop = true },
	[COL_MAXMEM_PCT] = { .name = "maxmem_pct", .title = "MAXMEM(%)",
	    .width = 9, .unit = "%", .sort_desc = true, .fmt = CF_PLAIN,
	    .get = g_maxmem_pct, .help = "maximum memory, % of the host's "
	    "(n/a)", .visible = true, .xentop = true },
	[COL_VCPUS] = { .name = "vcpus", .title = "VCPUS", .width = 5,
	    .sort_desc = true, .fmt = CF_PLAIN, .get = g_vcpus,
	    .help = "online vcpus", .visible = true, .xentop = true },
	[COL_NETS] = { .name = "nets", .title = "NETS", .width = 4,
	    .sort_desc = true, .fmt = CF_PLAIN, .get = g_nets,
	    .help = "network interfaces", .visible = true, .xentop = true },
	[COL_NETTX] = { .name = "nettx", .title = "NETTX(k)",
	    .title_rate = "NETTX/s", .width = 8, .unit = "KiB|B/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1024, .base = 1024,
	    .get = g_nettx, .help = "network bytes sent: KiB total, or per "
	    "second (T)", .visible = true, .xentop = true },
	[COL_NETRX] = { .name = "netrx", .title = "NETRX(k)",
	    .title_rate = "NETRX/s", .width = 8, .unit = "KiB|B/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1024, .base = 1024,
	    .get = g_netrx, .help = "network bytes received: KiB total, or "
	    "per second (T)", .visible = true, .xentop = true },
	[COL_VBDS] = { .name = "vbds", .title = "VBDS", .width = 4,
	    .sort_desc = true, .fmt = CF_PLAIN, .get = g_vbds,
	    .help = "virtual block devices", .visible = true,
	    .xentop = true },
	[COL_VBD_OO] = { .name = "vbd_oo", .title = "VBD_OO",
	    .title_rate = "VBD_OO/s", .width = 8, .unit = "|/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1, .base = 1000,
	    .get = g_oo, .help = "block out-of-request events",
	    .visible = true, .xentop = true },
	[COL_VBD_RD] = { .name = "vbd_rd", .title = "VBD_RD",
	    .title_rate = "VBD_RD/s", .width = 8, .unit = "|/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1, .base = 1000,
	    .get = g_rd, .help = "block read requests", .visible = true,
	    .xentop = true },
	[COL_VBD_WR] = { .name = "vbd_wr", .title = "VBD_WR",
	    .title_rate = "VBD_WR/s", .width = 8, .unit = "|/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1, .base = 1000,
	    .get = g_wr, .help = "block write requests", .visible = true,
	    .xentop = true },
	[COL_VBD_RSECT] = { .name = "vbd_rsect", .title = "VBD_RSECT",
	    .title_rate = "VBD_RSECT/s", .width = 10, .unit = "|/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1, .base = 1000,
	    .get = g_rsect, .help = "sectors read", .visible = true,
	    .xentop = true },
	[COL_VBD_WSECT] = { .name = "vbd_wsect", .title = "VBD_WSECT",
	    .title_rate = "VBD_WSECT/s", .width = 10, .unit = "|/s",
	    .sort_desc = true, .fmt = CF_AMOUNT, .div = 1, .base = 1000,
	    .get = g_wsect, .help = "sectors written", .visible = true,
	    .xentop = true },
	[COL_SSID] = { .name = "ssid", .title = "SSID", .width = 4,
	    .fmt = CF_PLAIN, .get = g_ssid, .help = "security label id",
	    .visible = true, .xentop = true },
	[COL_HOST] = { .name = "host", .title = "HOST", .width = 12,
	    .left = true, .fmt = CF_TEXT, .get = g_host,
	    .help = "host (several hosts only)" },
};
_Static_assert(sizeof top_cols / sizeof top_cols[0] == COL__COUNT,
    "one top_cols row per enum top_col");

/* ---- values to cells ---- */

void
top_col_get(const struct top_model *m, int c, uint32_t i, struct top_val *v,
    char *buf, size_t len)
{
	v->kind = TV_NONE;
	v->u = 0;
	v->d = 0;
	v->s = "";
	top_cols[c].get(m, i, v, buf, len);
}

const char *
top_col_title(const struct top_model *m, int c)
{
	const struct top_col_def *d = &top_cols[c];

	return !m->totals && d->title_rate != NULL ? d->title_rate : d->title;
}

/* The CPU history: one block a refresh, oldest left, as a share of the
 * domain's vcpus. */
static void
col_spark(const struct top_model *m, uint32_t i, char *b, size_t l)
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

void
top_col_text(const struct top_model *m, int c, uint32_t i, char *buf,
    size_t len)
{
	const struct top_col_def *d = &top_cols[c];
	char scratch[4 * 64 + 8];
	struct top_val v;

	if (d->fmt == CF_SPARK) {
		col_spark(m, i, buf, len);
		return;
	}
	top_col_get(m, c, i, &v, scratch, sizeof scratch);
	switch (v.kind) {
	case TV_NONE:
		snprintf(buf, len, "%s", v.s);
		break;
	case TV_STR:
		top_name_escape(v.s, m->ascii_only, buf, len);
		break;
	case TV_U64:
		if (d->fmt == CF_WHOLE || d->fmt == CF_AMOUNT)
			top_fmt_fit(v.u / (d->div > 1 ? d->div : 1),
			    col_w(m, d->width), buf, len);
		else
			snprintf(buf, len, "%llu", (unsigned long long)v.u);
		break;
	case TV_DBL:
		if (d->fmt == CF_AMOUNT)
			top_fmt_scaled(v.d, d->base, buf, len);
		else if (d->fmt == CF_WHOLE)
			top_fmt_fit((uint64_t)v.d, col_w(m, d->width), buf,
			    len);
		else
			snprintf(buf, len, "%.1f", v.d);
		break;
	}
}

int
top_col_find(const char *name)
{
	int i;

	for (i = 0; i < COL__COUNT; i++) {
		if (strcasecmp(name, top_cols[i].name) == 0 ||
		    strcasecmp(name, top_cols[i].title) == 0 ||
		    (top_cols[i].title_rate != NULL &&
		    strcasecmp(name, top_cols[i].title_rate) == 0))
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

/* A numeric value's place in the order; a missing one's is its d. */
static double
col_key(const struct top_val *v)
{
	return v->kind == TV_U64 ? (double)v->u : v->d;
}

static bool
col_is_text(int c)
{
	return top_cols[c].fmt == CF_TEXT;
}

static int
col_text_cmp(int c, const struct top_val *va, const struct top_val *vb)
{
	int r = top_cols[c].sort_nocase ? strcasecmp(va->s, vb->s) : 0;

	return r != 0 ? r : strcmp(va->s, vb->s);
}

int
top_col_cmp(const struct top_model *m, int c, uint32_t a, uint32_t b)
{
	char ba[4 * 64 + 8], bb[4 * 64 + 8];
	struct top_val va, vb;
	double ka, kb;

	top_col_get(m, c, a, &va, ba, sizeof ba);
	top_col_get(m, c, b, &vb, bb, sizeof bb);
	if (col_is_text(c))
		return col_text_cmp(c, &va, &vb);
	ka = col_key(&va);
	kb = col_key(&vb);
	return ka < kb ? -1 : ka > kb ? 1 : 0;
}

static int
top_sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct top_model *m = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int r = 0;

	if (m->dom0_first) {
		bool za = col_dom(m, a)->id == 0, zb = col_dom(m, b)->id == 0;

		if (za != zb)
			return za ? -1 : 1;
	}
	if (!col_is_text(m->sort_col)) {
		double ka = m->keys[a], kb = m->keys[b];

		r = ka < kb ? -1 : ka > kb ? 1 : 0;
	} else
		r = top_col_cmp(m, m->sort_col, a, b);
	if (m->sort_desc)
		r = -r;
	if (r == 0)	/* stable: (host, id) order */
		r = a < b ? -1 : a > b ? 1 : 0;
	return r;
}

/* Numbers are keyed once a row, so a 10,000-row sort compares doubles;
 * text compares the values themselves. */
void
top_model_sort(struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	char scratch[4 * 64 + 8];
	bool keyed;
	size_t i, n = 0;

	if ((unsigned)m->sort_col >= COL__COUNT)
		m->sort_col = COL_CPU_PCT;
	keyed = !col_is_text(m->sort_col);
	for (i = 0; i < s->n_dom; i++) {
		struct top_val v;

		if (!top_row_matches(m, (uint32_t)i))
			continue;
		m->order[n++] = (uint32_t)i;
		if (keyed) {
			top_col_get(m, m->sort_col, (uint32_t)i, &v, scratch,
			    sizeof scratch);
			m->keys[i] = col_key(&v);
		}
	}
	m->n_order = n;
	qsort_r(m->order, n, sizeof m->order[0], top_sort_cmp, m);
}
