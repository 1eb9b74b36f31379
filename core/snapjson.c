/*
 * snapjson.c - snapshot <-> one line of JSON (see snapjson.h).
 *
 * The record layouts are described once, as tables of {key, offset,
 * kind}, and both directions walk the same tables, so a field cannot be
 * written under one name and read under another. The decoder bounds its
 * work before json-c allocates anything: the line length and a count of
 * JSON values (a cheap scan of the structural characters) are checked
 * first, then the nesting depth is capped by the tokener.
 */
#include "core/snapjson.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define SJ_MAX_DEPTH 8		/* the format nests 5 deep */

enum sj_kind {
	SJ_U64,			/* uint64_t */
	SJ_U64_NULLMAX,		/* uint64_t, null <-> UINT64_MAX */
	SJ_S64,			/* int64_t, >= 0 */
	SJ_U32,			/* uint32_t */
	SJ_BOOL,		/* bool */
	SJ_STR,			/* char[size], NUL-terminated, no NUL inside */
};

struct sj_field {
	const char *key;	/* JSON member name */
	size_t off;		/* offset of the C field */
	enum sj_kind kind;
	size_t size;		/* SJ_STR: the buffer's size */
};

#define SJ_F(type, key, field, kind) \
	{ key, offsetof(type, field), kind, sizeof(((type *)0)->field) }

static const struct sj_field sj_snap_fields[] = {
	SJ_F(struct snap, "mono_ns", mono_ns, SJ_U64),
	SJ_F(struct snap, "wall_s", wall_s, SJ_S64),
};

static const struct sj_field sj_host_fields[] = {
	SJ_F(struct snap_host, "name", name, SJ_STR),
	SJ_F(struct snap_host, "hv_version", hv_version, SJ_STR),
	SJ_F(struct snap_host, "ncpus", ncpus, SJ_U32),
	SJ_F(struct snap_host, "cpu_mhz", cpu_mhz, SJ_U32),
	SJ_F(struct snap_host, "mem_total_kb", mem_total_kb, SJ_U64),
	SJ_F(struct snap_host, "mem_free_kb", mem_free_kb, SJ_U64),
	SJ_F(struct snap_host, "simulated", simulated, SJ_BOOL),
};

/* "host", "id" and "name" are handled apart: they place the record. */
static const struct sj_field sj_dom_fields[] = {
	SJ_F(struct snap_dom, "flags", flags, SJ_U32),
	SJ_F(struct snap_dom, "cpu_ns", cpu_ns, SJ_U64),
	SJ_F(struct snap_dom, "mem_kb", mem_kb, SJ_U64),
	SJ_F(struct snap_dom, "maxmem_kb", maxmem_kb, SJ_U64_NULLMAX),
	SJ_F(struct snap_dom, "vcpus_online", vcpus_online, SJ_U32),
	SJ_F(struct snap_dom, "vcpus_max", vcpus_max, SJ_U32),
	SJ_F(struct snap_dom, "ssid", ssid, SJ_U32),
};

static const struct sj_field sj_vcpu_fields[] = {
	SJ_F(struct snap_vcpu, "ns", ns, SJ_U64),
	SJ_F(struct snap_vcpu, "online", online, SJ_BOOL),
};

static const struct sj_field sj_net_fields[] = {
	SJ_F(struct snap_net, "id", id, SJ_U32),
	SJ_F(struct snap_net, "rx_bytes", rx_bytes, SJ_U64),
	SJ_F(struct snap_net, "rx_pkts", rx_pkts, SJ_U64),
	SJ_F(struct snap_net, "rx_errs", rx_errs, SJ_U64),
	SJ_F(struct snap_net, "rx_drops", rx_drops, SJ_U64),
	SJ_F(struct snap_net, "tx_bytes", tx_bytes, SJ_U64),
	SJ_F(struct snap_net, "tx_pkts", tx_pkts, SJ_U64),
	SJ_F(struct snap_net, "tx_errs", tx_errs, SJ_U64),
	SJ_F(struct snap_net, "tx_drops", tx_drops, SJ_U64),
};

static const struct sj_field sj_vbd_fields[] = {
	SJ_F(struct snap_vbd, "dev", dev, SJ_U32),
	SJ_F(struct snap_vbd, "oo", oo, SJ_U64),
	SJ_F(struct snap_vbd, "rd_reqs", rd_reqs, SJ_U64),
	SJ_F(struct snap_vbd, "wr_reqs", wr_reqs, SJ_U64),
	SJ_F(struct snap_vbd, "rd_sect", rd_sect, SJ_U64),
	SJ_F(struct snap_vbd, "wr_sect", wr_sect, SJ_U64),
};

#define SJ_N(t) (sizeof(t) / sizeof((t)[0]))

/* ---- encoding ---------------------------------------------------------- */

static void
sj_put(struct json_object *obj, const char *key, struct json_object *v)
{
	/* Keys are constants: json-c need not copy them. */
	json_object_object_add_ex(obj, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
	    JSON_C_OBJECT_ADD_CONSTANT_KEY);
}

static void
sj_put_fields(struct json_object *obj, const struct sj_field *f, size_t n,
    const void *base)
{
	const char *p = base;
	size_t i;

	for (i = 0; i < n; i++) {
		const void *at = p + f[i].off;
		struct json_object *v = NULL;
		uint64_t u;
		int64_t s;
		uint32_t w;
		bool b;

		switch (f[i].kind) {
		case SJ_U64:
		case SJ_U64_NULLMAX:
			memcpy(&u, at, sizeof u);
			if (f[i].kind == SJ_U64_NULLMAX && u == UINT64_MAX)
				v = NULL;
			else
				v = json_object_new_uint64(u);
			break;
		case SJ_S64:
			memcpy(&s, at, sizeof s);
			v = json_object_new_int64(s < 0 ? 0 : s);
			break;
		case SJ_U32:
			memcpy(&w, at, sizeof w);
			v = json_object_new_int64(w);
			break;
		case SJ_BOOL:
			memcpy(&b, at, sizeof b);
			v = json_object_new_boolean(b);
			break;
		case SJ_STR:
			v = json_object_new_string_len(at,
			    (int)strnlen(at, f[i].size));
			break;
		}
		sj_put(obj, f[i].key, v);
	}
}

static struct json_object *
sj_new_object(void)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		abort();
	return o;
}

static struct json_object *
sj_new_array(size_t n)
{
	struct json_object *a = json_object_new_array_ext((int)(n ? n : 1));

	if (a == NULL)
		abort();
	return a;
}

/* An array of n records of size elem, each described by f. */
static struct json_object *
sj_records(const void *recs, size_t n, size_t elem, const struct sj_field *f,
    size_t nf)
{
	struct json_object *a = sj_new_array(n);
	const char *p = recs;
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = sj_new_object();

		sj_put_fields(o, f, nf, p + i * elem);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
sj_encode_tree(const struct snap *s)
{
	struct json_object *top = sj_new_object();
	struct json_object *hosts, *doms;
	size_t i, j;

	sj_put(top, "xdom_stats", json_object_new_int(SNAPJSON_VERSION));
	sj_put_fields(top, sj_snap_fields, SJ_N(sj_snap_fields), s);

	hosts = sj_new_array(s->n_host);
	for (i = 0; i < s->n_host; i++) {
		const struct snap_host *h = &s->hosts[i];
		struct json_object *o = sj_new_object();
		struct json_object *pc = sj_new_array(h->n_pcpu);

		sj_put_fields(o, sj_host_fields, SJ_N(sj_host_fields), h);
		for (j = 0; j < h->n_pcpu; j++)
			json_object_array_add(pc, json_object_new_uint64(
			    s->pcpu_ns[h->pcpu_off + j]));
		sj_put(o, "pcpu_ns", pc);
		json_object_array_add(hosts, o);
	}
	sj_put(top, "hosts", hosts);

	doms = sj_new_array(s->n_dom);
	for (i = 0; i < s->n_dom; i++) {
		const struct snap_dom *d = &s->dom[i];
		const char *name = snap_dom_name(s, d);
		struct json_object *o = sj_new_object();

		sj_put(o, "host", json_object_new_int(d->host));
		sj_put(o, "id", json_object_new_int64(d->id));
		sj_put(o, "name", json_object_new_string_len(name,
		    (int)strlen(name)));
		sj_put_fields(o, sj_dom_fields, SJ_N(sj_dom_fields), d);
		sj_put(o, "vcpus", sj_records(snap_dom_vcpus(s, d), d->n_vcpu,
		    sizeof(struct snap_vcpu), sj_vcpu_fields,
		    SJ_N(sj_vcpu_fields)));
		sj_put(o, "nets", sj_records(snap_dom_nets(s, d), d->n_net,
		    sizeof(struct snap_net), sj_net_fields,
		    SJ_N(sj_net_fields)));
		sj_put(o, "vbds", sj_records(snap_dom_vbds(s, d), d->n_vbd,
		    sizeof(struct snap_vbd), sj_vbd_fields,
		    SJ_N(sj_vbd_fields)));
		json_object_array_add(doms, o);
	}
	sj_put(top, "domains", doms);
	return top;
}

static const char *
sj_text(struct json_object *top, size_t *len)
{
	const char *txt = json_object_to_json_string_length(top,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);

	if (txt == NULL)
		abort();		/* json-c fails only on allocation */
	return txt;
}

char *
snapjson_encode(const struct snap *s, size_t *len)
{
	struct json_object *top = sj_encode_tree(s);
	const char *txt;
	size_t n;
	char *out;

	txt = sj_text(top, &n);		/* sets n: not in the same call */
	out = xstrndup(txt, n);
	json_object_put(top);
	if (len != NULL)
		*len = n;
	return out;
}

int
snapjson_write(FILE *f, const struct snap *s, struct xdom_err *err)
{
	struct json_object *top = sj_encode_tree(s);
	const char *txt;
	size_t n;
	int rc = 0;

	txt = sj_text(top, &n);
	errno = 0;
	if (fwrite(txt, 1, n, f) != n || fputc('\n', f) == EOF ||
	    fflush(f) != 0) {
		int e = errno ? errno : EIO;

		rc = xdom_err_errno(err, XDOM_EIO, e, "writing the snapshot");
		errno = e;	/* callers tell EPIPE from the rest */
	}
	json_object_put(top);
	return rc;
}

/* ---- decoding ---------------------------------------------------------- */

/* Where in the line a value is, for messages: "domains[3].nets[0]". */
struct sj_ctx {
	struct xdom_err *err;
	char where[64];
};

static int
sj_bad(struct sj_ctx *c, const char *key, const char *what)
{
	return xdom_err_set(c->err, XDOM_EPROTO, "snapshot line: %s%s%s: %s",
	    c->where, c->where[0] && key[0] ? "." : "", key, what);
}

static int
sj_member(struct sj_ctx *c, struct json_object *obj, const char *key,
    enum json_type type, bool nullable, struct json_object **out)
{
	static const char *const names[] = {
		[json_type_null] = "null",
		[json_type_boolean] = "true or false",
		[json_type_double] = "a number",
		[json_type_int] = "a whole number",
		[json_type_object] = "an object",
		[json_type_array] = "an array",
		[json_type_string] = "a string",
	};
	char msg[48];

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out))
		return sj_bad(c, key, "missing");
	if (*out == NULL && nullable)
		return 0;
	if (json_object_get_type(*out) != type) {
		snprintf(msg, sizeof msg, "expected %s", names[type]);
		return sj_bad(c, key, msg);
	}
	return 0;
}

static int
sj_get_u64(struct sj_ctx *c, struct json_object *obj, const char *key,
    uint64_t max, bool nullable, uint64_t *out)
{
	struct json_object *v;
	int rc;

	if ((rc = sj_member(c, obj, key, json_type_int, nullable, &v)) != 0)
		return rc;
	if (v == NULL) {
		*out = UINT64_MAX;
		return 0;
	}
	if (json_object_get_int64(v) < 0)
		return sj_bad(c, key, "negative");
	*out = json_object_get_uint64(v);
	if (*out > max)
		return sj_bad(c, key, "out of range");
	return 0;
}

static int
sj_get_fields(struct sj_ctx *c, struct json_object *obj,
    const struct sj_field *f, size_t n, void *base)
{
	char *p = base;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		void *at = p + f[i].off;
		struct json_object *v;
		uint64_t u;
		int64_t s;
		uint32_t w;
		bool b;
		const char *str;
		size_t len;

		switch (f[i].kind) {
		case SJ_U64:
		case SJ_U64_NULLMAX:
			rc = sj_get_u64(c, obj, f[i].key, UINT64_MAX,
			    f[i].kind == SJ_U64_NULLMAX, &u);
			if (rc != 0)
				return rc;
			memcpy(at, &u, sizeof u);
			break;
		case SJ_S64:
			rc = sj_get_u64(c, obj, f[i].key, INT64_MAX, false,
			    &u);
			if (rc != 0)
				return rc;
			s = (int64_t)u;
			memcpy(at, &s, sizeof s);
			break;
		case SJ_U32:
			rc = sj_get_u64(c, obj, f[i].key, UINT32_MAX, false,
			    &u);
			if (rc != 0)
				return rc;
			w = (uint32_t)u;
			memcpy(at, &w, sizeof w);
			break;
		case SJ_BOOL:
			rc = sj_member(c, obj, f[i].key, json_type_boolean,
			    false, &v);
			if (rc != 0)
				return rc;
			b = json_object_get_boolean(v);
			memcpy(at, &b, sizeof b);
			break;
		case SJ_STR:
			rc = sj_member(c, obj, f[i].key, json_type_string,
			    false, &v);
			if (rc != 0)
				return rc;
			str = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
			if (len >= f[i].size)
				return sj_bad(c, f[i].key, "too long");
			if (memchr(str, '\0', len) != NULL)
				return sj_bad(c, f[i].key, "holds a NUL");
			memcpy(at, str, len);
			((char *)at)[len] = '\0';
			break;
		}
	}
	return 0;
}

/* The array under key, with at most max elements. */
static int
sj_get_array(struct sj_ctx *c, struct json_object *obj, const char *key,
    size_t max, struct json_object **out, size_t *n)
{
	int rc;

	if ((rc = sj_member(c, obj, key, json_type_array, false, out)) != 0)
		return rc;
	*n = json_object_array_length(*out);
	if (*n > max) {
		xdom_err_set(c->err, XDOM_ENOMEM, "snapshot line: %s%s%s: "
		    "more than %zu entries", c->where, c->where[0] ? "." : "",
		    key, max);
		return XDOM_ENOMEM;
	}
	return 0;
}

/* Decode the array under key into the last domain's records. */
static int
sj_get_records(struct sj_ctx *c, struct json_object *dobj, size_t di,
    const char *key, const struct sj_field *f, size_t nf, size_t elem,
    struct snap *s, void *(*add)(struct snap *, uint32_t))
{
	struct json_object *a;
	char *recs;
	size_t n, i;
	int rc;

	snprintf(c->where, sizeof c->where, "domains[%zu]", di);
	if ((rc = sj_get_array(c, dobj, key, SNAPJSON_MAX_SUB, &a, &n)) != 0)
		return rc;
	if (n == 0)
		return 0;
	recs = add(s, (uint32_t)n);
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);

		snprintf(c->where, sizeof c->where, "domains[%zu].%s[%zu]",
		    di, key, i);
		if (json_object_get_type(o) != json_type_object)
			return sj_bad(c, "", "expected an object");
		if ((rc = sj_get_fields(c, o, f, nf, recs + i * elem)) != 0)
			return rc;
	}
	return 0;
}

/* snap_add_* return typed pointers; these adapt them for sj_get_records. */
static void *
sj_add_vcpus(struct snap *s, uint32_t n)
{
	return snap_add_vcpus(s, n);
}

static void *
sj_add_nets(struct snap *s, uint32_t n)
{
	return snap_add_nets(s, n);
}

static void *
sj_add_vbds(struct snap *s, uint32_t n)
{
	return snap_add_vbds(s, n);
}

static int
sj_decode_host(struct sj_ctx *c, struct json_object *o, size_t hi,
    struct snap *s)
{
	struct snap_host h;
	struct json_object *a;
	uint64_t *pc;
	size_t n, i;
	uint16_t idx;
	int rc;

	memset(&h, 0, sizeof h);
	snprintf(c->where, sizeof c->where, "hosts[%zu]", hi);
	if (json_object_get_type(o) != json_type_object)
		return sj_bad(c, "", "expected an object");
	if ((rc = sj_get_fields(c, o, sj_host_fields, SJ_N(sj_host_fields),
	    &h)) != 0)
		return rc;
	if ((rc = sj_get_array(c, o, "pcpu_ns", SNAPJSON_MAX_SUB, &a, &n)) != 0)
		return rc;
	idx = snap_add_host(s, h.name);
	h.state = SNAP_HOST_UP;
	h.pcpu_off = 0;
	h.n_pcpu = 0;
	s->hosts[idx] = h;
	if (n == 0)
		return 0;
	pc = snap_add_pcpus(s, idx, (uint32_t)n);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		snprintf(c->where, sizeof c->where, "hosts[%zu].pcpu_ns[%zu]",
		    hi, i);
		if (json_object_get_type(v) != json_type_int)
			return sj_bad(c, "", "expected a whole number");
		if (json_object_get_int64(v) < 0)
			return sj_bad(c, "", "negative");
		pc[i] = json_object_get_uint64(v);
	}
	return 0;
}

static int
sj_decode_dom(struct sj_ctx *c, struct json_object *o, size_t di,
    struct snap *s)
{
	struct snap_dom tmp, *d;
	struct json_object *nv;
	uint64_t host, id;
	const char *name;
	size_t len;
	int rc;

	memset(&tmp, 0, sizeof tmp);
	snprintf(c->where, sizeof c->where, "domains[%zu]", di);
	if (json_object_get_type(o) != json_type_object)
		return sj_bad(c, "", "expected an object");
	if (s->n_host == 0)
		return sj_bad(c, "host", "no hosts to refer to");
	if ((rc = sj_get_u64(c, o, "host", s->n_host - 1, false,
	    &host)) != 0)
		return rc;
	if ((rc = sj_get_u64(c, o, "id", UINT32_MAX, false, &id)) != 0)
		return rc;
	if ((rc = sj_member(c, o, "name", json_type_string, false, &nv)) != 0)
		return rc;
	name = json_object_get_string(nv);
	len = (size_t)json_object_get_string_len(nv);
	if (len > SNAPJSON_MAX_NAME)
		return sj_bad(c, "name", "too long");
	if (memchr(name, '\0', len) != NULL)
		return sj_bad(c, "name", "holds a NUL");
	if ((rc = sj_get_fields(c, o, sj_dom_fields, SJ_N(sj_dom_fields),
	    &tmp)) != 0)
		return rc;
	if (tmp.flags >= (1u << SNAP_STATE_LEN))
		return sj_bad(c, "flags", "unknown state bits");

	d = snap_add_dom(s, (uint16_t)host, (uint32_t)id, name);
	d->flags = tmp.flags;
	d->cpu_ns = tmp.cpu_ns;
	d->mem_kb = tmp.mem_kb;
	d->maxmem_kb = tmp.maxmem_kb;
	d->vcpus_online = tmp.vcpus_online;
	d->vcpus_max = tmp.vcpus_max;
	d->ssid = tmp.ssid;

	if ((rc = sj_get_records(c, o, di, "vcpus", sj_vcpu_fields,
	    SJ_N(sj_vcpu_fields), sizeof(struct snap_vcpu), s,
	    sj_add_vcpus)) != 0)
		return rc;
	if ((rc = sj_get_records(c, o, di, "nets", sj_net_fields,
	    SJ_N(sj_net_fields), sizeof(struct snap_net), s,
	    sj_add_nets)) != 0)
		return rc;
	return sj_get_records(c, o, di, "vbds", sj_vbd_fields,
	    SJ_N(sj_vbd_fields), sizeof(struct snap_vbd), s, sj_add_vbds);
}

/*
 * An upper bound on what json-c will allocate for buf, in units of one
 * scalar value: the characters that start or separate values outside
 * strings are counted, objects and arrays weighing more. It lets the
 * decoder refuse a line before json-c builds millions of objects.
 */
static size_t
sj_cost(const char *buf, size_t len)
{
	bool in_str = false;
	size_t i, n = 1;

	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == ',' || ch == ':') {
			n++;
		} else if (ch == '[' || ch == '{') {
			n += SNAPJSON_CONTAINER_COST;
		}
	}
	return n;
}

static int
sj_parse(const char *buf, size_t len, struct json_object **out,
    struct xdom_err *err)
{
	struct json_tokener *tok;
	enum json_tokener_error je;
	size_t end;
	int rc = 0;

	*out = NULL;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len == 0)
		return xdom_err_set(err, XDOM_EPROTO, "snapshot line: empty");
	if (len > SNAPJSON_MAX_LINE)
		return xdom_err_set(err, XDOM_ENOMEM, "snapshot line: longer "
		    "than %u bytes", SNAPJSON_MAX_LINE);
	if (sj_cost(buf, len) > SNAPJSON_MAX_COST)
		return xdom_err_set(err, XDOM_ENOMEM, "snapshot line: too "
		    "many values (more than %u)", SNAPJSON_MAX_COST);
	tok = json_tokener_new_ex(SJ_MAX_DEPTH);
	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*out = json_tokener_parse_ex(tok, buf, (int)len);
	je = json_tokener_get_error(tok);
	if (*out == NULL || je != json_tokener_success) {
		rc = xdom_err_set(err, XDOM_EPROTO, "snapshot line: not JSON: "
		    "%s at byte %zu", je == json_tokener_continue ?
		    "truncated" : json_tokener_error_desc(je),
		    json_tokener_get_parse_end(tok));
		goto out;
	}
	end = json_tokener_get_parse_end(tok);
	for (; end < len; end++) {
		if (buf[end] != ' ' && buf[end] != '\t') {
			rc = xdom_err_set(err, XDOM_EPROTO, "snapshot line: "
			    "text after the object at byte %zu", end);
			goto out;
		}
	}
out:
	if (rc != 0) {
		json_object_put(*out);
		*out = NULL;
	}
	json_tokener_free(tok);
	return rc;
}

int
snapjson_decode_json(const char *buf, size_t len, struct snap *out,
    struct xdom_err *err)
{
	struct sj_ctx c = { err, "" };
	struct json_object *top = NULL, *v, *a;
	uint64_t version;
	size_t n, i;
	int rc;

	snap_reset(out);
	if ((rc = sj_parse(buf, len, &top, err)) != 0)
		return rc;
	if (json_object_get_type(top) != json_type_object) {
		rc = sj_bad(&c, "", "expected an object");
		goto out;
	}
	if ((rc = sj_member(&c, top, "xdom_stats", json_type_int, false,
	    &v)) != 0)
		goto out;
	version = (uint64_t)json_object_get_int64(v);
	if (version != SNAPJSON_VERSION) {
		rc = xdom_err_set(err, XDOM_EPROTO, "snapshot line: format "
		    "version %lld, this xdom reads version %d",
		    (long long)json_object_get_int64(v), SNAPJSON_VERSION);
		goto out;
	}
	if ((rc = sj_get_fields(&c, top, sj_snap_fields,
	    SJ_N(sj_snap_fields), out)) != 0)
		goto out;

	if ((rc = sj_get_array(&c, top, "hosts", SNAPJSON_MAX_HOSTS, &a,
	    &n)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = sj_decode_host(&c, json_object_array_get_idx(a, i),
		    i, out)) != 0)
			goto out;

	c.where[0] = '\0';
	if ((rc = sj_get_array(&c, top, "domains", SNAPJSON_MAX_DOMS, &a,
	    &n)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = sj_decode_dom(&c, json_object_array_get_idx(a, i),
		    i, out)) != 0)
			goto out;

	snap_finish(out);
	for (i = 1; i < out->n_dom; i++) {
		if (out->dom[i].host == out->dom[i - 1].host &&
		    out->dom[i].id == out->dom[i - 1].id) {
			rc = xdom_err_set(err, XDOM_EPROTO, "snapshot line: "
			    "domain id %u appears twice", out->dom[i].id);
			goto out;
		}
	}
out:
	json_object_put(top);
	if (rc != 0)
		snap_reset(out);
	return rc;
}

/* ---- the fast path ------------------------------------------------------ */

/*
 * Lines as snapjson_encode() writes them (keys in its order, no blanks,
 * plain ASCII strings without escapes, integers without sign, fraction or
 * leading zeros) are read straight into the snapshot, without json-c's
 * tree: a 200-domain line costs a fraction of a millisecond instead of
 * about two, which is most of the fleet view's CPU. Anything else (a
 * later version's extra keys, another writer's spacing, an escaped name,
 * a value out of range, an error) is not taken here, and
 * snapjson_decode() hands the line to json-c, whose checks and messages
 * decide. So the fast path only ever accepts lines that the json-c path
 * accepts with the same result (fuzz_snapjson checks exactly that).
 */
struct sjf {
	const char *p, *end;
	size_t cost;		/* as sj_cost() counts */
};

static bool
sjf_ch(struct sjf *f, char ch)
{
	if (f->p >= f->end || *f->p != ch)
		return false;
	f->p++;
	if (ch == ',')
		f->cost++;
	else if (ch == '[' || ch == '{')
		f->cost += SNAPJSON_CONTAINER_COST;
	return true;
}

static bool
sjf_word(struct sjf *f, const char *w, size_t n)
{
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0)
		return false;
	f->p += n;
	return true;
}

/* "key": */
static bool
sjf_key(struct sjf *f, const char *key)
{
	size_t n = strlen(key);

	if ((size_t)(f->end - f->p) < n + 3 || f->p[0] != '"' ||
	    memcmp(f->p + 1, key, n) != 0 || f->p[n + 1] != '"' ||
	    f->p[n + 2] != ':')
		return false;
	f->p += n + 3;
	f->cost++;
	return true;
}

/* An unsigned integer as JSON writes it, at most max. */
static bool
sjf_u64(struct sjf *f, uint64_t max, uint64_t *out)
{
	const char *p = f->p;
	uint64_t v = 0;

	if (p >= f->end || *p < '0' || *p > '9')
		return false;
	if (*p == '0')
		p++;
	else {
		while (p < f->end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');

			if (v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
			p++;
		}
	}
	if (p < f->end && ((*p >= '0' && *p <= '9') || *p == '.' ||
	    *p == 'e' || *p == 'E'))
		return false;
	if (v > max)
		return false;
	f->p = p;
	*out = v;
	return true;
}

/* A string of printable ASCII without escapes; *s points into the line. */
static bool
sjf_str(struct sjf *f, const char **s, size_t *len)
{
	const char *p;

	if (f->p >= f->end || *f->p != '"')
		return false;
	for (p = f->p + 1; p < f->end && *p != '"'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e ||
		    *p == '\\')
			return false;
	if (p >= f->end)
		return false;
	*s = f->p + 1;
	*len = (size_t)(p - *s);
	f->p = p + 1;
	return true;
}

/* Fields of a table, in its order; first: no ',' before the first. */
static bool
sjf_fields(struct sjf *f, const struct sj_field *t, size_t n, void *base,
    bool first)
{
	char *b = base;
	size_t i;

	for (i = 0; i < n; i++) {
		void *at = b + t[i].off;
		uint64_t u;
		int64_t sv;
		uint32_t w;
		bool bv;
		const char *str;
		size_t len;

		if ((i > 0 || !first) && !sjf_ch(f, ','))
			return false;
		if (!sjf_key(f, t[i].key))
			return false;
		switch (t[i].kind) {
		case SJ_U64_NULLMAX:
			if (sjf_word(f, "null", 4)) {
				u = UINT64_MAX;
				memcpy(at, &u, sizeof u);
				break;
			}
			/* FALLTHROUGH */
		case SJ_U64:
			if (!sjf_u64(f, UINT64_MAX, &u))
				return false;
			memcpy(at, &u, sizeof u);
			break;
		case SJ_S64:
			if (!sjf_u64(f, INT64_MAX, &u))
				return false;
			sv = (int64_t)u;
			memcpy(at, &sv, sizeof sv);
			break;
		case SJ_U32:
			if (!sjf_u64(f, UINT32_MAX, &u))
				return false;
			w = (uint32_t)u;
			memcpy(at, &w, sizeof w);
			break;
		case SJ_BOOL:
			if (sjf_word(f, "true", 4))
				bv = true;
			else if (sjf_word(f, "false", 5))
				bv = false;
			else
				return false;
			memcpy(at, &bv, sizeof bv);
			break;
		case SJ_STR:
			if (!sjf_str(f, &str, &len) || len >= t[i].size)
				return false;
			memcpy(at, str, len);
			((char *)at)[len] = '\0';
			break;
		}
	}
	return true;
}

/* ,"key":[{...},...] into the last domain's records, one at a time. */
static bool
sjf_records(struct sjf *f, const char *key, const struct sj_field *t,
    size_t nt, struct snap *s, void *(*add)(struct snap *, uint32_t))
{
	size_t n = 0;

	if (!sjf_ch(f, ',') || !sjf_key(f, key) || !sjf_ch(f, '['))
		return false;
	if (sjf_ch(f, ']'))
		return true;
	do {
		if (++n > SNAPJSON_MAX_SUB || !sjf_ch(f, '{') ||
		    !sjf_fields(f, t, nt, add(s, 1), true) || !sjf_ch(f, '}'))
			return false;
	} while (sjf_ch(f, ','));
	return sjf_ch(f, ']');
}

static bool
sjf_host(struct sjf *f, struct snap *s)
{
	struct snap_host h;
	const char *q;
	uint64_t *pc, v;
	uint32_t n = 0, i;
	uint16_t idx;

	memset(&h, 0, sizeof h);
	if (!sjf_ch(f, '{') || !sjf_fields(f, sj_host_fields,
	    SJ_N(sj_host_fields), &h, true) || !sjf_ch(f, ',') ||
	    !sjf_key(f, "pcpu_ns") || !sjf_ch(f, '['))
		return false;
	/* Count the numbers first: snap_add_pcpus takes them at once. */
	if (f->p < f->end && *f->p != ']') {
		for (n = 1, q = f->p; q < f->end && *q != ']'; q++)
			if (*q == ',')
				n++;
		if (n > SNAPJSON_MAX_SUB)
			return false;
	}
	idx = snap_add_host(s, h.name);
	h.state = SNAP_HOST_UP;
	h.pcpu_off = 0;
	h.n_pcpu = 0;
	s->hosts[idx] = h;
	if (n > 0) {
		pc = snap_add_pcpus(s, idx, n);
		for (i = 0; i < n; i++) {
			if ((i > 0 && !sjf_ch(f, ',')) ||
			    !sjf_u64(f, UINT64_MAX, &v))
				return false;
			pc[i] = v;
		}
	}
	return sjf_ch(f, ']') && sjf_ch(f, '}');
}

static bool
sjf_dom(struct sjf *f, struct snap *s)
{
	struct snap_dom tmp, *d;
	uint64_t host, id;
	const char *name;
	char buf[SNAPJSON_MAX_NAME + 1];
	size_t len;

	memset(&tmp, 0, sizeof tmp);
	if (s->n_host == 0 || !sjf_ch(f, '{') || !sjf_key(f, "host") ||
	    !sjf_u64(f, s->n_host - 1, &host) || !sjf_ch(f, ',') ||
	    !sjf_key(f, "id") || !sjf_u64(f, UINT32_MAX, &id) ||
	    !sjf_ch(f, ',') || !sjf_key(f, "name") ||
	    !sjf_str(f, &name, &len) || len > SNAPJSON_MAX_NAME ||
	    !sjf_fields(f, sj_dom_fields, SJ_N(sj_dom_fields), &tmp, false) ||
	    tmp.flags >= (1u << SNAP_STATE_LEN))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	d = snap_add_dom(s, (uint16_t)host, (uint32_t)id, buf);
	d->flags = tmp.flags;
	d->cpu_ns = tmp.cpu_ns;
	d->mem_kb = tmp.mem_kb;
	d->maxmem_kb = tmp.maxmem_kb;
	d->vcpus_online = tmp.vcpus_online;
	d->vcpus_max = tmp.vcpus_max;
	d->ssid = tmp.ssid;
	return sjf_records(f, "vcpus", sj_vcpu_fields, SJ_N(sj_vcpu_fields),
	    s, sj_add_vcpus) &&
	    sjf_records(f, "nets", sj_net_fields, SJ_N(sj_net_fields), s,
	    sj_add_nets) &&
	    sjf_records(f, "vbds", sj_vbd_fields, SJ_N(sj_vbd_fields), s,
	    sj_add_vbds) &&
	    sjf_ch(f, '}');
}

static bool
sjf_line(struct sjf *f, struct snap *out)
{
	uint64_t version;
	size_t n;

	if (!sjf_ch(f, '{') || !sjf_key(f, "xdom_stats") ||
	    !sjf_u64(f, UINT64_MAX, &version) ||
	    version != SNAPJSON_VERSION ||
	    !sjf_fields(f, sj_snap_fields, SJ_N(sj_snap_fields), out,
	    false) || !sjf_ch(f, ',') || !sjf_key(f, "hosts") ||
	    !sjf_ch(f, '['))
		return false;
	n = 0;
	if (!sjf_ch(f, ']')) {
		do {
			if (++n > SNAPJSON_MAX_HOSTS || !sjf_host(f, out))
				return false;
		} while (sjf_ch(f, ','));
		if (!sjf_ch(f, ']'))
			return false;
	}
	if (!sjf_ch(f, ',') || !sjf_key(f, "domains") || !sjf_ch(f, '['))
		return false;
	n = 0;
	if (!sjf_ch(f, ']')) {
		do {
			if (++n > SNAPJSON_MAX_DOMS || !sjf_dom(f, out))
				return false;
		} while (sjf_ch(f, ','));
		if (!sjf_ch(f, ']'))
			return false;
	}
	return sjf_ch(f, '}') && f->p == f->end;
}

int
snapjson_decode_fast(const char *buf, size_t len, struct snap *out)
{
	struct sjf f;
	size_t i;

	snap_reset(out);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len == 0 || len > SNAPJSON_MAX_LINE)
		return XDOM_EPROTO;
	f.p = buf;
	f.end = buf + len;
	f.cost = 1;
	if (!sjf_line(&f, out) || f.cost > SNAPJSON_MAX_COST)
		goto no;
	snap_finish(out);
	for (i = 1; i < out->n_dom; i++)
		if (out->dom[i].host == out->dom[i - 1].host &&
		    out->dom[i].id == out->dom[i - 1].id)
			goto no;
	return 0;
no:
	snap_reset(out);
	return XDOM_EPROTO;
}

int
snapjson_decode(const char *buf, size_t len, struct snap *out,
    struct xdom_err *err)
{
	if (snapjson_decode_fast(buf, len, out) == 0)
		return 0;
	return snapjson_decode_json(buf, len, out, err);
}
