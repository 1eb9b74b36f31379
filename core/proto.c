/*
 * proto.c - the request table, framing and the request codec of the
 * xdomd protocol (see proto.h); the buffer is proto_buf.c, the replies
 * proto_reply.c and proto_stats.c. Every decoder reads through
 * pbuf_get_*(), checks each rc and ends with pbuf_get_end(), so no input
 * can read out of bounds or leave bytes unexamined.
 */
#include "core/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/memsize.h"
#include "core/policy.h"
#include "core/vdev.h"

/* Payload limits of the replies with a bounded shape. */
#define PROTO_WHOAMI_MAX (4 + 4 + 2 + PROTO_USER_MAX + 2 + 15 + 1 + 1 + 4 + \
	PROTO_MAX_GROUPS * (2 + PROTO_USER_MAX))
#define PROTO_ERROR_MAX (4 + 2 + XDOM_ERR_MSG_MAX - 1)
#define PROTO_PROGRESS_MAX (2 + 2 + PROTO_STAGE_MAX)

/* A named request's payload limit. */
#define PROTO_REQ_NAMED PROTO_REQ_LEN(XDOM_NAME_MAX)

/* The request table, indexed by wire number. An hv action's row must
 * agree with its row in core/domain.c (tests/unit/test_proto.c checks). */
static const struct proto_req_desc proto_reqs[PROTO_T__REQ_END] = {
	[PROTO_T_WHOAMI] = { .type = PROTO_T_WHOAMI, .name = "whoami",
	    .needs_name = false, .res = false, .acts = false,
	    .policy = -1, .fields = 0, .max_len = PROTO_REQ_LEN(0),
	    .reply = PROTO_R_WHOAMI, .reply_max = PROTO_WHOAMI_MAX },
	[PROTO_T_LIST] = { .type = PROTO_T_LIST, .name = "list",
	    .needs_name = false, .res = false, .acts = false,
	    .policy = -1, .fields = 0, .max_len = PROTO_REQ_LEN(0),
	    .reply = PROTO_R_LIST, .reply_max = PROTO_MAX_MSG },
	[PROTO_T_INFO] = { .type = PROTO_T_INFO, .name = "status",
	    .needs_name = true, .res = false, .acts = false,
	    .policy = POLICY_STATUS, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_INFO, .reply_max = PROTO_MAX_MSG },
	[PROTO_T_STATS] = { .type = PROTO_T_STATS, .name = "stats",
	    .needs_name = false, .res = false, .acts = false,
	    .policy = -1, .fields = PROTO_F_STATS, .max_len = PROTO_REQ_LEN(0),
	    .reply = PROTO_R_STATS, .reply_max = PROTO_MAX_MSG },
	[PROTO_T_BOOT] = { .type = PROTO_T_BOOT, .name = "boot",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_BOOT, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_SHUTDOWN] = { .type = PROTO_T_SHUTDOWN, .name = "shutdown",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_SHUTDOWN, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_REBOOT] = { .type = PROTO_T_REBOOT, .name = "reboot",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_REBOOT, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_RESET] = { .type = PROTO_T_RESET, .name = "reset",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_RESET, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_DESTROY] = { .type = PROTO_T_DESTROY, .name = "destroy",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_DESTROY, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_PAUSE] = { .type = PROTO_T_PAUSE, .name = "pause",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_PAUSE, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_UNPAUSE] = { .type = PROTO_T_UNPAUSE, .name = "unpause",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_UNPAUSE, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_CONSOLE] = { .type = PROTO_T_CONSOLE, .name = "console",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_CONSOLE, .fields = 0, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_REIMAGE] = { .type = PROTO_T_REIMAGE, .name = "reimage",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_REIMAGE, .fields = PROTO_F_REIMAGE, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	/* SysRq o powers the guest off: a right of its own. */
	[PROTO_T_SYSRQ] = { .type = PROTO_T_SYSRQ, .name = "sysrq",
	    .needs_name = true, .res = false, .acts = true,
	    .policy = POLICY_SYSRQ, .fields = PROTO_F_KEY, .max_len = PROTO_REQ_NAMED,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_VCPUS] = { .type = PROTO_T_VCPUS, .name = "vcpus",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_VCPUS, .fields = PROTO_F_COUNT, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_MEM] = { .type = PROTO_T_MEM, .name = "memory",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_MEMORY, .fields = PROTO_F_KIB, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_MAXMEM] = { .type = PROTO_T_MAXMEM, .name = "maxmem",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_MAXMEM, .fields = PROTO_F_KIB, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_ATTACH] = { .type = PROTO_T_ATTACH, .name = "attach",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_BLOCK, .fields = PROTO_F_ATTACH | PROTO_F_VDEV | PROTO_F_IMAGE, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_DETACH] = { .type = PROTO_T_DETACH, .name = "detach",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_BLOCK, .fields = PROTO_F_VDEV, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_SAVE] = { .type = PROTO_T_SAVE, .name = "save",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_SAVE, .fields = 0, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
	[PROTO_T_RESTORE] = { .type = PROTO_T_RESTORE, .name = "restore",
	    .needs_name = true, .res = true, .acts = true,
	    .policy = POLICY_RESTORE, .fields = 0, .max_len = PROTO_REQ_RES_LEN,
	    .reply = PROTO_R_EMPTY, .reply_max = 0 },
};
_Static_assert(PROTO_REQ_RES_LEN <= PROTO_REQ_MAX,
    "every request fits the daemon's header limit");

const struct proto_req_desc *
proto_req_desc(uint16_t type)
{
	if (type == 0 || type >= PROTO_T__REQ_END ||
	    proto_reqs[type].name == NULL)
		return NULL;
	return &proto_reqs[type];
}

uint16_t
proto_action_type(unsigned hv_action)
{
	const struct hv_action_desc *ad = hv_action_desc(hv_action);

	return ad != NULL ? ad->wire : 0;
}

int
proto_type_action(uint16_t type)
{
	enum hv_action a;

	if (hv_action_from_wire(type, &a) != 0)
		return -1;
	return (int)a;
}

bool
proto_req_acts(uint16_t type)
{
	const struct proto_req_desc *rd = proto_req_desc(type);

	return rd != NULL && rd->acts;
}

uint16_t
proto_reply_type(uint16_t req_type)
{
	return (uint16_t)(req_type | PROTO_T_REPLY);
}

int
proto_reply_check(uint16_t req_type, uint16_t got, struct xdom_err *err)
{
	if (got == proto_reply_type(req_type) || got == PROTO_T_ERROR)
		return 0;
	if (got == PROTO_T_PROGRESS && proto_req_acts(req_type))
		return 0;
	return xdom_err_set(err, XDOM_EPROTO, "xdomd answered a %s request "
	    "with message type %#x: protocol mismatch",
	    proto_req_desc(req_type) != NULL ?
	    proto_req_desc(req_type)->name : "?", got);
}

int
proto_answer_check(uint16_t req_type, uint32_t req_id, uint16_t got,
    uint32_t got_id, struct xdom_err *err)
{
	int rc;

	if ((rc = proto_reply_check(req_type, got, err)) != 0)
		return rc;
	if (got_id == req_id || (got == PROTO_T_ERROR && got_id == 0))
		return 0;
	return xdom_err_set(err, XDOM_EPROTO, "xdomd answered request %u "
	    "while request %u was waiting: protocol mismatch", got_id,
	    req_id);
}

/* --- framing ------------------------------------------------------------ */

void
proto_frame_id_set(struct pbuf *b, uint32_t id)
{
	b->frame_id = id;
}

int
proto_frame_begin(struct pbuf *b, uint16_t type)
{
	size_t at = b->len;
	int rc;

	if ((rc = pbuf_put_u32(b, 0)) != 0 ||
	    (rc = pbuf_put_u16(b, PROTO_VERSION)) != 0 ||
	    (rc = pbuf_put_u16(b, type)) != 0 ||
	    (rc = pbuf_put_u32(b, b->frame_id)) != 0)
		return rc;
	b->frame_at = at;
	b->framing = true;
	return 0;
}

int
proto_frame_end(struct pbuf *b)
{
	size_t pos = b->frame_at, plen;

	if (!b->framing || b->len - pos < PROTO_HDR_LEN)
		return XDOM_EINVAL;
	plen = b->len - pos - PROTO_HDR_LEN;
	if (plen > PROTO_MAX_MSG)
		return XDOM_ENOMEM;
	b->d[pos] = (uint8_t)(plen >> 24);
	b->d[pos + 1] = (uint8_t)(plen >> 16);
	b->d[pos + 2] = (uint8_t)(plen >> 8);
	b->d[pos + 3] = (uint8_t)plen;
	b->framing = false;
	return 0;
}

void
proto_header_stamp(uint8_t hdr[PROTO_HDR_LEN], uint32_t id)
{
	hdr[8] = (uint8_t)(id >> 24);
	hdr[9] = (uint8_t)(id >> 16);
	hdr[10] = (uint8_t)(id >> 8);
	hdr[11] = (uint8_t)id;
}

int
proto_header_parse(const uint8_t hdr[PROTO_HDR_LEN], size_t max,
    uint16_t *type, uint32_t *len, uint32_t *id, struct xdom_err *err)
{
	const struct proto_req_desc *rd;
	size_t limit;
	uint32_t n;
	uint16_t ver, t;

	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	ver = (uint16_t)(hdr[4] << 8 | hdr[5]);
	t = (uint16_t)(hdr[6] << 8 | hdr[7]);
	if (id != NULL)
		*id = (uint32_t)hdr[8] << 24 | (uint32_t)hdr[9] << 16 |
		    (uint32_t)hdr[10] << 8 | hdr[11];
	if (ver != PROTO_VERSION)
		return xdom_err_set(err, XDOM_EPROTO, "protocol version %u, "
		    "expected %u (client and xdomd from different releases?)",
		    ver, PROTO_VERSION);
	if (t == PROTO_T_ERROR)
		limit = PROTO_ERROR_MAX;
	else if (t == PROTO_T_PROGRESS)
		limit = PROTO_PROGRESS_MAX;
	else if ((rd = proto_req_desc(t)) != NULL)
		limit = rd->max_len;
	else if ((t & PROTO_T_REPLY) != 0 &&
	    (rd = proto_req_desc((uint16_t)(t & ~PROTO_T_REPLY))) != NULL)
		limit = rd->reply_max;
	else
		return xdom_err_set(err, XDOM_EPROTO, "unknown message type "
		    "%#x", t);
	if (max > limit)
		max = limit;
	if (max > PROTO_MAX_MSG)
		max = PROTO_MAX_MSG;
	if (n > max)
		return xdom_err_set(err, XDOM_ENOMEM, "message of %u bytes "
		    "is over the limit of %zu", n, max);
	*type = t;
	*len = n;
	return 0;
}

/* --- requests ----------------------------------------------------------- */

int
proto_req_encode(struct pbuf *b, const struct proto_req *r,
    struct xdom_err *err)
{
	const struct proto_req_desc *rd = proto_req_desc(r->type);
	int rc;

	if (rd == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown request type");
	if (rd->needs_name != (r->name[0] != '\0'))
		return xdom_err_set(err, XDOM_EINVAL, "%s: %s", rd->name,
		    rd->needs_name ? "a domain name is required" :
		    "takes no domain name");
	if (strnlen(r->name, sizeof r->name) >= sizeof r->name ||
	    strnlen(r->reason, sizeof r->reason) >= sizeof r->reason)
		return xdom_err_set(err, XDOM_EINVAL, "%s: name or reason "
		    "too long", rd->name);
	if (strnlen(r->vdev, sizeof r->vdev) >= sizeof r->vdev ||
	    strnlen(r->image, sizeof r->image) >= sizeof r->image)
		return xdom_err_set(err, XDOM_EINVAL, "%s: device or image "
		    "name too long", rd->name);
	proto_frame_id_set(b, r->id);
	if ((rc = proto_frame_begin(b, r->type)) != 0 ||
	    (rc = pbuf_put_str(b, r->name)) != 0 ||
	    (rc = pbuf_put_str(b, r->reason)) != 0 ||
	    (rc = pbuf_put_u32(b, r->arg)) != 0 ||
	    (rd->res && ((rc = pbuf_put_u64(b, r->value)) != 0 ||
	    (rc = pbuf_put_str(b, r->vdev)) != 0 ||
	    (rc = pbuf_put_str(b, r->image)) != 0)) ||
	    (rc = proto_frame_end(b)) != 0)
		return xdom_err_set(err, rc, "%s: cannot encode request",
		    rd->name);
	return 0;
}

/* The fields that carry something in arg. */
#define PROTO_F_ARG (PROTO_F_STATS | PROTO_F_REIMAGE | PROTO_F_KEY | \
	PROTO_F_COUNT | PROTO_F_ATTACH)

/* The fields of a decoded resource request, checked for its type. A
 * value out of range is the user's mistake (XDOM_EINVAL); a field the
 * type does not carry is a protocol violation. */
static int
proto_res_check(const struct proto_req_desc *rd, const struct proto_req *r,
    struct xdom_err *err)
{
	unsigned f = rd->fields;
	uint32_t dev;

	if ((!(f & PROTO_F_ARG) && r->arg != 0) ||
	    ((f & PROTO_F_ATTACH) && (r->arg & ~PROTO_ATTACH_RW) != 0) ||
	    (!(f & PROTO_F_KIB) && r->value != 0) ||
	    (!(f & PROTO_F_VDEV) && r->vdev[0] != '\0') ||
	    (!(f & PROTO_F_IMAGE) && r->image[0] != '\0'))
		return xdom_err_set(err, XDOM_EPROTO, "%s request with fields "
		    "it does not take", rd->name);
	if ((f & PROTO_F_COUNT) && (r->arg < 1 || r->arg > PROTO_VCPUS_MAX))
		return xdom_err_set(err, XDOM_EINVAL, "vcpus: %u is not a "
		    "number of vcpus (1 to %d)", (unsigned)r->arg,
		    PROTO_VCPUS_MAX);
	if ((f & PROTO_F_KIB) && (r->value < 1 || r->value > MEMSIZE_MAX_KB))
		return xdom_err_set(err, XDOM_EINVAL, "%s: not a memory size",
		    rd->name);
	if ((f & PROTO_F_VDEV) && vdev_parse(r->vdev, &dev, err) != 0)
		return XDOM_EINVAL;
	if ((f & PROTO_F_IMAGE) && !xdom_name_valid(r->image))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid image name "
		    "(letters, digits, '.', '_' and '-', at most %d)",
		    XDOM_NAME_MAX);
	return 0;
}

int
proto_req_decode(uint16_t type, const void *payload, size_t len,
    struct proto_req *r, struct xdom_err *err)
{
	const struct proto_req_desc *rd = proto_req_desc(type);
	struct pbuf b;

	memset(r, 0, sizeof *r);
	if (rd == NULL)
		return xdom_err_set(err, XDOM_EPROTO, "unknown request type "
		    "%#x", type);
	if (len > rd->max_len)
		return xdom_err_set(err, XDOM_ENOMEM, "%s request too long",
		    rd->name);
	pbuf_view(&b, payload, len);
	r->type = type;
	if (pbuf_get_str(&b, r->name, sizeof r->name) != 0 ||
	    pbuf_get_str(&b, r->reason, sizeof r->reason) != 0 ||
	    pbuf_get_u32(&b, &r->arg) != 0 ||
	    (rd->res && (pbuf_get_u64(&b, &r->value) != 0 ||
	    pbuf_get_str(&b, r->vdev, sizeof r->vdev) != 0 ||
	    pbuf_get_str(&b, r->image, sizeof r->image) != 0)) ||
	    pbuf_get_end(&b) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "malformed %s request",
		    rd->name);
	if (!rd->needs_name && r->name[0] != '\0')
		return xdom_err_set(err, XDOM_EPROTO, "%s request with a "
		    "domain name", rd->name);
	if (rd->needs_name && !xdom_name_valid(r->name))
		return xdom_err_set(err, XDOM_EINVAL, "invalid domain name "
		    "(letters, digits, '.', '_' and '-', at most %d)",
		    XDOM_NAME_MAX);
	if ((rd->fields & PROTO_F_REIMAGE) &&
	    (r->arg & ~PROTO_REIMAGE_SHUTDOWN_FIRST) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "unknown re-image "
		    "flags");
	if ((rd->fields & PROTO_F_STATS) &&
	    (r->arg & ~(uint32_t)HV_SNAP_ALL) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "unknown stats flags");
	if ((rd->fields & PROTO_F_KEY) && (r->arg >= 0x80 ||
	    !hv_sysrq_key_valid((int)r->arg)))
		return xdom_err_set(err, XDOM_EPROTO, "not a SysRq key");
	if (rd->res)
		return proto_res_check(rd, r, err);
	if ((rd->fields & PROTO_F_ARG) == 0 && r->arg != 0)
		return xdom_err_set(err, XDOM_EPROTO, "%s request with an "
		    "argument", rd->name);
	return 0;
}
