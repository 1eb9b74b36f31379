/*
 * xen_reimage.c - re-image a Xen guest: the admin's reimage_command
 * (xdom.conf; %n the name, %c its config file, %d its first disk) is
 * checked before the guest is stopped, the guest is shut down (destroyed
 * when it does not stop in time), then the command runs with progress.
 */
#include "hypervisor/xen/xen_int.h"

#include <string.h>
#include <unistd.h>

#include "core/argvtpl.h"

#define XEN_SHUTDOWN_WAIT_S 60	/* how long a guest may take to stop */

/* Wait until name has no domain, up to secs seconds. */
static bool
xen_wait_gone(libxl_ctx *ctx, const char *name, unsigned secs)
{
	uint32_t domid;
	unsigned i;

	for (i = 0; i < secs * 10; i++) {
		if (libxl_name_to_domid(ctx, name, &domid) != 0)
			return true;
		usleep(100000);
	}
	return false;
}

int
xen_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	struct argvtpl_var vars[3];
	struct hv_info in;
	char **argv = NULL, last[256];
	long timeout = p->reimage_timeout_s;
	libxl_ctx *ctx;
	uint32_t domid;
	int rc;

	rc = xen_ctx_named(p, name, &ctx, err);
	if (rc != 0)
		return rc;
	/* a bad template is found before the guest is stopped */
	vars[0] = (struct argvtpl_var){ 'n', name };
	vars[1] = (struct argvtpl_var){ 'c', "/" };
	vars[2] = (struct argvtpl_var){ 'd', "/" };
	rc = argvtpl_expand(p->reimage, vars, 3, &argv, NULL, err);
	argvtpl_free(argv);
	argv = NULL;
	if (rc != 0)
		return xen_err_prefix(err, rc, "xdom.conf", "reimage_command");
	if (libxl_name_to_domid(ctx, name, &domid) == 0) {
		if (domid == 0) {
			rc = xdom_err_set(err, XDOM_EPERM, "%s: is dom0", name);
			goto out;
		}
		if (!o->shutdown_first) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s: is running; "
			    "shut it down first", name);
			goto out;
		}
		if (progress != NULL)
			progress(arg, 0, "shutting down");
		xen_call(libxl_domain_shutdown, ctx, domid);
		if (!xen_wait_gone(ctx, name, XEN_SHUTDOWN_WAIT_S))
			xen_call(libxl_domain_destroy, ctx, domid);
		if (!xen_wait_gone(ctx, name, 10)) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s: did not stop; "
			    "not re-imaging", name);
			goto out;
		}
	}
	/* %n the name, %c its config file, %d its first disk */
	memset(&in, 0, sizeof in);
	rc = xen_info(hv, name, &in, err);
	if (rc != 0)
		goto out;
	vars[0] = (struct argvtpl_var){ 'n', name };
	vars[1] = (struct argvtpl_var){ 'c', in.config_path };
	vars[2] = (struct argvtpl_var){ 'd',
	    in.n_disks > 0 ? in.disks[0].target : "" };
	rc = argvtpl_expand(p->reimage, vars, 3, &argv, NULL, err);
	if (rc != 0) {
		xen_err_prefix(err, rc, "xdom.conf", "reimage_command");
		goto out;
	}
	rc = xen_run(argv, timeout, progress, arg, last, sizeof last, err);
	if (rc != 0) {
		xen_err_prefix(err, rc, name, "re-image");
		goto out;
	}
	if (progress != NULL)
		progress(arg, 1000, "done");
out:
	argvtpl_free(argv);
	return rc;
}
