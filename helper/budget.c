/*
 * budget.c - what one uid may make the daemon write: every audit line a
 * uid causes takes a token from its bucket (audit_rate a second, up to
 * audit_burst). A refusal or a read past the bucket is not written but
 * counted, and the count is written once there is room ("result=
 * suppressed"); an action past it is refused, since its start must be
 * recorded before it runs. The buckets outlive connections (a table of
 * MON_BUCKETS uids, the longest unused one replaced), so reconnecting
 * does not refill one.
 */
#include "helper/monitor.h"

#include <stdio.h>
#include <string.h>

static struct ubucket *
budget_bucket(struct server *s, uid_t uid, int64_t now)
{
	struct ubucket *b, *old = &s->buckets[0];
	size_t i;

	for (i = 0; i < MON_BUCKETS; i++) {
		b = &s->buckets[i];
		if (b->used && b->uid == uid)
			return b;
		if (!b->used || (old->used && b->at_ms < old->at_ms))
			old = b;
	}
	/* A new uid takes a free entry or the one unused longest (full by
	 * now, unless it was busy less than a burst's refill ago). */
	memset(old, 0, sizeof *old);
	old->used = true;
	old->uid = uid;
	old->tokens = (double)s->d->lim.audit_burst;
	old->at_ms = now;
	return old;
}

bool
mon_take_uid(struct server *s, uid_t uid, struct ubucket **out)
{
	int64_t now = server_now_ms();
	struct ubucket *b = budget_bucket(s, uid, now);
	double burst = (double)s->d->lim.audit_burst;

	b->tokens += (double)(now - b->at_ms) * (double)s->d->lim.audit_rate /
	    1000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at_ms = now;
	if (out != NULL)
		*out = b;
	if (b->tokens < 1.0) {
		b->dropped++;
		return false;
	}
	b->tokens -= 1.0;
	return true;
}

/* Take one line's token for c's uid; false when its bucket is empty.
 * Lines left out are counted, and the count written once there is
 * room again. */
static bool
budget_take(struct server *s, struct mconn *c)
{
	struct ubucket *b;
	struct audit_rec r;
	char msg[96];

	if (!mon_take_uid(s, c->f->uid, &b))
		return false;
	if (b->dropped > 0 && b->tokens >= 1.0) {
		b->tokens -= 1.0;
		snprintf(msg, sizeof msg, "%lu lines of this user not written "
		    "(audit_rate)", b->dropped);
		memset(&r, 0, sizeof r);
		r.id = mon_ident(s, c->f);
		r.pid = c->pid;
		r.action = "audit";
		r.rc = XDOM_EBUSY;
		r.msg = msg;
		r.result = "suppressed";
		audit_log(s->d, &r);
		b->dropped = 0;
	}
	return true;
}

void
mon_audit(struct server *s, struct mconn *c, const char *action,
    const char *domain, const char *reason, int rc, const char *msg,
    const char *result)
{
	struct audit_rec r;

	/* The result of an action that was audited as started is always
	 * written: its bucket paid for it then. */
	if (result == NULL && c->worker == 0 && !budget_take(s, c))
		return;
	memset(&r, 0, sizeof r);
	r.id = mon_ident(s, c->f);
	r.pid = c->pid;
	r.action = action;
	r.domain = domain;
	r.reason = reason;
	r.rc = rc;
	r.msg = msg;
	r.result = result;
	audit_log(s->d, &r);
}

/* The record that an action starts: durably written, or the action is
 * not done. */
int
mon_audit_start(struct server *s, struct mconn *c, struct xdom_err *err)
{
	struct audit_rec r;

	if (!budget_take(s, c))
		return xdom_err_set(err, XDOM_EBUSY, "too many requests from "
		    "this user; slow down");
	memset(&r, 0, sizeof r);
	r.id = mon_ident(s, c->f);
	r.pid = c->pid;
	r.action = proto_req_desc(c->req.type)->name;
	r.domain = c->req.name;
	r.reason = c->req.reason;
	r.result = "started";
	return audit_write(s->d, &r, true, err);
}

