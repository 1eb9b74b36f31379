/*
 * dispatch.c - the session, the dispatcher that checks every command
 * against its table entry once, the guest cache, the reason flow and the
 * confirmation rules (see shell.h).
 */
#include "shell/shell.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "core/clock.h"
#include "core/escape.h"
#include "core/policy.h"
#include "core/proto.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "hypervisor/remote/helper_client.h"

volatile sig_atomic_t shell_interrupted;
volatile sig_atomic_t shell_hangup;

/* How long the guest list is trusted for completion and bare names. */
#define SHELL_GUESTS_TTL_MS 3000

void
shell_init(struct shell *sh)
{
	memset(sh, 0, sizeof *sh);
	sh->out = stdout;
	sh->errf = stderr;
}

/* Forget the cached guests and rights. */
static void
dispatch_cache_drop(struct shell *sh)
{
	hv_guest_list_dispose(&sh->guests);
	free(sh->allowed);
	free(sh->need_reason);
	sh->allowed = sh->need_reason = NULL;
	sh->rights_known = false;
	sh->guests_valid = false;
}

void
shell_dispose(struct shell *sh)
{
	dispatch_cache_drop(sh);
}

const char *
shell_esc(char *buf, size_t len, const char *s)
{
	xdom_escape(buf, len, s != NULL ? s : "");
	return buf;
}

int
shell_fail(struct shell *sh, int rc, const char *fmt, ...)
{
	struct xdom_err e = { 0 };
	va_list ap;

	va_start(ap, fmt);
	xdom_err_setv(&e, rc, fmt, ap);
	va_end(ap);
	fprintf(sh->errf, "xdom: %s\n", e.msg);
	fflush(sh->errf);
	return rc;
}

const struct shell_cmd *
shell_cmd_find(const struct shell_cmd *tab, size_t n, const char *word)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (strcasecmp(tab[i].name, word) == 0)
			return &tab[i];
		for (j = 0; tab[i].aliases[j] != NULL; j++)
			if (strcasecmp(tab[i].aliases[j], word) == 0)
				return &tab[i];
	}
	return NULL;
}

/* Through xdomd: the list reply carries each guest's rights too. */
static int
dispatch_helper_guests(struct shell *sh, struct helper_client *hc,
    struct xdom_err *err)
{
	struct proto_guest_list pl = { 0 };
	size_t i;
	int rc;

	if ((rc = helper_list(hc, &pl, err)) != 0)
		return rc;
	sh->guests.n = pl.n;
	sh->guests.g = xcalloc(pl.n + 1, sizeof *sh->guests.g);
	sh->allowed = xcalloc(pl.n + 1, sizeof *sh->allowed);
	sh->need_reason = xcalloc(pl.n + 1, sizeof *sh->need_reason);
	for (i = 0; i < pl.n; i++) {
		sh->guests.g[i].name = xstrdup(pl.g[i].name);
		sh->guests.g[i].running = pl.g[i].running;
		sh->guests.g[i].id = pl.g[i].id;
		sh->allowed[i] = pl.g[i].allowed;
		sh->need_reason[i] = pl.g[i].need_reason;
	}
	sh->rights_known = true;
	proto_guest_list_dispose(&pl);
	return 0;
}

const struct hv_guest_list *
shell_guests(struct shell *sh, bool force)
{
	struct helper_client *hc;
	struct xdom_err err = { 0 };
	int rc;

	if (sh->hv == NULL && sh->guests_load == NULL)
		return NULL;
	if (sh->guests_valid && !force &&
	    xdom_mono_ms() - sh->guests_at_ms < SHELL_GUESTS_TTL_MS)
		return &sh->guests;
	dispatch_cache_drop(sh);
	hc = hv_helper_client(sh->hv);
	if (sh->guests_load != NULL)
		rc = sh->guests_load(sh, &err);
	else if (hc != NULL)
		rc = dispatch_helper_guests(sh, hc, &err);
	else
		rc = hv_guests(sh->hv, &sh->guests, &err);
	if (rc != 0) {
		dispatch_cache_drop(sh);
		if (shell_rc_is_service(rc))
			shell_unavailable(sh, rc, &err);
		else
			shell_fail(sh, rc, "%s", xdom_err_msg(&err));
		return NULL;
	}
	sh->guests_at_ms = xdom_mono_ms();
	sh->guests_valid = true;
	return &sh->guests;
}

bool
shell_guest_rights(struct shell *sh, const char *name, uint32_t *allowed,
    uint32_t *need_reason)
{
	const struct hv_guest_list *l = shell_guests(sh, false);
	size_t i;

	*allowed = *need_reason = 0;
	if (l == NULL || !sh->rights_known)
		return false;
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->g[i].name, name) == 0) {
			*allowed = sh->allowed[i];
			*need_reason = sh->need_reason[i];
		}
	}
	return true;
}

/* Union of one of the per-guest masks (a is sh->allowed or
 * sh->need_reason), or all when unknown. */
static uint32_t
dispatch_union(struct shell *sh, bool reasons)
{
	const struct hv_guest_list *l = shell_guests(sh, false);
	uint32_t any = 0;
	size_t i;

	if (l == NULL)
		return reasons ? 0 : POLICY_ALL;
	if (!sh->rights_known)
		return reasons ? 0 : POLICY_ALL;
	for (i = 0; i < l->n; i++)
		any |= reasons ? sh->need_reason[i] : sh->allowed[i];
	return any;
}

uint32_t
shell_rights_any(struct shell *sh)
{
	return dispatch_union(sh, false);
}

uint32_t
shell_reason_any(struct shell *sh)
{
	return dispatch_union(sh, true);
}

bool
shell_cmd_granted(const struct shell_cmd *cmd, int flag, uint32_t rights)
{
	const char *action = flag >= 0 ? cmd->flag_action[flag] : cmd->action;
	enum policy_action a;

	if (action == NULL || policy_action_parse(action, &a) != 0)
		return true;
	/* Seeing a guest at all is what `list` needs. */
	if (a == POLICY_LIST)
		return true;
	return (rights & (1u << a)) != 0;
}

/* Damerau-Levenshtein distance of two short ASCII words (case folded),
 * capped: anything beyond 3 is 3. */
static unsigned
dispatch_distance(const char *a, const char *b)
{
	enum { W = XDOM_NAME_MAX + 1 };
	static unsigned d[W + 1][W + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned cost, v;

	if (la > W || lb > W)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > 3 ? 3 : d[la][lb];
}

const char *
shell_suggest(struct shell *sh, const char *name)
{
	const struct hv_guest_list *l = shell_guests(sh, false);
	const char *best = NULL;
	unsigned bd = 3, dd;
	size_t i;
	bool tie = false;

	for (i = 0; l != NULL && i < l->n; i++) {
		if (!xdom_name_valid(l->g[i].name))
			continue;
		dd = dispatch_distance(name, l->g[i].name);
		/* Short names need a closer match to be a likely typo. */
		if (dd > 1 && strlen(l->g[i].name) < 6)
			continue;
		if (dd < bd) {
			bd = dd;
			best = l->g[i].name;
			tie = false;
		} else if (dd == bd) {
			tie = true;
		}
	}
	return tie ? NULL : best;
}

void
shell_autoselect(struct shell *sh)
{
	const struct hv_guest_list *l = shell_guests(sh, false);

	if (sh->selected[0] == '\0' && l != NULL && l->n == 1 &&
	    xdom_name_valid(l->g[0].name))
		snprintf(sh->selected, sizeof sh->selected, "%s",
		    l->g[0].name);
}

int
shell_hv_fail(struct shell *sh, int rc, const struct xdom_err *err)
{
	if (shell_rc_is_service(rc))
		return shell_unavailable(sh, rc, err);
	return shell_fail(sh, rc, "%s", xdom_err_msg(err));
}

bool
shell_rc_is_service(int rc)
{
	return rc == XDOM_EUNAVAIL || rc == XDOM_EPROTO ||
	    rc == XDOM_ETIMEDOUT;
}

int
shell_unavailable(struct shell *sh, int rc, const struct xdom_err *err)
{
	char esc[XDOM_ERR_MSG_MAX * 4 + 1];

	/* The detail is for the admin: the socket path, errno text. */
	shell_esc(esc, sizeof esc, xdom_err_msg(err));
	syslog(LOG_AUTHPRIV | LOG_ERR, "user %s: %s",
	    sh->user != NULL ? sh->user : "?", esc);
	fprintf(sh->errf, "%s\n", SHELL_UNAVAILABLE_MSG);
	fflush(sh->errf);
	return rc;
}

bool
shell_guest_known(struct shell *sh, const char *name)
{
	const struct hv_guest_list *l = shell_guests(sh, false);
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (strcmp(l->g[i].name, name) == 0)
			return true;
	return false;
}

bool
shell_confirm_name(const char *typed, const char *name)
{
	return typed != NULL && name != NULL && name[0] != '\0' &&
	    strcmp(typed, name) == 0;
}

bool
shell_confirm_yes(const char *answer)
{
	return answer != NULL && (strcasecmp(answer, "y") == 0 ||
	    strcasecmp(answer, "yes") == 0);
}

/* A reason is one line of printable UTF-8 text with something visible
 * in it: blanks, NBSP or zero-width characters are no ticket number. */
static bool
dispatch_reason_ok(const char *r)
{
	size_t len = strlen(r);

	return len > 0 && len <= SHELL_REASON_MAX && xdom_text_printable(r) &&
	    xdom_text_visible(r);
}

bool
shell_want_reason(struct shell *sh, struct shell_call *c, int rc)
{
	char buf[SHELL_LINE_MAX + 1];

	if (rc != XDOM_EREASON || c->reason != NULL)
		return false;
	if (sh->ask == NULL || sh->ask(sh, "Reason (e.g. ticket number): ",
	    buf, sizeof buf) != 0) {
		shell_fail(sh, rc, "a reason is required for this action: "
		    "add --reason TEXT (over ssh quote twice: ssh HOST "
		    "'CMD --reason \"ticket 5\" NAME')");
		return false;
	}
	if (!dispatch_reason_ok(buf)) {
		shell_fail(sh, XDOM_EINVAL, "a reason must be one line of "
		    "1 to %d printable characters: nothing was done",
		    SHELL_REASON_MAX);
		return false;
	}
	memcpy(sh->reason, buf, strlen(buf) + 1);	/* checked: fits */
	c->reason = sh->reason;
	return true;
}

/* Index of word among cmd's keywords, or -1. */
static int
dispatch_flag(const struct shell_cmd *cmd, const char *word)
{
	int i;

	for (i = 0; i < SHELL_FLAGS_MAX && cmd->flags[i] != NULL; i++)
		if (strcmp(cmd->flags[i], word) == 0)
			return i;
	return -1;
}

/* The command whose name is closest to a mistyped word, or NULL. */
static const struct shell_cmd *
dispatch_suggest_cmd(const struct shell_cmd *tab, size_t n, const char *w)
{
	const struct shell_cmd *best = NULL;
	unsigned bd = 2, dd;
	size_t i;

	if (strlen(w) < 3 || strlen(w) > XDOM_NAME_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		dd = dispatch_distance(w, tab[i].name);
		if (dd < bd) {
			bd = dd;
			best = &tab[i];
		}
	}
	return bd <= 1 ? best : NULL;
}

/* No guest named or selected: the only one, or say what to do. */
static int
dispatch_no_guest(struct shell *sh, const struct shell_cmd *cmd,
    char only[XDOM_NAME_MAX + 1])
{
	const struct hv_guest_list *l = shell_guests(sh, false);
	char esc[4 * XDOM_NAME_MAX + 8], names[160];
	size_t i, k = 0;

	if (l == NULL)
		return XDOM_EIO;	/* shell_guests said why */
	if (l->n == 1 && xdom_name_valid(l->g[0].name)) {
		snprintf(only, XDOM_NAME_MAX + 1, "%s", l->g[0].name);
		return 0;
	}
	if (l->n == 0)
		return shell_fail(sh, XDOM_ENOENT, "%s: you have no guests to "
		    "manage", cmd->name);
	names[0] = '\0';
	for (i = 0; i < l->n && k + 40 < sizeof names; i++) {
		shell_esc(esc, 40, l->g[i].name);
		k += (size_t)snprintf(names + k, sizeof names - k, "%s%s",
		    i == 0 ? "" : ", ", esc);
	}
	if (i < l->n)
		snprintf(names + k, sizeof names - k, ", ...");
	/* `reset` is what a Unix user types to fix a garbled terminal. */
	if (strcmp(cmd->name, "reset") == 0)
		return shell_fail(sh, XDOM_EINVAL, "reset hard-resets a guest "
		    "(it does not reset this terminal); to do that, name the "
		    "guest: reset NAME (yours: %s)", names);
	return shell_fail(sh, XDOM_EINVAL, "%s: no guest selected: add its "
	    "name or type 'use NAME' first (yours: %s)", cmd->name, names);
}

/*
 * Before a command acts on a guest: a name that is not one of the user's
 * own guests but close to one gets "did you mean"; a command that will
 * ask a question is refused first when the rights say no.
 */
static int
dispatch_check_guest(struct shell *sh, const struct shell_call *c)
{
	const struct shell_cmd *cmd = c->cmd;
	char esc[4 * XDOM_NAME_MAX + 8], e2[4 * XDOM_NAME_MAX + 8];
	const char *near;
	uint32_t allowed, need;
	int f;

	if (!shell_guest_known(sh, c->dom) && shell_guests(sh, true) != NULL &&
	    !shell_guest_known(sh, c->dom) &&
	    (near = shell_suggest(sh, c->dom)) != NULL)
		return shell_fail(sh, XDOM_ENOENT, "%s is not one of your "
		    "guests: did you mean %s?", shell_esc(esc, sizeof esc,
		    c->dom), shell_esc(e2, sizeof e2, near));
	if (cmd->asks == SHELL_ASKS_NEVER ||
	    (cmd->asks == SHELL_ASKS_INTERACTIVE && !sh->interactive))
		return 0;
	if (!shell_guest_rights(sh, c->dom, &allowed, &need))
		return 0;	/* not known here: the backend decides */
	shell_esc(esc, sizeof esc, c->dom);
	if (!shell_cmd_granted(cmd, -1, allowed))
		return shell_fail(sh, XDOM_EPERM, "%s: not allowed: %s", esc,
		    cmd->action);
	for (f = 0; f < SHELL_FLAGS_MAX && cmd->flags[f] != NULL; f++)
		if ((c->flags & (1u << f)) && !shell_cmd_granted(cmd, f, allowed))
			return shell_fail(sh, XDOM_EPERM, "%s: not allowed: %s "
			    "%s", esc, cmd->name, cmd->flags[f]);
	return 0;
}

int
shell_dispatch(struct shell *sh, const struct shell_cmd *tab, size_t n,
    const struct shell_args *a)
{
	struct shell_call c;
	const struct shell_cmd *cmd, *near;
	char esc[4 * XDOM_NAME_MAX + 8], only[XDOM_NAME_MAX + 1];
	const char *use = NULL, *guess;
	int i, f, rc;

	if (a->argc == 0)
		return 0;
	memset(&c, 0, sizeof c);
	cmd = shell_cmd_find(tab, n, a->argv[0]);
	if (cmd == NULL && a->argc == 1 && xdom_name_valid(a->argv[0]) &&
	    shell_guest_known(sh, a->argv[0]) &&
	    (cmd = shell_cmd_find(tab, n, "use")) != NULL)
		use = a->argv[0];	/* a guest's name alone selects it */
	if (cmd == NULL) {
		shell_esc(esc, 64, a->argv[0]);
		if ((near = dispatch_suggest_cmd(tab, n, a->argv[0])) != NULL)
			return shell_fail(sh, XDOM_EINVAL, "unknown command "
			    "'%s': did you mean '%s'? (type 'help' for the "
			    "list)", esc, near->name);
		if (a->argc == 1 && xdom_name_valid(a->argv[0]) &&
		    (guess = shell_suggest(sh, a->argv[0])) != NULL)
			return shell_fail(sh, XDOM_EINVAL, "unknown command or "
			    "guest '%s': did you mean %s?", esc,
			    shell_esc(only, sizeof only, guess));
		return shell_fail(sh, XDOM_EINVAL, "unknown command%s '%s%s': "
		    "type 'help' for the list", a->argc == 1 ? " or guest" : "",
		    esc, strlen(a->argv[0]) > 40 ? "..." : "");
	}
	c.cmd = cmd;
	if (use != NULL) {
		c.argv[c.argc++] = (char *)use;
		return cmd->run(sh, &c);
	}
	for (i = 1; i < a->argc; i++) {
		if (cmd->action != NULL && strcmp(a->argv[i], "--reason") == 0) {
			if (i + 1 == a->argc)
				return shell_fail(sh, XDOM_EINVAL, "--reason "
				    "needs a text: usage: %s --reason TEXT",
				    cmd->usage);
			if (!dispatch_reason_ok(a->argv[++i]))
				return shell_fail(sh, XDOM_EINVAL, "a reason "
				    "must be one line of 1 to %d printable "
				    "characters", SHELL_REASON_MAX);
			c.reason = a->argv[i];
		} else if ((f = dispatch_flag(cmd, a->argv[i])) >= 0) {
			c.flags |= 1u << f;
		} else {
			c.argv[c.argc++] = a->argv[i];
		}
	}
	c.argv[c.argc] = NULL;
	/* One word more than the command takes is the guest's name. */
	if (cmd->dom != SHELL_DOM_NONE && c.argc == (int)cmd->max_args + 1) {
		c.dom = c.argv[--c.argc];
		c.argv[c.argc] = NULL;
	}
	/* ssh joins its words with spaces, so `ssh host reset --reason
	 * "ticket 5" web01` arrives as four words: say how to quote. */
	if (c.reason != NULL && c.argc > (int)cmd->max_args)
		return shell_fail(sh, XDOM_EINVAL, "usage: %s --reason TEXT "
		    "(a reason of several words needs quotes that reach the "
		    "shell: over ssh quote twice, as in ssh HOST '%s "
		    "--reason \"ticket 5\"%s')", cmd->usage, cmd->name,
		    cmd->dom != SHELL_DOM_NONE ? " NAME" : "");
	if (c.argc < (int)cmd->min_args || c.argc > (int)cmd->max_args)
		return shell_fail(sh, XDOM_EINVAL, "usage: %s", cmd->usage);
	if (c.dom == NULL && cmd->dom != SHELL_DOM_NONE &&
	    sh->selected[0] != '\0')
		c.dom = sh->selected;
	if (c.dom == NULL && cmd->dom == SHELL_DOM_REQUIRED) {
		if ((rc = dispatch_no_guest(sh, cmd, only)) != 0)
			return rc;
		c.dom = only;
	}
	if (c.dom != NULL && !xdom_name_valid(c.dom)) {
		shell_esc(esc, sizeof esc, c.dom);
		return shell_fail(sh, XDOM_EINVAL, "'%s' is not a guest name "
		    "(letters, digits, '.', '_' and '-'; try 'list')", esc);
	}
	if (c.dom != NULL && cmd->action != NULL &&
	    (rc = dispatch_check_guest(sh, &c)) != 0)
		return rc;
	return cmd->run(sh, &c);
}

int
shell_run_line(struct shell *sh, const char *line, size_t len)
{
	struct shell_args a;
	struct xdom_err err = { 0 };
	int rc;

	rc = shell_parse(&a, line, len, &err);
	if (rc != 0)
		return shell_fail(sh, rc, "%s", xdom_err_msg(&err));
	return shell_dispatch(sh, shell_commands, shell_n_commands, &a);
}
