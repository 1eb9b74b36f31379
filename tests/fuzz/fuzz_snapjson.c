/*
 * fuzz_snapjson.c - libFuzzer target for the snapshot line decoder, which
 * reads `xdom stats --stream` output from remote hosts (untrusted bytes).
 * A line that decodes must encode again and decode to the same counts;
 * a line the fast path takes must decode the same through json-c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether two decoded snapshots hold the same data. */
static int
same_snap(const struct snap *a, const struct snap *b)
{
	size_t i;

	if (a->mono_ns != b->mono_ns || a->wall_s != b->wall_s ||
	    a->n_host != b->n_host || a->n_dom != b->n_dom ||
	    a->n_vcpu != b->n_vcpu || a->n_net != b->n_net ||
	    a->n_vbd != b->n_vbd || a->n_pcpu != b->n_pcpu)
		return 0;
	for (i = 0; i < a->n_host; i++) {
		const struct snap_host *x = &a->hosts[i], *y = &b->hosts[i];

		if (strcmp(x->name, y->name) != 0 ||
		    strcmp(x->hv_version, y->hv_version) != 0 ||
		    x->ncpus != y->ncpus || x->cpu_mhz != y->cpu_mhz ||
		    x->mem_total_kb != y->mem_total_kb ||
		    x->mem_free_kb != y->mem_free_kb ||
		    x->simulated != y->simulated || x->state != y->state ||
		    x->n_pcpu != y->n_pcpu || x->pcpu_off != y->pcpu_off)
			return 0;
	}
	for (i = 0; i < a->n_dom; i++) {
		const struct snap_dom *x = &a->dom[i], *y = &b->dom[i];

		if (strcmp(snap_dom_name(a, x), snap_dom_name(b, y)) != 0 ||
		    x->host != y->host || x->id != y->id ||
		    x->flags != y->flags || x->cpu_ns != y->cpu_ns ||
		    x->mem_kb != y->mem_kb || x->maxmem_kb != y->maxmem_kb ||
		    x->vcpus_online != y->vcpus_online ||
		    x->vcpus_max != y->vcpus_max || x->ssid != y->ssid ||
		    x->n_vcpu != y->n_vcpu || x->n_net != y->n_net ||
		    x->n_vbd != y->n_vbd)
			return 0;
		if ((x->n_net && memcmp(snap_dom_nets(a, x), snap_dom_nets(b, y),
		    x->n_net * sizeof(struct snap_net)) != 0) ||
		    (x->n_vbd && memcmp(snap_dom_vbds(a, x),
		    snap_dom_vbds(b, y), x->n_vbd * sizeof(struct snap_vbd))
		    != 0))
			return 0;
		for (size_t k = 0; k < x->n_vcpu; k++)
			if (snap_dom_vcpus(a, x)[k].ns !=
			    snap_dom_vcpus(b, y)[k].ns ||
			    snap_dom_vcpus(a, x)[k].online !=
			    snap_dom_vcpus(b, y)[k].online)
				return 0;
	}
	if (a->n_pcpu && memcmp(a->pcpu_ns, b->pcpu_ns,
	    a->n_pcpu * sizeof *a->pcpu_ns) != 0)
		return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snap s, t;
	static int ready;
	struct xdom_err err = { 0 };
	char *line;
	size_t len;

	if (!ready) {
		snap_init(&s);
		snap_init(&t);
		ready = 1;
	}
	/* The fast path never takes what json-c would read otherwise. */
	if (snapjson_decode_fast((const char *)data, size, &t) == 0) {
		if (snapjson_decode_json((const char *)data, size, &s,
		    &err) != 0 || !same_snap(&s, &t))
			abort();
	} else if (t.n_dom != 0 || t.n_host != 0)
		abort();
	if (snapjson_decode((const char *)data, size, &s, &err) != 0) {
		if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	line = snapjson_encode(&s, &len);
	if (snapjson_decode(line, len, &t, &err) != 0)
		abort();
	if (t.n_dom != s.n_dom || t.n_host != s.n_host ||
	    t.n_vcpu != s.n_vcpu || t.n_net != s.n_net || t.n_vbd != s.n_vbd)
		abort();
	free(line);
	return 0;
}
