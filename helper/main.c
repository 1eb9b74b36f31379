/*
 * main.c - xdomd, the privileged helper: options, configuration and
 * start-up. The order matters: inherited fds are closed first, every
 * file (config, policy, audit) is read and checked before the socket
 * exists, and privileges are dropped before the first client is served.
 * A malformed policy stops xdomd with one line naming file:line; it never
 * starts with a partial or empty policy in its place.
 */
#include "helper/xdomd.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/pathtrust.h"
#include "core/resdir.h"
#include "core/log.h"
#include "hypervisor/hv.h"

/* xdomd acts on the local host only: the sim and, where built, Xen. */
const struct hv_backend *const hv_backends[] = {
	&hv_sim_backend,
#ifdef XDOM_HAVE_XEN
	&hv_xen_backend,
#endif
	NULL,
};

int main(int argc, char **argv);

#define MAIN_FRONT_USER "xdomd-front"	/* fallback: nobody */
#define MAIN_FRONT_ROOT "/run/xdom/empty"
#define MAIN_OWNER_DEFAULT "status,console,boot,shutdown,reboot,reset,reimage"

struct main_opts {
	const char *config, *socket, *policy, *audit, *backend;
	bool foreground, check;
};

static void
main_usage(FILE *f)
{
	fputs("usage: xdomd [--foreground] [--config FILE] [--socket PATH] "
	    "[--policy FILE]\n"
	    "             [--audit FILE] [--backend=xen|sim] [--sim] "
	    "[--check]\n"
	    "  The privileged helper of xdom-shell: checks each request "
	    "against the policy.\n"
	    "  --config FILE   xdom.conf (default " XDOM_CONF_DEFAULT ")\n"
	    "  --socket PATH   listen here (default: config 'socket', then "
	    XDOMD_SOCKET_DEFAULT ")\n"
	    "  --policy FILE   the policy (default: config 'policy', then "
	    POLICY_DEFAULT ")\n"
	    "  --audit FILE    also append audit lines to FILE\n"
	    "  --foreground    stay attached, log to stderr\n"
	    "  --check         check the config and policy, then exit\n", f);
}

static int
main_bool(const struct conf *c, const char *key, bool def, bool *out,
    struct xdom_err *err)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	const char *v = conf_get(c, key);
	size_t i;

	*out = def;
	if (v == NULL)
		return 0;
	for (i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return xdom_err_set(err, XDOM_EINVAL, "%s = %.32s: expected yes or no",
	    key, v);
}

/* Limits from xdom.conf: {key, default, min, max, field}. */
struct main_limit {
	const char *key;
	long def, min, max;
	size_t off;
};
#define LIM(k, d, lo, hi) {#k, d, lo, hi, offsetof(struct xdomd_limits, k)}
static const struct main_limit main_limits[] = {
	LIM(max_connections, 1024, 1, 65536),
	LIM(max_connections_per_user, 256, 1, 65536),
	LIM(max_requests_per_user, 4, 1, 1024),
	LIM(max_workers, 32, 1, 4096),
	LIM(client_idle_timeout, 900, 1, 86400 * 7),
	LIM(client_request_timeout, 10, 1, 3600),
	LIM(action_timeout, 300, 1, 86400),
	LIM(reimage_timeout, 7200, 1, 86400 * 2),
	LIM(max_consoles_per_user, 4, 0, 1024),
	LIM(reserve_connections, 32, 0, 65536),
	LIM(audit_rate, 50, 1, 1000000),
	LIM(audit_burst, 500, 1, 10000000),
	LIM(rights_cache_ms, 1000, 0, 2000),
};
#undef LIM

/*
 * The directories xdomd writes into or takes images from, and the audit
 * file: each must be changeable by root (or xdomd's user) alone, all the
 * way up to /. A customer's block_dir/NAME would let them swap an image
 * between the check and the attach; a customer's save_dir, what a
 * restore reads back.
 */
static int
main_trust_dirs(const struct xdomd *d, struct xdom_err *err)
{
	struct xdom_err why = { 0 };
	struct dirent *de;
	char sub[4096];
	DIR *dir;
	int rc = 0;

	if (xdom_path_trust(d->save_dir, XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, geteuid(), &why) != 0)
		return xdom_err_set(err, why.code, "save_dir: %s", why.msg);
	if (d->audit_path != NULL && d->audit_path[0] != '\0') {
		char *slash;

		snprintf(sub, sizeof sub, "%s", d->audit_path);
		slash = strrchr(sub, '/');
		if (slash != NULL)
			*(slash == sub ? slash + 1 : slash) = '\0';
		if ((slash != NULL && xdom_path_trust(sub, XDOM_TRUST_DIR, 0,
		    geteuid(), &why) != 0) ||
		    xdom_path_trust(d->audit_path, XDOM_TRUST_FILE,
		    XDOM_TRUST_MAY_BE_MISSING, geteuid(), &why) != 0)
			return xdom_err_set(err, why.code, "audit: %s",
			    why.msg);
	}
	if (d->block_dir == NULL)
		return 0;
	if (xdom_path_trust(d->block_dir, XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING, geteuid(), &why) != 0)
		return xdom_err_set(err, why.code, "block_dir: %s", why.msg);
	if ((dir = opendir(d->block_dir)) == NULL)
		return 0;	/* missing: nothing to attach yet */
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR &&
		    de->d_type != DT_UNKNOWN))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", d->block_dir, de->d_name);
		rc = xdom_path_trust(sub, XDOM_TRUST_DIR, 0, geteuid(), &why);
		if (rc == XDOM_EINVAL)
			rc = 0;		/* a plain file: not a guest's images */
		else if (rc != 0)
			rc = xdom_err_set(err, rc, "block_dir: %s", why.msg);
	}
	closedir(dir);
	return rc;
}

static int
main_configure(struct xdomd *d, const struct main_opts *o,
    const struct conf *c, struct xdom_err *err)
{
	const char *owner;
	uint32_t mask;
	size_t i;
	long v;
	int rc;

	for (i = 0; i < sizeof main_limits / sizeof main_limits[0]; i++) {
		const struct main_limit *l = &main_limits[i];

		if ((rc = conf_get_long(c, l->key, l->def, l->min, l->max, &v,
		    err)) != 0)
			return rc;
		*(long *)((char *)&d->lim + l->off) = v;
	}
	d->socket_path = o->socket != NULL ? o->socket :
	    conf_get_default(c, "socket", XDOMD_SOCKET_DEFAULT);
	d->policy_path = o->policy != NULL ? o->policy :
	    conf_get_default(c, "policy", POLICY_DEFAULT);
	d->audit_path = o->audit != NULL ? o->audit :
	    conf_get(c, "audit_file");
	if (d->lim.reserve_connections >= d->lim.max_connections)
		d->lim.reserve_connections = d->lim.max_connections / 2;
	d->front_user = conf_get(c, "front_user");
	d->front_user_set = d->front_user != NULL && d->front_user[0] != '\0';
	if (!d->front_user_set)
		d->front_user = MAIN_FRONT_USER;
	d->front_root = conf_get_default(c, "front_root", MAIN_FRONT_ROOT);
	if (d->front_root[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "front_root: give an "
		    "absolute directory");
	d->socket_group = conf_get(c, "socket_group");
	if (d->socket_group != NULL && d->socket_group[0] == '\0')
		d->socket_group = NULL;
	d->reimage_backup = conf_get(c, "reimage_backup");
	d->save_dir = resdir_save_dir(c);
	d->block_dir = resdir_block_dir(c);
	if (d->save_dir[0] != '/' || (d->block_dir != NULL &&
	    d->block_dir[0] != '/'))
		return xdom_err_set(err, XDOM_EINVAL, "%s: give an absolute "
		    "directory", d->save_dir[0] != '/' ? "save_dir" :
		    "block_dir");
	if ((rc = main_trust_dirs(d, err)) != 0)
		return rc;
	if ((rc = main_bool(c, "audit_syslog", true, &d->audit_syslog,
	    err)) != 0 ||
	    (rc = main_bool(c, "xen_shell_compat", false, &d->compat, err)))
		return rc;
	if ((rc = harden_trusted_path(d->policy_path, err)) != 0 ||
	    (rc = policy_load(&d->policy, d->policy_path, err)) != 0)
		return rc;
	if (d->compat) {
		owner = conf_get_default(c, "xen_shell_actions",
		    MAIN_OWNER_DEFAULT);
		if ((rc = policy_actions_parse(owner, &mask, err)) != 0)
			return xdom_err_set(err, rc, "xen_shell_actions: %s",
			    err->msg);
		policy_set_owner_actions(d->policy, mask);
	}
	memset(&d->hvo, 0, sizeof d->hvo);
	d->hvo.backend = o->backend;
	d->hvo.conf = c;
	d->hvo.trusted_dirs = true;	/* the sim's state directory too */
	/* xdomd never talks to another xdomd. */
	if (o->backend != NULL && strcmp(o->backend, "helper") == 0)
		return xdom_err_set(err, XDOM_EINVAL, "--backend=helper makes "
		    "no sense for xdomd; use sim or xen");
	return 0;
}

/* Create the socket's directory when it does not exist (0755: the
 * socket's own mode and group decide who may connect). */
static int
main_socket_dir(const char *path, struct xdom_err *err)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return xdom_err_errno(err, XDOM_EIO, errno, "mkdir %s", dir);
	return 0;
}

static int
main_daemonize(struct xdom_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "setsid");
	if (chdir("/") != 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "chdir /");
	if (freopen("/dev/null", "r", stdin) == NULL ||
	    freopen("/dev/null", "w", stdout) == NULL ||
	    freopen("/dev/null", "w", stderr) == NULL)
		return xdom_err_errno(err, XDOM_EIO, errno, "/dev/null");
	return 0;
}

static int
main_args(int argc, char **argv, struct main_opts *o)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 'S'},
		{"policy", required_argument, NULL, 'p'},
		{"audit", required_argument, NULL, 'a'},
		{"backend", required_argument, NULL, 'b'},
		{"sim", no_argument, NULL, 's'},
		{"foreground", no_argument, NULL, 'f'},
		{"check", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof *o);
	while ((ch = getopt_long(argc, argv, "fh", lo, NULL)) != -1) {
		switch (ch) {	/* getopt's own idiom */
		case 'c': o->config = optarg; break;
		case 'S': o->socket = optarg; break;
		case 'p': o->policy = optarg; break;
		case 'a': o->audit = optarg; break;
		case 'b': o->backend = optarg; break;
		case 's': o->backend = "sim"; break;
		case 'f': o->foreground = true; break;
		case 'k': o->check = true; break;
		case 'h': main_usage(stdout); exit(0);
		default: main_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xdomd: unexpected argument '%.64s'\n",
		    argv[optind]);
		main_usage(stderr);
		return 2;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct xdom_err err = {0};
	struct main_opts o;
	struct conf *conf = NULL;
	struct xdomd d;
	struct stat st_sock, st_made;
	bool made_sock = false;
	char caps[256];
	const char *cpath;
	long nofile;
	int rc, status = 1;

	harden_fds();
	if ((rc = main_args(argc, argv, &o)) != 0)
		return rc;
	memset(&d, 0, sizeof d);
	d.audit_fd = -1;
	d.listen_fd = -1;
	log_open("xdomd", XLOG_STDERR, LOG_DAEMON);
	cpath = o.config != NULL ? o.config : XDOM_CONF_DEFAULT;
	/* A missing default config is fine; one that exists must be ours. */
	rc = harden_trusted_path(cpath, &err);
	if (rc == XDOM_ENOENT && o.config == NULL)
		rc = 0;
	if (rc != 0 || (rc = conf_load(&conf, cpath, o.config != NULL,
	    &err)) != 0 ||
	    (rc = main_configure(&d, &o, conf, &err)) != 0) {
		fprintf(stderr, "xdomd: %s\n", xdom_err_msg(&err));
		goto out;
	}
	if (o.check) {
		printf("xdomd: %s: %zu rules; config ok\n", d.policy_path,
		    policy_rule_count(d.policy));
		status = 0;
		goto out;
	}
	if ((rc = hv_open(&d.hv, &d.hvo, &err)) != 0 ||
	    (rc = audit_open(&d, &err)) != 0 ||
	    (rc = main_socket_dir(d.socket_path, &err)) != 0 ||
	    (rc = server_listen(&d, &err)) != 0) {
		fprintf(stderr, "xdomd: %s\n", xdom_err_msg(&err));
		goto out;
	}
	/* What we made at the socket path, to know it again at exit. */
	made_sock = lstat(d.socket_path, &st_made) == 0;
	nofile = harden_nofile();
	if (d.lim.max_connections > nofile - 64)
		d.lim.max_connections = nofile > 128 ? nofile - 64 : 64;
	if ((rc = harden_privileges(hv_backend_name(d.hv), &err)) != 0) {
		fprintf(stderr, "xdomd: %s\n", xdom_err_msg(&err));
		goto out;
	}
	harden_describe(caps, sizeof caps);
	if (!o.foreground) {
		if ((rc = main_daemonize(&err)) != 0) {
			fprintf(stderr, "xdomd: %s\n", xdom_err_msg(&err));
			goto out;
		}
		log_open("xdomd", XLOG_SYSLOG, LOG_DAEMON);
	}
	log_info("listening on %s (backend %s%s, policy %s: %zu rules, "
	    "capabilities: %s)", d.socket_path, hv_backend_name(d.hv),
	    hv_simulated(d.hv) ? ", SIMULATED" : "", d.policy_path,
	    policy_rule_count(d.policy), caps);
	rc = server_run(&d, &err);
	if (rc != 0)
		log_err("%s", xdom_err_msg(&err));
	else
		status = 0;
out:
	/* Remove the socket only if it is still the one we made: another
	 * xdomd may have taken the path over since (a restart whose old
	 * instance is still stopping), and its socket is not ours to remove. */
	if (d.listen_fd >= 0) {
		if (made_sock && lstat(d.socket_path, &st_sock) == 0 &&
		    S_ISSOCK(st_sock.st_mode) &&
		    st_sock.st_dev == st_made.st_dev &&
		    st_sock.st_ino == st_made.st_ino)
			unlink(d.socket_path);
		close(d.listen_fd);
	}
	if (d.audit_fd >= 0)
		close(d.audit_fd);
	hv_close(d.hv);
	policy_free(d.policy);
	conf_free(conf);
	log_close();
	return status;
}
