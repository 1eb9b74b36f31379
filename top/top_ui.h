/*
 * top_ui.h - the interactive dashboard's state, shared by the drawing,
 * input, key, action, theme and settings files (top/top_*.c). Only those
 * and their unit tests include it.
 */
#ifndef XDOM_TUI_TOP_UI_H
#define XDOM_TUI_TOP_UI_H

#include <curses.h>
#include <pthread.h>

#include "top/top_int.h"

/* ---- themes (top_theme.c) ---- */

enum top_el {
	TH_TITLE = 0,	/* first summary line */
	TH_SIM,		/* the SIMULATED tag */
	TH_SUMMARY,	/* the other summary lines */
	TH_METER_LABEL,
	TH_METER_BAR,
	TH_METER_HIGH,	/* the part of a bar above 80 % */
	TH_METER_TEXT,
	TH_HEADER,	/* column headers */
	TH_HEADER_SORT,	/* the sort column's header */
	TH_ROW,
	TH_ROW_SEL,	/* the cursor row */
	TH_ROW_TAGGED,
	TH_ROW_PAUSED,
	TH_ROW_BAD,	/* crashed or dying */
	TH_SPARK,
	TH_STATUS,
	TH_STATUS_ERR,
	TH_PROMPT,
	TH_BAR_KEY,	/* the key letters of the bottom bar */
	TH_BAR_TEXT,
	TH_BAR_ON,	/* a bottom-bar word whose toggle is on */
	TH_LABEL,	/* detail view labels */
	TH_GRAPH_CPU,
	TH_GRAPH_NET,
	TH_GRAPH_DSK,
	TH__COUNT
};

#define TOP_THEME_NAME_MAX 32

struct top_theme_el {
	short fg, bg;		/* -1: terminal default */
	attr_t attr;
};

struct top_theme {
	char name[TOP_THEME_NAME_MAX];
	int colors;		/* colours the theme wants: 0 (none), 8, 16, 256 */
	struct top_theme_el el[TH__COUNT];
};

/* Element names as theme files spell them ("header_sort"). */
extern const char *const top_theme_el_names[TH__COUNT];

/* The built-in default, used when no theme file is found. */
void top_theme_builtin(struct top_theme *t);
/* Parse a theme file's text. Unknown keys are ignored (newer files);
 * a bad value is an error naming it. */
int top_theme_parse(struct top_theme *t, const char *text, size_t len,
    const char *origin, struct xdom_err *err);
/* Find and load a theme by name ([A-Za-z0-9_-]+) from the theme
 * directories (see top_theme_dirs). */
int top_theme_load(struct top_theme *t, const char *name,
    struct xdom_err *err);
/* The directories searched, in order, NULL-terminated; static storage. */
const char *const *top_theme_dirs(void);
/* Names of every theme found, sorted; *n set; caller frees with
 * top_theme_names_free. */
char **top_theme_names(size_t *n);
void top_theme_names_free(char **names, size_t n);
/* Map a colour (0-255, -1 the terminal's default) to what a terminal
 * with ncolors colours can show: itself when it has it, else the one of
 * its first 8 or 16 that looks nearest (by xterm's palette). */
short top_theme_degrade(short c, int ncolors);
/* Set up colour pairs for t on the current screen; with no colours
 * (NO_COLOR, a mono terminal) attributes only. Returns the attr to use
 * for each element in attrs. */
void top_theme_apply(const struct top_theme *t, bool use_color,
    attr_t attrs[TH__COUNT]);

/* ---- settings (top_settings.c) ---- */

#define TOP_SETTINGS_VERSION 1

struct top_settings {
	int version;
	double delay;
	int order[COL__COUNT];
	bool shown[COL__COUNT];
	int sort_col;
	bool sort_desc;
	char theme[TOP_THEME_NAME_MAX];
	bool totals, networks, vbds, vcpus, repeat_header, full_name;
	bool dom0_first, pcpus;
};

void top_settings_default(struct top_settings *s);
/* ~/.config/xdom/top.conf ($XDG_CONFIG_HOME honoured); malloc'd, or
 * NULL when no home is known. */
char *top_settings_path(void);
/* Read path into s (which holds defaults). A missing file is fine. A
 * corrupt one leaves the defaults, returns XDOM_ECORRUPT and says why;
 * unknown keys and columns are skipped. */
int top_settings_load(struct top_settings *s, const char *path,
    struct xdom_err *err);
/* Write atomically (temp file, fsync, rename), mode 0600, creating the
 * directory (0700) when needed. */
int top_settings_save(const struct top_settings *s, const char *path,
    struct xdom_err *err);

/* ---- actions (top_action.c) ---- */

#define TOP_ACT_MAX_DOMS 256

/* One action on one or more domains, run on a worker thread with its
 * own backend handle so the screen never waits for it; with a remote
 * view_hv (hv_remote()) the worker uses view_hv itself, whose actions go
 * over the hosts' existing SSH connections. view_hv may be NULL. */
struct top_worker;

struct top_worker *top_worker_new(const struct hv_open_opts *hvo,
    struct hv *view_hv, int wake_fd);
/* Queue a job; XDOM_EBUSY while one runs. names are copied. */
int top_worker_submit(struct top_worker *w, enum hv_action a,
    char *const *names, size_t n, const char *reason);

/* ---- resource actions (top_res.c) ---- */

enum top_res_kind {
	TOP_RES_VCPUS = 0,	/* online vcpus */
	TOP_RES_MEM,		/* memory target */
	TOP_RES_MAXMEM,		/* maximum memory */
	TOP_RES_ATTACH,		/* block-attach target as vdev */
	TOP_RES_DETACH,		/* block-detach vdev */
	TOP_RES_SAVE,		/* save to target ("" through xdomd) */
	TOP_RES_RESTORE,	/* restore from target */
	TOP_RES__COUNT
};

/* One validated resource change on one guest. */
struct top_res_job {
	enum top_res_kind kind;
	char name[128];		/* the guest */
	uint64_t value;		/* vcpus: count; memory: KiB */
	char target[600];	/* attach: path (image name through xdomd);
				   save, restore: file (restore through
				   xdomd: the guest's name) */
	char vdev[16];
	bool writable;
};

/* Queue a resource job (copied); XDOM_EBUSY while a job runs. Its result
 * comes back through top_worker_result() like an action's. */
int top_worker_submit_res(struct top_worker *w, const struct top_res_job *j);
/* "vcpus", "memory", ... for status lines. */
const char *top_res_verb(enum top_res_kind k);
/* A finished job's result line; rc its worst code. false when none. */
bool top_worker_result(struct top_worker *w, char *line, size_t len,
    int *rc, enum hv_action *a, char *first_name, size_t name_len);
void top_worker_free(struct top_worker *w);

/* ---- the dashboard ---- */

enum top_ui_mode {
	UI_LIST = 0,
	UI_DETAIL,
	UI_HELP,
	UI_COLUMNS,
};

enum top_prompt {
	PR_NONE = 0,
	PR_DELAY,	/* D: "Delay(sec): " */
	PR_FILTER,	/* /: incremental name filter */
	PR_ACTION,	/* a: which action */
	PR_CONFIRM,	/* y/N for the chosen action */
	PR_REASON,	/* the helper wants an audit reason */
	PR_RES_VALUE,	/* a resource action's value (top_res.c) */
	PR_RES_CONFIRM,	/* y/N before it takes something away */
};

/* The resource action being asked for (top_res.c). */
struct top_res_ask {
	struct top_res_job job;	/* kind and name set; the rest once valid */
	char label[1400];	/* the question shown before the input */
	char last_file[600];	/* the last file saved to, for restore */
};

/* ---- keys (top_keys.c) ---- */

/* Codes of the keys that have no character, after Unicode's. K_ANY, in
 * the key table only, stands for any key not listed before it. */
enum {
	K_UP = 0x110001, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME,
	K_END, K_ENTER, K_ESC, K_BS, K_F1, K_F10, K_CTRL_L, K_CTRL_Z, K_TAB, K_ANY,
};

/* Where a key works: one bit per view. */
#define TOP_IN(mode) (1u << (mode))
#define TOP_IN_LIST TOP_IN(UI_LIST)
#define TOP_IN_DETAIL TOP_IN(UI_DETAIL)
#define TOP_IN_HELP TOP_IN(UI_HELP)
#define TOP_IN_COLUMNS TOP_IN(UI_COLUMNS)

/* Which bottom bar shows a key's word: the list's, or the one the other
 * views share. */
#define TOP_BAR_LIST 1u
#define TOP_BAR_OTHER 2u

/* The toggle that lights a bottom-bar word while it is on. */
enum top_bar_on {
	BAR_ON_NONE = 0,
	BAR_ON_NETWORKS,
	BAR_ON_VBDS,
	BAR_ON_VCPUS,
	BAR_ON_REPEAT,
	BAR_ON_TOTALS,
};

struct top_session;

struct top_key_def {
	int key;		/* a character (a letter in upper case: both
				   cases work) or K_* */
	const char *name;	/* as the help and the bar spell it */
	unsigned in;		/* TOP_IN_* views where it works */
	void (*run)(struct top_session *ss, int key);
	const char *help_keys;	/* the help line's keys; NULL: name */
	const char *help;	/* the list's help, '\n' between lines;
				   NULL: told on an earlier key's line */
	unsigned bar;		/* TOP_BAR_* bars that show it */
	const char *bar_pre, *bar_post;	/* the bar's word around name */
	enum top_bar_on bar_on;
};

extern const struct top_key_def top_keys[];
extern const size_t top_n_keys;

/* Upper case of a letter key; other keys as they are. */
int top_key_upper(int k);
/* The row that handles key in view mode, or NULL. */
const struct top_key_def *top_keys_find(enum top_ui_mode mode, int key);
/* Line k of the help screen's key part (title first, the columns'
 * heading last) into buf; false past the end. */
bool top_keys_help_line(size_t k, char *buf, size_t len);
/* The bottom bar's keys in view mode, in order: how many (<= max). */
size_t top_keys_bar(enum top_ui_mode mode, const struct top_key_def **out,
    size_t max);

#define TOP_MAX_TAGS 1024

struct top_ui {
	struct top_model m;
	struct top_opts *o;
	struct hv *hv;
	const struct hv_open_opts *hvo;
	unsigned what;			/* HV_SNAP_* to collect */
	int lines, cols;		/* screen size of the last draw */

	/* Layout */
	int order[COL__COUNT];
	bool shown[COL__COUNT];
	int hscroll;			/* scrollable columns skipped */

	/* Rows: positions in m.order */
	size_t top, sel;
	bool sel_valid;
	uint16_t sel_host;
	uint32_t sel_id;
	char sel_name[128];
	char sel_ref[300];		/* what actions name it: the name, or
					   HOST/NAME (hv_dom_ref) */
	char *tags[TOP_MAX_TAGS];	/* refs (as sel_ref) of tagged
					   domains */
	size_t n_tags;

	enum top_ui_mode mode;
	enum top_prompt prompt;
	char input[640];
	size_t input_len;
	enum hv_action act;		/* chosen in PR_ACTION */
	bool act_console;
	int col_cursor;			/* UI_COLUMNS */
	int help_top;			/* UI_HELP scroll */
	enum top_ui_mode help_back;	/* the view UI_HELP returns to */

	char status[256];
	bool status_err;
	uint64_t status_until;		/* monotonic ns; 0: keep */

	struct top_theme theme;
	attr_t attrs[TH__COUNT];
	bool use_color;
	bool pcpu_view;

	/* Where the last frame put things, for the mouse */
	int header_y, rows_y, rows_h;
	int name_w;			/* NAME's width in the last frame */
	int host_w;			/* widest host label, this frame */
	int col_x0[COL__COUNT], col_x1[COL__COUNT];	/* -1: not drawn */
	long *line_row;			/* screen line -> m.order index */
	int cap_lines;

	struct top_worker *worker;
	struct top_res_ask res;
	bool settings_dirty;
	unsigned refreshes;
};

/* Draw the whole frame into stdscr (no doupdate). */
void top_draw(struct top_ui *ui);
/* Draw s at (y, x) in a, at most maxw columns (-1: the screen's), cut by
 * display width, never into the bottom-right cell; the width drawn. */
int top_put(int y, int x, const char *s, attr_t a, int maxw);
/* Blank columns x0 to x1 of line y in a. */
void top_fill(int y, int x0, int x1, attr_t a);
/* The views below the summary lines, from line y (top_views.c). */
void top_draw_detail(struct top_ui *ui, int y);
void top_draw_help(struct top_ui *ui, int y);
void top_draw_columns(struct top_ui *ui, int y);
/* Keep the cursor row on screen after a move, sort or resize. */
void top_ui_scroll_to_sel(struct top_ui *ui);
/* Lines one domain takes in the list (sub-lines, repeated header). */
int top_ui_dom_lines(const struct top_ui *ui, size_t pos);
/* The columns drawn, in order, after horizontal scrolling. */
int top_ui_drawn_cols(const struct top_ui *ui, int out[COL__COUNT]);
/* Width of a column as drawn (header, mode, -f). */
int top_ui_col_width(const struct top_ui *ui, int c);
/* Set a status line message for secs seconds (0: until replaced). */
void top_ui_status(struct top_ui *ui, bool error, double secs,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Whether the domain with this ref (hv_dom_ref) is tagged. */
bool top_ui_tagged(const struct top_ui *ui, const char *ref);

/*
 * Resource actions from the action menu (top_res.c). top_res_key: key
 * pressed in PR_ACTION with n targets, the first named name (its ref);
 * true when it is one of v m x b e w l, after setting up the
 * PR_RES_VALUE prompt (or saying why not). top_res_value_done: the value
 * was entered (accept) or cancelled; it is checked against the guest as
 * the current snapshot shows it, then run, confirmed first, or refused
 * with a one-line reason. top_res_confirm: the y/N answer.
 */
bool top_res_key(struct top_ui *ui, int key, const char *name, size_t n);
void top_res_value_done(struct top_ui *ui, bool accept);
void top_res_confirm(struct top_ui *ui, bool yes);

#endif
