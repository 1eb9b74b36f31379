/*
 * top_settings.c - the dashboard's saved layout: ~/.config/xdom/top.conf.
 *
 *   version = 1
 *   delay = 2.5
 *   columns = "id,name,state,cpu_pct,-ssid,..."   order; -NAME hidden
 *   sort = "cpu_pct:desc"
 *   theme = dark256
 *   totals = 0
 *
 * Columns are saved by name, never by position, so a release that adds
 * or reorders columns still reads an old file. The reader is tolerant:
 * unknown keys and column names are skipped, a newer version is read
 * for what it shares with ours, and a file that does not parse leaves
 * the defaults in place with one message. The writer is atomic: a temp
 * file in the same directory, fsync, rename, fsync of the directory;
 * mode 0600.
 */
#include "top/top_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/conf.h"
#include "core/xmalloc.h"

struct set_flag {
	const char *key;
	size_t off;
};

static const struct set_flag set_flags[] = {
	{ "totals", offsetof(struct top_settings, totals) },
	{ "networks", offsetof(struct top_settings, networks) },
	{ "vbds", offsetof(struct top_settings, vbds) },
	{ "vcpus", offsetof(struct top_settings, vcpus) },
	{ "repeat_header", offsetof(struct top_settings, repeat_header) },
	{ "full_name", offsetof(struct top_settings, full_name) },
	{ "dom0_first", offsetof(struct top_settings, dom0_first) },
	{ "pcpus", offsetof(struct top_settings, pcpus) },
};

void
top_settings_default(struct top_settings *s)
{
	int i;

	memset(s, 0, sizeof *s);
	s->version = TOP_SETTINGS_VERSION;
	s->delay = 3.0;
	for (i = 0; i < COL__COUNT; i++) {
		s->order[i] = i;
		s->shown[i] = top_cols[i].visible;
	}
	s->sort_col = COL_CPU_PCT;
	s->sort_desc = true;
	snprintf(s->theme, sizeof s->theme, "default");
}

char *
top_settings_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return xasprintf("%s/xdom/top.conf", x);
	if (h != NULL && h[0] == '/')
		return xasprintf("%s/.config/xdom/top.conf", h);
	return NULL;
}

/* Like top_cols_parse, but unknown names are skipped, not errors. */
static void
settings_columns(struct top_settings *s, const char *list)
{
	bool seen[COL__COUNT] = { false };
	int n = 0, i;
	const char *p = list;

	while (*p != '\0') {
		size_t k = strcspn(p, ",");
		char item[40];
		bool hide = false;
		const char *q = p;
		int c;

		if (*q == '-') {
			hide = true;
			q++;
			k--;
		}
		if (k > 0 && k < sizeof item) {
			memcpy(item, q, k);
			item[k] = '\0';
			c = top_col_find(item);
			if (c >= 0 && !seen[c]) {
				seen[c] = true;
				s->order[n++] = c;
				s->shown[c] = !hide;
			}
		}
		p = q + k;
		while (*p == ',')
			p++;
	}
	/* Columns this file does not know (newer than it) keep their
	 * default visibility, after the ones it lists. */
	for (i = 0; i < COL__COUNT; i++) {
		if (!seen[i]) {
			s->order[n++] = i;
			s->shown[i] = top_cols[i].visible;
		}
	}
}

int
top_settings_load(struct top_settings *s, const char *path,
    struct xdom_err *err)
{
	struct top_settings t = *s;
	struct conf *c = NULL;
	const char *v;
	long ver;
	size_t k;
	int rc;

	rc = conf_load(&c, path, false, err);
	if (rc != 0) {
		/* The loader's message goes inside ours: a copy, so the
		 * message is never formatted from the buffer it goes to. */
		char why[sizeof err->msg];

		snprintf(why, sizeof why, "%s", err != NULL ? err->msg :
		    "bad file");
		xdom_err_set(err, XDOM_ECORRUPT, "%s: ignored, using "
		    "defaults (%s)", path, why);
		return XDOM_ECORRUPT;
	}
	if (conf_get_long(c, "version", 0, 0, 1000000, &ver, NULL) == 0)
		t.version = (int)ver;
	if ((v = conf_get(c, "delay")) != NULL) {
		char *end;
		double d = strtod(v, &end);

		if (end != v && *end == '\0' && isfinite(d) && d >= 0.1 &&
		    d <= 3600)
			t.delay = d;
	}
	if ((v = conf_get(c, "columns")) != NULL)
		settings_columns(&t, v);
	if ((v = conf_get(c, "sort")) != NULL) {
		char name[40];
		size_t n = strcspn(v, ":");
		int col;

		if (n < sizeof name) {
			memcpy(name, v, n);
			name[n] = '\0';
			col = top_col_find(name);
			if (col >= 0) {
				t.sort_col = col;
				t.sort_desc = v[n] == ':' ?
				    strcmp(v + n + 1, "desc") == 0 :
				    top_cols[col].sort_desc;
			}
		}
	}
	if ((v = conf_get(c, "theme")) != NULL && strlen(v) > 0 &&
	    strlen(v) < sizeof t.theme)
		snprintf(t.theme, sizeof t.theme, "%s", v);
	for (k = 0; k < sizeof set_flags / sizeof set_flags[0]; k++) {
		long b;

		if (conf_get_long(c, set_flags[k].key, -1, -1, 1, &b, NULL) ==
		    0 && b >= 0)
			*(bool *)((char *)&t + set_flags[k].off) = b != 0;
	}
	conf_free(c);
	*s = t;
	return 0;
}

static int
settings_mkdirs(const char *path, struct xdom_err *err)
{
	char *dir = xstrdup(path), *p;
	int rc = 0;

	/* Every directory above the file, from the top. */
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "creating %s",
			    dir);
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

int
top_settings_save(const struct top_settings *s, const char *path,
    struct xdom_err *err)
{
	char *text = NULL;
	size_t len = 0, k;
	FILE *f = NULL;
	int rc, i;

	rc = settings_mkdirs(path, err);
	if (rc != 0)
		return rc;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return xdom_err_errno(err, XDOM_EIO, errno, "settings");
	fprintf(f, "# xdom top settings, written by xdom top (W key, and on "
	    "quit).\n# Columns are listed by name; -NAME is hidden.\n");
	fprintf(f, "version = %d\n", TOP_SETTINGS_VERSION);
	fprintf(f, "delay = %g\n", s->delay);
	fprintf(f, "columns = \"");
	for (i = 0; i < COL__COUNT; i++)
		fprintf(f, "%s%s%s", i ? "," : "", s->shown[s->order[i]] ?
		    "" : "-", top_cols[s->order[i]].name);
	fprintf(f, "\"\n");
	if ((unsigned)s->sort_col < COL__COUNT)
		fprintf(f, "sort = \"%s:%s\"\n", top_cols[s->sort_col].name,
		    s->sort_desc ? "desc" : "asc");
	fprintf(f, "theme = \"%s\"\n", s->theme);
	for (k = 0; k < sizeof set_flags / sizeof set_flags[0]; k++)
		fprintf(f, "%s = %d\n", set_flags[k].key,
		    *(const bool *)((const char *)s + set_flags[k].off) ? 1 : 0);
	fclose(f);

	rc = xdom_atomic_write(path, text, len, 0600, err);
	free(text);
	return rc;
}
