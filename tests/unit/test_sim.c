/*
 * test_sim.c - the simulated host: default contents, counters against the
 * load model, actions and their timing, refusals, concurrent writers, a
 * killed writer, corrupt state, a 10,000-domain host, the console and
 * re-image. Every case runs on its own mktemp'd state directory with a
 * short XDOM_SIM_DELAY_MS. Long (one file per module, and the sim is the
 * largest module): cases are grouped by the headings below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/rates.h"
#include "core/snap.h"
#include "hypervisor/hv.h"
#include "hypervisor/sim/sim.h"
#include "tests/unit/support/fixture.h"

#define DELAY_MS 300

struct fx {
	struct tfx_sim sim;	/* sim.dir, sim.hv */
	struct snap s;
};

static struct hv *
open_dir(const char *dir, unsigned n)
{
	struct hv *hv = NULL;

	assert_int_equal(tfx_sim_hv(dir, n, &hv), 0);
	return hv;
}

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char delay[16];

	snprintf(delay, sizeof delay, "%d", DELAY_MS);
	setenv("XDOM_SIM_DELAY_MS", delay, 1);
	setenv("XDOM_SIM_REIMAGE_MS", "400", 1);
	setenv("XDOM_SIM_IMAGE_MB", "8", 1);
	if (tfx_sim_open(&f->sim, "sim", 0) != 0) {
		free(f);
		return -1;
	}
	snap_init(&f->s);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	tfx_sim_close(&f->sim);
	snap_dispose(&f->s);
	free(f);
	return 0;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
snap_ok(struct fx *f, unsigned what)
{
	struct xdom_err err = { 0 };
	int rc = hv_snapshot(f->sim.hv, what, &f->s, &err);

	if (rc != 0)
		print_error("snapshot: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static const struct snap_dom *
dom(struct fx *f, const char *name)
{
	return snap_find_name(&f->s, name);
}

static int
act(struct fx *f, const char *name, enum hv_action a, struct xdom_err *err)
{
	memset(err, 0, sizeof *err);
	return hv_action(f->sim.hv, name, a, err);
}

static void
act_ok(struct fx *f, const char *name, enum hv_action a)
{
	struct xdom_err err;
	int rc = act(f, name, a, &err);

	if (rc != 0)
		print_error("%s %s: %s\n", hv_action_name(a), name, err.msg);
	assert_int_equal(rc, 0);
}

static bool
guest_running(struct fx *f, const char *name, uint32_t *id)
{
	struct hv_guest_list l;
	struct xdom_err err = { 0 };
	bool found = false, run = false;
	size_t i;

	assert_int_equal(hv_guests(f->sim.hv, &l, &err), 0);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.g[i].name, name) == 0) {
			found = true;
			run = l.g[i].running;
			if (id != NULL)
				*id = l.g[i].id;
		}
	}
	hv_guest_list_dispose(&l);
	assert_true(found);
	return run;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	    (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- default host ---- */

static const char *const running_names[] = {
	"web01", "web02", "db01", "db02", "mail01", "dns01", "cache01",
	"lb01", "ci-runner01", "build01", "backup01", "media01", "files01",
	"analytics01", "monitor01", "vpn01", "devbox01", "cust-alice-web",
	"cust-alice-db", "cust-bob-shop", "cust-bob-mail", "cust-carol-blog",
};

static void
test_default_host(void **state)
{
	struct fx *f = *state;
	const struct snap_dom *d;
	struct hv_guest_list l;
	struct xdom_err err = { 0 };
	struct hv_info info;
	struct stat sb;
	char st[8];
	size_t i;
	bool offline = false;

	assert_true(hv_simulated(f->sim.hv));
	assert_string_equal(hv_backend_name(f->sim.hv), "sim");
	snap_ok(f, HV_SNAP_ALL);
	assert_int_equal(f->s.n_host, 1);
	assert_true(f->s.hosts[0].simulated);
	assert_int_equal(f->s.hosts[0].ncpus, 8);
	assert_int_equal(f->s.hosts[0].cpu_mhz, 2400);
	assert_int_equal(f->s.hosts[0].mem_total_kb, 64ull << 20);
	assert_true(f->s.hosts[0].mem_free_kb > 0);
	assert_true(f->s.hosts[0].mem_free_kb < f->s.hosts[0].mem_total_kb);
	assert_non_null(strstr(f->s.hosts[0].hv_version, "sim"));
	assert_int_equal(f->s.hosts[0].n_pcpu, 8);
	/* 22 running + paused + crashed + Domain-0 */
	assert_int_equal(f->s.n_dom, 25);
	d = dom(f, "Domain-0");
	assert_non_null(d);
	assert_int_equal(d->id, 0);
	assert_true(d->flags & SNAP_F_RUNNING);
	assert_true(d->maxmem_kb == SNAP_MEM_UNLIMITED);
	for (i = 0; i < sizeof running_names / sizeof running_names[0]; i++) {
		d = dom(f, running_names[i]);
		assert_non_null(d);
		assert_true(d->id > 0);
		assert_true(d->flags & (SNAP_F_RUNNING | SNAP_F_BLOCKED));
		assert_false(d->flags & (SNAP_F_PAUSED | SNAP_F_CRASHED));
		assert_true(d->mem_kb >= 256 * 1024);
		assert_true(d->n_net >= 1 && d->n_vbd >= 1);
		assert_int_equal(d->n_vcpu, d->vcpus_max);
		if (d->vcpus_online < d->vcpus_max)
			offline = true;
	}
	assert_true(offline);	/* one guest has offline vcpus */
	d = dom(f, "devbox01");
	assert_false(snap_dom_vcpus(&f->s, d)[3].online);
	assert_int_equal(snap_dom_vcpus(&f->s, d)[3].ns, 0);
	d = dom(f, "staging01");
	assert_non_null(d);
	snap_state_str(d->flags, st);
	assert_string_equal(st, "----p-");
	d = dom(f, "legacy01");
	assert_non_null(d);
	assert_true(d->flags & SNAP_F_CRASHED);
	assert_null(dom(f, "test01"));
	assert_null(dom(f, "cust-carol-dev"));
	/* a batch guest is busy, an idle one is blocked */
	assert_true(dom(f, "ci-runner01")->flags & SNAP_F_RUNNING);
	assert_true(dom(f, "dns01")->flags & SNAP_F_BLOCKED);

	assert_int_equal(hv_guests(f->sim.hv, &l, &err), 0);
	assert_int_equal(l.n, 27);
	hv_guest_list_dispose(&l);
	assert_false(guest_running(f, "test01", NULL));
	assert_false(guest_running(f, "cust-carol-dev", NULL));
	assert_true(guest_running(f, "staging01", NULL));

	assert_int_equal(hv_info(f->sim.hv, "db01", &info, &err), 0);
	assert_string_equal(info.name, "db01");
	assert_true(info.running);
	assert_int_equal(info.vcpus, 4);
	assert_int_equal(info.n_disks, 2);
	assert_int_equal(info.n_nics, 1);
	assert_int_equal(strncmp(info.nics[0].mac, "00:16:3e:", 9), 0);
	assert_true(info.uptime_s > 0);
	assert_non_null(strstr(info.disks[0].target, "/images/db01.img"));
	assert_int_equal(stat(info.config_path, &sb), 0);
	assert_int_equal(hv_info(f->sim.hv, "cust-alice-web", &info, &err), 0);
	{
		char buf[2048];
		FILE *fp = fopen(info.config_path, "r");
		size_t n;

		assert_non_null(fp);
		n = fread(buf, 1, sizeof buf - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		assert_non_null(strstr(buf, "name = \"cust-alice-web\""));
		assert_non_null(strstr(buf, "xen_shell = 'alice'"));
		assert_non_null(strstr(buf, "vif = [ 'mac=00:16:3e:"));
		assert_non_null(strstr(buf, "disk = [ 'file:"));
	}
	assert_int_equal(hv_info(f->sim.hv, "web99", &info, &err), XDOM_ENOENT);
	assert_string_equal(err.msg, "web99: no such domain");
	assert_int_equal(stat(f->sim.dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
}

/* ---- counters ---- */

static void
test_counters_model(void **state)
{
	struct fx *f = *state;
	struct snap a;
	struct rate_dom *r;
	struct sim_expect e;
	struct xdom_err err = { 0 };
	double t0a, t0b, t1a, t1b;
	size_t i;

	snap_init(&a);
	t0a = wall_now();
	assert_int_equal(hv_snapshot(f->sim.hv, HV_SNAP_ALL, &a, &err), 0);
	t0b = wall_now();
	sleep_ms(400);
	t1a = wall_now();
	snap_ok(f, HV_SNAP_ALL);
	t1b = wall_now();
	assert_int_equal(a.n_dom, f->s.n_dom);
	r = calloc(f->s.n_dom, sizeof *r);
	rates_compute(&a, &f->s, r);
	for (i = 0; i < f->s.n_dom; i++) {
		const struct snap_dom *d0 = &a.dom[i], *d1 = &f->s.dom[i];
		struct snap_dom_totals x0, x1;
		const char *name = snap_dom_name(&f->s, d1);

		assert_int_equal(d0->id, d1->id);
		assert_true(d1->cpu_ns >= d0->cpu_ns);
		snap_dom_totals(&a, d0, &x0);
		snap_dom_totals(&f->s, d1, &x1);
		assert_true(x1.rx_bytes >= x0.rx_bytes);
		assert_true(x1.tx_bytes >= x0.tx_bytes);
		assert_true(x1.vbd_rd >= x0.vbd_rd);
		assert_true(x1.vbd_wsect >= x0.vbd_wsect);
		assert_int_equal(sim_expect(f->sim.hv, name, (t0a + t0b) / 2,
		    (t1a + t1b) / 2, &e, &err), 0);
		/* the snapshot's own rates agree with the model's integral */
		assert_true(r[i].cpu_pct >= e.cpu_pct * 0.97 - 0.05);
		assert_true(r[i].cpu_pct <= e.cpu_pct * 1.03 + 0.05);
		assert_true(r[i].rx_Bps >= e.rx_Bps * 0.97 - 20);
		assert_true(r[i].rx_Bps <= e.rx_Bps * 1.03 + 20);
		assert_true(r[i].vbd_rd_ps <= e.vbd_rd_ps * 1.03 + 6);
		assert_true(r[i].vbd_rd_ps >= e.vbd_rd_ps * 0.97 - 6);
		if (d1->flags & (SNAP_F_PAUSED | SNAP_F_CRASHED)) {
			assert_true(d1->cpu_ns == d0->cpu_ns);
			assert_true(e.cpu_pct == 0.0);
		}
	}
	/* and the model agrees with the profile table in sim.h:
	 * mean x scale (+-25 %) x waves (+-37 %) */
	i = (size_t)(dom(f, "web01") - f->s.dom);
	assert_true(r[i].cpu_pct > 16 * 0.75 * 0.63 &&
	    r[i].cpu_pct < 16 * 1.25 * 1.37);
	assert_true(r[i].tx_Bps > 2500 * 1024 * 0.75 * 0.63 &&
	    r[i].tx_Bps < 2500 * 1024 * 1.25 * 1.37);
	i = (size_t)(dom(f, "ci-runner01") - f->s.dom);
	assert_true(r[i].cpu_pct > 184 * 0.98 * 0.95 &&
	    r[i].cpu_pct <= 200.0);
	i = (size_t)(dom(f, "db01") - f->s.dom);
	assert_true(r[i].vbd_rd_ps > 250 * 0.75 * 0.63 &&
	    r[i].vbd_rd_ps < 250 * 1.25 * 1.37);
	i = (size_t)(dom(f, "cache01") - f->s.dom);
	assert_true(r[i].rx_Bps > 40000 * 1024 * 0.75 * 0.63);
	/* no pCPU is busier than the wall clock allows */
	for (i = 0; i < f->s.hosts[0].n_pcpu; i++) {
		uint64_t d = f->s.pcpu_ns[i] - a.pcpu_ns[i];

		assert_true(f->s.pcpu_ns[i] >= a.pcpu_ns[i]);
		assert_true(d <= f->s.mono_ns - a.mono_ns);
	}
	/* host CPU from the per-pCPU counters is sane */
	assert_true(rates_host_cpu(&a, &f->s, 0) > 5.0);
	assert_true(rates_host_cpu(&a, &f->s, 0) < 100.0);
	free(r);
	snap_dispose(&a);
}

/* ---- actions ---- */

/*
 * A pending shutdown or reboot is only seen pending while its delay runs.
 * set_delay() sets it for the next action; t0 is taken before the action,
 * so checks that end before t0 + delay saw the pending state for sure. On
 * a loaded machine they may not have: the caller tries again with a
 * longer delay (at most PEND_TRIES, each 4 times the last).
 */
#define PEND_TRIES 3
#define WAIT_MS 30000	/* for a state change that is due */

static long
set_delay(int attempt)
{
	char v[16];
	long ms = (long)DELAY_MS << (2 * attempt);

	snprintf(v, sizeof v, "%ld", ms);
	setenv("XDOM_SIM_DELAY_MS", v, 1);
	return ms;
}

static bool
in_time(const struct timespec *t0, long delay_ms)
{
	return ms_since(t0) < delay_ms - 5;
}

static void
test_shutdown_pending_then_gone(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	struct timespec t0;
	int attempt, rc[4];
	bool seen, running;
	long delay = DELAY_MS;

	for (attempt = 0; attempt < PEND_TRIES; attempt++) {
		delay = set_delay(attempt);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		act_ok(f, "web01", HV_ACT_SHUTDOWN);
		snap_ok(f, 0);
		seen = dom(f, "web01") != NULL;
		running = guest_running(f, "web01", NULL);
		rc[0] = act(f, "web01", HV_ACT_SHUTDOWN, &err);
		rc[1] = act(f, "web01", HV_ACT_REBOOT, &err);
		rc[2] = act(f, "web01", HV_ACT_PAUSE, &err);
		rc[3] = act(f, "web01", HV_ACT_BOOT, &err);
		if (in_time(&t0, delay))
			break;
		/* too slow to tell: have it running again (the boot above
		 * worked if it had stopped by then) and try again */
		print_message("# shutdown checks took %.0f ms of %ld; again "
		    "with a longer delay\n", ms_since(&t0), delay);
		if (rc[3] == 0)
			continue;
		while (guest_running(f, "web01", NULL)) {
			assert_true(ms_since(&t0) < delay + WAIT_MS);
			sleep_ms(20);
		}
		act_ok(f, "web01", HV_ACT_BOOT);
	}
	assert_true(attempt < PEND_TRIES);
	assert_true(seen);		/* still running for now */
	assert_true(running);
	assert_int_equal(rc[0], XDOM_EBUSY);
	assert_int_equal(rc[1], XDOM_EBUSY);
	assert_int_equal(rc[2], XDOM_EBUSY);
	assert_int_equal(rc[3], XDOM_ESTATE);
	for (;;) {
		snap_ok(f, 0);
		if (dom(f, "web01") == NULL)
			break;
		/* shut down ('s') only for the last quarter of the delay,
		 * as Xen shows a guest between its shutdown and its end
		 * (t0 is from before the action: never earlier than that) */
		if (dom(f, "web01")->flags & SNAP_F_SHUTDOWN) {
			assert_int_equal(dom(f, "web01")->flags,
			    SNAP_F_SHUTDOWN);
			assert_true(ms_since(&t0) >= delay -
			    (delay / 4 < 1000 ? delay / 4 : 1000) - 1);
		}
		assert_true(ms_since(&t0) < delay + WAIT_MS);
		sleep_ms(5);
	}
	/* never before its time (t0 is from before the action) */
	assert_true(ms_since(&t0) >= delay - 20);
	set_delay(0);
	assert_false(guest_running(f, "web01", NULL));
	assert_int_equal(act(f, "web01", HV_ACT_SHUTDOWN, &err), XDOM_ESTATE);
	assert_string_equal(err.msg, "web01 is not running");
	/* the next writer stores what readers computed */
	act_ok(f, "web02", HV_ACT_PAUSE);
	assert_false(guest_running(f, "web01", NULL));
}

static void
test_reboot_new_id(void **state)
{
	struct fx *f = *state;
	struct timespec t0;
	uint32_t id0, id1 = 0;
	int attempt;
	long delay = DELAY_MS;

	for (attempt = 0; attempt < PEND_TRIES; attempt++) {
		delay = set_delay(attempt);
		snap_ok(f, 0);
		id0 = dom(f, "db01")->id;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		act_ok(f, "db01", HV_ACT_REBOOT);
		snap_ok(f, 0);
		id1 = dom(f, "db01")->id;
		if (in_time(&t0, delay))
			break;
		print_message("# reboot check took %.0f ms of %ld; again "
		    "with a longer delay\n", ms_since(&t0), delay);
		for (;;) {	/* let this reboot finish first */
			snap_ok(f, 0);
			if (dom(f, "db01")->id != id0)
				break;
			assert_true(ms_since(&t0) < delay + WAIT_MS);
			sleep_ms(20);
		}
	}
	assert_true(attempt < PEND_TRIES);
	assert_int_equal(id1, id0);	/* the old domain until it is due */
	for (;;) {
		snap_ok(f, 0);
		if (dom(f, "db01")->id != id0)
			break;
		assert_true(ms_since(&t0) < delay + WAIT_MS);
		sleep_ms(20);
	}
	set_delay(0);
	id1 = dom(f, "db01")->id;
	assert_true(id1 > id0);
	/* a new domain: counters start again from zero */
	assert_true(dom(f, "db01")->cpu_ns < 5000000000ull);
	assert_true(guest_running(f, "db01", NULL));
	/* a stored snapshot id is never a running id of another domain */
	{
		size_t i, j;

		for (i = 0; i < f->s.n_dom; i++)
			for (j = i + 1; j < f->s.n_dom; j++)
				assert_int_not_equal(f->s.dom[i].id,
				    f->s.dom[j].id);
	}
}

static void
test_destroy_boot_reset(void **state)
{
	struct fx *f = *state;
	uint32_t id0, id1, id2;
	struct xdom_err err;

	snap_ok(f, 0);
	id0 = dom(f, "mail01")->id;
	act_ok(f, "mail01", HV_ACT_DESTROY);
	snap_ok(f, 0);
	assert_null(dom(f, "mail01"));
	assert_false(guest_running(f, "mail01", NULL));
	act_ok(f, "mail01", HV_ACT_BOOT);
	snap_ok(f, 0);
	assert_non_null(dom(f, "mail01"));
	id1 = dom(f, "mail01")->id;
	assert_true(id1 > id0);
	assert_int_equal(act(f, "mail01", HV_ACT_BOOT, &err), XDOM_ESTATE);
	assert_string_equal(err.msg, "mail01 is already running");
	act_ok(f, "mail01", HV_ACT_RESET);
	snap_ok(f, 0);
	id2 = dom(f, "mail01")->id;
	assert_true(id2 > id1);
	/* boot from stopped */
	act_ok(f, "test01", HV_ACT_BOOT);
	snap_ok(f, 0);
	assert_non_null(dom(f, "test01"));
	assert_true(dom(f, "test01")->id > id2);
	/* crashed: reset brings it back running */
	act_ok(f, "legacy01", HV_ACT_RESET);
	snap_ok(f, 0);
	assert_false(dom(f, "legacy01")->flags & SNAP_F_CRASHED);
	/* destroy during a pending shutdown wins at once */
	act_ok(f, "web02", HV_ACT_SHUTDOWN);
	act_ok(f, "web02", HV_ACT_DESTROY);
	snap_ok(f, 0);
	assert_null(dom(f, "web02"));
}

static void
test_pause_unpause_counters(void **state)
{
	struct fx *f = *state;
	struct timespec t0;
	uint64_t c0, c1;

	act_ok(f, "ci-runner01", HV_ACT_PAUSE);
	snap_ok(f, 0);
	assert_true(dom(f, "ci-runner01")->flags & SNAP_F_PAUSED);
	c0 = dom(f, "ci-runner01")->cpu_ns;
	sleep_ms(100);
	snap_ok(f, 0);
	assert_true(dom(f, "ci-runner01")->cpu_ns == c0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	act_ok(f, "ci-runner01", HV_ACT_UNPAUSE);
	snap_ok(f, 0);
	c1 = dom(f, "ci-runner01")->cpu_ns;
	assert_true(c1 >= c0);
	/* resumed where it was: at most 2 vcpus' worth since the unpause
	 * (plus the store's millisecond rounding) */
	assert_true((double)(c1 - c0) <= 2e6 * (ms_since(&t0) + 2));
	sleep_ms(100);
	snap_ok(f, 0);
	assert_true(dom(f, "ci-runner01")->cpu_ns > c1 + 100000000ull);
	assert_false(dom(f, "ci-runner01")->flags & SNAP_F_PAUSED);
}

struct refusal {
	const char *name;
	enum hv_action a;
	int code;
	const char *msg;	/* NULL: don't check the text */
};

static void
test_refusals(void **state)
{
	static const struct refusal cases[] = {
		{ "web99", HV_ACT_SHUTDOWN, XDOM_ENOENT,
		    "web99: no such domain" },
		{ "web01", HV_ACT_BOOT, XDOM_ESTATE,
		    "web01 is already running" },
		{ "web01", HV_ACT_UNPAUSE, XDOM_ESTATE, "web01 is not paused" },
		{ "legacy01", HV_ACT_SHUTDOWN, XDOM_ESTATE, NULL },
		{ "legacy01", HV_ACT_REBOOT, XDOM_ESTATE, NULL },
		{ "legacy01", HV_ACT_PAUSE, XDOM_ESTATE, NULL },
		{ "staging01", HV_ACT_PAUSE, XDOM_ESTATE,
		    "staging01 is already paused" },
		{ "staging01", HV_ACT_SHUTDOWN, XDOM_ESTATE, NULL },
		{ "test01", HV_ACT_SHUTDOWN, XDOM_ESTATE,
		    "test01 is not running" },
		{ "test01", HV_ACT_DESTROY, XDOM_ESTATE, NULL },
		{ "test01", HV_ACT_PAUSE, XDOM_ESTATE, NULL },
		{ "test01", HV_ACT_RESET, XDOM_ESTATE, NULL },
		{ "Domain-0", HV_ACT_SHUTDOWN, XDOM_EPERM,
		    "Domain-0 cannot be shut down" },
		{ "Domain-0", HV_ACT_DESTROY, XDOM_EPERM,
		    "Domain-0 cannot be destroyed" },
		{ "Domain-0", HV_ACT_PAUSE, XDOM_EPERM, NULL },
		{ "Domain-0", HV_ACT_REBOOT, XDOM_EPERM, NULL },
		{ "../etc", HV_ACT_BOOT, XDOM_EINVAL, NULL },
		{ "", HV_ACT_BOOT, XDOM_EINVAL, NULL },
		{ "web\x1b[2J", HV_ACT_DESTROY, XDOM_EINVAL, NULL },
	};
	struct fx *f = *state;
	struct xdom_err err;
	size_t i;
	int fd;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = act(f, cases[i].name, cases[i].a, &err);

		if (rc != cases[i].code)
			print_error("case %zu: rc %d (%s)\n", i, rc, err.msg);
		assert_int_equal(rc, cases[i].code);
		assert_true(err.msg[0] != '\0');
		assert_null(strchr(err.msg, '\x1b'));
		if (cases[i].msg != NULL)
			assert_string_equal(err.msg, cases[i].msg);
	}
	/* nothing changed */
	snap_ok(f, 0);
	assert_int_equal(f->s.n_dom, 25);
	assert_int_equal(hv_console(f->sim.hv, "test01", &fd, &err), XDOM_ESTATE);
	assert_string_equal(err.msg, "test01 is not running; boot it first");
	assert_int_equal(fd, -1);
	assert_int_equal(hv_console(f->sim.hv, "nope", &fd, &err), XDOM_ENOENT);
}

/* Several processes act at once; every action is accounted for. */
static void
test_concurrent_writers(void **state)
{
	static const char *const names[] = { "web01", "web02", "db02",
	    "dns01", "lb01", "vpn01" };
	struct fx *f = *state;
	pid_t pids[6];
	int i, status;

	for (i = 0; i < 6; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct hv *hv = open_dir(f->sim.dir, 0);
			struct xdom_err err = { 0 };
			int k, bad = 0;

			/* each child pauses/unpauses its guest 10 times and
			 * leaves it paused; all race on the one lock */
			for (k = 0; k < 10; k++) {
				bad |= hv_action(hv, names[i], HV_ACT_PAUSE,
				    &err);
				bad |= hv_action(hv, names[i], HV_ACT_UNPAUSE,
				    &err);
			}
			bad |= hv_action(hv, names[i], HV_ACT_PAUSE, &err);
			bad |= hv_action(hv, names[i], HV_ACT_DESTROY, &err);
			bad |= hv_action(hv, names[i], HV_ACT_BOOT, &err);
			hv_close(hv);
			_exit(bad ? 1 : 0);
		}
	}
	for (i = 0; i < 6; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	snap_ok(f, 0);
	assert_int_equal(f->s.n_dom, 25);
	for (i = 0; i < 6; i++) {
		const struct snap_dom *d = dom(f, names[i]);

		assert_non_null(d);
		assert_false(d->flags & SNAP_F_PAUSED);
		assert_true(d->cpu_ns < 10000000000ull);	/* rebooted */
	}
	/* ids stay unique */
	{
		size_t a, b;

		for (a = 0; a < f->s.n_dom; a++)
			for (b = a + 1; b < f->s.n_dom; b++)
				assert_int_not_equal(f->s.dom[a].id,
				    f->s.dom[b].id);
	}
}

static const char *kill_stage;

static void
kill_hook(const char *stage)
{
	if (strcmp(stage, kill_stage) == 0)
		raise(SIGKILL);
}

/* A writer killed mid-write, or holding the lock, costs nothing. */
static void
test_killed_writer(void **state)
{
	static const char *const stages[] = { "tmp-open", "mid-write",
	    "written" };
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	size_t i;
	int status;
	pid_t pid;

	for (i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct hv *hv = open_dir(f->sim.dir, 0);

			kill_stage = stages[i];
			sim_state_test_hook = kill_hook;
			hv_action(hv, "web01", HV_ACT_PAUSE, &err);
			_exit(3);	/* not reached */
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		/* the old state is intact and the lock is free */
		snap_ok(f, 0);
		assert_int_equal(f->s.n_dom, 25);
		assert_false(dom(f, "web01")->flags & SNAP_F_PAUSED);
	}
	/* the lock is free: an action succeeds at once */
	act_ok(f, "web01", HV_ACT_PAUSE);
	snap_ok(f, 0);
	assert_true(dom(f, "web01")->flags & SNAP_F_PAUSED);

	/* a process killed while merely holding the lock */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char path[128];
		int fd;

		snprintf(path, sizeof path, "%s/lock", f->sim.dir);
		fd = open(path, O_RDWR);
		if (fd < 0 || flock(fd, LOCK_EX) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	sleep_ms(50);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	act_ok(f, "web01", HV_ACT_UNPAUSE);
}

static void
write_file(const char *path, const char *text)
{
	assert_int_equal(tfx_write_file(path, text), 0);
}

static void
test_corrupt_state(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n"
		    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 "
		    "none 0 0\nend 2\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n"
		    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 "
		    "none 0 0\nguest a running web 3 999999999999999 - 1 1 "
		    "0 0 1 0 0 none 0 0\nend 2\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n"
		    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 "
		    "none 0 0\nguest a running web 3 4096 - 1 1 0 0 1 0 0 "
		    "none 0 0\nguest b running web 3 4096 - 1 1 0 0 1 0 0 "
		    "none 0 0\nend 3\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n"
		    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 "
		    "none 0 0\nguest a running web 3 4096 - 200 1 0 0 1 0 0 "
		    "none 0 0\nend 2\n",
		"xdom-sim-state 1\nhost 1 0 5 8 2400 67108864 1 0\n"
		    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 "
		    "none 0 0\nguest a%00b running web 3 4096 - 1 1 0 0 1 0 "
		    "0 none 0 0\nend 2\n",
	};
	struct fx *f = *state;
	struct xdom_err err;
	char path[128];
	size_t i;

	snprintf(path, sizeof path, "%s/state", f->sim.dir);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hv_open_opts o = { .backend = "sim", .sim_dir = f->sim.dir };
		struct hv *hv = NULL;
		int rc;

		write_file(path, bad[i]);
		memset(&err, 0, sizeof err);
		rc = hv_snapshot(f->sim.hv, 0, &f->s, &err);
		if (rc != XDOM_ECORRUPT)
			print_error("case %zu: rc %d %s\n", i, rc, err.msg);
		assert_int_equal(rc, XDOM_ECORRUPT);
		if (bad[i][0] == '\0')
			assert_non_null(strstr(err.msg, "line 1: an empty "
			    "file"));
		assert_non_null(strstr(err.msg, path));
		assert_non_null(strstr(err.msg, "remove"));
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(hv_open(&hv, &o, &err), XDOM_ECORRUPT);
		assert_null(hv);
		assert_int_equal(act(f, "web01", HV_ACT_PAUSE, &err),
		    XDOM_ECORRUPT);
	}
}

/* A tampered but well-formed file may hold names with odd bytes: they
 * are listed as they are, never acted on, never used in paths. */
static void
test_odd_names(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct hv_info info;
	char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/state", f->sim.dir);
	write_file(path, "xdom-sim-state 1\nhost 1 0 9 8 2400 67108864 1 0\n"
	    "guest Domain-0 running idle 0 4194304 - 4 4 0 0 1 0 0 none 0 0\n"
	    "guest ..%2F..%2Fetc running web 3 4096 - 1 1 1 1 1 0 0 none 0 0\n"
	    "guest evil%1B%5B2J running idle 4 4096 - 1 1 1 1 1 0 0 none 0 0\n"
	    "guest ok01 running idle 5 4096 - 1 1 1 1 1 0 0 none 0 0\n"
	    "end 4\n");
	snap_ok(f, HV_SNAP_ALL);
	assert_int_equal(f->s.n_dom, 4);
	assert_non_null(dom(f, "../../etc"));
	assert_non_null(dom(f, "evil\x1b[2J"));
	assert_int_equal(act(f, "../../etc", HV_ACT_DESTROY, &err),
	    XDOM_EINVAL);
	assert_null(strchr(err.msg, '\x1b'));
	assert_int_equal(act(f, "evil\x1b[2J", HV_ACT_DESTROY, &err),
	    XDOM_EINVAL);
	assert_null(strchr(err.msg, '\x1b'));
	assert_int_equal(hv_info(f->sim.hv, "../../etc", &info, &err), 0);
	assert_string_equal(info.config_path, "");
	assert_int_equal(info.n_disks, 0);
	assert_int_equal(hv_console(f->sim.hv, "evil\x1b[2J", &fd, &err),
	    XDOM_EINVAL);
	act_ok(f, "ok01", HV_ACT_PAUSE);
	snap_ok(f, 0);
	assert_non_null(dom(f, "evil\x1b[2J"));	/* round trip */
}

/* ---- scale ---- */

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Entries of dir/sub (dot files too, but not . and ..). */
static int
count_files(const char *dir, const char *sub)
{
	char path[512];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_ten_thousand(void **state)
{
	struct fx *f = *state;
	struct hv *hv;
	struct snap s;
	struct xdom_err err = { 0 };
	struct timespec t0;
	double create_ms, first_ms, c0, per_snap, best = 1e9;
	int k, j;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	hv = open_dir(f->sim.dir, 10000);
	create_ms = ms_since(&t0);
	snap_init(&s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hv_snapshot(hv, 0, &s, &err), 0);
	first_ms = ms_since(&t0);
	assert_true(s.n_dom > 9000 && s.n_dom <= 10001);
	assert_non_null(snap_find_name(&s, "web01"));
	/* 10,000 config files would cost seconds on a disk: none yet, and
	 * a guest's is written when first asked for */
	assert_int_equal(count_files(f->sim.dir, "xen"), 0);
	{
		struct hv_info info;
		struct stat sb1, sb2;
		struct conf *c = NULL;

		assert_int_equal(hv_info(hv, "db01", &info, &err), 0);
		assert_int_equal(stat(info.config_path, &sb1), 0);
		assert_int_equal(conf_load(&c, info.config_path, true, &err),
		    0);
		assert_string_equal(conf_get(c, "name"), "db01");
		assert_non_null(conf_get(c, "memory"));
		conf_free(c);
		assert_int_equal(hv_info(hv, "db01", &info, &err), 0);
		assert_int_equal(stat(info.config_path, &sb2), 0);
		assert_true(sb1.st_ino == sb2.st_ino);	/* not rewritten */
		assert_int_equal(count_files(f->sim.dir, "xen"), 1);
	}
	/* unchanged state: medians of a few rounds of 20 snapshots */
	for (j = 0; j < 5; j++) {
		c0 = cpu_ms();
		for (k = 0; k < 20; k++)
			assert_int_equal(hv_snapshot(hv, 0, &s, &err), 0);
		per_snap = (cpu_ms() - c0) / 20;
		if (per_snap < best)
			best = per_snap;
	}
	printf("# sim 10000 domains: host created in %.0f ms, first snapshot "
	    "%.1f ms, then %.2f ms CPU per snapshot (basic fields)\n",
	    create_ms, first_ms, best);
	c0 = cpu_ms();
	for (k = 0; k < 10; k++)
		assert_int_equal(hv_snapshot(hv, HV_SNAP_ALL, &s, &err), 0);
	printf("# sim 10000 domains: %.2f ms CPU per full snapshot (vcpus, "
	    "vifs, vbds, pcpus)\n", (cpu_ms() - c0) / 10);
	/* generous bound: this machine is shared and may be sanitized */
	assert_true(best < 200.0);
	/* an action on a big host works, and a default open keeps it */
	assert_int_equal(hv_action(hv, "web01", HV_ACT_DESTROY, &err), 0);
	assert_int_equal(hv_snapshot(hv, 0, &s, &err), 0);
	assert_null(snap_find_name(&s, "web01"));
	hv_close(hv);
	hv = open_dir(f->sim.dir, 0);
	assert_int_equal(hv_snapshot(hv, 0, &s, &err), 0);
	assert_true(s.n_dom > 9000);
	hv_close(hv);
	/* another size recreates the host, a small one with every file */
	hv = open_dir(f->sim.dir, 40);
	assert_int_equal(hv_snapshot(hv, 0, &s, &err), 0);
	assert_true(s.n_dom <= 41 && s.n_dom > 30);
	assert_int_equal(count_files(f->sim.dir, "xen"), 40);
	hv_close(hv);
	snap_dispose(&s);
}

/* ---- console ---- */

struct out {
	char buf[65536];
	size_t len;
};

/* Read fd into o until needle appears after offset from; the offset
 * just past it, or -1 on timeout or end of file. */
static long
expect_from(int fd, struct out *o, size_t from, const char *needle, int ms)
{
	struct timespec t0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char *hit;
	ssize_t r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		o->buf[o->len] = '\0';
		if (from <= o->len &&
		    (hit = strstr(o->buf + from, needle)) != NULL)
			return (long)(hit - o->buf) + (long)strlen(needle);
		if (ms_since(&t0) > ms || o->len + 1 >= sizeof o->buf)
			break;
		if (poll(&p, 1, 50) <= 0)
			continue;
		r = read(fd, o->buf + o->len, sizeof o->buf - 1 - o->len);
		if (r <= 0)
			break;
		o->len += (size_t)r;
	}
	print_error("did not see \"%s\" in:\n%s\n", needle, o->buf + from);
	return -1;
}

static void
say(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* Processes that have the pty slave pts open. */
static int
pts_holders(const char *pts)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *e;
	char path[600], link[300];
	int n = 0;
	ssize_t r;

	assert_non_null(proc);
	while ((p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/fd", p->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((e = readdir(fds)) != NULL) {
			snprintf(path, sizeof path, "/proc/%s/fd/%s",
			    p->d_name, e->d_name);
			r = readlink(path, link, sizeof link - 1);
			if (r <= 0)
				continue;
			link[r] = '\0';
			if (strcmp(link, pts) == 0) {
				n++;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

static bool
pts_gone(const char *pts, int ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (pts_holders(pts) > 0) {
		if (ms_since(&t0) > ms)
			return false;
		sleep_ms(25);
	}
	return true;
}

static void
test_console(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct out *o = calloc(1, sizeof *o);
	char pts[64];
	long at;
	int fd, status;

	assert_int_equal(hv_console(f->sim.hv, "web01", &fd, &err), 0);
	assert_true(fd >= 0);
	/* double-forked: no child (and so no zombie) left with us */
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(ptsname_r(fd, pts, sizeof pts), 0);
	at = expect_from(fd, o, 0, "web01 login: ", 5000);
	assert_true(at > 0);
	assert_non_null(strstr(o->buf, "Set hostname to <web01>"));
	assert_int_equal(pts_holders(pts), 1);	/* just the emulator */
	say(fd, "guest\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "Password: ",
	    3000)) > 0);
	say(fd, "secret\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "Login incorrect",
	    3000)) > 0);
	assert_null(strstr(o->buf, "secret"));	/* passwords not echoed */
	say(fd, "root\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "root@web01:~# ",
	    3000)) > 0);
	say(fd, "hostname\r");
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "hostname\r\nweb01\r\nroot@web01:~# ", 3000)) > 0);
	say(fd, "uname -a\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "Linux web01 ",
	    3000)) > 0);
	say(fd, "cat /proc/loadavg\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "root@web01:~# ",
	    3000)) > 0);
	say(fd, "rm -rf /\r");
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "-sh: rm: not found", 3000)) > 0);
	say(fd, "exit\r");
	assert_true((at = expect_from(fd, o, (size_t)at, "web01 login: ",
	    3000)) > 0);
	/* a reboot shows the going-down lines, then a fresh boot */
	act_ok(f, "web01", HV_ACT_REBOOT);
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "going down for reboot", 3000)) > 0);
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "reboot: Restarting system", 3000 + DELAY_MS)) > 0);
	assert_true((at = expect_from(fd, o, (size_t)at, "Linux version",
	    3000)) > 0);
	assert_true((at = expect_from(fd, o, (size_t)at, "web01 login: ",
	    3000)) > 0);
	/* the client goes away: so does the emulator */
	close(fd);
	assert_true(pts_gone(pts, 3000));
	free(o);
}

static void
test_console_power_down(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct out *o = calloc(1, sizeof *o);
	char pts[64], c;
	long at;
	int fd;

	assert_int_equal(hv_console(f->sim.hv, "db02", &fd, &err), 0);
	assert_int_equal(ptsname_r(fd, pts, sizeof pts), 0);
	assert_true((at = expect_from(fd, o, 0, "db02 login: ", 5000)) > 0);
	act_ok(f, "db02", HV_ACT_SHUTDOWN);
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "going down for poweroff", 3000)) > 0);
	assert_true((at = expect_from(fd, o, (size_t)at,
	    "reboot: Power down", 3000 + DELAY_MS)) > 0);
	assert_true(pts_gone(pts, 3000));
	/* the master now reads end of file (EIO on Linux) */
	assert_true(read(fd, &c, 1) <= 0);
	close(fd);
	/* destroy: a console ends at once too */
	assert_int_equal(hv_console(f->sim.hv, "dns01", &fd, &err), 0);
	assert_int_equal(ptsname_r(fd, pts, sizeof pts), 0);
	o->len = 0;
	assert_true((at = expect_from(fd, o, 0, "dns01 login: ", 5000)) > 0);
	act_ok(f, "dns01", HV_ACT_DESTROY);
	assert_true(expect_from(fd, o, (size_t)at, "Power down", 3000) > 0);
	assert_true(pts_gone(pts, 3000));
	close(fd);
	/* a paused guest has a console that reads nothing until unpaused */
	assert_int_equal(hv_console(f->sim.hv, "staging01", &fd, &err), 0);
	o->len = 0;
	assert_true((at = expect_from(fd, o, 0, "staging01 login: ",
	    5000)) > 0);
	close(fd);
	free(o);
}

/* ---- re-image ---- */

struct prog {
	struct fx *f;
	struct hv *other;
	unsigned last, calls, cancel_at;
	bool monotonic, saw_busy, saw_boot_busy, saw_stage;
};

static int
prog_cb(void *arg, unsigned permille, const char *stage)
{
	struct prog *p = arg;
	struct xdom_err err = { 0 };

	if (p->calls > 0 && permille < p->last)
		p->monotonic = false;
	if (stage != NULL && strcmp(stage, "writing image") == 0)
		p->saw_stage = true;
	p->last = permille;
	p->calls++;
	if (p->other != NULL && permille > 100 && !p->saw_busy) {
		int rc = hv_reimage(p->other, "test01", NULL, NULL, NULL, &err);

		p->saw_busy = rc == XDOM_EBUSY && strcmp(err.msg,
		    "a re-image of test01 is already running") == 0;
		p->saw_boot_busy = hv_action(p->other, "test01", HV_ACT_BOOT,
		    &err) == XDOM_EBUSY;
	}
	return p->cancel_at && permille >= p->cancel_at;
}


/* Entries of dir whose name starts with prefix (temporaries left). */
static int
strays(const char *path, const char *prefix)
{
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void
test_reimage(void **state)
{
	struct fx *f = *state;
	struct hv_reimage_opts opts = { 0 };
	struct prog p = { .f = f, .monotonic = true };
	struct xdom_err err = { 0 };
	struct hv_info info;
	struct stat sb0, sb, sb2;
	char head[128], tmp[128];
	FILE *fp;
	size_t n;

	/* running: refused unless asked to shut it down first */
	assert_int_equal(hv_reimage(f->sim.hv, "web01", &opts, NULL, NULL, &err),
	    XDOM_ESTATE);
	assert_int_equal(hv_reimage(f->sim.hv, "Domain-0", &opts, NULL, NULL,
	    &err), XDOM_EPERM);
	assert_int_equal(hv_reimage(f->sim.hv, "web99", &opts, NULL, NULL, &err),
	    XDOM_ENOENT);
	assert_int_equal(hv_reimage(f->sim.hv, "../x", &opts, NULL, NULL, &err),
	    XDOM_EINVAL);

	/* a new host's guests start with a (sparse) first image */
	assert_int_equal(hv_info(f->sim.hv, "test01", &info, &err), 0);
	assert_int_equal(stat(info.disks[0].target, &sb0), 0);
	p.other = open_dir(f->sim.dir, 0);
	assert_int_equal(hv_reimage(f->sim.hv, "test01", &opts, prog_cb, &p,
	    &err), 0);
	hv_close(p.other);
	assert_true(p.monotonic);
	assert_true(p.calls >= 8);
	assert_int_equal(p.last, 1000);
	assert_true(p.saw_stage);
	assert_true(p.saw_busy);
	assert_true(p.saw_boot_busy);
	assert_int_equal(hv_info(f->sim.hv, "test01", &info, &err), 0);
	assert_false(info.running);	/* stays stopped */
	assert_int_equal(stat(info.disks[0].target, &sb), 0);
	assert_int_equal(sb.st_size, 8 << 20);
	assert_int_not_equal(sb.st_ino, sb0.st_ino);	/* a new file */
	assert_true(sb.st_blocks * 512 >= 8 << 20);	/* really written */
	fp = fopen(info.disks[0].target, "r");
	assert_non_null(fp);
	n = fread(head, 1, sizeof head - 1, fp);
	head[n] = '\0';
	fclose(fp);
	assert_memory_equal(head, "XDOM-SIM-IMAGE 1\nname: test01\ncreated: ",
	    38);

	/* cancelled: the old image stays, no temp file is left */
	memset(&p, 0, sizeof p);
	p.monotonic = true;
	p.cancel_at = 300;
	assert_int_equal(hv_reimage(f->sim.hv, "test01", &opts, prog_cb, &p,
	    &err), XDOM_ETIMEDOUT);
	assert_non_null(strstr(err.msg, "old image is kept"));
	assert_int_equal(stat(info.disks[0].target, &sb2), 0);
	assert_int_equal(sb2.st_ino, sb.st_ino);
	snprintf(tmp, sizeof tmp, "%s/images", f->sim.dir);
	assert_int_equal(strays(tmp, "test01.img."), 0);
	/* the lock is released: booting works again */
	act_ok(f, "test01", HV_ACT_BOOT);

	/* shutdown_first: the guest is shut down, re-imaged, left off */
	opts.shutdown_first = true;
	memset(&p, 0, sizeof p);
	p.monotonic = true;
	assert_int_equal(hv_reimage(f->sim.hv, "web02", &opts, prog_cb, &p,
	    &err), 0);
	assert_true(p.monotonic);
	assert_int_equal(p.last, 1000);
	assert_false(guest_running(f, "web02", NULL));
	/* a crashed guest is destroyed first */
	assert_int_equal(hv_reimage(f->sim.hv, "legacy01", &opts, NULL, NULL,
	    &err), 0);
	assert_false(guest_running(f, "legacy01", NULL));
}

/* ---- robustness ---- */

/* Mutated state files: always parsed or refused, never a crash; what
 * parses formats back to text that parses to the same thing. */
static void
test_parse_mutations(void **state)
{
	struct fx *f = *state;
	struct sim_state st, st2;
	struct xdom_err err;
	char path[128], *text, *again, *m;
	size_t len, len2, mlen;
	FILE *fp;
	long sz;
	unsigned seed = 12345, ok = 0, bad = 0;
	int i, k, rc;

	snprintf(path, sizeof path, "%s/state", f->sim.dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	text = malloc((size_t)sz);
	assert_int_equal(fread(text, 1, (size_t)sz, fp), (size_t)sz);
	fclose(fp);
	len = (size_t)sz;
	sim_state_init(&st);
	sim_state_init(&st2);
	m = malloc(len + 64);
	for (i = 0; i < 3000; i++) {
		memcpy(m, text, len);
		mlen = len;
		for (k = 0; k < 1 + i % 4; k++) {
			size_t at = rand_r(&seed) % mlen;

			switch (rand_r(&seed) % 4) {
			case 0:
				m[at] = (char)rand_r(&seed);
				break;
			case 1:
				m[at] = "0123456789 -%\n"[rand_r(&seed) % 14];
				break;
			case 2:
				mlen = at;	/* truncated */
				break;
			default:
				m[at] = (char)(m[at] + 1);
				break;
			}
			if (mlen == 0)
				break;
		}
		memset(&err, 0, sizeof err);
		rc = sim_state_parse(&st, m, mlen, "fuzz", &err);
		if (rc != 0) {
			assert_int_equal(rc, XDOM_ECORRUPT);
			assert_non_null(strstr(err.msg, "fuzz"));
			bad++;
			continue;
		}
		ok++;
		again = sim_state_format(&st, &len2);
		assert_int_equal(sim_state_parse(&st2, again, len2, "again",
		    &err), 0);
		assert_int_equal(st2.n, st.n);
		assert_int_equal(st2.next_id, st.next_id);
		for (k = 0; k < (int)st.n; k++) {
			assert_string_equal(st2.g[k].name, st.g[k].name);
			assert_int_equal(st2.g[k].id, st.g[k].id);
			assert_int_equal(st2.g[k].start_ms, st.g[k].start_ms);
		}
		free(again);
	}
	assert_true(bad > 1000);	/* the mutations did bite */
	printf("# state mutations: %u parsed, %u refused as corrupt\n", ok,
	    bad);
	sim_state_dispose(&st);
	sim_state_dispose(&st2);
	free(m);
	free(text);
}

struct thr {
	struct hv *hv;
	_Atomic bool stop;
	int errors, rounds;
};

static void *
thr_snapshots(void *arg)
{
	struct thr *t = arg;
	struct xdom_err err = { 0 };
	struct snap s;

	snap_init(&s);
	while (!t->stop) {
		if (hv_snapshot(t->hv, HV_SNAP_ALL, &s, &err) != 0 ||
		    s.n_dom < 24)
			t->errors++;
		t->rounds++;
	}
	snap_dispose(&s);
	return NULL;
}

/* One handle, two threads: actions while another thread refreshes. */
static void
test_threads_share_handle(void **state)
{
	struct fx *f = *state;
	struct thr t = { .hv = f->sim.hv };
	pthread_t th;
	int k;

	assert_int_equal(pthread_create(&th, NULL, thr_snapshots, &t), 0);
	for (k = 0; k < 30; k++) {
		act_ok(f, "web01", HV_ACT_PAUSE);
		act_ok(f, "web01", HV_ACT_UNPAUSE);
	}
	t.stop = true;
	pthread_join(th, NULL);
	assert_int_equal(t.errors, 0);
	assert_true(t.rounds > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_default_host),
		T(test_counters_model),
		T(test_shutdown_pending_then_gone),
		T(test_reboot_new_id),
		T(test_destroy_boot_reset),
		T(test_pause_unpause_counters),
		T(test_refusals),
		T(test_concurrent_writers),
		T(test_killed_writer),
		T(test_corrupt_state),
		T(test_odd_names),
		T(test_ten_thousand),
		T(test_console),
		T(test_console_power_down),
		T(test_reimage),
		T(test_parse_mutations),
		T(test_threads_share_handle),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
