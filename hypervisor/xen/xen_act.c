/*
 * xen_act.c - actions on a Xen guest: boot runs `xl create` on its config
 * file (xl owns the cfg-to-libxl translation); shutdown, reboot, destroy,
 * pause and unpause are one libxl call each, made with SIGCHLD at its
 * default (xen_int.h says why); reset is destroy then boot; sysrq.
 */
#include "hypervisor/xen/xen_int.h"

#include <string.h>

/* Boot a stopped guest: `xl create CFG_DIR/NAME.cfg`. */
static int
xen_boot(struct xen_priv *p, const char *name, struct xdom_err *err)
{
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "create", path, NULL };
	libxl_ctx *ctx;
	uint32_t domid;
	int rc;

	rc = xen_ctx_named(p, name, &ctx, err);
	if (rc != 0)
		return rc;
	if (libxl_name_to_domid(ctx, name, &domid) == 0)
		return xdom_err_set(err, XDOM_ESTATE, "%s: already running "
		    "(domain %u)", name, domid);
	if (!xen_cfg_path(p, name, path, sizeof path))
		return xdom_err_set(err, XDOM_ENOENT, "%s: no config file "
		    "%.200s/%s.cfg", name, p->cfg_dir, name);
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0)
		return xen_err_prefix(err, rc, name, "boot");
	return 0;
}

/* SIGCHLD to its default disposition (see xen_int.h). */
bool
xen_sigchld_dfl(struct sigaction *saved)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	return sigaction(SIGCHLD, &dfl, saved) == 0;
}

/*
 * Call fn with SIGCHLD at its default disposition, then put the caller's
 * handler back. Signals that arrive meanwhile are not lost: exited
 * children stay waitable.
 */
int
xen_call(xen_dom_fn *fn, libxl_ctx *ctx, uint32_t domid)
{
	struct sigaction saved;
	int lrc;

	if (!xen_sigchld_dfl(&saved))
		return ERROR_FAIL;
	lrc = fn(ctx, domid, NULL);
	sigaction(SIGCHLD, &saved, NULL);
	return lrc;
}

/* Actions that are one libxl call on a running domain. */
static xen_dom_fn *const xen_calls[HV_ACT__COUNT] = {
	[HV_ACT_SHUTDOWN] = libxl_domain_shutdown,
	[HV_ACT_REBOOT] = libxl_domain_reboot,
	[HV_ACT_DESTROY] = libxl_domain_destroy,
	[HV_ACT_PAUSE] = libxl_domain_pause,
	[HV_ACT_UNPAUSE] = libxl_domain_unpause,
};

int
xen_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_ctx *ctx;
	uint32_t domid;
	int rc, lrc;

	(void)reason;	/* audited by xdomd, not here */
	if (a == HV_ACT_BOOT)
		return xen_boot(p, name, err);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	ctx = p->ctx;
	p->log.last[0] = '\0';
	if (a == HV_ACT_RESET) {
		lrc = xen_call(libxl_domain_destroy, ctx, domid);
		if (lrc != 0)
			return xen_lxerr(p, lrc, err, "reset (destroy)", name);
		return xen_boot(p, name, err);
	}
	if ((unsigned)a >= HV_ACT__COUNT || xen_calls[a] == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	lrc = xen_call(xen_calls[a], ctx, domid);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, hv_action_name(a), name);
	return 0;
}

/* xl sysrq: libxl writes the key to the guest's control/sysrq node,
 * where its kernel's xen driver picks it up. */
int
xen_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	uint32_t domid;
	int rc, lrc;

	(void)reason;	/* audited by xdomd, not here */
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	lrc = libxl_send_sysrq(p->ctx, domid, key);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "sysrq", name);
	return 0;
}
