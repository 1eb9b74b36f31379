/*
 * test_top_keys.c - the dashboard's key table: the help screen and the
 * bottom bars are made from it and list exactly its keys, every row can
 * be reached, letters work in either case, and the help reads as it
 * always has.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "top/top_session.h"

/* The help screen's key part, as it has read since xentop's keys. */
static const char *const help_expected[] = {
	"xdom top keys (xentop's first):",
	"  D            delay between updates (fractions allowed)",
	"  N  B  V      network, block device, vcpu lines under each domain",
	"  R            repeat the header before each domain",
	"  S            next sort column     < >  previous/next column",
	"  I            invert the sort      click a header: sort by it",
	"  Q  F10       quit (in a view: back; Esc never quits)",
	"  Up Down PgUp PgDn Home End        move; Left Right scroll columns",
	"  Ctrl-L       redraw the screen; Ctrl-Z suspends (fg brings it back)",
	"  T            totals instead of per-second rates",
	"  /            filter by name as you type (Enter keeps, Esc clears)",
	"  Enter        details of the selected domain, with history",
	"  Space        tag a domain: actions apply to every tagged one; U untags all",
	"  A            action: pause, unpause, shutdown, reboot, destroy,",
	"               console (Ctrl-] leaves the console); on one",
	"               domain: v vcpus, m memory, x maximum memory,",
	"               b attach / e detach a block device, w save, l restore",
	"  C            columns: show, hide, reorder",
	"  P            per-physical-CPU meters (when the host gives them)",
	"  Y            next colour theme        W  save settings now",
	"  H  ?  F1     this help",
	"",
	"Columns:",
};
#define N_HELP (sizeof help_expected / sizeof help_expected[0])

static void
test_help_text(void **state)
{
	char line[256];
	size_t k;

	(void)state;
	for (k = 0; k < N_HELP; k++) {
		assert_true(top_keys_help_line(k, line, sizeof line));
		assert_string_equal(line, help_expected[k]);
	}
	assert_false(top_keys_help_line(N_HELP, line, sizeof line));
}

/* Whether word w is one of the words of s (space-separated). */
static bool
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	const char *p = s;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p++;
	}
	return false;
}

/*
 * Every key of the list is on the help screen, in the keys column of its
 * line or of the line of the row that tells about it (rows without help
 * text follow theirs); and every key in that column is a key of the
 * list's, so the help never promises a key that does nothing.
 */
static void
test_help_lists_the_keys(void **state)
{
	char line[256], keys[64] = "", all[4096] = "";
	size_t r, k;

	(void)state;
	for (k = 1; top_keys_help_line(k, line, sizeof line); k++) {
		size_t l = strlen(all);

		snprintf(all + l, sizeof all - l, "%s ", line);
	}
	for (r = 0; r < top_n_keys; r++) {
		const struct top_key_def *d = &top_keys[r];

		if (!(d->in & TOP_IN_LIST))
			continue;
		if (d->help != NULL)
			snprintf(keys, sizeof keys, "%s", d->help_keys ?
			    d->help_keys : d->name);
		/* the keys column, or the text of the line that tells */
		if (!has_word(keys, d->name) && !has_word(all, d->name)) {
			print_error("key %s is not on the help screen\n",
			    d->name);
			fail();
		}
	}
	for (k = 1; top_keys_help_line(k, line, sizeof line); k++) {
		char col[256], *w, *save = NULL;
		size_t end = 14;

		if (strlen(line) <= end || strncmp(line, "  ", 2) != 0)
			continue;	/* the blank line, a heading */
		/* the keys column: 12 wide, or a longer label up to the
		 * gap before its text */
		while (line[14] != ' ' && line[end] != '\0' &&
		    (line[end] != ' ' || line[end + 1] != ' '))
			end++;
		snprintf(col, sizeof col, "%.*s", (int)(end - 2), line + 2);
		for (w = strtok_r(col, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			bool found = false;

			for (r = 0; r < top_n_keys && !found; r++)
				found = (top_keys[r].in & TOP_IN_LIST) &&
				    strcmp(top_keys[r].name, w) == 0;
			if (!found) {
				print_error("help names %s, no such key\n", w);
				fail();
			}
		}
	}
}

/* The bars: exactly the rows marked for them, in table order, each a key
 * that works in the view that shows it. */
static void
test_bar_lists_the_keys(void **state)
{
	static const enum top_ui_mode modes[] = { UI_LIST, UI_DETAIL,
	    UI_HELP, UI_COLUMNS };
	static const char *const list_words[] = { "Delay", "Networks",
	    "vBds", "VCPUs", "Repeat header", "Sort order", "Quit", "Totals",
	    "/filter", "Enter detail", "Action", "Columns", "? help" };
	static const char *const other_words[] = { "Esc back", "F10 quit",
	    "Action", "? help" };
	size_t m, k, r;

	(void)state;
	for (m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const struct top_key_def *it[32];
		size_t n = top_keys_bar(modes[m], it, 32), want = 0;
		unsigned bar = modes[m] == UI_LIST ? TOP_BAR_LIST :
		    TOP_BAR_OTHER;
		const char *const *words = modes[m] == UI_LIST ? list_words :
		    other_words;
		size_t nw = modes[m] == UI_LIST ? sizeof list_words /
		    sizeof list_words[0] : sizeof other_words /
		    sizeof other_words[0];

		for (r = 0; r < top_n_keys; r++)
			if (top_keys[r].bar & bar)
				assert_ptr_equal(it[want++], &top_keys[r]);
		assert_int_equal(n, want);
		assert_int_equal(n, nw);
		for (k = 0; k < n; k++) {
			char word[64];

			snprintf(word, sizeof word, "%s%s%s",
			    it[k]->bar_pre ? it[k]->bar_pre : "", it[k]->name,
			    it[k]->bar_post ? it[k]->bar_post : "");
			assert_string_equal(word, words[k]);
		}
		/* the list's and the detail's words are keys there */
		if (modes[m] == UI_LIST || modes[m] == UI_DETAIL)
			for (k = 0; k < n; k++)
				assert_true(it[k]->in & TOP_IN(modes[m]));
	}
}

/* Every row is what its key does in each of its views (none is hidden
 * behind an earlier one), and a letter works in either case. */
static void
test_dispatch_reaches_every_row(void **state)
{
	size_t r;
	int mode;

	(void)state;
	for (r = 0; r < top_n_keys; r++) {
		const struct top_key_def *d = &top_keys[r];

		assert_non_null(d->name);
		assert_non_null(d->run);
		assert_true(d->in != 0);
		if (d->key == K_ANY)
			continue;
		assert_true(d->key < 'a' || d->key > 'z');
		for (mode = UI_LIST; mode <= UI_COLUMNS; mode++) {
			if (!(d->in & TOP_IN(mode)))
				continue;
			assert_ptr_equal(top_keys_find(mode, d->key), d);
			if (d->key >= 'A' && d->key <= 'Z')
				assert_ptr_equal(top_keys_find(mode,
				    d->key - 'A' + 'a'), d);
		}
	}
	/* keys of nothing do nothing, but the help screen takes any key */
	assert_null(top_keys_find(UI_LIST, 'z'));
	assert_null(top_keys_find(UI_DETAIL, 'D'));
	assert_non_null(top_keys_find(UI_HELP, 'z'));
}

/* Esc never quits (it cancels, so a second one would); Q and F10 do,
 * but Q in the detail view goes back to the list, as Esc does there. */
static void
test_quit_keys(void **state)
{
	const struct top_key_def *q = top_keys_find(UI_LIST, 'q');

	(void)state;
	assert_null(top_keys_find(UI_LIST, K_ESC));
	assert_non_null(q);
	assert_ptr_equal(top_keys_find(UI_LIST, K_F10)->run, q->run);
	assert_ptr_equal(top_keys_find(UI_DETAIL, K_F10)->run, q->run);
	assert_ptr_equal(top_keys_find(UI_DETAIL, 'q')->run,
	    top_keys_find(UI_DETAIL, K_ESC)->run);
	assert_ptr_not_equal(top_keys_find(UI_DETAIL, 'q')->run, q->run);
	assert_non_null(top_keys_find(UI_LIST, K_CTRL_Z));
	assert_non_null(top_keys_find(UI_DETAIL, K_CTRL_Z));
}

/* The help goes back where it was opened from, whichever key leaves it. */
static void
test_help_returns(void **state)
{
	static const int leave[] = { 'x', 'q', K_ESC, K_ENTER };
	struct top_session ss;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof leave / sizeof leave[0]; k++) {
		memset(&ss, 0, sizeof ss);
		ss.ui.mode = UI_DETAIL;
		top_keys_run(&ss, '?');
		assert_int_equal(ss.ui.mode, UI_HELP);
		top_keys_run(&ss, K_DOWN);
		assert_int_equal(ss.ui.mode, UI_HELP);
		top_keys_run(&ss, leave[k]);
		assert_int_equal(ss.ui.mode, UI_DETAIL);
		assert_false(ss.quit);
		ss.ui.mode = UI_LIST;
		top_keys_run(&ss, K_F1);
		assert_int_equal(ss.ui.mode, UI_HELP);
		top_keys_run(&ss, leave[k]);
		assert_int_equal(ss.ui.mode, UI_LIST);
		top_keys_run(&ss, K_ESC);
		top_keys_run(&ss, K_ESC);
		assert_false(ss.quit);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_help_lists_the_keys),
		cmocka_unit_test(test_bar_lists_the_keys),
		cmocka_unit_test(test_dispatch_reaches_every_row),
		cmocka_unit_test(test_quit_keys),
		cmocka_unit_test(test_help_returns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
