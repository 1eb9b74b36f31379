/*
 * escape.h - make bytes from guests and users safe to draw or print, and
 * decide which names are acceptable to act on.
 *
 * Domain names come from xenstore, which the guest's creator (and, for
 * some keys, the guest) controls: they may hold control characters,
 * terminal escape sequences or invalid UTF-8. Everything such a string
 * reaches a terminal, a log or a CSV through goes through xdom_escape().
 */
#ifndef XDOM_CORE_ESCAPE_H
#define XDOM_CORE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#define XDOM_NAME_MAX 64	/* longest domain name xdom acts on */

/*
 * Copy src into dst (size len, always NUL-terminated when len > 0),
 * replacing each control byte, DEL, backslash and byte of invalid UTF-8
 * with a \xHH escape (backslash as \\). Valid printable UTF-8 is kept.
 * Returns the length the full result needs (like snprintf), so callers
 * can detect truncation; truncation never splits an escape.
 */
size_t xdom_escape(char *dst, size_t len, const char *src);

/*
 * Whether name is acceptable as a domain name for an action, a file name
 * or an argv element: 1..XDOM_NAME_MAX bytes of [A-Za-z0-9._-], not
 * starting with '.' or '-'. Listing shows any name; acting requires this.
 */
bool xdom_name_valid(const char *name);

#endif
