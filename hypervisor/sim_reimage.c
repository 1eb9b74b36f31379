/*
 * sim_reimage.c - re-imaging a simulated guest (being written).
 */
#include "hypervisor/sim.h"

int
sim_reimage_run(struct sim_store *s, const char *name,
    const struct hv_reimage_opts *o, hv_progress_fn progress, void *arg,
    struct xdom_err *err)
{
	(void)s;
	(void)name;
	(void)o;
	(void)progress;
	(void)arg;
	return xdom_err_set(err, XDOM_ENOSYS, "simulated re-image is not "
	    "written yet");
}
