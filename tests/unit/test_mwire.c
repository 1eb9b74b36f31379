/*
 * test_mwire.c - the messages between xdomd's fronts and its monitor
 * (helper/mwire.c): what a front may send decodes to what was meant, and
 * everything else is refused: another version, a type the monitor sends
 * or nobody knows, a length over the limit or not the message's own, a
 * request that does not decode strictly (a bad name included: the front
 * answers those itself), a note with a code that is not ours, empty or
 * oversized console input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "helper/xdomd.h"

static void
req(struct proto_req *r, uint16_t type, const char *name, uint32_t id)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->id = id;
	snprintf(r->name, sizeof r->name, "%s", name);
}

static int
decode(const struct pbuf *b, struct mw_msg *m)
{
	struct xdom_err err = {0};

	return mw_decode(pbuf_ptr(b), pbuf_avail(b), m, &err);
}

static void
test_request(void **state)
{
	struct xdom_err err = {0};
	struct proto_req r;
	struct mw_msg m;
	struct pbuf b;

	(void)state;
	pbuf_init(&b, MW_IN_MAX);
	req(&r, PROTO_T_REBOOT, "web01", 42);
	snprintf(r.reason, sizeof r.reason, "ticket 1");
	assert_int_equal(mw_put_req(&b, 0x10003, &r, &err), 0);
	assert_int_equal(decode(&b, &m), 0);
	assert_int_equal(m.type, MW_REQ);
	assert_int_equal(m.conn, 0x10003);
	assert_int_equal(m.req.type, PROTO_T_REBOOT);
	assert_int_equal(m.req.id, 42);
	assert_string_equal(m.req.name, "web01");
	assert_string_equal(m.req.reason, "ticket 1");
	/* one byte more or less than the message says: refused */
	assert_int_equal(mw_decode(pbuf_ptr(&b), pbuf_avail(&b) - 1, &m,
	    &err), XDOM_EPROTO);
	assert_int_equal(pbuf_put_u8(&b, 0), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	pbuf_dispose(&b);
}

/* A request the front should have answered itself never passes. */
static void
test_request_strict(void **state)
{
	struct xdom_err err = {0};
	struct proto_req r;
	struct mw_msg m;
	struct pbuf b, inner;
	uint8_t *p;

	(void)state;
	pbuf_init(&inner, MW_IN_MAX);
	req(&r, PROTO_T_REBOOT, "web01", 7);
	assert_int_equal(proto_req_encode(&inner, &r, &err), 0);
	/* a name that is no guest name, patched in: "web/1" */
	p = (uint8_t *)(uintptr_t)pbuf_ptr(&inner);
	p[PROTO_HDR_LEN + 2 + 3] = '/';
	pbuf_init(&b, MW_IN_MAX);
	assert_int_equal(mw_put(&b, MW_REQ, 1, pbuf_ptr(&inner),
	    pbuf_avail(&inner)), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	/* a reply type inside */
	pbuf_reset(&b);
	p[PROTO_HDR_LEN + 2 + 3] = '0';
	p[6] = 0x80;
	assert_int_equal(mw_put(&b, MW_REQ, 1, pbuf_ptr(&inner),
	    pbuf_avail(&inner)), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	pbuf_dispose(&inner);
	pbuf_dispose(&b);
}

static void
test_header(void **state)
{
	struct xdom_err err = {0};
	struct mw_msg m;
	struct pbuf b;
	uint8_t *p;

	(void)state;
	pbuf_init(&b, MW_OUT_MAX);
	assert_int_equal(mw_put(&b, MW_GONE, 9, NULL, 0), 0);
	assert_int_equal(decode(&b, &m), 0);
	assert_int_equal(m.type, MW_GONE);
	assert_int_equal(m.conn, 9);
	p = (uint8_t *)(uintptr_t)pbuf_ptr(&b);
	p[5] = 9;	/* version */
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	p[5] = PROTO_VERSION;
	p[6] = 0x77;	/* type */
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	/* what the monitor sends never comes from a front */
	pbuf_reset(&b);
	assert_int_equal(mw_put_frame(&b, 9, MW_F_FINAL, "x", 1), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	/* a length over what a front may send */
	pbuf_reset(&b);
	assert_int_equal(mw_put(&b, MW_CIN, 9, "x", 1), 0);
	p = (uint8_t *)(uintptr_t)pbuf_ptr(&b);
	p[1] = 0x10;
	assert_int_equal(mw_header(p, MW_IN_MAX, &m.type, &(uint32_t){0},
	    &m.conn, &err), XDOM_EPROTO);
	pbuf_dispose(&b);
}

static void
test_note_and_input(void **state)
{
	char big[MW_CONS_MAX + 1];
	struct mw_msg m;
	struct pbuf b;

	(void)state;
	pbuf_init(&b, MW_OUT_MAX);
	assert_int_equal(mw_put_note(&b, 3, PROTO_T_REBOOT, XDOM_EINVAL,
	    "../web", "", "invalid domain name"), 0);
	assert_int_equal(decode(&b, &m), 0);
	assert_int_equal(m.note_type, PROTO_T_REBOOT);
	assert_int_equal(m.note_code, XDOM_EINVAL);
	assert_string_equal(m.note_name, "../web");
	pbuf_reset(&b);
	assert_int_equal(mw_put_note(&b, 3, MW_NOTE_TIMEOUT, XDOM_ETIMEDOUT,
	    NULL, NULL, "slow"), 0);
	assert_int_equal(decode(&b, &m), 0);
	pbuf_reset(&b);
	assert_int_equal(mw_put_note(&b, 3, 0, 0, NULL, NULL, "ok?"), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);	/* not a refusal */
	pbuf_reset(&b);
	assert_int_equal(mw_put_note(&b, 3, 0x7777, XDOM_EPROTO, NULL, NULL,
	    ""), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);	/* no such type */
	pbuf_reset(&b);
	assert_int_equal(mw_put(&b, MW_CIN, 3, "ls\r", 3), 0);
	assert_int_equal(decode(&b, &m), 0);
	assert_int_equal(m.data_len, 3);
	assert_memory_equal(m.data, "ls\r", 3);
	pbuf_reset(&b);
	assert_int_equal(mw_put(&b, MW_CIN, 3, NULL, 0), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	pbuf_reset(&b);
	memset(big, 'x', sizeof big);
	assert_int_equal(mw_put(&b, MW_CIN, 3, big, sizeof big), 0);
	assert_int_equal(decode(&b, &m), XDOM_EPROTO);
	pbuf_dispose(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_request_strict),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_note_and_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
