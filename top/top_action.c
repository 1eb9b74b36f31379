/*
 * top_action.c - pause, unpause, shutdown, reboot, destroy from the
 * dashboard, and the resource jobs of top_res.c (vcpus, memory, block
 * devices, save, restore), on a worker thread.
 *
 * The worker opens its own backend handle (with the dashboard's open
 * options) the first time it runs a job, so an action that takes a while
 * (a helper round trip, a slow hypervisor call) never shares a handle
 * with the refresh and never freezes the screen. A remote handle (ssh,
 * fleet; hv_remote()) is shared instead: its actions are handed to the
 * host's own SSH connection, and a second set of connections would only
 * cost every host a login. When a job ends the
 * worker writes one byte to wake_fd; the main loop then collects the
 * result line with top_worker_result().
 */
#include "top/top_ui.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/resdir.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

struct top_worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started, stop;
	const struct hv_open_opts *hvo;
	struct hv *hv;
	bool shared;		/* hv is the dashboard's: not ours to close */
	int wake_fd;

	/* The job (busy while set) */
	bool busy, queued;
	enum hv_action act;
	char *names[TOP_ACT_MAX_DOMS];
	size_t n;
	char *reason;
	bool is_res;		/* a resource job (res), not an action */
	struct top_res_job res;

	/* The result */
	bool done;
	char line[300];
	int rc;
	char first[128];
};

static void
worker_clear_job(struct top_worker *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->names[i]);
	w->n = 0;
	free(w->reason);
	w->reason = NULL;
}

/* What a resource job changed, for the status line. */
static void
worker_res_done(const struct top_res_job *j, char *buf, size_t len)
{
	char v[24];

	switch (j->kind) {
	case TOP_RES_VCPUS:
		snprintf(buf, len, "%" PRIu64 " vcpu%s online", j->value,
		    j->value == 1 ? "" : "s");
		break;
	case TOP_RES_MEM:
	case TOP_RES_MAXMEM:
		snprintf(buf, len, "%s now %s", j->kind == TOP_RES_MEM ?
		    "memory" : "maximum memory",
		    memsize_format(j->value, v, sizeof v));
		break;
	case TOP_RES_ATTACH:
		snprintf(buf, len, "%s attached (%s)", j->vdev,
		    j->writable ? "rw" : "ro");
		break;
	case TOP_RES_DETACH:
		snprintf(buf, len, "%s detached", j->vdev);
		break;
	case TOP_RES_SAVE:
		snprintf(buf, len, "saved; it stopped");
		break;
	default:
		snprintf(buf, len, "restored; it runs again");
		break;
	}
}

/* The one path (hypervisor/hv_res.h) for job j, with the config's
 * directories. A save to the config's save_dir/NAME.save goes by name,
 * so save_dir is made on first use; restore acts on what the admin's
 * file holds (through xdomd, on the guest named). */
static int
worker_apply_res(struct top_worker *w, const struct top_res_job *j,
    struct xdom_err *err)
{
	static const struct {
		enum hv_res_kind kind;
		enum hv_resource res;
	} kinds[TOP_RES__COUNT] = {
		[TOP_RES_VCPUS] = { HV_RESOP_SET, HV_RES_VCPUS },
		[TOP_RES_MEM] = { HV_RESOP_SET, HV_RES_MEM },
		[TOP_RES_MAXMEM] = { HV_RESOP_SET, HV_RES_MAXMEM },
		[TOP_RES_ATTACH] = { HV_RESOP_ATTACH, HV_RES_VCPUS },
		[TOP_RES_DETACH] = { HV_RESOP_DETACH, HV_RES_VCPUS },
		[TOP_RES_SAVE] = { HV_RESOP_SAVE, HV_RES_VCPUS },
		[TOP_RES_RESTORE] = { HV_RESOP_RESTORE, HV_RES_VCPUS },
	};
	const struct conf *c = w->hvo != NULL ? w->hvo->conf : NULL;
	struct hv_res_dirs dirs = { 0 };
	struct hv_res_req r = { 0 };
	char dflt[4096];

	if ((unsigned)j->kind >= TOP_RES__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown request");
	dirs.save_dir = resdir_save_dir(c);
	dirs.block_dir = resdir_block_dir(c);
	r.kind = kinds[j->kind].kind;
	r.res = kinds[j->kind].res;
	r.name = j->name;
	r.value = j->value;
	r.target = j->target;
	r.vdev = j->vdev;
	r.writable = j->writable;
	if (j->kind == TOP_RES_SAVE && j->target[0] != '\0' &&
	    (resdir_save_path(dirs.save_dir, j->name, dflt, sizeof dflt,
	    NULL) != 0 || strcmp(dflt, j->target) != 0))
		r.file = j->target;
	if (j->kind == TOP_RES_RESTORE && w->hv->be->picks_files)
		r.name = j->target;	/* through xdomd: the guest's name */
	else if (j->kind == TOP_RES_RESTORE) {
		r.name = NULL;
		r.file = j->target;
	}
	return hv_res_apply(w->hv, &dirs, &r, err);
}

/* Run a resource job (the lock dropped). Its reason-less calls cannot
 * be retried with a reason, so a rule that wants one is a refusal. */
static void
worker_run_res(struct top_worker *w, char *line, size_t len, int *rc)
{
	const struct top_res_job *j = &w->res;
	struct xdom_err err = { 0, "" };
	char esc[160], what[96];

	/* restore names no guest: its file (or name, through xdomd) does */
	xdom_escape(esc, sizeof esc, j->kind == TOP_RES_RESTORE ? j->target :
	    j->name);
	*rc = 0;
	if (w->hv == NULL)
		*rc = hv_open(&w->hv, w->hvo, &err);
	if (*rc == 0)
		*rc = worker_apply_res(w, j, &err);
	if (*rc == XDOM_EREASON) {
		*rc = XDOM_EPERM;
		snprintf(line, len, "%s %s: a reason is required: use "
		    "xdom-shell's command with --reason", top_res_verb(j->kind),
		    esc);
	} else if (*rc != 0) {
		snprintf(line, len, "%s %s: %s", top_res_verb(j->kind), esc,
		    xdom_err_msg(&err));
	} else {
		worker_res_done(j, what, sizeof what);
		snprintf(line, len, "%s %s: %s", top_res_verb(j->kind), esc,
		    what);
	}
}

/* Run the queued job with the lock dropped. */
static void
worker_run(struct top_worker *w)
{
	struct xdom_err err = { 0, "" };
	const char *an = hv_action_name(w->act);
	char esc[160], line[300];
	size_t i, ok = 0, fail = 0;
	int rc = 0, worst = 0;

	if (w->is_res) {
		worker_run_res(w, line, sizeof line, &worst);
		goto done;
	}
	if (w->hv == NULL)
		rc = hv_open(&w->hv, w->hvo, &err);
	for (i = 0; rc == 0 && i < w->n; i++) {
		int r;

		xdom_err_clear(&err);
		r = hv_action_reason(w->hv, w->names[i], w->act, w->reason,
		    &err);
		if (r == 0) {
			ok++;
			continue;
		}
		fail++;
		if (worst == 0) {
			worst = r;
			xdom_escape(esc, sizeof esc, w->names[i]);
			snprintf(line, sizeof line, "%s %s: %s", an, esc,
			    xdom_err_msg(&err));
		}
		if (r == XDOM_EREASON)
			break;	/* ask once, then send them all again */
	}
	if (rc != 0) {
		worst = rc;
		snprintf(line, sizeof line, "%s: %s", an, xdom_err_msg(&err));
	} else if (fail == 0) {
		xdom_escape(esc, sizeof esc, w->names[0]);
		if (w->n == 1)
			snprintf(line, sizeof line, "%s %s: done", an, esc);
		else
			snprintf(line, sizeof line, "%s: done on %zu domains",
			    an, ok);
	} else if (ok > 0) {
		size_t l = strlen(line);

		snprintf(line + l, sizeof line - l, " (%zu done, %zu failed)",
		    ok, fail);
	}
done:
	pthread_mutex_lock(&w->mu);
	snprintf(w->line, sizeof w->line, "%s", line);
	w->rc = worst;
	snprintf(w->first, sizeof w->first, "%s", w->is_res ? w->res.name :
	    w->n > 0 ? w->names[0] : "");
	w->is_res = false;
	w->done = true;
	worker_clear_job(w);
	w->busy = false;
	pthread_mutex_unlock(&w->mu);
	if (w->wake_fd >= 0) {
		ssize_t n = write(w->wake_fd, "a", 1);

		(void)n;	/* a full pipe already wakes the loop */
	}
}

static void *
worker_main(void *arg)
{
	struct top_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && !w->queued)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		w->queued = false;
		pthread_mutex_unlock(&w->mu);
		worker_run(w);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Take the worker for a new job: 0 with w->mu held and the thread
 * running, or XDOM_EBUSY (a job in flight) or XDOM_EIO (no thread) with
 * w->mu released. */
static int
worker_start(struct top_worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->busy) {
		pthread_mutex_unlock(&w->mu);
		return XDOM_EBUSY;
	}
	if (!w->started) {
		if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
			pthread_mutex_unlock(&w->mu);
			return XDOM_EIO;
		}
		w->started = true;
	}
	return 0;
}

/* Hand the job filled in under worker_start() to the thread; releases
 * w->mu. */
static void
worker_queue(struct top_worker *w)
{
	w->busy = w->queued = true;
	w->done = false;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

struct top_worker *
top_worker_new(const struct hv_open_opts *hvo, struct hv *view_hv,
    int wake_fd)
{
	struct top_worker *w = xcalloc(1, sizeof *w);

	w->hvo = hvo;
	if (view_hv != NULL && hv_remote(view_hv)) {
		w->hv = view_hv;
		w->shared = true;
	}
	w->wake_fd = wake_fd;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	return w;
}

int
top_worker_submit(struct top_worker *w, enum hv_action a,
    char *const *names, size_t n, const char *reason)
{
	size_t i;
	int rc;

	if (n == 0)
		return XDOM_EINVAL;
	if (n > TOP_ACT_MAX_DOMS)
		n = TOP_ACT_MAX_DOMS;
	if ((rc = worker_start(w)) != 0)
		return rc;
	w->act = a;
	for (i = 0; i < n; i++)
		w->names[i] = xstrdup(names[i]);
	w->n = n;
	w->reason = reason != NULL ? xstrdup(reason) : NULL;
	worker_queue(w);
	return 0;
}

int
top_worker_submit_res(struct top_worker *w, const struct top_res_job *j)
{
	int rc;

	if ((rc = worker_start(w)) != 0)
		return rc;
	w->res = *j;
	w->is_res = true;
	worker_queue(w);
	return 0;
}

bool
top_worker_result(struct top_worker *w, char *line, size_t len, int *rc,
    enum hv_action *a, char *first, size_t first_len)
{
	bool done;

	pthread_mutex_lock(&w->mu);
	done = w->done;
	if (done) {
		snprintf(line, len, "%s", w->line);
		*rc = w->rc;
		*a = w->act;
		snprintf(first, first_len, "%s", w->first);
		w->done = false;
	}
	pthread_mutex_unlock(&w->mu);
	return done;
}

void
top_worker_free(struct top_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	/* The dashboard is closing: a remote action still waiting for a
	 * slow host ends now rather than at its timeout. */
	if (w->shared)
		hv_cancel(w->hv);
	/* A job in flight finishes first: hv calls are bounded. */
	if (w->started)
		pthread_join(w->th, NULL);
	worker_clear_job(w);
	if (!w->shared)
		hv_close(w->hv);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
