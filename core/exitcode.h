/*
 * exitcode.h - the exit status every xdom program returns for a result.
 *
 * The convention of docs/DESIGN.md, written once: 0 on success, 2 for bad
 * usage (XDOM_EINVAL: a wrong argument, option, name or config value),
 * 1 for everything else (refused, failed, not there, timed out).
 */
#ifndef XDOM_CORE_EXITCODE_H
#define XDOM_CORE_EXITCODE_H

enum {
	XDOM_EXIT_OK = 0,
	XDOM_EXIT_FAIL = 1,	/* refused or failed */
	XDOM_EXIT_USAGE = 2,	/* bad command line, name or config */
};

/* XDOM_EXIT_* for rc (0 or an XDOM_E* code). */
int xdom_exit_status(int rc);

#endif
