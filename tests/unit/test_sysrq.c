/*
 * test_sysrq.c - magic SysRq keys through the hv interface: which keys
 * are accepted, a backend without SysRq, and what the simulated host
 * does with them (b reboots at once, o powers off, c crashes, other keys
 * change nothing; only a running guest takes keys). Each case runs on
 * its own mktemp'd sim state directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/snap.h"
#include "hypervisor/hv.h"

struct fx {
	char dir[64];
	struct hv *hv;
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
	struct fx *f = calloc(1, sizeof *f);
	struct hv_open_opts o = { .backend = "sim" };
	struct xdom_err err = { 0 };

	snprintf(f->dir, sizeof f->dir, "/tmp/xdom-test-sysrq.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	o.sim_dir = f->dir;
	if (hv_open(&f->hv, &o, &err) != 0) {
		print_error("hv_open: %s\n", err.msg);
		return -1;
	}
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

/* The guest's state: 's' stopped, 'r' running, 'c' crashed, 'p' paused;
 * *id its domain id. */
static char
state_of(struct fx *f, const char *name, uint32_t *id)
{
	struct snap s;
	struct xdom_err err = { 0 };
	char st = 's';
	size_t i;

	snap_init(&s);
	assert_int_equal(hv_snapshot(f->hv, 0, &s, &err), 0);
	*id = 0;
	for (i = 0; i < s.n_dom; i++) {
		if (strcmp(snap_dom_name(&s, &s.dom[i]), name) != 0)
			continue;
		*id = s.dom[i].id;
		st = (s.dom[i].flags & SNAP_F_CRASHED) ? 'c' :
		    (s.dom[i].flags & SNAP_F_PAUSED) ? 'p' : 'r';
	}
	snap_dispose(&s);
	return st;
}

static void
test_keys(void **state)
{
	static const char ok[] = "0123456789bcdefhijklmnopqrstuvwxyz";
	static const int bad[] = { 0, 'a', 'g', 'A', 'S', ' ', '\n', '\x1b',
		';', '!', 0x7f, 0x80, 0xff, -1, 256 };
	size_t i;

	(void)state;
	for (i = 0; ok[i] != '\0'; i++)
		assert_true(hv_sysrq_key_valid(ok[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(hv_sysrq_key_valid(bad[i]));
}

static void
test_no_backend_support(void **state)
{
	static const struct hv_backend bare = { .name = "bare" };
	struct hv h = { &bare, NULL };
	struct xdom_err err = { 0 };

	(void)state;
	assert_int_equal(hv_sysrq(&h, "web01", 's', NULL, &err),
	    XDOM_ENOSYS);
	assert_non_null(strstr(err.msg, "SysRq"));
	/* The key is checked before anything is asked of a backend. */
	assert_int_equal(hv_sysrq(&h, "web01", 'A', NULL, &err), XDOM_EINVAL);
}

static void
test_sim(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	uint32_t id0, id1;

	/* A key that changes nothing the host sees. */
	assert_int_equal(state_of(f, "web01", &id0), 'r');
	assert_int_equal(hv_sysrq(f->hv, "web01", 's', NULL, &err), 0);
	assert_int_equal(state_of(f, "web01", &id1), 'r');
	assert_int_equal(id0, id1);
	/* b: rebooted at once, a new domain. */
	assert_int_equal(hv_sysrq(f->hv, "web01", 'b', NULL, &err), 0);
	assert_int_equal(state_of(f, "web01", &id1), 'r');
	assert_true(id1 != id0);
	/* c: crashed; it then takes no more keys. */
	assert_int_equal(hv_sysrq(f->hv, "web02", 'c', NULL, &err), 0);
	assert_int_equal(state_of(f, "web02", &id1), 'c');
	assert_int_equal(hv_sysrq(f->hv, "web02", 's', NULL, &err),
	    XDOM_ESTATE);
	assert_non_null(strstr(err.msg, "crashed"));
	/* o: powered off. */
	assert_int_equal(hv_sysrq(f->hv, "db01", 'o', NULL, &err), 0);
	assert_int_equal(state_of(f, "db01", &id1), 's');
	assert_int_equal(hv_sysrq(f->hv, "db01", 'b', NULL, &err),
	    XDOM_ESTATE);
	assert_non_null(strstr(err.msg, "not running"));
	assert_int_equal(state_of(f, "db01", &id1), 's');
	/* Paused, unknown, Domain-0, bad names: refused, nothing changes. */
	assert_int_equal(hv_sysrq(f->hv, "staging01", 'b', NULL, &err),
	    XDOM_ESTATE);
	assert_int_equal(state_of(f, "staging01", &id1), 'p');
	assert_int_equal(hv_sysrq(f->hv, "nosuch", 's', NULL, &err),
	    XDOM_ENOENT);
	assert_int_equal(hv_sysrq(f->hv, "Domain-0", 'b', NULL, &err),
	    XDOM_EPERM);
	assert_int_not_equal(hv_sysrq(f->hv, "../web01", 'b', NULL, &err), 0);
	assert_int_equal(hv_sysrq(f->hv, "web01", 'B', NULL, &err),
	    XDOM_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_no_backend_support),
		cmocka_unit_test_setup_teardown(test_sim, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
