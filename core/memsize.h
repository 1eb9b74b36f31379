/*
 * memsize.h - memory sizes as people type them ("512", "2g", "768m") and
 * as xdom prints them back, for mem-set, mem-max and their messages.
 *
 * A size is a whole number with an optional unit suffix, k, m, g or t
 * (KiB, MiB, GiB, TiB; either case). Without a suffix the unit is MiB,
 * as with xl mem-set. Values are returned in KiB, the unit of
 * struct snap_dom and hv_set_resource().
 */
#ifndef XDOM_CORE_MEMSIZE_H
#define XDOM_CORE_MEMSIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define MEMSIZE_MAX_KB (UINT64_C(1) << 40)	/* 1 PiB: anything above is
						   a typo, not a guest */

/*
 * Parse s into *kib. XDOM_EINVAL with a one-line reason for an empty
 * string, a sign, garbage, an unknown suffix, a value above
 * MEMSIZE_MAX_KB or one that overflows. Zero is accepted; callers that
 * need a minimum check it.
 */
int memsize_parse(const char *s, uint64_t *kib, struct xdom_err *err);

/*
 * Write kib the short way back into buf: "8g" when it is whole GiB, "768m"
 * for whole MiB, else "1500k". buf of at least 24 bytes; returns buf.
 */
const char *memsize_format(uint64_t kib, char *buf, size_t len);

#endif
