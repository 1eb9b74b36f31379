/*
 * bench_xdomd.c - xdomd's request rate and latency: `status` requests
 * (hv_info through the policy check, answered in the event loop, audited
 * to a file) from 1, 16 and 256 concurrent clients, and how many idle
 * connections it holds at once (each then proven alive with a whoami).
 *
 * Starts build/xdomd (next to this program's directory) on a private
 * socket against a private sim host, as the invoking user. Prints
 * requests/s and p50/p99 latency per level. Targets (issue 4): 20,000
 * status/s on 2 cores, p99 under 1 ms at 16 clients, 1,000 idle
 * connections.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hypervisor/remote/helper_client.h"

int main(int argc, char **argv);

#define BENCH_SECONDS 2.0
#define BENCH_IDLE 1000
#define BENCH_LAT_MAX 400000

static char bench_sock[100];
static pid_t bench_daemon;

struct bench_thread {
	pthread_t t;
	double *lat;		/* seconds */
	size_t n;
	int failed;
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_until;

static void *
bench_client(void *arg)
{
	struct bench_thread *bt = arg;
	struct xdom_err err = {0};
	struct helper_client *c;
	struct hv_info in;
	double t0, t1;

	if (helper_connect(&c, bench_sock, &err) != 0) {
		bt->failed = 1;
		return NULL;
	}
	while ((t0 = bench_now()) < bench_until && bt->n < BENCH_LAT_MAX) {
		if (helper_info(c, "web01", &in, &err) != 0) {
			bt->failed = 1;
			break;
		}
		t1 = bench_now();
		bt->lat[bt->n++] = t1 - t0;
	}
	helper_disconnect(c);
	return NULL;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
bench_level(int nclients)
{
	struct bench_thread *bt = calloc((size_t)nclients, sizeof *bt);
	size_t total = 0, k = 0;
	double *all, start, secs;
	int i, failed = 0;

	start = bench_now();
	bench_until = start + BENCH_SECONDS;
	for (i = 0; i < nclients; i++) {
		bt[i].lat = malloc(BENCH_LAT_MAX / (size_t)nclients *
		    sizeof(double) + 64 * sizeof(double));
		pthread_create(&bt[i].t, NULL, bench_client, &bt[i]);
	}
	for (i = 0; i < nclients; i++) {
		pthread_join(bt[i].t, NULL);
		total += bt[i].n;
		failed += bt[i].failed;
	}
	secs = bench_now() - start;
	all = malloc((total + 1) * sizeof *all);
	for (i = 0; i < nclients; i++) {
		memcpy(all + k, bt[i].lat, bt[i].n * sizeof *all);
		k += bt[i].n;
		free(bt[i].lat);
	}
	qsort(all, total, sizeof *all, bench_cmp);
	printf("status, %3d clients: %8.0f requests/s  p50 %7.3f ms  p99 "
	    "%7.3f ms  (%zu requests in %.1f s%s)\n", nclients,
	    (double)total / secs, total ? all[total / 2] * 1e3 : 0.0,
	    total ? all[total * 99 / 100] * 1e3 : 0.0, total, secs,
	    failed ? ", SOME CLIENTS FAILED" : "");
	free(all);
	free(bt);
	return failed;
}

/* VmRSS of pid in KiB, -1 when unknown. */
static long
bench_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Hold n idle connections, then prove each is served with a whoami. */
static int
bench_idle(int n)
{
	struct xdom_err err = {0};
	struct proto_req r;
	struct pbuf whoami;
	struct sockaddr_un sa;
	int *fds = calloc((size_t)n, sizeof *fds), i, held = 0, alive = 0;
	uint8_t hdr[PROTO_HDR_LEN];
	uint16_t type;
	uint32_t len, id;
	long rss;

	memset(&r, 0, sizeof r);
	r.type = PROTO_T_WHOAMI;
	r.id = 1;
	pbuf_init(&whoami, 256);
	if (proto_req_encode(&whoami, &r, &err) != 0)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", bench_sock);
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sa,
		    sizeof sa) != 0)
			break;
		held++;
	}
	sleep(1);
	for (i = 0; i < held; i++) {
		struct timeval tv = {5, 0};

		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (send(fds[i], pbuf_ptr(&whoami), pbuf_avail(&whoami),
		    MSG_NOSIGNAL) != (ssize_t)pbuf_avail(&whoami))
			continue;
		if (recv(fds[i], hdr, sizeof hdr, MSG_WAITALL) !=
		    (ssize_t)sizeof hdr ||
		    proto_header_parse(hdr, PROTO_MAX_MSG, &type, &len, &id,
		    &err) != 0 || proto_answer_check(PROTO_T_WHOAMI, 1, type,
		    id, &err) != 0 || type == PROTO_T_ERROR)
			continue;
		if (len < 4096) {
			uint8_t buf[4096];

			if (recv(fds[i], buf, len, MSG_WAITALL) == (ssize_t)len)
				alive++;
		}
	}
	rss = bench_rss_kb(bench_daemon);
	for (i = 0; i < held; i++)
		close(fds[i]);
	free(fds);
	pbuf_dispose(&whoami);
	printf("idle connections: %d opened, %d held and answering at once "
	    "(target %d); xdomd's resident memory then %ld KiB\n", held,
	    alive, n, rss);
	return alive < n;
}

int
main(int argc, char **argv)
{
	char exe[PATH_MAX], xdomd[PATH_MAX + 16], dir[] = "/tmp/xdom-bench-XXXXXX";
	char conf[PATH_MAX + 32], policy[PATH_MAX + 32];
	char sim[PATH_MAX + 32], audit[PATH_MAX + 32];
	struct passwd *pw = getpwuid(getuid());
	struct rlimit rl;
	struct stat st;
	ssize_t n;
	pid_t pid;
	FILE *f;
	int i, rc = 0;

	(void)argc;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0 || pw == NULL)
		return 1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(xdomd, sizeof xdomd, "%s/../xdomd", exe);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(bench_sock, sizeof bench_sock, "%s/sock", dir);
	snprintf(conf, sizeof conf, "%s/xdom.conf", dir);
	snprintf(policy, sizeof policy, "%s/policy", dir);
	snprintf(sim, sizeof sim, "%s/sim", dir);
	snprintf(audit, sizeof audit, "%s/audit", dir);
	f = fopen(policy, "w");
	fprintf(f, "user:%s * all\n", pw->pw_name);
	fclose(f);
	f = fopen(conf, "w");
	fprintf(f, "max_connections = 4000\nmax_connections_per_user = 4000\n"
	    "audit_syslog = no\nclient_idle_timeout = 600\n");
	fclose(f);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pid = fork();
	if (pid == 0) {
		setenv("XDOM_SIM_DIR", sim, 1);
		execl(xdomd, "xdomd", "--foreground", "--sim", "--config", conf,
		    "--socket", bench_sock, "--policy", policy, "--audit",
		    audit, (char *)NULL);
		_exit(127);
	}
	bench_daemon = pid;
	for (i = 0; i < 100 && stat(bench_sock, &st) != 0; i++)
		usleep(50000);
	if (stat(bench_sock, &st) != 0) {
		fprintf(stderr, "bench_xdomd: %s did not start\n", xdomd);
		rc = 1;
		goto out;
	}
	printf("xdomd status requests (sim backend, policy check, audit to a "
	    "file), %.0f s per level, %ld CPUs\n", BENCH_SECONDS,
	    sysconf(_SC_NPROCESSORS_ONLN));
	rc |= bench_level(1);
	rc |= bench_level(16);
	rc |= bench_level(256);
	rc |= bench_idle(BENCH_IDLE);
out:
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	/* Clean up without a shell: remove the files we made. */
	unlink(bench_sock);
	unlink(conf);
	unlink(policy);
	unlink(audit);
	{
		pid_t rm = fork();

		if (rm == 0) {
			execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
			_exit(127);
		}
		waitpid(rm, NULL, 0);
	}
	(void)argv;
	return rc;
}
