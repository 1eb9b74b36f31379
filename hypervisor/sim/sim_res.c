/*
 * sim_res.c - resource changes, block hotplug and save/restore on the
 * simulated host (hv_set_resource, hv_block_attach/_detach, hv_save,
 * hv_restore), and what they add to snapshots.
 *
 * vcpus, memory and maximum memory live in the guest's record of the
 * state file. What the state format has no room for lives next to it, in
 * DIR/res, written under the same lock and replaced by rename(2):
 *
 *   xdom-sim-res 1
 *   vcpu NAME DOMID START_MS BASE_TAU_NS N NS0 .. NS(N-1)
 *   vbd NAME DOMID START_MS VDEV rw|ro ATTACH_TAU_NS TARGET
 *   end COUNT
 *
 * Each record belongs to one domain: NAME's domain with that id, created
 * at START_MS. Once the domain is gone (shut down, rebooted, destroyed,
 * saved) the record no longer matches and is dropped at the next write,
 * so a hot-plugged device lasts as long as the domain it was plugged
 * into, and is not written to the guest's config file. Restore brings
 * back the devices named in the save file.
 *
 * `vcpu` keeps counters monotonic across vcpu-set: the load model gives
 * counters in closed form from the number of online vcpus, so after a
 * change each vcpu's time is its time at the change (NS*) plus what the
 * new model adds since (BASE_TAU_NS, running time at the change).
 *
 * `vbd` is an attached device under a moderate load of its own (below),
 * counted from its running time at attach, so it pauses with the guest.
 * TARGET is percent-encoded like the state's names.
 *
 * Rules: vcpus from 1 to the guest's maximum; the memory target from
 * SIM_RES_MIN_MEM_KB to the guest's maximum and within the host's free
 * memory; the maximum at least the current target (lower the target
 * first, as libxl insists) and at most the host's memory. Devices:
 * absolute paths to an existing file or block device, a free xvd name,
 * at most SIM_RES_MAX_ATTACH a domain, never one target writable in two
 * places; xvda (the root disk) and the config's own disks stay. A save
 * file is an absolute path that does not exist yet, created 0600 in an
 * existing directory; restore needs the guest stopped.
 */
#include "hypervisor/sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/memsize.h"
#include "core/vdev.h"
#include "core/xmalloc.h"

#define SIM_RES_MAGIC "xdom-sim-res 1"
#define SIM_SAVE_MAGIC "xdom-sim-save 1"
#define SIM_RES_MAX_BYTES (4u << 20)
#define SIM_SAVE_MAX_BYTES (64u << 10)
#define SIM_RES_MAX_RECS 20000
#define SIM_RES_MAX_ATTACH 8
#define SIM_RES_MIN_MEM_KB (32u << 10)
#define SIM_RES_OVERHEAD_KB (512u << 10)	/* as hv_sim.c's Xen share */
#define SIM_RES_TARGET_MAX 255

/* An attached device's load: requests a second, sectors a request, and
 * a one-minute swing of +-30 %. */
#define SIM_RES_VBD_RD_PS 40.0
#define SIM_RES_VBD_WR_PS 25.0
#define SIM_RES_VBD_SECT 16.0
#define SIM_RES_VBD_AMP 0.3
#define SIM_RES_VBD_PERIOD_S 60.0

enum sim_res_kind { SIM_RES_VCPU = 0, SIM_RES_VBD, SIM_RES__COUNT };

static const char *const sim_res_kinds[SIM_RES__COUNT] = {
	[SIM_RES_VCPU] = "vcpu",
	[SIM_RES_VBD] = "vbd",
};

struct sim_res_rec {
	uint8_t kind;			/* enum sim_res_kind */
	char name[SIM_NAME_MAX + 1];	/* valid names only (escape.h) */
	uint32_t domid;
	int64_t start_ms;
	uint64_t tau_ns;		/* base (vcpu) or attach (vbd) */
	uint32_t n;			/* vcpu: entries of ns */
	uint64_t ns[SIM_MAX_VCPUS];
	char vdev[VDEV_NAME_MAX + 1];	/* vbd */
	uint32_t dev;
	bool rw;
	char target[SIM_RES_TARGET_MAX + 1];
};

/* The parsed DIR/res, cached by the file's identity (sim_store.res). */
struct sim_res {
	struct sim_res_rec *r;
	size_t n, cap;
	bool cached;
	uint64_t key_dev, key_ino, key_size;
	int64_t key_mtime_ns;
};

static int64_t
sim_res_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *
sim_res_shown(const char *s, char buf[96])
{
	if (xdom_escape(buf, 96, s) >= 96)
		snprintf(buf + 90, 6, "...");
	return buf;
}

static char *
sim_res_path(const struct sim_store *s)
{
	return xasprintf("%s/res", s->dir);
}

void
sim_res_free(struct sim_res *r)
{
	if (r == NULL)
		return;
	free(r->r);
	free(r);
}

static struct sim_res_rec *
sim_res_add(struct sim_res *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->r = xreallocarray(r->r, r->cap, sizeof *r->r);
	}
	memset(&r->r[r->n], 0, sizeof r->r[r->n]);
	return &r->r[r->n++];
}

/* ---- the file ---- */

static int
sim_res_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode a field into out[len]; false when malformed. */
static bool
sim_res_decode(const char *in, char *out, size_t len)
{
	size_t n = 0;
	int hi, lo;

	for (; *in != '\0'; in++) {
		if (n + 1 >= len)
			return false;
		if (*in != '%') {
			out[n++] = *in;
			continue;
		}
		if ((hi = sim_res_hexval(in[1])) < 0 ||
		    (lo = sim_res_hexval(in[2])) < 0 || (hi | lo) == 0)
			return false;
		out[n++] = (char)(hi << 4 | lo);
		in += 2;
	}
	out[n] = '\0';
	return n > 0;
}

static void
sim_res_encode(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f && c != '%')
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static bool
sim_res_u64(const char *w, uint64_t max, uint64_t *out)
{
	char *e;
	unsigned long long v;

	if (w == NULL || *w < '0' || *w > '9')
		return false;
	errno = 0;
	v = strtoull(w, &e, 10);
	if (errno != 0 || *e != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

/* One record from its space-separated words; false when malformed. */
static bool
sim_res_parse_rec(char **w, size_t nw, struct sim_res_rec *rec)
{
	uint64_t v;
	size_t i;

	if (nw < 5)
		return false;
	if (strcmp(w[0], sim_res_kinds[SIM_RES_VCPU]) == 0)
		rec->kind = SIM_RES_VCPU;
	else if (strcmp(w[0], sim_res_kinds[SIM_RES_VBD]) == 0)
		rec->kind = SIM_RES_VBD;
	else
		return false;
	if (strlen(w[1]) > XDOM_NAME_MAX || !xdom_name_valid(w[1]))
		return false;
	strcpy(rec->name, w[1]);
	if (!sim_res_u64(w[2], SIM_DOMID_LIMIT - 1, &v))
		return false;
	rec->domid = (uint32_t)v;
	if (!sim_res_u64(w[3], INT64_MAX, &v))
		return false;
	rec->start_ms = (int64_t)v;
	if (rec->kind == SIM_RES_VCPU) {
		if (!sim_res_u64(w[4], INT64_MAX, &rec->tau_ns) ||
		    nw < 6 || !sim_res_u64(w[5], SIM_MAX_VCPUS, &v) ||
		    nw != 6 + v)
			return false;
		rec->n = (uint32_t)v;
		for (i = 0; i < rec->n; i++)
			if (!sim_res_u64(w[6 + i], UINT64_MAX, &rec->ns[i]))
				return false;
		return true;
	}
	if (nw != 8 || strlen(w[4]) > VDEV_NAME_MAX ||
	    vdev_parse(w[4], &rec->dev, NULL) != 0)
		return false;
	strcpy(rec->vdev, w[4]);
	if (strcmp(w[5], "rw") == 0)
		rec->rw = true;
	else if (strcmp(w[5], "ro") != 0)
		return false;
	if (!sim_res_u64(w[6], INT64_MAX, &rec->tau_ns) ||
	    !sim_res_decode(w[7], rec->target, sizeof rec->target) ||
	    rec->target[0] != '/')
		return false;
	return true;
}

/* Parse text (NUL-terminated, modified in place) into r. */
static int
sim_res_parse(struct sim_res *r, char *text, const char *path,
    struct xdom_err *err)
{
	char *line, *next, *w[6 + SIM_MAX_VCPUS + 1];
	unsigned lineno = 0;
	bool ended = false;
	uint64_t count;
	size_t nw;

	r->n = 0;
	for (line = text; *line != '\0'; line = next) {
		char *sp;

		lineno++;
		if ((next = strchr(line, '\n')) == NULL)
			goto bad;
		*next++ = '\0';
		if (ended)
			goto bad;
		if (lineno == 1) {
			if (strcmp(line, SIM_RES_MAGIC) != 0)
				goto bad;
			continue;
		}
		for (nw = 0, sp = line; nw < sizeof w / sizeof w[0];) {
			w[nw++] = sp;
			if ((sp = strchr(sp, ' ')) == NULL)
				break;
			*sp++ = '\0';
		}
		if (sp != NULL)
			goto bad;
		if (strcmp(w[0], "end") == 0) {
			if (nw != 2 || !sim_res_u64(w[1], SIM_RES_MAX_RECS,
			    &count) || count != r->n)
				goto bad;
			ended = true;
			continue;
		}
		if (r->n >= SIM_RES_MAX_RECS ||
		    !sim_res_parse_rec(w, nw, sim_res_add(r))) {
			goto bad;
		}
	}
	if (lineno == 0 || ended)
		return 0;
bad:
	r->n = 0;
	return xdom_err_set(err, XDOM_ECORRUPT, "%s: corrupt simulated host "
	    "device file (line %u); remove it to forget attached devices",
	    path, lineno);
}

/* Bring s->res up to date with DIR/res (a missing file: no records). */
static int
sim_res_load(struct sim_store *s, struct xdom_err *err)
{
	struct sim_res *r;
	char *path = sim_res_path(s), *buf = NULL;
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	int fd = -1, rc = 0;

	if (s->res == NULL)
		s->res = xcalloc(1, sizeof *s->res);
	r = s->res;
	if (stat(path, &sb) != 0) {
		r->n = 0;
		r->cached = false;
		if (errno != ENOENT)
			rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
		goto out;
	}
	if (r->cached && sb.st_dev == r->key_dev && sb.st_ino == r->key_ino &&
	    (uint64_t)sb.st_size == r->key_size &&
	    sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec ==
	    r->key_mtime_ns)
		goto out;
	r->cached = false;
	r->n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (errno == ENOENT)
			goto out;
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > SIM_RES_MAX_BYTES) {
		rc = xdom_err_set(err, XDOM_ECORRUPT, "%s: not a regular file "
		    "of sane size; remove it", path);
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (strlen(buf) != got) {
		rc = xdom_err_set(err, XDOM_ECORRUPT, "%s: corrupt simulated "
		    "host device file (NUL byte); remove it", path);
		goto out;
	}
	if ((rc = sim_res_parse(r, buf, path, err)) != 0)
		goto out;
	r->cached = true;
	r->key_dev = sb.st_dev;
	r->key_ino = sb.st_ino;
	r->key_size = (uint64_t)sb.st_size;
	r->key_mtime_ns = sb.st_mtim.tv_sec * 1000000000LL +
	    sb.st_mtim.tv_nsec;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

void
sim_res_refresh(struct sim_store *s)
{
	/* Readers carry on without the extras when the file is bad;
	 * writers see the error (sim_res_begin). */
	if (sim_res_load(s, NULL) != 0 && s->res != NULL)
		s->res->n = 0;
}

/* Whether rec belongs to g's current domain. */
static bool
sim_res_match(const struct sim_res_rec *rec, const struct sim_guest *g)
{
	return g->run != SIM_STOPPED && rec->domid == g->id &&
	    rec->start_ms == g->start_ms && strcmp(rec->name, g->name) == 0;
}

/* Write s->res (dropping records of domains that are gone) by rename. */
static int
sim_res_commit(struct sim_store *s, struct xdom_err *err)
{
	struct sim_res *r = s->res;
	char *path = sim_res_path(s), *tmp = xasprintf("%s.tmp", path);
	size_t i, j, kept = 0;
	FILE *f = NULL;
	int fd, rc = 0;

	for (i = 0; i < r->n; i++) {
		long idx = sim_state_find(&s->st, r->r[i].name);

		if (idx > 0 && sim_res_match(&r->r[i], &s->st.g[idx]))
			r->r[kept++] = r->r[i];
	}
	r->n = kept;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", tmp);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(f, "%s\n", SIM_RES_MAGIC);
	for (i = 0; i < r->n; i++) {
		const struct sim_res_rec *rec = &r->r[i];

		fprintf(f, "%s %s %" PRIu32 " %" PRId64 " ",
		    sim_res_kinds[rec->kind], rec->name, rec->domid,
		    rec->start_ms);
		if (rec->kind == SIM_RES_VCPU) {
			fprintf(f, "%" PRIu64 " %" PRIu32, rec->tau_ns, rec->n);
			for (j = 0; j < rec->n; j++)
				fprintf(f, " %" PRIu64, rec->ns[j]);
		} else {
			fprintf(f, "%s %s %" PRIu64 " ", rec->vdev,
			    rec->rw ? "rw" : "ro", rec->tau_ns);
			sim_res_encode(f, rec->target);
		}
		fputc('\n', f);
	}
	fprintf(f, "end %zu\n", r->n);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cannot write %s",
		    tmp);
		fclose(f);
		(void)unlink(tmp);
		goto out;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cannot write %s",
		    path);
		(void)unlink(tmp);
	}
	r->cached = false;	/* the next read picks up the new file */
out:
	free(tmp);
	free(path);
	return rc;
}

/* ---- what snapshots show ---- */

static const struct sim_res_rec *
sim_res_find(const struct sim_res *r, const struct sim_guest *g,
    enum sim_res_kind kind, size_t *from)
{
	size_t i;

	if (r == NULL)
		return NULL;
	for (i = from != NULL ? *from : 0; i < r->n; i++) {
		if (r->r[i].kind == kind && sim_res_match(&r->r[i], g)) {
			if (from != NULL)
				*from = i + 1;
			return &r->r[i];
		}
	}
	return NULL;
}

void
sim_res_counters(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct sim_counters *c)
{
	const struct sim_res_rec *rec;
	struct sim_counters *b;
	uint32_t j;

	if (s->res == NULL || s->res->n == 0 ||
	    (rec = sim_res_find(s->res, g, SIM_RES_VCPU, NULL)) == NULL)
		return;
	b = xmalloc(sizeof *b);
	sim_load_counters(g, (double)rec->tau_ns * 1e-9, b);
	c->cpu_ns = 0;
	for (j = 0; j < g->vcpus && j < SIM_MAX_VCPUS; j++) {
		uint64_t base = j < rec->n ? rec->ns[j] : 0;
		uint64_t add = c->vcpu_ns[j] > b->vcpu_ns[j] ?
		    c->vcpu_ns[j] - b->vcpu_ns[j] : 0;

		c->vcpu_ns[j] = tau * 1e9 >= (double)rec->tau_ns ?
		    base + add : base;
		c->cpu_ns += c->vcpu_ns[j];
	}
	free(b);
}

/* The integral of 1 + a sin(w t + p) over [0, tau]. */
static double
sim_res_integral(double tau, double phase)
{
	double w = 2 * M_PI / SIM_RES_VBD_PERIOD_S;

	return tau + SIM_RES_VBD_AMP / w * (cos(phase) - cos(w * tau + phase));
}

void
sim_res_add_vbds(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct snap *out)
{
	const struct sim_res_rec *rec;
	size_t from = 0;

	if (s->res == NULL || s->res->n == 0)
		return;
	while ((rec = sim_res_find(s->res, g, SIM_RES_VBD, &from)) != NULL) {
		struct snap_vbd *v = snap_add_vbds(out, 1);
		double t0 = (double)rec->tau_ns * 1e-9, io = 0;
		double phase = (double)(rec->dev % 97) / 97.0 * 2 * M_PI;

		if (tau > t0)
			io = sim_res_integral(tau, phase) -
			    sim_res_integral(t0, phase);
		if (io < 0)
			io = 0;
		v->dev = rec->dev;
		v->rd_reqs = (uint64_t)(SIM_RES_VBD_RD_PS * io);
		v->wr_reqs = rec->rw ? (uint64_t)(SIM_RES_VBD_WR_PS * io) : 0;
		v->rd_sect = (uint64_t)(v->rd_reqs * SIM_RES_VBD_SECT);
		v->wr_sect = (uint64_t)(v->wr_reqs * SIM_RES_VBD_SECT);
		v->oo = (v->rd_reqs + v->wr_reqs) / 20000;
	}
}

void
sim_res_info(const struct sim_store *s, const struct sim_guest *g,
    struct hv_info *out)
{
	const struct sim_res_rec *rec;
	size_t from = 0;

	if (s->res == NULL)
		return;
	while (out->n_disks < sizeof out->disks / sizeof out->disks[0] &&
	    (rec = sim_res_find(s->res, g, SIM_RES_VBD, &from)) != NULL) {
		struct hv_disk *d = &out->disks[out->n_disks++];

		snprintf(d->vdev, sizeof d->vdev, "%s", rec->vdev);
		snprintf(d->target, sizeof d->target, "%s", rec->target);
		d->writable = rec->rw;
	}
}

/* ---- actions ---- */

/* An action in progress: the lock held, the guest found and running. */
struct sim_res_op {
	struct sim_store *s;
	struct sim_guest *g;
	long idx;
	int lock_fd;
	int64_t now_ns;
};

/*
 * Lock the host and find name's guest. want_running: it must have a
 * domain (running or paused, nothing pending); otherwise it must be
 * stopped. verb completes "Domain-0 cannot be ...".
 */
static int
sim_res_begin(struct sim_store *s, const char *name, bool want_running,
    const char *verb, struct sim_res_op *op, struct xdom_err *err)
{
	char shown[96];
	struct sim_guest *g;
	int rc = 0;

	memset(op, 0, sizeof *op);
	op->s = s;
	op->lock_fd = -1;
	if (strcmp(name, "Domain-0") == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 cannot be %s "
		    "by xdom", verb);
	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", sim_res_shown(name, shown));
	if ((rc = sim_store_lock(s, &op->lock_fd, err)) != 0)
		return rc;
	if ((rc = sim_store_refresh(s, err)) != 0 ||
	    (rc = sim_res_load(s, err)) != 0)
		goto fail;
	if ((op->idx = sim_state_find(&s->st, name)) < 0) {
		rc = xdom_err_set(err, XDOM_ENOENT, "%s: no such domain", name);
		goto fail;
	}
	op->now_ns = sim_res_now_ns();
	sim_store_materialise(&s->st, op->now_ns / 1000000);
	g = op->g = &s->st.g[op->idx];
	if (op->idx == 0) {
		rc = xdom_err_set(err, XDOM_EPERM, "Domain-0 cannot be %s by "
		    "xdom", verb);
		goto fail;
	}
	if (!want_running) {
		if (g->run != SIM_STOPPED) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s is running; a "
			    "saved state is restored only into a stopped "
			    "guest", name);
			goto fail;
		}
		return 0;
	}
	if (g->run == SIM_STOPPED)
		rc = xdom_err_set(err, XDOM_ESTATE, "%s is not running", name);
	else if (g->run == SIM_CRASHED)
		rc = xdom_err_set(err, XDOM_ESTATE, "%s has crashed; destroy "
		    "or reset it first", name);
	else if (g->pending != SIM_PEND_NONE)
		rc = xdom_err_set(err, XDOM_EBUSY, "%s is %s; try again when "
		    "it is done", name, g->pending == SIM_PEND_SHUTDOWN ?
		    "shutting down" : "rebooting");
	if (rc != 0)
		goto fail;
	return 0;
fail:
	s->cached = false;
	sim_store_unlock(op->lock_fd);
	op->lock_fd = -1;
	return rc;
}

/* Commit the state (res first: its new records are harmless until the
 * state matches them) and unlock; on failure drop every cache. */
static int
sim_res_end(struct sim_res_op *op, int rc, bool write_res,
    struct xdom_err *err)
{
	if (rc == 0 && write_res)
		rc = sim_res_commit(op->s, err);
	if (rc == 0)
		rc = sim_store_commit(op->s, err);
	if (rc != 0) {
		op->s->cached = false;
		if (op->s->res != NULL)
			op->s->res->cached = false;
	}
	sim_store_unlock(op->lock_fd);
	op->lock_fd = -1;
	return rc;
}

/* Memory the host's running domains use now (with Xen's own share). */
static uint64_t
sim_res_used_kb(const struct sim_state *st)
{
	uint64_t used = SIM_RES_OVERHEAD_KB;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->g[i].run != SIM_STOPPED)
			used += st->g[i].mem_kb;
	return used;
}

static int
sim_res_vcpus(struct sim_res_op *op, uint64_t n, bool *write_res,
    struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	struct sim_res_rec *rec = NULL;
	struct sim_counters *c;
	double tau;
	uint32_t j;
	size_t i;

	if (n < 1)
		return xdom_err_set(err, XDOM_EINVAL, "%s needs at least 1 "
		    "vcpu online", g->name);
	if (n > g->vcpus)
		return xdom_err_set(err, XDOM_EINVAL, "%s has at most %" PRIu32
		    " vcpu%s", g->name, g->vcpus, g->vcpus == 1 ? "" : "s");
	if (n == g->vcpus_online)
		return 0;
	/* counters go on from where they are now, under the new model */
	tau = sim_load_tau(g, op->now_ns);
	c = xmalloc(sizeof *c);
	sim_load_counters(g, tau, c);
	sim_res_counters(op->s, g, tau, c);
	for (i = 0; i < op->s->res->n; i++)
		if (op->s->res->r[i].kind == SIM_RES_VCPU &&
		    sim_res_match(&op->s->res->r[i], g))
			rec = &op->s->res->r[i];
	if (rec == NULL)
		rec = sim_res_add(op->s->res);
	rec->kind = SIM_RES_VCPU;
	snprintf(rec->name, sizeof rec->name, "%s", g->name);
	rec->domid = g->id;
	rec->start_ms = g->start_ms;
	rec->tau_ns = (uint64_t)(tau * 1e9);
	rec->n = g->vcpus;
	for (j = 0; j < g->vcpus && j < SIM_MAX_VCPUS; j++)
		rec->ns[j] = c->vcpu_ns[j];
	free(c);
	g->vcpus_online = (uint32_t)n;
	sim_load_model(g, op->s->st.seed);
	*write_res = true;
	return 0;
}

static int
sim_res_mem(struct sim_res_op *op, uint64_t kb, struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	uint64_t used = sim_res_used_kb(&op->s->st), host = op->s->st.mem_kb;
	char a[24], b[24];

	if (kb < SIM_RES_MIN_MEM_KB)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is below the "
		    "minimum of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(SIM_RES_MIN_MEM_KB, b, sizeof b));
	if (g->maxmem_kb != UINT64_MAX && kb > g->maxmem_kb)
		return xdom_err_set(err, XDOM_EINVAL, "memory %s is above %s's "
		    "maximum of %s; raise it with mem-max first",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(g->maxmem_kb, b, sizeof b));
	if (kb > g->mem_kb && kb - g->mem_kb > (used < host ? host - used :
	    0))
		return xdom_err_set(err, XDOM_EINVAL, "memory %s for %s needs "
		    "%s more than the host has free",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(kb - g->mem_kb - (used < host ? host - used :
		    0), b, sizeof b));
	g->mem_kb = kb;
	return 0;
}

static int
sim_res_maxmem(struct sim_res_op *op, uint64_t kb, struct xdom_err *err)
{
	struct sim_guest *g = op->g;
	char a[24], b[24];

	if (kb < g->mem_kb)
		return xdom_err_set(err, XDOM_EINVAL, "maximum %s is below %s's "
		    "memory of %s; lower it with mem-set first",
		    memsize_format(kb, a, sizeof a), g->name,
		    memsize_format(g->mem_kb, b, sizeof b));
	if (kb > op->s->st.mem_kb)
		return xdom_err_set(err, XDOM_EINVAL, "maximum %s is above the "
		    "host's memory of %s", memsize_format(kb, a, sizeof a),
		    memsize_format(op->s->st.mem_kb, b, sizeof b));
	g->maxmem_kb = kb;
	return 0;
}

int
sim_res_set(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err)
{
	struct sim_res_op op;
	bool write_res = false;
	int rc;

	if ((unsigned)r >= HV_RES__COUNT)
		return xdom_err_set(err, XDOM_EINVAL, "unknown resource");
	if ((rc = sim_res_begin(hv->priv, name, true, "resized", &op,
	    err)) != 0)
		return rc;
	switch (r) {
	case HV_RES_VCPUS:
		rc = sim_res_vcpus(&op, value, &write_res, err);
		break;
	case HV_RES_MEM:
		rc = sim_res_mem(&op, value, err);
		break;
	default:
		rc = sim_res_maxmem(&op, value, err);
		break;
	}
	return sim_res_end(&op, rc, write_res, err);
}

/* The config's own disks are xvda, xvdb, ... in order. */
static bool
sim_res_cfg_disk(const struct sim_guest *g, uint32_t dev)
{
	return (dev >> 8) == 202 && (dev & 0xf) == 0 &&
	    ((dev & 0xff) >> 4) < g->n_vbd;
}

static int
sim_res_check_target(const char *target, struct xdom_err *err)
{
	char shown[96];
	struct stat sb;

	sim_res_shown(target, shown);
	if (target[0] != '/')
		return xdom_err_set(err, XDOM_EINVAL, "%s: give the device's "
		    "target as an absolute path", shown);
	if (strlen(target) > SIM_RES_TARGET_MAX)
		return xdom_err_set(err, XDOM_EINVAL, "%s: path too long",
		    shown);
	if (stat(target, &sb) != 0)
		return xdom_err_errno(err, errno == ENOENT ? XDOM_EINVAL :
		    XDOM_EIO, errno, "%s", shown);
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return xdom_err_set(err, XDOM_EINVAL, "%s is not a file or a "
		    "block device", shown);
	return 0;
}

/* Another attachment of target that conflicts with mode rw. */
static const struct sim_res_rec *
sim_res_target_busy(const struct sim_store *s, const char *target, bool rw)
{
	size_t i;

	for (i = 0; i < s->res->n; i++) {
		const struct sim_res_rec *rec = &s->res->r[i];
		long idx;

		if (rec->kind != SIM_RES_VBD || strcmp(rec->target, target) != 0
		    || (!rw && !rec->rw))
			continue;
		idx = sim_state_find(&s->st, rec->name);
		if (idx > 0 && sim_res_match(rec, &s->st.g[idx]))
			return rec;
	}
	return NULL;
}

int
sim_res_block_attach(struct hv *hv, const char *name,
    const struct hv_block *b, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	const struct sim_res_rec *other;
	struct sim_res_rec *rec;
	struct sim_res_op op;
	char shown[96];
	uint32_t dev;
	size_t from = 0, n = 0;
	int rc;

	if (b == NULL || b->target == NULL || b->vdev == NULL)
		return xdom_err_set(err, XDOM_EINVAL, "block-attach needs a "
		    "target and a virtual device");
	if ((rc = vdev_parse(b->vdev, &dev, err)) != 0 ||
	    (rc = sim_res_check_target(b->target, err)) != 0)
		return rc;
	if ((rc = sim_res_begin(s, name, true, "given devices", &op,
	    err)) != 0)
		return rc;
	if (sim_res_cfg_disk(op.g, dev)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s already has a device "
		    "%s", name, b->vdev);
		goto out;
	}
	while ((other = sim_res_find(s->res, op.g, SIM_RES_VBD, &from)) !=
	    NULL) {
		n++;
		if (other->dev == dev) {
			rc = xdom_err_set(err, XDOM_EINVAL, "%s already has a "
			    "device %s", name, b->vdev);
			goto out;
		}
	}
	if (n >= SIM_RES_MAX_ATTACH) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s has %d devices "
		    "attached already; detach one first", name,
		    SIM_RES_MAX_ATTACH);
		goto out;
	}
	if ((other = sim_res_target_busy(s, b->target, b->writable)) != NULL) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is attached to %s as "
		    "%s %s; a target is writable in one place only",
		    sim_res_shown(b->target, shown), other->name, other->vdev,
		    other->rw ? "read-write" : "read-only");
		goto out;
	}
	rec = sim_res_add(s->res);
	rec->kind = SIM_RES_VBD;
	snprintf(rec->name, sizeof rec->name, "%s", name);
	rec->domid = op.g->id;
	rec->start_ms = op.g->start_ms;
	snprintf(rec->vdev, sizeof rec->vdev, "%s", b->vdev);
	rec->dev = dev;
	rec->rw = b->writable;
	rec->tau_ns = (uint64_t)(sim_load_tau(op.g, op.now_ns) * 1e9);
	snprintf(rec->target, sizeof rec->target, "%s", b->target);
out:
	return sim_res_end(&op, rc, true, err);
}

int
sim_res_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_res_op op;
	uint32_t dev;
	size_t i;
	int rc;

	if ((rc = vdev_parse(vdev, &dev, err)) != 0)
		return rc;
	if ((rc = sim_res_begin(s, name, true, "given devices", &op,
	    err)) != 0)
		return rc;
	if (dev == 202u << 8 && op.g->n_vbd > 0) {
		rc = xdom_err_set(err, XDOM_EINVAL, "xvda is %s's root disk; "
		    "it cannot be detached", name);
		goto out;
	}
	if (sim_res_cfg_disk(op.g, dev)) {
		rc = xdom_err_set(err, XDOM_EINVAL, "%s is in %s's config "
		    "file; only devices added with block-attach are "
		    "detached", vdev, name);
		goto out;
	}
	for (i = 0; i < s->res->n; i++) {
		struct sim_res_rec *rec = &s->res->r[i];

		if (rec->kind == SIM_RES_VBD && rec->dev == dev &&
		    sim_res_match(rec, op.g)) {
			*rec = s->res->r[--s->res->n];
			goto out;
		}
	}
	rc = xdom_err_set(err, XDOM_EINVAL, "%s has no device %s", name, vdev);
out:
	return sim_res_end(&op, rc, true, err);
}

/* ---- save and restore ---- */

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
	g->run = SIM_STOPPED;
	g->id = 0;
	g->start_ms = g->frozen_ms = g->paused_ms = 0;
	g->pending = SIM_PEND_NONE;
	g->pend_ms = 0;
	g->pend_id = 0;
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
	ssize_t n;
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
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
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

int
sim_res_restore(struct hv *hv, const char *file, struct xdom_err *err)
{
	struct sim_store *s = hv->priv;
	struct sim_res_op op;
	struct sim_save *sv = xmalloc(sizeof *sv);
	struct sim_guest *g;
	uint64_t used;
	char a[24];
	size_t i;
	int rc;

	if (file == NULL)
		rc = xdom_err_set(err, XDOM_EINVAL, "no save file given");
	else
		rc = sim_res_read_save(file, sv, err);
	if (rc != 0)
		goto done;
	for (i = 0; i < sv->n_vbd; i++)
		if ((rc = sim_res_check_target(sv->vbd[i].target, err)) != 0)
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
		rc = xdom_err_set(err, XDOM_EINVAL, "%s needs %s and the host "
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
