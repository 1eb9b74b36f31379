/*
 * test_top_sim.c - `xdom top --sim -b -i 3 -d 0.5 --format=json` end to
 * end (top_main(), as the xdom command calls it, on a fresh simulated
 * host), checked against the sim host's load, not against itself:
 *
 *   1. every line parses, has its iteration, an interval near 0.5 s (the
 *      first one too: a first sample is taken before it) and every
 *      domain of the host;
 *   2. every domain's CPU% and rates agree with sim_expect(), the load
 *      model's closed form evaluated at the line's own time and
 *      interval (a different path from snapshots, rates and output);
 *   3. every running guest's figures lie within the bounds that the
 *      profile table in hypervisor/sim.h promises, from the mean, scale
 *      and wave figures documented there and copied below; paused and
 *      crashed guests show no CPU and no I/O.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hypervisor/hv.h"
#include "hypervisor/sim/sim.h"
#include "top/top.h"
#include "tests/unit/support/fixture.h"

/* hypervisor/sim.h's profile table: means per online vcpu (CPU) or per
 * guest (I/O), sectors per request, and the documented spread: scale
 * within +-25 % (batch +-2 %), waves within +-37 % (batch +-5 %). */
static const struct {
	const char *name;
	double cpu, rx_k, tx_k, rd, wr, rsect, wsect;
	double scale, wave;
} profs[] = {
	{ "idle", 1, 2, 1, 0.2, 1, 8, 8, 0.25, 0.37 },
	{ "web", 8, 400, 2500, 15, 8, 16, 16, 0.25, 0.37 },
	{ "db", 10, 1500, 800, 250, 180, 16, 16, 0.25, 0.37 },
	{ "batch", 92, 20, 10, 5, 20, 32, 32, 0.02, 0.05 },
	{ "io", 8, 100, 100, 900, 600, 64, 64, 0.25, 0.37 },
	{ "net", 10, 40000, 35000, 2, 5, 8, 16, 0.25, 0.37 },
	{ "crashed", 1, 2, 1, 0.2, 1, 8, 8, 0.25, 0.37 },
};
#define N_PROFS (sizeof profs / sizeof profs[0])

/* Run top_main() with stdout going to a file; return the file's text. */
static char *
run_top(const char *dir, char **argv, int argc, int *status)
{
	struct hv_open_opts ho = { .backend = "sim", .sim_dir = dir };
	char path[] = "/tmp/xdom-test-top-out.XXXXXX";
	int fd = mkstemp(path), saved;
	char *buf;
	FILE *f;
	long n;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDOUT_FILENO) >= 0);
	*status = top_main(argc, argv, &ho, TOP_MODE_ADMIN);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	return buf;
}

static double
num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		print_error("missing %s\n", key);
		fail();
	}
	return json_object_get_double(v);
}

/* got agrees with want within rel, plus abs for quantised counters. */
static void
near(const char *name, const char *what, double got, double want, double rel,
    double abs_tol)
{
	double tol = want * rel + abs_tol;

	if (got < want - tol || got > want + tol) {
		print_error("%s %s: %.3f, the load model says %.3f (+-%.3f)\n",
		    name, what, got, want, tol);
		fail();
	}
}

/* got within [mean * lo, mean * hi]; skipped when the interval holds
 * too few counts for a rate to mean anything (idle disks). */
static void
within(const char *name, const char *what, double got, double mean,
    double scale, double wave, double interval)
{
	double lo = mean * (1 - scale) * (1 - wave);
	double hi = mean * (1 + scale) * (1 + wave);

	if (mean * interval < 20)
		return;
	if (got < lo || got > hi) {
		print_error("%s %s: %.3f, the profile says %.3f..%.3f\n", name,
		    what, got, lo, hi);
		fail();
	}
}

static void
test_batch_json_vs_load(void **state)
{
	char dir[] = "/tmp/xdom-test-top-sim.XXXXXX";
	char *argv[] = { "top", "-b", "-i", "3", "-d", "0.5",
	    "--format=json", NULL };
	struct hv_open_opts ho = { .backend = "sim" };
	struct xdom_err err = { 0, "" };
	struct sim_state st;
	struct hv *hv = NULL;
	char *out, *line, *save = NULL, *text, spath[128];
	size_t tlen = 0, k;
	int status, lines = 0;
	unsigned checked_busy = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ho.sim_dir = dir;
	/* Create the host first, so top and the model see the same one. */
	assert_int_equal(hv_open(&hv, &ho, &err), 0);
	out = run_top(dir, argv, 7, &status);
	assert_int_equal(status, 0);

	/* The guests as stored: profile, run state, sizes. */
	snprintf(spath, sizeof spath, "%s/state", dir);
	f = fopen(spath, "r");
	assert_non_null(f);
	text = calloc(1, 1 << 20);
	tlen = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	sim_state_init(&st);
	assert_int_equal(sim_state_parse(&st, text, tlen, "state", &err), 0);

	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct json_object *j = json_tokener_parse(line), *doms, *d, *v;
		double t1, dt;
		size_t n_dom = 0, n_up = 0;

		lines++;
		if (j == NULL) {
			print_error("line %d is not JSON: %.200s\n", lines,
			    line);
			fail();
		}
		assert_int_equal((int)num(j, "iteration"), lines);
		assert_true(json_object_object_get_ex(j, "simulated", &v));
		assert_true(json_object_get_boolean(v));
		t1 = num(j, "time");
		dt = num(j, "interval_s");
		if (dt < 0.45 || dt > 1.5) {
			print_error("line %d: interval %.3f s for -d 0.5\n",
			    lines, dt);
			fail();
		}
		assert_true(json_object_object_get_ex(j, "domains", &doms));
		n_dom = json_object_array_length(doms);
		for (k = 0; k < st.n; k++)
			if (st.g[k].run != SIM_STOPPED)
				n_up++;
		assert_int_equal(n_dom, n_up);
		for (k = 0; k < n_dom; k++) {
			struct sim_expect e;
			const struct sim_guest *g;
			const char *name;
			double cpu, rx, tx, rd, wr, rs, ws;
			long gi;
			size_t p;

			d = json_object_array_get_idx(doms, k);
			assert_true(json_object_object_get_ex(d, "name", &v));
			name = json_object_get_string(v);
			gi = sim_state_find(&st, name);
			assert_true(gi >= 0);
			g = &st.g[gi];
			cpu = num(d, "cpu_pct");
			rx = num(d, "net_rx_bytes_per_s");
			tx = num(d, "net_tx_bytes_per_s");
			rd = num(d, "vbd_rd_per_s");
			wr = num(d, "vbd_wr_per_s");
			rs = num(d, "vbd_rsect_per_s");
			ws = num(d, "vbd_wsect_per_s");

			/* 2: the model's closed form over this interval.
			 * Times carry 1 ms of rounding; counters are whole
			 * numbers, so allow a count or two per interval. */
			assert_int_equal(sim_expect(hv, name, t1 - dt, t1, &e,
			    &err), 0);
			near(name, "cpu_pct", cpu, e.cpu_pct, 0.02, 0.05);
			near(name, "rx B/s", rx, e.rx_Bps, 0.02, 2 / dt);
			near(name, "tx B/s", tx, e.tx_Bps, 0.02, 2 / dt);
			near(name, "rd/s", rd, e.vbd_rd_ps, 0.02, 2 / dt);
			near(name, "wr/s", wr, e.vbd_wr_ps, 0.02, 2 / dt);
			near(name, "rsect/s", rs, e.vbd_rsect_ps, 0.02,
			    2 * 64 / dt);
			near(name, "wsect/s", ws, e.vbd_wsect_ps, 0.02,
			    2 * 64 / dt);

			/* 3: the documented profile bounds. */
			if (g->run == SIM_PAUSED || g->run == SIM_CRASHED) {
				assert_true(cpu == 0 && rx == 0 && tx == 0 &&
				    rd == 0 && wr == 0);
				continue;
			}
			assert_int_equal(g->run, SIM_RUNNING);
			for (p = 0; p < N_PROFS; p++)
				if (strcmp(profs[p].name,
				    sim_load_profile_name(g->profile)) == 0)
					break;
			assert_true(p < N_PROFS);
			within(name, "cpu_pct", cpu, profs[p].cpu *
			    g->vcpus_online, profs[p].scale, profs[p].wave,
			    1e9);
			if (profs[p].cpu >= 50 && cpu > 100)
				checked_busy++;
			if (g->n_net > 0) {
				within(name, "rx B/s", rx, profs[p].rx_k *
				    1024, profs[p].scale, profs[p].wave, dt);
				within(name, "tx B/s", tx, profs[p].tx_k *
				    1024, profs[p].scale, profs[p].wave, dt);
			}
			if (g->n_vbd > 0) {
				within(name, "rd/s", rd, profs[p].rd,
				    profs[p].scale, profs[p].wave, dt);
				within(name, "wr/s", wr, profs[p].wr,
				    profs[p].scale, profs[p].wave, dt);
				within(name, "rsect/s", rs, profs[p].rd *
				    profs[p].rsect, profs[p].scale,
				    profs[p].wave, dt / profs[p].rsect);
				within(name, "wsect/s", ws, profs[p].wr *
				    profs[p].wsect, profs[p].scale,
				    profs[p].wave, dt / profs[p].wsect);
			}
		}
		json_object_put(j);
	}
	assert_int_equal(lines, 3);
	/* the default host has a multi-vcpu batch guest above 100 % */
	assert_true(checked_busy >= 3);
	sim_state_dispose(&st);
	free(text);
	free(out);
	hv_close(hv);
	tfx_rm_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_json_vs_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
