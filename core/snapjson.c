/*
 * snapjson.c - snapshot <-> one line of JSON (see snapjson.h).
 *
 * The record layouts are the snapshot's field tables (snap.h), which
 * both directions walk (as do the wire codec and the fast path in
 * snapjson_fast.c), so a field cannot be written under one name and
 * read under another, nor forgotten by one codec. The decoder bounds its
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

/* ---- encoding ---------------------------------------------------------- */

static void
sj_put(struct json_object *obj, const char *key, struct json_object *v)
{
	/* Keys are constants: json-c need not copy them. */
	json_object_object_add_ex(obj, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
	    JSON_C_OBJECT_ADD_CONSTANT_KEY);
}

static void
sj_put_fields(struct json_object *obj, enum snap_rec r, const void *base)
{
	const struct snap_record *rec = snap_record(r);
	const struct snap_field *f = rec->fields;
	const char *p = base;
	size_t i;

	for (i = 0; i < rec->n_fields; i++) {
		const void *at = p + f[i].offset;
		struct json_object *v = NULL;
		uint64_t u;
		int64_t s;
		uint32_t w;
		bool b;

		switch (f[i].type) {
		case SNAP_FT_U64:
		case SNAP_FT_U64_OPT:
			memcpy(&u, at, sizeof u);
			if (f[i].type == SNAP_FT_U64_OPT && u == UINT64_MAX)
				v = NULL;
			else
				v = json_object_new_uint64(u);
			break;
		case SNAP_FT_S64:
			memcpy(&s, at, sizeof s);
			v = json_object_new_int64(s < 0 ? 0 : s);
			break;
		case SNAP_FT_U32:
			memcpy(&w, at, sizeof w);
			v = json_object_new_int64(w);
			break;
		case SNAP_FT_BOOL:
			memcpy(&b, at, sizeof b);
			v = json_object_new_boolean(b);
			break;
		case SNAP_FT_STR:
			v = json_object_new_string_len(at,
			    (int)strnlen(at, f[i].size));
			break;
		}
		sj_put(obj, f[i].name, v);
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

/* The array of n records of kind r. */
static struct json_object *
sj_records(const void *recs, size_t n, enum snap_rec r)
{
	struct json_object *a = sj_new_array(n);
	size_t elem = snap_record(r)->size;
	const char *p = recs;
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = sj_new_object();

		sj_put_fields(o, r, p + i * elem);
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
	sj_put_fields(top, SNAP_REC_SNAP, s);

	hosts = sj_new_array(s->n_host);
	for (i = 0; i < s->n_host; i++) {
		const struct snap_host *h = &s->hosts[i];
		struct json_object *o = sj_new_object();
		struct json_object *pc = sj_new_array(h->n_pcpu);

		sj_put_fields(o, SNAP_REC_HOST, h);
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
		sj_put_fields(o, SNAP_REC_DOM, d);
		sj_put(o, "vcpus", sj_records(snap_dom_vcpus(s, d), d->n_vcpu,
		    SNAP_REC_VCPU));
		sj_put(o, "nets", sj_records(snap_dom_nets(s, d), d->n_net,
		    SNAP_REC_NET));
		sj_put(o, "vbds", sj_records(snap_dom_vbds(s, d), d->n_vbd,
		    SNAP_REC_VBD));
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
sj_get_fields(struct sj_ctx *c, struct json_object *obj, enum snap_rec r,
    void *base)
{
	const struct snap_record *rec = snap_record(r);
	const struct snap_field *f = rec->fields;
	char *p = base;
	size_t i;
	int rc;

	for (i = 0; i < rec->n_fields; i++) {
		void *at = p + f[i].offset;
		struct json_object *v;
		uint64_t u;
		int64_t s;
		uint32_t w;
		bool b;
		const char *str;
		size_t len;

		switch (f[i].type) {
		case SNAP_FT_U64:
		case SNAP_FT_U64_OPT:
			rc = sj_get_u64(c, obj, f[i].name, UINT64_MAX,
			    f[i].type == SNAP_FT_U64_OPT, &u);
			if (rc != 0)
				return rc;
			memcpy(at, &u, sizeof u);
			break;
		case SNAP_FT_S64:
			rc = sj_get_u64(c, obj, f[i].name, INT64_MAX, false,
			    &u);
			if (rc != 0)
				return rc;
			s = (int64_t)u;
			memcpy(at, &s, sizeof s);
			break;
		case SNAP_FT_U32:
			rc = sj_get_u64(c, obj, f[i].name, UINT32_MAX, false,
			    &u);
			if (rc != 0)
				return rc;
			w = (uint32_t)u;
			memcpy(at, &w, sizeof w);
			break;
		case SNAP_FT_BOOL:
			rc = sj_member(c, obj, f[i].name, json_type_boolean,
			    false, &v);
			if (rc != 0)
				return rc;
			b = json_object_get_boolean(v);
			memcpy(at, &b, sizeof b);
			break;
		case SNAP_FT_STR:
			rc = sj_member(c, obj, f[i].name, json_type_string,
			    false, &v);
			if (rc != 0)
				return rc;
			str = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
			if (len >= f[i].size)
				return sj_bad(c, f[i].name, "too long");
			if (memchr(str, '\0', len) != NULL)
				return sj_bad(c, f[i].name, "holds a NUL");
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

/* Decode the array of records r into the last domain's. */
static int
sj_get_records(struct sj_ctx *c, struct json_object *dobj, size_t di,
    enum snap_rec r, struct snap *s)
{
	const char *key = snap_record(r)->key;
	size_t elem = snap_record(r)->size;
	struct json_object *a;
	char *recs;
	size_t n, i;
	int rc;

	snprintf(c->where, sizeof c->where, "domains[%zu]", di);
	if ((rc = sj_get_array(c, dobj, key, SNAPJSON_MAX_SUB, &a, &n)) != 0)
		return rc;
	if (n == 0)
		return 0;
	recs = snap_add_subs(s, r, (uint32_t)n);
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);

		snprintf(c->where, sizeof c->where, "domains[%zu].%s[%zu]",
		    di, key, i);
		if (json_object_get_type(o) != json_type_object)
			return sj_bad(c, "", "expected an object");
		if ((rc = sj_get_fields(c, o, r, recs + i * elem)) != 0)
			return rc;
	}
	return 0;
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
	if ((rc = sj_get_fields(c, o, SNAP_REC_HOST, &h)) != 0)
		return rc;
	if ((rc = sj_get_array(c, o, "pcpu_ns", SNAPJSON_MAX_SUB, &a, &n)) != 0)
		return rc;
	idx = snap_add_host(s, h.name);
	snap_fields_copy(SNAP_REC_HOST, &s->hosts[idx], &h, SNAP_COPY_ALL);
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
	if ((rc = sj_get_fields(c, o, SNAP_REC_DOM, &tmp)) != 0)
		return rc;
	if (tmp.flags >= (1u << SNAP_STATE_LEN))
		return sj_bad(c, "flags", "unknown state bits");

	d = snap_add_dom(s, (uint16_t)host, (uint32_t)id, name);
	snap_fields_copy(SNAP_REC_DOM, d, &tmp, SNAP_COPY_ALL);

	if ((rc = sj_get_records(c, o, di, SNAP_REC_VCPU, s)) != 0 ||
	    (rc = sj_get_records(c, o, di, SNAP_REC_NET, s)) != 0)
		return rc;
	return sj_get_records(c, o, di, SNAP_REC_VBD, s);
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
	if ((rc = sj_get_fields(&c, top, SNAP_REC_SNAP, out)) != 0)
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

int
snapjson_decode(const char *buf, size_t len, struct snap *out,
    struct xdom_err *err)
{
	if (snapjson_decode_fast(buf, len, out) == 0)
		return 0;
	return snapjson_decode_json(buf, len, out, err);
}
