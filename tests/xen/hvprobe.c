/*
 * hvprobe.c - drive the hypervisor interface (hv.h) directly, for the
 * real-Xen checks in dom0. It exercises the xen backend without the CLI,
 * helper or shell in between, so a failure here points at the backend.
 *
 *   hvprobe json [vnbp]         one stats-stream JSON line (core/snapjson);
 *                               letters ask for vcpus, nets, vbds, pcpus
 *   hvprobe list                like `xl list` (Name ID Mem VCPUs State Time)
 *   hvprobe guests              every guest: NAME running|stopped ID
 *   hvprobe info NAME           the guest's facts, one per line
 *   hvprobe act NAME ACTION     boot, shutdown, reboot, reset, destroy, ...
 *   hvprobe console NAME SECS   print what the console says for SECS s;
 *                               with SEND, write it to the console first
 *   hvprobe reimage NAME        re-image, printing progress lines
 *   hvprobe bench N DELAY_MS [vnbp]
 *                               N refreshes as the dashboard does them:
 *                               snapshot (nets and vbds unless letters
 *                               say otherwise), then rates
 *
 * The backend is xen unless --backend=NAME comes first; --config FILE
 * gives an xdom.conf. Exit status 0 ok, 1 failed, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/rates.h"
#include "core/snap.h"
#include "core/snapjson.h"
#include "core/xmalloc.h"
#include "hypervisor/hv.h"

static int
probe_fail(const struct xdom_err *err)
{
	fprintf(stderr, "hvprobe: %s\n", xdom_err_msg(err));
	return 1;
}

static unsigned
probe_what(const char *letters)
{
	/* letter -> hv_snap_what bit */
	static const struct {
		char c;
		unsigned bit;
	} map[] = {
		{ 'v', HV_SNAP_VCPUS }, { 'n', HV_SNAP_NETS },
		{ 'b', HV_SNAP_VBDS }, { 'p', HV_SNAP_PCPUS },
	};
	unsigned what = 0;
	size_t i;

	for (; letters != NULL && *letters != '\0'; letters++)
		for (i = 0; i < sizeof map / sizeof map[0]; i++)
			if (map[i].c == *letters)
				what |= map[i].bit;
	return what;
}

static int
probe_json(struct hv *hv, const char *letters)
{
	struct xdom_err err = { 0 };
	struct snap s;
	int rc;

	snap_init(&s);
	rc = hv_snapshot(hv, letters ? probe_what(letters) : HV_SNAP_ALL, &s,
	    &err);
	if (rc == 0)
		rc = snapjson_write(stdout, &s, &err);
	snap_dispose(&s);
	return rc == 0 ? 0 : probe_fail(&err);
}

/* xl's state letters are in the order r b p s c d. */
static void
probe_xl_state(uint32_t f, char out[7])
{
	static const uint32_t order[6] = {
		SNAP_F_RUNNING, SNAP_F_BLOCKED, SNAP_F_PAUSED,
		SNAP_F_SHUTDOWN, SNAP_F_CRASHED, SNAP_F_DYING,
	};
	static const char letters[] = "rbpscd";
	int i;

	for (i = 0; i < 6; i++)
		out[i] = (f & order[i]) != 0 ? letters[i] : '-';
	out[6] = '\0';
}

static int
probe_list(struct hv *hv)
{
	struct xdom_err err = { 0 };
	char name[256], st[7];
	struct snap s;
	size_t i;

	snap_init(&s);
	if (hv_snapshot(hv, 0, &s, &err) != 0) {
		snap_dispose(&s);
		return probe_fail(&err);
	}
	printf("%-40s %5s %5s %5s %10s %8s\n", "Name", "ID", "Mem", "VCPUs",
	    "State", "Time(s)");
	for (i = 0; i < s.n_dom; i++) {
		const struct snap_dom *d = &s.dom[i];

		xdom_escape(name, sizeof name, snap_dom_name(&s, d));
		probe_xl_state(d->flags, st);
		printf("%-40s %5" PRIu32 " %5" PRIu64 " %5" PRIu32 " %10s "
		    "%8.1f\n", name, d->id, d->mem_kb / 1024, d->vcpus_online,
		    st, (double)d->cpu_ns / 1e9);
	}
	snap_dispose(&s);
	return 0;
}

static int
probe_guests(struct hv *hv)
{
	struct xdom_err err = { 0 };
	struct hv_guest_list l;
	char name[256];
	size_t i;

	if (hv_guests(hv, &l, &err) != 0)
		return probe_fail(&err);
	for (i = 0; i < l.n; i++) {
		xdom_escape(name, sizeof name, l.g[i].name);
		printf("%s %s %" PRIu32 "\n", name,
		    l.g[i].running ? "running" : "stopped", l.g[i].id);
	}
	hv_guest_list_dispose(&l);
	return 0;
}

static int
probe_info(struct hv *hv, const char *name)
{
	struct xdom_err err = { 0 };
	struct hv_info in;
	unsigned i;

	if (hv_info(hv, name, &in, &err) != 0)
		return probe_fail(&err);
	printf("name %s\nrunning %d\nid %" PRIu32 "\nmem_kb %" PRIu64 "\n"
	    "maxmem_kb %" PRIu64 "\nvcpus %" PRIu32 "\nuptime_s %" PRIu64 "\n"
	    "config %s\n", in.name, in.running, in.id, in.mem_kb,
	    in.maxmem_kb, in.vcpus, in.uptime_s, in.config_path);
	for (i = 0; i < in.n_disks; i++)
		printf("disk %s %s %s\n", in.disks[i].vdev, in.disks[i].target,
		    in.disks[i].writable ? "rw" : "ro");
	for (i = 0; i < in.n_nics; i++)
		printf("nic %s %s %s\n", in.nics[i].mac,
		    in.nics[i].bridge[0] ? in.nics[i].bridge : "-",
		    in.nics[i].ip[0] ? in.nics[i].ip : "-");
	return 0;
}

static int
probe_act(struct hv *hv, const char *name, const char *action)
{
	struct xdom_err err = { 0 };
	enum hv_action a;

	if (hv_action_parse(action, &a) != 0) {
		fprintf(stderr, "hvprobe: unknown action %s\n", action);
		return 2;
	}
	if (hv_action(hv, name, a, &err) != 0)
		return probe_fail(&err);
	return 0;
}

static uint64_t
probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
probe_console(struct hv *hv, const char *name, const char *secs,
    const char *send)
{
	struct xdom_err err = { 0 };
	uint64_t end = probe_now_ms() + (uint64_t)atoi(secs) * 1000, now;
	struct pollfd pf;
	char buf[1024];
	ssize_t n;
	int fd;

	if (hv_console(hv, name, &fd, &err) != 0)
		return probe_fail(&err);
	if (send != NULL && (write(fd, send, strlen(send)) < 0 ||
	    write(fd, "\r", 1) < 0))
		perror("hvprobe: console write");
	while ((now = probe_now_ms()) < end) {
		pf.fd = fd;
		pf.events = POLLIN;
		if (poll(&pf, 1, (int)(end - now)) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	fflush(stdout);
	close(fd);
	return 0;
}

static int
probe_progress(void *arg, unsigned permille, const char *stage)
{
	char esc[256];

	(void)arg;
	xdom_escape(esc, sizeof esc, stage);
	printf("progress %u %s\n", permille, esc);
	fflush(stdout);
	return 0;
}

static int
probe_reimage(struct hv *hv, const char *name)
{
	struct hv_reimage_opts o = { .shutdown_first = true };
	struct xdom_err err = { 0 };

	if (hv_reimage(hv, name, &o, probe_progress, NULL, &err) != 0)
		return probe_fail(&err);
	return 0;
}

/* The dashboard's refresh loop without the drawing. */
static int
probe_bench(struct hv *hv, const char *count, const char *delay_ms,
    const char *letters)
{
	struct xdom_err err = { 0 };
	struct snap a, b, *prev = &a, *cur = &b, *t;
	struct rate_dom *rates = NULL;
	size_t cap = 0;
	long n = atol(count), i;
	useconds_t d = (useconds_t)atol(delay_ms) * 1000;
	double sum = 0;
	int rc = 0;

	snap_init(&a);
	snap_init(&b);
	for (i = 0; i < n; i++) {
		rc = hv_snapshot(hv, letters != NULL ? probe_what(letters) :
		    HV_SNAP_NETS | HV_SNAP_VBDS, cur, &err);
		if (rc != 0)
			break;
		if (cur->n_dom > cap) {
			cap = cur->n_dom;
			rates = xreallocarray(rates, cap, sizeof *rates);
		}
		rates_compute(i > 0 ? prev : NULL, cur, rates);
		if (cur->n_dom > 0)
			sum += rates[0].cpu_pct;
		t = prev;
		prev = cur;
		cur = t;
		if (i + 1 < n && d > 0)
			usleep(d);
	}
	printf("bench %ld refreshes, %zu domains (checksum %.1f)\n", i,
	    prev->n_dom, sum);
	free(rates);
	snap_dispose(&a);
	snap_dispose(&b);
	return rc == 0 ? 0 : probe_fail(&err);
}

int
main(int argc, char **argv)
{
	struct hv_open_opts o = { .backend = "xen" };
	struct xdom_err err = { 0 };
	struct conf *conf = NULL;
	struct hv *hv = NULL;
	const char *cmd;
	int i = 1, rc = 2;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strncmp(argv[i], "--backend=", 10) == 0)
			o.backend = argv[i] + 10;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			if (conf_load(&conf, argv[++i], true, &err) != 0)
				return probe_fail(&err) + 1;
			o.conf = conf;
		} else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	cmd = argv[i++];
	if (hv_open(&hv, &o, &err) != 0) {
		conf_free(conf);
		return probe_fail(&err);
	}
	if (strcmp(cmd, "json") == 0)
		rc = probe_json(hv, i < argc ? argv[i] : NULL);
	else if (strcmp(cmd, "list") == 0)
		rc = probe_list(hv);
	else if (strcmp(cmd, "guests") == 0)
		rc = probe_guests(hv);
	else if (strcmp(cmd, "info") == 0 && i + 1 == argc)
		rc = probe_info(hv, argv[i]);
	else if (strcmp(cmd, "act") == 0 && i + 2 == argc)
		rc = probe_act(hv, argv[i], argv[i + 1]);
	else if (strcmp(cmd, "console") == 0 && i + 2 <= argc && i + 3 >= argc)
		rc = probe_console(hv, argv[i], argv[i + 1],
		    i + 2 < argc ? argv[i + 2] : NULL);
	else if (strcmp(cmd, "reimage") == 0 && i + 1 == argc)
		rc = probe_reimage(hv, argv[i]);
	else if (strcmp(cmd, "bench") == 0 && i + 2 <= argc && i + 3 >= argc)
		rc = probe_bench(hv, argv[i], argv[i + 1],
		    i + 2 < argc ? argv[i + 2] : NULL);
	else
		fprintf(stderr, "hvprobe: bad command\n");
	hv_close(hv);
	conf_free(conf);
	return rc;
usage:
	fprintf(stderr, "usage: hvprobe [--backend=NAME] [--config FILE] "
	    "json|list|guests|info|act|console|reimage|bench ...\n");
	return 2;
}
