/*
 * mwire.c - the messages between a front and the monitor (xdomd.h).
 *
 * The front is the part of xdomd that reads a client's bytes, so the
 * monitor treats whatever it sends as hostile: every message is framed
 * with a hard size limit, every type has its own layout, and decoding
 * leaves nothing unread. A request travels as the front re-encoded it
 * (proto_req_encode) and is decoded again here with proto_req_decode;
 * what the front decoded is never taken on trust.
 */
#include "helper/xdomd.h"

#include <string.h>

int
mw_header(const uint8_t hdr[PROTO_HDR_LEN], size_t max, uint16_t *type,
    uint32_t *len, uint32_t *conn, struct xdom_err *err)
{
	struct pbuf b;
	uint16_t ver;

	pbuf_view(&b, hdr, PROTO_HDR_LEN);
	if (pbuf_get_u32(&b, len) != 0 || pbuf_get_u16(&b, &ver) != 0 ||
	    pbuf_get_u16(&b, type) != 0 || pbuf_get_u32(&b, conn) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "short header");
	if (ver != PROTO_VERSION)
		return xdom_err_set(err, XDOM_EPROTO, "monitor message: "
		    "version %u", (unsigned)ver);
	switch (*type) {	/* the set of types is the check */
	case MW_REQ: case MW_GONE: case MW_NOTE: case MW_CIN:
	case MW_FRAME: case MW_COUT:
		break;
	default:
		return xdom_err_set(err, XDOM_EPROTO, "monitor message: type "
		    "%#x", (unsigned)*type);
	}
	if (max < PROTO_HDR_LEN || *len > max - PROTO_HDR_LEN)
		return xdom_err_set(err, XDOM_EPROTO, "monitor message: "
		    "%lu bytes is over the limit", (unsigned long)*len);
	return 0;
}

/* A request frame inside MW_REQ: a header of a request type, its
 * payload exactly, decoded strictly. */
static int
mw_decode_req(const uint8_t *p, size_t n, struct mw_msg *m,
    struct xdom_err *err)
{
	uint16_t type;
	uint32_t len, id;
	int rc;

	if (n < PROTO_HDR_LEN)
		return xdom_err_set(err, XDOM_EPROTO, "short request");
	if ((rc = proto_header_parse(p, PROTO_REQ_MAX, &type, &len, &id,
	    err)) != 0)
		return XDOM_EPROTO;
	if (proto_req_desc(type) == NULL || len != n - PROTO_HDR_LEN)
		return xdom_err_set(err, XDOM_EPROTO, "bad request frame");
	rc = proto_req_decode(type, p + PROTO_HDR_LEN, len, &m->req, err);
	if (rc != 0)	/* the front forwards only what decodes */
		return xdom_err_set(err, XDOM_EPROTO, "request does not "
		    "decode: %s", err->msg);
	m->req.id = id;
	return 0;
}

static int
mw_decode_note(struct pbuf *b, struct mw_msg *m, struct xdom_err *err)
{
	uint32_t code;

	if (pbuf_get_u16(b, &m->note_type) != 0 ||
	    pbuf_get_u32(b, &code) != 0 ||
	    pbuf_get_str(b, m->note_name, sizeof m->note_name) != 0 ||
	    pbuf_get_str(b, m->note_reason, sizeof m->note_reason) != 0 ||
	    pbuf_get_str(b, m->note_msg, sizeof m->note_msg) != 0 ||
	    pbuf_get_end(b) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "malformed note");
	m->note_code = (int)(int32_t)code;
	/* A refusal of some request: a code of ours, a type of a request
	 * (or 0: about the connection). */
	if (m->note_code >= 0 || m->note_code < -100 ||
	    (m->note_type != 0 && m->note_type != MW_NOTE_TIMEOUT &&
	    m->note_type != MW_NOTE_TRUNCATED &&
	    proto_req_desc(m->note_type) == NULL))
		return xdom_err_set(err, XDOM_EPROTO, "malformed note");
	return 0;
}

int
mw_decode(const uint8_t *msg, size_t len, struct mw_msg *m,
    struct xdom_err *err)
{
	struct pbuf b;
	uint32_t plen;
	int rc;

	memset(m, 0, sizeof *m);
	if (len < PROTO_HDR_LEN)
		return xdom_err_set(err, XDOM_EPROTO, "short message");
	if ((rc = mw_header(msg, MW_IN_MAX, &m->type, &plen, &m->conn,
	    err)) != 0)
		return rc;
	if (plen != len - PROTO_HDR_LEN)
		return xdom_err_set(err, XDOM_EPROTO, "message length");
	pbuf_view(&b, msg + PROTO_HDR_LEN, plen);
	switch (m->type) {	/* one layout per type */
	case MW_REQ:
		return mw_decode_req(msg + PROTO_HDR_LEN, plen, m, err);
	case MW_GONE:
		return plen == 0 ? 0 : xdom_err_set(err, XDOM_EPROTO,
		    "malformed gone");
	case MW_NOTE:
		return mw_decode_note(&b, m, err);
	case MW_CIN:
		if (plen == 0 || plen > MW_CONS_MAX)
			return xdom_err_set(err, XDOM_EPROTO, "malformed "
			    "console input");
		m->data = msg + PROTO_HDR_LEN;
		m->data_len = plen;
		return 0;
	default:	/* the monitor's own types never come from a front */
		return xdom_err_set(err, XDOM_EPROTO, "message type %#x from "
		    "a front", (unsigned)m->type);
	}
}

static int
mw_begin(struct pbuf *b, uint16_t type, uint32_t conn, size_t *at)
{
	*at = b->len;
	if (pbuf_put_u32(b, 0) != 0 || pbuf_put_u16(b, PROTO_VERSION) != 0 ||
	    pbuf_put_u16(b, type) != 0 || pbuf_put_u32(b, conn) != 0)
		return XDOM_ENOMEM;
	return 0;
}

static void
mw_end(struct pbuf *b, size_t at)
{
	uint32_t n = (uint32_t)(b->len - at - PROTO_HDR_LEN);

	b->d[at] = (uint8_t)(n >> 24);
	b->d[at + 1] = (uint8_t)(n >> 16);
	b->d[at + 2] = (uint8_t)(n >> 8);
	b->d[at + 3] = (uint8_t)n;
}

/* Take back a message that did not fit. */
static int
mw_undo(struct pbuf *b, size_t at)
{
	b->len = at;
	return XDOM_ENOMEM;
}

int
mw_put(struct pbuf *b, uint16_t type, uint32_t conn, const void *p, size_t n)
{
	size_t at;

	if (mw_begin(b, type, conn, &at) != 0 ||
	    (n > 0 && pbuf_put_bytes(b, p, n) != 0))
		return mw_undo(b, at);
	mw_end(b, at);
	return 0;
}

int
mw_put_frame(struct pbuf *b, uint32_t conn, unsigned flags,
    const void *frame, size_t n)
{
	size_t at;

	if (mw_begin(b, MW_FRAME, conn, &at) != 0 ||
	    pbuf_put_u8(b, (uint8_t)flags) != 0 ||
	    (n > 0 && pbuf_put_bytes(b, frame, n) != 0))
		return mw_undo(b, at);
	mw_end(b, at);
	return 0;
}

int
mw_put_req(struct pbuf *b, uint32_t conn, const struct proto_req *r,
    struct xdom_err *err)
{
	size_t at;
	int rc;

	if (mw_begin(b, MW_REQ, conn, &at) != 0)
		return mw_undo(b, at);
	if ((rc = proto_req_encode(b, r, err)) != 0) {
		b->len = at;
		return rc;
	}
	mw_end(b, at);
	return 0;
}

int
mw_put_note(struct pbuf *b, uint32_t conn, uint16_t type, int code,
    const char *name, const char *reason, const char *msg)
{
	size_t at;

	if (mw_begin(b, MW_NOTE, conn, &at) != 0 ||
	    pbuf_put_u16(b, type) != 0 ||
	    pbuf_put_u32(b, (uint32_t)code) != 0 ||
	    pbuf_put_str(b, name != NULL ? name : "") != 0 ||
	    pbuf_put_str(b, reason != NULL ? reason : "") != 0 ||
	    pbuf_put_str(b, msg != NULL ? msg : "") != 0)
		return mw_undo(b, at);
	mw_end(b, at);
	return 0;
}
