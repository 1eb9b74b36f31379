/*
 * fleet.h - the pieces behind the "ssh" and "fleet" backends: host specs,
 * options, the line framing of a remote `xdom stats --stream`, and one
 * worker per remote host.
 *
 * Each remote host is a struct fleet_host with its own thread. The thread
 * connects with libssh (host key checked against known_hosts, public-key
 * authentication from the agent or the user's keys), runs the remote
 * stream command and decodes each line it prints into a snapshot, which it
 * hands over under the host's mutex. The views never wait for a host:
 * fleet_host_collect() copies whatever the host last delivered (or just
 * its state, when it has nothing current) and returns at once. A host
 * that fails is retried with exponential backoff, and its state says why
 * (connecting, auth failed, key mismatch, down, retrying in N s); while a
 * retry is under way the host keeps the state of its last failure.
 *
 * Nothing from a remote host reaches a shell unchecked: the stream
 * command comes from the admin's configuration and is refused unless
 * every word is made of plain characters; an action is sent as
 * "XDOM ACTION NAME" with the action from hv.c's table and the name
 * checked by xdom_name_valid().
 */
#ifndef XDOM_HYPERVISOR_FLEET_H
#define XDOM_HYPERVISOR_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/snap.h"
#include "hypervisor/hv.h"

struct conf;

#define FLEET_MAX_HOSTS 256		/* host index is a uint16_t; threads */
#define FLEET_USER_MAX 32
#define FLEET_HOSTNAME_MAX 253
#define FLEET_LABEL_MAX 128		/* fits snap_host.name */
#define FLEET_LINE_MAX (16u << 20)	/* longest stream line: SNAPJSON_MAX_LINE */
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

/*
 * Line framing of the stream. Bytes are pushed as they arrive; the last
 * complete line is taken (older complete lines are only counted: a view
 * wants the newest snapshot, and decoding stale ones would waste CPU when
 * the reader fell behind).
 */
struct fleet_line {
	char *buf;
	size_t len, cap;
	size_t max;		/* longest line; FLEET_LINE_MAX when 0 */
	size_t taken;		/* end of the line handed out, or 0 */
};
void fleet_line_init(struct fleet_line *lb, size_t max);
void fleet_line_dispose(struct fleet_line *lb);
/* Append bytes; XDOM_ENOMEM when an unfinished line exceeds max. Drops
 * the line last handed out by fleet_line_last(). */
int fleet_line_push(struct fleet_line *lb, const void *data, size_t n);
/*
 * The newest complete non-empty line, NUL-terminated (without its '\n'),
 * valid until the next push; *skipped counts older complete lines that
 * were passed over. false when no complete line is waiting.
 */
bool fleet_line_last(struct fleet_line *lb, char **line, size_t *len,
    size_t *skipped);

/* Decode one stream line into out (reset by the callee). */
typedef int (*fleet_decode_fn)(const char *line, size_t len,
    struct snap *out, struct xdom_err *err);

struct fleet_host;

/*
 * Start a worker for spec (copied) with options o (copied). It begins in
 * SNAP_HOST_CONNECTING. Never fails: a host that cannot be reached shows
 * why in its state.
 */
struct fleet_host *fleet_host_start(const struct fleet_spec *spec,
    const struct fleet_opts *o, fleet_decode_fn decode);
/* Ask the worker to stop (returns at once). */
void fleet_host_stop(struct fleet_host *h);
/* Stop and free (NULL is fine). Waits up to a second for the worker; a
 * worker still inside a connect or handshake then finishes on its own
 * (within the connect timeout) and frees what is left. */
void fleet_host_free(struct fleet_host *h);

/*
 * Append this host to out without waiting for it: when it is up, its
 * latest snapshot (host named by its label, state SNAP_HOST_UP); else one
 * host entry with its state and status and no domains. now_ns is
 * CLOCK_MONOTONIC, for "retrying in N s".
 */
void fleet_host_collect(struct fleet_host *h, struct snap *out,
    uint64_t now_ns);

/* The host's label and whether a domain called name was in its latest
 * snapshot. */
const char *fleet_host_label(const struct fleet_host *h);
bool fleet_host_has(struct fleet_host *h, const char *name);

/*
 * Run "XDOM ACTION NAME" on the host over its connection and wait for it
 * (bounded by o->action_timeout_ms). A host that is not up fails at once
 * with its state. The remote error line is passed on, prefixed with the
 * host label.
 */
int fleet_host_action(struct fleet_host *h, const char *name,
    enum hv_action a, struct xdom_err *err);

/* Counters for the benchmark and tests. */
struct fleet_host_stats {
	uint64_t lines;		/* lines decoded */
	uint64_t skipped;	/* complete lines passed over */
	uint64_t bytes;		/* stream bytes read */
	uint64_t connects;	/* sessions established */
	uint64_t last_ns;	/* CLOCK_MONOTONIC of the last decoded line */
	uint64_t decode_ns;	/* worker CPU spent decoding lines, total */
	int state;		/* enum snap_host_state */
	bool trying;		/* a connection attempt is under way */
};
void fleet_host_get_stats(struct fleet_host *h, struct fleet_host_stats *st);

/* CLOCK_MONOTONIC in ns. */
uint64_t fleet_now_ns(void);

/*
 * What the fleet backend needs of an open "ssh" backend (hv_ssh.c):
 * stop its worker without waiting, append its host to out without
 * waiting (see fleet_host_collect), its label, and whether its latest
 * snapshot has a domain called name.
 */
void hv_ssh_stop(struct hv *hv);
void hv_ssh_collect(struct hv *hv, unsigned what, struct snap *out,
    uint64_t now_ns);
const char *hv_ssh_label(const struct hv *hv);
bool hv_ssh_has(struct hv *hv, const char *name);
void hv_ssh_stats(struct hv *hv, struct fleet_host_stats *st);

/* Counters of host i (in the order given) of an open "fleet" backend, or
 * of the one host of an "ssh" backend (i = 0); XDOM_ENOENT past the end
 * or for another backend. For tests and the benchmark. */
int hv_fleet_stats(struct hv *hv, size_t i, struct fleet_host_stats *st);

#endif
