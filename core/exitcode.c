/*
 * exitcode.c - XDOM_E* code to exit status (see exitcode.h).
 */
#include "core/exitcode.h"

#include "core/err.h"

int
xdom_exit_status(int rc)
{
	if (rc == 0)
		return XDOM_EXIT_OK;
	return rc == XDOM_EINVAL ? XDOM_EXIT_USAGE : XDOM_EXIT_FAIL;
}
