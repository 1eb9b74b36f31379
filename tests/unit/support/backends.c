/*
 * backends.c - the backend list of unit tests, benchmarks and test tools:
 * all of them, as xdom has (see hv_backends in hypervisor/hv.h).
 */
#include <stddef.h>

#include "hypervisor/hv.h"

const struct hv_backend *const hv_backends[] = {
	&hv_sim_backend,
#ifdef XDOM_HAVE_XEN
	&hv_xen_backend,
#endif
	&hv_helper_backend,
	&hv_ssh_backend,
	&hv_fleet_backend,
	NULL,
};
