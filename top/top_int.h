/*
 * top_int.h - the dashboard's insides, shared by the top/top_*.c files
 * and their unit tests; nothing outside top/ includes it.
 *
 *   top_cols.c      the column table (a typed getter per column, read by
 *                   the screen, the sort and csv/json), number
 *                   formatting, filtering and sorting
 *   top_model.c     snapshots in, rates, totals and history out
 *   top_summary.c   summary lines and xentop's sub-lines
 *   top_batch.c     -b output: text (xentop's), csv, json
 *   top.c           top_main(): flags, batch loop, interactive set-up
 *   top_draw.c      drawing a frame with ncurses: summary, list, bars
 *   top_views.c     the detail, help and column screens
 *   top_loop.c      the interactive session: terminal, main loop
 *   top_input.c     reading keys and the mouse, prompts, actions
 *   top_keys.c      the key table: dispatch, help screen, bottom bars
 *   top_action.c    domain actions on a worker thread
 *   top_res.c       resource actions from the action menu
 *   top_settings.c  ~/.config/xdom/top.conf
 *   top_theme.c     colour themes from themes/
 *
 * Data flow per refresh: top_model_collect() fills the spare snapshot,
 * top_model_update() pairs it with the previous one (rates, per-domain
 * totals, history), top_model_sort() filters and orders row indices,
 * and the drawer formats only the rows on screen.
 */
#ifndef XDOM_TUI_TOP_INT_H
#define XDOM_TUI_TOP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rates.h"
#include "core/snap.h"
#include "hypervisor/hv.h"
#include "top/top.h"

#ifndef XDOM_VERSION
#define XDOM_VERSION "0.1"
#endif

/* ---- the column table (top_cols.c) ---- */

enum top_col {
	COL_ID = 0,
	COL_NAME,
	COL_STATE,
	COL_CPU_S,
	COL_CPU_PCT,
	COL_CPU_HIST,
	COL_MEM,
	COL_MEM_PCT,
	COL_MAXMEM,
	COL_MAXMEM_PCT,
	COL_VCPUS,
	COL_NETS,
	COL_NETTX,
	COL_NETRX,
	COL_VBDS,
	COL_VBD_OO,
	COL_VBD_RD,
	COL_VBD_WR,
	COL_VBD_RSECT,
	COL_VBD_WSECT,
	COL_SSID,
	COL_HOST,
	COL__COUNT
};

struct top_model;

/*
 * One value of one row, typed, as a column's getter gives it. The screen
 * formats it, the sort orders by it and csv/json write it, so the three
 * cannot disagree.
 *   TV_U64, TV_DBL  a number in u or d
 *   TV_STR          raw bytes in s (a domain or host name as the backend
 *                   gave it): whoever shows or writes it escapes it
 *   TV_NONE         no value (no limit, unknown): the screen shows s, the
 *                   sort puts it at d, csv leaves the field empty and
 *                   json writes null
 */
enum top_val_kind { TV_NONE = 0, TV_U64, TV_DBL, TV_STR };

struct top_val {
	enum top_val_kind kind;
	uint64_t u;
	double d;
	const char *s;		/* static, the snapshot's, or the getter's buf */
};

/* Row i's value; buf (len bytes) is scratch the value may point into. */
typedef void (*top_get_fn)(const struct top_model *m, uint32_t i,
    struct top_val *v, char *buf, size_t len);

/* How the screen (and text batch) shows a column's value. */
enum top_col_fmt {
	CF_PLAIN = 0,	/* u as is, d with one decimal */
	CF_TEXT,	/* s, escaped (top_name_escape) */
	CF_WHOLE,	/* whole number in the column's width, else scaled */
	CF_AMOUNT,	/* a total (u / div, as CF_WHOLE) or a rate (d scaled
			   by base) */
	CF_SPARK,	/* the CPU history (the value is what it sorts by) */
};

struct top_col_def {
	const char *name;	/* stable id: settings, --sort, --columns */
	const char *title;	/* xentop's header (totals mode) */
	const char *title_rate;	/* header in rates mode; NULL: same */
	int width;		/* xentop's width; NAME grows with -f */
	bool left;		/* left-aligned (else right) */
	const char *unit;	/* for help and man: "%", "KiB", "B/s" */
	bool sort_desc;		/* default direction: biggest first */
	bool sort_nocase;	/* text: ignoring case first, bytes break ties */
	enum top_col_fmt fmt;
	unsigned div;		/* CF_AMOUNT: totals shown divided by this */
	unsigned base;		/* CF_AMOUNT: rates scaled by 1000 or 1024 */
	top_get_fn get;		/* the value, for screen, sort and batch */
	const char *help;	/* one line for the help screen */
	bool visible;		/* shown by default */
	bool xentop;		/* one of xentop's columns (text batch) */
};

extern const struct top_col_def top_cols[COL__COUNT];

/* Column by stable name or by header (case-insensitive); -1 if none. */
int top_col_find(const char *name);

/* Column c's value for row i (see struct top_val). */
void top_col_get(const struct top_model *m, int c, uint32_t i,
    struct top_val *v, char *buf, size_t len);
/* Column c's cell for row i as the screen shows it, unpadded: its value
 * formatted (exact when m->exact), names escaped. */
void top_col_text(const struct top_model *m, int c, uint32_t i, char *buf,
    size_t len);
/* Column c's header in the model's mode (totals or rates). */
const char *top_col_title(const struct top_model *m, int c);
/* How the sort orders rows a and b by column c, before direction and
 * ties: <0, 0, >0. */
int top_col_cmp(const struct top_model *m, int c, uint32_t a, uint32_t b);

/* Number formatting. top_fmt_scaled: v with one decimal below 10, none
 * below 1000, else scaled by base (1000 or 1024) with k, M, G, T, P, so
 * the result fits in 5 characters for any v below 1000 P. */
void top_fmt_scaled(double v, unsigned base, char *buf, size_t len);
/* An integer that fits in width characters as is, else scaled (1024). */
void top_fmt_fit(uint64_t v, int width, char *buf, size_t len);

/* Escape a domain name for display: xdom_escape(), then, when the
 * terminal cannot show UTF-8 (ascii_only), every non-ASCII byte as '?'. */
void top_name_escape(const char *raw, bool ascii_only, char *buf, size_t len);

/* Display width of UTF-8 text, and cutting it to at most width columns
 * (in place, on a character boundary). */
int top_text_width(const char *s);
void top_text_cut(char *s, int width);

/* Row i's kb as a percentage of its host's memory; false (and 0) when
 * that total is unknown: withheld (m->host_hidden) or not reported. */
bool top_col_mem_pct(const struct top_model *m, uint32_t i, uint64_t kb,
    double *pct);

/* Filter and order the rows of the current snapshot into m->order. */
void top_model_sort(struct top_model *m);

/* ---- the model (top_model.c) ---- */

#define TOP_HIST 60		/* samples of history per domain */
#define TOP_FILTER_MAX 64

/* History of one domain, on the model's shared time axis: sample k
 * (k counting from 0 at the model's first update) is at k % TOP_HIST.
 * CPU is stored in tenths of a percent; network and disk use a
 * logarithmic code (top_hist_dec). n: valid samples (<= TOP_HIST). */
struct top_hist {
	uint16_t cpu[TOP_HIST];
	uint8_t net[TOP_HIST];	/* rx + tx bytes/s */
	uint8_t dsk[TOP_HIST];	/* read + write sectors/s */
	uint16_t n;
};

uint8_t top_hist_enc(double v);
double top_hist_dec(uint8_t code);
/* Sample age ago (0 = latest) of one series, or -1 when not recorded. */
double top_hist_get(const struct top_model *m, const struct top_hist *h,
    int series, unsigned age);
enum { TOP_SERIES_CPU = 0, TOP_SERIES_NET, TOP_SERIES_DSK };

/* Counts of domains by state, as xentop's second line shows. */
struct top_counts {
	unsigned total, running, blocked, paused, crashed, dying, shutdown;
};

/* Per-host figures of the current snapshot (fleet view summary lines). */
struct top_host_row {
	double cpu_pct;		/* of the host's CPUs; 0 without a pair */
	unsigned doms, running;
	uint64_t mem_used_kb;
	bool rated;		/* its rates come from two of its samples */
};

struct top_model {
	struct snap snaps[2];
	int cur;		/* snaps[cur] is current, the other previous */
	unsigned updates;	/* how many top_model_update() calls */
	/* Per row of the current snapshot: */
	struct rate_dom *rates, *rates_old;	/* old: last refresh's */
	struct snap_dom_totals *tot;
	struct top_hist *hist;
	size_t cap_rows;
	/* Filtered and sorted row indices: */
	uint32_t *order;
	size_t n_order;
	double *keys;
	/* View settings that change what is computed or how it reads: */
	enum top_col sort_col;
	bool sort_desc;
	bool dom0_first;	/* -z */
	bool totals;		/* T: cumulative counters instead of rates */
	char filter[TOP_FILTER_MAX];	/* substring of the escaped name */
	bool ascii_only;	/* terminal without UTF-8 */
	bool exact;		/* numbers in full, never scaled (batch) */
	bool host_hidden;	/* host-wide figures withheld (xdom-shell's
				   restricted top): no share of the host's
				   memory either */
	/* Host figures of host 0; with several hosts, CPU over all of
	 * them (weighted by their CPUs) and memory summed: */
	double host_cpu_pct;
	struct top_host_row *host_rows;	/* n_host of the current snap */
	size_t cap_host_rows;
	double *pcpu_pct;	/* n_pcpu entries for host 0 */
	uint32_t n_pcpu;
	double interval_s;	/* between the two snapshots */
	double wall;		/* CLOCK_REALTIME of the current snapshot */
	double next_wall;	/* the same for the spare one, once collected */
	struct top_counts counts;	/* of the current snapshot */
};

void top_model_init(struct top_model *m);
void top_model_dispose(struct top_model *m);
static inline struct snap *
top_model_snap(struct top_model *m)
{
	return &m->snaps[m->cur];
}
static inline const struct snap *
top_model_cur(const struct top_model *m)
{
	return &m->snaps[m->cur];
}
static inline const struct snap *
top_model_prev(const struct top_model *m)
{
	return &m->snaps[m->cur ^ 1];
}
/* The spare snapshot, emptied, for the next sample (tests fill it by
 * hand; top_model_collect fills it from a backend). */
struct snap *top_model_next(struct top_model *m);
int top_model_collect(struct top_model *m, struct hv *hv, unsigned what,
    struct xdom_err *err);
/* Make the spare snapshot current: rates, totals, history, host CPU. */
void top_model_update(struct top_model *m);

/* Counts of domains by state, as xentop's second line shows, each
 * domain once: crashed, dying, shutdown, then running, blocked, paused
 * (the first that applies). Counted in top_model_update(). */
void top_model_counts(const struct top_model *m, struct top_counts *c);
/* Memory over all hosts, KiB. */
void top_model_mem(const struct top_model *m, uint64_t *total,
    uint64_t *used, uint64_t *free_kb);
/* Hosts of the current snapshot by state: counts[enum snap_host_state];
 * returns how many hosts there are. */
size_t top_model_host_states(const struct top_model *m,
    unsigned counts[SNAP_HOST_RETRYING + 1]);

/* ---- options and batch output (top.c, top_batch.c) ---- */

enum top_format { TOP_FMT_TEXT = 0, TOP_FMT_CSV, TOP_FMT_JSON };

struct top_opts {
	double delay;		/* seconds */
	bool delay_set;		/* -d given: overrides saved settings */
	bool batch;
	long iterations;	/* <0: forever */
	bool networks, vbds, vcpus;	/* -n -x -v */
	bool repeat_header;	/* -r */
	bool full_name;		/* -f */
	bool dom0_first;	/* -z */
	bool pcpus;		/* -p */
	bool totals;		/* --totals */
	enum top_format format;
	int sort_col;		/* -1: default (settings or CPU%) */
	int sort_dir;		/* 0 default, 1 ascending, -1 descending */
	const char *filter;
	const char *theme;
	const char *columns;	/* comma-separated names, NULL: default */
	bool no_settings;
	enum top_mode mode;
	bool simulated;
	bool remote;		/* hosts over SSH (hv_remote): HOST column,
				   host states and summary lines */
	char *hosts;		/* --host specs, comma-joined; the caller
				   of top_parse_args frees it */
	const char *hosts_file;	/* --hosts FILE */
	bool summary;		/* --summary: text batch's summary lines */
	bool readonly;		/* --readonly: no actions at all */
};

/* Parse top's flags (argv[0] is "top"). Returns 0, or 1 after printing
 * help or version (exit 0), or XDOM_EINVAL with err set (exit 2). */
int top_parse_args(int argc, char **argv, struct top_opts *o,
    struct xdom_err *err);

/* Parse a column list ("id,name,-ssid"...) into order[] (all columns,
 * shown first) and shown[]; XDOM_EINVAL names an unknown column. */
int top_cols_parse(const char *list, int order[COL__COUNT],
    bool shown[COL__COUNT], struct xdom_err *err);

/* Write one iteration of batch output to f. iteration counts from 1.
 * A failed write gives XDOM_EIO with errno kept (EPIPE: reader gone). */
int top_batch_write(FILE *f, const struct top_model *m,
    const struct top_opts *o, long iteration, struct xdom_err *err);
/* Whether the figures are simulated: the backend, or any host. */
bool top_batch_simulated(const struct top_model *m, const struct top_opts *o);
/* CSV needs its header once, before the first iteration. */
void top_batch_csv_header(FILE *f);

/* The first summary line's time and version, shared with the drawer. */
void top_fmt_title(const struct top_model *m, const struct top_opts *o,
    char *buf, size_t len);
void top_fmt_counts(const struct top_model *m, char *buf, size_t len);
void top_fmt_memline(const struct top_model *m, char *buf, size_t len);
/* Fleet view: "Hosts: 3, 2 up, 1 key mismatch" and one line per host
 * (label padded to label_w, state, domains, CPU, memory, status); names
 * and statuses escaped. */
void top_fmt_hosts_line(const struct top_model *m, char *buf, size_t len);
void top_fmt_host_line(const struct top_model *m, size_t h, int label_w,
    char *buf, size_t len);
/* Width of the widest escaped host label (at most 40). */
int top_host_label_width(const struct top_model *m);

/* Sub-lines of -n, -x, -v for row i (xentop's wording); n-th line of
 * each kind, i.e. vif k / vbd k; vcpus is one line. */
void top_fmt_net_line(const struct top_model *m, uint32_t i, uint32_t k,
    char *buf, size_t len);
void top_fmt_vbd_line(const struct top_model *m, uint32_t i, uint32_t k,
    char *buf, size_t len);
void top_fmt_vcpu_line(const struct top_model *m, uint32_t i,
    char *buf, size_t len);
/* The same, and with wrap a new line of eight spaces before every fifth
 * vcpu (xentop's batch output). */
void top_fmt_vcpus(const struct top_model *m, uint32_t i, bool wrap,
    char *buf, size_t len);

/* Interactive dashboard (top_loop.c): runs until quit. */
int top_ui_run(struct hv *hv, const struct hv_open_opts *hvo,
    struct top_opts *o, struct xdom_err *err);

/* Real time as a double (durations: xdom_mono_ns of core/clock.h). */
double top_wall_now(void);

#endif
