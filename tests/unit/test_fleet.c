/*
 * test_fleet.c - the fleet view's pieces that need no SSH server: host
 * specs and hosts files, options, remote command lines, backoff, line
 * framing, and a worker facing a host that refuses or never answers
 * (states, no blocking, prompt shutdown). The SSH paths proper are
 * covered by tests/integration/fleet*.sh against real sshd instances.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/conf.h"
#include "hypervisor/remote/fleet.h"
#include "hypervisor/hv.h"
#include "top/top.h"

static void
test_spec_valid(void **state)
{
	static const struct {
		const char *in, *user, *host, *label;
		unsigned port;
	} ok[] = {
		{ "web1", "", "web1", "web1", 0 },
		{ "root@web1", "root", "web1", "root@web1", 0 },
		{ "web1.example.org:2222", "", "web1.example.org",
		  "web1.example.org:2222", 2222 },
		{ "ops_1@10.0.0.5:22", "ops_1", "10.0.0.5", "ops_1@10.0.0.5:22",
		  22 },
		{ "[::1]:2200", "", "::1", "[::1]:2200", 2200 },
		{ "a@[fe80::1]", "a", "fe80::1", "a@[fe80::1]", 0 },
		{ "h:65535", "", "h", "h:65535", 65535 },
	};
	struct xdom_err err = {0};
	struct fleet_spec s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(fleet_spec_parse(ok[i].in, &s, &err), 0);
		assert_string_equal(s.user, ok[i].user);
		assert_string_equal(s.host, ok[i].host);
		assert_string_equal(s.label, ok[i].label);
		assert_int_equal(s.port, ok[i].port);
	}
}

static void
test_spec_invalid(void **state)
{
	static const char *const bad[] = {
		"", "@host", "user@", "host:", "host:0", "host:65536",
		"host:22x", "host:+22", "host:022", "-oProxyCommand=x",
		"user@-host", ".host", "ho st", "host;id", "a@b@c",
		"$(id)", "host\n", "[::1", "[zz::1]:22", "[::1]x",
		"[]:22", "user name@h", "-u@h", "h:22:22", "h/x",
		"veryveryveryveryveryveryveryveryveryveryveryveryveryverylong"
		"veryveryveryveryveryveryveryveryveryveryveryveryveryverylong"
		"veryveryveryveryvery.example",
	};
	struct xdom_err err = {0};
	struct fleet_spec s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xdom_err_clear(&err);
		assert_int_equal(fleet_spec_parse(bad[i], &s, &err),
		    XDOM_EINVAL);
		/* One line, naming what was expected. */
		assert_non_null(strstr(err.msg, "[user@]host[:port]"));
		assert_null(strchr(err.msg, '\n'));
	}
}

static void
test_spec_list(void **state)
{
	struct fleet_specs l = {0};
	struct xdom_err err = {0};

	(void)state;
	assert_int_equal(fleet_specs_add_list(&l, "a,root@b:2222,[::1]",
	    &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1].label, "root@b:2222");
	assert_int_equal(fleet_specs_add_list(&l, "c", &err), 0);
	assert_int_equal(l.n, 4);
	/* Duplicates, empty items and bad items are refused. */
	assert_int_equal(fleet_specs_add_list(&l, "a", &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(fleet_specs_add_list(&l, "d,,e", &err), XDOM_EINVAL);
	assert_int_equal(fleet_specs_add_list(&l, "d,", &err), XDOM_EINVAL);
	assert_int_equal(fleet_specs_add_list(&l, "x;y", &err), XDOM_EINVAL);
	fleet_specs_dispose(&l);
	fleet_specs_dispose(&l);
	assert_int_equal(l.n, 0);
}

static void
test_spec_list_limit(void **state)
{
	struct fleet_specs l = {0};
	struct xdom_err err = {0};
	char name[32];
	int i;

	(void)state;
	for (i = 0; i < FLEET_MAX_HOSTS; i++) {
		snprintf(name, sizeof name, "h%d", i);
		assert_int_equal(fleet_specs_add_list(&l, name, &err), 0);
	}
	assert_int_equal(fleet_specs_add_list(&l, "one-more", &err),
	    XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "too many"));
	fleet_specs_dispose(&l);
}

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/test_fleet.XXXXXX");
	int fd = mkstemp(path);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static void
test_hosts_file(void **state)
{
	struct fleet_specs l = {0};
	struct xdom_err err = {0};
	char *p;

	(void)state;
	p = write_tmp("# the fleet\n\n  web1  \nroot@db1:2222 # primary\r\n"
	    "\t[::1]:22\n");
	assert_int_equal(fleet_specs_add_file(&l, p, true, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].label, "web1");
	assert_string_equal(l.v[1].label, "root@db1:2222");
	assert_string_equal(l.v[2].label, "[::1]:22");
	fleet_specs_dispose(&l);
	unlink(p);
	free(p);

	/* A bad line names file and line. */
	p = write_tmp("web1\nweb2\nbad host\n");
	assert_int_equal(fleet_specs_add_file(&l, p, true, &err),
	    XDOM_EINVAL);
	assert_non_null(strstr(err.msg, ":3: bad host 'bad host'"));
	fleet_specs_dispose(&l);
	unlink(p);

	/* Missing: an error only when it must exist. */
	assert_int_equal(fleet_specs_add_file(&l, p, false, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(fleet_specs_add_file(&l, p, true, &err),
	    XDOM_ENOENT);
	free(p);
}

static void
test_hosts_default_path(void **state)
{
	char *p;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	p = fleet_hosts_default_path();
	assert_string_equal(p, "/cfg/xdom/hosts");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/ann", 1);
	p = fleet_hosts_default_path();
	assert_string_equal(p, "/home/ann/.config/xdom/hosts");
	free(p);
}

static void
test_cmd_valid(void **state)
{
	static const char *const good[] = {
		"xdom stats --stream -d 1",
		"/usr/local/bin/xdom stats --stream -d 0.5",
		"xdom --config=/etc/xdom/xdom.conf stats --stream",
	};
	static const char *const bad[] = {
		"", " xdom", "xdom ", "xdom  stats", "-xdom", "xdom;id",
		"xdom $(id)", "xdom `id`", "xdom|cat", "xdom > /tmp/x",
		"xdom 'a'", "xdom \"a\"", "xdom\tstats", "xdom\nid",
		"xdom & id", "xdom *", "xdom ~", "xdom {a,b}", "xdom !1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(fleet_cmd_valid(good[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(fleet_cmd_valid(bad[i]));
}

static void
test_action_cmd(void **state)
{
	struct xdom_err err = {0};
	char buf[128];

	(void)state;
	assert_int_equal(fleet_action_cmd("/opt/xdom", HV_ACT_REBOOT, "web01",
	    buf, sizeof buf, &err), 0);
	assert_string_equal(buf, "/opt/xdom reboot web01");
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_UNPAUSE, "a.b-c_1",
	    buf, sizeof buf, &err), 0);
	assert_string_equal(buf, "xdom unpause a.b-c_1");
	/* Names that a shell would read as more than a word, or as an
	 * option, never get through. */
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_DESTROY, "x;rm -rf /",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_DESTROY, "-all",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_DESTROY, "$(id)",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_DESTROY, "",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT__COUNT, "web01",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom stats", HV_ACT_PAUSE, "web01",
	    buf, sizeof buf, &err), XDOM_EINVAL);
	assert_int_equal(fleet_action_cmd("xdom", HV_ACT_PAUSE, "web01",
	    buf, 8, &err), XDOM_EINVAL);
}

static void
test_backoff(void **state)
{
	unsigned d = 0, seen[8];
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		seen[i] = d = fleet_backoff_next(d, 1000, 30000);
	assert_int_equal(seen[0], 1000);
	assert_int_equal(seen[1], 2000);
	assert_int_equal(seen[2], 4000);
	assert_int_equal(seen[3], 8000);
	assert_int_equal(seen[4], 16000);
	assert_int_equal(seen[5], 30000);
	assert_int_equal(seen[7], 30000);
	assert_int_equal(fleet_backoff_next(0, 0, 0), 1);
	assert_int_equal(fleet_backoff_next(3000000000u, 1000, 4000000000u),
	    4000000000u);
}

static void
clear_env(void)
{
	unsetenv("XDOM_FLEET_XDOM");
	unsetenv("XDOM_FLEET_COMMAND");
	unsetenv("XDOM_KNOWN_HOSTS");
	unsetenv("XDOM_SSH_IDENTITY");
	unsetenv("XDOM_SSH_STRICT");
	unsetenv("XDOM_FLEET_RETRY_MAX");
}

static void
test_opts(void **state)
{
	static const char text[] =
	    "fleet_xdom = /opt/xdom/bin/xdom\n"
	    "ssh_known_hosts = /etc/xdom/known_hosts\n"
	    "ssh_strict_host_keys = accept-new\n"
	    "ssh_connect_timeout = 3\n"
	    "fleet_retry_max = 10\n";
	struct xdom_err err = {0};
	struct fleet_opts o;
	struct conf *c = NULL;

	(void)state;
	clear_env();
	assert_int_equal(fleet_opts_load(&o, NULL, &err), 0);
	assert_string_equal(o.command, "xdom stats --stream -d 1");
	assert_string_equal(o.xdom, "xdom");
	assert_string_equal(o.known_hosts, "");
	assert_int_equal(o.strict, FLEET_STRICT_YES);
	assert_int_equal(o.retry_max_ms, 30000);
	assert_int_equal(o.retry_min_ms, 1000);

	assert_int_equal(conf_parse(&c, text, sizeof text - 1, "xdom.conf",
	    &err), 0);
	assert_int_equal(fleet_opts_load(&o, c, &err), 0);
	assert_string_equal(o.command, "/opt/xdom/bin/xdom stats --stream -d 1");
	assert_string_equal(o.known_hosts, "/etc/xdom/known_hosts");
	assert_int_equal(o.strict, FLEET_STRICT_ACCEPT_NEW);
	assert_int_equal(o.connect_timeout_ms, 3000);
	assert_int_equal(o.retry_max_ms, 10000);

	/* The environment wins. */
	setenv("XDOM_KNOWN_HOSTS", "/tmp/kh", 1);
	setenv("XDOM_FLEET_COMMAND", "/x/xdom stats --stream -d 2", 1);
	setenv("XDOM_SSH_STRICT", "yes", 1);
	setenv("XDOM_FLEET_RETRY_MAX", "2", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), 0);
	assert_string_equal(o.known_hosts, "/tmp/kh");
	assert_string_equal(o.command, "/x/xdom stats --stream -d 2");
	assert_int_equal(o.strict, FLEET_STRICT_YES);
	assert_int_equal(o.retry_max_ms, 2000);

	/* Shell syntax, a bad strictness and bad numbers are refused. */
	setenv("XDOM_FLEET_COMMAND", "xdom stats --stream; id", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), XDOM_EINVAL);
	unsetenv("XDOM_FLEET_COMMAND");
	setenv("XDOM_SSH_STRICT", "no", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "accept-new"));
	unsetenv("XDOM_SSH_STRICT");
	setenv("XDOM_FLEET_RETRY_MAX", "0", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), XDOM_EINVAL);
	setenv("XDOM_FLEET_RETRY_MAX", "5s", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), XDOM_EINVAL);
	unsetenv("XDOM_FLEET_RETRY_MAX");
	setenv("XDOM_FLEET_XDOM", "xdom;id", 1);
	assert_int_equal(fleet_opts_load(&o, c, &err), XDOM_EINVAL);
	clear_env();
	conf_free(c);
}

static void
test_line_framing(void **state)
{
	struct fleet_line lb;
	char *line;
	size_t len, skipped;

	(void)state;
	fleet_line_init(&lb, 16);
	assert_false(fleet_line_last(&lb, &line, &len, &skipped));
	assert_int_equal(fleet_line_push(&lb, "abc", 3), 0);
	assert_false(fleet_line_last(&lb, &line, &len, &skipped));
	assert_int_equal(fleet_line_push(&lb, "de\nfg", 5), 0);
	assert_true(fleet_line_last(&lb, &line, &len, &skipped));
	assert_string_equal(line, "abcde");
	assert_int_equal(len, 5);
	assert_int_equal(skipped, 0);
	/* Taken lines are gone; the partial one stays. */
	assert_false(fleet_line_last(&lb, &line, &len, &skipped));
	assert_int_equal(fleet_line_push(&lb, "\n1\n2\r\n\n3", 9), 0);
	assert_true(fleet_line_last(&lb, &line, &len, &skipped));
	assert_string_equal(line, "2");		/* newest complete, no \r */
	assert_int_equal(skipped, 2);		/* "fg" and "1" */
	assert_int_equal(fleet_line_push(&lb, "\n", 1), 0);
	assert_true(fleet_line_last(&lb, &line, &len, &skipped));
	assert_string_equal(line, "3");
	/* Only empty lines: nothing. */
	assert_int_equal(fleet_line_push(&lb, "\n\n\r\n", 4), 0);
	assert_false(fleet_line_last(&lb, &line, &len, &skipped));
	/* An unfinished line longer than the maximum is refused, also when
	 * it arrives in pieces; a long complete line in one push is fine. */
	assert_int_equal(fleet_line_push(&lb, "0123456789", 10), 0);
	assert_int_equal(fleet_line_push(&lb, "0123456789", 10), XDOM_ENOMEM);
	fleet_line_dispose(&lb);
	assert_int_equal(fleet_line_push(&lb, "0123456789\nxyz", 14), 0);
	assert_true(fleet_line_last(&lb, &line, &len, &skipped));
	assert_string_equal(line, "0123456789");
	fleet_line_dispose(&lb);
	fleet_line_dispose(&lb);
}

static int
never_decode(const char *line, size_t len, struct snap *out,
    struct xdom_err *err)
{
	(void)line;
	(void)len;
	(void)out;
	return xdom_err_set(err, XDOM_EPROTO, "no lines expected");
}

/* A loopback port with a listener that never accepts (silent = true) or
 * nothing behind it (refused). Returns the port; *fd keeps the
 * listener open for the silent kind. */
static unsigned
local_port(bool silent, int *fd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	if (silent) {
		assert_int_equal(listen(s, 8), 0);
		*fd = s;
	} else {
		close(s);
		*fd = -1;
	}
	return ntohs(a.sin_port);
}

static void
test_opts_for_worker(struct fleet_opts *o)
{
	struct xdom_err err = {0};

	clear_env();
	assert_int_equal(fleet_opts_load(o, NULL, &err), 0);
	o->connect_timeout_ms = 1000;
	o->retry_min_ms = 200;
	o->retry_max_ms = 800;
	snprintf(o->known_hosts, sizeof o->known_hosts, "/dev/null");
}

/* "At once" for a call that must never wait on the host: far below the
 * 200 ms retry backoff and the 1 s connect timeout such a wait would
 * take, yet far above what a busy machine adds to a few microseconds. */
#define AT_ONCE_NS 150000000ull

static uint16_t
collect_one(struct fleet_host *h, struct snap *s, uint64_t *took_ns)
{
	uint64_t t0 = xdom_mono_ns();

	snap_reset(s);
	fleet_host_collect(h, s, xdom_mono_ns());
	*took_ns = xdom_mono_ns() - t0;
	assert_int_equal(s->n_host, 1);
	assert_int_equal(s->n_dom, 0);
	return (uint16_t)s->hosts[0].state;
}

static void
test_worker_refused(void **state)
{
	struct fleet_opts o;
	struct fleet_spec spec;
	struct xdom_err err = {0};
	struct fleet_host *h;
	struct snap s;
	uint64_t took, t0;
	char text[64];
	int fd, i, retrying = 0, max_wait = 0;
	uint64_t start;

	(void)state;
	test_opts_for_worker(&o);
	snprintf(text, sizeof text, "127.0.0.1:%u", local_port(false, &fd));
	assert_int_equal(fleet_spec_parse(text, &spec, &err), 0);
	snap_init(&s);
	h = fleet_host_start(&spec, &o, never_decode);
	assert_string_equal(fleet_host_label(h), text);
	/* 40 looks at least (2 s), longer if the first refusal is slow to
	 * come on a busy machine, 20 s at most. */
	start = xdom_mono_ns();
	for (i = 0; i < 40 || (retrying <= 10 &&
	    xdom_mono_ns() - start < 20000000000ull); i++) {
		int st = collect_one(h, &s, &took);

		assert_true(took < AT_ONCE_NS);	/* never waits on the host */
		assert_string_equal(s.hosts[0].name, text);
		if (st == SNAP_HOST_RETRYING) {
			retrying++;
			assert_non_null(strstr(s.hosts[0].status, "down: "));
			/* waiting, or trying again: still shown down */
			assert_true(strstr(s.hosts[0].status,
			    "retrying in ") != NULL ||
			    strstr(s.hosts[0].status, "retrying now") != NULL);
			if (strstr(s.hosts[0].status, "retrying in ") !=
			    NULL && strstr(s.hosts[0].status, "in 1 s") ==
			    NULL)
				max_wait = 1;
		} else
			assert_int_equal(st, SNAP_HOST_CONNECTING);
		usleep(50000);
	}
	assert_true(retrying > 10);
	/* The backoff grew beyond the first 200 ms: the counter rounds up,
	 * so only "1 s" shows for these short waits. */
	assert_int_equal(max_wait, 0);
	/* Actions on a host that is not up fail at once with its state. */
	t0 = xdom_mono_ns();
	assert_int_equal(fleet_host_action(h, "web01", HV_ACT_PAUSE, &err),
	    XDOM_EUNAVAIL);
	assert_true(xdom_mono_ns() - t0 < AT_ONCE_NS);
	assert_non_null(strstr(err.msg, "not up"));
	assert_int_equal(fleet_host_action(h, "bad;name", HV_ACT_PAUSE, &err),
	    XDOM_EINVAL);
	assert_false(fleet_host_has(h, "web01"));
	t0 = xdom_mono_ns();
	fleet_host_free(h);
	assert_true(xdom_mono_ns() - t0 < 500000000ull);
	snap_dispose(&s);
}

static void
test_worker_silent(void **state)
{
	struct fleet_opts o;
	struct fleet_spec spec;
	struct xdom_err err = {0};
	struct fleet_host *h;
	struct fleet_host_stats st;
	struct snap s;
	uint64_t took, t0;
	char text[64];
	int fd, i, seen_down = 0;

	(void)state;
	test_opts_for_worker(&o);
	snprintf(text, sizeof text, "127.0.0.1:%u", local_port(true, &fd));
	assert_int_equal(fleet_spec_parse(text, &spec, &err), 0);
	snap_init(&s);
	h = fleet_host_start(&spec, &o, never_decode);
	/* A host that takes the TCP connection but never speaks: the view
	 * keeps getting "connecting" at once, then "retrying" after the
	 * handshake timeout. */
	for (i = 0; i < 50 && !seen_down; i++) {
		int stt = collect_one(h, &s, &took);

		assert_true(took < AT_ONCE_NS);
		if (stt == SNAP_HOST_RETRYING)
			seen_down = 1;
		else
			assert_int_equal(stt, SNAP_HOST_CONNECTING);
		usleep(100000);
	}
	assert_true(seen_down);
	fleet_host_get_stats(h, &st);
	assert_int_equal(st.connects, 0);
	assert_int_equal(st.lines, 0);
	/* Freed while stuck in a handshake: returns within its bounded wait
	 * and the worker cleans up after itself. */
	for (i = 0; i < 100; i++) {
		/* a retry keeps the failure's state: trying says when */
		fleet_host_get_stats(h, &st);
		if (st.trying)
			break;
		usleep(20000);
	}
	assert_true(st.trying);
	assert_int_equal(collect_one(h, &s, &took), SNAP_HOST_RETRYING);
	assert_non_null(strstr(s.hosts[0].status, "retrying now"));
	t0 = xdom_mono_ns();
	fleet_host_free(h);
	assert_true(xdom_mono_ns() - t0 < 1500000000ull);
	close(fd);
	/* Give a detached worker its timeout to finish and free. */
	usleep(1200000);
	snap_dispose(&s);
}

static void
test_backends_refuse_bad_hosts(void **state)
{
	struct hv_open_opts o;
	struct xdom_err err = {0};
	struct hv *hv = NULL;

	(void)state;
	clear_env();
	memset(&o, 0, sizeof o);
	o.backend = "ssh";
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_EINVAL);
	o.hosts = "a,b";
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "fleet"));
	o.backend = "fleet";
	o.hosts = "good,bad host";
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "bad host 'bad host'"));
	o.hosts = NULL;
	o.hosts_file = "/nonexistent/hosts";
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_ENOENT);
	/* No hosts anywhere: a clear error, not an empty view. */
	o.hosts_file = NULL;
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	assert_int_equal(hv_open(&hv, &o, &err), XDOM_EINVAL);
	assert_non_null(strstr(err.msg, "--host"));
	unsetenv("XDG_CONFIG_HOME");
	assert_null(hv);
}

static void
test_fleet_backend_states(void **state)
{
	struct hv_open_opts o;
	struct xdom_err err = {0};
	struct hv *hv = NULL;
	struct snap s;
	char hosts[64], ref[160];
	int fd1, fd2;

	(void)state;
	clear_env();
	setenv("XDOM_KNOWN_HOSTS", "/dev/null", 1);
	snprintf(hosts, sizeof hosts, "127.0.0.1:%u,localhost:%u",
	    local_port(false, &fd1), local_port(false, &fd2));
	memset(&o, 0, sizeof o);
	o.backend = "fleet";
	o.hosts = hosts;
	assert_int_equal(hv_open(&hv, &o, &err), 0);
	assert_string_equal(hv_backend_name(hv), "fleet");
	assert_false(hv_simulated(hv));
	snap_init(&s);
	assert_int_equal(hv_snapshot(hv, HV_SNAP_ALL, &s, &err), 0);
	/* Every host is listed, in order, even with nothing from it. */
	assert_int_equal(s.n_host, 2);
	assert_int_equal(s.n_dom, 0);
	assert_memory_equal(s.hosts[0].name, "127.0.0.1:", 10);
	assert_memory_equal(s.hosts[1].name, "localhost:", 10);
	assert_true(s.mono_ns > 0);
	/* Routing: unknown hosts and names are refused without waiting. */
	assert_int_equal(hv_action(hv, "nohost:1/web01", HV_ACT_PAUSE, &err),
	    XDOM_ENOENT);
	assert_int_equal(hv_action(hv, "web01", HV_ACT_PAUSE, &err),
	    XDOM_ENOENT);
	snprintf(ref, sizeof ref, "%s/web01", s.hosts[0].name);
	assert_int_equal(hv_action(hv, ref, HV_ACT_PAUSE, &err),
	    XDOM_EUNAVAIL);
	/* hv_dom_ref() names the host for these backends. */
	snap_add_dom(&s, 1, 7, "web01");
	hv_dom_ref(hv, &s, &s.dom[0], ref, sizeof ref);
	assert_memory_equal(ref, s.hosts[1].name, strlen(s.hosts[1].name));
	assert_string_equal(ref + strlen(s.hosts[1].name), "/web01");
	hv_close(hv);
	snap_dispose(&s);
	unsetenv("XDOM_KNOWN_HOSTS");
}

/* xdom top's --host and --hosts: checked before anything opens, and not
 * offered to xdom-shell's restricted dashboard at all. */
static void
test_top_host_flags(void **state)
{
	struct hv_open_opts o;
	char a0[] = "top", a1[] = "--host", a2[] = "127.0.0.1:1", a3[] = "-b";
	char b2[] = "bad host", c1[] = "--hosts", c2[] = "/nonexistent/hosts";
	char *ok_args[] = { a0, a1, a2, a3, NULL };
	char *bad_args[] = { a0, a1, b2, a3, NULL };
	char *file_args[] = { a0, c1, c2, a3, NULL };

	(void)state;
	clear_env();
	memset(&o, 0, sizeof o);
	o.backend = "sim";
	/* Restricted: refused as usage, whatever the spec. */
	assert_int_equal(top_main(4, ok_args, &o, TOP_MODE_RESTRICTED), 2);
	assert_int_equal(top_main(4, file_args, &o, TOP_MODE_RESTRICTED), 2);
	/* Admin: a bad spec is a usage error; a missing hosts file fails. */
	assert_int_equal(top_main(4, bad_args, &o, TOP_MODE_ADMIN), 2);
	assert_int_equal(top_main(4, file_args, &o, TOP_MODE_ADMIN), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_valid),
		cmocka_unit_test(test_spec_invalid),
		cmocka_unit_test(test_spec_list),
		cmocka_unit_test(test_spec_list_limit),
		cmocka_unit_test(test_hosts_file),
		cmocka_unit_test(test_hosts_default_path),
		cmocka_unit_test(test_cmd_valid),
		cmocka_unit_test(test_action_cmd),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_line_framing),
		cmocka_unit_test(test_worker_refused),
		cmocka_unit_test(test_worker_silent),
		cmocka_unit_test(test_backends_refuse_bad_hosts),
		cmocka_unit_test(test_fleet_backend_states),
		cmocka_unit_test(test_top_host_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
