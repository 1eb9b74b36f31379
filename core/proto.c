/*
 * proto.c - bounded buffer, framing and codec of the xdomd protocol
 * (see proto.h). Every decoder reads through pbuf_get_*(), checks each rc
 * and ends with pbuf_get_end(), so no input can read out of bounds or
 * leave bytes unexamined.
 */
#include "core/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/memsize.h"
#include "core/snap.h"
#include "core/vdev.h"
#include "core/xmalloc.h"
#include "core/domain.h"

/* Request table: indexed by type, checked by a static assert below. */
static const struct proto_req_desc proto_reqs[] = {
	[PROTO_T_WHOAMI] = {PROTO_T_WHOAMI, "whoami", false, PROTO_REQ_MAX},
	[PROTO_T_LIST] = {PROTO_T_LIST, "list", false, PROTO_REQ_MAX},
	[PROTO_T_INFO] = {PROTO_T_INFO, "status", true, PROTO_REQ_MAX},
	[PROTO_T_STATS] = {PROTO_T_STATS, "stats", false, PROTO_REQ_MAX},
	[PROTO_T_BOOT] = {PROTO_T_BOOT, "boot", true, PROTO_REQ_MAX},
	[PROTO_T_SHUTDOWN] = {PROTO_T_SHUTDOWN, "shutdown", true,
	    PROTO_REQ_MAX},
	[PROTO_T_REBOOT] = {PROTO_T_REBOOT, "reboot", true, PROTO_REQ_MAX},
	[PROTO_T_RESET] = {PROTO_T_RESET, "reset", true, PROTO_REQ_MAX},
	[PROTO_T_DESTROY] = {PROTO_T_DESTROY, "destroy", true, PROTO_REQ_MAX},
	[PROTO_T_PAUSE] = {PROTO_T_PAUSE, "pause", true, PROTO_REQ_MAX},
	[PROTO_T_UNPAUSE] = {PROTO_T_UNPAUSE, "unpause", true, PROTO_REQ_MAX},
	[PROTO_T_CONSOLE] = {PROTO_T_CONSOLE, "console", true, PROTO_REQ_MAX},
	[PROTO_T_REIMAGE] = {PROTO_T_REIMAGE, "reimage", true, PROTO_REQ_MAX},
	[PROTO_T_SYSRQ] = {PROTO_T_SYSRQ, "sysrq", true, PROTO_REQ_MAX},
	[PROTO_T_VCPUS] = {PROTO_T_VCPUS, "vcpus", true, PROTO_REQ_MAX, true},
	[PROTO_T_MEM] = {PROTO_T_MEM, "memory", true, PROTO_REQ_MAX, true},
	[PROTO_T_MAXMEM] = {PROTO_T_MAXMEM, "maxmem", true, PROTO_REQ_MAX,
	    true},
	[PROTO_T_ATTACH] = {PROTO_T_ATTACH, "attach", true, PROTO_REQ_MAX,
	    true},
	[PROTO_T_DETACH] = {PROTO_T_DETACH, "detach", true, PROTO_REQ_MAX,
	    true},
	[PROTO_T_SAVE] = {PROTO_T_SAVE, "save", true, PROTO_REQ_MAX, true},
	[PROTO_T_RESTORE] = {PROTO_T_RESTORE, "restore", true, PROTO_REQ_MAX,
	    true},
};
_Static_assert(sizeof proto_reqs / sizeof proto_reqs[0] == PROTO_T__REQ_END,
    "one proto_reqs row per request type");
_Static_assert(PROTO_T_UNPAUSE - PROTO_T_BOOT + 1 == HV_ACT__COUNT,
    "one request type per hv action, in enum hv_action order");

const struct proto_req_desc *
proto_req_desc(uint16_t type)
{
	if (type == 0 || type >= PROTO_T__REQ_END)
		return NULL;
	return &proto_reqs[type];
}

uint16_t
proto_action_type(unsigned hv_action)
{
	if (hv_action >= HV_ACT__COUNT)
		return 0;
	return (uint16_t)(PROTO_T_BOOT + hv_action);
}

int
proto_type_action(uint16_t type)
{
	if (type < PROTO_T_BOOT || type > PROTO_T_UNPAUSE)
		return -1;
	return type - PROTO_T_BOOT;
}

bool
proto_req_acts(uint16_t type)
{
	const struct proto_req_desc *rd = proto_req_desc(type);

	return rd != NULL && rd->needs_name && type != PROTO_T_INFO;
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

/* --- bounded buffer ----------------------------------------------------- */

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
	rd = proto_req_desc(t);
	if (rd == NULL && t != PROTO_T_ERROR && t != PROTO_T_PROGRESS &&
	    ((t & PROTO_T_REPLY) == 0 ||
	    proto_req_desc((uint16_t)(t & ~PROTO_T_REPLY)) == NULL))
		return xdom_err_set(err, XDOM_EPROTO, "unknown message type "
		    "%#x", t);
	if (rd != NULL && max > rd->max_len)
		max = rd->max_len;
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

/* Which resource fields each resource request carries. */
enum {
	PROTO_F_COUNT = 1u << 0,	/* arg: a vcpu count */
	PROTO_F_FLAGS = 1u << 1,	/* arg: PROTO_ATTACH_RW */
	PROTO_F_KIB = 1u << 2,		/* value */
	PROTO_F_VDEV = 1u << 3,
	PROTO_F_IMAGE = 1u << 4,
};

static const uint8_t proto_res_fields[PROTO_T__REQ_END] = {
	[PROTO_T_VCPUS] = PROTO_F_COUNT,
	[PROTO_T_MEM] = PROTO_F_KIB,
	[PROTO_T_MAXMEM] = PROTO_F_KIB,
	[PROTO_T_ATTACH] = PROTO_F_FLAGS | PROTO_F_VDEV | PROTO_F_IMAGE,
	[PROTO_T_DETACH] = PROTO_F_VDEV,
};

/* The fields of a decoded resource request, checked for its type. A
 * value out of range is the user's mistake (XDOM_EINVAL); a field the
 * type does not carry is a protocol violation. */
static int
proto_res_check(const struct proto_req_desc *rd, const struct proto_req *r,
    struct xdom_err *err)
{
	unsigned f = proto_res_fields[rd->type];
	uint32_t dev;

	if ((!(f & (PROTO_F_COUNT | PROTO_F_FLAGS)) && r->arg != 0) ||
	    ((f & PROTO_F_FLAGS) && (r->arg & ~PROTO_ATTACH_RW) != 0) ||
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
	if (type == PROTO_T_REIMAGE &&
	    (r->arg & ~PROTO_REIMAGE_SHUTDOWN_FIRST) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "unknown re-image "
		    "flags");
	if (type == PROTO_T_STATS && (r->arg & ~(uint32_t)HV_SNAP_ALL) != 0)
		return xdom_err_set(err, XDOM_EPROTO, "unknown stats flags");
	if (type == PROTO_T_SYSRQ && (r->arg == 0 || r->arg >= 0x80 ||
	    strchr(HV_SYSRQ_KEYS, (int)r->arg) == NULL))
		return xdom_err_set(err, XDOM_EPROTO, "not a SysRq key");
	if (rd->res)
		return proto_res_check(rd, r, err);
	if (type != PROTO_T_REIMAGE && type != PROTO_T_STATS &&
	    type != PROTO_T_SYSRQ && r->arg != 0)
		return xdom_err_set(err, XDOM_EPROTO, "%s request with an "
		    "argument", rd->name);
	return 0;
}

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

/* --- stats -------------------------------------------------------------- */

/* Minimal encoded sizes, to bound counts by the bytes that remain. */
#define PROTO_HOST_MIN 35
#define PROTO_DOM_MIN 58
#define PROTO_VCPU_LEN 9
#define PROTO_NET_LEN 68
#define PROTO_VBD_LEN 44

int
proto_stats_encode(struct pbuf *b, const struct snap *s)
{
	size_t h, i, k;
	int rc;

	if ((rc = proto_frame_begin(b, proto_reply_type(PROTO_T_STATS))) ||
	    (rc = pbuf_put_u64(b, s->mono_ns)) ||
	    (rc = pbuf_put_u64(b, (uint64_t)s->wall_s)) ||
	    (rc = pbuf_put_u32(b, (uint32_t)s->n_host)))
		return rc;
	for (h = 0; h < s->n_host; h++) {
		const struct snap_host *sh = &s->hosts[h];

		if ((rc = pbuf_put_str(b, sh->name)) ||
		    (rc = pbuf_put_str(b, sh->hv_version)) ||
		    (rc = pbuf_put_u32(b, sh->ncpus)) ||
		    (rc = pbuf_put_u32(b, sh->cpu_mhz)) ||
		    (rc = pbuf_put_u64(b, sh->mem_total_kb)) ||
		    (rc = pbuf_put_u64(b, sh->mem_free_kb)) ||
		    (rc = pbuf_put_u8(b, sh->simulated)) ||
		    (rc = pbuf_put_u32(b, sh->n_pcpu)))
			return rc;
		for (k = 0; k < sh->n_pcpu; k++)
			if ((rc = pbuf_put_u64(b, s->pcpu_ns[sh->pcpu_off + k])))
				return rc;
	}
	if ((rc = pbuf_put_u32(b, (uint32_t)s->n_dom)))
		return rc;
	for (i = 0; i < s->n_dom; i++) {
		const struct snap_dom *d = &s->dom[i];
		const struct snap_vcpu *vc = snap_dom_vcpus(s, d);
		const struct snap_net *nt = snap_dom_nets(s, d);
		const struct snap_vbd *vb = snap_dom_vbds(s, d);

		if ((rc = pbuf_put_u16(b, d->host)) ||
		    (rc = pbuf_put_u32(b, d->id)) ||
		    (rc = pbuf_put_str(b, snap_dom_name(s, d))) ||
		    (rc = pbuf_put_u32(b, d->flags)) ||
		    (rc = pbuf_put_u64(b, d->cpu_ns)) ||
		    (rc = pbuf_put_u64(b, d->mem_kb)) ||
		    (rc = pbuf_put_u64(b, d->maxmem_kb)) ||
		    (rc = pbuf_put_u32(b, d->vcpus_online)) ||
		    (rc = pbuf_put_u32(b, d->vcpus_max)) ||
		    (rc = pbuf_put_u32(b, d->ssid)) ||
		    (rc = pbuf_put_u32(b, d->n_vcpu)) ||
		    (rc = pbuf_put_u32(b, d->n_net)) ||
		    (rc = pbuf_put_u32(b, d->n_vbd)))
			return rc;
		for (k = 0; k < d->n_vcpu; k++)
			if ((rc = pbuf_put_u64(b, vc[k].ns)) ||
			    (rc = pbuf_put_u8(b, vc[k].online)))
				return rc;
		for (k = 0; k < d->n_net; k++)
			if ((rc = pbuf_put_u32(b, nt[k].id)) ||
			    (rc = pbuf_put_u64(b, nt[k].rx_bytes)) ||
			    (rc = pbuf_put_u64(b, nt[k].rx_pkts)) ||
			    (rc = pbuf_put_u64(b, nt[k].rx_errs)) ||
			    (rc = pbuf_put_u64(b, nt[k].rx_drops)) ||
			    (rc = pbuf_put_u64(b, nt[k].tx_bytes)) ||
			    (rc = pbuf_put_u64(b, nt[k].tx_pkts)) ||
			    (rc = pbuf_put_u64(b, nt[k].tx_errs)) ||
			    (rc = pbuf_put_u64(b, nt[k].tx_drops)))
				return rc;
		for (k = 0; k < d->n_vbd; k++)
			if ((rc = pbuf_put_u32(b, vb[k].dev)) ||
			    (rc = pbuf_put_u64(b, vb[k].oo)) ||
			    (rc = pbuf_put_u64(b, vb[k].rd_reqs)) ||
			    (rc = pbuf_put_u64(b, vb[k].wr_reqs)) ||
			    (rc = pbuf_put_u64(b, vb[k].rd_sect)) ||
			    (rc = pbuf_put_u64(b, vb[k].wr_sect)))
				return rc;
	}
	return proto_frame_end(b);
}

static int
proto_stats_dom(struct pbuf *b, struct snap *out)
{
	char name[256];
	struct snap_dom *d, tmp;
	struct snap_vcpu *vc;
	struct snap_net *nt;
	struct snap_vbd *vb;
	uint32_t k, nv, nn, nb;

	memset(&tmp, 0, sizeof tmp);
	if (pbuf_get_u16(b, &tmp.host) || tmp.host >= out->n_host ||
	    pbuf_get_u32(b, &tmp.id) || pbuf_get_str(b, name, sizeof name) ||
	    pbuf_get_u32(b, &tmp.flags) || pbuf_get_u64(b, &tmp.cpu_ns) ||
	    pbuf_get_u64(b, &tmp.mem_kb) || pbuf_get_u64(b, &tmp.maxmem_kb) ||
	    pbuf_get_u32(b, &tmp.vcpus_online) ||
	    pbuf_get_u32(b, &tmp.vcpus_max) || pbuf_get_u32(b, &tmp.ssid) ||
	    pbuf_get_u32(b, &nv) || pbuf_get_u32(b, &nn) ||
	    pbuf_get_u32(b, &nb))
		return XDOM_EPROTO;
	if ((uint64_t)nv * PROTO_VCPU_LEN + (uint64_t)nn * PROTO_NET_LEN +
	    (uint64_t)nb * PROTO_VBD_LEN > pbuf_avail(b))
		return XDOM_EPROTO;
	d = snap_add_dom(out, tmp.host, tmp.id, name);
	d->flags = tmp.flags;
	d->cpu_ns = tmp.cpu_ns;
	d->mem_kb = tmp.mem_kb;
	d->maxmem_kb = tmp.maxmem_kb;
	d->vcpus_online = tmp.vcpus_online;
	d->vcpus_max = tmp.vcpus_max;
	d->ssid = tmp.ssid;
	if (nv != 0) {
		vc = snap_add_vcpus(out, nv);
		for (k = 0; k < nv; k++)
			if (pbuf_get_u64(b, &vc[k].ns) ||
			    pbuf_get_bool(b, &vc[k].online))
				return XDOM_EPROTO;
	}
	if (nn != 0) {
		nt = snap_add_nets(out, nn);
		for (k = 0; k < nn; k++)
			if (pbuf_get_u32(b, &nt[k].id) ||
			    pbuf_get_u64(b, &nt[k].rx_bytes) ||
			    pbuf_get_u64(b, &nt[k].rx_pkts) ||
			    pbuf_get_u64(b, &nt[k].rx_errs) ||
			    pbuf_get_u64(b, &nt[k].rx_drops) ||
			    pbuf_get_u64(b, &nt[k].tx_bytes) ||
			    pbuf_get_u64(b, &nt[k].tx_pkts) ||
			    pbuf_get_u64(b, &nt[k].tx_errs) ||
			    pbuf_get_u64(b, &nt[k].tx_drops))
				return XDOM_EPROTO;
	}
	if (nb != 0) {
		vb = snap_add_vbds(out, nb);
		for (k = 0; k < nb; k++)
			if (pbuf_get_u32(b, &vb[k].dev) ||
			    pbuf_get_u64(b, &vb[k].oo) ||
			    pbuf_get_u64(b, &vb[k].rd_reqs) ||
			    pbuf_get_u64(b, &vb[k].wr_reqs) ||
			    pbuf_get_u64(b, &vb[k].rd_sect) ||
			    pbuf_get_u64(b, &vb[k].wr_sect))
				return XDOM_EPROTO;
	}
	return 0;
}

int
proto_stats_decode(const void *payload, size_t len, struct snap *out,
    struct xdom_err *err)
{
	char hname[sizeof out->hosts[0].name];
	struct pbuf b;
	uint64_t wall;
	uint32_t nh, nd, np, i, k;

	snap_reset(out);
	pbuf_view(&b, payload, len);
	if (pbuf_get_u64(&b, &out->mono_ns) || pbuf_get_u64(&b, &wall) ||
	    pbuf_get_u32(&b, &nh) || nh > UINT16_MAX ||
	    nh > pbuf_avail(&b) / PROTO_HOST_MIN)
		goto bad;
	out->wall_s = (int64_t)wall;
	for (i = 0; i < nh; i++) {
		struct snap_host tmp;
		struct snap_host *sh;
		uint16_t h;
		uint64_t *pc;

		memset(&tmp, 0, sizeof tmp);
		if (pbuf_get_str(&b, hname, sizeof hname) ||
		    pbuf_get_str(&b, tmp.hv_version, sizeof tmp.hv_version) ||
		    pbuf_get_u32(&b, &tmp.ncpus) ||
		    pbuf_get_u32(&b, &tmp.cpu_mhz) ||
		    pbuf_get_u64(&b, &tmp.mem_total_kb) ||
		    pbuf_get_u64(&b, &tmp.mem_free_kb) ||
		    pbuf_get_bool(&b, &tmp.simulated) ||
		    pbuf_get_u32(&b, &np) || np > pbuf_avail(&b) / 8)
			goto bad;
		h = snap_add_host(out, hname);
		sh = &out->hosts[h];
		memcpy(sh->hv_version, tmp.hv_version, sizeof sh->hv_version);
		sh->ncpus = tmp.ncpus;
		sh->cpu_mhz = tmp.cpu_mhz;
		sh->mem_total_kb = tmp.mem_total_kb;
		sh->mem_free_kb = tmp.mem_free_kb;
		sh->simulated = tmp.simulated;
		if (np != 0) {
			pc = snap_add_pcpus(out, h, np);
			for (k = 0; k < np; k++)
				if (pbuf_get_u64(&b, &pc[k]))
					goto bad;
		}
	}
	if (pbuf_get_u32(&b, &nd) || nd > pbuf_avail(&b) / PROTO_DOM_MIN)
		goto bad;
	for (i = 0; i < nd; i++)
		if (proto_stats_dom(&b, out) != 0)
			goto bad;
	if (pbuf_get_end(&b) != 0)
		goto bad;
	snap_finish(out);
	return 0;
bad:
	snap_reset(out);
	return xdom_err_set(err, XDOM_EPROTO, "malformed stats reply");
}
