/*
 * xencmp.c - compare what xdom reports with what Xen's own tools report on
 * the same host, for the real-Xen checks in dom0. Prints TAP lines
 * ("ok - ..." / "not ok - ..."), one per comparison, with both values on
 * failure; exit status 1 when any comparison failed, 2 on bad input.
 *
 *   xencmp top XENTOP_OUT OTHER [XENTOP_AFTER]
 *                                  `xentop -b -f -i 1` against OTHER: a
 *                                  stats-stream JSON line, the first line
 *                                  of `xdom top -b --format=json`, or
 *                                  xentop-style text (`xdom top -b`);
 *                                  with XENTOP_AFTER (xentop run again
 *                                  after OTHER), counters that only grow
 *                                  must lie between the two xentop runs
 *   xencmp list XL_LIST XDOM_LIST  `xl list` against an xl-style table
 *   xencmp moved A.json B.json NAME COUNTER
 *                                  COUNTER of guest NAME grew from A to B:
 *                                  vbd_rd, vbd_wr, net_rx, net_tx, cpu
 *   xencmp count JSON N            the snapshot holds at least N domains
 *   xencmp get FILE NAME FIELD     print one field of guest NAME from any
 *                                  of the inputs `top` reads (xentop text
 *                                  too): state, cpu_s, mem_k, maxmem_k,
 *                                  vcpus, nets, vbds; exit 1 when NAME is
 *                                  not there
 *
 * The two tools read the host a moment apart (seconds under QEMU's
 * emulation, while a booting guest burns CPU), so counters are compared
 * within a tolerance, around the range the two xentop runs span when
 * there are two: CPU seconds 3 s, memory 1%, network 64 k + 5%,
 * block requests 50 + 5% (out-of-request 5 + 5%), sectors 1000 + 5%; the
 * counts of vcpus, networks and block devices and the ssid exactly. State
 * letters that flicker (running vs blocked) are not compared, d s c p
 * are. One line per domain says what agreed, or which fields did not.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/snap.h"
#include "core/snapjson.h"
#include "core/xmalloc.h"

static int fails;

static void
cmp_ok(bool good, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cmp_ok(bool good, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", good ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!good)
		fails++;
}

static char *
cmp_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 65536, n = 0, r;
	char *buf;

	if (f == NULL) {
		fprintf(stderr, "xencmp: cannot read %s\n", path);
		exit(2);
	}
	buf = xmalloc(cap);
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap)
			buf = xreallocarray(buf, cap *= 2, 1);
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static void
cmp_load_json(const char *path, struct snap *s)
{
	struct xdom_err err = { 0 };
	size_t len;
	char *buf = cmp_slurp(path, &len), *nl;

	/* the first line holding a snapshot */
	nl = memchr(buf, '\n', len);
	if (nl != NULL)
		len = (size_t)(nl - buf);
	snap_init(s);
	if (snapjson_decode(buf, len, s, &err) != 0) {
		fprintf(stderr, "xencmp: %s: %s\n", path, xdom_err_msg(&err));
		exit(2);
	}
	free(buf);
}

/* One row of xentop -b. */
struct xt_row {
	char name[128];
	char state[8];		/* "dsbcpr" letters */
	uint64_t cpu_s, mem_k, maxmem_k;
	bool unlimited;
	uint64_t vcpus, nets, nettx_k, netrx_k, vbds;
	uint64_t oo, rd, wr, rsect, wsect, ssid;
};

#define XT_MAX 256
#define XT_TOK 40

static int
cmp_split(char *line, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\n", &save); t != NULL && n < max;
	    t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	return n;
}

/* Parse xentop batch output: the rows after the last header. */
static int
cmp_xentop(const char *path, struct xt_row *rows)
{
	char *buf = cmp_slurp(path, NULL), *line, *save = NULL, *tok[XT_TOK];
	int n = 0, nt, i;
	bool in_table = false;

	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "NAME") != NULL &&
		    strstr(line, "STATE") != NULL) {
			in_table = true;
			n = 0;	/* a later iteration replaces the earlier */
			continue;
		}
		if (!in_table)
			continue;
		nt = cmp_split(line, tok, XT_TOK);
		if (nt < 19 || n == XT_MAX)
			continue;
		struct xt_row *r = &rows[n];

		memset(r, 0, sizeof *r);
		snprintf(r->name, sizeof r->name, "%s", tok[0]);
		snprintf(r->state, sizeof r->state, "%s", tok[1]);
		r->cpu_s = strtoull(tok[2], NULL, 10);
		r->mem_k = strtoull(tok[4], NULL, 10);
		i = 6;
		if (strcmp(tok[6], "no") == 0 && strcmp(tok[7], "limit") == 0) {
			r->unlimited = true;
			i = 9;		/* "no limit" "n/a" */
		} else {
			r->maxmem_k = strtoull(tok[6], NULL, 10);
			i = 8;
		}
		if (nt < i + 11)
			continue;
		r->vcpus = strtoull(tok[i], NULL, 10);
		r->nets = strtoull(tok[i + 1], NULL, 10);
		r->nettx_k = strtoull(tok[i + 2], NULL, 10);
		r->netrx_k = strtoull(tok[i + 3], NULL, 10);
		r->vbds = strtoull(tok[i + 4], NULL, 10);
		r->oo = strtoull(tok[i + 5], NULL, 10);
		r->rd = strtoull(tok[i + 6], NULL, 10);
		r->wr = strtoull(tok[i + 7], NULL, 10);
		r->rsect = strtoull(tok[i + 8], NULL, 10);
		r->wsect = strtoull(tok[i + 9], NULL, 10);
		r->ssid = strtoull(tok[i + 10], NULL, 10);
		n++;
	}
	free(buf);
	return n;
}

static bool
cmp_near(uint64_t a, uint64_t b, uint64_t abs_tol, unsigned pct)
{
	uint64_t d = a > b ? a - b : b - a, big = a > b ? a : b;

	return d <= abs_tol + big * pct / 100;
}

/* v lies in [lo, hi] widened by the tolerance (of the larger end). */
static bool
cmp_between(uint64_t lo, uint64_t hi, uint64_t v, uint64_t abs_tol,
    unsigned pct)
{
	if (hi < lo)	/* a counter that went back (a reset domain) */
		hi = lo;
	return cmp_near(lo, v, abs_tol, pct) || cmp_near(hi, v, abs_tol, pct) ||
	    (v >= lo && v <= hi);
}

/* Two "dsbcpr" strings agree on the letters that do not flicker
 * (d s c p; running and blocked change from moment to moment). */
static bool
cmp_state_same(const char *a, const char *b)
{
	static const int stable[] = { 0, 1, 3, 4 };
	size_t i;

	if (strlen(a) != 6 || strlen(b) != 6)
		return false;
	for (i = 0; i < sizeof stable / sizeof stable[0]; i++)
		if ((a[stable[i]] != '-') != (b[stable[i]] != '-'))
			return false;
	return true;
}

/* Rows from a stats-stream JSON line (core/snapjson). */
static int
cmp_rows_snap(const char *path, struct xt_row *rows)
{
	struct snap s;
	struct snap_dom_totals t;
	size_t i;
	int n = 0;

	cmp_load_json(path, &s);
	for (i = 0; i < s.n_dom && n < XT_MAX; i++, n++) {
		const struct snap_dom *d = &s.dom[i];
		struct xt_row *r = &rows[n];

		memset(r, 0, sizeof *r);
		snap_dom_totals(&s, d, &t);
		snprintf(r->name, sizeof r->name, "%s", snap_dom_name(&s, d));
		snap_state_str(d->flags, r->state);
		r->cpu_s = d->cpu_ns / 1000000000ull;
		r->mem_k = d->mem_kb;
		r->unlimited = d->maxmem_kb == SNAP_MEM_UNLIMITED;
		r->maxmem_k = r->unlimited ? 0 : d->maxmem_kb;
		r->vcpus = d->vcpus_online;
		r->nets = d->n_net;
		r->vbds = d->n_vbd;
		r->nettx_k = t.tx_bytes / 1024;
		r->netrx_k = t.rx_bytes / 1024;
		r->oo = t.vbd_oo;
		r->rd = t.vbd_rd;
		r->wr = t.vbd_wr;
		r->rsect = t.vbd_rsect;
		r->wsect = t.vbd_wsect;
		r->ssid = d->ssid;
	}
	snap_dispose(&s);
	return n;
}

static uint64_t
cmp_jnum(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	return (uint64_t)json_object_get_double(v);
}

/* Rows from the first line of `xdom top -b --format=json`. */
static int
cmp_rows_topjson(const char *path, struct xt_row *rows)
{
	char *buf = cmp_slurp(path, NULL), *nl = strchr(buf, '\n');
	json_object *root, *doms, *d, *v;
	size_t i, nd;
	int n = 0;

	if (nl != NULL)
		*nl = '\0';
	root = json_tokener_parse(buf);
	if (root == NULL || !json_object_object_get_ex(root, "domains", &doms) ||
	    !json_object_is_type(doms, json_type_array)) {
		fprintf(stderr, "xencmp: %s: not xdom top JSON\n", path);
		exit(2);
	}
	nd = json_object_array_length(doms);
	for (i = 0; i < nd && n < XT_MAX; i++, n++) {
		struct xt_row *r = &rows[n];

		d = json_object_array_get_idx(doms, i);
		memset(r, 0, sizeof *r);
		if (json_object_object_get_ex(d, "name", &v))
			snprintf(r->name, sizeof r->name, "%s",
			    json_object_get_string(v));
		if (json_object_object_get_ex(d, "state", &v))
			snprintf(r->state, sizeof r->state, "%s",
			    json_object_get_string(v));
		r->cpu_s = cmp_jnum(d, "cpu_s");
		r->mem_k = cmp_jnum(d, "mem_kib");
		r->unlimited = !json_object_object_get_ex(d, "maxmem_kib", &v) ||
		    v == NULL;
		r->maxmem_k = cmp_jnum(d, "maxmem_kib");
		r->vcpus = cmp_jnum(d, "vcpus");
		r->nets = cmp_jnum(d, "nets");
		r->vbds = cmp_jnum(d, "vbds");
		r->nettx_k = cmp_jnum(d, "net_tx_bytes") / 1024;
		r->netrx_k = cmp_jnum(d, "net_rx_bytes") / 1024;
		r->oo = cmp_jnum(d, "vbd_oo");
		r->rd = cmp_jnum(d, "vbd_rd");
		r->wr = cmp_jnum(d, "vbd_wr");
		r->rsect = cmp_jnum(d, "vbd_rsect");
		r->wsect = cmp_jnum(d, "vbd_wsect");
		r->ssid = cmp_jnum(d, "ssid");
	}
	json_object_put(root);
	free(buf);
	return n;
}

/* Rows of the other side: stats JSON, top JSON or xentop-style text. */
static int
cmp_rows_any(const char *path, struct xt_row *rows)
{
	char *buf = cmp_slurp(path, NULL);
	bool json = buf[0] == '{', stats = strstr(buf, "\"xdom_stats\"") != NULL;

	free(buf);
	if (json && stats)
		return cmp_rows_snap(path, rows);
	if (json)
		return cmp_rows_topjson(path, rows);
	return cmp_xentop(path, rows);
}

/* Append one failed field to a summary of what disagreed. */
static void
cmp_field(char *bad, size_t len, bool good, const char *what, uint64_t a,
    uint64_t b)
{
	size_t n = strlen(bad);

	if (!good && n + 1 < len)
		snprintf(bad + n, len - n, " %s(xentop %" PRIu64 ", xdom %"
		    PRIu64 ")", what, a, b);
}

/* One domain, every field: one result line. a is xentop's later view
 * of the same domain (r itself when there is none). */
static void
cmp_row(const struct xt_row *r, const struct xt_row *a,
    const struct xt_row *d)
{
	char bad[1024] = "";

	if (!cmp_state_same(r->state, d->state)) {
		snprintf(bad, sizeof bad, " state(xentop %s, xdom %s)",
		    r->state, d->state);
	}
	cmp_field(bad, sizeof bad, cmp_between(r->cpu_s, a->cpu_s, d->cpu_s, 3, 0),
	    "cpu_s", r->cpu_s, d->cpu_s);
	cmp_field(bad, sizeof bad, cmp_near(r->mem_k, d->mem_k, 0, 1),
	    "mem_k", r->mem_k, d->mem_k);
	cmp_field(bad, sizeof bad, r->unlimited == d->unlimited &&
	    cmp_near(r->maxmem_k, d->maxmem_k, 0, 1), "maxmem_k(0=none)",
	    r->maxmem_k, d->maxmem_k);
	cmp_field(bad, sizeof bad, r->vcpus == d->vcpus, "vcpus", r->vcpus,
	    d->vcpus);
	cmp_field(bad, sizeof bad, r->nets == d->nets, "nets", r->nets,
	    d->nets);
	cmp_field(bad, sizeof bad, r->vbds == d->vbds, "vbds", r->vbds,
	    d->vbds);
	cmp_field(bad, sizeof bad, cmp_between(r->nettx_k, a->nettx_k, d->nettx_k, 64, 5),
	    "nettx_k", r->nettx_k, d->nettx_k);
	cmp_field(bad, sizeof bad, cmp_between(r->netrx_k, a->netrx_k, d->netrx_k, 64, 5),
	    "netrx_k", r->netrx_k, d->netrx_k);
	cmp_field(bad, sizeof bad, cmp_between(r->oo, a->oo, d->oo, 5, 5), "vbd_oo",
	    r->oo, d->oo);
	cmp_field(bad, sizeof bad, cmp_between(r->rd, a->rd, d->rd, 50, 5), "vbd_rd",
	    r->rd, d->rd);
	cmp_field(bad, sizeof bad, cmp_between(r->wr, a->wr, d->wr, 50, 5), "vbd_wr",
	    r->wr, d->wr);
	cmp_field(bad, sizeof bad, cmp_between(r->rsect, a->rsect, d->rsect, 1000, 5),
	    "vbd_rsect", r->rsect, d->rsect);
	cmp_field(bad, sizeof bad, cmp_between(r->wsect, a->wsect, d->wsect, 1000, 5),
	    "vbd_wsect", r->wsect, d->wsect);
	cmp_field(bad, sizeof bad, r->ssid == d->ssid, "ssid", r->ssid,
	    d->ssid);
	if (bad[0] != '\0') {
		cmp_ok(false, "%s: disagrees:%s", r->name, bad);
		return;
	}
	cmp_ok(true, "%s: state %s, %" PRIu64 " CPU s, mem %" PRIu64 " k, "
	    "maxmem %s, %" PRIu64 " vcpus, %" PRIu64 " nets (tx/rx %" PRIu64
	    "/%" PRIu64 " k), %" PRIu64 " vbds (oo/rd/wr %" PRIu64 "/%" PRIu64
	    "/%" PRIu64 ", sectors %" PRIu64 "/%" PRIu64 "), ssid %" PRIu64
	    " agree", r->name, d->state, d->cpu_s, d->mem_k,
	    d->unlimited ? "none" : "set", d->vcpus, d->nets, d->nettx_k,
	    d->netrx_k, d->vbds, d->oo, d->rd, d->wr, d->rsect, d->wsect,
	    d->ssid);
}

static int
cmd_top(const char *xt_path, const char *other, const char *xt_after)
{
	static struct xt_row rows[XT_MAX], xd[XT_MAX], later[XT_MAX];
	int n, m, l = 0, i, j, k, matched = 0;

	n = cmp_xentop(xt_path, rows);
	m = cmp_rows_any(other, xd);
	if (xt_after != NULL)
		l = cmp_xentop(xt_after, later);
	cmp_ok(n > 0 && n == m, "xentop and xdom see the same number of "
	    "domains (xentop %d, xdom %d)", n, m);
	for (i = 0; i < n; i++) {
		const struct xt_row *r = &rows[i], *d;

		for (j = 0; j < m && strcmp(xd[j].name, r->name) != 0; j++)
			;
		if (j == m) {
			cmp_ok(false, "%s: in xentop, missing from xdom",
			    r->name);
			continue;
		}
		d = &xd[j];
		for (k = 0; k < l && strcmp(later[k].name, r->name) != 0; k++)
			;
		matched++;
		cmp_row(r, k < l ? &later[k] : r, d);
	}
	cmp_ok(matched == n && matched == m, "every domain matched by name "
	    "(%d of xentop's %d, xdom has %d)", matched, n, m);
	return fails ? 1 : 0;
}

/* One row of an xl-list-like table. */
struct xl_row {
	char name[128], state[16];
	uint64_t id, mem, vcpus;
	double time;
};

static bool
cmp_is_num(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int
cmp_xl(const char *path, struct xl_row *rows)
{
	char *buf = cmp_slurp(path, NULL), *line, *save = NULL, *tok[XT_TOK];
	int n = 0, nt;

	for (line = strtok_r(buf, "\n", &save); line != NULL && n < XT_MAX;
	    line = strtok_r(NULL, "\n", &save)) {
		nt = cmp_split(line, tok, XT_TOK);
		if (nt < 6 || !cmp_is_num(tok[1]) || !cmp_is_num(tok[2]))
			continue;
		snprintf(rows[n].name, sizeof rows[n].name, "%s", tok[0]);
		rows[n].id = strtoull(tok[1], NULL, 10);
		rows[n].mem = strtoull(tok[2], NULL, 10);
		rows[n].vcpus = strtoull(tok[3], NULL, 10);
		snprintf(rows[n].state, sizeof rows[n].state, "%s", tok[4]);
		rows[n].time = strtod(tok[5], NULL);
		n++;
	}
	free(buf);
	return n;
}

static bool
cmp_letters_same(const char *a, const char *b)
{
	const char *stable = "pscd";

	for (; *stable != '\0'; stable++)
		if ((strchr(a, *stable) != NULL) != (strchr(b, *stable) != NULL))
			return false;
	return true;
}

static int
cmd_list(const char *xl_path, const char *xd_path)
{
	static struct xl_row a[XT_MAX], b[XT_MAX];
	int na = cmp_xl(xl_path, a), nb = cmp_xl(xd_path, b), i, j;

	cmp_ok(na > 0 && na == nb, "xl list and xdom list show the same "
	    "number of domains (%d, %d)", na, nb);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && strcmp(a[i].name, b[j].name) != 0; j++)
			;
		if (j == nb) {
			cmp_ok(false, "%s: in xl list, missing from xdom list",
			    a[i].name);
			continue;
		}
		cmp_ok(a[i].id == b[j].id && cmp_near(a[i].mem, b[j].mem, 1, 0) &&
		    a[i].vcpus == b[j].vcpus &&
		    cmp_letters_same(a[i].state, b[j].state) &&
		    a[i].time - b[j].time < 3 && b[j].time - a[i].time < 3,
		    "%s: id, memory, vcpus, state and time agree (xl: %" PRIu64
		    " %" PRIu64 " %" PRIu64 " %s %.1f; xdom: %" PRIu64 " %"
		    PRIu64 " %" PRIu64 " %s %.1f)", a[i].name, a[i].id,
		    a[i].mem, a[i].vcpus, a[i].state, a[i].time, b[j].id,
		    b[j].mem, b[j].vcpus, b[j].state, b[j].time);
	}
	return fails ? 1 : 0;
}

static uint64_t
cmp_counter(const struct snap *s, const struct snap_dom *d, const char *what)
{
	/* counter name -> its total; unknown names give a usage error */
	struct snap_dom_totals t;

	snap_dom_totals(s, d, &t);
	if (strcmp(what, "vbd_rd") == 0)
		return t.vbd_rd;
	if (strcmp(what, "vbd_wr") == 0)
		return t.vbd_wr;
	if (strcmp(what, "net_rx") == 0)
		return t.rx_pkts;
	if (strcmp(what, "net_tx") == 0)
		return t.tx_pkts;
	if (strcmp(what, "cpu") == 0)
		return d->cpu_ns;
	fprintf(stderr, "xencmp: unknown counter %s\n", what);
	exit(2);
}

static int
cmd_moved(const char *pa, const char *pb, const char *name, const char *what)
{
	struct snap a, b;
	const struct snap_dom *da, *db;
	uint64_t va, vb;

	cmp_load_json(pa, &a);
	cmp_load_json(pb, &b);
	da = snap_find_name(&a, name);
	db = snap_find_name(&b, name);
	if (da == NULL || db == NULL) {
		cmp_ok(false, "%s: %s moved: guest missing from a snapshot",
		    name, what);
	} else {
		va = cmp_counter(&a, da, what);
		vb = cmp_counter(&b, db, what);
		cmp_ok(vb > va, "%s: %s moved (%" PRIu64 " -> %" PRIu64 ")",
		    name, what, va, vb);
	}
	snap_dispose(&a);
	snap_dispose(&b);
	return fails ? 1 : 0;
}

static int
cmd_get(const char *path, const char *name, const char *field)
{
	static struct xt_row rows[XT_MAX];
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "cpu_s", offsetof(struct xt_row, cpu_s) },
		{ "mem_k", offsetof(struct xt_row, mem_k) },
		{ "maxmem_k", offsetof(struct xt_row, maxmem_k) },
		{ "vcpus", offsetof(struct xt_row, vcpus) },
		{ "nets", offsetof(struct xt_row, nets) },
		{ "vbds", offsetof(struct xt_row, vbds) },
	};
	size_t f;
	int n, i;

	n = strstr(path, "xentop") != NULL ? cmp_xentop(path, rows) :
	    cmp_rows_any(path, rows);
	for (i = 0; i < n && strcmp(rows[i].name, name) != 0; i++)
		;
	if (i == n)
		return 1;
	if (strcmp(field, "state") == 0) {
		printf("%s\n", rows[i].state);
		return 0;
	}
	for (f = 0; f < sizeof fields / sizeof fields[0]; f++) {
		if (strcmp(fields[f].name, field) == 0) {
			printf("%" PRIu64 "\n", *(const uint64_t *)(const void *)
			    ((const char *)&rows[i] + fields[f].off));
			return 0;
		}
	}
	fprintf(stderr, "xencmp: unknown field %s\n", field);
	return 2;
}

int
main(int argc, char **argv)
{
	struct snap s;
	size_t want;

	if ((argc == 4 || argc == 5) && strcmp(argv[1], "top") == 0)
		return cmd_top(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 4 && strcmp(argv[1], "list") == 0)
		return cmd_list(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "get") == 0)
		return cmd_get(argv[2], argv[3], argv[4]);
	if (argc == 6 && strcmp(argv[1], "moved") == 0)
		return cmd_moved(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 4 && strcmp(argv[1], "count") == 0) {
		cmp_load_json(argv[2], &s);
		want = strtoul(argv[3], NULL, 10);
		cmp_ok(s.n_dom >= want, "snapshot holds %zu domains (want >= "
		    "%zu)", s.n_dom, want);
		snap_dispose(&s);
		return fails ? 1 : 0;
	}
	fprintf(stderr, "usage: xencmp top|list|moved|count|get ...\n");
	return 2;
}
