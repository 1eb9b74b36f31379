/*
 * pathtrust.h - whether a file or directory that privileged code reads or
 * writes can be changed by nobody but root (or one allowed uid).
 *
 * xdomd acts as root on what it finds in its policy, its config, the sim's
 * state directory, save_dir, block_dir and the audit directory. If any of
 * them, or any directory above one, belongs to a customer or is writable
 * by others, that customer decides what root does (one who created the
 * sim directory first owns another customer's guest). This check is the
 * one rule for all of them; a drifted copy would be a hole.
 */
#ifndef XDOM_CORE_PATHTRUST_H
#define XDOM_CORE_PATHTRUST_H

#include <sys/types.h>

#include "core/err.h"

enum xdom_trust_kind {
	XDOM_TRUST_FILE,	/* a regular file */
	XDOM_TRUST_DIR,		/* a directory */
};

/* The path need not exist yet: then whoever creates it must be root or
 * also_uid (see xdom_path_trust). */
#define XDOM_TRUST_MAY_BE_MISSING 0x1u

/*
 * Check path (absolute, or relative to the working directory).
 *
 * Symbolic links in the path as given are resolved first (an admin may
 * link /etc/xdom/policy elsewhere: the target is what is checked). Then
 * every component from / down is opened with O_PATH | O_NOFOLLOW relative
 * to the one above it and checked on that fd (fstat): owned by root or
 * also_uid, not writable by group or others, except that a directory
 * above the last component may be a sticky one (/tmp) whose entry is then
 * checked in turn. The last component must be of the given kind; a link
 * met during the walk (a swap after resolving) is refused.
 *
 * With XDOM_TRUST_MAY_BE_MISSING a path whose tail does not exist is
 * accepted when the deepest existing directory is writable only by its
 * trusted owner (a sticky /tmp is not enough: anyone could create the
 * name first).
 *
 * Returns 0, or XDOM_EPERM (untrusted owner or mode, a link), XDOM_ENOENT
 * (missing), XDOM_EINVAL (wrong kind, bad path) or XDOM_EIO, with a
 * one-line message naming the component at fault.
 */
int xdom_path_trust(const char *path, enum xdom_trust_kind kind,
    unsigned flags, uid_t also_uid, struct xdom_err *err);

#endif
