/*
 * policy.h - who may do what to which guests (/etc/xdom/policy, see
 * xdom-policy(5)). Pure logic: the parser and the decision; xdomd reads
 * the file and learns the caller from the kernel.
 *
 * One rule per line; blank lines and '#' comments are ignored:
 *
 *   PRINCIPALS  DOMAINS  ACTIONS  [reason required]
 *
 *   user:alice       web01,db01  status,console,boot,shutdown,reboot,reset,reimage
 *   group:helpdesk   cust-*      status,console,reboot,reset  reason required
 *   user:ops,group:adm  *        all
 *
 * PRINCIPALS is a comma-separated list of user:NAME and group:NAME;
 * DOMAINS a comma-separated list of fnmatch(3) patterns over domain names
 * (letters, digits, '.', '_', '-' and the glob characters * ? [ ] !);
 * ACTIONS a comma-separated list of action names (enum policy_action) or
 * `all` (every action, the resource ones included: vcpus, memory, maxmem,
 * block, save, restore, sysrq). SysRq is a right of its own, not part of
 * `console`: SysRq o powers a guest off. Rules only grant: whatever no rule grants is denied. When an
 * action is granted only by rules that say `reason required`, a request
 * without a reason is refused with XDOM_EREASON.
 *
 * Any malformed line makes the whole file invalid (one error naming
 * file:line); there is no partial policy.
 */
#ifndef XDOM_CORE_POLICY_H
#define XDOM_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define POLICY_MAX_BYTES (1024 * 1024)	/* larger files are refused */
#define POLICY_MAX_RULES 10000
#define POLICY_DEFAULT "/etc/xdom/policy"

/*
 * Rights, as bits of a mask. The numbers travel (xdomd's list reply
 * carries masks): a new right takes the next number, none is reused.
 * An hv action names its right in its row (core/domain.c), so the order
 * here need not follow enum hv_action.
 */
enum policy_action {
	POLICY_BOOT = 0,
	POLICY_SHUTDOWN,
	POLICY_REBOOT,
	POLICY_RESET,
	POLICY_DESTROY,
	POLICY_PAUSE,
	POLICY_UNPAUSE,
	POLICY_CONSOLE,		/* attach to the guest's console */
	POLICY_REIMAGE,		/* overwrite the guest's disk */
	POLICY_LIST,		/* see the guest's name in `list` */
	POLICY_STATUS,		/* see its state, info and figures (+list) */
	POLICY_STATS,		/* its figures in the stats snapshot (+list) */
	POLICY_HOST,		/* host-wide figures (free memory, pCPUs) */
	POLICY_VCPUS,		/* set online vcpus (vcpu-set) */
	POLICY_MEMORY,		/* set the memory target (mem-set) */
	POLICY_MAXMEM,		/* set the maximum memory (mem-max) */
	POLICY_BLOCK,		/* attach and detach block devices */
	POLICY_SAVE,		/* save the guest's state (it stops) */
	POLICY_RESTORE,		/* start it again from its saved state */
	POLICY_SYSRQ,		/* send magic SysRq keys (o powers off) */
	POLICY__COUNT
};
#define POLICY_ALL ((1u << POLICY__COUNT) - 1)

/* "boot", ..., "host"; NULL when out of range. */
const char *policy_action_name(enum policy_action a);
/* What a right grants, in a few words ("attach to its console"); NULL
 * when out of range. */
const char *policy_action_summary(enum policy_action a);
/* Parse one action name (not "all"); XDOM_EINVAL when unknown. */
int policy_action_parse(const char *name, enum policy_action *out);
/* Parse "a,b,c" or "all" into a mask; err names the bad word. */
int policy_actions_parse(const char *list, uint32_t *mask,
    struct xdom_err *err);
/* Write the mask as "a,b,c" into buf (always NUL-terminated). */
void policy_actions_format(uint32_t mask, char *buf, size_t len);

/* Who asks: the user name and the names of every group they are in. */
struct policy_subject {
	const char *user;
	const char *const *groups;
	size_t n_groups;
};

struct policy;

/*
 * Parse policy text of len bytes; origin names it in messages. On
 * success *out is a new policy the caller frees with policy_free().
 */
int policy_parse(struct policy **out, const char *text, size_t len,
    const char *origin, struct xdom_err *err);
/* Read and parse a file (it must exist and be a regular file). */
int policy_load(struct policy **out, const char *path,
    struct xdom_err *err);
void policy_free(struct policy *p);
size_t policy_rule_count(const struct policy *p);

/*
 * xen-shell compatibility: users named in a guest's `xen_shell = '...'`
 * are granted mask on it (0 disables it). Set by xdomd from xdom.conf.
 */
void policy_set_owner_actions(struct policy *p, uint32_t mask);
uint32_t policy_owner_actions(const struct policy *p);

/*
 * The rights of who on the guest named domain: *allowed gets the mask of
 * granted actions, *need_reason the subset granted only by rules that
 * require a reason. owners is the guest's xen_shell value ("alice, bob")
 * or NULL. A name that fails xdom_name_valid() is granted nothing.
 * Visibility: POLICY_STATUS and POLICY_STATS imply POLICY_LIST, and any
 * action on a guest implies seeing it in the list.
 */
void policy_rights(const struct policy *p, const struct policy_subject *who,
    const char *domain, const char *owners, uint32_t *allowed,
    uint32_t *need_reason);

/*
 * Whether who may do a on domain: 0, XDOM_EPERM (with "not allowed:
 * ACTION" in err) or XDOM_EREASON when a reason is required and reason
 * holds no visible character (xdom_text_visible: NULL, empty, blanks,
 * NBSP, zero-width characters, controls, invalid bytes).
 */
int policy_allows(const struct policy *p, const struct policy_subject *who,
    const char *domain, const char *owners, enum policy_action a,
    const char *reason, struct xdom_err *err);

/* Whether the comma/space separated owners list names user exactly. */
bool policy_owner_match(const char *owners, const char *user);

#endif
