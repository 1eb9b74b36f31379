/*
 * cli.c - `xdom`: global options, config, the command table, dispatch.
 *
 * Global options stop at the first word that is not an option: that word
 * is the command, and everything after it belongs to the command. The
 * dispatcher checks the positional argument counts from the table and
 * answers `-h`/`--help` for every command, so handlers only do their work.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/exitcode.h"
#include "cli/cli_res.h"
#include "top/top.h"

static int cli_run_help(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
static int cli_run_top(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);

#define CLI_ACTION(verb, act, what, did) \
	{ verb, "NAME", what, 1, 1, act, did, cli_run_action }

static const struct cli_cmd cli_cmds[] = {
	{ "list", "[NAME...]", "list running domains, as xl list does",
	    0, 1024, -1, NULL, cli_run_list },
	CLI_ACTION("boot", HV_ACT_BOOT, "start a stopped guest from its "
	    "config", "booting"),
	CLI_ACTION("shutdown", HV_ACT_SHUTDOWN, "ask a guest to shut down",
	    "shutting down"),
	CLI_ACTION("reboot", HV_ACT_REBOOT, "ask a guest to reboot",
	    "rebooting"),
	CLI_ACTION("reset", HV_ACT_RESET, "hard reset: destroy and boot "
	    "again", "reset"),
	CLI_ACTION("destroy", HV_ACT_DESTROY, "stop a guest immediately",
	    "destroyed"),
	CLI_ACTION("pause", HV_ACT_PAUSE, "pause a guest", "paused"),
	CLI_ACTION("unpause", HV_ACT_UNPAUSE, "unpause a guest", "unpaused"),
	{ "console", "NAME", "attach to a guest's console (Ctrl-] leaves)",
	    1, 1, -1, NULL, cli_run_console },
	{ "sysrq", "NAME KEY", "send a magic SysRq key, as xl sysrq does",
	    2, 2, -1, NULL, cli_run_sysrq },
	CLI_RES_CMDS,
	{ "stats", "--stream [-d SECONDS] [-i N]", "snapshots as JSON "
	    "lines, for programs", -1, -1, -1, NULL, cli_run_stats },
	{ "top", "[OPTIONS]", "the live dashboard (see xdom top --help)",
	    -1, -1, -1, NULL, cli_run_top },
	{ "help", "[COMMAND]", "show this help", 0, 1, -1, NULL,
	    cli_run_help },
};

#define CLI_NCMDS (sizeof cli_cmds / sizeof cli_cmds[0])

void
cli_error(const char *fmt, ...)
{
	char msg[XDOM_ERR_MSG_MAX];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fflush(stdout);
	fprintf(stderr, "xdom: %s\n", msg);
}

int
cli_bad_value(const char *what, const char *arg, const char *expected)
{
	char esc[64];

	xdom_escape(esc, sizeof esc, arg);
	cli_error("%s %s: expected %s", what, esc, expected);
	return CLI_EXIT_USAGE;
}

/* Whether msg starts with word followed by ':' or ' ' (the message
 * already names the domain). */
static bool
cli_msg_names(const char *msg, const char *word)
{
	size_t n = strlen(word);

	return n > 0 && strncmp(msg, word, n) == 0 &&
	    (msg[n] == ':' || msg[n] == ' ');
}

int
cli_dom_error(const char *name, const struct xdom_err *err)
{
	const char *msg = xdom_err_msg(err);
	char esc[XDOM_NAME_MAX * 4 + 1];

	if (name[0] == '\0') {
		cli_error("an empty domain name: give a NAME or an id");
		return CLI_EXIT_FAIL;
	}
	xdom_escape(esc, sizeof esc, name);
	if (cli_msg_names(msg, name) || cli_msg_names(msg, esc))
		cli_error("%s", msg);
	else
		cli_error("%s: %s", esc, msg);
	return CLI_EXIT_FAIL;
}

bool
cli_is_domid(const char *s, uint32_t *id)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

int
cli_dom_arg(struct cli *c, const char *arg, char *buf, size_t len)
{
	struct xdom_err err = { XDOM_EINVAL, "not a valid domain name" };
	const struct snap_dom *d, *found = NULL;
	struct snap s;
	struct hv *hv;
	uint32_t id;
	size_t i;
	int status = CLI_EXIT_OK;

	if (!xdom_name_valid(arg) || strlen(arg) >= len)
		return cli_dom_error(arg, &err);
	snprintf(buf, len, "%s", arg);
	if (!cli_is_domid(arg, &id))
		return 0;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	snap_init(&s);
	if (hv_snapshot(hv, 0, &s, &err) != 0) {
		/* the action itself will say what is wrong */
		snap_dispose(&s);
		return 0;
	}
	if (snap_find_name(&s, arg) == NULL) {
		for (i = 0; i < s.n_dom; i++) {
			d = &s.dom[i];
			if (d->id != id)
				continue;
			if (found != NULL) {	/* several hosts: by name */
				found = NULL;
				break;
			}
			found = d;
		}
		if (found != NULL &&
		    xdom_name_valid(snap_dom_name(&s, found)))
			snprintf(buf, len, "%s", snap_dom_name(&s, found));
	}
	snap_dispose(&s);
	return 0;
}

int
cli_parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < min || v > max)
		return XDOM_EINVAL;
	*out = v;
	return 0;
}

int
cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return XDOM_EINVAL;
	*out = v;
	return 0;
}

void
cli_opt_name(char *buf, size_t len, const char *arg)
{
	char opt[64];

	/* getopt leaves optopt unusable for long options: name the word,
	 * without any "=value"; for a short one, the letter it stopped at. */
	if (strncmp(arg, "--", 2) == 0) {
		snprintf(opt, sizeof opt, "%.*s", (int)strcspn(arg, "="), arg);
	} else if (optopt > 0x20 && optopt < 0x7f) {
		snprintf(opt, sizeof opt, "-%c", optopt);
	} else {
		snprintf(opt, sizeof opt, "%s", arg);
	}
	xdom_escape(buf, len, opt);
}

static void
cli_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: xdom [OPTIONS] COMMAND [ARGS]\n"
	    "\n"
	    "Options (before the command):\n"
	    "  --config FILE          configuration (default %s)\n"
	    "  --backend=xen|sim|helper  hypervisor backend\n"
	    "  --sim                  the simulated host (--backend=sim)\n"
	    "  --sim-domains N        a simulated host with N guests\n"
	    "  --socket PATH          xdomd's socket (helper backend)\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n"
	    "\n"
	    "Commands:\n", XDOM_CONF_DEFAULT);
	for (i = 0; i < CLI_NCMDS; i++) {
		char syn[64];

		snprintf(syn, sizeof syn, "%s %s", cli_cmds[i].name,
		    cli_cmds[i].args);
		fprintf(f, "  %-36s %s\n", syn, cli_cmds[i].summary);
	}
	fprintf(f, "\nSee xdom(1) for more.\n");
}

static void
cli_cmd_usage(FILE *f, const struct cli_cmd *cmd)
{
	fprintf(f, "usage: xdom %s %s\n  %s\n", cmd->name, cmd->args,
	    cmd->summary);
}

static const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < CLI_NCMDS; i++)
		if (strcmp(cli_cmds[i].name, name) == 0)
			return &cli_cmds[i];
	return NULL;
}

static int
cli_run_help(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	const struct cli_cmd *which;
	char esc[64];

	(void)c;
	(void)cmd;
	if (argc < 2) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	if ((which = cli_find(argv[1])) == NULL) {
		xdom_escape(esc, sizeof esc, argv[1]);
		cli_error("help: unknown command '%s'", esc);
		return CLI_EXIT_USAGE;
	}
	cli_cmd_usage(stdout, which);
	return CLI_EXIT_OK;
}

static int
cli_run_top(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	optind = 0;		/* top parses its own options from argv[1] */
	return top_main(argc, argv, &c->hvo, TOP_MODE_ADMIN);
}

struct hv *
cli_hv(struct cli *c, int *status)
{
	struct xdom_err err = { 0 };
	int rc;

	if (c->hv != NULL)
		return c->hv;
	rc = hv_open(&c->hv, &c->hvo, &err);
	if (rc != 0) {
		cli_error("%s", xdom_err_msg(&err));
		/* An unknown backend name is a usage error; the rest (no
		 * Xen here, no daemon, bad sim state) are failures. */
		*status = xdom_exit_status(rc);
		c->hv = NULL;
		return NULL;
	}
	return c->hv;
}

/* Dispatch argv (argv[0] the command) through the table. */
static int
cli_dispatch(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find(argv[0]);
	char esc[64];
	int i, npos = argc - 1;

	if (cmd == NULL) {
		xdom_escape(esc, sizeof esc, argv[0]);
		cli_error("unknown command '%s' (see xdom help)", esc);
		return CLI_EXIT_USAGE;
	}
	if (cmd->min_args < 0)
		return cmd->run(c, cmd, argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			cli_cmd_usage(stdout, cmd);
			return CLI_EXIT_OK;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			xdom_escape(esc, sizeof esc, argv[i]);
			cli_error("%s: unknown option '%s' (see xdom help %s)",
			    cmd->name, esc, cmd->name);
			return CLI_EXIT_USAGE;
		}
	}
	if (npos < cmd->min_args || npos > cmd->max_args) {
		cli_error("%s: expected %s%s (usage: xdom %s %s)", cmd->name,
		    npos < cmd->min_args ? "" : "only ",
		    cmd->args[0] != '\0' ? cmd->args : "no arguments",
		    cmd->name, cmd->args);
		return CLI_EXIT_USAGE;
	}
	return cmd->run(c, cmd, argc, argv);
}

enum {
	OPT_CONFIG = 256,
	OPT_BACKEND,
	OPT_SIM,
	OPT_SIM_DOMAINS,
	OPT_SOCKET,
};

static const struct option cli_long_opts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "sim", no_argument, NULL, OPT_SIM },
	{ "sim-domains", required_argument, NULL, OPT_SIM_DOMAINS },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Parse the global options; returns -1 to go on, else an exit status. */
static int
cli_options(struct cli *c, int argc, char **argv)
{
	char esc[64];
	long n;
	int ch;

	opterr = 0;
	optind = 0;
	/* '+': stop at the command; ':': report a missing argument. */
	while ((ch = getopt_long(argc, argv, "+:hV", cli_long_opts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_CONFIG:
			c->config_path = optarg;
			break;
		case OPT_BACKEND:
			/* now, not when a command opens it: "--backend list"
			 * should not read as "no command given" */
			if (!hv_backend_known(optarg)) {
				xdom_escape(esc, sizeof esc, optarg);
				cli_error("unknown backend '%s' (try "
				    "--backend=sim or --backend=xen)", esc);
				return CLI_EXIT_USAGE;
			}
			c->hvo.backend = optarg;
			break;
		case OPT_SIM:
			c->hvo.backend = "sim";
			break;
		case OPT_SIM_DOMAINS:
			if (cli_parse_long(optarg, 1, 100000, &n) != 0)
				return cli_bad_value("--sim-domains", optarg,
				    "a whole number from 1 to 100000");
			c->hvo.sim_domains = (unsigned)n;
			break;
		case OPT_SOCKET:
			c->hvo.socket = optarg;
			break;
		case 'h':
			cli_usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("xdom %s\n", XDOM_VERSION);
			return CLI_EXIT_OK;
		case ':':
			cli_opt_name(esc, sizeof esc, argv[optind - 1]);
			cli_error("option '%s' needs a value (see xdom --help)",
			    esc);
			return CLI_EXIT_USAGE;
		default:
			cli_opt_name(esc, sizeof esc, argv[optind - 1]);
			cli_error("unknown option '%s' (see xdom --help)",
			    esc);
			return CLI_EXIT_USAGE;
		}
	}
	return -1;
}

static int
cli_load_config(struct cli *c)
{
	struct xdom_err err = { 0 };
	const char *path = c->config_path != NULL ? c->config_path :
	    XDOM_CONF_DEFAULT;

	if (path[0] == '\0') {
		cli_error("--config: an empty file name");
		return CLI_EXIT_USAGE;
	}
	if (conf_load(&c->conf, path, c->config_path != NULL, &err) != 0) {
		cli_error("%s", xdom_err_msg(&err));
		return CLI_EXIT_USAGE;
	}
	c->hvo.conf = c->conf;
	if (c->hvo.socket == NULL)
		c->hvo.socket = conf_get(c->conf, "socket");
	return -1;
}

/*
 * Started with fd 0, 1 or 2 closed (`xdom console web01 <&-`), the next
 * file opened would take its number: the guest's console would become
 * "standard input", a note meant for stderr would be typed into the
 * guest, a listing would land in the sim's lock file. /dev/null, read
 * only, stands in for a closed one: reading it ends at once and writing
 * to it still fails (EBADF) as writing to the closed fd would.
 */
static int
cli_std_fds(void)
{
	int fd;

	for (;;) {
		if ((fd = open("/dev/null", O_RDONLY | O_NOCTTY)) < 0)
			return -1;
		if (fd > 2) {
			close(fd);
			return 0;
		}
	}
}

int
cli_main(int argc, char **argv)
{
	struct cli c;
	int status;

	memset(&c, 0, sizeof c);
	if (cli_std_fds() != 0)
		return CLI_EXIT_FAIL;	/* no /dev/null: nowhere to say so */
	if ((status = cli_options(&c, argc, argv)) >= 0)
		goto out;
	if (optind >= argc) {
		cli_error("no command given (see xdom help)");
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if ((status = cli_load_config(&c)) >= 0)
		goto out;
	status = cli_dispatch(&c, argc - optind, argv + optind);
out:
	hv_close(c.hv);
	conf_free(c.conf);
	if (fflush(stdout) != 0 && status == CLI_EXIT_OK && errno != EPIPE) {
		cli_error("writing the output: %s", strerror(errno));
		status = CLI_EXIT_FAIL;
	}
	return status;
}
