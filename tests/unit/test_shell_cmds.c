/*
 * test_shell_cmds.c - xdom-shell's command table, dispatcher, reason
 * flow, re-image confirmation rules, progress bar and tab completion,
 * against a fake hv backend that records what it was asked to do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "core/exitcode.h"
#include "core/policy.h"
#include "hypervisor/hv.h"
#include "shell/shell.h"
#include "shell/term.h"
#include "shell/ui.h"
#include "tests/unit/support/fixture.h"

/* ---- a fake backend ---------------------------------------------- */

static struct {
	int n_actions;
	enum hv_action last_action;
	char last_name[128];
	char last_reason[256];
	bool want_reason;	/* refuse without a reason (EREASON) */
	bool always_reason;	/* refuse whatever the reason (EREASON) */
	int n_reimage;
	bool reimage_shutdown_first;
	int reimage_rc;
	bool db_running;
	char last_sysrq;
} fk;

/* The host's guests: the shared fake backend lists them. */
static const struct tfx_guest fk_host[] = {
	{ .name = "cust-alice-web", .running = true, .id = 5 },
	{ .name = "cust-alice-db" },
	{ .name = "bad\x1bname" },
};

static int
fk_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	(void)hv;
	if (strcmp(name, "cust-alice-web") != 0 &&
	    strcmp(name, "cust-alice-db") != 0)
		return xdom_err_set(err, XDOM_EPERM, "%s: not allowed: status",
		    name);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->running = strcmp(name, "cust-alice-web") == 0 || fk.db_running;
	out->id = out->running ? 5 : 0;
	out->mem_kb = 512 * 1024;
	out->maxmem_kb = 1024 * 1024;
	out->vcpus = 2;
	out->uptime_s = out->running ? 90061 : 0;
	out->n_disks = 1;
	snprintf(out->disks[0].vdev, sizeof out->disks[0].vdev, "xvda");
	snprintf(out->disks[0].target, sizeof out->disks[0].target,
	    "/srv/xen/%s-disk.img", name);
	out->disks[0].writable = true;
	out->n_nics = 1;
	snprintf(out->nics[0].mac, sizeof out->nics[0].mac,
	    "00:16:3e:00:00:01");
	snprintf(out->nics[0].bridge, sizeof out->nics[0].bridge, "xenbr0");
	return 0;
}

static int
fk_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	(void)hv;
	if ((fk.want_reason && reason == NULL) || fk.always_reason)
		return xdom_err_set(err, XDOM_EREASON, "%s: a reason is "
		    "required", name);
	if (strncmp(name, "cust-alice-", 11) != 0)
		return xdom_err_set(err, XDOM_EPERM, "%s: not allowed: %s",
		    name, hv_action_name(a));
	fk.n_actions++;
	fk.last_action = a;
	snprintf(fk.last_name, sizeof fk.last_name, "%s", name);
	snprintf(fk.last_reason, sizeof fk.last_reason, "%s",
	    reason ? reason : "");
	return 0;
}

static int
fk_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	(void)hv;
	if (fk.reimage_rc != 0)
		return xdom_err_set(err, fk.reimage_rc, "%s: re-image already "
		    "running", name);
	fk.n_reimage++;
	fk.reimage_shutdown_first = o->shutdown_first;
	progress(arg, 0, "backup");
	progress(arg, 500, "writing image");
	progress(arg, 1000, "done");
	return 0;
}

static int
fk_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	(void)hv;
	if (fk.want_reason && reason == NULL)
		return xdom_err_set(err, XDOM_EREASON, "%s: a reason is "
		    "required", name);
	if (strncmp(name, "cust-alice-", 11) != 0)
		return xdom_err_set(err, XDOM_EPERM, "%s: not allowed: sysrq",
		    name);
	fk.last_sysrq = key;
	snprintf(fk.last_name, sizeof fk.last_name, "%s", name);
	snprintf(fk.last_reason, sizeof fk.last_reason, "%s",
	    reason ? reason : "");
	return 0;
}

static const struct hv_backend fk_backend = {
	.name = "fake",
	.guests = tfx_fake_guests,
	.info = fk_info,
	.action = fk_action,
	.reimage = fk_reimage,
	.sysrq = fk_sysrq,
};

/* ---- a session with scripted answers and captured output ----------- */

static struct hv fk_hv = { &fk_backend, NULL };
static struct shell sh;
static char *out_buf, *err_buf;
static size_t out_len, err_len;
static const char *answers[4];
static int n_answers, asked;

static int
fk_ask(struct shell *s, const char *prompt, char *buf, size_t len)
{
	(void)s;
	(void)prompt;
	if (asked >= n_answers)
		return XDOM_EIO;
	snprintf(buf, len, "%s", answers[asked++]);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof fk);
	tfx_fake_reset(fk_host, sizeof fk_host / sizeof fk_host[0]);
	shell_init(&sh);
	sh.hv = &fk_hv;
	sh.out = open_memstream(&out_buf, &out_len);
	sh.errf = open_memstream(&err_buf, &err_len);
	sh.ask = fk_ask;
	sh.user = "alice";
	n_answers = asked = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fclose(sh.out);
	fclose(sh.errf);
	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
	shell_dispose(&sh);
	return 0;
}

static int
run(const char *line)
{
	int rc = shell_run_line(&sh, line, strlen(line));

	fflush(sh.out);
	fflush(sh.errf);
	return rc;
}

static void
answer(int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		answers[i] = va_arg(ap, const char *);
	va_end(ap);
	n_answers = n;
	asked = 0;
}

/* ---- the table --------------------------------------------------- */

static void
test_table_invariants(void **state)
{
	static const char *const required[] = { "help", "list", "use",
		"status", "uptime", "info", "boot", "shutdown", "reboot",
		"reset", "console", "serial", "reimage", "sysrq", "whoami",
		"version", "history", "top", "exit", "quit", "control" };
	size_t i, j, k, l;

	(void)state;
	for (i = 0; i < sizeof required / sizeof required[0]; i++)
		assert_non_null(shell_cmd_find(shell_commands,
		    shell_n_commands, required[i]));
	assert_null(shell_cmd_find(shell_commands, shell_n_commands, "sh"));
	assert_null(shell_cmd_find(shell_commands, shell_n_commands, ""));
	for (i = 0; i < shell_n_commands; i++) {
		const struct shell_cmd *c = &shell_commands[i];

		assert_non_null(c->run);
		assert_true(c->min_args <= c->max_args);
		assert_true(c->max_args < SHELL_ARGS_MAX);
		assert_true(strncmp(c->usage, c->name, strlen(c->name)) == 0);
		assert_true(strlen(c->summary) > 5);
		/* Whatever acts on a guest names the permission it needs. */
		if (c->dom != SHELL_DOM_NONE)
			assert_non_null(c->action);
		/* ... and it is one xdomd's policy knows. */
		if (c->action != NULL) {
			enum policy_action pa;

			assert_int_equal(policy_action_parse(c->action, &pa),
			    0);
		}
		/* Every name and alias is unique across the table. */
		for (j = 0; j < shell_n_commands; j++) {
			if (j == i)
				continue;
			assert_string_not_equal(c->name,
			    shell_commands[j].name);
			for (k = 0; shell_commands[j].aliases[k]; k++) {
				assert_string_not_equal(c->name,
				    shell_commands[j].aliases[k]);
				for (l = 0; c->aliases[l]; l++)
					assert_string_not_equal(c->aliases[l],
					    shell_commands[j].aliases[k]);
			}
		}
	}
	assert_string_equal(shell_cmd_find(shell_commands, shell_n_commands,
	    "serial")->name, "console");
	assert_string_equal(shell_cmd_find(shell_commands, shell_n_commands,
	    "quit")->name, "exit");
}

/* ---- the dispatcher ----------------------------------------------- */

static void
test_needs_a_guest(void **state)
{
	(void)state;
	assert_int_equal(run("reboot"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "no guest selected"));
	assert_int_equal(fk.n_actions, 0);
	assert_int_equal(xdom_exit_status(XDOM_EINVAL), 2);
}

static void
test_named_and_selected(void **state)
{
	(void)state;
	assert_int_equal(run("reboot cust-alice-web"), 0);
	assert_int_equal(fk.last_action, HV_ACT_REBOOT);
	assert_string_equal(fk.last_name, "cust-alice-web");
	assert_int_equal(run("use cust-alice-db"), 0);
	assert_string_equal(sh.selected, "cust-alice-db");
	assert_int_equal(run("reset"), 0);
	assert_int_equal(fk.last_action, HV_ACT_RESET);
	assert_string_equal(fk.last_name, "cust-alice-db");
	/* A guest's name alone selects it. */
	assert_int_equal(run("cust-alice-web"), 0);
	assert_string_equal(sh.selected, "cust-alice-web");
	assert_int_equal(run("shutdown"), 0);
	assert_int_equal(fk.last_action, HV_ACT_SHUTDOWN);
	assert_int_equal(run("shutdown force"), 0);
	assert_int_equal(fk.last_action, HV_ACT_DESTROY);
	assert_int_equal(run("boot cust-alice-db"), 0);
	assert_int_equal(fk.last_action, HV_ACT_BOOT);
	assert_string_equal(fk.last_name, "cust-alice-db");
	assert_int_equal(fk.n_actions, 5);
}

static void
test_refusals(void **state)
{
	(void)state;
	assert_int_equal(run("nosuch"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "unknown command or guest 'nosuch'"));
	assert_int_equal(run("use cust-bob-web"), XDOM_ENOENT);
	assert_string_equal(sh.selected, "");
	/* Another customer's guest: the backend (xdomd) says no. */
	assert_int_equal(run("reboot cust-bob-web"), XDOM_EPERM);
	assert_non_null(strstr(err_buf, "cust-bob-web: not allowed: reboot"));
	assert_int_equal(xdom_exit_status(XDOM_EPERM), 1);
	assert_int_equal(run("reboot a b"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "usage: reboot [NAME]"));
	assert_int_equal(run("use"), XDOM_EINVAL);
	assert_int_equal(run("help a b"), XDOM_EINVAL);
	assert_int_equal(fk.n_actions, 0);
}

static void
test_escape_attempts(void **state)
{
	static const char *const lines[] = { "reboot web01; sh", "; sh",
		"$(id)", "reboot $(id)", "reboot `id`", "!", "!!", "!sh",
		"reboot ../../etc/passwd", "reboot -rf", "reboot .hidden",
		"exec sh", "sh", "/bin/sh", "reboot 'cust-alice-web;id'",
		"reboot cust-alice-web\x1b[A", "reboot \xff\xfe" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		assert_int_not_equal(run(lines[i]), 0);
		assert_false(sh.done);
	}
	assert_int_equal(fk.n_actions, 0);
	/* Names are escaped before they are printed. */
	assert_null(strchr(err_buf, '\x1b'));
	assert_null(strchr(out_buf, '\x1b'));
}

static void
test_reason_flow(void **state)
{
	(void)state;
	fk.want_reason = true;
	answer(1, "ticket 4711");
	assert_int_equal(run("reset cust-alice-web"), 0);
	assert_int_equal(asked, 1);
	assert_string_equal(fk.last_reason, "ticket 4711");
	/* Declined: nothing happens. */
	answer(0);
	assert_int_equal(run("reset cust-alice-web"), XDOM_EREASON);
	assert_int_equal(fk.n_actions, 1);
	assert_non_null(strstr(err_buf, "a reason is required"));
	/* A blank reason is no reason. */
	answer(1, "   ");
	assert_int_not_equal(run("reset cust-alice-web"), 0);
	assert_non_null(strstr(err_buf, "a reason must be one line"));
	assert_int_equal(fk.n_actions, 1);
	/* Nor is one that shows nothing: NBSP, zero-width space, BOM. */
	answer(1, "\xc2\xa0\xe2\x80\x8b\xef\xbb\xbf");
	assert_int_not_equal(run("reset cust-alice-web"), 0);
	assert_non_null(strstr(err_buf, "a reason must be one line"));
	assert_int_not_equal(run("reset cust-alice-web --reason "
	    "'\xe3\x80\x80\xe2\x80\x8a'"), 0);
	assert_int_equal(fk.n_actions, 1);
	/* Given on the command line: not asked. */
	answer(0);
	assert_int_equal(run("reset cust-alice-web --reason 'ticket 42'"), 0);
	assert_string_equal(fk.last_reason, "ticket 42");
	assert_int_equal(run("reset cust-alice-web --reason"), XDOM_EINVAL);
	assert_int_equal(fk.n_actions, 2);
	/* Refused even with a reason: asked once, then the backend's
	 * message is the one line printed. */
	fk.always_reason = true;
	answer(2, "ticket 1", "ticket 2");
	fclose(sh.errf);
	free(err_buf);
	err_buf = NULL;
	sh.errf = open_memstream(&err_buf, &err_len);
	assert_int_equal(run("reset cust-alice-web"), XDOM_EREASON);
	assert_int_equal(asked, 1);
	assert_non_null(strstr(err_buf, "cust-alice-web: a reason is "
	    "required"));
	assert_int_equal(run("reset cust-alice-web --reason 'ticket 3'"),
	    XDOM_EREASON);
	assert_int_equal(asked, 1);
	assert_non_null(strstr(err_buf, "xdom: cust-alice-web: a reason is "
	    "required\nxdom: cust-alice-web: a reason is required\n"));
	assert_int_equal(fk.n_actions, 2);
}

static void
test_confirm_rules(void **state)
{
	(void)state;
	assert_true(shell_confirm_name("web01", "web01"));
	assert_false(shell_confirm_name("Web01", "web01"));
	assert_false(shell_confirm_name("web01 ", "web01"));
	assert_false(shell_confirm_name(" web01", "web01"));
	assert_false(shell_confirm_name("web0", "web01"));
	assert_false(shell_confirm_name("web011", "web01"));
	assert_false(shell_confirm_name("", "web01"));
	assert_false(shell_confirm_name("", ""));
	assert_false(shell_confirm_name(NULL, "web01"));
	assert_false(shell_confirm_name("yes", "web01"));
	assert_true(shell_confirm_yes("y"));
	assert_true(shell_confirm_yes("YES"));
	assert_true(shell_confirm_yes("Yes"));
	assert_false(shell_confirm_yes(""));
	assert_false(shell_confirm_yes("n"));
	assert_false(shell_confirm_yes("yes please"));
	assert_false(shell_confirm_yes(" y"));
	assert_false(shell_confirm_yes(NULL));
}

static void
test_reimage(void **state)
{
	(void)state;
	/* Wrong names change nothing. */
	answer(1, "Cust-alice-db");
	assert_int_equal(run("reimage cust-alice-db"), XDOM_EPERM);
	answer(1, "cust-alice-db ");
	assert_int_equal(run("reimage cust-alice-db"), XDOM_EPERM);
	answer(0);
	assert_int_equal(run("reimage cust-alice-db"), XDOM_EPERM);
	assert_non_null(strstr(err_buf, "not confirmed: nothing was changed"));
	assert_int_equal(fk.n_reimage, 0);
	/* What will be lost is shown first, by the guest's device name:
	 * where the host keeps the image is not shown. */
	assert_non_null(strstr(out_buf, "  xvda\n"));
	assert_null(strstr(out_buf, "/srv/xen"));
	/* Stopped guest: one question. */
	answer(1, "cust-alice-db");
	assert_int_equal(run("reimage cust-alice-db"), 0);
	assert_int_equal(asked, 1);
	assert_int_equal(fk.n_reimage, 1);
	assert_false(fk.reimage_shutdown_first);
	assert_non_null(strstr(out_buf, "100%"));
	assert_non_null(strstr(out_buf, "[###"));
	assert_non_null(strstr(out_buf, "re-imaged in"));
	/* Running guest: declining the shutdown changes nothing. */
	answer(2, "cust-alice-web", "n");
	assert_int_equal(run("reimage cust-alice-web"), XDOM_EPERM);
	assert_int_equal(fk.n_reimage, 1);
	answer(2, "cust-alice-web", "y");
	assert_int_equal(run("reimage cust-alice-web"), 0);
	assert_int_equal(fk.n_reimage, 2);
	assert_true(fk.reimage_shutdown_first);
	/* Already running elsewhere: a clear refusal. */
	fk.reimage_rc = XDOM_EBUSY;
	answer(1, "cust-alice-db");
	assert_int_equal(run("reimage cust-alice-db"), XDOM_EBUSY);
	assert_non_null(strstr(err_buf, "already running"));
}

static void
test_status_json(void **state)
{
	json_object *o, *g;
	char *line;

	(void)state;
	assert_int_equal(run("status --json cust-alice-web"), 0);
	o = json_tokener_parse(out_buf);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "name", &g));
	assert_string_equal(json_object_get_string(g), "cust-alice-web");
	assert_true(json_object_object_get_ex(o, "running", &g));
	assert_true(json_object_get_boolean(g));
	json_object_put(o);
	/* No guest selected: all of them, names kept exact. */
	line = out_buf + out_len;
	assert_int_equal(run("status --json"), 0);
	o = json_tokener_parse(line);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "guests", &g));
	assert_int_equal(json_object_array_length(g), 3);
	json_object_put(o);
	/* Human form, with the name escaped. */
	assert_int_equal(run("status cust-alice-web"), 0);
	assert_non_null(strstr(out_buf, "cust-alice-web: running, id 5"));
	assert_int_equal(run("uptime cust-alice-web"), 0);
	assert_non_null(strstr(out_buf, "up 1 day, 01:01:01"));
	assert_int_equal(run("info cust-alice-web"), 0);
	assert_non_null(strstr(out_buf, "mac 00:16:3e:00:00:01"));
	assert_int_equal(run("list"), 0);
	assert_non_null(strstr(out_buf, "bad\\x1bname"));
	assert_null(strchr(out_buf, '\x1b'));
}

static void
test_misc_commands(void **state)
{
	(void)state;
	assert_int_equal(run("sysrq s cust-alice-web"), 0);
	assert_int_equal(fk.last_sysrq, 's');
	assert_non_null(strstr(out_buf, "cust-alice-web: sent SysRq s"));
	assert_int_equal(run("use cust-alice-db"), 0);
	assert_int_equal(run("sysrq b"), 0);
	assert_int_equal(fk.last_sysrq, 'b');
	assert_string_equal(fk.last_name, "cust-alice-db");
	/* Keys that are not SysRq keys never reach the backend. */
	fk.last_sysrq = 0;
	assert_int_equal(run("sysrq"), XDOM_EINVAL);
	assert_int_equal(run("sysrq xx cust-alice-web"), XDOM_EINVAL);
	assert_int_equal(run("sysrq S cust-alice-web"), XDOM_EINVAL);
	assert_int_equal(run("sysrq ; cust-alice-web"), XDOM_EINVAL);
	assert_int_equal(run("sysrq a cust-alice-web"), XDOM_EINVAL);
	assert_int_equal(fk.last_sysrq, 0);
	assert_int_equal(run("sysrq s cust-bob-web"), XDOM_EPERM);
	assert_non_null(strstr(err_buf, "cust-bob-web: not allowed: sysrq"));
	/* A reason when the rules want one. */
	fk.want_reason = true;
	answer(1, "ticket 9");
	assert_int_equal(run("sysrq u cust-alice-web"), 0);
	assert_int_equal(fk.last_sysrq, 'u');
	assert_string_equal(fk.last_reason, "ticket 9");
	fk.want_reason = false;
	assert_int_equal(run("help reboot"), 0);
	assert_non_null(strstr(out_buf, "usage: reboot [NAME]"));
	assert_int_equal(run("help nosuch"), XDOM_EINVAL);
	assert_int_equal(run("version"), 0);
	assert_non_null(strstr(out_buf, "xdom-shell"));
	assert_int_equal(run("whoami"), 0);
	assert_non_null(strstr(out_buf, "alice"));
	assert_false(sh.done);
	assert_int_equal(run("quit"), 0);
	assert_true(sh.done);
}

/* ---- input without a terminal: lines, limits, idle timeout -------- */

static void
test_plain_input(void **state)
{
	struct shell s2;
	struct timespec t0, t1;
	char buf[16], *o = NULL;
	size_t n, olen = 0;
	long ms;
	int p[2], saved;

	(void)state;
	saved = dup(0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
	shell_init(&s2);
	s2.out = open_memstream(&o, &olen);
	s2.errf = s2.out;
	shell_term_init(&s2, NULL, 1);	/* 1 s idle timeout */
	assert_int_equal(s2.idle_s, 1);
	assert_ptr_not_equal(s2.ask, NULL);
	assert_int_equal(write(p[1], "list\nabcdefghijklmnopqrstuvwxyz\nx",
	    33), 33);
	assert_int_equal(shell_read_plain_line(buf, sizeof buf, &n), 0);
	assert_string_equal(buf, "list");
	assert_int_equal(n, 4);
	/* Too long: read to its end and refused, its tail never a line. */
	assert_int_equal(shell_read_plain_line(buf, sizeof buf, &n),
	    XDOM_EINVAL);
	/* "x" and then silence: a byte resets the timer, then it expires. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(shell_read_plain_line(buf, sizeof buf, &n),
	    XDOM_ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 900 && ms < 5000);
	/* A question nobody answers ends the session. */
	assert_false(s2.done);
	assert_int_equal(s2.ask(&s2, "Type the guest's name: ", buf,
	    sizeof buf), XDOM_ETIMEDOUT);
	assert_true(s2.done);
	/* The session's end is announced last, by main, after whatever
	 * the command says about the question. */
	assert_true(s2.idle_expired);
	/* End of input. */
	close(p[1]);
	assert_int_equal(shell_read_plain_line(buf, sizeof buf, &n),
	    XDOM_EIO);
	shell_term_done();
	fclose(s2.out);
	free(o);
	shell_dispose(&s2);
	dup2(saved, 0);
	close(saved);
}

/* ---- pure helpers ------------------------------------------------- */

static void
test_progress_format(void **state)
{
	char b[256];

	(void)state;
	shell_progress_format(b, sizeof b, 0, 0, "backup", 10);
	assert_string_equal(b, "[..........]   0%  0:00  backup");
	shell_progress_format(b, sizeof b, 500, 65, "writing image", 10);
	assert_string_equal(b, "[#####.....]  50%  1:05  writing image");
	shell_progress_format(b, sizeof b, 5000, 3661, "done", 10);
	assert_string_equal(b, "[##########] 100%  1:01:01  done");
	shell_progress_format(b, sizeof b, 999, 0, "x\x1b[2J", 20);
	assert_non_null(strstr(b, " 99%"));
	assert_non_null(strstr(b, "x\\x1b[2J"));
	shell_progress_format(b, 8, 500, 0, "x", 30);
	assert_int_equal(strlen(b), 7);
}

static char *
joined(char **v)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, v[i]);
	}
	shell_complete_free(v);
	return buf;
}

static void
test_completion(void **state)
{
	struct hv_guest_list g = { 0 };
	struct xdom_err err = { 0 };
	const struct shell_cmd *t = shell_commands;
	size_t n = shell_n_commands;

	(void)state;
	tfx_fake_guests(NULL, &g, &err);
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "", "re")),
	    "reboot reimage reset restore resume");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "", "cust-alice-w")),
	    "cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "", "s")),
	    "save select serial shutdown start status stop sysrq");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "reboot ", "")),
	    "cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "reboot x ", "")),
	    "");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "shutdown ", "f")),
	    "force");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL,
	    "shutdown force ", "")), "cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "boot ", "")),
	    "console cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "help ", "con")),
	    "console control");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "use ", "")),
	    "cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "sysrq ", "")),
	    "");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "sysrq s ", "c")),
	    "cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "list ", "")), "");
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "nosuch ", "")),
	    "");
	/* A name that could not be acted on is never offered. */
	assert_string_equal(joined(shell_complete(t, n, &g, NULL, "", "bad")), "");
	assert_string_equal(joined(shell_complete(t, n, NULL, NULL, "reboot ", "")),
	    "");
	hv_guest_list_dispose(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_invariants, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_needs_a_guest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_named_and_selected, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_attempts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reason_flow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_confirm_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reimage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_misc_commands, setup,
		    teardown),
		cmocka_unit_test(test_plain_input),
		cmocka_unit_test(test_progress_format),
		cmocka_unit_test(test_completion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
