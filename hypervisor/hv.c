/*
 * hv.c - backend registry and the thin wrappers every caller uses.
 */
#include "hypervisor/hv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/xmalloc.h"

/* Every backend the project has; each program links some of them
 * (hv_backends[], defined in its main.c). */
static const char *const hv_backend_names[] = {
	"sim", "xen", "helper", "ssh", "fleet",
};

static bool
hv_backend_exists(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof hv_backend_names / sizeof hv_backend_names[0]; i++)
		if (strcmp(hv_backend_names[i], name) == 0)
			return true;
	return false;
}

static bool
hv_backend_linked(const char *name)
{
	size_t i;

	for (i = 0; hv_backends[i] != NULL; i++)
		if (strcmp(hv_backends[i]->name, name) == 0)
			return true;
	return false;
}

static const char *
hv_choose(const struct hv_open_opts *o)
{
	const char *name;

	if (o->backend != NULL && o->backend[0] != '\0')
		return o->backend;
	if (o->conf != NULL && (name = conf_get(o->conf, "backend")) != NULL)
		return name;
	if ((name = getenv("XDOM_BACKEND")) != NULL && name[0] != '\0')
		return name;
	return "sim";
}

int
hv_open(struct hv **out, const struct hv_open_opts *o, struct xdom_err *err)
{
	static const struct hv_open_opts none;
	const char *name;
	struct hv *hv;
	size_t i;
	int rc;

	*out = NULL;
	if (o == NULL)
		o = &none;
	name = hv_choose(o);
	for (i = 0; hv_backends[i] != NULL; i++) {
		if (strcmp(hv_backends[i]->name, name) != 0)
			continue;
		hv = xcalloc(1, sizeof *hv);
		hv->be = hv_backends[i];
		rc = hv->be->open(hv, o, err);
		if (rc != 0) {
			free(hv);
			return rc;
		}
		*out = hv;
		return 0;
	}
#ifndef XDOM_HAVE_XEN
	if (strcmp(name, "xen") == 0)
		return xdom_err_set(err, XDOM_EUNAVAIL, "backend xen: this "
		    "build has no Xen support (libxenlight was not found at "
		    "build time); use --sim for the simulated host");
#endif
	if (hv_backend_exists(name))
		return xdom_err_set(err, XDOM_EUNAVAIL, "backend %.64s is not "
		    "available in this program", name);
	return xdom_err_set(err, XDOM_EINVAL, "unknown backend '%.64s' "
	    "(try --backend=sim or --backend=xen)", name);
}

void
hv_close(struct hv *hv)
{
	if (hv == NULL)
		return;
	if (hv->be->close != NULL)
		hv->be->close(hv);
	free(hv);
}

bool
hv_backend_known(const char *name)
{
	return hv_backend_linked(name) || hv_backend_exists(name);
}

const char *
hv_backend_name(const struct hv *hv)
{
	return hv->be->name;
}

bool
hv_simulated(const struct hv *hv)
{
	if (hv->be->is_simulated != NULL)
		return hv->be->is_simulated(hv);
	return hv->be->simulated;
}

void
hv_cancel(struct hv *hv)
{
	if (hv != NULL && hv->be->cancel != NULL)
		hv->be->cancel(hv);
}

bool
hv_remote(const struct hv *hv)
{
	return hv->be->remote;
}

static const char *const hv_host_states[] = {
	[SNAP_HOST_UP] = "up",
	[SNAP_HOST_CONNECTING] = "connecting",
	[SNAP_HOST_AUTH_FAILED] = "auth failed",
	[SNAP_HOST_KEY_MISMATCH] = "key mismatch",
	[SNAP_HOST_DOWN] = "down",
	[SNAP_HOST_RETRYING] = "retrying",
};

const char *
hv_host_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof hv_host_states /
	    sizeof hv_host_states[0] || hv_host_states[state] == NULL)
		return "?";
	return hv_host_states[state];
}

const char *
hv_dom_ref(const struct hv *hv, const struct snap *s,
    const struct snap_dom *d, char *buf, size_t len)
{
	if (hv->be->remote && d->host < s->n_host)
		snprintf(buf, len, "%s/%s", s->hosts[d->host].name,
		    snap_dom_name(s, d));
	else
		snprintf(buf, len, "%s", snap_dom_name(s, d));
	return buf;
}

static int
hv_nosys(const struct hv *hv, const char *what, struct xdom_err *err)
{
	return xdom_err_set(err, XDOM_ENOSYS, "backend %s cannot %s",
	    hv->be->name, what);
}

int
hv_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	snap_reset(out);
	if (hv->be->snapshot == NULL)
		return hv_nosys(hv, "take snapshots", err);
	return hv->be->snapshot(hv, what, out, err);
}

int
hv_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	out->g = NULL;
	out->n = 0;
	if (hv->be->guests == NULL)
		return hv_nosys(hv, "list guests", err);
	return hv->be->guests(hv, out, err);
}

int
hv_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	memset(out, 0, sizeof *out);
	if (hv->be->info == NULL)
		return hv_nosys(hv, "describe guests", err);
	return hv->be->info(hv, name, out, err);
}

int
hv_action_reason(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	if ((unsigned)a >= HV_ACT__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	if (hv->be->action == NULL)
		return hv_nosys(hv, hv_action_name(a), err);
	return hv->be->action(hv, name, a, reason, err);
}

int
hv_action(struct hv *hv, const char *name, enum hv_action a,
    struct xdom_err *err)
{
	return hv_action_reason(hv, name, a, NULL, err);
}

int
hv_console_reason(struct hv *hv, const char *name, const char *reason,
    int *fd, struct xdom_err *err)
{
	*fd = -1;
	if (hv->be->console == NULL)
		return hv_nosys(hv, "open consoles", err);
	return hv->be->console(hv, name, reason, fd, err);
}

int
hv_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	if (!hv_sysrq_key_valid((unsigned char)key))
		return xdom_err_set(err, XDOM_EINVAL, "not a SysRq key: use "
		    "one letter or digit of %s", HV_SYSRQ_KEYS);
	if (hv->be->sysrq == NULL)
		return hv_nosys(hv, "send SysRq keys", err);
	return hv->be->sysrq(hv, name, key, reason, err);
}

int
hv_console(struct hv *hv, const char *name, int *fd, struct xdom_err *err)
{
	return hv_console_reason(hv, name, NULL, fd, err);
}

int
hv_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	static const struct hv_reimage_opts none;

	if (hv->be->reimage == NULL)
		return hv_nosys(hv, "re-image guests", err);
	return hv->be->reimage(hv, name, o != NULL ? o : &none, progress, arg,
	    err);
}

int
hv_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	if ((unsigned)r >= HV_RES__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	if (hv->be->set_resource == NULL)
		return hv_nosys(hv, "change a guest's vcpus or memory", err);
	return hv->be->set_resource(hv, name, r, value, err);
}

int
hv_block_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err)
{
	if (hv->be->block_attach == NULL)
		return hv_nosys(hv, "attach block devices", err);
	return hv->be->block_attach(hv, name, b, err);
}

int
hv_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	if (hv->be->block_detach == NULL)
		return hv_nosys(hv, "detach block devices", err);
	return hv->be->block_detach(hv, name, vdev, err);
}

int
hv_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	if (hv->be->save == NULL)
		return hv_nosys(hv, "save guests", err);
	return hv->be->save(hv, name, file, err);
}

int
hv_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	if (hv->be->restore == NULL)
		return hv_nosys(hv, "restore guests", err);
	if (o == NULL || (o->file == NULL && o->name == NULL))
		return xdom_err_set(err, XDOM_EINVAL, "restore: no save file "
		    "and no guest given");
	if (o->name != NULL && !xdom_name_valid(o->name))
		return xdom_err_set(err, XDOM_EINVAL, "restore: not a valid "
		    "guest name");
	return hv->be->restore(hv, o, err);
}
