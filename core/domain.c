/*
 * domain.c - names of the domain model's actions and small helpers on
 * its types (see domain.h).
 */
#include "core/domain.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static const char *const hv_action_names[HV_ACT__COUNT] = {
	[HV_ACT_BOOT] = "boot",
	[HV_ACT_SHUTDOWN] = "shutdown",
	[HV_ACT_REBOOT] = "reboot",
	[HV_ACT_RESET] = "reset",
	[HV_ACT_DESTROY] = "destroy",
	[HV_ACT_PAUSE] = "pause",
	[HV_ACT_UNPAUSE] = "unpause",
};

const char *
hv_action_name(enum hv_action a)
{
	if ((unsigned)a >= HV_ACT__COUNT)
		return NULL;
	return hv_action_names[a];
}

int
hv_action_parse(const char *name, enum hv_action *out)
{
	unsigned i;

	for (i = 0; i < HV_ACT__COUNT; i++) {
		if (strcmp(name, hv_action_names[i]) == 0) {
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

