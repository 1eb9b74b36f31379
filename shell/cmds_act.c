/*
 * cmds_act.c - xdom-shell's commands that act on a guest: boot,
 * shutdown, destroy, reboot, reset, pause, unpause, console, reimage and
 * sysrq (rows in cmds.c's table).
 *
 * The dispatcher has checked the call (counts, a valid guest name, and,
 * for a command whose row asks, the rights before any question). The
 * stop questions are asked at the prompt only; xdomd decides every
 * request and its refusal is printed as it comes.
 */
#include "shell/shell.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/escape.h"
#include "shell/term.h"
#include "shell/ui.h"

#define ESC_LEN (4 * 256 + 1)	/* enough for any escaped field */

/* Send one action, asking for a reason when the policy wants one. */
static int
cmds_act(struct shell *sh, struct shell_call *c, enum hv_action a,
    const char *done)
{
	struct xdom_err err = { 0 };
	char esc[ESC_LEN];
	int rc;

	do {
		xdom_err_clear(&err);
		rc = hv_action_reason(sh->hv, c->dom, a, c->reason, &err);
	} while (shell_want_reason(sh, c, rc));
	/* Without a reason, shell_want_reason said why; with one, the
	 * backend's own message does. */
	if (rc == XDOM_EREASON && c->reason == NULL)
		return rc;
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	sh->guests_valid = false;
	fprintf(sh->out, "%s: %s\n", shell_esc(esc, sizeof esc, c->dom),
	    done);
	return 0;
}

int
shell_cmd_boot(struct shell *sh, struct shell_call *c)
{
	int rc = cmds_act(sh, c, HV_ACT_BOOT, "booting");

	if (rc != 0 || (c->flags & 1u) == 0)
		return rc;
	return shell_cmd_console(sh, c);
}

/*
 * At the prompt, a question before an action that stops the guest: "pre
 * NAME post (y/N)". With -c or piped input the action is taken at once,
 * as scripts expect. Rights were checked by the dispatcher (the row's
 * asks); here the guest must be running, or there is nothing to ask.
 */
static int
cmds_confirm_stop(struct shell *sh, const struct shell_call *c,
    const char *pre, const char *post)
{
	char esc[ESC_LEN], q[ESC_LEN + 128], answer[SHELL_LINE_MAX + 1];
	const struct hv_guest_list *l;
	size_t i;

	if (!sh->interactive)
		return 0;
	shell_esc(esc, sizeof esc, c->dom);
	l = shell_guests(sh, true);
	for (i = 0; l != NULL && i < l->n; i++)
		if (strcmp(l->g[i].name, c->dom) == 0 && !l->g[i].running)
			return shell_fail(sh, XDOM_ESTATE, "%s is not running: "
			    "nothing was done ('boot' starts it)", esc);
	snprintf(q, sizeof q, "%s%s%s (y/N) ", pre, esc, post);
	if (sh->ask == NULL || sh->ask(sh, q, answer, sizeof answer) != 0 ||
	    !shell_confirm_yes(answer))
		return shell_fail(sh, XDOM_EPERM, "%s: not confirmed: nothing "
		    "was done", esc);
	return 0;
}

int
shell_cmd_destroy(struct shell *sh, struct shell_call *c)
{
	int rc = cmds_confirm_stop(sh, c, "Stop ", " at once, like pulling "
	    "the plug (unsaved data is lost)?");

	if (rc != 0)
		return rc;
	return cmds_act(sh, c, HV_ACT_DESTROY,
	    "stopped (forced, like pulling the plug)");
}

int
shell_cmd_shutdown(struct shell *sh, struct shell_call *c)
{
	int rc;

	if (c->flags & 1u)
		return shell_cmd_destroy(sh, c);
	if ((rc = cmds_confirm_stop(sh, c, "Shut down ", " now?")) != 0)
		return rc;
	return cmds_act(sh, c, HV_ACT_SHUTDOWN, "shutting down");
}

int
shell_cmd_reboot(struct shell *sh, struct shell_call *c)
{
	return cmds_act(sh, c, HV_ACT_REBOOT, "rebooting");
}

int
shell_cmd_reset(struct shell *sh, struct shell_call *c)
{
	int rc = cmds_confirm_stop(sh, c, "Hard-reset ", " now?");

	if (rc != 0)
		return rc;
	return cmds_act(sh, c, HV_ACT_RESET, "reset (hard)");
}

int
shell_cmd_pause(struct shell *sh, struct shell_call *c)
{
	return cmds_act(sh, c, HV_ACT_PAUSE,
	    "paused ('unpause' lets it run again)");
}

int
shell_cmd_unpause(struct shell *sh, struct shell_call *c)
{
	return cmds_act(sh, c, HV_ACT_UNPAUSE, "running again");
}

int
shell_cmd_console(struct shell *sh, struct shell_call *c)
{
	struct xdom_err err = { 0 };
	int rc, fd = -1;

	do {
		xdom_err_clear(&err);
		rc = hv_console_reason(sh->hv, c->dom, c->reason, &fd, &err);
	} while (shell_want_reason(sh, c, rc));
	if (rc == XDOM_EREASON && c->reason == NULL)
		return rc;
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	rc = shell_console_relay(sh, fd, c->dom, &err);
	close(fd);
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	return 0;
}

/* State shared with the progress callback during a re-image. */
struct reimage_progress {
	struct shell *sh;
	int64_t start_ms;		/* xdom_mono_ms() at the start */
	unsigned last_permille;
	char last_stage[64];
	bool drawn;
};

static unsigned long
cmds_elapsed(int64_t start_ms)
{
	return (unsigned long)((xdom_mono_ms() - start_ms) / 1000);
}

static int
cmds_reimage_progress(void *arg, unsigned permille, const char *stage)
{
	struct reimage_progress *p = arg;
	char line[256];
	bool stage_changed;

	stage_changed = strncmp(p->last_stage, stage ? stage : "",
	    sizeof p->last_stage - 1) != 0;
	/* One line that never reaches the last column, so \r redraws it in
	 * place; the width is read again at every update (resize). */
	if (p->sh->interactive)
		shell_term_size(p->sh);
	shell_progress_fit(line, sizeof line, permille,
	    cmds_elapsed(p->start_ms), stage,
	    p->sh->interactive ? p->sh->cols : 0);
	if (p->sh->interactive) {
		fprintf(p->sh->out, "\r%s\033[K", line);
	} else if (!p->drawn || stage_changed ||
	    permille / 100 != p->last_permille / 100) {
		fprintf(p->sh->out, "%s\n", line);
	}
	fflush(p->sh->out);
	p->drawn = true;
	p->last_permille = permille;
	snprintf(p->last_stage, sizeof p->last_stage, "%s",
	    stage ? stage : "");
	return shell_interrupted || shell_hangup;
}

int
shell_cmd_reimage(struct shell *sh, struct shell_call *c)
{
	struct hv_reimage_opts o = { 0 };
	struct reimage_progress p = { 0 };
	struct xdom_err err = { 0 };
	struct hv_info in;
	char esc[ESC_LEN], e2[ESC_LEN], answer[SHELL_LINE_MAX + 1];
	char prompt[ESC_LEN + 160];
	unsigned i;
	int rc;

	/* Rights were checked by the dispatcher (asks), before any
	 * question. */
	shell_esc(esc, sizeof esc, c->dom);
	rc = hv_info(sh->hv, c->dom, &in, &err);
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	fprintf(sh->out, "Re-imaging %s installs a fresh system. Everything "
	    "on these disks will be lost:\n", esc);
	/* The guest's own device names; where the host keeps the images
	 * is not the customer's business. */
	for (i = 0; i < in.n_disks && i < 8; i++)
		fprintf(sh->out, "  %s\n",
		    shell_esc(e2, sizeof e2, in.disks[i].vdev));
	if (in.n_disks == 0)
		fputs("  (the guest's disks)\n", sh->out);
	fflush(sh->out);
	snprintf(prompt, sizeof prompt, "Type the guest's name (%s) to "
	    "confirm: ", esc);
	if (sh->ask == NULL || sh->ask(sh, prompt, answer, sizeof answer) != 0
	    || !shell_confirm_name(answer, c->dom))
		return shell_fail(sh, XDOM_EPERM, "%s: not confirmed: nothing "
		    "was changed", esc);
	if (in.running) {
		snprintf(prompt, sizeof prompt, "%s is running. Shut it down "
		    "now (cleanly; stopped hard only if it has not stopped "
		    "within 2 minutes)? [y/N] ", esc);
		if (sh->ask(sh, prompt, answer, sizeof answer) != 0 ||
		    !shell_confirm_yes(answer))
			return shell_fail(sh, XDOM_EPERM, "%s: still running: "
			    "nothing was changed", esc);
		o.shutdown_first = true;
	}
	p.sh = sh;
	shell_interrupted = 0;
	p.start_ms = xdom_mono_ms();
	for (;;) {
		xdom_err_clear(&err);
		o.reason = c->reason;
		rc = hv_reimage(sh->hv, c->dom, &o, cmds_reimage_progress, &p,
		    &err);
		if (!shell_want_reason(sh, c, rc))
			break;
	}
	if (p.drawn && sh->interactive)
		fputc('\n', sh->out);
	sh->guests_valid = false;
	if (rc == XDOM_EREASON && c->reason == NULL)
		return rc;
	if (rc == XDOM_EBUSY)
		return shell_fail(sh, rc, "%s (a re-image or another action "
		    "on %s is already running; wait for it to finish)",
		    xdom_err_msg(&err), esc);
	if (rc != 0 && (shell_interrupted || shell_hangup))
		return shell_fail(sh, rc, "%s: re-image interrupted here: "
		    "xdomd still finishes it and records the result; the "
		    "guest is free again once it is done%s", esc,
		    o.shutdown_first ? " (then type 'boot' to start it)" : "");
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	fprintf(sh->out, "%s: re-imaged in %lu:%02lu. Type 'boot' to start "
	    "it.\n", esc, cmds_elapsed(p.start_ms) / 60,
	    cmds_elapsed(p.start_ms) % 60);
	return 0;
}

int
shell_cmd_sysrq(struct shell *sh, struct shell_call *c)
{
	const char *k = c->argv[0];
	struct xdom_err err = { 0 };
	char esc[ESC_LEN];
	int rc;

	if (strlen(k) != 1 || !hv_sysrq_key_valid((unsigned char)k[0]))
		return shell_fail(sh, XDOM_EINVAL, "sysrq: KEY is one letter or "
		    "digit, as in 'sysrq s' (sync); see 'help sysrq'");
	do {
		xdom_err_clear(&err);
		rc = hv_sysrq(sh->hv, c->dom, k[0], c->reason, &err);
	} while (shell_want_reason(sh, c, rc));
	if (rc == XDOM_EREASON && c->reason == NULL)
		return rc;
	if (rc != 0)
		return shell_hv_fail(sh, rc, &err);
	sh->guests_valid = false;
	fprintf(sh->out, "%s: sent SysRq %c\n", shell_esc(esc, sizeof esc,
	    c->dom), k[0]);
	return 0;
}
