/*
 * top_input.c - the interactive dashboard: terminal set-up and teardown,
 * the main loop, keys and mouse (libtermkey), prompts and actions.
 *
 * One thread draws and reads keys; it waits in poll() on the terminal, a
 * self-pipe written by signal handlers, and the action worker's wake-up
 * pipe, so a refresh, a key, a resize or an action's result is handled
 * at once and nothing blocks the screen. The terminal is restored on
 * every way out: a normal quit, SIGINT/SIGTERM/SIGHUP (through the loop),
 * and fatal signals (a minimal async-signal-safe reset, then the
 * default action).
 */
#include "top/top_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <termkey.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/xmalloc.h"
#include "console/console.h"

/* ---- signals ---- */

static int top_sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t top_sig_quit, top_sig_winch, top_sig_tstp;
static long top_idle_s;		/* top_idle_set(); 0: none */
static bool top_idle_hit;

void
top_idle_set(long seconds)
{
	top_idle_s = seconds > 0 ? seconds : 0;
}

bool
top_idle_expired(void)
{
	return top_idle_hit;
}
static struct termios top_saved_tio;
static volatile sig_atomic_t top_have_tio;

static void
top_on_signal(int s)
{
	int e = errno;
	ssize_t n;

	if (s == SIGWINCH)
		top_sig_winch = 1;
	else if (s == SIGTSTP)
		top_sig_tstp = 1;
	else
		top_sig_quit = s;
	if (top_sig_pipe[1] >= 0)
		n = write(top_sig_pipe[1], "s", 1);
	(void)n;
	errno = e;
}

/* A crash: put the terminal back as well as a signal handler can. */
static void
top_on_fatal(int s)
{
	static const char seq[] = "\033[?1006l\033[?1000l\033[0m\033[?25h"
	    "\033[?1049l\r\n";
	ssize_t n = write(STDOUT_FILENO, seq, sizeof seq - 1);

	(void)n;
	if (top_have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &top_saved_tio);
	signal(s, SIG_DFL);
	raise(s);
}

static const int top_quit_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGWINCH, SIGTSTP };
static const int top_fatal_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    SIGABRT };

struct top_saved_sigs {
	struct sigaction quit[sizeof top_quit_sigs / sizeof(int)];
	struct sigaction fatal[sizeof top_fatal_sigs / sizeof(int)];
};

static void
top_signals_install(struct top_saved_sigs *sv)
{
	struct sigaction sa;
	size_t k;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = top_on_signal;
	for (k = 0; k < sizeof top_quit_sigs / sizeof(int); k++)
		sigaction(top_quit_sigs[k], &sa, &sv->quit[k]);
	sa.sa_handler = top_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (k = 0; k < sizeof top_fatal_sigs / sizeof(int); k++)
		sigaction(top_fatal_sigs[k], &sa, &sv->fatal[k]);
}

static void
top_signals_restore(const struct top_saved_sigs *sv)
{
	size_t k;

	for (k = 0; k < sizeof top_quit_sigs / sizeof(int); k++)
		sigaction(top_quit_sigs[k], &sv->quit[k], NULL);
	for (k = 0; k < sizeof top_fatal_sigs / sizeof(int); k++)
		sigaction(top_fatal_sigs[k], &sv->fatal[k], NULL);
}

static void
top_drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* ---- the session ---- */

struct top_session {
	struct top_ui ui;
	TermKey *tk;
	SCREEN *scr;
	int wake[2];
	uint64_t next_refresh;
	bool quit, dirty, curses_on;
	char *settings_path;
	char **themes;
	size_t n_themes;
	char reason[128];	/* the last audit reason given */
	char *act_names[TOP_ACT_MAX_DOMS];	/* targets of the action */
	size_t n_act;
};

static void
mouse_set(bool on)
{
	static const char onseq[] = "\033[?1000h\033[?1006h";
	static const char offseq[] = "\033[?1006l\033[?1000l";
	ssize_t n;

	fflush(stdout);
	n = write(STDOUT_FILENO, on ? onseq : offseq, on ? sizeof onseq - 1 :
	    sizeof offseq - 1);
	(void)n;
}

static void
ui_settings_from(struct top_ui *ui, const struct top_settings *s)
{
	memcpy(ui->order, s->order, sizeof ui->order);
	memcpy(ui->shown, s->shown, sizeof ui->shown);
}

static void
ui_settings_to(const struct top_session *ss, struct top_settings *s)
{
	const struct top_ui *ui = &ss->ui;

	top_settings_default(s);
	s->delay = ui->o->delay;
	memcpy(s->order, ui->order, sizeof s->order);
	memcpy(s->shown, ui->shown, sizeof s->shown);
	s->sort_col = ui->m.sort_col;
	s->sort_desc = ui->m.sort_desc;
	snprintf(s->theme, sizeof s->theme, "%s", ui->theme.name);
	s->totals = ui->m.totals;
	s->networks = ui->o->networks;
	s->vbds = ui->o->vbds;
	s->vcpus = ui->o->vcpus;
	s->repeat_header = ui->o->repeat_header;
	s->full_name = ui->o->full_name;
	s->dom0_first = ui->m.dom0_first;
	s->pcpus = ui->pcpu_view;
}

static void
ui_save_settings(struct top_session *ss, bool say)
{
	struct xdom_err err = { 0, "" };
	struct top_settings s;

	if (ss->settings_path == NULL) {
		if (say)
			top_ui_status(&ss->ui, true, 5, "settings: no home "
			    "directory to save to");
		return;
	}
	ui_settings_to(ss, &s);
	if (top_settings_save(&s, ss->settings_path, &err) != 0)
		top_ui_status(&ss->ui, true, 5, "%s", xdom_err_msg(&err));
	else {
		ss->ui.settings_dirty = false;
		if (say)
			top_ui_status(&ss->ui, false, 3, "settings saved");
	}
}

static void
ui_apply_theme(struct top_session *ss, const char *name, bool say)
{
	struct xdom_err err = { 0, "" };
	struct top_ui *ui = &ss->ui;

	if (top_theme_load(&ui->theme, name, &err) != 0)
		top_ui_status(ui, true, 5, "%s", xdom_err_msg(&err));
	else if (say)
		top_ui_status(ui, false, 3, "theme %s%s", ui->theme.name,
		    ui->use_color ? "" : " (no colours: NO_COLOR or terminal)");
	top_theme_apply(&ui->theme, ui->use_color, ui->attrs);
	bkgdset(' ' | ui->attrs[TH_ROW]);
}

/* Remember which domain the cursor is on, by (host, id, name). */
static void
ui_mark_sel(struct top_ui *ui)
{
	const struct snap *s = top_model_cur(&ui->m);
	const struct snap_dom *d;

	if (ui->m.n_order == 0) {
		ui->sel_valid = false;
		return;
	}
	if (ui->sel >= ui->m.n_order)
		ui->sel = ui->m.n_order - 1;
	d = &s->dom[ui->m.order[ui->sel]];
	ui->sel_valid = true;
	ui->sel_host = d->host;
	ui->sel_id = d->id;
	snprintf(ui->sel_name, sizeof ui->sel_name, "%s", snap_dom_name(s, d));
	hv_dom_ref(ui->hv, s, d, ui->sel_ref, sizeof ui->sel_ref);
}

/* After a refresh or sort, find the marked domain again. */
static bool
ui_find_sel(struct top_ui *ui)
{
	const struct snap *s = top_model_cur(&ui->m);
	size_t p;

	if (!ui->sel_valid)
		return false;
	for (p = 0; p < ui->m.n_order; p++) {
		const struct snap_dom *d = &s->dom[ui->m.order[p]];

		if (d->host == ui->sel_host && d->id == ui->sel_id &&
		    strcmp(snap_dom_name(s, d), ui->sel_name) == 0) {
			ui->sel = p;
			return true;
		}
	}
	/* Rebooted: same name, new id. */
	for (p = 0; p < ui->m.n_order; p++) {
		const struct snap_dom *d = &s->dom[ui->m.order[p]];

		if (d->host == ui->sel_host &&
		    strcmp(snap_dom_name(s, d), ui->sel_name) == 0) {
			ui->sel = p;
			ui_mark_sel(ui);
			return true;
		}
	}
	return false;
}

static void
ui_resort(struct top_ui *ui)
{
	top_model_sort(&ui->m);
	if (!ui_find_sel(ui) && ui->m.n_order > 0) {
		if (ui->sel >= ui->m.n_order)
			ui->sel = ui->m.n_order - 1;
		ui_mark_sel(ui);
	}
	top_ui_scroll_to_sel(ui);
}

static void
ui_refresh_data(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	struct xdom_err err = { 0, "" };
	bool had = ui->sel_valid;
	char gone[4 * 128 + 8];

	if (top_model_collect(&ui->m, ui->hv, ui->what, &err) != 0) {
		top_ui_status(ui, true, 0, "refresh failed: %s (retrying)",
		    xdom_err_msg(&err));
		return;
	}
	top_model_update(&ui->m);
	top_model_sort(&ui->m);
	if (!ui_find_sel(ui)) {
		if (had && ui->mode == UI_DETAIL) {
			xdom_escape(gone, sizeof gone, ui->sel_name);
			top_ui_status(ui, true, 5, "%s is gone", gone);
			ui->mode = UI_LIST;
		}
		if (ui->sel >= ui->m.n_order && ui->m.n_order > 0)
			ui->sel = ui->m.n_order - 1;
		ui_mark_sel(ui);
	}
	top_ui_scroll_to_sel(ui);
	ui->refreshes++;
	if (ui->status_err && ui->status_until == 0 &&
	    strncmp(ui->status, "refresh failed", 14) == 0)
		ui->status[0] = '\0';
}

/* ---- actions ---- */

/* The domains an action applies to: the tagged ones, else the cursor's. */
static size_t
ui_targets(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	size_t k;

	for (k = 0; k < ss->n_act; k++)
		free(ss->act_names[k]);
	ss->n_act = 0;
	if (ui->n_tags > 0) {
		for (k = 0; k < ui->n_tags && k < TOP_ACT_MAX_DOMS; k++)
			ss->act_names[ss->n_act++] = xstrdup(ui->tags[k]);
	} else if (ui->sel_valid && ui->m.n_order > 0)
		ss->act_names[ss->n_act++] = xstrdup(ui->sel_ref);
	return ss->n_act;
}

static const struct {
	int key;
	enum hv_action act;
	bool console;
	const char *verb;	/* for the question */
} ui_action_keys[] = {
	{ 'p', HV_ACT_PAUSE, false, "Pause" },
	{ 'u', HV_ACT_UNPAUSE, false, "Unpause" },
	{ 's', HV_ACT_SHUTDOWN, false, "Shut down" },
	{ 'r', HV_ACT_REBOOT, false, "Reboot" },
	{ 'd', HV_ACT_DESTROY, false, "Destroy (stop at once)" },
	{ 'c', HV_ACT_BOOT, true, "Open the console of" },
};

static void
ui_console(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	struct xdom_err err = { 0, "" };
	struct console_opts co;
	struct console_result res = { CONSOLE_END_ESCAPE, 0 };
	const char *spec = NULL;
	char esc[4 * 128 + 8];
	int fd = -1, rc;

	xdom_escape(esc, sizeof esc, ss->act_names[0]);
	rc = hv_console_reason(ui->hv, ss->act_names[0], ss->reason[0] ?
	    ss->reason : NULL, &fd, &err);
	if (rc == XDOM_EREASON) {
		ui->prompt = PR_REASON;
		ui->input[0] = '\0';
		ui->input_len = 0;
		return;
	}
	if (rc != 0) {
		top_ui_status(ui, true, 8, "console %s: %s", esc,
		    xdom_err_msg(&err));
		return;
	}
	console_opts_init(&co);
	co.name = ss->act_names[0];
	co.result = &res;
	if (ui->hvo != NULL && ui->hvo->conf != NULL)
		spec = conf_get(ui->hvo->conf, "console_escape");
	if (spec != NULL && console_escape_parse(spec, &co.escape, NULL) != 0)
		co.escape = CONSOLE_ESCAPE_DEFAULT;
	/* Leave curses entirely; the relay owns the terminal. */
	mouse_set(false);
	termkey_stop(ss->tk);
	def_prog_mode();
	endwin();
	ss->curses_on = false;
	rc = console_relay(fd, &co, &err);
	close(fd);
	reset_prog_mode();
	ss->curses_on = true;
	termkey_start(ss->tk);
	mouse_set(true);
	clearok(curscr, TRUE);
	if (rc != 0)
		top_ui_status(ui, true, 8, "console %s: %s", esc,
		    xdom_err_msg(&err));
	else if (res.end == CONSOLE_END_SIGNAL && res.signo != SIGINT)
		ss->quit = true;
	else
		top_ui_status(ui, false, 5, "console %s: %s", esc,
		    res.end == CONSOLE_END_CLOSED ? "closed by the guest" :
		    "left");
	ss->next_refresh = xdom_mono_ns();
}

static void
ui_run_action(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	char esc[4 * 128 + 8];
	size_t k;
	int rc;

	for (k = 0; k < ss->n_act; k++) {
		/* A remote domain is HOST/NAME: the host is one of the
		 * fleet's own labels; the name is checked here. */
		const char *nm = ss->act_names[k], *sl = strrchr(nm, '/');

		if (sl != NULL && hv_remote(ui->hv))
			nm = sl + 1;
		if (!xdom_name_valid(nm)) {
			xdom_escape(esc, sizeof esc, ss->act_names[k]);
			top_ui_status(ui, true, 8, "%s: not a name xdom acts "
			    "on (letters, digits, . _ -)", esc);
			return;
		}
	}
	if (ui->act_console) {
		ui_console(ss);
		return;
	}
	rc = top_worker_submit(ui->worker, ui->act, ss->act_names, ss->n_act,
	    ss->reason[0] ? ss->reason : NULL);
	if (rc == XDOM_EBUSY) {
		top_ui_status(ui, true, 5, "another action is still running");
		return;
	}
	xdom_escape(esc, sizeof esc, ss->act_names[0]);
	if (ss->n_act == 1)
		top_ui_status(ui, false, 0, "%s %s ...",
		    hv_action_name(ui->act), esc);
	else
		top_ui_status(ui, false, 0, "%s %zu domains ...",
		    hv_action_name(ui->act), ss->n_act);
}

static void
ui_worker_done(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	char line[300], first[128];
	enum hv_action a;
	int rc;

	if (!top_worker_result(ui->worker, line, sizeof line, &rc, &a, first,
	    sizeof first))
		return;
	if (rc == XDOM_EREASON) {
		ui->act = a;
		ui->act_console = false;
		ui->prompt = PR_REASON;
		ui->input[0] = '\0';
		ui->input_len = 0;
		return;
	}
	top_ui_status(ui, rc != 0, 8, "%s", line);
	/* Show the effect soon, not at the next tick. */
	ss->next_refresh = xdom_mono_ns() + 100000000ull;
	ss->dirty = true;
}

/* ---- keys ---- */

enum {
	K_UP = 0x110001, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME,
	K_END, K_ENTER, K_ESC, K_BS, K_F1, K_CTRL_L, K_TAB,
};

static int
key_code(TermKey *tk, const TermKeyKey *k, char utf8[8])
{
	(void)tk;
	utf8[0] = '\0';
	if (k->type == TERMKEY_TYPE_UNICODE) {
		if ((k->modifiers & TERMKEY_KEYMOD_CTRL) &&
		    (k->code.codepoint == 'l' || k->code.codepoint == 'L'))
			return K_CTRL_L;
		if (k->modifiers & (TERMKEY_KEYMOD_CTRL | TERMKEY_KEYMOD_ALT))
			return 0;
		snprintf(utf8, 8, "%s", k->utf8);
		return (int)k->code.codepoint;
	}
	if (k->type == TERMKEY_TYPE_FUNCTION)
		return k->code.number == 1 ? K_F1 : 0;
	if (k->type != TERMKEY_TYPE_KEYSYM)
		return 0;
	switch (k->code.sym) {
	case TERMKEY_SYM_UP: return K_UP;
	case TERMKEY_SYM_DOWN: return K_DOWN;
	case TERMKEY_SYM_LEFT: return K_LEFT;
	case TERMKEY_SYM_RIGHT: return K_RIGHT;
	case TERMKEY_SYM_PAGEUP: return K_PGUP;
	case TERMKEY_SYM_PAGEDOWN: return K_PGDN;
	case TERMKEY_SYM_HOME: return K_HOME;
	case TERMKEY_SYM_END: return K_END;
	case TERMKEY_SYM_ENTER: return K_ENTER;
	case TERMKEY_SYM_ESCAPE: return K_ESC;
	case TERMKEY_SYM_BACKSPACE: case TERMKEY_SYM_DEL: return K_BS;
	case TERMKEY_SYM_TAB: return K_TAB;
	case TERMKEY_SYM_SPACE: snprintf(utf8, 8, " "); return ' ';
	default: return 0;
	}
}

static int
key_upper(int k)
{
	return k >= 'a' && k <= 'z' ? k - 'a' + 'A' : k;
}

static void
ui_move(struct top_ui *ui, long delta)
{
	long n = (long)ui->m.n_order, p = (long)ui->sel + delta;

	if (n == 0)
		return;
	if (p < 0)
		p = 0;
	if (p >= n)
		p = n - 1;
	ui->sel = (size_t)p;
	ui_mark_sel(ui);
	top_ui_scroll_to_sel(ui);
}

/* Sort by the next/previous shown column, with its own direction. */
static void
ui_sort_step(struct top_ui *ui, int step)
{
	int k, pos = 0, n = COL__COUNT;

	for (k = 0; k < n; k++)
		if (ui->order[k] == (int)ui->m.sort_col)
			pos = k;
	for (k = 1; k <= n; k++) {
		int c = ui->order[(pos + step * k + n * 2) % n];

		if (ui->shown[c]) {
			ui->m.sort_col = (enum top_col)c;
			ui->m.sort_desc = top_cols[c].sort_desc;
			break;
		}
	}
	ui->settings_dirty = true;
	ui_resort(ui);
}

static void
ui_sort_by(struct top_ui *ui, int c)
{
	if ((int)ui->m.sort_col == c)
		ui->m.sort_desc = !ui->m.sort_desc;
	else {
		ui->m.sort_col = (enum top_col)c;
		ui->m.sort_desc = top_cols[c].sort_desc;
	}
	ui->settings_dirty = true;
	ui_resort(ui);
}

static void
ui_toggle_tag(struct top_ui *ui)
{
	size_t k;

	if (!ui->sel_valid || ui->m.n_order == 0)
		return;
	for (k = 0; k < ui->n_tags; k++) {
		if (strcmp(ui->tags[k], ui->sel_ref) == 0) {
			free(ui->tags[k]);
			ui->tags[k] = ui->tags[--ui->n_tags];
			ui_move(ui, 1);
			return;
		}
	}
	if (ui->n_tags < TOP_MAX_TAGS)
		ui->tags[ui->n_tags++] = xstrdup(ui->sel_ref);
	ui_move(ui, 1);
}

static void
ui_start_prompt(struct top_ui *ui, enum top_prompt p, const char *init)
{
	ui->prompt = p;
	snprintf(ui->input, sizeof ui->input, "%s", init);
	ui->input_len = strlen(ui->input);
}

static void
ui_cycle_theme(struct top_session *ss)
{
	size_t k, next = 0;

	if (ss->themes == NULL)
		ss->themes = top_theme_names(&ss->n_themes);
	for (k = 0; k < ss->n_themes; k++)
		if (strcmp(ss->themes[k], ss->ui.theme.name) == 0)
			next = (k + 1) % ss->n_themes;
	ui_apply_theme(ss, ss->themes[next], true);
	ss->ui.settings_dirty = true;
}

/* Keys of the main list (xentop's are case-insensitive, so are ours). */
static void
ui_key_list(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;
	long page = ui->rows_h > 1 ? ui->rows_h - 1 : 1;

	switch (key_upper(key)) {
	case 'D':
		ui_start_prompt(ui, PR_DELAY, "");
		break;
	case 'N':
		ui->o->networks = !ui->o->networks;
		ui->settings_dirty = true;
		break;
	case 'B':
		ui->o->vbds = !ui->o->vbds;
		ui->settings_dirty = true;
		break;
	case 'V':
		ui->o->vcpus = !ui->o->vcpus;
		if (ui->o->vcpus && !(ui->what & HV_SNAP_VCPUS)) {
			ui->what |= HV_SNAP_VCPUS;
			ss->next_refresh = xdom_mono_ns();
		}
		ui->settings_dirty = true;
		break;
	case 'R':
		ui->o->repeat_header = !ui->o->repeat_header;
		ui->settings_dirty = true;
		break;
	case 'S':
		ui_sort_step(ui, 1);
		break;
	case '>':
		ui_sort_step(ui, 1);
		break;
	case '<':
		ui_sort_step(ui, -1);
		break;
	case 'I':
		ui->m.sort_desc = !ui->m.sort_desc;
		ui->settings_dirty = true;
		ui_resort(ui);
		break;
	case 'Q':
	case K_ESC:
		ss->quit = true;
		break;
	case K_UP: ui_move(ui, -1); break;
	case K_DOWN: ui_move(ui, 1); break;
	case K_PGUP: ui_move(ui, -page); break;
	case K_PGDN: ui_move(ui, page); break;
	case K_HOME: ui_move(ui, -(long)ui->m.n_order); break;
	case K_END: ui_move(ui, (long)ui->m.n_order); break;
	case K_LEFT:
		if (ui->hscroll > 0)
			ui->hscroll--;
		break;
	case K_RIGHT:
		if (ui->hscroll < COL__COUNT - 3)
			ui->hscroll++;
		break;
	case 'T':
		ui->m.totals = !ui->m.totals;
		ui->settings_dirty = true;
		ui_resort(ui);
		break;
	case '/':
		ui_start_prompt(ui, PR_FILTER, ui->m.filter);
		break;
	case K_ENTER:
		if (ui->m.n_order == 0)
			break;
		ui->mode = UI_DETAIL;
		if (!(ui->what & HV_SNAP_VCPUS)) {
			ui->what |= HV_SNAP_VCPUS;
			ss->next_refresh = xdom_mono_ns();
		}
		break;
	case ' ':
		ui_toggle_tag(ui);
		break;
	case 'A':
		if (ui_targets(ss) == 0)
			top_ui_status(ui, true, 3, "no domain selected");
		else
			ui->prompt = PR_ACTION;
		break;
	case 'C':
		ui->mode = UI_COLUMNS;
		ui->col_cursor = 0;
		break;
	case 'P':
		if (ui->o->mode == TOP_MODE_RESTRICTED)
			top_ui_status(ui, true, 3, "not available here");
		else if (ui->m.n_pcpu == 0 && !ui->pcpu_view)
			top_ui_status(ui, true, 3, "this backend gives no "
			    "per-physical-CPU data");
		else {
			ui->pcpu_view = !ui->pcpu_view;
			ui->settings_dirty = true;
		}
		break;
	case 'Y':
		ui_cycle_theme(ss);
		break;
	case 'W':
		ui_save_settings(ss, true);
		break;
	case 'H':
	case '?':
	case K_F1:
		ui->mode = UI_HELP;
		ui->help_top = 0;
		break;
	case K_CTRL_L:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

static void
ui_key_detail(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	switch (key_upper(key)) {
	case K_ESC: case K_ENTER: case K_BS: case K_LEFT:
		ui->mode = UI_LIST;
		break;
	case 'Q':
		ss->quit = true;
		break;
	case K_UP: ui_move(ui, -1); break;
	case K_DOWN: ui_move(ui, 1); break;
	case 'T': case 'A': case 'Y': case 'W': case K_CTRL_L:
		ui_key_list(ss, key);
		break;
	case 'H': case '?': case K_F1:
		ui->mode = UI_HELP;
		break;
	default:
		break;
	}
}

static void
ui_key_help(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	switch (key) {
	case K_UP: ui->help_top--; break;
	case K_DOWN: ui->help_top++; break;
	case K_PGUP: ui->help_top -= LINES - 2; break;
	case K_PGDN: ui->help_top += LINES - 2; break;
	default:
		ui->mode = UI_LIST;
		break;
	}
}

static void
ui_key_columns(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;
	int c = ui->col_cursor, t;

	switch (key) {
	case K_UP: if (c > 0) ui->col_cursor--; break;
	case K_DOWN: if (c < COL__COUNT - 1) ui->col_cursor++; break;
	case ' ':
		ui->shown[ui->order[c]] = !ui->shown[ui->order[c]];
		ui->settings_dirty = true;
		break;
	case '<': case '-':
		if (c > 0) {
			t = ui->order[c - 1];
			ui->order[c - 1] = ui->order[c];
			ui->order[c] = t;
			ui->col_cursor--;
			ui->settings_dirty = true;
		}
		break;
	case '>': case '+':
		if (c < COL__COUNT - 1) {
			t = ui->order[c + 1];
			ui->order[c + 1] = ui->order[c];
			ui->order[c] = t;
			ui->col_cursor++;
			ui->settings_dirty = true;
		}
		break;
	case K_ESC: case K_ENTER: case 'c': case 'C': case 'q': case 'Q':
		ui->mode = UI_LIST;
		break;
	default:
		break;
	}
}

static void
ui_prompt_done(struct top_session *ss, bool accept)
{
	struct top_ui *ui = &ss->ui;
	enum top_prompt p = ui->prompt;

	ui->prompt = PR_NONE;
	if (p == PR_DELAY && accept && ui->input_len > 0) {
		char *end;
		double d = strtod(ui->input, &end);

		if (end == ui->input || *end != '\0' || !isfinite(d) ||
		    d < 0.1 || d > 3600)
			top_ui_status(ui, true, 5, "delay: a number of seconds "
			    "from 0.1 to 3600");
		else {
			ui->o->delay = d;
			ss->next_refresh = xdom_mono_ns() +
			    (uint64_t)(d * 1e9);
			ui->settings_dirty = true;
			top_ui_status(ui, false, 3, "delay %g s", d);
		}
	} else if (p == PR_FILTER && !accept) {
		ui->m.filter[0] = '\0';
		ui_resort(ui);
	} else if (p == PR_REASON && accept && ui->input_len > 0) {
		snprintf(ss->reason, sizeof ss->reason, "%.*s",
		    (int)sizeof ss->reason - 1, ui->input);
		ui_run_action(ss);
	} else if (p == PR_REASON)
		top_ui_status(ui, true, 5, "cancelled: a reason is required");
	else if (p == PR_RES_VALUE) {
		ui->prompt = p;
		top_res_value_done(ui, accept);
	}
}

static void
ui_key_prompt(struct top_session *ss, int key, const char *utf8)
{
	struct top_ui *ui = &ss->ui;
	size_t k;

	if (ui->prompt == PR_ACTION) {
		ui->prompt = PR_NONE;
		for (k = 0; k < sizeof ui_action_keys /
		    sizeof ui_action_keys[0]; k++) {
			char esc[4 * 128 + 8];

			if (key != ui_action_keys[k].key &&
			    key != key_upper(ui_action_keys[k].key))
				continue;
			if (ui_action_keys[k].console && ss->n_act != 1) {
				top_ui_status(ui, true, 5, "console: untag "
				    "all but one domain");
				return;
			}
			ui->act = ui_action_keys[k].act;
			ui->act_console = ui_action_keys[k].console;
			xdom_escape(esc, sizeof esc, ss->act_names[0]);
			if (ss->n_act == 1)
				snprintf(ui->input, sizeof ui->input,
				    "%s %s? (y/N) ", ui_action_keys[k].verb,
				    esc);
			else
				snprintf(ui->input, sizeof ui->input,
				    "%s %zu tagged domains? (y/N) ",
				    ui_action_keys[k].verb, ss->n_act);
			ui->prompt = PR_CONFIRM;
			return;
		}
		if (!top_res_key(ui, key, ss->act_names[0], ss->n_act))
			top_ui_status(ui, false, 2, "cancelled");
		return;
	}
	if (ui->prompt == PR_RES_CONFIRM) {
		top_res_confirm(ui, key == 'y' || key == 'Y');
		return;
	}
	if (ui->prompt == PR_CONFIRM) {
		ui->prompt = PR_NONE;
		if (key == 'y' || key == 'Y') {
			ss->reason[0] = '\0';
			ui_run_action(ss);
		} else
			top_ui_status(ui, false, 2, "cancelled");
		return;
	}
	/* Text prompts */
	switch (key) {
	case K_ENTER:
		ui_prompt_done(ss, true);
		return;
	case K_ESC:
		ui_prompt_done(ss, false);
		return;
	case K_BS:
		while (ui->input_len > 0) {
			unsigned char ch = (unsigned char)
			    ui->input[--ui->input_len];

			if ((ch & 0xc0) != 0x80)
				break;	/* whole UTF-8 characters */
		}
		ui->input[ui->input_len] = '\0';
		break;
	default:
		if (utf8[0] == '\0' || (unsigned char)utf8[0] < 0x20)
			return;
		if (ui->input_len + strlen(utf8) < (ui->prompt == PR_FILTER ?
		    TOP_FILTER_MAX : ui->prompt == PR_RES_VALUE ?
		    sizeof ui->res.job.target - 10 : 128)) {
			memcpy(ui->input + ui->input_len, utf8, strlen(utf8));
			ui->input_len += strlen(utf8);
			ui->input[ui->input_len] = '\0';
		}
		break;
	}
	if (ui->prompt == PR_FILTER) {	/* incremental */
		snprintf(ui->m.filter, sizeof ui->m.filter, "%.*s",
		    TOP_FILTER_MAX - 1, ui->input);
		ui_resort(ui);
	}
}

static void
ui_mouse(struct top_session *ss, const TermKeyKey *k)
{
	struct top_ui *ui = &ss->ui;
	TermKeyMouseEvent ev;
	int button = 0, line = 0, col = 0, c;

	if (termkey_interpret_mouse(ss->tk, k, &ev, &button, &line, &col) !=
	    TERMKEY_RES_KEY || ev != TERMKEY_MOUSE_PRESS)
		return;
	line--;		/* termkey counts from 1 */
	col--;
	if (ui->prompt != PR_NONE || (ui->mode != UI_LIST &&
	    ui->mode != UI_DETAIL))
		return;
	if (button == 4 || button == 5) {
		ui_move(ui, button == 4 ? -3 : 3);
		return;
	}
	if (button != 1 || ui->mode != UI_LIST)
		return;
	if (line == ui->header_y) {
		for (c = 0; c < COL__COUNT; c++)
			if (ui->col_x0[c] >= 0 && col >= ui->col_x0[c] &&
			    col <= ui->col_x1[c]) {
				ui_sort_by(ui, c);
				return;
			}
		return;
	}
	if (line >= 0 && line < ui->cap_lines && ui->line_row[line] >= 0) {
		ui->sel = (size_t)ui->line_row[line];
		ui_mark_sel(ui);
	}
}

static void
ui_key(struct top_session *ss, const TermKeyKey *k)
{
	struct top_ui *ui = &ss->ui;
	char utf8[8];
	int key;

	ss->dirty = true;
	if (k->type == TERMKEY_TYPE_MOUSE) {
		ui_mouse(ss, k);
		return;
	}
	key = key_code(ss->tk, k, utf8);
	if (key == 0)
		return;
	if (ui->prompt != PR_NONE) {
		ui_key_prompt(ss, key, utf8);
		return;
	}
	switch (ui->mode) {
	case UI_DETAIL: ui_key_detail(ss, key); break;
	case UI_HELP: ui_key_help(ss, key); break;
	case UI_COLUMNS: ui_key_columns(ss, key); break;
	default: ui_key_list(ss, key); break;
	}
}

/* ---- set-up, loop, teardown ---- */

static void
ui_resize(struct top_session *ss)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ss->dirty = true;
}

static void
ui_suspend(struct top_session *ss)
{
	mouse_set(false);
	termkey_stop(ss->tk);
	def_prog_mode();
	endwin();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	/* continued */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = top_on_signal;
		sigaction(SIGTSTP, &sa, NULL);
	}
	reset_prog_mode();
	termkey_start(ss->tk);
	mouse_set(true);
	ui_resize(ss);
}

static void
ui_teardown(struct top_session *ss)
{
	if (ss->tk != NULL) {
		termkey_destroy(ss->tk);	/* puts termios back */
		ss->tk = NULL;
	}
	if (ss->curses_on) {
		mouse_set(false);
		endwin();
		ss->curses_on = false;
	}
	if (ss->scr != NULL) {
		delscreen(ss->scr);
		ss->scr = NULL;
	}
}

static int
ui_setup(struct top_session *ss, struct xdom_err *err)
{
	struct top_ui *ui = &ss->ui;
	const char *nc = getenv("NO_COLOR");
	const char *cs;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return xdom_err_set(err, XDOM_EINVAL, "top: not a terminal "
		    "(use -b for batch output)");
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	ui->m.ascii_only = cs == NULL || strcmp(cs, "UTF-8") != 0;
	ss->scr = newterm(NULL, stdout, stdin);
	if (ss->scr == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "top: cannot use this "
		    "terminal (TERM=%.40s)", getenv("TERM") ? getenv("TERM") :
		    "");
	set_term(ss->scr);
	ss->curses_on = true;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	ui->use_color = (nc == NULL || nc[0] == '\0') && has_colors();
	if (ui->use_color) {
		start_color();
		use_default_colors();
	}
	ss->tk = termkey_new(STDIN_FILENO, TERMKEY_FLAG_EINTR);
	if (ss->tk == NULL) {
		ui_teardown(ss);
		return xdom_err_set(err, XDOM_EIO, "top: cannot read keys "
		    "from this terminal");
	}
	mouse_set(true);
	return 0;
}

static void
ui_loop(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	bool key_wait = false;
	uint64_t typed_at = xdom_mono_ns();
	const uint64_t idle_ns = (uint64_t)top_idle_s * 1000000000ull;

	while (!ss->quit) {
		struct pollfd pfd[3];
		uint64_t now;
		long timeout;
		TermKeyResult r = TERMKEY_RES_NONE;
		TermKeyKey k;

		if (top_sig_quit)
			break;
		if (top_sig_winch) {
			top_sig_winch = 0;
			ui_resize(ss);
		}
		if (top_sig_tstp) {
			top_sig_tstp = 0;
			/* xdom-shell's top: job control does nothing. */
			if (ui->o->mode != TOP_MODE_RESTRICTED)
				ui_suspend(ss);
		}
		now = xdom_mono_ns();
		if (idle_ns > 0 && now - typed_at >= idle_ns) {
			top_idle_hit = true;
			break;
		}
		if (now >= ss->next_refresh) {
			uint64_t step = (uint64_t)(ui->o->delay * 1e9);

			ui_refresh_data(ss);
			ss->next_refresh += step;
			if (ss->next_refresh <= now)
				ss->next_refresh = now + step;
			ss->dirty = true;
			if (ui->o->iterations > 0 &&
			    (long)ui->refreshes >= ui->o->iterations) {
				top_draw(ui);
				refresh();
				break;
			}
		}
		ui_worker_done(ss);
		if (ui->status[0] != '\0' && ui->status_until != 0 &&
		    now >= ui->status_until) {
			ui->status[0] = '\0';
			ss->dirty = true;
		}
		if (ss->dirty) {
			top_draw(ui);
			refresh();
			ss->dirty = false;
		}
		now = xdom_mono_ns();
		timeout = ss->next_refresh > now ?
		    (long)((ss->next_refresh - now + 999999) / 1000000) : 0;
		if (ui->status_until > now && (long)((ui->status_until - now) /
		    1000000) + 1 < timeout)
			timeout = (long)((ui->status_until - now) / 1000000) + 1;
		if (key_wait) {
			long kw = termkey_get_waittime(ss->tk);

			if (kw < timeout)
				timeout = kw;
		}
		if (idle_ns > 0 && typed_at + idle_ns <= now)
			timeout = 0;
		else if (idle_ns > 0 && (long)((typed_at + idle_ns - now) /
		    1000000) + 1 < timeout)
			timeout = (long)((typed_at + idle_ns - now) / 1000000) + 1;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = top_sig_pipe[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = ss->wake[0];
		pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (poll(pfd, 3, (int)timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			top_drain(top_sig_pipe[0]);
		if (pfd[2].revents & POLLIN) {
			top_drain(ss->wake[0]);
			ss->dirty = true;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		if (pfd[0].revents & POLLIN) {
			typed_at = xdom_mono_ns();
			termkey_advisereadable(ss->tk);
		}
		else if (key_wait && termkey_getkey_force(ss->tk, &k) ==
		    TERMKEY_RES_KEY) {
			/* a lone Esc, after the wait for a sequence */
			ui_key(ss, &k);
		}
		key_wait = false;
		while (!ss->quit && (r = termkey_getkey(ss->tk, &k)) ==
		    TERMKEY_RES_KEY)
			ui_key(ss, &k);
		if (!ss->quit && r == TERMKEY_RES_AGAIN)
			key_wait = true;
		if (r == TERMKEY_RES_EOF)
			break;
	}
}

/* A fleet's rows say their host first: HOST shown, right after ID (it
 * is drawn only when there are several hosts). */
static void
ui_host_first(struct top_ui *ui)
{
	int k, at = -1, id = -1;

	for (k = 0; k < COL__COUNT; k++) {
		if (ui->order[k] == COL_HOST)
			at = k;
		if (ui->order[k] == COL_ID)
			id = k;
	}
	ui->shown[COL_HOST] = true;
	if (at < 0 || at == id + 1)
		return;
	if (at > id + 1) {
		memmove(&ui->order[id + 2], &ui->order[id + 1],
		    (size_t)(at - id - 1) * sizeof ui->order[0]);
		ui->order[id + 1] = COL_HOST;
	} else {
		memmove(&ui->order[at], &ui->order[at + 1],
		    (size_t)(id - at) * sizeof ui->order[0]);
		ui->order[id] = COL_HOST;
	}
}

static void
ui_init_view(struct top_session *ss, struct top_opts *o)
{
	struct top_ui *ui = &ss->ui;
	struct top_settings s;
	struct xdom_err err = { 0, "" };
	bool warn = false;

	top_settings_default(&s);
	if (!o->no_settings) {
		ss->settings_path = top_settings_path();
		if (ss->settings_path != NULL &&
		    top_settings_load(&s, ss->settings_path, &err) != 0)
			warn = true;
	}
	ui_settings_from(ui, &s);
	if (o->columns != NULL)
		top_cols_parse(o->columns, ui->order, ui->shown, NULL);
	else if (o->remote)
		ui_host_first(ui);
	if (!o->delay_set)
		o->delay = s.delay;
	ui->m.sort_col = (enum top_col)s.sort_col;
	ui->m.sort_desc = s.sort_desc;
	if (o->sort_col >= 0) {
		ui->m.sort_col = (enum top_col)o->sort_col;
		ui->m.sort_desc = o->sort_dir != 0 ? o->sort_dir < 0 :
		    top_cols[o->sort_col].sort_desc;
	}
	ui->m.totals = o->totals || s.totals;
	o->networks = o->networks || s.networks;
	o->vbds = o->vbds || s.vbds;
	o->vcpus = o->vcpus || s.vcpus;
	o->repeat_header = o->repeat_header || s.repeat_header;
	o->full_name = o->full_name || s.full_name;
	ui->m.dom0_first = o->dom0_first || s.dom0_first;
	ui->m.host_hidden = o->mode == TOP_MODE_RESTRICTED;
	ui->pcpu_view = o->mode != TOP_MODE_RESTRICTED && (o->pcpus ||
	    s.pcpus);
	if (o->filter != NULL)
		snprintf(ui->m.filter, sizeof ui->m.filter, "%s", o->filter);
	ui_apply_theme(ss, o->theme != NULL ? o->theme : s.theme, false);
	if (warn)
		top_ui_status(ui, true, 8, "%s", xdom_err_msg(&err));
	if (o->theme != NULL && strcmp(ui->theme.name, o->theme) != 0 &&
	    !warn)
		top_ui_status(ui, true, 8, "theme %.32s not found; using %s",
		    o->theme, ui->theme.name);
}

int
top_ui_run(struct hv *hv, const struct hv_open_opts *hvo, struct top_opts *o,
    struct xdom_err *err)
{
	struct top_session *ss = xcalloc(1, sizeof *ss);
	struct top_ui *ui = &ss->ui;
	struct top_saved_sigs sv;
	bool sigs = false;
	size_t k;
	int rc;

	ss->wake[0] = ss->wake[1] = -1;
	top_idle_hit = false;
	top_model_init(&ui->m);
	ui->o = o;
	ui->hv = hv;
	ui->hvo = hvo;
	ui->what = HV_SNAP_NETS | HV_SNAP_VBDS |
	    (o->vcpus ? HV_SNAP_VCPUS : 0) |
	    (o->mode != TOP_MODE_RESTRICTED ? HV_SNAP_PCPUS : 0);

	/* The first sample, before anything is drawn: a backend that does
	 * not work says so on a normal terminal. */
	rc = top_model_collect(&ui->m, hv, ui->what, err);
	if (rc != 0)
		goto out;
	top_model_update(&ui->m);
	ss->next_refresh = top_model_cur(&ui->m)->mono_ns +
	    (uint64_t)((o->delay < 0.25 ? o->delay : 0.25) * 1e9);

	if (pipe2(top_sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    pipe2(ss->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "pipe");
		goto out;
	}
	if (tcgetattr(STDIN_FILENO, &top_saved_tio) == 0)
		top_have_tio = 1;
	top_sig_quit = top_sig_winch = top_sig_tstp = 0;
	top_signals_install(&sv);
	sigs = true;
	rc = ui_setup(ss, err);
	if (rc != 0)
		goto out;
	ui_init_view(ss, o);
	if (o->vcpus)
		ui->what |= HV_SNAP_VCPUS;
	ui->worker = top_worker_new(hvo, hv, ss->wake[1]);
	ui_loop(ss);
	if (ui->settings_dirty && !o->no_settings)
		ui_save_settings(ss, false);
	rc = 0;
out:
	ui_teardown(ss);
	top_worker_free(ui->worker);
	if (sigs)
		top_signals_restore(&sv);
	top_have_tio = 0;
	for (k = 0; k < 2; k++) {
		if (top_sig_pipe[k] >= 0)
			close(top_sig_pipe[k]);
		top_sig_pipe[k] = -1;
		if (ss->wake[k] >= 0)
			close(ss->wake[k]);
	}
	for (k = 0; k < ui->n_tags; k++)
		free(ui->tags[k]);
	for (k = 0; k < ss->n_act; k++)
		free(ss->act_names[k]);
	top_theme_names_free(ss->themes, ss->n_themes);
	free(ss->settings_path);
	free(ui->line_row);
	top_model_dispose(&ui->m);
	free(ss);
	return rc;
}
