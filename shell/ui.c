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

static void
cands_guests(struct cands *c, const struct hv_guest_list *g,
    const char *word)
{
	size_t i;

	for (i = 0; g != NULL && i < g->n; i++)
		if (xdom_name_valid(g->g[i].name))
			cands_add(c, g->g[i].name, word);
}

static void
cands_commands(struct cands *c, const struct shell_cmd *tab, size_t n,
    const char *word)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
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
    const struct hv_guest_list *guests, const char *before,
    const char *word)
{
	static char words[SHELL_ARGS_MAX][SHELL_LINE_MAX + 1];
	struct cands c = { 0 };
	const struct shell_cmd *cmd;
	int nw, i, j, given, positional;
	size_t k, o;

	nw = ui_words(before, words, SHELL_ARGS_MAX);
	if (nw == 0) {
		cands_commands(&c, tab, n, word);
		cands_guests(&c, guests, word);
	} else if (nw <= SHELL_ARGS_MAX &&
	    (cmd = shell_cmd_find(tab, n, words[0])) != NULL) {
		positional = 0;
		for (i = 1; i < nw; i++) {
			for (j = 0; cmd->flags[j] != NULL; j++)
				if (strcmp(cmd->flags[j], words[i]) == 0)
					break;
			if (cmd->flags[j] == NULL)
				positional++;
		}
		if (strcmp(cmd->name, "help") == 0 && nw == 1)
			cands_commands(&c, tab, n, word);
		for (j = 0; cmd->flags[j] != NULL; j++) {
			given = 0;
			for (i = 1; i < nw; i++)
				given |= strcmp(cmd->flags[j], words[i]) == 0;
			if (!given)
				cands_add(&c, cmd->flags[j], word);
		}
		if ((strcmp(cmd->name, "use") == 0 && positional == 0) ||
		    (cmd->dom != SHELL_DOM_NONE &&
		    positional >= (int)cmd->min_args &&
		    positional <= (int)cmd->max_args))
			cands_guests(&c, guests, word);
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
