/*
 * hv_xen.c - the real Xen backend: libxenstat for snapshots, libxenlight
 * for listing, actions and consoles, xl for booting from a config file.
 *
 * Snapshots ask libxenstat only for the groups the caller wants (vcpus,
 * networks, vbds), which is what makes a refresh cheaper than xentop's.
 * The libxl context is made on first use, so a program that only takes
 * snapshots (the dashboard) never pays for it.
 *
 * Children: the backend runs `xl create` and the re-image command itself
 * (fork + execve with a fixed argv and environment, no shell) and reaps
 * them synchronously with waitpid. libxl is left in its default child
 * mode (libxl_sigchld_owner_libxl): it owns SIGCHLD only while one of its
 * own calls has children (hotplug scripts when a guest is destroyed), and
 * it insists that nobody else has a SIGCHLD handler at that moment. Programs
 * embedding the backend do (xdomd's event loop), so each libxl action runs
 * with SIGCHLD at its default and the caller's handler is put back after;
 * listing and snapshots never start children. The "always" modes would
 * install libxl's handler for good as soon as the context exists, which
 * aborts in a program that has its own.
 *
 * Resources: vcpu-set, mem-set, mem-max, block-attach and block-detach
 * are libxl calls, checked against the guest first so that a bad value
 * gets its reason; save and restore run `xl save` / `xl restore` (xl's
 * file format, and xl keeps watching a restored guest as after create).
 *
 * Keys read from xdom.conf: xen_config_dir (/etc/xen), xl_command
 * (/usr/sbin/xl), reimage_command (xen-create-image --hostname=%n
 * --force; expanded by core/argvtpl, a bare program name is looked up in
 * a fixed PATH), xen_command_timeout (seconds xl create may take, 300),
 * reimage_timeout (seconds, 7200).
 */
#define LIBXL_API_VERSION 0x041400

#include "hypervisor/hv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstat.h>
#include <xentoollog.h>

#include "core/argvtpl.h"
#include "core/conf.h"
#include "core/escape.h"
#include "core/memsize.h"
#include "core/vdev.h"
#include "core/xmalloc.h"
#include "hypervisor/xen/xen_conv.h"
#include "hypervisor/xen/xen_save.h"

#define XEN_PRIVCMD "/dev/xen/privcmd"
#define XEN_PRIVCMD_OLD "/proc/xen/privcmd"
#define XEN_CAPS "/proc/xen/capabilities"
#define XEN_XENSTORED_SOCKET "/run/xenstored/socket"
#define XEN_CHILD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
	"/sbin:/bin"
#define XEN_DEFAULT_CFG_DIR "/etc/xen"
#define XEN_DEFAULT_XL "/usr/sbin/xl"
#define XEN_DEFAULT_REIMAGE "xen-create-image --hostname=%n --force"
#define XEN_SHUTDOWN_WAIT_S 60	/* re-image: how long a guest may take to stop */

/* A xentoollog logger that keeps the last error for the user. libxl calls
 * through vt, so it must stay the first member. */
struct xen_log {
	xentoollog_logger vt;
	char last[256];		/* last message at XTL_ERROR or worse */
	bool echo;		/* $XDOM_XEN_DEBUG: also print to stderr */
};

struct xen_priv {
	xenstat_handle *xs;
	libxl_ctx *ctx;		/* NULL until first needed */
	struct xen_log log;
	char version[32];	/* hypervisor version, read once */
	char hostname[128];
	char cfg_dir[PATH_MAX];
	char xl[PATH_MAX];
	char reimage[512];
	long cmd_timeout_s;	/* xl create */
	long reimage_timeout_s;
};

static struct xen_priv *
xen_priv(struct hv *hv)
{
	return hv->priv;
}

static void
xen_log_vmessage(xentoollog_logger *lg, xentoollog_level level, int errnoval,
    const char *context, const char *fmt, va_list ap)
{
	struct xen_log *l = (struct xen_log *)lg;
	char msg[sizeof l->last];
	size_t n;
	int len;

	len = vsnprintf(msg, sizeof msg, fmt, ap);
	if (len < 0)
		return;
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (errnoval >= 0 && n + 3 < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(errnoval));
	if (l->echo)
		fprintf(stderr, "xdom: xen %s: %s: %s\n",
		    xtl_level_to_string(level), context ? context : "-", msg);
	if (level >= XTL_ERROR)
		memcpy(l->last, msg, sizeof l->last);
}

static void
xen_log_progress(xentoollog_logger *lg, const char *context,
    const char *doing, int percent, unsigned long done, unsigned long total)
{
	(void)lg;
	(void)context;
	(void)doing;
	(void)percent;
	(void)done;
	(void)total;
}

static void
xen_log_destroy(xentoollog_logger *lg)
{
	(void)lg;	/* embedded in xen_priv, freed with it */
}

/*
 * Whether this process can use Xen here; a one-line reason when not.
 * Checked before any library call, because libxenstore blocks forever
 * when xenstored is not there to answer.
 */
static int
xen_usable(struct xdom_err *err)
{
	const char *privcmd = XEN_PRIVCMD, *sock;
	char caps[128] = "";
	FILE *f;

	if (access(privcmd, F_OK) != 0) {
		privcmd = XEN_PRIVCMD_OLD;
		if (access(privcmd, F_OK) != 0)
			return xdom_err_set(err, XDOM_EUNAVAIL, "backend xen: "
			    "no Xen hypervisor here (no %s); use --sim for "
			    "the simulated host", XEN_PRIVCMD);
	}
	if ((f = fopen(XEN_CAPS, "r")) != NULL) {
		if (fgets(caps, sizeof caps, f) == NULL)
			caps[0] = '\0';
		fclose(f);
		if (strstr(caps, "control_d") == NULL)
			return xdom_err_set(err, XDOM_EUNAVAIL, "backend xen: "
			    "this is a Xen guest, not dom0 (%s has no "
			    "control_d); run xdom in dom0, or use --sim",
			    XEN_CAPS);
	}
	if (access(privcmd, R_OK | W_OK) != 0)
		return xdom_err_errno(err, XDOM_EUNAVAIL, errno, "backend xen: "
		    "cannot use %s (run as root in dom0, or through xdomd "
		    "with --backend=helper; --sim for the simulated host)",
		    privcmd);
	sock = getenv("XENSTORED_PATH");
	if (sock == NULL || sock[0] == '\0')
		sock = XEN_XENSTORED_SOCKET;
	if (access(sock, F_OK) != 0)
		return xdom_err_set(err, XDOM_EUNAVAIL, "backend xen: xenstored "
		    "is not running (no %.200s); start it (systemctl start "
		    "xenstored) or use --sim", sock);
	return 0;
}

static void
xen_copy_conf(char *dst, size_t len, const struct conf *c, const char *key,
    const char *def)
{
	const char *v = c != NULL ? conf_get_default(c, key, def) : def;

	snprintf(dst, len, "%s", v);
}

static int
xen_open(struct hv *hv, const struct hv_open_opts *o, struct xdom_err *err)
{
	struct xen_priv *p;
	const char *dbg;
	int rc;

	rc = xen_usable(err);
	if (rc != 0)
		return rc;
	p = xcalloc(1, sizeof *p);
	p->log.vt.vmessage = xen_log_vmessage;
	p->log.vt.progress = xen_log_progress;
	p->log.vt.destroy = xen_log_destroy;
	dbg = getenv("XDOM_XEN_DEBUG");
	p->log.echo = dbg != NULL && dbg[0] != '\0';
	xen_copy_conf(p->cfg_dir, sizeof p->cfg_dir, o->conf,
	    "xen_config_dir", XEN_DEFAULT_CFG_DIR);
	xen_copy_conf(p->xl, sizeof p->xl, o->conf, "xl_command",
	    XEN_DEFAULT_XL);
	xen_copy_conf(p->reimage, sizeof p->reimage, o->conf,
	    "reimage_command", XEN_DEFAULT_REIMAGE);
	p->cmd_timeout_s = 300;
	p->reimage_timeout_s = 7200;
	if (o->conf != NULL) {
		rc = conf_get_long(o->conf, "xen_command_timeout", 300, 1,
		    86400, &p->cmd_timeout_s, err);
		if (rc == 0)
			rc = conf_get_long(o->conf, "reimage_timeout", 7200, 1,
			    2 * 86400, &p->reimage_timeout_s, err);
		if (rc != 0)
			goto out;
	}
	if (gethostname(p->hostname, sizeof p->hostname) != 0 ||
	    p->hostname[0] == '\0')
		snprintf(p->hostname, sizeof p->hostname, "localhost");
	p->hostname[sizeof p->hostname - 1] = '\0';
	p->xs = xenstat_init();
	if (p->xs == NULL) {
		rc = xdom_err_errno(err, XDOM_EUNAVAIL, errno, "backend xen: "
		    "libxenstat cannot open the hypervisor (use --sim for the "
		    "simulated host)");
		goto out;
	}
	hv->priv = p;
	return 0;
out:
	free(p);
	return rc;
}

static void
xen_close(struct hv *hv)
{
	struct xen_priv *p = xen_priv(hv);

	if (p == NULL)
		return;
	if (p->ctx != NULL)
		libxl_ctx_free(p->ctx);
	if (p->xs != NULL)
		xenstat_uninit(p->xs);
	free(p);
	hv->priv = NULL;
}

/* The libxl context, made on first use. */
static int
xen_ctx(struct xen_priv *p, libxl_ctx **out, struct xdom_err *err)
{
	if (p->ctx == NULL) {
		p->log.last[0] = '\0';
		if (libxl_ctx_alloc(&p->ctx, LIBXL_VERSION, 0,
		    &p->log.vt) != 0) {
			p->ctx = NULL;
			return xdom_err_set(err, XDOM_EUNAVAIL, "backend xen: "
			    "libxenlight cannot start: %s",
			    p->log.last[0] ? p->log.last : "unknown error");
		}
	}
	*out = p->ctx;
	return 0;
}

/* An error from a libxl call: the code mapped, libxl's last message. */
static int
xen_lxerr(struct xen_priv *p, int lrc, struct xdom_err *err,
    const char *what, const char *name)
{
	/* libxl error codes that mean something other than "it failed" */
	static const struct {
		int lrc;
		int code;
		const char *text;
	} map[] = {
		{ ERROR_NOPARAVIRT, XDOM_ESTATE, "the guest has no PV drivers "
		    "to ask (use destroy or reset)" },
		{ ERROR_DOMAIN_NOTFOUND, XDOM_ENOENT, "no such domain" },
		{ ERROR_NOMEM, XDOM_EIO, "out of memory" },
		{ ERROR_INVAL, XDOM_EINVAL, "invalid request" },
		{ ERROR_NOT_READY, XDOM_ESTATE, "the guest is not ready" },
	};
	const char *text = "failed";
	int code = XDOM_EIO;
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].lrc == lrc) {
			code = map[i].code;
			text = map[i].text;
		}
	}
	return xdom_err_set(err, code, "%.64s: %s: %s%s%s", name, what, text,
	    p->log.last[0] ? ": " : "", p->log.last);
}

/* Put "who: what: " before the message already in err. */
static int
xen_err_prefix(struct xdom_err *err, int rc, const char *who,
    const char *what)
{
	char msg[XDOM_ERR_MSG_MAX];

	snprintf(msg, sizeof msg, "%s", xdom_err_msg(err));
	return xdom_err_set(err, rc, "%.64s: %s: %s", who, what, msg);
}

/*
 * Domain id of a running guest that xdom may act on: the name must be
 * valid, and Domain-0 (the host itself) is never a target.
 */
static int
xen_domid(struct xen_priv *p, const char *name, uint32_t *domid,
    struct xdom_err *err)
{
	libxl_ctx *ctx;
	int rc;

	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name "
		    "(letters, digits, '.', '_' and '-')");
	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	if (libxl_name_to_domid(ctx, name, domid) != 0)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such running "
		    "domain", name);
	if (*domid == 0)
		return xdom_err_set(err, XDOM_EPERM, "%s: is the host's own "
		    "domain (dom0); xdom does not act on it", name);
	return 0;
}

static uint64_t
xen_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

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

static int
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
	out->mono_ns = xen_mono_ns();
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
static int
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
static bool
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
static int
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

static int
xen_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_ctx *ctx;
	uint32_t domid;
	bool has_cfg;
	int rc;

	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name");
	rc = xen_ctx(p, &ctx, err);
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

/* Absolute path of prog: itself when it has a '/', else found in the
 * fixed child PATH. */
static bool
xen_find_prog(const char *prog, char *buf, size_t len)
{
	const char *dir = XEN_CHILD_PATH, *e;
	int n;

	if (strchr(prog, '/') != NULL) {
		snprintf(buf, len, "%s", prog);
		return prog[0] == '/' && access(buf, X_OK) == 0;
	}
	while (*dir != '\0') {
		e = strchr(dir, ':');
		if (e == NULL)
			e = dir + strlen(dir);
		n = snprintf(buf, len, "%.*s/%s", (int)(e - dir), dir, prog);
		if (n > 0 && (size_t)n < len && access(buf, X_OK) == 0)
			return true;
		dir = *e == ':' ? e + 1 : e;
	}
	return false;
}

/* The child side of xen_run: never returns. */
static void __attribute__((noreturn))
xen_child(const char *prog, char *const argv[], int outfd)
{
	static char *const envp[] = {
		"PATH=" XEN_CHILD_PATH, "LANG=C", "LC_ALL=C", NULL,
	};
	sigset_t none;
	int devnull;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setsid();
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 ||
	    dup2(outfd, 2) < 0)
		_exit(126);
	closefrom(3);
	execve(prog, argv, envp);
	_exit(127);
}

/* Kill the child's process group and reap it. */
static void
xen_kill(pid_t pid)
{
	int status;

	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	usleep(200000);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Run argv (argv[0] resolved by xen_find_prog) with output collected: the
 * last non-empty line goes to last (for error messages); each line goes to
 * progress when given. Returns 0 when it exits with status 0. xl create
 * leaves a daemon behind that inherits the output pipe for a moment, so
 * the wait ends when the child exits, not at end of file.
 */
static int
xen_run(char *const argv[], long timeout_s,
    hv_progress_fn progress, void *parg, char *last, size_t lastlen,
    struct xdom_err *err)
{
	char prog[PATH_MAX], buf[4096], line[256];
	size_t ll = 0;
	unsigned permille = 0;
	uint64_t deadline = xen_mono_ns() + (uint64_t)timeout_s * 1000000000ull;
	int pfd[2] = { -1, -1 }, status = 0, rc = 0;
	bool exited = false;
	struct pollfd pf;
	ssize_t n, i;
	pid_t pid;

	last[0] = '\0';
	if (!xen_find_prog(argv[0], prog, sizeof prog))
		return xdom_err_set(err, XDOM_ENOENT, "program %.200s not "
		    "found or not executable (searched %s)", argv[0],
		    XEN_CHILD_PATH);
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "fork");
		goto out;
	}
	if (pid == 0)
		xen_child(prog, argv, pfd[1]);
	close(pfd[1]);
	pfd[1] = -1;
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	if (progress != NULL)
		progress(parg, 0, "starting");
	for (;;) {
		pf.fd = pfd[0];
		pf.events = POLLIN;
		pf.revents = 0;
		if (!exited && poll(&pf, 1, 100) < 0 && errno != EINTR) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "poll");
			xen_kill(pid);
			goto out;
		}
		while ((n = read(pfd[0], buf, sizeof buf)) > 0) {
			for (i = 0; i < n; i++) {
				if (buf[i] != '\n' && buf[i] != '\r') {
					if (ll + 1 < sizeof line)
						line[ll++] = buf[i];
					continue;
				}
				if (ll == 0)
					continue;
				line[ll] = '\0';
				ll = 0;
				xdom_escape(last, lastlen, line);
				if (progress == NULL)
					continue;
				permille += (950 - permille) / 8;
				if (progress(parg, permille, last) != 0) {
					xen_kill(pid);
					rc = xdom_err_set(err,
					    XDOM_ETIMEDOUT, "%s: stopped on "
					    "request", argv[0]);
					goto out;
				}
			}
		}
		if (exited)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;	/* one more pass drains the pipe */
			continue;
		}
		if (xen_mono_ns() > deadline) {
			xen_kill(pid);
			rc = xdom_err_set(err, XDOM_ETIMEDOUT, "%s did not "
			    "finish within %ld s", argv[0], timeout_s);
			goto out;
		}
	}
	if (ll > 0) {
		line[ll] = '\0';
		xdom_escape(last, lastlen, line);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = XDOM_EIO;
		if (WIFSIGNALED(status))
			xdom_err_set(err, rc, "%s was killed by signal %d%s%s",
			    argv[0], WTERMSIG(status), last[0] ? ": " : "",
			    last);
		else
			xdom_err_set(err, rc, "%s failed (exit status %d)%s%s",
			    argv[0], WEXITSTATUS(status), last[0] ? ": " : "",
			    last);
	}
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	return rc;
}

/* Boot a stopped guest: `xl create CFG_DIR/NAME.cfg`. */
static int
xen_boot(struct xen_priv *p, const char *name, struct xdom_err *err)
{
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "create", path, NULL };
	libxl_ctx *ctx;
	uint32_t domid;
	int rc;

	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name "
		    "(letters, digits, '.', '_' and '-')");
	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	if (libxl_name_to_domid(ctx, name, &domid) == 0)
		return xdom_err_set(err, XDOM_ESTATE, "%s: already running "
		    "(domain %u)", name, domid);
	if (!xen_cfg_path(p, name, path, sizeof path))
		return xdom_err_set(err, XDOM_ENOENT, "%s: no config file "
		    "%.200s/%s.cfg", name, p->cfg_dir, name);
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0)
		return xen_err_prefix(err, rc, name, "boot");
	return 0;
}

static int
xen_do_shutdown(libxl_ctx *ctx, uint32_t domid)
{
	return libxl_domain_shutdown(ctx, domid, NULL);
}

static int
xen_do_reboot(libxl_ctx *ctx, uint32_t domid)
{
	return libxl_domain_reboot(ctx, domid, NULL);
}

static int
xen_do_destroy(libxl_ctx *ctx, uint32_t domid)
{
	return libxl_domain_destroy(ctx, domid, NULL);
}

static int
xen_do_pause(libxl_ctx *ctx, uint32_t domid)
{
	return libxl_domain_pause(ctx, domid, NULL);
}

static int
xen_do_unpause(libxl_ctx *ctx, uint32_t domid)
{
	return libxl_domain_unpause(ctx, domid, NULL);
}

/*
 * Call fn with SIGCHLD at its default disposition (see the top of the
 * file), then put the caller's handler back. Signals that arrive
 * meanwhile are not lost: exited children stay waitable.
 */
static bool
xen_sigchld_dfl(struct sigaction *saved)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	return sigaction(SIGCHLD, &dfl, saved) == 0;
}

static int
xen_call(int (*fn)(libxl_ctx *, uint32_t), libxl_ctx *ctx, uint32_t domid)
{
	struct sigaction saved;
	int lrc;

	if (!xen_sigchld_dfl(&saved))
		return ERROR_FAIL;
	lrc = fn(ctx, domid);
	sigaction(SIGCHLD, &saved, NULL);
	return lrc;
}

/* Actions that are one libxl call on a running domain. */
static int (*const xen_calls[HV_ACT__COUNT])(libxl_ctx *, uint32_t) = {
	[HV_ACT_SHUTDOWN] = xen_do_shutdown,
	[HV_ACT_REBOOT] = xen_do_reboot,
	[HV_ACT_DESTROY] = xen_do_destroy,
	[HV_ACT_PAUSE] = xen_do_pause,
	[HV_ACT_UNPAUSE] = xen_do_unpause,
};

static int
xen_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_ctx *ctx;
	uint32_t domid;
	int rc, lrc;

	(void)reason;	/* audited by xdomd, not here */
	if (a == HV_ACT_BOOT)
		return xen_boot(p, name, err);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	ctx = p->ctx;
	p->log.last[0] = '\0';
	if (a == HV_ACT_RESET) {
		lrc = xen_call(xen_do_destroy, ctx, domid);
		if (lrc != 0)
			return xen_lxerr(p, lrc, err, "reset (destroy)", name);
		return xen_boot(p, name, err);
	}
	if ((unsigned)a >= HV_ACT__COUNT || xen_calls[a] == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	lrc = xen_call(xen_calls[a], ctx, domid);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, hv_action_name(a), name);
	return 0;
}

/* xl sysrq: libxl writes the key to the guest's control/sysrq node,
 * where its kernel's xen driver picks it up. */
static int
xen_sysrq(struct hv *hv, const char *name, char key, const char *reason,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	uint32_t domid;
	int rc, lrc;

	(void)reason;	/* audited by xdomd, not here */
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	lrc = libxl_send_sysrq(p->ctx, domid, key);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "sysrq", name);
	return 0;
}

static int
xen_console(struct hv *hv, const char *name, const char *reason, int *fd,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	struct termios t;
	char *path = NULL;
	uint32_t domid;
	int rc, lrc, cfd;

	(void)reason;
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	lrc = libxl_primary_console_get_tty(p->ctx, domid, &path);
	if (lrc != 0 || path == NULL) {
		free(path);
		return xen_lxerr(p, lrc != 0 ? lrc : ERROR_FAIL, err,
		    "console", name);
	}
	cfd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (cfd < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s: console %.100s",
		    name, path);
		free(path);
		return rc;
	}
	free(path);
	/* bytes pass through unchanged, as with xl console */
	if (tcgetattr(cfd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(cfd, TCSANOW, &t);
	}
	*fd = cfd;
	return 0;
}

/* Wait until name has no domain, up to secs seconds. */
static bool
xen_wait_gone(libxl_ctx *ctx, const char *name, unsigned secs)
{
	uint32_t domid;
	unsigned i;

	for (i = 0; i < secs * 10; i++) {
		if (libxl_name_to_domid(ctx, name, &domid) != 0)
			return true;
		usleep(100000);
	}
	return false;
}

static int
xen_reimage(struct hv *hv, const char *name, const struct hv_reimage_opts *o,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	struct argvtpl_var vars[3];
	struct hv_info in;
	char **argv = NULL, last[256];
	long timeout = p->reimage_timeout_s;
	libxl_ctx *ctx;
	uint32_t domid;
	int rc;

	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name");
	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	/* a bad template is found before the guest is stopped */
	vars[0] = (struct argvtpl_var){ 'n', name };
	vars[1] = (struct argvtpl_var){ 'c', "/" };
	vars[2] = (struct argvtpl_var){ 'd', "/" };
	rc = argvtpl_expand(p->reimage, vars, 3, &argv, NULL, err);
	argvtpl_free(argv);
	argv = NULL;
	if (rc != 0)
		return xen_err_prefix(err, rc, "xdom.conf", "reimage_command");
	if (libxl_name_to_domid(ctx, name, &domid) == 0) {
		if (domid == 0) {
			rc = xdom_err_set(err, XDOM_EPERM, "%s: is dom0", name);
			goto out;
		}
		if (!o->shutdown_first) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s: is running; "
			    "shut it down first", name);
			goto out;
		}
		if (progress != NULL)
			progress(arg, 0, "shutting down");
		xen_call(xen_do_shutdown, ctx, domid);
		if (!xen_wait_gone(ctx, name, XEN_SHUTDOWN_WAIT_S))
			xen_call(xen_do_destroy, ctx, domid);
		if (!xen_wait_gone(ctx, name, 10)) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s: did not stop; "
			    "not re-imaging", name);
			goto out;
		}
	}
	/* %n the name, %c its config file, %d its first disk */
	memset(&in, 0, sizeof in);
	rc = xen_info(hv, name, &in, err);
	if (rc != 0)
		goto out;
	vars[0] = (struct argvtpl_var){ 'n', name };
	vars[1] = (struct argvtpl_var){ 'c', in.config_path };
	vars[2] = (struct argvtpl_var){ 'd',
	    in.n_disks > 0 ? in.disks[0].target : "" };
	rc = argvtpl_expand(p->reimage, vars, 3, &argv, NULL, err);
	if (rc != 0) {
		xen_err_prefix(err, rc, "xdom.conf", "reimage_command");
		goto out;
	}
	rc = xen_run(argv, timeout, progress, arg, last, sizeof last, err);
	if (rc != 0) {
		xen_err_prefix(err, rc, name, "re-image");
		goto out;
	}
	if (progress != NULL)
		progress(arg, 1000, "done");
out:
	argvtpl_free(argv);
	return rc;
}

/* --- resources, block devices, save and restore ------------------------ */

#define XEN_MIN_MEM_KB (32u << 10)	/* a smaller target starves the guest */

/* What a resource change is checked against: the guest as libxl keeps it
 * (target and static maximum from xenstore, vcpus from the hypervisor). */
struct xen_res_cur {
	const char *name;
	uint32_t domid;
	uint32_t max_vcpus, online;
	uint64_t target_kb, max_kb, host_kb;
};

static int
xen_res_vcpus(struct xen_priv *p, const struct xen_res_cur *c, uint64_t n,
    struct xdom_err *err)
{
	libxl_bitmap map;
	uint32_t i;
	int lrc;

	if (n < 1)
		return xdom_err_set(err, XDOM_EINVAL, "%s needs at least 1 "
		    "vcpu online", c->name);
	if (n > c->max_vcpus)
		return xdom_err_set(err, XDOM_EINVAL, "%s has at most %" PRIu32
		    " vcpu%s", c->name, c->max_vcpus,
		    c->max_vcpus == 1 ? "" : "s");
	libxl_bitmap_init(&map);
	if (libxl_bitmap_alloc(p->ctx, &map, (int)c->max_vcpus) != 0)
		return xdom_err_set(err, XDOM_EIO, "out of memory");
	for (i = 0; i < n; i++)
		libxl_bitmap_set(&map, (int)i);
	lrc = libxl_set_vcpuonline(p->ctx, c->domid, &map, NULL);
	libxl_bitmap_dispose(&map);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "vcpu-set", c->name);
	return 0;
}

static int
xen_res_mem(struct xen_priv *p, const struct xen_res_cur *c, uint64_t kb,
    struct xdom_err *err)
{
	char a[24], b[24];
	int lrc;

	if (kb < XEN_MIN_MEM_KB)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is below the "
		    "minimum of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(XEN_MIN_MEM_KB, b, sizeof b));
	if (kb > c->max_kb)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is above %s's "
		    "maximum of %s; raise it with mem-max first",
		    memsize_format(kb, a, sizeof a), c->name,
		    memsize_format(c->max_kb, b, sizeof b));
	if (kb > INT64_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "memory out of range");
	lrc = libxl_set_memory_target(p->ctx, c->domid, (int64_t)kb, 0, 1);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "mem-set", c->name);
	return 0;
}

static int
xen_res_maxmem(struct xen_priv *p, const struct xen_res_cur *c, uint64_t kb,
    struct xdom_err *err)
{
	char a[24], b[24];
	int lrc;

	if (kb < c->target_kb)
		return xdom_err_set(err, XDOM_EINVAL, "maximum %s is below %s's "
		    "memory of %s; lower it with mem-set first",
		    memsize_format(kb, a, sizeof a), c->name,
		    memsize_format(c->target_kb, b, sizeof b));
	if (c->host_kb != 0 && kb > c->host_kb)	/* ENOMEM: a host limit */
		return xdom_err_set(err, XDOM_ENOMEM, "maximum %s is above the "
		    "host's memory of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(c->host_kb, b, sizeof b));
	lrc = libxl_domain_setmaxmem(p->ctx, c->domid, kb);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "mem-max", c->name);
	return 0;
}

/* The guest's current limits, for the checks above. */
static int
xen_res_current(struct xen_priv *p, const char *name, struct xen_res_cur *c,
    struct xdom_err *err)
{
	libxl_dominfo di;
	libxl_domain_config dc;
	libxl_physinfo phys;
	int rc, lrc;

	memset(c, 0, sizeof *c);
	c->name = name;
	rc = xen_domid(p, name, &c->domid, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	libxl_dominfo_init(&di);
	lrc = libxl_domain_info(p->ctx, &di, c->domid);
	if (lrc == 0) {
		c->max_vcpus = di.vcpu_max_id + 1;
		c->online = di.vcpu_online;
	}
	libxl_dominfo_dispose(&di);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "info", name);
	libxl_domain_config_init(&dc);
	lrc = libxl_retrieve_domain_configuration(p->ctx, c->domid, &dc,
	    NULL);
	if (lrc == 0) {
		c->target_kb = dc.b_info.target_memkb;
		c->max_kb = dc.b_info.max_memkb;
	}
	libxl_domain_config_dispose(&dc);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "configuration", name);
	libxl_physinfo_init(&phys);
	if (libxl_get_physinfo(p->ctx, &phys) == 0)
		c->host_kb = phys.total_pages * 4;
	libxl_physinfo_dispose(&phys);
	return 0;
}

static int
xen_set_resource(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	static int (*const set[HV_RES__COUNT])(struct xen_priv *,
	    const struct xen_res_cur *, uint64_t, struct xdom_err *) = {
		[HV_RES_VCPUS] = xen_res_vcpus,
		[HV_RES_MEM] = xen_res_mem,
		[HV_RES_MAXMEM] = xen_res_maxmem,
	};
	struct xen_priv *p = xen_priv(hv);
	struct xen_res_cur c;
	int rc;

	if ((unsigned)r >= HV_RES__COUNT || set[r] == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	rc = xen_res_current(p, name, &c, err);
	if (rc != 0)
		return rc;
	p->log.last[0] = '\0';
	return set[r](p, &c, value, err);
}

/* An absolute path to an existing regular file or block device. */
static int
xen_check_target(const char *target, struct xdom_err *err)
{
	struct stat sb;

	if (target == NULL || target[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the device's "
		    "absolute path", target != NULL ? target : "(none)");
	if (strlen(target) >= PATH_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "target path too long");
	if (stat(target, &sb) != 0)
		return xdom_err_errno(err, XDOM_EINVAL, errno, "%.200s",
		    target);
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return xdom_err_set(err, XDOM_EINVAL, "%.200s is not a file or "
		    "a block device", target);
	return 0;
}

/*
 * Where target is attached already (another domain, or this one under
 * another name): refused when either use is read-write, as two writers
 * would corrupt it. Writes the holder's name into who.
 */
static bool
xen_target_busy(libxl_ctx *ctx, const char *target, bool rw, char *who,
    size_t len)
{
	libxl_dominfo *doms;
	libxl_device_disk *disks;
	int nd = 0, nk, i, j;
	bool busy = false;
	char *name;

	doms = libxl_list_domain(ctx, &nd);
	for (i = 0; doms != NULL && i < nd && !busy; i++) {
		disks = libxl_device_disk_list(ctx, doms[i].domid, &nk);
		for (j = 0; disks != NULL && j < nk && !busy; j++) {
			if (disks[j].pdev_path == NULL ||
			    strcmp(disks[j].pdev_path, target) != 0 ||
			    (!rw && disks[j].readwrite == 0))
				continue;
			busy = true;
			name = libxl_domid_to_name(ctx, doms[i].domid);
			snprintf(who, len, "%s as %s", name != NULL ? name :
			    "another domain", disks[j].vdev != NULL ?
			    disks[j].vdev : "?");
			free(name);
		}
		if (disks != NULL)
			libxl_device_disk_list_free(disks, nk);
	}
	if (doms != NULL)
		libxl_dominfo_list_free(doms, nd);
	return busy;
}

/* libxl_device_disk_add/_remove run hotplug scripts: SIGCHLD at its
 * default meanwhile (see the top of the file). */
static int
xen_disk_call(int (*fn)(libxl_ctx *, uint32_t, libxl_device_disk *,
    const libxl_asyncop_how *), libxl_ctx *ctx, uint32_t domid,
    libxl_device_disk *disk)
{
	struct sigaction saved;
	int lrc;

	if (!xen_sigchld_dfl(&saved))
		return ERROR_FAIL;
	lrc = fn(ctx, domid, disk, NULL);
	sigaction(SIGCHLD, &saved, NULL);
	return lrc;
}

/*
 * xl block-attach: a raw image or block device as vdev. libxl picks the
 * backend: a block device goes to blkback through the "block" hotplug
 * script, a file to whatever the host offers for files.
 */
static int
xen_block_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_device_disk disk, old;
	uint32_t domid, dev;
	char who[160];
	int rc, lrc;

	if (b == NULL || b->vdev == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "block-attach needs a "
		    "target and a virtual device");
	rc = vdev_parse(b->vdev, &dev, err);
	if (rc != 0)
		return rc;
	rc = xen_check_target(b->target, err);
	if (rc != 0)
		return rc;
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	libxl_device_disk_init(&old);
	lrc = libxl_vdev_to_device_disk(p->ctx, domid, b->vdev, &old);
	libxl_device_disk_dispose(&old);
	if (lrc == 0)
		return xdom_err_set(err, XDOM_EINVAL, "%s already has a device "
		    "%s", name, b->vdev);
	if (xen_target_busy(p->ctx, b->target, b->writable, who, sizeof who))
		return xdom_err_set(err, XDOM_EINVAL, "%.200s is attached to "
		    "%s already", b->target, who);
	libxl_device_disk_init(&disk);
	disk.pdev_path = xstrdup(b->target);
	disk.vdev = xstrdup(b->vdev);
	disk.format = LIBXL_DISK_FORMAT_RAW;
	disk.backend = LIBXL_DISK_BACKEND_UNKNOWN;
	disk.readwrite = b->writable ? 1 : 0;
	disk.removable = 0;
	disk.is_cdrom = 0;
	p->log.last[0] = '\0';
	lrc = xen_disk_call(libxl_device_disk_add, p->ctx, domid, &disk);
	libxl_device_disk_dispose(&disk);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "block-attach", name);
	return 0;
}

/* Whether vdev is one of the disks in name's config file. */
static bool
xen_cfg_disk(const struct xen_priv *p, const char *name, const char *vdev)
{
	struct xdom_err err = { 0, "" };
	struct hv_info *in;
	char path[PATH_MAX];
	bool found = false;
	unsigned i;

	if (!xen_cfg_path(p, name, path, sizeof path))
		return false;
	in = xcalloc(1, sizeof *in);
	if (xen_info_cfg(path, in, &err) == 0)
		for (i = 0; i < in->n_disks; i++)
			found = found || strcmp(in->disks[i].vdev, vdev) == 0;
	free(in);
	return found;
}

static int
xen_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	libxl_device_disk disk;
	uint32_t domid, dev;
	int rc, lrc;

	rc = vdev_parse(vdev, &dev, err);
	if (rc != 0)
		return rc;
	if (strcmp(vdev, "xvda") == 0)
		return xdom_err_set(err, XDOM_EINVAL, "xvda is %s's root disk; "
		    "it stays", name);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	if (xen_cfg_disk(p, name, vdev))
		return xdom_err_set(err, XDOM_EINVAL, "%s is in %s's config "
		    "file; it stays", vdev, name);
	libxl_device_disk_init(&disk);
	if (libxl_vdev_to_device_disk(p->ctx, domid, vdev, &disk) != 0) {
		libxl_device_disk_dispose(&disk);
		return xdom_err_set(err, XDOM_EINVAL, "%s has no device %s",
		    name, vdev);
	}
	p->log.last[0] = '\0';
	lrc = xen_disk_call(libxl_device_disk_remove, p->ctx, domid, &disk);
	libxl_device_disk_dispose(&disk);
	if (lrc != 0)
		return xen_lxerr(p, lrc, err, "block-detach", name);
	return 0;
}

/*
 * Save and restore run `xl save NAME FILE` and `xl restore FILE`: xl
 * writes its own file format (the domain's config, then libxl's stream),
 * so a file xdom saved can be restored by xl and the other way round, and
 * `xl restore` keeps watching the guest as `xl create` does. The file is
 * created here first, 0600 and never over an existing one (it holds the
 * guest's memory); xl then fills it.
 */
static int
xen_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "save", (char *)name, path, NULL };
	uint32_t domid;
	int rc, fd;

	if (file == NULL || file[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file's "
		    "absolute path", file != NULL ? file : "(none)");
	if (strlen(file) >= sizeof path)
		return xdom_err_set(err, XDOM_EINVAL, "save file path too long");
	snprintf(path, sizeof path, "%s", file);
	rc = xen_domid(p, name, &domid, err);
	if (rc != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return xdom_err_errno(err, errno == EEXIST ? XDOM_EINVAL :
		    XDOM_EIO, errno, "save file %.200s", path);
	close(fd);
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0) {
		unlink(path);
		return xen_err_prefix(err, rc, name, "save");
	}
	return 0;
}

/* The disks of name's config file, for xen_save_check(). */
static int
xen_restore_cfg(void *arg, const char *name, struct hv_info *out)
{
	char path[PATH_MAX];

	if (!xen_cfg_path(arg, name, path, sizeof path))
		return XDOM_ENOENT;
	return xen_info_cfg(path, out, NULL);
}

/* Restore only the guest asked for, with disks that pass the rule
 * (xen_save.c reads what the file says first). */
static int
xen_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	struct xen_priv *p = xen_priv(hv);
	char path[PATH_MAX], last[256];
	char *argv[] = { p->xl, "restore", path, NULL };
	libxl_ctx *ctx;
	int rc;

	if (o->file == NULL || o->file[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file's "
		    "absolute path", o->file != NULL ? o->file : "(none)");
	if (strlen(o->file) >= sizeof path)
		return xdom_err_set(err, XDOM_EINVAL, "save file path too long");
	snprintf(path, sizeof path, "%s", o->file);
	rc = xen_ctx(p, &ctx, err);
	if (rc != 0)
		return rc;
	rc = xen_save_check(ctx, o, xen_restore_cfg, p, err);
	if (rc != 0)
		return rc;
	rc = xen_run(argv, p->cmd_timeout_s, NULL, NULL, last, sizeof last,
	    err);
	if (rc != 0)
		return xen_err_prefix(err, rc, path, "restore");
	return 0;
}

const struct hv_backend hv_xen_backend = {
	.name = "xen",
	.simulated = false,
	.open = xen_open,
	.close = xen_close,
	.snapshot = xen_snapshot,
	.guests = xen_guests,
	.info = xen_info,
	.action = xen_action,
	.sysrq = xen_sysrq,
	.console = xen_console,
	.reimage = xen_reimage,
	.set_resource = xen_set_resource,
	.block_attach = xen_block_attach,
	.block_detach = xen_block_detach,
	.save = xen_save,
	.restore = xen_restore,
};
