/*
 * top_theme.c - colour themes as plain `key = value` files, themes/NAME.theme.
 *
 *   name = default
 *   colors = 8
 *   header = "black cyan"
 *   row_sel = "black white bold"
 *
 * Each element takes a foreground, a background (colour names, "bright-X",
 * "default" or 0-255) and attributes (bold, dim, reverse, underline,
 * standout). Themes are searched in $XDOM_THEME_DIR, the source tree's
 * themes/ next to the binary (build/xdom -> themes/), PREFIX/share/xdom/
 * themes relative to the binary, then /usr/local and /usr. A terminal
 * with fewer colours than a theme wants gets the nearest it has; with
 * NO_COLOR or no colours at all, attributes alone mark things.
 */
#include "top/top_ui.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/xmalloc.h"

const char *const top_theme_el_names[TH__COUNT] = {
	[TH_TITLE] = "title",
	[TH_SIM] = "simulated",
	[TH_SUMMARY] = "summary",
	[TH_METER_LABEL] = "meter_label",
	[TH_METER_BAR] = "meter_bar",
	[TH_METER_HIGH] = "meter_high",
	[TH_METER_TEXT] = "meter_text",
	[TH_HEADER] = "header",
	[TH_HEADER_SORT] = "header_sort",
	[TH_ROW] = "row",
	[TH_ROW_SEL] = "row_sel",
	[TH_ROW_TAGGED] = "row_tagged",
	[TH_ROW_PAUSED] = "row_paused",
	[TH_ROW_BAD] = "row_bad",
	[TH_SPARK] = "spark",
	[TH_STATUS] = "status",
	[TH_STATUS_ERR] = "status_err",
	[TH_PROMPT] = "prompt",
	[TH_BAR_KEY] = "bar_key",
	[TH_BAR_TEXT] = "bar_text",
	[TH_BAR_ON] = "bar_on",
	[TH_LABEL] = "label",
	[TH_GRAPH_CPU] = "graph_cpu",
	[TH_GRAPH_NET] = "graph_net",
	[TH_GRAPH_DSK] = "graph_dsk",
};
_Static_assert(sizeof top_theme_el_names / sizeof top_theme_el_names[0] ==
    TH__COUNT, "one name per theme element");

static const char *const theme_colour_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

struct theme_attr_name {
	const char *name;
	attr_t attr;
};

static const struct theme_attr_name theme_attrs[] = {
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "reverse", A_REVERSE },
	{ "underline", A_UNDERLINE },
	{ "standout", A_STANDOUT },
	{ "normal", A_NORMAL },
};

/* Attributes when there are no colours: every element stays readable. */
static const attr_t theme_mono[TH__COUNT] = {
	[TH_TITLE] = A_BOLD,
	[TH_SIM] = A_REVERSE | A_BOLD,
	[TH_METER_LABEL] = A_BOLD,
	[TH_METER_HIGH] = A_BOLD,
	[TH_HEADER] = A_REVERSE,
	[TH_HEADER_SORT] = A_REVERSE | A_BOLD | A_UNDERLINE,
	[TH_ROW_SEL] = A_REVERSE,
	[TH_ROW_TAGGED] = A_BOLD | A_UNDERLINE,
	[TH_ROW_PAUSED] = A_DIM,
	[TH_ROW_BAD] = A_BOLD,
	[TH_STATUS_ERR] = A_BOLD,
	[TH_PROMPT] = A_BOLD,
	[TH_BAR_KEY] = A_REVERSE,
	[TH_BAR_ON] = A_BOLD,
	[TH_LABEL] = A_BOLD,
};

void
top_theme_builtin(struct top_theme *t)
{
	static const struct top_theme_el def[TH__COUNT] = {
		[TH_TITLE] = { -1, -1, A_BOLD },
		[TH_SIM] = { 0, 3, A_BOLD },
		[TH_SUMMARY] = { -1, -1, 0 },
		[TH_METER_LABEL] = { 6, -1, A_BOLD },
		[TH_METER_BAR] = { 2, -1, 0 },
		[TH_METER_HIGH] = { 1, -1, A_BOLD },
		[TH_METER_TEXT] = { -1, -1, 0 },
		[TH_HEADER] = { 0, 6, 0 },
		[TH_HEADER_SORT] = { 0, 2, A_BOLD },
		[TH_ROW] = { -1, -1, 0 },
		[TH_ROW_SEL] = { 0, 6, 0 },
		[TH_ROW_TAGGED] = { 3, -1, A_BOLD },
		[TH_ROW_PAUSED] = { 4, -1, A_BOLD },
		[TH_ROW_BAD] = { 1, -1, A_BOLD },
		[TH_SPARK] = { 2, -1, 0 },
		[TH_STATUS] = { 2, -1, 0 },
		[TH_STATUS_ERR] = { 7, 1, A_BOLD },
		[TH_PROMPT] = { 3, -1, A_BOLD },
		[TH_BAR_KEY] = { 0, 6, 0 },
		[TH_BAR_TEXT] = { -1, -1, 0 },
		[TH_BAR_ON] = { 2, -1, A_BOLD },
		[TH_LABEL] = { 6, -1, A_BOLD },
		[TH_GRAPH_CPU] = { 2, -1, 0 },
		[TH_GRAPH_NET] = { 5, -1, 0 },
		[TH_GRAPH_DSK] = { 3, -1, 0 },
	};

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "default");
	t->colors = 8;
	memcpy(t->el, def, sizeof def);
}

static int
theme_colour(const char *w, short *out)
{
	char *end;
	long v;
	int i, bright = 0;

	if (strcasecmp(w, "default") == 0 || strcmp(w, "-") == 0) {
		*out = -1;
		return 0;
	}
	if (strncasecmp(w, "bright-", 7) == 0) {
		bright = 8;
		w += 7;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(w, theme_colour_names[i]) == 0) {
			*out = (short)(i + bright);
			return 0;
		}
	}
	if (bright)
		return XDOM_EINVAL;
	v = strtol(w, &end, 10);
	if (end == w || *end != '\0' || v < 0 || v > 255)
		return XDOM_EINVAL;
	*out = (short)v;
	return 0;
}

static int
theme_el_parse(struct top_theme_el *e, const char *val)
{
	char buf[128], *save = NULL, *w;
	int n = 0;
	size_t k;

	if (strlen(val) >= sizeof buf)
		return XDOM_EINVAL;
	snprintf(buf, sizeof buf, "%s", val);
	e->fg = e->bg = -1;
	e->attr = 0;
	for (w = strtok_r(buf, " \t,", &save); w != NULL;
	    w = strtok_r(NULL, " \t,", &save)) {
		bool attr = false;

		for (k = 0; k < sizeof theme_attrs / sizeof theme_attrs[0];
		    k++) {
			if (strcasecmp(w, theme_attrs[k].name) == 0) {
				e->attr |= theme_attrs[k].attr;
				attr = true;
			}
		}
		if (attr)
			continue;
		if (n >= 2 || theme_colour(w, n == 0 ? &e->fg : &e->bg) != 0)
			return XDOM_EINVAL;
		n++;
	}
	return 0;
}

int
top_theme_parse(struct top_theme *t, const char *text, size_t len,
    const char *origin, struct xdom_err *err)
{
	struct conf *c = NULL;
	const char *v;
	int rc, i;

	top_theme_builtin(t);
	rc = conf_parse(&c, text, len, origin, err);
	if (rc != 0)
		return rc;
	if ((v = conf_get(c, "name")) != NULL)
		snprintf(t->name, sizeof t->name, "%s", v);
	if ((v = conf_get(c, "colors")) != NULL) {
		t->colors = atoi(v);
		if (t->colors != 0 && t->colors != 8 && t->colors != 16 &&
		    t->colors != 256) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s: colors must "
			    "be 0, 8, 16 or 256", origin);
			goto out;
		}
	}
	for (i = 0; i < TH__COUNT; i++) {
		if ((v = conf_get(c, top_theme_el_names[i])) == NULL)
			continue;
		if (theme_el_parse(&t->el[i], v) != 0) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s: %s: expected "
			    "'FG BG [bold|dim|reverse|underline]', got "
			    "'%.40s'", origin, top_theme_el_names[i], v);
			goto out;
		}
	}
out:
	conf_free(c);
	return rc;
}

/* ---- finding theme files ---- */

static char theme_dir_buf[2][PATH_MAX + 32];

const char *const *
top_theme_dirs(void)
{
	static const char *dirs[8];
	char exe[PATH_MAX - 64], *slash;
	ssize_t n;
	int k = 0;
	const char *env = getenv("XDOM_THEME_DIR");

	if (env != NULL && env[0] != '\0')
		dirs[k++] = env;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			/* build/xdom -> themes/; PREFIX/bin -> share */
			snprintf(theme_dir_buf[0], sizeof theme_dir_buf[0],
			    "%s/../themes", exe);
			snprintf(theme_dir_buf[1], sizeof theme_dir_buf[1],
			    "%s/../share/xdom/themes", exe);
			dirs[k++] = theme_dir_buf[0];
			dirs[k++] = theme_dir_buf[1];
		}
	}
	dirs[k++] = "/usr/local/share/xdom/themes";
	dirs[k++] = "/usr/share/xdom/themes";
	dirs[k] = NULL;
	return dirs;
}

static bool
theme_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n >= TOP_THEME_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

int
top_theme_load(struct top_theme *t, const char *name, struct xdom_err *err)
{
	const char *const *d;
	char path[PATH_MAX + 64];
	int rc;

	if (!theme_name_ok(name))
		return xdom_err_set(err, XDOM_EINVAL, "theme name '%.40s': "
		    "use letters, digits, - and _", name);
	for (d = top_theme_dirs(); *d != NULL; d++) {
		FILE *f;
		char *text;
		size_t len;

		snprintf(path, sizeof path, "%s/%s.theme", *d, name);
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		text = xmalloc(65536);
		len = fread(text, 1, 65535, f);
		fclose(f);
		rc = top_theme_parse(t, text, len, path, err);
		free(text);
		if (rc == 0)
			snprintf(t->name, sizeof t->name, "%s", name);
		return rc;
	}
	top_theme_builtin(t);
	if (strcmp(name, "default") == 0)
		return 0;	/* the built-in one is the default */
	return xdom_err_set(err, XDOM_ENOENT, "theme '%s' not found (looked "
	    "in $XDOM_THEME_DIR, themes/ and share/xdom/themes)", name);
}

static int
theme_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
top_theme_names(size_t *n)
{
	const char *const *d;
	char **names = NULL;
	size_t cap = 0, k, i;

	*n = 0;
	for (d = top_theme_dirs(); *d != NULL; d++) {
		DIR *dir = opendir(*d);
		struct dirent *de;

		if (dir == NULL)
			continue;
		while ((de = readdir(dir)) != NULL) {
			size_t l = strlen(de->d_name);
			char base[TOP_THEME_NAME_MAX];
			bool dup = false;

			if (l <= 6 || strcmp(de->d_name + l - 6, ".theme") != 0
			    || l - 6 >= sizeof base)
				continue;
			memcpy(base, de->d_name, l - 6);
			base[l - 6] = '\0';
			if (!theme_name_ok(base))
				continue;
			for (k = 0; k < *n; k++)
				dup = dup || strcmp(names[k], base) == 0;
			if (dup || *n >= 64)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				names = xreallocarray(names, cap,
				    sizeof *names);
			}
			names[(*n)++] = xstrdup(base);
		}
		closedir(dir);
	}
	if (*n == 0) {
		names = xreallocarray(names, 1, sizeof *names);
		names[(*n)++] = xstrdup("default");
	}
	qsort(names, *n, sizeof *names, theme_strcmp);
	for (i = 0; i < *n; i++)	/* keep "default" first */
		if (strcmp(names[i], "default") == 0 && i > 0) {
			char *t = names[i];

			memmove(names + 1, names, i * sizeof *names);
			names[0] = t;
		}
	return names;
}

void
top_theme_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* xterm's RGB for colour c of the 256-colour palette. */
static void
theme_rgb(int c, int rgb[3])
{
	static const unsigned char base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 },
		{ 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 },
		{ 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int k;

	if (c < 16) {
		for (k = 0; k < 3; k++)
			rgb[k] = base[c][k];
	} else if (c >= 232) {		/* grey ramp */
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	} else {			/* 6x6x6 cube */
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[(c / 6) % 6];
		rgb[2] = level[c % 6];
	}
}

/* The colour among the terminal's first 8 or 16 that looks nearest. */
short
top_theme_degrade(short c, int ncolors)
{
	int want[3], best = 0, k, n = ncolors >= 16 ? 16 : 8;
	long best_d = -1;

	if (c < 0 || c < ncolors || c > 255)
		return c > 255 ? -1 : c;
	theme_rgb(c, want);
	for (k = 0; k < n; k++) {
		int have[3];
		long d = 0;
		int j;

		theme_rgb(k, have);
		for (j = 0; j < 3; j++)
			d += (long)(want[j] - have[j]) * (want[j] - have[j]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = k;
		}
	}
	return (short)best;
}

void
top_theme_apply(const struct top_theme *t, bool use_color,
    attr_t attrs[TH__COUNT])
{
	int i;

	if (!use_color || t->colors == 0 || !has_colors()) {
		for (i = 0; i < TH__COUNT; i++)
			attrs[i] = t->colors == 0 ? t->el[i].attr :
			    theme_mono[i];
		return;
	}
	for (i = 0; i < TH__COUNT && i + 1 < COLOR_PAIRS; i++) {
		short fg = top_theme_degrade(t->el[i].fg, COLORS);
		short bg = top_theme_degrade(t->el[i].bg, COLORS);

		/* Same colours on both sides would hide the text. */
		if (fg >= 0 && fg == bg)
			fg = (short)(bg == 0 ? 7 : 0);
		init_pair((short)(i + 1), fg, bg);
		attrs[i] = COLOR_PAIR(i + 1) | t->el[i].attr;
	}
}
