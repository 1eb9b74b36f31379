/*
 * test_shell_parse.c - xdom-shell's line parser: words, quoting, shell
 * metacharacters as plain text, and every way a line is refused (length,
 * control characters, invalid UTF-8, quotes, word count), including an
 * exhaustive pass over every byte and every byte pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "shell/parse.h"

static int
parse(struct shell_args *a, const char *s)
{
	struct xdom_err err = { 0 };

	return shell_parse(a, s, strlen(s), &err);
}

static void
expect_words(const char *line, int n, ...)
{
	struct shell_args a;
	va_list ap;
	int i;

	assert_int_equal(parse(&a, line), 0);
	assert_int_equal(a.argc, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(a.argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(a.argv[n]);
}

static void
expect_refused(const char *line, size_t len, const char *msg_part)
{
	struct shell_args a;
	struct xdom_err err = { 0 };

	assert_int_equal(shell_parse(&a, line, len, &err), XDOM_EINVAL);
	assert_int_equal(a.argc, 0);
	assert_non_null(strstr(err.msg, msg_part));
	assert_null(strchr(err.msg, '\n'));
}

static void
test_words(void **state)
{
	(void)state;
	expect_words("", 0);
	expect_words("   \t  ", 0);
	expect_words("list", 1, "list");
	expect_words("  reboot   web01  ", 2, "reboot", "web01");
	expect_words("reboot\tweb01", 2, "reboot", "web01");
	expect_words("status --json", 2, "status", "--json");
}

static void
test_quoting(void **state)
{
	(void)state;
	expect_words("help 'a b'", 2, "help", "a b");
	expect_words("x \"a \\\"b\\\" \\\\c\"", 2, "x", "a \"b\" \\c");
	expect_words("x \"a\\nb\"", 2, "x", "a\\nb");	/* no C escapes */
	expect_words("x 'a\\b'", 2, "x", "a\\b");	/* literal in '' */
	expect_words("a'b'c\"d\"", 1, "abcd");
	expect_words("x '' \"\"", 3, "x", "", "");
	expect_words("x a\\ b", 2, "x", "a b");
	expect_words("x \\'", 2, "x", "'");
	expect_refused("x 'abc", 6, "unterminated single quote");
	expect_refused("x \"abc", 6, "unterminated double quote");
	expect_refused("x abc\\", 6, "backslash");
}

/* Shell syntax is text: it lands inside words and runs nothing. */
static void
test_metacharacters_are_text(void **state)
{
	(void)state;
	expect_words("reboot web01; sh", 3, "reboot", "web01;", "sh");
	expect_words("; sh", 2, ";", "sh");
	expect_words("reboot $(id)", 2, "reboot", "$(id)");
	expect_words("reboot `id`", 2, "reboot", "`id`");
	expect_words("!", 1, "!");
	expect_words("!!", 1, "!!");
	expect_words("!-1 !sh ^a^b", 3, "!-1", "!sh", "^a^b");
	expect_words("a|b&&c>d<e", 1, "a|b&&c>d<e");
	expect_words("~ * ? [a] # {x,y}", 6, "~", "*", "?", "[a]", "#",
	    "{x,y}");
	expect_words("x ${HOME} $PATH", 3, "x", "${HOME}", "$PATH");
}

static void
test_long_lines(void **state)
{
	char *s = malloc(100 * 1024 + 1);
	struct shell_args a;
	struct xdom_err err = { 0 };

	(void)state;
	memset(s, 'a', 100 * 1024);
	s[100 * 1024] = '\0';
	expect_refused(s, 100 * 1024, "line too long (102400 bytes");
	expect_refused(s, SHELL_LINE_MAX + 1, "the limit is 1024");
	assert_int_equal(shell_parse(&a, s, SHELL_LINE_MAX, &err), 0);
	assert_int_equal(a.argc, 1);
	assert_int_equal(strlen(a.argv[0]), SHELL_LINE_MAX);
	/* The longest line of the most, shortest words still fits. */
	memset(s, ' ', SHELL_LINE_MAX);
	for (int i = 0; i < SHELL_ARGS_MAX; i++)
		s[i * 2] = '\'', s[i * 2 + 1] = '\'';
	assert_int_equal(shell_parse(&a, s, SHELL_LINE_MAX, &err), 0);
	assert_int_equal(a.argc, 1);		/* '''' ... is one word */
	free(s);
}

static void
test_word_count(void **state)
{
	char line[128] = "";
	struct shell_args a;
	int i;

	(void)state;
	for (i = 0; i < SHELL_ARGS_MAX; i++)
		strcat(line, "w ");
	assert_int_equal(parse(&a, line), 0);
	assert_int_equal(a.argc, SHELL_ARGS_MAX);
	strcat(line, "w");
	expect_refused(line, strlen(line), "too many words");
}

static void
test_control_characters(void **state)
{
	char line[8];
	int c;

	(void)state;
	for (c = 0; c < 0x20; c++) {
		if (c == '\t')
			continue;
		snprintf(line, sizeof line, "ab");
		line[1] = (char)c;
		expect_refused(line, 3, "control character");
	}
	expect_refused("a\x7f", 2, "control character 0x7f at byte 2");
	expect_refused("reboot\x1b[2Jx", 11, "control character 0x1b");
	/* C1 controls, U+0080..U+009F. */
	for (c = 0x80; c < 0xa0; c++) {
		line[0] = 'a';
		line[1] = (char)0xc2;
		line[2] = (char)c;
		line[3] = '\0';
		expect_refused(line, 3, "control character");
	}
	/* A NUL inside the given length is refused, not a terminator. */
	expect_refused("list\0; sh", 9, "control character 0x00");
}

static void
test_utf8(void **state)
{
	(void)state;
	expect_words("help caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x98\x80", 4, "help", "caf\xc3\xa9",
	    "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80");
	expect_refused("a\x80", 2, "invalid UTF-8 at byte 2");
	expect_refused("\xff", 1, "invalid UTF-8");
	expect_refused("\xc0\xaf", 2, "invalid UTF-8");	/* overlong '/' */
	expect_refused("\xe0\x80\xaf", 3, "invalid UTF-8");
	expect_refused("\xed\xa0\x80", 3, "invalid UTF-8");	/* surrogate */
	expect_refused("\xf4\x90\x80\x80", 4, "invalid UTF-8");
	expect_refused("ab\xe2\x82", 4, "invalid UTF-8");	/* truncated */
	expect_refused("\xe2\x82 x", 4, "invalid UTF-8");
}

/* Characters that make the screen lie are refused like controls: a bidi
 * override shows "reboot web01" for bytes that act on something else. */
static void
test_bidi_and_separators(void **state)
{
	static const char *const bad[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
		"\xe2\x80\xad", "\xe2\x80\xae",	/* U+202A..U+202E */
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
		"\xe2\x81\xa9",			/* U+2066..U+2069 */
		"\xe2\x80\xa8", "\xe2\x80\xa9",	/* U+2028, U+2029 */
	};
	char line[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, "info web%s10", bad[i]);
		expect_refused(line, strlen(line), "is not allowed");
	}
	expect_refused("reboot \xe2\x80\xae" "10bew", 15, "U+202E at byte 8");
	/* Other format characters are text (an admin's names may hold
	 * them); only the reordering ones are refused. */
	expect_words("x \xe2\x80\x8b", 2, "x", "\xe2\x80\x8b");
}

/* Every word of a parse is valid, control-free UTF-8 and no longer than
 * the input: checked for every byte and every byte pair after "x ". */
static void
check_invariants(const char *line, size_t len)
{
	struct shell_args a;
	struct xdom_err err = { 0 };
	size_t total = 0;
	int i, rc;

	rc = shell_parse(&a, line, len, &err);
	if (rc != 0) {
		assert_int_equal(rc, XDOM_EINVAL);
		assert_int_equal(a.argc, 0);
		assert_true(err.msg[0] != '\0');
		return;
	}
	assert_true(a.argc <= SHELL_ARGS_MAX);
	for (i = 0; i < a.argc; i++) {
		const unsigned char *w = (const unsigned char *)a.argv[i];
		size_t k = 0, wl = strlen(a.argv[i]), n;

		while (k < wl) {
			uint32_t cp;

			n = xdom_utf8_decode(w + k, wl - k, &cp);
			assert_true(n > 0);
			assert_true(xdom_utf8_printable(cp));
			k += n;
		}
		total += wl;
	}
	assert_true(total <= len);
}

static void
test_exhaustive_pairs(void **state)
{
	char line[4] = { 'x', ' ', 0, 0 };
	int a, b, refused = 0;
	struct shell_args args;
	struct xdom_err err = { 0 };

	(void)state;
	for (a = 0; a < 256; a++) {
		line[2] = (char)a;
		check_invariants(line, 3);
		for (b = 0; b < 256; b++) {
			line[3] = (char)b;
			check_invariants(line, 4);
			refused += shell_parse(&args, line, 4, &err) != 0;
		}
	}
	/* Sanity: a good share is refused (controls, bad UTF-8, quotes),
	 * and plain printable pairs are not. */
	assert_true(refused > 30000);
	assert_true(refused < 65536 - 90 * 90);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_metacharacters_are_text),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_word_count),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bidi_and_separators),
		cmocka_unit_test(test_exhaustive_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
