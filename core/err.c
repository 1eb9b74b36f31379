/*
 * err.c - error codes and one-line messages (see err.h).
 */
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char *const err_texts[XDOM_E_COUNT] = {
	[0] = "success",
	[-XDOM_EINVAL] = "invalid argument",
	[-XDOM_ENOENT] = "not found",
	[-XDOM_EPERM] = "not allowed",
	[-XDOM_EBUSY] = "busy",
	[-XDOM_ESTATE] = "wrong state",
	[-XDOM_EIO] = "input/output error",
	[-XDOM_EPROTO] = "protocol error",
	[-XDOM_ENOSYS] = "not supported",
	[-XDOM_ENOMEM] = "limit reached",
	[-XDOM_ETIMEDOUT] = "timed out",
	[-XDOM_ECORRUPT] = "corrupt state",
	[-XDOM_EUNAVAIL] = "unavailable",
	[-XDOM_EREASON] = "a reason is required",
};

_Static_assert(sizeof(err_texts) / sizeof(err_texts[0]) == XDOM_E_COUNT,
    "err_texts must cover every XDOM_E* code");

const char *
xdom_strerror(int code)
{
	if (code > 0 || -code >= XDOM_E_COUNT)
		return "unknown error";
	return err_texts[-code];
}

static void
err_sanitise(char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			*s = '?';
	}
}

/* The message is formatted into a buffer of its own and then copied, so
 * that a caller may add context to the message it already holds:
 * xdom_err_set(err, rc, "xen_shell_actions: %s", err->msg). */
int
xdom_err_setv(struct xdom_err *err, int code, const char *fmt, va_list ap)
{
	char buf[sizeof err->msg];

	if (err == NULL)
		return code;
	vsnprintf(buf, sizeof buf, fmt, ap);
	err->code = code;
	memcpy(err->msg, buf, sizeof buf);
	err_sanitise(err->msg);
	return code;
}

int
xdom_err_set(struct xdom_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xdom_err_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int
xdom_err_errno(struct xdom_err *err, int code, int errno_value,
    const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	xdom_err_setv(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, ": %s",
	    strerror(errno_value));
	err_sanitise(err->msg);
	return code;
}

void
xdom_err_clear(struct xdom_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *
xdom_err_msg(const struct xdom_err *err)
{
	if (err == NULL)
		return "unknown error";
	if (err->msg[0] != '\0')
		return err->msg;
	return xdom_strerror(err->code);
}
