/* hv_sim.c - placeholder table; the simulated host is being written. */
#include "hypervisor/hv.h"

static int
sim_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	(void)hv;
	(void)o;
	return xdom_err_set(err, XDOM_ENOSYS, "sim backend not written yet");
}

const struct hv_backend hv_sim_backend = {
	.name = "sim",
	.simulated = true,
	.open = sim_open,
};
