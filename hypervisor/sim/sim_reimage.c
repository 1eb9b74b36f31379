/*
 * sim_reimage.c - re-imaging a simulated guest: a real disk image file,
 * DIR/images/NAME.img, written chunk by chunk with progress.
 *
 * One re-image per guest at a time: DIR/images/NAME.lock is flock()ed for
 * the whole run (boot checks it too, so a guest can't start on half an
 * image). The image is written to a temp file and renamed over the old
 * one only when complete, so a cancelled or failed run keeps the old
 * image. It takes XDOM_SIM_REIMAGE_MS (default 4000) and writes
 * XDOM_SIM_IMAGE_MB MiB (default 64). The guest stays stopped afterwards.
 */
#include "hypervisor/sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/xmalloc.h"

#define SIM_IMAGE_CHUNK (1u << 20)
#define SIM_IMAGE_MAGIC "XDOM-SIM-IMAGE 1\n"

/* Stages by permille reached. */
static const struct {
	unsigned until;
	const char *stage;
} sim_reimage_stages[] = {
	{ 40, "partitioning" },
	{ 900, "writing image" },
	{ 980, "installing bootloader" },
	{ 1000, "finishing" },
};

static const char *
sim_reimage_stage(unsigned permille)
{
	size_t i;

	for (i = 0; i < sizeof sim_reimage_stages /
	    sizeof sim_reimage_stages[0]; i++)
		if (permille < sim_reimage_stages[i].until)
			return sim_reimage_stages[i].stage;
	return "done";
}

static unsigned
sim_reimage_mb(void)
{
	const char *v = getenv("XDOM_SIM_IMAGE_MB");
	char *e;
	long n;

	if (v == NULL || *v == '\0')
		return 64;
	n = strtol(v, &e, 10);
	if (*e != '\0' || n < 1 || n > 4096)
		return 64;
	return (unsigned)n;
}

static void
sim_reimage_sleep(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	if (ms <= 0)
		return;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static char *
sim_reimage_lock_path(const struct sim_store *s, const char *name)
{
	return xasprintf("%s/%s.lock", s->img_dir, name);
}

int
sim_reimage_busy(struct sim_store *s, const char *name, struct xdom_err *err)
{
	char *path = sim_reimage_lock_path(s, name);
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
		rc = xdom_err_set(err, XDOM_EBUSY, "%s is being re-imaged; "
		    "wait for it to finish", name);
	close(fd);
	return rc;
}

/* The guest's effective run state now; -1 when unknown. */
static int
sim_reimage_run_state(struct sim_store *s, const char *name,
    struct xdom_err *err)
{
	struct sim_guest eff;
	long idx;
	int rc;

	sim_store_enter(s);
	if ((rc = sim_store_refresh(s, err)) != 0)
		goto out;
	if ((idx = sim_state_find(&s->st, name)) < 0) {
		rc = xdom_err_set(err, XDOM_ENOENT, "%s: no such domain",
		    name);
		goto out;
	}
	sim_guest_effective(&s->st.g[idx], xdom_wall_ms(), &eff, NULL);
	rc = eff.run | (eff.pending << 8);
out:
	sim_store_leave(s);
	return rc;
}

/* Stop the guest (shutdown, or destroy when it can't shut down) and wait
 * until it is stopped. */
static int
sim_reimage_stop(struct sim_store *s, const char *name, int st,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	int64_t deadline = xdom_mono_ms() + sim_delay_ms() * 3 + 5000;
	int rc;

	if ((st & 0xff) == SIM_RUNNING && (st >> 8) == SIM_PEND_NONE)
		rc = sim_act(s, name, HV_ACT_SHUTDOWN, err);
	else if ((st & 0xff) == SIM_RUNNING)
		rc = 0;		/* already going down */
	else
		rc = sim_act(s, name, HV_ACT_DESTROY, err);
	if (rc != 0)
		return rc;
	for (;;) {
		if ((st = sim_reimage_run_state(s, name, err)) < 0)
			return st;
		if ((st & 0xff) == SIM_STOPPED)
			return 0;
		if ((st >> 8) == SIM_PEND_REBOOT &&
		    (rc = sim_act(s, name, HV_ACT_DESTROY, err)) != 0)
			return rc;
		if (progress != NULL && progress(arg, 0, "shutting down") != 0)
			return xdom_err_set(err, XDOM_ETIMEDOUT, "re-image of "
			    "%s cancelled; the old image is kept", name);
		if (xdom_mono_ms() > deadline)
			return xdom_err_set(err, XDOM_ETIMEDOUT, "%s did not "
			    "shut down in time; the old image is kept", name);
		sim_reimage_sleep(50);
	}
}

static int
sim_reimage_header(char *chunk, const char *name, const char *vdev)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return snprintf(chunk, 4096, SIM_IMAGE_MAGIC "name: %s\ncreated: %s\n"
	    "device: %s\ndistribution: Debian GNU/Linux 12 (simulated)\n"
	    "size-mib: %u\n", name, when, vdev, sim_reimage_mb());
}

void
sim_reimage_initial(const struct sim_store *s, const struct sim_guest *g)
{
	char head[4096], *path;
	uint32_t j;
	int fd, n;

	if (!xdom_name_valid(g->name))
		return;
	for (j = 0; j < g->n_vbd; j++) {
		char vdev[8];

		snprintf(vdev, sizeof vdev, "xvd%c", 'a' + j);
		path = j == 0 ? xasprintf("%s/%s.img", s->img_dir, g->name) :
		    xasprintf("%s/%s-%s.img", s->img_dir, g->name, vdev);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		free(path);
		if (fd < 0)
			continue;	/* kept from before, or unwritable */
		n = sim_reimage_header(head, g->name, vdev);
		if (n > 0 && n < (int)sizeof head)
			(void)!write(fd, head, (size_t)n);
		(void)!ftruncate(fd, (off_t)sim_reimage_mb() << 20);
		close(fd);
	}
}

static int
sim_reimage_write(struct sim_store *s, const char *name,
    hv_progress_fn progress, void *arg, struct xdom_err *err)
{
	char *img = xasprintf("%s/%s.img", s->img_dir, name);
	unsigned chunks = sim_reimage_mb(), i, pm;
	int64_t t0 = xdom_mono_ms(), total = sim_reimage_ms();
	char *chunk = xcalloc(1, SIM_IMAGE_CHUNK);
	struct xdom_atomic a;
	int rc;

	if ((rc = xdom_atomic_begin(&a, img, 0600, err)) != 0)
		goto out;
	if (progress != NULL && progress(arg, 0, sim_reimage_stage(0)) != 0)
		goto cancelled;
	for (i = 0; i < chunks; i++) {
		size_t off;

		memset(chunk, 0, SIM_IMAGE_CHUNK);
		if (i == 0)
			sim_reimage_header(chunk, name, "xvda");
		/* something that looks like data, not a sparse hole */
		for (off = 4096; off < SIM_IMAGE_CHUNK; off += 512)
			snprintf(chunk + off, 32, "block %u.%zu", i, off / 512);
		if (xdom_write_all(a.fd, chunk, SIM_IMAGE_CHUNK) != 0) {
			rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", a.tmp);
			goto fail;
		}
		/* pace the work over the configured duration */
		sim_reimage_sleep(t0 + total * (i + 1) / chunks -
		    xdom_mono_ms());
		pm = (unsigned)((uint64_t)(i + 1) * 990 / chunks);
		if (progress != NULL &&
		    progress(arg, pm, sim_reimage_stage(pm)) != 0)
			goto cancelled;
	}
	if ((rc = xdom_atomic_commit(&a, NULL, err)) != 0)
		goto out;
	if (progress != NULL)
		(void)progress(arg, 1000, "done");
	goto out;
cancelled:
	rc = xdom_err_set(err, XDOM_ETIMEDOUT, "re-image of %s cancelled; "
	    "the old image is kept", name);
fail:
	xdom_atomic_abort(&a);
out:
	free(chunk);
	free(img);
	return rc;
}

int
sim_reimage_run(struct sim_store *s, const char *name,
    const struct hv_reimage_opts *o, hv_progress_fn progress, void *arg,
    struct xdom_err *err)
{
	char shown[96], *lock = NULL;
	int lfd = -1, rc, st;

	if (strcmp(name, "Domain-0") == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 cannot be "
		    "re-imaged");
	if (!xdom_name_valid(name)) {
		xdom_escape(shown, sizeof shown, name);
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", shown);
	}
	if ((st = sim_reimage_run_state(s, name, err)) < 0)
		return st;
	lock = sim_reimage_lock_path(s, name);
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", lock);
		goto out;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? xdom_err_set(err, XDOM_EBUSY,
		    "a re-image of %s is already running", name) :
		    xdom_err_errno(err, XDOM_EIO, errno, "lock %s", lock);
		goto out;
	}
	if ((st & 0xff) != SIM_STOPPED) {
		if (!o->shutdown_first) {
			rc = xdom_err_set(err, XDOM_ESTATE, "%s is running; "
			    "shut it down before re-imaging it", name);
			goto out;
		}
		if ((rc = sim_reimage_stop(s, name, st, progress, arg,
		    err)) != 0)
			goto out;
	}
	rc = sim_reimage_write(s, name, progress, arg, err);
out:
	if (lfd >= 0)
		close(lfd);	/* drops the flock */
	free(lock);
	return rc;
}
