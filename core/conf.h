/*
 * conf.h - reader for xl-style `key = value` files: xdom.conf and the
 * guests' /etc/xen/NAME.cfg.
 *
 *   # comment
 *   backend = sim                   bare word or number
 *   name = "web01"                  single or double quotes
 *   disk = [ 'file:/img,xvda,w',    list, may span lines
 *            'phy:/dev/vg/x,xvdb,r' ]
 *   disk += [ 'file:/b,xvdc,w' ]    += appends to a list or a string
 *   extra = "root=\"/dev/xvda1\""   escapes in quotes, as xl: \" \' \\
 *                                   \a \b \f \n \r \t \v \xHH \OOO
 *
 * Every value is kept as text; lists keep their items. A malformed file
 * gets one error naming the file and line. Keys are ASCII identifiers
 * ([A-Za-z_][A-Za-z0-9_.-]*); a later key replaces an earlier one.
 */
#ifndef XDOM_CORE_CONF_H
#define XDOM_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CONF_MAX_BYTES (1024 * 1024)	/* files larger than this are refused */
#define CONF_MAX_KEYS 4096		/* distinct keys in one file */
#define XDOM_CONF_DEFAULT "/etc/xdom/xdom.conf"

struct conf;

/*
 * Parse text of len bytes; origin names it in messages ("xdom.conf").
 * On success *out is a new conf the caller frees with conf_free().
 */
int conf_parse(struct conf **out, const char *text, size_t len,
    const char *origin, struct xdom_err *err);

/*
 * Read and parse a file. When must_exist is false and the file does not
 * exist, *out is an empty conf and 0 is returned (a missing default
 * config is fine; a missing --config FILE is not).
 */
int conf_load(struct conf **out, const char *path, bool must_exist,
    struct xdom_err *err);

void conf_free(struct conf *c);

/* Value of key as text (a list gives NULL), or NULL when absent. */
const char *conf_get(const struct conf *c, const char *key);
/* Value, or def when absent. */
const char *conf_get_default(const struct conf *c, const char *key,
    const char *def);
/* Whether key is present and holds a list; its length and items. */
bool conf_is_list(const struct conf *c, const char *key);
size_t conf_list_len(const struct conf *c, const char *key);
const char *conf_list_item(const struct conf *c, const char *key, size_t i);
/* Parse an integer value in [min, max]; def when absent. */
int conf_get_long(const struct conf *c, const char *key, long def, long min,
    long max, long *out, struct xdom_err *err);

#endif
