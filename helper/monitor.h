/*
 * monitor.h - the monitor's state, shared by server.c (fronts, requests,
 * the loop) and work.c (workers and relayed consoles). Only those two
 * include it.
 */
#ifndef XDOM_HELPER_MONITOR_H
#define XDOM_HELPER_MONITOR_H

#include "helper/xdomd.h"

#define MON_RELAY_MAX (256 * 1024)	/* pending bytes before backpressure */
#define MON_WORKER_MSG (64 * 1024)	/* largest frame a worker sends */
#define MON_KEEPALIVE_MS 2000		/* silence before repeating progress */
#define MON_CONSOLE_CHECK_MS 1000	/* a console's right, checked again */
#define MON_CONSOLE_IN_MAX (64 * 1024)	/* keystrokes waiting for the pty */
#define MON_FRONT_IN (MW_IN_MAX * 8)	/* read from a front at once */

/* One calling uid: its front process and what it has open. */
struct mfront {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int fd;			/* stream: typed messages both ways */
	int ctl;		/* seqpacket: client sockets handed over */
	struct pbuf out;	/* messages to the front */
	uint8_t *in;		/* MW_IN_MAX * 8 bytes from the front */
	size_t in_len;
	size_t n_conn;		/* its clients (and conns still finishing) */
	size_t n_live;		/* ... of which the client is still there */
	size_t n_consoles;	/* open consoles */
	int64_t empty_since;	/* n_live dropped to 0, ms */
	bool dead;		/* channels closed; freed with its last conn */
	int *pend_fd;		/* client sockets not handed over yet */
	uint32_t *pend_id;	/* ... and their numbers */
	size_t n_pend, cap_pend;
	struct ident id;	/* user and groups, as last read */
	int64_t id_ms;		/* when they were read */
};

/* One client connection, as the monitor knows it. */
struct mconn {
	uint32_t id;		/* (generation << 16) | slot */
	struct mfront *f;
	pid_t pid;		/* the client's, for the audit line */
	bool busy;		/* a request is being answered */
	bool gone;		/* the client left (or its front died) */
	/* the worker serving the current request */
	pid_t worker;		/* 0 when none */
	int wfd;		/* socketpair to it, -1 when none */
	uint8_t *win;		/* PROTO_HDR_LEN + MON_WORKER_MSG, while one
				   runs */
	size_t win_len;
	int64_t worker_deadline;
	int64_t worker_said;	/* last frame relayed from the worker, ms */
	unsigned ka_permille;	/* the last progress, repeated while the */
	char ka_stage[PROTO_STAGE_MAX + 1];	/* worker is silent */
	struct proto_req req;	/* the request being served */
	/* a relayed console */
	int pty;		/* -1 when none */
	uint32_t domid;		/* the domain it was opened on */
	int64_t cons_checked;	/* its right last checked, ms */
	uint8_t *pin;		/* keystrokes not yet written */
	size_t pin_len;
};

struct ubucket {		/* what one uid may make the daemon write */
	uid_t uid;
	bool used;
	double tokens;
	int64_t at_ms;
	unsigned long dropped;
};

#define MON_BUCKETS 1024

struct server {
	struct xdomd *d;
	struct sandbox_user su;
	struct mconn **c;	/* max_connections slots, NULL when free */
	size_t n_slots, n_conn, n_live;
	size_t hw;		/* slots at or above this are all free */
	uint16_t gen;		/* connection numbers' generation */
	struct mfront **f;	/* fronts (max_connections at most) */
	size_t n_front;
	struct pbuf scratch;	/* a read's reply, before it is wrapped */
	struct pollfd *pfd;
	void **pown;		/* pfd[i]'s owner: a conn or a front */
	unsigned char *pkind;	/* enum mon_poll */
	int64_t last_full_log;
	struct ubucket buckets[MON_BUCKETS];
};

enum mon_poll { MON_P_FRONT, MON_P_WORKER, MON_P_PTY, MON_P_CTL };

/* budget.c */
/* Take one audit line's token from uid's bucket (*out: the bucket, when
 * not NULL); false, and counted as left out, when it is empty. */
bool mon_take_uid(struct server *s, uid_t uid, struct ubucket **out);
/* The record that c's action starts, written durably: 0, or the action
 * must be refused with err (bucket empty, audit file unwritable). */
int mon_audit_start(struct server *s, struct mconn *c, struct xdom_err *err);

/* accept.c */
/* Accept what waits on the listening socket and hand it to fronts. */
void mon_accept(struct server *s);
/* Pass f's queued client sockets on while its control socket takes them. */
void mon_handoff(struct server *s, struct mfront *f);

/* server.c */
/* Audit a request's outcome for c (rate-limited per uid). */
void mon_audit(struct server *s, struct mconn *c, const char *action,
    const char *domain, const char *reason, int rc, const char *msg,
    const char *result);
/* Send a frame to c's client (through its front); dropped when gone. */
void mon_send(struct server *s, struct mconn *c, unsigned flags,
    const void *frame, size_t n);
/* Send an error answering c's current request. */
void mon_error(struct server *s, struct mconn *c, int code, const char *msg,
    unsigned flags);
/* The caller's identity, groups re-read when older than the cache. */
const struct ident *mon_ident(struct server *s, struct mfront *f);

/* work.c */
/* Start a worker for c->req (limits, lock and audit checked already). */
int work_start(struct server *s, struct mconn *c, struct xdom_err *err);
/* Frames from c's worker. */
void work_read(struct server *s, struct mconn *c);
/* Keep-alive and the deadline of c's worker. */
void work_timeouts(struct server *s, struct mconn *c, int64_t now,
    int *next_ms);
/* Workers of uid running, and in total. */
size_t work_count(struct server *s, uid_t uid, size_t *total);
bool work_domain_locked(struct server *s, const char *name);
/* Console relay: pty readable or writable; keystrokes from the client. */
void work_pty(struct server *s, struct mconn *c, short revents);
void work_console_input(struct server *s, struct mconn *c,
    const uint8_t *p, size_t n);
/* Whether c's console may stay open; closes it (audited) when not. With
 * force, checked now rather than once a second. */
void work_console_check(struct server *s, struct mconn *c, int64_t now,
    bool force, int *next_ms);
/* End c's console: audited with why, the client's connection closed. */
void work_console_close(struct server *s, struct mconn *c, const char *why);
/* Reset signals in a new child of the monitor. */
void work_child_signals(void);

#endif
