/*
 * hv_ssh.c - backend "ssh": one remote host, read from its
 * `xdom stats --stream` over libssh (see fleet.h for the worker).
 *
 * Opening never waits for the host: the worker connects in the
 * background and snapshot() returns whatever it has, which is only the
 * host's state ("connecting", "key mismatch", "retrying in 4 s") until
 * the first line arrives. Actions run the remote `xdom ACTION NAME` over
 * the same session. The fleet backend (hv_fleet.c) is several of these.
 */
#include "hypervisor/hv.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/conf.h"
#include "core/snapjson.h"
#include "core/xmalloc.h"
#include "hypervisor/remote/fleet.h"

struct ssh_priv {
	struct fleet_host *host;
};

static pthread_once_t tune_once = PTHREAD_ONCE_INIT;

/*
 * Each worker decodes its host's lines with json-c, which allocates and
 * frees thousands of small objects per line; with glibc's fastbins those
 * frees linger until the next large allocation (libssh's buffer for every
 * incoming packet) consolidates them, which cost a third of the fleet's
 * CPU in bench_fleet. Without fastbins small blocks still come from the
 * per-thread caches, and that cost is gone. Process-wide and harmless for
 * the rest of the program, so done once when a remote backend opens.
 */
static void
ssh_tune_malloc(void)
{
	mallopt(M_MXFAST, 0);
}

/*
 * Open on exactly one host: hosts (one spec) or, when that is empty,
 * the one line of hosts_file.
 */
static int
ssh_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	struct fleet_specs specs = {0};
	struct fleet_opts fo;
	struct ssh_priv *p;
	int rc;

	if (o->hosts != NULL && o->hosts[0] != '\0')
		rc = fleet_specs_add_list(&specs, o->hosts, err);
	else if (o->hosts_file != NULL && o->hosts_file[0] != '\0')
		rc = fleet_specs_add_file(&specs, o->hosts_file, true, err);
	else
		rc = xdom_err_set(err, XDOM_EINVAL, "backend ssh: no host "
		    "given (use --host [user@]host[:port])");
	if (rc != 0)
		goto out;
	if (specs.n != 1) {
		rc = xdom_err_set(err, XDOM_EINVAL, "backend ssh takes one "
		    "host, got %zu (use the fleet backend for several)",
		    specs.n);
		goto out;
	}
	if ((rc = fleet_opts_load(&fo, o->conf, err)) != 0)
		goto out;
	pthread_once(&tune_once, ssh_tune_malloc);
	p = xcalloc(1, sizeof *p);
	p->host = fleet_host_start(&specs.v[0], &fo, snapjson_decode);
	hv->priv = p;
out:
	fleet_specs_dispose(&specs);
	return rc;
}

static void
ssh_close(struct hv *hv)
{
	struct ssh_priv *p = hv->priv;

	if (p == NULL)
		return;
	fleet_host_free(p->host);
	free(p);
	hv->priv = NULL;
}

void
hv_ssh_stop(struct hv *hv)
{
	struct ssh_priv *p = hv->priv;

	fleet_host_stop(p->host);
}

void
hv_ssh_collect(struct hv *const *hosts, size_t n, unsigned what,
    struct snap *out)
{
	uint64_t now = xdom_mono_ns();
	size_t i;

	(void)what;	/* the remote sends everything; views skip it */
	for (i = 0; i < n; i++) {
		struct ssh_priv *p = hosts[i]->priv;

		fleet_host_collect(p->host, out, now);
	}
	if (out->mono_ns == 0)
		out->mono_ns = now;
	out->wall_s = (int64_t)time(NULL);
	snap_finish(out);
}

const char *
hv_ssh_label(const struct hv *hv)
{
	const struct ssh_priv *p = hv->priv;

	return fleet_host_label(p->host);
}

bool
hv_ssh_has(struct hv *hv, const char *name)
{
	struct ssh_priv *p = hv->priv;

	return fleet_host_has(p->host, name);
}

void
hv_ssh_stats(struct hv *hv, struct fleet_host_stats *st)
{
	struct ssh_priv *p = hv->priv;

	fleet_host_get_stats(p->host, st);
}

static int
ssh_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	(void)err;
	hv_ssh_collect(&hv, 1, what, out);
	return 0;
}

/* "NAME" or "LABEL/NAME" with this host's label. */
static int
ssh_guest_name(struct hv *hv, const char *ref, const char **name,
    struct xdom_err *err)
{
	const char *slash = strrchr(ref, '/');
	const char *label = hv_ssh_label(hv);

	if (slash == NULL) {
		*name = ref;
		return 0;
	}
	if ((size_t)(slash - ref) != strlen(label) ||
	    strncmp(ref, label, (size_t)(slash - ref)) != 0)
		return xdom_err_set(err, XDOM_ENOENT, "%.*s: no such host "
		    "(this is %s)", (int)(slash - ref) > 64 ? 64 :
		    (int)(slash - ref), ref, label);
	*name = slash + 1;
	return 0;
}

static int
ssh_action(struct hv *hv, const char *ref, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	struct ssh_priv *p = hv->priv;
	const char *name = NULL;
	int rc;

	(void)reason;	/* the remote xdom is the admin's own CLI */
	if ((rc = ssh_guest_name(hv, ref, &name, err)) != 0)
		return rc;
	return fleet_host_action(p->host, name, a, err);
}

const struct hv_backend hv_ssh_backend = {
	.name = "ssh",
	.simulated = false,
	.remote = true,
	.open = ssh_open,
	.close = ssh_close,
	.snapshot = ssh_snapshot,
	.action = ssh_action,
	.cancel = hv_ssh_stop,
};
