/*
 * fleet_line.c - line framing of a remote `xdom stats --stream` (see
 * fleet.h). Only the newest complete line matters; a partial line is kept
 * until its end arrives, up to a hard maximum.
 */
#include "hypervisor/remote/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

void
fleet_line_init(struct fleet_line *lb, size_t max)
{
	memset(lb, 0, sizeof *lb);
	lb->max = max != 0 ? max : FLEET_LINE_MAX;
}

void
fleet_line_dispose(struct fleet_line *lb)
{
	size_t max;

	if (lb == NULL)
		return;
	max = lb->max;
	free(lb->buf);
	fleet_line_init(lb, max);
}

/* Drop the bytes up to the end of the line last handed out. */
static void
fleet_line_compact(struct fleet_line *lb)
{
	if (lb->taken == 0)
		return;
	memmove(lb->buf, lb->buf + lb->taken, lb->len - lb->taken);
	lb->len -= lb->taken;
	lb->taken = 0;
}

int
fleet_line_push(struct fleet_line *lb, const void *data, size_t n)
{
	const char *nl;
	size_t partial, need;

	fleet_line_compact(lb);
	if (n == 0)
		return 0;
	/* Bytes after the last newline (old and new) form the unfinished
	 * line; refuse it once it passes the maximum. */
	nl = memrchr(data, '\n', n);
	if (nl != NULL)
		partial = n - (size_t)(nl - (const char *)data) - 1;
	else {
		const char *old = lb->len > 0 ? memrchr(lb->buf, '\n',
		    lb->len) : NULL;

		partial = n + (old != NULL ?
		    lb->len - (size_t)(old - lb->buf) - 1 : lb->len);
	}
	if (partial > lb->max)
		return XDOM_ENOMEM;
	need = lb->len + n + 1;
	if (need > lb->cap) {
		size_t cap = lb->cap != 0 ? lb->cap : 4096;

		while (cap < need)
			cap *= 2;
		lb->buf = xreallocarray(lb->buf, cap, 1);
		lb->cap = cap;
	}
	memcpy(lb->buf + lb->len, data, n);
	lb->len += n;
	return 0;
}

bool
fleet_line_last(struct fleet_line *lb, char **line, size_t *len,
    size_t *skipped)
{
	char *end, *start, *p;
	size_t count = 0;

	*skipped = 0;
	fleet_line_compact(lb);
	/* Walk back over trailing empty lines to the last non-empty one. */
	end = lb->len > 0 ? memrchr(lb->buf, '\n', lb->len) : NULL;
	if (end == NULL)
		return false;
	lb->taken = (size_t)(end - lb->buf) + 1;
	for (;;) {
		p = end > lb->buf ? memrchr(lb->buf, '\n',
		    (size_t)(end - lb->buf)) : NULL;
		start = p != NULL ? p + 1 : lb->buf;
		if (end > start && !(end - start == 1 && *start == '\r'))
			break;
		if (p == NULL)
			return false;	/* only empty lines: consumed */
		end = p;
	}
	/* Count the complete non-empty lines before the chosen one. */
	for (p = lb->buf; p < start; ) {
		char *q = memchr(p, '\n', (size_t)(start - p));

		if (q == NULL)
			break;
		if (q > p)
			count++;
		p = q + 1;
	}
	if (end > start && end[-1] == '\r')
		end--;
	*end = '\0';
	*line = start;
	*len = (size_t)(end - start);
	*skipped = count;
	return true;
}
