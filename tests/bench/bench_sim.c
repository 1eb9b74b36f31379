/*
 * bench_sim.c - what the simulated host costs: creating a host of N
 * guests, a snapshot when nothing changed (the cached path: one stat()),
 * a snapshot right after another process changed the state (a re-read),
 * and one action. Medians of several rounds, CPU time of this process.
 *
 *   bench_sim [N ...]     default: 26 (the default host) 1000 10000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/snap.h"
#include "hypervisor/hv.h"
#include "tests/unit/support/fixture.h"

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

#define ROUNDS 9

static int
bench_one(unsigned n)
{
	char dir[64];
	struct hv_open_opts o = { .backend = "sim", .sim_dir = dir,
	    .sim_domains = n == 26 ? 0 : n };
	struct xdom_err err = { 0 };
	struct hv *hv = NULL, *other = NULL;
	struct snap s;
	double t0, c0, create_wall, create_cpu, v[ROUNDS], w[ROUNDS];
	double x[ROUNDS], full[ROUNDS];
	int i, k, rc = 1;

	snprintf(dir, sizeof dir, "%s/xdom-bench-sim.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snap_init(&s);
	t0 = wall_ms();
	c0 = cpu_ms();
	if (hv_open(&hv, &o, &err) != 0)
		goto fail;
	create_wall = wall_ms() - t0;
	create_cpu = cpu_ms() - c0;
	o.sim_domains = 0;
	if (hv_open(&other, &o, &err) != 0 ||
	    hv_snapshot(hv, 0, &s, &err) != 0)
		goto fail;
	for (i = 0; i < ROUNDS; i++) {
		c0 = cpu_ms();
		for (k = 0; k < 10; k++)
			if (hv_snapshot(hv, 0, &s, &err) != 0)
				goto fail;
		v[i] = (cpu_ms() - c0) / 10;
		c0 = cpu_ms();
		for (k = 0; k < 10; k++)
			if (hv_snapshot(hv, HV_SNAP_ALL, &s, &err) != 0)
				goto fail;
		full[i] = (cpu_ms() - c0) / 10;
		/* another handle changes the state: the next snapshot
		 * re-reads and re-parses it */
		c0 = cpu_ms();
		if (hv_action(other, "web01", i % 2 ? HV_ACT_UNPAUSE :
		    HV_ACT_PAUSE, &err) != 0)
			goto fail;
		x[i] = cpu_ms() - c0;
		c0 = cpu_ms();
		if (hv_snapshot(hv, 0, &s, &err) != 0)
			goto fail;
		w[i] = cpu_ms() - c0;
	}
	printf("sim %5u guests: create %7.1f ms (%.1f ms CPU); snapshot "
	    "unchanged %.3f ms CPU, full %.3f ms, after a change %.3f ms; "
	    "action %.3f ms CPU\n", n, create_wall, create_cpu,
	    median(v, ROUNDS), median(full, ROUNDS), median(w, ROUNDS),
	    median(x, ROUNDS));
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bench_sim: %s\n", xdom_err_msg(&err));
out:
	hv_close(hv);
	hv_close(other);
	snap_dispose(&s);
	tfx_rm_tree(dir);
	return rc;
}

int
main(int argc, char **argv)
{
	static const unsigned def[] = { 26, 1000, 10000 };
	int i, rc = 0;

	setenv("XDOM_SIM_DELAY_MS", "100", 1);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			rc |= bench_one((unsigned)strtoul(argv[i], NULL, 10));
	} else {
		for (i = 0; i < 3; i++)
			rc |= bench_one(def[i]);
	}
	return rc;
}
