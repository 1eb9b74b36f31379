/*
 * fuzz_monitor.c - libFuzzer target for the monitor's decoder of what a
 * front sends (helper/mwire.c): the front is the process that reads a
 * client's bytes, so the monitor treats its messages as hostile. The
 * header parser and the whole-message decoder see arbitrary bytes; a
 * message that decodes is encoded again and must decode the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "helper/mwire.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdom_err err = {0};
	struct mw_msg m, again;
	struct pbuf b;
	uint16_t type;
	uint32_t len, conn;

	if (size >= PROTO_HDR_LEN)
		(void)mw_header(data, MW_IN_MAX, &type, &len, &conn, &err);
	if (mw_decode(data, size, &m, &err) != 0)
		return 0;
	/* What decodes survives a round trip. */
	pbuf_init(&b, MW_IN_MAX);
	switch (m.type) {
	case MW_REQ:
		if (mw_put_req(&b, m.conn, &m.req, &err) != 0)
			__builtin_trap();
		break;
	case MW_NOTE:
		if (mw_put_note(&b, m.conn, m.note_type, m.note_code,
		    m.note_name, m.note_reason, m.note_msg) != 0)
			__builtin_trap();
		break;
	default:
		if (mw_put(&b, m.type, m.conn, m.data, m.data_len) != 0)
			__builtin_trap();
	}
	if (mw_decode(pbuf_ptr(&b), pbuf_avail(&b), &again, &err) != 0 ||
	    again.type != m.type || again.conn != m.conn ||
	    again.data_len != m.data_len)
		__builtin_trap();
	if (m.type == MW_REQ && (again.req.type != m.req.type ||
	    again.req.id != m.req.id ||
	    strcmp(again.req.name, m.req.name) != 0 ||
	    strcmp(again.req.reason, m.req.reason) != 0))
		__builtin_trap();
	pbuf_dispose(&b);
	return 0;
}
