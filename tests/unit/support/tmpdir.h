/*
 * tmpdir.h - a private temporary directory for a unit test, paths in it,
 * and its removal (depth first, links not followed).
 */
#ifndef XDOM_TESTS_TMPDIR_H
#define XDOM_TESTS_TMPDIR_H

/* Make $TMPDIR (or /tmp)/xdom-TAG.XXXXXX; its path, or NULL. The
 * directory stays the current one until tsup_tmpdir_remove(). */
const char *tsup_tmpdir_make(const char *tag);

/* DIR/name in one of four rotating static buffers (so a call may take
 * a few paths at once). */
const char *tsup_path(const char *name);

/* Remove the directory and all below it; 0 or -1. */
int tsup_tmpdir_remove(void);

#endif
