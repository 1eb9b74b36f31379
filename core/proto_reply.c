/*
 * proto_reply.c - the replies of the xdomd protocol but the snapshot
 * (proto_stats.c): error, progress, empty, whoami, list and info (see
 * proto.h). Decoders are strict, as in proto.c.
 */
#include "core/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/xmalloc.h"

/* --- simple replies ----------------------------------------------------- */

int
proto_error_encode(struct pbuf *b, int code, const char *msg)
{
	char line[XDOM_ERR_MSG_MAX];
	int rc;

	snprintf(line, sizeof line, "%s", msg);
	if ((rc = proto_frame_begin(b, PROTO_T_ERROR)) != 0 ||
	    (rc = pbuf_put_u32(b, (uint32_t)code)) != 0 ||
	    (rc = pbuf_put_str(b, line)) != 0)
		return rc;
	return proto_frame_end(b);
}

int
proto_error_decode(const void *payload, size_t len, struct xdom_err *out,
    struct xdom_err *err)
{
	char msg[XDOM_ERR_MSG_MAX];
	struct pbuf b;
	uint32_t code;
	int32_t c;

	pbuf_view(&b, payload, len);
	if (pbuf_get_u32(&b, &code) != 0 ||
	    pbuf_get_str(&b, msg, sizeof msg) != 0 || pbuf_get_end(&b) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "malformed error reply");
	c = (int32_t)code;
	if (c >= 0 || c <= -XDOM_E_COUNT)
		return xdom_err_set(err, XDOM_EPROTO, "error reply with "
		    "unknown code %d", (int)c);
	/* xdom_err_set replaces control characters: the daemon's text stays
	 * one printable line whatever it held. */
	xdom_err_set(out, c, "%s", msg[0] != '\0' ? msg : xdom_strerror(c));
	return 0;
}

int
proto_progress_encode(struct pbuf *b, unsigned permille, const char *stage)
{
	char st[PROTO_STAGE_MAX + 1];
	int rc;

	snprintf(st, sizeof st, "%s", stage != NULL ? stage : "");
	if ((rc = proto_frame_begin(b, PROTO_T_PROGRESS)) != 0 ||
	    (rc = pbuf_put_u16(b, (uint16_t)(permille > 1000 ? 1000 :
	    permille))) != 0 ||
	    (rc = pbuf_put_str(b, st)) != 0)
		return rc;
	return proto_frame_end(b);
}

int
proto_progress_decode(const void *payload, size_t len, unsigned *permille,
    char stage[PROTO_STAGE_MAX + 1], struct xdom_err *err)
{
	struct pbuf b;
	uint16_t pm;

	pbuf_view(&b, payload, len);
	if (pbuf_get_u16(&b, &pm) != 0 ||
	    pbuf_get_str(&b, stage, PROTO_STAGE_MAX + 1) != 0 ||
	    pbuf_get_end(&b) != 0 || pm > 1000)
		return xdom_err_set(err, XDOM_EPROTO, "malformed progress "
		    "message");
	*permille = pm;
	return 0;
}

int
proto_empty_encode(struct pbuf *b, uint16_t req_type)
{
	int rc;

	if ((rc = proto_frame_begin(b, proto_reply_type(req_type))) != 0)
		return rc;
	return proto_frame_end(b);
}

int
proto_empty_decode(const void *payload, size_t len, struct xdom_err *err)
{
	(void)payload;
	if (len != 0)
		return xdom_err_set(err, XDOM_EPROTO, "unexpected reply "
		    "payload");
	return 0;
}

/* --- whoami ------------------------------------------------------------- */

int
proto_whoami_encode(struct pbuf *b, const struct proto_whoami *w)
{
	uint32_t i, n = w->n_groups;
	int rc;

	if (n > PROTO_MAX_GROUPS)
		n = PROTO_MAX_GROUPS;
	if ((rc = proto_frame_begin(b, proto_reply_type(PROTO_T_WHOAMI))) ||
	    (rc = pbuf_put_u32(b, w->uid)) || (rc = pbuf_put_u32(b, w->gid)) ||
	    (rc = pbuf_put_str(b, w->user)) ||
	    (rc = pbuf_put_str(b, w->backend)) ||
	    (rc = pbuf_put_u8(b, w->simulated)) ||
	    (rc = pbuf_put_u8(b, w->compat)) || (rc = pbuf_put_u32(b, n)))
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = pbuf_put_str(b, w->groups[i])) != 0)
			return rc;
	return proto_frame_end(b);
}

int
proto_whoami_decode(const void *payload, size_t len, struct proto_whoami *w,
    struct xdom_err *err)
{
	struct pbuf b;
	uint32_t i;

	memset(w, 0, sizeof *w);
	pbuf_view(&b, payload, len);
	if (pbuf_get_u32(&b, &w->uid) || pbuf_get_u32(&b, &w->gid) ||
	    pbuf_get_str(&b, w->user, sizeof w->user) ||
	    pbuf_get_str(&b, w->backend, sizeof w->backend) ||
	    pbuf_get_bool(&b, &w->simulated) ||
	    pbuf_get_bool(&b, &w->compat) ||
	    pbuf_get_u32(&b, &w->n_groups) || w->n_groups > PROTO_MAX_GROUPS)
		goto bad;
	for (i = 0; i < w->n_groups; i++)
		if (pbuf_get_str(&b, w->groups[i], sizeof w->groups[i]))
			goto bad;
	if (pbuf_get_end(&b) == 0)
		return 0;
bad:
	return xdom_err_set(err, XDOM_EPROTO, "malformed whoami reply");
}

/* --- list --------------------------------------------------------------- */

void
proto_guest_list_dispose(struct proto_guest_list *l)
{
	free(l->g);
	l->g = NULL;
	l->n = 0;
}

int
proto_list_encode(struct pbuf *b, const struct proto_guest *g, size_t n)
{
	size_t i;
	int rc;

	if (n > PROTO_MAX_GUESTS)
		return XDOM_ENOMEM;
	if ((rc = proto_frame_begin(b, proto_reply_type(PROTO_T_LIST))) ||
	    (rc = pbuf_put_u32(b, (uint32_t)n)))
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = pbuf_put_str(b, g[i].name)) ||
		    (rc = pbuf_put_u8(b, g[i].running)) ||
		    (rc = pbuf_put_u32(b, g[i].id)) ||
		    (rc = pbuf_put_u32(b, g[i].allowed)) ||
		    (rc = pbuf_put_u32(b, g[i].need_reason)))
			return rc;
	}
	return proto_frame_end(b);
}

int
proto_list_decode(const void *payload, size_t len,
    struct proto_guest_list *out, struct xdom_err *err)
{
	struct pbuf b;
	uint32_t i, n;

	out->g = NULL;
	out->n = 0;
	pbuf_view(&b, payload, len);
	/* Each entry takes at least 15 bytes: a count beyond what the
	 * payload can hold is a lie, refused before allocating. */
	if (pbuf_get_u32(&b, &n) || n > PROTO_MAX_GUESTS ||
	    n > pbuf_avail(&b) / 15)
		goto bad;
	out->g = xcalloc(n != 0 ? n : 1, sizeof *out->g);
	for (i = 0; i < n; i++) {
		struct proto_guest *g = &out->g[i];

		if (pbuf_get_str(&b, g->name, sizeof g->name) ||
		    pbuf_get_bool(&b, &g->running) ||
		    pbuf_get_u32(&b, &g->id) ||
		    pbuf_get_u32(&b, &g->allowed) ||
		    pbuf_get_u32(&b, &g->need_reason) ||
		    !xdom_name_valid(g->name))
			goto bad;
	}
	if (pbuf_get_end(&b) != 0)
		goto bad;
	out->n = n;
	return 0;
bad:
	proto_guest_list_dispose(out);
	return xdom_err_set(err, XDOM_EPROTO, "malformed list reply");
}

/* --- info --------------------------------------------------------------- */

int
proto_info_encode(struct pbuf *b, const struct hv_info *in)
{
	unsigned i, nd = in->n_disks, nn = in->n_nics;
	int rc;

	if (nd > 8)
		nd = 8;
	if (nn > 8)
		nn = 8;
	if ((rc = proto_frame_begin(b, proto_reply_type(PROTO_T_INFO))) ||
	    (rc = pbuf_put_str(b, in->name)) ||
	    (rc = pbuf_put_u8(b, in->running)) ||
	    (rc = pbuf_put_u32(b, in->id)) ||
	    (rc = pbuf_put_u64(b, in->mem_kb)) ||
	    (rc = pbuf_put_u64(b, in->maxmem_kb)) ||
	    (rc = pbuf_put_u32(b, in->vcpus)) ||
	    (rc = pbuf_put_u64(b, in->uptime_s)) ||
	    (rc = pbuf_put_str(b, in->config_path)) ||
	    (rc = pbuf_put_u8(b, (uint8_t)nd)))
		return rc;
	for (i = 0; i < nd; i++) {
		if ((rc = pbuf_put_str(b, in->disks[i].vdev)) ||
		    (rc = pbuf_put_str(b, in->disks[i].target)) ||
		    (rc = pbuf_put_u8(b, in->disks[i].writable)))
			return rc;
	}
	if ((rc = pbuf_put_u8(b, (uint8_t)nn)))
		return rc;
	for (i = 0; i < nn; i++) {
		if ((rc = pbuf_put_str(b, in->nics[i].mac)) ||
		    (rc = pbuf_put_str(b, in->nics[i].bridge)) ||
		    (rc = pbuf_put_str(b, in->nics[i].ip)))
			return rc;
	}
	return proto_frame_end(b);
}

int
proto_info_decode(const void *payload, size_t len, struct hv_info *out,
    struct xdom_err *err)
{
	struct pbuf b;
	uint8_t nd, nn;
	unsigned i;

	memset(out, 0, sizeof *out);
	pbuf_view(&b, payload, len);
	if (pbuf_get_str(&b, out->name, sizeof out->name) ||
	    pbuf_get_bool(&b, &out->running) ||
	    pbuf_get_u32(&b, &out->id) ||
	    pbuf_get_u64(&b, &out->mem_kb) ||
	    pbuf_get_u64(&b, &out->maxmem_kb) ||
	    pbuf_get_u32(&b, &out->vcpus) ||
	    pbuf_get_u64(&b, &out->uptime_s) ||
	    pbuf_get_str(&b, out->config_path, sizeof out->config_path) ||
	    pbuf_get_u8(&b, &nd) || nd > 8)
		goto bad;
	for (i = 0; i < nd; i++) {
		if (pbuf_get_str(&b, out->disks[i].vdev,
		    sizeof out->disks[i].vdev) ||
		    pbuf_get_str(&b, out->disks[i].target,
		    sizeof out->disks[i].target) ||
		    pbuf_get_bool(&b, &out->disks[i].writable))
			goto bad;
	}
	if (pbuf_get_u8(&b, &nn) || nn > 8)
		goto bad;
	for (i = 0; i < nn; i++) {
		if (pbuf_get_str(&b, out->nics[i].mac, sizeof out->nics[i].mac) ||
		    pbuf_get_str(&b, out->nics[i].bridge,
		    sizeof out->nics[i].bridge) ||
		    pbuf_get_str(&b, out->nics[i].ip, sizeof out->nics[i].ip))
			goto bad;
	}
	if (pbuf_get_end(&b) != 0)
		goto bad;
	out->n_disks = nd;
	out->n_nics = nn;
	return 0;
bad:
	memset(out, 0, sizeof *out);
	return xdom_err_set(err, XDOM_EPROTO, "malformed info reply");
}
