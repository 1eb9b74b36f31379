/*
 * proto_buf.c - the bounded buffer every xdomd message is built in and
 * read from (see proto.h, struct pbuf). Writes stop at the buffer's hard
 * limit; reads stop at its end: every call says which with its rc.
 */
#include "core/proto.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

void
pbuf_init(struct pbuf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void
pbuf_view(struct pbuf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof *b);
	/* The cast is safe: a view is never written (pbuf_reserve refuses). */
	b->d = (uint8_t *)(uintptr_t)data;
	b->len = len;
	b->cap = len;
	b->max = len;
	b->view = true;
}

void
pbuf_dispose(struct pbuf *b)
{
	if (!b->view)
		free(b->d);
	b->d = NULL;
	b->len = b->off = b->cap = 0;
	b->view = false;
}

void
pbuf_reset(struct pbuf *b)
{
	if (b->view)
		return;
	b->len = b->off = 0;
	b->framing = false;
}

size_t
pbuf_avail(const struct pbuf *b)
{
	return b->len - b->off;
}

const uint8_t *
pbuf_ptr(const struct pbuf *b)
{
	return b->d + b->off;
}

/* Room for n more bytes, or XDOM_ENOMEM at the hard limit. */
static int
pbuf_reserve(struct pbuf *b, size_t n, uint8_t **p)
{
	size_t want, ncap;

	if (b->view || n > b->max || b->len > b->max - n)
		return XDOM_ENOMEM;
	want = b->len + n;
	if (want > b->cap) {
		ncap = b->cap != 0 ? b->cap : 256;
		while (ncap < want)
			ncap = ncap > b->max / 2 ? b->max : ncap * 2;
		b->d = xreallocarray(b->d, ncap, 1);
		b->cap = ncap;
	}
	*p = b->d + b->len;
	b->len = want;
	return 0;
}

int
pbuf_put_bytes(struct pbuf *b, const void *src, size_t n)
{
	uint8_t *p;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = pbuf_reserve(b, n, &p)) != 0)
		return rc;
	memcpy(p, src, n);
	return 0;
}

static int
pbuf_put_be(struct pbuf *b, uint64_t v, unsigned n)
{
	uint8_t tmp[8];
	unsigned i;

	for (i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return pbuf_put_bytes(b, tmp, n);
}

int
pbuf_put_u8(struct pbuf *b, uint8_t v)
{
	return pbuf_put_be(b, v, 1);
}

int
pbuf_put_u16(struct pbuf *b, uint16_t v)
{
	return pbuf_put_be(b, v, 2);
}

int
pbuf_put_u32(struct pbuf *b, uint32_t v)
{
	return pbuf_put_be(b, v, 4);
}

int
pbuf_put_u64(struct pbuf *b, uint64_t v)
{
	return pbuf_put_be(b, v, 8);
}

int
pbuf_put_str(struct pbuf *b, const char *s)
{
	size_t n = strlen(s);
	int rc;

	if (n > UINT16_MAX)
		return XDOM_EINVAL;
	if ((rc = pbuf_put_u16(b, (uint16_t)n)) != 0)
		return rc;
	return pbuf_put_bytes(b, s, n);
}

static int
pbuf_get_be(struct pbuf *b, uint64_t *v, unsigned n)
{
	unsigned i;

	if (pbuf_avail(b) < n)
		return XDOM_EPROTO;
	*v = 0;
	for (i = 0; i < n; i++)
		*v = (*v << 8) | b->d[b->off + i];
	b->off += n;
	return 0;
}

int
pbuf_get_u8(struct pbuf *b, uint8_t *v)
{
	uint64_t x;
	int rc = pbuf_get_be(b, &x, 1);

	if (rc == 0)
		*v = (uint8_t)x;
	return rc;
}

int
pbuf_get_u16(struct pbuf *b, uint16_t *v)
{
	uint64_t x;
	int rc = pbuf_get_be(b, &x, 2);

	if (rc == 0)
		*v = (uint16_t)x;
	return rc;
}

int
pbuf_get_u32(struct pbuf *b, uint32_t *v)
{
	uint64_t x;
	int rc = pbuf_get_be(b, &x, 4);

	if (rc == 0)
		*v = (uint32_t)x;
	return rc;
}

int
pbuf_get_u64(struct pbuf *b, uint64_t *v)
{
	return pbuf_get_be(b, v, 8);
}

int
pbuf_get_bool(struct pbuf *b, bool *v)
{
	if (pbuf_avail(b) < 1 || b->d[b->off] > 1)
		return XDOM_EPROTO;
	*v = b->d[b->off++] == 1;
	return 0;
}

int
pbuf_get_str(struct pbuf *b, char *dst, size_t size)
{
	uint16_t n;
	int rc;

	if ((rc = pbuf_get_u16(b, &n)) != 0)
		return rc;
	if (size == 0 || n > size - 1 || n > pbuf_avail(b))
		return XDOM_EPROTO;
	if (memchr(b->d + b->off, '\0', n) != NULL)
		return XDOM_EPROTO;
	memcpy(dst, b->d + b->off, n);
	dst[n] = '\0';
	b->off += n;
	return 0;
}

int
pbuf_get_end(const struct pbuf *b)
{
	return pbuf_avail(b) == 0 ? 0 : XDOM_EPROTO;
}
