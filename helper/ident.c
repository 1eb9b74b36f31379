/*
 * ident.c - who is calling. The uid and gid come from the kernel
 * (SO_PEERCRED), never from a message; names and groups come from the
 * system's user database (getpwuid_r, getgrouplist, getgrgid_r): the
 * process's own gid and groups are reported but grant nothing.
 */
#include "helper/xdomd.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xmalloc.h"

#define IDENT_BUF 16384

void
ident_dispose(struct ident *id)
{
	free(id->groups);
	free(id->group_ptrs);
	id->groups = NULL;
	id->group_ptrs = NULL;
	id->n_groups = 0;
}

/* Append the name of group g, unless it is unnamed or already there. */
static void
ident_add_group(struct ident *id, gid_t g, char *buf, size_t buflen)
{
	struct group gr, *res = NULL;
	size_t i;

	if (id->n_groups >= XDOMD_MAX_GROUPS)
		return;
	if (getgrgid_r(g, &gr, buf, buflen, &res) != 0 || res == NULL)
		return;
	if (strlen(gr.gr_name) > PROTO_USER_MAX)
		return;
	for (i = 0; i < id->n_groups; i++)
		if (strcmp(id->groups[i], gr.gr_name) == 0)
			return;
	strcpy(id->groups[id->n_groups++], gr.gr_name);
}

void
ident_from_ids(uid_t uid, gid_t gid, pid_t pid, struct ident *id)
{
	struct passwd pw, *res = NULL;
	gid_t gl[XDOMD_MAX_GROUPS];
	int ng = XDOMD_MAX_GROUPS, i;
	char *buf;

	memset(id, 0, sizeof *id);
	id->uid = uid;
	id->gid = gid;
	id->pid = pid;
	id->groups = xcalloc(XDOMD_MAX_GROUPS, sizeof *id->groups);
	id->group_ptrs = xcalloc(XDOMD_MAX_GROUPS, sizeof *id->group_ptrs);
	buf = xmalloc(IDENT_BUF);
	if (getpwuid_r(uid, &pw, buf, IDENT_BUF, &res) == 0 && res != NULL &&
	    strlen(pw.pw_name) <= PROTO_USER_MAX) {
		strcpy(id->user, pw.pw_name);
		/* Groups as the user database says now, from the user's own
		 * primary group, not as the client process holds them: a
		 * user removed from helpdesk loses its rights at the next
		 * connection, and a gid gained through a set-gid program
		 * (crontab, ssh-agent...) or newgrp is not a membership. */
		if (getgrouplist(pw.pw_name, pw.pw_gid, gl, &ng) < 0)
			ng = XDOMD_MAX_GROUPS;
		for (i = 0; i < ng; i++)
			ident_add_group(id, gl[i], buf, IDENT_BUF);
	}
	/* A uid the user database does not know is no user and in no
	 * group: no rule can match it. */
	/* Room for every group was only needed while collecting them:
	 * a connection keeps what its caller has (most have a few). */
	id->groups = xreallocarray(id->groups, id->n_groups + 1,
	    sizeof *id->groups);
	id->group_ptrs = xreallocarray(id->group_ptrs, id->n_groups + 1,
	    sizeof *id->group_ptrs);
	for (i = 0; i < (int)id->n_groups; i++)
		id->group_ptrs[i] = id->groups[i];
	free(buf);
}

int
ident_from_socket(int fd, struct ident *id, struct xdom_err *err)
{
	struct ucred uc;
	socklen_t len = sizeof uc;

	memset(id, 0, sizeof *id);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 ||
	    len != sizeof uc)
		return xdom_err_errno(err, XDOM_EIO, errno, "SO_PEERCRED");
	ident_from_ids(uc.uid, uc.gid, uc.pid, id);
	return 0;
}

void
ident_subject(const struct ident *id, struct policy_subject *who)
{
	/* A uid without a name matches no user: rule. */
	who->user = id->user[0] != '\0' ? id->user : NULL;
	who->groups = id->group_ptrs;
	who->n_groups = id->n_groups;
}
