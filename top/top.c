/*
 * top.c - `xdom top`: its flags (xentop's, plus ours), the backend, and
 * either the batch loop or the interactive dashboard (top_input.c).
 *
 * Both take a first sample before the first output, so the first frame
 * and the first batch iteration show real rates (xentop shows zeros or
 * garbage there).
 */
#include "top/top_int.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/exitcode.h"
#include "core/xmalloc.h"
#include "core/fleet_spec.h"

#define TOP_DELAY_DEFAULT 3.0
#define TOP_DELAY_MIN 0.1
#define TOP_DELAY_MAX 3600.0

enum {
	OPT_FORMAT = 256,
	OPT_FILTER,
	OPT_COLUMNS,
	OPT_THEME,
	OPT_NO_SETTINGS,
	OPT_LIST_COLUMNS,
	OPT_HOST,
	OPT_HOSTS,
	OPT_SUMMARY,
	OPT_READONLY,
};

static const struct option top_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "delay", required_argument, NULL, 'd' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'i' },
	{ "networks", no_argument, NULL, 'n' },
	{ "vbds", no_argument, NULL, 'x' },
	{ "vcpus", no_argument, NULL, 'v' },
	{ "repeat-header", no_argument, NULL, 'r' },
	{ "full-name", no_argument, NULL, 'f' },
	{ "dom0-first", no_argument, NULL, 'z' },
	{ "pcpus", no_argument, NULL, 'p' },
	{ "totals", no_argument, NULL, 'T' },
	{ "sort", required_argument, NULL, 's' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-settings", no_argument, NULL, OPT_NO_SETTINGS },
	{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ NULL, 0, NULL, 0 },
};

static void
top_usage(FILE *f)
{
	fputs("usage: xdom [global options] top [options]\n"
	    "Live per-domain table of CPU, memory, network and block I/O "
	    "(like xentop).\n\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         version\n"
	    "  -d, --delay=SECONDS   seconds between updates (default 3; "
	    "fractions allowed)\n"
	    "  -b, --batch           output for scripts, no screen\n"
	    "  -i, --iterations=N    stop after N updates\n"
	    "  -n, --networks        a line per network interface\n"
	    "  -x, --vbds            a line per virtual block device\n"
	    "  -v, --vcpus           a line of per-vcpu times\n"
	    "  -r, --repeat-header   the header before each domain\n"
	    "  -f, --full-name       names in full (else cut to 10)\n"
	    "  -z, --dom0-first      Domain-0 first whatever the sort\n"
	    "  -p, --pcpus           per-physical-CPU meters\n"
	    "  -T, --totals          cumulative I/O counters instead of rates\n"
	    "  -s, --sort=COL[:asc|:desc]  sort column (see --list-columns)\n"
	    "      --format=text|csv|json  batch output format (default text:"
	    " xentop's)\n"
	    "      --summary         text batch: summary lines before each "
	    "table\n"
	    "      --filter=TEXT     only domains whose name contains TEXT\n"
	    "      --columns=LIST    columns to show, in order (-NAME hides)\n"
	    "      --theme=NAME      colour theme (default, monochrome, "
	    "high-contrast, dark256)\n"
	    "      --no-settings     neither read nor save "
	    "~/.config/xdom/top.conf\n"
	    "      --readonly        no actions from the dashboard (a shared "
	    "screen)\n"
	    "      --list-columns    the columns and what they show\n"
	    "      --host=[USER@]HOST[:PORT]  a remote host over SSH "
	    "(repeat for a fleet)\n"
	    "      --hosts=FILE      remote hosts, one a line "
	    "(default ~/.config/xdom/hosts\n"
	    "                        with --backend=fleet)\n"
	    "Keys: press h or ? in the dashboard.\n", f);
}

static void
top_list_columns(FILE *f)
{
	int i;

	for (i = 0; i < COL__COUNT; i++)
		fprintf(f, "%-11s %-12s %s%s\n", top_cols[i].name,
		    top_cols[i].title, top_cols[i].help,
		    top_cols[i].visible ? "" : " (hidden by default)");
}

static int
top_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < lo || v > hi)
		return XDOM_EINVAL;
	*out = v;
	return 0;
}

static int
top_parse_sort(const char *arg, struct top_opts *o, struct xdom_err *err)
{
	char name[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
	int c;

	if (n >= sizeof name)
		return xdom_err_set(err, XDOM_EINVAL, "--sort: column name "
		    "too long");
	memcpy(name, arg, n);
	name[n] = '\0';
	c = top_col_find(name);
	if (c < 0)
		return xdom_err_set(err, XDOM_EINVAL, "--sort: unknown column "
		    "'%s' (see --list-columns)", name);
	o->sort_col = c;
	o->sort_dir = 0;
	if (colon != NULL) {
		if (strcmp(colon + 1, "asc") == 0)
			o->sort_dir = 1;
		else if (strcmp(colon + 1, "desc") == 0)
			o->sort_dir = -1;
		else
			return xdom_err_set(err, XDOM_EINVAL, "--sort: say "
			    "COL:asc or COL:desc, not '%.20s'", colon + 1);
	}
	return 0;
}

/* --host SPEC: checked now (a bad spec is a usage error), kept in a
 * comma-joined list for the fleet backend. */
static int
top_add_host(struct top_opts *o, const char *spec, struct xdom_err *err)
{
	struct fleet_spec fs;
	char *joined;

	if (strchr(spec, ',') != NULL)
		return xdom_err_set(err, XDOM_EINVAL, "--host: one host per "
		    "--host (repeat it for several)");
	if (fleet_spec_parse(spec, &fs, err) != 0)
		return XDOM_EINVAL;
	joined = o->hosts == NULL ? xstrdup(spec) :
	    xasprintf("%s,%s", o->hosts, spec);
	free(o->hosts);
	o->hosts = joined;
	return 0;
}

int
top_parse_args(int argc, char **argv, struct top_opts *o,
    struct xdom_err *err)
{
	int ch, idx;

	memset(o, 0, sizeof *o);
	o->delay = TOP_DELAY_DEFAULT;
	o->iterations = -1;
	o->sort_col = -1;
	optind = 0;	/* reset getopt: top_main may run more than once */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hVd:bi:nxvrfzpTs:", top_longopts,
	    &idx)) != -1) {
		switch (ch) {
		case 'h':
			top_usage(stdout);
			return 1;
		case 'V':
			printf("xdom top %s\n", XDOM_VERSION);
			return 1;
		case 'd':
			if (top_parse_double(optarg, TOP_DELAY_MIN,
			    TOP_DELAY_MAX, &o->delay) != 0)
				return xdom_err_set(err, XDOM_EINVAL, "-d: "
				    "delay must be a number of seconds from "
				    "%.1f to %.0f, not '%.20s'", TOP_DELAY_MIN,
				    TOP_DELAY_MAX, optarg);
			o->delay_set = true;
			break;
		case 'b': o->batch = true; break;
		case 'i': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < 1)
				return xdom_err_set(err, XDOM_EINVAL, "-i: "
				    "iterations must be a whole number from 1, "
				    "not '%.20s'", optarg);
			o->iterations = v;
			break;
		}
		case 'n': o->networks = true; break;
		case 'x': o->vbds = true; break;
		case 'v': o->vcpus = true; break;
		case 'r': o->repeat_header = true; break;
		case 'f': o->full_name = true; break;
		case 'z': o->dom0_first = true; break;
		case 'p': o->pcpus = true; break;
		case 'T': o->totals = true; break;
		case 's':
			if (top_parse_sort(optarg, o, err) != 0)
				return XDOM_EINVAL;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->format = TOP_FMT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				o->format = TOP_FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				o->format = TOP_FMT_JSON;
			else
				return xdom_err_set(err, XDOM_EINVAL,
				    "--format: text, csv or json, not '%.20s'",
				    optarg);
			break;
		case OPT_FILTER:
			if (strlen(optarg) >= TOP_FILTER_MAX)
				return xdom_err_set(err, XDOM_EINVAL,
				    "--filter: at most %d bytes",
				    TOP_FILTER_MAX - 1);
			o->filter = optarg;
			break;
		case OPT_COLUMNS: {
			int order[COL__COUNT];
			bool shown[COL__COUNT];

			if (top_cols_parse(optarg, order, shown, err) != 0)
				return XDOM_EINVAL;
			o->columns = optarg;
			break;
		}
		case OPT_THEME: o->theme = optarg; break;
		case OPT_NO_SETTINGS: o->no_settings = true; break;
		case OPT_LIST_COLUMNS:
			top_list_columns(stdout);
			return 1;
		case OPT_HOST:
			if (top_add_host(o, optarg, err) != 0)
				return XDOM_EINVAL;
			break;
		case OPT_HOSTS: o->hosts_file = optarg; break;
		case OPT_SUMMARY: o->summary = true; break;
		case OPT_READONLY: o->readonly = true; break;
		case ':':
			return xdom_err_set(err, XDOM_EINVAL, "top: option "
			    "'%.30s' needs a value (see xdom top --help)",
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 128)
				return xdom_err_set(err, XDOM_EINVAL, "top: "
				    "unknown option '-%c' (see xdom top "
				    "--help)", optopt);
			return xdom_err_set(err, XDOM_EINVAL, "top: unknown "
			    "option '%.30s' (see xdom top --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return xdom_err_set(err, XDOM_EINVAL, "top: unexpected "
		    "argument '%.30s' (see xdom top --help)", argv[optind]);
	if (o->format != TOP_FMT_TEXT && !o->batch)
		return xdom_err_set(err, XDOM_EINVAL, "--format needs -b "
		    "(batch mode)");
	if (o->summary && (!o->batch || o->format != TOP_FMT_TEXT))
		return xdom_err_set(err, XDOM_EINVAL, "--summary needs -b "
		    "and text output (the screen always has it; csv and json "
		    "carry it as fields)");
	return 0;
}

/* What to ask the backend for: only what is shown (libxenstat's flags). */
static unsigned
top_batch_what(const struct top_opts *o)
{
	unsigned what = HV_SNAP_NETS | HV_SNAP_VBDS;

	if (o->vcpus)
		what |= HV_SNAP_VCPUS;
	if (o->mode != TOP_MODE_RESTRICTED)
		what |= HV_SNAP_PCPUS;
	return what;
}

/* Batch mode ends quietly, with status 0, on SIGINT or SIGTERM (as
 * xentop's does) and when its reader goes away (SIGPIPE, EPIPE). */
static volatile sig_atomic_t top_batch_stop;

static void
top_batch_on_signal(int s)
{
	(void)s;
	top_batch_stop = 1;
}

/* Sleep until the monotonic deadline (ns) or a stop signal. */
static void
top_sleep_until(uint64_t deadline)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	while (!top_batch_stop && clock_nanosleep(CLOCK_MONOTONIC,
	    TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Whether some host of the current snapshot is still connecting, or up
 * without rates yet (one sample from it so far). */
static bool
top_fleet_settling(const struct top_model *m)
{
	const struct snap *s = top_model_cur(m);
	size_t h;

	for (h = 0; h < s->n_host; h++) {
		if (s->hosts[h].state == SNAP_HOST_CONNECTING)
			return true;
		if (s->hosts[h].state == SNAP_HOST_UP &&
		    !m->host_rows[h].rated)
			return true;
	}
	return false;
}

/*
 * A script's first sample of a fleet should have data, not a row of
 * "connecting" or rates of 0: wait for every host's first answer (up or
 * refused) and, for those up, two samples to rate, bounded by
 * TOP_FLEET_WAIT_S. The dashboard never waits: it draws the states as
 * they are.
 */
#define TOP_FLEET_WAIT_S 8

static int
top_batch_first(struct top_model *m, struct hv *hv, unsigned what,
    bool remote, struct xdom_err *err)
{
	uint64_t end = xdom_mono_ns() + TOP_FLEET_WAIT_S * 1000000000ull;
	int rc;

	for (;;) {
		rc = top_model_collect(m, hv, what, err);
		if (rc != 0 || !remote)
			return rc;
		top_model_update(m);
		if (!top_fleet_settling(m) || xdom_mono_ns() >= end)
			return 0;
		top_sleep_until(xdom_mono_ns() + 50000000ull);
	}
}

static int
top_batch_run(struct hv *hv, const struct top_opts *o, struct xdom_err *err)
{
	struct top_model m;
	unsigned what = top_batch_what(o);
	uint64_t next, step = (uint64_t)(o->delay * 1e9);
	struct sigaction sa, old_int, old_term, old_pipe;
	long it;
	int rc;

	top_model_init(&m);
	/* Scripts get a stable order: by id, unless asked otherwise. */
	m.sort_col = o->sort_col >= 0 ? (enum top_col)o->sort_col : COL_ID;
	m.sort_desc = o->sort_dir != 0 ? o->sort_dir < 0 :
	    (o->sort_col >= 0 && top_cols[o->sort_col].sort_desc);
	m.dom0_first = o->dom0_first;
	/* xentop's text columns are totals: sort by what is printed. */
	m.totals = o->totals || (o->format == TOP_FMT_TEXT &&
	    o->columns == NULL);
	m.ascii_only = false;
	m.host_hidden = o->mode == TOP_MODE_RESTRICTED;
	if (o->filter != NULL)
		snprintf(m.filter, sizeof m.filter, "%s", o->filter);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = top_batch_on_signal;
	top_batch_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	rc = top_batch_first(&m, hv, what, o->remote, err);
	if (rc != 0)
		goto out;
	if (!o->remote)
		top_model_update(&m);
	next = top_model_cur(&m)->mono_ns;
	/* xentop's layout has no room for SIMULATED: say it where a
	 * script's parser does not look, once (csv and json carry it). */
	if (o->format == TOP_FMT_TEXT && top_batch_simulated(&m, o))
		fputs("xdom: top: SIMULATED host: these figures are not from "
		    "Xen (--sim)\n", stderr);
	if (o->format == TOP_FMT_CSV)
		top_batch_csv_header(stdout);
	for (it = 1; o->iterations < 0 || it <= o->iterations; it++) {
		next += step;
		top_sleep_until(next);
		if (top_batch_stop)
			break;
		rc = top_model_collect(&m, hv, what, err);
		if (rc != 0)
			goto out;
		top_model_update(&m);
		top_model_sort(&m);
		rc = top_batch_write(stdout, &m, o, it, err);
		if (rc != 0) {
			if (errno == EPIPE) {	/* the reader is done */
				xdom_err_clear(err);
				rc = 0;
			}
			goto out;
		}
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	top_model_dispose(&m);
	return rc;
}

int
top_main(int argc, char **argv, const struct hv_open_opts *hvo,
    enum top_mode mode)
{
	struct xdom_err err = { 0, "" };
	struct top_opts o;
	struct hv_open_opts fleet;
	struct hv *hv = NULL;
	int rc;

	rc = top_parse_args(argc, argv, &o, &err);
	if (rc != 0) {
		free(o.hosts);
		if (rc == 1)
			return 0;
		fprintf(stderr, "xdom: %s\n", xdom_err_msg(&err));
		return 2;
	}
	/* --host/--hosts: the fleet backend over those hosts. Not in
	 * xdom-shell: a customer's top sees only what xdomd gives. */
	if ((o.hosts != NULL || o.hosts_file != NULL) &&
	    mode == TOP_MODE_RESTRICTED) {
		free(o.hosts);
		fprintf(stderr, "xdom: top: --host and --hosts are not "
		    "available here\n");
		return 2;
	}
	if (o.hosts != NULL || o.hosts_file != NULL) {
		fleet = *hvo;
		fleet.backend = "fleet";
		fleet.hosts = o.hosts;
		fleet.hosts_file = o.hosts_file;
		hvo = &fleet;
	}
	o.mode = mode;
	if (mode == TOP_MODE_RESTRICTED)
		o.pcpus = false;	/* host-wide: not for customers */
	rc = hv_open(&hv, hvo, &err);
	if (rc != 0) {
		fprintf(stderr, "xdom: %s\n", xdom_err_msg(&err));
		free(o.hosts);
		return 1;
	}
	o.simulated = hv_simulated(hv);
	o.remote = hv_remote(hv);
	if (o.batch)
		rc = top_batch_run(hv, &o, &err);
	else
		rc = top_ui_run(hv, hvo, &o, &err);
	hv_close(hv);
	free(o.hosts);
	if (rc != 0) {
		fprintf(stderr, "xdom: %s\n", xdom_err_msg(&err));
		return xdom_exit_status(rc);
	}
	return 0;
}
