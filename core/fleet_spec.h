/*
 * fleet_spec.h - what the fleet view is told: remote host specs
 * (`[user@]host[:port]`), hosts files, the options every host shares and
 * the remote command lines. Pure parsing, used by the ssh and fleet
 * backends (hypervisor/remote/) and the dashboard's --host option.
 */
#ifndef XDOM_CORE_FLEET_SPEC_H
#define XDOM_CORE_FLEET_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/err.h"

struct conf;

#define FLEET_MAX_HOSTS 256		/* host index is a uint16_t; threads */
#define FLEET_USER_MAX 32
#define FLEET_HOSTNAME_MAX 253
#define FLEET_LABEL_MAX 128		/* fits snap_host.name */
#define FLEET_CMD_MAX 1024

/* One remote host: `[user@]host[:port]`, IPv6 literals in brackets. */
struct fleet_spec {
	char user[FLEET_USER_MAX + 1];	/* empty: libssh's default (config,
					   then the local user name) */
	char host[FLEET_HOSTNAME_MAX + 1];	/* without brackets */
	unsigned port;			/* 0: default (config, then 22) */
	char label[FLEET_LABEL_MAX];	/* as shown in the HOST column */
};

/*
 * Parse one spec. Strict: a user of [A-Za-z0-9._-] (not starting with
 * '-'), a host name of [A-Za-z0-9.-] (not starting with '-' or '.') or a
 * bracketed IPv6 literal, a port of 1..65535 in decimal. Anything else is
 * XDOM_EINVAL with a one-line message naming the spec and the problem.
 */
int fleet_spec_parse(const char *text, struct fleet_spec *out,
    struct xdom_err *err);

/* A list of specs (caller frees .v). */
struct fleet_specs {
	struct fleet_spec *v;
	size_t n;
};
void fleet_specs_dispose(struct fleet_specs *l);

/*
 * Append the specs of a comma-separated list ("a,root@b:2222"); empty
 * items are refused. Duplicate labels and more than FLEET_MAX_HOSTS hosts
 * are refused.
 */
int fleet_specs_add_list(struct fleet_specs *l, const char *csv,
    struct xdom_err *err);

/*
 * Append the specs of a hosts file: one spec per line, '#' starts a
 * comment, blank lines are skipped. Errors name FILE:LINE. When
 * must_exist is false a missing file adds nothing and returns 0.
 */
int fleet_specs_add_file(struct fleet_specs *l, const char *path,
    bool must_exist, struct xdom_err *err);

/* The default hosts file, ~/.config/xdom/hosts ($XDG_CONFIG_HOME is
 * honoured); a new string the caller frees, or NULL without a home. */
char *fleet_hosts_default_path(void);

/* What host keys that are not in known_hosts get. A changed key is
 * always refused. */
enum fleet_strict {
	FLEET_STRICT_YES = 0,		/* unknown key: refused (default) */
	FLEET_STRICT_ACCEPT_NEW,	/* unknown key: added, then used */
};

/* Settings shared by every host of a fleet (see fleet_opts_load). */
struct fleet_opts {
	char command[FLEET_CMD_MAX];	/* remote stream command */
	char xdom[256];			/* remote xdom program for actions */
	char known_hosts[1024];		/* empty: libssh's defaults */
	char identity[1024];		/* extra private key; empty: none */
	int strict;			/* enum fleet_strict */
	unsigned connect_timeout_ms;	/* TCP connect and SSH handshake */
	unsigned stale_ms;		/* no line for this long: down */
	unsigned action_timeout_ms;	/* a remote action's whole run */
	unsigned retry_min_ms, retry_max_ms;	/* backoff bounds */
};

/*
 * Fill o from defaults, then the config (may be NULL), then the
 * environment, which wins:
 *
 *   config key            environment           default
 *   fleet_xdom            XDOM_FLEET_XDOM       xdom
 *   fleet_command         XDOM_FLEET_COMMAND    "XDOM stats --stream -d 1"
 *   ssh_known_hosts       XDOM_KNOWN_HOSTS      ~/.ssh/known_hosts and
 *                                               /etc/ssh/ssh_known_hosts
 *   ssh_identity          XDOM_SSH_IDENTITY     (agent and ~/.ssh keys)
 *   ssh_strict_host_keys  XDOM_SSH_STRICT       yes (or accept-new)
 *   ssh_connect_timeout   -                     5 (seconds)
 *   fleet_stale_timeout   -                     15 (seconds)
 *   fleet_retry_max       XDOM_FLEET_RETRY_MAX  30 (seconds)
 *
 * An explicit known_hosts file is the only one consulted (the global
 * file is not read then). Commands are checked with fleet_cmd_valid().
 */
int fleet_opts_load(struct fleet_opts *o, const struct conf *c,
    struct xdom_err *err);

/*
 * Whether cmd is acceptable to send to a remote shell: words separated by
 * single spaces, each of [A-Za-z0-9_./=:,@%+-], the first not starting
 * with '-'. No quoting, no expansion is possible with these.
 */
bool fleet_cmd_valid(const char *cmd);

/*
 * Build the remote command for an action into buf: "XDOM ACTION NAME".
 * The action must be in the table, the name must pass xdom_name_valid().
 */
int fleet_action_cmd(const char *xdom, enum hv_action a, const char *name,
    char *buf, size_t len, struct xdom_err *err);

/* Next retry delay: min on the first failure (prev 0), then doubling,
 * capped at max. */
unsigned fleet_backoff_next(unsigned prev_ms, unsigned min_ms,
    unsigned max_ms);

#endif
