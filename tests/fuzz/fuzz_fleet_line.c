/*
 * fuzz_fleet_line.c - libFuzzer target for the line framing of a remote
 * `xdom stats --stream` (hypervisor/remote/fleet_line.c): the bytes come
 * from another host over SSH, in chunks of any size.
 *
 * The input is a script: byte 0 sets the longest line (1..256, so the
 * limit is reached), then each step is a control byte (low 6 bits: chunk
 * length; 0x40: take the newest line after the push) and the chunk. The
 * framing is checked against a plain model of what it promises: the
 * newest complete non-empty line (a lone "\r" counts as empty, one
 * trailing "\r" is dropped), the count of older non-empty lines passed
 * over, and a refusal exactly when an unfinished line passes the limit.
 */
#include "hypervisor/remote/fleet_line.c"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The model: the bytes pushed since the last line taken. */
struct model {
	char *buf;
	size_t len;
};

static void
model_take(struct model *m, struct fleet_line *lb)
{
	const char *last_nl, *p, *start, *end, *best_s = NULL, *best_e = NULL;
	size_t skipped = 0, nonempty = 0, n_before = 0, len, got_skipped;
	char *line;
	bool got;

	got = fleet_line_last(lb, &line, &len, &got_skipped);
	last_nl = m->len > 0 ? memrchr(m->buf, '\n', m->len) : NULL;
	if (last_nl == NULL) {
		if (got)
			abort();
		return;
	}
	/* every complete line, oldest first */
	for (p = m->buf; p <= last_nl; p = end + 1) {
		start = p;
		end = memchr(p, '\n', (size_t)(last_nl - p) + 1);
		if (end > start && !(end - start == 1 && *start == '\r')) {
			best_s = start;
			best_e = end;
			n_before = nonempty;
		}
		if (end > start)
			nonempty++;
	}
	skipped = n_before;
	if (best_s == NULL) {
		if (got)
			abort();
	} else {
		if (best_e > best_s && best_e[-1] == '\r')
			best_e--;
		if (!got || len != (size_t)(best_e - best_s) ||
		    line[len] != '\0' || memcmp(line, best_s, len) != 0 ||
		    got_skipped != skipped)
			abort();
	}
	/* consumed up to the last newline, whatever was chosen */
	m->len -= (size_t)(last_nl - m->buf) + 1;
	memmove(m->buf, last_nl + 1, m->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_line lb;
	struct model m = { NULL, 0 };
	size_t i = 1, n, max, partial;
	const char *nl;
	int rc;

	if (size == 0)
		return 0;
	max = (size_t)data[0] + 1;
	fleet_line_init(&lb, max);
	m.buf = xmalloc(size + 1);
	while (i < size) {
		uint8_t c = data[i++];

		n = c & 0x3f;
		if (n > size - i)
			n = size - i;
		/* the unfinished line after this chunk, per the model */
		memcpy(m.buf + m.len, data + i, n);
		nl = memrchr(m.buf, '\n', m.len + n);
		partial = nl != NULL ? m.len + n - (size_t)(nl - m.buf) - 1 :
		    m.len + n;
		rc = fleet_line_push(&lb, data + i, n);
		if (n > 0 && partial > max) {
			if (rc != XDOM_ENOMEM)
				abort();
		} else {
			if (rc != 0)
				abort();
			m.len += n;
		}
		i += n;
		if (c & 0x40)
			model_take(&m, &lb);
	}
	model_take(&m, &lb);
	free(m.buf);
	fleet_line_dispose(&lb);
	return 0;
}
