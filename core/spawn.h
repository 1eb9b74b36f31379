/*
 * spawn.h - run a program as xdom runs every program: a fixed argv (no
 * shell, so no word of it is ever parsed), a fixed environment and a
 * fixed PATH (nothing of the caller's environment reaches the child, so
 * a customer's LD_PRELOAD or PATH cannot follow xdomd's re-image into
 * it), stdin on /dev/null, no inherited fd beyond 0-2, default signal
 * dispositions and an empty signal mask.
 *
 * Used for `xl create`, the re-image command and the admin's re-image
 * backup step. posix_spawn(3) does the work.
 */
#ifndef XDOM_CORE_SPAWN_H
#define XDOM_CORE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

/* The child's PATH, also where a bare program name is looked up. */
#define XDOM_SPAWN_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct xdom_spawn {
	char *const *argv;	/* argv[0]: an absolute path, or a name
				   looked up in XDOM_SPAWN_PATH */
	int out_fd;		/* the child's stdout and stderr; -1 for
				   /dev/null */
	bool new_session;	/* setsid(): its own process group, so the
				   caller can kill it with all it started */
};

/*
 * Start o->argv with the environment PATH=XDOM_SPAWN_PATH, LANG=C,
 * LC_ALL=C. 0 with *pid set (the caller waits for it), or XDOM_ENOENT
 * (program not found or not executable), XDOM_EINVAL (a relative path
 * with a '/', an empty argv) or XDOM_EIO, each with a one-line message.
 */
int xdom_spawn(const struct xdom_spawn *o, pid_t *pid, struct xdom_err *err);

/* Resolve prog as xdom_spawn does into buf: true when it names an
 * executable file. */
bool xdom_spawn_find(const char *prog, char *buf, size_t len);

#endif
