/*
 * top_loop.c - the interactive dashboard's session: terminal set-up and
 * teardown, the main loop, refreshes, settings and theme.
 *
 * One thread draws and reads keys; it waits in poll() on the terminal, a
 * self-pipe written by signal handlers, and the action worker's wake-up
 * pipe, so a refresh, a key, a resize or an action's result is handled
 * at once and nothing blocks the screen. The terminal is restored on
 * every way out: a normal quit, SIGINT/SIGTERM/SIGHUP (through the loop),
 * and fatal signals (a minimal async-signal-safe reset, then the
 * default action).
 */
#include "top/top_session.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/xmalloc.h"

/* ---- signals ---- */

static int top_sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t top_sig_quit, top_sig_winch, top_sig_tstp,
    top_sig_cont;
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
	else if (s == SIGCONT)
		top_sig_cont = 1;
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
    SIGWINCH, SIGTSTP, SIGCONT };
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

void
top_mouse_set(bool on)
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

void
top_session_save_settings(struct top_session *ss, bool say)
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

void
top_session_apply_theme(struct top_session *ss, const char *name,
    bool say)
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
void
top_ui_mark_sel(struct top_ui *ui)
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
			top_ui_mark_sel(ui);
			return true;
		}
	}
	return false;
}

void
top_ui_resort(struct top_ui *ui)
{
	top_model_sort(&ui->m);
	if (!ui_find_sel(ui) && ui->m.n_order > 0) {
		if (ui->sel >= ui->m.n_order)
			ui->sel = ui->m.n_order - 1;
		top_ui_mark_sel(ui);
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
	top_ui_prune_tags(ui);
	if (!ui_find_sel(ui)) {
		if (had && (ui->mode == UI_DETAIL || (ui->mode == UI_HELP &&
		    ui->help_back == UI_DETAIL))) {
			xdom_escape(gone, sizeof gone, ui->sel_name);
			top_ui_status(ui, true, 5, "%s is gone", gone);
			if (ui->mode == UI_DETAIL)
				ui->mode = UI_LIST;
			ui->help_back = UI_LIST;
		}
		if (ui->sel >= ui->m.n_order && ui->m.n_order > 0)
			ui->sel = ui->m.n_order - 1;
		top_ui_mark_sel(ui);
	}
	top_ui_scroll_to_sel(ui);
	ui->refreshes++;
	if (ui->status_err && ui->status_until == 0 &&
	    strncmp(ui->status, "refresh failed", 14) == 0)
		ui->status[0] = '\0';
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

/* Continued (after our own stop, or a SIGSTOP from outside, when the
 * shell may have put its own modes on the terminal): the terminal is
 * ours again and the whole screen is drawn anew. */
static void
ui_resume(struct top_session *ss)
{
	reset_prog_mode();
	termkey_stop(ss->tk);	/* back to curses' modes, then ours */
	termkey_start(ss->tk);
	top_mouse_set(true);
	ui_resize(ss);
}

void
top_session_suspend(struct top_session *ss)
{
	struct sigaction sa;

	/* xdom-shell's top: job control does nothing. */
	if (ss->ui.o->mode == TOP_MODE_RESTRICTED)
		return;
	top_mouse_set(false);
	termkey_stop(ss->tk);
	def_prog_mode();
	endwin();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	/* continued */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = top_on_signal;
	sigaction(SIGTSTP, &sa, NULL);
	ui_resume(ss);
	top_sig_cont = 0;
}

static void
ui_teardown(struct top_session *ss)
{
	if (ss->tk != NULL) {
		termkey_destroy(ss->tk);	/* puts termios back */
		ss->tk = NULL;
	}
	if (ss->curses_on) {
		top_mouse_set(false);
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
	ss->tk = top_termkey_new(STDIN_FILENO, NULL);
	if (ss->tk == NULL) {
		ui_teardown(ss);
		return xdom_err_set(err, XDOM_EIO, "top: cannot read keys "
		    "from this terminal");
	}
	top_mouse_set(true);
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
			top_session_suspend(ss);
		}
		if (top_sig_cont) {
			top_sig_cont = 0;
			ui_resume(ss);
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
		top_session_worker_done(ss);
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
			top_session_key(ss, &k);
		}
		key_wait = false;
		while (!ss->quit && (r = termkey_getkey(ss->tk, &k)) ==
		    TERMKEY_RES_KEY)
			top_session_key(ss, &k);
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
	top_session_apply_theme(ss, o->theme != NULL ? o->theme : s.theme, false);
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
	top_sig_quit = top_sig_winch = top_sig_tstp = top_sig_cont = 0;
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
		top_session_save_settings(ss, false);
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
