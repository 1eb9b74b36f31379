/*
 * test_top_cols.c - one value per column: the screen's cell, the sort's
 * order and the csv and json fields all come from the column's getter,
 * for every column, every row, in totals and in rates mode, with values
 * that are missing (no limit, host's memory unknown) and names that
 * need escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "core/escape.h"
#include "top/top_int.h"

#define SEC 1000000000ull
#define NDOM 5

/* Five domains on two hosts; the second host gives no memory total, so
 * its shares are unknown; domain 2 has no memory limit. */
static void
fill(struct snap *s, uint64_t mono, uint64_t k)
{
	static const char *const names[NDOM] = { "Domain-0", "web01",
	    "b\xc3\xa4tch", "evil\x1b[2J", "Web01" };
	uint32_t id;

	snap_add_host(s, "h0");
	snap_add_host(s, "user@h1:22");
	s->hosts[0].mem_total_kb = 1000000;
	s->hosts[1].simulated = true;
	s->mono_ns = mono;
	s->wall_s = 1700000000 + (double)(mono / SEC);
	for (id = 0; id < NDOM; id++) {
		struct snap_dom *d = snap_add_dom(s, id < 3 ? 0 : 1, id,
		    names[id]);
		struct snap_net *n = snap_add_nets(s, 1);
		struct snap_vbd *v = snap_add_vbds(s, 1);

		d->cpu_ns = k * (id + 1) * (SEC / 3) + id;
		d->flags = id == 1 ? SNAP_F_PAUSED : SNAP_F_RUNNING;
		d->mem_kb = 1000 * (id + 1) + 3;
		d->maxmem_kb = id == 2 ? SNAP_MEM_UNLIMITED : 9000 * (5 - id);
		d->vcpus_online = d->vcpus_max = 1 + id % 2;
		d->ssid = 10 - id;
		n->tx_bytes = k * 1234567 * (id + 2);
		n->rx_bytes = k * 7654 * (7 - id);
		n->tx_pkts = k * id;
		v->dev = 51712;
		v->oo = k * (id % 3);
		v->rd_reqs = k * 17 * (4 - id);
		v->wr_reqs = k * 5 * id;
		v->rd_sect = k * 1000003 * id;
		v->wr_sect = k * 3 * (id % 2);
	}
}

static void
model(struct top_model *m)
{
	struct snap *s;

	top_model_init(m);
	s = top_model_next(m);
	fill(s, 10 * SEC, 1);
	snap_finish(s);
	top_model_update(m);
	s = top_model_next(m);
	fill(s, 13 * SEC, 4);
	snap_finish(s);
	top_model_update(m);
	m->sort_col = COL_ID;
	m->sort_desc = false;
	top_model_sort(m);
}

/* The csv and json fields that are a column's value, in which mode. */
static const struct {
	const char *field;
	int col;
	int totals;	/* -1: either */
} fields[] = {
	{ "host", COL_HOST, -1 }, { "id", COL_ID, -1 },
	{ "name", COL_NAME, -1 }, { "state", COL_STATE, -1 },
	{ "cpu_s", COL_CPU_S, -1 }, { "cpu_pct", COL_CPU_PCT, -1 },
	{ "mem_kib", COL_MEM, -1 }, { "mem_pct", COL_MEM_PCT, -1 },
	{ "maxmem_kib", COL_MAXMEM, -1 },
	{ "maxmem_pct", COL_MAXMEM_PCT, -1 }, { "vcpus", COL_VCPUS, -1 },
	{ "nets", COL_NETS, -1 }, { "net_tx_bytes", COL_NETTX, 1 },
	{ "net_rx_bytes", COL_NETRX, 1 },
	{ "net_tx_bytes_per_s", COL_NETTX, 0 },
	{ "net_rx_bytes_per_s", COL_NETRX, 0 }, { "vbds", COL_VBDS, -1 },
	{ "vbd_oo", COL_VBD_OO, 1 }, { "vbd_rd", COL_VBD_RD, 1 },
	{ "vbd_wr", COL_VBD_WR, 1 }, { "vbd_rsect", COL_VBD_RSECT, 1 },
	{ "vbd_wsect", COL_VBD_WSECT, 1 },
	{ "vbd_oo_per_s", COL_VBD_OO, 0 }, { "vbd_rd_per_s", COL_VBD_RD, 0 },
	{ "vbd_wr_per_s", COL_VBD_WR, 0 },
	{ "vbd_rsect_per_s", COL_VBD_RSECT, 0 },
	{ "vbd_wsect_per_s", COL_VBD_WSECT, 0 }, { "ssid", COL_SSID, -1 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static char *
batch(struct top_model *m, enum top_format fmt)
{
	struct top_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	memset(&o, 0, sizeof o);
	o.format = fmt;
	o.remote = true;
	if (fmt == TOP_FMT_CSV)
		top_batch_csv_header(f);
	assert_int_equal(top_batch_write(f, m, &o, 1, NULL), 0);
	fclose(f);
	return buf;
}

/* Field k (0-based) of a csv line; quotes kept. */
static void
csv_field(const char *line, int k, char *out, size_t len)
{
	const char *p = line;
	size_t n = 0;
	bool q = false;
	int at = 0;

	for (; *p != '\0' && *p != '\n'; p++) {
		if (*p == ',' && !q) {
			if (at++ == k)
				break;
			continue;
		}
		if (*p == '"')
			q = !q;
		if (at == k && n + 1 < len)
			out[n++] = *p;
	}
	out[n] = '\0';
}

static int
csv_index(const char *header, const char *name)
{
	char f[64];
	int k;

	for (k = 0; k < 64; k++) {
		csv_field(header, k, f, sizeof f);
		if (strcmp(f, name) == 0)
			return k;
	}
	return -1;
}

/* What csv writes for a value, and what the screen shows for it. */
static void
expect_csv(const struct top_val *v, char *out, size_t len)
{
	char esc[500];

	switch (v->kind) {
	case TV_NONE:
		snprintf(out, len, "%s", "");
		break;
	case TV_STR:
		xdom_escape(esc, sizeof esc, v->s);
		snprintf(out, len, "\"%s\"", esc);
		break;
	case TV_U64:
		snprintf(out, len, "%llu", (unsigned long long)v->u);
		break;
	case TV_DBL:
		snprintf(out, len, "%.3f", v->d);
		break;
	}
}

static void
expect_screen(const struct top_model *m, int c, const struct top_val *v,
    char *out, size_t len)
{
	const struct top_col_def *d = &top_cols[c];

	if (v->kind == TV_NONE)
		snprintf(out, len, "%s", v->s);
	else if (v->kind == TV_STR)
		top_name_escape(v->s, m->ascii_only, out, len);
	else if (v->kind == TV_U64 && (d->fmt == CF_WHOLE ||
	    d->fmt == CF_AMOUNT))
		snprintf(out, len, "%llu", (unsigned long long)(v->u /
		    (d->div > 1 ? d->div : 1)));
	else if (v->kind == TV_U64)
		snprintf(out, len, "%llu", (unsigned long long)v->u);
	else if (d->fmt == CF_AMOUNT)
		top_fmt_scaled(v->d, d->base, out, len);
	else if (d->fmt == CF_WHOLE)
		snprintf(out, len, "%llu", (unsigned long long)v->d);
	else
		snprintf(out, len, "%.1f", v->d);
}

static void
json_check(struct json_object *dom, const char *field,
    const struct top_val *v)
{
	struct json_object *j = NULL;
	char esc[600];

	assert_true(json_object_object_get_ex(dom, field, &j));
	switch (v->kind) {
	case TV_NONE:
		assert_null(j);
		break;
	case TV_STR:
		xdom_escape(esc, sizeof esc, v->s);
		assert_string_equal(json_object_get_string(j), esc);
		break;
	case TV_U64:
		assert_true(json_object_get_uint64(j) == v->u);
		break;
	case TV_DBL:
		assert_true(json_object_get_double(j) > v->d - 0.0006 &&
		    json_object_get_double(j) < v->d + 0.0006);
		break;
	}
}

static void
test_batch_reads_the_columns(void **state)
{
	struct top_model m;
	struct json_object *root, *doms;
	char *csv, *json, *line, want[600], got[600], buf[600];
	size_t r, k;

	(void)state;
	model(&m);
	csv = batch(&m, TOP_FMT_CSV);
	json = batch(&m, TOP_FMT_JSON);
	root = json_tokener_parse(json);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "domains", &doms));
	assert_int_equal(json_object_array_length(doms), NDOM);
	for (r = 0, line = strchr(csv, '\n') + 1; r < m.n_order;
	    r++, line = strchr(line, '\n') + 1) {
		uint32_t i = m.order[r];

		for (k = 0; k < NFIELDS; k++) {
			struct top_model tm = m;
			struct top_val v;
			int at = csv_index(csv, fields[k].field);

			assert_true(at >= 0);
			tm.totals = fields[k].totals != 0;
			top_col_get(&tm, fields[k].col, i, &v, buf,
			    sizeof buf);
			expect_csv(&v, want, sizeof want);
			csv_field(line, at, got, sizeof got);
			if (strcmp(want, got) != 0) {
				print_error("row %zu %s: csv %s, column %s\n",
				    r, fields[k].field, got, want);
				fail();
			}
			json_check(json_object_array_get_idx(doms, r),
			    fields[k].field, &v);
		}
	}
	json_object_put(root);
	free(csv);
	free(json);
	top_model_dispose(&m);
}

static void
test_screen_and_sort_read_the_columns(void **state)
{
	struct top_model m;
	char want[600], got[600], ba[600], bb[600];
	int c, t, dir;
	uint32_t i;

	(void)state;
	model(&m);
	m.exact = true;		/* every digit: the value itself */
	for (t = 0; t < 2; t++) {
		m.totals = t;
		for (c = 0; c < COL__COUNT; c++) {
			if (top_cols[c].fmt == CF_SPARK)
				continue;	/* history: not one value */
			for (i = 0; i < NDOM; i++) {
				struct top_val v;

				top_col_get(&m, c, i, &v, ba, sizeof ba);
				expect_screen(&m, c, &v, want, sizeof want);
				top_col_text(&m, c, i, got, sizeof got);
				assert_string_equal(got, want);
			}
			for (dir = 0; dir < 2; dir++) {
				size_t r;

				m.sort_col = (enum top_col)c;
				m.sort_desc = dir;
				top_model_sort(&m);
				assert_int_equal(m.n_order, NDOM);
				for (r = 1; r < m.n_order; r++) {
					struct top_val va, vb;
					int cmp = top_col_cmp(&m, c,
					    m.order[r - 1], m.order[r]);

					assert_true(dir ? cmp >= 0 : cmp <= 0);
					top_col_get(&m, c, m.order[r - 1], &va,
					    ba, sizeof ba);
					top_col_get(&m, c, m.order[r], &vb, bb,
					    sizeof bb);
					if (va.kind == TV_U64 &&
					    vb.kind == TV_U64)
						assert_true(dir ? va.u >= vb.u :
						    va.u <= vb.u);
					if (va.kind == TV_DBL &&
					    vb.kind == TV_DBL)
						assert_true(dir ? va.d >= vb.d :
						    va.d <= vb.d);
				}
			}
		}
	}
	top_model_dispose(&m);
}

/* Values the model cannot know are missing, not made up, in all three. */
static void
test_missing_values(void **state)
{
	struct top_model m;
	struct top_val v;
	char b[64];

	(void)state;
	model(&m);
	top_col_get(&m, COL_MAXMEM, 2, &v, b, sizeof b);
	assert_int_equal(v.kind, TV_NONE);
	assert_string_equal(v.s, "no limit");
	top_col_get(&m, COL_MAXMEM_PCT, 2, &v, b, sizeof b);
	assert_int_equal(v.kind, TV_NONE);
	assert_string_equal(v.s, "n/a");
	top_col_get(&m, COL_MEM_PCT, 3, &v, b, sizeof b);	/* host 1 */
	assert_int_equal(v.kind, TV_NONE);
	assert_string_equal(v.s, "-");
	top_col_get(&m, COL_MEM_PCT, 0, &v, b, sizeof b);
	assert_int_equal(v.kind, TV_DBL);
	m.host_hidden = true;
	top_col_get(&m, COL_MEM_PCT, 0, &v, b, sizeof b);
	assert_int_equal(v.kind, TV_NONE);
	/* names are raw in the value, escaped where shown */
	top_col_get(&m, COL_NAME, 3, &v, b, sizeof b);
	assert_int_equal(v.kind, TV_STR);
	assert_non_null(strchr(v.s, '\x1b'));
	top_col_text(&m, COL_NAME, 3, b, sizeof b);
	assert_null(strchr(b, '\x1b'));
	top_model_dispose(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_reads_the_columns),
		cmocka_unit_test(test_screen_and_sort_read_the_columns),
		cmocka_unit_test(test_missing_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
