/*
 * snap.h - a snapshot of one or more Xen hosts: the data model every
 * backend fills and every view reads.
 *
 * Counters are cumulative (since the domain was created); rates come from
 * two snapshots in rates.c, so every backend and every host is treated the
 * same. Domains are kept sorted by (host, id) after snap_finish(), which
 * lets rates_compute() pair two snapshots in one pass.
 *
 * Memory: a struct snap owns all of its arrays and strings. snap_reset()
 * empties it but keeps the capacity, so a dashboard that refreshes into
 * the same two snapshots allocates nothing after the first refresh.
 * Per-domain sub-arrays (vcpus, nets, vbds) and names are stored as
 * offsets into the snapshot's pools, because the pools may move when they
 * grow; use the accessors below to reach them.
 */
#ifndef XDOM_CORE_SNAP_H
#define XDOM_CORE_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Domain state flags, in xentop's order: d s b c p r. */
enum snap_flag {
	SNAP_F_DYING = 1u << 0,
	SNAP_F_SHUTDOWN = 1u << 1,
	SNAP_F_BLOCKED = 1u << 2,
	SNAP_F_CRASHED = 1u << 3,
	SNAP_F_PAUSED = 1u << 4,
	SNAP_F_RUNNING = 1u << 5,
};
#define SNAP_STATE_LEN 6	/* "dsbcpr" */

/* maxmem value meaning "no limit" (xentop prints "no limit"). */
#define SNAP_MEM_UNLIMITED UINT64_MAX

/* Host-level status, meaningful for remote hosts in the fleet view. */
enum snap_host_state {
	SNAP_HOST_UP = 0,
	SNAP_HOST_CONNECTING,
	SNAP_HOST_AUTH_FAILED,
	SNAP_HOST_KEY_MISMATCH,
	SNAP_HOST_DOWN,
	SNAP_HOST_RETRYING,
};

struct snap_host {
	char name[128];		/* host label: "localhost", "user@host:port" */
	char hv_version[32];	/* "4.17.3", "sim" */
	uint32_t ncpus;		/* physical CPUs */
	uint32_t cpu_mhz;
	uint64_t mem_total_kb;
	uint64_t mem_free_kb;
	bool simulated;		/* data comes from the sim backend */
	int state;		/* enum snap_host_state */
	char status[96];	/* one line for the user: "retrying in 4 s" */
	uint32_t pcpu_off;	/* into snap.pcpu_ns, n_pcpu entries */
	uint32_t n_pcpu;	/* 0 when the backend has no per-pCPU data */
	uint64_t sample_ns;	/* when this host's counters were read, on
				   the host's own monotonic clock; 0 when
				   the snapshot's mono_ns says it (local
				   backends). Remote hosts report at their
				   own pace: rates use this per host. */
};

struct snap_vcpu {
	uint64_t ns;		/* cumulative run time */
	bool online;
};

struct snap_net {
	uint32_t id;		/* vif index within the domain */
	uint64_t rx_bytes, rx_pkts, rx_errs, rx_drops;
	uint64_t tx_bytes, tx_pkts, tx_errs, tx_drops;
};

struct snap_vbd {
	uint32_t dev;		/* Xen virtual device number (51712 = xvda) */
	uint64_t oo;		/* out-of-request events */
	uint64_t rd_reqs, wr_reqs;
	uint64_t rd_sect, wr_sect;
};

struct snap_dom {
	uint32_t id;
	uint32_t flags;		/* enum snap_flag bits */
	uint32_t name_off;	/* into snap.strings: raw bytes, NUL-terminated */
	uint16_t host;		/* index into snap.hosts */
	uint64_t cpu_ns;	/* cumulative CPU time, all vcpus */
	uint64_t mem_kb;	/* current allocation */
	uint64_t maxmem_kb;	/* SNAP_MEM_UNLIMITED when none */
	uint32_t vcpus_online;
	uint32_t vcpus_max;
	uint32_t ssid;
	uint32_t vcpu_off, n_vcpu;	/* into snap.vcpu */
	uint32_t net_off, n_net;	/* into snap.net */
	uint32_t vbd_off, n_vbd;	/* into snap.vbd */
};

struct snap {
	uint64_t mono_ns;	/* CLOCK_MONOTONIC at collection: rates use it */
	int64_t wall_s;		/* CLOCK_REALTIME seconds: headers show it */

	struct snap_host *hosts;
	size_t n_host, cap_host;
	struct snap_dom *dom;
	size_t n_dom, cap_dom;
	struct snap_vcpu *vcpu;
	size_t n_vcpu, cap_vcpu;
	struct snap_net *net;
	size_t n_net, cap_net;
	struct snap_vbd *vbd;
	size_t n_vbd, cap_vbd;
	uint64_t *pcpu_ns;	/* per physical CPU busy time, cumulative */
	size_t n_pcpu, cap_pcpu;
	char *strings;
	size_t n_strings, cap_strings;
};

/* Lifecycle: _init on a fresh struct, _dispose frees (safe twice). */
void snap_init(struct snap *s);
void snap_dispose(struct snap *s);
/* Empty the snapshot, keeping its allocations. */
void snap_reset(struct snap *s);

/* Append a host; returns its index. Zeroed except for name. */
uint16_t snap_add_host(struct snap *s, const char *name);

/*
 * Append a domain and return it (zeroed, name copied, host set). The
 * pointer stays valid until the next snap_add_dom() call.
 */
struct snap_dom *snap_add_dom(struct snap *s, uint16_t host, uint32_t id,
    const char *name);

/*
 * Append n sub-records to the *last* added domain and return a pointer
 * to them (zeroed). Valid until the next append of the same kind.
 */
struct snap_vcpu *snap_add_vcpus(struct snap *s, uint32_t n);
struct snap_net *snap_add_nets(struct snap *s, uint32_t n);
struct snap_vbd *snap_add_vbds(struct snap *s, uint32_t n);
/* Per-pCPU busy counters for host h (call once per host). */
uint64_t *snap_add_pcpus(struct snap *s, uint16_t host, uint32_t n);

/* Sort domains by (host, id). Backends call it once they are done. */
void snap_finish(struct snap *s);

/* Copy every host and domain of src into dst (the fleet merge). */
void snap_append(struct snap *dst, const struct snap *src);

/* Accessors. */
static inline const char *
snap_dom_name(const struct snap *s, const struct snap_dom *d)
{
	return s->strings + d->name_off;
}
static inline const struct snap_vcpu *
snap_dom_vcpus(const struct snap *s, const struct snap_dom *d)
{
	return s->vcpu + d->vcpu_off;
}
static inline const struct snap_net *
snap_dom_nets(const struct snap *s, const struct snap_dom *d)
{
	return s->net + d->net_off;
}
static inline const struct snap_vbd *
snap_dom_vbds(const struct snap *s, const struct snap_dom *d)
{
	return s->vbd + d->vbd_off;
}

/* Find a domain by name (linear) or by (host, id) (binary search after
 * snap_finish). NULL when absent. */
const struct snap_dom *snap_find_name(const struct snap *s, const char *name);
const struct snap_dom *snap_find_id(const struct snap *s, uint16_t host,
    uint32_t id);

/* Write the six state letters ("-b----") plus NUL into buf[7]. */
void snap_state_str(uint32_t flags, char buf[SNAP_STATE_LEN + 1]);

/* Totals over a domain's sub-records. */
struct snap_dom_totals {
	uint64_t rx_bytes, tx_bytes, rx_pkts, tx_pkts;
	uint64_t rx_errs, tx_errs, rx_drops, tx_drops;
	uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
};
void snap_dom_totals(const struct snap *s, const struct snap_dom *d,
    struct snap_dom_totals *t);

/* Virtual device name for a Xen vbd number ("xvda", "hdb", "sda1"),
 * or the number in decimal; buf of at least 16 bytes. */
void snap_vbd_name(uint32_t dev, char *buf, size_t len);

/*
 * The snapshot's records, field by field, written once: the wire codec
 * (proto_stats.c), JSON (snapjson.c, snapjson_fast.c) and xdomd's
 * filtered copy walk these tables, in their order (which is the order on
 * the wire and in JSON: never reorder, append). A field missing here
 * travels nowhere; tests/unit/test_snap_fields.c checks every member of
 * each struct is either here or named there as local bookkeeping.
 *
 * Not in the tables: snap_host state, status, pcpu_off, n_pcpu and
 * sample_ns (the reader's own), snap_dom host, id and name (they place
 * the record, each codec writes them first) and the offsets and counts
 * of the sub-records (their arrays follow each record).
 */
enum snap_field_type {
	SNAP_FT_U64,		/* uint64_t */
	SNAP_FT_U64_OPT,	/* uint64_t, UINT64_MAX (none) is JSON null */
	SNAP_FT_S64,		/* int64_t: JSON >= 0, the wire its 64 bits */
	SNAP_FT_U32,		/* uint32_t */
	SNAP_FT_BOOL,		/* bool: one byte 0/1 on the wire */
	SNAP_FT_STR,		/* char[size], NUL-terminated, no NUL inside */
};

struct snap_field {
	const char *name;	/* the C member's name, also its JSON key */
	enum snap_field_type type;
	size_t offset, size;
	bool host_wide;		/* a figure of the whole host, shown only to
				   callers granted `host` (xdomd) */
};

enum snap_rec {
	SNAP_REC_SNAP,		/* struct snap: mono_ns, wall_s */
	SNAP_REC_HOST,		/* struct snap_host */
	SNAP_REC_DOM,		/* struct snap_dom */
	SNAP_REC_VCPU,		/* struct snap_vcpu */
	SNAP_REC_NET,		/* struct snap_net */
	SNAP_REC_VBD,		/* struct snap_vbd */
	SNAP_REC__COUNT
};

struct snap_record {
	const char *key;	/* its JSON array ("hosts", ...); "" for the top */
	size_t size;		/* sizeof the struct */
	const struct snap_field *fields;
	size_t n_fields;
};

/* The table of one record; NULL when out of range. */
const struct snap_record *snap_record(enum snap_rec r);

/* snap_add_vcpus(), _nets() or _vbds() by record (SNAP_REC_VCPU, _NET,
 * _VBD); NULL for any other record. */
void *snap_add_subs(struct snap *s, enum snap_rec r, uint32_t n);

/* Which fields snap_fields_copy() copies. */
enum snap_copy {
	SNAP_COPY_OWN = 1u << 0,	/* every field not host_wide */
	SNAP_COPY_HOST_WIDE = 1u << 1,	/* the host_wide ones */
	SNAP_COPY_ALL = 3u,
};
/* Copy the table's fields of record r from src to dst (both of r's
 * struct type); the placing fields and offsets are the caller's. */
void snap_fields_copy(enum snap_rec r, void *dst, const void *src,
    unsigned which);

#endif
