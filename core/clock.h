/*
 * clock.h - the one monotonic clock of xdom: timeouts, rates, refresh
 * intervals and caches all measure with it, so they cannot jump when an
 * admin or NTP sets the wall clock. The wall clock is for timestamps a
 * person reads, never for a duration.
 */
#ifndef XDOM_CORE_CLOCK_H
#define XDOM_CORE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds (since boot, or some fixed point). */
uint64_t xdom_mono_ns(void);

/* The same clock in milliseconds. */
int64_t xdom_mono_ms(void);

/* CLOCK_REALTIME in nanoseconds, and milliseconds, since the epoch (the
 * sim's shared state, which several processes and reboots read, keeps
 * its times in wall milliseconds). */
int64_t xdom_wall_ns(void);
int64_t xdom_wall_ms(void);

#endif
