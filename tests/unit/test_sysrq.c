/*
 * test_sysrq.c - magic SysRq keys through the hv interface: which keys
 * are accepted, a backend without SysRq, and what the simulated host
 * does with them (b reboots at once, o powers off, c crashes, other keys
 * change nothing; only a running guest takes keys) and the key on the
 * wire to xdomd. Each case on the sim runs on
 * its own mktemp'd sim state directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/proto.h"
#include "core/snap.h"
#include "hypervisor/hv.h"
#include "tests/unit/support/fixture.h"

struct fx {
	struct tfx_sim sim;	/* sim.dir, sim.hv */
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (tfx_sim_open(&f->sim, "sysrq", 0) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	tfx_sim_close(&f->sim);
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
	assert_int_equal(hv_snapshot(f->sim.hv, 0, &s, &err), 0);
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

/* On the wire: only a SysRq key travels as a sysrq request's argument. */
static void
test_proto(void **state)
{
	static const uint32_t bad[] = { 0, 'a', 'g', 'S', ';', 0x7f, 0x80,
		0x173, 0x10000073, 0xffffffff };
	struct xdom_err err = { 0 };
	struct proto_req r, d;
	struct pbuf b;
	uint32_t len, id;
	uint16_t type;
	size_t i;

	(void)state;
	for (i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
		memset(&r, 0, sizeof r);
		r.type = PROTO_T_SYSRQ;
		r.id = 7;
		strcpy(r.name, "web01");
		r.arg = i < sizeof bad / sizeof bad[0] ? bad[i] : 'b';
		pbuf_init(&b, PROTO_MAX_MSG);
		assert_int_equal(proto_req_encode(&b, &r, &err), 0);
		assert_true(b.len >= PROTO_HDR_LEN);
		assert_int_equal(proto_header_parse(b.d, PROTO_REQ_MAX, &type,
		    &len, &id, &err), 0);
		assert_int_equal(type, PROTO_T_SYSRQ);
		assert_int_equal(id, 7);
		if (r.arg == 'b') {
			assert_int_equal(proto_req_decode(type, b.d +
			    PROTO_HDR_LEN, len, &d, &err), 0);
			assert_int_equal(d.arg, 'b');
			assert_string_equal(d.name, "web01");
		} else {
			assert_int_equal(proto_req_decode(type, b.d +
			    PROTO_HDR_LEN, len, &d, &err), XDOM_EPROTO);
		}
		pbuf_dispose(&b);
	}
	assert_string_equal(proto_req_desc(PROTO_T_SYSRQ)->name, "sysrq");
	assert_true(proto_req_desc(PROTO_T_SYSRQ)->needs_name);
}

static void
test_sim(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	uint32_t id0, id1;

	/* A key that changes nothing the host sees. */
	assert_int_equal(state_of(f, "web01", &id0), 'r');
	assert_int_equal(hv_sysrq(f->sim.hv, "web01", 's', NULL, &err), 0);
	assert_int_equal(state_of(f, "web01", &id1), 'r');
	assert_int_equal(id0, id1);
	/* b: rebooted at once, a new domain. */
	assert_int_equal(hv_sysrq(f->sim.hv, "web01", 'b', NULL, &err), 0);
	assert_int_equal(state_of(f, "web01", &id1), 'r');
	assert_true(id1 != id0);
	/* c: crashed; it then takes no more keys. */
	assert_int_equal(hv_sysrq(f->sim.hv, "web02", 'c', NULL, &err), 0);
	assert_int_equal(state_of(f, "web02", &id1), 'c');
	assert_int_equal(hv_sysrq(f->sim.hv, "web02", 's', NULL, &err),
	    XDOM_ESTATE);
	assert_non_null(strstr(err.msg, "crashed"));
	/* o: powered off. */
	assert_int_equal(hv_sysrq(f->sim.hv, "db01", 'o', NULL, &err), 0);
	assert_int_equal(state_of(f, "db01", &id1), 's');
	assert_int_equal(hv_sysrq(f->sim.hv, "db01", 'b', NULL, &err),
	    XDOM_ESTATE);
	assert_non_null(strstr(err.msg, "not running"));
	assert_int_equal(state_of(f, "db01", &id1), 's');
	/* Paused, unknown, Domain-0, bad names: refused, nothing changes. */
	assert_int_equal(hv_sysrq(f->sim.hv, "staging01", 'b', NULL, &err),
	    XDOM_ESTATE);
	assert_int_equal(state_of(f, "staging01", &id1), 'p');
	assert_int_equal(hv_sysrq(f->sim.hv, "nosuch", 's', NULL, &err),
	    XDOM_ENOENT);
	assert_int_equal(hv_sysrq(f->sim.hv, "Domain-0", 'b', NULL, &err),
	    XDOM_EPERM);
	assert_int_not_equal(hv_sysrq(f->sim.hv, "../web01", 'b', NULL, &err), 0);
	assert_int_equal(hv_sysrq(f->sim.hv, "web01", 'B', NULL, &err),
	    XDOM_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_no_backend_support),
		cmocka_unit_test(test_proto),
		cmocka_unit_test_setup_teardown(test_sim, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
