/*
 * spawn.c - fixed argv, environment and PATH (see spawn.h).
 */
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
spawn_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

bool
xdom_spawn_find(const char *prog, char *buf, size_t len)
{
	const char *dir = XDOM_SPAWN_PATH, *e;
	int n;

	if (prog == NULL || prog[0] == '\0')
		return false;
	if (strchr(prog, '/') != NULL) {
		n = snprintf(buf, len, "%s", prog);
		return prog[0] == '/' && n > 0 && (size_t)n < len &&
		    spawn_executable(buf);
	}
	while (*dir != '\0') {
		e = strchr(dir, ':');
		if (e == NULL)
			e = dir + strlen(dir);
		n = snprintf(buf, len, "%.*s/%s", (int)(e - dir), dir, prog);
		if (n > 0 && (size_t)n < len && spawn_executable(buf))
			return true;
		dir = *e == ':' ? e + 1 : e;
	}
	return false;
}

int
xdom_spawn(const struct xdom_spawn *o, pid_t *pid, struct xdom_err *err)
{
	static char *const envp[] = {
		"PATH=" XDOM_SPAWN_PATH, "LANG=C", "LC_ALL=C", NULL,
	};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char prog[4096];
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int e;

	*pid = -1;
	if (o->argv == NULL || o->argv[0] == NULL || o->argv[0][0] == '\0')
		return xdom_err_set(err, XDOM_EINVAL, "no program to run");
	if (o->argv[0][0] != '/' && strchr(o->argv[0], '/') != NULL)
		return xdom_err_set(err, XDOM_EINVAL, "%.200s: give the "
		    "program as an absolute path or a bare name", o->argv[0]);
	if (!xdom_spawn_find(o->argv[0], prog, sizeof prog))
		return xdom_err_set(err, XDOM_ENOENT, "program %.200s not "
		    "found or not executable (searched %s)", o->argv[0],
		    o->argv[0][0] == '/' ? "as given" : XDOM_SPAWN_PATH);
	if (o->new_session)
		flags |= POSIX_SPAWN_SETSID;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, flags);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (o->out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, o->out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, o->out_fd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	e = posix_spawn(pid, prog, &fa, &attr, o->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e != 0) {
		*pid = -1;
		return xdom_err_errno(err, e == ENOENT || e == EACCES ?
		    XDOM_ENOENT : XDOM_EIO, e, "starting %.200s", prog);
	}
	return 0;
}
