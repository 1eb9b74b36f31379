/*
 * test_audit.c - xdomd's audit lines (helper/audit.c): every field in its
 * place, result words, odd user and domain names and control bytes
 * escaped so that nothing a client sends can forge a field or a line,
 * the longest reason and message still ending in a whole line, and the
 * audit file: one write per line, reopened after rotation, never through
 * a symlink.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper/xdomd.h"
#include "tests/unit/support/fixture.h"

#define T0 1796000000LL		/* 2026-11-30T00:53:20Z */

static struct ident who;

static int
setup(void **state)
{
	(void)state;
	memset(&who, 0, sizeof who);
	who.uid = 1001;
	who.gid = 1001;
	who.pid = 4242;
	snprintf(who.user, sizeof who.user, "alice");
	return 0;
}

static const char *
line_of(const struct audit_rec *r)
{
	static char buf[4096];

	audit_format(buf, sizeof buf, r, T0);
	return buf;
}

/* How often needle occurs in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * The keys of a line as a reader of the log splits it (KEY=bare or
 * KEY="quoted", one space apart), "time,uid,..."; "BAD" when the line
 * does not split that way. The value of key want is copied to val.
 */
static const char *
keys_of(const char *l, const char *want, char *val, size_t vlen)
{
	static char keys[256];
	const char *eq, *end;
	size_t k = 0;

	keys[0] = '\0';
	while (*l != '\0') {
		eq = strchr(l, '=');
		if (eq == NULL || eq == l || k + (size_t)(eq - l) + 2 >=
		    sizeof keys)
			return "BAD";
		if (k > 0)
			keys[k++] = ',';
		memcpy(keys + k, l, (size_t)(eq - l));
		k += (size_t)(eq - l);
		keys[k] = '\0';
		if (eq[1] == '"') {
			end = strchr(eq + 2, '"');
			if (end == NULL)
				return "BAD";
			end++;
		} else {
			end = eq + 1 + strcspn(eq + 1, " ");
		}
		if (want != NULL && strncmp(l, want, (size_t)(eq - l)) == 0 &&
		    strlen(want) == (size_t)(eq - l))
			snprintf(val, vlen, "%.*s", (int)(end - eq - 1), eq + 1);
		if (*end == ' ')
			end++;
		else if (*end != '\0')
			return "BAD";
		l = end;
	}
	return keys;
}

static void
test_fields(void **state)
{
	struct audit_rec r = { .id = &who, .action = "reboot",
	    .domain = "web01", .reason = "kernel update", .rc = 0 };

	(void)state;
	assert_string_equal(line_of(&r), "time=2026-11-30T00:53:20Z "
	    "uid=1001 user=\"alice\" pid=4242 domain=\"web01\" "
	    "action=reboot reason=\"kernel update\" result=ok");
	/* A failure carries its message; a success never does. */
	r.rc = XDOM_EPERM;
	r.msg = "web01: not allowed: reboot";
	assert_string_equal(line_of(&r), "time=2026-11-30T00:53:20Z "
	    "uid=1001 user=\"alice\" pid=4242 domain=\"web01\" "
	    "action=reboot reason=\"kernel update\" result=denied "
	    "msg=\"web01: not allowed: reboot\"");
	r.rc = 0;
	assert_null(strstr(line_of(&r), "msg="));
	/* No domain, no reason, no action name, no user name. */
	who.user[0] = '\0';
	r.domain = NULL;
	r.reason = NULL;
	r.action = NULL;
	assert_string_equal(line_of(&r), "time=2026-11-30T00:53:20Z "
	    "uid=1001 user=\"\" pid=4242 domain=\"\" action=? reason=\"\" "
	    "result=ok");
	/* A time gmtime cannot take is written as the number. */
	{
		char buf[512];

		audit_format(buf, sizeof buf, &r, 0x7fffffffffffffffLL);
		assert_int_equal(strncmp(buf, "time=9223372036854775807 ",
		    25), 0);
	}
}

static void
test_result_words(void **state)
{
	(void)state;
	assert_string_equal(audit_result(0), "ok");
	assert_string_equal(audit_result(XDOM_EPERM), "denied");
	assert_string_equal(audit_result(XDOM_EREASON), "need-reason");
	assert_string_equal(audit_result(XDOM_EBUSY), "busy");
	assert_string_equal(audit_result(XDOM_EPROTO), "bad-request");
	assert_string_equal(audit_result(XDOM_ENOMEM), "bad-request");
	assert_string_equal(audit_result(XDOM_ENOENT), "failed");
	assert_string_equal(audit_result(XDOM_EIO), "failed");
	assert_string_equal(audit_result(-9999), "failed");
}

/* A reason or a name that tries to close its quotes and add fields. */
static void
test_forged_fields(void **state)
{
	struct audit_rec r = { .id = &who, .action = "reset",
	    .domain = "x\" result=ok domain=\"web01",
	    .reason = "\" result=ok msg=\"", .rc = XDOM_EPERM,
	    .msg = "no \"quote\"" };
	char val[256];
	const char *l;

	(void)state;
	snprintf(who.user, sizeof who.user, "bob\" uid=0 user=\"root");
	l = line_of(&r);
	assert_string_equal(keys_of(l, "result", val, sizeof val),
	    "time,uid,user,pid,domain,action,reason,result,msg");
	assert_string_equal(val, "denied");
	keys_of(l, "uid", val, sizeof val);
	assert_string_equal(val, "1001");
	keys_of(l, "domain", val, sizeof val);
	assert_string_equal(val, "\"x\\x22 result=ok domain=\\x22web01\"");
	assert_non_null(strstr(l, "user=\"bob\\x22 uid=0 user=\\x22root\""));
	assert_non_null(strstr(l, "reason=\"\\x22 result=ok msg=\\x22\""));
	assert_non_null(strstr(l, "msg=\"no \\x22quote\\x22\""));
	/* The result is the real one, and last but for the message. */
	assert_non_null(strstr(l, " result=denied msg=\""));
}

static void
test_control_bytes(void **state)
{
	struct audit_rec r = { .id = &who, .action = "console",
	    .domain = "evil\x1b]0;pwned\x07", .reason = "a\nb\rc\x7f\\",
	    .rc = XDOM_EIO, .msg = "line1\nline2\x1b[2J" };
	const char *l;
	size_t i;

	(void)state;
	l = line_of(&r);
	assert_string_equal(keys_of(l, NULL, NULL, 0),
	    "time,uid,user,pid,domain,action,reason,result,msg");
	for (i = 0; l[i] != '\0'; i++)
		assert_true((unsigned char)l[i] >= 0x20 &&
		    (unsigned char)l[i] != 0x7f);
	assert_non_null(strstr(l, "domain=\"evil\\x1b]0;pwned\\x07\""));
	/* A backslash is doubled, so "\\x0a" typed by a user is told apart
	 * from a newline. */
	assert_non_null(strstr(l, "reason=\"a\\x0ab\\x0dc\\x7f\\\\\""));
	assert_non_null(strstr(l, "msg=\"line1\\x0aline2\\x1b[2J\""));
	/* Invalid UTF-8 is escaped byte by byte; valid UTF-8 is kept. */
	r.reason = "caf\xc3\xa9 \xff";
	assert_non_null(strstr(line_of(&r), "reason=\"caf\xc3\xa9 \\xff\""));
}

/* The longest of everything still makes one whole line in audit_log's
 * buffer: the result field is never cut off. */
static void
test_long_fields(void **state)
{
	char dom[XDOM_NAME_MAX + 1], reason[PROTO_REASON_MAX + 1], msg[1024];
	struct audit_rec r = { .id = &who, .action = "reimage", .domain = dom,
	    .reason = reason, .rc = XDOM_EPROTO, .msg = msg };
	char buf[2048];
	size_t n;

	(void)state;
	memset(who.user, '"', PROTO_USER_MAX);
	who.user[PROTO_USER_MAX] = '\0';
	who.uid = 4294967294u;
	who.pid = 2147483647;
	memset(dom, '"', XDOM_NAME_MAX);
	dom[XDOM_NAME_MAX] = '\0';
	memset(reason, '"', PROTO_REASON_MAX);
	reason[PROTO_REASON_MAX] = '\0';
	memset(msg, '\x01', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	/* as audit_log does */
	audit_format(buf, sizeof buf - 1, &r, T0);
	n = strlen(buf);
	assert_true(n < sizeof buf - 2);
	assert_string_equal(keys_of(buf, NULL, NULL, 0),
	    "time,uid,user,pid,domain,action,reason,result,msg");
	assert_non_null(strstr(buf, " result=bad-request msg=\""));
	assert_int_equal(buf[n - 1], '"');
	assert_int_equal(count(buf, "\\x22"),
	    PROTO_USER_MAX + XDOM_NAME_MAX + PROTO_REASON_MAX);
	/* A small buffer is cut, never overrun, and always terminated. */
	memset(buf, 'Z', sizeof buf);
	audit_format(buf, 16, &r, T0);
	assert_int_equal(strlen(buf), 15);
	assert_int_equal(buf[16], 'Z');
}

static void
test_audit_file(void **state)
{
	char dir[64], path[128], rotated[128], text[512];
	struct xdomd d;
	struct xdom_err err = { 0 };
	struct audit_rec r = { .id = &who, .action = "boot",
	    .domain = "web01", .rc = 0 };
	size_t n;

	(void)state;
	assert_int_equal(tfx_tmpdir(dir, sizeof dir, "audit"), 0);
	snprintf(path, sizeof path, "%s/audit.log", dir);
	snprintf(rotated, sizeof rotated, "%s/audit.log.1", dir);
	memset(&d, 0, sizeof d);
	/* no audit file configured: nothing opened */
	assert_int_equal(audit_open(&d, &err), 0);
	assert_int_equal(d.audit_fd, -1);
	assert_int_equal(audit_reopen(&d, &err), 0);

	d.audit_path = path;
	assert_int_equal(audit_open(&d, &err), 0);
	assert_true(d.audit_fd >= 0);
	audit_log(&d, &r);
	/* rotation: the old file moves away, the next line goes to a new one */
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(audit_reopen(&d, &err), 0);
	r.action = "shutdown";
	audit_log(&d, &r);

	assert_true(tfx_read_file(rotated, text, sizeof text) > 0);
	n = strlen(text);
	assert_int_equal(count(text, "\n"), 1);
	assert_int_equal(text[n - 1], '\n');
	assert_non_null(strstr(text, " action=boot "));
	assert_true(tfx_read_file(path, text, sizeof text) > 0);
	n = strlen(text);
	assert_int_equal(count(text, "\n"), 1);
	assert_non_null(strstr(text, " action=shutdown "));

	/* a reopen that fails keeps the old file */
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(audit_reopen(&d, &err), XDOM_EIO);
	assert_non_null(strstr(err.msg, "audit file"));
	assert_true(d.audit_fd >= 0);
	r.action = "reset";
	audit_log(&d, &r);
	assert_true(tfx_read_file(rotated, text, sizeof text) > 0);
	n = strlen(text);
	assert_non_null(strstr(text, " action=reset "));
	close(d.audit_fd);

	/* never through a symlink */
	d.audit_fd = -1;
	assert_int_equal(audit_open(&d, &err), XDOM_EIO);
	assert_int_equal(d.audit_fd, -1);
	tfx_rm_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fields, setup),
		cmocka_unit_test_setup(test_result_words, setup),
		cmocka_unit_test_setup(test_forged_fields, setup),
		cmocka_unit_test_setup(test_control_bytes, setup),
		cmocka_unit_test_setup(test_long_fields, setup),
		cmocka_unit_test_setup(test_audit_file, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
