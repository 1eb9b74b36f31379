/*
 * xen_snap.c - what the Xen backend reads: snapshots from libxenstat (only
 * the groups the caller asked for), the guest list (running domains plus
 * the config files of stopped ones) and one guest's facts (libxl's copy
 * of a running guest's configuration, or its config file).
 */
#include "hypervisor/xen/xen_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/escape.h"
#include "core/xmalloc.h"
#include "hypervisor/xen/xen_conv.h"

/* One domain of a libxenstat node into out. */
static void
xen_snap_dom(struct snap *out, uint16_t h, xenstat_domain *xd,
    unsigned what)
{
	struct xen_conv_state st = {
		.dying = xenstat_domain_dying(xd),
		.shutdown = xenstat_domain_shutdown(xd),
		.blocked = xenstat_domain_blocked(xd),
		.crashed = xenstat_domain_crashed(xd),
		.paused = xenstat_domain_paused(xd),
		.running = xenstat_domain_running(xd),
	};
	const char *name = xenstat_domain_name(xd);
	unsigned nv = xenstat_domain_num_vcpus(xd), i, online = 0, nn, nb;
	struct snap_dom *d;
	struct snap_vcpu *sv;
	struct snap_net *sn;
	struct snap_vbd *sb;

	d = snap_add_dom(out, h, xenstat_domain_id(xd),
	    name != NULL ? name : "");
	d->flags = xen_conv_flags(&st);
	d->cpu_ns = xenstat_domain_cpu_ns(xd);
	d->mem_kb = xen_conv_mem_kb(xenstat_domain_cur_mem(xd));
	d->maxmem_kb = xen_conv_maxmem_kb(xenstat_domain_max_mem(xd));
	d->ssid = xenstat_domain_ssid(xd);
	d->vcpus_max = nv;
	d->vcpus_online = nv;	/* without per-vcpu data, as xentop shows */
	if ((what & HV_SNAP_VCPUS) != 0 && nv > 0) {
		sv = snap_add_vcpus(out, nv);
		for (i = 0; i < nv; i++) {
			xenstat_vcpu *v = xenstat_domain_vcpu(xd, i);

			if (v == NULL)
				continue;
			sv[i].online = xenstat_vcpu_online(v) != 0;
			sv[i].ns = sv[i].online ? xenstat_vcpu_ns(v) : 0;
			online += sv[i].online;
		}
		/* d may not move: vcpus live in their own pool */
		d->vcpus_online = online;
	}
	nn = (what & HV_SNAP_NETS) != 0 ? xenstat_domain_num_networks(xd) : 0;
	if (nn > 0) {
		sn = snap_add_nets(out, nn);
		for (i = 0; i < nn; i++) {
			xenstat_network *n = xenstat_domain_network(xd, i);

			if (n == NULL)
				continue;
			sn[i].id = xenstat_network_id(n);
			sn[i].rx_bytes = xenstat_network_rbytes(n);
			sn[i].rx_pkts = xenstat_network_rpackets(n);
			sn[i].rx_errs = xenstat_network_rerrs(n);
			sn[i].rx_drops = xenstat_network_rdrop(n);
			sn[i].tx_bytes = xenstat_network_tbytes(n);
			sn[i].tx_pkts = xenstat_network_tpackets(n);
			sn[i].tx_errs = xenstat_network_terrs(n);
			sn[i].tx_drops = xenstat_network_tdrop(n);
		}
	}
	nb = (what & HV_SNAP_VBDS) != 0 ? xenstat_domain_num_vbds(xd) : 0;
	if (nb > 0) {
		sb = snap_add_vbds(out, nb);
		for (i = 0; i < nb; i++) {
			xenstat_vbd *b = xenstat_domain_vbd(xd, i);

			if (b == NULL)
				continue;
			sb[i].dev = xenstat_vbd_dev(b);
			sb[i].oo = xenstat_vbd_oo_reqs(b);
			sb[i].rd_reqs = xenstat_vbd_rd_reqs(b);
			sb[i].wr_reqs = xenstat_vbd_wr_reqs(b);
			sb[i].rd_sect = xenstat_vbd_rd_sects(b);
			sb[i].wr_sect = xenstat_vbd_wr_sects(b);
		}
	}
}

int
xen_snapshot(struct hv *hv, unsigned what, struct snap *out,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	/* hv_snap_what bits to the libxenstat groups that feed them */
	static const struct {
		unsigned what, flag;
	} groups[] = {
		{ HV_SNAP_VCPUS, XENSTAT_VCPU },
		{ HV_SNAP_NETS, XENSTAT_NETWORK },
		{ HV_SNAP_VBDS, XENSTAT_VBD },
	};
	unsigned flags = 0, i, n;
	xenstat_node *node;
	struct snap_host *host;
	const char *ver;
	struct timespec wall;
	uint16_t h;

	for (i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if ((what & groups[i].what) != 0)
			flags |= groups[i].flag;
	if (p->version[0] == '\0')
		flags |= XENSTAT_XEN_VERSION;
	node = xenstat_get_node(p->xs, flags);
	if (node == NULL)
		return xdom_err_errno(err, XDOM_EIO, errno, "backend xen: "
		    "libxenstat cannot read the host's state");
	out->mono_ns = xdom_mono_ns();
	clock_gettime(CLOCK_REALTIME, &wall);
	out->wall_s = wall.tv_sec;
	if ((flags & XENSTAT_XEN_VERSION) != 0) {
		ver = xenstat_node_xen_version(node);
		snprintf(p->version, sizeof p->version, "%s",
		    ver != NULL && ver[0] != '\0' ? ver : "unknown");
	}
	h = snap_add_host(out, p->hostname);
	host = &out->hosts[h];
	snprintf(host->hv_version, sizeof host->hv_version, "%s", p->version);
	host->ncpus = xenstat_node_num_cpus(node);
	host->cpu_mhz = xen_conv_mhz(xenstat_node_cpu_hz(node));
	host->mem_total_kb = xen_conv_mem_kb(xenstat_node_tot_mem(node));
	host->mem_free_kb = xen_conv_mem_kb(xenstat_node_free_mem(node));
	host->simulated = false;
	host->state = SNAP_HOST_UP;
	n = xenstat_node_num_domains(node);
	for (i = 0; i < n; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);

		if (xd != NULL)
			xen_snap_dom(out, h, xd, what);
	}
	xenstat_free_node(node);
	snap_finish(out);
	return 0;
}

static int
xen_guest_cmp(const void *a, const void *b)
{
	const struct hv_guest *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void
xen_guest_add(struct hv_guest_list *l, size_t *cap, const char *name,
    bool running, uint32_t id)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->g = xreallocarray(l->g, *cap, sizeof *l->g);
	}
	l->g[l->n].name = xstrdup(name);
	l->g[l->n].running = running;
	l->g[l->n].id = id;
	l->n++;
}

static bool
xen_guest_has(const struct hv_guest_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->g[i].name, name) == 0)
			return true;
	return false;
}

/* Running domains (never Domain-0) plus every NAME.cfg in the config
 * directory that is not running. */
int
xen_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_dominfo *info;
	libxl_ctx *ctx;
	struct dirent *de;
	char cname[XDOM_NAME_MAX + 1];
	size_t cap = 0;
	DIR *dir;
	int nb = 0, i, rc;

	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	info = libxl_list_domain(ctx, &nb);
	if (info == NULL)
		return xdom_err_set(err, XDOM_EIO, "backend xen: cannot list "
		    "domains: %s", p->log.last[0] ? p->log.last : "libxl "
		    "failed");
	for (i = 0; i < nb; i++) {
		char *name;

		if (info[i].domid == 0)
			continue;
		name = libxl_domid_to_name(ctx, info[i].domid);
		if (name != NULL)
			xen_guest_add(out, &cap, name, true, info[i].domid);
		free(name);
	}
	libxl_dominfo_list_free(info, nb);
	dir = opendir(p->cfg_dir);
	if (dir != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (!xen_conv_cfg_name(de->d_name, cname, sizeof cname))
				continue;
			if (!xen_guest_has(out, cname))
				xen_guest_add(out, &cap, cname, false, 0);
		}
		closedir(dir);
	}
	if (out->n > 1)
		qsort(out->g, out->n, sizeof *out->g, xen_guest_cmp);
	return 0;
}

/* cfg_dir/NAME.cfg into buf; false when it does not exist. */
bool
xen_cfg_path(const struct xen_priv *p, const char *name, char *buf,
    size_t len)
{
	struct stat st;
	int n;

	n = snprintf(buf, len, "%s/%s.cfg", p->cfg_dir, name);
	if (n < 0 || (size_t)n >= len)
		return false;
	return stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}

/* Facts of a stopped guest from its config file (best effort). */
int
xen_info_cfg(const char *path, struct hv_info *out, struct xdom_err *err)
{
	struct conf *c = NULL;
	long mem, maxmem, vcpus;
	size_t i, n;
	int rc;

	rc = conf_load(&c, path, true, err);
	if (rc != 0)
		return rc;
	if (conf_get_long(c, "memory", 128, 1, 1L << 30, &mem, err) != 0 ||
	    conf_get_long(c, "maxmem", mem, 1, 1L << 30, &maxmem, err) != 0 ||
	    conf_get_long(c, "vcpus", 1, 1, 4096, &vcpus, err) != 0) {
		rc = err != NULL ? err->code : XDOM_EPROTO;
		goto out;
	}
	out->mem_kb = (uint64_t)mem * 1024;
	out->maxmem_kb = (uint64_t)maxmem * 1024;
	out->vcpus = (uint32_t)vcpus;
	n = conf_list_len(c, "disk");
	for (i = 0; i < n && out->n_disks < 8; i++)
		if (xen_conv_disk(conf_list_item(c, "disk", i),
		    &out->disks[out->n_disks]))
			out->n_disks++;
	n = conf_list_len(c, "vif");
	for (i = 0; i < n && out->n_nics < 8; i++)
		xen_conv_vif(conf_list_item(c, "vif", i),
		    &out->nics[out->n_nics++]);
out:
	conf_free(c);
	return rc;
}

/* Facts of a running guest from libxl's copy of its configuration. */
static void
xen_info_running(libxl_ctx *ctx, uint32_t domid, struct hv_info *out)
{
	libxl_domain_config dc;
	libxl_dominfo di;
	uint32_t start;
	time_t now = time(NULL);
	int i;

	libxl_dominfo_init(&di);
	if (libxl_domain_info(ctx, &di, domid) == 0) {
		out->mem_kb = di.current_memkb;
		out->maxmem_kb = di.max_memkb;
		out->vcpus = di.vcpu_online;
	}
	libxl_dominfo_dispose(&di);
	start = libxl_vm_get_start_time(ctx, domid);
	if (start != 0 && (time_t)start <= now)
		out->uptime_s = (uint64_t)(now - (time_t)start);
	libxl_domain_config_init(&dc);
	if (libxl_retrieve_domain_configuration(ctx, domid, &dc, NULL) == 0) {
		for (i = 0; i < dc.num_disks && out->n_disks < 8; i++) {
			struct hv_disk *k = &out->disks[out->n_disks++];

			snprintf(k->vdev, sizeof k->vdev, "%s",
			    dc.disks[i].vdev ? dc.disks[i].vdev : "");
			snprintf(k->target, sizeof k->target, "%s",
			    dc.disks[i].pdev_path ? dc.disks[i].pdev_path : "");
			k->writable = dc.disks[i].readwrite != 0;
		}
		for (i = 0; i < dc.num_nics && out->n_nics < 8; i++) {
			struct hv_nic *c = &out->nics[out->n_nics++];

			xen_conv_mac(dc.nics[i].mac, c->mac, sizeof c->mac);
			snprintf(c->bridge, sizeof c->bridge, "%s",
			    dc.nics[i].bridge ? dc.nics[i].bridge : "");
			snprintf(c->ip, sizeof c->ip, "%s",
			    dc.nics[i].ip ? dc.nics[i].ip : "");
		}
	}
	libxl_domain_config_dispose(&dc);
}

int
xen_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_ctx *ctx;
	uint32_t domid;
	bool has_cfg;
	int rc;

	rc = xen_ctx_named(p, name, &ctx, err);
	if (rc != 0)
		return rc;
	snprintf(out->name, sizeof out->name, "%s", name);
	has_cfg = xen_cfg_path(p, name, out->config_path,
	    sizeof out->config_path);
	if (!has_cfg)
		out->config_path[0] = '\0';
	if (libxl_name_to_domid(ctx, name, &domid) == 0) {
		out->running = true;
		out->id = domid;
		xen_info_running(ctx, domid, out);
		return 0;
	}
	if (!has_cfg)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such domain, and "
		    "no %s/%s.cfg", name, p->cfg_dir, name);
	return xen_info_cfg(out->config_path, out, err);
}
