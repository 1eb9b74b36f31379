/*
 * top_draw.c - one frame of the dashboard, into stdscr.
 *
 *   title  time, hypervisor version, SIMULATED          (xentop line 1)
 *   counts domains by state                             (xentop line 2)
 *   memory and CPUs                                     (xentop line 3)
 *   hosts  fleet only: hosts by state, one line per host (those not up
 *          first when they do not all fit), each with its state
 *   meters host CPU and memory bars; per-pCPU with -p/P  (tall screens)
 *   message prompt, status of the last action, or sort/filter info
 *   header, rows (or the detail, help or column screen: top_views.c)
 *   bottom bar, xentop's keys first
 *
 * Only the rows on screen are formatted, so the cost of a frame follows
 * the terminal's size, not the number of domains. Every string is cut to
 * the screen by display width, and the bottom-right cell is never
 * written, so a 40x10 terminal gets a clean, if short, frame.
 */
#include "top/top_ui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* Draw s at (y, x), at most maxw columns and never past the screen. */
int
top_put(int y, int x, const char *s, attr_t a, int maxw)
{
	char buf[1024];
	int room = COLS - x, w;

	if (y < 0 || y >= LINES || x < 0 || room <= 0)
		return 0;
	if (y == LINES - 1)
		room--;		/* the last cell would scroll some terms */
	if (maxw >= 0 && maxw < room)
		room = maxw;
	if (room <= 0)
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	top_text_cut(buf, room);
	w = top_text_width(buf);
	attrset(a);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
	return w;
}

void
top_fill(int y, int x0, int x1, attr_t a)
{
	int x;

	if (y < 0 || y >= LINES)
		return;
	if (x1 > COLS)
		x1 = COLS;
	if (y == LINES - 1 && x1 == COLS)
		x1--;
	attrset(a);
	for (x = x0 < 0 ? 0 : x0; x < x1; x++)
		mvaddch(y, x, ' ');
	attrset(A_NORMAL);
}

/* s padded to w columns, right- or left-aligned, into out. */
static void
pad(char *out, size_t len, const char *s, int w, bool left)
{
	char cut[512];
	int sw, n;

	snprintf(cut, sizeof cut, "%s", s);
	top_text_cut(cut, w);
	sw = top_text_width(cut);
	n = w - sw;
	if (n < 0)
		n = 0;
	if (left)
		snprintf(out, len, "%s%*s", cut, n, "");
	else
		snprintf(out, len, "%*s%s", n, "", cut);
}

/* A name cut to w columns says so: its last column becomes a mark, '~'
 * or, on a UTF-8 terminal, an ellipsis, so two names that share their
 * first letters never look like the same guest. */
static void
cut_marked(char *s, size_t len, int w, bool ascii_only)
{
	const char *mark = ascii_only ? "~" : "\xe2\x80\xa6";
	size_t l;

	if (w < 2 || top_text_width(s) <= w)
		return;
	top_text_cut(s, w - 1);
	l = strlen(s);
	snprintf(s + l, len - l, "%s", mark);
}

void
top_ui_status(struct top_ui *ui, bool error, double secs, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof ui->status, fmt, ap);
	va_end(ap);
	ui->status_err = error;
	ui->status_until = secs > 0 ? xdom_mono_ns() + (uint64_t)(secs * 1e9) :
	    0;
}

bool
top_ui_tagged(const struct top_ui *ui, const char *ref)
{
	size_t i;

	for (i = 0; i < ui->n_tags; i++)
		if (strcmp(ui->tags[i], ref) == 0)
			return true;
	return false;
}

/* ---- geometry ---- */

int
top_ui_col_width(const struct top_ui *ui, int c)
{
	const struct top_col_def *d = &top_cols[c];
	int w = d->width, hw = (int)strlen(top_col_title(&ui->m, c));

	if (c == COL_NAME && ui->name_w > w)
		w = ui->name_w;
	/* Host labels differ at their end (user@host:port): all of it. */
	if (c == COL_HOST && ui->host_w > w)
		w = ui->host_w;
	return hw > w ? hw : w;
}

int
top_ui_drawn_cols(const struct top_ui *ui, int out[COL__COUNT])
{
	int k, n = 0, skip = ui->hscroll;

	for (k = 0; k < COL__COUNT; k++) {
		int c = ui->order[k];

		if (!ui->shown[c])
			continue;
		if (c == COL_HOST && top_model_cur(&ui->m)->n_host < 2 &&
		    !ui->o->columns)
			continue;	/* one host: nothing to tell apart */
		if (c != COL_ID && c != COL_NAME && skip > 0) {
			skip--;
			continue;
		}
		out[n++] = c;
	}
	return n;
}

int
top_ui_dom_lines(const struct top_ui *ui, size_t pos)
{
	const struct snap_dom *d = &top_model_cur(&ui->m)->dom[
	    ui->m.order[pos]];
	int n = 1;

	if (ui->o->repeat_header && pos > ui->top)
		n++;
	if (ui->o->vcpus)
		n++;
	if (ui->o->networks)
		n += (int)d->n_net;
	if (ui->o->vbds)
		n += (int)d->n_vbd;
	return n;
}

void
top_ui_scroll_to_sel(struct top_ui *ui)
{
	size_t n = ui->m.n_order;
	int h = ui->rows_h > 0 ? ui->rows_h : 1, sum = 0;
	size_t p;

	if (n == 0) {
		ui->sel = ui->top = 0;
		return;
	}
	if (ui->sel >= n)
		ui->sel = n - 1;
	if (ui->top > ui->sel)
		ui->top = ui->sel;
	if (ui->sel - ui->top > (size_t)h)
		ui->top = ui->sel - (size_t)h;
	for (p = ui->top; p <= ui->sel; p++)
		sum += top_ui_dom_lines(ui, p);
	while (sum > h && ui->top < ui->sel) {
		sum -= top_ui_dom_lines(ui, ui->top);
		ui->top++;
		/* the new first row has no repeated header above it */
		if (ui->o->repeat_header && ui->top <= ui->sel &&
		    ui->top > 0)
			sum--;
	}
}

/* ---- summary and meters ---- */

static void
draw_meter(int y, int x, int w, const char *label, double frac,
    const char *text, const struct top_ui *ui)
{
	int lw = (int)strlen(label), inner, bars, k, tw;

	if (w < lw + 4)
		return;
	top_put(y, x, label, ui->attrs[TH_METER_LABEL], lw);
	top_put(y, x + lw, "[", ui->attrs[TH_METER_TEXT], 1);
	inner = w - lw - 2;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	bars = (int)(frac * inner + 0.5);
	tw = (int)strlen(text);
	for (k = 0; k < inner; k++) {
		int tpos = k - (inner - tw);
		char ch[2] = { k < bars ? '|' : ' ', '\0' };
		attr_t a = k < bars ? (k >= inner * 8 / 10 ?
		    ui->attrs[TH_METER_HIGH] : ui->attrs[TH_METER_BAR]) :
		    ui->attrs[TH_METER_TEXT];

		if (tpos >= 0 && tpos < tw) {
			ch[0] = text[tpos];
			a = ui->attrs[TH_METER_TEXT];
		}
		top_put(y, x + lw + 1 + k, ch, a, 1);
	}
	top_put(y, x + lw + 1 + inner, "]", ui->attrs[TH_METER_TEXT], 1);
}

static int
draw_meters(struct top_ui *ui, int y)
{
	uint64_t total, used, free_kb;
	char t[64], a[16], b[16];
	int half = COLS / 2 - 1;

	top_model_mem(&ui->m, &total, &used, &free_kb);
	snprintf(t, sizeof t, "%.1f%%", ui->m.host_cpu_pct);
	draw_meter(y, 0, half, "CPU", ui->m.host_cpu_pct / 100.0, t, ui);
	top_fmt_scaled((double)used * 1024, 1024, a, sizeof a);
	top_fmt_scaled((double)total * 1024, 1024, b, sizeof b);
	snprintf(t, sizeof t, "%s/%s", a, b);
	draw_meter(y, half + 2, COLS - half - 3, "Mem", total ?
	    (double)used / (double)total : 0, t, ui);
	y++;
	if (ui->pcpu_view && ui->m.n_pcpu > 0) {
		int per = COLS / 22 > 0 ? COLS / 22 : 1, cw = COLS / per;
		int maxl = (LINES - y - 8) > 1 ? (LINES - y - 8) : 1;
		uint32_t k;

		for (k = 0; k < ui->m.n_pcpu; k++) {
			int row = (int)k / per, col = (int)k % per;
			char lab[16];

			if (row >= maxl)
				break;
			snprintf(lab, sizeof lab, "%3u", k);
			snprintf(t, sizeof t, "%.0f%%", ui->m.pcpu_pct[k]);
			draw_meter(y + row, col * cw, cw - 1, lab,
			    ui->m.pcpu_pct[k] / 100.0, t, ui);
		}
		k = (ui->m.n_pcpu + (uint32_t)per - 1) / (uint32_t)per;
		y += (int)k < maxl ? (int)k : maxl;
	}
	return y;
}

/*
 * Fleet: "Hosts: 50, 48 up, 1 down, 1 key mismatch", then one line per
 * host while they fit in a third of the screen; when they do not, hosts
 * that are not up come first and a last line counts the rest.
 */
static int
draw_hosts(struct top_ui *ui, int y)
{
	const struct snap *s = top_model_cur(&ui->m);
	char line[1024];
	int room = (LINES - 8) / 3, lw = top_host_label_width(&ui->m), shown;
	size_t h, pass, left;

	top_fmt_hosts_line(&ui->m, line, sizeof line);
	top_put(y++, 0, line, ui->attrs[TH_SUMMARY], -1);
	if (room < 1)
		return y;
	if ((size_t)room >= s->n_host)
		room = (int)s->n_host;
	else
		room--;		/* for the "more" line */
	shown = 0;
	/* Pass 0: hosts not up; pass 1: the up ones. */
	for (pass = 0; pass < 2; pass++) {
		for (h = 0; h < s->n_host && shown < room; h++) {
			bool up = s->hosts[h].state == SNAP_HOST_UP;

			if (up != (pass == 1))
				continue;
			top_fmt_host_line(&ui->m, h, lw, line, sizeof line);
			top_put(y++, 1, line, ui->attrs[up ? TH_SUMMARY :
			    TH_STATUS_ERR], -1);
			shown++;
		}
	}
	left = s->n_host - (size_t)shown;
	if (left > 0) {
		unsigned c[SNAP_HOST_RETRYING + 1];

		top_model_host_states(&ui->m, c);
		snprintf(line, sizeof line, "... %zu more host%s%s", left,
		    left == 1 ? "" : "s", (size_t)shown >= s->n_host -
		    c[SNAP_HOST_UP] ? " (all up)" : "");
		top_put(y++, 1, line, ui->attrs[TH_SUMMARY], -1);
	}
	return y;
}

static int
draw_summary(struct top_ui *ui, int y)
{
	char line[512];
	const char *sim;
	bool admin = ui->o->mode != TOP_MODE_RESTRICTED;

	top_fmt_title(&ui->m, ui->o, line, sizeof line);
	top_put(y, 0, line, ui->attrs[TH_TITLE], -1);
	if ((sim = strstr(line, "SIMULATED")) != NULL) {
		char pre[512];
		int x;

		snprintf(pre, sizeof pre, "%.*s", (int)(sim - line), line);
		x = top_text_width(pre);
		/* Never cut off: on a narrow screen it goes at the right. */
		if (x + 9 > COLS)
			x = COLS - 9 > 0 ? COLS - 9 : 0;
		if (x > 0)
			top_put(y, x - 1, " ", ui->attrs[TH_TITLE], 1);
		top_put(y, x, "SIMULATED", ui->attrs[TH_SIM], -1);
	}
	y++;
	top_fmt_counts(&ui->m, line, sizeof line);
	top_put(y++, 0, line, ui->attrs[TH_SUMMARY], -1);
	if (admin) {
		top_fmt_memline(&ui->m, line, sizeof line);
		top_put(y++, 0, line, ui->attrs[TH_SUMMARY], -1);
		if (ui->o->remote || top_model_cur(&ui->m)->n_host > 1)
			y = draw_hosts(ui, y);
		if (LINES >= 16)
			y = draw_meters(ui, y);
	}
	return y;
}

/* ---- message line and bottom bar ---- */

/* The action menu's keys: on one line when the screen is wide enough,
 * else the letters alone there and this legend over the rows. */
static const char *const prompt_action_text =
    "Action: p pause  u unpause  s shutdown  r reboot  d destroy  "
    "c console  v vcpus  m memory  x maxmem  b attach  e detach  "
    "w save  l restore  (Esc cancels)";
static const char *const prompt_action_short[] = {
	"Action: p u s r d c v m x b e w l (Esc)",
	"Action: pusrdcvmxbewl",
};
static const char *const action_legend[] = {
	"p pause", "u unpause", "s shutdown", "r reboot", "d destroy",
	"c console", "v vcpus", "m memory", "x maxmem", "b attach",
	"e detach", "w save", "l restore",
};
#define LEGEND_W 12	/* widest item and a space */

/* Where a prompt line ends: the screen's width, the last cell spared on
 * the bottom line. */
static int
prompt_room(int y)
{
	return y == LINES - 1 ? COLS - 1 : COLS;
}

/* Pointer into s where its last w columns start (whole characters). */
static const char *
text_tail(const char *s, int w)
{
	while (*s != '\0' && top_text_width(s) > w) {
		s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
	}
	return s;
}

/*
 * A prompt that fits room columns: label, then tail (what is being typed,
 * or the "? (y/N) " that must stay readable). When both do not fit the
 * label is cut first, with a mark, down to half the line; then the typed
 * text shows its end, marked at its start, so the cursor side is always
 * in view.
 */
static void
prompt_fit(const struct top_ui *ui, const char *label, const char *tail,
    int room, char *out, size_t len)
{
	const char *mark = ui->m.ascii_only ? "~" : "\xe2\x80\xa6";
	char lab[1400];
	int lw = top_text_width(label), tw = top_text_width(tail), keep;

	if (lw + tw <= room) {
		snprintf(out, len, "%s%s", label, tail);
		return;
	}
	keep = room - tw;
	if (keep < room / 2)
		keep = room / 2;
	if (keep > lw)
		keep = lw;
	snprintf(lab, sizeof lab, "%s", label);
	cut_marked(lab, sizeof lab, keep, ui->m.ascii_only);
	if (tw <= room - keep)
		snprintf(out, len, "%s%s", lab, tail);
	else if (room - keep >= 2)
		snprintf(out, len, "%.1000s%s%s", lab, mark,
		    text_tail(tail, room - keep - 1));
	else
		snprintf(out, len, "%s", lab);
}

/* Whether the action menu is too wide for one line here. */
static bool
action_narrow(int y)
{
	return (int)strlen(prompt_action_text) > prompt_room(y);
}

/* The legend of the action keys over the rows from y, on a narrow screen:
 * as many items a line as fit, as many lines as there is room for. */
static void
draw_action_legend(struct top_ui *ui, int y)
{
	int per = COLS / LEGEND_W, n = (int)(sizeof action_legend /
	    sizeof action_legend[0]), k;

	if (per < 1)
		per = 1;
	for (k = 0; k < n && y < LINES - 1; k += per, y++) {
		char line[256];
		int j, o = 0;

		for (j = k; j < k + per && j < n; j++)
			o += snprintf(line + o, sizeof line - (size_t)o,
			    "%-*s", LEGEND_W, action_legend[j]);
		top_fill(y, 0, COLS, ui->attrs[TH_PROMPT]);
		top_put(y, 0, line, ui->attrs[TH_PROMPT], -1);
	}
}

static void
draw_message(struct top_ui *ui, int y)
{
	char line[2600], lab[1400];
	int room = prompt_room(y);
	const char *q;
	size_t k;

	switch (ui->prompt) {
	case PR_DELAY:
		prompt_fit(ui, "Delay(sec): ", ui->input, room, line,
		    sizeof line);
		break;
	case PR_FILTER:
		prompt_fit(ui, "Filter: ", ui->input, room, line, sizeof line);
		break;
	case PR_REASON:
		q = "Reason (for the audit log): ";
		if (top_text_width(q) + (int)ui->input_len + 8 > room)
			q = "Reason: ";
		prompt_fit(ui, q, ui->input, room, line, sizeof line);
		break;
	case PR_ACTION:
		q = prompt_action_text;
		for (k = 0; action_narrow(y) && k < sizeof prompt_action_short /
		    sizeof prompt_action_short[0]; k++) {
			q = prompt_action_short[k];
			if ((int)strlen(q) <= room)
				break;
		}
		snprintf(line, sizeof line, "%s", q);
		break;
	case PR_CONFIRM:
	case PR_RES_CONFIRM:
		/* "verb name? (y/N) ": the question's end stays whole */
		q = ui->prompt == PR_CONFIRM ? ui->input : ui->res.label;
		snprintf(lab, sizeof lab, "%s", q);
		if ((q = strrchr(lab, '?')) != NULL && strstr(q, "(y/N)")) {
			char tail[32];

			snprintf(tail, sizeof tail, "%s", q);
			lab[q - lab] = '\0';
			prompt_fit(ui, lab, tail, room, line, sizeof line);
		} else
			prompt_fit(ui, "", lab, room, line, sizeof line);
		break;
	case PR_RES_VALUE:
		/* the full question, or "memory web01: " when it and the
		 * value do not fit */
		snprintf(lab, sizeof lab, "%s", ui->res.label);
		if (top_text_width(lab) + (int)ui->input_len + 1 > room) {
			char name[4 * 128 + 8];

			top_name_escape(ui->res.job.name, ui->m.ascii_only,
			    name, sizeof name);
			snprintf(lab, sizeof lab, "%s %s: ",
			    top_res_verb(ui->res.job.kind), name);
		}
		prompt_fit(ui, lab, ui->input, room, line, sizeof line);
		break;
	default:
		line[0] = '\0';
	}
	if (line[0] != '\0') {
		top_put(y, 0, line, ui->attrs[TH_PROMPT], -1);
		return;
	}
	if (ui->status[0] != '\0' && (ui->status_until == 0 ||
	    xdom_mono_ns() < ui->status_until)) {
		top_put(y, 0, ui->status, ui->attrs[ui->status_err ?
		    TH_STATUS_ERR : TH_STATUS], -1);
		return;
	}
	{
		int n = snprintf(line, sizeof line, "Sort: %s %s  %s",
		    top_col_title(&ui->m, ui->m.sort_col),
		    ui->m.sort_desc ? "desc" : "asc",
		    ui->m.totals ? "totals" : "rates");

		if (ui->m.filter[0] != '\0')
			n += snprintf(line + n, sizeof line - (size_t)n,
			    "  Filter: %s (%zu)", ui->m.filter,
			    ui->m.n_order);
		if (ui->n_tags > 0)
			snprintf(line + n, sizeof line - (size_t)n,
			    "  %zu tagged", ui->n_tags);
		top_put(y, 0, line, ui->attrs[TH_STATUS], -1);
	}
}

/* The bottom bar: the key table's words for this view (top_keys.c). */
static void
draw_bar(struct top_ui *ui)
{
	const struct top_key_def *it[32];
	size_t n = top_keys_bar(ui->mode, it, sizeof it / sizeof it[0]), k;
	bool on[] = {
		[BAR_ON_NONE] = false,
		[BAR_ON_NETWORKS] = ui->o->networks,
		[BAR_ON_VBDS] = ui->o->vbds,
		[BAR_ON_VCPUS] = ui->o->vcpus,
		[BAR_ON_REPEAT] = ui->o->repeat_header,
		[BAR_ON_TOTALS] = ui->m.totals,
	};
	int y = LINES - 1, x = 0;

	top_fill(y, 0, COLS, ui->attrs[TH_BAR_TEXT]);
	for (k = 0; k < n && x < COLS - 1; k++) {
		attr_t word = on[it[k]->bar_on] ? ui->attrs[TH_BAR_ON] :
		    ui->attrs[TH_BAR_TEXT];

		x += top_put(y, x, it[k]->bar_pre ? it[k]->bar_pre : "", word, -1);
		x += top_put(y, x, it[k]->name, ui->attrs[TH_BAR_KEY], -1);
		x += top_put(y, x, it[k]->bar_post ? it[k]->bar_post : "", word,
		    -1);
		x += top_put(y, x, "  ", ui->attrs[TH_BAR_TEXT], -1);
	}
}

/* ---- the list ---- */

static void
draw_header(struct top_ui *ui, int y, const int *cols, int n, bool record)
{
	int k, x = 0;

	top_fill(y, 0, COLS, ui->attrs[TH_HEADER]);
	for (k = 0; k < n && x < COLS; k++) {
		int c = cols[k], w = top_ui_col_width(ui, c);
		char cell[512];

		pad(cell, sizeof cell, top_col_title(&ui->m, c), w,
		    top_cols[c].left);
		top_put(y, x, cell, ui->attrs[c == (int)ui->m.sort_col ?
		    TH_HEADER_SORT : TH_HEADER], -1);
		if (record) {
			ui->col_x0[c] = x;
			ui->col_x1[c] = x + w;
		}
		x += w + 1;
	}
}

static attr_t
row_attr(const struct top_ui *ui, uint32_t i, bool sel)
{
	const struct snap *s = top_model_cur(&ui->m);
	const struct snap_dom *d = &s->dom[i];

	if (sel)
		return ui->attrs[TH_ROW_SEL];
	if (ui->n_tags > 0) {
		char ref[300];

		if (top_ui_tagged(ui, hv_dom_ref(ui->hv, s, d, ref,
		    sizeof ref)))
			return ui->attrs[TH_ROW_TAGGED];
	}
	if (d->flags & (SNAP_F_CRASHED | SNAP_F_DYING))
		return ui->attrs[TH_ROW_BAD];
	if (d->flags & SNAP_F_PAUSED)
		return ui->attrs[TH_ROW_PAUSED];
	return ui->attrs[TH_ROW];
}

static void
draw_row(struct top_ui *ui, int y, uint32_t i, bool sel, const int *cols,
    int n)
{
	attr_t a = row_attr(ui, i, sel);
	int k, x = 0;

	top_fill(y, 0, COLS, a);
	for (k = 0; k < n && x < COLS; k++) {
		int c = cols[k], w = top_ui_col_width(ui, c);
		char raw[512], cell[600];

		top_col_text(&ui->m, c, i, raw, sizeof raw);
		if (c == COL_NAME || c == COL_HOST)
			cut_marked(raw, sizeof raw, w, ui->m.ascii_only);
		pad(cell, sizeof cell, raw, w, top_cols[c].left);
		top_put(y, x, cell, c == COL_CPU_HIST && !sel ?
		    ui->attrs[TH_SPARK] : a, -1);
		x += w + 1;
	}
}

/*
 * NAME's width this frame: the longest name on screen, at least xentop's
 * 10. Up to TOP_NAME_CAP (and a third of the screen) it grows, because
 * guests are told apart by the end of their names (cust-alice-web,
 * cust-alice-db) and the columns it pushes off the right edge are a
 * scroll away; a longer name is cut with a mark (cut_marked). -f, as
 * xentop's, shows names in full: up to half the screen.
 */
#define TOP_NAME_CAP 32

static void
measure_names(struct top_ui *ui, int h)
{
	size_t p;
	int lines = 0, cap = ui->o->full_name ? COLS / 2 : COLS / 3;

	if (!ui->o->full_name && cap > TOP_NAME_CAP)
		cap = TOP_NAME_CAP;
	ui->name_w = 0;
	for (p = ui->top; p < ui->m.n_order && lines < h; p++) {
		char raw[512];

		top_col_text(&ui->m, COL_NAME, ui->m.order[p], raw,
		    sizeof raw);
		if (top_text_width(raw) > ui->name_w)
			ui->name_w = top_text_width(raw);
		lines += top_ui_dom_lines(ui, p);
	}
	if (ui->name_w > cap)
		ui->name_w = cap;
}

static void
draw_list(struct top_ui *ui, int y)
{
	int cols[COL__COUNT], n, line, k;
	size_t p;
	char sub[512];

	ui->header_y = y;
	ui->rows_y = y + 1;
	ui->rows_h = LINES - 1 - ui->rows_y;
	if (ui->rows_h < 1)
		ui->rows_h = 1;
	top_ui_scroll_to_sel(ui);
	measure_names(ui, ui->rows_h);
	for (k = 0; k < COL__COUNT; k++)
		ui->col_x0[k] = ui->col_x1[k] = -1;
	n = top_ui_drawn_cols(ui, cols);
	draw_header(ui, y, cols, n, true);
	for (k = 0; k < ui->cap_lines; k++)
		ui->line_row[k] = -1;
	if (ui->m.n_order == 0) {
		top_put(ui->rows_y, 0, ui->m.filter[0] ? "no domain matches the "
		    "filter (/ to change it)" : "no domains", ui->attrs[TH_ROW],
		    -1);
		return;
	}
	line = ui->rows_y;
	for (p = ui->top; p < ui->m.n_order && line < LINES - 1; p++) {
		uint32_t i = ui->m.order[p];
		const struct snap_dom *d = &top_model_cur(&ui->m)->dom[i];
		uint32_t j;

		if (ui->o->repeat_header && p > ui->top) {
			draw_header(ui, line++, cols, n, false);
			if (line >= LINES - 1)
				break;
		}
		draw_row(ui, line, i, p == ui->sel, cols, n);
		if (line < ui->cap_lines)
			ui->line_row[line] = (long)p;
		line++;
		if (ui->o->vcpus && line < LINES - 1) {
			top_fmt_vcpu_line(&ui->m, i, sub, sizeof sub);
			top_put(line++, 0, sub, ui->attrs[TH_ROW], -1);
		}
		for (j = 0; ui->o->networks && j < d->n_net &&
		    line < LINES - 1; j++) {
			top_fmt_net_line(&ui->m, i, j, sub, sizeof sub);
			top_put(line++, 0, sub, ui->attrs[TH_ROW], -1);
		}
		for (j = 0; ui->o->vbds && j < d->n_vbd && line < LINES - 1;
		    j++) {
			top_fmt_vbd_line(&ui->m, i, j, sub, sizeof sub);
			top_put(line++, 0, sub, ui->attrs[TH_ROW], -1);
		}
	}
}


void
top_draw(struct top_ui *ui)
{
	int y = 0;

	ui->lines = LINES;
	ui->cols = COLS;
	if (ui->cap_lines < LINES) {
		ui->line_row = xreallocarray(ui->line_row, (size_t)LINES,
		    sizeof *ui->line_row);
		ui->cap_lines = LINES;
	}
	ui->host_w = top_host_label_width(&ui->m);
	/* A customer's view: no share of the host's memory either. */
	ui->m.host_hidden = ui->o->mode == TOP_MODE_RESTRICTED;
	erase();
	if (LINES < 5 || COLS < 20) {
		top_put(0, 0, "xdom top: terminal too small", A_BOLD, -1);
		ui->header_y = ui->rows_y = -1;
		return;
	}
	if (ui->mode == UI_HELP) {
		top_draw_help(ui, 0);
		draw_bar(ui);
		return;
	}
	y = draw_summary(ui, y);
	draw_message(ui, y++);
	switch (ui->mode) {
	case UI_DETAIL:
		top_draw_detail(ui, y);
		break;
	case UI_COLUMNS:
		ui->header_y = ui->rows_y = -1;
		top_draw_columns(ui, y);
		break;
	default:
		draw_list(ui, y);
		break;
	}
	if (ui->prompt == PR_ACTION && action_narrow(y - 1))
		draw_action_legend(ui, y);
	draw_bar(ui);
}
