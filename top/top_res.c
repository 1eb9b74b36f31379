/*
 * top_res.c - the dashboard's resource actions, from the action menu on
 * the selected guest: v vcpus, m memory, x maximum memory, b attach a
 * block device, e detach one, w save (the guest stops), l restore.
 *
 * Each asks for its value on the message line with the current one
 * shown (from the snapshot on screen), checks it against the guest as
 * that snapshot shows it (more vcpus than its maximum, memory above its
 * maximum, a target that does not exist, a device it has or has not)
 * and refuses with a one-line reason, or asks y/N first when the change
 * takes something away (less memory, detach, save). The change itself
 * runs on the action worker (top_action.c), so the screen never waits;
 * the backend checks everything again and its answer is the status line.
 *
 * Through xdomd (the shell's `top`), files are the daemon's: attach asks
 * for an image name, save for nothing, restore for the guest's name.
 */
#include "top/top_ui.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/resdir.h"
#include "core/vdev.h"
#include "hypervisor/hv_res.h"

#define RES_ESC_LEN (4 * 128 + 8)

static const struct {
	int key;
	enum top_res_kind kind;
	const char *verb;	/* status lines */
} res_keys[TOP_RES__COUNT] = {
	{ 'v', TOP_RES_VCPUS, "vcpus" },
	{ 'm', TOP_RES_MEM, "memory" },
	{ 'x', TOP_RES_MAXMEM, "maxmem" },
	{ 'b', TOP_RES_ATTACH, "attach" },
	{ 'e', TOP_RES_DETACH, "detach" },
	{ 'w', TOP_RES_SAVE, "save" },
	{ 'l', TOP_RES_RESTORE, "restore" },
};

const char *
top_res_verb(enum top_res_kind k)
{
	return (unsigned)k < TOP_RES__COUNT ? res_keys[k].verb : "?";
}

/* Whether files are xdomd's (the helper backend). */
static bool
res_via_helper(const struct top_ui *ui)
{
	return ui->hv != NULL && strcmp(hv_backend_name(ui->hv), "helper") == 0;
}

/* The guest in the current snapshot, or NULL (gone, or a fleet ref). */
static const struct snap_dom *
res_find(const struct top_ui *ui, const char *name)
{
	const struct snap *s = top_model_cur(&ui->m);
	size_t i;

	for (i = 0; i < s->n_dom; i++)
		if (strcmp(snap_dom_name(s, &s->dom[i]), name) == 0)
			return &s->dom[i];
	return NULL;
}

/* "xvda xvdc": the guest's block devices as the snapshot shows them. */
static void
res_vbd_list(const struct top_ui *ui, const struct snap_dom *d, char *buf,
    size_t len)
{
	const struct snap *s = top_model_cur(&ui->m);
	const struct snap_vbd *v = snap_dom_vbds(s, d);
	char one[24];
	size_t used = 0;
	uint32_t k;

	buf[0] = '\0';
	for (k = 0; k < d->n_vbd && used + 1 < len; k++) {
		snap_vbd_name(v[k].dev, one, sizeof one);
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    k > 0 ? " " : "", one);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

/* Whether the snapshot shows d with a block device of number dev. */
static bool
res_has_vbd(const struct top_ui *ui, const struct snap_dom *d, uint32_t dev)
{
	const struct snap_vbd *v = snap_dom_vbds(top_model_cur(&ui->m), d);
	uint32_t k;

	for (k = 0; k < d->n_vbd; k++)
		if (v[k].dev == dev)
			return true;
	return false;
}

/* The config's save_dir/NAME.save, or "" when name is not a file name. */
static void
res_save_default(const struct top_ui *ui, const char *name, char *buf,
    size_t len)
{
	const struct conf *c = ui->hvo != NULL ? ui->hvo->conf : NULL;

	if (resdir_save_path(resdir_save_dir(c), name, buf, len, NULL) != 0)
		buf[0] = '\0';
}

static void
res_prompt(struct top_ui *ui, enum top_prompt p, const char *init)
{
	ui->prompt = p;
	snprintf(ui->input, sizeof ui->input, "%s", init);
	ui->input_len = strlen(ui->input);
}

bool
top_res_key(struct top_ui *ui, int key, const char *name, size_t n)
{
	struct top_res_ask *a = &ui->res;
	const struct snap_dom *d;
	char esc[RES_ESC_LEN], v1[24], v2[24], devs[128], init[600];
	size_t k;

	if (key >= 'A' && key <= 'Z')
		key += 'a' - 'A';
	for (k = 0; k < TOP_RES__COUNT && res_keys[k].key != key; k++)
		;
	if (k == TOP_RES__COUNT)
		return false;
	if (n != 1 && res_keys[k].kind != TOP_RES_RESTORE) {
		top_ui_status(ui, true, 5, "%s: untag all but one domain",
		    res_keys[k].verb);
		return true;
	}
	memset(&a->job, 0, sizeof a->job);
	a->job.kind = res_keys[k].kind;
	snprintf(a->job.name, sizeof a->job.name, "%s", name);
	xdom_escape(esc, sizeof esc, name);
	d = res_find(ui, name);
	init[0] = '\0';
	switch (a->job.kind) {
	case TOP_RES_VCPUS:
		if (d != NULL)
			snprintf(a->label, sizeof a->label, "vcpus for %s (now "
			    "%" PRIu32 " online, at most %" PRIu32 "): ", esc,
			    d->vcpus_online, d->vcpus_max);
		else
			snprintf(a->label, sizeof a->label, "vcpus for %s: ",
			    esc);
		break;
	case TOP_RES_MEM:
	case TOP_RES_MAXMEM:
		if (d != NULL && d->maxmem_kb != SNAP_MEM_UNLIMITED &&
		    a->job.kind == TOP_RES_MEM)
			snprintf(a->label, sizeof a->label, "Memory for %s "
			    "(now %s, maximum %s; MiB or k/m/g): ", esc,
			    memsize_format(d->mem_kb, v1, sizeof v1),
			    memsize_format(d->maxmem_kb, v2, sizeof v2));
		else if (d != NULL && d->maxmem_kb != SNAP_MEM_UNLIMITED)
			snprintf(a->label, sizeof a->label, "Maximum memory "
			    "for %s (now %s, memory %s; MiB or k/m/g): ", esc,
			    memsize_format(d->maxmem_kb, v1, sizeof v1),
			    memsize_format(d->mem_kb, v2, sizeof v2));
		else
			snprintf(a->label, sizeof a->label, "%s for %s (MiB or "
			    "k/m/g): ", a->job.kind == TOP_RES_MEM ?
			    "Memory" : "Maximum memory", esc);
		break;
	case TOP_RES_ATTACH:
	case TOP_RES_DETACH:
		if (d != NULL)
			res_vbd_list(ui, d, devs, sizeof devs);
		else
			snprintf(devs, sizeof devs, "?");
		if (a->job.kind == TOP_RES_DETACH)
			snprintf(a->label, sizeof a->label, "Detach from %s "
			    "(VDEV; it has %s): ", esc, devs);
		else
			snprintf(a->label, sizeof a->label, "Attach to %s (%s "
			    "VDEV [ro|rw]; it has %s): ", esc,
			    res_via_helper(ui) ? "IMAGE" : "PATH", devs);
		break;
	case TOP_RES_SAVE:
		if (res_via_helper(ui)) {
			snprintf(a->label, sizeof a->label, "Save %s (it "
			    "stops; restore brings it back)? (y/N) ", esc);
			res_prompt(ui, PR_RES_CONFIRM, "");
			return true;
		}
		snprintf(a->label, sizeof a->label, "Save %s (it stops) to "
		    "file: ", esc);
		res_save_default(ui, name, init, sizeof init);
		break;
	default:
		if (res_via_helper(ui)) {
			snprintf(a->label, sizeof a->label, "Restore guest: ");
			snprintf(init, sizeof init, "%s", a->last_file);
		} else {
			snprintf(a->label, sizeof a->label, "Restore from "
			    "file: ");
			if (a->last_file[0] != '\0')
				snprintf(init, sizeof init, "%s",
				    a->last_file);
			else
				res_save_default(ui, name, init, sizeof init);
		}
		break;
	}
	res_prompt(ui, PR_RES_VALUE, init);
	return true;
}

static void
res_submit(struct top_ui *ui)
{
	struct top_res_ask *a = &ui->res;
	char esc[RES_ESC_LEN];
	int rc;

	rc = top_worker_submit_res(ui->worker, &a->job);
	if (rc == XDOM_EBUSY) {
		top_ui_status(ui, true, 5, "another action is still running");
		return;
	}
	if (rc != 0) {
		top_ui_status(ui, true, 5, "%s: %s", top_res_verb(a->job.kind),
		    xdom_strerror(rc));
		return;
	}
	if (a->job.kind == TOP_RES_SAVE)
		snprintf(a->last_file, sizeof a->last_file, "%s",
		    a->job.target[0] != '\0' ? a->job.target : a->job.name);
	xdom_escape(esc, sizeof esc, a->job.kind == TOP_RES_RESTORE ?
	    a->job.target : a->job.name);
	top_ui_status(ui, false, 0, "%s %s ...", top_res_verb(a->job.kind),
	    esc);
}

/* Ask y/N with question q (already escaped) before submitting. */
static void
res_confirm_first(struct top_ui *ui, const char *q)
{
	snprintf(ui->res.label, sizeof ui->res.label, "%s (y/N) ", q);
	res_prompt(ui, PR_RES_CONFIRM, "");
}

/* Split "A B [C]" in place; the number of words (at most 4). */
static int
res_words(char *s, char *w[4])
{
	int n = 0;

	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0' || n == 4)
			return *s == '\0' ? n : 5;
		w[n++] = s;
		while (*s != ' ' && *s != '\0')
			s++;
		if (*s == ' ')
			*s++ = '\0';
	}
}

/* Check a value for vcpus, memory or maxmem; 0 to go on. */
static int
res_check_number(struct top_ui *ui, const struct snap_dom *d,
    const char *esc)
{
	struct top_res_job *j = &ui->res.job;
	struct xdom_err err = { 0 };
	char v1[24], v2[24], q[RES_ESC_LEN + 256];
	char *end;
	long long n;

	if (j->kind == TOP_RES_VCPUS) {
		errno = 0;
		n = strtoll(ui->input, &end, 10);
		if (ui->input[0] < '0' || ui->input[0] > '9' || *end != '\0' ||
		    errno != 0 || n < 1 || n > 4096) {
			top_ui_status(ui, true, 6, "vcpus: a whole number "
			    "from 1 up to the guest's maximum");
			return XDOM_EINVAL;
		}
		if (d != NULL && (uint64_t)n > d->vcpus_max) {
			top_ui_status(ui, true, 6, "vcpus: %s has at most %"
			    PRIu32 " vcpu%s", esc, d->vcpus_max,
			    d->vcpus_max == 1 ? "" : "s");
			return XDOM_EINVAL;
		}
		j->value = (uint64_t)n;
		return 0;
	}
	if (memsize_parse(ui->input, &j->value, &err) != 0 || j->value == 0) {
		top_ui_status(ui, true, 6, "%s: %s", top_res_verb(j->kind),
		    err.msg[0] != '\0' ? err.msg : "a guest needs some memory");
		return XDOM_EINVAL;
	}
	if (d == NULL)
		return 0;
	memsize_format(j->value, v1, sizeof v1);
	if (j->kind == TOP_RES_MEM && d->maxmem_kb != SNAP_MEM_UNLIMITED &&
	    j->value > d->maxmem_kb) {
		top_ui_status(ui, true, 6, "memory: %s is above %s's maximum "
		    "of %s; raise it first (x)", v1, esc,
		    memsize_format(d->maxmem_kb, v2, sizeof v2));
		return XDOM_EINVAL;
	}
	if (j->kind == TOP_RES_MAXMEM && j->value < d->mem_kb) {
		top_ui_status(ui, true, 6, "maxmem: %s is below %s's memory "
		    "of %s; lower that first (m)", v1, esc,
		    memsize_format(d->mem_kb, v2, sizeof v2));
		return XDOM_EINVAL;
	}
	if (j->kind == TOP_RES_MEM && j->value < d->mem_kb) {
		snprintf(q, sizeof q, "Shrink %s's memory from %s to %s?", esc,
		    memsize_format(d->mem_kb, v2, sizeof v2), v1);
		res_confirm_first(ui, q);
		return 1;	/* asked */
	}
	return 0;
}

/* Check attach's "TARGET VDEV [ro|rw]" or detach's "VDEV". */
static int
res_check_block(struct top_ui *ui, const struct snap_dom *d,
    const char *esc)
{
	struct top_res_job *j = &ui->res.job;
	struct xdom_err err = { 0 };
	char buf[sizeof ui->input], shown[96], q[RES_ESC_LEN + 256], *w[4];
	uint32_t dev;
	int n;

	snprintf(buf, sizeof buf, "%s", ui->input);
	n = res_words(buf, w);
	if (j->kind == TOP_RES_DETACH ? n != 1 : (n < 2 || n > 3)) {
		top_ui_status(ui, true, 6, j->kind == TOP_RES_DETACH ?
		    "detach: give one device name, such as xvdb" :
		    "attach: give TARGET VDEV [ro|rw], such as "
		    "/srv/disk.img xvdb ro");
		return XDOM_EINVAL;
	}
	if (vdev_parse(w[j->kind == TOP_RES_DETACH ? 0 : 1], &dev, &err) != 0) {
		top_ui_status(ui, true, 6, "%s: %s", top_res_verb(j->kind),
		    err.msg);
		return XDOM_EINVAL;
	}
	snprintf(j->vdev, sizeof j->vdev, "%s",
	    w[j->kind == TOP_RES_DETACH ? 0 : 1]);
	if (j->kind == TOP_RES_DETACH) {
		if (d != NULL && !res_has_vbd(ui, d, dev)) {
			top_ui_status(ui, true, 6, "detach: %s has no device "
			    "%s", esc, j->vdev);
			return XDOM_EINVAL;
		}
		snprintf(q, sizeof q, "Detach %s from %s?", j->vdev, esc);
		res_confirm_first(ui, q);
		return 1;
	}
	j->writable = true;
	if (n == 3 && strcmp(w[2], "ro") == 0)
		j->writable = false;
	else if (n == 3 && strcmp(w[2], "rw") != 0) {
		xdom_escape(shown, sizeof shown, w[2]);
		top_ui_status(ui, true, 6, "attach: mode '%s': ro or rw",
		    shown);
		return XDOM_EINVAL;
	}
	xdom_escape(shown, sizeof shown, w[0]);
	if (res_via_helper(ui)) {
		if (!xdom_name_valid(w[0])) {
			top_ui_status(ui, true, 6, "attach: '%s' is not an "
			    "image name (one of your images, not a path)",
			    shown);
			return XDOM_EINVAL;
		}
	} else if (w[0][0] != '/') {
		top_ui_status(ui, true, 6, "attach: %s: give the target as an "
		    "absolute path", shown);
		return XDOM_EINVAL;
	} else if (hv_res_disk_check(w[0], NULL, &err) != 0) {
		/* the one disk rule (the worker's call checks it again) */
		top_ui_status(ui, true, 6, "attach: %s", err.msg);
		return XDOM_EINVAL;
	}
	if (d != NULL && res_has_vbd(ui, d, dev)) {
		top_ui_status(ui, true, 6, "attach: %s already has %s", esc,
		    j->vdev);
		return XDOM_EINVAL;
	}
	snprintf(j->target, sizeof j->target, "%.590s", w[0]);
	return 0;
}

/* Check save's or restore's file (admin backends). */
static int
res_check_file(struct top_ui *ui, const char *esc)
{
	struct top_res_job *j = &ui->res.job;
	char shown[96], dir[600], dflt[600], q[RES_ESC_LEN + 256], *slash;
	struct stat sb;

	xdom_escape(shown, sizeof shown, ui->input);
	if (res_via_helper(ui)) {	/* restore: the guest's name */
		if (!xdom_name_valid(ui->input)) {
			top_ui_status(ui, true, 6, "restore: '%s' is not a "
			    "guest name", shown);
			return XDOM_EINVAL;
		}
		snprintf(j->target, sizeof j->target, "%.590s", ui->input);
		return 0;
	}
	if (ui->input[0] != '/' || ui->input[ui->input_len - 1] == '/') {
		top_ui_status(ui, true, 6, "%s: give an absolute file name",
		    top_res_verb(j->kind));
		return XDOM_EINVAL;
	}
	snprintf(j->target, sizeof j->target, "%.590s", ui->input);
	if (j->kind == TOP_RES_RESTORE) {
		if (stat(j->target, &sb) != 0) {
			top_ui_status(ui, true, 6, "restore: %s: %s", shown,
			    strerror(errno));
			return XDOM_EINVAL;
		}
		if (!S_ISREG(sb.st_mode)) {
			top_ui_status(ui, true, 6, "restore: %s is not a saved "
			    "guest's file", shown);
			return XDOM_EINVAL;
		}
		return 0;
	}
	if (lstat(j->target, &sb) == 0) {
		top_ui_status(ui, true, 6, "save: %s exists already", shown);
		return XDOM_EINVAL;
	}
	snprintf(dir, sizeof dir, "%s", j->target);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = '\0';
	/* The config's save_dir is made on first use (hv_res_apply). */
	res_save_default(ui, j->name, dflt, sizeof dflt);
	if (strcmp(dflt, j->target) != 0 && (stat(dir, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode))) {
		top_ui_status(ui, true, 6, "save: %s: its directory does not "
		    "exist", shown);
		return XDOM_EINVAL;
	}
	snprintf(q, sizeof q, "Save %s to %s (it stops)?", esc, shown);
	res_confirm_first(ui, q);
	return 1;
}

void
top_res_value_done(struct top_ui *ui, bool accept)
{
	struct top_res_job *j = &ui->res.job;
	const struct snap_dom *d;
	char esc[RES_ESC_LEN];
	int rc;

	ui->prompt = PR_NONE;
	if (!accept || ui->input_len == 0) {
		top_ui_status(ui, false, 2, "cancelled");
		return;
	}
	xdom_escape(esc, sizeof esc, j->name);
	d = res_find(ui, j->name);
	if (d == NULL && j->kind != TOP_RES_RESTORE && j->kind !=
	    TOP_RES_SAVE && top_model_cur(&ui->m)->n_dom > 0 &&
	    strchr(j->name, '/') == NULL) {
		top_ui_status(ui, true, 6, "%s: %s is gone",
		    top_res_verb(j->kind), esc);
		return;
	}
	switch (j->kind) {
	case TOP_RES_VCPUS:
	case TOP_RES_MEM:
	case TOP_RES_MAXMEM:
		rc = res_check_number(ui, d, esc);
		break;
	case TOP_RES_ATTACH:
	case TOP_RES_DETACH:
		rc = res_check_block(ui, d, esc);
		break;
	default:
		rc = res_check_file(ui, esc);
		break;
	}
	if (rc == 0)
		res_submit(ui);
}

void
top_res_confirm(struct top_ui *ui, bool yes)
{
	ui->prompt = PR_NONE;
	if (yes)
		res_submit(ui);
	else
		top_ui_status(ui, false, 2, "cancelled");
}
