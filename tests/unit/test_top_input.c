/*
 * test_top_input.c - reading the terminal (top_input.c): the bytes of a
 * mouse click or a key, as xterm, xterm-256color, screen, tmux, the
 * Linux console and PuTTY send them, come out as the click or the key
 * whatever the terminal type's terminfo entry says about the mouse.
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

static const char *const terms[] = { "xterm", "xterm-256color", "screen",
    "tmux", "linux", "putty" };

/* The next event of tk after bytes were pushed. */
static void
next_key(TermKey *tk, TermKeyKey *k)
{
	assert_int_equal(termkey_getkey_force(tk, k), TERMKEY_RES_KEY);
}

static void
assert_click(TermKey *tk, TermKeyMouseEvent want, int line, int col)
{
	TermKeyKey k;
	TermKeyMouseEvent ev;
	int b = 0, l = 0, c = 0;

	next_key(tk, &k);
	assert_int_equal(k.type, TERMKEY_TYPE_MOUSE);
	assert_int_equal(termkey_interpret_mouse(tk, &k, &ev, &b, &l, &c),
	    TERMKEY_RES_KEY);
	assert_int_equal(ev, want);
	assert_int_equal(b, 1);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

/* SGR reports (what top_mouse_set asks for), press and release, then an
 * old X10 report, then a key: nothing of a report is read as typing. */
static void
test_mouse_any_term(void **state)
{
	static const char sgr[] = "\033[<0;17;5M\033[<0;17;5m"
	    "\033[<0;123;45M\033[M !\"q";
	size_t t;

	(void)state;
	for (t = 0; t < sizeof terms / sizeof terms[0]; t++) {
		TermKey *tk = top_termkey_new(-1, terms[t]);
		TermKeyKey k;
		char utf8[8];

		print_message("# TERM=%s\n", terms[t]);
		assert_non_null(tk);
		termkey_push_bytes(tk, sgr, sizeof sgr - 1);
		assert_click(tk, TERMKEY_MOUSE_PRESS, 5, 17);
		assert_click(tk, TERMKEY_MOUSE_RELEASE, 5, 17);
		assert_click(tk, TERMKEY_MOUSE_PRESS, 45, 123);
		assert_click(tk, TERMKEY_MOUSE_PRESS, 2, 1);
		next_key(tk, &k);
		assert_int_equal(top_key_code(&k, utf8), 'q');
		assert_int_equal(termkey_getkey_force(tk, &k),
		    TERMKEY_RES_NONE);
		termkey_destroy(tk);
	}
}

/* Home and End in their several spellings: xterm's, the VT220's and
 * PuTTY's ESC [ 1 ~ / ESC [ 4 ~ (terminfo's Find and Select on xterm),
 * rxvt's ESC [ 7 ~ / ESC [ 8 ~; and F1, F10, Ctrl-Z, Esc. */
static void
test_keys_any_term(void **state)
{
	static const struct {
		const char *bytes;
		int code;
	} keys[] = {
		{ "\033[H", K_HOME }, { "\033[F", K_END },
		{ "\033OH", K_HOME }, { "\033OF", K_END },
		{ "\033[1~", K_HOME }, { "\033[4~", K_END },
		{ "\033[7~", K_HOME }, { "\033[8~", K_END },
		{ "\033OP", K_F1 }, { "\033[21~", K_F10 },
		{ "\032", K_CTRL_Z }, { "\033", K_ESC },
	};
	size_t t, k;

	(void)state;
	for (t = 0; t < sizeof terms / sizeof terms[0]; t++) {
		TermKey *tk = top_termkey_new(-1, terms[t]);

		assert_non_null(tk);
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			TermKeyKey key;
			char utf8[8];

			print_message("# TERM=%s key %zu\n", terms[t], k);
			termkey_push_bytes(tk, keys[k].bytes,
			    strlen(keys[k].bytes));
			next_key(tk, &key);
			assert_int_equal(top_key_code(&key, utf8),
			    keys[k].code);
		}
		termkey_destroy(tk);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mouse_any_term),
		cmocka_unit_test(test_keys_any_term),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
