/*
 * cli.h - the `xdom` command line: global options, the command table and
 * the commands other than `top` (which lives in top*.c).
 *
 *   xdom [--config FILE] [--backend=xen|sim|helper | --sim]
 *        [--sim-domains N] [--socket PATH] COMMAND [ARGS]
 *
 * Exit status: 0 ok, 1 refused or failed, 2 usage (CLI_EXIT_*). Every
 * error is one line on stderr, "xdom: what: why".
 */
#ifndef XDOM_TUI_CLI_H
#define XDOM_TUI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/conf.h"
#include "core/exitcode.h"
#include "core/snap.h"
#include "hypervisor/hv.h"

#ifndef XDOM_VERSION
#define XDOM_VERSION "0.1"
#endif

enum {
	CLI_EXIT_OK = XDOM_EXIT_OK,
	CLI_EXIT_FAIL = XDOM_EXIT_FAIL,		/* refused or failed */
	CLI_EXIT_USAGE = XDOM_EXIT_USAGE,	/* bad command line or config */
};

/* What the global options and the config file decided. */
struct cli {
	const char *config_path;	/* NULL: XDOM_CONF_DEFAULT */
	struct conf *conf;		/* loaded before any command runs */
	struct hv_open_opts hvo;	/* .conf points at conf */
	struct hv *hv;			/* opened on demand by cli_hv() */
};

struct cli_cmd;
typedef int (*cli_run_fn)(struct cli *c, const struct cli_cmd *cmd,
    int argc, char **argv);

/* One command; the table is in cli.c. */
struct cli_cmd {
	const char *name;
	const char *args;	/* argument synopsis for help, "" if none */
	const char *summary;	/* one line for help */
	int min_args, max_args;	/* positional args; -1: handler parses */
	int action;		/* enum hv_action for action commands, or -1 */
	const char *done;	/* action commands: what to print on success */
	cli_run_fn run;		/* argv[0] is the command name */
};

/* Run xdom with main()'s arguments; returns the exit status. */
int cli_main(int argc, char **argv);

/* The open backend (opened at first use); NULL after printing an error,
 * with *status set to the exit status to return. */
struct hv *cli_hv(struct cli *c, int *status);

/*
 * The guest a command-line argument means, as xl takes a name or an id:
 * a name as it is; an argument of digits is the domain of that name if
 * one runs, else the running domain with that id, else left as it is
 * (a stopped guest's name). Copies the name into buf (XDOM_NAME_MAX + 1
 * bytes) and returns 0, or prints the error and returns the exit status
 * (an invalid name, the backend not opening).
 */
int cli_dom_arg(struct cli *c, const char *arg, char *buf, size_t len);

/* Whether s is a domain id as typed: 1 to 10 decimal digits. */
bool cli_is_domid(const char *s, uint32_t *id);

/* Print "xdom: " and the formatted message as one line on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "xdom: WHAT ARG: expected EXPECTED" for an option's bad value (arg
 * escaped); returns CLI_EXIT_USAGE. */
int cli_bad_value(const char *what, const char *arg, const char *expected);

/* "xdom: NAME: message" for an error about a domain (name escaped, and
 * left out when the message already starts with it); returns 1. */
int cli_dom_error(const char *name, const struct xdom_err *err);

/* The option getopt just refused, escaped for a message: "--foo", "-x".
 * arg is argv[optind - 1]. */
void cli_opt_name(char *buf, size_t len, const char *arg);

/* Parse a number of seconds ("1", "0.25") in [min, max]. */
int cli_parse_seconds(const char *s, double min, double max, double *out);
/* Parse a whole number in [min, max]. */
int cli_parse_long(const char *s, long min, long max, long *out);

/* The command handlers (cli_cmds.c). */
int cli_run_list(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_action(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_sysrq(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_console(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_stats(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);

/*
 * Write xl list's table for s to f: a SIMULATED line first when
 * simulated, the header, then one row per domain (names escaped). With
 * n_names > 0 only those domains, in that order, each a name or a domain
 * id (as cli_dom_arg); returns the index of the first one not found, or
 * -1 when all were.
 */
int cli_list_print(FILE *f, const struct snap *s, bool simulated,
    char **names, int n_names);

#endif
