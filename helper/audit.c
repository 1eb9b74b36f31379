/*
 * audit.c - one line per request: to syslog (LOG_AUTHPRIV) and to a file
 * when audit_file is set. Every string in the line (user, domain, reason,
 * message) is escaped and quoted, so nothing a client sends can break a
 * line or forge a field.
 *
 * An action is audited before it starts ("result=started") and when it
 * ends. The first record is written to the file and fdatasync'ed first:
 * when that fails (disk full, file gone read-only) the action is refused
 * rather than done unrecorded. Syslog alone is no such record (it can
 * drop lines without telling), so it is written too, but not waited on.
 * The file is opened without blocking and without following a symlink,
 * and must be a regular file: a FIFO put there must not wedge the
 * daemon.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/escape.h"

/* Result words, by code: refusals are told apart from failures. */
const char *
audit_result(int rc)
{
	switch (rc) {	/* a handful of words; a table would be sparser */
	case 0:
		return "ok";
	case XDOM_EPERM:
		return "denied";
	case XDOM_EREASON:
		return "need-reason";
	case XDOM_EBUSY:
		return "busy";
	case XDOM_EPROTO:
	case XDOM_ENOMEM:
		return "bad-request";
	default:
		return "failed";
	}
}

/* Escape src for a quoted field: xdom_escape, then '"' as \x22. */
static void
audit_quote(char *dst, size_t len, const char *src)
{
	char tmp[1024];
	size_t i, o = 0;

	xdom_escape(tmp, sizeof tmp, src != NULL ? src : "");
	for (i = 0; tmp[i] != '\0' && o + 5 < len; i++) {
		if (tmp[i] == '"') {
			memcpy(dst + o, "\\x22", 4);
			o += 4;
		} else {
			dst[o++] = tmp[i];
		}
	}
	if (len > 0)
		dst[o < len ? o : len - 1] = '\0';
}

void
audit_format(char *buf, size_t len, const struct audit_rec *r,
    long long now_s)
{
	char user[PROTO_USER_MAX * 4 + 8], dom[XDOM_NAME_MAX * 4 + 8];
	char reason[PROTO_REASON_MAX * 4 + 8], msg[600], when[32];
	time_t t = (time_t)now_s;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof when, "%lld", now_s);
	audit_quote(user, sizeof user, r->id->user);
	audit_quote(dom, sizeof dom, r->domain);
	audit_quote(reason, sizeof reason, r->reason);
	/* A failure says why; a success says nothing unless its result
	 * word was given with a note ("closed", "(client went away)"). */
	bool show = r->msg != NULL && (r->rc != 0 || (r->result != NULL &&
	    r->msg[0] != '\0'));

	audit_quote(msg, sizeof msg, show ? r->msg : "");
	snprintf(buf, len, "time=%s uid=%lu user=\"%s\" pid=%ld "
	    "domain=\"%s\" action=%s reason=\"%s\" result=%s%s%s%s", when,
	    (unsigned long)r->id->uid, user,
	    (long)(r->pid != 0 ? r->pid : r->id->pid), dom,
	    r->action != NULL ? r->action : "?", reason,
	    r->result != NULL ? r->result : audit_result(r->rc),
	    show ? " msg=\"" : "", show ? msg : "", show ? "\"" : "");
}

int
audit_write(struct xdomd *d, const struct audit_rec *r, bool durable,
    struct xdom_err *err)
{
	char line[2048];
	size_t n;
	ssize_t w;

	audit_format(line, sizeof line - 1, r, (long long)time(NULL));
	if (d->audit_syslog)
		syslog(LOG_AUTHPRIV | (r->rc == 0 ? LOG_INFO : LOG_NOTICE),
		    "%s", line);
	if (d->audit_fd < 0)
		return 0;
	n = strlen(line);
	line[n++] = '\n';
	/* One write per line: O_APPEND keeps lines whole. */
	w = write(d->audit_fd, line, n);
	if (w == (ssize_t)n && (!durable || fdatasync(d->audit_fd) == 0))
		return 0;
	syslog(LOG_DAEMON | LOG_ERR, "audit file: %s failed: %s",
	    w == (ssize_t)n ? "fdatasync" : "write",
	    w < 0 || w == (ssize_t)n ? strerror(errno) : "short write");
	return xdom_err_set(err, XDOM_EIO, "audit log unavailable: action "
	    "refused");
}

void
audit_log(struct xdomd *d, const struct audit_rec *r)
{
	struct xdom_err err = {0};

	(void)audit_write(d, r, false, &err);
}

int
audit_open(struct xdomd *d, struct xdom_err *err)
{
	struct stat st;
	int fd;

	d->audit_fd = -1;
	if (d->audit_path == NULL || d->audit_path[0] == '\0')
		return 0;
	fd = open(d->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0640);
	if (fd < 0 && (errno == ENXIO || errno == EISDIR || errno == ELOOP))
		return xdom_err_set(err, XDOM_EIO, "audit file %s: not a "
		    "regular file", d->audit_path);
	if (fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "audit file %s",
		    d->audit_path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return xdom_err_set(err, XDOM_EIO, "audit file %s: not a "
		    "regular file", d->audit_path);
	}
	d->audit_fd = fd;
	return 0;
}

int
audit_reopen(struct xdomd *d, struct xdom_err *err)
{
	int old = d->audit_fd, rc;

	if (d->audit_path == NULL || d->audit_path[0] == '\0')
		return 0;
	if ((rc = audit_open(d, err)) != 0) {
		d->audit_fd = old;	/* keep writing where we were */
		return rc;
	}
	if (old >= 0)
		close(old);
	return 0;
}
