/*
 * test_requests.c - xdomd's check before a request runs (req_authorize in
 * helper/requests.c): the owner may, another customer may not, the
 * help-desk group only with a reason, an unknown guest is refused after
 * the policy (so a refusal does not tell which guests exist), names are
 * never taken as domain ids, xen-shell owners only with compatibility
 * on, and a re-image of a running guest only when asked to stop it first.
 * The host is the shared fake backend (tests/unit/support/fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper/xdomd.h"
#include "tests/unit/support/fixture.h"

static const char policy_text[] =
    "user:alice      cust-alice-*  status,console,boot,shutdown,reboot,reset,reimage\n"
    "group:helpdesk  cust-*        status,reboot,reset  reason required\n"
    "user:ops        *             all\n";

static char cfg_owned[128], cfg_broken[128], cfg_dir[64];

static const struct tfx_guest host[] = {
	{ .name = "cust-alice-web", .running = true, .id = 5 },
	{ .name = "cust-alice-db" },
	{ .name = "cust-bob-web", .running = true, .id = 7 },
	{ .name = "legacy01", .running = true, .id = 9,
	  .config_path = cfg_owned },
	{ .name = "legacy02", .config_path = cfg_broken },
};

static struct xdomd d;
static struct ident id;
static const char *groups[2];

static void
write_file(const char *path, const char *text)
{
	assert_int_equal(tfx_write_file(path, text), 0);
}

static int
setup(void **state)
{
	struct xdom_err err = { 0 };

	(void)state;
	memset(&d, 0, sizeof d);
	assert_int_equal(policy_parse(&d.policy, policy_text,
	    sizeof policy_text - 1, "policy", &err), 0);
	d.hv = &tfx_fake_hv;
	d.audit_fd = -1;
	d.listen_fd = -1;
	tfx_fake_reset(host, sizeof host / sizeof host[0]);
	if (tfx_tmpdir(cfg_dir, sizeof cfg_dir, "requests") != 0)
		return -1;
	snprintf(cfg_owned, sizeof cfg_owned, "%s/legacy01.cfg", cfg_dir);
	snprintf(cfg_broken, sizeof cfg_broken, "%s/legacy02.cfg", cfg_dir);
	write_file(cfg_owned, "name = 'legacy01'\nxen_shell = 'dave, erin'\n");
	write_file(cfg_broken, "name = 'legacy02'\nxen_shell = 'dave\n");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	policy_free(d.policy);
	d.policy = NULL;
	tfx_rm_tree(cfg_dir);
	return 0;
}

/* The caller: user, and at most one group. */
static const struct ident *
as(const char *user, const char *group)
{
	memset(&id, 0, sizeof id);
	id.uid = 1000;
	id.gid = 1000;
	id.pid = 77;
	snprintf(id.user, sizeof id.user, "%s", user);
	groups[0] = group;
	id.group_ptrs = groups;
	id.n_groups = group != NULL ? 1 : 0;
	return &id;
}

static struct xdom_err err;

/* req_authorize of one request; err keeps the message. */
static int
authorize(const struct ident *who, uint16_t type, const char *name,
    const char *reason, uint32_t arg)
{
	struct proto_req r;

	memset(&r, 0, sizeof r);
	r.type = type;
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.reason, sizeof r.reason, "%s", reason);
	r.arg = arg;
	xdom_err_clear(&err);
	return req_authorize(&d, who, &r, &err);
}

static void
test_owner(void **state)
{
	(void)state;
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REBOOT,
	    "cust-alice-web", "", 0), 0);
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_BOOT,
	    "cust-alice-db", "", 0), 0);
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_INFO,
	    "cust-alice-db", "", 0), 0);
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_CONSOLE,
	    "cust-alice-web", "", 0), 0);
	/* not every action: destroy was not granted */
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_DESTROY,
	    "cust-alice-web", "", 0), XDOM_EPERM);
	assert_non_null(strstr(err.msg, "cust-alice-web: "));
	assert_non_null(strstr(err.msg, "destroy"));
	/* and nothing is asked of the host */
	assert_int_equal(tfx_fake.n_actions, 0);
}

static void
test_other_customer(void **state)
{
	(void)state;
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REBOOT,
	    "cust-bob-web", "", 0), XDOM_EPERM);
	assert_non_null(strstr(err.msg, "cust-bob-web: "));
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_INFO,
	    "cust-bob-web", "", 0), XDOM_EPERM);
	/* a user with no rule at all, and a uid without a name */
	assert_int_equal(authorize(as("mallory", NULL), PROTO_T_INFO,
	    "cust-alice-web", "", 0), XDOM_EPERM);
	assert_int_equal(authorize(as("", NULL), PROTO_T_INFO,
	    "cust-alice-web", "", 0), XDOM_EPERM);
	/* a group named like a user grants nothing */
	assert_int_equal(authorize(as("mallory", "alice"), PROTO_T_REBOOT,
	    "cust-alice-web", "", 0), XDOM_EPERM);
}

static void
test_helpdesk_reason(void **state)
{
	(void)state;
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_REBOOT,
	    "cust-bob-web", "", 0), XDOM_EREASON);
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_RESET,
	    "cust-bob-web", " \t", 0), XDOM_EREASON);
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_REBOOT,
	    "cust-bob-web", "ticket 1234", 0), 0);
	/* looking never needs a reason */
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_INFO,
	    "cust-bob-web", "", 0), 0);
	/* outside the group's rights, a reason does not help */
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_DESTROY,
	    "cust-bob-web", "ticket 1234", 0), XDOM_EPERM);
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_REBOOT,
	    "legacy01", "ticket 1234", 0), XDOM_EPERM);
	/* the same user without the group */
	assert_int_equal(authorize(as("carol", NULL), PROTO_T_REBOOT,
	    "cust-bob-web", "ticket 1234", 0), XDOM_EPERM);
}

static void
test_unknown_guest(void **state)
{
	(void)state;
	/* granted by the glob, but not on this host */
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REBOOT,
	    "cust-alice-zzz", "", 0), XDOM_ENOENT);
	assert_non_null(strstr(err.msg, "cust-alice-zzz: no such guest"));
	/* not granted: refused as such, whether it exists or not */
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REBOOT,
	    "cust-bob-zzz", "", 0), XDOM_EPERM);
	/* the host cannot list its guests: the error comes back */
	tfx_fake.fail_rc = XDOM_EIO;
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_REBOOT,
	    "cust-bob-web", "", 0), XDOM_EIO);
	tfx_fake.fail_rc = 0;
	/* names that are no names are granted nothing */
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_REBOOT,
	    "../etc", "", 0), XDOM_EPERM);
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_REBOOT,
	    "-rf", "", 0), XDOM_EPERM);
}

static void
test_id_is_not_name(void **state)
{
	(void)state;
	/* 5 is cust-alice-web's domain id; ops may do anything to any name */
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_DESTROY,
	    "cust-alice-web", "", 0), 0);
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_DESTROY, "5", "",
	    0), XDOM_ENOENT);
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_INFO, "7", "", 0),
	    XDOM_ENOENT);
	/* a prefix of a name is not the name */
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_INFO,
	    "cust-alice", "", 0), XDOM_ENOENT);
}

static void
test_request_types(void **state)
{
	(void)state;
	/* reads of no one guest: nothing to check here (filtered later) */
	assert_int_equal(authorize(as("mallory", NULL), PROTO_T_WHOAMI, "", "",
	    0), 0);
	assert_int_equal(authorize(as("mallory", NULL), PROTO_T_LIST, "", "",
	    0), 0);
	/* unknown types */
	assert_int_equal(authorize(as("ops", NULL), 0, "cust-bob-web", "", 0),
	    XDOM_EPROTO);
	assert_int_equal(authorize(as("ops", NULL), PROTO_T__REQ_END,
	    "cust-bob-web", "", 0), XDOM_EPROTO);
	assert_int_equal(authorize(as("ops", NULL), 0xffff, "cust-bob-web",
	    "", 0), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "unknown request"));
	/* sysrq is a right of its own: console does not grant it */
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_SYSRQ,
	    "cust-alice-web", "", 's'), XDOM_EPERM);
	assert_non_null(strstr(err.msg, "sysrq"));
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_SYSRQ,
	    "cust-bob-web", "ticket", 's'), XDOM_EPERM);
	assert_int_equal(authorize(as("ops", NULL), PROTO_T_SYSRQ,
	    "cust-bob-web", "", 's'), 0);
}

static void
test_reimage_running(void **state)
{
	(void)state;
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REIMAGE,
	    "cust-alice-web", "", 0), XDOM_ESTATE);
	assert_non_null(strstr(err.msg, "cust-alice-web: is running"));
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REIMAGE,
	    "cust-alice-web", "", PROTO_REIMAGE_SHUTDOWN_FIRST), 0);
	assert_int_equal(authorize(as("alice", NULL), PROTO_T_REIMAGE,
	    "cust-alice-db", "", 0), 0);
	/* the policy comes first: a refusal says nothing of the state */
	assert_int_equal(authorize(as("carol", "helpdesk"), PROTO_T_REIMAGE,
	    "cust-bob-web", "ticket", 0), XDOM_EPERM);
}

static void
test_xen_shell_owners(void **state)
{
	(void)state;
	policy_set_owner_actions(d.policy, (1u << POLICY_STATUS) |
	    (1u << POLICY_REBOOT));
	/* compatibility off: the config's owners are not read */
	assert_int_equal(authorize(as("dave", NULL), PROTO_T_REBOOT,
	    "legacy01", "", 0), XDOM_EPERM);
	d.compat = true;
	assert_int_equal(authorize(as("dave", NULL), PROTO_T_REBOOT,
	    "legacy01", "", 0), 0);
	assert_int_equal(authorize(as("erin", NULL), PROTO_T_INFO,
	    "legacy01", "", 0), 0);
	/* only the granted actions, only the named users, exact names */
	assert_int_equal(authorize(as("dave", NULL), PROTO_T_DESTROY,
	    "legacy01", "", 0), XDOM_EPERM);
	assert_int_equal(authorize(as("dav", NULL), PROTO_T_REBOOT,
	    "legacy01", "", 0), XDOM_EPERM);
	/* a config that does not parse names no owner */
	assert_int_equal(authorize(as("dave", NULL), PROTO_T_INFO,
	    "legacy02", "", 0), XDOM_EPERM);
	/* an owner of one guest is not an owner of another */
	assert_int_equal(authorize(as("dave", NULL), PROTO_T_INFO,
	    "cust-bob-web", "", 0), XDOM_EPERM);
	d.compat = false;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_customer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_helpdesk_reason, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_guest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_id_is_not_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_types, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reimage_running, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_xen_shell_owners, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
