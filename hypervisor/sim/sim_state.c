/*
 * sim_state.c - the simulated host's stored state: where it lives, its
 * text format, strict parsing, and the hosts we generate.
 *
 * Format (one record a line, fields separated by one space):
 *
 *   xdom-sim-state 1
 *   host SEED NDOMAINS NEXT_ID NCPUS MHZ MEM_KB BOOT_MS RETIRED_NS
 *   guest NAME RUN PROFILE ID MEM_KB MAXMEM_KB VCPUS ONLINE NETS VBDS
 *         START_MS FROZEN_MS PAUSED_MS PENDING PEND_MS PEND_ID
 *   ...
 *   end COUNT
 *
 * NAME is percent-encoded (bytes other than [A-Za-z0-9._-] as %HH), so a
 * name with odd bytes survives a round trip; MAXMEM_KB "-" means no limit.
 * The file may have been tampered with, so every number is range-checked,
 * names are unique, running ids are unique, and the trailer must count the
 * guests: anything else is XDOM_ECORRUPT naming the file and line.
 */
#include "hypervisor/sim/sim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define SIM_STATE_MAGIC "xdom-sim-state 1"

void (*sim_state_test_hook)(const char *stage);

static const char *const sim_run_names[SIM_RUN__COUNT] = {
	[SIM_STOPPED] = "stopped",
	[SIM_RUNNING] = "running",
	[SIM_PAUSED] = "paused",
	[SIM_CRASHED] = "crashed",
};

static const char *const sim_pend_names[SIM_PEND__COUNT] = {
	[SIM_PEND_NONE] = "none",
	[SIM_PEND_SHUTDOWN] = "shutdown",
	[SIM_PEND_REBOOT] = "reboot",
};

char *
sim_state_dir(const struct hv_open_opts *o, struct xdom_err *err)
{
	const char *v;

	if (o != NULL && o->sim_dir != NULL && o->sim_dir[0] != '\0')
		return xstrdup(o->sim_dir);
	if ((v = getenv("XDOM_SIM_DIR")) != NULL && v[0] != '\0')
		return xstrdup(v);
	if ((v = getenv("XDG_RUNTIME_DIR")) != NULL && v[0] == '/')
		return xasprintf("%s/xdom-sim", v);
	if ((v = getenv("HOME")) != NULL && v[0] == '/')
		return xasprintf("%s/.local/state/xdom/sim", v);
	xdom_err_set(err, XDOM_EINVAL, "no place for the simulated host: set "
	    "XDOM_SIM_DIR to a directory");
	return NULL;
}

void
sim_state_init(struct sim_state *st)
{
	memset(st, 0, sizeof *st);
}

void
sim_state_dispose(struct sim_state *st)
{
	free(st->g);
	free(st->hash);
	sim_state_init(st);
}

static uint64_t
sim_state_hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* Rebuild the name index; false when a name appears twice. */
static bool
sim_state_index(struct sim_state *st)
{
	size_t cap = 64, i, slot;

	while (cap < st->n * 2 + 1)
		cap *= 2;
	free(st->hash);
	st->hash = xcalloc(cap, sizeof *st->hash);
	st->hcap = cap;
	for (i = 0; i < st->n; i++) {
		slot = sim_state_hash_name(st->g[i].name) & (cap - 1);
		while (st->hash[slot] != 0) {
			if (strcmp(st->g[st->hash[slot] - 1].name,
			    st->g[i].name) == 0)
				return false;
			slot = (slot + 1) & (cap - 1);
		}
		st->hash[slot] = (uint32_t)i + 1;
	}
	return true;
}

long
sim_state_find(const struct sim_state *st, const char *name)
{
	size_t slot;

	if (st->hcap == 0)
		return -1;
	slot = sim_state_hash_name(name) & (st->hcap - 1);
	while (st->hash[slot] != 0) {
		if (strcmp(st->g[st->hash[slot] - 1].name, name) == 0)
			return (long)st->hash[slot] - 1;
		slot = (slot + 1) & (st->hcap - 1);
	}
	return -1;
}

/* ---- parsing ---- */

struct sim_parser {
	const char *p, *end;	/* the rest of the current line */
	const char *origin;
	unsigned line;
	struct xdom_err *err;
};

static int
sim_state_bad(struct sim_parser *ps, const char *what)
{
	return xdom_err_set(ps->err, XDOM_ECORRUPT, "%s: corrupt simulated "
	    "host state (line %u: %s); remove the directory to start a fresh "
	    "simulated host", ps->origin, ps->line, what);
}

/* Next space-separated field of the line into buf; false when none. */
static bool
sim_state_field(struct sim_parser *ps, char *buf, size_t len)
{
	size_t n = 0;

	if (ps->p < ps->end && *ps->p == ' ')
		ps->p++;
	while (ps->p < ps->end && *ps->p != ' ') {
		if (n + 1 >= len)
			return false;
		buf[n++] = *ps->p++;
	}
	buf[n] = '\0';
	return n > 0;
}

static bool
sim_state_u64(struct sim_parser *ps, uint64_t min, uint64_t max,
    uint64_t *out)
{
	char buf[32], *e;
	unsigned long long v;

	if (!sim_state_field(ps, buf, sizeof buf) || buf[0] < '0' ||
	    buf[0] > '9')
		return false;
	errno = 0;
	v = strtoull(buf, &e, 10);
	if (errno != 0 || *e != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
sim_state_u32(struct sim_parser *ps, uint32_t min, uint32_t max,
    uint32_t *out)
{
	uint64_t v;

	if (!sim_state_u64(ps, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Times: 0 .. year 3000 in ms. */
static bool
sim_state_ms(struct sim_parser *ps, int64_t *out)
{
	uint64_t v;

	if (!sim_state_u64(ps, 0, 32503680000000ull, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static int
sim_state_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
sim_state_name(struct sim_parser *ps, char *name)
{
	char buf[SIM_NAME_MAX * 3 + 2];
	size_t i, n = 0;
	int hi, lo;

	if (!sim_state_field(ps, buf, sizeof buf))
		return false;
	for (i = 0; buf[i] != '\0'; i++) {
		if (n >= SIM_NAME_MAX)
			return false;
		if (buf[i] != '%') {
			name[n++] = buf[i];
			continue;
		}
		if ((hi = sim_state_hexval(buf[i + 1])) < 0 ||
		    (lo = sim_state_hexval(buf[i + 2])) < 0 ||
		    (hi == 0 && lo == 0))
			return false;
		name[n++] = (char)(hi << 4 | lo);
		i += 2;
	}
	name[n] = '\0';
	return n > 0;
}

static bool
sim_state_word(struct sim_parser *ps, const char *const *names, unsigned n,
    uint8_t *out)
{
	char buf[16];
	unsigned i;

	if (!sim_state_field(ps, buf, sizeof buf))
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(buf, names[i]) == 0) {
			*out = (uint8_t)i;
			return true;
		}
	}
	return false;
}

static bool
sim_state_keyword(struct sim_parser *ps, const char *kw)
{
	char buf[16];

	return sim_state_field(ps, buf, sizeof buf) && strcmp(buf, kw) == 0;
}

static const char *
sim_state_parse_guest(struct sim_parser *ps, struct sim_guest *g)
{
	char prof[16];
	int p;

	memset(g, 0, sizeof *g);
	if (!sim_state_name(ps, g->name))
		return "bad name";
	if (!sim_state_word(ps, sim_run_names, SIM_RUN__COUNT, &g->run))
		return "bad run state";
	if (!sim_state_field(ps, prof, sizeof prof) ||
	    (p = sim_load_profile_parse(prof)) < 0)
		return "bad profile";
	g->profile = (uint8_t)p;
	if (!sim_state_u32(ps, 0, SIM_DOMID_LIMIT - 1, &g->id))
		return "bad domain id";
	if (!sim_state_u64(ps, 1024, 1ull << 40, &g->mem_kb))
		return "bad memory size";
	if (ps->p + 2 <= ps->end && ps->p[0] == ' ' && ps->p[1] == '-' &&
	    (ps->p + 2 == ps->end || ps->p[2] == ' ')) {
		ps->p += 2;
		g->maxmem_kb = UINT64_MAX;
	} else if (!sim_state_u64(ps, 1024, 1ull << 40, &g->maxmem_kb)) {
		return "bad maximum memory";
	}
	if (!sim_state_u32(ps, 1, SIM_MAX_VCPUS, &g->vcpus) ||
	    !sim_state_u32(ps, 0, g->vcpus, &g->vcpus_online))
		return "bad vcpu count";
	if (!sim_state_u32(ps, 0, SIM_MAX_NETS, &g->n_net) ||
	    !sim_state_u32(ps, 0, SIM_MAX_VBDS, &g->n_vbd))
		return "bad device count";
	if (!sim_state_ms(ps, &g->start_ms) ||
	    !sim_state_ms(ps, &g->frozen_ms) ||
	    !sim_state_ms(ps, &g->paused_ms))
		return "bad time";
	if (!sim_state_word(ps, sim_pend_names, SIM_PEND__COUNT,
	    &g->pending))
		return "bad pending action";
	if (!sim_state_ms(ps, &g->pend_ms) ||
	    !sim_state_u32(ps, 0, SIM_DOMID_LIMIT - 1, &g->pend_id))
		return "bad pending action";
	if (ps->p != ps->end)
		return "trailing fields";
	if (g->run != SIM_STOPPED && g->vcpus_online == 0)
		return "a running domain with no vcpu online";
	if (g->pending != SIM_PEND_NONE && g->run != SIM_RUNNING)
		return "a pending action on a domain that is not running";
	if (g->pending == SIM_PEND_REBOOT && g->pend_id == 0)
		return "a reboot without a new domain id";
	return NULL;
}

/* Checks across guests: Domain-0 first, unique running ids. */
static const char *
sim_state_check(struct sim_state *st)
{
	uint8_t *used;
	const char *why = NULL;
	size_t i;

	if (st->n == 0 || strcmp(st->g[0].name, "Domain-0") != 0 ||
	    st->g[0].id != 0 || st->g[0].run != SIM_RUNNING ||
	    st->g[0].pending != SIM_PEND_NONE)
		return "Domain-0 must be the first, running guest with id 0";
	if (!sim_state_index(st))
		return "a guest name appears twice";
	used = xcalloc(SIM_DOMID_LIMIT, 1);
	for (i = 1; i < st->n && why == NULL; i++) {
		const struct sim_guest *g = &st->g[i];

		if (g->run == SIM_STOPPED)
			continue;
		if (g->id == 0 || used[g->id])
			why = "two domains share an id";
		else
			used[g->id] = 1;
		if (g->pending == SIM_PEND_REBOOT) {
			if (used[g->pend_id] == 2 || g->pend_id == g->id)
				why = "two domains share an id";
			used[g->pend_id] = 2;
		}
	}
	/* a reboot's id must not be any running domain's either */
	for (i = 1; i < st->n && why == NULL; i++) {
		const struct sim_guest *g = &st->g[i];

		if (g->run != SIM_STOPPED && used[g->id] == 2)
			why = "two domains share an id";
	}
	free(used);
	return why;
}

int
sim_state_parse(struct sim_state *st, const char *text, size_t len,
    const char *origin, struct xdom_err *err)
{
	struct sim_parser ps = { .origin = origin, .err = err };
	const char *cur = text, *end = text + len, *nl, *why;
	uint64_t count;
	bool ended = false;
	int rc;

	sim_state_dispose(st);
	while (cur < end) {
		nl = memchr(cur, '\n', (size_t)(end - cur));
		if (nl == NULL) {
			ps.line++;
			rc = sim_state_bad(&ps, "truncated line");
			goto out;
		}
		ps.p = cur;
		ps.end = nl;
		ps.line++;
		cur = nl + 1;
		if (ended) {
			rc = sim_state_bad(&ps, "text after the end");
			goto out;
		}
		if (ps.line == 1) {
			if ((size_t)(nl - ps.p) != strlen(SIM_STATE_MAGIC) ||
			    memcmp(ps.p, SIM_STATE_MAGIC,
			    strlen(SIM_STATE_MAGIC)) != 0) {
				rc = sim_state_bad(&ps, "not a sim state file");
				goto out;
			}
			continue;
		}
		if (ps.line == 2) {
			if (!sim_state_keyword(&ps, "host") ||
			    !sim_state_u64(&ps, 0, UINT64_MAX, &st->seed) ||
			    !sim_state_u32(&ps, 0, SIM_MAX_GUESTS - 1,
			    &st->ndomains) ||
			    !sim_state_u32(&ps, 1, SIM_DOMID_LIMIT - 1,
			    &st->next_id) ||
			    !sim_state_u32(&ps, 1, 65536, &st->ncpus) ||
			    !sim_state_u32(&ps, 100, 100000, &st->mhz) ||
			    !sim_state_u64(&ps, 1024, 1ull << 50,
			    &st->mem_kb) ||
			    !sim_state_ms(&ps, &st->boot_ms) ||
			    !sim_state_u64(&ps, 0, UINT64_MAX,
			    &st->retired_ns) || ps.p != ps.end) {
				rc = sim_state_bad(&ps, "bad host line");
				goto out;
			}
			continue;
		}
		if (nl - ps.p >= 4 && memcmp(ps.p, "end ", 4) == 0) {
			ps.p += 3;
			if (!sim_state_u64(&ps, 0, SIM_MAX_GUESTS, &count) ||
			    ps.p != ps.end || count != st->n) {
				rc = sim_state_bad(&ps, "guest count does not "
				    "match");
				goto out;
			}
			ended = true;
			continue;
		}
		if (!sim_state_keyword(&ps, "guest")) {
			rc = sim_state_bad(&ps, "unknown record");
			goto out;
		}
		if (st->n >= SIM_MAX_GUESTS) {
			rc = sim_state_bad(&ps, "too many guests");
			goto out;
		}
		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 64;
			st->g = xreallocarray(st->g, st->cap, sizeof *st->g);
		}
		if ((why = sim_state_parse_guest(&ps, &st->g[st->n])) != NULL) {
			rc = sim_state_bad(&ps, why);
			goto out;
		}
		sim_load_model(&st->g[st->n], 0);
		st->n++;
	}
	if (!ended) {
		if (ps.line == 0)
			ps.line = 1;
		rc = sim_state_bad(&ps, len == 0 ? "an empty file" :
		    "no end record (truncated file)");
		goto out;
	}
	if ((why = sim_state_check(st)) != NULL) {
		rc = sim_state_bad(&ps, why);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		sim_state_dispose(st);
	else {
		size_t i;

		for (i = 0; i < st->n; i++)
			sim_load_model(&st->g[i], st->seed);
	}
	return rc;
}

/* ---- formatting ---- */

struct sim_buf {
	char *p;
	size_t n, cap;
};

static void
sim_buf_add(struct sim_buf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		while (b->n + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void
sim_buf_str(struct sim_buf *b, const char *s)
{
	sim_buf_add(b, s, strlen(s));
}

static void
sim_buf_name(struct sim_buf *b, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	char out[SIM_NAME_MAX * 3 + 1];
	size_t n = 0;

	for (; *name != '\0' && n + 3 < sizeof out; name++) {
		unsigned char c = (unsigned char)*name;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	sim_buf_add(b, out, n);
}

char *
sim_state_format(const struct sim_state *st, size_t *len)
{
	struct sim_buf b = { 0 };
	char line[320];
	size_t i;

	sim_buf_str(&b, SIM_STATE_MAGIC "\n");
	snprintf(line, sizeof line, "host %" PRIu64 " %" PRIu32 " %" PRIu32
	    " %" PRIu32 " %" PRIu32 " %" PRIu64 " %" PRId64 " %" PRIu64 "\n",
	    st->seed, st->ndomains, st->next_id, st->ncpus, st->mhz,
	    st->mem_kb, st->boot_ms, st->retired_ns);
	sim_buf_str(&b, line);
	for (i = 0; i < st->n; i++) {
		const struct sim_guest *g = &st->g[i];
		char maxmem[24];

		if (g->maxmem_kb == UINT64_MAX)
			snprintf(maxmem, sizeof maxmem, "-");
		else
			snprintf(maxmem, sizeof maxmem, "%" PRIu64,
			    g->maxmem_kb);
		sim_buf_str(&b, "guest ");
		sim_buf_name(&b, g->name);
		snprintf(line, sizeof line, " %s %s %" PRIu32 " %" PRIu64
		    " %s %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32
		    " %" PRId64 " %" PRId64 " %" PRId64 " %s %" PRId64
		    " %" PRIu32 "\n",
		    sim_run_names[g->run], sim_load_profile_name(g->profile),
		    g->id, g->mem_kb, maxmem, g->vcpus, g->vcpus_online,
		    g->n_net, g->n_vbd, g->start_ms, g->frozen_ms,
		    g->paused_ms, sim_pend_names[g->pending], g->pend_ms,
		    g->pend_id);
		sim_buf_str(&b, line);
	}
	snprintf(line, sizeof line, "end %zu\n", st->n);
	sim_buf_str(&b, line);
	*len = b.n;
	return b.p;
}

/* ---- generated hosts ---- */

struct sim_proto {
	const char *name;
	uint8_t run, profile;
	uint32_t mem_mb, maxmem_mb, vcpus, online, nets, vbds;
};

/* The default host; memory adds up to ~57 GiB of the 64. */
static const struct sim_proto sim_default_host[] = {
	{ "Domain-0", SIM_RUNNING, SIM_PROF_IDLE, 4096, 0, 4, 4, 0, 0 },
	{ "web01", SIM_RUNNING, SIM_PROF_WEB, 2048, 4096, 2, 2, 1, 1 },
	{ "web02", SIM_RUNNING, SIM_PROF_WEB, 2048, 4096, 2, 2, 1, 1 },
	{ "db01", SIM_RUNNING, SIM_PROF_DB, 6144, 6144, 4, 4, 1, 2 },
	{ "db02", SIM_RUNNING, SIM_PROF_DB, 4096, 4096, 2, 2, 1, 2 },
	{ "mail01", SIM_RUNNING, SIM_PROF_IO, 2048, 2048, 2, 2, 1, 1 },
	{ "dns01", SIM_RUNNING, SIM_PROF_IDLE, 512, 512, 1, 1, 1, 1 },
	{ "cache01", SIM_RUNNING, SIM_PROF_NET, 4096, 4096, 2, 2, 1, 1 },
	{ "lb01", SIM_RUNNING, SIM_PROF_NET, 1024, 1024, 2, 2, 2, 1 },
	{ "ci-runner01", SIM_RUNNING, SIM_PROF_BATCH, 4096, 4096, 2, 2, 1, 1 },
	{ "build01", SIM_RUNNING, SIM_PROF_IO, 4096, 8192, 4, 4, 1, 2 },
	{ "backup01", SIM_RUNNING, SIM_PROF_IO, 1024, 1024, 1, 1, 1, 2 },
	{ "media01", SIM_RUNNING, SIM_PROF_NET, 2048, 2048, 2, 2, 1, 1 },
	{ "files01", SIM_RUNNING, SIM_PROF_IO, 2048, 2048, 2, 2, 1, 2 },
	{ "analytics01", SIM_RUNNING, SIM_PROF_BATCH, 4096, 4096, 1, 1, 1, 1 },
	{ "monitor01", SIM_RUNNING, SIM_PROF_IDLE, 1024, 1024, 1, 1, 1, 1 },
	{ "vpn01", SIM_RUNNING, SIM_PROF_NET, 512, 512, 1, 1, 2, 1 },
	{ "devbox01", SIM_RUNNING, SIM_PROF_IDLE, 4096, 4096, 4, 2, 1, 1 },
	{ "cust-alice-web", SIM_RUNNING, SIM_PROF_WEB, 1024, 1024, 1, 1, 1, 1 },
	{ "cust-alice-db", SIM_RUNNING, SIM_PROF_DB, 2048, 2048, 2, 2, 1, 1 },
	{ "cust-bob-shop", SIM_RUNNING, SIM_PROF_WEB, 2048, 2048, 2, 2, 1, 1 },
	{ "cust-bob-mail", SIM_RUNNING, SIM_PROF_IDLE, 1024, 1024, 1, 1, 1, 1 },
	{ "cust-carol-blog", SIM_RUNNING, SIM_PROF_WEB, 512, 512, 1, 1, 1, 1 },
	{ "staging01", SIM_PAUSED, SIM_PROF_WEB, 2048, 2048, 2, 2, 1, 1 },
	{ "legacy01", SIM_CRASHED, SIM_PROF_CRASHED, 1024, 1024, 1, 1, 1, 1 },
	{ "test01", SIM_STOPPED, SIM_PROF_IDLE, 1024, 1024, 1, 1, 1, 1 },
	{ "cust-carol-dev", SIM_STOPPED, SIM_PROF_IDLE, 1024, 1024, 1, 1, 1, 1 },
};

/* Name prefixes of generated hosts and the profile each one runs. */
static const struct {
	const char *prefix;
	uint8_t profile;
	uint32_t mem_mb, vcpus;
} sim_gen_roles[] = {
	{ "web", SIM_PROF_WEB, 1024, 2 },
	{ "app", SIM_PROF_WEB, 2048, 2 },
	{ "db", SIM_PROF_DB, 4096, 2 },
	{ "cache", SIM_PROF_NET, 2048, 1 },
	{ "mail", SIM_PROF_IO, 1024, 1 },
	{ "dns", SIM_PROF_IDLE, 256, 1 },
	{ "lb", SIM_PROF_NET, 512, 1 },
	{ "ci", SIM_PROF_BATCH, 2048, 1 },
	{ "files", SIM_PROF_IO, 1024, 1 },
	{ "mon", SIM_PROF_IDLE, 512, 1 },
	{ "vpn", SIM_PROF_IDLE, 256, 1 },
	{ "dev", SIM_PROF_IDLE, 1024, 2 },
	{ "cust-%s-web", SIM_PROF_IDLE, 512, 1 },
	{ "cust-%s-db", SIM_PROF_IDLE, 1024, 1 },
	{ "cust-%s-shop", SIM_PROF_WEB, 1024, 1 },
	{ "cust-%s-blog", SIM_PROF_IDLE, 512, 1 },
};

static const char *const sim_gen_customers[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert",
	"sybil", "trent", "victor", "walter", "yolanda",
};

#define SIM_N(a) (sizeof(a) / sizeof((a)[0]))

static struct sim_guest *
sim_state_add(struct sim_state *st)
{
	struct sim_guest *g;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->g = xreallocarray(st->g, st->cap, sizeof *st->g);
	}
	g = &st->g[st->n++];
	memset(g, 0, sizeof *g);
	return g;
}

static uint64_t
sim_state_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
sim_state_proto(struct sim_state *st, const struct sim_proto *p,
    int64_t now_ms, uint64_t *rnd)
{
	struct sim_guest *g = sim_state_add(st);

	snprintf(g->name, sizeof g->name, "%s", p->name);
	g->run = p->run;
	g->profile = p->profile;
	g->mem_kb = (uint64_t)p->mem_mb * 1024;
	g->maxmem_kb = p->maxmem_mb ? (uint64_t)p->maxmem_mb * 1024 :
	    UINT64_MAX;
	g->vcpus = p->vcpus;
	g->vcpus_online = p->online;
	g->n_net = p->nets;
	g->n_vbd = p->vbds;
	if (g->run == SIM_STOPPED)
		return;
	if (st->n == 1) {
		g->id = 0;
		g->start_ms = st->boot_ms;
	} else {
		g->id = st->next_id++;
		/* up between 10 minutes and the host's uptime */
		g->start_ms = st->boot_ms + (int64_t)(sim_state_rand(rnd) %
		    (uint64_t)(now_ms - st->boot_ms - 600000));
	}
	if (g->run == SIM_PAUSED || g->run == SIM_CRASHED)
		g->frozen_ms = g->start_ms + (now_ms - g->start_ms) / 2 +
		    (int64_t)(sim_state_rand(rnd) % 1000);
}

void
sim_state_generate(struct sim_state *st, uint32_t ndomains, int64_t now_ms)
{
	uint64_t rnd;
	uint64_t mem_kb = 0;
	size_t i;

	sim_state_dispose(st);
	st->seed = (uint64_t)now_ms * 2654435761u ^ 0x5eed;
	rnd = st->seed;
	st->ndomains = ndomains;
	st->next_id = 1;
	st->mhz = 2400;
	st->ncpus = 8;
	/* the host has been up for 41 days and some hours */
	st->boot_ms = now_ms - 41LL * 86400000 -
	    (int64_t)(sim_state_rand(&rnd) % 86400000);
	if (ndomains == 0) {
		for (i = 0; i < SIM_N(sim_default_host); i++)
			sim_state_proto(st, &sim_default_host[i], now_ms,
			    &rnd);
		st->mem_kb = 64ull << 20;
	} else {
		struct sim_proto dom0 = { "Domain-0", SIM_RUNNING,
		    SIM_PROF_IDLE, 4096, 0, 4, 4, 0, 0 };

		sim_state_proto(st, &dom0, now_ms, &rnd);
		for (i = 0; i < ndomains; i++) {
			size_t r = i % SIM_N(sim_gen_roles);
			size_t k = i / SIM_N(sim_gen_roles);
			struct sim_proto p = { 0 };
			char name[SIM_NAME_MAX + 1], pre[64];

			if (strchr(sim_gen_roles[r].prefix, '%') != NULL) {
				snprintf(pre, sizeof pre, "cust-%s-%s",
				    sim_gen_customers[k %
				    SIM_N(sim_gen_customers)],
				    sim_gen_roles[r].prefix + 8);
				if (k < SIM_N(sim_gen_customers))
					snprintf(name, sizeof name, "%s", pre);
				else
					snprintf(name, sizeof name, "%s%zu",
					    pre, k / SIM_N(sim_gen_customers)
					    + 1);
			} else {
				snprintf(name, sizeof name, "%s%02zu",
				    sim_gen_roles[r].prefix, k + 1);
			}
			p.name = name;
			p.profile = sim_gen_roles[r].profile;
			p.mem_mb = sim_gen_roles[r].mem_mb;
			p.maxmem_mb = p.mem_mb;
			p.vcpus = p.online = sim_gen_roles[r].vcpus;
			p.nets = 1;
			p.vbds = p.profile == SIM_PROF_DB ? 2 : 1;
			p.run = SIM_RUNNING;
			if (i % 97 == 13)
				p.run = SIM_PAUSED;
			else if (i % 89 == 7) {
				p.run = SIM_CRASHED;
				p.profile = SIM_PROF_CRASHED;
			} else if (i % 53 == 5)
				p.run = SIM_STOPPED;
			sim_state_proto(st, &p, now_ms, &rnd);
			if (p.run != SIM_STOPPED)
				mem_kb += (uint64_t)p.mem_mb * 1024;
		}
		/* a host big enough for them: ~1 pCPU per 8 guests */
		if (ndomains > 64)
			st->ncpus = (ndomains / 8 + 7) / 8 * 8;
		if (st->ncpus > 4096)
			st->ncpus = 4096;
		st->mem_kb = 64ull << 20;
		mem_kb = (mem_kb + (4096ull << 10)) * 9 / 8;
		if (mem_kb > st->mem_kb)
			st->mem_kb = (mem_kb + (1ull << 20) - 1) >> 20 << 20;
	}
	sim_state_index(st);
	for (i = 0; i < st->n; i++)
		sim_load_model(&st->g[i], st->seed);
}
