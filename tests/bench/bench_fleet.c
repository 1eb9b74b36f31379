/*
 * bench_fleet.c - the fleet view against real sshd instances on loopback:
 * 50 simulated hosts of 200 guests each (tests/bench/fleet_hosts.sh starts
 * one sshd per host, each with its own sim state; the remote command is
 * the built xdom). Prints, as medians over several refreshes:
 *
 *   - the time of one fleet refresh: merging every host's latest data
 *     into one 10,000-guest snapshot plus rates and a CPU% sort, as the
 *     dashboard does each frame;
 *   - the dashboard's CPU per refresh: all CPU the process used (every
 *     worker thread's SSH reading and decoding, plus the merge) divided
 *     by the refreshes; target under 100 ms;
 *   - how fresh every host's data is at each refresh;
 *   - the same with one host hung (its sshd and sessions SIGSTOPped, the
 *     worst kind of dead host: connections open, nothing coming): the
 *     other hosts' freshness and the refresh time must not change.
 *
 * Needs root (sshd); says why and exits 0 when it cannot run here.
 * Usage: bench_fleet [HOSTS [GUESTS [REFRESHES]]]
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/rates.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "hypervisor/remote/fleet.h"
#include "hypervisor/hv.h"

extern char **environ;

static char g_root[PATH_MAX];	/* the source tree */
static char g_xdom[PATH_MAX];	/* the built xdom next to this bench */
static char g_dir[PATH_MAX];	/* fleet_hosts.sh's work dir */

static double
now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, dbl_cmp);
	return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

static double
maxof(const double *v, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* Run the hosts script with a fixed argv; its first stdout line goes to
 * out (may be NULL). Returns its exit status, or -1. */
static int
run_script(char *const argv[], char *out, size_t len)
{
	posix_spawn_file_actions_t fa;
	int p[2], status = -1;
	pid_t pid;
	ssize_t n;
	size_t used = 0;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (out != NULL && len > 0) {
		while (used + 1 < len &&
		    (n = read(p[0], out + used, len - 1 - used)) > 0)
			used += (size_t)n;
		out[used] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
stop_hosts(void)
{
	char script[PATH_MAX + 32];
	char *argv[] = { "/bin/bash", script, "stop", g_dir, NULL };

	if (g_dir[0] == '\0')
		return;
	snprintf(script, sizeof script, "%s/tests/bench/fleet_hosts.sh",
	    g_root);
	run_script(argv, NULL, 0);
	g_dir[0] = '\0';
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_hosts();
	_exit(1);
}

static int
find_paths(void)
{
	char exe[PATH_MAX], tmp[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	/* BUILD/bench/bench_fleet: xdom is BUILD/xdom, the tree BUILD/.. */
	snprintf(tmp, sizeof tmp, "%s", exe);
	snprintf(g_xdom, sizeof g_xdom, "%s/../xdom", dirname(tmp));
	snprintf(tmp, sizeof tmp, "%s", exe);
	snprintf(g_root, sizeof g_root, "%s/../..", dirname(tmp));
	return access(g_xdom, X_OK);
}

struct phase {
	double *merge_ms, *cpu_ms, *age_med, *age_max;
	double decode_ms;	/* decoding CPU per refresh, all hosts */
	size_t n;
	size_t doms;
};

/* CPU seconds all workers spent decoding so far. */
static double
decode_total(struct hv *hv)
{
	struct fleet_host_stats st;
	double t = 0;
	size_t i;

	for (i = 0; hv_fleet_stats(hv, i, &st) == 0; i++)
		t += (double)st.decode_ns / 1e9;
	return t;
}

/* Pairs (cpu%, index) for the dashboard's sort. */
struct order {
	double key;
	uint32_t i;
};

static int
order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * k refreshes, one a second. skip_host: a host whose age is left out
 * (the hung one), or -1.
 */
static void
run_phase(struct hv *hv, struct snap *snaps, struct phase *ph, size_t k,
    int skip_host)
{
	static struct rate_dom *rates;
	static struct order *ord;
	static size_t cap;
	struct xdom_err err = {0};
	double next = now_s(CLOCK_MONOTONIC), cpu_prev;
	double ages[FLEET_MAX_HOSTS];
	size_t r, cur = 0;
	double dec0;

	ph->merge_ms = xcalloc(k, sizeof(double));
	ph->cpu_ms = xcalloc(k, sizeof(double));
	ph->age_med = xcalloc(k, sizeof(double));
	ph->age_max = xcalloc(k, sizeof(double));
	ph->n = k;
	hv_snapshot(hv, HV_SNAP_ALL, &snaps[1], &err);
	dec0 = decode_total(hv);
	cpu_prev = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (r = 0; r < k; r++) {
		struct snap *s = &snaps[cur], *prev = &snaps[1 - cur];
		double t0, t1, cpu;
		size_t i, n_age = 0;
		uint64_t mono;

		next += 1.0;
		while (now_s(CLOCK_MONOTONIC) < next)
			usleep(5000);
		t0 = now_s(CLOCK_MONOTONIC);
		hv_snapshot(hv, HV_SNAP_ALL, s, &err);
		if (s->n_dom > cap) {
			cap = s->n_dom;
			rates = xreallocarray(rates, cap, sizeof *rates);
			ord = xreallocarray(ord, cap, sizeof *ord);
		}
		rates_compute(prev, s, rates);
		for (i = 0; i < s->n_dom; i++) {
			ord[i].key = rates[i].cpu_pct;
			ord[i].i = (uint32_t)i;
		}
		qsort(ord, s->n_dom, sizeof *ord, order_cmp);
		t1 = now_s(CLOCK_MONOTONIC);
		cpu = now_s(CLOCK_PROCESS_CPUTIME_ID);
		ph->merge_ms[r] = (t1 - t0) * 1e3;
		ph->cpu_ms[r] = (cpu - cpu_prev) * 1e3;
		cpu_prev = cpu;
		ph->doms = s->n_dom;
		/* Freshness: how old each up host's data is now. */
		mono = xdom_mono_ns();
		for (i = 0; i < s->n_host && i < FLEET_MAX_HOSTS; i++) {
			struct fleet_host_stats st;

			if ((int)i == skip_host ||
			    hv_fleet_stats(hv, i, &st) != 0 ||
			    st.state != SNAP_HOST_UP || st.last_ns == 0)
				continue;
			ages[n_age++] = (double)(mono - st.last_ns) / 1e9;
		}
		ph->age_max[r] = maxof(ages, n_age);
		ph->age_med[r] = median(ages, n_age);
		cur = 1 - cur;
	}
	ph->decode_ms = (decode_total(hv) - dec0) * 1e3 / (double)k;
}

int
main(int argc, char **argv)
{
	unsigned hosts = argc > 1 ? (unsigned)atoi(argv[1]) : 50;
	unsigned guests = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
	size_t k = argc > 3 ? (size_t)atoi(argv[3]) : 8;
	char script[PATH_MAX + 32], nh[16], ng[16], path[PATH_MAX + 32];
	struct hv_open_opts o;
	struct xdom_err err = {0};
	struct hv *hv = NULL;
	struct snap snaps[2];
	struct phase base = {0}, hung = {0};
	double t0, t_conn;
	int rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("bench_fleet: skipped: needs root to run sshd hosts\n");
		return 0;
	}
	if (find_paths() != 0) {
		printf("bench_fleet: skipped: %s is not built\n", g_xdom);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(script, sizeof script, "%s/tests/bench/fleet_hosts.sh",
	    g_root);
	snprintf(nh, sizeof nh, "%u", hosts);
	snprintf(ng, sizeof ng, "%u", guests);
	{
		char *sa[] = { "/bin/bash", script, "start", g_xdom, nh, ng,
		    NULL };

		t0 = now_s(CLOCK_MONOTONIC);
		if (run_script(sa, g_dir, sizeof g_dir) != 0 ||
		    g_dir[0] != '/') {
			printf("bench_fleet: skipped: the sshd hosts did not "
			    "start (see above)\n");
			g_dir[0] = '\0';
			return 0;
		}
	}
	printf("bench_fleet: %u hosts x %u guests, one sshd each on "
	    "loopback (started in %.1f s)\n", hosts, guests,
	    now_s(CLOCK_MONOTONIC) - t0);
	snprintf(path, sizeof path, "%s/known_hosts", g_dir);
	setenv("XDOM_KNOWN_HOSTS", path, 1);
	snprintf(path, sizeof path, "%s/userkey", g_dir);
	setenv("XDOM_SSH_IDENTITY", path, 1);
	setenv("XDOM_FLEET_XDOM", g_xdom, 1);
	unsetenv("XDOM_FLEET_COMMAND");
	unsetenv("SSH_AUTH_SOCK");
	snprintf(path, sizeof path, "%s/hosts", g_dir);
	memset(&o, 0, sizeof o);
	o.backend = "fleet";
	o.hosts_file = path;
	snap_init(&snaps[0]);
	snap_init(&snaps[1]);
	t0 = now_s(CLOCK_MONOTONIC);
	if (hv_open(&hv, &o, &err) != 0) {
		printf("bench_fleet: FAILED: %s\n", err.msg);
		goto out;
	}
	for (;;) {
		size_t up = 0, i;

		hv_snapshot(hv, HV_SNAP_ALL, &snaps[0], &err);
		for (i = 0; i < snaps[0].n_host; i++)
			up += snaps[0].hosts[i].state == SNAP_HOST_UP;
		/* Every host delivering (a sim host may keep a few of its
		 * guests shut off, so the count is not exactly N x G). */
		if (up == hosts && snaps[0].n_dom >= (size_t)hosts * guests *
		    9 / 10)
			break;
		if (now_s(CLOCK_MONOTONIC) - t0 > 90) {
			printf("bench_fleet: FAILED: after 90 s only %zu of %u "
			    "hosts are up, %zu guests\n", up, hosts,
			    snaps[0].n_dom);
			for (i = 0; i < snaps[0].n_host; i++)
				if (snaps[0].hosts[i].state != SNAP_HOST_UP)
					printf("  %s: %s\n",
					    snaps[0].hosts[i].name,
					    snaps[0].hosts[i].status);
			goto out;
		}
		usleep(100000);
	}
	t_conn = now_s(CLOCK_MONOTONIC) - t0;
	printf("  all hosts up, %zu guests, in %.1f s\n", snaps[0].n_dom,
	    t_conn);
	run_phase(hv, snaps, &base, k, -1);
	printf("  one refresh (merge %zu guests + rates + sort): median "
	    "%.2f ms, max %.2f ms\n", base.doms, median(base.merge_ms, k),
	    maxof(base.merge_ms, k));
	printf("  dashboard CPU per refresh (all threads): median %.1f ms "
	    "(target < 100 ms), of which decoding JSON %.1f ms\n",
	    median(base.cpu_ms, k), base.decode_ms);
	printf("  data age at refresh (streams every 1 s): median %.2f s, "
	    "worst host %.2f s\n", median(base.age_med, k),
	    maxof(base.age_max, k));
	{
		char name[] = "h0";
		char *pa[] = { "/bin/bash", script, "pause", g_dir, name,
		    NULL };

		if (run_script(pa, NULL, 0) != 0) {
			printf("bench_fleet: FAILED: cannot pause host h0\n");
			goto out;
		}
	}
	run_phase(hv, snaps, &hung, k, 0);
	printf("  with host h0 hung (SIGSTOP): refresh median %.2f ms, max "
	    "%.2f ms; CPU median %.1f ms\n", median(hung.merge_ms, k),
	    maxof(hung.merge_ms, k), median(hung.cpu_ms, k));
	printf("  other hosts' data age: median %.2f s, worst %.2f s "
	    "(before: %.2f s)\n", median(hung.age_med, k),
	    maxof(hung.age_max, k), maxof(base.age_max, k));
	printf("  delay added to the others by the hung host: %.0f ms "
	    "(worst data age, after minus before)\n",
	    (maxof(hung.age_max, k) - maxof(base.age_max, k)) * 1e3);
	rc = 0;
out:
	hv_close(hv);
	free(base.merge_ms);
	free(base.cpu_ms);
	free(base.age_med);
	free(base.age_max);
	free(hung.merge_ms);
	free(hung.cpu_ms);
	free(hung.age_med);
	free(hung.age_max);
	snap_dispose(&snaps[0]);
	snap_dispose(&snaps[1]);
	stop_hosts();
	return rc;
}
