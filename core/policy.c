/*
 * policy.c - policy parser and decision (see policy.h, xdom-policy(5)).
 *
 * The parser is strict: every word of every line must be understood, or
 * the file is refused with file:line. Decisions walk every rule (files
 * are small; xdomd decides a few times per request) and take the union of
 * what the matching rules grant.
 */
#include "core/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/fileread.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define POLICY_LINE_MAX 4096
#define POLICY_PRINCIPAL_MAX 64

/* One row per right: its name in policy files and what it grants. */
static const struct {
	const char *name;
	const char *summary;
} policy_actions[POLICY__COUNT] = {
	[POLICY_BOOT] = { .name = "boot", .summary = "start the guest" },
	[POLICY_SHUTDOWN] = { .name = "shutdown",
	    .summary = "ask it to shut down" },
	[POLICY_REBOOT] = { .name = "reboot", .summary = "ask it to reboot" },
	[POLICY_RESET] = { .name = "reset", .summary = "hard reset" },
	[POLICY_DESTROY] = { .name = "destroy", .summary = "stop it at once" },
	[POLICY_PAUSE] = { .name = "pause", .summary = "pause it" },
	[POLICY_UNPAUSE] = { .name = "unpause", .summary = "unpause it" },
	[POLICY_CONSOLE] = { .name = "console",
	    .summary = "attach to its console" },
	[POLICY_REIMAGE] = { .name = "reimage",
	    .summary = "overwrite its disk" },
	[POLICY_LIST] = { .name = "list", .summary = "see its name" },
	[POLICY_STATUS] = { .name = "status",
	    .summary = "see its state and info" },
	[POLICY_STATS] = { .name = "stats", .summary = "see its figures" },
	[POLICY_HOST] = { .name = "host", .summary = "host-wide figures" },
	[POLICY_VCPUS] = { .name = "vcpus", .summary = "set online vcpus" },
	[POLICY_MEMORY] = { .name = "memory",
	    .summary = "set the memory target" },
	[POLICY_MAXMEM] = { .name = "maxmem",
	    .summary = "set the maximum memory" },
	[POLICY_BLOCK] = { .name = "block",
	    .summary = "attach and detach block devices" },
	[POLICY_SAVE] = { .name = "save", .summary = "save its state" },
	[POLICY_RESTORE] = { .name = "restore",
	    .summary = "restore its saved state" },
	[POLICY_SYSRQ] = { .name = "sysrq",
	    .summary = "send magic SysRq keys" },
};
_Static_assert(sizeof policy_actions / sizeof policy_actions[0] ==
    POLICY__COUNT, "one policy_actions row per right");
_Static_assert(POLICY__COUNT <= 32, "rights are bits of a uint32_t");

#define POLICY_LOOK (1u << POLICY_LIST | 1u << POLICY_STATUS | \
	1u << POLICY_STATS | 1u << POLICY_HOST)

enum policy_kind { POLICY_USER, POLICY_GROUP };

struct policy_principal {
	enum policy_kind kind;
	char *name;
};

struct policy_rule {
	unsigned line;
	struct policy_principal *who;
	size_t n_who;
	char **pat;
	size_t n_pat;
	uint32_t actions;
	bool reason;		/* `reason required` */
};

struct policy {
	struct policy_rule *r;
	size_t n, cap;
	uint32_t owner_actions;	/* xen-shell compatibility grant */
};

const char *
policy_action_name(enum policy_action a)
{
	if ((unsigned)a >= POLICY__COUNT)
		return NULL;
	return policy_actions[a].name;
}

const char *
policy_action_summary(enum policy_action a)
{
	if ((unsigned)a >= POLICY__COUNT)
		return NULL;
	return policy_actions[a].summary;
}

int
policy_action_parse(const char *name, enum policy_action *out)
{
	unsigned i;

	for (i = 0; i < POLICY__COUNT; i++) {
		if (strcmp(name, policy_actions[i].name) == 0) {
			*out = (enum policy_action)i;
			return 0;
		}
	}
	return XDOM_EINVAL;
}

/* Split s at commas, calling fn on each non-empty item; an empty item
 * ("a,,b", a leading or trailing comma) is an error. */
typedef int (*policy_item_fn)(void *arg, const char *item,
    struct xdom_err *err);

static int
policy_split(const char *s, policy_item_fn fn, void *arg,
    struct xdom_err *err)
{
	char item[POLICY_LINE_MAX];
	const char *p = s, *c;
	size_t n;
	int rc;

	for (;;) {
		c = strchr(p, ',');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		if (n == 0)
			return xdom_err_set(err, XDOM_EINVAL, "empty item in "
			    "'%.80s'", s);
		if (n >= sizeof item)
			return xdom_err_set(err, XDOM_EINVAL, "item too long");
		memcpy(item, p, n);
		item[n] = '\0';
		if ((rc = fn(arg, item, err)) != 0)
			return rc;
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

/* "boot, shutdown, ..., sysrq": every right, for messages. */
static void
policy_names_list(char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < POLICY__COUNT && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "",
		    policy_actions[i].name);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

static int
policy_action_item(void *arg, const char *item, struct xdom_err *err)
{
	uint32_t *mask = arg;
	enum policy_action a;
	char esc[96], names[POLICY__COUNT * 12];

	if (strcmp(item, "all") == 0) {
		*mask |= POLICY_ALL;
		return 0;
	}
	if (policy_action_parse(item, &a) != 0) {
		xdom_escape(esc, sizeof esc, item);
		policy_names_list(names, sizeof names);
		return xdom_err_set(err, XDOM_EINVAL, "unknown action '%s' "
		    "(%s, all)", esc, names);
	}
	*mask |= 1u << a;
	return 0;
}

int
policy_actions_parse(const char *list, uint32_t *mask, struct xdom_err *err)
{
	*mask = 0;
	return policy_split(list, policy_action_item, mask, err);
}

void
policy_actions_format(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;
	int n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < POLICY__COUNT; i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
		    used != 0 ? "," : "", policy_actions[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* User and group names as Debian's adduser accepts them, conservatively. */
static bool
policy_account_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > POLICY_PRINCIPAL_MAX || s[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.' || (c == '$' && i == n - 1)))
			return false;
	}
	return true;
}

static int
policy_principal_item(void *arg, const char *item, struct xdom_err *err)
{
	struct policy_rule *r = arg;
	struct policy_principal pr;
	const char *name;
	char esc[96];

	if (strncmp(item, "user:", 5) == 0) {
		pr.kind = POLICY_USER;
		name = item + 5;
	} else if (strncmp(item, "group:", 6) == 0) {
		pr.kind = POLICY_GROUP;
		name = item + 6;
	} else {
		xdom_escape(esc, sizeof esc, item);
		return xdom_err_set(err, XDOM_EINVAL, "principal '%s' is not "
		    "user:NAME or group:NAME", esc);
	}
	if (!policy_account_valid(name)) {
		xdom_escape(esc, sizeof esc, name);
		return xdom_err_set(err, XDOM_EINVAL, "invalid %s name '%s'",
		    pr.kind == POLICY_USER ? "user" : "group", esc);
	}
	pr.name = xstrdup(name);
	r->who = xreallocarray(r->who, r->n_who + 1, sizeof *r->who);
	r->who[r->n_who++] = pr;
	return 0;
}

/* A pattern: name characters and glob characters, with balanced
 * brackets, at most XDOM_NAME_MAX * 4 bytes. */
static bool
policy_pattern_valid(const char *s)
{
	size_t i, n = strlen(s);
	bool in_br = false;

	if (n == 0 || n > XDOM_NAME_MAX * 4)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.' || c == '*' || c == '?')
			continue;
		if (c == '[' && !in_br) {
			in_br = true;
			if (s[i + 1] == '!')
				i++;
			if (s[i + 1] == ']')
				return false;
			continue;
		}
		if (c == ']' && in_br) {
			in_br = false;
			continue;
		}
		return false;
	}
	return !in_br;
}

static int
policy_pattern_item(void *arg, const char *item, struct xdom_err *err)
{
	struct policy_rule *r = arg;
	char esc[96];

	if (!policy_pattern_valid(item)) {
		xdom_escape(esc, sizeof esc, item);
		return xdom_err_set(err, XDOM_EINVAL, "invalid domain pattern "
		    "'%s' (letters, digits, . _ - and * ? [ ])", esc);
	}
	r->pat = xreallocarray(r->pat, r->n_pat + 1, sizeof *r->pat);
	r->pat[r->n_pat++] = xstrdup(item);
	return 0;
}

static void
policy_rule_dispose(struct policy_rule *r)
{
	size_t i;

	for (i = 0; i < r->n_who; i++)
		free(r->who[i].name);
	free(r->who);
	for (i = 0; i < r->n_pat; i++)
		free(r->pat[i]);
	free(r->pat);
	memset(r, 0, sizeof *r);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		policy_rule_dispose(&p->r[i]);
	free(p->r);
	free(p);
}

size_t
policy_rule_count(const struct policy *p)
{
	return p->n;
}

void
policy_set_owner_actions(struct policy *p, uint32_t mask)
{
	p->owner_actions = mask & POLICY_ALL;
}

uint32_t
policy_owner_actions(const struct policy *p)
{
	return p->owner_actions;
}

/* Split a line into at most max whitespace-separated words, in place. */
static size_t
policy_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return n;
		if (n == max)
			return max + 1;
		w[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

static int
policy_line(struct policy *p, char *line, unsigned lineno,
    struct xdom_err *err)
{
	struct policy_rule r;
	char *w[6];
	size_t n;
	int rc;

	memset(&r, 0, sizeof r);
	r.line = lineno;
	n = policy_words(line, w, 5);
	if (n == 0)
		return 0;
	if (n != 3 && !(n == 5 && strcmp(w[3], "reason") == 0 &&
	    strcmp(w[4], "required") == 0)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "expected 'PRINCIPALS "
		    "DOMAINS ACTIONS [reason required]'");
		goto out;
	}
	r.reason = n == 5;
	if ((rc = policy_split(w[0], policy_principal_item, &r, err)) != 0 ||
	    (rc = policy_split(w[1], policy_pattern_item, &r, err)) != 0 ||
	    (rc = policy_actions_parse(w[2], &r.actions, err)) != 0)
		goto out;
	if (p->n == POLICY_MAX_RULES) {
		rc = xdom_err_set(err, XDOM_ENOMEM, "more than %d rules",
		    POLICY_MAX_RULES);
		goto out;
	}
	p->r = xreallocarray(p->r, p->n + 1, sizeof *p->r);
	p->r[p->n++] = r;
	return 0;
out:
	policy_rule_dispose(&r);
	return rc;
}

int
policy_parse(struct policy **out, const char *text, size_t len,
    const char *origin, struct xdom_err *err)
{
	char line[POLICY_LINE_MAX + 1];
	struct xdom_err lerr = {0};
	struct policy *p;
	const char *s = text, *end = text + len, *nl;
	unsigned lineno = 0;
	size_t n, i;
	int rc = 0;

	*out = NULL;
	if (len > POLICY_MAX_BYTES)
		return xdom_err_set(err, XDOM_EPROTO, "%s: larger than %d "
		    "bytes", origin, POLICY_MAX_BYTES);
	p = xcalloc(1, sizeof *p);
	while (s < end) {
		lineno++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > POLICY_LINE_MAX) {
			rc = xdom_err_set(err, XDOM_EPROTO, "%s:%u: line "
			    "longer than %d bytes", origin, lineno,
			    POLICY_LINE_MAX);
			goto out;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];

			if (c == '#') {
				line[i] = '\0';
				break;
			}
			if ((c < 0x20 && c != '\t') || c >= 0x7f) {
				rc = xdom_err_set(err, XDOM_EPROTO, "%s:%u: "
				    "control or non-ASCII byte", origin,
				    lineno);
				goto out;
			}
		}
		if ((rc = policy_line(p, line, lineno, &lerr)) != 0) {
			rc = xdom_err_set(err, XDOM_EPROTO, "%s:%u: %s",
			    origin, lineno, xdom_err_msg(&lerr));
			goto out;
		}
	}
out:
	if (rc != 0) {
		policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int
policy_load(struct policy **out, const char *path, struct xdom_err *err)
{
	char *buf;
	size_t got;
	int rc;

	*out = NULL;
	rc = xdom_file_read(path, POLICY_MAX_BYTES, 0, &buf, &got, NULL, err);
	if (rc != 0)
		return rc;
	rc = policy_parse(out, buf, got, path, err);
	free(buf);
	return rc;
}

bool
policy_owner_match(const char *owners, const char *user)
{
	const char *p = owners;
	size_t n, ulen = strlen(user);

	if (owners == NULL || ulen == 0)
		return false;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, " \t,");
		if (n == ulen && memcmp(p, user, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static bool
policy_rule_has(const struct policy_rule *r, const struct policy_subject *who)
{
	size_t i, g;

	for (i = 0; i < r->n_who; i++) {
		const struct policy_principal *pr = &r->who[i];

		if (pr->kind == POLICY_USER) {
			if (who->user != NULL &&
			    strcmp(pr->name, who->user) == 0)
				return true;
			continue;
		}
		for (g = 0; g < who->n_groups; g++)
			if (who->groups[g] != NULL &&
			    strcmp(pr->name, who->groups[g]) == 0)
				return true;
	}
	return false;
}

static bool
policy_rule_covers(const struct policy_rule *r, const char *domain)
{
	size_t i;

	for (i = 0; i < r->n_pat; i++)
		if (fnmatch(r->pat[i], domain, FNM_PERIOD) == 0)
			return true;
	return false;
}

void
policy_rights(const struct policy *p, const struct policy_subject *who,
    const char *domain, const char *owners, uint32_t *allowed,
    uint32_t *need_reason)
{
	uint32_t free_mask = 0, reason_mask = 0, all;
	size_t i;

	*allowed = 0;
	*need_reason = 0;
	if (p == NULL || who == NULL || domain == NULL ||
	    !xdom_name_valid(domain))
		return;
	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->r[i];

		if (!policy_rule_has(r, who) || !policy_rule_covers(r, domain))
			continue;
		if (r->reason)
			reason_mask |= r->actions;
		else
			free_mask |= r->actions;
	}
	if (p->owner_actions != 0 && who->user != NULL &&
	    policy_owner_match(owners, who->user))
		free_mask |= p->owner_actions;
	/* status includes the figures of stats. */
	if (free_mask & (1u << POLICY_STATUS))
		free_mask |= 1u << POLICY_STATS;
	if (reason_mask & (1u << POLICY_STATUS))
		reason_mask |= 1u << POLICY_STATS;
	all = free_mask | reason_mask;
	/* Any right on a guest includes seeing it listed. Looking (list,
	 * status, stats, host) never needs a reason: a dashboard refreshes
	 * every few seconds, and looking changes nothing. */
	if (all != 0)
		free_mask |= 1u << POLICY_LIST;
	free_mask |= reason_mask & POLICY_LOOK;
	*allowed = all | free_mask;
	*need_reason = reason_mask & ~free_mask;
}

int
policy_allows(const struct policy *p, const struct policy_subject *who,
    const char *domain, const char *owners, enum policy_action a,
    const char *reason, struct xdom_err *err)
{
	uint32_t allowed, need;
	const char *an = policy_action_name(a);

	if (an == NULL)
		return xdom_err_set(err, XDOM_EPERM, "not allowed: unknown "
		    "action");
	policy_rights(p, who, domain, owners, &allowed, &need);
	if ((allowed & (1u << a)) == 0)
		return xdom_err_set(err, XDOM_EPERM, "not allowed: %s", an);
	if ((need & (1u << a)) != 0 && !xdom_text_visible(reason))
		return xdom_err_set(err, XDOM_EREASON, "%s needs a reason "
		    "(a ticket number, say): give one and try again", an);
	return 0;
}
