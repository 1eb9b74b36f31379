/*
 * test_termmodes.c - console/termmodes.c: which terminal modes a guest's
 * output leaves on, across split reads and odd sequences, and the bytes
 * that put the user's terminal back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "console/termmodes.h"

static void
feed(struct termmodes *m, const char *s)
{
	termmodes_feed(m, s, strlen(s));
}

static void
test_alt_screen(void **state)
{
	struct termmodes m;

	(void)state;
	termmodes_init(&m);
	assert_false(m.alt_screen);
	feed(&m, "hello\033[?1049h");
	assert_true(m.alt_screen);
	feed(&m, "\033[?1049l");
	assert_false(m.alt_screen);
	/* the older forms, and a mode among others in one sequence */
	feed(&m, "\033[?47h");
	assert_true(m.alt_screen);
	feed(&m, "\033[?1047l");
	assert_false(m.alt_screen);
	feed(&m, "\033[?25;1049;1h");
	assert_true(m.alt_screen);
	/* not private: ANSI mode 1049 is something else */
	termmodes_init(&m);
	feed(&m, "\033[1049h");
	assert_false(m.alt_screen);
}

static void
test_split_reads(void **state)
{
	static const char seq[] = "x\033[?1049hy\033[3;10rz";
	struct termmodes m;
	size_t i;

	(void)state;
	/* every split point, one byte at a time */
	termmodes_init(&m);
	for (i = 0; i < sizeof seq - 1; i++)
		termmodes_feed(&m, seq + i, 1);
	assert_true(m.alt_screen);
	assert_true(m.scroll_region);
}

static void
test_scroll_region(void **state)
{
	struct termmodes m;

	(void)state;
	termmodes_init(&m);
	feed(&m, "\033[5;20r");
	assert_true(m.scroll_region);
	feed(&m, "\033[r");
	assert_false(m.scroll_region);
	feed(&m, "\033[2r");
	assert_true(m.scroll_region);
	feed(&m, "\033[0;0r");
	assert_false(m.scroll_region);
	/* DECSTBM with an intermediate is another command */
	feed(&m, "\033[5;20 r");
	assert_false(m.scroll_region);
}

static void
test_strings_and_cancel(void **state)
{
	struct termmodes m;

	(void)state;
	termmodes_init(&m);
	/* a title containing what looks like a sequence is a string */
	feed(&m, "\033]0;[?1049h\007");
	assert_false(m.alt_screen);
	/* a string ended with ESC \, then a real sequence */
	feed(&m, "\033P$q[?1049h\033\\\033[?1049h");
	assert_true(m.alt_screen);
	/* CAN cancels a sequence half-way */
	termmodes_init(&m);
	feed(&m, "\033[?10\03049h");
	assert_false(m.alt_screen);
	/* ESC inside a CSI starts over */
	feed(&m, "\033[?1\033[?1049h");
	assert_true(m.alt_screen);
}

static void
test_many_and_huge_params(void **state)
{
	struct termmodes m;
	char buf[512];
	size_t n = 0;
	int i;

	(void)state;
	termmodes_init(&m);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "\033[?");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%d;", i);
	snprintf(buf + n, sizeof buf - n, "1049h");
	feed(&m, buf);
	/* beyond the parameters kept: not seen, and nothing overflows */
	assert_false(m.alt_screen);
	feed(&m, "\033[?99999999999999999999h\033[?1049h");
	assert_true(m.alt_screen);
}

static void
test_reset_sequence(void **state)
{
	struct termmodes m;
	char buf[TERMMODES_RESET_MAX];
	const char *r;

	(void)state;
	termmodes_init(&m);
	r = termmodes_reset(&m, buf);
	/* always: cursor, mouse, paste, focus, keys, charset, attributes */
	assert_non_null(strstr(r, "\033[?25h"));
	assert_non_null(strstr(r, "\033[?1000l"));
	assert_non_null(strstr(r, "\033[?1006l"));
	assert_non_null(strstr(r, "\033[?2004l"));
	assert_non_null(strstr(r, "\033[?1004l"));
	assert_non_null(strstr(r, "\033[?1l\033>"));
	assert_non_null(strstr(r, "\033(B\017"));
	assert_non_null(strstr(r, "\033[0m"));
	/* not unless the guest turned them on: they move the cursor */
	assert_null(strstr(r, "\033[?1049l"));
	assert_null(strstr(r, "\033[r"));
	feed(&m, "\033[?1049h\033[2;5r");
	r = termmodes_reset(&m, buf);
	assert_int_equal(strncmp(r, "\033[?1049l\0337\033[r\0338", 15), 0);
	assert_true(strlen(r) < TERMMODES_RESET_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alt_screen),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_scroll_region),
		cmocka_unit_test(test_strings_and_cancel),
		cmocka_unit_test(test_many_and_huge_params),
		cmocka_unit_test(test_reset_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
