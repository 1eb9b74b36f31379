/*
 * proto.h - the wire protocol between xdomd and its clients (the shell,
 * the `helper` hypervisor backend): a bounded buffer, framing and the
 * codec for every message. Pure logic: no sockets here.
 *
 * Framing: every message is a 12-byte header followed by its payload.
 *
 *   u32 payload length (big-endian)   at most PROTO_MAX_MSG, and at most
 *                                     the request type's own limit
 *   u16 protocol version              PROTO_VERSION
 *   u16 message type                  enum proto_type
 *   u32 request id                    chosen by the client for a request;
 *                                     every message answering it (reply,
 *                                     error, progress) carries the same id
 *
 * Integers are big-endian; a string is a u16 length and that many bytes,
 * with no NUL among them. Decoding is strict: a short, long or trailing
 * payload, a string too long for its field, an unknown type or version is
 * XDOM_EPROTO. A request is answered by exactly one reply of the type
 * proto_reply_type() gives, or by PROTO_T_ERROR; a request that acts on
 * a guest (proto_req_acts()) may first receive any number of
 * PROTO_T_PROGRESS messages: a re-image's tell how far it got, and any
 * action that takes long is kept alive by repeats of the last one. An answer must
 * carry its request's id (proto_answer_check()); the one exception is an
 * error with id 0, which is about the connection itself (too many
 * connections, a malformed header) and is followed by the daemon closing
 * it. A client therefore numbers its requests from 1.
 *
 * One connection carries one request at a time: the client sends, reads
 * the whole answer, then may send the next request.
 */
#ifndef XDOM_CORE_PROTO_H
#define XDOM_CORE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/escape.h"

struct snap;
struct hv_info;

#define PROTO_VERSION 2
#define PROTO_HDR_LEN 12
#define PROTO_MAX_MSG (1024 * 1024)	/* hard limit for any payload */
#define PROTO_REQ_MAX 512		/* hard limit for a request payload */
#define PROTO_REASON_MAX 200		/* bytes of a request's reason */
#define PROTO_USER_MAX 64		/* user and group names */
#define PROTO_MAX_GROUPS 32		/* groups reported by whoami */
#define PROTO_MAX_GUESTS 4096		/* entries in a list reply */
#define PROTO_STAGE_MAX 64		/* progress stage text */

/* Message types, with their numbers on the wire (which never change).
 * Requests are below PROTO_T_REPLY; a reply's type is its request's type
 * with PROTO_T_REPLY set. What each request is, carries and needs is one
 * row of the request table (proto_req_desc()). */
enum proto_type {
	PROTO_T_WHOAMI = 1,	/* who the daemon thinks the caller is */
	PROTO_T_LIST = 2,	/* guests the caller may see, with rights */
	PROTO_T_INFO = 3,	/* hv_info of one guest */
	PROTO_T_STATS = 4,	/* snapshot of the caller's domains */
	PROTO_T_BOOT = 5,	/* the hv actions: core/domain.c names */
	PROTO_T_SHUTDOWN = 6,	/* each one's type in its row */
	PROTO_T_REBOOT = 7,
	PROTO_T_RESET = 8,
	PROTO_T_DESTROY = 9,
	PROTO_T_PAUSE = 10,
	PROTO_T_UNPAUSE = 11,
	PROTO_T_CONSOLE = 12,	/* reply carries the console fd */
	PROTO_T_REIMAGE = 13,	/* progress messages, then the reply */
	PROTO_T_SYSRQ = 14,	/* arg: the key, one of HV_SYSRQ_KEYS */
	PROTO_T_VCPUS = 15,	/* online vcpus = arg */
	PROTO_T_MEM = 16,	/* memory target = value (KiB) */
	PROTO_T_MAXMEM = 17,	/* maximum memory = value (KiB) */
	PROTO_T_ATTACH = 18,	/* image as vdev; arg: PROTO_ATTACH_RW */
	PROTO_T_DETACH = 19,	/* vdev */
	PROTO_T_SAVE = 20,	/* into the daemon's save_dir; guest stops */
	PROTO_T_RESTORE = 21,	/* from the daemon's save_dir */
	PROTO_T__REQ_END = 22,	/* one past the last request */

	PROTO_T_REPLY = 0x8000,
	PROTO_T_ERROR = 0xff01,	/* i32 code, string message */
	PROTO_T_PROGRESS = 0xff02,	/* u16 permille, string stage */
};

/* Request flags (proto_req.arg for PROTO_T_REIMAGE, PROTO_T_ATTACH). */
#define PROTO_REIMAGE_SHUTDOWN_FIRST 1u
#define PROTO_ATTACH_RW 1u		/* read-write, else read-only */
#define PROTO_VCPUS_MAX 4096		/* largest vcpus request */
#define PROTO_VDEV_MAX 15		/* "xvdzz" and room to spare */

/* What a request's arg, value, vdev and image fields carry (every field
 * a type does not name must be zero or empty). */
enum proto_req_field {
	PROTO_F_STATS = 1u << 0,	/* arg: enum hv_snap_what bits */
	PROTO_F_REIMAGE = 1u << 1,	/* arg: PROTO_REIMAGE_SHUTDOWN_FIRST */
	PROTO_F_KEY = 1u << 2,		/* arg: a SysRq key */
	PROTO_F_COUNT = 1u << 3,	/* arg: a vcpu count */
	PROTO_F_ATTACH = 1u << 4,	/* arg: PROTO_ATTACH_RW */
	PROTO_F_KIB = 1u << 5,		/* value: KiB */
	PROTO_F_VDEV = 1u << 6,		/* vdev */
	PROTO_F_IMAGE = 1u << 7,	/* image */
};

/* The payload of a request's reply. */
enum proto_reply_kind {
	PROTO_R_EMPTY = 0,	/* nothing (actions; console: with its fd) */
	PROTO_R_WHOAMI,		/* struct proto_whoami */
	PROTO_R_LIST,		/* struct proto_guest list */
	PROTO_R_INFO,		/* struct hv_info */
	PROTO_R_STATS,		/* a snapshot */
};

/* A request's payload: name, reason and arg, then (res) value, vdev,
 * image. These are the most bytes each can take. */
#define PROTO_REQ_LEN(name_max) (2 + (name_max) + 2 + PROTO_REASON_MAX + 4)
#define PROTO_REQ_RES_LEN (PROTO_REQ_LEN(XDOM_NAME_MAX) + 8 + \
	2 + PROTO_VDEV_MAX + 2 + XDOM_NAME_MAX)

/* What the codec and xdomd know of each request type: one row per type
 * (core/proto.c), from which the decoder, the daemon's dispatch and its
 * policy check are all derived. */
struct proto_req_desc {
	uint16_t type;		/* its index: the wire number */
	const char *name;	/* "whoami", "reboot", ... (audit, errors) */
	bool needs_name;	/* carries a domain name; otherwise it is "" */
	bool res;		/* carries the resource fields (value, vdev,
				   image) after the common ones */
	bool acts;		/* acts on the guest in xdomd's worker, under
				   its lock; may be answered by progress */
	int policy;		/* enum policy_action the named guest must
				   grant; -1: a read filtered by its own
				   rule (whoami, list, stats) */
	unsigned fields;	/* enum proto_req_field */
	uint32_t max_len;	/* hard limit for this request's payload */
	enum proto_reply_kind reply;
	uint32_t reply_max;	/* hard limit for its reply's payload */
};

/* The description of a request type, or NULL when it is not one. */
const struct proto_req_desc *proto_req_desc(uint16_t type);
/* The request type for an hv action (enum hv_action), 0 if none. */
uint16_t proto_action_type(unsigned hv_action);
/* The hv action (enum hv_action) of a request type; -1 when not one. */
int proto_type_action(uint16_t type);
/* Whether a request acts on a guest (runs in xdomd's worker, may take
 * long): it may then be answered by progress messages first. */
bool proto_req_acts(uint16_t type);
/* The reply type a request expects. */
uint16_t proto_reply_type(uint16_t req_type);
/*
 * Whether a message of type got may answer a request of type req: its
 * reply, an error, or (proto_req_acts() only) progress. XDOM_EPROTO
 * otherwise.
 */
int proto_reply_check(uint16_t req_type, uint16_t got, struct xdom_err *err);
/*
 * proto_reply_check() plus the id: a message (got, got_id) answers the
 * request (req_type, req_id) when its type fits and got_id == req_id, or
 * when it is an error with id 0 (about the connection). XDOM_EPROTO
 * otherwise: a stale or stray answer is never taken for this one.
 */
int proto_answer_check(uint16_t req_type, uint32_t req_id, uint16_t got,
    uint32_t got_id, struct xdom_err *err);

/*
 * A bounded byte buffer (after OpenSSH's sshbuf). Writes append at the
 * end and fail with XDOM_ENOMEM beyond max; reads consume from the front
 * and fail with XDOM_EPROTO when the data runs out. Every call returns an
 * rc the caller checks. A buffer made by pbuf_view() reads caller-owned
 * bytes and cannot be written.
 */
struct pbuf {
	uint8_t *d;
	size_t len;	/* bytes written */
	size_t off;	/* bytes consumed by reads */
	size_t cap;	/* allocated */
	size_t max;	/* hard limit on len */
	bool view;	/* d is borrowed and read-only */
	size_t frame_at;	/* header of the frame being built */
	bool framing;	/* between proto_frame_begin and _end */
	uint32_t frame_id;	/* request id put in the frames begun here */
};

/* Lifecycle: _init an empty buffer (nothing allocated until the first
 * write), _dispose frees (safe twice). _reset empties, keeping memory
 * (and the frame id). */
void pbuf_init(struct pbuf *b, size_t max);
void pbuf_view(struct pbuf *b, const void *data, size_t len);
void pbuf_dispose(struct pbuf *b);
void pbuf_reset(struct pbuf *b);
/* Unread bytes and a pointer to them. */
size_t pbuf_avail(const struct pbuf *b);
const uint8_t *pbuf_ptr(const struct pbuf *b);

int pbuf_put_u8(struct pbuf *b, uint8_t v);
int pbuf_put_u16(struct pbuf *b, uint16_t v);
int pbuf_put_u32(struct pbuf *b, uint32_t v);
int pbuf_put_u64(struct pbuf *b, uint64_t v);
int pbuf_put_bytes(struct pbuf *b, const void *p, size_t n);
/* A string of at most 65535 bytes (XDOM_EINVAL when longer). */
int pbuf_put_str(struct pbuf *b, const char *s);

int pbuf_get_u8(struct pbuf *b, uint8_t *v);
int pbuf_get_u16(struct pbuf *b, uint16_t *v);
int pbuf_get_u32(struct pbuf *b, uint32_t *v);
int pbuf_get_u64(struct pbuf *b, uint64_t *v);
/* A bool: a byte that is 0 or 1, anything else is XDOM_EPROTO. */
int pbuf_get_bool(struct pbuf *b, bool *v);
/* A string into dst[size] (NUL-terminated): XDOM_EPROTO when it holds a
 * NUL byte or does not fit in size - 1 bytes. */
int pbuf_get_str(struct pbuf *b, char *dst, size_t size);
/* XDOM_EPROTO when unread bytes remain: strict decoders end with it. */
int pbuf_get_end(const struct pbuf *b);

/*
 * Framing. proto_frame_begin() appends a header with a zero length and
 * the buffer's frame id (proto_frame_id_set(), 0 after pbuf_init);
 * proto_frame_end() patches the length once the payload is written.
 * Every encoder below frames through these, so a server answering
 * request N sets its reply buffer's id to N first.
 */
void proto_frame_id_set(struct pbuf *b, uint32_t id);
int proto_frame_begin(struct pbuf *b, uint16_t type);
int proto_frame_end(struct pbuf *b);
/* Overwrite the request id in an encoded header (a relay restamps what
 * it passes on with the id it knows to be right). */
void proto_header_stamp(uint8_t hdr[PROTO_HDR_LEN], uint32_t id);
/*
 * Parse a header. max is the largest payload the reader accepts (a
 * server passes PROTO_REQ_MAX, a client PROTO_MAX_MSG); requests,
 * replies, errors and progress messages are also held to their type's
 * own limit. XDOM_EPROTO for a bad version or
 * unknown type, XDOM_ENOMEM for an oversized length. *id (when id is not
 * NULL) gets the request id even when the header is refused, so the
 * refusal can name it.
 */
int proto_header_parse(const uint8_t hdr[PROTO_HDR_LEN], size_t max,
    uint16_t *type, uint32_t *len, uint32_t *id, struct xdom_err *err);

/*
 * A request, decoded. Every request starts with name, reason and arg;
 * the resource requests (desc->res) go on with u64 value, string vdev
 * and string image. The decoder checks each type's fields (desc->fields):
 *
 *   stats    arg: enum hv_snap_what bits
 *   reimage  arg: PROTO_REIMAGE_SHUTDOWN_FIRST or 0
 *   sysrq    arg: one of HV_SYSRQ_KEYS
 *   vcpus    arg 1..PROTO_VCPUS_MAX
 *   memory, maxmem   value 1..MEMSIZE_MAX_KB (KiB)
 *   attach   vdev (vdev.h), image (a name as xdom_name_valid() wants;
 *            xdomd finds it in its block_dir), arg PROTO_ATTACH_RW or 0
 *   detach   vdev
 *   save, restore    nothing more: xdomd picks the file in its save_dir
 *
 * and that every other field is zero or empty.
 */
struct proto_req {
	uint16_t type;
	uint32_t id;	/* from the header: the decoder leaves it 0 */
	char name[XDOM_NAME_MAX + 1];		/* "" when the type has none */
	char reason[PROTO_REASON_MAX + 1];	/* "" when none was given */
	uint32_t arg;	/* stats: enum hv_snap_what; reimage, attach:
			   flags; sysrq: the key; vcpus: the count */
	uint64_t value;				/* memory, maxmem: KiB */
	char vdev[PROTO_VDEV_MAX + 1];		/* attach, detach */
	char image[XDOM_NAME_MAX + 1];		/* attach */
};

/* Append a whole framed request, with r->id in its header. XDOM_EINVAL
 * when a field is too long or a name is missing or present against the
 * type's rule. */
int proto_req_encode(struct pbuf *b, const struct proto_req *r,
    struct xdom_err *err);
/* Decode a request payload of the given type. A name, when the type has
 * one, must satisfy xdom_name_valid(): XDOM_EINVAL otherwise (a user
 * error, answered but not a protocol violation). */
int proto_req_decode(uint16_t type, const void *payload, size_t len,
    struct proto_req *r, struct xdom_err *err);

/* Error reply: code is a negative XDOM_E* value. */
int proto_error_encode(struct pbuf *b, int code, const char *msg);
/* Decode into err (code and message); returns 0 when well formed, so
 * the caller returns err->code. */
int proto_error_decode(const void *payload, size_t len,
    struct xdom_err *out, struct xdom_err *err);

/* Progress message of a re-image. */
int proto_progress_encode(struct pbuf *b, unsigned permille,
    const char *stage);
int proto_progress_decode(const void *payload, size_t len,
    unsigned *permille, char stage[PROTO_STAGE_MAX + 1],
    struct xdom_err *err);

/* An empty reply (actions, console, re-image). */
int proto_empty_encode(struct pbuf *b, uint16_t req_type);
int proto_empty_decode(const void *payload, size_t len,
    struct xdom_err *err);

/* whoami reply. */
struct proto_whoami {
	uint32_t uid, gid;
	char user[PROTO_USER_MAX + 1];
	uint32_t n_groups;
	char groups[PROTO_MAX_GROUPS][PROTO_USER_MAX + 1];
	char backend[16];	/* the daemon's backend name */
	bool simulated;		/* its data is simulated */
	bool compat;		/* xen-shell owners honoured */
};
int proto_whoami_encode(struct pbuf *b, const struct proto_whoami *w);
int proto_whoami_decode(const void *payload, size_t len,
    struct proto_whoami *w, struct xdom_err *err);

/* list reply: one entry per guest the caller may see. */
struct proto_guest {
	char name[XDOM_NAME_MAX + 1];
	bool running;
	uint32_t id;
	uint32_t allowed;	/* bits of enum policy_action */
	uint32_t need_reason;	/* of those, the ones needing a reason */
};
struct proto_guest_list {
	struct proto_guest *g;	/* owned; free with _dispose */
	size_t n;
};
void proto_guest_list_dispose(struct proto_guest_list *l);
int proto_list_encode(struct pbuf *b, const struct proto_guest *g, size_t n);
int proto_list_decode(const void *payload, size_t len,
    struct proto_guest_list *out, struct xdom_err *err);

/* info reply: struct hv_info. */
int proto_info_encode(struct pbuf *b, const struct hv_info *in);
int proto_info_decode(const void *payload, size_t len, struct hv_info *out,
    struct xdom_err *err);

/*
 * stats reply: a whole snapshot (hosts, domains and their sub-records).
 * The sender filters it first; the decoder bounds every count by what is
 * left of the payload, so a lying count cannot make it allocate much.
 */
int proto_stats_encode(struct pbuf *b, const struct snap *s);
int proto_stats_decode(const void *payload, size_t len, struct snap *out,
    struct xdom_err *err);

#endif
