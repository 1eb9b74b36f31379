/*
 * main.c - entry point of `xdom`; the command line is in cli.c.
 *
 * The admin's program offers every backend: the local host (sim, xen),
 * xdomd (helper) and remote hosts over SSH (ssh, fleet).
 */
#include "cli/cli.h"
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

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
