/*
 * test_proto.c - the xdomd wire protocol: bounded buffer, framing, every
 * message's round trip, and every way a message can be malformed. Long
 * because it holds one case per request type and per malformation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/domain.h"
#include "core/memsize.h"
#include "core/policy.h"
#include "core/proto.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "hypervisor/hv.h"

/* Split a framed buffer: check the header and return the payload. */
static const uint8_t *
frame_payload(const struct pbuf *b, uint16_t want_type, uint32_t *len)
{
	struct xdom_err err = {0};
	uint16_t type;

	assert_true(b->len >= PROTO_HDR_LEN);
	assert_int_equal(proto_header_parse(b->d, PROTO_MAX_MSG, &type, len,
	    NULL, &err), 0);
	assert_int_equal(type, want_type);
	assert_int_equal(*len, b->len - PROTO_HDR_LEN);
	return b->d + PROTO_HDR_LEN;
}

static void
test_pbuf_bounds(void **state)
{
	struct pbuf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	char s[8];
	bool bo;

	(void)state;
	pbuf_init(&b, 16);
	assert_int_equal(pbuf_put_u64(&b, 0x0102030405060708ull), 0);
	assert_int_equal(pbuf_put_u32(&b, 0xa1b2c3d4u), 0);
	assert_int_equal(pbuf_put_u16(&b, 0xbeef), 0);
	assert_int_equal(pbuf_put_u8(&b, 1), 0);
	assert_int_equal(pbuf_put_u8(&b, 7), 0);
	/* Full at 16: the next byte is refused, nothing is written. */
	assert_int_equal(pbuf_put_u8(&b, 9), XDOM_ENOMEM);
	assert_int_equal(pbuf_put_u64(&b, 1), XDOM_ENOMEM);
	assert_int_equal(b.len, 16);
	/* Big-endian on the wire. */
	assert_int_equal(b.d[0], 1);
	assert_int_equal(b.d[7], 8);
	assert_int_equal(pbuf_get_u64(&b, &u64), 0);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(pbuf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0xa1b2c3d4u);
	assert_int_equal(pbuf_get_u16(&b, &u16), 0);
	assert_int_equal(u16, 0xbeef);
	assert_int_equal(pbuf_get_bool(&b, &bo), 0);
	assert_true(bo);
	/* 7 is not a bool. */
	assert_int_equal(pbuf_get_bool(&b, &bo), XDOM_EPROTO);
	assert_int_equal(pbuf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 7);
	assert_int_equal(pbuf_get_end(&b), 0);
	/* Reading past the end fails and does not move. */
	assert_int_equal(pbuf_get_u8(&b, &u8), XDOM_EPROTO);
	assert_int_equal(pbuf_get_str(&b, s, sizeof s), XDOM_EPROTO);
	pbuf_dispose(&b);
	pbuf_dispose(&b);	/* twice is fine */
}

static void
test_pbuf_strings(void **state)
{
	static const uint8_t nul[] = {0, 3, 'a', 0, 'b'};
	static const uint8_t longer[] = {0, 9, 'a', 'b'};
	struct pbuf b;
	char s[4];

	(void)state;
	pbuf_init(&b, 1024);
	assert_int_equal(pbuf_put_str(&b, "abc"), 0);
	assert_int_equal(pbuf_put_str(&b, "abcd"), 0);
	assert_int_equal(pbuf_get_str(&b, s, sizeof s), 0);
	assert_string_equal(s, "abc");
	/* "abcd" does not fit in 4 bytes with its NUL. */
	assert_int_equal(pbuf_get_str(&b, s, sizeof s), XDOM_EPROTO);
	pbuf_dispose(&b);

	pbuf_view(&b, nul, sizeof nul);
	assert_int_equal(pbuf_get_str(&b, s, sizeof s), XDOM_EPROTO);
	pbuf_view(&b, longer, sizeof longer);
	assert_int_equal(pbuf_get_str(&b, s, sizeof s), XDOM_EPROTO);
	/* Views are read-only. */
	assert_int_equal(pbuf_put_u8(&b, 1), XDOM_ENOMEM);
	pbuf_dispose(&b);
}

static void
test_header(void **state)
{
	struct xdom_err err = {0};
	uint8_t h[PROTO_HDR_LEN] = {0, 0, 0, 10, 0, PROTO_VERSION, 0,
	    PROTO_T_WHOAMI, 0xde, 0xad, 0xbe, 0xef};
	uint16_t type;
	uint32_t len, id = 0;

	(void)state;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    &id, &err), 0);
	assert_int_equal(type, PROTO_T_WHOAMI);
	assert_int_equal(len, 10);
	assert_int_equal(id, 0xdeadbeef);
	proto_header_stamp(h, 7);
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    &id, &err), 0);
	assert_int_equal(id, 7);
	assert_int_equal(len, 10);
	/* Oversized for a request. */
	h[2] = 0x10;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), XDOM_ENOMEM);
	/* A huge length is refused even by a client. */
	h[0] = 0xff;
	h[7] = PROTO_T_ERROR & 0xff;
	h[6] = PROTO_T_ERROR >> 8;
	assert_int_equal(proto_header_parse(h, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), XDOM_ENOMEM);
	/* Wrong version (the previous one, 1, had no id); the id is still
	 * reported. */
	memcpy(h, (uint8_t[]){0, 0, 0, 0, 0, 9, 0, 1, 0, 0, 0, 3}, 12);
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    &id, &err), XDOM_EPROTO);
	assert_int_equal(id, 3);
	h[5] = 1;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "version"));
	/* Unknown types. */
	memcpy(h, (uint8_t[]){0, 0, 0, 0, 0, PROTO_VERSION, 0, 0}, 8);
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), XDOM_EPROTO);
	h[7] = PROTO_T__REQ_END;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), XDOM_EPROTO);
	h[6] = 0x80;
	h[7] = 0x77;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), XDOM_EPROTO);
	/* A reply type is known. */
	h[7] = PROTO_T_LIST;
	assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type, &len,
	    NULL, &err), 0);
	assert_int_equal(type, PROTO_T_LIST | PROTO_T_REPLY);
}

static void
test_req_roundtrip(void **state)
{
	struct xdom_err err = {0};
	struct proto_req r = {0}, d;
	struct pbuf b;
	const uint8_t *pl;
	uint32_t len;
	uint16_t t;

	(void)state;
	for (t = 1; t < PROTO_T__REQ_END; t++) {
		const struct proto_req_desc *rd = proto_req_desc(t);

		assert_non_null(rd);
		memset(&r, 0, sizeof r);
		r.type = t;
		if (rd->needs_name)
			strcpy(r.name, "web01");
		strcpy(r.reason, "ticket 4711 \"x\"");
		if (t == PROTO_T_REIMAGE)
			r.arg = PROTO_REIMAGE_SHUTDOWN_FIRST;
		if (t == PROTO_T_STATS)
			r.arg = HV_SNAP_ALL;
		if (t == PROTO_T_SYSRQ)
			r.arg = 's';
		r.id = 1000u + t;
		if (t == PROTO_T_VCPUS)
			r.arg = 4;
		if (t == PROTO_T_MEM || t == PROTO_T_MAXMEM)
			r.value = UINT64_C(3) << 30;	/* 3 TiB, in KiB */
		if (t == PROTO_T_ATTACH) {
			r.arg = PROTO_ATTACH_RW;
			strcpy(r.image, "data-1.img");
		}
		if (t == PROTO_T_ATTACH || t == PROTO_T_DETACH)
			strcpy(r.vdev, "xvdab");
		pbuf_init(&b, PROTO_MAX_MSG);
		assert_int_equal(proto_req_encode(&b, &r, &err), 0);
		pl = frame_payload(&b, t, &len);
		/* The id travels in the header, big-endian. */
		assert_int_equal(b.d[10], (1000u + t) >> 8);
		assert_int_equal(b.d[11], (1000u + t) & 0xff);
		assert_true(len <= rd->max_len);
		assert_int_equal(proto_req_decode(t, pl, len, &d, &err), 0);
		assert_int_equal(d.type, t);
		assert_string_equal(d.name, r.name);
		assert_string_equal(d.reason, r.reason);
		assert_int_equal(d.arg, r.arg);
		assert_true(d.value == r.value);
		assert_string_equal(d.vdev, r.vdev);
		assert_string_equal(d.image, r.image);
		/* Every truncation of the payload is refused. */
		while (len-- > 0)
			assert_int_not_equal(proto_req_decode(t, pl, len, &d,
			    &err), 0);
		pbuf_dispose(&b);
	}
	/* Action types map to hv actions and back. */
	assert_int_equal(proto_action_type(HV_ACT_REBOOT), PROTO_T_REBOOT);
	assert_int_equal(proto_type_action(PROTO_T_UNPAUSE), HV_ACT_UNPAUSE);
	assert_int_equal(proto_type_action(PROTO_T_CONSOLE), -1);
	assert_int_equal(proto_action_type(HV_ACT__COUNT), 0);
}

/* Build a raw request payload. */
static size_t
raw_req(uint8_t *out, const char *name, size_t name_len, const char *reason,
    uint32_t arg, const uint8_t *tail, size_t tail_len)
{
	size_t n = 0, rl = strlen(reason);

	out[n++] = (uint8_t)(name_len >> 8);
	out[n++] = (uint8_t)name_len;
	memcpy(out + n, name, name_len);
	n += name_len;
	out[n++] = (uint8_t)(rl >> 8);
	out[n++] = (uint8_t)rl;
	memcpy(out + n, reason, rl);
	n += rl;
	out[n++] = (uint8_t)(arg >> 24);
	out[n++] = (uint8_t)(arg >> 16);
	out[n++] = (uint8_t)(arg >> 8);
	out[n++] = (uint8_t)arg;
	if (tail_len > 0)
		memcpy(out + n, tail, tail_len);
	return n + tail_len;
}

static void
test_req_malformed(void **state)
{
	struct xdom_err err = {0};
	struct proto_req d, r = {0};
	uint8_t buf[1024], big[400];
	struct pbuf b;
	size_t n;

	(void)state;
	n = raw_req(buf, "web01", 5, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    0);
	/* Trailing byte. */
	n = raw_req(buf, "web01", 5, "", 0, (const uint8_t *)"x", 1);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EPROTO);
	/* Name with a NUL inside. */
	n = raw_req(buf, "web\0x", 5, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EPROTO);
	/* Names that fail validation: a user error, not a protocol one. */
	n = raw_req(buf, "../etc", 6, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EINVAL);
	n = raw_req(buf, "-rf", 3, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_BOOT, buf, n, &d, &err),
	    XDOM_EINVAL);
	n = raw_req(buf, "", 0, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EINVAL);
	n = raw_req(buf, "a\x1b[2J", 5, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_CONSOLE, buf, n, &d, &err),
	    XDOM_EINVAL);
	/* Name too long for the field. */
	memset(big, 'a', sizeof big);
	n = raw_req(buf, (const char *)big, XDOM_NAME_MAX + 1, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EPROTO);
	/* Reason too long. */
	big[PROTO_REASON_MAX + 1] = '\0';
	n = raw_req(buf, "web01", 5, (const char *)big, 0, NULL, 0);
	assert_int_not_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d,
	    &err), 0);
	/* Name where none belongs. */
	n = raw_req(buf, "web01", 5, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_WHOAMI, buf, n, &d, &err),
	    XDOM_EPROTO);
	/* Arguments where none belong, unknown flags. */
	n = raw_req(buf, "web01", 5, "", 1, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, &err),
	    XDOM_EPROTO);
	n = raw_req(buf, "web01", 5, "", 2, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_REIMAGE, buf, n, &d, &err),
	    XDOM_EPROTO);
	n = raw_req(buf, "", 0, "", 0x100, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_STATS, buf, n, &d, &err),
	    XDOM_EPROTO);
	/* Unknown type, oversized payload. */
	assert_int_equal(proto_req_decode(0, buf, n, &d, &err), XDOM_EPROTO);
	assert_int_equal(proto_req_decode(PROTO_T__REQ_END, buf, n, &d, &err),
	    XDOM_EPROTO);
	assert_int_equal(proto_req_decode(PROTO_T_LIST, buf,
	    PROTO_REQ_MAX + 1, &d, &err), XDOM_ENOMEM);
	/* The encoder refuses what the decoder would refuse. */
	r.type = PROTO_T_REBOOT;
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_req_encode(&b, &r, &err), XDOM_EINVAL);
	r.type = PROTO_T_WHOAMI;
	strcpy(r.name, "web01");
	assert_int_equal(proto_req_encode(&b, &r, &err), XDOM_EINVAL);
	r.type = 99;
	assert_int_equal(proto_req_encode(&b, &r, &err), XDOM_EINVAL);
	pbuf_dispose(&b);
}

/* Encode r and decode it again; the decoder's rc. */
static int
res_rt(const struct proto_req *r, struct proto_req *d)
{
	struct xdom_err err = {0};
	const uint8_t *pl;
	struct pbuf b;
	uint32_t len;
	int rc;

	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_req_encode(&b, r, &err), 0);
	pl = frame_payload(&b, r->type, &len);
	rc = proto_req_decode(r->type, pl, len, d, &err);
	pbuf_dispose(&b);
	return rc;
}

static void
test_req_resources(void **state)
{
	struct proto_req r, d;
	uint8_t buf[256];
	size_t n;

	(void)state;
	memset(&r, 0, sizeof r);
	strcpy(r.name, "web01");
	r.type = PROTO_T_VCPUS;
	r.arg = 2;
	assert_int_equal(res_rt(&r, &d), 0);
	assert_int_equal(d.arg, 2);
	r.arg = 0;			/* no vcpus at all */
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.arg = PROTO_VCPUS_MAX + 1;
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.arg = 2;
	r.value = 5;			/* a field vcpus does not take */
	assert_int_equal(res_rt(&r, &d), XDOM_EPROTO);
	memset(&r, 0, sizeof r);
	strcpy(r.name, "web01");
	r.type = PROTO_T_MEM;
	r.value = 524288;
	assert_int_equal(res_rt(&r, &d), 0);
	assert_true(d.value == 524288);
	r.value = 0;
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.type = PROTO_T_MAXMEM;
	r.value = MEMSIZE_MAX_KB + 1;
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.value = 1024;
	strcpy(r.vdev, "xvdb");		/* maxmem takes no device */
	assert_int_equal(res_rt(&r, &d), XDOM_EPROTO);
	memset(&r, 0, sizeof r);
	strcpy(r.name, "web01");
	r.type = PROTO_T_ATTACH;
	strcpy(r.vdev, "xvdc");
	strcpy(r.image, "data.img");
	assert_int_equal(res_rt(&r, &d), 0);
	assert_int_equal(d.arg, 0);
	assert_string_equal(d.image, "data.img");
	r.arg = 2;			/* unknown attach flag */
	assert_int_equal(res_rt(&r, &d), XDOM_EPROTO);
	r.arg = PROTO_ATTACH_RW;
	strcpy(r.vdev, "sda");
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	strcpy(r.vdev, "xvdc");
	strcpy(r.image, "..");		/* paths are never image names */
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	strcpy(r.image, "a/b");
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.image[0] = '\0';
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	r.type = PROTO_T_DETACH;
	r.arg = 0;
	assert_int_equal(res_rt(&r, &d), 0);
	assert_string_equal(d.vdev, "xvdc");
	r.vdev[0] = '\0';
	assert_int_equal(res_rt(&r, &d), XDOM_EINVAL);
	memset(&r, 0, sizeof r);
	strcpy(r.name, "web01");
	r.type = PROTO_T_SAVE;
	assert_int_equal(res_rt(&r, &d), 0);
	strcpy(r.image, "x");		/* the client never names a file */
	assert_int_equal(res_rt(&r, &d), XDOM_EPROTO);
	r.type = PROTO_T_RESTORE;
	assert_int_equal(res_rt(&r, &d), XDOM_EPROTO);
	/* The old layout (no resource fields) is refused for them. */
	n = raw_req(buf, "web01", 5, "", 0, NULL, 0);
	assert_int_equal(proto_req_decode(PROTO_T_SAVE, buf, n, &d, NULL),
	    XDOM_EPROTO);
	/* ... and resource fields after an ordinary request too. */
	n = raw_req(buf, "web01", 5, "", 0, (const uint8_t *)
	    "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(proto_req_decode(PROTO_T_REBOOT, buf, n, &d, NULL),
	    XDOM_EPROTO);
	assert_int_equal(proto_req_decode(PROTO_T_SAVE, buf, n, &d, NULL), 0);
}

static void
test_reply_check(void **state)
{
	struct xdom_err err = {0};

	(void)state;
	assert_int_equal(proto_reply_check(PROTO_T_REBOOT,
	    PROTO_T_REBOOT | PROTO_T_REPLY, &err), 0);
	assert_int_equal(proto_reply_check(PROTO_T_REBOOT, PROTO_T_ERROR,
	    &err), 0);
	assert_int_equal(proto_reply_check(PROTO_T_REIMAGE, PROTO_T_PROGRESS,
	    &err), 0);
	/* A long action is kept alive with progress; a read never is. */
	assert_int_equal(proto_reply_check(PROTO_T_REBOOT, PROTO_T_PROGRESS,
	    &err), 0);
	assert_true(proto_req_acts(PROTO_T_BOOT));
	assert_false(proto_req_acts(PROTO_T_INFO));
	assert_false(proto_req_acts(PROTO_T_WHOAMI));
	/* A reply to another request, progress to a read, a request
	 * echoed back: all mismatches. */
	assert_int_equal(proto_reply_check(PROTO_T_REBOOT,
	    PROTO_T_RESET | PROTO_T_REPLY, &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "mismatch"));
	assert_int_equal(proto_reply_check(PROTO_T_INFO, PROTO_T_PROGRESS,
	    &err), XDOM_EPROTO);
	assert_int_equal(proto_reply_check(PROTO_T_STATS, PROTO_T_PROGRESS,
	    &err), XDOM_EPROTO);
	assert_int_equal(proto_reply_check(PROTO_T_LIST, PROTO_T_LIST, &err),
	    XDOM_EPROTO);
}

static void
test_answer_ids(void **state)
{
	struct xdom_err err = {0};
	struct pbuf b;
	uint16_t type;
	uint32_t len, id;

	(void)state;
	/* The answer to request 5 is taken only with id 5. */
	assert_int_equal(proto_answer_check(PROTO_T_INFO, 5,
	    PROTO_T_INFO | PROTO_T_REPLY, 5, &err), 0);
	assert_int_equal(proto_answer_check(PROTO_T_INFO, 5,
	    PROTO_T_INFO | PROTO_T_REPLY, 4, &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "request 4"));
	assert_int_equal(proto_answer_check(PROTO_T_INFO, 5,
	    PROTO_T_INFO | PROTO_T_REPLY, 0, &err), XDOM_EPROTO);
	/* Errors: its own id, or 0 (about the connection); not another's. */
	assert_int_equal(proto_answer_check(PROTO_T_REBOOT, 5, PROTO_T_ERROR,
	    5, &err), 0);
	assert_int_equal(proto_answer_check(PROTO_T_REBOOT, 5, PROTO_T_ERROR,
	    0, &err), 0);
	assert_int_equal(proto_answer_check(PROTO_T_REBOOT, 5, PROTO_T_ERROR,
	    6, &err), XDOM_EPROTO);
	/* Progress for another re-image is not ours. */
	assert_int_equal(proto_answer_check(PROTO_T_REIMAGE, 9,
	    PROTO_T_PROGRESS, 9, &err), 0);
	assert_int_equal(proto_answer_check(PROTO_T_REIMAGE, 9,
	    PROTO_T_PROGRESS, 8, &err), XDOM_EPROTO);
	/* The right id with the wrong type is still a mismatch. */
	assert_int_equal(proto_answer_check(PROTO_T_REBOOT, 5,
	    PROTO_T_RESET | PROTO_T_REPLY, 5, &err), XDOM_EPROTO);

	/* Every frame begun in a buffer carries its frame id, kept across
	 * pbuf_reset. */
	pbuf_init(&b, PROTO_MAX_MSG);
	proto_frame_id_set(&b, 0x01020304);
	assert_int_equal(proto_error_encode(&b, XDOM_EPERM, "no"), 0);
	assert_int_equal(proto_header_parse(b.d, PROTO_MAX_MSG, &type, &len,
	    &id, &err), 0);
	assert_int_equal(id, 0x01020304);
	pbuf_reset(&b);
	assert_int_equal(proto_empty_encode(&b, PROTO_T_REBOOT), 0);
	assert_int_equal(proto_header_parse(b.d, PROTO_MAX_MSG, &type, &len,
	    &id, &err), 0);
	assert_int_equal(id, 0x01020304);
	pbuf_dispose(&b);
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_progress_encode(&b, 1, "x"), 0);
	assert_int_equal(proto_header_parse(b.d, PROTO_MAX_MSG, &type, &len,
	    &id, &err), 0);
	assert_int_equal(id, 0);
	pbuf_dispose(&b);
}

static void
test_error_progress(void **state)
{
	struct xdom_err err = {0}, got = {0};
	char stage[PROTO_STAGE_MAX + 1];
	const uint8_t *pl;
	unsigned pm;
	uint32_t len;
	struct pbuf b;
	uint8_t bad[64];

	(void)state;
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_error_encode(&b, XDOM_EPERM,
	    "web02: not allowed: reboot\n\x1b[31m"), 0);
	pl = frame_payload(&b, PROTO_T_ERROR, &len);
	assert_int_equal(proto_error_decode(pl, len, &got, &err), 0);
	assert_int_equal(got.code, XDOM_EPERM);
	assert_non_null(strstr(got.msg, "not allowed: reboot"));
	/* Control characters never survive into the message. */
	assert_null(strchr(got.msg, '\n'));
	assert_null(strchr(got.msg, '\x1b'));
	assert_int_not_equal(proto_error_decode(pl, len - 1, &got, &err), 0);
	/* Codes outside XDOM_E*. */
	memcpy(bad, (uint8_t[]){0, 0, 0, 5, 0, 0}, 6);
	assert_int_equal(proto_error_decode(bad, 6, &got, &err), XDOM_EPROTO);
	memcpy(bad, (uint8_t[]){0xff, 0xff, 0xff, 0x80, 0, 0}, 6);
	assert_int_equal(proto_error_decode(bad, 6, &got, &err), XDOM_EPROTO);
	pbuf_reset(&b);

	assert_int_equal(proto_progress_encode(&b, 1500, "writing image"), 0);
	pl = frame_payload(&b, PROTO_T_PROGRESS, &len);
	assert_int_equal(proto_progress_decode(pl, len, &pm, stage, &err), 0);
	assert_int_equal(pm, 1000);	/* clamped */
	assert_string_equal(stage, "writing image");
	memcpy(bad, (uint8_t[]){0x03, 0xe9, 0, 0}, 4);	/* 1001 */
	assert_int_equal(proto_progress_decode(bad, 4, &pm, stage, &err),
	    XDOM_EPROTO);
	pbuf_reset(&b);

	assert_int_equal(proto_empty_encode(&b, PROTO_T_REBOOT), 0);
	pl = frame_payload(&b, PROTO_T_REBOOT | PROTO_T_REPLY, &len);
	assert_int_equal(proto_empty_decode(pl, len, &err), 0);
	assert_int_equal(proto_empty_decode(bad, 1, &err), XDOM_EPROTO);
	pbuf_dispose(&b);
}

static void
test_whoami_list(void **state)
{
	struct xdom_err err = {0};
	struct proto_whoami w = {0}, w2;
	struct proto_guest g[2];
	struct proto_guest_list l;
	const uint8_t *pl;
	uint32_t len;
	struct pbuf b;

	(void)state;
	w.uid = 1001;
	w.gid = 1002;
	strcpy(w.user, "alice");
	strcpy(w.backend, "sim");
	w.simulated = true;
	w.n_groups = 2;
	strcpy(w.groups[0], "alice");
	strcpy(w.groups[1], "helpdesk");
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_whoami_encode(&b, &w), 0);
	pl = frame_payload(&b, PROTO_T_WHOAMI | PROTO_T_REPLY, &len);
	assert_int_equal(proto_whoami_decode(pl, len, &w2, &err), 0);
	assert_int_equal(w2.uid, 1001);
	assert_int_equal(w2.gid, 1002);
	assert_string_equal(w2.user, "alice");
	assert_string_equal(w2.groups[1], "helpdesk");
	assert_true(w2.simulated);
	assert_false(w2.compat);
	while (len-- > 0)
		assert_int_equal(proto_whoami_decode(pl, len, &w2, &err),
		    XDOM_EPROTO);
	pbuf_reset(&b);

	memset(g, 0, sizeof g);
	strcpy(g[0].name, "web01");
	g[0].running = true;
	g[0].id = 7;
	g[0].allowed = 0x5;
	strcpy(g[1].name, "db01");
	g[1].need_reason = 0x4;
	assert_int_equal(proto_list_encode(&b, g, 2), 0);
	pl = frame_payload(&b, PROTO_T_LIST | PROTO_T_REPLY, &len);
	assert_int_equal(proto_list_decode(pl, len, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.g[0].name, "web01");
	assert_true(l.g[0].running);
	assert_int_equal(l.g[0].id, 7);
	assert_int_equal(l.g[0].allowed, 5);
	assert_int_equal(l.g[1].need_reason, 4);
	proto_guest_list_dispose(&l);
	while (len-- > 0) {
		assert_int_equal(proto_list_decode(pl, len, &l, &err),
		    XDOM_EPROTO);
		assert_null(l.g);
	}
	/* A count that the payload cannot hold is refused up front. */
	assert_int_equal(proto_list_decode((uint8_t[]){0, 0, 0x10, 0}, 4, &l,
	    &err), XDOM_EPROTO);
	pbuf_dispose(&b);
}

static void
test_info_roundtrip(void **state)
{
	struct xdom_err err = {0};
	struct hv_info in, out;
	const uint8_t *pl;
	uint32_t len;
	struct pbuf b;

	(void)state;
	memset(&in, 0, sizeof in);
	strcpy(in.name, "web01");
	in.running = true;
	in.id = 3;
	in.mem_kb = 524288;
	in.maxmem_kb = 1048576;
	in.vcpus = 2;
	in.uptime_s = 3600;
	strcpy(in.config_path, "/etc/xen/web01.cfg");
	in.n_disks = 1;
	strcpy(in.disks[0].vdev, "xvda");
	strcpy(in.disks[0].target, "/srv/xen/web01.img");
	in.disks[0].writable = true;
	in.n_nics = 1;
	strcpy(in.nics[0].mac, "00:16:3e:12:34:56");
	strcpy(in.nics[0].bridge, "xenbr0");
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_info_encode(&b, &in), 0);
	pl = frame_payload(&b, PROTO_T_INFO | PROTO_T_REPLY, &len);
	assert_int_equal(proto_info_decode(pl, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof in);
	while (len-- > 0)
		assert_int_equal(proto_info_decode(pl, len, &out, &err),
		    XDOM_EPROTO);
	pbuf_dispose(&b);
}

static void
test_stats_roundtrip(void **state)
{
	struct xdom_err err = {0};
	struct snap s, t;
	struct snap_dom *d;
	const uint8_t *pl;
	uint32_t len, i;
	struct pbuf b;
	uint64_t *pc;
	uint16_t h;

	(void)state;
	snap_init(&s);
	snap_init(&t);
	s.mono_ns = 123456789;
	s.wall_s = 1700000000;
	h = snap_add_host(&s, "localhost");
	s.hosts[h].ncpus = 4;
	s.hosts[h].simulated = true;
	strcpy(s.hosts[h].hv_version, "sim");
	pc = snap_add_pcpus(&s, h, 2);
	pc[0] = 5;
	pc[1] = 6;
	d = snap_add_dom(&s, h, 2, "web01");
	d->flags = SNAP_F_RUNNING;
	d->cpu_ns = 999;
	d->mem_kb = 1024;
	d->maxmem_kb = SNAP_MEM_UNLIMITED;
	snap_add_vcpus(&s, 2)[1].ns = 77;
	snap_add_nets(&s, 1)->tx_drops = 3;
	snap_add_vbds(&s, 1)->wr_sect = 8;
	d = snap_add_dom(&s, h, 5, "db01");
	d->flags = SNAP_F_BLOCKED;
	snap_finish(&s);

	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_stats_encode(&b, &s), 0);
	pl = frame_payload(&b, PROTO_T_STATS | PROTO_T_REPLY, &len);
	assert_int_equal(proto_stats_decode(pl, len, &t, &err), 0);
	assert_int_equal(t.n_host, 1);
	assert_int_equal(t.hosts[0].ncpus, 4);
	assert_true(t.hosts[0].simulated);
	assert_int_equal(t.hosts[0].n_pcpu, 2);
	assert_true(t.pcpu_ns[t.hosts[0].pcpu_off + 1] == 6);
	assert_int_equal(t.n_dom, 2);
	assert_string_equal(snap_dom_name(&t, &t.dom[0]), "web01");
	assert_true(t.dom[0].maxmem_kb == SNAP_MEM_UNLIMITED);
	assert_int_equal(t.dom[0].n_vcpu, 2);
	assert_true(snap_dom_vcpus(&t, &t.dom[0])[1].ns == 77);
	assert_true(snap_dom_nets(&t, &t.dom[0])[0].tx_drops == 3);
	assert_true(snap_dom_vbds(&t, &t.dom[0])[0].wr_sect == 8);
	assert_string_equal(snap_dom_name(&t, &t.dom[1]), "db01");
	assert_true(t.mono_ns == 123456789);
	for (i = 0; i < len; i++)
		assert_int_equal(proto_stats_decode(pl, i, &t, &err),
		    XDOM_EPROTO);
	pbuf_dispose(&b);
	snap_dispose(&s);
	snap_dispose(&t);
}

static void
test_stats_lying_counts(void **state)
{
	struct xdom_err err = {0};
	struct snap t;
	uint8_t p[64];

	(void)state;
	snap_init(&t);
	memset(p, 0, sizeof p);
	/* mono, wall, then n_host = 0xffffffff. */
	memset(p + 16, 0xff, 4);
	assert_int_equal(proto_stats_decode(p, 20, &t, &err), XDOM_EPROTO);
	/* n_host = 0, n_dom = 0x7fffffff. */
	memset(p + 16, 0, 4);
	memcpy(p + 20, (uint8_t[]){0x7f, 0xff, 0xff, 0xff}, 4);
	assert_int_equal(proto_stats_decode(p, 24, &t, &err), XDOM_EPROTO);
	assert_int_equal(t.n_dom, 0);
	snap_dispose(&t);
}

static void
test_frames_in_one_buffer(void **state)
{
	struct xdom_err err = {0};
	struct pbuf b;
	uint16_t type;
	uint32_t len;

	(void)state;
	/* Several frames appended to one buffer each get their own length. */
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_progress_encode(&b, 10, "a"), 0);
	assert_int_equal(proto_empty_encode(&b, PROTO_T_REIMAGE), 0);
	assert_int_equal(proto_progress_encode(&b, 20, "bb"), 0);
	assert_int_equal(proto_header_parse(b.d, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), 0);
	assert_int_equal(len, 5);
	assert_int_equal(proto_header_parse(b.d + PROTO_HDR_LEN + 5, PROTO_MAX_MSG, &type,
	    &len, NULL, &err), 0);
	assert_int_equal(len, 0);
	assert_int_equal(type, PROTO_T_REIMAGE | PROTO_T_REPLY);
	assert_int_equal(proto_header_parse(b.d + 2 * PROTO_HDR_LEN + 5, PROTO_MAX_MSG, &type,
	    &len, NULL, &err), 0);
	assert_int_equal(len, 6);
	assert_int_equal(proto_frame_end(&b), XDOM_EINVAL);
	pbuf_dispose(&b);
}

/* The action table (core/domain.c) and the request table agree: each hv
 * action's request has its name and right; wire numbers are fixed. */
static void
test_tables_agree(void **state)
{
	const struct proto_req_desc *rd;
	unsigned a;
	uint16_t t;

	(void)state;
	for (a = 0; a < HV_ACT__COUNT; a++) {
		const struct hv_action_desc *ad = hv_action_desc(a);

		assert_non_null(ad);
		rd = proto_req_desc(ad->wire);
		assert_non_null(rd);
		assert_string_equal(rd->name, ad->name);
		assert_string_equal(hv_action_name(a), ad->name);
		assert_int_equal(rd->policy, (int)ad->policy);
		assert_string_equal(policy_action_name(ad->policy), ad->name);
		assert_true(rd->acts);
		assert_int_equal(proto_action_type(a), ad->wire);
		assert_int_equal(proto_type_action(ad->wire), (int)a);
		assert_non_null(ad->summary);
	}
	assert_null(hv_action_desc(HV_ACT__COUNT));
	assert_false(hv_action_desc(HV_ACT_BOOT)->needs_running);
	assert_true(hv_action_desc(HV_ACT_UNPAUSE)->needs_running);
	for (t = 1; t < PROTO_T__REQ_END; t++) {
		rd = proto_req_desc(t);
		assert_non_null(rd);
		assert_int_equal(rd->type, t);
		assert_int_equal(rd->max_len, !rd->needs_name ?
		    PROTO_REQ_LEN(0) : rd->res ? PROTO_REQ_RES_LEN :
		    PROTO_REQ_LEN(XDOM_NAME_MAX));
		assert_true(rd->max_len <= PROTO_REQ_MAX);
		/* A named request needs a right on the name; acting ones
		 * answer with an empty reply. */
		assert_int_equal(rd->policy >= 0, rd->needs_name);
		if (rd->acts)
			assert_true(rd->reply == PROTO_R_EMPTY &&
			    rd->reply_max == 0);
		if (rd->res)
			assert_true(rd->acts);
	}
	assert_null(proto_req_desc(0));
	assert_null(proto_req_desc(PROTO_T__REQ_END));
	assert_int_equal(PROTO_T_WHOAMI, 1);
	assert_int_equal(PROTO_T_BOOT, 5);
	assert_int_equal(PROTO_T_SYSRQ, 14);
	assert_int_equal(PROTO_T_RESTORE, 21);
	/* SysRq is not the console's: o powers the guest off. */
	assert_int_equal(proto_req_desc(PROTO_T_SYSRQ)->policy, POLICY_SYSRQ);
	assert_int_equal(proto_req_desc(PROTO_T_CONSOLE)->policy,
	    POLICY_CONSOLE);
}

/* Each request type has its own payload limit, which its largest legal
 * request meets exactly; a header announcing more is refused before the
 * payload is read. Replies are held to theirs. */
static void
test_per_type_limits(void **state)
{
	struct xdom_err err = {0};
	struct proto_req r;
	struct pbuf b;
	uint16_t t, type;
	uint32_t len;
	uint8_t h[PROTO_HDR_LEN];

	(void)state;
	for (t = 1; t < PROTO_T__REQ_END; t++) {
		const struct proto_req_desc *rd = proto_req_desc(t);

		memset(&r, 0, sizeof r);
		r.type = t;
		if (rd->needs_name)
			memset(r.name, 'n', XDOM_NAME_MAX);
		memset(r.reason, 'r', PROTO_REASON_MAX);
		if (rd->res) {
			memset(r.vdev, 'v', PROTO_VDEV_MAX);
			memset(r.image, 'i', XDOM_NAME_MAX);
		}
		pbuf_init(&b, PROTO_MAX_MSG);
		assert_int_equal(proto_req_encode(&b, &r, &err), 0);
		assert_int_equal(b.len - PROTO_HDR_LEN, rd->max_len);
		assert_int_equal(proto_header_parse(b.d, PROTO_REQ_MAX, &type,
		    &len, NULL, &err), 0);
		memcpy(h, b.d, sizeof h);
		h[2] = (uint8_t)((rd->max_len + 1) >> 8);
		h[3] = (uint8_t)(rd->max_len + 1);
		assert_int_equal(proto_header_parse(h, PROTO_REQ_MAX, &type,
		    &len, NULL, &err), XDOM_ENOMEM);
		pbuf_dispose(&b);
	}
	/* An action's reply is empty; an error at most one message. */
	memset(h, 0, sizeof h);
	h[3] = 1;
	h[5] = PROTO_VERSION;
	h[6] = (PROTO_T_REBOOT | PROTO_T_REPLY) >> 8;
	h[7] = (uint8_t)PROTO_T_REBOOT;
	assert_int_equal(proto_header_parse(h, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), XDOM_ENOMEM);
	h[3] = 0;
	assert_int_equal(proto_header_parse(h, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), 0);
	h[2] = 0x10;	/* 4096 bytes */
	h[6] = PROTO_T_ERROR >> 8;
	h[7] = PROTO_T_ERROR & 0xff;
	assert_int_equal(proto_header_parse(h, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), XDOM_ENOMEM);
	h[6] = (PROTO_T_STATS | PROTO_T_REPLY) >> 8;
	h[7] = (uint8_t)PROTO_T_STATS;
	assert_int_equal(proto_header_parse(h, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), 0);
	/* The longest error message still fits its limit. */
	pbuf_init(&b, PROTO_MAX_MSG);
	memset(r.reason, 0, sizeof r.reason);
	{
		char msg[XDOM_ERR_MSG_MAX + 10];

		memset(msg, 'e', sizeof msg - 1);
		msg[sizeof msg - 1] = '\0';
		assert_int_equal(proto_error_encode(&b, XDOM_EIO, msg), 0);
	}
	assert_int_equal(proto_header_parse(b.d, PROTO_MAX_MSG, &type, &len,
	    NULL, &err), 0);
	pbuf_dispose(&b);
}

/* Many hosts with empty names and versions take 33 bytes each: the
 * decoder's bound on the host count (once 35 bytes a host, written by
 * hand) must not refuse them. */
static void
test_stats_small_hosts(void **state)
{
	struct xdom_err err = {0};
	struct snap s, t;
	struct pbuf b;
	unsigned i;

	(void)state;
	snap_init(&s);
	snap_init(&t);
	for (i = 0; i < 20; i++)
		(void)snap_add_host(&s, "");
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_stats_encode(&b, &s), 0);
	assert_int_equal(proto_stats_decode(b.d + PROTO_HDR_LEN,
	    b.len - PROTO_HDR_LEN, &t, &err), 0);
	assert_int_equal(t.n_host, 20);
	pbuf_dispose(&b);
	snap_dispose(&s);
	snap_dispose(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pbuf_bounds),
		cmocka_unit_test(test_pbuf_strings),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_req_roundtrip),
		cmocka_unit_test(test_req_malformed),
		cmocka_unit_test(test_req_resources),
		cmocka_unit_test(test_reply_check),
		cmocka_unit_test(test_answer_ids),
		cmocka_unit_test(test_error_progress),
		cmocka_unit_test(test_whoami_list),
		cmocka_unit_test(test_info_roundtrip),
		cmocka_unit_test(test_stats_roundtrip),
		cmocka_unit_test(test_stats_lying_counts),
		cmocka_unit_test(test_frames_in_one_buffer),
		cmocka_unit_test(test_tables_agree),
		cmocka_unit_test(test_per_type_limits),
		cmocka_unit_test(test_stats_small_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
