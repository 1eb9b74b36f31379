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
#include "tests/unit/support/fixture.h"

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

/* ---- actions: what they apply to and what they ask ---- */

static const char *const guests[] = { "db01", "web01", "web02" };

/* A refresh of the session's host with the guests of mask (bit k:
 * guests[k]), by name order. */
static void
host_refresh(struct top_session *ss, unsigned mask, uint64_t mono)
{
	struct snap *s = top_model_next(&ss->ui.m);
	size_t k;

	snap_add_host(s, "h0");
	s->mono_ns = mono;
	for (k = 0; k < sizeof guests / sizeof guests[0]; k++)
		if (mask & (1u << k))
			snap_add_dom(s, 0, (uint32_t)k + 1, guests[k])->flags =
			    SNAP_F_RUNNING;
	snap_finish(s);
	top_model_update(&ss->ui.m);
	top_model_sort(&ss->ui.m);
	top_ui_prune_tags(&ss->ui);
	top_ui_mark_sel(&ss->ui);
}

struct sess {
	struct top_session ss;
	struct top_opts o;
};

static void
sess_open(struct sess *t)
{
	memset(t, 0, sizeof *t);
	t->o.delay = 1;
	t->ss.ui.o = &t->o;
	t->ss.ui.hv = &tfx_fake_hv;
	top_model_init(&t->ss.ui.m);
	t->ss.ui.m.sort_col = COL_NAME;
	t->ss.ui.m.sort_desc = false;
	host_refresh(&t->ss, 7, 1000000000ull);
}

static void
sess_close(struct sess *t)
{
	size_t k;

	for (k = 0; k < t->ss.ui.n_tags; k++)
		free(t->ss.ui.tags[k]);
	for (k = 0; k < t->ss.n_act; k++)
		free(t->ss.act_names[k]);
	top_model_dispose(&t->ss.ui.m);
}

/* Keys as typed: each a key code of the key table, through the prompts. */
static void
type(struct sess *t, const char *keys)
{
	TermKey *tk = top_termkey_new(-1, "xterm");
	TermKeyKey k;

	assert_non_null(tk);
	termkey_push_bytes(tk, keys, strlen(keys));
	while (termkey_getkey_force(tk, &k) == TERMKEY_RES_KEY)
		top_session_key(&t->ss, &k);
	termkey_destroy(tk);
}

/* Tag db01 and web01 (Space moves down), then filter db01 out of view:
 * the question names web01 and says one tagged domain is left out. */
static void
test_tags_unseen_left_out(void **state)
{
	struct sess t;

	(void)state;
	sess_open(&t);
	assert_int_equal(t.ss.ui.m.n_order, 3);
	type(&t, "  ");
	assert_int_equal(t.ss.ui.n_tags, 2);
	type(&t, "ap");
	assert_int_equal(t.ss.ui.prompt, PR_CONFIRM);
	assert_string_equal(t.ss.ui.input,
	    "Pause 2 tagged domains: db01, web01? (y/N) ");
	type(&t, "n");
	snprintf(t.ss.ui.m.filter, sizeof t.ss.ui.m.filter, "web");
	top_ui_resort(&t.ss.ui);
	assert_int_equal(top_session_targets(&t.ss), 1);
	assert_string_equal(t.ss.act_names[0], "web01");
	assert_int_equal(t.ss.n_unseen, 1);
	type(&t, "ar");
	assert_string_equal(t.ss.ui.input, "Reboot 1 tagged domain: web01 "
	    "(1 tagged not on the list left out)? (y/N) ");
	type(&t, "n");
	/* every tagged domain hidden: no action at all */
	snprintf(t.ss.ui.m.filter, sizeof t.ss.ui.m.filter, "web02");
	top_ui_resort(&t.ss.ui);
	type(&t, "a");
	assert_int_equal(t.ss.ui.prompt, PR_NONE);
	assert_non_null(strstr(t.ss.ui.status, "2 tagged domains are not on "
	    "the list"));
	/* U untags all: now the cursor's domain is the target */
	type(&t, "u");
	assert_int_equal(t.ss.ui.n_tags, 0);
	type(&t, "ad");
	assert_string_equal(t.ss.ui.input, "Destroy (stop at once) web02? "
	    "(y/N) ");
	sess_close(&t);
}

/* A tagged guest that leaves the host is untagged at the next refresh:
 * an action never reaches it, nor a new guest given its name later. */
static void
test_tags_drop_when_gone(void **state)
{
	struct sess t;

	(void)state;
	sess_open(&t);
	type(&t, "  ");		/* db01, web01 */
	host_refresh(&t.ss, 6, 2000000000ull);	/* db01 destroyed */
	assert_int_equal(t.ss.ui.n_tags, 1);
	assert_string_equal(t.ss.ui.tags[0], "web01");
	assert_non_null(strstr(t.ss.ui.status, "1 tagged domain gone"));
	host_refresh(&t.ss, 7, 3000000000ull);	/* a new db01 */
	assert_int_equal(top_session_targets(&t.ss), 1);
	assert_string_equal(t.ss.act_names[0], "web01");
	sess_close(&t);
}

/* --readonly: the action menu never opens, and says why. */
static void
test_readonly(void **state)
{
	struct sess t;

	(void)state;
	sess_open(&t);
	t.o.readonly = true;
	type(&t, "a");
	assert_int_equal(t.ss.ui.prompt, PR_NONE);
	assert_non_null(strstr(t.ss.ui.status, "read-only"));
	type(&t, "p");	/* not an action: P's own message */
	assert_int_equal(t.ss.ui.prompt, PR_NONE);
	t.ss.ui.mode = UI_DETAIL;
	type(&t, "A");
	assert_int_equal(t.ss.ui.prompt, PR_NONE);
	assert_non_null(strstr(t.ss.ui.status, "read-only"));
	sess_close(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mouse_any_term),
		cmocka_unit_test(test_keys_any_term),
		cmocka_unit_test(test_tags_unseen_left_out),
		cmocka_unit_test(test_tags_drop_when_gone),
		cmocka_unit_test(test_readonly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
