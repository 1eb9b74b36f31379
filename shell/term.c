/*
 * term.c - readline glue, history, completion hook, questions and the
 * console hand-over (see term.h).
 */
#include "shell/term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "console/console.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "shell/ui.h"


volatile sig_atomic_t shell_winch;

static int term_read(struct shell *sh, const char *prompt, bool cancel,
    char **line);

static struct shell *term_sh;		/* for the completion hook */
static char *term_history_path;
static long term_idle_s;
static bool term_installed;
static bool term_got;
static char *term_line;

static void
term_handler(char *line)
{
	term_line = line;
	term_got = true;
	rl_callback_handler_remove();
	term_installed = false;
}

/* Readline's default completer lists files: offer nothing instead. */
static char *
term_no_files(const char *text, int state)
{
	(void)text;
	(void)state;
	return NULL;
}

static char **term_matches;

static char *
term_generator(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (state == 0)
		i = 0;
	if (term_matches == NULL || term_matches[i] == NULL)
		return NULL;
	return xstrdup(term_matches[i++]);
}

static char **
term_complete(const char *text, int start, int end)
{
	const struct hv_guest_list *g = NULL;
	char **r;
	char *before;

	(void)end;
	rl_attempted_completion_over = 1;
	before = xstrndup(rl_line_buffer, (size_t)start);
	if (term_sh != NULL)
		g = shell_guests(term_sh, false);
	/* Offer only what the policy grants (xdomd's list says). */
	term_matches = shell_complete(shell_commands, shell_n_commands, g,
	    g != NULL && term_sh->rights_known ? term_sh->allowed : NULL,
	    before, text);
	free(before);
	r = rl_completion_matches(text, term_generator);
	shell_complete_free(term_matches);
	term_matches = NULL;
	return r;
}

static void
term_history_print(struct shell *sh)
{
	HIST_ENTRY **h = history_list();
	char esc[4 * SHELL_LINE_MAX + 1];
	int i;

	for (i = 0; h != NULL && h[i] != NULL; i++)
		fprintf(sh->out, "%5d  %s\n", i + history_base,
		    shell_esc(esc, sizeof esc, h[i]->line));
}

/* Question asked by a command; readline with its own prompt. */
static int
term_ask_rl(struct shell *sh, const char *prompt, char *buf, size_t len)
{
	char *line = NULL;
	int rc;

	rc = term_read(sh, prompt, true, &line);
	if (rc != 0)
		return rc;
	if (strlen(line) >= len) {
		free(line);
		return XDOM_EINVAL;
	}
	snprintf(buf, len, "%s", line);
	free(line);
	return 0;
}


int
shell_read_plain_line(char *buf, size_t len, size_t *got_len)
{
	struct pollfd p;
	long deadline = 0, left;
	size_t n = 0;
	bool too_long = false;
	ssize_t r;
	char c;
	int pr;

	*got_len = 0;
	buf[0] = '\0';
	if (term_idle_s > 0)
		deadline = xdom_mono_ms() + term_idle_s * 1000;
	for (;;) {
		if (deadline != 0) {
			/* Idle means no byte at all for term_idle_s. */
			left = deadline - xdom_mono_ms();
			if (left <= 0)
				return XDOM_ETIMEDOUT;
			p.fd = STDIN_FILENO;
			p.events = POLLIN;
			p.revents = 0;
			pr = poll(&p, 1, left < 1000000000 ? (int)left :
			    1000000000);
			if (pr < 0 && errno == EINTR) {
				if (shell_hangup || shell_interrupted)
					return XDOM_EIO;
				continue;
			}
			if (pr == 0)
				continue;
			deadline = xdom_mono_ms() + term_idle_s * 1000;
		}
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR) {
			if (shell_hangup || shell_interrupted)
				return XDOM_EIO;
			continue;
		}
		if (r <= 0) {
			if (n == 0 && !too_long)
				return XDOM_EIO;
			break;
		}
		if (c == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = c;
		else
			too_long = true;
	}
	buf[n] = '\0';
	*got_len = n;
	return too_long ? XDOM_EINVAL : 0;
}

/* Question asked when stdin is not a terminal: one line from stdin. */
static int
term_ask_plain(struct shell *sh, const char *prompt, char *buf, size_t len)
{
	size_t n;

	int rc;

	fputs(prompt, sh->out);
	fflush(sh->out);
	rc = shell_read_plain_line(buf, len, &n);
	fputc('\n', sh->out);	/* the answer was not echoed */
	fflush(sh->out);
	if (rc == XDOM_ETIMEDOUT) {
		/* Said last, after what the command says about it. */
		sh->idle_expired = true;
		sh->done = true;
	}
	return rc;
}

void
shell_term_init(struct shell *sh, const char *history_path, long idle_s)
{
	term_sh = sh;
	term_idle_s = idle_s;
	sh->idle_s = idle_s;
	sh->history_print = term_history_print;
	sh->ask = isatty(STDIN_FILENO) ? term_ask_rl : term_ask_plain;

	rl_readline_name = "xdom-shell";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_attempted_completion_function = term_complete;
	rl_completion_entry_function = term_no_files;
	rl_basic_word_break_characters = " \t";
	rl_completer_word_break_characters = (char *)" \t";
	rl_completer_quote_characters = NULL;
	rl_filename_completion_desired = 0;
	/* `!` and `^` are text here: never history expansion. */
	history_expansion_char = '\0';
	history_subst_char = '\0';
	history_comment_char = '\0';
	/* Ctrl-] leaves a console; at the prompt it must not swallow the
	 * next key as readline's character-search would. */
	rl_unbind_key(0x1d);
	using_history();
	stifle_history(SHELL_HISTORY_LINES);
	if (history_path != NULL) {
		term_history_path = xstrdup(history_path);
		(void)read_history(term_history_path);
	}
}

void
shell_term_size(struct shell *sh)
{
	struct winsize ws;

	if (ioctl(fileno(sh->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		sh->cols = ws.ws_col;
		sh->rows = ws.ws_row;
	} else {
		sh->cols = sh->rows = 0;
	}
}

void
shell_term_remember(const char *line)
{
	HIST_ENTRY *last = history_get(history_base + history_length - 1);
	int fd;

	if (last != NULL && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (term_history_path == NULL)
		return;
	/* Appended, never rewritten from this session's memory, so that
	 * sessions running at the same time keep each other's lines. */
	fd = open(term_history_path, O_WRONLY | O_CREAT | O_APPEND |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	close(fd);
	(void)append_history(1, term_history_path);
	(void)history_truncate_file(term_history_path, SHELL_HISTORY_LINES);
}

void
shell_term_done(void)
{
	if (term_installed) {
		rl_callback_handler_remove();
		term_installed = false;
	}
	free(term_history_path);
	term_history_path = NULL;
	term_sh = NULL;
}

/* Take readline off the terminal mid-line (restores the tty modes). */
static void
term_abort_line(void)
{
	if (term_installed) {
		rl_callback_handler_remove();
		term_installed = false;
	}
}

/* Read a line; a question (cancel) gives up on Ctrl-C, the prompt
 * starts over. */
static int
term_read(struct shell *sh, const char *prompt, bool cancel, char **line)
{
	struct pollfd p;
	long deadline = 0, left;
	int n;

	*line = NULL;
	if (term_idle_s > 0)
		deadline = xdom_mono_ms() + term_idle_s * 1000;
	term_got = false;
	term_line = NULL;
	rl_callback_handler_install(prompt, term_handler);
	term_installed = true;
	while (!term_got) {
		if (shell_hangup) {
			term_abort_line();
			return XDOM_EIO;
		}
		left = -1;
		if (deadline != 0) {
			left = deadline - xdom_mono_ms();
			if (left <= 0) {
				term_abort_line();
				fputc('\n', sh->out);
				fflush(sh->out);
				/* Also when it was a question that timed
				 * out: the session ends. The note saying so
				 * comes last (main), after the command's. */
				sh->idle_expired = true;
				sh->done = true;
				return XDOM_ETIMEDOUT;
			}
		}
		p.fd = STDIN_FILENO;
		p.events = POLLIN;
		p.revents = 0;
		n = poll(&p, 1, left > 0 && left < 1000000000 ? (int)left : -1);
		if (n < 0 && errno != EINTR) {
			term_abort_line();
			return XDOM_EIO;
		}
		if (n < 0) {
			if (shell_winch) {
				shell_winch = 0;
				rl_resize_terminal();
			}
			if (shell_interrupted && cancel) {
				/* ^C where the cursor is, then a new line:
				 * taking readline off the terminal returns
				 * the cursor to column 0 (it ends bracketed
				 * paste with a CR), which would draw ^C over
				 * the question. */
				shell_interrupted = 0;
				fputs("^C\n", sh->out);
				fflush(sh->out);
				term_abort_line();
				return XDOM_EIO;
			}
			if (shell_interrupted) {
				/* Ctrl-C: drop what was typed, start over. */
				shell_interrupted = 0;
				rl_free_line_state();
				rl_callback_sigcleanup();
				rl_replace_line("", 0);
				rl_crlf();
				rl_on_new_line();
				rl_redisplay();
			}
			continue;
		}
		if (n == 0)
			continue;
		if (deadline != 0)
			deadline = xdom_mono_ms() + term_idle_s * 1000;
		rl_callback_read_char();
	}
	if (term_line == NULL) {
		fputc('\n', sh->out);
		return XDOM_EIO;	/* Ctrl-D or end of input */
	}
	*line = term_line;
	return 0;
}

int
shell_term_read(struct shell *sh, const char *prompt, char **line)
{
	return term_read(sh, prompt, false, line);
}

int
shell_console_relay(struct shell *sh, int fd, const char *name,
    struct xdom_err *err)
{
	struct console_result res = { 0 };
	struct console_opts o;
	int rc;

	console_opts_init(&o);
	o.escape = sh->console_escape != 0 ? sh->console_escape :
	    CONSOLE_ESCAPE_DEFAULT;
	o.name = name;
	o.result = &res;
	o.note_fd = fileno(sh->out);
	if (!isatty(o.in_fd))
		o.linger_ms = 1000;	/* piped input: show the answer */
	o.idle_ms = sh->idle_s * 1000;	/* the shell's idle rule holds here */
	fflush(sh->out);
	rc = console_relay(fd, &o, err);
	/* A hang-up while on the console ends the session too. */
	if (rc == 0 && res.end == CONSOLE_END_SIGNAL && res.signo != SIGINT)
		shell_hangup = 1;
	if (rc == 0 && res.end == CONSOLE_END_EOF)
		shell_hangup = 1;
	if (rc == 0 && res.end == CONSOLE_END_IDLE) {
		sh->idle_expired = true;	/* main says so, last */
		sh->done = true;
	}
	return rc;
}

int
shell_console_escape_set(struct shell *sh, const char *spec,
    struct xdom_err *err)
{
	return console_escape_parse(spec, &sh->console_escape, err);
}
