/*
 * hv_fleet.c - backend "fleet": several "ssh" backends merged into one
 * snapshot, one snap_host per remote host (in the order given) with its
 * state and status, and every domain tagged with its host.
 *
 * snapshot() never waits: each host's worker delivers in the background
 * and the merge copies what each has (hv_ssh_collect). A host that is
 * down, refused or retrying shows as a host with a state and no domains.
 * Domains are addressed as "HOST/NAME" (hv_dom_ref() builds it); a bare
 * NAME is accepted when exactly one up host has a domain of that name.
 */
#include "hypervisor/hv.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "hypervisor/remote/fleet.h"

struct fleet_priv {
	struct hv **hosts;	/* "ssh" backends, one per host */
	size_t n;
};

/* Every host's worker told to stop: their actions in flight end. */
static void
fleet_cancel(struct hv *hv)
{
	struct fleet_priv *p = hv->priv;
	size_t i;

	for (i = 0; p != NULL && i < p->n; i++)
		hv_ssh_stop(p->hosts[i]);
}

static void
fleet_close(struct hv *hv)
{
	struct fleet_priv *p = hv->priv;
	size_t i;

	if (p == NULL)
		return;
	/* Ask every worker to stop first, so they wind down together. */
	for (i = 0; i < p->n; i++)
		hv_ssh_stop(p->hosts[i]);
	for (i = 0; i < p->n; i++)
		hv_close(p->hosts[i]);
	free(p->hosts);
	free(p);
	hv->priv = NULL;
}

static int
fleet_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	struct fleet_specs specs = {0};
	struct fleet_priv *p = NULL;
	char *def = NULL;
	size_t i;
	int rc = 0;

	if (o->hosts != NULL && o->hosts[0] != '\0')
		rc = fleet_specs_add_list(&specs, o->hosts, err);
	if (rc == 0 && o->hosts_file != NULL && o->hosts_file[0] != '\0')
		rc = fleet_specs_add_file(&specs, o->hosts_file, true, err);
	if (rc == 0 && specs.n == 0 && (o->hosts_file == NULL ||
	    o->hosts_file[0] == '\0') && (def = fleet_hosts_default_path()))
		rc = fleet_specs_add_file(&specs, def, false, err);
	if (rc != 0)
		goto out;
	if (specs.n == 0) {
		rc = xdom_err_set(err, XDOM_EINVAL, "fleet: no hosts (use "
		    "--host [user@]host[:port], --hosts FILE or %s)",
		    def != NULL ? def : "~/.config/xdom/hosts");
		goto out;
	}
	p = xcalloc(1, sizeof *p);
	p->hosts = xcalloc(specs.n, sizeof *p->hosts);
	hv->priv = p;
	for (i = 0; i < specs.n; i++) {
		struct hv_open_opts so = *o;

		so.backend = "ssh";
		so.hosts = specs.v[i].label;
		so.hosts_file = NULL;
		rc = hv_open(&p->hosts[i], &so, err);
		if (rc != 0) {
			fleet_close(hv);
			goto out;
		}
		p->n++;
	}
out:
	free(def);
	fleet_specs_dispose(&specs);
	return rc;
}

static int
fleet_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct fleet_priv *p = hv->priv;

	(void)err;
	hv_ssh_collect(p->hosts, p->n, what, out);
	return 0;
}

/* Find the host for "LABEL/NAME", or for a NAME only one host has. */
static int
fleet_route(struct fleet_priv *p, const char *ref, struct hv **host,
    struct xdom_err *err)
{
	const char *slash = strrchr(ref, '/');
	size_t i, found = 0;

	*host = NULL;
	if (slash != NULL) {
		size_t n = (size_t)(slash - ref);

		for (i = 0; i < p->n; i++) {
			const char *label = hv_ssh_label(p->hosts[i]);

			if (strlen(label) == n && strncmp(label, ref, n) == 0) {
				*host = p->hosts[i];
				return 0;
			}
		}
		return xdom_err_set(err, XDOM_ENOENT, "%.*s: no such host in "
		    "the fleet", n > 64 ? 64 : (int)n, ref);
	}
	for (i = 0; i < p->n; i++) {
		if (hv_ssh_has(p->hosts[i], ref)) {
			*host = p->hosts[i];
			found++;
		}
	}
	if (found == 1)
		return 0;
	*host = NULL;
	if (found == 0)
		return xdom_err_set(err, XDOM_ENOENT, "%.64s: no such domain "
		    "on any up host", ref);
	return xdom_err_set(err, XDOM_EINVAL, "%.64s: on several hosts; "
	    "say which: HOST/NAME", ref);
}

static int
fleet_action(struct hv *hv, const char *ref, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	struct fleet_priv *p = hv->priv;
	struct hv *host;
	int rc;

	if ((rc = fleet_route(p, ref, &host, err)) != 0)
		return rc;
	return hv_action_reason(host, ref, a, reason, err);
}

int
hv_fleet_stats(struct hv *hv, size_t i, struct fleet_host_stats *st)
{
	struct fleet_priv *p;

	if (hv->be == &hv_ssh_backend && i == 0) {
		hv_ssh_stats(hv, st);
		return 0;
	}
	if (hv->be != &hv_fleet_backend)
		return XDOM_ENOENT;
	p = hv->priv;
	if (i >= p->n)
		return XDOM_ENOENT;
	hv_ssh_stats(p->hosts[i], st);
	return 0;
}

const struct hv_backend hv_fleet_backend = {
	.name = "fleet",
	.simulated = false,
	.remote = true,
	.open = fleet_open,
	.close = fleet_close,
	.snapshot = fleet_snapshot,
	.action = fleet_action,
	.cancel = fleet_cancel,
};
