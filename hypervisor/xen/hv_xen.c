/*
 * hv_xen.c - the real Xen backend: libxenstat for snapshots, libxenlight
 * for listing, actions and consoles, xl for booting from a config file.
 * This file opens and closes the backend, makes the libxl context and
 * turns libxl's failures into messages; xen_int.h lists the other files.
 *
 * Snapshots ask libxenstat only for the groups the caller wants (vcpus,
 * networks, vbds), which is what makes a refresh cheaper than xentop's.
 * The libxl context is made on first use, so a program that only takes
 * snapshots (the dashboard) never pays for it.
 *
 * Children: the backend runs `xl create` and the re-image command itself
 * (xen_run.c, through core/spawn: a fixed argv and environment, no shell)
 * and reaps them synchronously with waitpid; how that lives with libxl's
 * own children and SIGCHLD is told in xen_int.h.
 *
 * Keys read from xdom.conf: xen_config_dir (/etc/xen), xl_command
 * (/usr/sbin/xl), reimage_command (xen-create-image --hostname=%n
 * --force; expanded by core/argvtpl, a bare program name is looked up in
 * a fixed PATH), xen_command_timeout (seconds xl create may take, 300),
 * reimage_timeout (seconds, 7200).
 */
#include "hypervisor/xen/xen_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/xmalloc.h"

#define XEN_PRIVCMD "/dev/xen/privcmd"
#define XEN_PRIVCMD_OLD "/proc/xen/privcmd"
#define XEN_CAPS "/proc/xen/capabilities"
#define XEN_XENSTORED_SOCKET "/run/xenstored/socket"
#define XEN_DEFAULT_CFG_DIR "/etc/xen"
#define XEN_DEFAULT_XL "/usr/sbin/xl"
#define XEN_DEFAULT_REIMAGE "xen-create-image --hostname=%n --force"

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
int
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
int
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
int
xen_err_prefix(struct xdom_err *err, int rc, const char *who,
    const char *what)
{
	char msg[XDOM_ERR_MSG_MAX];

	snprintf(msg, sizeof msg, "%s", xdom_err_msg(err));
	return xdom_err_set(err, rc, "%.64s: %s: %s", who, what, msg);
}

int
xen_ctx_named(struct xen_priv *p, const char *name, libxl_ctx **ctx,
    struct xdom_err *err)
{
	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "not a valid guest name "
		    "(letters, digits, '.', '_' and '-')");
	return xen_ctx(p, ctx, err);
}

/*
 * Domain id of a running guest that xdom may act on: the name must be
 * valid, and Domain-0 (the host itself) is never a target.
 */
int
xen_domid(struct xen_priv *p, const char *name, uint32_t *domid,
    struct xdom_err *err)
{
	libxl_ctx *ctx;
	int rc;

	rc = xen_ctx_named(p, name, &ctx, err);
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
