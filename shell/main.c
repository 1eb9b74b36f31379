/*
 * main.c - xdom-shell, the restricted login shell for hosting customers.
 *
 * Runs as the logged-in user with no privilege and acts only through
 * xdomd (the helper backend), which checks every request against the
 * policy using the kernel's idea of who we are. The shell's own job is to
 * be a shell nobody can leave: it never runs another program, ignores job
 * control and Ctrl-\, starts from a cleaned environment, treats every
 * input byte as text for its own small parser, and logs out when idle.
 *
 *   xdom-shell                    interactive (also as "-xdom-shell")
 *   xdom-shell -c "reboot web01"  one command (sshd: ssh user@host CMD)
 *   SSH_ORIGINAL_COMMAND=...      one command under a ForceCommand
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/exitcode.h"
#include "core/xmalloc.h"
#include "hypervisor/hv.h"
#include "shell/login.h"
#include "shell/shell.h"
#include "shell/term.h"

/* A customer's shell reaches guests only through xdomd: no local backend,
 * no Xen library and no SSH client is linked into it. */
const struct hv_backend *const hv_backends[] = {
	&hv_helper_backend,
	NULL,
};

int main(int argc, char **argv);

#define IDLE_DEFAULT_S 1800
#define FAIL_PAUSE_S 3	/* a start-up failure stays readable this long */

/* What main() keeps from the environment before clearing it. */
struct saved_env {
	char *term, *lang, *lc_all, *lc_ctype, *lc_messages;
	char *ssh_command;	/* SSH_ORIGINAL_COMMAND */
	char *config;		/* XDOM_CONFIG */
	char *sim_dir;		/* XDOM_SIM_DIR, used only with --backend=sim */
};

static void
main_on_signal(int sig)
{
	if (sig == SIGINT)
		shell_interrupted = 1;
	else if (sig == SIGWINCH)
		shell_winch = 1;
	else
		shell_hangup = 1;
}

/* Job control and Ctrl-\ do nothing; the rest only set flags, and
 * without SA_RESTART so a waiting poll() or read() notices. */
static void
main_signals(void)
{
	static const int ignored[] = { SIGTSTP, SIGTTIN, SIGTTOU, SIGQUIT,
	    SIGPIPE };
	static const int caught[] = { SIGINT, SIGHUP, SIGTERM, SIGWINCH };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		sigaction(ignored[i], &sa, NULL);
	sa.sa_handler = main_on_signal;
	for (i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaction(caught[i], &sa, NULL);
}

/* A locale or terminal name: short, and only characters such names use. */
static char *
main_keep_word(const char *v)
{
	size_t i;

	if (v == NULL || v[0] == '\0' || strlen(v) > 64)
		return NULL;
	for (i = 0; v[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-+@", v[i]) == NULL)
			return NULL;
	return xstrdup(v);
}

static char *
main_keep(const char *v)
{
	return v != NULL ? xstrdup(v) : NULL;
}

static void
main_setenv(const char *k, const char *v)
{
	if (v != NULL)
		setenv(k, v, 1);
}

/* Keep only what the shell needs; everything else the login carried
 * (LD_*, BASH_ENV, IFS, ...) is gone before anything else runs. */
static void
main_clean_env(struct saved_env *s, const struct passwd *pw)
{
	s->term = main_keep_word(getenv("TERM"));
	s->lang = main_keep_word(getenv("LANG"));
	s->lc_all = main_keep_word(getenv("LC_ALL"));
	s->lc_ctype = main_keep_word(getenv("LC_CTYPE"));
	s->lc_messages = main_keep_word(getenv("LC_MESSAGES"));
	s->ssh_command = main_keep(getenv("SSH_ORIGINAL_COMMAND"));
	s->config = main_keep(getenv("XDOM_CONFIG"));
	s->sim_dir = main_keep(getenv("XDOM_SIM_DIR"));
	clearenv();
	setenv("PATH", "/usr/bin:/bin", 1);
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	setenv("INPUTRC", access("/etc/inputrc", R_OK) == 0 ?
	    "/etc/inputrc" : "/dev/null", 1);
	main_setenv("TERM", s->term);
	main_setenv("LANG", s->lang);
	main_setenv("LC_ALL", s->lc_all);
	main_setenv("LC_CTYPE", s->lc_ctype);
	main_setenv("LC_MESSAGES", s->lc_messages);
}

static void
main_free_env(struct saved_env *s)
{
	free(s->term);
	free(s->lang);
	free(s->lc_all);
	free(s->lc_ctype);
	free(s->lc_messages);
	free(s->ssh_command);
	free(s->config);
	free(s->sim_dir);
}

static void
main_usage(FILE *f)
{
	fputs("usage: xdom-shell [--config FILE] [--socket PATH] "
	    "[-c COMMAND]\n"
	    "  The restricted login shell for managing your own guests.\n"
	    "  -c COMMAND       run one command and exit (ssh user@host "
	    "COMMAND)\n"
	    "  --config FILE    xdom.conf (default $XDOM_CONFIG, then "
	    XDOM_CONF_DEFAULT ")\n"
	    "  --socket PATH    xdomd's socket (default: the config's "
	    "'socket')\n", f);
}

/* Whether the -c text is only this program being started again, as a
 * ForceCommand naming xdom-shell does: one word, nothing after it (so
 * "xdom-shell reboot web01" is an unknown command, not a silent no-op). */
static bool
main_is_self(const char *cmd)
{
	const char *end, *base, *p;

	while (*cmd == ' ')
		cmd++;
	end = cmd + strcspn(cmd, " ");
	for (p = end; *p == ' '; p++)
		;
	if (*p != '\0')
		return false;
	base = cmd;
	for (p = cmd; p < end; p++)
		if (*p == '/')
			base = p + 1;
	return (size_t)(end - base) == strlen("xdom-shell") &&
	    strncmp(base, "xdom-shell", strlen("xdom-shell")) == 0;
}

/* Lines from a stdin that is not a terminal: run each, no prompt. */
static int
main_run_plain(struct shell *sh)
{
	char buf[SHELL_LINE_MAX + 2];
	size_t n;
	int rc, first = 0;

	/* The session fails when any line failed: the first failure sets
	 * the exit status, as `sh -e` scripts expect from a batch. */
	while (!sh->done && !shell_hangup) {
		rc = shell_read_plain_line(buf, sizeof buf, &n);
		if (rc == XDOM_EIO)
			break;
		if (rc == XDOM_ETIMEDOUT) {
			sh->idle_expired = true;
			break;
		}
		if (rc == XDOM_EINVAL)
			rc = shell_fail(sh, rc, "line too long (the limit is "
			    "%d bytes): nothing was done", SHELL_LINE_MAX);
		else
			rc = shell_run_line(sh, buf, n);
		if (first == 0)
			first = rc;
		fflush(sh->out);
	}
	if (sh->idle_expired)
		return shell_fail(sh, XDOM_ETIMEDOUT, "no input for %ld s: "
		    "logging out", sh->idle_s);
	return first;
}

/* The admin's banner (xdom.conf `banner`), when there is one. */
static void
main_banner(struct shell *sh, const struct conf *conf)
{
	static char text[4 * SHELL_BANNER_MAX + 64];
	struct xdom_err err = { 0 };
	const char *path = conf_get(conf, "banner");

	if (path == NULL || path[0] == '\0')
		return;
	if (shell_banner_read(path, text, sizeof text, &err) != 0) {
		syslog(LOG_AUTHPRIV | LOG_WARNING, "%s", xdom_err_msg(&err));
		return;
	}
	fputs(text, sh->out);
}

static int
main_run_interactive(struct shell *sh, const char *user,
    const struct conf *conf)
{
	char prompt[XDOM_NAME_MAX + 16], esc[4 * XDOM_NAME_MAX + 1];
	struct shell_args a;
	struct xdom_err err = { 0 };
	char *line = NULL;
	int rc = 0;

	main_banner(sh, conf);
	shell_esc(esc, sizeof esc, user);
	fprintf(sh->out, "xdom-shell %s: manage your guests, %s. Type 'help' "
	    "for the commands, 'exit' to leave.\n", XDOM_SHELL_VERSION, esc);
	if (hv_simulated(sh->hv))
		fputs("SIMULATED host: nothing here touches a real guest.\n",
		    sh->out);
	/* Most customers have one guest: it is the one they mean. */
	shell_autoselect(sh);
	while (!sh->done) {
		if (sh->selected[0] != '\0')
			snprintf(prompt, sizeof prompt, "xdom[%s]> ",
			    sh->selected);
		else
			snprintf(prompt, sizeof prompt, "xdom> ");
		fflush(sh->out);
		rc = shell_term_read(sh, prompt, &line);
		if (rc != 0)
			break;
		/* Only lines that parse are remembered. */
		if (shell_parse(&a, line, strlen(line), &err) == 0 &&
		    a.argc > 0)
			shell_term_remember(line);
		shell_interrupted = 0;
		shell_term_size(sh);
		rc = shell_run_line(sh, line, strlen(line));
		free(line);
		line = NULL;
		fflush(sh->out);
		fflush(sh->errf);
	}
	if (sh->idle_expired) {
		fprintf(sh->out, "Idle for %ld s: logging out.\n", sh->idle_s);
		fflush(sh->out);
		return XDOM_ETIMEDOUT;
	}
	return 0;
}

/*
 * The session cannot start (config, xdomd): the customer reads one plain
 * sentence, the admin finds the detail in syslog (and on stderr when it
 * is not a terminal, where a script or the tests read it). A terminal
 * keeps the sentence on screen a moment: a PuTTY window closes with the
 * session.
 */
static void
main_fail_start(const char *user, const struct xdom_err *err)
{
	char esc[4 * XDOM_ERR_MSG_MAX + 1];

	xdom_escape(esc, sizeof esc, xdom_err_msg(err));
	syslog(LOG_AUTHPRIV | LOG_ERR, "user %s: cannot start: %s", user, esc);
	fprintf(stderr, "%s\n", SHELL_UNAVAILABLE_MSG);
	fflush(stderr);
	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
		sleep(FAIL_PAUSE_S);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "socket", required_argument, NULL, 'S' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct saved_env env = { 0 };
	struct xdom_err err = { 0 };
	struct shell sh;
	struct conf *conf = NULL;
	struct passwd *pw;
	struct rlimit nocore = { 0, 0 };
	const char *command = NULL, *config = NULL, *socket_path = NULL;
	const char *backend = "helper";
	char *history = NULL;
	long idle = IDLE_DEFAULT_S;
	int opt, rc, status = 1;

	main_signals();
	umask(077);
	(void)setrlimit(RLIMIT_CORE, &nocore);
	shell_init(&sh);
	pw = getpwuid(getuid());
	if (pw == NULL || pw->pw_name == NULL || pw->pw_dir == NULL) {
		fputs("xdom: who are you? (uid has no passwd entry)\n", stderr);
		return 1;
	}
	main_clean_env(&env, pw);
	shell_locale_setup();
	openlog("xdom-shell", LOG_PID, LOG_AUTHPRIV);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			command = optarg;
			break;
		case 'C':
			config = optarg;
			break;
		case 'S':
			socket_path = optarg;
			break;
		case 'B':
			if (strcmp(optarg, "sim") != 0 &&
			    strcmp(optarg, "helper") != 0) {
				fputs("xdom: --backend: xdom-shell reaches guests "
				    "only through xdomd ('helper')\n", stderr);
				status = 2;
				goto out;
			}
			backend = optarg;
			break;
		case 'h':
			main_usage(stdout);
			status = 0;
			goto out;
		case 'V':
			printf("xdom-shell %s\n", XDOM_SHELL_VERSION);
			status = 0;
			goto out;
		default:
			fputs("xdom: unknown option (try --help)\n", stderr);
			status = 2;
			goto out;
		}
	}
	if (optind != argc) {
		fputs("xdom: unexpected argument (try --help)\n", stderr);
		status = 2;
		goto out;
	}
	if (config == NULL && env.config != NULL && env.config[0] != '\0')
		config = env.config;
	rc = conf_load(&conf, config != NULL ? config : XDOM_CONF_DEFAULT,
	    config != NULL, &err);
	if (rc != 0) {
		main_fail_start(pw->pw_name, &err);
		goto out;
	}
	if (conf_get_long(conf, "idle_timeout", IDLE_DEFAULT_S, 0, 7 * 86400,
	    &idle, &err) != 0) {
		main_fail_start(pw->pw_name, &err);
		goto out;
	}
	if (socket_path == NULL)
		socket_path = conf_get(conf, "socket");
	if (conf_get(conf, "console_escape") != NULL &&
	    shell_console_escape_set(&sh, conf_get(conf, "console_escape"),
	    &err) != 0) {
		main_fail_start(pw->pw_name, &err);
		goto out;
	}

	/* ForceCommand: sshd ran us for the user's own command. */
	if (env.ssh_command != NULL &&
	    (command == NULL || main_is_self(command)))
		command = env.ssh_command[0] != '\0' ? env.ssh_command : NULL;
	else if (command != NULL && main_is_self(command))
		command = NULL;

	sh.hvo.backend = backend;
	sh.hvo.conf = conf;
	sh.hvo.socket = socket_path;
	sh.hvo.sim_dir = strcmp(backend, "sim") == 0 ? env.sim_dir : NULL;
	sh.user = pw->pw_name;
	rc = hv_open(&sh.hv, &sh.hvo, &err);
	if (rc != 0) {
		main_fail_start(pw->pw_name, &err);
		goto out;
	}
	history = xasprintf("%s/.xdom_history", pw->pw_dir);
	sh.interactive = command == NULL && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	shell_term_init(&sh, sh.interactive ? history : NULL, idle);
	if (sh.interactive)
		shell_term_size(&sh);
	if (command != NULL)
		rc = shell_run_line(&sh, command, strlen(command));
	else if (sh.interactive)
		rc = main_run_interactive(&sh, pw->pw_name, conf);
	else
		rc = main_run_plain(&sh);
	status = xdom_exit_status(rc);
	if (rc == XDOM_ETIMEDOUT)
		status = 0;
out:
	fflush(stdout);
	shell_term_done();
	hv_close(sh.hv);
	shell_dispose(&sh);
	conf_free(conf);
	free(history);
	main_free_env(&env);
	closelog();
	return status;
}
