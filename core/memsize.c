/*
 * memsize.c - parse and print memory sizes (see memsize.h).
 */
#include "core/memsize.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/escape.h"

/* Suffix letters and their size in KiB; "" is the default, MiB. */
static const struct {
	char letter;
	uint64_t kib;
} memsize_units[] = {
	{ 'k', 1 },
	{ 'm', UINT64_C(1) << 10 },
	{ 'g', UINT64_C(1) << 20 },
	{ 't', UINT64_C(1) << 30 },
};

#define MEMSIZE_NUNITS (sizeof memsize_units / sizeof memsize_units[0])

static int
memsize_bad(struct xdom_err *err, const char *s, const char *why)
{
	char shown[48];

	if (xdom_escape(shown, sizeof shown, s) >= sizeof shown)
		snprintf(shown + sizeof shown - 4, 4, "...");
	return xdom_err_set(err, XDOM_EINVAL, "size '%s': %s", shown, why);
}

int
memsize_parse(const char *s, uint64_t *kib, struct xdom_err *err)
{
	uint64_t v = 0, unit = UINT64_C(1) << 10;
	const char *p = s;
	size_t i;

	if (s == NULL || *s == '\0')
		return memsize_bad(err, "", "empty; give a size such as 512m "
		    "or 2g");
	if (*p < '0' || *p > '9')
		return memsize_bad(err, s, "expected a whole number with an "
		    "optional k, m, g or t (MiB when none)");
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return memsize_bad(err, s, "too large");
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0') {
		char c = (char)(*p | 0x20);	/* ASCII lower case */

		for (i = 0; i < MEMSIZE_NUNITS; i++)
			if (c == memsize_units[i].letter)
				break;
		if (i == MEMSIZE_NUNITS || p[1] != '\0')
			return memsize_bad(err, s, "unknown unit; use k, m, "
			    "g or t (MiB when none)");
		unit = memsize_units[i].kib;
	}
	if (v > MEMSIZE_MAX_KB / unit)
		return memsize_bad(err, s, "too large");
	*kib = v * unit;
	return 0;
}

const char *
memsize_format(uint64_t kib, char *buf, size_t len)
{
	size_t i;

	for (i = MEMSIZE_NUNITS; i-- > 1;) {
		uint64_t u = memsize_units[i].kib;

		if (kib != 0 && kib % u == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", kib / u,
			    memsize_units[i].letter);
			return buf;
		}
	}
	if (kib == 0)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%" PRIu64 "k", kib);
	return buf;
}
