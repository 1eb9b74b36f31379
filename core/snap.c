/*
 * snap.c - snapshot containers: pools, sorting, lookups (see snap.h).
 */
#include "core/snap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* Grow *arr (of elem-sized items) so that one more batch of n fits. */
static void
snap_grow(void **arr, size_t *cap, size_t used, size_t n, size_t elem)
{
	size_t want = used + n;

	if (want <= *cap)
		return;
	if (*cap == 0)
		*cap = 16;
	while (*cap < want)
		*cap *= 2;
	*arr = xreallocarray(*arr, *cap, elem);
}

void
snap_init(struct snap *s)
{
	memset(s, 0, sizeof *s);
}

void
snap_dispose(struct snap *s)
{
	free(s->hosts);
	free(s->dom);
	free(s->vcpu);
	free(s->net);
	free(s->vbd);
	free(s->pcpu_ns);
	free(s->strings);
	snap_init(s);
}

void
snap_reset(struct snap *s)
{
	s->mono_ns = 0;
	s->wall_s = 0;
	s->n_host = s->n_dom = s->n_vcpu = s->n_net = s->n_vbd = 0;
	s->n_pcpu = s->n_strings = 0;
}

static uint32_t
snap_add_string(struct snap *s, const char *str)
{
	size_t len = strlen(str) + 1;
	uint32_t off;

	snap_grow((void **)&s->strings, &s->cap_strings, s->n_strings, len, 1);
	off = (uint32_t)s->n_strings;
	memcpy(s->strings + off, str, len);
	s->n_strings += len;
	return off;
}

uint16_t
snap_add_host(struct snap *s, const char *name)
{
	struct snap_host *h;

	snap_grow((void **)&s->hosts, &s->cap_host, s->n_host, 1, sizeof *h);
	h = &s->hosts[s->n_host];
	memset(h, 0, sizeof *h);
	snprintf(h->name, sizeof h->name, "%s", name);
	return (uint16_t)s->n_host++;
}

struct snap_dom *
snap_add_dom(struct snap *s, uint16_t host, uint32_t id, const char *name)
{
	struct snap_dom *d;
	uint32_t off = snap_add_string(s, name);

	snap_grow((void **)&s->dom, &s->cap_dom, s->n_dom, 1, sizeof *d);
	d = &s->dom[s->n_dom++];
	memset(d, 0, sizeof *d);
	d->id = id;
	d->host = host;
	d->name_off = off;
	d->vcpu_off = (uint32_t)s->n_vcpu;
	d->net_off = (uint32_t)s->n_net;
	d->vbd_off = (uint32_t)s->n_vbd;
	return d;
}

struct snap_vcpu *
snap_add_vcpus(struct snap *s, uint32_t n)
{
	struct snap_dom *d = &s->dom[s->n_dom - 1];
	struct snap_vcpu *v;

	snap_grow((void **)&s->vcpu, &s->cap_vcpu, s->n_vcpu, n, sizeof *v);
	v = &s->vcpu[s->n_vcpu];
	memset(v, 0, n * sizeof *v);
	s->n_vcpu += n;
	d->n_vcpu += n;
	return v;
}

struct snap_net *
snap_add_nets(struct snap *s, uint32_t n)
{
	struct snap_dom *d = &s->dom[s->n_dom - 1];
	struct snap_net *v;

	snap_grow((void **)&s->net, &s->cap_net, s->n_net, n, sizeof *v);
	v = &s->net[s->n_net];
	memset(v, 0, n * sizeof *v);
	s->n_net += n;
	d->n_net += n;
	return v;
}

struct snap_vbd *
snap_add_vbds(struct snap *s, uint32_t n)
{
	struct snap_dom *d = &s->dom[s->n_dom - 1];
	struct snap_vbd *v;

	snap_grow((void **)&s->vbd, &s->cap_vbd, s->n_vbd, n, sizeof *v);
	v = &s->vbd[s->n_vbd];
	memset(v, 0, n * sizeof *v);
	s->n_vbd += n;
	d->n_vbd += n;
	return v;
}

uint64_t *
snap_add_pcpus(struct snap *s, uint16_t host, uint32_t n)
{
	uint64_t *p;

	snap_grow((void **)&s->pcpu_ns, &s->cap_pcpu, s->n_pcpu, n,
	    sizeof *p);
	p = &s->pcpu_ns[s->n_pcpu];
	memset(p, 0, n * sizeof *p);
	s->hosts[host].pcpu_off = (uint32_t)s->n_pcpu;
	s->hosts[host].n_pcpu = n;
	s->n_pcpu += n;
	return p;
}

static int
snap_dom_cmp(const void *a, const void *b)
{
	const struct snap_dom *x = a, *y = b;

	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

void
snap_finish(struct snap *s)
{
	size_t i;

	/* Backends usually emit in id order already: skip the sort then. */
	for (i = 1; i < s->n_dom; i++)
		if (snap_dom_cmp(&s->dom[i - 1], &s->dom[i]) > 0)
			break;
	if (i < s->n_dom)
		qsort(s->dom, s->n_dom, sizeof s->dom[0], snap_dom_cmp);
}

void
snap_append(struct snap *dst, const struct snap *src)
{
	size_t h, i;
	uint16_t base = (uint16_t)dst->n_host;

	for (h = 0; h < src->n_host; h++) {
		uint16_t nh = snap_add_host(dst, src->hosts[h].name);
		uint32_t pcpu_off = dst->hosts[nh].pcpu_off;

		dst->hosts[nh] = src->hosts[h];
		dst->hosts[nh].pcpu_off = pcpu_off;
		dst->hosts[nh].n_pcpu = 0;
		if (src->hosts[h].n_pcpu > 0) {
			uint64_t *p = snap_add_pcpus(dst, nh,
			    src->hosts[h].n_pcpu);
			memcpy(p, src->pcpu_ns + src->hosts[h].pcpu_off,
			    src->hosts[h].n_pcpu * sizeof *p);
		}
	}
	for (i = 0; i < src->n_dom; i++) {
		const struct snap_dom *sd = &src->dom[i];
		struct snap_dom *d = snap_add_dom(dst,
		    (uint16_t)(base + sd->host), sd->id, snap_dom_name(src, sd));
		struct snap_dom keep = *d;

		*d = *sd;
		d->host = keep.host;
		d->name_off = keep.name_off;
		d->vcpu_off = keep.vcpu_off;
		d->net_off = keep.net_off;
		d->vbd_off = keep.vbd_off;
		d->n_vcpu = d->n_net = d->n_vbd = 0;
		if (sd->n_vcpu)
			memcpy(snap_add_vcpus(dst, sd->n_vcpu),
			    snap_dom_vcpus(src, sd), sd->n_vcpu *
			    sizeof(struct snap_vcpu));
		if (sd->n_net)
			memcpy(snap_add_nets(dst, sd->n_net),
			    snap_dom_nets(src, sd), sd->n_net *
			    sizeof(struct snap_net));
		if (sd->n_vbd)
			memcpy(snap_add_vbds(dst, sd->n_vbd),
			    snap_dom_vbds(src, sd), sd->n_vbd *
			    sizeof(struct snap_vbd));
	}
	if (src->mono_ns > dst->mono_ns)
		dst->mono_ns = src->mono_ns;
	if (src->wall_s > dst->wall_s)
		dst->wall_s = src->wall_s;
}

const struct snap_dom *
snap_find_name(const struct snap *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_dom; i++)
		if (strcmp(snap_dom_name(s, &s->dom[i]), name) == 0)
			return &s->dom[i];
	return NULL;
}

const struct snap_dom *
snap_find_id(const struct snap *s, uint16_t host, uint32_t id)
{
	size_t lo = 0, hi = s->n_dom;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct snap_dom *d = &s->dom[mid];

		if (d->host == host && d->id == id)
			return d;
		if (d->host < host || (d->host == host && d->id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
snap_state_str(uint32_t flags, char buf[SNAP_STATE_LEN + 1])
{
	static const char letters[SNAP_STATE_LEN] = "dsbcpr";
	int i;

	for (i = 0; i < SNAP_STATE_LEN; i++)
		buf[i] = (flags & (1u << i)) ? letters[i] : '-';
	buf[SNAP_STATE_LEN] = '\0';
}

void
snap_dom_totals(const struct snap *s, const struct snap_dom *d,
    struct snap_dom_totals *t)
{
	const struct snap_net *n = snap_dom_nets(s, d);
	const struct snap_vbd *v = snap_dom_vbds(s, d);
	uint32_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < d->n_net; i++) {
		t->rx_bytes += n[i].rx_bytes;
		t->tx_bytes += n[i].tx_bytes;
		t->rx_pkts += n[i].rx_pkts;
		t->tx_pkts += n[i].tx_pkts;
		t->rx_errs += n[i].rx_errs;
		t->tx_errs += n[i].tx_errs;
		t->rx_drops += n[i].rx_drops;
		t->tx_drops += n[i].tx_drops;
	}
	for (i = 0; i < d->n_vbd; i++) {
		t->vbd_oo += v[i].oo;
		t->vbd_rd += v[i].rd_reqs;
		t->vbd_wr += v[i].wr_reqs;
		t->vbd_rsect += v[i].rd_sect;
		t->vbd_wsect += v[i].wr_sect;
	}
}

void
snap_vbd_name(uint32_t dev, char *buf, size_t len)
{
	/* Xen's vdev numbering (docs/misc/vbd-interface): xvd, hd, sd. */
	unsigned disk, part;

	if ((dev >> 8) == 202) {		/* xvd, 16 partitions */
		disk = (dev & 0xff) >> 4;
		part = dev & 0xf;
	} else if ((dev >> 28) == 1) {		/* extended xvd */
		disk = (dev >> 8) & 0xfffff;
		part = dev & 0xff;
	} else {
		snprintf(buf, len, "%u", dev);
		return;
	}
	if (disk < 26)
		snprintf(buf, len, "xvd%c", 'a' + disk);
	else
		snprintf(buf, len, "xvd%c%c", 'a' + (int)(disk / 26 - 1),
		    'a' + (int)(disk % 26));
	if (part > 0) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%u", part);
	}
}
