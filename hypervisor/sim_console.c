/*
 * sim_console.c - a simulated guest's console (being written).
 */
#include "hypervisor/sim.h"

#include <stdio.h>
#include <time.h>

#include "core/escape.h"

/* Check that name can have a console now. */
static int
sim_console_check(struct sim_store *s, const char *name, uint32_t *id,
    struct xdom_err *err)
{
	struct sim_guest eff;
	struct timespec ts;
	char shown[96];
	long idx;
	int rc;

	if (!xdom_name_valid(name)) {
		xdom_escape(shown, sizeof shown, name);
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", shown);
	}
	if ((rc = sim_store_refresh(s, err)) != 0)
		return rc;
	if ((idx = sim_state_find(&s->st, name)) < 0)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such domain",
		    name);
	if (idx == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 has no guest "
		    "console here; use the host's own terminal");
	clock_gettime(CLOCK_REALTIME, &ts);
	sim_guest_effective(&s->st.g[idx], ts.tv_sec * 1000LL +
	    ts.tv_nsec / 1000000, &eff, NULL);
	if (eff.run == SIM_STOPPED)
		return xdom_err_set(err, XDOM_ESTATE, "%s is not running; "
		    "boot it first", name);
	*id = eff.id;
	return 0;
}

int
sim_console_open(struct sim_store *s, const char *name, int *fd,
    struct xdom_err *err)
{
	uint32_t id;
	int rc;

	*fd = -1;
	if ((rc = sim_console_check(s, name, &id, err)) != 0)
		return rc;
	return xdom_err_set(err, XDOM_ENOSYS, "the simulated console is not "
	    "written yet");
}
