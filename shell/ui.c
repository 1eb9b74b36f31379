/*
 * ui.c - progress bar text and completion candidates (see ui.h).
 */
#include "shell/ui.h"

#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/xmalloc.h"

void
shell_progress_format(char *buf, size_t len, unsigned permille,
    unsigned long elapsed_s, const char *stage, unsigned width)
{
	char bar[64], esc[48], t[32];
	unsigned i, fill;

	if (len == 0)
		return;
	if (permille > 1000)
		permille = 1000;
	if (width < 10)
		width = 10;
	if (width > 60)
		width = 60;
	fill = permille * width / 1000;
	for (i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	if (elapsed_s >= 3600)
		snprintf(t, sizeof t, "%lu:%02lu:%02lu", elapsed_s / 3600,
		    elapsed_s / 60 % 60, elapsed_s % 60);
	else
		snprintf(t, sizeof t, "%lu:%02lu", elapsed_s / 60,
		    elapsed_s % 60);
	xdom_escape(esc, 41, stage != NULL ? stage : "");
	snprintf(buf, len, "[%s] %3u%%  %s  %s", bar, permille / 10, t, esc);
}

void
shell_progress_fit(char *buf, size_t len, unsigned permille,
    unsigned long elapsed_s, const char *stage, unsigned cols)
{
	char esc[48];
	size_t fixed, slen, avail, k;
	unsigned width = 30;

	if (cols != 0) {
		/* "[" bar "] " "100%" "  " m:ss "  " stage, within cols - 1 */
		xdom_escape(esc, 41, stage != NULL ? stage : "");
		slen = strlen(esc);
		fixed = 1 + 2 + 4 + 2 + (elapsed_s >= 3600 ? 7 : 4) + 2;
		avail = cols > 1 ? cols - 1 : 0;
		if (avail > fixed + slen + 10)
			width = (unsigned)(avail - fixed - slen);
		else
			width = 10;
		if (width > 30)
			width = 30;
	}
	shell_progress_format(buf, len, permille, elapsed_s, stage, width);
	if (cols != 0 && len > 0 && strlen(buf) > (size_t)cols - 1 &&
	    cols > 1) {
		k = cols - 1;
		/* Never cut a UTF-8 sequence in two. */
		while (k > 0 && ((unsigned char)buf[k] & 0xc0) == 0x80)
			k--;
		buf[k] = '\0';
	}
}

void
shell_wrap(FILE *out, const char *text, size_t col, unsigned cols)
{
	size_t at = col, k;
	const char *p = text;

	if (cols != 0 && col + 20 > cols) {
		col = at = 4;
		fprintf(out, "\n%*s", (int)col, "");
	}
	while (*p != '\0') {
		k = strcspn(p, ", ");
		if (p[k] != '\0')
			k++;
		/* The break goes before a word that would reach the last
		 * column (a trailing blank may stay there). */
		if (cols != 0 && at > col && at + k - (p[k - 1] == ' ') >= cols) {
			fprintf(out, "\n%*s", (int)col, "");
			at = col;
		}
		fwrite(p, 1, k, out);
		at += k;
		p += k;
	}
	fputc('\n', out);
}

/* Rows one line of len bytes takes at cols columns. */
static size_t
ui_rows(size_t len, unsigned cols)
{
	if (cols == 0 || len == 0)
		return 1;
	return (len + cols - 1) / cols;
}

void
shell_page(struct shell *sh, const char *text)
{
	char answer[SHELL_LINE_MAX + 1];
	const char *p = text, *nl;
	size_t used = 0, k, r;

	if (text == NULL)
		return;
	if (!sh->interactive || sh->rows < 4 || sh->ask == NULL) {
		fputs(text, sh->out);
		return;
	}
	while (*p != '\0') {
		nl = strchr(p, '\n');
		k = nl != NULL ? (size_t)(nl - p) : strlen(p);
		r = ui_rows(k, sh->cols);
		if (used > 0 && used + r > sh->rows - 1) {
			fflush(sh->out);
			if (sh->ask(sh, "-- more (Enter; q stops) -- ", answer,
			    sizeof answer) != 0 ||
			    answer[0] == 'q' || answer[0] == 'Q')
				return;
			used = 0;
		}
		fwrite(p, 1, k, sh->out);
		fputc('\n', sh->out);
		used += r;
		p += k;
		if (*p == '\n')
			p++;
	}
	fflush(sh->out);
}

struct cands {
	char **v;
	size_t n, cap;
};

static void
cands_add(struct cands *c, const char *s, const char *word)
{
	if (strncmp(s, word, strlen(word)) != 0)
		return;
	if (c->n + 2 > c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n++] = xstrdup(s);
}

static int
cands_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Guests; with cmd (and rights known), only those it may act on. */
static void
cands_guests(struct cands *c, const struct hv_guest_list *g,
    const uint32_t *allowed, const struct shell_cmd *cmd, const char *word)
{
	size_t i;

	for (i = 0; g != NULL && i < g->n; i++)
		if (xdom_name_valid(g->g[i].name) && (allowed == NULL ||
		    cmd == NULL || shell_cmd_granted(cmd, -1, allowed[i])))
			cands_add(c, g->g[i].name, word);
}

static uint32_t
ui_any(const struct hv_guest_list *g, const uint32_t *allowed)
{
	uint32_t any = 0;
	size_t i;

	if (allowed == NULL)
		return UINT32_MAX;
	for (i = 0; g != NULL && i < g->n; i++)
		any |= allowed[i];
	return any;
}

static void
cands_commands(struct cands *c, const struct shell_cmd *tab, size_t n,
    uint32_t rights, const char *word)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!shell_cmd_granted(&tab[i], -1, rights))
			continue;
		cands_add(c, tab[i].name, word);
		for (j = 0; tab[i].aliases[j] != NULL; j++)
			cands_add(c, tab[i].aliases[j], word);
	}
}

/* Split before into at most max words (space-separated, no quoting). */
static int
ui_words(const char *before, char words[][SHELL_LINE_MAX + 1], int max)
{
	int n = 0;
	size_t k;

	while (*before != '\0') {
		while (*before == ' ' || *before == '\t')
			before++;
		if (*before == '\0')
			break;
		k = strcspn(before, " \t");
		if (n < max) {
			if (k > SHELL_LINE_MAX)
				k = SHELL_LINE_MAX;
			memcpy(words[n], before, k);
			words[n][k] = '\0';
		}
		n++;
		before += strcspn(before, " \t");
	}
	return n;
}

char **
shell_complete(const struct shell_cmd *tab, size_t n,
    const struct hv_guest_list *guests, const uint32_t *allowed,
    const char *before, const char *word)
{
	const uint32_t rights = ui_any(guests, allowed);
	static char words[SHELL_ARGS_MAX][SHELL_LINE_MAX + 1];
	struct cands c = { 0 };
	const struct shell_cmd *cmd;
	int nw, i, j, given, positional;
	size_t k, o;

	nw = ui_words(before, words, SHELL_ARGS_MAX);
	if (nw == 0) {
		cands_commands(&c, tab, n, rights, word);
		cands_guests(&c, guests, allowed, NULL, word);
	} else if (nw <= SHELL_ARGS_MAX &&
	    (cmd = shell_cmd_find(tab, n, words[0])) != NULL &&
	    shell_cmd_granted(cmd, -1, rights)) {
		positional = 0;
		for (i = 1; i < nw; i++) {
			for (j = 0; cmd->flags[j] != NULL; j++)
				if (strcmp(cmd->flags[j], words[i]) == 0)
					break;
			if (cmd->flags[j] == NULL)
				positional++;
		}
		if (strcmp(cmd->name, "help") == 0 && nw == 1)
			cands_commands(&c, tab, n, rights, word);
		for (j = 0; cmd->flags[j] != NULL; j++) {
			given = 0;
			for (i = 1; i < nw; i++)
				given |= strcmp(cmd->flags[j], words[i]) == 0;
			if (!given && shell_cmd_granted(cmd, j, rights))
				cands_add(&c, cmd->flags[j], word);
		}
		if (strcmp(cmd->name, "use") == 0 && positional == 0)
			cands_guests(&c, guests, allowed, NULL, word);
		else if (cmd->dom != SHELL_DOM_NONE &&
		    positional >= (int)cmd->min_args &&
		    positional <= (int)cmd->max_args)
			cands_guests(&c, guests, allowed, cmd, word);
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof *c.v, cands_cmp);
	for (k = o = 0; k < c.n; k++) {
		if (o > 0 && strcmp(c.v[o - 1], c.v[k]) == 0)
			free(c.v[k]);
		else
			c.v[o++] = c.v[k];
	}
	if (c.v == NULL)
		c.v = xcalloc(1, sizeof *c.v);
	c.v[o] = NULL;
	return c.v;
}

void
shell_complete_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
