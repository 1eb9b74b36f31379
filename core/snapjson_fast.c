/*
 * snapjson_fast.c - the fast path of snapjson_decode() (see snapjson.h):
 * lines exactly as snapjson_encode() writes them, read without json-c,
 * walking the same field tables (snap.h) in the same order.
 *
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
#include "core/snapjson.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct sjf {
	const char *p, *end;
	size_t cost;		/* as sj_cost() in snapjson.c counts */
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

/* Fields of a record's table, in its order; first: no ',' before the
 * first. */
static bool
sjf_fields(struct sjf *f, enum snap_rec r, void *base, bool first)
{
	const struct snap_record *rec = snap_record(r);
	const struct snap_field *t = rec->fields;
	char *b = base;
	size_t i;

	for (i = 0; i < rec->n_fields; i++) {
		void *at = b + t[i].offset;
		uint64_t u;
		int64_t sv;
		uint32_t w;
		bool bv;
		const char *str;
		size_t len;

		if ((i > 0 || !first) && !sjf_ch(f, ','))
			return false;
		if (!sjf_key(f, t[i].name))
			return false;
		switch (t[i].type) {
		case SNAP_FT_U64_OPT:
			if (sjf_word(f, "null", 4)) {
				u = UINT64_MAX;
				memcpy(at, &u, sizeof u);
				break;
			}
			/* FALLTHROUGH */
		case SNAP_FT_U64:
			if (!sjf_u64(f, UINT64_MAX, &u))
				return false;
			memcpy(at, &u, sizeof u);
			break;
		case SNAP_FT_S64:
			if (!sjf_u64(f, INT64_MAX, &u))
				return false;
			sv = (int64_t)u;
			memcpy(at, &sv, sizeof sv);
			break;
		case SNAP_FT_U32:
			if (!sjf_u64(f, UINT32_MAX, &u))
				return false;
			w = (uint32_t)u;
			memcpy(at, &w, sizeof w);
			break;
		case SNAP_FT_BOOL:
			if (sjf_word(f, "true", 4))
				bv = true;
			else if (sjf_word(f, "false", 5))
				bv = false;
			else
				return false;
			memcpy(at, &bv, sizeof bv);
			break;
		case SNAP_FT_STR:
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
sjf_records(struct sjf *f, enum snap_rec r, struct snap *s)
{
	size_t n = 0;

	if (!sjf_ch(f, ',') || !sjf_key(f, snap_record(r)->key) ||
	    !sjf_ch(f, '['))
		return false;
	if (sjf_ch(f, ']'))
		return true;
	do {
		if (++n > SNAPJSON_MAX_SUB || !sjf_ch(f, '{') ||
		    !sjf_fields(f, r, snap_add_subs(s, r, 1), true) ||
		    !sjf_ch(f, '}'))
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
	if (!sjf_ch(f, '{') || !sjf_fields(f, SNAP_REC_HOST, &h, true) ||
	    !sjf_ch(f, ',') ||
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
	snap_fields_copy(SNAP_REC_HOST, &s->hosts[idx], &h, SNAP_COPY_ALL);
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
	    !sjf_fields(f, SNAP_REC_DOM, &tmp, false) ||
	    tmp.flags >= (1u << SNAP_STATE_LEN))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	d = snap_add_dom(s, (uint16_t)host, (uint32_t)id, buf);
	snap_fields_copy(SNAP_REC_DOM, d, &tmp, SNAP_COPY_ALL);
	return sjf_records(f, SNAP_REC_VCPU, s) &&
	    sjf_records(f, SNAP_REC_NET, s) &&
	    sjf_records(f, SNAP_REC_VBD, s) && sjf_ch(f, '}');
}

static bool
sjf_line(struct sjf *f, struct snap *out)
{
	uint64_t version;
	size_t n;

	if (!sjf_ch(f, '{') || !sjf_key(f, "xdom_stats") ||
	    !sjf_u64(f, UINT64_MAX, &version) ||
	    version != SNAPJSON_VERSION ||
	    !sjf_fields(f, SNAP_REC_SNAP, out, false) || !sjf_ch(f, ',') || !sjf_key(f, "hosts") ||
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
