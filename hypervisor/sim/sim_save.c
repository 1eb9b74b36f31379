/*
 * sim_save.c - save and restore on the simulated host (hv_save,
 * hv_restore).
 *
 * A save file is an absolute path that does not exist yet, created 0600
 * in an existing directory:
 *
 *   xdom-sim-save 1
 *   guest NAME
 *   saved_ms MS
 *   profile PROFILE
 *   mem_kb KB
 *   maxmem_kb KB|-
 *   vcpus MAX ONLINE
 *   vbd VDEV rw|ro TARGET         (each attached device, TARGET encoded)
 *   end
 *
 * Restore brings back only the guest asked for (hv_restore_opts.name: a
 * file of another guest is refused before anything is locked), into a
 * stopped guest, with the devices the file names, each checked again as
 * at attach (hv_res_disk_check; under disk_dir when confined).
 */
#include "hypervisor/sim/sim_res.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

static int
sim_res_write_save(struct sim_res_op *op, const char *file,
    struct xdom_err *err)
{
	const struct sim_guest *g = op->g;
	const struct sim_res_rec *rec;
	char shown[96];
	size_t from = 0;
	FILE *f;
	int fd;

	sim_res_shown(file, shown);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return xdom_err_errno(err, errno == EEXIST ? XDOM_EINVAL :
		    XDOM_EIO, errno, "save file %s", shown);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		(void)unlink(file);
		return xdom_err_errno(err, XDOM_EIO, errno, "%s", shown);
	}
	fprintf(f, "%s\nguest %s\nsaved_ms %" PRId64 "\nprofile %s\n"
	    "mem_kb %" PRIu64 "\n", SIM_SAVE_MAGIC, g->name,
	    op->now_ns / 1000000, sim_load_profile_name(g->profile),
	    g->mem_kb);
	if (g->maxmem_kb == UINT64_MAX)
		fprintf(f, "maxmem_kb -\n");
	else
		fprintf(f, "maxmem_kb %" PRIu64 "\n", g->maxmem_kb);
	fprintf(f, "vcpus %" PRIu32 " %" PRIu32 "\n", g->vcpus,
	    g->vcpus_online);
	while ((rec = sim_res_find(op->s->res, g, SIM_RES_VBD, &from)) !=
	    NULL) {
		fprintf(f, "vbd %s %s ", rec->vdev, rec->rw ? "rw" : "ro");
		sim_res_encode(f, rec->target);
		fputc('\n', f);
	}
	fprintf(f, "end\n");
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;

		fclose(f);
		(void)unlink(file);
		return xdom_err_errno(err, XDOM_EIO, e, "cannot write %s",
		    shown);
	}
	fclose(f);
	return 0;
}

/* Where save files may go: an absolute path in an existing directory. */
static int
sim_res_check_file(const char *file, struct xdom_err *err)
{
	char shown[96], *dir;
	struct stat sb;
	int rc = 0;

	sim_res_shown(file, shown);
	if (file[0] != '/' || file[strlen(file) - 1] == '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file "
		    "as an absolute path to a file", shown);
	if (strlen(file) > 4000)
		return xdom_err_set(err, XDOM_EINVAL, "save file path too "
		    "long");
	dir = xstrndup(file, (size_t)(strrchr(file, '/') - file));
	if (dir[0] != '\0' && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		rc = xdom_err_set(err, XDOM_EINVAL, "%s: its directory does "
		    "not exist", shown);
	free(dir);
	return rc;
}

int
sim_res_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	struct sim_res_op op;
	struct sim_counters *c;
	struct sim_guest *g;
	int rc;

	if (file == NULL || (rc = sim_res_check_file(file, err)) != 0)
		return file == NULL ? xdom_err_set(err, XDOM_EINVAL, "no save "
		    "file given") : rc;
	if ((rc = sim_res_begin(hv->priv, name, true, "saved", &op,
	    err)) != 0)
		return rc;
	if ((rc = sim_res_write_save(&op, file, err)) != 0)
		goto out;
	/* the domain ends, as with destroy; its CPU time stays counted */
	g = op.g;
	c = xmalloc(sizeof *c);
	sim_load_counters(g, sim_load_tau(g, op.now_ns), c);
	sim_res_counters(op.s, g, sim_load_tau(g, op.now_ns), c);
	op.s->st.retired_ns += c->cpu_ns;
	free(c);
	sim_guest_stop(g);
	rc = sim_res_end(&op, 0, true, err);
	if (rc != 0)
		(void)unlink(file);	/* the guest still runs */
	return rc;
out:
	return sim_res_end(&op, rc, false, err);
}

/* A save file, parsed. */
struct sim_save {
	char name[SIM_NAME_MAX + 1];
	uint64_t mem_kb, maxmem_kb;
	uint32_t vcpus, online;
	int profile;
	size_t n_vbd;
	struct sim_res_rec vbd[SIM_RES_MAX_ATTACH];
};

static int
sim_res_parse_save(char *text, struct sim_save *sv, const char *shown,
    struct xdom_err *err)
{
	char *line, *next, *w[5];
	unsigned lineno = 0, seen = 0;
	bool ended = false;
	uint64_t v;
	size_t nw;

	memset(sv, 0, sizeof *sv);
	for (line = text; *line != '\0'; line = next) {
		char *sp;

		lineno++;
		if ((next = strchr(line, '\n')) == NULL || ended)
			goto bad;
		*next++ = '\0';
		if (lineno == 1) {
			if (strcmp(line, SIM_SAVE_MAGIC) != 0)
				return xdom_err_set(err, XDOM_EINVAL, "%s is not "
				    "a saved guest of the simulated host",
				    shown);
			continue;
		}
		for (nw = 0, sp = line; nw < 5;) {
			w[nw++] = sp;
			if ((sp = strchr(sp, ' ')) == NULL)
				break;
			*sp++ = '\0';
		}
		if (sp != NULL)
			goto bad;
		if (strcmp(w[0], "guest") == 0 && nw == 2 &&
		    xdom_name_valid(w[1])) {
			snprintf(sv->name, sizeof sv->name, "%s", w[1]);
			seen |= 1;
		} else if (strcmp(w[0], "saved_ms") == 0 && nw == 2 &&
		    sim_res_u64(w[1], INT64_MAX, &v)) {
			seen |= 2;
		} else if (strcmp(w[0], "profile") == 0 && nw == 2 &&
		    (sv->profile = sim_load_profile_parse(w[1])) >= 0) {
			seen |= 4;
		} else if (strcmp(w[0], "mem_kb") == 0 && nw == 2 &&
		    sim_res_u64(w[1], MEMSIZE_MAX_KB, &sv->mem_kb) &&
		    sv->mem_kb >= SIM_RES_MIN_MEM_KB) {
			seen |= 8;
		} else if (strcmp(w[0], "maxmem_kb") == 0 && nw == 2) {
			if (strcmp(w[1], "-") == 0)
				sv->maxmem_kb = UINT64_MAX;
			else if (!sim_res_u64(w[1], MEMSIZE_MAX_KB,
			    &sv->maxmem_kb))
				goto bad;
			seen |= 16;
		} else if (strcmp(w[0], "vcpus") == 0 && nw == 3 &&
		    sim_res_u64(w[1], SIM_MAX_VCPUS, &v) && v >= 1 &&
		    (sv->vcpus = (uint32_t)v, sim_res_u64(w[2], v, &v)) &&
		    v >= 1) {
			sv->online = (uint32_t)v;
			seen |= 32;
		} else if (strcmp(w[0], "vbd") == 0 && nw == 4 &&
		    sv->n_vbd < SIM_RES_MAX_ATTACH) {
			struct sim_res_rec *r = &sv->vbd[sv->n_vbd++];

			if (strlen(w[1]) > VDEV_NAME_MAX ||
			    vdev_parse(w[1], &r->dev, NULL) != 0 ||
			    (strcmp(w[2], "rw") != 0 &&
			    strcmp(w[2], "ro") != 0) ||
			    !sim_res_decode(w[3], r->target,
			    sizeof r->target) || r->target[0] != '/')
				goto bad;
			strcpy(r->vdev, w[1]);
			r->rw = strcmp(w[2], "rw") == 0;
			r->kind = SIM_RES_VBD;
		} else if (strcmp(w[0], "end") == 0 && nw == 1) {
			ended = true;
		} else {
			goto bad;
		}
	}
	if (ended && seen == 63 && sv->maxmem_kb >= sv->mem_kb)
		return 0;
bad:
	return xdom_err_set(err, XDOM_EINVAL, "%s: damaged save file (line "
	    "%u)", shown, lineno);
}

static int
sim_res_read_save(const char *file, struct sim_save *sv, struct xdom_err *err)
{
	char shown[96], *buf = NULL;
	struct stat sb;
	size_t got = 0;
	int fd, rc;

	sim_res_shown(file, shown);
	if (file[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the save file "
		    "as an absolute path", shown);
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return xdom_err_errno(err, errno == ENOENT ? XDOM_ENOENT :
		    XDOM_EIO, errno, "save file %s", shown);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > SIM_SAVE_MAX_BYTES) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is not a saved guest "
		    "(not a small regular file)", shown);
		goto out;
	}
	buf = sim_res_read_text(fd, (size_t)sb.st_size, &got);
	if (strlen(buf) != got) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is not a saved guest "
		    "of the simulated host", shown);
		goto out;
	}
	rc = sim_res_parse_save(buf, sv, shown, err);
out:
	free(buf);
	close(fd);
	return rc;
}

/* The save file's guest and disks, against what was asked (o). */
static int
sim_res_restore_check(const struct sim_save *sv,
    const struct hv_restore_opts *o, struct xdom_err *err)
{
	char why[XDOM_ERR_MSG_MAX];
	size_t i;
	int rc;

	if (o->name != NULL && strcmp(sv->name, o->name) != 0)
		return xdom_err_set(err, XDOM_EPERM, "the save file for %s "
		    "holds another guest; it is not restored", o->name);
	for (i = 0; i < sv->n_vbd; i++) {
		if (o->confine_disks && o->disk_dir == NULL)
			rc = xdom_err_set(err, XDOM_EINVAL, "no images are "
			    "provided for %s", sv->name);
		else
			rc = sim_res_check_target(sv->vbd[i].target,
			    o->confine_disks ? o->disk_dir : NULL, err);
		if (rc != 0) {
			snprintf(why, sizeof why, "%s", xdom_err_msg(err));
			return xdom_err_set(err, XDOM_EPERM, "%s: the save file "
			    "names a disk that is refused (%s); it is not "
			    "restored", sv->name, why);
		}
	}
	return 0;
}

int
sim_res_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_res_op op;
	struct sim_save *sv = xmalloc(sizeof *sv);
	struct sim_guest *g;
	const char *file = o->file;
	uint64_t used;
	char a[24];
	size_t i;
	int rc;

	if (file == NULL)
		rc = xdom_err_set(err, XDOM_EINVAL, "no save file given");
	else
		rc = sim_res_read_save(file, sv, err);
	if (rc != 0 || (rc = sim_res_restore_check(sv, o, err)) != 0)
		goto done;
	if ((rc = sim_res_begin(s, sv->name, false, "restored", &op,
	    err)) != 0)
		goto done;
	g = op.g;
	if (sv->vcpus != g->vcpus || (sv->maxmem_kb != UINT64_MAX &&
	    sv->maxmem_kb > s->st.mem_kb)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s does not fit %s's "
		    "configuration any more", file, g->name);
		goto out;
	}
	used = sim_res_used_kb(&s->st);
	if (sv->mem_kb + used > s->st.mem_kb) {
		rc = xdom_err_set(err, XDOM_ENOMEM, "%s needs %s and the host "
		    "has not that much free", g->name,
		    memsize_format(sv->mem_kb, a, sizeof a));
		goto out;
	}
	if ((rc = sim_reimage_busy(s, g->name, err)) != 0 ||
	    (rc = sim_alloc_id(&s->st, &g->id, err)) != 0)
		goto out;
	g->run = SIM_RUNNING;
	g->start_ms = op.now_ns / 1000000;
	g->frozen_ms = g->paused_ms = 0;
	g->pending = SIM_PEND_NONE;
	g->pend_ms = 0;
	g->pend_id = 0;
	g->mem_kb = sv->mem_kb;
	g->maxmem_kb = sv->maxmem_kb;
	g->vcpus_online = sv->online;
	g->profile = (uint8_t)sv->profile;
	sim_load_model(g, s->st.seed);
	for (i = 0; i < sv->n_vbd; i++) {
		struct sim_res_rec *rec = sim_res_add(s->res);

		*rec = sv->vbd[i];
		snprintf(rec->name, sizeof rec->name, "%s", g->name);
		rec->domid = g->id;
		rec->start_ms = g->start_ms;
		rec->tau_ns = 0;
	}
	rc = sim_res_end(&op, 0, true, err);
	goto done;
out:
	rc = sim_res_end(&op, rc, false, err);
done:
	free(sv);
	return rc;
}
