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

#include "core/clock.h"
#include "core/err.h"
#include "core/snap.h"
#include "core/fleet_spec.h"
#include "hypervisor/hv.h"

#define FLEET_LINE_MAX (16u << 20)	/* longest stream line: SNAPJSON_MAX_LINE */

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


/*
 * What the fleet backend needs of an open "ssh" backend (hv_ssh.c):
 * stop its worker without waiting, make out from the latest data of n
 * of them without waiting (see fleet_host_collect; stamped now, then
 * snap_finish), its label, and whether its latest snapshot has a domain
 * called name.
 */
void hv_ssh_stop(struct hv *hv);
void hv_ssh_collect(struct hv *const *hosts, size_t n, unsigned what,
    struct snap *out);
const char *hv_ssh_label(const struct hv *hv);
bool hv_ssh_has(struct hv *hv, const char *name);
void hv_ssh_stats(struct hv *hv, struct fleet_host_stats *st);

/* Counters of host i (in the order given) of an open "fleet" backend, or
 * of the one host of an "ssh" backend (i = 0); XDOM_ENOENT past the end
 * or for another backend. For tests and the benchmark. */
int hv_fleet_stats(struct hv *hv, size_t i, struct fleet_host_stats *st);

#endif
