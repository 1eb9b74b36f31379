/*
 * top_batch.c - `xdom top -b`: one iteration of output for scripts.
 *
 *   text  xentop's batch layout: the header and a line per domain (with
 *         --summary, our summary lines first); --columns picks others
 *   csv   one header line, then one line per domain per iteration
 *   json  one object per iteration per line, built with json-c
 *
 * CSV and JSON share one field table, so their names and units agree:
 * every field carries its unit in its name (cpu_pct, mem_kib,
 * net_rx_bytes_per_s). Names are escaped (core/escape.h) in every format.
 * The summary lines and sub-lines are top_summary.c's.
 */
#include "top/top_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/escape.h"
#include "core/xmalloc.h"

/* ---- text ---- */

/*
 * Text is a drop-in for scripts written for `xentop -b`: each iteration
 * is xentop's header line and one line per domain, nothing else (xentop
 * prints its summary lines on the screen only); --summary puts ours
 * (title, counts, memory, fleet hosts) and a blank line before it.
 * Right-aligned cells in xentop's widths, widened for the iteration to
 * its longest figure (xentop widens its network and block columns so;
 * here every column, so the rows always line up). NAME is cut to 10
 * columns without a mark, as xentop's "%10.10s", or with -f sized to the
 * longest name.
 */

/* Whether column c is cut to its width rather than widened. */
static bool
batch_cut(const struct top_opts *o, int c)
{
	return (c == COL_NAME && !o->full_name) || c == COL_HOST ||
	    c == COL_CPU_HIST;
}

/* Each column's width this iteration: the header's in the mode shown,
 * xentop's, and the widest cell unless the column is cut. */
static void
batch_widths(const struct top_model *m, const struct top_opts *o,
    const int *cols, int n, int *w)
{
	char buf[512];
	size_t r;
	int k;

	for (k = 0; k < n; k++) {
		const struct top_col_def *d = &top_cols[cols[k]];
		int hw = (int)strlen(top_col_title(m, cols[k]));

		w[k] = cols[k] == COL_HOST ? top_host_label_width(m) :
		    d->width;
		if (hw > w[k])
			w[k] = hw;
	}
	for (r = 0; r < m->n_order; r++) {
		for (k = 0; k < n; k++) {
			int cw;

			if (batch_cut(o, cols[k]))
				continue;
			top_col_text(m, cols[k], m->order[r], buf,
			    sizeof buf);
			cw = top_text_width(buf);
			if (cw > w[k])
				w[k] = cw;
		}
	}
}

/* s padded to w columns (display width), right- or left-aligned. */
static void
batch_pad(FILE *f, const char *s, int w, bool left)
{
	int pad = w - top_text_width(s);

	if (pad < 0)
		pad = 0;
	if (left)
		fprintf(f, "%s%*s", s, pad, "");
	else
		fprintf(f, "%*s%s", pad, "", s);
}

/* Cell of column c for row i, padded to width w. */
static void
batch_cell(FILE *f, const struct top_model *m, const struct top_opts *o,
    int c, uint32_t i, int w, bool first)
{
	const struct top_col_def *d = &top_cols[c];
	char buf[512];

	top_col_text(m, c, i, buf, sizeof buf);
	if (batch_cut(o, c))
		top_text_cut(buf, w);
	if (!first)
		fputc(' ', f);
	batch_pad(f, buf, w, d->left);
}

static void
batch_header(FILE *f, const struct top_model *m, const int *cols,
    const int *w, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		if (k > 0)
			fputc(' ', f);
		batch_pad(f, top_col_title(m, cols[k]), w[k],
		    top_cols[cols[k]].left);
	}
	fputc('\n', f);
}

/* --summary: our summary lines and a blank line, before the header. */
static void
batch_summary(FILE *f, const struct top_model *m, const struct top_opts *o)
{
	const struct snap *s = top_model_cur(m);
	char line[1024];
	size_t r;

	top_fmt_title(m, o, line, sizeof line);
	fprintf(f, "%s\n", line);
	top_fmt_counts(m, line, sizeof line);
	fprintf(f, "%s\n", line);
	if (o->mode != TOP_MODE_RESTRICTED) {
		top_fmt_memline(m, line, sizeof line);
		fprintf(f, "%s\n", line);
	}
	if ((o->remote || s->n_host > 1) && o->mode != TOP_MODE_RESTRICTED) {
		int lw = top_host_label_width(m);

		top_fmt_hosts_line(m, line, sizeof line);
		fprintf(f, "%s\n", line);
		for (r = 0; r < s->n_host; r++) {
			top_fmt_host_line(m, r, lw, line, sizeof line);
			fprintf(f, "  %s\n", line);
		}
	}
	fputc('\n', f);
}

static void
batch_text(FILE *f, const struct top_model *m0, const struct top_opts *o)
{
	struct top_model tm = *m0;
	const struct top_model *m = &tm;
	const struct snap *s = top_model_cur(m);
	bool fleet = o->remote || s->n_host > 1;
	int cols[COL__COUNT], w[COL__COUNT], n = 0, k;
	char line[1024];
	size_t r;

	tm.exact = true;	/* scripts want every digit, as xentop */
	if (o->mode == TOP_MODE_RESTRICTED)
		tm.host_hidden = true;
	/* xentop's columns and units unless --columns chose others; a
	 * fleet's rows start with their HOST. */
	if (o->columns != NULL) {
		int order[COL__COUNT];
		bool shown[COL__COUNT];

		tm.totals = o->totals;
		if (top_cols_parse(o->columns, order, shown, NULL) == 0)
			for (k = 0; k < COL__COUNT; k++)
				if (shown[order[k]])
					cols[n++] = order[k];
	} else {
		tm.totals = true;
		if (fleet && o->mode != TOP_MODE_RESTRICTED)
			cols[n++] = COL_HOST;
		for (k = 0; k < COL__COUNT; k++)
			if (top_cols[k].xentop)
				cols[n++] = k;
	}
	if (o->summary)
		batch_summary(f, m, o);
	batch_widths(m, o, cols, n, w);
	batch_header(f, m, cols, w, n);
	for (r = 0; r < m->n_order; r++) {
		uint32_t i = m->order[r], j;
		const struct snap_dom *d = &s->dom[i];

		if (o->repeat_header && r > 0)
			batch_header(f, m, cols, w, n);
		for (k = 0; k < n; k++)
			batch_cell(f, m, o, cols[k], i, w[k], k == 0);
		fputc('\n', f);
		if (o->vcpus) {
			/* " NNN: NNNNNNNNNNs" and a wrap: 32 a vcpu */
			size_t vlen = 32 + (size_t)d->n_vcpu * 32;
			char *vline = xmalloc(vlen);

			top_fmt_vcpus(m, i, true, vline, vlen);
			fprintf(f, "%s\n", vline);
			free(vline);
		}
		for (j = 0; o->networks && j < d->n_net; j++) {
			top_fmt_net_line(m, i, j, line, sizeof line);
			fprintf(f, "%s\n", line);
		}
		for (j = 0; o->vbds && j < d->n_vbd; j++) {
			top_fmt_vbd_line(m, i, j, line, sizeof line);
			fprintf(f, "%s\n", line);
		}
	}
}

/* ---- the csv/json fields ---- */

/*
 * A field is a column's value (its getter, in totals or rates mode:
 * net_tx_bytes and net_tx_bytes_per_s are both NETTX), or, for what no
 * column shows (packets, errors, drops, simulated), a getter of its own.
 * Either way csv and json write the same typed value the screen shows
 * and the sort orders by.
 */
enum bmode { BM_ANY = 0, BM_TOTALS, BM_RATES };

struct bfield {
	const char *name;
	int col;		/* a column's value, or -1: get */
	enum bmode mode;	/* the model's mode for the column */
	top_get_fn get;
	bool boolean;		/* a flag: csv 1/0; json leaves it out, the
				   object says it */
};

/* Per-vif counters summed, and their rates. */
#define G_TOT(fn, field)						\
static void fn(const struct top_model *m, uint32_t i,			\
    struct top_val *v, char *b, size_t l)				\
{									\
	(void)b; (void)l;						\
	v->kind = TV_U64;						\
	v->u = m->tot[i].field;						\
}
#define G_RATE(fn, field)						\
static void fn(const struct top_model *m, uint32_t i,			\
    struct top_val *v, char *b, size_t l)				\
{									\
	(void)b; (void)l;						\
	v->kind = TV_DBL;						\
	v->d = m->rates[i].field;					\
}
G_TOT(g_tx_p, tx_pkts)
G_TOT(g_rx_p, rx_pkts)
G_TOT(g_rx_err, rx_errs)
G_TOT(g_tx_err, tx_errs)
G_TOT(g_rx_drop, rx_drops)
G_TOT(g_tx_drop, tx_drops)
G_RATE(g_tx_pps, tx_pps)
G_RATE(g_rx_pps, rx_pps)
#undef G_TOT
#undef G_RATE

/* Whether the row's host is simulated: every csv line says so. */
static void
g_sim(const struct top_model *m, uint32_t i, struct top_val *v, char *b,
    size_t l)
{
	const struct snap *s = top_model_cur(m);
	uint16_t h = s->dom[i].host;

	(void)b; (void)l;
	v->kind = TV_U64;
	v->u = h < s->n_host && s->hosts[h].simulated;
}

#define BCOL(n, c, md) { .name = n, .col = c, .mode = md }
#define BGET(n, g) { .name = n, .col = -1, .get = g }
static const struct bfield bfields[] = {
	BCOL("host", COL_HOST, BM_ANY),
	BCOL("id", COL_ID, BM_ANY),
	BCOL("name", COL_NAME, BM_ANY),
	BCOL("state", COL_STATE, BM_ANY),
	BCOL("cpu_s", COL_CPU_S, BM_ANY),
	BCOL("cpu_pct", COL_CPU_PCT, BM_ANY),
	BCOL("mem_kib", COL_MEM, BM_ANY),
	BCOL("mem_pct", COL_MEM_PCT, BM_ANY),
	BCOL("maxmem_kib", COL_MAXMEM, BM_ANY),
	BCOL("maxmem_pct", COL_MAXMEM_PCT, BM_ANY),
	BCOL("vcpus", COL_VCPUS, BM_ANY),
	BCOL("nets", COL_NETS, BM_ANY),
	BCOL("net_tx_bytes", COL_NETTX, BM_TOTALS),
	BCOL("net_rx_bytes", COL_NETRX, BM_TOTALS),
	BGET("net_tx_pkts", g_tx_p),
	BGET("net_rx_pkts", g_rx_p),
	BGET("net_tx_errs", g_tx_err),
	BGET("net_rx_errs", g_rx_err),
	BGET("net_tx_drops", g_tx_drop),
	BGET("net_rx_drops", g_rx_drop),
	BCOL("net_tx_bytes_per_s", COL_NETTX, BM_RATES),
	BCOL("net_rx_bytes_per_s", COL_NETRX, BM_RATES),
	BGET("net_tx_pkts_per_s", g_tx_pps),
	BGET("net_rx_pkts_per_s", g_rx_pps),
	BCOL("vbds", COL_VBDS, BM_ANY),
	BCOL("vbd_oo", COL_VBD_OO, BM_TOTALS),
	BCOL("vbd_rd", COL_VBD_RD, BM_TOTALS),
	BCOL("vbd_wr", COL_VBD_WR, BM_TOTALS),
	BCOL("vbd_rsect", COL_VBD_RSECT, BM_TOTALS),
	BCOL("vbd_wsect", COL_VBD_WSECT, BM_TOTALS),
	BCOL("vbd_oo_per_s", COL_VBD_OO, BM_RATES),
	BCOL("vbd_rd_per_s", COL_VBD_RD, BM_RATES),
	BCOL("vbd_wr_per_s", COL_VBD_WR, BM_RATES),
	BCOL("vbd_rsect_per_s", COL_VBD_RSECT, BM_RATES),
	BCOL("vbd_wsect_per_s", COL_VBD_WSECT, BM_RATES),
	BCOL("ssid", COL_SSID, BM_ANY),
	{ .name = "simulated", .col = -1, .get = g_sim, .boolean = true },
};
#undef BCOL
#undef BGET
#define N_BFIELDS (sizeof bfields / sizeof bfields[0])

/* The model as the fields read it: names raw (escaped once, here), and
 * one copy in each mode for the columns that have two. */
struct bmodels {
	struct top_model totals, rates;
};

static void
bmodels_init(struct bmodels *bm, const struct top_model *m)
{
	bm->totals = *m;
	bm->totals.ascii_only = false;
	bm->rates = bm->totals;
	bm->totals.totals = true;
	bm->rates.totals = false;
}

/* Field k of row i; strings escaped into buf. */
static void
bfield_get(const struct bmodels *bm, size_t k, uint32_t i,
    struct top_val *v, char *buf, size_t len)
{
	const struct bfield *f = &bfields[k];
	const struct top_model *m = f->mode == BM_RATES ? &bm->rates :
	    &bm->totals;
	char raw[4 * 128 + 8];

	if (f->col >= 0)
		top_col_get(m, f->col, i, v, raw, sizeof raw);
	else {
		*v = (struct top_val){ .kind = TV_NONE, .s = "" };
		f->get(m, i, v, raw, sizeof raw);
	}
	if (v->kind == TV_STR) {
		xdom_escape(buf, len, v->s);
		v->s = buf;
	}
}

/* ---- csv ---- */

void
top_batch_csv_header(FILE *f)
{
	size_t k;

	fputs("iteration,time", f);
	for (k = 0; k < N_BFIELDS; k++)
		fprintf(f, ",%s", bfields[k].name);
	fputc('\n', f);
}

/* RFC 4180 quoting: always quoted, inner quotes doubled. */
static void
csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
batch_csv(FILE *f, const struct top_model *m, long iteration)
{
	char scratch[4 * 128 + 8];
	struct bmodels bm;
	size_t r, k;

	bmodels_init(&bm, m);
	for (r = 0; r < m->n_order; r++) {
		uint32_t i = m->order[r];

		fprintf(f, "%ld,%.3f", iteration, m->wall);
		for (k = 0; k < N_BFIELDS; k++) {
			struct top_val v;

			bfield_get(&bm, k, i, &v, scratch, sizeof scratch);
			fputc(',', f);
			switch (v.kind) {
			case TV_NONE:
				break;	/* empty: no limit, unknown */
			case TV_STR:
				csv_str(f, v.s);
				break;
			case TV_U64:
				if (bfields[k].boolean)
					fputc(v.u ? '1' : '0', f);
				else
					fprintf(f, "%llu",
					    (unsigned long long)v.u);
				break;
			case TV_DBL:
				fprintf(f, "%.3f", v.d);
				break;
			}
		}
		fputc('\n', f);
	}
}

/* ---- json ---- */

static struct json_object *
json_round(double v)
{
	/* Three decimals are plenty and keep lines short. */
	char buf[64];

	snprintf(buf, sizeof buf, "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *
batch_json_dom(const struct bmodels *bm, uint32_t i)
{
	struct json_object *o = json_object_new_object();
	char scratch[4 * 128 + 8];
	size_t k;

	for (k = 0; k < N_BFIELDS; k++) {
		struct top_val v;
		struct json_object *j = NULL;

		bfield_get(bm, k, i, &v, scratch, sizeof scratch);
		if (v.kind == TV_NONE)
			;	/* null: no limit, unknown */
		else if (bfields[k].boolean)
			continue;	/* the object's "simulated" says it */
		else if (v.kind == TV_STR)
			j = json_object_new_string(v.s);
		else if (v.kind == TV_U64)
			j = json_object_new_uint64(v.u);
		else
			j = json_round(v.d);
		json_object_object_add(o, bfields[k].name, j);
	}
	return o;
}

/* A fleet's hosts: one object each, in the order given, with its state
 * ("up", "connecting", "auth failed", "key mismatch", "down",
 * "retrying") and, when not up, the status line saying why. */
static struct json_object *
batch_json_hosts(const struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	struct json_object *arr = json_object_new_array();
	char esc[4 * 128 + 8];
	size_t h;

	for (h = 0; h < s->n_host; h++) {
		const struct snap_host *sh = &s->hosts[h];
		const struct top_host_row *r = &m->host_rows[h];
		struct json_object *hj = json_object_new_object();

		xdom_escape(esc, sizeof esc, sh->name);
		json_object_object_add(hj, "name",
		    json_object_new_string(esc));
		json_object_object_add(hj, "state",
		    json_object_new_string(hv_host_state_name(sh->state)));
		xdom_escape(esc, sizeof esc, sh->status);
		json_object_object_add(hj, "status",
		    json_object_new_string(esc));
		xdom_escape(esc, sizeof esc, sh->hv_version);
		json_object_object_add(hj, "hv_version",
		    json_object_new_string(esc));
		json_object_object_add(hj, "simulated",
		    json_object_new_boolean(sh->simulated));
		json_object_object_add(hj, "domains",
		    json_object_new_uint64(r->doms));
		json_object_object_add(hj, "running",
		    json_object_new_uint64(r->running));
		json_object_object_add(hj, "cpus",
		    json_object_new_uint64(sh->ncpus));
		json_object_object_add(hj, "cpu_mhz",
		    json_object_new_uint64(sh->cpu_mhz));
		json_object_object_add(hj, "cpu_pct", json_round(r->cpu_pct));
		json_object_object_add(hj, "mem_total_kib",
		    json_object_new_uint64(sh->mem_total_kb));
		json_object_object_add(hj, "mem_used_kib",
		    json_object_new_uint64(r->mem_used_kb));
		json_object_object_add(hj, "mem_free_kib",
		    json_object_new_uint64(sh->mem_free_kb));
		json_object_array_add(arr, hj);
	}
	return arr;
}

static int
batch_json(FILE *f, const struct top_model *m, const struct top_opts *o,
    long iteration)
{
	const struct snap *s = top_model_cur(m);
	struct json_object *root = json_object_new_object();
	struct json_object *doms = json_object_new_array();
	struct json_object *cnt = json_object_new_object();
	struct top_counts c;
	struct bmodels bm;
	bool sim = o->simulated;
	size_t r, h, n;
	const char *txt;

	bmodels_init(&bm, m);
	for (h = 0; h < s->n_host; h++)
		sim = sim || s->hosts[h].simulated;
	json_object_object_add(root, "iteration",
	    json_object_new_int64(iteration));
	json_object_object_add(root, "time", json_round(m->wall));
	json_object_object_add(root, "interval_s", json_round(m->interval_s));
	json_object_object_add(root, "simulated",
	    json_object_new_boolean(sim));
	if (o->mode != TOP_MODE_RESTRICTED && (o->remote || s->n_host > 1))
		json_object_object_add(root, "hosts", batch_json_hosts(m));
	else if (o->mode != TOP_MODE_RESTRICTED && s->n_host > 0) {
		struct json_object *hj = json_object_new_object();
		uint64_t total, used, free_kb;
		char esc[4 * 128 + 8];

		top_model_mem(m, &total, &used, &free_kb);
		xdom_escape(esc, sizeof esc, s->hosts[0].name);
		json_object_object_add(hj, "name",
		    json_object_new_string(esc));
		xdom_escape(esc, sizeof esc, s->hosts[0].hv_version);
		json_object_object_add(hj, "hv_version",
		    json_object_new_string(esc));
		json_object_object_add(hj, "cpus",
		    json_object_new_uint64(s->hosts[0].ncpus));
		json_object_object_add(hj, "cpu_mhz",
		    json_object_new_uint64(s->hosts[0].cpu_mhz));
		json_object_object_add(hj, "cpu_pct",
		    json_round(m->host_cpu_pct));
		json_object_object_add(hj, "mem_total_kib",
		    json_object_new_uint64(total));
		json_object_object_add(hj, "mem_used_kib",
		    json_object_new_uint64(used));
		json_object_object_add(hj, "mem_free_kib",
		    json_object_new_uint64(free_kb));
		json_object_object_add(root, "host", hj);
	}
	top_model_counts(m, &c);
	json_object_object_add(cnt, "total", json_object_new_uint64(c.total));
	json_object_object_add(cnt, "running",
	    json_object_new_uint64(c.running));
	json_object_object_add(cnt, "blocked",
	    json_object_new_uint64(c.blocked));
	json_object_object_add(cnt, "paused",
	    json_object_new_uint64(c.paused));
	json_object_object_add(cnt, "crashed",
	    json_object_new_uint64(c.crashed));
	json_object_object_add(cnt, "dying", json_object_new_uint64(c.dying));
	json_object_object_add(cnt, "shutdown",
	    json_object_new_uint64(c.shutdown));
	json_object_object_add(root, "domains_by_state", cnt);
	/*
	 * The domains array goes last and is written one domain at a time,
	 * each object built and serialised by json-c and freed before the
	 * next: a tree of 10,000 domains would take ~70 MB. json-c writes
	 * the empty array as "[]", so the line is the root's text up to
	 * that "[", the domains' texts joined by commas, then "]}".
	 */
	json_object_object_add(root, "domains", doms);
	txt = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	n = strlen(txt);
	if (n < 3 || strcmp(txt + n - 3, "[]}") != 0) {
		/* not the shape expected: the whole tree, the slow way */
		for (r = 0; r < m->n_order; r++)
			json_object_array_add(doms, batch_json_dom(&bm,
			    m->order[r]));
		fputs(json_object_to_json_string_ext(root,
		    JSON_C_TO_STRING_PLAIN), f);
		fputc('\n', f);
		json_object_put(root);
		return 0;
	}
	fwrite(txt, 1, n - 2, f);
	for (r = 0; r < m->n_order; r++) {
		struct json_object *d = batch_json_dom(&bm, m->order[r]);

		if (r > 0)
			fputc(',', f);
		fputs(json_object_to_json_string_ext(d,
		    JSON_C_TO_STRING_PLAIN), f);
		json_object_put(d);
	}
	fputs("]}\n", f);
	json_object_put(root);
	return 0;
}

int
top_batch_write(FILE *f, const struct top_model *m, const struct top_opts *o,
    long iteration, struct xdom_err *err)
{
	switch (o->format) {
	case TOP_FMT_CSV:
		batch_csv(f, m, iteration);
		break;
	case TOP_FMT_JSON:
		batch_json(f, m, o, iteration);
		break;
	default:
		batch_text(f, m, o);
		break;
	}
	if (fflush(f) != 0 || ferror(f)) {
		int e = errno, rc;

		rc = xdom_err_errno(err, XDOM_EIO, e, "writing output");
		errno = e;	/* the caller tells EPIPE apart */
		return rc;
	}
	return 0;
}
