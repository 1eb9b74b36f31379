/*
 * xdomd_client.c - a test client for xdomd (built by xdomd.sh): every
 * request through the client library, and hostile clients that speak the
 * protocol wrongly on purpose.
 *
 *   xdomd_client SOCKET whoami|list
 *   xdomd_client SOCKET info NAME
 *   xdomd_client SOCKET ACTION NAME [REASON]     boot, reboot, reset...
 *   xdomd_client SOCKET console NAME [REASON]    prints what the console
 *                                                says until "login:"
 *   xdomd_client SOCKET reimage NAME [shutdown]  prints progress lines
 *   xdomd_client SOCKET stats                    one line per domain
 *   xdomd_client SOCKET garbage|oversize|truncated|slow|badtype|badver
 *   xdomd_client SOCKET nulname|longname|hugestr  malformed names on the wire
 *   xdomd_client SOCKET noread N                 N requests, no reply read
 *   xdomd_client PATH syslog-sink FILE [SECONDS] a syslog stand-in: each
 *                                                datagram to PATH becomes
 *                                                a line of FILE
 *   xdomd_client SOCKET ids [NAME]               pipelined requests with
 *                                                chosen ids; prints the
 *                                                type and id of each answer
 *   xdomd_client SOCKET flood N [SECONDS]        N connections at once,
 *                                                held SECONDS
 *   xdomd_client SOCKET console-drop NAME        console, then vanish
 *   xdomd_client SOCKET sysrq NAME KEY           send one SysRq key
 *   xdomd_client SOCKET reimage-drop NAME        leave mid-re-image
 *   xdomd_client SOCKET reimage-drop-backup NAME leave during its backup
 *                                                (at its second message)
 *
 * Exit status: 0 success, 1 refused or failed (one line on stderr),
 * 2 usage; hostile modes print what the daemon answered.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/snap.h"
#include "hypervisor/remote/helper_client.h"

int main(int argc, char **argv);

static int
fail(const struct xdom_err *err)
{
	fprintf(stderr, "xdom: %s\n", xdom_err_msg(err));
	return 1;
}

static int
raw_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

/* Read one reply (5 s at most) and print its type and error text. */
static void
raw_answer(int fd)
{
	struct xdom_err err = {0}, got = {0};
	uint8_t buf[4096];
	struct pollfd p = {fd, POLLIN, 0};
	size_t have = 0;
	uint16_t type;
	uint32_t len;
	ssize_t n;

	while (have < sizeof buf && poll(&p, 1, 5000) == 1) {
		n = recv(fd, buf + have, sizeof buf - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	if (have < PROTO_HDR_LEN) {
		printf("closed without an answer\n");
		return;
	}
	if (proto_header_parse(buf, PROTO_MAX_MSG, &type, &len, NULL,
	    &err) != 0) {
		printf("bad answer: %s\n", err.msg);
		return;
	}
	if (type == PROTO_T_ERROR && have >= PROTO_HDR_LEN + len &&
	    proto_error_decode(buf + PROTO_HDR_LEN, len, &got, &err) == 0)
		printf("error %d: %s", got.code, got.msg);
	else
		printf("answer type %#x", type);
	/* Then the daemon must have closed the connection. */
	n = recv(fd, buf, sizeof buf, 0);
	printf(" | %s\n", n == 0 ? "closed" : "still open");
}

static void
raw_send(int fd, const void *p, size_t n)
{
	if (send(fd, p, n, MSG_NOSIGNAL) != (ssize_t)n)
		perror("send");
}

/* Read one whole frame (5 s at most); 0 when one came. */
static int
raw_frame(int fd, uint16_t *type, uint32_t *id)
{
	struct xdom_err err = {0};
	uint8_t hdr[PROTO_HDR_LEN], skip[512];
	struct pollfd p = {fd, POLLIN, 0};
	uint32_t len;
	size_t have = 0, want = sizeof hdr;
	ssize_t n;

	while (have < want && poll(&p, 1, 5000) == 1) {
		n = recv(fd, hdr + have, want - have, 0);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	if (have < want ||
	    proto_header_parse(hdr, PROTO_MAX_MSG, type, &len, id, &err) != 0)
		return -1;
	while (len > 0 && poll(&p, 1, 5000) == 1) {
		n = recv(fd, skip, len < sizeof skip ? len : sizeof skip, 0);
		if (n <= 0)
			return -1;
		len -= (uint32_t)n;
	}
	return len == 0 ? 0 : -1;
}

/* Send a request whose name is given raw (length-prefixed bytes). */
static void
raw_named(int fd, uint16_t type, const char *name, size_t name_len,
    uint16_t claimed_len)
{
	struct pbuf b;

	pbuf_init(&b, 70000);
	proto_frame_id_set(&b, 1);
	(void)proto_frame_begin(&b, type);
	(void)pbuf_put_u16(&b, claimed_len);
	(void)pbuf_put_bytes(&b, name, name_len);
	(void)pbuf_put_str(&b, "");
	(void)pbuf_put_u32(&b, 0);
	(void)proto_frame_end(&b);
	raw_send(fd, pbuf_ptr(&b), pbuf_avail(&b));
	pbuf_dispose(&b);
}

/* Requests sent back to back with ids 41, 42 (and 43: reboot NAME). */
static int
raw_ids(int fd, const char *name)
{
	struct xdom_err err = {0};
	struct proto_req r;
	struct pbuf b;
	uint16_t type;
	uint32_t id;
	int i, n = 2;

	pbuf_init(&b, 4096);
	memset(&r, 0, sizeof r);
	r.type = PROTO_T_WHOAMI;
	r.id = 41;
	(void)proto_req_encode(&b, &r, &err);
	r.type = PROTO_T_LIST;
	r.id = 42;
	(void)proto_req_encode(&b, &r, &err);
	if (name != NULL) {
		r.type = PROTO_T_REBOOT;
		r.id = 43;
		snprintf(r.name, sizeof r.name, "%s", name);
		(void)proto_req_encode(&b, &r, &err);
		n = 3;
	}
	raw_send(fd, pbuf_ptr(&b), pbuf_avail(&b));
	pbuf_dispose(&b);
	for (i = 0; i < n; i++) {
		/* Progress first (a long action kept alive), then one answer. */
		do {
			if (raw_frame(fd, &type, &id) != 0) {
				printf("no answer %d\n", i + 1);
				return 1;
			}
			printf("answer %#x id %u\n", type, id);
		} while (type == PROTO_T_PROGRESS);
	}
	return 0;
}

/* Receive syslog datagrams on path for at most seconds (default 60). */
static int
syslog_sink(const char *path, const char *file, const char *seconds)
{
	struct sockaddr_un sa;
	char buf[8192];
	time_t until = time(NULL) + (seconds != NULL ? atoi(seconds) : 60);
	FILE *out;
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    chmod(path, 0666) != 0 || (out = fopen(file, "a")) == NULL) {
		perror(path);
		return 1;
	}
	while (time(NULL) < until) {
		struct pollfd p = {fd, POLLIN, 0};

		if (poll(&p, 1, 500) != 1)
			continue;
		n = recv(fd, buf, sizeof buf - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
	fclose(out);
	unlink(path);
	return 0;
}

static int
hostile(const char *path, const char *mode, char **rest)
{
	static const uint8_t whoami[] = {0, 0, 0, 6, 0, PROTO_VERSION, 0, 1,
	    0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	char big[300];
	uint8_t hdr[PROTO_HDR_LEN];
	int fd, i, n, *fds;

	if (strcmp(mode, "flood") == 0) {
		n = rest[0] != NULL ? atoi(rest[0]) : 200;
		fds = calloc((size_t)n, sizeof *fds);
		for (i = 0; i < n; i++) {
			fds[i] = raw_connect(path);
			/* Half of them start a request and stall. */
			if (i % 2 == 0)
				raw_send(fds[i], whoami, 5);
		}
		printf("opened %d\n", n);
		fflush(stdout);
		/* Held open for a while when asked, so xdomd sees them all. */
		if (rest[0] != NULL && rest[1] != NULL)
			sleep((unsigned)atoi(rest[1]));
		for (i = 0; i < n; i++)
			close(fds[i]);
		free(fds);
		return 0;
	}
	fd = raw_connect(path);
	if (strcmp(mode, "garbage") == 0) {
		raw_send(fd, "GET / HTTP/1.0\r\n\r\n", 18);
	} else if (strcmp(mode, "oversize") == 0) {
		memcpy(hdr, (uint8_t[]){0x7f, 0xff, 0xff, 0xff, 0,
		    PROTO_VERSION, 0, 1, 0, 0, 0, 1}, sizeof hdr);
		raw_send(fd, hdr, sizeof hdr);
	} else if (strcmp(mode, "badtype") == 0) {
		memcpy(hdr, (uint8_t[]){0, 0, 0, 0, 0, PROTO_VERSION, 0x80, 1,
		    0, 0, 0, 1}, sizeof hdr);
		raw_send(fd, hdr, sizeof hdr);
	} else if (strcmp(mode, "badver") == 0) {
		memcpy(hdr, (uint8_t[]){0, 0, 0, 6, 0, 9, 0, 1, 0, 0, 0, 1},
		    sizeof hdr);
		raw_send(fd, hdr, sizeof hdr);
	} else if (strcmp(mode, "nulname") == 0) {
		/* "web02\0x": a NUL inside the name. */
		raw_named(fd, PROTO_T_REBOOT, "web02\0x", 7, 7);
	} else if (strcmp(mode, "longname") == 0) {
		memset(big, 'a', sizeof big);
		raw_named(fd, PROTO_T_REBOOT, big, sizeof big, sizeof big);
	} else if (strcmp(mode, "hugestr") == 0) {
		/* A string length far beyond the payload it sits in. */
		raw_named(fd, PROTO_T_REBOOT, "web02", 5, 0xffff);
	} else if (strcmp(mode, "noread") == 0) {
		/* Requests sent, answers never read: xdomd must not buffer
		 * them without bound, and must give up on us. */
		struct proto_req r;
		struct pbuf b;
		struct xdom_err err = {0};

		struct timeval tv = {1, 0};

		/* Sends block (1 s at most) once xdomd stops reading us,
		 * which it does when its answer cannot be written. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		n = rest[0] != NULL ? atoi(rest[0]) : 1000;
		memset(&r, 0, sizeof r);
		r.type = PROTO_T_LIST;
		for (i = 0; i < n; i++) {
			pbuf_init(&b, 256);
			r.id = (uint32_t)i + 1;
			(void)proto_req_encode(&b, &r, &err);
			if (send(fd, pbuf_ptr(&b), pbuf_avail(&b),
			    MSG_NOSIGNAL) < 0) {
				pbuf_dispose(&b);
				break;
			}
			pbuf_dispose(&b);
		}
		printf("sent %d requests\n", i);
		fflush(stdout);
		/* Until xdomd hangs up (it cannot write; it must time out). */
		for (n = 0; n < 30; n++) {
			struct pollfd p = {fd, POLLRDHUP, 0};

			if (poll(&p, 1, 1000) == 1 && (p.revents &
			    (POLLRDHUP | POLLHUP | POLLERR)))
				break;
		}
		printf("%s\n", n < 30 ? "xdomd hung up" : "still connected");
		close(fd);
		return 0;
	} else if (strcmp(mode, "ids") == 0) {
		n = raw_ids(fd, rest[0]);
		close(fd);
		return n;
	} else if (strcmp(mode, "truncated") == 0) {
		/* A header promising 6 bytes, 3 sent, then gone. */
		raw_send(fd, whoami, PROTO_HDR_LEN + 3);
		close(fd);
		printf("sent and left\n");
		return 0;
	} else if (strcmp(mode, "slow") == 0) {
		/* One byte, then silence: the daemon's request timeout. */
		raw_send(fd, whoami, 1);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	raw_answer(fd);
	close(fd);
	return 0;
}

static int
print_progress(void *arg, unsigned pm, const char *stage)
{
	int *drop = arg;

	printf("progress %u %s\n", pm, stage);
	fflush(stdout);
	/* 1: leave once the work has begun; 2, 3: leave at the second
	 * "backup" (the backup command is running by then). */
	if (*drop >= 2 && strcmp(stage, "backup") == 0)
		return (*drop)++ == 3;
	return *drop == 1 && pm > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct xdom_err err = {0};
	struct helper_client *c = NULL;
	struct proto_whoami w;
	struct proto_guest_list l;
	struct hv_info in;
	struct snap s;
	enum hv_action a;
	const char *sock, *cmd, *name, *reason;
	char buf[4096], acts[256];
	size_t i, have = 0;
	int rc = 0, fd, drop = 0;

	if (argc < 3) {
		fputs("usage: xdomd_client SOCKET COMMAND [ARGS]\n", stderr);
		return 2;
	}
	sock = argv[1];
	cmd = argv[2];
	name = argc > 3 ? argv[3] : NULL;
	reason = argc > 4 ? argv[4] : NULL;
	if (strcmp(cmd, "syslog-sink") == 0)
		return syslog_sink(sock, name, reason);
	snprintf(buf, sizeof buf, " %.64s ", cmd);
	if (strstr(" garbage oversize truncated slow flood badtype badver "
	    "nulname longname hugestr ids noread ", buf) != NULL)
		return hostile(sock, cmd, argv + 3);
	if (helper_connect(&c, sock, &err) != 0)
		return fail(&err);
	if (strcmp(cmd, "whoami-twice") == 0) {
		/* Two requests with a pause between: the second must work
		 * even if xdomd closed the idle connection meanwhile. */
		if ((rc = helper_whoami(c, &w, &err)) == 0) {
			sleep(name != NULL ? (unsigned)atoi(name) : 2);
			rc = helper_whoami(c, &w, &err);
		}
		if (rc == 0)
			printf("second whoami: user=%s\n", w.user);
	} else if (strcmp(cmd, "whoami") == 0) {
		if ((rc = helper_whoami(c, &w, &err)) == 0) {
			printf("uid=%u user=%s backend=%s%s groups=", w.uid,
			    w.user, w.backend, w.simulated ? " SIMULATED" :
			    "");
			for (i = 0; i < w.n_groups; i++)
				printf("%s%s", i ? "," : "", w.groups[i]);
			printf("\n");
		}
	} else if (strcmp(cmd, "list") == 0) {
		if ((rc = helper_list(c, &l, &err)) == 0) {
			for (i = 0; i < l.n; i++) {
				policy_actions_format(l.g[i].allowed, acts,
				    sizeof acts);
				printf("%s %s %s", l.g[i].name,
				    l.g[i].running ? "running" : "stopped",
				    acts);
				policy_actions_format(l.g[i].need_reason, acts,
				    sizeof acts);
				printf(" reason:%s\n", acts[0] ? acts : "-");
			}
			proto_guest_list_dispose(&l);
		}
	} else if (strcmp(cmd, "info") == 0) {
		if ((rc = helper_info(c, name, &in, &err)) == 0)
			printf("%s %s vcpus=%u config=%s\n", in.name,
			    in.running ? "running" : "stopped", in.vcpus,
			    in.config_path);
	} else if (strcmp(cmd, "stats") == 0) {
		snap_init(&s);
		if ((rc = helper_stats(c, HV_SNAP_ALL, &s, &err)) == 0) {
			printf("hosts=%zu mem_total=%llu pcpus=%u\n", s.n_host,
			    s.n_host ? (unsigned long long)
			    s.hosts[0].mem_total_kb : 0ull,
			    s.n_host ? s.hosts[0].n_pcpu : 0);
			for (i = 0; i < s.n_dom; i++)
				printf("dom %s\n", snap_dom_name(&s, &s.dom[i]));
		}
		snap_dispose(&s);
	} else if (strcmp(cmd, "console") == 0 ||
	    strcmp(cmd, "console-drop") == 0) {
		if ((rc = helper_console(c, name, reason, &fd, &err)) == 0) {
			struct pollfd p = {fd, POLLIN, 0};
			ssize_t n;

			if (strcmp(cmd, "console-drop") == 0) {
				/* Vanish with the console open. */
				_exit(0);
			}
			(void)!write(fd, "\r", 1);
			while (have < sizeof buf - 1 && poll(&p, 1, 5000) == 1) {
				n = read(fd, buf + have, sizeof buf - 1 - have);
				if (n <= 0)
					break;
				have += (size_t)n;
				buf[have] = '\0';
				if (strstr(buf, "login:") != NULL)
					break;
			}
			buf[have] = '\0';
			printf("%s\n", strstr(buf, "login:") ? "saw login:" :
			    "no login prompt");
			close(fd);
		}
	} else if (strcmp(cmd, "console-hold") == 0) {
		/* Open a console and keep it until xdomd ends it or the time
		 * is up: "console open", then how it ended. */
		unsigned secs = argc > 5 ? (unsigned)atoi(argv[5]) : 10;

		if ((rc = helper_console(c, name, reason, &fd, &err)) == 0) {
			struct pollfd p = {fd, POLLIN, 0};
			time_t end = time(NULL) + (time_t)secs;
			bool ended = false;

			printf("console open\n");
			fflush(stdout);
			while (!ended && time(NULL) < end &&
			    poll(&p, 1, 200) >= 0) {
				if ((p.revents & (POLLIN | POLLHUP)) != 0 &&
				    read(fd, buf, sizeof buf) <= 0)
					ended = true;
			}
			printf("%s\n", ended ? "console ended by xdomd" :
			    "console still open");
			close(fd);
		}
	} else if (strcmp(cmd, "reset-twice") == 0) {
		/* Two resets on one connection, a pause between. */
		rc = helper_action(c, name, HV_ACT_RESET, reason, &err);
		printf("first: %s\n", rc == 0 ? "done" : err.msg);
		fflush(stdout);
		sleep(argc > 5 ? (unsigned)atoi(argv[5]) : 2);
		rc = helper_action(c, name, HV_ACT_RESET, reason, &err);
		printf("second: %s\n", rc == 0 ? "done" : err.msg);
	} else if (strcmp(cmd, "reimage") == 0 ||
	    strcmp(cmd, "reimage-drop") == 0 ||
	    strcmp(cmd, "reimage-drop-backup") == 0) {
		drop = strcmp(cmd, "reimage-drop") == 0 ? 1 :
		    strcmp(cmd, "reimage-drop-backup") == 0 ? 2 : 0;
		rc = helper_reimage(c, name, argc > 4 &&
		    strcmp(argv[4], "shutdown") == 0, NULL, print_progress,
		    &drop, &err);
		if (rc == 0)
			printf("reimaged\n");
	} else if (strcmp(cmd, "sysrq") == 0) {
		if (reason == NULL || strlen(reason) != 1) {
			fputs("usage: xdomd_client SOCKET sysrq NAME KEY\n",
			    stderr);
			helper_disconnect(c);
			return 2;
		}
		if ((rc = helper_sysrq(c, name, reason[0], NULL, &err)) == 0)
			printf("%s: sent SysRq %c\n", name, reason[0]);
	} else if (hv_action_parse(cmd, &a) == 0) {
		if ((rc = helper_action(c, name, a, reason, &err)) == 0)
			printf("%s: %s done\n", name, cmd);
	} else {
		fprintf(stderr, "unknown command %s\n", cmd);
		helper_disconnect(c);
		return 2;
	}
	helper_disconnect(c);
	return rc == 0 ? 0 : fail(&err);
}
