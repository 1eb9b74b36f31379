/*
 * log.c - one-line log messages to stderr or syslog (see log.h).
 */
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/err.h"

/* Per level: the word on stderr and the syslog priority. */
static const struct {
	const char *name;	/* for log_level_parse and the prefix */
	const char *alias;
	const char *prefix;	/* on stderr, after "prog: " */
	int priority;		/* syslog */
} log_levels[XLOG__COUNT] = {
	[XLOG_ERR] = { "err", "error", "", LOG_ERR },
	[XLOG_WARN] = { "warn", "warning", "warning: ", LOG_WARNING },
	[XLOG_INFO] = { "info", NULL, "", LOG_INFO },
	[XLOG_DEBUG] = { "debug", NULL, "debug: ", LOG_DEBUG },
};

static struct {
	const char *prog;
	enum log_target target;
	enum log_level level;
	bool syslog_open;
	bool timestamps;
} log_state = { "xdom", XLOG_STDERR, XLOG_INFO, false, false };

void
log_open(const char *prog, enum log_target target, int facility)
{
	log_close();
	log_state.prog = prog != NULL ? prog : "xdom";
	log_state.target = target;
	if (target == XLOG_SYSLOG) {
		openlog(log_state.prog, LOG_PID | LOG_NDELAY, facility);
		log_state.syslog_open = true;
	}
}

void
log_close(void)
{
	if (log_state.syslog_open)
		closelog();
	log_state.syslog_open = false;
	log_state.target = XLOG_STDERR;
}

void
log_set_level(enum log_level level)
{
	if ((unsigned)level < XLOG__COUNT)
		log_state.level = level;
}

enum log_level
log_get_level(void)
{
	return log_state.level;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	unsigned i;

	for (i = 0; i < XLOG__COUNT; i++) {
		if (strcmp(name, log_levels[i].name) == 0 ||
		    (log_levels[i].alias != NULL &&
		    strcmp(name, log_levels[i].alias) == 0)) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return XDOM_EINVAL;
}

bool
log_enabled(enum log_level level)
{
	return (unsigned)level < XLOG__COUNT && level <= log_state.level;
}

void
log_set_timestamps(bool on)
{
	log_state.timestamps = on;
}

void
log_msgv(enum log_level level, const char *fmt, va_list ap)
{
	char msg[XLOG_MSG_MAX], stamp[32] = "";
	int saved = errno;
	struct tm tm;
	time_t now;
	char *p;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	for (p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (log_state.target == XLOG_SYSLOG) {
		syslog(log_levels[level].priority, "%s", msg);
	} else {
		if (log_state.timestamps) {
			now = time(NULL);
			if (gmtime_r(&now, &tm) != NULL)
				strftime(stamp, sizeof stamp,
				    "%Y-%m-%dT%H:%M:%SZ ", &tm);
		}
		fprintf(stderr, "%s%s: %s%s\n", stamp, log_state.prog,
		    log_levels[level].prefix, msg);
	}
	errno = saved;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(level, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(XLOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(XLOG_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(XLOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(XLOG_DEBUG, fmt, ap);
	va_end(ap);
}
