/*
 * cmds.c - the command table of xdom-shell and the handlers that show
 * things (help, list, status, info, whoami...); those that act on a
 * guest are in cmds_act.c, the resource commands in cmds_res.c.
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

#include "core/escape.h"
#include "core/policy.h"
#include "core/proto.h"
#include "hypervisor/remote/helper_client.h"
#include "shell/term.h"
#include "shell/ui.h"
#include "top/top.h"


#define ESC_LEN (4 * 256 + 1)	/* enough for any escaped field */

/* usage with the keywords rights do not grant left out ("shutdown
 * [force] [NAME]" is "shutdown [NAME]" without destroy). */
static void
cmds_usage(const struct shell_cmd *cmd, uint32_t rights, char *buf,
    size_t len)
{
	char drop[SHELL_FLAGS_MAX][40];
	const char *p = cmd->usage, *hit;
	size_t o = 0, k, nd = 0, i, best;
	int f;

	for (f = 0; f < SHELL_FLAGS_MAX && cmd->flags[f] != NULL; f++)
		if (!shell_cmd_granted(cmd, f, rights))
			snprintf(drop[nd++], sizeof drop[0], "[%s] ",
			    cmd->flags[f]);
	buf[0] = '\0';
	while (*p != '\0' && o + 1 < len) {
		hit = NULL;
		best = 0;
		for (i = 0; i < nd; i++) {
			k = strlen(drop[i]);
			if (strncmp(p, drop[i], k) == 0) {
				hit = drop[i];
				best = k;
			}
		}
		if (hit != NULL) {
			p += best;
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
}

static int
cmds_help_one(struct shell *sh, const struct shell_cmd *cmd, uint32_t rights)
{
	char usage[160];
	size_t j;

	cmds_usage(cmd, rights, usage, sizeof usage);
	fprintf(sh->out, "usage: %s\n  %s\n", usage, cmd->summary);
	if (cmd->aliases[0] != NULL) {
		fputs("  also:", sh->out);
		for (j = 0; cmd->aliases[j] != NULL; j++)
			fprintf(sh->out, " %s", cmd->aliases[j]);
		fputc('\n', sh->out);
	}
	if (cmd->dom != SHELL_DOM_NONE)
		fputs("  Acts on the selected guest, or on NAME when given.\n",
		    sh->out);
	if (strcmp(cmd->name, "shutdown") == 0 &&
	    shell_cmd_granted(cmd, 0, rights))
		fputs("  shutdown force stops the guest at once, like "
		    "'destroy'.\n", sh->out);
	if (cmd->action != NULL && !shell_cmd_granted(cmd, -1, rights))
		fputs("  Your account may not do this on any guest.\n",
		    sh->out);
	/* Only those whose rules want a reason hear about one. */
	if (cmd->action != NULL && !shell_cmd_granted(cmd, -1,
	    ~shell_reason_any(sh)))
		fputs("  Asks for a reason (e.g. a ticket number), or add "
		    "--reason TEXT; over ssh quote it twice:\n"
		    "  ssh HOST 'reset --reason \"ticket 5\" NAME'\n",
		    sh->out);
	return 0;
}

static int
cmds_help(struct shell *sh, struct shell_call *c)
{
	const struct shell_cmd *cmd;
	uint32_t rights = shell_rights_any(sh);
	char usage[160], *text = NULL;
	size_t i, len = 0, w = 0;
	FILE *out = sh->out;

	if (c->argc == 1) {
		char esc[64];

		cmd = shell_cmd_find(shell_commands, shell_n_commands,
		    c->argv[0]);
		if (cmd == NULL)
			return shell_fail(sh, XDOM_EINVAL, "help: no command "
			    "'%s': type 'help' for the list",
			    shell_esc(esc, sizeof esc, c->argv[0]));
		return cmds_help_one(sh, cmd, rights);
	}
	for (i = 0; i < shell_n_commands; i++) {
		cmds_usage(&shell_commands[i], rights, usage, sizeof usage);
		if (shell_cmd_granted(&shell_commands[i], -1, rights) &&
		    strlen(usage) > w)
			w = strlen(usage);
	}
	if (w > 28)
		w = 28;
	/* Paged when longer than the terminal (shell_page). */
	sh->out = open_memstream(&text, &len);
	if (sh->out == NULL) {
		sh->out = out;
		return XDOM_ENOMEM;
	}
	if (sh->cols != 0 && sh->cols < 76)
		fputs("Commands ('help COMMAND' for more):\n", sh->out);
	else
		fputs("Commands (type 'help COMMAND' for more; a guest's name "
		    "alone selects it):\n", sh->out);
	for (i = 0; i < shell_n_commands; i++) {
		if (!shell_cmd_granted(&shell_commands[i], -1, rights))
			continue;
		cmds_usage(&shell_commands[i], rights, usage, sizeof usage);
		/* Narrow terminal: the summary goes on its own line. */
		if (sh->cols != 0 && sh->cols < w + 4 + 30) {
			fprintf(sh->out, "  %s\n      ", usage);
			shell_wrap(sh->out, shell_commands[i].summary, 6,
			    sh->cols);
		} else {
			fprintf(sh->out, "  %-*s  ", (int)w, usage);
			shell_wrap(sh->out, shell_commands[i].summary, w + 4,
			    sh->cols);
		}
	}
	fclose(sh->out);
	sh->out = out;
	shell_page(sh, text);
	free(text);
	return 0;
}

/* "boot,console,...": the actions of mask this shell has commands for. */
static void
cmds_rights_text(uint32_t allowed, uint32_t need_reason, char *buf,
    size_t len)
{
	uint32_t shown = allowed & ~((1u << POLICY_LIST) | (1u << POLICY_STATS) |
	    (1u << POLICY_HOST));

	policy_actions_format(shown, buf, len);
	if (need_reason != 0 && strlen(buf) + 20 < len)
		strcat(buf, " (reason needed)");
}

static int
cmds_list(struct shell *sh, struct shell_call *c)
{
	const struct hv_guest_list *l;
	char esc[ESC_LEN], rights[256];
	size_t i, w = 4, col;

	(void)c;
	l = shell_guests(sh, true);
	if (l == NULL)
		return XDOM_EIO;
	if (l->n == 0) {
		fputs("You have no guests to manage.\n", sh->out);
		return 0;
	}
	/* NAME as wide as the longest name, so the list fits narrow
	 * terminals; the rights wrap under their own column. */
	for (i = 0; i < l->n; i++) {
		shell_esc(esc, sizeof esc, l->g[i].name);
		if (strlen(esc) > w)
			w = strlen(esc);
	}
	if (sh->cols != 0 && w + 2 + 9 + 6 + 8 > sh->cols)
		w = sh->cols > 25 + 4 ? sh->cols - 25 : 4;
	col = 2 + w + 1 + 8 + 1 + 5 + 1;
	if (sh->rights_known)
		fprintf(sh->out, "  %-*s %-8s %-5s %s\n", (int)w, "NAME",
		    "STATE", "ID", "YOU MAY");
	else
		fprintf(sh->out, "  %-*s %-8s %s\n", (int)w, "NAME", "STATE",
		    "ID");
	for (i = 0; i < l->n; i++) {
		shell_esc(esc, sizeof esc, l->g[i].name);
		fprintf(sh->out, "%c %-*s %-8s ",
		    strcmp(l->g[i].name, sh->selected) == 0 ? '*' : ' ',
		    (int)w, esc, l->g[i].running ? "running" : "stopped");
		if (!sh->rights_known) {
			if (l->g[i].running)
				fprintf(sh->out, "%" PRIu32 "\n", l->g[i].id);
			else
				fputs("-\n", sh->out);
			continue;
		}
		if (l->g[i].running)
			fprintf(sh->out, "%-5" PRIu32 " ", l->g[i].id);
		else
			fprintf(sh->out, "%-5s ", "-");
		cmds_rights_text(sh->allowed[i], sh->need_reason[i], rights,
		    sizeof rights);
		shell_wrap(sh->out, rights, col, sh->cols);
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
	    !shell_guest_known(sh, name))) {
		const char *near = shell_suggest(sh, name);
		char e2[ESC_LEN];

		if (near != NULL)
			return shell_fail(sh, XDOM_ENOENT, "%s: no such guest "
			    "among yours: did you mean %s?", esc,
			    shell_esc(e2, sizeof e2, near));
		return shell_fail(sh, XDOM_ENOENT, "%s: no such guest among "
		    "yours (try 'list')", esc);
	}
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
			shell_hv_fail(sh, rc, &err);
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
		return shell_hv_fail(sh, rc, &err);
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
		return shell_hv_fail(sh, rc, &err);
	cmds_status_line(sh, &in, c->dom);
	fprintf(sh->out, "  memory:  %" PRIu64 " MiB (max %" PRIu64 " MiB)\n",
	    in.mem_kb / 1024, in.maxmem_kb / 1024);
	fprintf(sh->out, "  vcpus:   %" PRIu32 "\n", in.vcpus);
	/* What the guest sees, not where the host keeps it: no image
	 * paths, no bridge names. */
	for (i = 0; i < in.n_disks && i < 8; i++)
		fprintf(sh->out, "  disk:    %s (%s)\n",
		    shell_esc(esc, sizeof esc, in.disks[i].vdev),
		    in.disks[i].writable ? "read-write" : "read-only");
	for (i = 0; i < in.n_nics && i < 8; i++)
		fprintf(sh->out, "  network: mac %s%s%s\n",
		    shell_esc(e2, sizeof e2, in.nics[i].mac),
		    in.nics[i].ip[0] != '\0' ? ", ip " : "",
		    shell_esc(e3, sizeof e3, in.nics[i].ip));
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
		return shell_hv_fail(sh, rc, &err);
	fprintf(sh->out, "%s (uid %" PRIu32 ")", shell_esc(esc, sizeof esc,
	    w.user), w.uid);
	for (i = 0; i < w.n_groups && i < PROTO_MAX_GROUPS; i++)
		fprintf(sh->out, "%s%s", i == 0 ? ", groups: " : ", ",
		    shell_esc(esc, sizeof esc, w.groups[i]));
	fputc('\n', sh->out);
	/* No daemon or backend names: they mean nothing to a customer. */
	if (w.simulated)
		fputs("This host is SIMULATED: nothing here touches a real "
		    "guest.\n", sh->out);
	return 0;
}

static int
cmds_version(struct shell *sh, struct shell_call *c)
{
	(void)c;
	fprintf(sh->out, "xdom-shell %s%s\n", XDOM_SHELL_VERSION,
	    sh->hv && hv_simulated(sh->hv) ? " (SIMULATED host)" : "");
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
		sh->idle_expired = true;	/* main says so, last */
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

/* One row per command; help, completion and the dispatcher's checks
 * all read these rows. */
const struct shell_cmd shell_commands[] = {
	{
		.name = "help",
		.aliases = { "?" },
		.usage = "help [COMMAND]",
		.summary = "list commands, or explain one",
		.max_args = 1,
		.run = cmds_help,
	},
	{
		.name = "list",
		.aliases = { "ls" },
		.usage = "list",
		.summary = "list the guests you may manage",
		.action = "list",
		.run = cmds_list,
	},
	{
		.name = "use",
		.aliases = { "control", "select" },
		.usage = "use NAME",
		.summary = "select the guest the other commands act on",
		.min_args = 1,
		.max_args = 1,
		.run = cmds_use,
	},
	{
		.name = "status",
		.usage = "status [--json] [NAME]",
		.summary = "state of the guest (all of yours when none is "
		    "selected)",
		.flags = { "--json" },
		.dom = SHELL_DOM_OPTIONAL,
		.action = "status",
		.run = cmds_status,
	},
	{
		.name = "uptime",
		.usage = "uptime [NAME]",
		.summary = "how long the guest has run",
		.dom = SHELL_DOM_REQUIRED,
		.action = "status",
		.run = cmds_uptime,
	},
	{
		.name = "info",
		.usage = "info [NAME]",
		.summary = "memory, vcpus, disks, networks and MACs",
		.dom = SHELL_DOM_REQUIRED,
		.action = "status",
		.run = cmds_info,
	},
	{
		.name = "boot",
		.aliases = { "start" },
		.usage = "boot [console] [NAME]",
		.summary = "start the guest (and attach to its console)",
		.flags = { "console" },
		.flag_action = { "console" },
		.dom = SHELL_DOM_REQUIRED,
		.action = "boot",
		.run = shell_cmd_boot,
	},
	{
		.name = "shutdown",
		.aliases = { "stop" },
		.usage = "shutdown [force] [NAME]",
		.summary = "ask the guest to shut down cleanly",
		.flags = { "force" },
		.flag_action = { "destroy" },
		.dom = SHELL_DOM_REQUIRED,
		.action = "shutdown",
		.asks = SHELL_ASKS_INTERACTIVE,
		.run = shell_cmd_shutdown,
	},
	{
		.name = "destroy",
		.usage = "destroy [NAME]",
		.summary = "stop the guest at once, like pulling the plug",
		.dom = SHELL_DOM_REQUIRED,
		.action = "destroy",
		.asks = SHELL_ASKS_INTERACTIVE,
		.run = shell_cmd_destroy,
	},
	{
		.name = "reboot",
		.usage = "reboot [NAME]",
		.summary = "ask the guest to reboot",
		.dom = SHELL_DOM_REQUIRED,
		.action = "reboot",
		.run = shell_cmd_reboot,
	},
	{
		.name = "reset",
		.usage = "reset [NAME]",
		.summary = "hard reset: stop the guest at once and boot it "
		    "again",
		.dom = SHELL_DOM_REQUIRED,
		.action = "reset",
		.asks = SHELL_ASKS_INTERACTIVE,
		.run = shell_cmd_reset,
	},
	{
		.name = "pause",
		.usage = "pause [NAME]",
		.summary = "freeze the guest where it is (it keeps its "
		    "memory)",
		.dom = SHELL_DOM_REQUIRED,
		.action = "pause",
		.run = shell_cmd_pause,
	},
	{
		.name = "unpause",
		.aliases = { "resume" },
		.usage = "unpause [NAME]",
		.summary = "let a paused guest run again",
		.dom = SHELL_DOM_REQUIRED,
		.action = "unpause",
		.run = shell_cmd_unpause,
	},
	{
		.name = "console",
		.aliases = { "serial" },
		.usage = "console [NAME]",
		.summary = "the guest's console (Ctrl-] leaves)",
		.dom = SHELL_DOM_REQUIRED,
		.action = "console",
		.run = shell_cmd_console,
	},
	{
		.name = "reimage",
		.usage = "reimage [NAME]",
		.summary = "erase the guest and install a fresh system",
		.dom = SHELL_DOM_REQUIRED,
		.action = "reimage",
		.asks = SHELL_ASKS_ALWAYS,
		.run = shell_cmd_reimage,
	},
	{
		.name = "vcpus",
		.usage = "vcpus N [NAME]",
		.summary = "set how many vcpus are online (up to the guest's "
		    "maximum)",
		.min_args = 1,
		.max_args = 1,
		.dom = SHELL_DOM_REQUIRED,
		.action = "vcpus",
		.run = shell_cmd_vcpus,
	},
	{
		.name = "memory",
		.aliases = { "mem" },
		.usage = "memory SIZE [NAME]",
		.summary = "set the guest's memory (MiB, or a k, m, g suffix)",
		.min_args = 1,
		.max_args = 1,
		.dom = SHELL_DOM_REQUIRED,
		.action = "memory",
		.asks = SHELL_ASKS_ALWAYS,
		.run = shell_cmd_memory,
	},
	{
		.name = "maxmem",
		.usage = "maxmem SIZE [NAME]",
		.summary = "set the most memory the guest may be given",
		.min_args = 1,
		.max_args = 1,
		.dom = SHELL_DOM_REQUIRED,
		.action = "maxmem",
		.run = shell_cmd_maxmem,
	},
	{
		.name = "attach",
		.usage = "attach IMG VDEV [ro] [NAME]",
		.summary = "attach your disk image IMG as VDEV (xvdb...); rw "
		    "unless ro",
		.flags = { "ro", "rw" },
		.min_args = 2,
		.max_args = 2,
		.dom = SHELL_DOM_REQUIRED,
		.action = "block",
		.run = shell_cmd_attach,
	},
	{
		.name = "detach",
		.usage = "detach VDEV [NAME]",
		.summary = "detach a block device you attached",
		.min_args = 1,
		.max_args = 1,
		.dom = SHELL_DOM_REQUIRED,
		.action = "block",
		.asks = SHELL_ASKS_ALWAYS,
		.run = shell_cmd_detach,
	},
	{
		.name = "save",
		.usage = "save [NAME]",
		.summary = "save the guest's state and stop it",
		.dom = SHELL_DOM_REQUIRED,
		.action = "save",
		.asks = SHELL_ASKS_ALWAYS,
		.run = shell_cmd_save,
	},
	{
		.name = "restore",
		.usage = "restore [NAME]",
		.summary = "start a saved guest again where it was",
		.dom = SHELL_DOM_REQUIRED,
		.action = "restore",
		.run = shell_cmd_restore,
	},
	{
		.name = "sysrq",
		.usage = "sysrq KEY [NAME]",
		.summary = "magic SysRq key to the guest's kernel (s sync, b "
		    "reboot, ...)",
		.min_args = 1,
		.max_args = 1,
		.dom = SHELL_DOM_REQUIRED,
		.action = "sysrq",
		.run = shell_cmd_sysrq,
	},
	{
		.name = "top",
		.usage = "top",
		.summary = "live table of your guests (q leaves)",
		.action = "stats",
		.run = cmds_top,
	},
	{
		.name = "whoami",
		.usage = "whoami",
		.summary = "who you are logged in as",
		.run = cmds_whoami,
	},
	{
		.name = "version",
		.usage = "version",
		.summary = "xdom-shell's version",
		.run = cmds_version,
	},
	{
		.name = "history",
		.usage = "history",
		.summary = "the commands you typed before",
		.run = cmds_history,
	},
	{
		.name = "exit",
		.aliases = { "quit", "logout" },
		.usage = "exit",
		.summary = "leave the shell",
		.run = cmds_exit,
	},
};
const size_t shell_n_commands =
    sizeof shell_commands / sizeof shell_commands[0];
