/*
 * fleet_host.c - one remote host of the fleet: a worker thread that keeps
 * an SSH session to it, reads its `xdom stats --stream` and hands the
 * newest decoded snapshot to the views (see fleet.h).
 *
 * Kept whole although a little over 800 lines: the worker's connect,
 * stream and retry steps share one locking discipline over struct
 * fleet_host, which is easier to check in one file than across several.
 *
 * Threading: everything under "shared" in struct fleet_host is guarded by
 * mu; the worker alone touches the rest. The views only ever hold mu for
 * a copy, so a host that hangs in connect, handshake or read costs them
 * nothing. Only the worker touches its socket (libssh owns it): reads
 * run in short slices so a stop is noticed within FLEET_POLL_MS, and a
 * worker still stuck in a connect or handshake when its host is freed is
 * left to finish on its own (bounded by the connect timeout) and frees
 * the shared state itself: the struct is reference-counted.
 */
#include "hypervisor/remote/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "core/xmalloc.h"

#define FLEET_READ_CHUNK (256 * 1024)
#define FLEET_POLL_MS 200		/* read slice: stop/request latency */
#define FLEET_ERRLINE 160
#define FLEET_FREE_WAIT_MS 1000	/* then a stuck worker is left behind */

/* An action handed to the worker; lives on the caller's stack until the
 * worker marks it done. */
struct fleet_req {
	char cmd[FLEET_CMD_MAX];
	bool done;
	int rc;
	struct xdom_err err;
};

struct fleet_host {
	struct fleet_spec spec;
	struct fleet_opts opts;
	fleet_decode_fn decode;
	pthread_t thread;
	bool started;

	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* CLOCK_MONOTONIC */
	bool stop;
	int state;			/* enum snap_host_state */
	char reason[96];		/* why the host is not up */
	uint64_t retry_at;		/* next attempt, 0 when not waiting */
	unsigned attempt;		/* connection attempts since last up */
	struct snap latest;
	bool have;			/* latest is current */
	int refs;			/* owners: the view, the worker */
	bool exited;			/* the worker is done */
	struct fleet_req *req;		/* queued or running action */
	struct fleet_host_stats st;

	/* worker only */
	struct snap work;
	struct fleet_line lb;
	char *chunk;
	char errline[FLEET_ERRLINE];	/* last stderr line of the stream */
	unsigned backoff_ms;
};

/* How one session ended: the state to show and why. */
struct fleet_end {
	int state;
	char reason[96];
};

static uint64_t
fleet_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Copy src into dst of len bytes, truncating; always terminated. */
static void
fleet_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
fleet_end_set(struct fleet_end *e, int state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fleet_end_set(struct fleet_end *e, int state, const char *fmt, ...)
{
	struct xdom_err x = {0};
	va_list ap;

	/* Through xdom_err for its control-character scrubbing: reasons
	 * quote libssh and the remote's stderr. */
	va_start(ap, fmt);
	xdom_err_setv(&x, XDOM_EIO, fmt, ap);
	va_end(ap);
	e->state = state;
	fleet_copy(e->reason, sizeof e->reason, x.msg);
}

static bool
fleet_stopping(struct fleet_host *h)
{
	bool stop;

	pthread_mutex_lock(&h->mu);
	stop = h->stop;
	pthread_mutex_unlock(&h->mu);
	return stop;
}

/* Fail a queued action that the session can no longer run. */
static void
fleet_req_fail_locked(struct fleet_host *h, const char *why)
{
	if (h->req == NULL)
		return;
	xdom_err_set(&h->req->err, XDOM_EUNAVAIL, "%s: %s", h->spec.label,
	    why);
	h->req->rc = XDOM_EUNAVAIL;
	h->req->done = true;
	h->req = NULL;
	pthread_cond_broadcast(&h->cv);
}

/* Keep the last non-empty line of a stderr chunk in dst. */
static void
fleet_keep_errline(char *dst, size_t len, const char *buf, size_t n)
{
	size_t end = n, start;

	while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'))
		end--;
	if (end == 0)
		return;
	start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (end - start >= len)
		start = end - (len - 1);
	memcpy(dst, buf + start, end - start);
	dst[end - start] = '\0';
}

/* Read whatever stderr the channel holds, keeping its last line. */
static void
fleet_drain_stderr(ssh_channel ch, char *line, size_t len)
{
	char buf[1024];
	int n;

	while ((n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1)) > 0)
		fleet_keep_errline(line, len, buf, (size_t)n);
}

/*
 * Run one action on the open session: a new channel, exec, wait for its
 * end within the action timeout, and turn its exit status and last
 * stderr line into rc and err.
 */
static int
fleet_run_action(struct fleet_host *h, ssh_session s, const char *cmd,
    struct xdom_err *err)
{
	ssh_channel ch = NULL;
	char buf[4096], errline[FLEET_ERRLINE] = "";
	uint64_t deadline = xdom_mono_ns() +
	    (uint64_t)h->opts.action_timeout_ms * 1000000ull;
	int rc, n, status;

	ch = ssh_channel_new(s);
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		rc = xdom_err_set(err, XDOM_EIO, "%s: cannot run the remote "
		    "command: %s", h->spec.label, ssh_get_error(s));
		goto out;
	}
	for (;;) {
		n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0,
		    FLEET_POLL_MS);
		if (n == SSH_ERROR) {
			rc = xdom_err_set(err, XDOM_EIO, "%s: connection "
			    "lost during the action: %s", h->spec.label,
			    ssh_get_error(s));
			goto out;
		}
		fleet_drain_stderr(ch, errline, sizeof errline);
		if (n <= 0 && ssh_channel_is_eof(ch))
			break;
		if (fleet_stopping(h)) {
			rc = xdom_err_set(err, XDOM_EUNAVAIL, "%s: closing: the "
			    "remote action's outcome is unknown",
			    h->spec.label);
			goto out;
		}
		if (xdom_mono_ns() >= deadline) {
			rc = xdom_err_set(err, XDOM_ETIMEDOUT, "%s: the remote "
			    "action did not finish in %u s", h->spec.label,
			    h->opts.action_timeout_ms / 1000);
			goto out;
		}
	}
	status = ssh_channel_get_exit_status(ch);
	if (status == 0) {
		rc = 0;
		goto out;
	}
	if (errline[0] != '\0')
		rc = xdom_err_set(err, status == 2 ? XDOM_EINVAL : XDOM_EIO,
		    "%s: %s", h->spec.label, errline);
	else if (status == 127)
		rc = xdom_err_set(err, XDOM_EUNAVAIL, "%s: remote xdom not "
		    "found (set fleet_xdom)", h->spec.label);
	else
		rc = xdom_err_set(err, XDOM_EIO, "%s: remote xdom failed "
		    "(status %d)", h->spec.label, status);
out:
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return rc;
}

/* If an action is queued, run it now and report back. */
static void
fleet_serve_req(struct fleet_host *h, ssh_session s)
{
	char cmd[FLEET_CMD_MAX];
	struct xdom_err e = {0};
	int rc;

	pthread_mutex_lock(&h->mu);
	if (h->req == NULL || h->req->done) {
		pthread_mutex_unlock(&h->mu);
		return;
	}
	memcpy(cmd, h->req->cmd, sizeof cmd);
	pthread_mutex_unlock(&h->mu);
	rc = fleet_run_action(h, s, cmd, &e);
	pthread_mutex_lock(&h->mu);
	h->req->rc = rc;
	h->req->err = e;
	h->req->done = true;
	h->req = NULL;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/*
 * Name the decoded hosts after the spec and stamp the local arrival time
 * (the remote's clock means nothing to the view's clock), keeping the
 * remote's sample time per host for rates. A snapshot whose domains
 * point past its hosts is refused.
 */
static int
fleet_adopt(struct fleet_host *h, struct snap *s, uint64_t now)
{
	/* The remote's clock dates its counters: rates between two of its
	 * lines use it (snap_host.sample_ns), so network delays and the
	 * view's refresh times do not bend them. */
	uint64_t sample = s->mono_ns != 0 ? s->mono_ns : now;
	size_t i;

	if (s->n_host == 0)
		snap_add_host(s, h->spec.label);
	for (i = 0; i < s->n_dom; i++)
		if (s->dom[i].host >= s->n_host)
			return XDOM_EPROTO;
	for (i = 0; i < s->n_host; i++) {
		struct snap_host *sh = &s->hosts[i];
		char remote[sizeof sh->name];

		memcpy(remote, sh->name, sizeof remote);
		fleet_copy(sh->name, sizeof sh->name, h->spec.label);
		if (s->n_host > 1) {
			size_t l = strlen(sh->name);

			fleet_copy(sh->name + l, sizeof sh->name - l, "/");
			l = strlen(sh->name);
			fleet_copy(sh->name + l, sizeof sh->name - l, remote);
		}
		sh->state = SNAP_HOST_UP;
		sh->status[0] = '\0';
		sh->sample_ns = sample;
	}
	s->mono_ns = now;
	s->wall_s = (int64_t)time(NULL);
	return 0;
}

/* Decode the newest complete line, if any, and publish it. */
static int
fleet_take_lines(struct fleet_host *h, struct fleet_end *e)
{
	struct xdom_err de = {0};
	struct snap tmp;
	char *line;
	size_t len, skipped;
	uint64_t now, t0, cpu;
	int rc;

	if (!fleet_line_last(&h->lb, &line, &len, &skipped))
		return 0;
	t0 = fleet_thread_cpu_ns();
	rc = h->decode(line, len, &h->work, &de);
	cpu = fleet_thread_cpu_ns() - t0;
	now = xdom_mono_ns();
	if (rc == 0)
		rc = fleet_adopt(h, &h->work, now);
	if (rc != 0) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: bad data from the "
		    "remote xdom: %s", de.msg[0] ? de.msg :
		    xdom_strerror(rc));
		return rc;
	}
	pthread_mutex_lock(&h->mu);
	tmp = h->latest;
	h->latest = h->work;
	h->work = tmp;
	h->have = true;
	h->state = SNAP_HOST_UP;
	h->reason[0] = '\0';
	h->attempt = 0;
	h->st.lines++;
	h->st.decode_ns += cpu;
	h->st.skipped += skipped;
	h->st.last_ns = now;
	h->st.state = SNAP_HOST_UP;
	h->st.trying = false;
	pthread_mutex_unlock(&h->mu);
	h->backoff_ms = 0;
	return 0;
}

static int
fleet_check_host_key(struct fleet_host *h, ssh_session s, struct fleet_end *e)
{
	enum ssh_known_hosts_e k = ssh_session_is_known_server(s);

	switch (k) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
		fleet_end_set(e, SNAP_HOST_KEY_MISMATCH, "host key CHANGED: "
		    "refused (check the host, then fix known_hosts)");
		return -1;
	case SSH_KNOWN_HOSTS_OTHER:
		fleet_end_set(e, SNAP_HOST_KEY_MISMATCH, "host key of another "
		    "type than known_hosts has: refused");
		return -1;
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN:
		if (h->opts.strict == FLEET_STRICT_ACCEPT_NEW &&
		    ssh_session_update_known_hosts(s) == SSH_OK)
			return 0;
		fleet_end_set(e, SNAP_HOST_KEY_MISMATCH, "host key unknown: "
		    "not in known_hosts (refused; add it after checking)");
		return -1;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		fleet_end_set(e, SNAP_HOST_KEY_MISMATCH, "host key check "
		    "failed: %s", ssh_get_error(s));
		return -1;
	}
}

static int
fleet_session_setup(struct fleet_host *h, ssh_session s, struct fleet_end *e)
{
	long timeout = (long)(h->opts.connect_timeout_ms / 1000);
	unsigned port = h->spec.port ? h->spec.port : 22;
	int strict = 1, nolog = SSH_LOG_NOLOG;
	bool noconfig = false;

	if (timeout < 1)
		timeout = 1;
	/* libssh's own StrictHostKeyChecking must stay on: off, it reports
	 * an unknown key as known. accept-new is done by hand below. */
	if (ssh_options_set(s, SSH_OPTIONS_HOST, h->spec.host) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &noconfig) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &nolog) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict) != 0 ||
	    (h->spec.user[0] != '\0' &&
	    ssh_options_set(s, SSH_OPTIONS_USER, h->spec.user) != 0)) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: ssh options: %s",
		    ssh_get_error(s));
		return -1;
	}
	if (h->opts.known_hosts[0] != '\0' &&
	    (ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS,
	    h->opts.known_hosts) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
	    h->opts.known_hosts) != 0)) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: known_hosts: %s",
		    ssh_get_error(s));
		return -1;
	}
	if (h->opts.identity[0] != '\0' &&
	    ssh_options_set(s, SSH_OPTIONS_ADD_IDENTITY,
	    h->opts.identity) != 0) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: identity: %s",
		    ssh_get_error(s));
		return -1;
	}
	return 0;
}

/* Read the stream until the session ends; e says how. */
static void
fleet_stream(struct fleet_host *h, ssh_session s, ssh_channel ch,
    struct fleet_end *e)
{
	uint64_t last = xdom_mono_ns();

	h->errline[0] = '\0';
	fleet_line_dispose(&h->lb);
	for (;;) {
		int n;

		if (fleet_stopping(h))
			return;
		fleet_serve_req(h, s);
		n = ssh_channel_read_timeout(ch, h->chunk, FLEET_READ_CHUNK, 0,
		    FLEET_POLL_MS);
		if (n == SSH_ERROR) {
			fleet_end_set(e, SNAP_HOST_DOWN, "down: connection "
			    "lost: %s", ssh_get_error(s));
			return;
		}
		while (n > 0) {
			pthread_mutex_lock(&h->mu);
			h->st.bytes += (uint64_t)n;
			pthread_mutex_unlock(&h->mu);
			if (fleet_line_push(&h->lb, h->chunk, (size_t)n) != 0) {
				fleet_end_set(e, SNAP_HOST_DOWN, "down: a "
				    "stream line is longer than %u MiB",
				    (unsigned)(h->lb.max >> 20));
				return;
			}
			/* Take everything already here before decoding. */
			n = ssh_channel_read_nonblocking(ch, h->chunk,
			    FLEET_READ_CHUNK, 0);
		}
		if (n == SSH_ERROR) {
			fleet_end_set(e, SNAP_HOST_DOWN, "down: connection "
			    "lost: %s", ssh_get_error(s));
			return;
		}
		if (fleet_take_lines(h, e) != 0)
			return;
		if (h->st.last_ns > last)
			last = h->st.last_ns;
		fleet_drain_stderr(ch, h->errline, sizeof h->errline);
		if (ssh_channel_is_eof(ch)) {
			int status = ssh_channel_get_exit_status(ch);

			if (h->errline[0] != '\0')
				fleet_end_set(e, SNAP_HOST_DOWN, "down: remote "
				    "stream ended: %s", h->errline);
			else
				fleet_end_set(e, SNAP_HOST_DOWN, "down: remote "
				    "stream ended (status %d)", status);
			return;
		}
		if (xdom_mono_ns() - last > (uint64_t)h->opts.stale_ms *
		    1000000ull) {
			fleet_end_set(e, SNAP_HOST_DOWN, "down: no data for "
			    "%u s", h->opts.stale_ms / 1000);
			return;
		}
	}
}

/* One connection: TCP, SSH, host key, auth, stream. */
static void
fleet_session(struct fleet_host *h, struct fleet_end *e)
{
	ssh_session s = NULL;
	ssh_channel ch = NULL;
	int rc;

	s = ssh_new();
	if (s == NULL) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: out of memory");
		goto out;
	}
	if (fleet_session_setup(h, s, e) != 0)
		goto out;
	/* TCP connect and handshake, bounded by the session timeout. */
	if (ssh_connect(s) != SSH_OK) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: %s",
		    ssh_get_error(s));
		goto out;
	}
	if (fleet_check_host_key(h, s, e) != 0)
		goto out;
	rc = ssh_userauth_publickey_auto(s, NULL, NULL);
	if (rc == SSH_AUTH_ERROR) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: auth: %s",
		    ssh_get_error(s));
		goto out;
	}
	if (rc != SSH_AUTH_SUCCESS) {
		fleet_end_set(e, SNAP_HOST_AUTH_FAILED, "auth failed: no key "
		    "accepted (agent, ~/.ssh keys, ssh_identity)");
		goto out;
	}
	ch = ssh_channel_new(s);
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, h->opts.command) != SSH_OK) {
		fleet_end_set(e, SNAP_HOST_DOWN, "down: cannot start the "
		    "remote command: %s", ssh_get_error(s));
		goto out;
	}
	pthread_mutex_lock(&h->mu);
	h->st.connects++;
	pthread_mutex_unlock(&h->mu);
	fleet_stream(h, s, ch, e);
out:
	pthread_mutex_lock(&h->mu);
	h->have = false;
	fleet_req_fail_locked(h, "connection closed");
	pthread_mutex_unlock(&h->mu);
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	if (s != NULL) {
		ssh_disconnect(s);
		ssh_free(s);
	}
}

static void
fleet_host_destroy(struct fleet_host *h)
{
	snap_dispose(&h->latest);
	snap_dispose(&h->work);
	fleet_line_dispose(&h->lb);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

static void *
fleet_worker(void *arg)
{
	struct fleet_host *h = arg;
	bool last;

	h->chunk = xmalloc(FLEET_READ_CHUNK);
	for (;;) {
		struct fleet_end e = { SNAP_HOST_DOWN, "down" };
		struct timespec ts;
		uint64_t at;

		pthread_mutex_lock(&h->mu);
		if (h->stop) {
			pthread_mutex_unlock(&h->mu);
			break;
		}
		h->attempt++;
		/* The first connection shows "connecting"; a retry keeps
		 * showing why the last one failed ("key mismatch", "down:
		 * ...") until it works, so a refused host does not flicker
		 * between its failure and "connecting". */
		if (h->state == SNAP_HOST_CONNECTING)
			snprintf(h->reason, sizeof h->reason, "connecting");
		h->st.state = h->state;
		h->st.trying = true;
		h->retry_at = 0;
		pthread_mutex_unlock(&h->mu);

		fleet_session(h, &e);

		h->backoff_ms = fleet_backoff_next(h->backoff_ms,
		    h->opts.retry_min_ms, h->opts.retry_max_ms);
		at = xdom_mono_ns() + (uint64_t)h->backoff_ms * 1000000ull;
		pthread_mutex_lock(&h->mu);
		/* A failed connection waits as "retrying"; auth and host key
		 * failures keep their own state while they wait. */
		h->state = e.state == SNAP_HOST_DOWN ? SNAP_HOST_RETRYING :
		    e.state;
		h->st.state = h->state;
		h->st.trying = false;
		fleet_copy(h->reason, sizeof h->reason, e.reason);
		h->retry_at = at;
		ts.tv_sec = (time_t)(at / 1000000000ull);
		ts.tv_nsec = (long)(at % 1000000000ull);
		while (!h->stop && xdom_mono_ns() < at)
			if (pthread_cond_timedwait(&h->cv, &h->mu, &ts) ==
			    ETIMEDOUT)
				break;
		pthread_mutex_unlock(&h->mu);
	}
	free(h->chunk);
	h->chunk = NULL;
	pthread_mutex_lock(&h->mu);
	fleet_req_fail_locked(h, "closing");
	h->exited = true;
	pthread_cond_broadcast(&h->cv);
	last = --h->refs == 0;
	pthread_mutex_unlock(&h->mu);
	if (last)
		fleet_host_destroy(h);
	return NULL;
}

struct fleet_host *
fleet_host_start(const struct fleet_spec *spec, const struct fleet_opts *o,
    fleet_decode_fn decode)
{
	struct fleet_host *h = xcalloc(1, sizeof *h);
	pthread_condattr_t ca;
	sigset_t all, old;

	h->spec = *spec;
	h->opts = *o;
	h->decode = decode;
	h->refs = 1;
	h->state = h->st.state = SNAP_HOST_CONNECTING;
	snprintf(h->reason, sizeof h->reason, "connecting");
	snap_init(&h->latest);
	snap_init(&h->work);
	fleet_line_init(&h->lb, 0);
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Workers take no signals: the view's thread handles SIGINT and
	 * SIGWINCH, and a write to a dead peer gives EPIPE, not SIGPIPE. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	h->refs = 2;
	if (pthread_create(&h->thread, NULL, fleet_worker, h) == 0)
		h->started = true;
	else {
		h->refs = 1;
		h->exited = true;
		snprintf(h->reason, sizeof h->reason, "down: cannot start a "
		    "thread");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return h;
}

void
fleet_host_stop(struct fleet_host *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void
fleet_host_free(struct fleet_host *h)
{
	uint64_t at;
	struct timespec ts;
	pthread_t t;
	bool last;

	if (h == NULL)
		return;
	fleet_host_stop(h);
	at = xdom_mono_ns() + FLEET_FREE_WAIT_MS * 1000000ull;
	ts.tv_sec = (time_t)(at / 1000000000ull);
	ts.tv_nsec = (long)(at % 1000000000ull);
	pthread_mutex_lock(&h->mu);
	while (!h->exited)
		if (pthread_cond_timedwait(&h->cv, &h->mu, &ts) == ETIMEDOUT)
			break;
	if (h->exited || !h->started) {
		pthread_mutex_unlock(&h->mu);
		if (h->started)
			pthread_join(h->thread, NULL);
		fleet_host_destroy(h);
		return;
	}
	/* Stuck in a connect or handshake: let it finish on its own. */
	t = h->thread;
	last = --h->refs == 0;
	pthread_mutex_unlock(&h->mu);
	pthread_detach(t);
	if (last)
		fleet_host_destroy(h);
}

void
fleet_host_collect(struct fleet_host *h, struct snap *out, uint64_t now_ns)
{
	struct snap_host *sh;
	uint16_t i;

	pthread_mutex_lock(&h->mu);
	if (h->state == SNAP_HOST_UP && h->have) {
		snap_append(out, &h->latest);
		pthread_mutex_unlock(&h->mu);
		return;
	}
	i = snap_add_host(out, h->spec.label);
	sh = &out->hosts[i];
	sh->state = h->state;
	if (h->retry_at > now_ns) {
		uint64_t left = (h->retry_at - now_ns + 999999999ull) /
		    1000000000ull;

		snprintf(sh->status, sizeof sh->status, "%.70s; retrying in "
		    "%u s", h->reason, (unsigned)left);
	} else if (h->state != SNAP_HOST_CONNECTING &&
	    (h->st.trying || h->retry_at != 0))
		/* trying again, or about to (the wait just ended) */
		snprintf(sh->status, sizeof sh->status, "%.60s; retrying now "
		    "(attempt %u)", h->reason, (h->st.trying ? h->attempt :
		    h->attempt + 1) % 100000u);
	else
		fleet_copy(sh->status, sizeof sh->status, h->reason);
	pthread_mutex_unlock(&h->mu);
}

const char *
fleet_host_label(const struct fleet_host *h)
{
	return h->spec.label;
}

bool
fleet_host_has(struct fleet_host *h, const char *name)
{
	bool has;

	pthread_mutex_lock(&h->mu);
	has = h->state == SNAP_HOST_UP && h->have &&
	    snap_find_name(&h->latest, name) != NULL;
	pthread_mutex_unlock(&h->mu);
	return has;
}

int
fleet_host_action(struct fleet_host *h, const char *name, enum hv_action a,
    struct xdom_err *err)
{
	struct fleet_req req;
	int rc;

	memset(&req, 0, sizeof req);
	rc = fleet_action_cmd(h->opts.xdom, a, name, req.cmd, sizeof req.cmd,
	    err);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&h->mu);
	if (h->state != SNAP_HOST_UP || !h->started) {
		rc = xdom_err_set(err, XDOM_EUNAVAIL, "%s: host is not up "
		    "(%s)", h->spec.label, h->reason[0] ? h->reason :
		    "no data yet");
		goto out;
	}
	if (h->req != NULL) {
		rc = xdom_err_set(err, XDOM_EBUSY, "%s: another action is "
		    "running on this host; try again", h->spec.label);
		goto out;
	}
	h->req = &req;
	/* The worker always finishes a request: it runs it (bounded by the
	 * action timeout) or fails it when the session or the worker ends. */
	while (!req.done)
		pthread_cond_wait(&h->cv, &h->mu);
	rc = req.rc;
	if (rc != 0 && err != NULL)
		*err = req.err;
out:
	pthread_mutex_unlock(&h->mu);
	return rc;
}

void
fleet_host_get_stats(struct fleet_host *h, struct fleet_host_stats *st)
{
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	pthread_mutex_unlock(&h->mu);
}
