/*
 * test_snapjson.c - snapshot JSON lines: round trip, and refusal of
 * malformed, hostile or oversized input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/snap.h"
#include "core/snapjson.h"
#include "core/xmalloc.h"

/* Two hosts, three domains with every kind of sub-record and odd names. */
static void
build(struct snap *s)
{
	struct snap_dom *d;
	struct snap_vcpu *v;
	struct snap_net *n;
	struct snap_vbd *b;
	uint64_t *pc;
	uint16_t h0, h1;

	snap_init(s);
	s->mono_ns = 123456789012345ull;
	s->wall_s = 1795000000;
	h0 = snap_add_host(s, "localhost");
	snprintf(s->hosts[h0].hv_version, sizeof s->hosts[h0].hv_version,
	    "4.17.3");
	s->hosts[h0].ncpus = 4;
	s->hosts[h0].cpu_mhz = 2400;
	s->hosts[h0].mem_total_kb = 16777216;
	s->hosts[h0].mem_free_kb = 1234567;
	s->hosts[h0].simulated = true;
	pc = snap_add_pcpus(s, h0, 4);
	pc[0] = 1;
	pc[3] = UINT64_MAX;
	h1 = snap_add_host(s, "root@b:22");
	s->hosts[h1].ncpus = 1;

	d = snap_add_dom(s, h0, 0, "Domain-0");
	d->flags = SNAP_F_RUNNING;
	d->cpu_ns = 99;
	d->mem_kb = 1048576;
	d->maxmem_kb = SNAP_MEM_UNLIMITED;
	d->vcpus_online = 2;
	d->vcpus_max = 4;
	v = snap_add_vcpus(s, 2);
	v[0].ns = 5;
	v[0].online = true;
	v[1].ns = UINT64_MAX;

	d = snap_add_dom(s, h0, 7, "we\"b\\0\x1b[31m\xff\xc3\xa9/x");
	d->flags = SNAP_F_BLOCKED | SNAP_F_PAUSED;
	d->cpu_ns = UINT64_MAX;
	d->maxmem_kb = 2097152;
	d->ssid = UINT32_MAX;
	n = snap_add_nets(s, 2);
	n[0].id = 0;
	n[0].rx_bytes = 1;
	n[0].rx_pkts = 2;
	n[0].rx_errs = 3;
	n[0].rx_drops = 4;
	n[0].tx_bytes = 5;
	n[0].tx_pkts = 6;
	n[0].tx_errs = 7;
	n[0].tx_drops = 8;
	n[1].id = 1;
	b = snap_add_vbds(s, 1);
	b->dev = 51712;
	b->oo = 9;
	b->rd_reqs = 10;
	b->wr_reqs = 11;
	b->rd_sect = 12;
	b->wr_sect = 13;

	d = snap_add_dom(s, h1, 3, "");
	d->flags = SNAP_F_DYING | SNAP_F_SHUTDOWN | SNAP_F_CRASHED;
	snap_finish(s);
}

static void
assert_same(const struct snap *a, const struct snap *b)
{
	size_t i, j;

	assert_int_equal(a->mono_ns, b->mono_ns);
	assert_int_equal(a->wall_s, b->wall_s);
	assert_int_equal(a->n_host, b->n_host);
	for (i = 0; i < a->n_host; i++) {
		const struct snap_host *x = &a->hosts[i], *y = &b->hosts[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->hv_version, y->hv_version);
		assert_int_equal(x->ncpus, y->ncpus);
		assert_int_equal(x->cpu_mhz, y->cpu_mhz);
		assert_int_equal(x->mem_total_kb, y->mem_total_kb);
		assert_int_equal(x->mem_free_kb, y->mem_free_kb);
		assert_int_equal(x->simulated, y->simulated);
		assert_int_equal(x->n_pcpu, y->n_pcpu);
		for (j = 0; j < x->n_pcpu; j++)
			assert_int_equal(a->pcpu_ns[x->pcpu_off + j],
			    b->pcpu_ns[y->pcpu_off + j]);
	}
	assert_int_equal(a->n_dom, b->n_dom);
	for (i = 0; i < a->n_dom; i++) {
		const struct snap_dom *x = &a->dom[i], *y = &b->dom[i];

		assert_string_equal(snap_dom_name(a, x), snap_dom_name(b, y));
		assert_int_equal(x->host, y->host);
		assert_int_equal(x->id, y->id);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->cpu_ns, y->cpu_ns);
		assert_int_equal(x->mem_kb, y->mem_kb);
		assert_int_equal(x->maxmem_kb, y->maxmem_kb);
		assert_int_equal(x->vcpus_online, y->vcpus_online);
		assert_int_equal(x->vcpus_max, y->vcpus_max);
		assert_int_equal(x->ssid, y->ssid);
		assert_int_equal(x->n_vcpu, y->n_vcpu);
		assert_int_equal(x->n_net, y->n_net);
		assert_int_equal(x->n_vbd, y->n_vbd);
		for (j = 0; j < x->n_vcpu; j++) {
			assert_int_equal(snap_dom_vcpus(a, x)[j].ns,
			    snap_dom_vcpus(b, y)[j].ns);
			assert_int_equal(snap_dom_vcpus(a, x)[j].online,
			    snap_dom_vcpus(b, y)[j].online);
		}
		if (x->n_net)
			assert_memory_equal(snap_dom_nets(a, x),
			    snap_dom_nets(b, y),
			    x->n_net * sizeof(struct snap_net));
		if (x->n_vbd)
			assert_memory_equal(snap_dom_vbds(a, x),
			    snap_dom_vbds(b, y),
			    x->n_vbd * sizeof(struct snap_vbd));
	}
}

static void
test_roundtrip(void **state)
{
	struct snap a, b;
	struct xdom_err err = { 0 };
	size_t len;
	char *line;

	(void)state;
	build(&a);
	snap_init(&b);
	line = snapjson_encode(&a, &len);
	assert_int_equal(strlen(line), len);
	assert_null(strchr(line, '\n'));
	assert_non_null(strstr(line, "\"xdom_stats\":1"));
	assert_non_null(strstr(line, "\"maxmem_kb\":null"));
	assert_non_null(strstr(line, "\"simulated\":true"));
	assert_non_null(strstr(line, "18446744073709551615"));
	assert_int_equal(snapjson_decode(line, len, &b, &err), 0);
	assert_same(&a, &b);
	free(line);
	snap_dispose(&a);
	snap_dispose(&b);
}

/* Decoding into a snapshot that already holds data replaces it. */
static void
test_decode_reuses(void **state)
{
	struct snap a, b;
	struct xdom_err err = { 0 };
	char *line;
	size_t len;

	(void)state;
	build(&a);
	build(&b);
	snap_add_dom(&b, 0, 99, "extra");
	line = snapjson_encode(&a, &len);
	assert_int_equal(snapjson_decode(line, len, &b, &err), 0);
	assert_same(&a, &b);
	/* With a trailing newline, as read from a stream. */
	line = xreallocarray(line, len + 2, 1);
	memcpy(line + len, "\n", 2);
	assert_int_equal(snapjson_decode(line, len + 1, &b, &err), 0);
	assert_same(&a, &b);
	free(line);
	snap_dispose(&a);
	snap_dispose(&b);
}

static void
test_write(void **state)
{
	struct snap a, b;
	struct xdom_err err = { 0 };
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	build(&a);
	snap_init(&b);
	f = open_memstream(&buf, &size);
	assert_non_null(f);
	assert_int_equal(snapjson_write(f, &a, &err), 0);
	assert_int_equal(snapjson_write(f, &a, &err), 0);
	fclose(f);
	assert_non_null(strchr(buf, '\n'));
	assert_int_equal(strchr(buf, '\n') - buf + 1, (ptrdiff_t)size / 2);
	assert_int_equal(snapjson_decode(buf, size / 2, &b, &err), 0);
	assert_same(&a, &b);
	free(buf);
	snap_dispose(&a);
	snap_dispose(&b);
}

static void
test_empty_snapshot(void **state)
{
	struct snap a, b;
	struct xdom_err err = { 0 };
	char *line;
	size_t len;

	(void)state;
	snap_init(&a);
	snap_init(&b);
	line = snapjson_encode(&a, &len);
	assert_int_equal(snapjson_decode(line, len, &b, &err), 0);
	assert_int_equal(b.n_dom, 0);
	assert_int_equal(b.n_host, 0);
	free(line);
	snap_dispose(&a);
	snap_dispose(&b);
}

#define HOST "{\"name\":\"h\",\"hv_version\":\"sim\",\"ncpus\":1," \
	"\"cpu_mhz\":1,\"mem_total_kb\":1,\"mem_free_kb\":1," \
	"\"simulated\":false,\"pcpu_ns\":[]}"
#define DOM_HEAD "\"host\":0,\"id\":1,\"name\":\"a\""
#define DOM_TAIL "\"flags\":0,\"cpu_ns\":0,\"mem_kb\":0,\"maxmem_kb\":null," \
	"\"vcpus_online\":1,\"vcpus_max\":1,\"ssid\":0,\"vcpus\":[]," \
	"\"nets\":[],\"vbds\":[]"
#define TOP(hosts, doms) "{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1," \
	"\"hosts\":[" hosts "],\"domains\":[" doms "]}"
#define DOM(x) "{" DOM_HEAD "," DOM_TAIL x "}"

/* A minimal valid line, so the bad ones below differ in one thing. */
static void
test_minimal_valid(void **state)
{
	static const char ok[] = TOP(HOST, DOM(""));
	static const char ok2[] = TOP(HOST, DOM(",\"future\":[{\"x\":1}]"));
	struct snap s;
	struct xdom_err err = { 0 };

	(void)state;
	snap_init(&s);
	assert_int_equal(snapjson_decode(ok, strlen(ok), &s, &err), 0);
	assert_int_equal(s.n_dom, 1);
	assert_int_equal(s.dom[0].maxmem_kb, SNAP_MEM_UNLIMITED);
	assert_int_equal(s.hosts[0].state, SNAP_HOST_UP);
	assert_int_equal(snapjson_decode(ok2, strlen(ok2), &s, &err), 0);
	snap_dispose(&s);
}

static void
test_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"null",
		"[]",
		"42",
		"{}",
		"{\"xdom_stats\":2}",
		"{\"xdom_stats\":\"1\"}",
		"{\"xdom_stats\":1.0}",
		"{\"xdom_stats\":1}",
		TOP(HOST, DOM("")) "x",
		TOP(HOST, DOM("")) "{}",
		"{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1,\"hosts\":[",
		"{\"xdom_stats\":1,\"mono_ns\":-1,\"wall_s\":1,\"hosts\":[],"
		    "\"domains\":[]}",
		"{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1.5,\"hosts\":[],"
		    "\"domains\":[]}",
		"{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1,\"hosts\":{},"
		    "\"domains\":[]}",
		"{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1,\"hosts\":[],"
		    "\"domains\":[]",
		"{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1,\"hosts\":[1],"
		    "\"domains\":[]}",
		"{'xdom_stats':1}",
		TOP(HOST, "1"),
		TOP("", DOM("")),			/* no host to refer to */
		TOP(HOST, "{\"host\":1,\"id\":1,\"name\":\"a\"," DOM_TAIL "}"),
		TOP(HOST, "{\"host\":0,\"id\":4294967296,\"name\":\"a\","
		    DOM_TAIL "}"),
		TOP(HOST, "{\"host\":0,\"id\":-1,\"name\":\"a\"," DOM_TAIL "}"),
		TOP(HOST, "{\"host\":0,\"id\":1,\"name\":7," DOM_TAIL "}"),
		TOP(HOST, "{\"host\":0,\"id\":1,\"name\":\"a\\u0000b\","
		    DOM_TAIL "}"),
		TOP(HOST, "{\"host\":0,\"id\":1," DOM_TAIL "}"),
		TOP(HOST, DOM(",\"flags\":64")),
		TOP(HOST, DOM(",\"vcpus_max\":4294967296")),
		TOP(HOST, DOM(",\"maxmem_kb\":\"none\"")),
		TOP(HOST, DOM(",\"vcpus\":[{\"ns\":1}]")),
		TOP(HOST, DOM(",\"vcpus\":[{\"ns\":1,\"online\":1}]")),
		TOP(HOST, DOM(",\"vcpus\":[7]")),
		TOP(HOST, DOM(",\"nets\":[{\"id\":0}]")),
		TOP(HOST, DOM(",\"vbds\":{}")),
		TOP(HOST, DOM(",\"vbds\":[{\"dev\":1,\"oo\":1,\"rd_reqs\":1,"
		    "\"wr_reqs\":1,\"rd_sect\":1,\"wr_sect\":-1}]")),
		TOP(HOST, DOM("") "," DOM("")),		/* duplicate id */
		TOP("{\"name\":\"h\"}", ""),
		TOP("{\"name\":\"h\",\"hv_version\":"
		    "\"0123456789012345678901234567890123\",\"ncpus\":1,"
		    "\"cpu_mhz\":1,\"mem_total_kb\":1,\"mem_free_kb\":1,"
		    "\"simulated\":false,\"pcpu_ns\":[]}", ""),
		TOP("{\"name\":\"h\",\"hv_version\":\"s\",\"ncpus\":1,"
		    "\"cpu_mhz\":1,\"mem_total_kb\":1,\"mem_free_kb\":1,"
		    "\"simulated\":false,\"pcpu_ns\":[1,-2]}", ""),
		TOP("{\"name\":\"h\",\"hv_version\":\"s\",\"ncpus\":1,"
		    "\"cpu_mhz\":1,\"mem_total_kb\":1,\"mem_free_kb\":1,"
		    "\"simulated\":false,\"pcpu_ns\":[true]}", ""),
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]"
		    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"{\"xdom_stats\":1,\"x\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":"
		    "{\"f\":{\"g\":{}}}}}}}}}",
	};
	struct snap s;
	struct xdom_err err;
	size_t i;

	(void)state;
	snap_init(&s);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		snap_add_host(&s, "stale");
		if (snapjson_decode(bad[i], strlen(bad[i]), &s, &err) == 0)
			fail_msg("accepted bad line %zu: %s", i, bad[i]);
		assert_true(err.code < 0);
		assert_true(strlen(err.msg) > 0);
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(s.n_dom, 0);
		assert_int_equal(s.n_host, 0);
	}
	snap_dispose(&s);
}

/* Lengths are honoured: the bytes after len are never read. */
static void
test_length_bound(void **state)
{
	static const char ok[] = TOP(HOST, DOM(""));
	struct snap s;
	struct xdom_err err = { 0 };
	char *copy = xmalloc(sizeof ok - 1);

	(void)state;
	memcpy(copy, ok, sizeof ok - 1);	/* no NUL */
	snap_init(&s);
	assert_int_equal(snapjson_decode(copy, sizeof ok - 1, &s, &err), 0);
	assert_int_not_equal(snapjson_decode(copy, sizeof ok - 2, &s, &err),
	    0);
	assert_int_not_equal(snapjson_decode(copy, 0, &s, &err), 0);
	free(copy);
	snap_dispose(&s);
}

static void
test_too_many_subrecords(void **state)
{
	char *line = xmalloc(SNAPJSON_MAX_SUB * 32 + 4096);
	struct snap s;
	struct xdom_err err = { 0 };
	size_t n = 0, i;

	(void)state;
	n += (size_t)sprintf(line + n, "%s", "{\"xdom_stats\":1,\"mono_ns\":1,"
	    "\"wall_s\":1,\"hosts\":[" HOST "],\"domains\":[{" DOM_HEAD ","
	    DOM_TAIL ",\"vcpus\":[");
	for (i = 0; i <= SNAPJSON_MAX_SUB; i++)
		n += (size_t)sprintf(line + n, "%s{\"ns\":1,\"online\":true}",
		    i ? "," : "");
	n += (size_t)sprintf(line + n, "]}]}");
	snap_init(&s);
	assert_int_equal(snapjson_decode(line, n, &s, &err), XDOM_ENOMEM);
	assert_non_null(strstr(err.msg, "vcpus"));
	free(line);
	snap_dispose(&s);
}

static void
test_too_many_values(void **state)
{
	size_t n = SNAPJSON_MAX_COST * 2 + 64, i, k = 0;
	char *line = xmalloc(n);
	struct snap s;
	struct xdom_err err = { 0 };

	(void)state;
	k += (size_t)sprintf(line, "{\"pad\":[");
	for (i = 0; i < SNAPJSON_MAX_COST; i++) {
		line[k++] = '0';
		line[k++] = ',';
	}
	line[k++] = '0';
	line[k++] = ']';
	line[k++] = '}';
	snap_init(&s);
	assert_int_equal(snapjson_decode(line, k, &s, &err), XDOM_ENOMEM);
	free(line);
	snap_dispose(&s);
}

/* Empty objects are cheap to write and dear to build: they count more. */
static void
test_too_many_objects(void **state)
{
	size_t count = SNAPJSON_MAX_COST / SNAPJSON_CONTAINER_COST + 1;
	size_t n = count * 3 + 64, i, k = 0;
	char *line = xmalloc(n);
	struct snap s;
	struct xdom_err err = { 0 };

	(void)state;
	k += (size_t)sprintf(line, "{\"pad\":[");
	for (i = 0; i < count; i++) {
		line[k++] = '{';
		line[k++] = '}';
		line[k++] = ',';
	}
	line[k - 1] = ']';
	line[k++] = '}';
	snap_init(&s);
	assert_int_equal(snapjson_decode(line, k, &s, &err), XDOM_ENOMEM);
	free(line);
	snap_dispose(&s);
}

static void
test_too_long(void **state)
{
	size_t n = SNAPJSON_MAX_LINE + 2;
	char *line = xmalloc(n);
	struct snap s;
	struct xdom_err err = { 0 };

	(void)state;
	memset(line, ' ', n);
	line[0] = '{';
	line[n - 1] = 'x';
	snap_init(&s);
	assert_int_equal(snapjson_decode(line, n, &s, &err), XDOM_ENOMEM);
	free(line);
	snap_dispose(&s);
}

/* Strings with escapes inside must not confuse the value count. */
static void
test_value_count_strings(void **state)
{
	static const char ok[] = "{\"xdom_stats\":1,\"mono_ns\":1,\"wall_s\":1,"
	    "\"hosts\":[" HOST "],\"domains\":[{\"host\":0,\"id\":1,"
	    "\"name\":\"a,b:[{\\\",\"," DOM_TAIL "}]}";
	struct snap s;
	struct xdom_err err = { 0 };

	(void)state;
	snap_init(&s);
	assert_int_equal(snapjson_decode(ok, strlen(ok), &s, &err), 0);
	assert_string_equal(snap_dom_name(&s, &s.dom[0]), "a,b:[{\",");
	snap_dispose(&s);
}

/* The fast path takes the encoder's own lines (plain names) and gives
 * what json-c gives; anything else goes to json-c, which decides. */
static void
test_fast_path(void **state)
{
	struct snap a, b, c;
	struct xdom_err err = { 0 };
	struct snap_dom *d;
	char *line, *alt;
	size_t len, i;

	(void)state;
	build(&a);
	snap_init(&b);
	snap_init(&c);
	/* As built, one name needs escapes: json-c's. */
	line = snapjson_encode(&a, &len);
	assert_int_equal(snapjson_decode_fast(line, len, &b), XDOM_EPROTO);
	assert_int_equal(b.n_dom, 0);
	assert_int_equal(snapjson_decode(line, len, &b, &err), 0);
	assert_same(&a, &b);
	free(line);
	/* Plain names: the fast path, the same result as json-c's. */
	d = &a.dom[1];
	strcpy(a.strings + d->name_off, "web-01.x_y");
	line = snapjson_encode(&a, &len);
	assert_int_equal(snapjson_decode_fast(line, len, &b), 0);
	assert_same(&a, &b);
	assert_int_equal(snapjson_decode_json(line, len, &c, &err), 0);
	assert_same(&b, &c);
	alt = xasprintf("%s\r\n", line);
	assert_int_equal(snapjson_decode_fast(alt, strlen(alt), &b), 0);
	assert_same(&a, &b);
	free(alt);
	/* Another writer's spacing, a later version's extra key: json-c. */
	alt = xasprintf(" %s", line);
	assert_int_equal(snapjson_decode_fast(alt, strlen(alt), &b),
	    XDOM_EPROTO);
	assert_int_equal(snapjson_decode(alt, strlen(alt), &b, &err), 0);
	assert_same(&a, &b);
	free(alt);
	alt = xasprintf("%.*s,\"later\":[1,{\"x\":2}]}", (int)len - 1, line);
	assert_int_equal(snapjson_decode_fast(alt, strlen(alt), &b),
	    XDOM_EPROTO);
	assert_int_equal(snapjson_decode(alt, strlen(alt), &b, &err), 0);
	assert_same(&a, &b);
	free(alt);
	/* Broken lines: neither takes them, json-c says why. */
	for (i = 1; i < len; i += len / 7 + 1) {
		xdom_err_clear(&err);
		assert_int_not_equal(snapjson_decode_fast(line, i, &b), 0);
		assert_int_not_equal(snapjson_decode(line, i, &b, &err), 0);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(b.n_dom, 0);
	}
	/* A value past its field's range: refused, by json-c's words. */
	alt = xasprintf("%s", line);
	{
		char *ssid = strstr(alt, "\"ssid\":4294967295");

		assert_non_null(ssid);
		memcpy(ssid + 7, "4294967296", 10);
	}
	assert_int_equal(snapjson_decode_fast(alt, strlen(alt), &b),
	    XDOM_EPROTO);
	assert_int_equal(snapjson_decode(alt, strlen(alt), &b, &err),
	    XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "ssid"));
	free(alt);
	free(line);
	snap_dispose(&a);
	snap_dispose(&b);
	snap_dispose(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_decode_reuses),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_empty_snapshot),
		cmocka_unit_test(test_minimal_valid),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_too_many_subrecords),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_too_many_objects),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_value_count_strings),
		cmocka_unit_test(test_fast_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
