/*
 * cmds.c - the command table of xdom-shell and its handlers.
 *
 * Handlers receive a call the dispatcher has already checked (counts,
 * keywords, a valid guest name in c->dom when the command needs one).
 * Everything goes through the hv interface, which in production is the
 * helper backend: xdomd decides what this user may do, and a refusal
 * comes back as an error message that is printed as it is.
 */
#include "shell/shell.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/escape.h"
#include "core/policy.h"
#include "core/proto.h"
#include "hypervisor/remote/helper_client.h"
#include "shell/term.h"
#include "shell/ui.h"
#include "top/top.h"


#define ESC_LEN (4 * 256 + 1)	/* enough for any escaped field */

static int
cmds_hv_fail(struct shell *sh, int rc, const struct xdom_err *err)
{
	return shell_fail(sh, rc, "%s", xdom_err_msg(err));
}

static int
cmds_help(struct shell *sh, struct shell_call *c)
{
	const struct shell_cmd *cmd;
	uint32_t rights;
	size_t i, j;

	if (c->argc == 1) {
		char esc[64];

		cmd = shell_cmd_find(shell_commands, shell_n_commands,
		    c->argv[0]);
		if (cmd == NULL)
			return shell_fail(sh, XDOM_EINVAL, "help: no command "
			    "'%s': type 'help' for the list",
			    shell_esc(esc, sizeof esc, c->argv[0]));
		fprintf(sh->out, "usage: %s\n  %s\n", cmd->usage,
		    cmd->summary);
		if (cmd->aliases[0] != NULL) {
			fputs("  also:", sh->out);
			for (j = 0; cmd->aliases[j] != NULL; j++)
				fprintf(sh->out, " %s", cmd->aliases[j]);
			fputc('\n', sh->out);
		}
		if (cmd->dom != SHELL_DOM_NONE)
			fputs("  Acts on the selected guest, or on NAME when "
			    "given.\n", sh->out);
		if (cmd->action != NULL)
			fprintf(sh->out, "  Needs the '%s' permission; add "
			    "--reason TEXT when your rules require a "
			    "reason.\n", cmd->action);
		return 0;
	}
	fputs("Commands (type 'help COMMAND' for more; a guest's name alone "
	    "selects it):\n", sh->out);
	rights = shell_rights(sh);
	for (i = 0; i < shell_n_commands; i++)
		if (shell_offered(&shell_commands[i], rights))
			fprintf(sh->out, "  %-28s %s\n",
			    shell_commands[i].usage,
			    shell_commands[i].summary);
	return 0;
}

/*
 * The caller's rights on name as xdomd reports them. Returns false when
 * the backend is not the helper (or it fails): callers then let the
 * backend decide when the request is sent.
 */
static bool
cmds_rights(struct shell *sh, const char *name, uint32_t *allowed,
    uint32_t *need_reason)
{
	struct helper_client *hc = hv_helper_client(sh->hv);
	struct proto_guest_list l = { 0 };
	struct xdom_err err = { 0 };
	size_t i;

	*allowed = *need_reason = 0;	/* not listed: no rights at all */
	if (hc == NULL || helper_list(hc, &l, &err) != 0)
		return false;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.g[i].name, name) == 0) {
			*allowed = l.g[i].allowed;
			*need_reason = l.g[i].need_reason;
		}
	}
	proto_guest_list_dispose(&l);
	return true;
}

/* "boot,console,...": the actions of mask this shell has commands for. */
static void
cmds_rights_text(uint32_t allowed, uint32_t need_reason, char *buf,
    size_t len)
{
	uint32_t shown = allowed & ~((1u << POLICY_LIST) | (1u << POLICY_STATS) |
	    (1u << POLICY_HOST) | (1u << POLICY_PAUSE) |
	    (1u << POLICY_UNPAUSE));

	policy_actions_format(shown, buf, len);
	if (need_reason != 0 && strlen(buf) + 20 < len)
		strcat(buf, " (reason needed)");
}

static int
cmds_list(struct shell *sh, struct shell_call *c)
{
	struct helper_client *hc = hv_helper_client(sh->hv);
	struct proto_guest_list pl = { 0 };
	const struct hv_guest_list *l;
	struct xdom_err err = { 0 };
	char esc[ESC_LEN], rights[256];
	size_t i;
	int rc;

	(void)c;
	if (hc != NULL) {
		/* Through xdomd: each guest with what this user may do. */
		rc = helper_list(hc, &pl, &err);
		if (rc != 0)
			return cmds_hv_fail(sh, rc, &err);
		if (pl.n == 0)
			fputs("You have no guests to manage.\n", sh->out);
		else
			fprintf(sh->out, "  %-32s %-8s %-5s %s\n", "NAME",
			    "STATE", "ID", "YOU MAY");
		for (i = 0; i < pl.n; i++) {
			shell_esc(esc, sizeof esc, pl.g[i].name);
			cmds_rights_text(pl.g[i].allowed, pl.g[i].need_reason,
			    rights, sizeof rights);
			fprintf(sh->out, "%c %-32s %-8s ",
			    strcmp(pl.g[i].name, sh->selected) == 0 ? '*' : ' ',
			    esc, pl.g[i].running ? "running" : "stopped");
			if (pl.g[i].running)
				fprintf(sh->out, "%-5" PRIu32 " %s\n",
				    pl.g[i].id, rights);
			else
				fprintf(sh->out, "%-5s %s\n", "-", rights);
		}
		proto_guest_list_dispose(&pl);
		sh->guests_valid = false;
		return 0;
	}
	l = shell_guests(sh, true);
	if (l == NULL)
		return XDOM_EIO;
	if (l->n == 0) {
		fputs("You have no guests to manage.\n", sh->out);
		return 0;
	}
	fprintf(sh->out, "  %-32s %-8s %s\n", "NAME", "STATE", "ID");
	for (i = 0; i < l->n; i++) {
		shell_esc(esc, sizeof esc, l->g[i].name);
		fprintf(sh->out, "%c %-32s %-8s ",
		    strcmp(l->g[i].name, sh->selected) == 0 ? '*' : ' ', esc,
		    l->g[i].running ? "running" : "stopped");
		if (l->g[i].running)
			fprintf(sh->out, "%" PRIu32 "\n", l->g[i].id);
		else
			fputs("-\n", sh->out);
	}
	return 0;
}

static int
cmds_use(struct shell *sh, struct shell_call *c)
{
	char esc[ESC_LEN];
	const char *name = c->argv[0];

	shell_esc(esc, sizeof esc, name);
	if (!xdom_name_valid(name))
		return shell_fail(sh, XDOM_EINVAL, "'%s' is not a guest name "
		    "(try 'list')", esc);
	if (!shell_guest_known(sh, name) && (shell_guests(sh, true) == NULL ||
	    !shell_guest_known(sh, name)))
		return shell_fail(sh, XDOM_ENOENT, "%s: no such guest among "
		    "yours (try 'list')", esc);
	snprintf(sh->selected, sizeof sh->selected, "%s", name);
	if (sh->interactive)
		fprintf(sh->out, "Selected %s.\n", esc);
	return 0;
}

/* "3 days, 04:05:06" */
static void
cmds_duration(char *buf, size_t len, uint64_t s)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 " day%s, %02u:%02u:%02u",
		    s / 86400, s / 86400 == 1 ? "" : "s",
		    (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60),
		    (unsigned)(s % 60));
	else
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(s / 3600),
		    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

static json_object *
cmds_info_json(const struct hv_info *in, const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "state",
	    json_object_new_string(in->running ? "running" : "stopped"));
	json_object_object_add(o, "running",
	    json_object_new_boolean(in->running));
	if (in->running)
		json_object_object_add(o, "id",
		    json_object_new_int64(in->id));
	json_object_object_add(o, "mem_kb",
	    json_object_new_int64((int64_t)in->mem_kb));
	json_object_object_add(o, "maxmem_kb",
	    json_object_new_int64((int64_t)in->maxmem_kb));
	json_object_object_add(o, "vcpus", json_object_new_int64(in->vcpus));
	json_object_object_add(o, "uptime_s",
	    json_object_new_int64((int64_t)in->uptime_s));
	return o;
}

static void
cmds_status_line(struct shell *sh, const struct hv_info *in,
    const char *name)
{
	char esc[ESC_LEN], up[48];

	shell_esc(esc, sizeof esc, name);
	if (!in->running) {
		fprintf(sh->out, "%s: stopped\n", esc);
		return;
	}
	cmds_duration(up, sizeof up, in->uptime_s);
	fprintf(sh->out, "%s: running, id %" PRIu32 ", %" PRIu64 " MiB, "
	    "%" PRIu32 " vcpu%s, up %s\n", esc, in->id, in->mem_kb / 1024,
	    in->vcpus, in->vcpus == 1 ? "" : "s", up);
}

static int
cmds_status(struct shell *sh, struct shell_call *c)
{
	const bool json = (c->flags & 1u) != 0;
	const struct hv_guest_list *l = NULL;
	struct xdom_err err = { 0 };
	struct hv_info in;
	json_object *root = NULL, *arr = NULL;
	size_t i, n;
	int rc = 0;

	if (c->dom == NULL) {
		l = shell_guests(sh, true);
		if (l == NULL)
			return XDOM_EIO;
	}
	n = l != NULL ? l->n : 1;
	if (json && l != NULL) {
		root = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(root, "guests", arr);
	}
	for (i = 0; i < n; i++) {
		const char *name = l != NULL ? l->g[i].name : c->dom;

		rc = hv_info(sh->hv, name, &in, &err);
		if (rc != 0 && l != NULL) {
			/* One guest's details failing does not hide the
			 * others: fall back to what the list says. */
			memset(&in, 0, sizeof in);
			in.running = l->g[i].running;
			in.id = l->g[i].id;
			rc = 0;
		} else if (rc != 0) {
			cmds_hv_fail(sh, rc, &err);
			goto out;
		}
		if (json && arr != NULL)
			json_object_array_add(arr, cmds_info_json(&in, name));
		else if (json)
			root = cmds_info_json(&in, name);
		else
			cmds_status_line(sh, &in, name);
	}
	if (json && root == NULL)
		root = json_object_new_object();
	if (json)
		fprintf(sh->out, "%s\n", json_object_to_json_string_ext(root,
		    JSON_C_TO_STRING_PLAIN));
	if (!json && n == 0)
		fputs("You have no guests to manage.\n", sh->out);
out:
	json_object_put(root);
	return rc;
}

static int
cmds_uptime(struct shell *sh, struct shell_call *c)
{
	struct xdom_err err = { 0 };
	struct hv_info in;
	char esc[ESC_LEN], up[48];
	int rc;

	rc = hv_info(sh->hv, c->dom, &in, &err);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
	shell_esc(esc, sizeof esc, c->dom);
	if (!in.running) {
		fprintf(sh->out, "%s: not running\n", esc);
		return 0;
	}
	cmds_duration(up, sizeof up, in.uptime_s);
	fprintf(sh->out, "%s: up %s\n", esc, up);
	return 0;
}

static int
cmds_info(struct shell *sh, struct shell_call *c)
{
	struct xdom_err err = { 0 };
	struct hv_info in;
	char esc[ESC_LEN], e2[ESC_LEN], e3[ESC_LEN];
	unsigned i;
	int rc;

	rc = hv_info(sh->hv, c->dom, &in, &err);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
	cmds_status_line(sh, &in, c->dom);
	fprintf(sh->out, "  memory:  %" PRIu64 " MiB (max %" PRIu64 " MiB)\n",
	    in.mem_kb / 1024, in.maxmem_kb / 1024);
	fprintf(sh->out, "  vcpus:   %" PRIu32 "\n", in.vcpus);
	for (i = 0; i < in.n_disks && i < 8; i++)
		fprintf(sh->out, "  disk:    %s %s (%s)\n",
		    shell_esc(esc, sizeof esc, in.disks[i].vdev),
		    shell_esc(e2, sizeof e2, in.disks[i].target),
		    in.disks[i].writable ? "rw" : "ro");
	for (i = 0; i < in.n_nics && i < 8; i++)
		fprintf(sh->out, "  network: mac %s bridge %s%s%s\n",
		    shell_esc(esc, sizeof esc, in.nics[i].mac),
		    shell_esc(e2, sizeof e2, in.nics[i].bridge),
		    in.nics[i].ip[0] != '\0' ? " ip " : "",
		    shell_esc(e3, sizeof e3, in.nics[i].ip));
	return 0;
}

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
		return cmds_hv_fail(sh, rc, &err);
	sh->guests_valid = false;
	fprintf(sh->out, "%s: %s\n", shell_esc(esc, sizeof esc, c->dom),
	    done);
	return 0;
}

static int cmds_console(struct shell *sh, struct shell_call *c);

static int
cmds_boot(struct shell *sh, struct shell_call *c)
{
	int rc = cmds_act(sh, c, HV_ACT_BOOT, "booting");

	if (rc != 0 || (c->flags & 1u) == 0)
		return rc;
	return cmds_console(sh, c);
}

static int
cmds_shutdown(struct shell *sh, struct shell_call *c)
{
	if (c->flags & 1u)
		return cmds_act(sh, c, HV_ACT_DESTROY,
		    "stopped (forced, like pulling the plug)");
	return cmds_act(sh, c, HV_ACT_SHUTDOWN, "shutting down");
}

static int
cmds_reboot(struct shell *sh, struct shell_call *c)
{
	return cmds_act(sh, c, HV_ACT_REBOOT, "rebooting");
}

static int
cmds_reset(struct shell *sh, struct shell_call *c)
{
	return cmds_act(sh, c, HV_ACT_RESET, "reset (hard)");
}

static int
cmds_console(struct shell *sh, struct shell_call *c)
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
		return cmds_hv_fail(sh, rc, &err);
	rc = shell_console_relay(sh, fd, c->dom, &err);
	close(fd);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
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

/* Whole seconds since start_ms. */
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
	shell_progress_format(line, sizeof line, permille,
	    cmds_elapsed(p->start_ms), stage, 30);
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

static int
cmds_reimage(struct shell *sh, struct shell_call *c)
{
	struct hv_reimage_opts o = { 0 };
	struct reimage_progress p = { 0 };
	struct xdom_err err = { 0 };
	struct hv_info in;
	char esc[ESC_LEN], e2[ESC_LEN], answer[SHELL_LINE_MAX + 1];
	char prompt[ESC_LEN + 64];
	uint32_t allowed, need_reason;
	unsigned i;
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	/* Say no before asking anything when xdomd would say no anyway. */
	if (cmds_rights(sh, c->dom, &allowed, &need_reason) &&
	    (allowed & (1u << POLICY_REIMAGE)) == 0)
		return shell_fail(sh, XDOM_EPERM, "%s: not allowed: reimage",
		    esc);
	rc = hv_info(sh->hv, c->dom, &in, &err);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
	fprintf(sh->out, "Re-imaging %s installs a fresh system. Everything "
	    "on these disks will be lost:\n", esc);
	for (i = 0; i < in.n_disks && i < 8; i++)
		fprintf(sh->out, "  %s  %s\n",
		    shell_esc(e2, sizeof e2, in.disks[i].vdev),
		    shell_esc(answer, sizeof answer, in.disks[i].target));
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
		    "now (it will be stopped hard)? [y/N] ", esc);
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
		    "guest is free again once it is done", esc);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
	fprintf(sh->out, "%s: re-imaged in %lu:%02lu. Type 'boot' to start "
	    "it.\n", esc, cmds_elapsed(p.start_ms) / 60,
	    cmds_elapsed(p.start_ms) % 60);
	return 0;
}

static int
cmds_sysrq(struct shell *sh, struct shell_call *c)
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
		return cmds_hv_fail(sh, rc, &err);
	sh->guests_valid = false;
	fprintf(sh->out, "%s: sent SysRq %c\n", shell_esc(esc, sizeof esc,
	    c->dom), k[0]);
	return 0;
}

static int
cmds_whoami(struct shell *sh, struct shell_call *c)
{
	struct helper_client *hc = hv_helper_client(sh->hv);
	struct xdom_err err = { 0 };
	struct proto_whoami w;
	char esc[ESC_LEN];
	uint32_t i;
	int rc;

	(void)c;
	if (hc == NULL) {
		fprintf(sh->out, "%s (uid %u)\n",
		    shell_esc(esc, sizeof esc, sh->user ? sh->user : "?"),
		    (unsigned)getuid());
		return 0;
	}
	/* What xdomd sees: the kernel's idea of us, not our own. */
	memset(&w, 0, sizeof w);
	rc = helper_whoami(hc, &w, &err);
	if (rc != 0)
		return cmds_hv_fail(sh, rc, &err);
	fprintf(sh->out, "%s (uid %" PRIu32 ")", shell_esc(esc, sizeof esc,
	    w.user), w.uid);
	for (i = 0; i < w.n_groups && i < PROTO_MAX_GROUPS; i++)
		fprintf(sh->out, "%s%s", i == 0 ? ", groups: " : ", ",
		    shell_esc(esc, sizeof esc, w.groups[i]));
	w.backend[sizeof w.backend - 1] = '\0';
	fprintf(sh->out, "\nxdomd acts on the %s host%s\n",
	    shell_esc(esc, sizeof esc, w.backend),
	    w.simulated ? " (SIMULATED)" : "");
	return 0;
}

static int
cmds_version(struct shell *sh, struct shell_call *c)
{
	(void)c;
	fprintf(sh->out, "xdom-shell %s (backend %s%s)\n", XDOM_SHELL_VERSION,
	    sh->hv ? hv_backend_name(sh->hv) : "none",
	    sh->hv && hv_simulated(sh->hv) ? ", SIMULATED" : "");
	return 0;
}

static int
cmds_history(struct shell *sh, struct shell_call *c)
{
	(void)c;
	if (sh->history_print != NULL)
		sh->history_print(sh);
	return 0;
}

static int
cmds_top(struct shell *sh, struct shell_call *c)
{
	char *argv[] = { (char *)"top", NULL };
	int rc;

	(void)c;
	/* A terminal, not a prompt: `ssh -t alice@host top` works too. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return shell_fail(sh, XDOM_EINVAL, "top needs a terminal: use "
		    "'ssh -t'");
	top_idle_set(sh->idle_s);
	rc = top_main(1, argv, &sh->hvo, TOP_MODE_RESTRICTED);
	if (top_idle_expired()) {
		fprintf(sh->out, "Idle for %ld s: logging out.\n", sh->idle_s);
		sh->done = true;
	}
	return rc == 0 ? 0 : XDOM_EIO;
}

static int
cmds_exit(struct shell *sh, struct shell_call *c)
{
	(void)c;
	sh->done = true;
	return 0;
}

const struct shell_cmd shell_commands[] = {
	{ "help", { "?" }, "help [COMMAND]", "list commands, or explain one",
	    { NULL }, 0, 1, SHELL_DOM_NONE, NULL, cmds_help },
	{ "list", { "ls" }, "list", "list the guests you may manage",
	    { NULL }, 0, 0, SHELL_DOM_NONE, "list", cmds_list },
	{ "use", { "control", "select" }, "use NAME",
	    "select the guest the other commands act on",
	    { NULL }, 1, 1, SHELL_DOM_NONE, NULL, cmds_use },
	{ "status", { NULL }, "status [--json] [NAME]",
	    "state of the guest (all of yours when none is selected)",
	    { "--json" }, 0, 0, SHELL_DOM_OPTIONAL, "status", cmds_status },
	{ "uptime", { NULL }, "uptime [NAME]", "how long the guest has run",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "status", cmds_uptime },
	{ "info", { NULL }, "info [NAME]",
	    "memory, vcpus, disks, networks and MACs",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "status", cmds_info },
	{ "boot", { "start" }, "boot [console] [NAME]",
	    "start the guest (and attach to its console)",
	    { "console" }, 0, 0, SHELL_DOM_REQUIRED, "boot", cmds_boot },
	{ "shutdown", { "stop" }, "shutdown [force] [NAME]",
	    "ask the guest to shut down (force: stop it at once)",
	    { "force" }, 0, 0, SHELL_DOM_REQUIRED, "shutdown", cmds_shutdown },
	{ "reboot", { NULL }, "reboot [NAME]", "ask the guest to reboot",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "reboot", cmds_reboot },
	{ "reset", { NULL }, "reset [NAME]",
	    "hard reset: stop the guest at once and boot it again",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "reset", cmds_reset },
	{ "console", { "serial" }, "console [NAME]",
	    "the guest's console (Ctrl-] leaves)",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "console", cmds_console },
	{ "reimage", { NULL }, "reimage [NAME]",
	    "erase the guest and install a fresh system",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "reimage", cmds_reimage },
	{ "vcpus", { NULL }, "vcpus N [NAME]",
	    "set how many vcpus are online (up to the guest's maximum)",
	    { NULL }, 1, 1, SHELL_DOM_REQUIRED, "vcpus", shell_cmd_vcpus },
	{ "memory", { "mem" }, "memory SIZE [NAME]",
	    "set the guest's memory (MiB, or a k, m, g suffix)",
	    { NULL }, 1, 1, SHELL_DOM_REQUIRED, "memory", shell_cmd_memory },
	{ "maxmem", { NULL }, "maxmem SIZE [NAME]",
	    "set the most memory the guest may be given",
	    { NULL }, 1, 1, SHELL_DOM_REQUIRED, "maxmem", shell_cmd_maxmem },
	{ "attach", { NULL }, "attach IMG VDEV [ro] [NAME]",
	    "attach your disk image IMG as VDEV (xvdb...); rw unless ro",
	    { "ro", "rw" }, 2, 2, SHELL_DOM_REQUIRED, "block",
	    shell_cmd_attach },
	{ "detach", { NULL }, "detach VDEV [NAME]",
	    "detach a block device you attached",
	    { NULL }, 1, 1, SHELL_DOM_REQUIRED, "block", shell_cmd_detach },
	{ "save", { NULL }, "save [NAME]",
	    "save the guest's state and stop it",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "save", shell_cmd_save },
	{ "restore", { NULL }, "restore [NAME]",
	    "start a saved guest again where it was",
	    { NULL }, 0, 0, SHELL_DOM_REQUIRED, "restore", shell_cmd_restore },
	{ "sysrq", { NULL }, "sysrq KEY [NAME]",
	    "magic SysRq key to the guest's kernel (s sync, b reboot, ...)",
	    { NULL }, 1, 1, SHELL_DOM_REQUIRED, "sysrq", cmds_sysrq },
	{ "top", { NULL }, "top", "live table of your guests (q leaves)",
	    { NULL }, 0, 0, SHELL_DOM_NONE, "stats", cmds_top },
	{ "whoami", { NULL }, "whoami", "who you are logged in as",
	    { NULL }, 0, 0, SHELL_DOM_NONE, NULL, cmds_whoami },
	{ "version", { NULL }, "version", "xdom-shell's version",
	    { NULL }, 0, 0, SHELL_DOM_NONE, NULL, cmds_version },
	{ "history", { NULL }, "history", "the commands you typed before",
	    { NULL }, 0, 0, SHELL_DOM_NONE, NULL, cmds_history },
	{ "exit", { "quit", "logout" }, "exit", "leave the shell",
	    { NULL }, 0, 0, SHELL_DOM_NONE, NULL, cmds_exit },
};
const size_t shell_n_commands =
    sizeof shell_commands / sizeof shell_commands[0];
