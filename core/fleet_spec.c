/*
 * fleet_spec.c - host specs, hosts files, fleet options and the remote
 * command lines (see fleet_spec.h). Pure logic apart from reading files and
 * the environment, so unit tests cover all of it.
 */
#include "core/fleet_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/escape.h"
#include "core/fileread.h"
#include "core/xmalloc.h"

#define FLEET_HOSTS_FILE_MAX (1024 * 1024)

static bool
fleet_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
fleet_user_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > FLEET_USER_MAX || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!fleet_is_alnum(s[i]) && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

static bool
fleet_hostname_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > FLEET_HOSTNAME_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!fleet_is_alnum(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static bool
fleet_ipv6_valid(const char *s, size_t n)
{
	size_t i, colons = 0;

	if (n < 2 || n > 45)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ':')
			colons++;
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == '.'))
			return false;
	}
	return colons >= 2;
}

static int
fleet_port_parse(const char *s, size_t n, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5 || s[0] == '0')
		return XDOM_EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return XDOM_EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return XDOM_EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int
fleet_spec_fail(struct xdom_err *err, const char *text, const char *why)
{
	char shown[96];

	xdom_escape(shown, sizeof shown, text);
	return xdom_err_set(err, XDOM_EINVAL, "bad host '%s': %s (expected "
	    "[user@]host[:port])", shown, why);
}

int
fleet_spec_parse(const char *text, struct fleet_spec *out,
    struct xdom_err *err)
{
	const char *p = text, *at, *host, *host_end, *port = NULL;
	size_t n = strlen(text), port_len = 0;
	bool v6 = false;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return fleet_spec_fail(err, text, "empty");
	if (n >= FLEET_LABEL_MAX)
		return fleet_spec_fail(err, text, "too long");
	at = strchr(p, '@');
	if (at != NULL) {
		if (!fleet_user_valid(p, (size_t)(at - p)))
			return fleet_spec_fail(err, text, "bad user name");
		memcpy(out->user, p, (size_t)(at - p));
		p = at + 1;
	}
	if (*p == '[') {
		host = p + 1;
		host_end = strchr(host, ']');
		if (host_end == NULL)
			return fleet_spec_fail(err, text, "no closing ']'");
		if (!fleet_ipv6_valid(host, (size_t)(host_end - host)))
			return fleet_spec_fail(err, text, "bad IPv6 address");
		v6 = true;
		p = host_end + 1;
		if (*p == ':') {
			port = p + 1;
			port_len = strlen(port);
		} else if (*p != '\0')
			return fleet_spec_fail(err, text, "junk after ']'");
	} else {
		host = p;
		host_end = strchr(host, ':');
		if (host_end != NULL) {
			port = host_end + 1;
			port_len = strlen(port);
		} else
			host_end = host + strlen(host);
		if (!fleet_hostname_valid(host, (size_t)(host_end - host)))
			return fleet_spec_fail(err, text, "bad host name");
	}
	if (port != NULL && fleet_port_parse(port, port_len, &out->port) != 0)
		return fleet_spec_fail(err, text, "bad port (1-65535)");
	memcpy(out->host, host, (size_t)(host_end - host));
	out->host[host_end - host] = '\0';
	/* The label is the canonical spelling of what was given. */
	{
		char tmp[sizeof out->user + sizeof out->host + 16];
		size_t l;

		snprintf(tmp, sizeof tmp, "%s%s%s%s%s", out->user,
		    out->user[0] ? "@" : "", v6 ? "[" : "", out->host,
		    v6 ? "]" : "");
		l = strlen(tmp);
		if (out->port != 0)
			snprintf(tmp + l, sizeof tmp - l, ":%u", out->port);
		if (strlen(tmp) >= sizeof out->label)
			return fleet_spec_fail(err, text, "too long");
		memcpy(out->label, tmp, strlen(tmp) + 1);
	}
	return 0;
}

void
fleet_specs_dispose(struct fleet_specs *l)
{
	if (l == NULL)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
fleet_specs_push(struct fleet_specs *l, const struct fleet_spec *s,
    struct xdom_err *err)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].label, s->label) == 0)
			return xdom_err_set(err, XDOM_EINVAL, "host '%s' is "
			    "given twice", s->label);
	if (l->n >= FLEET_MAX_HOSTS)
		return xdom_err_set(err, XDOM_EINVAL, "too many hosts (at "
		    "most %d)", FLEET_MAX_HOSTS);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *s;
	return 0;
}

int
fleet_specs_add_list(struct fleet_specs *l, const char *csv,
    struct xdom_err *err)
{
	const char *p = csv;
	char item[FLEET_LABEL_MAX + 1];
	struct fleet_spec s;
	int rc;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == 0)
			return xdom_err_set(err, XDOM_EINVAL, "empty host in "
			    "host list (expected [user@]host[:port],...)");
		if (n > FLEET_LABEL_MAX)
			n = FLEET_LABEL_MAX;	/* parse then says too long */
		memcpy(item, p, n);
		item[n] = '\0';
		if ((rc = fleet_spec_parse(item, &s, err)) != 0)
			return rc;
		if ((rc = fleet_specs_push(l, &s, err)) != 0)
			return rc;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

int
fleet_specs_add_file(struct fleet_specs *l, const char *path,
    bool must_exist, struct xdom_err *err)
{
	char *text = NULL, *line, *next;
	unsigned lineno = 0;
	size_t len;
	int rc;

	rc = xdom_file_read(path, FLEET_HOSTS_FILE_MAX, must_exist ? 0 :
	    XDOM_READ_OPTIONAL, &text, &len, NULL, err);
	if (rc == XDOM_EPROTO) {	/* not a file, too large: bad input */
		rc = XDOM_EINVAL;
		if (err != NULL)
			err->code = rc;
	}
	if (rc != 0)
		return rc;
	if (text == NULL)
		return 0;
	if (memchr(text, '\0', len) != NULL) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s: binary data in a "
		    "hosts file", path);
		goto out;
	}
	for (line = text; line != NULL; line = next) {
		struct fleet_spec s;
		struct xdom_err e = {0};
		char *end, *hash;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			*--end = '\0';
		if (*line == '\0')
			continue;
		rc = fleet_spec_parse(line, &s, &e);
		if (rc == 0)
			rc = fleet_specs_push(l, &s, &e);
		if (rc != 0) {
			xdom_err_set(err, rc, "%s:%u: %s", path, lineno,
			    xdom_err_msg(&e));
			goto out;
		}
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static const char *
fleet_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ?
	    pw->pw_dir : NULL;
}

char *
fleet_hosts_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home;

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/xdom/hosts", xdg);
	if ((home = fleet_home()) == NULL)
		return NULL;
	return xasprintf("%s/.config/xdom/hosts", home);
}

bool
fleet_cmd_valid(const char *cmd)
{
	size_t i, n = strlen(cmd);
	bool word_start = true;

	if (n == 0 || n >= FLEET_CMD_MAX || cmd[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = cmd[i];

		if (c == ' ') {
			if (word_start)
				return false;	/* leading or double space */
			word_start = true;
			continue;
		}
		word_start = false;
		if (!fleet_is_alnum(c) && strchr("_./=:,@%+-", c) == NULL)
			return false;
	}
	return !word_start;		/* no trailing space */
}

int
fleet_action_cmd(const char *xdom, enum hv_action a, const char *name,
    char *buf, size_t len, struct xdom_err *err)
{
	const char *act = hv_action_name(a);
	char shown[96];
	int n;

	if (act == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "unknown action");
	if (!xdom_name_valid(name)) {
		xdom_escape(shown, sizeof shown, name);
		return xdom_err_set(err, XDOM_EINVAL, "%s: not a valid domain "
		    "name to act on", shown);
	}
	if (!fleet_cmd_valid(xdom) || strchr(xdom, ' ') != NULL)
		return xdom_err_set(err, XDOM_EINVAL, "remote xdom program "
		    "'%.64s' is not a plain path", xdom);
	n = snprintf(buf, len, "%s %s %s", xdom, act, name);
	if (n < 0 || (size_t)n >= len)
		return xdom_err_set(err, XDOM_EINVAL, "remote command too "
		    "long");
	return 0;
}

unsigned
fleet_backoff_next(unsigned prev_ms, unsigned min_ms, unsigned max_ms)
{
	unsigned next;

	if (min_ms == 0)
		min_ms = 1;
	if (max_ms < min_ms)
		max_ms = min_ms;
	if (prev_ms < min_ms)
		return min_ms;
	next = prev_ms > max_ms / 2 ? max_ms : prev_ms * 2;
	return next < min_ms ? min_ms : next;
}

/* Copy a setting: the environment wins over the config. */
static int
fleet_setting(const struct conf *c, const char *key, const char *env,
    char *dst, size_t len, struct xdom_err *err)
{
	const char *v = NULL;

	if (env != NULL)
		v = getenv(env);
	if ((v == NULL || v[0] == '\0') && c != NULL)
		v = conf_get(c, key);
	if (v == NULL || v[0] == '\0')
		return 0;
	if (strlen(v) >= len)
		return xdom_err_set(err, XDOM_EINVAL, "%s: value too long",
		    key);
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

static int
fleet_seconds(const struct conf *c, const char *key, const char *env,
    long def, long max, unsigned *out_ms, struct xdom_err *err)
{
	const char *v = env != NULL ? getenv(env) : NULL;
	long s = def;
	int rc;

	if (v != NULL && v[0] != '\0') {
		char *end;

		errno = 0;
		s = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || s < 1 || s > max)
			return xdom_err_set(err, XDOM_EINVAL, "%s: expected "
			    "seconds from 1 to %ld", env, max);
	} else if (c != NULL) {
		rc = conf_get_long(c, key, def, 1, max, &s, err);
		if (rc != 0)
			return rc;
	}
	*out_ms = (unsigned)s * 1000u;
	return 0;
}

int
fleet_opts_load(struct fleet_opts *o, const struct conf *c,
    struct xdom_err *err)
{
	char strict[32] = "yes";
	unsigned cap_ms = 0;
	int rc;

	memset(o, 0, sizeof *o);
	snprintf(o->xdom, sizeof o->xdom, "xdom");
	if ((rc = fleet_setting(c, "fleet_xdom", "XDOM_FLEET_XDOM", o->xdom,
	    sizeof o->xdom, err)) < 0)
		return rc;
	if (!fleet_cmd_valid(o->xdom) || strchr(o->xdom, ' ') != NULL)
		return xdom_err_set(err, XDOM_EINVAL, "fleet_xdom: '%.64s' is "
		    "not a plain program path", o->xdom);
	snprintf(o->command, sizeof o->command, "%s stats --stream -d 1",
	    o->xdom);
	if ((rc = fleet_setting(c, "fleet_command", "XDOM_FLEET_COMMAND",
	    o->command, sizeof o->command, err)) < 0)
		return rc;
	if (!fleet_cmd_valid(o->command))
		return xdom_err_set(err, XDOM_EINVAL, "fleet_command: only "
		    "words of [A-Za-z0-9_./=:,@%%+-] separated by single "
		    "spaces are allowed (no shell syntax)");
	if ((rc = fleet_setting(c, "ssh_known_hosts", "XDOM_KNOWN_HOSTS",
	    o->known_hosts, sizeof o->known_hosts, err)) < 0)
		return rc;
	if ((rc = fleet_setting(c, "ssh_identity", "XDOM_SSH_IDENTITY",
	    o->identity, sizeof o->identity, err)) < 0)
		return rc;
	if ((rc = fleet_setting(c, "ssh_strict_host_keys", "XDOM_SSH_STRICT",
	    strict, sizeof strict, err)) < 0)
		return rc;
	if (strcmp(strict, "yes") == 0)
		o->strict = FLEET_STRICT_YES;
	else if (strcmp(strict, "accept-new") == 0)
		o->strict = FLEET_STRICT_ACCEPT_NEW;
	else
		return xdom_err_set(err, XDOM_EINVAL, "ssh_strict_host_keys: "
		    "expected yes or accept-new (a changed key is always "
		    "refused)");
	if ((rc = fleet_seconds(c, "ssh_connect_timeout", NULL, 5, 300,
	    &o->connect_timeout_ms, err)) != 0)
		return rc;
	if ((rc = fleet_seconds(c, "fleet_stale_timeout", NULL, 15, 3600,
	    &o->stale_ms, err)) != 0)
		return rc;
	if ((rc = fleet_seconds(c, "fleet_retry_max", "XDOM_FLEET_RETRY_MAX",
	    30, 3600, &cap_ms, err)) != 0)
		return rc;
	o->action_timeout_ms = 30000;
	o->retry_max_ms = cap_ms;
	o->retry_min_ms = cap_ms < 1000 ? cap_ms : 1000;
	return 0;
}
