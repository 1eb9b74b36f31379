/*
 * runas.c - run a command as another user, for the real-Xen checks in
 * dom0 (the Debian busybox has no chpst and its su wants a terminal).
 *
 *   runas USER CMD [ARG...]
 *
 * Sets the user's groups, gid and uid (all of them, so nothing is left to
 * regain), HOME, USER and LOGNAME, changes to the home directory and
 * executes CMD. Exit status 126 when the switch fails, 127 when CMD
 * cannot be run.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct passwd *pw;

	if (argc < 3) {
		fprintf(stderr, "usage: runas USER CMD [ARG...]\n");
		return 2;
	}
	pw = getpwnam(argv[1]);
	if (pw == NULL) {
		fprintf(stderr, "runas: no user %s\n", argv[1]);
		return 126;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		perror("runas");
		return 126;
	}
	if (chdir(pw->pw_dir) != 0 && chdir("/") != 0)
		return 126;
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
