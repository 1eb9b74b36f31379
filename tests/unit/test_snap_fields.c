/*
 * test_snap_fields.c - the snapshot's field tables (core/snap_fields.c)
 * and every codec that walks them: each member of each record struct is
 * either in its table or named below as bookkeeping that does not travel,
 * and every field of every table round-trips through the wire codec,
 * both JSON decoders and the copy xdomd filters snapshots with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/proto.h"
#include "core/snap.h"
#include "core/snapjson.h"

/* Members that are no codec's business: where a record's sub-records
 * and strings are, the reader's own view of a host, and the fields that
 * place a domain (each codec writes those itself, first). */
struct local { size_t off, size; };
#define LOCAL(st, m) { offsetof(struct st, m), sizeof(((struct st *)0)->m) }

static const struct local local_snap[] = {
	LOCAL(snap, hosts), LOCAL(snap, n_host), LOCAL(snap, cap_host),
	LOCAL(snap, dom), LOCAL(snap, n_dom), LOCAL(snap, cap_dom),
	LOCAL(snap, vcpu), LOCAL(snap, n_vcpu), LOCAL(snap, cap_vcpu),
	LOCAL(snap, net), LOCAL(snap, n_net), LOCAL(snap, cap_net),
	LOCAL(snap, vbd), LOCAL(snap, n_vbd), LOCAL(snap, cap_vbd),
	LOCAL(snap, pcpu_ns), LOCAL(snap, n_pcpu), LOCAL(snap, cap_pcpu),
	LOCAL(snap, strings), LOCAL(snap, n_strings),
	LOCAL(snap, cap_strings),
};
static const struct local local_host[] = {
	LOCAL(snap_host, state), LOCAL(snap_host, status),
	LOCAL(snap_host, pcpu_off), LOCAL(snap_host, n_pcpu),
	LOCAL(snap_host, sample_ns),
};
static const struct local local_dom[] = {
	LOCAL(snap_dom, id), LOCAL(snap_dom, host), LOCAL(snap_dom, name_off),
	LOCAL(snap_dom, vcpu_off), LOCAL(snap_dom, n_vcpu),
	LOCAL(snap_dom, net_off), LOCAL(snap_dom, n_net),
	LOCAL(snap_dom, vbd_off), LOCAL(snap_dom, n_vbd),
};

static const struct {
	const struct local *l;
	size_t n;
} locals[SNAP_REC__COUNT] = {
	[SNAP_REC_SNAP] = { local_snap, sizeof local_snap / sizeof *local_snap },
	[SNAP_REC_HOST] = { local_host, sizeof local_host / sizeof *local_host },
	[SNAP_REC_DOM] = { local_dom, sizeof local_dom / sizeof *local_dom },
};

static void
mark(unsigned char *used, size_t size, size_t off, size_t len)
{
	size_t i;

	assert_true(off + len <= size);
	for (i = off; i < off + len; i++) {
		assert_int_equal(used[i], 0);	/* no two fields overlap */
		used[i] = 1;
	}
}

/* A member added to a record struct but to neither its table nor the
 * lists above leaves bytes no field covers. Padding is the only gap
 * allowed: shorter than the alignment of the offset it ends at (so a
 * member small enough to sit in what was padding goes unseen). */
static void
test_tables_cover_structs(void **state)
{
	unsigned r;

	(void)state;
	for (r = 0; r < SNAP_REC__COUNT; r++) {
		const struct snap_record *rec = snap_record(r);
		unsigned char *used;
		size_t i, start;

		assert_non_null(rec);
		used = calloc(1, rec->size);
		assert_non_null(used);
		for (i = 0; i < rec->n_fields; i++) {
			const struct snap_field *f = &rec->fields[i];

			assert_non_null(f->name);
			if (f->type == SNAP_FT_U64 || f->type == SNAP_FT_S64 ||
			    f->type == SNAP_FT_U64_OPT)
				assert_int_equal(f->size, 8);
			else if (f->type == SNAP_FT_U32)
				assert_int_equal(f->size, 4);
			else if (f->type == SNAP_FT_BOOL)
				assert_int_equal(f->size, sizeof(bool));
			mark(used, rec->size, f->offset, f->size);
		}
		for (i = 0; i < locals[r].n; i++)
			mark(used, rec->size, locals[r].l[i].off,
			    locals[r].l[i].size);
		for (i = 0; i < rec->size; i++) {
			if (used[i])
				continue;
			for (start = i; i < rec->size && !used[i]; i++)
				;
			if (i - start >= 8 || (i != rec->size &&
			    i - start >= (i & (~i + 1))))
				fail_msg("record %s: bytes %zu..%zu are in no "
				    "field table: a member that travels "
				    "nowhere?", rec->key, start, i - 1);
		}
		free(used);
	}
	assert_null(snap_record(SNAP_REC__COUNT));
}

/* Give every field of a record a value of its own; extreme: the largest
 * value each type holds (strings their longest). */
static void
fill(enum snap_rec r, void *base, unsigned seed, bool extreme)
{
	const struct snap_record *rec = snap_record(r);
	size_t i;

	for (i = 0; i < rec->n_fields; i++) {
		const struct snap_field *f = &rec->fields[i];
		char *at = (char *)base + f->offset;
		unsigned k = seed * 100 + (unsigned)i + 1;
		uint64_t u = extreme ? UINT64_MAX : 0x100000000ull * k + k;
		int64_t sv = extreme ? INT64_MAX : (int64_t)k * 1000003;
		uint32_t w = extreme ? UINT32_MAX : 70000u + k;
		bool b = extreme ? (i % 2 == 0) : true;

		/* Domain flags are state bits: the decoders refuse others. */
		if (r == SNAP_REC_DOM && strcmp(f->name, "flags") == 0)
			w = extreme ? 0x3f : 0x25;
		switch (f->type) {
		case SNAP_FT_U64:
		case SNAP_FT_U64_OPT:
			memcpy(at, &u, sizeof u);
			break;
		case SNAP_FT_S64:
			memcpy(at, &sv, sizeof sv);
			break;
		case SNAP_FT_U32:
			memcpy(at, &w, sizeof w);
			break;
		case SNAP_FT_BOOL:
			memcpy(at, &b, sizeof b);
			break;
		case SNAP_FT_STR:
			if (extreme) {
				memset(at, 'x', f->size - 1);
				at[f->size - 1] = '\0';
			} else {
				snprintf(at, f->size, "f%u", k);
			}
			break;
		}
	}
}

static void
same(enum snap_rec r, const void *want, const void *got, const char *via)
{
	const struct snap_record *rec = snap_record(r);
	size_t i;

	for (i = 0; i < rec->n_fields; i++) {
		const struct snap_field *f = &rec->fields[i];
		const char *a = (const char *)want + f->offset;
		const char *b = (const char *)got + f->offset;
		bool eq = f->type == SNAP_FT_STR ? strcmp(a, b) == 0 :
		    memcmp(a, b, f->size) == 0;

		if (!eq)
			fail_msg("%s: %s.%s did not round-trip", via,
			    rec->key[0] ? rec->key : "snap", f->name);
	}
}

/* One host, one domain with one record of each kind: every field set. */
static void
build(struct snap *s, unsigned seed, bool extreme)
{
	struct snap_host h;
	struct snap_dom *d;
	uint16_t hi;

	snap_init(s);
	fill(SNAP_REC_SNAP, s, seed, extreme);
	memset(&h, 0, sizeof h);
	fill(SNAP_REC_HOST, &h, seed + 1, extreme);
	hi = snap_add_host(s, h.name);
	snap_fields_copy(SNAP_REC_HOST, &s->hosts[hi], &h, SNAP_COPY_ALL);
	snap_add_pcpus(s, hi, 1)[0] = 42;
	d = snap_add_dom(s, hi, 7, "web01");
	fill(SNAP_REC_DOM, d, seed + 2, extreme);
	fill(SNAP_REC_VCPU, snap_add_subs(s, SNAP_REC_VCPU, 1), seed + 3,
	    extreme);
	fill(SNAP_REC_NET, snap_add_subs(s, SNAP_REC_NET, 1), seed + 4,
	    extreme);
	fill(SNAP_REC_VBD, snap_add_subs(s, SNAP_REC_VBD, 1), seed + 5,
	    extreme);
	snap_finish(s);
}

static void
same_snap(const struct snap *a, const struct snap *b, const char *via)
{
	assert_int_equal(b->n_host, 1);
	assert_int_equal(b->n_dom, 1);
	assert_int_equal(b->dom[0].n_vcpu, 1);
	assert_int_equal(b->dom[0].n_net, 1);
	assert_int_equal(b->dom[0].n_vbd, 1);
	same(SNAP_REC_SNAP, a, b, via);
	same(SNAP_REC_HOST, &a->hosts[0], &b->hosts[0], via);
	same(SNAP_REC_DOM, &a->dom[0], &b->dom[0], via);
	same(SNAP_REC_VCPU, a->vcpu, b->vcpu, via);
	same(SNAP_REC_NET, a->net, b->net, via);
	same(SNAP_REC_VBD, a->vbd, b->vbd, via);
	assert_string_equal(snap_dom_name(b, &b->dom[0]), "web01");
	assert_int_equal(b->dom[0].id, 7);
}

static void
test_every_field_round_trips(void **state)
{
	struct xdom_err err = {0};
	struct snap s, t;
	struct snap_dom *d;
	struct pbuf b;
	char *line;
	size_t len;
	unsigned pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		build(&s, 1, pass == 1);
		snap_init(&t);

		pbuf_init(&b, PROTO_MAX_MSG);
		assert_int_equal(proto_stats_encode(&b, &s), 0);
		assert_int_equal(proto_stats_decode(b.d + PROTO_HDR_LEN,
		    b.len - PROTO_HDR_LEN, &t, &err), 0);
		same_snap(&s, &t, "wire");
		pbuf_dispose(&b);

		line = snapjson_encode(&s, &len);
		assert_int_equal(snapjson_decode_fast(line, len, &t), 0);
		same_snap(&s, &t, "JSON fast path");
		assert_int_equal(snapjson_decode_json(line, len, &t, &err), 0);
		same_snap(&s, &t, "JSON (json-c)");
		free(line);

		/* xdomd's copy: fields, then the sub-records. */
		snap_reset(&t);
		snap_add_host(&t, s.hosts[0].name);
		snap_fields_copy(SNAP_REC_SNAP, &t, &s, SNAP_COPY_ALL);
		snap_fields_copy(SNAP_REC_HOST, &t.hosts[0], &s.hosts[0],
		    SNAP_COPY_ALL);
		d = snap_add_dom(&t, 0, 7, "web01");
		snap_fields_copy(SNAP_REC_DOM, d, &s.dom[0], SNAP_COPY_ALL);
		*(struct snap_vcpu *)snap_add_subs(&t, SNAP_REC_VCPU, 1) =
		    s.vcpu[0];
		*(struct snap_net *)snap_add_subs(&t, SNAP_REC_NET, 1) =
		    s.net[0];
		*(struct snap_vbd *)snap_add_subs(&t, SNAP_REC_VBD, 1) =
		    s.vbd[0];
		same_snap(&s, &t, "copy");

		snap_dispose(&s);
		snap_dispose(&t);
	}
}

/* What a caller without the `host` right may see of a host: the copy by
 * kind leaves the host-wide figures out, and the name, version and the
 * SIMULATED mark in. */
static void
test_copy_own_fields(void **state)
{
	struct snap_host a, b;

	(void)state;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	fill(SNAP_REC_HOST, &a, 3, false);
	snap_fields_copy(SNAP_REC_HOST, &b, &a, SNAP_COPY_OWN);
	assert_string_equal(b.name, a.name);
	assert_string_equal(b.hv_version, a.hv_version);
	assert_true(b.simulated);
	assert_int_equal(b.ncpus, 0);
	assert_int_equal(b.cpu_mhz, 0);
	assert_true(b.mem_total_kb == 0 && b.mem_free_kb == 0);
	snap_fields_copy(SNAP_REC_HOST, &b, &a, SNAP_COPY_HOST_WIDE);
	assert_int_equal(b.ncpus, a.ncpus);
	assert_true(b.mem_free_kb == a.mem_free_kb);
	assert_null(snap_add_subs(NULL, SNAP_REC_HOST, 1));
}

/* The formats are fixed: a snapshot with every kind of record encodes to
 * exactly the bytes (wire) and text (JSON) the releases before the field
 * tables wrote, which older daemons, shells and fleet hosts read. */
static void
golden_snap(struct snap *s)
{
	struct snap_dom *d;
	struct snap_vcpu *v;
	struct snap_net *n;
	struct snap_vbd *b;
	uint64_t *pc;
	uint16_t h;
	unsigned k;

	snap_init(s);
	s->mono_ns = 0x0102030405060708ull;
	s->wall_s = 1700000001;
	h = snap_add_host(s, "hostA");
	strcpy(s->hosts[h].hv_version, "4.17.3");
	s->hosts[h].ncpus = 8;
	s->hosts[h].cpu_mhz = 2400;
	s->hosts[h].mem_total_kb = 123456789;
	s->hosts[h].mem_free_kb = 4567;
	s->hosts[h].simulated = true;
	pc = snap_add_pcpus(s, h, 3);
	pc[0] = 1;
	pc[1] = 2;
	pc[2] = UINT64_MAX;
	(void)snap_add_host(s, "hostB");
	d = snap_add_dom(s, 0, 7, "web01");
	d->flags = 0x25;
	d->cpu_ns = 99999999999ull;
	d->mem_kb = 524288;
	d->maxmem_kb = SNAP_MEM_UNLIMITED;
	d->vcpus_online = 2;
	d->vcpus_max = 4;
	d->ssid = 3;
	v = snap_add_vcpus(s, 2);
	v[0].ns = 11;
	v[0].online = true;
	v[1].ns = 12;
	n = snap_add_nets(s, 2);
	for (k = 0; k < 2; k++) {
		n[k].id = k;
		n[k].rx_bytes = 100 + k;
		n[k].rx_pkts = 200 + k;
		n[k].rx_errs = 300 + k;
		n[k].rx_drops = 400 + k;
		n[k].tx_bytes = 500 + k;
		n[k].tx_pkts = 600 + k;
		n[k].tx_errs = 700 + k;
		n[k].tx_drops = 800 + k;
	}
	b = snap_add_vbds(s, 1);
	b->dev = 51712;
	b->oo = 1;
	b->rd_reqs = 2;
	b->wr_reqs = 3;
	b->rd_sect = 4;
	b->wr_sect = 5;
	d = snap_add_dom(s, 1, 3, "db\"01\xc3\xa9");
	d->maxmem_kb = 1000;
	d->flags = 4;
	snap_finish(s);
}

static void
test_formats_unchanged(void **state)
{
	static const char wire[] =
	    "000001cc00028004000000000102030405060708000000006553f10100000002"
	    "0005686f7374410006342e31372e33000000080000096000000000075bcd1500"
	    "000000000011d7010000000300000000000000010000000000000002ffffffff"
	    "ffffffff0005686f737442000000000000000000000000000000000000000000"
	    "0000000000000000000000000002000000000007000577656230310000002500"
	    "0000174876e7ff0000000000080000ffffffffffffffff000000020000000400"
	    "000003000000020000000200000001000000000000000b01000000000000000c"
	    "0000000000000000000000006400000000000000c8000000000000012c000000"
	    "000000019000000000000001f4000000000000025800000000000002bc000000"
	    "000000032000000001000000000000006500000000000000c900000000000001"
	    "2d000000000000019100000000000001f5000000000000025900000000000002"
	    "bd00000000000003210000ca0000000000000000010000000000000002000000"
	    "0000000003000000000000000400000000000000050001000000030007646222"
	    "3031c3a9000000040000000000000000000000000000000000000000000003e8"
	    "000000000000000000000000000000000000000000000000";
	static const char json[] =
	    "{\"xdom_stats\":1,\"mono_ns\":72623859790382856,\"wall_s\":170"
	    "0000001,\"hosts\":[{\"name\":\"hostA\",\"hv_version\":\"4.17.3\",\""
	    "ncpus\":8,\"cpu_mhz\":2400,\"mem_total_kb\":123456789,\"mem_fr"
	    "ee_kb\":4567,\"simulated\":true,\"pcpu_ns\":[1,2,184467440737"
	    "09551615]},{\"name\":\"hostB\",\"hv_version\":\"\",\"ncpus\":0,\"cp"
	    "u_mhz\":0,\"mem_total_kb\":0,\"mem_free_kb\":0,\"simulated\":fa"
	    "lse,\"pcpu_ns\":[]}],\"domains\":[{\"host\":0,\"id\":7,\"name\":\"w"
	    "eb01\",\"flags\":37,\"cpu_ns\":99999999999,\"mem_kb\":524288,\"m"
	    "axmem_kb\":null,\"vcpus_online\":2,\"vcpus_max\":4,\"ssid\":3,\""
	    "vcpus\":[{\"ns\":11,\"online\":true},{\"ns\":12,\"online\":false}"
	    "],\"nets\":[{\"id\":0,\"rx_bytes\":100,\"rx_pkts\":200,\"rx_errs\""
	    ":300,\"rx_drops\":400,\"tx_bytes\":500,\"tx_pkts\":600,\"tx_err"
	    "s\":700,\"tx_drops\":800},{\"id\":1,\"rx_bytes\":101,\"rx_pkts\":"
	    "201,\"rx_errs\":301,\"rx_drops\":401,\"tx_bytes\":501,\"tx_pkts"
	    "\":601,\"tx_errs\":701,\"tx_drops\":801}],\"vbds\":[{\"dev\":5171"
	    "2,\"oo\":1,\"rd_reqs\":2,\"wr_reqs\":3,\"rd_sect\":4,\"wr_sect\":5"
	    "}]},{\"host\":1,\"id\":3,\"name\":\"db\\\"01\xc3""\xa9""\",\"flags\":4,\"cpu_ns"
	    "\":0,\"mem_kb\":0,\"maxmem_kb\":1000,\"vcpus_online\":0,\"vcpus_"
	    "max\":0,\"ssid\":0,\"vcpus\":[],\"nets\":[],\"vbds\":[]}]}";
	char hex[sizeof wire];
	struct snap s;
	struct pbuf b;
	char *line;
	size_t i, len;

	(void)state;
	golden_snap(&s);
	pbuf_init(&b, PROTO_MAX_MSG);
	assert_int_equal(proto_stats_encode(&b, &s), 0);
	assert_int_equal(b.len * 2, sizeof wire - 1);
	for (i = 0; i < b.len; i++)
		snprintf(hex + 2 * i, 3, "%02x", b.d[i]);
	assert_string_equal(hex, wire);
	pbuf_dispose(&b);
	line = snapjson_encode(&s, &len);
	assert_int_equal(len, strlen(json));
	assert_string_equal(line, json);
	free(line);
	snap_dispose(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_cover_structs),
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_copy_own_fields),
		cmocka_unit_test(test_formats_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
