/*
 * domain.c - the domain model's action table and small helpers on its
 * types (see domain.h).
 */
#include "core/domain.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/policy.h"
#include "core/proto.h"

static const struct hv_action_desc hv_actions[HV_ACT__COUNT] = {
	[HV_ACT_BOOT] = { .name = "boot", .policy = POLICY_BOOT,
	    .wire = PROTO_T_BOOT, .needs_running = false,
	    .summary = "start a stopped guest from its config" },
	[HV_ACT_SHUTDOWN] = { .name = "shutdown", .policy = POLICY_SHUTDOWN,
	    .wire = PROTO_T_SHUTDOWN, .needs_running = true,
	    .summary = "ask the guest to shut down (takes a moment)" },
	[HV_ACT_REBOOT] = { .name = "reboot", .policy = POLICY_REBOOT,
	    .wire = PROTO_T_REBOOT, .needs_running = true,
	    .summary = "ask the guest to reboot (new domain id)" },
	[HV_ACT_RESET] = { .name = "reset", .policy = POLICY_RESET,
	    .wire = PROTO_T_RESET, .needs_running = true,
	    .summary = "hard reset: destroy and boot again" },
	[HV_ACT_DESTROY] = { .name = "destroy", .policy = POLICY_DESTROY,
	    .wire = PROTO_T_DESTROY, .needs_running = true,
	    .summary = "stop the guest immediately" },
	[HV_ACT_PAUSE] = { .name = "pause", .policy = POLICY_PAUSE,
	    .wire = PROTO_T_PAUSE, .needs_running = true,
	    .summary = "pause the guest" },
	[HV_ACT_UNPAUSE] = { .name = "unpause", .policy = POLICY_UNPAUSE,
	    .wire = PROTO_T_UNPAUSE, .needs_running = true,
	    .summary = "unpause the guest" },
};

const struct hv_action_desc *
hv_action_desc(enum hv_action a)
{
	if ((unsigned)a >= HV_ACT__COUNT)
		return NULL;
	return &hv_actions[a];
}

const char *
hv_action_name(enum hv_action a)
{
	const struct hv_action_desc *d = hv_action_desc(a);

	return d != NULL ? d->name : NULL;
}

int
hv_action_parse(const char *name, enum hv_action *out)
{
	unsigned i;

	for (i = 0; i < HV_ACT__COUNT; i++) {
		if (strcmp(name, hv_actions[i].name) == 0) {
			*out = (enum hv_action)i;
			return 0;
		}
	}
	return XDOM_EINVAL;
}

int
hv_action_from_wire(uint16_t wire, enum hv_action *out)
{
	unsigned i;

	for (i = 0; i < HV_ACT__COUNT; i++) {
		if (wire != 0 && hv_actions[i].wire == wire) {
			*out = (enum hv_action)i;
			return 0;
		}
	}
	return XDOM_EINVAL;
}

void
hv_guest_list_dispose(struct hv_guest_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->g[i].name);
	free(l->g);
	l->g = NULL;
	l->n = 0;
}

bool
hv_sysrq_key_valid(int key)
{
	return key > 0 && key < 0x80 && strchr(HV_SYSRQ_KEYS, key) != NULL;
}

