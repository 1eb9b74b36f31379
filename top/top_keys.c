/*
 * top_keys.c - the dashboard's keys: one table, one row per key and
 * view, from which the dispatch, the help screen and the bottom bar are
 * all made, so a key cannot work without being told about, or be told
 * about without working.
 *
 * Keys are case-insensitive (xentop's are): a row names a letter in
 * upper case. A row's views say where it works; the first row that
 * matches the key in the current view runs, and K_ANY matches any key
 * not listed before it. The help screen lists the list view's rows in
 * table order; a row without help text is told about on an earlier
 * row's line ("N  B  V"). Each bottom bar shows its rows' words in
 * table order.
 */
#include "top/top_session.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* ---- what keys do ---- */

void
top_ui_move(struct top_ui *ui, long delta)
{
	long n = (long)ui->m.n_order, p = (long)ui->sel + delta;

	if (n == 0)
		return;
	if (p < 0)
		p = 0;
	if (p >= n)
		p = n - 1;
	ui->sel = (size_t)p;
	top_ui_mark_sel(ui);
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
	top_ui_resort(ui);
}

void
top_ui_sort_by(struct top_ui *ui, int c)
{
	if ((int)ui->m.sort_col == c)
		ui->m.sort_desc = !ui->m.sort_desc;
	else {
		ui->m.sort_col = (enum top_col)c;
		ui->m.sort_desc = top_cols[c].sort_desc;
	}
	ui->settings_dirty = true;
	top_ui_resort(ui);
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
			top_ui_move(ui, 1);
			return;
		}
	}
	if (ui->n_tags < TOP_MAX_TAGS)
		ui->tags[ui->n_tags++] = xstrdup(ui->sel_ref);
	top_ui_move(ui, 1);
}

static void
ui_untag_all(struct top_ui *ui)
{
	size_t k, n = ui->n_tags;

	for (k = 0; k < n; k++)
		free(ui->tags[k]);
	ui->n_tags = 0;
	if (n > 0)
		top_ui_status(ui, false, 3, "untagged %zu domain%s", n,
		    n == 1 ? "" : "s");
}

void
top_ui_prune_tags(struct top_ui *ui)
{
	const struct snap *s = top_model_cur(&ui->m);
	bool *seen;
	char ref[300];
	size_t k, d, dropped = 0;

	if (ui->n_tags == 0)
		return;
	seen = xcalloc(ui->n_tags, sizeof *seen);
	for (d = 0; d < s->n_dom; d++) {
		hv_dom_ref(ui->hv, s, &s->dom[d], ref, sizeof ref);
		for (k = 0; k < ui->n_tags; k++)
			if (!seen[k] && strcmp(ui->tags[k], ref) == 0)
				seen[k] = true;
	}
	for (k = 0; k < ui->n_tags; k++) {
		if (seen[k])
			ui->tags[k - dropped] = ui->tags[k];
		else {
			free(ui->tags[k]);
			dropped++;
		}
	}
	ui->n_tags -= dropped;
	free(seen);
	if (dropped > 0)
		top_ui_status(ui, true, 5, "%zu tagged domain%s gone: "
		    "untagged", dropped, dropped == 1 ? "" : "s");
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
	top_session_apply_theme(ss, ss->themes[next], true);
	ss->ui.settings_dirty = true;
}


/* The handlers: ss the session, key the code read (as typed). */

static void
k_delay(struct top_session *ss, int key)
{
	(void)key;
	ui_start_prompt(&ss->ui, PR_DELAY, "");
}

/* A toggle the saved layout keeps; resort: it changes the order. */
static void
toggle(struct top_session *ss, bool *flag, bool resort)
{
	*flag = !*flag;
	ss->ui.settings_dirty = true;
	if (resort)
		top_ui_resort(&ss->ui);
}

static void
k_networks(struct top_session *ss, int key)
{
	(void)key;
	toggle(ss, &ss->ui.o->networks, false);
}

static void
k_vbds(struct top_session *ss, int key)
{
	(void)key;
	toggle(ss, &ss->ui.o->vbds, false);
}

static void
k_vcpus(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	(void)key;
	ui->o->vcpus = !ui->o->vcpus;
	if (ui->o->vcpus && !(ui->what & HV_SNAP_VCPUS)) {
		ui->what |= HV_SNAP_VCPUS;
		ss->next_refresh = xdom_mono_ns();
	}
	ui->settings_dirty = true;
}

static void
k_repeat(struct top_session *ss, int key)
{
	(void)key;
	toggle(ss, &ss->ui.o->repeat_header, false);
}

static void
k_sort_next(struct top_session *ss, int key)
{
	(void)key;
	ui_sort_step(&ss->ui, 1);
}

static void
k_sort_prev(struct top_session *ss, int key)
{
	(void)key;
	ui_sort_step(&ss->ui, -1);
}

static void
k_invert(struct top_session *ss, int key)
{
	(void)key;
	toggle(ss, &ss->ui.m.sort_desc, true);
}

static void
k_quit(struct top_session *ss, int key)
{
	(void)key;
	ss->quit = true;
}

/* Up, Down, PgUp, PgDn, Home, End: the cursor. */
static void
k_move(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;
	long page = ui->rows_h > 1 ? ui->rows_h - 1 : 1;
	long all = (long)ui->m.n_order;

	top_ui_move(ui, key == K_UP ? -1 : key == K_DOWN ? 1 :
	    key == K_PGUP ? -page : key == K_PGDN ? page :
	    key == K_HOME ? -all : all);
}

static void
k_scroll_cols(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	if (key == K_LEFT && ui->hscroll > 0)
		ui->hscroll--;
	else if (key == K_RIGHT && ui->hscroll < COL__COUNT - 3)
		ui->hscroll++;
}

static void
k_totals(struct top_session *ss, int key)
{
	(void)key;
	toggle(ss, &ss->ui.m.totals, true);
}

static void
k_filter(struct top_session *ss, int key)
{
	(void)key;
	ui_start_prompt(&ss->ui, PR_FILTER, ss->ui.m.filter);
}

static void
k_detail(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	(void)key;
	if (ui->m.n_order == 0)
		return;
	ui->mode = UI_DETAIL;
	if (!(ui->what & HV_SNAP_VCPUS)) {
		ui->what |= HV_SNAP_VCPUS;
		ss->next_refresh = xdom_mono_ns();
	}
}

static void
k_tag(struct top_session *ss, int key)
{
	(void)key;
	ui_toggle_tag(&ss->ui);
}

static void
k_untag(struct top_session *ss, int key)
{
	(void)key;
	ui_untag_all(&ss->ui);
}

static void
k_action(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	(void)key;
	if (ui->o->readonly)
		top_ui_status(ui, true, 3, "read-only: no actions "
		    "(--readonly)");
	else if (top_session_targets(ss) > 0)
		ui->prompt = PR_ACTION;
	else if (ss->n_unseen > 0)
		top_ui_status(ui, true, 5, "the %zu tagged domain%s not on "
		    "the list (U untags)", ss->n_unseen, ss->n_unseen == 1 ?
		    " is" : "s are");
	else
		top_ui_status(ui, true, 3, "no domain selected");
}

static void
k_columns(struct top_session *ss, int key)
{
	(void)key;
	ss->ui.mode = UI_COLUMNS;
	ss->ui.col_cursor = 0;
}

static void
k_pcpus(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	(void)key;
	if (ui->o->mode == TOP_MODE_RESTRICTED)
		top_ui_status(ui, true, 3, "not available here");
	else if (ui->m.n_pcpu == 0 && !ui->pcpu_view)
		top_ui_status(ui, true, 3, "this backend gives no "
		    "per-physical-CPU data");
	else {
		ui->pcpu_view = !ui->pcpu_view;
		ui->settings_dirty = true;
	}
}

static void
k_theme(struct top_session *ss, int key)
{
	(void)key;
	ui_cycle_theme(ss);
}

static void
k_save(struct top_session *ss, int key)
{
	(void)key;
	top_session_save_settings(ss, true);
}

/* The help goes back to the view it was opened from. From the list it
 * starts at its top; from the detail view it stays where it was
 * scrolled to. */
static void
k_help(struct top_session *ss, int key)
{
	(void)key;
	if (ss->ui.mode == UI_LIST)
		ss->ui.help_top = 0;
	ss->ui.help_back = ss->ui.mode;
	ss->ui.mode = UI_HELP;
}

static void
k_help_done(struct top_session *ss, int key)
{
	(void)key;
	ss->ui.mode = ss->ui.help_back == UI_DETAIL ? UI_DETAIL : UI_LIST;
}

static void
k_redraw(struct top_session *ss, int key)
{
	(void)ss;
	(void)key;
	clearok(curscr, TRUE);
}

static void
k_suspend(struct top_session *ss, int key)
{
	(void)key;
	top_session_suspend(ss);
}

static void
k_back(struct top_session *ss, int key)
{
	(void)key;
	ss->ui.mode = UI_LIST;
}

static void
k_help_scroll(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	ui->help_top += key == K_UP ? -1 : key == K_DOWN ? 1 :
	    key == K_PGUP ? -(LINES - 2) : LINES - 2;
}

static void
k_col_cursor(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;

	if (key == K_UP && ui->col_cursor > 0)
		ui->col_cursor--;
	else if (key == K_DOWN && ui->col_cursor < COL__COUNT - 1)
		ui->col_cursor++;
}

static void
k_col_toggle(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;
	int c = ui->order[ui->col_cursor];

	(void)key;
	ui->shown[c] = !ui->shown[c];
	ui->settings_dirty = true;
}

/* < - move the cursor's column up the order, > + down. */
static void
k_col_move(struct top_session *ss, int key)
{
	struct top_ui *ui = &ss->ui;
	int c = ui->col_cursor, to = key == '<' || key == '-' ? c - 1 : c + 1;
	int t;

	if (to < 0 || to >= COL__COUNT)
		return;
	t = ui->order[to];
	ui->order[to] = ui->order[c];
	ui->order[c] = t;
	ui->col_cursor = to;
	ui->settings_dirty = true;
}

/* ---- the table ---- */

#define LIST TOP_IN_LIST
#define DETAIL TOP_IN_DETAIL
#define HELP TOP_IN_HELP
#define COLUMNS TOP_IN_COLUMNS

const struct top_key_def top_keys[] = {
	{ .key = 'D', .name = "D", .in = LIST, .run = k_delay,
	    .help = "delay between updates (fractions allowed)",
	    .bar = TOP_BAR_LIST, .bar_post = "elay" },
	{ .key = 'N', .name = "N", .in = LIST, .run = k_networks,
	    .help_keys = "N  B  V", .help = "network, block device, vcpu "
	    "lines under each domain", .bar = TOP_BAR_LIST,
	    .bar_post = "etworks", .bar_on = BAR_ON_NETWORKS },
	{ .key = 'B', .name = "B", .in = LIST, .run = k_vbds,
	    .bar = TOP_BAR_LIST, .bar_pre = "v", .bar_post = "ds",
	    .bar_on = BAR_ON_VBDS },
	{ .key = 'V', .name = "V", .in = LIST, .run = k_vcpus,
	    .bar = TOP_BAR_LIST, .bar_post = "CPUs", .bar_on = BAR_ON_VCPUS },
	{ .key = 'R', .name = "R", .in = LIST, .run = k_repeat,
	    .help = "repeat the header before each domain",
	    .bar = TOP_BAR_LIST, .bar_post = "epeat header",
	    .bar_on = BAR_ON_REPEAT },
	{ .key = 'S', .name = "S", .in = LIST, .run = k_sort_next,
	    .help = "next sort column     < >  previous/next column",
	    .bar = TOP_BAR_LIST, .bar_post = "ort order" },
	{ .key = '<', .name = "<", .in = LIST, .run = k_sort_prev },
	{ .key = '>', .name = ">", .in = LIST, .run = k_sort_next },
	{ .key = 'I', .name = "I", .in = LIST, .run = k_invert,
	    .help = "invert the sort      click a header: sort by it" },
	/* Esc never quits: it is "cancel" in every prompt, so a second
	 * one would; at the list it does nothing. */
	{ .key = K_ESC, .name = "Esc", .in = DETAIL, .run = k_back,
	    .bar = TOP_BAR_OTHER, .bar_post = " back" },
	{ .key = K_ENTER, .name = "Enter", .in = DETAIL, .run = k_back },
	{ .key = K_BS, .name = "Backspace", .in = DETAIL, .run = k_back },
	{ .key = K_LEFT, .name = "Left", .in = DETAIL, .run = k_back },
	{ .key = 'Q', .name = "Q", .in = DETAIL, .run = k_back },
	{ .key = 'Q', .name = "Q", .in = LIST, .run = k_quit,
	    .help_keys = "Q  F10", .help = "quit (in a view: back; Esc "
	    "never quits)", .bar = TOP_BAR_LIST, .bar_post = "uit" },
	{ .key = K_F10, .name = "F10", .in = LIST | DETAIL, .run = k_quit,
	    .bar = TOP_BAR_OTHER, .bar_post = " quit" },
	/* "move;" lines up with the label column's end of the longest
	 * label. */
	{ .key = K_UP, .name = "Up", .in = LIST | DETAIL, .run = k_move,
	    .help_keys = "Up Down PgUp PgDn Home End",
	    .help = "       move; Left Right scroll columns" },
	{ .key = K_DOWN, .name = "Down", .in = LIST | DETAIL,
	    .run = k_move },
	{ .key = K_PGUP, .name = "PgUp", .in = LIST, .run = k_move },
	{ .key = K_PGDN, .name = "PgDn", .in = LIST, .run = k_move },
	{ .key = K_HOME, .name = "Home", .in = LIST, .run = k_move },
	{ .key = K_END, .name = "End", .in = LIST, .run = k_move },
	{ .key = K_LEFT, .name = "Left", .in = LIST, .run = k_scroll_cols },
	{ .key = K_RIGHT, .name = "Right", .in = LIST,
	    .run = k_scroll_cols },
	{ .key = K_CTRL_L, .name = "Ctrl-L", .in = LIST | DETAIL,
	    .run = k_redraw, .help = "redraw the screen; Ctrl-Z suspends "
	    "(fg brings it back)" },
	{ .key = K_CTRL_Z, .name = "Ctrl-Z", .in = LIST | DETAIL,
	    .run = k_suspend },
	{ .key = 'T', .name = "T", .in = LIST | DETAIL, .run = k_totals,
	    .help = "totals instead of per-second rates",
	    .bar = TOP_BAR_LIST, .bar_post = "otals",
	    .bar_on = BAR_ON_TOTALS },
	{ .key = '/', .name = "/", .in = LIST, .run = k_filter,
	    .help = "filter by name as you type (Enter keeps, Esc clears)",
	    .bar = TOP_BAR_LIST, .bar_post = "filter" },
	{ .key = K_ENTER, .name = "Enter", .in = LIST, .run = k_detail,
	    .help = "details of the selected domain, with history",
	    .bar = TOP_BAR_LIST, .bar_post = " detail" },
	{ .key = ' ', .name = "Space", .in = LIST, .run = k_tag,
	    .help = "tag a domain: actions apply to every tagged one; U "
	    "untags all" },
	{ .key = 'U', .name = "U", .in = LIST | DETAIL, .run = k_untag },
	{ .key = 'A', .name = "A", .in = LIST | DETAIL, .run = k_action,
	    .help = "action: pause, unpause, shutdown, reboot, destroy,\n"
	    "console (Ctrl-] leaves the console); on one\n"
	    "domain: v vcpus, m memory, x maximum memory,\n"
	    "b attach / e detach a block device, w save, l restore",
	    .bar = TOP_BAR_LIST | TOP_BAR_OTHER, .bar_post = "ction" },
	{ .key = 'C', .name = "C", .in = LIST, .run = k_columns,
	    .help = "columns: show, hide, reorder", .bar = TOP_BAR_LIST,
	    .bar_post = "olumns" },
	{ .key = 'P', .name = "P", .in = LIST, .run = k_pcpus,
	    .help = "per-physical-CPU meters (when the host gives them)" },
	{ .key = 'Y', .name = "Y", .in = LIST | DETAIL, .run = k_theme,
	    .help = "next colour theme        W  save settings now" },
	{ .key = 'W', .name = "W", .in = LIST | DETAIL, .run = k_save },
	{ .key = 'H', .name = "H", .in = LIST | DETAIL, .run = k_help,
	    .help_keys = "H  ?  F1", .help = "this help" },
	{ .key = '?', .name = "?", .in = LIST | DETAIL, .run = k_help,
	    .bar = TOP_BAR_LIST | TOP_BAR_OTHER, .bar_post = " help" },
	{ .key = K_F1, .name = "F1", .in = LIST | DETAIL, .run = k_help },
	/* the help screen: scroll, or any other key goes back */
	{ .key = K_UP, .name = "Up", .in = HELP, .run = k_help_scroll },
	{ .key = K_DOWN, .name = "Down", .in = HELP, .run = k_help_scroll },
	{ .key = K_PGUP, .name = "PgUp", .in = HELP, .run = k_help_scroll },
	{ .key = K_PGDN, .name = "PgDn", .in = HELP, .run = k_help_scroll },
	{ .key = K_ANY, .name = "any key", .in = HELP, .run = k_help_done },
	/* the columns screen (its own first line tells these) */
	{ .key = K_UP, .name = "Up", .in = COLUMNS, .run = k_col_cursor },
	{ .key = K_DOWN, .name = "Down", .in = COLUMNS,
	    .run = k_col_cursor },
	{ .key = ' ', .name = "Space", .in = COLUMNS, .run = k_col_toggle },
	{ .key = '<', .name = "<", .in = COLUMNS, .run = k_col_move },
	{ .key = '-', .name = "-", .in = COLUMNS, .run = k_col_move },
	{ .key = '>', .name = ">", .in = COLUMNS, .run = k_col_move },
	{ .key = '+', .name = "+", .in = COLUMNS, .run = k_col_move },
	{ .key = K_ESC, .name = "Esc", .in = COLUMNS, .run = k_back },
	{ .key = K_ENTER, .name = "Enter", .in = COLUMNS, .run = k_back },
	{ .key = 'C', .name = "C", .in = COLUMNS, .run = k_back },
	{ .key = 'Q', .name = "Q", .in = COLUMNS, .run = k_back },
};
const size_t top_n_keys = sizeof top_keys / sizeof top_keys[0];

#undef LIST
#undef DETAIL
#undef HELP
#undef COLUMNS

int
top_key_upper(int k)
{
	return k >= 'a' && k <= 'z' ? k - 'a' + 'A' : k;
}

const struct top_key_def *
top_keys_find(enum top_ui_mode mode, int key)
{
	int k = top_key_upper(key);
	size_t r;

	for (r = 0; r < top_n_keys; r++)
		if ((top_keys[r].in & TOP_IN(mode)) &&
		    (top_keys[r].key == k || top_keys[r].key == K_ANY))
			return &top_keys[r];
	return NULL;
}

void
top_keys_run(struct top_session *ss, int key)
{
	const struct top_key_def *d = top_keys_find(ss->ui.mode, key);

	if (d != NULL)
		d->run(ss, key);
}

/* ---- the help screen and the bottom bar ---- */

/* The key part of the help screen: a title, a line (or more) per row of
 * the list with help text, then the columns' heading. */
static const char help_title[] = "xdom top keys (xentop's first):";

bool
top_keys_help_line(size_t k, char *buf, size_t len)
{
	size_t r, n = 1;

	if (k == 0) {
		snprintf(buf, len, "%s", help_title);
		return true;
	}
	for (r = 0; r < top_n_keys; r++) {
		const struct top_key_def *d = &top_keys[r];
		const char *p = d->help;
		bool first = true;

		if (!(d->in & TOP_IN_LIST) || p == NULL)
			continue;
		while (p != NULL) {
			const char *nl = strchr(p, '\n');
			int tl = nl != NULL ? (int)(nl - p) : (int)strlen(p);

			if (n++ == k) {
				snprintf(buf, len, "  %-12s %.*s", first ?
				    (d->help_keys != NULL ? d->help_keys :
				    d->name) : "", tl, p);
				return true;
			}
			first = false;
			p = nl != NULL ? nl + 1 : NULL;
		}
	}
	if (k == n) {
		snprintf(buf, len, "%s", "");
		return true;
	}
	if (k == n + 1) {
		snprintf(buf, len, "%s", "Columns:");
		return true;
	}
	return false;
}

size_t
top_keys_bar(enum top_ui_mode mode, const struct top_key_def **out,
    size_t max)
{
	unsigned want = mode == UI_LIST ? TOP_BAR_LIST : TOP_BAR_OTHER;
	size_t r, n = 0;

	for (r = 0; r < top_n_keys && n < max; r++)
		if (top_keys[r].bar & want)
			out[n++] = &top_keys[r];
	return n;
}
