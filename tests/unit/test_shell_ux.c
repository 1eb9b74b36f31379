/*
 * test_shell_ux.c - xdom-shell as a customer meets it (issue 13): the
 * only guest selected by itself, only what the policy grants offered
 * (help, completion, keywords) and checked before a question, the stop
 * questions naming the guest, plain messages when the service fails, no
 * host paths, "did you mean", case-insensitive commands, pause and
 * unpause, output fitted to the terminal and paged, the banner, the
 * locale fallback, the encoding named, history appended.
 *
 * The guests and their rights come from a loader this file installs
 * (sh.guests_load), as xdomd's list reply would give them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/policy.h"
#include "core/xmalloc.h"
#include "hypervisor/hv.h"
#include "shell/login.h"
#include "shell/shell.h"
#include "shell/term.h"
#include "shell/ui.h"

#define R(a) (1u << (a))
/* What shell_ssh.sh's customer A may do. */
#define CUSTOMER (R(POLICY_LIST) | R(POLICY_STATUS) | R(POLICY_STATS) | \
	R(POLICY_BOOT) | R(POLICY_SHUTDOWN) | R(POLICY_REBOOT) | \
	R(POLICY_RESET) | R(POLICY_CONSOLE) | R(POLICY_PAUSE) | \
	R(POLICY_UNPAUSE))

/* ---- guests, rights and a backend that records actions ------------ */

static struct {
	size_t n;			/* guests listed: 1 or 2 */
	uint32_t allowed, need_reason;	/* the same for each */
	bool web_stopped;
	int fail_rc;			/* every action fails so */
	int n_actions;
	enum hv_action last;
	char last_name[80];
} fx;

static int
fx_load(struct shell *s, struct xdom_err *err)
{
	static const char *const names[] = { "cust-alice-web",
		"cust-alice-db" };
	size_t i;

	(void)err;
	s->guests.n = fx.n;
	s->guests.g = xcalloc(fx.n + 1, sizeof *s->guests.g);
	s->allowed = xcalloc(fx.n + 1, sizeof *s->allowed);
	s->need_reason = xcalloc(fx.n + 1, sizeof *s->need_reason);
	for (i = 0; i < fx.n; i++) {
		s->guests.g[i].name = xstrdup(names[i]);
		s->guests.g[i].running = !(i == 0 && fx.web_stopped);
		s->guests.g[i].id = s->guests.g[i].running ? 7 + (uint32_t)i : 0;
		s->allowed[i] = fx.allowed;
		s->need_reason[i] = fx.need_reason;
	}
	s->rights_known = true;
	return 0;
}

static int
fx_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	(void)hv;
	(void)reason;
	if (fx.fail_rc != 0)
		return xdom_err_errno(err, fx.fail_rc, 2, "cannot reach xdomd "
		    "at /run/xdom/xdomd.sock (is it running?)");
	fx.n_actions++;
	fx.last = a;
	snprintf(fx.last_name, sizeof fx.last_name, "%s", name);
	return 0;
}

static int
fx_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	(void)hv;
	(void)err;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->running = true;
	out->id = 7;
	out->mem_kb = 1024 * 1024;
	out->maxmem_kb = 2048 * 1024;
	out->vcpus = 1;
	out->uptime_s = 3600;
	out->n_disks = 1;
	snprintf(out->disks[0].vdev, sizeof out->disks[0].vdev, "xvda");
	snprintf(out->disks[0].target, sizeof out->disks[0].target,
	    "/var/lib/xdom/sim/images/%s.img", name);
	out->disks[0].writable = true;
	out->n_nics = 1;
	snprintf(out->nics[0].mac, sizeof out->nics[0].mac,
	    "00:16:3e:aa:bb:cc");
	snprintf(out->nics[0].bridge, sizeof out->nics[0].bridge, "xenbr7");
	return 0;
}

static const struct hv_backend fx_backend = {
	.name = "fakebackend",
	.info = fx_info,
	.action = fx_action,
};
static struct hv fx_hv = { &fx_backend, NULL };

/* ---- a session with scripted answers ------------------------------ */

static struct shell sh;
static char *out_buf, *err_buf;
static size_t out_len, err_len;
static const char *answers[4];
static int n_answers, asked;
static char last_prompt[512];

static int
fx_ask(struct shell *s, const char *prompt, char *buf, size_t len)
{
	(void)s;
	snprintf(last_prompt, sizeof last_prompt, "%s", prompt);
	if (asked >= n_answers) {
		asked++;
		return XDOM_EIO;
	}
	snprintf(buf, len, "%s", answers[asked++]);
	return 0;
}

static void
answer(const char *a)
{
	answers[0] = a;
	n_answers = a != NULL ? 1 : 0;
	asked = 0;
	last_prompt[0] = '\0';
}

static int
setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.n = 2;
	fx.allowed = CUSTOMER;
	shell_init(&sh);
	sh.hv = &fx_hv;
	sh.guests_load = fx_load;
	sh.out = open_memstream(&out_buf, &out_len);
	sh.errf = open_memstream(&err_buf, &err_len);
	sh.ask = fx_ask;
	sh.user = "alice";
	answer(NULL);
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

/* Run one line with fresh output buffers. */
static int
run(const char *line)
{
	int rc;

	fclose(sh.out);
	fclose(sh.errf);
	free(out_buf);
	free(err_buf);
	sh.out = open_memstream(&out_buf, &out_len);
	sh.errf = open_memstream(&err_buf, &err_len);
	sh.guests_valid = false;	/* rights as the test just set them */
	rc = shell_run_line(&sh, line, strlen(line));
	fflush(sh.out);
	fflush(sh.errf);
	return rc;
}

/* ---- one guest ------------------------------------------------------ */

static void
test_only_guest_selected(void **state)
{
	(void)state;
	fx.n = 1;
	/* -c / ssh host reboot: no name needed with one guest. */
	assert_int_equal(run("reboot"), 0);
	assert_int_equal(fx.last, HV_ACT_REBOOT);
	assert_string_equal(fx.last_name, "cust-alice-web");
	assert_int_equal(run("uptime"), 0);
	assert_non_null(strstr(out_buf, "cust-alice-web: up 01:00:00"));
	/* At the prompt it is selected, so the prompt can show it. */
	shell_autoselect(&sh);
	assert_string_equal(sh.selected, "cust-alice-web");
	/* Two guests: nothing is guessed. */
	sh.selected[0] = '\0';
	fx.n = 2;
	sh.guests_valid = false;
	shell_autoselect(&sh);
	assert_string_equal(sh.selected, "");
	fx.n_actions = 0;
	assert_int_equal(run("reboot"), XDOM_EINVAL);
	assert_int_equal(fx.n_actions, 0);
	assert_non_null(strstr(err_buf, "cust-alice-web, cust-alice-db"));
}

static void
test_reset_explains(void **state)
{
	(void)state;
	sh.interactive = true;
	assert_int_equal(run("reset"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "does not reset this terminal"));
	assert_int_equal(asked, 0);
	assert_int_equal(fx.n_actions, 0);
}

/* ---- questions ------------------------------------------------------ */

static void
test_stop_questions(void **state)
{
	static const struct {
		const char *line, *prompt;
		enum hv_action a;
	} q[] = {
		{ "reset cust-alice-web",
		    "Hard-reset cust-alice-web now? (y/N) ", HV_ACT_RESET },
		{ "shutdown cust-alice-web",
		    "Shut down cust-alice-web now? (y/N) ", HV_ACT_SHUTDOWN },
		{ "destroy cust-alice-web", "Stop cust-alice-web at once",
		    HV_ACT_DESTROY },
		{ "shutdown force cust-alice-web", "Stop cust-alice-web at once",
		    HV_ACT_DESTROY },
	};
	size_t i;

	(void)state;
	fx.allowed = CUSTOMER | R(POLICY_DESTROY);
	for (i = 0; i < sizeof q / sizeof q[0]; i++) {
		sh.interactive = true;
		fx.n_actions = 0;
		answer("n");
		assert_int_equal(run(q[i].line), XDOM_EPERM);
		assert_int_equal(asked, 1);
		assert_non_null(strstr(last_prompt, q[i].prompt));
		assert_int_equal(fx.n_actions, 0);
		answer("y");
		assert_int_equal(run(q[i].line), 0);
		assert_int_equal(fx.n_actions, 1);
		assert_int_equal(fx.last, q[i].a);
		/* ssh host CMD and piped input act without a question. */
		sh.interactive = false;
		answer(NULL);
		assert_int_equal(run(q[i].line), 0);
		assert_int_equal(asked, 0);
		assert_int_equal(fx.n_actions, 2);
	}
	/* A stopped guest: nothing to ask about. */
	sh.interactive = true;
	fx.web_stopped = true;
	answer("y");
	assert_int_equal(run("reset cust-alice-web"), XDOM_ESTATE);
	assert_int_equal(asked, 0);
}

static void
test_rights_before_question(void **state)
{
	(void)state;
	sh.interactive = true;
	fx.allowed = CUSTOMER & ~R(POLICY_RESET);
	answer("y");
	assert_int_equal(run("reset cust-alice-web"), XDOM_EPERM);
	assert_non_null(strstr(err_buf, "not allowed: reset"));
	assert_int_equal(asked, 0);
	/* shutdown force needs destroy. */
	assert_int_equal(run("shutdown force cust-alice-web"), XDOM_EPERM);
	assert_non_null(strstr(err_buf, "not allowed: shutdown force"));
	assert_int_equal(asked, 0);
	/* The resource commands that ask: refused before the question. */
	assert_int_equal(run("save cust-alice-web"), XDOM_EPERM);
	assert_int_equal(run("memory 64 cust-alice-web"), XDOM_EPERM);
	assert_int_equal(run("detach xvdb cust-alice-web"), XDOM_EPERM);
	assert_int_equal(asked, 0);
	assert_int_equal(fx.n_actions, 0);
}

/* ---- offered: help and completion ----------------------------------- */

static void
test_help_offers_granted(void **state)
{
	(void)state;
	assert_int_equal(run("help"), 0);
	assert_non_null(strstr(out_buf, "  reboot [NAME]"));
	assert_non_null(strstr(out_buf, "  pause [NAME]"));
	assert_non_null(strstr(out_buf, "  shutdown [NAME]"));
	assert_null(strstr(out_buf, "force"));
	assert_null(strstr(out_buf, "destroy"));
	assert_null(strstr(out_buf, "reimage"));
	assert_null(strstr(out_buf, "  memory SIZE"));
	assert_null(strstr(out_buf, "  save"));
	assert_null(strstr(out_buf, "  attach"));
	/* Nobody here needs a reason: no hint about one. */
	assert_int_equal(run("help reset"), 0);
	assert_null(strstr(out_buf, "--reason"));
	fx.need_reason = R(POLICY_RESET);
	assert_int_equal(run("help reset"), 0);
	assert_non_null(strstr(out_buf, "--reason"));
	assert_non_null(strstr(out_buf, "quote it twice"));
	fx.allowed |= R(POLICY_DESTROY);
	assert_int_equal(run("help"), 0);
	assert_non_null(strstr(out_buf, "shutdown [force] [NAME]"));
	assert_non_null(strstr(out_buf, "destroy [NAME]"));
}

static char *
joined(char **v)
{
	static char buf[1024];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; v[i] != NULL; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s",
		    i ? " " : "", v[i]);
	shell_complete_free(v);
	return buf;
}

static void
test_completion_granted(void **state)
{
	const struct hv_guest_list *g;
	const struct shell_cmd *t = shell_commands;
	size_t n = shell_n_commands;

	(void)state;
	g = shell_guests(&sh, true);
	assert_non_null(g);
	assert_string_equal(joined(shell_complete(t, n, g, sh.allowed, "",
	    "re")), "reboot reset resume");
	assert_string_equal(joined(shell_complete(t, n, g, sh.allowed, "",
	    "s")), "select serial shutdown start status stop");
	assert_string_equal(joined(shell_complete(t, n, g, sh.allowed,
	    "shutdown ", "")), "cust-alice-db cust-alice-web");
	assert_string_equal(joined(shell_complete(t, n, g, sh.allowed,
	    "save ", "")), "");
	/* A guest where the command is not granted is not offered. */
	sh.allowed[1] &= ~R(POLICY_REBOOT);
	assert_string_equal(joined(shell_complete(t, n, g, sh.allowed,
	    "reboot ", "")), "cust-alice-web");
}

/* ---- messages ------------------------------------------------------- */

static void
test_customer_messages(void **state)
{
	(void)state;
	/* The service failing: one plain sentence, no path, no errno. */
	fx.fail_rc = XDOM_EUNAVAIL;
	assert_int_equal(run("reboot cust-alice-web"), XDOM_EUNAVAIL);
	assert_string_equal(err_buf, SHELL_UNAVAILABLE_MSG "\n");
	fx.fail_rc = 0;
	/* No backend names. */
	assert_int_equal(run("version"), 0);
	assert_null(strstr(out_buf, "fakebackend"));
	assert_null(strstr(out_buf, "backend"));
	/* No host paths or bridges. */
	assert_int_equal(run("info cust-alice-web"), 0);
	assert_non_null(strstr(out_buf, "disk:    xvda (read-write)"));
	assert_non_null(strstr(out_buf, "mac 00:16:3e:aa:bb:cc"));
	assert_null(strstr(out_buf, "/var/lib"));
	assert_null(strstr(out_buf, "xenbr"));
	/* Did you mean, among one's own guests and the commands. */
	assert_int_equal(run("reboot cust-alice-wbe"), XDOM_ENOENT);
	assert_non_null(strstr(err_buf, "did you mean cust-alice-web?"));
	assert_int_equal(run("use cust-alise-db"), XDOM_ENOENT);
	assert_non_null(strstr(err_buf, "did you mean cust-alice-db?"));
	assert_int_equal(run("stauts"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "did you mean 'status'?"));
	assert_int_equal(fx.n_actions, 0);
	/* Commands in any case, as xen-shell lower-cased them. */
	assert_int_equal(run("REBOOT cust-alice-web"), 0);
	assert_int_equal(run("Pause cust-alice-web"), 0);
	assert_int_equal(fx.last, HV_ACT_PAUSE);
	assert_int_equal(run("unpause cust-alice-web"), 0);
	assert_int_equal(fx.last, HV_ACT_UNPAUSE);
	assert_non_null(strstr(out_buf, "cust-alice-web: running again"));
	/* ssh joins words: the usage error says how to quote a reason. */
	assert_int_equal(run("reset --reason ticket 5 cust-alice-web"),
	    XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "quote twice"));
}

/* ---- sized to the terminal ------------------------------------------ */

static void
test_fitted_output(void **state)
{
	char line[256], *p, *nl;
	unsigned cols;

	(void)state;
	for (cols = 40; cols <= 64; cols++) {
		shell_progress_fit(line, sizeof line, 420, 65, "writing image",
		    cols);
		assert_true(strlen(line) < cols);
		assert_non_null(strstr(line, " 42%"));
	}
	shell_progress_fit(line, sizeof line, 420, 65, "writing image", 0);
	assert_non_null(strstr(line, "[############.................."));
	/* list: every line fits 40 columns, NAME not 32 wide. */
	sh.cols = 40;
	sh.rows = 12;
	assert_int_equal(run("list"), 0);
	for (p = out_buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		assert_true(nl - p <= 40);
	assert_non_null(strstr(out_buf, "  NAME           STATE"));
	assert_non_null(strstr(out_buf, "pause"));
}

static void
test_help_paged(void **state)
{
	char *first;

	(void)state;
	sh.interactive = true;
	sh.cols = 40;
	sh.rows = 12;
	answer("q");
	assert_int_equal(run("help"), 0);
	assert_int_equal(asked, 1);
	assert_non_null(strstr(last_prompt, "-- more"));
	/* Stopped after one screenful: less than the whole list. */
	first = strdup(out_buf);
	assert_null(strstr(first, "exit"));
	free(first);
	/* Enter goes on to the end. */
	n_answers = 4;
	answers[0] = answers[1] = answers[2] = answers[3] = "";
	asked = 0;
	assert_int_equal(run("help"), 0);
	assert_true(asked >= 2);
	assert_non_null(strstr(out_buf, "exit"));
	/* Not a terminal: never paged. */
	sh.interactive = false;
	answer(NULL);
	assert_int_equal(run("help"), 0);
	assert_int_equal(asked, 0);
	assert_non_null(strstr(out_buf, "exit"));
}

/* ---- login: banner, locale ------------------------------------------ */

static void
test_banner(void **state)
{
	char dir[] = "/tmp/xdom-banner.XXXXXX", path[128], lnk[128];
	static char buf[4 * SHELL_BANNER_MAX + 64];
	struct xdom_err err = { 0 };
	FILE *f;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/banner", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Welcome to Example Hosting\r\n\tSupport: \x1b[2Jhelp@ex\n"
	    "caf\xc3\xa9 \xff\n", f);
	fclose(f);
	assert_int_equal(shell_banner_read(path, buf, sizeof buf, &err), 0);
	assert_string_equal(buf, "Welcome to Example Hosting\n"
	    "\tSupport: \\x1b[2Jhelp@ex\ncaf\xc3\xa9 \\xff\n");
	/* Bounded: a big file is cut at a line end. */
	f = fopen(path, "w");
	for (i = 0; i < 1000; i++)
		fprintf(f, "line %d\n", i);
	fclose(f);
	assert_int_equal(shell_banner_read(path, buf, sizeof buf, &err), 0);
	assert_true(strlen(buf) <= SHELL_BANNER_MAX);
	assert_true(buf[strlen(buf) - 1] == '\n');
	/* Not a regular file: refused, nothing shown. */
	assert_int_not_equal(shell_banner_read(dir, buf, sizeof buf, &err), 0);
	assert_string_equal(buf, "");
	snprintf(lnk, sizeof lnk, "%s/link", dir);
	assert_int_equal(symlink(path, lnk), 0);
	assert_int_not_equal(shell_banner_read(lnk, buf, sizeof buf, &err), 0);
	unlink(lnk);
	assert_int_equal(mkfifo(lnk, 0600), 0);
	assert_int_not_equal(shell_banner_read(lnk, buf, sizeof buf, &err), 0);
	unlink(lnk);
	unlink(path);
	rmdir(dir);
}

static void
test_locale_fallback(void **state)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++)
		unsetenv(vars[i]);
	assert_true(shell_locale_setup());		/* nothing set */
	assert_true(MB_CUR_MAX > 1);
	unsetenv("LC_CTYPE");
	setenv("LC_ALL", "C", 1);
	assert_true(shell_locale_setup());
	assert_true(MB_CUR_MAX > 1);
	/* Readline takes LC_CTYPE from the environment again. */
	assert_string_equal(getenv("LC_ALL"), "C.UTF-8");
	unsetenv("LC_ALL");
	setenv("LC_CTYPE", "UTF-8", 1);			/* macOS's */
	assert_true(shell_locale_setup());
	assert_true(MB_CUR_MAX > 1);
	setenv("LC_CTYPE", "C.UTF-8", 1);
	assert_false(shell_locale_setup());		/* already fine */
	unsetenv("LC_CTYPE");
	setlocale(LC_ALL, "C");
}

static void
test_encoding_named(void **state)
{
	(void)state;
	assert_int_equal(run("list\xff\xfe"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "not UTF-8 (ISO-8859-1?)"));
	assert_non_null(strstr(err_buf, "set your terminal to UTF-8"));
	assert_int_equal(run("use \x93web\x94"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "Windows-1252"));
}

/* ---- history -------------------------------------------------------- */

static void
test_history_appended(void **state)
{
	char dir[] = "/tmp/xdom-hist.XXXXXX", path[128], text[4096];
	struct shell s2;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/.xdom_history", dir);
	shell_init(&s2);
	shell_term_init(&s2, path, 0);
	shell_term_remember("status");
	/* Another session appends meanwhile. */
	f = fopen(path, "a");
	fputs("reboot from-the-other-session\n", f);
	fclose(f);
	shell_term_remember("list");
	shell_term_done();
	f = fopen(path, "r");
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_string_equal(text, "status\nreboot from-the-other-session\n"
	    "list\n");
	unlink(path);
	rmdir(dir);
	shell_dispose(&s2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_only_guest_selected, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reset_explains, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_questions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rights_before_question,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_offers_granted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_completion_granted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_customer_messages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fitted_output, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_help_paged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_encoding_named, setup,
		    teardown),
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_locale_fallback),
		cmocka_unit_test(test_history_appended),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
