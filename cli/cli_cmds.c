/*
 * cli_cmds.c - the `xdom` commands: list, the domain actions, console and
 * stats --stream (see cli.h; `top` is tui/top*.c).
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/escape.h"
#include "core/snapjson.h"
#include "console/console.h"

/* ---- list -------------------------------------------------------------- */

/* xl list's state letters, in its order: r b p s c d. */
static const struct {
	uint32_t flag;
	char letter;
} cli_xl_states[SNAP_STATE_LEN] = {
	{ SNAP_F_RUNNING, 'r' },
	{ SNAP_F_BLOCKED, 'b' },
	{ SNAP_F_PAUSED, 'p' },
	{ SNAP_F_SHUTDOWN, 's' },
	{ SNAP_F_CRASHED, 'c' },
	{ SNAP_F_DYING, 'd' },
};

static void
cli_xl_state(uint32_t flags, char buf[SNAP_STATE_LEN + 1])
{
	int i;

	for (i = 0; i < SNAP_STATE_LEN; i++)
		buf[i] = (flags & cli_xl_states[i].flag) ?
		    cli_xl_states[i].letter : '-';
	buf[SNAP_STATE_LEN] = '\0';
}

static void
cli_list_row(FILE *f, const struct snap *s, const struct snap_dom *d)
{
	char name[XDOM_NAME_MAX * 4 + 1], state[SNAP_STATE_LEN + 1];

	xdom_escape(name, sizeof name, snap_dom_name(s, d));
	cli_xl_state(d->flags, state);
	/* The same widths as xl list. */
	fprintf(f, "%-40s %5u %5llu %5u     %s  %8.1f\n", name, d->id,
	    (unsigned long long)(d->mem_kb / 1024), d->vcpus_online, state,
	    (double)d->cpu_ns / 1e9);
}

/* A domain by name, else by id when arg is a number (cli_dom_arg). */
static const struct snap_dom *
cli_list_find(const struct snap *s, const char *arg)
{
	const struct snap_dom *d = snap_find_name(s, arg), *found = NULL;
	uint32_t id;
	size_t i;

	if (d != NULL || !cli_is_domid(arg, &id))
		return d;
	for (i = 0; i < s->n_dom; i++) {
		if (s->dom[i].id != id)
			continue;
		if (found != NULL)
			return NULL;	/* several hosts have it */
		found = &s->dom[i];
	}
	return found;
}

int
cli_list_print(FILE *f, const struct snap *s, bool simulated, char **names,
    int n_names)
{
	const struct snap_dom *d;
	size_t i;
	int k;

	for (k = 0; k < n_names; k++)
		if (cli_list_find(s, names[k]) == NULL)
			return k;
	if (simulated)
		fprintf(f, "SIMULATED host (sim backend): not a real Xen "
		    "host\n");
	fprintf(f, "Name                                        ID   Mem "
	    "VCPUs\tState\tTime(s)\n");
	if (n_names > 0) {
		for (k = 0; k < n_names; k++) {
			d = cli_list_find(s, names[k]);
			cli_list_row(f, s, d);
		}
		return -1;
	}
	for (i = 0; i < s->n_dom; i++)
		cli_list_row(f, s, &s->dom[i]);
	return -1;
}

int
cli_run_list(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct xdom_err err = { 0 };
	struct snap s;
	struct hv *hv;
	bool simulated;
	int status = CLI_EXIT_OK, missing;
	size_t i;

	(void)cmd;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	snap_init(&s);
	if (hv_snapshot(hv, 0, &s, &err) != 0) {
		cli_error("list: %s", xdom_err_msg(&err));
		status = CLI_EXIT_FAIL;
		goto out;
	}
	simulated = hv_simulated(hv);
	for (i = 0; i < s.n_host; i++)
		simulated = simulated || s.hosts[i].simulated;
	missing = cli_list_print(stdout, &s, simulated, argv + 1, argc - 1);
	if (missing >= 0) {
		const char *name = argv[1 + missing];
		struct hv_info in;

		/* A configured guest that is not running is not "no such
		 * domain": say how to start it. */
		memset(&in, 0, sizeof in);
		err.code = XDOM_ENOENT;
		if (xdom_name_valid(name) &&
		    hv_info(hv, name, &in, &err) == 0 && !in.running)
			snprintf(err.msg, sizeof err.msg, "not running (xdom "
			    "boot %s starts it)", name);
		else
			snprintf(err.msg, sizeof err.msg, "no such domain");
		status = cli_dom_error(name, &err);
	}
out:
	snap_dispose(&s);
	return status;
}

/* ---- actions ----------------------------------------------------------- */

int
cli_run_action(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	char name[XDOM_NAME_MAX + 1];
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)argc;
	if ((status = cli_dom_arg(c, argv[1], name, sizeof name)) != 0)
		return status;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if (hv_action(hv, name, (enum hv_action)cmd->action, &err) != 0)
		return cli_dom_error(name, &err);
	printf("%s: %s\n", name, cmd->done);	/* name is valid: plain */
	return CLI_EXIT_OK;
}

/* ---- console ----------------------------------------------------------- */

int
cli_run_sysrq(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	const char *key = argv[2];
	char name[XDOM_NAME_MAX + 1];
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	if (strlen(key) != 1 || !hv_sysrq_key_valid((unsigned char)key[0])) {
		cli_error("sysrq: KEY is one of %s", HV_SYSRQ_KEYS);
		return CLI_EXIT_USAGE;
	}
	if ((status = cli_dom_arg(c, argv[1], name, sizeof name)) != 0)
		return status;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if (hv_sysrq(hv, name, key[0], NULL, &err) != 0)
		return cli_dom_error(name, &err);
	printf("%s: sent SysRq %c\n", name, key[0]);	/* both plain */
	return CLI_EXIT_OK;
}

int
cli_run_console(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	struct console_result res = { CONSOLE_END_ERROR, 0 };
	struct console_opts o;
	char name[XDOM_NAME_MAX + 1];
	const char *spec;
	struct hv *hv;
	int fd = -1, status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	console_opts_init(&o);
	o.result = &res;
	spec = conf_get(c->conf, "console_escape");
	if (spec != NULL && console_escape_parse(spec, &o.escape, &err) != 0) {
		cli_error("config: %s", xdom_err_msg(&err));
		return CLI_EXIT_USAGE;
	}
	if (!isatty(o.in_fd))
		o.linger_ms = 500;	/* piped input: show the answer */
	if ((status = cli_dom_arg(c, argv[1], name, sizeof name)) != 0)
		return status;
	o.name = name;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if (hv_console(hv, name, &fd, &err) != 0)
		return cli_dom_error(name, &err);
	o.simulated = hv_simulated(hv);
	fflush(stdout);
	if (console_relay(fd, &o, &err) != 0) {
		cli_error("%s", xdom_err_msg(&err));
		status = CLI_EXIT_FAIL;
	} else if (res.end == CONSOLE_END_SIGNAL) {
		status = CLI_EXIT_FAIL;	/* the relay's note said why */
	}
	close(fd);
	return status;
}

/* ---- stats --stream ---------------------------------------------------- */

enum { OPT_STREAM = 256 };

static const struct option cli_stats_opts[] = {
	{ "stream", no_argument, NULL, OPT_STREAM },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
cli_stats_usage(FILE *f)
{
	fprintf(f, "usage: xdom stats --stream [-d SECONDS] [-i N]\n"
	    "  one JSON snapshot per line every SECONDS (default 1), N times "
	    "(default: until stopped)\n"
	    "  without --stream: one snapshot\n");
}

/* Wait until deadline unless one of set arrives; returns the signal, or
 * 0 when the time is up. */
static int
cli_stats_wait(const sigset_t *set, uint64_t deadline_ns)
{
	struct timespec left;
	uint64_t now;
	int s;

	for (;;) {
		now = xdom_mono_ns();
		if (now >= deadline_ns)
			return 0;
		left.tv_sec = (time_t)((deadline_ns - now) / 1000000000u);
		left.tv_nsec = (long)((deadline_ns - now) % 1000000000u);
		s = sigtimedwait(set, NULL, &left);
		if (s > 0)
			return s;
		if (errno == EAGAIN)
			return 0;
		/* EINTR from another signal: wait again. */
	}
}

int
cli_run_stats(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	uint64_t deadline;
	struct sigaction ign;
	sigset_t set, old;
	bool stream = false;
	double delay = 1.0;
	long iters = -1, done;
	char esc[64];
	struct snap s;
	struct hv *hv;
	int ch, status = CLI_EXIT_OK;

	(void)cmd;
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:d:i:h", cli_stats_opts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_STREAM:
			stream = true;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, 0, 86400, &delay) != 0)
				return cli_bad_value("stats: -d", optarg,
				    "seconds from 0 to 86400");
			break;
		case 'i':
			if (cli_parse_long(optarg, 1, 1000000000L,
			    &iters) != 0)
				return cli_bad_value("stats: -i", optarg,
				    "a whole number from 1");
			break;
		case 'h':
			cli_stats_usage(stdout);
			return CLI_EXIT_OK;
		case ':':
			cli_opt_name(esc, sizeof esc, argv[optind - 1]);
			cli_error("stats: option '%s' needs a value", esc);
			return CLI_EXIT_USAGE;
		default:
			cli_opt_name(esc, sizeof esc, argv[optind - 1]);
			cli_error("stats: unknown option '%s' (see xdom stats "
			    "--help)", esc);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		xdom_escape(esc, sizeof esc, argv[optind]);
		cli_error("stats: unexpected argument '%s' (see xdom stats "
		    "--help)", esc);
		return CLI_EXIT_USAGE;
	}
	if (!stream)
		iters = 1;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;

	/* Ending signals are taken by sigtimedwait() between lines; a
	 * reader that goes away shows as EPIPE, both end quietly. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);

	snap_init(&s);
	deadline = xdom_mono_ns();
	for (done = 0; iters < 0 || done < iters; done++) {
		if (done > 0 && cli_stats_wait(&set, deadline) != 0)
			break;
		if (hv_snapshot(hv, HV_SNAP_ALL, &s, &err) != 0) {
			cli_error("stats: %s", xdom_err_msg(&err));
			status = CLI_EXIT_FAIL;
			break;
		}
		if (snapjson_write(stdout, &s, &err) != 0) {
			if (errno != EPIPE) {
				cli_error("stats: %s", xdom_err_msg(&err));
				status = CLI_EXIT_FAIL;
			}
			break;
		}
		/* The next line is due one interval after this one was,
		 * so the stream does not drift by the snapshot time. */
		deadline += (uint64_t)(delay * 1e9);
	}
	snap_dispose(&s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
