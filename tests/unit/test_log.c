/*
 * test_log.c - logging helpers (core/log.c): levels, prefixes, one line
 * per message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/log.h"

static char out[4096];

/* Run the logging done by fn with stderr sent to a temporary file. */
static void
capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof out - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void
emit_levels(void)
{
	log_open("xdomd", XLOG_STDERR, LOG_DAEMON);
	log_set_level(XLOG_WARN);
	log_err("bad %d", 1);
	log_warn("odd");
	log_info("hidden");
	log_debug("hidden too");
	log_set_level(XLOG_DEBUG);
	log_info("shown");
	log_debug("trace");
	log_msg(XLOG_ERR, "name %s", "we\nb\x1b[1m");
	log_set_level(XLOG_INFO);
}

static void
test_levels(void **state)
{
	(void)state;
	capture(emit_levels);
	assert_string_equal(out,
	    "xdomd: bad 1\n"
	    "xdomd: warning: odd\n"
	    "xdomd: shown\n"
	    "xdomd: debug: trace\n"
	    "xdomd: name we?b?[1m\n");
}

static void
emit_long(void)
{
	char big[XLOG_MSG_MAX * 2];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_err("%s", big);
}

static void
test_long_is_cut(void **state)
{
	(void)state;
	capture(emit_long);
	assert_true(strlen(out) < XLOG_MSG_MAX + 16);
	assert_int_equal(strchr(out, '\n') - out, (ptrdiff_t)strlen(out) - 1);
}

static void
emit_stamped(void)
{
	log_set_timestamps(true);
	log_info("x");
	log_set_timestamps(false);
}

static void
test_timestamps(void **state)
{
	(void)state;
	capture(emit_stamped);
	/* 2026-11-23T10:00:00Z xdomd: x */
	assert_int_equal(out[4], '-');
	assert_int_equal(out[10], 'T');
	assert_non_null(strstr(out, "Z xdomd: x\n"));
}

static void
test_parse(void **state)
{
	enum log_level l;

	(void)state;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, XLOG_DEBUG);
	assert_int_equal(log_level_parse("warning", &l), 0);
	assert_int_equal(l, XLOG_WARN);
	assert_int_equal(log_level_parse("error", &l), 0);
	assert_int_equal(l, XLOG_ERR);
	assert_int_equal(log_level_parse("loud", &l), XDOM_EINVAL);
	log_set_level(XLOG_ERR);
	assert_true(log_enabled(XLOG_ERR));
	assert_false(log_enabled(XLOG_INFO));
	log_set_level((enum log_level)99);	/* ignored */
	assert_int_equal(log_get_level(), XLOG_ERR);
	log_set_level(XLOG_INFO);
	log_close();
	log_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_long_is_cut),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
