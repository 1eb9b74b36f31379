/*
 * clock.c - monotonic and wall clock readings (see clock.h).
 */
#include "core/clock.h"

#include <time.h>

uint64_t
xdom_mono_ns(void)
{
	struct timespec ts;

	/* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t
xdom_mono_ms(void)
{
	return (int64_t)(xdom_mono_ns() / 1000000u);
}

int64_t
xdom_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t
xdom_wall_ms(void)
{
	return xdom_wall_ns() / 1000000;
}
