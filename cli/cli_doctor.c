/*
 * cli_doctor.c - `xdom doctor [--root DIR]`: checks a host's set-up for
 * xdom-shell and xdomd and says what to fix, one line each:
 *
 *   ok   what is right
 *   FIX  what is wrong: the command that mends it
 *   --   what does not apply here (not a Xen host, no block_dir)
 *
 * Exit status 0 when nothing is to fix, 1 otherwise, 2 for bad usage.
 *
 * --root DIR checks a host whose files are under DIR instead of / (a
 * chroot, an image, a test): every path, including those named in the
 * config, is looked up under DIR, and users and groups come from
 * DIR/etc/passwd and DIR/etc/group rather than from NSS. sshd -t runs the
 * host's /usr/sbin/sshd on DIR's sshd_config.
 *
 * The checks are one table; each reads what it needs and prints its own
 * lines. Path rules are core/pathtrust's, the same xdomd applies.
 */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/fileread.h"
#include "core/pathtrust.h"
#include "core/policy.h"
#include "core/resdir.h"
#include "core/spawn.h"
#include "hypervisor/remote/helper_client.h"

#define DOC_PATH_MAX 4096
#define DOC_TEXT_MAX (1024 * 1024)	/* sshd_config, /etc/shells */
#define DOC_SHELL "xdom-shell"
#define DOC_SSHD "/usr/sbin/sshd"
#define DOC_SSHD_CONFIG "/etc/ssh/sshd_config"
#define DOC_SNIPPET "/usr/share/xdom/sshd_config.d/xdom-shell.conf"

enum doc_status { DOC_OK, DOC_FIX, DOC_NA };

struct doc {
	const char *root;	/* "" for the running host, else DIR */
	const char *conf_path;	/* as the host names it */
	struct conf *conf;	/* never NULL once loaded (empty on error) */
	char *shells;		/* /etc/shells' text, or NULL */
	int fixes;
};

/* Print one line: the tag, then the message escaped (paths and names
 * come from the host's files). */
static void
doc_line(struct doc *d, enum doc_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
doc_line(struct doc *d, enum doc_status st, const char *fmt, ...)
{
	static const char *const tag[] = {
		[DOC_OK] = "ok ", [DOC_FIX] = "FIX", [DOC_NA] = "-- ",
	};
	char msg[1024], esc[sizeof msg * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	xdom_escape(esc, sizeof esc, msg);
	printf("%s  %s\n", tag[st], esc);
	if (st == DOC_FIX)
		d->fixes++;
}

/* The host's path under the root; false (and a FIX line) when too long. */
static bool
doc_path(struct doc *d, const char *path, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s%s", d->root, path) >= len) {
		doc_line(d, DOC_FIX, "%.200s...: path too long", path);
		return false;
	}
	return true;
}

static const char *
doc_get(const struct doc *d, const char *key, const char *def)
{
	const char *v = conf_get(d->conf, key);

	return v != NULL && v[0] != '\0' ? v : def;
}

/* ---- users and groups: NSS on the host, the files under --root --------- */

/* Call fn for each passwd entry until it returns true. */
static void
doc_each_user(const struct doc *d, bool (*fn)(const struct passwd *, void *),
    void *arg)
{
	char path[DOC_PATH_MAX];
	struct passwd *pw;
	FILE *f = NULL;

	if (d->root[0] == '\0') {
		setpwent();
		while ((pw = getpwent()) != NULL && !fn(pw, arg))
			;
		endpwent();
		return;
	}
	snprintf(path, sizeof path, "%s/etc/passwd", d->root);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while ((pw = fgetpwent(f)) != NULL && !fn(pw, arg))
		;
	fclose(f);
}

/* Whether group name exists: its gid into *gid, and into *member
 * whether user (when not NULL) is listed in it. */
static bool
doc_group(const struct doc *d, const char *name, gid_t *gid,
    const char *user, bool *member)
{
	char path[DOC_PATH_MAX];
	struct group *gr = NULL;
	FILE *f = NULL;
	int i;

	if (d->root[0] == '\0') {
		gr = getgrnam(name);
	} else {
		snprintf(path, sizeof path, "%s/etc/group", d->root);
		if ((f = fopen(path, "re")) != NULL)
			while ((gr = fgetgrent(f)) != NULL &&
			    strcmp(gr->gr_name, name) != 0)
				;
	}
	if (gr != NULL) {
		*gid = gr->gr_gid;
		for (i = 0; user != NULL && gr->gr_mem[i] != NULL; i++)
			if (strcmp(gr->gr_mem[i], user) == 0)
				break;
		if (user != NULL)
			*member = gr->gr_mem[i] != NULL;
	}
	if (f != NULL)
		fclose(f);
	return gr != NULL;
}

/* Whether user (primary group pw_gid) is in group name. */
static bool
doc_in_group(const struct doc *d, const struct passwd *pw, const char *name)
{
	bool member = false;
	gid_t gid;

	return doc_group(d, name, &gid, pw->pw_name, &member) &&
	    (member || pw->pw_gid == gid);
}

/* ---- the checks --------------------------------------------------------- */

/* A file or directory root acts on: root's alone, all the way up. */
static bool
doc_trust(struct doc *d, const char *what, const char *path,
    enum xdom_trust_kind kind, unsigned flags)
{
	struct xdom_err err = { 0 };
	char full[DOC_PATH_MAX];

	if (!doc_path(d, path, full, sizeof full))
		return false;
	if (xdom_path_trust(full, kind, flags, 0, &err) == 0)
		return true;
	if (err.code == XDOM_ENOENT)
		doc_line(d, DOC_FIX, "%s %s: missing: %s", what, full,
		    kind == XDOM_TRUST_DIR ? "create it (mkdir -m 755), "
		    "owned by root" : "restore it (apt install --reinstall -o "
		    "Dpkg::Options::=--force-confmiss xdomd)");
	else
		doc_line(d, DOC_FIX, "%s: %s: make it root's and writable by "
		    "root alone (chown root:root, chmod go-w)", what,
		    xdom_err_msg(&err));
	return false;
}

static void
doc_check_config(struct doc *d)
{
	struct xdom_err err = { 0 };
	char full[DOC_PATH_MAX];

	if (doc_trust(d, "config", d->conf_path, XDOM_TRUST_FILE, 0) &&
	    doc_path(d, d->conf_path, full, sizeof full)) {
		if (conf_load(&d->conf, full, true, &err) == 0)
			doc_line(d, DOC_OK, "config %s: root's, parses", full);
		else
			doc_line(d, DOC_FIX, "%s: correct it (see xdom.conf(5))",
			    xdom_err_msg(&err));
	}
	if (d->conf == NULL)	/* the other checks take the defaults */
		(void)conf_parse(&d->conf, "", 0, "empty", &err);
}

static void
doc_check_policy(struct doc *d)
{
	const char *path = doc_get(d, "policy", POLICY_DEFAULT);
	struct xdom_err err = { 0 };
	struct policy *p = NULL;
	char full[DOC_PATH_MAX];

	if (!doc_trust(d, "policy", path, XDOM_TRUST_FILE, 0) ||
	    !doc_path(d, path, full, sizeof full))
		return;
	if (policy_load(&p, full, &err) == 0)
		doc_line(d, DOC_OK, "policy %s: root's, parses", full);
	else
		doc_line(d, DOC_FIX, "%s: correct it (see xdom-policy(5))",
		    xdom_err_msg(&err));
	policy_free(p);
}

static void
doc_check_socket(struct doc *d)
{
	const char *path = doc_get(d, "socket", HELPER_SOCKET_DEFAULT);
	const char *group = doc_get(d, "socket_group", NULL);
	char full[DOC_PATH_MAX];
	unsigned mode;
	struct stat st;
	gid_t gid = 0;

	if (!doc_path(d, path, full, sizeof full))
		return;
	if (group == NULL)
		doc_line(d, DOC_FIX, "socket_group is not set: every local "
		    "user can reach xdomd; set socket_group = xdom-users in "
		    "%s", d->conf_path);
	else if (!doc_group(d, group, &gid, NULL, NULL))
		doc_line(d, DOC_FIX, "socket_group %s: no such group: "
		    "addgroup --system %s", group, group);
	if (lstat(full, &st) != 0) {
		doc_line(d, DOC_FIX, "socket %s: %s: start xdomd (systemctl "
		    "start xdomd)", full, strerror(errno));
		return;
	}
	if (!S_ISSOCK(st.st_mode)) {
		doc_line(d, DOC_FIX, "socket %s: not a socket: remove it and "
		    "restart xdomd", full);
		return;
	}
	mode = st.st_mode & 07777;
	if (st.st_uid != 0)
		doc_line(d, DOC_FIX, "socket %s: owned by uid %u, not root: is "
		    "that xdomd? restart xdomd as root", full,
		    (unsigned)st.st_uid);
	else if (group != NULL && (st.st_gid != gid || mode != 0660))
		doc_line(d, DOC_FIX, "socket %s: group %u, mode %03o; want "
		    "group %s, mode 660: restart xdomd (it sets both)", full,
		    (unsigned)st.st_gid, mode, group);
	else
		doc_line(d, DOC_OK, "socket %s: root's, group %s, mode %03o",
		    full, group != NULL ? group : "any", mode);
}

static void
doc_check_audit(struct doc *d)
{
	const char *path = doc_get(d, "audit_file", NULL);
	char full[DOC_PATH_MAX], dir[DOC_PATH_MAX], fdir[DOC_PATH_MAX];
	struct stat st;
	char *slash;

	if (path == NULL) {
		doc_line(d, DOC_NA, "audit_file is not set in %s: no audit "
		    "file to check", d->conf_path);
		return;
	}
	if (path[0] != '/') {
		doc_line(d, DOC_FIX, "audit_file %s: give an absolute path",
		    path);
		return;
	}
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = '\0';
	if (!doc_trust(d, "audit directory", dir, XDOM_TRUST_DIR, 0) ||
	    !doc_trust(d, "audit_file", path, XDOM_TRUST_FILE,
	    XDOM_TRUST_MAY_BE_MISSING) ||
	    !doc_path(d, path, full, sizeof full))
		return;
	if (geteuid() != 0) {
		doc_line(d, DOC_NA, "not root: whether xdomd can write "
		    "audit_file %s is not checked", full);
	} else if (stat(full, &st) != 0) {
		snprintf(fdir, sizeof fdir, "%s%s", d->root, dir);
		if (access(fdir, W_OK) != 0)
			doc_line(d, DOC_FIX, "audit_file %s: cannot be created "
			    "in %s: %s", full, fdir,
			    strerror(errno));
		else
			doc_line(d, DOC_OK, "audit_file %s: not there yet; "
			    "its directory is root's and writable", full);
	} else if (access(full, W_OK) != 0) {
		doc_line(d, DOC_FIX, "audit_file %s: not writable: %s (xdomd "
		    "refuses to act when it cannot audit)", full,
		    strerror(errno));
	} else {
		doc_line(d, DOC_OK, "audit_file %s: root's, writable", full);
	}
}

static void
doc_check_dirs(struct doc *d)
{
	const char *save = resdir_save_dir(d->conf);
	const char *block = resdir_block_dir(d->conf);

	if (doc_trust(d, "save_dir", save, XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING))
		doc_line(d, DOC_OK, "save_dir %s%s: root's alone", d->root,
		    save);
	if (block == NULL)
		doc_line(d, DOC_NA, "block_dir is not set: customers attach "
		    "no images");
	else if (doc_trust(d, "block_dir", block, XDOM_TRUST_DIR,
	    XDOM_TRUST_MAY_BE_MISSING))
		doc_line(d, DOC_OK, "block_dir %s%s: root's alone", d->root,
		    block);
}

/* Whether a line of /etc/shells is path exactly. */
static bool
doc_shell_listed(const struct doc *d, const char *path)
{
	size_t n = strlen(path);
	const char *p = d->shells, *nl;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, path, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
		nl = strchr(p, '\n');
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

static bool
doc_is_xdom_shell(const char *path)
{
	const char *base = strrchr(path, '/');

	return path[0] == '/' && base != NULL &&
	    strcmp(base + 1, DOC_SHELL) == 0;
}

static void
doc_check_shells(struct doc *d)
{
	static const char *const where[] = { "/usr/bin/" DOC_SHELL,
		"/usr/local/bin/" DOC_SHELL };
	struct xdom_err err = { 0 };
	char full[DOC_PATH_MAX];
	size_t len, i;

	if (!doc_path(d, "/etc/shells", full, sizeof full))
		return;
	if (xdom_file_read(full, DOC_TEXT_MAX, 0, &d->shells, &len, NULL,
	    &err) != 0) {
		doc_line(d, DOC_FIX, "%s", xdom_err_msg(&err));
		return;
	}
	for (i = 0; i < sizeof where / sizeof where[0]; i++) {
		snprintf(full, sizeof full, "%s%s", d->root, where[i]);
		if (access(full, X_OK) != 0)
			continue;
		if (doc_shell_listed(d, where[i]))
			doc_line(d, DOC_OK, "%s is in /etc/shells", where[i]);
		else
			doc_line(d, DOC_FIX, "%s is not in /etc/shells: "
			    "add-shell %s", where[i], where[i]);
		return;
	}
	doc_line(d, DOC_FIX, "xdom-shell is not installed in /usr/bin or "
	    "/usr/local/bin: apt install xdom-shell");
}

struct doc_login {
	struct doc *d;
	const char *group;	/* xdom-customers or xdom-helpdesk */
	const char *sock_group;	/* socket_group, or NULL */
	int seen;
};

static bool
doc_login_user(const struct passwd *pw, void *arg)
{
	struct doc_login *l = arg;
	struct doc *d = l->d;

	if (!doc_in_group(d, pw, l->group))
		return false;
	l->seen++;
	if (!doc_is_xdom_shell(pw->pw_shell))
		doc_line(d, DOC_FIX, "user %s (%s): login shell %s: usermod "
		    "-s /usr/bin/xdom-shell %s", pw->pw_name, l->group,
		    pw->pw_shell, pw->pw_name);
	else if (!doc_shell_listed(d, pw->pw_shell))
		doc_line(d, DOC_FIX, "user %s (%s): login shell %s is not in "
		    "/etc/shells: add-shell %s", pw->pw_name, l->group,
		    pw->pw_shell, pw->pw_shell);
	else if (l->sock_group != NULL && !doc_in_group(d, pw, l->sock_group))
		doc_line(d, DOC_FIX, "user %s (%s) cannot reach xdomd (not in "
		    "socket_group %s): adduser %s %s", pw->pw_name, l->group,
		    l->sock_group, pw->pw_name, l->sock_group);
	else
		doc_line(d, DOC_OK, "user %s (%s): logs in to %s", pw->pw_name,
		    l->group, pw->pw_shell);
	return false;
}

static void
doc_check_logins(struct doc *d)
{
	static const char *const groups[] = { "xdom-customers",
		"xdom-helpdesk" };
	struct doc_login l = { .d = d };
	gid_t gid;
	size_t i;

	l.sock_group = doc_get(d, "socket_group", NULL);
	if (l.sock_group != NULL && !doc_group(d, l.sock_group, &gid, NULL,
	    NULL))
		l.sock_group = NULL;	/* the socket check said so */
	for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		l.group = groups[i];
		l.seen = 0;
		if (!doc_group(d, l.group, &gid, NULL, NULL)) {
			doc_line(d, DOC_FIX, "group %s is missing (sshd's "
			    "snippet names it): addgroup --system %s",
			    l.group, l.group);
			continue;
		}
		doc_each_user(d, doc_login_user, &l);
		if (l.seen == 0)
			doc_line(d, DOC_OK, "group %s: nobody in it yet",
			    l.group);
	}
}

/* Whether text has a "ForceCommand xdom-shell" line (any case for the
 * keyword, any path ending in xdom-shell). */
static bool
doc_has_force(const char *text)
{
	const char *p = text;
	char word[32], value[DOC_PATH_MAX];

	while (p != NULL && *p != '\0') {
		if (sscanf(p, " %31s %4095s", word, value) == 2 &&
		    strcasecmp(word, "ForceCommand") == 0 &&
		    (strcmp(value, DOC_SHELL) == 0 || doc_is_xdom_shell(value)))
			return true;
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return false;
}

/* Whether one Include pattern of sshd_config names a file with the
 * ForceCommand; its name into found. */
static bool
doc_include_has(struct doc *d, const char *pat, char *found, size_t len)
{
	char full[DOC_PATH_MAX];
	glob_t g = { 0 };
	bool yes = false;
	size_t i, n;

	/* sshd takes a relative Include from /etc/ssh */
	if ((size_t)snprintf(full, sizeof full, "%s%s%s", d->root,
	    pat[0] == '/' ? "" : "/etc/ssh/", pat) >= sizeof full)
		return false;
	if (glob(full, 0, NULL, &g) != 0)
		return false;
	for (i = 0; i < g.gl_pathc && !yes; i++) {
		struct xdom_err err = { 0 };
		char *text = NULL;

		if (xdom_file_read(g.gl_pathv[i], DOC_TEXT_MAX, 0, &text, &n,
		    NULL, &err) == 0 && doc_has_force(text)) {
			snprintf(found, len, "%s", g.gl_pathv[i]);
			yes = true;
		}
		free(text);
	}
	globfree(&g);
	return yes;
}

/* Run sshd -t on cfg; 0 when clean, else its first line into msg. */
static int
doc_sshd_test(const char *cfg, char *msg, size_t len)
{
	char *const argv[] = { DOC_SSHD, "-t", "-f", (char *)cfg, NULL };
	struct xdom_spawn o = { .argv = argv };
	struct xdom_err err = { 0 };
	int fds[2], status = 0;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	msg[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(msg, len, "pipe: %s", strerror(errno));
		return -1;
	}
	o.out_fd = fds[1];
	if (xdom_spawn(&o, &pid, &err) != 0) {
		close(fds[0]);
		close(fds[1]);
		snprintf(msg, len, "%s", xdom_err_msg(&err));
		return -1;
	}
	close(fds[1]);
	while (n + 1 < len && (r = read(fds[0], msg + n, len - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	msg[n] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
doc_check_sshd(struct doc *d)
{
	char full[DOC_PATH_MAX], found[DOC_PATH_MAX] = "", msg[512];
	struct xdom_err err = { 0 };
	char *text = NULL, *line, *save = NULL;
	size_t len;

	if (!doc_path(d, DOC_SSHD_CONFIG, full, sizeof full))
		return;
	if (xdom_file_read(full, DOC_TEXT_MAX, XDOM_READ_OPTIONAL, &text,
	    &len, NULL, &err) != 0 || text == NULL) {
		doc_line(d, DOC_FIX, "%s: %s: apt install openssh-server", full,
		    err.code != 0 ? xdom_err_msg(&err) : "missing");
		free(text);
		return;
	}
	if (doc_has_force(text))
		snprintf(found, sizeof found, "%s", full);
	for (line = strtok_r(text, "\n", &save); line != NULL && !found[0];
	    line = strtok_r(NULL, "\n", &save)) {
		char word[32], pats[DOC_PATH_MAX], *pat, *psave = NULL;

		if (sscanf(line, " %31s %4095[^\n]", word, pats) != 2 ||
		    strcasecmp(word, "Include") != 0)
			continue;
		for (pat = strtok_r(pats, " \t", &psave); pat != NULL &&
		    !found[0]; pat = strtok_r(NULL, " \t", &psave))
			(void)doc_include_has(d, pat, found, sizeof found);
	}
	free(text);
	if (found[0] != '\0')
		doc_line(d, DOC_OK, "sshd reads ForceCommand xdom-shell from %s",
		    found);
	else
		doc_line(d, DOC_FIX, "sshd does not include the xdom-shell "
		    "snippet: cp %s /etc/ssh/sshd_config.d/ and reload ssh",
		    DOC_SNIPPET);
	if (access(DOC_SSHD, X_OK) != 0)
		doc_line(d, DOC_NA, "%s is not installed: sshd -t not run",
		    DOC_SSHD);
	else if (geteuid() != 0)
		doc_line(d, DOC_NA, "not root: sshd -t not run (it reads the "
		    "host keys)");
	else if (doc_sshd_test(full, msg, sizeof msg) == 0)
		doc_line(d, DOC_OK, "sshd -t -f %s: clean", full);
	else
		doc_line(d, DOC_FIX, "sshd -t -f %s: %s: correct it before "
		    "reloading ssh", full, msg[0] != '\0' ? msg : "failed");
}

/* Whether a process whose comm is one of names runs under root's /proc. */
static bool
doc_running(struct doc *d, const char *const *names)
{
	char path[DOC_PATH_MAX], comm[64];
	struct dirent *e;
	bool yes = false;
	DIR *dir;
	FILE *f;
	size_t i;

	snprintf(path, sizeof path, "%s/proc", d->root);
	if ((dir = opendir(path)) == NULL)
		return false;
	while (!yes && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    (size_t)snprintf(path, sizeof path, "%s/proc/%s/comm",
		    d->root, e->d_name) >= sizeof path ||
		    (f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(comm, sizeof comm, f) != NULL) {
			comm[strcspn(comm, "\n")] = '\0';
			for (i = 0; names[i] != NULL; i++)
				yes = yes || strcmp(comm, names[i]) == 0;
		}
		fclose(f);
	}
	closedir(dir);
	return yes;
}

static void
doc_check_xen(struct doc *d)
{
	static const char *const stored[] = { "xenstored", "oxenstored",
		NULL };
	static const char *const consoled[] = { "xenconsoled", NULL };
	struct xdom_err err = { 0 };
	char path[DOC_PATH_MAX], *caps = NULL;
	struct stat st;
	size_t len;
	bool dom0;

	snprintf(path, sizeof path, "%s/proc/xen", d->root);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		doc_line(d, DOC_NA, "not a Xen host (no /proc/xen): "
		    "xenstored and xenconsoled not checked");
		return;
	}
	/* A guest has /proc/xen too; only dom0's says control_d. */
	snprintf(path, sizeof path, "%s/proc/xen/capabilities", d->root);
	dom0 = xdom_file_read(path, 4096, XDOM_READ_OPTIONAL, &caps, &len,
	    NULL, &err) == 0 && caps != NULL && strstr(caps, "control_d");
	free(caps);
	if (!dom0) {
		doc_line(d, DOC_NA, "not a Xen host's dom0 (no control_d in "
		    "/proc/xen/capabilities): xenstored and xenconsoled not "
		    "checked");
		return;
	}
	if (doc_running(d, stored))
		doc_line(d, DOC_OK, "xenstored is running");
	else
		doc_line(d, DOC_FIX, "xenstored is not running: systemctl "
		    "start xen (xen-utils-common)");
	if (doc_running(d, consoled))
		doc_line(d, DOC_OK, "xenconsoled is running");
	else
		doc_line(d, DOC_FIX, "xenconsoled is not running: guests' "
		    "consoles are unreachable; systemctl start xen");
}

/* The checks, in the order they print. */
static const struct {
	const char *name;	/* what it looks at, for the help */
	void (*run)(struct doc *d);
} doc_checks[] = {
	{ .name = "config", .run = doc_check_config },
	{ .name = "policy", .run = doc_check_policy },
	{ .name = "socket", .run = doc_check_socket },
	{ .name = "audit", .run = doc_check_audit },
	{ .name = "save_dir, block_dir", .run = doc_check_dirs },
	{ .name = "/etc/shells", .run = doc_check_shells },
	{ .name = "login shells", .run = doc_check_logins },
	{ .name = "sshd", .run = doc_check_sshd },
	{ .name = "xenstored, xenconsoled", .run = doc_check_xen },
};

static void
doc_usage(FILE *f)
{
	size_t i;

	fputs("usage: xdom doctor [--root DIR]\n"
	    "  check this host's set-up for xdom-shell and xdomd; one line "
	    "each,\n  FIX lines say what to do. Exit 0 when nothing is to "
	    "fix.\n  --root DIR   the host's files are under DIR\n"
	    "  checks:", f);
	for (i = 0; i < sizeof doc_checks / sizeof doc_checks[0]; i++)
		fprintf(f, "%s %s", i > 0 ? "," : "", doc_checks[i].name);
	fputc('\n', f);
}

int
cli_run_doctor(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doc d = { .root = "" };
	char esc[64];
	struct stat st;
	size_t i;
	int ch;

	(void)cmd;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			d.root = optarg;
			break;
		case 'h':
			doc_usage(stdout);
			return CLI_EXIT_OK;
		default:
			cli_opt_name(esc, sizeof esc, argv[optind - 1]);
			cli_error("doctor: %s '%s' (see xdom doctor --help)",
			    ch == ':' ? "a value is needed for" :
			    "unknown option", esc);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("doctor: takes no arguments (see xdom doctor --help)");
		return CLI_EXIT_USAGE;
	}
	if (d.root[0] != '\0' && (d.root[0] != '/' || stat(d.root, &st) != 0 ||
	    !S_ISDIR(st.st_mode))) {
		xdom_escape(esc, sizeof esc, d.root);
		cli_error("doctor: --root %s: give an existing directory's "
		    "absolute path", esc);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(d.root, "/") == 0)
		d.root = "";
	d.conf_path = c->config_path != NULL ? c->config_path :
	    XDOM_CONF_DEFAULT;
	if (d.conf_path[0] != '/') {
		cli_error("doctor: --config: give an absolute path");
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < sizeof doc_checks / sizeof doc_checks[0]; i++)
		doc_checks[i].run(&d);
	conf_free(d.conf);
	free(d.shells);
	if (d.fixes > 0)
		printf("xdom doctor: %d thing%s to fix\n", d.fixes,
		    d.fixes == 1 ? "" : "s");
	else
		printf("xdom doctor: all well\n");
	return d.fixes > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
