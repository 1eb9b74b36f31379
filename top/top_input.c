/*
 * top_input.c - what a key or a click does where: prompts (delay,
 * filter, the action menu, y/N, an audit reason, a resource value), the
 * mouse (click a header to sort, a row to select, the wheel to move),
 * and domain actions, run on the worker thread or, for the console, in
 * the foreground. Views' keys are in the key table (top_keys.c).
 */
#include "top/top_session.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/xmalloc.h"
#include "console/console.h"

/* ---- actions ---- */

/* The domains an action applies to: the tagged ones on the list, else
 * the cursor's. */
size_t
top_session_targets(struct top_session *ss)
{
	struct top_ui *ui = &ss->ui;
	const struct snap *s = top_model_cur(&ui->m);
	char ref[300];
	size_t k, p;

	for (k = 0; k < ss->n_act; k++)
		free(ss->act_names[k]);
	ss->n_act = 0;
	ss->n_unseen = 0;
	if (ui->n_tags == 0) {
		if (ui->sel_valid && ui->m.n_order > 0)
			ss->act_names[ss->n_act++] = xstrdup(ui->sel_ref);
		return ss->n_act;
	}
	for (p = 0; p < ui->m.n_order && ss->n_act < TOP_ACT_MAX_DOMS; p++) {
		bool dup = false;

		hv_dom_ref(ui->hv, s, &s->dom[ui->m.order[p]], ref, sizeof ref);
		if (!top_ui_tagged(ui, ref))
			continue;
		for (k = 0; k < ss->n_act && !dup; k++)
			dup = strcmp(ss->act_names[k], ref) == 0;
		if (!dup)
			ss->act_names[ss->n_act++] = xstrdup(ref);
	}
	ss->n_unseen = ui->n_tags > ss->n_act ? ui->n_tags - ss->n_act : 0;
	return ss->n_act;
}

/* The question before an action on several domains names them, as many
 * as fit, and says what is left out. */
static void
ui_confirm_many(struct top_session *ss, const char *verb)
{
	struct top_ui *ui = &ss->ui;
	char esc[4 * 128 + 8];
	size_t len = sizeof ui->input, n, k;
	const size_t budget = 360;	/* of the names, before "(y/N)" */

	n = (size_t)snprintf(ui->input, len, "%s %zu tagged domain%s:", verb,
	    ss->n_act, ss->n_act == 1 ? "" : "s");
	for (k = 0; k < ss->n_act; k++) {
		xdom_escape(esc, sizeof esc, ss->act_names[k]);
		if (n + strlen(esc) + 2 > budget) {
			n += (size_t)snprintf(ui->input + n, len - n,
			    " and %zu more", ss->n_act - k);
			break;
		}
		n += (size_t)snprintf(ui->input + n, len - n, "%s %s",
		    k > 0 ? "," : "", esc);
	}
	if (ss->n_unseen > 0)
		n += (size_t)snprintf(ui->input + n, len - n, " (%zu tagged "
		    "not on the list left out)", ss->n_unseen);
	snprintf(ui->input + n, len - n, "? (y/N) ");
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
	top_mouse_set(false);
	termkey_stop(ss->tk);
	def_prog_mode();
	endwin();
	ss->curses_on = false;
	rc = console_relay(fd, &co, &err);
	close(fd);
	reset_prog_mode();
	ss->curses_on = true;
	termkey_start(ss->tk);
	top_mouse_set(true);
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

	if (ui->o->readonly) {	/* no way here; said by the keys */
		top_ui_status(ui, true, 5, "read-only: no actions");
		return;
	}
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

void
top_session_worker_done(struct top_session *ss)
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

/* ---- reading keys ---- */

/*
 * Terminfo's key_mouse is left out of libtermkey's terminfo table: on
 * Debian 12, xterm and xterm-256color declare kmous=\E[<, so the SGR
 * report's own prefix would be read as an old X10 event (three bytes)
 * and the rest of the report typed as keys. Without it, libtermkey's CSI
 * driver reads both forms, SGR (ESC [ < b ; x ; y M/m, asked for by
 * top_mouse_set) and X10 (ESC [ M b x y), whatever terminfo claims.
 */
static const char *
tk_terminfo_str(const char *name, const char *value, void *data)
{
	(void)data;
	return strcmp(name, "key_mouse") == 0 ? NULL : value;
}

TermKey *
top_termkey_new(int fd, const char *term)
{
	TermKey *tk = fd >= 0 ?
	    termkey_new(fd, TERMKEY_FLAG_EINTR | TERMKEY_FLAG_NOSTART) :
	    termkey_new_abstract(term, TERMKEY_FLAG_NOSTART);

	if (tk == NULL)
		return NULL;
	/* terminfo is read at the first start, after the hook is set */
	termkey_hook_terminfo_getstr(tk, tk_terminfo_str, NULL);
	if (!termkey_start(tk)) {
		termkey_destroy(tk);
		return NULL;
	}
	return tk;
}

int
top_key_code(const TermKeyKey *k, char utf8[8])
{
	utf8[0] = '\0';
	if (k->type == TERMKEY_TYPE_UNICODE) {
		if ((k->modifiers & TERMKEY_KEYMOD_CTRL) &&
		    (k->code.codepoint == 'l' || k->code.codepoint == 'L'))
			return K_CTRL_L;
		/* libtermkey turns the terminal's suspend character off */
		if ((k->modifiers & TERMKEY_KEYMOD_CTRL) &&
		    (k->code.codepoint == 'z' || k->code.codepoint == 'Z'))
			return K_CTRL_Z;
		if (k->modifiers & (TERMKEY_KEYMOD_CTRL | TERMKEY_KEYMOD_ALT))
			return 0;
		snprintf(utf8, 8, "%s", k->utf8);
		return (int)k->code.codepoint;
	}
	if (k->type == TERMKEY_TYPE_FUNCTION)
		return k->code.number == 1 ? K_F1 : k->code.number == 10 ?
		    K_F10 : 0;
	if (k->type != TERMKEY_TYPE_KEYSYM)
		return 0;
	switch (k->code.sym) {
	case TERMKEY_SYM_UP: return K_UP;
	case TERMKEY_SYM_DOWN: return K_DOWN;
	case TERMKEY_SYM_LEFT: return K_LEFT;
	case TERMKEY_SYM_RIGHT: return K_RIGHT;
	case TERMKEY_SYM_PAGEUP: return K_PGUP;
	case TERMKEY_SYM_PAGEDOWN: return K_PGDN;
	/* PuTTY's and the VT220's Home and End are ESC [ 1 ~ and ESC [ 4 ~,
	 * Find and Select to terminfo's xterm */
	case TERMKEY_SYM_HOME: case TERMKEY_SYM_FIND: return K_HOME;
	case TERMKEY_SYM_END: case TERMKEY_SYM_SELECT: return K_END;
	/* linux's terminfo names ^Z the suspend key */
	case TERMKEY_SYM_SUSPEND: return K_CTRL_Z;
	case TERMKEY_SYM_ENTER: return K_ENTER;
	case TERMKEY_SYM_ESCAPE: return K_ESC;
	case TERMKEY_SYM_BACKSPACE: case TERMKEY_SYM_DEL: return K_BS;
	case TERMKEY_SYM_TAB: return K_TAB;
	case TERMKEY_SYM_SPACE: snprintf(utf8, 8, " "); return ' ';
	default: return 0;
	}
}


/* ---- prompts and the mouse ---- */

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
		top_ui_resort(ui);
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
			    key != top_key_upper(ui_action_keys[k].key))
				continue;
			if (ui_action_keys[k].console && ss->n_act != 1) {
				top_ui_status(ui, true, 5, "console: untag "
				    "all but one domain");
				return;
			}
			ui->act = ui_action_keys[k].act;
			ui->act_console = ui_action_keys[k].console;
			xdom_escape(esc, sizeof esc, ss->act_names[0]);
			if (ss->n_act == 1 && ss->n_unseen == 0)
				snprintf(ui->input, sizeof ui->input,
				    "%s %s? (y/N) ", ui_action_keys[k].verb,
				    esc);
			else
				ui_confirm_many(ss, ui_action_keys[k].verb);
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
		top_ui_resort(ui);
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
		top_ui_move(ui, button == 4 ? -3 : 3);
		return;
	}
	if (button != 1 || ui->mode != UI_LIST)
		return;
	if (line == ui->header_y) {
		for (c = 0; c < COL__COUNT; c++)
			if (ui->col_x0[c] >= 0 && col >= ui->col_x0[c] &&
			    col <= ui->col_x1[c]) {
				top_ui_sort_by(ui, c);
				return;
			}
		return;
	}
	if (line >= 0 && line < ui->cap_lines && ui->line_row[line] >= 0) {
		ui->sel = (size_t)ui->line_row[line];
		top_ui_mark_sel(ui);
	}
}

void
top_session_key(struct top_session *ss, const TermKeyKey *k)
{
	struct top_ui *ui = &ss->ui;
	char utf8[8];
	int key;

	ss->dirty = true;
	if (k->type == TERMKEY_TYPE_MOUSE) {
		ui_mouse(ss, k);
		return;
	}
	key = top_key_code(k, utf8);
	if (key == 0)
		return;
	if (ui->prompt != PR_NONE) {
		ui_key_prompt(ss, key, utf8);
		return;
	}
	top_keys_run(ss, key);
}
