/*
 * xmalloc.h - allocation wrappers that abort on out-of-memory.
 *
 * Running out of memory is the one failure xdom does not turn into an
 * error value: the wrappers print one line and abort. Every other failure
 * is an XDOM_E* code (see err.h).
 */
#ifndef XDOM_CORE_XMALLOC_H
#define XDOM_CORE_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* asprintf that aborts on failure; the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
