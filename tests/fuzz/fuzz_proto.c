/*
 * fuzz_proto.c - libFuzzer target for the xdomd protocol decoders: the
 * header parser, every request decoder (what the daemon reads from
 * untrusted clients) and every reply decoder (what clients read).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/proto.h"
#include "core/snap.h"
#include "hypervisor/hv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdom_err err = {0}, got = {0};
	struct proto_guest_list l;
	struct proto_whoami w;
	struct proto_req r;
	struct hv_info in;
	struct snap s;
	char stage[PROTO_STAGE_MAX + 1];
	unsigned pm;
	uint16_t type, t;
	uint32_t len, id;

	if (size >= PROTO_HDR_LEN) {
		(void)proto_header_parse(data, PROTO_REQ_MAX, &type, &len,
		    &id, &err);
		if (proto_header_parse(data, PROTO_MAX_MSG, &type, &len,
		    NULL, &err) == 0 && len <= size - PROTO_HDR_LEN &&
		    proto_req_desc(type) != NULL)
			(void)proto_req_decode(type, data + PROTO_HDR_LEN, len,
			    &r, &err);
	}
	for (t = 1; t < PROTO_T__REQ_END; t++)
		(void)proto_req_decode(t, data, size, &r, &err);
	(void)proto_error_decode(data, size, &got, &err);
	(void)proto_progress_decode(data, size, &pm, stage, &err);
	(void)proto_empty_decode(data, size, &err);
	(void)proto_whoami_decode(data, size, &w, &err);
	if (proto_list_decode(data, size, &l, &err) == 0)
		proto_guest_list_dispose(&l);
	(void)proto_info_decode(data, size, &in, &err);
	snap_init(&s);
	(void)proto_stats_decode(data, size, &s, &err);
	snap_dispose(&s);
	return 0;
}
