/*
 * login.h - what xdom-shell sets up once, as a session starts: a locale
 * in which the line editor handles UTF-8, and the login banner the admin
 * names in xdom.conf (`banner = /etc/xdom/banner`).
 */
#ifndef XDOM_SHELL_LOGIN_H
#define XDOM_SHELL_LOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define SHELL_BANNER_MAX 4096	/* bytes of the banner shown; more is cut */

/*
 * Take the locale from the environment (setlocale(LC_ALL, "")); when
 * that leaves the character type C or POSIX, as with no LANG at all
 * (PuTTY's default), LC_ALL=C, or a name the system does not know
 * (macOS's LC_CTYPE=UTF-8), use C.UTF-8 for LC_CTYPE, so that readline
 * edits UTF-8 text: `mä`, Backspace, `ail` is `mail`. A session in
 * another real locale keeps it. Falling back also sets LC_CTYPE (LC_ALL
 * when that was set) to C.UTF-8 in the environment, where readline reads
 * it again. Returns true when it fell back.
 */
bool shell_locale_setup(void);

/*
 * Read the banner at path into buf (len bytes, NUL-terminated) ready to
 * print: only a regular file (no device, FIFO or directory; a symlink is
 * not followed), at most SHELL_BANNER_MAX bytes (a longer one is cut at
 * a line end), control bytes and invalid UTF-8 escaped (\xHH), tabs and
 * line ends kept, CR before LF dropped. 0, or an XDOM_E* code with a
 * message for the admin's log in err.
 */
int shell_banner_read(const char *path, char *buf, size_t len,
    struct xdom_err *err);

#endif
