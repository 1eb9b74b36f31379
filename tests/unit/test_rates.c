/*
 * test_rates.c - rates from two snapshots, and the snapshot container.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/rates.h"
#include "core/snap.h"

#define SEC 1000000000ull

/* Add a domain with one vif and one vbd carrying the given counters. */
static void
add(struct snap *s, uint32_t id, const char *name, uint64_t cpu_ns,
    uint64_t bytes, uint64_t reqs)
{
	struct snap_dom *d = snap_add_dom(s, 0, id, name);
	struct snap_net *n;
	struct snap_vbd *v;

	d->cpu_ns = cpu_ns;
	d->flags = SNAP_F_RUNNING;
	n = snap_add_nets(s, 1);
	n->rx_bytes = bytes;
	n->tx_bytes = bytes / 2;
	n->rx_pkts = bytes / 1000;
	v = snap_add_vbds(s, 1);
	v->dev = 51712;
	v->rd_reqs = reqs;
	v->wr_reqs = reqs * 3;
	v->rd_sect = reqs * 8;
}

static void
two_snaps(struct snap *a, struct snap *b)
{
	snap_init(a);
	snap_init(b);
	snap_add_host(a, "h");
	snap_add_host(b, "h");
	a->mono_ns = 10 * SEC;
	b->mono_ns = 12 * SEC;		/* a 2 s interval */
}

static void
test_cpu_pct_fractional(void **state)
{
	struct snap a, b;
	struct rate_dom r[2];

	(void)state;
	two_snaps(&a, &b);
	add(&a, 1, "web01", 1 * SEC, 0, 0);
	add(&a, 2, "db01", 0, 0, 0);
	add(&b, 1, "web01", 1 * SEC + SEC / 4, 0, 0);	/* 0.25 s in 2 s */
	add(&b, 2, "db01", 3 * SEC, 0, 0);		/* 3 s in 2 s: 2 vcpus */
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_true(r[0].cpu_pct > 12.49 && r[0].cpu_pct < 12.51);
	assert_true(r[1].cpu_pct > 149.9 && r[1].cpu_pct < 150.1);
	assert_false(r[0].fresh);
	assert_int_equal(r[0].prev, 0);
	assert_int_equal(r[1].prev, 1);
	snap_dispose(&a);
	snap_dispose(&b);
}

static void
test_io_rates(void **state)
{
	struct snap a, b;
	struct rate_dom r[1];

	(void)state;
	two_snaps(&a, &b);
	add(&a, 5, "media01", 0, 1000000, 100);
	add(&b, 5, "media01", 0, 3000000, 300);
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_true(r[0].rx_Bps > 999999.0 && r[0].rx_Bps < 1000001.0);
	assert_true(r[0].tx_Bps > 499999.0 && r[0].tx_Bps < 500001.0);
	assert_true(r[0].rx_pps > 999.0 && r[0].rx_pps < 1001.0);
	assert_true(r[0].vbd_rd_ps > 99.9 && r[0].vbd_rd_ps < 100.1);
	assert_true(r[0].vbd_wr_ps > 299.9 && r[0].vbd_wr_ps < 300.1);
	assert_true(r[0].vbd_rsect_ps > 799.9 && r[0].vbd_rsect_ps < 800.1);
	snap_dispose(&a);
	snap_dispose(&b);
}

/* A reboot gives a new id: the new domain's rates count from zero over
 * the interval, and the old id is simply gone. */
static void
test_new_and_vanished(void **state)
{
	struct snap a, b;
	struct rate_dom r[2];

	(void)state;
	two_snaps(&a, &b);
	add(&a, 3, "web02", 50 * SEC, 0, 0);
	add(&a, 4, "gone01", 7 * SEC, 0, 0);
	add(&b, 3, "web02", 51 * SEC, 0, 0);
	add(&b, 9, "web02-new", SEC / 2, 4000, 0);
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_false(r[0].fresh);
	assert_true(r[0].cpu_pct > 49.9 && r[0].cpu_pct < 50.1);
	assert_true(r[1].fresh);
	assert_int_equal(r[1].prev, RATES_NO_PREV);
	assert_true(r[1].cpu_pct > 24.9 && r[1].cpu_pct < 25.1);
	assert_true(r[1].rx_Bps > 1999.0 && r[1].rx_Bps < 2001.0);
	snap_dispose(&a);
	snap_dispose(&b);
}

/* An id reused by a domain of another name is not the same domain. */
static void
test_id_reused(void **state)
{
	struct snap a, b;
	struct rate_dom r[1];

	(void)state;
	two_snaps(&a, &b);
	add(&a, 7, "old", 100 * SEC, 0, 0);
	add(&b, 7, "new", 1 * SEC, 0, 0);
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_true(r[0].fresh);
	assert_true(r[0].cpu_pct > 49.9 && r[0].cpu_pct < 50.1);
	snap_dispose(&a);
	snap_dispose(&b);
}

/* A domain renamed in place (xl rename: same id, new name) has no
 * previous sample, but its counters are a whole life, not 2 s: no
 * spike of thousands of percent or gigabytes per second. A 2-vcpu one
 * that could have used its CPU time within the interval is rated. */
static void
test_renamed_no_spike(void **state)
{
	struct snap a, b;
	struct rate_dom r[2];
	struct snap_dom *d;
	struct rate_net rn[1];
	struct rate_vbd rv[1];
	double pct[1] = { -1 };

	(void)state;
	two_snaps(&a, &b);
	add(&a, 7, "web01", 86400 * SEC, 1ull << 40, 1u << 30);
	add(&b, 7, "web01-old", 86401 * SEC, (1ull << 40) + 1000, 1u << 30);
	snap_add_vcpus(&b, 1)->ns = 86401 * SEC;
	add(&b, 8, "new2", 3 * SEC, 4000, 0);
	d = &b.dom[b.n_dom - 1];
	d->vcpus_online = 2;
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_true(r[0].fresh);
	assert_true(r[0].cpu_pct == 0.0);
	assert_true(r[0].rx_Bps == 0.0);
	assert_true(r[0].vbd_rd_ps == 0.0);
	rates_vcpus(&a, NULL, &b, &b.dom[0], pct);
	assert_true(pct[0] == 0.0);
	rates_nets(&a, NULL, &b, &b.dom[0], rn);
	assert_true(rn[0].rx_Bps == 0.0);
	rates_vbds(&a, NULL, &b, &b.dom[0], rv);
	assert_true(rv[0].rd_ps == 0.0);
	/* 3 s of CPU in 2 s on 2 vcpus fits: 150 %, 2000 B/s */
	assert_true(r[1].fresh);
	assert_true(r[1].cpu_pct > 149.9 && r[1].cpu_pct < 150.1);
	assert_true(r[1].rx_Bps > 1999.0 && r[1].rx_Bps < 2001.0);
	snap_dispose(&a);
	snap_dispose(&b);
}

/* No previous snapshot: rows are fresh and rates are zero, not garbage. */
static void
test_no_prev(void **state)
{
	struct snap b;
	struct rate_dom r[1];

	(void)state;
	snap_init(&b);
	snap_add_host(&b, "h");
	b.mono_ns = 5 * SEC;
	add(&b, 1, "web01", 3 * SEC, 100, 1);
	snap_finish(&b);
	rates_compute(NULL, &b, r);
	assert_true(r[0].fresh);
	assert_true(r[0].cpu_pct == 0.0);
	snap_dispose(&b);
}

/* A counter that goes backwards is taken as restarted, never negative. */
static void
test_counter_backwards(void **state)
{
	struct snap a, b;
	struct rate_dom r[1];

	(void)state;
	two_snaps(&a, &b);
	add(&a, 1, "x", 10 * SEC, 5000, 0);
	add(&b, 1, "x", 1 * SEC, 1000, 0);
	snap_finish(&a);
	snap_finish(&b);
	rates_compute(&a, &b, r);
	assert_true(r[0].cpu_pct > 49.9 && r[0].cpu_pct < 50.1);
	assert_true(r[0].rx_Bps > 499.0 && r[0].rx_Bps < 501.0);
	snap_dispose(&a);
	snap_dispose(&b);
}

static void
test_sub_rates_and_host(void **state)
{
	struct snap a, b;
	struct snap_vcpu *v;
	struct rate_net rn[1];
	struct rate_vbd rv[1];
	double pct[2];
	const struct snap_dom *pd, *cd;

	(void)state;
	two_snaps(&a, &b);
	a.hosts[0].ncpus = b.hosts[0].ncpus = 4;
	add(&a, 1, "x", 2 * SEC, 0, 10);
	v = snap_add_vcpus(&a, 2);
	v[0].ns = SEC;
	v[1].ns = SEC;
	add(&b, 1, "x", 6 * SEC, 2000, 30);
	v = snap_add_vcpus(&b, 2);
	v[0].ns = 3 * SEC;		/* +2 s in 2 s: 100% */
	v[1].ns = 3 * SEC;
	snap_finish(&a);
	snap_finish(&b);
	pd = snap_find_id(&a, 0, 1);
	cd = snap_find_id(&b, 0, 1);
	assert_non_null(pd);
	assert_non_null(cd);
	rates_vcpus(&a, pd, &b, cd, pct);
	assert_true(pct[0] > 99.9 && pct[0] < 100.1);
	rates_nets(&a, pd, &b, cd, rn);
	assert_true(rn[0].rx_Bps > 999.0 && rn[0].rx_Bps < 1001.0);
	rates_vbds(&a, pd, &b, cd, rv);
	assert_true(rv[0].rd_ps > 9.9 && rv[0].rd_ps < 10.1);
	/* 4 s of CPU in 2 s on 4 pCPUs = 50% of the host */
	assert_true(rates_host_cpu(&a, &b, 0) > 49.9 &&
	    rates_host_cpu(&a, &b, 0) < 50.1);
	snap_dispose(&a);
	snap_dispose(&b);
}

static void
test_snap_basics(void **state)
{
	struct snap s, m;
	char st[SNAP_STATE_LEN + 1], vbd[16];
	int i;

	(void)state;
	snap_init(&s);
	snap_add_host(&s, "h");
	for (i = 300; i > 0; i--) {	/* forces growth and a sort */
		char name[16];

		snprintf(name, sizeof name, "d%d", i);
		add(&s, (uint32_t)i, name, (uint64_t)i, 0, (uint64_t)i);
	}
	snap_finish(&s);
	for (i = 1; i < 300; i++)
		assert_true(s.dom[i - 1].id < s.dom[i].id);
	assert_string_equal(snap_dom_name(&s, snap_find_id(&s, 0, 42)), "d42");
	assert_non_null(snap_find_name(&s, "d299"));
	assert_null(snap_find_name(&s, "d301"));
	assert_null(snap_find_id(&s, 0, 301));
	snap_state_str(SNAP_F_BLOCKED | SNAP_F_PAUSED, st);
	assert_string_equal(st, "--b-p-");
	snap_state_str(SNAP_F_DYING | SNAP_F_RUNNING, st);
	assert_string_equal(st, "d----r");
	snap_vbd_name(51712, vbd, sizeof vbd);
	assert_string_equal(vbd, "xvda");
	snap_vbd_name(51729, vbd, sizeof vbd);
	assert_string_equal(vbd, "xvdb1");
	snap_vbd_name(768, vbd, sizeof vbd);
	assert_string_equal(vbd, "768");

	/* the fleet merge keeps names and sub-records with their domains */
	snap_init(&m);
	snap_append(&m, &s);
	snap_append(&m, &s);
	assert_int_equal(m.n_host, 2);
	assert_int_equal(m.n_dom, 600);
	assert_int_equal(m.dom[300].host, 1);
	assert_string_equal(snap_dom_name(&m, &m.dom[300]), "d1");
	assert_int_equal(snap_dom_vbds(&m, &m.dom[599])->rd_reqs, 300);
	assert_int_equal(m.dom[599].n_vbd, 1);
	snap_reset(&m);
	assert_int_equal(m.n_dom, 0);
	snap_dispose(&m);
	snap_dispose(&m);		/* safe twice */
	snap_dispose(&s);
}

/* Remote hosts carry their own sample times: rates use them per host. */
static void
test_host_sample_times(void **state)
{
	struct snap a, b;
	struct rate_dom r[4];
	struct snap_dom *d;
	bool same;

	(void)state;
	snap_init(&a);
	snap_init(&b);
	a.mono_ns = 10 * SEC;
	b.mono_ns = 11 * SEC;		/* the view's refresh: 1 s */
	snap_add_host(&a, "r1");
	snap_add_host(&a, "r2");
	snap_add_host(&a, "r3");
	snap_add_host(&b, "r1");
	snap_add_host(&b, "r2");
	snap_add_host(&b, "r3");
	a.hosts[0].sample_ns = 500 * SEC;	/* r1: 2 s between samples */
	b.hosts[0].sample_ns = 502 * SEC;
	a.hosts[1].sample_ns = 700 * SEC;	/* r2: no new sample */
	b.hosts[1].sample_ns = 700 * SEC;
	b.hosts[2].sample_ns = 900 * SEC;	/* r3: just came up */
	d = snap_add_dom(&a, 0, 1, "x");
	d->cpu_ns = 1 * SEC;
	d = snap_add_dom(&b, 0, 1, "x");
	d->cpu_ns = 2 * SEC;			/* 1 s of CPU in 2 s */
	d = snap_add_dom(&a, 1, 1, "y");
	d->cpu_ns = 5 * SEC;
	d = snap_add_dom(&b, 1, 1, "y");
	d->cpu_ns = 5 * SEC;
	d = snap_add_dom(&b, 2, 1, "z");
	d->cpu_ns = 400 * SEC;			/* no pair: no spike */
	snap_finish(&a);
	snap_finish(&b);
	assert_true(rates_host_interval(&a, &b, 0, &same) > 1.99 &&
	    rates_host_interval(&a, &b, 0, &same) < 2.01);
	assert_false(same);
	assert_true(rates_host_interval(&a, &b, 1, &same) == 0.0);
	assert_true(same);
	assert_true(rates_host_interval(&a, &b, 2, &same) == 0.0);
	assert_false(same);
	assert_true(rates_host_interval(NULL, &b, 0, &same) == 0.0);
	rates_compute(&a, &b, r);
	assert_true(r[0].cpu_pct > 49.9 && r[0].cpu_pct < 50.1);
	assert_false(r[0].same);
	assert_true(r[1].same);
	assert_true(r[1].cpu_pct == 0.0);
	assert_true(r[2].fresh);
	assert_true(r[2].cpu_pct == 0.0);
	assert_false(r[2].same);
	/* Another host at the same index: nothing to pair. */
	snprintf(b.hosts[0].name, sizeof b.hosts[0].name, "other");
	assert_true(rates_host_interval(&a, &b, 0, NULL) == 0.0);
	/* Without sample times (local backends): the snapshots' interval. */
	a.hosts[0].sample_ns = b.hosts[0].sample_ns = 0;
	assert_true(rates_host_interval(&a, &b, 0, NULL) > 0.99 &&
	    rates_host_interval(&a, &b, 0, NULL) < 1.01);
	snap_dispose(&a);
	snap_dispose(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_pct_fractional),
		cmocka_unit_test(test_io_rates),
		cmocka_unit_test(test_new_and_vanished),
		cmocka_unit_test(test_id_reused),
		cmocka_unit_test(test_renamed_no_spike),
		cmocka_unit_test(test_no_prev),
		cmocka_unit_test(test_counter_backwards),
		cmocka_unit_test(test_sub_rates_and_host),
		cmocka_unit_test(test_snap_basics),
		cmocka_unit_test(test_host_sample_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
