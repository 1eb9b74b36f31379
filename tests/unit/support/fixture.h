/*
 * fixture.h - shared fixtures of the unit tests and benchmarks: a private
 * directory, a private simulated host in one, and a fake backend that
 * answers from a table of guests and records the actions it is asked for.
 *
 * Linked into every unit test, benchmark and test tool through the test
 * support archive (tests/unit/support/). Nothing here uses cmocka, so a
 * benchmark may use it too: failures come back as return codes, with the
 * reason printed on stderr.
 */
#ifndef XDOM_TESTS_FIXTURE_H
#define XDOM_TESTS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/hv.h"

/*
 * Make a fresh directory /tmp/xdom-test-TAG.XXXXXX (mode 0700) and write
 * its path into buf. 0, or -1 with the reason printed.
 */
int tfx_tmpdir(char *buf, size_t len, const char *tag);
/* Remove dir and everything below it; symlinks are removed, never
 * followed. A NULL or empty dir is ignored. */
void tfx_rm_tree(const char *dir);

/* Write text to path (created or truncated). 0, or -1 with the reason
 * printed. */
int tfx_write_file(const char *path, const char *text);
/* Read at most len - 1 bytes of path into buf, NUL-terminated; the number
 * of bytes read, or -1 with the reason printed. */
long tfx_read_file(const char *path, char *buf, size_t len);

/* A private simulated host: its state directory and a handle on it. */
struct tfx_sim {
	char dir[64];
	struct hv *hv;
};

/*
 * Make a fresh directory (see tfx_tmpdir) and open the sim backend on it;
 * n_domains > 0 creates a host with that many guests, 0 the default host.
 * Environment knobs (XDOM_SIM_DELAY_MS, ...) are the caller's. On failure
 * the directory is removed again, the reason printed, and hv_open's code
 * returned; s is then as after tfx_sim_close().
 */
int tfx_sim_open(struct tfx_sim *s, const char *tag, unsigned n_domains);
/* Close the handle and remove the directory. Safe to call twice. */
void tfx_sim_close(struct tfx_sim *s);
/* Another handle on an existing sim directory (a second process's view);
 * the caller closes it with hv_close(). */
int tfx_sim_hv(const char *dir, unsigned n_domains, struct hv **out);

/* --- the fake backend ---------------------------------------------------- */

/* One guest of the fake host. */
struct tfx_guest {
	const char *name;
	bool running;
	uint32_t id;		/* domain id when running */
	const char *config_path;	/* hv_info's; NULL: none */
};

/* The fake host's guests, and what it was asked to do. */
struct tfx_fake {
	const struct tfx_guest *guests;	/* not owned */
	size_t n_guests;
	int fail_rc;		/* != 0: every call fails with this code */
	int n_actions;		/* hv_action calls that succeeded */
	enum hv_action last_action;
	char last_name[128];
	char last_reason[256];	/* "" when none was given */
};

/* The state tfx_fake_backend reads and records into. */
extern struct tfx_fake tfx_fake;

/*
 * guests, info and action from tfx_fake: guests lists the table; info
 * knows exactly the names in it (XDOM_ENOENT otherwise); action records
 * a call on a known name. A test that needs more copies the entry points
 * below into its own backend table.
 */
extern const struct hv_backend tfx_fake_backend;
/* A handle on tfx_fake_backend (no open/close needed). */
extern struct hv tfx_fake_hv;

/* Forget every recorded call and serve guests[0..n) from now on. */
void tfx_fake_reset(const struct tfx_guest *guests, size_t n);

/* The entry points of tfx_fake_backend, for a test's own tables. */
int tfx_fake_guests(struct hv *hv, struct hv_guest_list *out,
    struct xdom_err *err);
int tfx_fake_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err);
int tfx_fake_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err);

#endif
