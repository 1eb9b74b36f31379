/*
 * test_clock.c - the monotonic clock never goes back, its ms and ns
 * readings agree, it measures a sleep, and the wall clock is near time().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "core/clock.h"

static void
test_monotonic(void **state)
{
	uint64_t a, b;
	int64_t ms;
	int i;

	(void)state;
	a = xdom_mono_ns();
	for (i = 0; i < 100000; i++) {
		b = xdom_mono_ns();
		assert_true(b >= a);
		a = b;
	}
	ms = xdom_mono_ms();
	b = xdom_mono_ns();
	assert_true((uint64_t)ms * 1000000u <= b);
	assert_true(b / 1000000u - (uint64_t)ms < 1000);
}

static void
test_measures_a_sleep(void **state)
{
	struct timespec nap = { 0, 50 * 1000000L };
	uint64_t t0, t1;

	(void)state;
	t0 = xdom_mono_ns();
	while (nanosleep(&nap, &nap) != 0)
		;
	t1 = xdom_mono_ns();
	assert_true(t1 - t0 >= 50 * 1000000ull);
	assert_true(t1 - t0 < 10 * 1000000000ull);	/* loaded CI, still */
}

static void
test_wall(void **state)
{
	int64_t w = xdom_wall_ns() / 1000000000LL, t = (int64_t)time(NULL);

	(void)state;
	assert_true(w >= t - 2 && w <= t + 2);
	w = xdom_wall_ms() / 1000;
	assert_true(w >= t - 2 && w <= t + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_measures_a_sleep),
		cmocka_unit_test(test_wall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
