/*
 * snap_fields.c - the snapshot's field tables (see snap.h): one row per
 * member that travels, in wire and JSON order.
 */
#include "core/snap.h"

#include <string.h>

#define SNAP_FIELD(st, m, t) .name = #m, .type = (t), \
	.offset = offsetof(struct st, m), .size = sizeof(((struct st *)0)->m)

static const struct snap_field snap_top_fields[] = {
	{ SNAP_FIELD(snap, mono_ns, SNAP_FT_U64) },
	{ SNAP_FIELD(snap, wall_s, SNAP_FT_S64) },
};

static const struct snap_field snap_host_fields[] = {
	{ SNAP_FIELD(snap_host, name, SNAP_FT_STR) },
	{ SNAP_FIELD(snap_host, hv_version, SNAP_FT_STR) },
	{ SNAP_FIELD(snap_host, ncpus, SNAP_FT_U32), .host_wide = true },
	{ SNAP_FIELD(snap_host, cpu_mhz, SNAP_FT_U32), .host_wide = true },
	{ SNAP_FIELD(snap_host, mem_total_kb, SNAP_FT_U64),
	    .host_wide = true },
	{ SNAP_FIELD(snap_host, mem_free_kb, SNAP_FT_U64),
	    .host_wide = true },
	{ SNAP_FIELD(snap_host, simulated, SNAP_FT_BOOL) },
};

static const struct snap_field snap_dom_fields[] = {
	{ SNAP_FIELD(snap_dom, flags, SNAP_FT_U32) },
	{ SNAP_FIELD(snap_dom, cpu_ns, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_dom, mem_kb, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_dom, maxmem_kb, SNAP_FT_U64_OPT) },
	{ SNAP_FIELD(snap_dom, vcpus_online, SNAP_FT_U32) },
	{ SNAP_FIELD(snap_dom, vcpus_max, SNAP_FT_U32) },
	{ SNAP_FIELD(snap_dom, ssid, SNAP_FT_U32) },
};

static const struct snap_field snap_vcpu_fields[] = {
	{ SNAP_FIELD(snap_vcpu, ns, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_vcpu, online, SNAP_FT_BOOL) },
};

static const struct snap_field snap_net_fields[] = {
	{ SNAP_FIELD(snap_net, id, SNAP_FT_U32) },
	{ SNAP_FIELD(snap_net, rx_bytes, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, rx_pkts, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, rx_errs, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, rx_drops, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, tx_bytes, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, tx_pkts, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, tx_errs, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_net, tx_drops, SNAP_FT_U64) },
};

static const struct snap_field snap_vbd_fields[] = {
	{ SNAP_FIELD(snap_vbd, dev, SNAP_FT_U32) },
	{ SNAP_FIELD(snap_vbd, oo, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_vbd, rd_reqs, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_vbd, wr_reqs, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_vbd, rd_sect, SNAP_FT_U64) },
	{ SNAP_FIELD(snap_vbd, wr_sect, SNAP_FT_U64) },
};

#define SNAP_N(t) (sizeof(t) / sizeof((t)[0]))

static const struct snap_record snap_records[SNAP_REC__COUNT] = {
	[SNAP_REC_SNAP] = { .key = "", .size = sizeof(struct snap),
	    .fields = snap_top_fields, .n_fields = SNAP_N(snap_top_fields) },
	[SNAP_REC_HOST] = { .key = "hosts", .size = sizeof(struct snap_host),
	    .fields = snap_host_fields,
	    .n_fields = SNAP_N(snap_host_fields) },
	[SNAP_REC_DOM] = { .key = "domains", .size = sizeof(struct snap_dom),
	    .fields = snap_dom_fields, .n_fields = SNAP_N(snap_dom_fields) },
	[SNAP_REC_VCPU] = { .key = "vcpus", .size = sizeof(struct snap_vcpu),
	    .fields = snap_vcpu_fields,
	    .n_fields = SNAP_N(snap_vcpu_fields) },
	[SNAP_REC_NET] = { .key = "nets", .size = sizeof(struct snap_net),
	    .fields = snap_net_fields, .n_fields = SNAP_N(snap_net_fields) },
	[SNAP_REC_VBD] = { .key = "vbds", .size = sizeof(struct snap_vbd),
	    .fields = snap_vbd_fields, .n_fields = SNAP_N(snap_vbd_fields) },
};

const struct snap_record *
snap_record(enum snap_rec r)
{
	if ((unsigned)r >= SNAP_REC__COUNT)
		return NULL;
	return &snap_records[r];
}

void
snap_fields_copy(enum snap_rec r, void *dst, const void *src,
    unsigned which)
{
	const struct snap_record *rec = snap_record(r);
	size_t i;

	for (i = 0; rec != NULL && i < rec->n_fields; i++) {
		const struct snap_field *f = &rec->fields[i];
		unsigned kind = f->host_wide ? SNAP_COPY_HOST_WIDE :
		    SNAP_COPY_OWN;

		if ((which & kind) != 0)
			memcpy((char *)dst + f->offset,
			    (const char *)src + f->offset, f->size);
	}
}

void *
snap_add_subs(struct snap *s, enum snap_rec r, uint32_t n)
{
	switch (r) {
	case SNAP_REC_VCPU:
		return snap_add_vcpus(s, n);
	case SNAP_REC_NET:
		return snap_add_nets(s, n);
	case SNAP_REC_VBD:
		return snap_add_vbds(s, n);
	default:
		return NULL;
	}
}
