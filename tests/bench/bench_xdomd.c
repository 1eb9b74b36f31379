/*
 * bench_xdomd.c - xdomd's request rate and latency: `status` requests
 * (hv_info through the policy check, answered in the event loop, audited
 * to a file) from 1, 16 and 256 concurrent clients, and how many idle
 * connections it holds at once (each then proven alive with a whoami).
 *
 * Starts build/xdomd (next to this program's directory) on a private
 * socket against a private sim host, as the invoking user. Prints
 * requests/s and p50/p99 latency per level. Targets (issues 4 and 18):
 * 30,000 status/s on 2 cores, p99 under 1 ms at 16 clients, 1,000 idle
 * connections.
 *
 * With privilege separation each calling uid has a front process, so
 * memory depends on how many uids hold the connections: run as root, it
 * also holds 1,000 idle connections from 4 and from 100 uids (children
 * that switch to uids 61000 and up) and prints the daemon's total PSS
 * (/proc/PID/smaps_rollup of the monitor and every front; targets
 * 64 MiB and 256 MiB), and the time from connect to the first answer,
 * for a uid's first connection (its front is forked) and later ones
 * (target 5 ms).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <dirent.h>
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

/* The "KEY: N kB" line of /proc/PID/FILE, in KiB; -1 when unknown. */
static long
bench_proc_kb(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':' &&
		    sscanf(line + klen + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A whoami request, id 1, framed in b (to dispose). */
static int
bench_whoami_req(struct pbuf *b)
{
	struct xdom_err err = {0};
	struct proto_req r;

	memset(&r, 0, sizeof r);
	r.type = PROTO_T_WHOAMI;
	r.id = 1;
	pbuf_init(b, 256);
	return proto_req_encode(b, &r, &err);
}

/* Hold n idle connections, then prove each is served with a whoami. */
static int
bench_idle(int n)
{
	struct xdom_err err = {0};
	struct pbuf whoami;
	struct sockaddr_un sa;
	int *fds = calloc((size_t)n, sizeof *fds), i, held = 0, alive = 0;
	uint8_t hdr[PROTO_HDR_LEN];
	uint16_t type;
	uint32_t len, id;
	long rss;

	if (bench_whoami_req(&whoami) != 0)
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
	rss = bench_proc_kb(bench_daemon, "status", "VmRSS");
	for (i = 0; i < held; i++)
		close(fds[i]);
	free(fds);
	pbuf_dispose(&whoami);
	printf("idle connections: %d opened, %d held and answering at once "
	    "(target %d); xdomd's resident memory then %ld KiB\n", held,
	    alive, n, rss);
	return alive < n;
}

/* Pss of pid (smaps_rollup) in KiB, 0 when unknown. */
static long
bench_pss_kb(pid_t pid)
{
	long kb = bench_proc_kb(pid, "smaps_rollup", "Pss");

	return kb > 0 ? kb : 0;
}

/* PSS of the daemon and its children (the fronts), and how many. */
static long
bench_pss_total(int *procs)
{
	char path[300], buf[512], *p;
	struct dirent *e;
	long total = bench_pss_kb(bench_daemon), ppid;
	DIR *d = opendir("/proc");
	FILE *f;

	*procs = 1;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(buf, sizeof buf, f);
		fclose(f);
		if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 2, "%*c %ld", &ppid) != 1 ||
		    ppid != (long)bench_daemon)
			continue;
		total += bench_pss_kb((pid_t)atol(e->d_name));
		(*procs)++;
	}
	if (d != NULL)
		closedir(d);
	return total;
}

/* Connect and get a whoami answered; the time it took in ms, or -1. */
static double
bench_connect_whoami(const struct pbuf *whoami, int *fd_out)
{
	struct xdom_err err = {0};
	struct sockaddr_un sa;
	struct timeval tv = {5, 0};
	uint8_t hdr[PROTO_HDR_LEN], buf[4096];
	uint16_t type;
	uint32_t len, id;
	double t0 = bench_now();
	int fd;

	*fd_out = -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", bench_sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    send(fd, pbuf_ptr(whoami), pbuf_avail(whoami), MSG_NOSIGNAL) !=
	    (ssize_t)pbuf_avail(whoami) ||
	    recv(fd, hdr, sizeof hdr, MSG_WAITALL) != (ssize_t)sizeof hdr ||
	    proto_header_parse(hdr, PROTO_MAX_MSG, &type, &len, &id,
	    &err) != 0 || type == PROTO_T_ERROR || len > sizeof buf ||
	    recv(fd, buf, len, MSG_WAITALL) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	*fd_out = fd;
	return (bench_now() - t0) * 1e3;
}

/*
 * n idle connections from nuids uids (children that drop to uid 61000+k
 * as root), each answered once; then the total PSS. Each child reports
 * the connect-to-answer time of its first connection (its uid's front
 * is forked for it) and the largest of the others.
 */
static int
bench_spread(int n, int nuids, double pss_target_mib)
{
	struct pbuf whoami;
	double cold[128], warm_max = 0, cold_max = 0;
	int pipes[2], k, alive = 0, procs;
	pid_t kids[128];
	long pss;

	if (geteuid() != 0) {
		printf("idle connections from %d uids: not measured (needs "
		    "root to be many uids)\n", nuids);
		return 0;
	}
	if (bench_whoami_req(&whoami) != 0 || pipe(pipes) != 0)
		return 1;
	for (k = 0; k < nuids && k < 128; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int per = n / nuids + (k < n % nuids), i, fd, ok = 0;
			double t, first = -1, worst = 0;
			char line[64];

			close(pipes[0]);
			if (setgroups(0, NULL) != 0 ||
			    setgid((gid_t)(61000 + k)) != 0 ||
			    setuid((uid_t)(61000 + k)) != 0)
				_exit(1);
			for (i = 0; i < per; i++) {
				t = bench_connect_whoami(&whoami, &fd);
				if (t < 0)
					continue;
				ok++;
				if (i == 0)
					first = t;
				else if (t > worst)
					worst = t;
			}
			snprintf(line, sizeof line, "%d %.3f %.3f\n", ok, first,
			    worst);
			(void)!write(pipes[1], line, strlen(line));
			pause();
			_exit(0);
		}
	}
	close(pipes[1]);
	{
		FILE *f = fdopen(pipes[0], "r");
		int ok;
		double first, worst;

		for (k = 0; k < nuids && f != NULL &&
		    fscanf(f, "%d %lf %lf", &ok, &first, &worst) == 3; k++) {
			alive += ok;
			cold[k] = first;
			if (first > cold_max)
				cold_max = first;
			if (worst > warm_max)
				warm_max = worst;
		}
		if (f != NULL)
			fclose(f);
	}
	qsort(cold, (size_t)(k > 0 ? k : 1), sizeof *cold, bench_cmp);
	pss = bench_pss_total(&procs);
	for (k = 0; k < nuids && k < 128; k++) {
		kill(kids[k], SIGTERM);
		waitpid(kids[k], NULL, 0);
	}
	pbuf_dispose(&whoami);
	printf("idle connections from %3d uids: %d held and answering; "
	    "daemon PSS %ld KiB over %d processes (target %.0f MiB; all "
	    "connecting at once: first answer %.1f ms median, %.1f ms "
	    "max)\n", nuids, alive, pss, procs, pss_target_mib,
	    cold[nuids / 2], cold_max > warm_max ? cold_max : warm_max);
	return alive < n || pss > (long)(pss_target_mib * 1024);
}

/*
 * Connect to first answer, one caller at a time: for each of 10 uids
 * (one after the other) its first connection (the monitor forks and
 * sandboxes its front) and 20 more on the same front.
 */
static int
bench_first(void)
{
	struct pbuf whoami;
	double cold[10], warm[200];
	int pipes[2], k, nc = 0, nw = 0;

	if (geteuid() != 0)
		return 0;
	if (bench_whoami_req(&whoami) != 0 || pipe(pipes) != 0)
		return 1;
	for (k = 0; k < 10; k++) {
		pid_t kid = fork();

		if (kid == 0) {
			double t[21];
			int i, fd;

			if (setgroups(0, NULL) != 0 ||
			    setgid((gid_t)(61500 + k)) != 0 ||
			    setuid((uid_t)(61500 + k)) != 0)
				_exit(1);
			for (i = 0; i < 21; i++) {
				t[i] = bench_connect_whoami(&whoami, &fd);
				if (fd >= 0)
					close(fd);
			}
			(void)!write(pipes[1], t, sizeof t);
			_exit(0);
		}
		{
			double t[21];
			int i;

			if (read(pipes[0], t, sizeof t) == (ssize_t)sizeof t &&
			    t[0] >= 0) {
				cold[nc++] = t[0];
				for (i = 1; i < 21; i++)
					if (t[i] >= 0)
						warm[nw++] = t[i];
			}
		}
		waitpid(kid, NULL, 0);
	}
	close(pipes[0]);
	close(pipes[1]);
	pbuf_dispose(&whoami);
	if (nc == 0 || nw == 0)
		return 1;
	qsort(cold, (size_t)nc, sizeof *cold, bench_cmp);
	qsort(warm, (size_t)nw, sizeof *warm, bench_cmp);
	printf("connect to first answer: a uid's first connection (front "
	    "forked) %.2f ms median, %.2f ms max; later ones %.3f ms median, "
	    "%.3f ms p99 (target 5 ms)\n", cold[nc / 2], cold[nc - 1],
	    warm[nw / 2], warm[nw * 99 / 100]);
	return cold[nc / 2] > 5.0;
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
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
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
	rc |= bench_first();
	sleep(6);	/* the fronts of the callers above gone */
	rc |= bench_spread(BENCH_IDLE, 4, 64);
	sleep(6);
	rc |= bench_spread(BENCH_IDLE, 100, 256);
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
