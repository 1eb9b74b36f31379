/*
 * top.h - the dashboard, `xdom top`, as called from the xdom command
 * line (tui/main.c) and from xdom-shell's restricted `top`.
 */
#ifndef XDOM_TUI_TOP_H
#define XDOM_TUI_TOP_H

#include "hypervisor/hv.h"

/* Restrictions for xdom-shell's `top`: no host-wide figures, no actions
 * beyond what the helper allows. */
enum top_mode {
	TOP_MODE_ADMIN = 0,
	TOP_MODE_RESTRICTED,
};

/*
 * Run `xdom top` with its own arguments (argv[0] is "top"): parses the
 * xentop-compatible flags, opens the backend from hvo (after applying any
 * --host options), runs the interactive dashboard or batch output, and
 * restores the terminal on every path. Returns the process exit status
 * (0 ok, 1 failure, 2 usage).
 */
int top_main(int argc, char **argv, const struct hv_open_opts *hvo,
    enum top_mode mode);

/*
 * An idle timeout for the interactive dashboard (xdom-shell passes on its
 * own): after this many seconds without a key, top ends as if q had been
 * pressed and top_idle_expired() is true until the next top_main().
 * 0, the default: no timeout.
 */
void top_idle_set(long seconds);
bool top_idle_expired(void);

#endif
