/*
 * test_sim_locked.c - sim_guest_locked / sim_guest_unlock, the prologue
 * every change to one simulated guest goes through: which names it
 * refuses and with what, that the writers' lock is held exactly while it
 * says so, and that the state it hands over has its due actions applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "hypervisor/hv.h"
#include "hypervisor/sim/sim.h"

struct fx {
	char dir[64];
	struct hv *hv;
	struct sim_store *s;
};

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
fx_setup(void **state)
{
	struct hv_open_opts o = { .backend = "sim" };
	struct xdom_err err = { 0 };
	struct fx *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/xdom-test-simlk.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	setenv("XDOM_SIM_DELAY_MS", "40", 1);
	o.sim_dir = f->dir;
	if (hv_open(&f->hv, &o, &err) != 0) {
		print_error("hv_open: %s\n", err.msg);
		return -1;
	}
	f->s = f->hv->priv;
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	hv_close(f->hv);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Whether somebody holds DIR/lock (flock conflicts between open files
 * of one process too). */
static bool
lock_held(const struct fx *f)
{
	char path[128];
	bool held;
	int fd;

	snprintf(path, sizeof path, "%s/lock", f->dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	held = flock(fd, LOCK_EX | LOCK_NB) != 0;
	if (held)
		assert_int_equal(errno, EWOULDBLOCK);
	close(fd);
	return held;
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *name;
		int rc;
		const char *msg;
	} cases[] = {
		{ "Domain-0", XDOM_EPERM, "Domain-0 cannot be poked" },
		{ "a b", XDOM_EINVAL, "'a b' is not a valid domain name to "
		    "act on" },
		{ "web\x1b[2J", XDOM_EINVAL, "'web\\x1b[2J' is not a valid "
		    "domain name to act on" },
		{ "", XDOM_EINVAL, "'' is not a valid domain name to act on" },
		{ "nosuch01", XDOM_ENOENT, "nosuch01: no such domain" },
	};
	struct fx *f = *state;
	struct sim_locked lk;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct xdom_err err = { 0 };

		f->s->cached = true;
		assert_int_equal(sim_guest_locked(f->s, cases[i].name,
		    "cannot be poked", &lk, &err), cases[i].rc);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(lk.fd, -1);
		assert_false(lock_held(f));
	}
	/* a lookup that failed under the lock dropped the cache */
	assert_false(f->s->cached);
}

static void
test_long_name_shown_short(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct sim_locked lk;
	char name[300];

	memset(name, ' ', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(sim_guest_locked(f->s, name, "x", &lk, &err),
	    XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "...' is not a valid"));
	assert_true(strlen(err.msg) < 140);
}

static void
test_held_then_released(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct sim_locked lk;
	struct timespec ts;
	int64_t now;

	assert_false(lock_held(f));
	assert_int_equal(sim_guest_locked(f->s, "web02", "x", &lk, &err), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	assert_true(lk.fd >= 0);
	assert_true(lk.idx > 0);
	assert_string_equal(f->s->st.g[lk.idx].name, "web02");
	assert_true(lk.now_ns <= now && lk.now_ns > now - 5000000000LL);
	assert_true(lock_held(f));
	assert_int_equal(sim_guest_unlock(f->s, &lk, 0), 0);
	assert_int_equal(lk.fd, -1);
	assert_false(lock_held(f));
	assert_int_equal(sim_guest_unlock(f->s, &lk, 0), 0);	/* twice */
	/* an error passes through and drops the cache */
	assert_int_equal(sim_guest_locked(f->s, "web02", "x", &lk, &err), 0);
	f->s->cached = true;
	assert_int_equal(sim_guest_unlock(f->s, &lk, XDOM_EIO), XDOM_EIO);
	assert_false(f->s->cached);
	assert_false(lock_held(f));
}

static void
test_due_actions_applied(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	struct timespec pause = { 0, 150000000 };
	struct sim_locked lk;
	struct sim_guest *g;

	assert_int_equal(hv_action(f->hv, "dns01", HV_ACT_SHUTDOWN,
	    &err), 0);
	nanosleep(&pause, NULL);
	assert_int_equal(sim_guest_locked(f->s, "dns01", "x", &lk, &err), 0);
	g = &f->s->st.g[lk.idx];
	assert_int_equal(g->run, SIM_STOPPED);
	assert_int_equal(g->pending, SIM_PEND_NONE);
	sim_guest_unlock(f->s, &lk, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_refusals),
		T(test_long_name_shown_short),
		T(test_held_then_released),
		T(test_due_actions_applied),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
