/*
 * dispatch.c - the session, the dispatcher that checks every command
 * against its table entry once, the guest cache, the reason flow and the
 * confirmation rules (see shell.h).
 */
#include "shell/shell.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/escape.h"
#include "core/utf8.h"

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

void
shell_dispose(struct shell *sh)
{
	hv_guest_list_dispose(&sh->guests);
	sh->guests_valid = false;
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
		if (strcmp(tab[i].name, word) == 0)
			return &tab[i];
		for (j = 0; tab[i].aliases[j] != NULL; j++)
			if (strcmp(tab[i].aliases[j], word) == 0)
				return &tab[i];
	}
	return NULL;
}

const struct hv_guest_list *
shell_guests(struct shell *sh, bool force)
{
	struct xdom_err err = { 0 };
	int rc;

	if (sh->hv == NULL)
		return NULL;
	if (sh->guests_valid && !force &&
	    xdom_mono_ms() - sh->guests_at_ms < SHELL_GUESTS_TTL_MS)
		return &sh->guests;
	hv_guest_list_dispose(&sh->guests);
	sh->guests_valid = false;
	rc = hv_guests(sh->hv, &sh->guests, &err);
	if (rc != 0) {
		shell_fail(sh, rc, "%s", xdom_err_msg(&err));
		return NULL;
	}
	sh->guests_at_ms = xdom_mono_ms();
	sh->guests_valid = true;
	return &sh->guests;
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
		    "add --reason TEXT");
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

int
shell_dispatch(struct shell *sh, const struct shell_cmd *tab, size_t n,
    const struct shell_args *a)
{
	struct shell_call c;
	const struct shell_cmd *cmd;
	char esc[4 * XDOM_NAME_MAX + 8];
	const char *use = NULL;
	int i, f;

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
	if (c.argc < (int)cmd->min_args || c.argc > (int)cmd->max_args)
		return shell_fail(sh, XDOM_EINVAL, "usage: %s", cmd->usage);
	if (c.dom == NULL && cmd->dom != SHELL_DOM_NONE &&
	    sh->selected[0] != '\0')
		c.dom = sh->selected;
	if (c.dom == NULL && cmd->dom == SHELL_DOM_REQUIRED)
		return shell_fail(sh, XDOM_EINVAL, "%s: no guest selected: "
		    "type 'use NAME' first or add the name (usage: %s)",
		    cmd->name, cmd->usage);
	if (c.dom != NULL && !xdom_name_valid(c.dom)) {
		shell_esc(esc, sizeof esc, c.dom);
		return shell_fail(sh, XDOM_EINVAL, "'%s' is not a guest name "
		    "(letters, digits, '.', '_' and '-'; try 'list')", esc);
	}
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
