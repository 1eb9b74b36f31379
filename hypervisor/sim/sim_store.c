/*
 * sim_store.c - the simulated host's directory: creation, the writers'
 * lock, cached reads and crash-safe writes.
 *
 * Readers never lock: a writer replaces DIR/state by rename(2), so a
 * reader sees the old file or the new one, never half of one. Writers
 * serialise on flock(DIR/lock); a writer killed at any point leaves the
 * old state in place (at worst a stale DIR/state.tmp, truncated by the
 * next writer) and the kernel drops its lock.
 */
#include "hypervisor/sim/sim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/fileread.h"
#include "core/xmalloc.h"

#define SIM_STATE_MAX_BYTES (64u << 20)
#define SIM_LOCK_WAIT_MS 15000

static int64_t
sim_store_env_ms(const char *var, int64_t def)
{
	const char *v = getenv(var);
	char *e;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtoll(v, &e, 10);
	if (errno != 0 || *e != '\0' || n < 0 || n > 3600000)
		return def;
	return n;
}

int64_t
sim_delay_ms(void)
{
	return sim_store_env_ms("XDOM_SIM_DELAY_MS", SIM_DEFAULT_DELAY_MS);
}

int64_t
sim_reimage_ms(void)
{
	return sim_store_env_ms("XDOM_SIM_REIMAGE_MS", SIM_DEFAULT_REIMAGE_MS);
}

/* mkdir -p, each created level mode 0700. */
static int
sim_store_mkdirs(const char *dir, struct xdom_err *err)
{
	char *p = xstrdup(dir), *q;
	int rc = 0;

	for (q = p + 1; ; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		char c = *q;

		*q = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			rc = xdom_err_errno(err, XDOM_EIO, errno,
			    "cannot create the simulated host directory %s", p);
			goto out;
		}
		*q = c;
		if (c == '\0')
			break;
	}
out:
	free(p);
	return rc;
}

void
sim_store_mac(const char *name, unsigned j, char mac[18])
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ull;
	h ^= h >> 29;
	snprintf(mac, 18, "00:16:3e:%02x:%02x:%02x",
	    (unsigned)(h >> 16) & 0x7f, (unsigned)(h >> 8) & 0xff,
	    (unsigned)(h + j * 0x11) & 0xff);
}

bool
sim_store_cfg_path(const struct sim_store *s, const char *name, char *buf,
    size_t len)
{
	int n;

	if (!xdom_name_valid(name))
		return false;
	n = snprintf(buf, len, "%s/%s.cfg", s->xen_dir, name);
	return n > 0 && (size_t)n < len;
}

/* ---- effective state ---- */

void
sim_guest_effective(const struct sim_guest *g, int64_t now_ms,
    struct sim_guest *eff, uint64_t *retired_ns)
{
	struct sim_counters c;

	*eff = *g;
	if (g->pending == SIM_PEND_NONE || now_ms < g->pend_ms)
		return;
	if (retired_ns != NULL) {
		sim_load_counters(g, sim_load_tau(g, g->pend_ms * 1000000),
		    &c);
		*retired_ns += c.cpu_ns;
	}
	eff->pending = SIM_PEND_NONE;
	eff->frozen_ms = eff->paused_ms = 0;
	if (g->pending == SIM_PEND_SHUTDOWN) {
		eff->run = SIM_STOPPED;
		eff->id = 0;
		eff->start_ms = 0;
	} else {
		eff->run = SIM_RUNNING;
		eff->id = g->pend_id;
		eff->start_ms = g->pend_ms;
	}
	eff->pend_ms = 0;
	eff->pend_id = 0;
}

void
sim_store_materialise(struct sim_state *st, int64_t now_ms)
{
	struct sim_guest eff;
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->g[i].pending == SIM_PEND_NONE ||
		    now_ms < st->g[i].pend_ms)
			continue;
		sim_guest_effective(&st->g[i], now_ms, &eff, &st->retired_ns);
		st->g[i] = eff;
	}
}

void
sim_guest_stop(struct sim_guest *g)
{
	g->run = SIM_STOPPED;
	g->id = 0;
	g->start_ms = g->frozen_ms = g->paused_ms = 0;
	g->pending = SIM_PEND_NONE;
	g->pend_ms = 0;
	g->pend_id = 0;
}

/* ---- one guest under the writers' lock ---- */

const char *
sim_name_shown(const char *name, char buf[96])
{
	if (xdom_escape(buf, 96, name) >= 96)
		snprintf(buf + 90, 6, "...");
	return buf;
}

int
sim_guest_locked(struct sim_store *s, const char *name, const char *dom0,
    struct sim_locked *lk, struct xdom_err *err)
{
	char shown[96];
	int rc;

	lk->fd = -1;
	lk->idx = -1;
	lk->now_ns = 0;
	if (strcmp(name, "Domain-0") == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 %s", dom0);
	if (!xdom_name_valid(name))
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", sim_name_shown(name, shown));
	if ((rc = sim_store_lock(s, &lk->fd, err)) != 0)
		return rc;
	if ((rc = sim_store_refresh(s, err)) != 0)
		return sim_guest_unlock(s, lk, rc);
	if ((lk->idx = sim_state_find(&s->st, name)) < 0)
		return sim_guest_unlock(s, lk, xdom_err_set(err, XDOM_ENOENT,
		    "%s: no such domain", name));
	lk->now_ns = xdom_wall_ns();
	sim_store_materialise(&s->st, lk->now_ns / 1000000);
	if (lk->idx == 0)	/* not reached: the state keeps Domain-0 first */
		return sim_guest_unlock(s, lk, xdom_err_set(err, XDOM_EPERM,
		    "Domain-0 %s", dom0));
	return 0;
}

int
sim_guest_unlock(struct sim_store *s, struct sim_locked *lk, int rc)
{
	if (rc != 0)
		s->cached = false;
	sim_store_unlock(lk->fd);
	lk->fd = -1;
	return rc;
}

/* ---- reading ---- */

void
sim_file_key_set(struct sim_file_key *k, const struct stat *sb)
{
	k->dev = sb->st_dev;
	k->ino = sb->st_ino;
	k->size = (uint64_t)sb->st_size;
	k->mtime_ns = sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
}

bool
sim_file_key_same(const struct sim_file_key *k, const struct stat *sb)
{
	return sb->st_dev == k->dev && sb->st_ino == k->ino &&
	    (uint64_t)sb->st_size == k->size &&
	    sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec ==
	    k->mtime_ns;
}

static int
sim_store_read(struct sim_store *s, struct xdom_err *err)
{
	struct xdom_err why = { 0 };
	struct stat sb;
	char *buf = NULL;
	size_t got;
	int rc;

	rc = xdom_file_read(s->state_path, SIM_STATE_MAX_BYTES,
	    XDOM_READ_NOFOLLOW | XDOM_READ_OPTIONAL, &buf, &got, &sb, &why);
	if (rc == XDOM_EPROTO)
		return xdom_err_set(err, XDOM_ECORRUPT, "%s: corrupt simulated "
		    "host state (not a regular file of sane size); remove the "
		    "directory to start a fresh simulated host",
		    s->state_path);
	if (rc != 0)
		return xdom_err_set(err, rc, "%s", why.msg);
	if (buf == NULL)
		return XDOM_ENOENT;
	s->cached = false;
	rc = sim_state_parse(&s->st, buf, got, s->state_path, err);
	if (rc != 0)
		goto out;
	s->cached = true;
	sim_file_key_set(&s->key, &sb);
out:
	free(buf);
	return rc;
}

static bool
sim_store_fresh(const struct sim_store *s)
{
	struct stat sb;

	if (!s->cached || stat(s->state_path, &sb) != 0)
		return false;
	return sim_file_key_same(&s->key, &sb);
}

/* ---- writing ---- */

static void
sim_store_hook(const char *stage)
{
	if (sim_state_test_hook != NULL)
		sim_state_test_hook(stage);
}

int
sim_store_commit(struct sim_store *s, struct xdom_err *err)
{
	struct xdom_atomic a;
	struct stat sb;
	size_t len;
	char *text;
	int rc;

	text = sim_state_format(&s->st, &len);
	sim_store_hook("tmp-open");
	if ((rc = xdom_atomic_begin(&a, s->state_path, 0600, err)) != 0)
		goto out;
	if (xdom_write_all(a.fd, text, len / 2) != 0)
		goto fail;
	sim_store_hook("mid-write");
	if (xdom_write_all(a.fd, text + len / 2, len - len / 2) != 0)
		goto fail;
	sim_store_hook("written");
	if ((rc = xdom_atomic_commit(&a, &sb, err)) != 0) {
		s->cached = false;
		goto out;
	}
	sim_store_hook("renamed");
	s->cached = true;
	sim_file_key_set(&s->key, &sb);
	goto out;
fail:
	rc = xdom_err_errno(err, XDOM_EIO, errno, "cannot write %s", a.tmp);
	s->cached = false;
	xdom_atomic_abort(&a);
out:
	free(text);
	return rc;
}

int
sim_store_lock(struct sim_store *s, int *fd, struct xdom_err *err)
{
	struct timespec ts = { 0, 2000000 };
	int waited = 0;

	*fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (*fd < 0)
		return xdom_err_errno(err, XDOM_EIO, errno, "%s",
		    s->lock_path);
	while (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(*fd);
			*fd = -1;
			return xdom_err_errno(err, XDOM_EIO, e, "lock %s",
			    s->lock_path);
		}
		if (waited >= SIM_LOCK_WAIT_MS) {
			close(*fd);
			*fd = -1;
			return xdom_err_set(err, XDOM_ETIMEDOUT, "the simulated "
			    "host %s stayed locked for %d s; try again",
			    s->dir, SIM_LOCK_WAIT_MS / 1000);
		}
		nanosleep(&ts, NULL);
		waited += 2;
	}
	return 0;
}

void
sim_store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* drops the flock */
}

/* ---- config files ---- */

static const char *
sim_store_owner(const char *name, char *buf, size_t len)
{
	const char *p, *q;

	if (strncmp(name, "cust-", 5) != 0)
		return NULL;
	p = name + 5;
	if ((q = strchr(p, '-')) == NULL || q == p || (size_t)(q - p) >= len)
		return NULL;
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
	return buf;
}

struct sim_cfgbuf {
	char t[8192];
	size_t n;
};

static void __attribute__((format(printf, 2, 3)))
sim_store_cfg_add(struct sim_cfgbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->t + b->n, sizeof b->t - b->n, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof b->t - b->n)
		b->n += (size_t)n;
}

/* g's xl-style config into b; false when it has none (an odd name, or
 * an image directory no quoting can hold). */
static bool
sim_store_cfg_text(const struct sim_store *s, const struct sim_guest *g,
    struct sim_cfgbuf *b)
{
	char mac[18], owner[64];
	unsigned j;

	if (!xdom_name_valid(g->name) || strchr(s->img_dir, '\'') != NULL)
		return false;
	b->n = 0;
	sim_store_cfg_add(b, "# %s.cfg - simulated guest of the xdom sim "
	    "backend\nname = \"%s\"\n", g->name, g->name);
	sim_store_cfg_add(b, "memory = %" PRIu64 "\n", g->mem_kb / 1024);
	if (g->maxmem_kb != UINT64_MAX)
		sim_store_cfg_add(b, "maxmem = %" PRIu64 "\n",
		    g->maxmem_kb / 1024);
	sim_store_cfg_add(b, "vcpus = %" PRIu32 "\nmaxvcpus = %" PRIu32 "\n",
	    g->vcpus_online ? g->vcpus_online : 1, g->vcpus);
	sim_store_cfg_add(b, "disk = [");
	for (j = 0; j < g->n_vbd; j++) {
		if (j == 0)
			sim_store_cfg_add(b, " 'file:%s/%s.img,xvda,w'",
			    s->img_dir, g->name);
		else
			sim_store_cfg_add(b, ", 'file:%s/%s-xvd%c.img,xvd%c,w'",
			    s->img_dir, g->name, 'a' + j, 'a' + j);
	}
	sim_store_cfg_add(b, " ]\nvif = [");
	for (j = 0; j < g->n_net; j++) {
		sim_store_mac(g->name, j, mac);
		sim_store_cfg_add(b, "%s 'mac=%s,bridge=xenbr0'", j ? "," : "",
		    mac);
	}
	sim_store_cfg_add(b, " ]\non_crash = \"preserve\"\n");
	if (sim_store_owner(g->name, owner, sizeof owner) != NULL)
		sim_store_cfg_add(b, "xen_shell = '%s'\n", owner);
	return true;
}

static void
sim_store_write_cfg(const struct sim_store *s, const struct sim_guest *g)
{
	char path[4096];
	struct sim_cfgbuf b;
	int fd;

	if (!sim_store_cfg_path(s, g->name, path, sizeof path) ||
	    !sim_store_cfg_text(s, g, &b))
		return;
	/* written in place: only a new host writes these, and rewriting
	 * an existing file costs no new inode */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return;
	(void)xdom_write_all(fd, b.t, b.n);
	close(fd);
}

void
sim_store_ensure_cfg(const struct sim_store *s, const struct sim_guest *g)
{
	char path[4096], tmp[4200];
	struct sim_cfgbuf b;
	struct stat sb;
	int fd, ok;

	if (!sim_store_cfg_path(s, g->name, path, sizeof path) ||
	    lstat(path, &sb) == 0 || errno != ENOENT ||
	    !sim_store_cfg_text(s, g, &b))
		return;
	/* whole or not at all, and never over a file that appeared in
	 * the meantime (another process's, or an admin's edit) */
	snprintf(tmp, sizeof tmp, "%s/.%s.cfg.%ld", s->xen_dir, g->name,
	    (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return;
	ok = xdom_write_all(fd, b.t, b.n) == 0;
	close(fd);
	if (ok)
		(void)!link(tmp, path);
	(void)unlink(tmp);
}

/*
 * Make DIR/xen/ hold the configs of st's guests, and only those. A host
 * small enough to afford the files gets them all now, with first disk
 * images; a larger one (10,000 guests cost seconds of file creation on
 * a disk) starts with none, and each guest's config is written when
 * first asked for (sim_store_ensure_cfg, from hv_info).
 */
#define SIM_EAGER_FILES 201	/* guests, Domain-0 included */

static void
sim_store_write_cfgs(const struct sim_store *s)
{
	bool eager = s->st.n <= SIM_EAGER_FILES;

	char name[NAME_MAX + 1];
	DIR *d;
	struct dirent *e;
	size_t i, len;

	/* drop the configs of guests the new host does not have */
	if ((d = opendir(s->xen_dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			len = strlen(e->d_name);
			if (len <= 4 || strcmp(e->d_name + len - 4, ".cfg") != 0)
				continue;
			memcpy(name, e->d_name, len - 4);
			name[len - 4] = '\0';
			/* a lazy host must not keep an older host's file
			 * for a guest of the same name */
			if (!eager || sim_state_find(&s->st, name) <= 0)
				(void)unlinkat(dirfd(d), e->d_name, 0);
		}
		closedir(d);
	}
	if (!eager)
		return;
	for (i = 1; i < s->st.n; i++)
		sim_store_write_cfg(s, &s->st.g[i]);
	for (i = 1; i < s->st.n; i++)
		sim_reimage_initial(s, &s->st.g[i]);
}

/* ---- open ---- */

/* Under the lock: make a new host unless a usable one exists. */
static int
sim_store_create(struct sim_store *s, struct xdom_err *err)
{
	int rc;

	rc = sim_store_read(s, err);
	if (rc == 0 && (s->want_n == 0 || s->st.ndomains == s->want_n))
		return 0;
	if (rc != 0 && rc != XDOM_ENOENT)
		return rc;
	sim_state_generate(&s->st, s->want_n, xdom_wall_ms());
	s->cached = false;
	sim_store_write_cfgs(s);
	return sim_store_commit(s, err);
}

int
sim_store_refresh(struct sim_store *s, struct xdom_err *err)
{
	int rc, fd;

	if (sim_store_fresh(s))
		return 0;
	rc = sim_store_read(s, err);
	if (rc != XDOM_ENOENT)
		return rc;
	if (s->readonly)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no simulated host",
		    s->state_path);
	/* the directory was emptied under us: a fresh host */
	if ((rc = sim_store_mkdirs(s->xen_dir, err)) != 0 ||
	    (rc = sim_store_mkdirs(s->img_dir, err)) != 0 ||
	    (rc = sim_store_lock(s, &fd, err)) != 0)
		return rc;
	rc = sim_store_create(s, err);
	sim_store_unlock(fd);
	return rc;
}

int
sim_store_open(struct sim_store *s, const char *dir, uint32_t want_n,
    struct xdom_err *err)
{
	int rc, fd = -1;

	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	if (want_n >= SIM_MAX_GUESTS)
		return xdom_err_set(err, XDOM_EINVAL, "--sim-domains %" PRIu32
		    ": at most %d guests", want_n, SIM_MAX_GUESTS - 1);
	s->dir = xstrdup(dir);
	s->state_path = xasprintf("%s/state", dir);
	s->lock_path = xasprintf("%s/lock", dir);
	s->xen_dir = xasprintf("%s/xen", dir);
	s->img_dir = xasprintf("%s/images", dir);
	s->want_n = want_n;
	if ((rc = sim_store_mkdirs(s->xen_dir, err)) != 0 ||
	    (rc = sim_store_mkdirs(s->img_dir, err)) != 0)
		return rc;
	rc = sim_store_read(s, err);
	if (rc == 0 && (want_n == 0 || s->st.ndomains == want_n))
		return 0;
	if (rc != 0 && rc != XDOM_ENOENT)
		return rc;
	if ((rc = sim_store_lock(s, &fd, err)) != 0)
		return rc;
	rc = sim_store_create(s, err);
	sim_store_unlock(fd);
	return rc;
}

void
sim_store_close(struct sim_store *s)
{
	sim_state_dispose(&s->st);
	free(s->dir);
	free(s->state_path);
	free(s->lock_path);
	free(s->xen_dir);
	free(s->img_dir);
	pthread_mutex_destroy(&s->mu);
	memset(s, 0, sizeof *s);
}

void
sim_store_enter(struct sim_store *s)
{
	pthread_mutex_lock(&s->mu);
}

void
sim_store_leave(struct sim_store *s)
{
	pthread_mutex_unlock(&s->mu);
}
