/*
 * log.h - small logging helpers: one line per message, to stderr or to
 * syslog, with levels and a program name.
 *
 * Used by the helper daemon (xdomd) for its diagnostics, and by anything
 * else that runs without a terminal. Messages are formatted here, then
 * control characters are replaced with '?', so a message that quotes a
 * guest's name or a client's bytes stays one line in the log. The state
 * is process-wide (like openlog(3)); no locking, call from one thread.
 */
#ifndef XDOM_CORE_LOG_H
#define XDOM_CORE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* Levels, most severe first; a message is kept when level <= threshold. */
enum log_level {
	XLOG_ERR = 0,
	XLOG_WARN,
	XLOG_INFO,
	XLOG_DEBUG,
	XLOG__COUNT
};

enum log_target {
	XLOG_STDERR = 0,	/* "prog: warning: text" on stderr */
	XLOG_SYSLOG,		/* syslog(3), ident prog, with the pid */
};

#define XLOG_MSG_MAX 1024	/* longer messages are cut */

/*
 * Start logging as prog (a static string or one that outlives logging)
 * to target; facility is a syslog LOG_* facility (LOG_DAEMON, LOG_AUTH),
 * ignored for stderr. Before log_open, messages go to stderr as "xdom".
 * Calling it again switches target (closing syslog when leaving it).
 */
void log_open(const char *prog, enum log_target target, int facility);
/* Close syslog if it was open; later messages go to stderr. Safe twice. */
void log_close(void);

/* Keep messages up to and including level (default XLOG_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "err", "warn", "info", "debug" (also "error", "warning"); XDOM_EINVAL
 * (from core/err.h) when unknown. */
int log_level_parse(const char *name, enum log_level *out);
/* Whether a message at level would be written (skip costly formatting). */
bool log_enabled(enum log_level level);
/* On stderr, prefix each line with an ISO 8601 UTC time stamp. */
void log_set_timestamps(bool on);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_msgv(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
