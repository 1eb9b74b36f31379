/*
 * proto_stats.c - the stats reply of the xdomd protocol: a whole
 * snapshot (see proto.h). Each record's fields are the snapshot's field
 * tables (snap.h), walked in order, so the wire carries what JSON
 * carries and a new field cannot be forgotten here. Counts are bounded
 * by the bytes that remain before anything is allocated.
 */
#include "core/proto.h"

#include <string.h>

#include "core/snap.h"

/* A field on the wire: strings as pbuf strings, bools as a byte, the
 * 64-bit kinds as their 64 bits. */
static int
ps_put(struct pbuf *b, const struct snap_field *f, const void *base)
{
	const char *at = (const char *)base + f->offset;
	uint64_t u;
	uint32_t w;
	bool v;

	switch (f->type) {
	case SNAP_FT_U64:
	case SNAP_FT_U64_OPT:
	case SNAP_FT_S64:
		memcpy(&u, at, sizeof u);
		return pbuf_put_u64(b, u);
	case SNAP_FT_U32:
		memcpy(&w, at, sizeof w);
		return pbuf_put_u32(b, w);
	case SNAP_FT_BOOL:
		memcpy(&v, at, sizeof v);
		return pbuf_put_u8(b, v);
	case SNAP_FT_STR:
		return pbuf_put_str(b, at);
	}
	return XDOM_EINVAL;
}

static int
ps_get(struct pbuf *b, const struct snap_field *f, void *base)
{
	char *at = (char *)base + f->offset;
	uint64_t u;
	uint32_t w;
	bool v;
	int rc;

	switch (f->type) {
	case SNAP_FT_U64:
	case SNAP_FT_U64_OPT:
	case SNAP_FT_S64:
		if ((rc = pbuf_get_u64(b, &u)) == 0)
			memcpy(at, &u, sizeof u);
		return rc;
	case SNAP_FT_U32:
		if ((rc = pbuf_get_u32(b, &w)) == 0)
			memcpy(at, &w, sizeof w);
		return rc;
	case SNAP_FT_BOOL:
		if ((rc = pbuf_get_bool(b, &v)) == 0)
			memcpy(at, &v, sizeof v);
		return rc;
	case SNAP_FT_STR:
		return pbuf_get_str(b, at, f->size);
	}
	return XDOM_EPROTO;
}

static int
ps_put_rec(struct pbuf *b, enum snap_rec r, const void *base)
{
	const struct snap_record *rec = snap_record(r);
	size_t i;
	int rc;

	for (i = 0; i < rec->n_fields; i++)
		if ((rc = ps_put(b, &rec->fields[i], base)) != 0)
			return rc;
	return 0;
}

static int
ps_get_rec(struct pbuf *b, enum snap_rec r, void *base)
{
	const struct snap_record *rec = snap_record(r);
	size_t i;
	int rc;

	for (i = 0; i < rec->n_fields; i++)
		if ((rc = ps_get(b, &rec->fields[i], base)) != 0)
			return rc;
	return 0;
}

/* The fewest bytes a record's fields take on the wire. */
static size_t
ps_min(enum snap_rec r)
{
	static const size_t len[] = {
		[SNAP_FT_U64] = 8, [SNAP_FT_U64_OPT] = 8, [SNAP_FT_S64] = 8,
		[SNAP_FT_U32] = 4, [SNAP_FT_BOOL] = 1, [SNAP_FT_STR] = 2,
	};
	const struct snap_record *rec = snap_record(r);
	size_t i, n = 0;

	for (i = 0; i < rec->n_fields; i++)
		n += len[rec->fields[i].type];
	return n;
}

/* Sub-records of the last domain: n of them, each rec's fields. */
static int
ps_get_subs(struct pbuf *b, struct snap *out, enum snap_rec r, uint32_t n)
{
	size_t size = snap_record(r)->size;
	char *recs;
	uint32_t k;

	if (n == 0)
		return 0;
	recs = snap_add_subs(out, r, n);
	for (k = 0; k < n; k++)
		if (ps_get_rec(b, r, recs + k * size) != 0)
			return XDOM_EPROTO;
	return 0;
}

static int
ps_put_subs(struct pbuf *b, enum snap_rec r, const void *recs, uint32_t n)
{
	size_t size = snap_record(r)->size;
	uint32_t k;
	int rc;

	for (k = 0; k < n; k++)
		if ((rc = ps_put_rec(b, r, (const char *)recs + k * size)) != 0)
			return rc;
	return 0;
}

int
proto_stats_encode(struct pbuf *b, const struct snap *s)
{
	size_t h, i, k;
	int rc;

	if ((rc = proto_frame_begin(b, proto_reply_type(PROTO_T_STATS))) ||
	    (rc = ps_put_rec(b, SNAP_REC_SNAP, s)) ||
	    (rc = pbuf_put_u32(b, (uint32_t)s->n_host)))
		return rc;
	for (h = 0; h < s->n_host; h++) {
		const struct snap_host *sh = &s->hosts[h];

		if ((rc = ps_put_rec(b, SNAP_REC_HOST, sh)) ||
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

		if ((rc = pbuf_put_u16(b, d->host)) ||
		    (rc = pbuf_put_u32(b, d->id)) ||
		    (rc = pbuf_put_str(b, snap_dom_name(s, d))) ||
		    (rc = ps_put_rec(b, SNAP_REC_DOM, d)) ||
		    (rc = pbuf_put_u32(b, d->n_vcpu)) ||
		    (rc = pbuf_put_u32(b, d->n_net)) ||
		    (rc = pbuf_put_u32(b, d->n_vbd)) ||
		    (rc = ps_put_subs(b, SNAP_REC_VCPU, snap_dom_vcpus(s, d),
		    d->n_vcpu)) ||
		    (rc = ps_put_subs(b, SNAP_REC_NET, snap_dom_nets(s, d),
		    d->n_net)) ||
		    (rc = ps_put_subs(b, SNAP_REC_VBD, snap_dom_vbds(s, d),
		    d->n_vbd)))
			return rc;
	}
	return proto_frame_end(b);
}

static int
ps_get_dom(struct pbuf *b, struct snap *out)
{
	char name[256];
	struct snap_dom *d, tmp;
	uint32_t nv, nn, nb;

	memset(&tmp, 0, sizeof tmp);
	if (pbuf_get_u16(b, &tmp.host) || tmp.host >= out->n_host ||
	    pbuf_get_u32(b, &tmp.id) || pbuf_get_str(b, name, sizeof name) ||
	    ps_get_rec(b, SNAP_REC_DOM, &tmp) ||
	    pbuf_get_u32(b, &nv) || pbuf_get_u32(b, &nn) ||
	    pbuf_get_u32(b, &nb))
		return XDOM_EPROTO;
	if ((uint64_t)nv * ps_min(SNAP_REC_VCPU) +
	    (uint64_t)nn * ps_min(SNAP_REC_NET) +
	    (uint64_t)nb * ps_min(SNAP_REC_VBD) > pbuf_avail(b))
		return XDOM_EPROTO;
	d = snap_add_dom(out, tmp.host, tmp.id, name);
	snap_fields_copy(SNAP_REC_DOM, d, &tmp, SNAP_COPY_ALL);
	if (ps_get_subs(b, out, SNAP_REC_VCPU, nv) ||
	    ps_get_subs(b, out, SNAP_REC_NET, nn) ||
	    ps_get_subs(b, out, SNAP_REC_VBD, nb))
		return XDOM_EPROTO;
	return 0;
}

static int
ps_get_host(struct pbuf *b, struct snap *out)
{
	struct snap_host tmp;
	uint64_t *pc;
	uint32_t np, k;
	uint16_t h;

	memset(&tmp, 0, sizeof tmp);
	if (ps_get_rec(b, SNAP_REC_HOST, &tmp) || pbuf_get_u32(b, &np) ||
	    np > pbuf_avail(b) / 8)
		return XDOM_EPROTO;
	h = snap_add_host(out, tmp.name);
	snap_fields_copy(SNAP_REC_HOST, &out->hosts[h], &tmp, SNAP_COPY_ALL);
	if (np == 0)
		return 0;
	pc = snap_add_pcpus(out, h, np);
	for (k = 0; k < np; k++)
		if (pbuf_get_u64(b, &pc[k]))
			return XDOM_EPROTO;
	return 0;
}

int
proto_stats_decode(const void *payload, size_t len, struct snap *out,
    struct xdom_err *err)
{
	/* Each host and domain takes at least these many bytes: a count
	 * beyond what the payload can hold is refused before allocating. */
	size_t host_min = ps_min(SNAP_REC_HOST) + 4;
	size_t dom_min = 2 + 4 + 2 + ps_min(SNAP_REC_DOM) + 3 * 4;
	struct pbuf b;
	uint32_t nh, nd, i;

	snap_reset(out);
	pbuf_view(&b, payload, len);
	if (ps_get_rec(&b, SNAP_REC_SNAP, out) || pbuf_get_u32(&b, &nh) ||
	    nh > UINT16_MAX || nh > pbuf_avail(&b) / host_min)
		goto bad;
	for (i = 0; i < nh; i++)
		if (ps_get_host(&b, out) != 0)
			goto bad;
	if (pbuf_get_u32(&b, &nd) || nd > pbuf_avail(&b) / dom_min)
		goto bad;
	for (i = 0; i < nd; i++)
		if (ps_get_dom(&b, out) != 0)
			goto bad;
	if (pbuf_get_end(&b) != 0)
		goto bad;
	snap_finish(out);
	return 0;
bad:
	snap_reset(out);
	return xdom_err_set(err, XDOM_EPROTO, "malformed stats reply");
}
