/*
 * test_top_ui.c - the dashboard's screen side, drawn into off-screen
 * ncurses terminals: every shipped theme parses and stays readable on 8,
 * 16 and 256-colour terminals and without colours; bad theme files and
 * names are refused; settings round-trip through an atomic, 0600,
 * versioned file and a tolerant reader; frames at 120x40, 40x10 and
 * smaller stay inside the screen, show escaped names, and a detail view
 * whose domain vanished says so.
 * (Long: the screen side is one module with one test file.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "top/top_ui.h"
#include "tests/unit/support/fixture.h"

#define SEC 1000000000ull

/* ---- an off-screen terminal ---- */

struct term {
	FILE *out, *in;
	SCREEN *scr;
};

static void
term_open(struct term *t, const char *type, int lines, int cols)
{
	char l[16], c[16];

	snprintf(l, sizeof l, "%d", lines);
	snprintf(c, sizeof c, "%d", cols);
	setenv("LINES", l, 1);
	setenv("COLUMNS", c, 1);
	t->out = fopen("/dev/null", "w");
	t->in = fopen("/dev/null", "r");
	assert_non_null(t->out);
	assert_non_null(t->in);
	t->scr = newterm(type, t->out, t->in);
	assert_non_null(t->scr);
	set_term(t->scr);
	if (has_colors()) {	/* as the dashboard does */
		start_color();
		use_default_colors();
	}
}

static void
term_close(struct term *t)
{
	endwin();
	delscreen(t->scr);
	fclose(t->out);
	fclose(t->in);
}

/* Screen line y as text (trailing blanks dropped). */
static void
screen_line(int y, char *buf, size_t len)
{
	int n = mvinnstr(y, 0, buf, (int)len - 1);
	size_t k;

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	k = strlen(buf);
	while (k > 0 && buf[k - 1] == ' ')
		buf[--k] = '\0';
}

static bool
screen_has(const char *needle)
{
	char line[2048];
	int y;

	for (y = 0; y < LINES; y++) {
		screen_line(y, line, sizeof line);
		if (strstr(line, needle) != NULL)
			return true;
	}
	return false;
}

/* ---- themes ---- */

static const char *const shipped[] = { "default", "monochrome",
    "high-contrast", "dark256" };

static int
themes_setup(void **state)
{
	char cwd[1024], dir[1100];

	(void)state;
	/* The tests run from the source tree (tests/check.sh cd's there). */
	if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	snprintf(dir, sizeof dir, "%s/themes", cwd);
	setenv("XDOM_THEME_DIR", dir, 1);
	return 0;
}

static void
test_shipped_themes(void **state)
{
	struct xdom_err err = { 0, "" };
	struct top_theme t;
	char **names;
	size_t n, k, j;

	(void)state;
	names = top_theme_names(&n);
	assert_true(n >= 4);
	assert_string_equal(names[0], "default");
	for (k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		bool found = false;

		for (j = 0; j < n; j++)
			found = found || strcmp(names[j], shipped[k]) == 0;
		if (!found) {
			print_error("theme %s not found\n", shipped[k]);
			fail();
		}
		xdom_err_clear(&err);
		if (top_theme_load(&t, shipped[k], &err) != 0) {
			print_error("%s\n", err.msg);
			fail();
		}
		assert_string_equal(t.name, shipped[k]);
	}
	top_theme_names_free(names, n);
	assert_int_equal(top_theme_load(&t, "monochrome", &err), 0);
	assert_int_equal(t.colors, 0);
	assert_int_equal(top_theme_load(&t, "dark256", &err), 0);
	assert_int_equal(t.colors, 256);
	for (k = 0; k < TH__COUNT; k++)	/* it really uses 256 colours */
		if (t.el[k].fg > 15 || t.el[k].bg > 15)
			break;
	assert_true(k < TH__COUNT);
}

static void
test_theme_degrade(void **state)
{
	int c;

	(void)state;
	for (c = -1; c < 256; c++) {
		short d8 = top_theme_degrade((short)c, 8);
		short d16 = top_theme_degrade((short)c, 16);

		assert_true(d8 >= -1 && d8 < 8);
		assert_true(d16 >= -1 && d16 < 16);
		assert_int_equal(top_theme_degrade((short)c, 256), c);
		if (c >= 0 && c < 8)
			assert_int_equal(d8, c);
	}
	assert_int_equal(top_theme_degrade(9, 8), 1);	/* bright red */
	assert_int_equal(top_theme_degrade(196, 8), 1);	/* cube red */
	assert_int_equal(top_theme_degrade(46, 8), 2);	/* green */
	assert_int_equal(top_theme_degrade(21, 8), 4);	/* blue */
	assert_int_equal(top_theme_degrade(231, 8), 7);	/* white */
	assert_int_equal(top_theme_degrade(16, 16), 0);	/* black */
	assert_int_equal(top_theme_degrade(235, 8), 0);	/* dark grey */
	assert_int_equal(top_theme_degrade(252, 8), 7);	/* light grey */
	assert_int_equal(top_theme_degrade(19, 8), 4);	/* dark blue */
	assert_int_equal(top_theme_degrade(24, 8), 6);	/* deep sky blue */
	assert_int_equal(top_theme_degrade(196, 16), 9);	/* bright red */
	assert_int_equal(top_theme_degrade(244, 16), 8);	/* grey */
}

/* Whether element a looks different from element b on this screen. */
static bool
stands_out(const attr_t attrs[TH__COUNT], int a, int b)
{
	const attr_t vis = A_BOLD | A_REVERSE | A_UNDERLINE | A_STANDOUT |
	    A_DIM;
	short fa = -1, ba = -1, fb = -1, bb = -1;

	if ((attrs[a] & vis) != (attrs[b] & vis))
		return true;
	if (PAIR_NUMBER(attrs[a]) != 0)
		pair_content((short)PAIR_NUMBER(attrs[a]), &fa, &ba);
	if (PAIR_NUMBER(attrs[b]) != 0)
		pair_content((short)PAIR_NUMBER(attrs[b]), &fb, &bb);
	return fa != fb || ba != bb;
}

/* Every theme on every kind of terminal: pairs within the terminal's
 * colours and never the same colour for text and background. */
static void
test_themes_on_terminals(void **state)
{
	static const struct {
		const char *type;
		int colors;
	} terms[] = {
		{ "xterm", 8 }, { "xterm-16color", 16 },
		{ "xterm-256color", 256 }, { "vt100", 0 },
	};
	struct xdom_err err = { 0, "" };
	size_t k, j;

	(void)state;
	for (j = 0; j < sizeof terms / sizeof terms[0]; j++) {
		struct term t;

		term_open(&t, terms[j].type, 24, 80);
		assert_int_equal(has_colors() ? COLORS : 0, terms[j].colors);
		for (k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
			struct top_theme th;
			attr_t attrs[TH__COUNT];
			int e;

			assert_int_equal(top_theme_load(&th, shipped[k], &err),
			    0);
			top_theme_apply(&th, true, attrs);
			for (e = 0; e < TH__COUNT; e++) {
				short pair = (short)PAIR_NUMBER(attrs[e]);
				short fg, bg;

				if (pair == 0)
					continue;	/* attributes only */
				assert_true(terms[j].colors > 0);
				assert_int_equal(pair_content(pair, &fg, &bg),
				    OK);
				if (fg >= COLORS || bg >= COLORS ||
				    (fg >= 0 && fg == bg)) {
					print_error("%s on %s: %s is %d on "
					    "%d\n", shipped[k], terms[j].type,
					    top_theme_el_names[e], fg, bg);
					fail();
				}
			}
			/* The selected row and the header must stand out
			 * from a plain row, in colour or by attributes. */
			assert_true(stands_out(attrs, TH_ROW_SEL, TH_ROW));
			assert_true(stands_out(attrs, TH_HEADER, TH_ROW));
			assert_true(stands_out(attrs, TH_HEADER_SORT,
			    TH_HEADER));
			/* NO_COLOR: attributes, no pairs */
			top_theme_apply(&th, false, attrs);
			for (e = 0; e < TH__COUNT; e++)
				assert_int_equal(PAIR_NUMBER(attrs[e]), 0);
			assert_true(attrs[TH_ROW_SEL] != attrs[TH_ROW]);
		}
		term_close(&t);
	}
}

static void
test_theme_bad(void **state)
{
	static const char *const bad[] = {
		"header = \"chartreuse black\"\n",
		"header = \"1 2 3\"\n",
		"header = \"300 1\"\n",
		"colors = 7\n",
		"header = [ 'a' \n",
	};
	struct xdom_err err = { 0, "" };
	struct top_theme t;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		xdom_err_clear(&err);
		assert_int_not_equal(top_theme_parse(&t, bad[k],
		    strlen(bad[k]), "x.theme", &err), 0);
		assert_non_null(strstr(err.msg, "x.theme"));
	}
	/* unknown keys are skipped (a newer file) */
	{
		static const char ok[] = "future_thing = 1\n"
		    "header = \"bright-white 4 bold underline\"\n";

		assert_int_equal(top_theme_parse(&t, ok, sizeof ok - 1,
		    "y.theme", &err), 0);
	}
	assert_int_equal(t.el[TH_HEADER].fg, 15);
	assert_int_equal(t.el[TH_HEADER].bg, 4);
	assert_true(t.el[TH_HEADER].attr & A_BOLD);
	assert_true(t.el[TH_HEADER].attr & A_UNDERLINE);
	/* names are never paths */
	assert_int_equal(top_theme_load(&t, "../etc/passwd", &err),
	    XDOM_EINVAL);
	assert_int_equal(top_theme_load(&t, "a/b", &err), XDOM_EINVAL);
	assert_int_equal(top_theme_load(&t, "nosuch", &err), XDOM_ENOENT);
	assert_string_equal(t.name, "default");	/* falls back */
}

/* ---- settings ---- */

static void
test_settings_roundtrip(void **state)
{
	char dir[] = "/tmp/xdom-test-settings.XXXXXX", path[256], sub[128];
	struct xdom_err err = { 0, "" };
	struct top_settings s, r;
	struct stat sb;
	DIR *d;
	struct dirent *de;
	int entries = 0;
	FILE *f;
	char text[4096];
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/cfg/xdom", dir);
	snprintf(path, sizeof path, "%s/top.conf", sub);
	top_settings_default(&s);
	s.delay = 0.75;
	s.sort_col = COL_VBD_WSECT;
	s.sort_desc = false;
	s.shown[COL_SSID] = false;
	s.order[0] = COL_NAME;	/* swap the first two */
	s.order[1] = COL_ID;
	s.totals = s.vcpus = s.pcpus = true;
	snprintf(s.theme, sizeof s.theme, "dark256");
	assert_int_equal(top_settings_save(&s, path, &err), 0);
	/* 0700 directory, 0600 file, no temp file left behind */
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	d = opendir(sub);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "\nversion = 1\n"));
	assert_non_null(strstr(text, "columns = \"name,id,"));
	assert_non_null(strstr(text, ",-ssid"));
	assert_non_null(strstr(text, "sort = \"vbd_wsect:asc\""));

	top_settings_default(&r);
	assert_int_equal(top_settings_load(&r, path, &err), 0);
	assert_true(r.delay > 0.74 && r.delay < 0.76);
	assert_int_equal(r.sort_col, COL_VBD_WSECT);
	assert_false(r.sort_desc);
	assert_false(r.shown[COL_SSID]);
	assert_true(r.shown[COL_CPU_PCT]);
	assert_int_equal(r.order[0], COL_NAME);
	assert_int_equal(r.order[1], COL_ID);
	assert_true(r.totals && r.vcpus && r.pcpus);
	assert_false(r.networks);
	assert_string_equal(r.theme, "dark256");

	/* a second save replaces the file whole */
	s.delay = 2;
	assert_int_equal(top_settings_save(&s, path, &err), 0);
	top_settings_default(&r);
	assert_int_equal(top_settings_load(&r, path, &err), 0);
	assert_true(r.delay > 1.99 && r.delay < 2.01);

	/* tolerant: a newer version, unknown keys and columns, bad values */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("version = 7\nwidgets = 3\ndelay = -4\n"
	    "columns = \"ssid,hologram,-name\"\nsort = \"nope:asc\"\n"
	    "networks = 1\nvbds = maybe\n", f);
	fclose(f);
	top_settings_default(&r);
	assert_int_equal(top_settings_load(&r, path, &err), 0);
	assert_true(r.delay > 2.99 && r.delay < 3.01);	/* default kept */
	assert_int_equal(r.order[0], COL_SSID);
	assert_int_equal(r.order[1], COL_NAME);
	assert_false(r.shown[COL_NAME]);
	assert_true(r.shown[COL_ID]);	/* not listed: its default */
	assert_int_equal(r.sort_col, COL_CPU_PCT);
	assert_true(r.networks);
	assert_false(r.vbds);

	/* corrupt: defaults and one message naming the file */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("columns = \"id,\n", f);
	fclose(f);
	top_settings_default(&r);
	r.delay = 9;
	xdom_err_clear(&err);
	assert_int_equal(top_settings_load(&r, path, &err), XDOM_ECORRUPT);
	assert_true(r.delay > 8.99 && r.delay < 9.01);
	assert_non_null(strstr(err.msg, "top.conf: ignored, using defaults"));
	/* the loader's reason inside, once: "top.conf: ignored, using
	 * defaults (top.conf:1: ...)" */
	{
		const char *in = strstr(err.msg, "defaults (");

		assert_non_null(in);
		assert_non_null(strstr(in, "top.conf"));
		assert_null(strstr(strstr(in, "top.conf") + 1,
		    "ignored, using defaults"));
		assert_int_equal(err.msg[strlen(err.msg) - 1], ')');
	}

	/* missing: fine */
	unlink(path);
	assert_int_equal(top_settings_load(&r, path, &err), 0);
	tfx_rm_tree(dir);
}

static void
test_settings_path(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/someone", 1);
	unsetenv("XDG_CONFIG_HOME");
	p = top_settings_path();
	assert_string_equal(p, "/home/someone/.config/xdom/top.conf");
	free(p);
	setenv("XDG_CONFIG_HOME", "/tmp/cfg", 1);
	p = top_settings_path();
	assert_string_equal(p, "/tmp/cfg/xdom/top.conf");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);	/* ignored, as XDG says */
	p = top_settings_path();
	assert_string_equal(p, "/home/someone/.config/xdom/top.conf");
	free(p);
	unsetenv("HOME");
	unsetenv("XDG_CONFIG_HOME");
	assert_null(top_settings_path());
}

/* ---- frames ---- */

static void
add_dom(struct snap *s, uint32_t id, const char *name, uint64_t cpu_ns,
    uint32_t flags)
{
	struct snap_dom *d = snap_add_dom(s, 0, id, name);
	struct snap_net *n;
	struct snap_vbd *v;
	struct snap_vcpu *c;

	d->cpu_ns = cpu_ns;
	d->flags = flags;
	d->mem_kb = 1048576;
	d->maxmem_kb = 2097152;
	d->vcpus_online = d->vcpus_max = 2;
	c = snap_add_vcpus(s, 2);
	c[0].ns = cpu_ns / 2;
	c[1].ns = cpu_ns / 2;
	c[0].online = c[1].online = true;
	n = snap_add_nets(s, 1);
	n->rx_bytes = cpu_ns / 1000;
	n->tx_bytes = cpu_ns / 500;
	v = snap_add_vbds(s, 1);
	v->dev = 51712;
	v->rd_reqs = cpu_ns / 100000;
	v->rd_sect = v->rd_reqs * 8;
}

static void
fill(struct top_model *m, uint64_t mono, uint64_t scale, bool with_evil)
{
	struct snap *s = top_model_next(m);
	uint16_t h = snap_add_host(s, "h0");
	uint32_t k;

	s->hosts[h].mem_total_kb = 64ull << 20;
	s->hosts[h].mem_free_kb = 8ull << 20;
	s->hosts[h].ncpus = 8;
	s->hosts[h].cpu_mhz = 2400;
	snprintf(s->hosts[h].hv_version, sizeof s->hosts[h].hv_version,
	    "4.17.3");
	s->mono_ns = mono;
	s->wall_s = 1700000000;
	add_dom(s, 0, "Domain-0", scale * SEC, SNAP_F_RUNNING);
	for (k = 1; k < 60; k++) {
		char name[32];

		snprintf(name, sizeof name, "guest%02u", k);
		add_dom(s, k, name, scale * SEC / (k + 1), SNAP_F_BLOCKED);
	}
	if (with_evil)
		add_dom(s, 77, "\x1b[2J\x1b]0;pwn\x07" "evil", scale * SEC,
		    SNAP_F_RUNNING);
	snap_finish(s);
	top_model_update(m);
	top_model_sort(m);
}

struct frame {
	struct top_ui ui;
	struct top_opts o;
	struct term t;
};

static void
frame_open(struct frame *f, const char *type, int lines, int cols)
{
	struct top_settings s;

	memset(f, 0, sizeof *f);
	f->o.delay = 1;
	f->o.simulated = true;
	f->ui.o = &f->o;
	top_settings_default(&s);
	memcpy(f->ui.order, s.order, sizeof f->ui.order);
	memcpy(f->ui.shown, s.shown, sizeof f->ui.shown);
	top_model_init(&f->ui.m);
	fill(&f->ui.m, 10 * SEC, 100, true);
	fill(&f->ui.m, 12 * SEC, 101, true);
	term_open(&f->t, type, lines, cols);
	top_theme_builtin(&f->ui.theme);
	f->ui.use_color = has_colors();
	top_theme_apply(&f->ui.theme, f->ui.use_color, f->ui.attrs);
}

static void
frame_close(struct frame *f)
{
	term_close(&f->t);
	top_model_dispose(&f->ui.m);
	free(f->ui.line_row);
}

static void
draw(struct frame *f)
{
	top_draw(&f->ui);
	wnoutrefresh(stdscr);
}

/* Nothing written in the bottom-right cell; returns the bar's line. */
static void
assert_frame_clean(void)
{
	chtype last = mvinch(LINES - 1, COLS - 1);

	assert_int_equal((int)(last & A_CHARTEXT), ' ');
}

static void
test_frame_sizes(void **state)
{
	static const int sizes[][2] = { { 40, 120 }, { 10, 40 }, { 6, 20 },
	    { 24, 80 } };
	struct frame f;
	char line[1024];
	size_t k;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	frame_open(&f, "xterm-256color", 40, 120);
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		resizeterm(sizes[k][0], sizes[k][1]);
		draw(&f);
		screen_line(0, line, sizeof line);
		assert_non_null(strstr(line, "SIMULATED"));
		screen_line(LINES - 1, line, sizeof line);
		assert_true(strncmp(line, "Delay  Networks", 15) == 0);
		assert_true(screen_has("NAME"));
		assert_frame_clean();
	}
	/* every column's header at full width */
	resizeterm(40, 250);
	draw(&f);
	for (k = 0; k < COL__COUNT; k++) {
		const struct top_col_def *c = &top_cols[k];

		if (!c->visible)
			continue;
		if (!screen_has(c->title_rate ? c->title_rate : c->title)) {
			print_error("no %s header\n", c->title);
			fail();
		}
	}
	/* too small: one line that says so */
	resizeterm(4, 19);
	draw(&f);
	screen_line(0, line, sizeof line);
	assert_string_equal(line, "xdom top: terminal");
	frame_close(&f);
}

static void
test_frame_escapes(void **state)
{
	struct frame f;
	char line[1024];
	int y;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	frame_open(&f, "xterm-256color", 120, 160);
	f.ui.o->full_name = true;
	draw(&f);
	/* the name is on screen as text, escape bytes and all */
	assert_true(screen_has("\\x1b[2J\\x1b]0;pwn\\x07evil"));
	for (y = 0; y < LINES; y++) {
		screen_line(y, line, sizeof line);
		assert_null(strchr(line, '\x1b'));
		assert_null(strchr(line, '\x07'));
	}
	frame_close(&f);
}

static void
test_detail_vanished(void **state)
{
	struct frame f;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	frame_open(&f, "xterm", 40, 120);
	f.ui.mode = UI_DETAIL;
	f.ui.sel = 0;
	draw(&f);
	assert_true(screen_has("VCPU ONLINE"));
	assert_true(screen_has("VIF   RX_BYTES"));
	assert_true(screen_has("VBD        OO"));
	/* every domain gone at the next refresh */
	{
		struct snap *s = top_model_next(&f.ui.m);

		snap_add_host(s, "h0");
		s->mono_ns = 14 * SEC;
		snap_finish(s);
		top_model_update(&f.ui.m);
		top_model_sort(&f.ui.m);
	}
	draw(&f);
	assert_true(screen_has("the domain is gone"));
	f.ui.mode = UI_LIST;
	draw(&f);
	assert_true(screen_has("no domains"));
	frame_close(&f);
}

/* Guests told apart only by the end of their names. */
static const char *const long_names[] = { "cust-alice-web",
    "cust-alice-db", "cust-bob-a-very-long-guest-name-0123456789" };

static void
fill_names(struct top_model *m, uint64_t mono)
{
	struct snap *s = top_model_next(m);
	uint16_t h = snap_add_host(s, "h0");
	uint32_t k;

	s->hosts[h].mem_total_kb = 64ull << 20;
	s->hosts[h].mem_free_kb = 8ull << 20;
	s->mono_ns = mono;
	for (k = 0; k < 3; k++)
		add_dom(s, k + 1, long_names[k], mono, SNAP_F_BLOCKED);
	snap_finish(s);
	top_model_update(m);
	m->sort_col = COL_ID;
	m->sort_desc = false;
	top_model_sort(m);
}

/* The text of screen line y, wide characters included, as UTF-8. */
static void
screen_line_w(int y, char *buf, size_t len)
{
	wchar_t wl[1024];
	int n = mvinnwstr(y, 0, wl, 1023);

	wl[n > 0 ? n : 0] = L'\0';
	if (wcstombs(buf, wl, len) == (size_t)-1)
		buf[0] = '\0';
}

static bool
screen_has_w(const char *needle)
{
	char line[4096];
	int y;

	for (y = 0; y < LINES; y++) {
		screen_line_w(y, line, sizeof line);
		if (strstr(line, needle) != NULL)
			return true;
	}
	return false;
}

/*
 * NAME grows to the longest name on screen when there is room (up to 32
 * columns, a third of the screen), so cust-alice-web and cust-alice-db
 * are both whole at 120 columns where xentop's 10 showed "cust-alice"
 * twice; a name cut says so with an ellipsis (UTF-8) or '~'; -f shows
 * names in full; and 40x10 stays inside the screen.
 */
static void
test_frame_names(void **state)
{
	struct frame f;
	int y;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	frame_open(&f, "xterm-256color", 40, 120);
	top_model_dispose(&f.ui.m);
	top_model_init(&f.ui.m);
	fill_names(&f.ui.m, 10 * SEC);
	fill_names(&f.ui.m, 12 * SEC);
	draw(&f);
	assert_true(screen_has(" cust-alice-web "));
	assert_true(screen_has(" cust-alice-db "));
	/* 32 columns: 31 of the name and the mark */
	assert_true(screen_has_w(" cust-bob-a-very-long-guest-name\xe2\x80\xa6 "));
	assert_false(screen_has("cust-bob-a-very-long-guest-name-"));
	f.ui.m.ascii_only = true;
	draw(&f);
	assert_true(screen_has(" cust-bob-a-very-long-guest-name~ "));
	/* -f: in full (up to half the screen) */
	f.o.full_name = true;
	draw(&f);
	assert_true(screen_has(" cust-bob-a-very-long-guest-name-0123456789 "));
	f.o.full_name = false;
	/* 40x10: a third of the screen, 13 columns; the cut is marked, the
	 * names stay apart, nothing spills */
	resizeterm(10, 40);
	draw(&f);
	assert_true(screen_has(" cust-alice-w~ "));
	assert_true(screen_has(" cust-alice-db "));
	for (y = 0; y < LINES; y++) {
		char line[1024];

		screen_line(y, line, sizeof line);
		assert_true(strlen(line) <= 40);
	}
	assert_frame_clean();
	frame_close(&f);
}

/* The message line at 40 columns: a question about a long name keeps
 * its "? (y/N)", the name cut with a mark; a long filter shows its end
 * (where the typing is); the action menu in short with its legend. */
static void
test_frame_prompts(void **state)
{
	struct frame f;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	frame_open(&f, "xterm-256color", 10, 40);
	f.ui.m.ascii_only = true;
	f.ui.prompt = PR_CONFIRM;
	snprintf(f.ui.input, sizeof f.ui.input, "Destroy %s? (y/N) ",
	    long_names[2]);
	f.ui.input_len = strlen(f.ui.input);
	draw(&f);
	assert_true(screen_has("Destroy cust-bob-a-very-long-gu~? (y/N)"));
	f.ui.prompt = PR_FILTER;
	snprintf(f.ui.input, sizeof f.ui.input, "%s", long_names[2]);
	f.ui.input_len = strlen(f.ui.input);
	draw(&f);
	assert_true(screen_has("Filter: ~"));
	assert_true(screen_has("long-guest-name-0123456789"));
	f.ui.prompt = PR_ACTION;
	draw(&f);
	assert_true(screen_has("Action: p u s r d c v m x b e w l (Esc)"));
	assert_true(screen_has("p pause     u unpause   s shutdown"));
	assert_true(screen_has("l restore"));
	assert_frame_clean();
	/* wide: the menu on one line, no legend */
	resizeterm(40, 200);
	draw(&f);
	assert_true(screen_has("Action: p pause  u unpause  s shutdown"));
	assert_false(screen_has("p pause     u unpause"));
	frame_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_theme_degrade),
		cmocka_unit_test(test_themes_on_terminals),
		cmocka_unit_test(test_theme_bad),
		cmocka_unit_test(test_settings_roundtrip),
		cmocka_unit_test(test_settings_path),
		cmocka_unit_test(test_frame_sizes),
		cmocka_unit_test(test_frame_escapes),
		cmocka_unit_test(test_detail_vanished),
		cmocka_unit_test(test_frame_names),
		cmocka_unit_test(test_frame_prompts),
	};

	return cmocka_run_group_tests(tests, themes_setup, NULL);
}
