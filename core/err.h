/*
 * err.h - error values shared by every part of xdom.
 *
 * Functions return an int: 0 on success or a negative XDOM_E* code.  When a
 * person needs to read why, the function also fills a struct xdom_err that
 * the caller owns (on the stack, usually); the message is one line, names
 * what was wrong and, where possible, what to do about it.
 */
#ifndef XDOM_CORE_ERR_H
#define XDOM_CORE_ERR_H

#include <stdarg.h>

enum {
	XDOM_OK = 0,
	XDOM_EINVAL = -1,	/* bad argument or value from the user */
	XDOM_ENOENT = -2,	/* no such domain, file or entry */
	XDOM_EPERM = -3,	/* refused by policy or by the OS */
	XDOM_EBUSY = -4,	/* another action holds the domain */
	XDOM_ESTATE = -5,	/* the domain is in the wrong state */
	XDOM_EIO = -6,		/* a system call or file failed */
	XDOM_EPROTO = -7,	/* malformed message or file contents */
	XDOM_ENOSYS = -8,	/* not supported by this backend */
	XDOM_ENOMEM = -9,	/* a hard size limit was reached */
	XDOM_ETIMEDOUT = -10,	/* the operation did not finish in time */
	XDOM_ECORRUPT = -11,	/* stored state failed validation */
	XDOM_EUNAVAIL = -12,	/* backend not usable here (no Xen, no daemon) */
	XDOM_EREASON = -13,	/* policy requires a reason: ask and retry */
	XDOM_E_COUNT = 14	/* number of codes, including XDOM_OK */
};

#define XDOM_ERR_MSG_MAX 512

/* One error, with a message for a person. Zero-initialise before use. */
struct xdom_err {
	int code;			/* XDOM_E* code, 0 when unset */
	char msg[XDOM_ERR_MSG_MAX];	/* one line, no trailing newline */
};

/* Short fixed text for a code ("no such domain"); never NULL. */
const char *xdom_strerror(int code);

/*
 * Record an error and return code, so callers can write
 * `return xdom_err_set(err, XDOM_ENOENT, "%s: no such domain", name);`.
 * err may be NULL. Control characters in the formatted text are replaced
 * so the message stays one printable line.
 */
int xdom_err_set(struct xdom_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int xdom_err_setv(struct xdom_err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Like xdom_err_set, appending ": strerror(errno_value)". */
int xdom_err_errno(struct xdom_err *err, int code, int errno_value,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Clear err (safe on NULL). */
void xdom_err_clear(struct xdom_err *err);

/* The message, or the code's text when no message was recorded. */
const char *xdom_err_msg(const struct xdom_err *err);

#endif
