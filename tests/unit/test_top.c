/*
 * test_top.c - the dashboard's pure logic: column table, number
 * formatting, escaping in cells, filtering, sorting (fractional CPU%,
 * every VBD column, both directions), a domain vanishing or appearing
 * between refreshes, flags, and batch csv/json output. Long: one file
 * for the dashboard's logic, as tests/README.md asks (a module, a file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "top/top_int.h"

#define SEC 1000000000ull

/* A domain with one vif and one vbd; the vbd counters are set apart
 * from each other so each VBD column has its own order. */
static struct snap_dom *
add(struct snap *s, uint32_t id, const char *name, uint64_t cpu_ns,
    uint64_t bytes, const uint64_t vbd[5])
{
	struct snap_dom *d = snap_add_dom(s, 0, id, name);
	struct snap_net *n;
	struct snap_vbd *v;

	d->cpu_ns = cpu_ns;
	d->flags = SNAP_F_RUNNING;
	d->mem_kb = 1024 * (id + 1);
	d->maxmem_kb = id == 3 ? SNAP_MEM_UNLIMITED : 4096 * (id + 1);
	d->vcpus_online = d->vcpus_max = 1;
	n = snap_add_nets(s, 1);
	n->rx_bytes = bytes;
	n->tx_bytes = bytes * 2;
	v = snap_add_vbds(s, 1);
	v->dev = 51712;
	if (vbd != NULL) {
		v->oo = vbd[0];
		v->rd_reqs = vbd[1];
		v->wr_reqs = vbd[2];
		v->rd_sect = vbd[3];
		v->wr_sect = vbd[4];
	}
	return d;
}

static void
host(struct snap *s, uint64_t mono)
{
	uint16_t h = snap_add_host(s, "h0");

	s->hosts[h].mem_total_kb = 1000000;
	s->hosts[h].mem_free_kb = 400000;
	s->hosts[h].ncpus = 4;
	s->hosts[h].cpu_mhz = 2400;
	snprintf(s->hosts[h].hv_version, sizeof s->hosts[h].hv_version,
	    "4.17.3");
	s->mono_ns = mono;
	s->wall_s = 1700000000;
}

/*
 * Model with two samples 2 s apart. Domains 1..4; in the second sample
 * CPU use is 12.5 %, 12.75 %, 12.25 % and 50 % (fractions a few
 * hundredths apart), and vbd counters grow by distinct amounts.
 */
static void
model_two(struct top_model *m)
{
	static const uint64_t z[5] = { 0, 0, 0, 0, 0 };
	/* oo, rd, wr, rsect, wsect per domain: each column a different
	 * order of the domains. */
	static const uint64_t v[4][5] = {
		{ 4, 10, 300, 7000, 20 },
		{ 3, 40, 100, 5000, 40 },
		{ 2, 20, 400, 8000, 10 },
		{ 1, 30, 200, 6000, 30 },
	};
	static const char *const names[4] = { "web01", "db01", "batch1",
	    "Idle" };
	static const uint64_t cpu[4] = { SEC / 4, SEC / 4 + SEC / 200,
	    SEC / 4 - SEC / 200, SEC };
	struct snap *s;
	uint32_t k;

	top_model_init(m);
	s = top_model_next(m);
	host(s, 10 * SEC);
	for (k = 0; k < 4; k++)
		add(s, k + 1, names[k], 0, 0, z);
	snap_finish(s);
	top_model_update(m);
	s = top_model_next(m);
	host(s, 12 * SEC);
	for (k = 0; k < 4; k++)
		add(s, k + 1, names[k], cpu[k], 1000 * (k + 1), v[k]);
	snap_finish(s);
	top_model_update(m);
}

static uint32_t
row_id(const struct top_model *m, size_t r)
{
	return top_model_cur(m)->dom[m->order[r]].id;
}

static void
test_table_consistent(void **state)
{
	int i, j;

	(void)state;
	assert_int_equal(sizeof top_cols / sizeof top_cols[0], COL__COUNT);
	for (i = 0; i < COL__COUNT; i++) {
		const struct top_col_def *c = &top_cols[i];

		assert_non_null(c->name);
		assert_non_null(c->title);
		assert_non_null(c->get);
		assert_non_null(c->help);
		/* an amount says how its totals and rates read */
		if (c->fmt == CF_AMOUNT) {
			assert_true(c->div >= 1);
			assert_true(c->base == 1000 || c->base == 1024);
			assert_non_null(c->title_rate);
		}
		assert_true(c->width >= 4);
		assert_int_equal(top_col_find(c->name), i);
		assert_int_equal(top_col_find(c->title), i);
		for (j = 0; j < i; j++) {
			assert_string_not_equal(c->name, top_cols[j].name);
			assert_string_not_equal(c->title, top_cols[j].title);
		}
	}
	assert_int_equal(top_col_find("no-such"), -1);
	/* xentop's columns, in xentop's order */
	{
		static const char *const xt[] = { "NAME", "STATE", "CPU(sec)",
		    "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)",
		    "VCPUS", "NETS", "NETTX(k)", "NETRX(k)", "VBDS", "VBD_OO",
		    "VBD_RD", "VBD_WR", "VBD_RSECT", "VBD_WSECT", "SSID" };
		size_t n = 0;

		for (i = 0; i < COL__COUNT; i++) {
			if (!top_cols[i].xentop)
				continue;
			assert_true(n < sizeof xt / sizeof xt[0]);
			assert_string_equal(top_cols[i].title, xt[n]);
			n++;
		}
		assert_int_equal(n, sizeof xt / sizeof xt[0]);
	}
}

static void
test_fmt_scaled(void **state)
{
	char b[32];

	(void)state;
	top_fmt_scaled(0, 1024, b, sizeof b);
	assert_string_equal(b, "0");
	top_fmt_scaled(0.25, 1000, b, sizeof b);
	assert_string_equal(b, "0.2");	/* 0.25 rounds to even */
	top_fmt_scaled(7.5, 1000, b, sizeof b);
	assert_string_equal(b, "7.5");
	top_fmt_scaled(512, 1024, b, sizeof b);
	assert_string_equal(b, "512");
	top_fmt_scaled(1536, 1024, b, sizeof b);
	assert_string_equal(b, "1.5k");
	top_fmt_scaled(1500, 1000, b, sizeof b);
	assert_string_equal(b, "1.5k");
	top_fmt_scaled(40.0 * 1024 * 1024, 1024, b, sizeof b);
	assert_string_equal(b, "40M");
	top_fmt_scaled(3.0 * 1024 * 1024 * 1024, 1024, b, sizeof b);
	assert_string_equal(b, "3.0G");
	top_fmt_scaled(999.7, 1000, b, sizeof b);
	assert_string_equal(b, "1.0k");	/* never "1000" */
	top_fmt_scaled(-5, 1000, b, sizeof b);
	assert_string_equal(b, "0");
	top_fmt_scaled(1e30, 1000, b, sizeof b);
	assert_true(strlen(b) <= 16);
	/* an integer that fits stays exact, else it is scaled */
	top_fmt_fit(12345678, 8, b, sizeof b);
	assert_string_equal(b, "12345678");
	top_fmt_fit(123456789, 8, b, sizeof b);
	assert_string_equal(b, "118M");
}

static void
test_escape_in_cells(void **state)
{
	struct top_model m;
	struct snap *s;
	char b[256];

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	top_model_init(&m);
	s = top_model_next(&m);
	host(s, SEC);
	add(s, 7, "evil\x1b[2J\x07name", 0, 0, NULL);
	add(s, 8, "caf\xc3\xa9", 0, 0, NULL);
	snap_finish(s);
	top_model_update(&m);
	top_col_text(&m, COL_NAME, 0, b, sizeof b);
	assert_null(strchr(b, '\x1b'));
	assert_null(strchr(b, '\x07'));
	assert_non_null(strstr(b, "\\x1b"));
	top_col_text(&m, COL_NAME, 1, b, sizeof b);
	assert_string_equal(b, "caf\xc3\xa9");
	m.ascii_only = true;
	top_col_text(&m, COL_NAME, 1, b, sizeof b);
	assert_string_equal(b, "caf??");
	/* width and cutting on characters, not bytes */
	m.ascii_only = false;
	snprintf(b, sizeof b, "caf\xc3\xa9-long-name");
	top_text_cut(b, 4);
	assert_string_equal(b, "caf\xc3\xa9");
	top_model_dispose(&m);
}

static void
test_cells(void **state)
{
	struct top_model m;
	char b[64];

	(void)state;
	model_two(&m);
	/* row 3 is id 4 "Idle": 1 s of CPU in 2 s */
	top_col_text(&m, COL_CPU_PCT, 3, b, sizeof b);
	assert_string_equal(b, "50.0");
	top_col_text(&m, COL_STATE, 3, b, sizeof b);
	assert_string_equal(b, "-----r");
	top_col_text(&m, COL_MAXMEM, 2, b, sizeof b);	/* id 3 */
	assert_string_equal(b, "no limit");
	top_col_text(&m, COL_MAXMEM_PCT, 2, b, sizeof b);
	assert_string_equal(b, "n/a");
	top_col_text(&m, COL_MEM_PCT, 0, b, sizeof b);	/* 2048/1e6 */
	assert_string_equal(b, "0.2");
	/* rates by default: 4000 B of rx in 2 s for id 4 */
	top_col_text(&m, COL_NETRX, 3, b, sizeof b);
	assert_string_equal(b, "2.0k");
	m.totals = true;
	top_col_text(&m, COL_NETRX, 3, b, sizeof b);
	assert_string_equal(b, "3");	/* 4000 B = 3 KiB, as xentop */
	top_model_dispose(&m);
}

static void
test_sort_cpu_fractional(void **state)
{
	struct top_model m;

	(void)state;
	model_two(&m);
	m.sort_col = COL_CPU_PCT;
	m.sort_desc = true;
	top_model_sort(&m);
	assert_int_equal(m.n_order, 4);
	/* 50, 12.75, 12.5, 12.25 */
	assert_int_equal(row_id(&m, 0), 4);
	assert_int_equal(row_id(&m, 1), 2);
	assert_int_equal(row_id(&m, 2), 1);
	assert_int_equal(row_id(&m, 3), 3);
	m.sort_desc = false;
	top_model_sort(&m);
	assert_int_equal(row_id(&m, 0), 3);
	assert_int_equal(row_id(&m, 1), 1);
	assert_int_equal(row_id(&m, 2), 2);
	assert_int_equal(row_id(&m, 3), 4);
	top_model_dispose(&m);
}

static void
check_order(struct top_model *m, enum top_col c, bool totals,
    const uint32_t want_asc[4])
{
	int k;

	m->sort_col = c;
	m->totals = totals;
	m->sort_desc = false;
	top_model_sort(m);
	for (k = 0; k < 4; k++)
		assert_int_equal(row_id(m, (size_t)k), want_asc[k]);
	m->sort_desc = true;
	top_model_sort(m);
	for (k = 0; k < 4; k++)
		assert_int_equal(row_id(m, (size_t)k), want_asc[3 - k]);
}

static void
test_sort_vbd_columns(void **state)
{
	static const uint32_t oo[4] = { 4, 3, 2, 1 };
	static const uint32_t rd[4] = { 1, 3, 4, 2 };
	static const uint32_t wr[4] = { 2, 4, 1, 3 };
	static const uint32_t rs[4] = { 2, 4, 1, 3 };
	static const uint32_t ws[4] = { 3, 1, 4, 2 };
	struct top_model m;
	int totals;

	(void)state;
	model_two(&m);
	for (totals = 0; totals <= 1; totals++) {
		check_order(&m, COL_VBD_OO, totals, oo);
		check_order(&m, COL_VBD_RD, totals, rd);
		check_order(&m, COL_VBD_WR, totals, wr);
		check_order(&m, COL_VBD_RSECT, totals, rs);
		check_order(&m, COL_VBD_WSECT, totals, ws);
	}
	top_model_dispose(&m);
}

static void
test_sort_every_column(void **state)
{
	struct top_model m;
	int c;

	(void)state;
	model_two(&m);
	for (c = 0; c < COL__COUNT; c++) {
		m.sort_col = (enum top_col)c;
		m.sort_desc = false;
		top_model_sort(&m);
		assert_int_equal(m.n_order, 4);
	}
	/* names: ignoring case, as xentop */
	m.sort_col = COL_NAME;
	m.sort_desc = false;
	top_model_sort(&m);
	assert_int_equal(row_id(&m, 0), 3);	/* "batch1" */
	assert_int_equal(row_id(&m, 1), 2);	/* "db01" */
	assert_int_equal(row_id(&m, 2), 4);	/* "Idle" */
	assert_int_equal(row_id(&m, 3), 1);	/* "web01" */
	/* -z: Domain-0 first whatever the order: none here, so nothing is
	 * pulled up */
	m.dom0_first = true;
	top_model_sort(&m);
	assert_int_equal(row_id(&m, 0), 3);
	top_model_dispose(&m);
}

static void
test_filter(void **state)
{
	struct top_model m;

	(void)state;
	model_two(&m);
	m.sort_col = COL_ID;
	m.sort_desc = false;
	snprintf(m.filter, sizeof m.filter, "B0");	/* case-insensitive */
	top_model_sort(&m);
	assert_int_equal(m.n_order, 2);	/* web01, db01 */
	assert_int_equal(row_id(&m, 0), 1);
	assert_int_equal(row_id(&m, 1), 2);
	snprintf(m.filter, sizeof m.filter, "web0");
	top_model_sort(&m);
	assert_int_equal(m.n_order, 1);
	snprintf(m.filter, sizeof m.filter, "nothing");
	top_model_sort(&m);
	assert_int_equal(m.n_order, 0);
	m.filter[0] = '\0';
	top_model_sort(&m);
	assert_int_equal(m.n_order, 4);
	top_model_dispose(&m);
}

static void
test_vanish_and_appear(void **state)
{
	static const uint64_t z[5] = { 0, 0, 0, 0, 0 };
	struct top_model m;
	struct snap *s;
	uint32_t k;

	(void)state;
	model_two(&m);
	/* third sample: id 2 gone, id 9 new (its counters all within the
	 * interval), id 3 rebooted as id 10 */
	s = top_model_next(&m);
	host(s, 14 * SEC);
	add(s, 1, "web01", SEC, 0, z);
	add(s, 4, "Idle", 3 * SEC, 0, z);
	add(s, 9, "newbie", SEC, 0, z);
	add(s, 10, "batch1", SEC / 2, 0, z);
	snap_finish(s);
	top_model_update(&m);
	m.sort_col = COL_ID;
	m.sort_desc = false;
	top_model_sort(&m);
	assert_int_equal(m.n_order, 4);
	assert_null(snap_find_id(top_model_cur(&m), 0, 2));
	for (k = 0; k < 4; k++) {
		uint32_t i = m.order[k];
		const struct snap_dom *d = &top_model_cur(&m)->dom[i];

		if (d->id == 9) {
			assert_true(m.rates[i].fresh);
			assert_true(m.rates[i].cpu_pct > 49.9 &&
			    m.rates[i].cpu_pct < 50.1);
			assert_int_equal(m.hist[i].n, 1);
		} else if (d->id == 4) {
			assert_false(m.rates[i].fresh);
			assert_true(m.rates[i].cpu_pct > 99.9 &&
			    m.rates[i].cpu_pct < 100.1);
			/* history moved along with the domain */
			assert_int_equal(m.hist[i].n, 2);
			assert_true(top_hist_get(&m, &m.hist[i],
			    TOP_SERIES_CPU, 1) > 49.9);
			assert_true(top_hist_get(&m, &m.hist[i],
			    TOP_SERIES_CPU, 0) > 99.9);
			assert_true(top_hist_get(&m, &m.hist[i],
			    TOP_SERIES_CPU, 2) < 0);
		}
	}
	/* and a refresh where every domain vanished */
	s = top_model_next(&m);
	host(s, 16 * SEC);
	snap_finish(s);
	top_model_update(&m);
	top_model_sort(&m);
	assert_int_equal(m.n_order, 0);
	top_model_dispose(&m);
}

/* The summary's counts: each domain once, a crash counted as a crash
 * although Xen also sets shutdown for it (xentop says "shutdown"). */
static void
test_counts(void **state)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} doms[] = {
		{ "run", SNAP_F_RUNNING },
		{ "blk", SNAP_F_BLOCKED },
		{ "blk2", SNAP_F_BLOCKED },
		{ "pau", SNAP_F_PAUSED },
		{ "pau-blk", SNAP_F_PAUSED | SNAP_F_BLOCKED },
		{ "legacy01", SNAP_F_SHUTDOWN | SNAP_F_CRASHED },
		{ "crash-p", SNAP_F_SHUTDOWN | SNAP_F_CRASHED | SNAP_F_PAUSED },
		{ "down", SNAP_F_SHUTDOWN },
		{ "down-p", SNAP_F_SHUTDOWN | SNAP_F_PAUSED },
		{ "dying", SNAP_F_DYING | SNAP_F_SHUTDOWN },
	};
	struct top_model m;
	struct top_counts c;
	struct snap *s;
	char line[256];
	size_t k;

	(void)state;
	top_model_init(&m);
	s = top_model_next(&m);
	host(s, SEC);
	for (k = 0; k < sizeof doms / sizeof doms[0]; k++)
		snap_add_dom(s, 0, (uint32_t)k, doms[k].name)->flags =
		    doms[k].flags;
	snap_finish(s);
	top_model_update(&m);
	top_model_counts(&m, &c);
	assert_int_equal(c.total, 10);
	assert_int_equal(c.running, 1);
	assert_int_equal(c.blocked, 3);	/* pau-blk: blocked, as xentop */
	assert_int_equal(c.paused, 1);
	assert_int_equal(c.crashed, 2);
	assert_int_equal(c.shutdown, 2);
	assert_int_equal(c.dying, 1);
	assert_int_equal(c.running + c.blocked + c.paused + c.crashed +
	    c.dying + c.shutdown, c.total);
	top_fmt_counts(&m, line, sizeof line);
	assert_string_equal(line, "10 domains: 1 running, 3 blocked, "
	    "1 paused, 2 crashed, 1 dying, 2 shutdown");
	top_model_dispose(&m);
}

/* History follows each domain when rows shift both ways at once: two
 * vanish at the front, several appear in the middle and one at the
 * front. Domain id k uses k % CPU, so its history says whose it is. */
static void
snap_ids(struct top_model *m, uint64_t t, const uint32_t *ids, size_t n)
{
	static const uint64_t z[5] = { 0, 0, 0, 0, 0 };
	struct snap *s = top_model_next(m);
	size_t k;

	host(s, t * SEC);
	for (k = 0; k < n; k++) {
		char name[16];
		uint64_t born;

		snprintf(name, sizeof name, "d%u", ids[k]);
		/* k % since it appeared, one interval before */
		born = ids[k] >= 20 ? 14 : ids[k] >= 10 ? 12 : 0;

		add(s, ids[k], name, (t - born) * SEC * ids[k] / 100, 0, z);
	}
	snap_finish(s);
	top_model_update(m);
}

static void
test_hist_moves(void **state)
{
	static const uint32_t a[] = { 1, 2, 3, 4, 5, 6 };
	static const uint32_t b[] = { 3, 4, 10, 11, 12, 13, 14, 6 };
	static const uint32_t c[] = { 0, 3, 4, 6, 14, 20 };
	struct top_model m;
	const struct snap *s;
	size_t i;

	(void)state;
	top_model_init(&m);
	snap_ids(&m, 10, a, 6);
	snap_ids(&m, 12, a, 6);	/* one sample each */
	snap_ids(&m, 14, b, 8);	/* 3, 4 move down; 6 moves up */
	s = top_model_cur(&m);
	for (i = 0; i < s->n_dom; i++) {
		uint32_t id = s->dom[i].id;
		const struct top_hist *h = &m.hist[i];
		unsigned want = id <= 6 ? 2 : 1, k;

		assert_int_equal(h->n, want);
		for (k = 0; k < want; k++) {
			double v = top_hist_get(&m, h, TOP_SERIES_CPU, k);

			if (v < id - 0.2 || v > id + 0.2) {
				print_error("id %u sample %u: %.1f\n", id, k, v);
				fail();
			}
		}
	}
	snap_ids(&m, 16, c, 6);	/* 0 new at the front, 10-13 gone */
	s = top_model_cur(&m);
	for (i = 0; i < s->n_dom; i++) {
		uint32_t id = s->dom[i].id;
		const struct top_hist *h = &m.hist[i];

		assert_int_equal(h->n, id == 0 || id == 20 ? 1 : id == 14 ?
		    2 : 3);
		assert_true(top_hist_get(&m, h, TOP_SERIES_CPU, h->n - 1) >
		    id - 0.2);
		assert_true(top_hist_get(&m, h, TOP_SERIES_CPU, h->n - 1) <
		    id + 0.2);
	}
	top_model_dispose(&m);
}

static void
test_hist_codec(void **state)
{
	double v;

	(void)state;
	assert_int_equal(top_hist_enc(0), 0);
	assert_int_equal(top_hist_enc(-3), 0);
	for (v = 1; v < 1e15; v *= 7.3) {
		double d = top_hist_dec(top_hist_enc(v));

		/* a fifth of a doubling: within 7.2 % */
		assert_true((1 + d) / (1 + v) > 0.928 &&
		    (1 + d) / (1 + v) < 1.072);
	}
	for (v = 0.5; v < 1e16; v *= 1.01)	/* never goes down */
		assert_true(top_hist_enc(v * 1.01) >= top_hist_enc(v));
	assert_int_equal(top_hist_enc(1e30), 255);
}

static int
parse(const char *const *args, int n, struct top_opts *o,
    struct xdom_err *err)
{
	char *argv[16];
	int i;

	for (i = 0; i < n; i++)
		argv[i] = (char *)args[i];
	argv[n] = NULL;
	return top_parse_args(n, argv, o, err);
}

static void
test_args(void **state)
{
	struct xdom_err err = { 0, "" };
	struct top_opts o;

	(void)state;
	{
		static const char *const a[] = { "top", "-d", "0.5", "-b", "-i",
		    "3", "--format=json", "-nxvrfz" };

		assert_int_equal(parse(a, 8, &o, &err), 0);
		assert_true(o.delay > 0.49 && o.delay < 0.51);
		assert_true(o.batch && o.iterations == 3);
		assert_int_equal(o.format, TOP_FMT_JSON);
		assert_true(o.networks && o.vbds && o.vcpus &&
		    o.repeat_header && o.full_name && o.dom0_first);
	}
	{
		static const char *const a[] = { "top", "--delay=2.25",
		    "--sort=vbd_rsect:asc", "--columns=id,name,-ssid" };

		assert_int_equal(parse(a, 4, &o, &err), 0);
		assert_int_equal(o.sort_col, COL_VBD_RSECT);
		assert_int_equal(o.sort_dir, 1);
	}
	{
		static const char *const bad[][3] = {
			{ "top", "-d", "0" }, { "top", "-d", "abc" },
			{ "top", "-i", "-1" }, { "top", "--format=xml", "-b" },
			{ "top", "--sort=nope", "-b" },
			{ "top", "--columns=id,bogus", "-b" },
			{ "top", "--bogus", "-b" }, { "top", "stray", "-b" },
		};
		size_t k;

		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			xdom_err_clear(&err);
			assert_int_equal(parse(bad[k], 3, &o, &err),
			    XDOM_EINVAL);
			assert_true(strlen(err.msg) > 0);
		}
	}
	{
		static const char *const a[] = { "top", "--format=csv" };

		assert_int_equal(parse(a, 2, &o, &err), XDOM_EINVAL);
	}
}

/* Run batch output of model_two into a string. */
static char *
batch_out(struct top_model *m, enum top_format fmt, bool header)
{
	struct top_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct xdom_err err = { 0, "" };

	assert_non_null(f);
	memset(&o, 0, sizeof o);
	o.format = fmt;
	m->sort_col = COL_ID;
	m->sort_desc = false;
	top_model_sort(m);
	if (header)
		top_batch_csv_header(f);
	assert_int_equal(top_batch_write(f, m, &o, 1, &err), 0);
	fclose(f);
	return buf;
}

static void
test_batch_json(void **state)
{
	struct top_model m;
	struct json_object *j, *doms, *d, *v;
	char *out;

	(void)state;
	model_two(&m);
	out = batch_out(&m, TOP_FMT_JSON, false);
	/* one line */
	assert_non_null(strchr(out, '\n'));
	assert_int_equal(strchr(out, '\n')[1], '\0');
	j = json_tokener_parse(out);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "domains", &doms));
	assert_int_equal(json_object_array_length(doms), 4);
	d = json_object_array_get_idx(doms, 3);
	assert_true(json_object_object_get_ex(d, "name", &v));
	assert_string_equal(json_object_get_string(v), "Idle");
	assert_true(json_object_object_get_ex(d, "cpu_pct", &v));
	assert_true(json_object_get_double(v) > 49.9 &&
	    json_object_get_double(v) < 50.1);
	assert_true(json_object_object_get_ex(d, "net_rx_bytes_per_s", &v));
	assert_true(json_object_get_double(v) > 1999 &&
	    json_object_get_double(v) < 2001);
	assert_true(json_object_object_get_ex(d, "mem_kib", &v));
	assert_int_equal(json_object_get_int64(v), 5 * 1024);
	d = json_object_array_get_idx(doms, 2);	/* id 3: no limit */
	assert_true(json_object_object_get_ex(d, "maxmem_kib", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(j, "host", &v));
	json_object_put(j);
	free(out);
	/* no domain matches: still one object, with an empty array */
	snprintf(m.filter, sizeof m.filter, "nothing");
	out = batch_out(&m, TOP_FMT_JSON, false);
	j = json_tokener_parse(out);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "domains", &doms));
	assert_int_equal(json_object_array_length(doms), 0);
	assert_true(json_object_object_get_ex(j, "domains_by_state", &v));
	json_object_put(j);
	free(out);
	top_model_dispose(&m);
}

static void
test_batch_csv_and_text(void **state)
{
	struct top_model m;
	struct snap *s;
	char *out, *line2;
	static const uint64_t z[5] = { 0, 0, 0, 0, 0 };

	(void)state;
	top_model_init(&m);
	s = top_model_next(&m);
	host(s, SEC);
	add(s, 5, "a,\"b\"\n", 0, 0, z);
	snap_finish(s);
	top_model_update(&m);
	out = batch_out(&m, TOP_FMT_CSV, true);
	assert_true(strncmp(out, "iteration,time,host,id,name,state,",
	    strlen("iteration,time,host,id,name,state,")) == 0);
	line2 = strchr(out, '\n') + 1;
	/* quoted, inner quotes doubled, newline escaped, one line */
	assert_non_null(strstr(line2, ",\"a,\"\"b\"\"\\x0a\","));
	assert_int_equal(strchr(line2, '\n')[1], '\0');
	/* every line says whether its host is simulated ("h0" is not) */
	assert_non_null(strstr(out, ",simulated\n"));
	assert_non_null(strstr(line2, ",0\n"));
	free(out);
	out = batch_out(&m, TOP_FMT_TEXT, false);
	/* xentop -b: the header is the first line, no summary lines */
	assert_true(strncmp(out, "      NAME  STATE   CPU(sec) CPU(%)     "
	    "MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) "
	    "NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT "
	    "SSID\n", strlen("      NAME  STATE   CPU(sec) CPU(%)     "
	    "MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) "
	    "NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT "
	    "SSID\n")) == 0);
	assert_null(strstr(out, "domains:"));
	assert_null(strstr(out, "Mem:"));
	free(out);
	top_model_dispose(&m);
}

/* Text batch into a string, with the options given. */
static char *
batch_text_out(struct top_model *m, const struct top_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct xdom_err err = { 0, "" };

	assert_non_null(f);
	m->sort_col = COL_ID;
	m->sort_desc = false;
	top_model_sort(m);
	assert_int_equal(top_batch_write(f, m, o, 1, &err), 0);
	fclose(f);
	return buf;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * `xentop -b` drop-in: every line of an iteration is the header or a
 * domain, each row exactly what xentop's printf formats make of the same
 * figures; --summary adds our lines first; a figure too long for
 * xentop's width widens its column, header included, so rows line up.
 */
static void
test_batch_text_xentop(void **state)
{
	static const uint64_t z[5] = { 0, 0, 0, 0, 0 };
	struct top_model m;
	struct top_opts o;
	struct snap *s;
	char *out, want[512], *p;
	size_t hl;

	(void)state;
	model_two(&m);
	memset(&o, 0, sizeof o);
	out = batch_text_out(&m, &o);
	assert_int_equal(count_lines(out), 1 + 4);
	/* web01, id 1: 12.5 % CPU; 2000 bytes sent, 1000 received; vbd
	 * counters 4 10 300 7000 20; 2048 of 1000000 KiB, max 8192 */
	snprintf(want, sizeof want, "\n%10.10s %6s %10llu %6.1f %10llu %6.1f "
	    "%10llu %9.1f %5u %4u %8llu %8llu %4u %8llu %8llu %8llu %10llu "
	    "%10llu %4u\n", "web01", "-----r", 0ull, 12.5, 2048ull,
	    2048 / 1e6 * 100, 8192ull, 8192 / 1e6 * 100, 1u, 1u, 1ull, 0ull,
	    1u, 4ull, 10ull, 300ull, 7000ull, 20ull, 0u);
	print_message("# want: %s", want + 1);
	print_message("# got:\n%s", out);
	assert_non_null(strstr(out, want));
	/* id 3: no limit, n/a, as xentop */
	assert_non_null(strstr(out, "  no limit       n/a "));
	free(out);

	/* --summary: title, counts and memory, a blank line, the table */
	o.summary = true;
	o.simulated = true;
	out = batch_text_out(&m, &o);
	assert_true(strncmp(out, "xdom top - ", 11) == 0);
	assert_non_null(strstr(out, "SIMULATED\n4 domains: "));
	assert_non_null(strstr(out, "\nMem: 1000000k total"));
	assert_non_null(strstr(out, "MHz\n\n      NAME  STATE "));
	free(out);
	top_model_dispose(&m);

	/* a huge NETTX(k): the column widens, header too; -f: NAME fits
	 * the longest name, right-aligned as xentop's */
	top_model_init(&m);
	s = top_model_next(&m);
	host(s, SEC);
	add(s, 1, "cust-alice-web", 0, 1024ull * 5000000000000ull, z);
	add(s, 2, "cust-alice-db", 0, 0, z);
	snap_finish(s);
	top_model_update(&m);
	memset(&o, 0, sizeof o);
	out = batch_text_out(&m, &o);
	print_message("# got:\n%s", out);
	hl = (size_t)(strchr(out, '\n') - out);
	for (p = out; *p != '\0'; p = strchr(p, '\n') + 1)
		assert_int_equal((size_t)(strchr(p, '\n') - p), hl);
	assert_non_null(strstr(out, "    NETTX(k) "));
	assert_non_null(strstr(out, " 10000000000000 "));
	/* cut to 10 without a mark, as xentop's %10.10s */
	assert_non_null(strstr(out, "\ncust-alice -----r"));
	free(out);
	o.full_name = true;
	out = batch_text_out(&m, &o);
	assert_true(strncmp(out, "          NAME  STATE ", 22) == 0);
	assert_non_null(strstr(out, "\ncust-alice-web -----r"));
	assert_non_null(strstr(out, "\n cust-alice-db -----r"));
	free(out);
	top_model_dispose(&m);
}

/* Restricted (xdom-shell's top): no share of the host's memory in any
 * format; "-" in text, null in json, empty in csv. The same model in
 * admin mode has them, so each check can fail. */
static void
test_batch_restricted_mem_pct(void **state)
{
	struct top_model m;
	struct top_opts o;
	struct json_object *j, *doms, *d, *v;
	char *out;

	(void)state;
	model_two(&m);
	memset(&o, 0, sizeof o);
	out = batch_text_out(&m, &o);
	assert_non_null(strstr(out, "    0.2       8192       0.8 "));
	free(out);
	o.mode = TOP_MODE_RESTRICTED;
	out = batch_text_out(&m, &o);
	print_message("# got:\n%s", out);
	assert_non_null(strstr(out, "      -       8192         - "));
	assert_non_null(strstr(out, "  no limit       n/a "));
	assert_null(strstr(out, " 0.0 "));
	free(out);
	/* json and csv: the model as top_batch_run sets it up */
	m.host_hidden = true;
	out = batch_out(&m, TOP_FMT_JSON, false);
	j = json_tokener_parse(out);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "domains", &doms));
	d = json_object_array_get_idx(doms, 0);
	assert_true(json_object_object_get_ex(d, "mem_pct", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(d, "maxmem_pct", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(d, "mem_kib", &v));
	assert_int_equal(json_object_get_int64(v), 2048);
	json_object_put(j);
	free(out);
	out = batch_out(&m, TOP_FMT_CSV, false);
	assert_non_null(strstr(out, ",2048,,8192,,"));
	free(out);
	m.host_hidden = false;
	out = batch_out(&m, TOP_FMT_CSV, false);
	assert_non_null(strstr(out, ",2048,0.205,8192,0.819,"));
	free(out);
	top_model_dispose(&m);
}

/* -v: online vcpus only; batch text wraps before every fifth index. */
static void
test_vcpu_lines(void **state)
{
	struct top_model m;
	struct top_opts o;
	struct snap *s;
	struct snap_dom *d;
	struct snap_vcpu *v;
	struct xdom_err err = { 0, "" };
	char line[512], *buf = NULL;
	size_t len = 0;
	uint32_t k;
	FILE *f;

	(void)state;
	top_model_init(&m);
	s = top_model_next(&m);
	host(s, SEC);
	d = snap_add_dom(s, 0, 7, "many");
	d->vcpus_online = 6;
	d->vcpus_max = 7;
	v = snap_add_vcpus(s, 7);
	for (k = 0; k < 7; k++) {
		v[k].ns = (k + 1) * 10 * SEC;
		v[k].online = k != 2;
	}
	snap_finish(s);
	top_model_update(&m);
	top_model_sort(&m);
	top_fmt_vcpu_line(&m, 0, line, sizeof line);
	assert_string_equal(line, "VCPUs(sec):   0:         10s  1:         "
	    "20s  3:         40s  4:         50s  5:         60s  6:         "
	    "70s");
	memset(&o, 0, sizeof o);
	o.vcpus = true;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(top_batch_write(f, &m, &o, 1, &err), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nVCPUs(sec):   0:         10s  1:      "
	    "   20s  3:         40s  4:         50s\n          5:         60s"
	    "  6:         70s\n"));
	free(buf);
	top_model_dispose(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_fmt_scaled),
		cmocka_unit_test(test_escape_in_cells),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_sort_cpu_fractional),
		cmocka_unit_test(test_sort_vbd_columns),
		cmocka_unit_test(test_sort_every_column),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_vanish_and_appear),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_vcpu_lines),
		cmocka_unit_test(test_hist_moves),
		cmocka_unit_test(test_hist_codec),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_batch_json),
		cmocka_unit_test(test_batch_csv_and_text),
		cmocka_unit_test(test_batch_text_xentop),
		cmocka_unit_test(test_batch_restricted_mem_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
