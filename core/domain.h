/*
 * domain.h - the domain model every layer shares: the actions on a guest,
 * what a snapshot may include, a guest the host knows of, a guest's
 * static facts and the SysRq keys. Pure data: hypervisor/hv.h, the wire
 * protocol (core/proto.h), the policy and every view include it; it
 * includes nothing above core/.
 */
#ifndef XDOM_CORE_DOMAIN_H
#define XDOM_CORE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hv_action {
	HV_ACT_BOOT = 0,
	HV_ACT_SHUTDOWN,
	HV_ACT_REBOOT,
	HV_ACT_RESET,
	HV_ACT_DESTROY,
	HV_ACT_PAUSE,
	HV_ACT_UNPAUSE,
	HV_ACT__COUNT
};

/*
 * What the model knows of each action, one row per enum hv_action
 * (core/domain.c): everything else (names, policy rights, xdomd's
 * request types) is derived from these rows, never from enum order.
 */
struct hv_action_desc {
	const char *name;	/* "reboot": typed by users, audited */
	unsigned policy;	/* enum policy_action it needs (policy.h) */
	uint16_t wire;		/* its request, enum proto_type (proto.h) */
	bool needs_running;	/* only for a guest that has a domain */
	const char *summary;	/* one line for help texts and menus */
};

/* The row of an action; NULL for an out-of-range value. */
const struct hv_action_desc *hv_action_desc(enum hv_action a);
/* "boot", "shutdown", ...; NULL for an out-of-range value. */
const char *hv_action_name(enum hv_action a);
/* Parse an action name; XDOM_EINVAL when unknown. */
int hv_action_parse(const char *name, enum hv_action *out);
/* The action whose request type is wire; XDOM_EINVAL when none is. */
int hv_action_from_wire(uint16_t wire, enum hv_action *out);

/* What a snapshot should include: backends skip what is not asked for
 * (libxenstat's flags argument). Basic per-domain fields always come. */
enum hv_snap_what {
	HV_SNAP_VCPUS = 1u << 0,	/* per-vcpu times */
	HV_SNAP_NETS = 1u << 1,		/* per-vif counters */
	HV_SNAP_VBDS = 1u << 2,		/* per-vbd counters */
	HV_SNAP_PCPUS = 1u << 3,	/* per-physical-CPU busy time */
	HV_SNAP_ALL = 0xf,
};

/* A guest the host knows of, running or not (for boot, list, policy). */
struct hv_guest {
	char *name;
	bool running;		/* has a domain now */
	uint32_t id;		/* domain id when running */
};

struct hv_guest_list {
	struct hv_guest *g;
	size_t n;
};
void hv_guest_list_dispose(struct hv_guest_list *l);

/* Static facts about one guest, for `info`. */
struct hv_disk {
	char vdev[16];		/* "xvda" */
	char target[256];	/* image path or device */
	bool writable;
};
struct hv_nic {
	char mac[18];		/* "00:16:3e:12:34:56" */
	char bridge[32];
	char ip[48];		/* empty when unknown */
};
struct hv_info {
	char name[128];
	bool running;
	uint32_t id;
	uint64_t mem_kb, maxmem_kb;
	uint32_t vcpus;
	uint64_t uptime_s;	/* since the domain was created; 0 if stopped */
	char config_path[256];	/* empty when the guest has no config file */
	struct hv_disk disks[8];
	unsigned n_disks;
	struct hv_nic nics[8];
	unsigned n_nics;
};

/* SysRq keys a guest may be sent (xl sysrq): digits set the console log
 * level, letters are the kernel's handlers. */
#define HV_SYSRQ_KEYS "0123456789bcdefhijklmnopqrstuvwxyz"
bool hv_sysrq_key_valid(int key);

#endif
