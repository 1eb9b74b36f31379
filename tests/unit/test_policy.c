/*
 * test_policy.c - the policy parser and decisions (user vs group, globs,
 * default deny, reason required, xen-shell owners, malformed lines).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/policy.h"

static const char example[] =
    "# customers\n"
    "user:alice   web01,db01  status,console,boot,shutdown,reboot,reset,reimage\n"
    "user:bob     bob-*       all\n"
    "\n"
    "group:helpdesk  cust-*   status,console,reboot,reset  reason required\n"
    "group:helpdesk  cust-9?  reset    # also without a reason here\n"
    "user:carol,group:ops  [a-c]x[!0-4]  pause  \r\n"
    "user:dave  web01  list\n";

static struct policy *
parse_ok(const char *text)
{
	struct xdom_err err = {0};
	struct policy *p = NULL;

	if (policy_parse(&p, text, strlen(text), "policy", &err) != 0)
		fail_msg("unexpected parse error: %s", err.msg);
	return p;
}

static int
allows(const struct policy *p, const char *user, const char *group,
    const char *dom, enum policy_action a, const char *reason)
{
	const char *groups[1] = {group};
	struct policy_subject who = {user, groups, group != NULL ? 1 : 0};
	struct xdom_err err = {0};

	return policy_allows(p, &who, dom, NULL, a, reason, &err);
}

static void
test_parse_example(void **state)
{
	struct policy *p = parse_ok(example);

	(void)state;
	assert_int_equal(policy_rule_count(p), 6);
	policy_free(p);
	policy_free(NULL);
}

static void
test_user_rules(void **state)
{
	struct policy *p = parse_ok(example);

	(void)state;
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_REBOOT,
	    NULL), 0);
	assert_int_equal(allows(p, "alice", NULL, "db01", POLICY_REIMAGE,
	    NULL), 0);
	assert_int_equal(allows(p, "alice", NULL, "db01", POLICY_CONSOLE,
	    NULL), 0);
	/* Not granted: destroy, other guests, prefixes and suffixes. */
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_DESTROY,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "alice", NULL, "web02", POLICY_REBOOT,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "alice", NULL, "web011", POLICY_REBOOT,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "alice", NULL, "xweb01", POLICY_REBOOT,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "alice", NULL, "WEB01", POLICY_REBOOT,
	    NULL), XDOM_EPERM);
	/* A user name is not a group name and vice versa. */
	assert_int_equal(allows(p, "mallory", "alice", "web01", POLICY_REBOOT,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "helpdesk", NULL, "cust-1", POLICY_RESET,
	    "t1"), XDOM_EPERM);
	/* all, and a glob. */
	assert_int_equal(allows(p, "bob", NULL, "bob-mail", POLICY_DESTROY,
	    NULL), 0);
	assert_int_equal(allows(p, "bob", NULL, "bob-", POLICY_HOST, NULL), 0);
	assert_int_equal(allows(p, "bob", NULL, "bobby", POLICY_STATUS, NULL),
	    XDOM_EPERM);
	/* status implies stats and list; list alone is just list. */
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_STATS,
	    NULL), 0);
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_LIST,
	    NULL), 0);
	assert_int_equal(allows(p, "dave", NULL, "web01", POLICY_LIST, NULL),
	    0);
	assert_int_equal(allows(p, "dave", NULL, "web01", POLICY_STATUS,
	    NULL), XDOM_EPERM);
	policy_free(p);
}

static void
test_groups_and_reasons(void **state)
{
	struct xdom_err err = {0};
	const char *groups[] = {"users", "helpdesk"};
	struct policy_subject who = {"hd1", groups, 2};
	struct policy *p = parse_ok(example);
	uint32_t allowed, need;

	(void)state;
	/* Help-desk: reset with a reason, not without; never re-image. */
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    NULL, &err), XDOM_EREASON);
	assert_non_null(strstr(err.msg, "reason"));
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "", &err), XDOM_EREASON);
	/* Blanks and control bytes are no reason. */
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "  \t ", &err), XDOM_EREASON);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "\r\n\x1b\x7f", &err), XDOM_EREASON);
	/* Nor is text that shows nothing: NBSP, wide spaces, zero-width
	 * characters, a BOM, a soft hyphen, C1 NEL (core/utf8.c decides). */
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "\xc2\xa0\xe2\x80\x80\xe2\x80\x8a\xe3\x80\x80", &err),
	    XDOM_EREASON);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "\xe2\x80\x8b\xe2\x80\x8d\xef\xbb\xbf\xc2\xad\xc2\x85", &err),
	    XDOM_EREASON);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    " 4711 ", &err), 0);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "\xc2\xa0#4711\xe2\x80\x8b", &err), 0);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL, POLICY_RESET,
	    "ticket 4711", &err), 0);
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL,
	    POLICY_REIMAGE, "ticket 4711", &err), XDOM_EPERM);
	assert_string_equal(err.msg, "not allowed: reimage");
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL,
	    POLICY_DESTROY, "x", &err), XDOM_EPERM);
	assert_int_equal(policy_allows(p, &who, "web01", NULL, POLICY_RESET,
	    "x", &err), XDOM_EPERM);
	/* A second rule grants reset on cust-9? without a reason. */
	assert_int_equal(policy_allows(p, &who, "cust-91", NULL, POLICY_RESET,
	    NULL, &err), 0);
	assert_int_equal(policy_allows(p, &who, "cust-91", NULL,
	    POLICY_REBOOT, NULL, &err), XDOM_EREASON);
	/* Looking never needs a reason. */
	assert_int_equal(policy_allows(p, &who, "cust-17", NULL,
	    POLICY_STATUS, NULL, &err), 0);
	policy_rights(p, &who, "cust-17", NULL, &allowed, &need);
	assert_true(allowed & (1u << POLICY_LIST));
	assert_true(allowed & (1u << POLICY_STATS));
	assert_true(need & (1u << POLICY_RESET));
	assert_false(need & (1u << POLICY_STATUS));
	assert_false(allowed & (1u << POLICY_REIMAGE));
	/* Brackets and negation, several principals on one line. */
	who.user = "carol";
	who.n_groups = 0;
	assert_int_equal(policy_allows(p, &who, "bx9", NULL, POLICY_PAUSE,
	    NULL, &err), 0);
	assert_int_equal(policy_allows(p, &who, "bx3", NULL, POLICY_PAUSE,
	    NULL, &err), XDOM_EPERM);
	assert_int_equal(policy_allows(p, &who, "dx9", NULL, POLICY_PAUSE,
	    NULL, &err), XDOM_EPERM);
	who.user = "zed";
	groups[0] = "ops";
	who.n_groups = 1;
	assert_int_equal(policy_allows(p, &who, "ax5", NULL, POLICY_PAUSE,
	    NULL, &err), 0);
	policy_free(p);
}

static void
test_default_deny(void **state)
{
	struct xdom_err err = {0};
	struct policy *p = parse_ok("# nothing granted\n\n");
	struct policy *all = parse_ok("user:root * all\n");
	struct policy_subject who = {"root", NULL, 0};
	static const char *const odd[] = {
		"", ".", "..", "../web01", "web01/..", "/etc/passwd",
		"web01\n", "web 01", "-rf", ".hidden", "web01;reboot",
		"0", "web01\x1b[2J", "\xc3\xa9t\xc3\xa9",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	enum policy_action a;
	size_t i;

	(void)state;
	for (a = 0; a < POLICY__COUNT; a++)
		assert_int_equal(policy_allows(p, &who, "web01", NULL, a, "r",
		    &err), XDOM_EPERM);
	/* Even `* all` grants nothing on names that are not valid. */
	for (i = 1; i < sizeof odd / sizeof odd[0]; i++) {
		int want = strcmp(odd[i], "0") == 0 ? 0 : XDOM_EPERM;

		assert_int_equal(policy_allows(all, &who, odd[i], NULL,
		    POLICY_BOOT, "r", &err), want);
	}
	assert_int_equal(policy_allows(all, &who, NULL, NULL, POLICY_BOOT,
	    "r", &err), XDOM_EPERM);
	assert_int_equal(policy_allows(all, &who, "web01", NULL,
	    POLICY__COUNT, "r", &err), XDOM_EPERM);
	assert_int_equal(policy_allows(NULL, &who, "web01", NULL,
	    POLICY_BOOT, "r", &err), XDOM_EPERM);
	policy_free(p);
	policy_free(all);
}

static void
test_xen_shell_owners(void **state)
{
	struct xdom_err err = {0};
	struct policy *p = parse_ok("");
	struct policy_subject who = {"alice", NULL, 0};
	uint32_t mask;

	(void)state;
	assert_true(policy_owner_match("alice, bob", "alice"));
	assert_true(policy_owner_match("alice, bob", "bob"));
	assert_true(policy_owner_match("alice,bob", "bob"));
	assert_false(policy_owner_match("alice, bob", "ali"));
	assert_false(policy_owner_match("alicex", "alice"));
	assert_false(policy_owner_match(NULL, "alice"));
	assert_false(policy_owner_match("alice", ""));
	/* Off by default. */
	assert_int_equal(policy_allows(p, &who, "web01", "alice, bob",
	    POLICY_REBOOT, NULL, &err), XDOM_EPERM);
	assert_int_equal(policy_actions_parse("status,boot,reboot,console",
	    &mask, &err), 0);
	policy_set_owner_actions(p, mask);
	assert_int_equal(policy_owner_actions(p), mask);
	assert_int_equal(policy_allows(p, &who, "web01", "alice, bob",
	    POLICY_REBOOT, NULL, &err), 0);
	assert_int_equal(policy_allows(p, &who, "web01", "alice, bob",
	    POLICY_REIMAGE, NULL, &err), XDOM_EPERM);
	assert_int_equal(policy_allows(p, &who, "web01", "carol",
	    POLICY_REBOOT, NULL, &err), XDOM_EPERM);
	assert_int_equal(policy_allows(p, &who, "web01", NULL,
	    POLICY_REBOOT, NULL, &err), XDOM_EPERM);
	policy_free(p);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *want;	/* in the message */
		size_t len;		/* 0: strlen(text) */
	} bad[] = {
		{"user:alice web01\n", "policy:1:", 0},
		{"\nuser:alice web01 boot extra\n", "policy:2:", 0},
		{"alice web01 boot\n", "user:NAME", 0},
		{"user: web01 boot\n", "invalid user", 0},
		{"group:a/b web01 boot\n", "invalid group", 0},
		{"user:alice web01 boot,fly\n", "unknown action 'fly'", 0},
		{"user:alice web01 boot,\n", "empty item", 0},
		{"user:alice ,web01 boot\n", "empty item", 0},
		{"user:alice web/01 boot\n", "invalid domain pattern", 0},
		{"user:alice ../x boot\n", "invalid domain pattern", 0},
		{"user:alice web[01 boot\n", "invalid domain pattern", 0},
		{"user:alice web[] boot\n", "invalid domain pattern", 0},
		{"user:alice web01 boot reason\n", "expected", 0},
		{"user:alice web01 boot reason optional\n", "expected", 0},
		{"user:alice web01 boot\x01\n", "control", 0},
		{"user:al\xc3\xa9 web01 boot\n", "non-ASCII", 0},
		{"user:alice web01 boot\0x\n", "control", 24},
	};
	struct xdom_err err;
	struct policy *p;
	char *longline;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = bad[i].len != 0 ? bad[i].len :
		    strlen(bad[i].text);

		memset(&err, 0, sizeof err);
		p = (struct policy *)1;
		if (policy_parse(&p, bad[i].text, len, "policy", &err) !=
		    XDOM_EPROTO)
			fail_msg("case %zu parsed", i);
		assert_null(p);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("case %zu: '%s' not in '%s'", i, bad[i].want,
			    err.msg);
		assert_non_null(strstr(err.msg, "policy:"));
		assert_null(strchr(err.msg, '\n'));
	}
	longline = malloc(10000);
	memset(longline, 'a', 9999);
	longline[9999] = '\0';
	assert_int_equal(policy_parse(&p, longline, 9999, "policy", &err),
	    XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "policy:1: line longer"));
	free(longline);
}

static void
test_load(void **state)
{
	struct xdom_err err = {0};
	char path[] = "/tmp/xdom-policy-XXXXXX";
	struct policy *p;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, example, strlen(example)),
	    (ssize_t)strlen(example));
	close(fd);
	assert_int_equal(policy_load(&p, path, &err), 0);
	assert_int_equal(policy_rule_count(p), 6);
	policy_free(p);
	unlink(path);
	assert_int_equal(policy_load(&p, path, &err), XDOM_ENOENT);
	assert_null(p);
	assert_int_equal(policy_load(&p, "/tmp", &err), XDOM_EPROTO);
	assert_non_null(strstr(err.msg, "/tmp: not a regular file"));
}

static void
test_actions_format(void **state)
{
	struct xdom_err err = {0};
	enum policy_action a;
	uint32_t mask;
	char buf[256];

	(void)state;
	assert_int_equal(policy_actions_parse("reset,boot", &mask, &err), 0);
	policy_actions_format(mask, buf, sizeof buf);
	assert_string_equal(buf, "boot,reset");
	assert_int_equal(policy_actions_parse("all", &mask, &err), 0);
	assert_int_equal(mask, POLICY_ALL);
	for (a = 0; a < POLICY__COUNT; a++) {
		enum policy_action b;

		assert_int_equal(policy_action_parse(policy_action_name(a),
		    &b), 0);
		assert_int_equal(a, b);
	}
	assert_null(policy_action_name(POLICY__COUNT));
	assert_null(policy_action_summary(POLICY__COUNT));
	for (a = 0; a < POLICY__COUNT; a++)
		assert_non_null(policy_action_summary(a));
	assert_int_equal(policy_action_parse("Boot", &a), XDOM_EINVAL);
}

/* SysRq is its own right (o powers a guest off): console does not grant
 * it, so the help-desk rule of the example sends no SysRq keys, while
 * `all` and a rule that names `sysrq` do. Its bit is the next free one:
 * the masks in xdomd's list reply keep their meaning. */
static void
test_sysrq_right(void **state)
{
	struct policy *p = parse_ok(example);
	struct policy *q = parse_ok("user:alice web01 console,sysrq\n");
	struct xdom_err err = {0};
	enum policy_action a;
	char buf[64];

	(void)state;
	assert_int_equal(policy_action_parse("sysrq", &a), 0);
	assert_int_equal(a, POLICY_SYSRQ);
	assert_int_equal(POLICY_SYSRQ, POLICY_RESTORE + 1);
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_CONSOLE,
	    NULL), 0);
	assert_int_equal(allows(p, "alice", NULL, "web01", POLICY_SYSRQ,
	    NULL), XDOM_EPERM);
	assert_int_equal(allows(p, "eve", "helpdesk", "cust-1", POLICY_CONSOLE,
	    "ticket 1"), 0);
	assert_int_equal(allows(p, "eve", "helpdesk", "cust-1", POLICY_SYSRQ,
	    "ticket 1"), XDOM_EPERM);
	assert_int_equal(allows(p, "bob", NULL, "bob-web", POLICY_SYSRQ,
	    NULL), 0);
	assert_int_equal(allows(q, "alice", NULL, "web01", POLICY_SYSRQ,
	    NULL), 0);
	assert_int_equal(policy_allows(p, &(struct policy_subject){ "alice",
	    NULL, 0 }, "web01", NULL, POLICY_SYSRQ, NULL, &err), XDOM_EPERM);
	assert_string_equal(err.msg, "not allowed: sysrq");
	policy_actions_format(1u << POLICY_SYSRQ | 1u << POLICY_CONSOLE, buf,
	    sizeof buf);
	assert_string_equal(buf, "console,sysrq");
	/* The list of rights in a refusal comes from the table. */
	assert_int_not_equal(policy_actions_parse("boot,sysrqq", &(uint32_t){0},
	    &err), 0);
	assert_non_null(strstr(err.msg, "unknown action 'sysrqq' (boot, "
	    "shutdown, "));
	assert_non_null(strstr(err.msg, "restore, sysrq, all)"));
	policy_free(p);
	policy_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_example),
		cmocka_unit_test(test_user_rules),
		cmocka_unit_test(test_groups_and_reasons),
		cmocka_unit_test(test_default_deny),
		cmocka_unit_test(test_xen_shell_owners),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_actions_format),
		cmocka_unit_test(test_sysrq_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
