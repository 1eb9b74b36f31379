/*
 * cmds_res.c - xdom-shell's resource commands: vcpus, memory, maxmem,
 * attach, detach, save, restore (rows in cmds.c's table).
 *
 * The customer names the guest, a number or size, and for attach an
 * image name and a virtual device: never a path. Through xdomd (the
 * helper backend, always in production) the calls carry the audit
 * reason and xdomd picks every file (its block_dir and save_dir); on
 * another backend the shell takes the same one path xdomd takes
 * (hypervisor/hv_res.h, confined, with the config's directories), so
 * both behave alike.
 *
 * Confirmation: what takes something away from a running guest asks
 * first (memory below its current size, detach, save, which stops it);
 * what only adds (more memory, vcpus, maxmem, attach) and restore do
 * not. A declined question changes nothing.
 */
#include "shell/shell.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/policy.h"
#include "core/resdir.h"
#include "core/vdev.h"
#include "hypervisor/hv_res.h"
#include "hypervisor/remote/helper_client.h"

#define RES_ESC_LEN (4 * XDOM_NAME_MAX + 8)

enum res_kind { RES_SET = 0, RES_ATTACH, RES_DETACH, RES_SAVE, RES_RESTORE };

/* One request, as every backend takes it. */
struct res_op {
	enum res_kind kind;
	enum hv_resource res;	/* RES_SET */
	uint64_t value;		/* RES_SET: count or KiB */
	const char *image;	/* RES_ATTACH */
	const char *vdev;	/* RES_ATTACH, RES_DETACH */
	bool writable;		/* RES_ATTACH */
};

/* The one path's request kind for each of ours. */
static const enum hv_res_kind res_kinds[] = {
	[RES_SET] = HV_RESOP_SET,
	[RES_ATTACH] = HV_RESOP_ATTACH,
	[RES_DETACH] = HV_RESOP_DETACH,
	[RES_SAVE] = HV_RESOP_SAVE,
	[RES_RESTORE] = HV_RESOP_RESTORE,
};

/* Send op for guest name without xdomd: the one path (hv_res.h), with
 * the config's directories and the same confinement as xdomd's. */
static int
res_direct(struct shell *sh, const char *name, const struct res_op *op,
    struct xdom_err *err)
{
	const struct conf *conf = sh->hvo.conf;
	struct hv_res_dirs dirs;
	struct hv_res_req r;

	memset(&dirs, 0, sizeof dirs);
	dirs.save_dir = resdir_save_dir(conf);
	dirs.block_dir = resdir_block_dir(conf);
	dirs.confined = true;
	memset(&r, 0, sizeof r);
	r.kind = res_kinds[op->kind];
	r.name = name;
	r.res = op->res;
	r.value = op->value;
	r.image = op->image;
	r.vdev = op->vdev;
	r.writable = op->writable;
	return hv_res_apply(sh->hv, &dirs, &r, err);
}

/* Send op, asking for a reason when the policy wants one. */
static int
res_send(struct shell *sh, struct shell_call *c, const struct res_op *op)
{
	struct helper_client *hc = hv_helper_client(sh->hv);
	struct xdom_err err = { 0 };
	int rc;

	do {
		xdom_err_clear(&err);
		if (hc == NULL)
			rc = res_direct(sh, c->dom, op, &err);
		else if (op->kind == RES_SET)
			rc = helper_set_resource(hc, c->dom, op->res, op->value,
			    c->reason, &err);
		else if (op->kind == RES_ATTACH)
			rc = helper_block_attach(hc, c->dom, op->image,
			    op->vdev, op->writable, c->reason, &err);
		else if (op->kind == RES_DETACH)
			rc = helper_block_detach(hc, c->dom, op->vdev,
			    c->reason, &err);
		else if (op->kind == RES_SAVE)
			rc = helper_save(hc, c->dom, c->reason, &err);
		else
			rc = helper_restore(hc, c->dom, c->reason, &err);
	} while (shell_want_reason(sh, c, rc));
	if (rc == XDOM_EREASON)
		return rc;	/* shell_want_reason said why */
	/* A value this guest cannot take is a refusal (exit 1), as with
	 * xdom; what is malformed was caught before anything was sent. */
	if (rc == XDOM_EINVAL)
		rc = XDOM_ESTATE;
	if (rc != 0)
		return shell_fail(sh, rc, "%s", xdom_err_msg(&err));
	sh->guests_valid = false;
	return 0;
}

/* Ask a y/N question about guest esc; false (after saying so) unless
 * the answer is yes. */
static bool
res_confirm(struct shell *sh, const char *question, const char *esc)
{
	char answer[SHELL_LINE_MAX + 1];

	if (sh->ask == NULL || sh->ask(sh, question, answer,
	    sizeof answer) != 0 || !shell_confirm_yes(answer)) {
		shell_fail(sh, XDOM_EPERM, "%s: not confirmed: nothing was "
		    "changed", esc);
		return false;
	}
	return true;
}

int
shell_cmd_vcpus(struct shell *sh, struct shell_call *c)
{
	struct res_op op = { RES_SET, HV_RES_VCPUS, 0, NULL, NULL, false };
	const char *s = c->argv[0];
	char esc[RES_ESC_LEN];
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	for (; *s >= '0' && *s <= '9' && op.value <= 4096; s++)
		op.value = op.value * 10 + (uint64_t)(*s - '0');
	if (*s != '\0' || s == c->argv[0] || op.value < 1 ||
	    op.value > 4096)
		return shell_fail(sh, XDOM_EINVAL, "vcpus: give a whole number "
		    "of vcpus from 1 up to the guest's maximum (usage: %s)",
		    c->cmd->usage);
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: %" PRIu64 " vcpu%s online\n", esc, op.value,
	    op.value == 1 ? "" : "s");
	return 0;
}

/* memory and maxmem: parse SIZE (MiB unless k, m, g or t follows). */
static int
res_memory(struct shell *sh, struct shell_call *c, enum hv_resource r)
{
	struct res_op op = { RES_SET, r, 0, NULL, NULL, false };
	struct xdom_err err = { 0 };
	struct hv_info in;
	char esc[RES_ESC_LEN], a[24], b[24], q[RES_ESC_LEN + 96];
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	if (memsize_parse(c->argv[0], &op.value, &err) != 0)
		return shell_fail(sh, XDOM_EINVAL, "%s: %s (usage: %s)",
		    c->cmd->name, xdom_err_msg(&err), c->cmd->usage);
	if (op.value == 0)
		return shell_fail(sh, XDOM_EINVAL, "%s: a guest needs more "
		    "than no memory", c->cmd->name);
	/* Less memory than it has now can starve a running guest. */
	if (r == HV_RES_MEM && hv_info(sh->hv, c->dom, &in, &err) == 0 &&
	    in.running && op.value < in.mem_kb) {
		snprintf(q, sizeof q, "Shrink %s's memory from %s to %s (its "
		    "programs may run out)? [y/N] ", esc,
		    memsize_format(in.mem_kb, a, sizeof a),
		    memsize_format(op.value, b, sizeof b));
		if (!res_confirm(sh, q, esc))
			return XDOM_EPERM;
	}
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: %s %s\n", esc, r == HV_RES_MEM ? "memory" :
	    "maximum memory", memsize_format(op.value, a, sizeof a));
	return 0;
}

int
shell_cmd_memory(struct shell *sh, struct shell_call *c)
{
	return res_memory(sh, c, HV_RES_MEM);
}

int
shell_cmd_maxmem(struct shell *sh, struct shell_call *c)
{
	return res_memory(sh, c, HV_RES_MAXMEM);
}

/* The flags of attach, in cmds.c's row: ro, rw. */
#define RES_FLAG_RO 1u
#define RES_FLAG_RW 2u

int
shell_cmd_attach(struct shell *sh, struct shell_call *c)
{
	struct res_op op = { RES_ATTACH, HV_RES_VCPUS, 0, NULL, NULL, true };
	struct xdom_err err = { 0 };
	char esc[RES_ESC_LEN], e2[RES_ESC_LEN];
	uint32_t dev;
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	if ((c->flags & RES_FLAG_RO) && (c->flags & RES_FLAG_RW))
		return shell_fail(sh, XDOM_EINVAL, "attach: ro or rw, not "
		    "both");
	op.writable = (c->flags & RES_FLAG_RO) == 0;
	op.image = c->argv[0];
	op.vdev = c->argv[1];
	if (!xdom_name_valid(op.image))
		return shell_fail(sh, XDOM_EINVAL, "attach: '%s' is not an "
		    "image name: name one of the images provided for your "
		    "guest, not a path", shell_esc(e2, sizeof e2, op.image));
	if (vdev_parse(op.vdev, &dev, &err) != 0)
		return shell_fail(sh, XDOM_EINVAL, "attach: %s",
		    xdom_err_msg(&err));
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: %s attached as %s (%s)\n", esc,
	    shell_esc(e2, sizeof e2, op.image), op.vdev,
	    op.writable ? "read-write" : "read-only");
	return 0;
}

int
shell_cmd_detach(struct shell *sh, struct shell_call *c)
{
	struct res_op op = { RES_DETACH, HV_RES_VCPUS, 0, NULL, NULL, false };
	struct xdom_err err = { 0 };
	char esc[RES_ESC_LEN], q[RES_ESC_LEN + 96];
	uint32_t dev;
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	op.vdev = c->argv[0];
	if (vdev_parse(op.vdev, &dev, &err) != 0)
		return shell_fail(sh, XDOM_EINVAL, "detach: %s",
		    xdom_err_msg(&err));
	snprintf(q, sizeof q, "Detach %s from %s (unmount it in the guest "
	    "first)? [y/N] ", op.vdev, esc);
	if (!res_confirm(sh, q, esc))
		return XDOM_EPERM;
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: %s detached\n", esc, op.vdev);
	return 0;
}

int
shell_cmd_save(struct shell *sh, struct shell_call *c)
{
	struct res_op op = { RES_SAVE, HV_RES_VCPUS, 0, NULL, NULL, false };
	char esc[RES_ESC_LEN], q[RES_ESC_LEN + 96];
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	snprintf(q, sizeof q, "Save %s's state and stop it ('restore' "
	    "starts it again)? [y/N] ", esc);
	if (!res_confirm(sh, q, esc))
		return XDOM_EPERM;
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: saved and stopped; 'restore' starts it again "
	    "where it was\n", esc);
	return 0;
}

int
shell_cmd_restore(struct shell *sh, struct shell_call *c)
{
	struct res_op op = { RES_RESTORE, HV_RES_VCPUS, 0, NULL, NULL, false };
	char esc[RES_ESC_LEN];
	int rc;

	shell_esc(esc, sizeof esc, c->dom);
	if ((rc = res_send(sh, c, &op)) != 0)
		return rc;
	fprintf(sh->out, "%s: restored, running again\n", esc);
	return 0;
}

uint32_t
shell_rights(struct shell *sh)
{
	struct helper_client *hc = hv_helper_client(sh->hv);
	struct xdom_err err = { 0 };
	struct proto_guest_list l;
	uint32_t any = 0;
	size_t i;

	if (hc == NULL)
		return POLICY_ALL;
	if (helper_list(hc, &l, &err) != 0)
		return 0;
	for (i = 0; i < l.n; i++)
		any |= l.g[i].allowed;
	proto_guest_list_dispose(&l);
	return any;
}

bool
shell_offered(const struct shell_cmd *cmd, uint32_t rights)
{
	enum policy_action a;

	if (cmd->action == NULL || policy_action_parse(cmd->action, &a) != 0 ||
	    a < POLICY_VCPUS || a > POLICY_RESTORE)
		return true;
	return (rights & (1u << a)) != 0;
}
