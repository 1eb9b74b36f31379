/*
 * sim_res_file.c - the simulated host's DIR/res: what the state format
 * has no room for (vcpu counters across vcpu-set, hot-plugged block
 * devices), written under the state's lock and replaced by rename(2):
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
 * into, and is not written to the guest's config file. TARGET is
 * percent-encoded like the state's names. sim_res.c says what the
 * records mean.
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
#include "core/xmalloc.h"

static const char *const sim_res_kinds[SIM_RES__COUNT] = {
	[SIM_RES_VCPU] = "vcpu",
	[SIM_RES_VBD] = "vbd",
};

const char *
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

struct sim_res_rec *
sim_res_add(struct sim_res *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->r = xreallocarray(r->r, r->cap, sizeof *r->r);
	}
	memset(&r->r[r->n], 0, sizeof r->r[r->n]);
	return &r->r[r->n++];
}

char *
sim_res_read_text(int fd, size_t size, size_t *got)
{
	char *buf = xmalloc(size + 1);
	ssize_t n;

	*got = 0;
	while (*got < size) {
		n = read(fd, buf + *got, size - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*got += (size_t)n;
	}
	buf[*got] = '\0';
	return buf;
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
bool
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

void
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

bool
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
int
sim_res_load(struct sim_store *s, struct xdom_err *err)
{
	struct sim_res *r;
	char *path = sim_res_path(s), *buf = NULL;
	struct stat sb;
	size_t got = 0;
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
	if (r->cached && sim_file_key_same(&r->key, &sb))
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
	buf = sim_res_read_text(fd, (size_t)sb.st_size, &got);
	if (strlen(buf) != got) {
		rc = xdom_err_set(err, XDOM_ECORRUPT, "%s: corrupt simulated "
		    "host device file (NUL byte); remove it", path);
		goto out;
	}
	if ((rc = sim_res_parse(r, buf, path, err)) != 0)
		goto out;
	r->cached = true;
	sim_file_key_set(&r->key, &sb);
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
bool
sim_res_match(const struct sim_res_rec *rec, const struct sim_guest *g)
{
	return g->run != SIM_STOPPED && rec->domid == g->id &&
	    rec->start_ms == g->start_ms && strcmp(rec->name, g->name) == 0;
}

/* Write s->res (dropping records of domains that are gone) by rename. */
int
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
