/*
 * test_sim_res.c - resource changes, block hotplug and save/restore on
 * the simulated host: each action and its effect in snapshots, each
 * refusal, each bad value, counters that never step back, a second
 * process seeing the change, and a damaged save file. Every case runs on
 * its own mktemp'd state directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/snap.h"
#include "core/vdev.h"
#include "hypervisor/hv.h"
#include "hypervisor/sim/sim.h"
#include "tests/unit/support/fixture.h"

#define MIB 1024ull
#define GIB (1024ull * 1024)

struct fx {
	char dir[64];		/* sim state */
	char files[64];		/* images and save files */
	char img[128], img2[128];
	struct hv *hv;
	struct snap s;
};

static struct hv *
open_dir(const char *dir)
{
	struct hv_open_opts o = { .backend = "sim", .sim_dir = dir };
	struct xdom_err err = { 0 };
	struct hv *hv = NULL;

	assert_int_equal(hv_open(&hv, &o, &err), 0);
	return hv;
}

static void
make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
}

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/xdom-test-simres.XXXXXX");
	snprintf(f->files, sizeof f->files, "/tmp/xdom-test-simres-f.XXXXXX");
	if (mkdtemp(f->dir) == NULL || mkdtemp(f->files) == NULL)
		return -1;
	setenv("XDOM_SIM_DELAY_MS", "200", 1);
	snprintf(f->img, sizeof f->img, "%s/extra.img", f->files);
	snprintf(f->img2, sizeof f->img2, "%s/extra2.img", f->files);
	make_file(f->img);
	make_file(f->img2);
	f->hv = open_dir(f->dir);
	snap_init(&f->s);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	hv_close(f->hv);
	snap_dispose(&f->s);
	tfx_rm_tree(f->dir);
	tfx_rm_tree(f->files);
	free(f);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const struct snap_dom *
snap_dom(struct fx *f, const char *name)
{
	struct xdom_err err = { 0 };

	assert_int_equal(hv_snapshot(f->hv, HV_SNAP_ALL, &f->s, &err), 0);
	return snap_find_name(&f->s, name);
}

/* rc must be want, and the message must hold text (one line). */
static void
expect(int rc, const struct xdom_err *err, int want, const char *text)
{
	if (rc != want || (text != NULL && strstr(err->msg, text) == NULL))
		print_error("rc %d (want %d): %s\n", rc, want, err->msg);
	assert_int_equal(rc, want);
	if (text != NULL)
		assert_non_null(strstr(err->msg, text));
	assert_null(strchr(err->msg, '\n'));
}

static int
set(struct fx *f, const char *name, enum hv_resource r, uint64_t v,
    struct xdom_err *err)
{
	memset(err, 0, sizeof *err);
	return hv_set_resource(f->hv, name, r, v, err);
}

static int
attach(struct fx *f, const char *name, const char *target,
    const char *vdev, bool rw, struct xdom_err *err)
{
	struct hv_block b = { target, vdev, rw };

	memset(err, 0, sizeof *err);
	return hv_block_attach(f->hv, name, &b, err);
}

/* ---- vcpus ---- */

static void
test_vcpus(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	const struct snap_dom *d;
	const struct snap_vcpu *v;
	uint64_t before;

	/* devbox01 has 4 vcpus, 2 online */
	d = snap_dom(f, "devbox01");
	assert_int_equal(d->vcpus_online, 2);
	assert_int_equal(d->vcpus_max, 4);
	before = d->cpu_ns;
	expect(set(f, "devbox01", HV_RES_VCPUS, 4, &err), &err, 0, NULL);
	d = snap_dom(f, "devbox01");
	assert_int_equal(d->vcpus_online, 4);
	v = snap_dom_vcpus(&f->s, d);
	assert_int_equal(d->n_vcpu, 4);
	assert_true(v[0].online && v[1].online && v[2].online && v[3].online);
	/* counters go on from where they were: no jump, no step back */
	assert_true(d->cpu_ns >= before);
	assert_true(d->cpu_ns - before < 5000000000ull);
	before = d->cpu_ns;
	expect(set(f, "devbox01", HV_RES_VCPUS, 1, &err), &err, 0, NULL);
	d = snap_dom(f, "devbox01");
	assert_int_equal(d->vcpus_online, 1);
	v = snap_dom_vcpus(&f->s, d);
	assert_true(v[0].online && !v[1].online && !v[3].online);
	assert_true(d->cpu_ns >= before);
	assert_true(v[3].ns > 0);	/* an offline vcpu keeps its time */
	sleep_ms(300);
	before = d->cpu_ns;
	d = snap_dom(f, "devbox01");
	assert_true(d->cpu_ns > before);
	/* the same number again is fine */
	expect(set(f, "devbox01", HV_RES_VCPUS, 1, &err), &err, 0, NULL);
}

static void
test_vcpus_bad(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;

	expect(set(f, "web01", HV_RES_VCPUS, 3, &err), &err, XDOM_EINVAL,
	    "web01 has at most 2 vcpus");
	expect(set(f, "web01", HV_RES_VCPUS, 0, &err), &err, XDOM_EINVAL,
	    "at least 1 vcpu");
	expect(set(f, "web01", HV_RES_VCPUS, UINT64_MAX, &err), &err,
	    XDOM_EINVAL, "at most");
	expect(set(f, "web99", HV_RES_VCPUS, 1, &err), &err, XDOM_ENOENT,
	    "no such domain");
	expect(set(f, "test01", HV_RES_VCPUS, 1, &err), &err, XDOM_ESTATE,
	    "not running");
	expect(set(f, "legacy01", HV_RES_VCPUS, 1, &err), &err, XDOM_ESTATE,
	    "crashed");
	expect(set(f, "Domain-0", HV_RES_VCPUS, 1, &err), &err, XDOM_EPERM,
	    "Domain-0");
	expect(set(f, "bad name", HV_RES_VCPUS, 1, &err), &err, XDOM_EINVAL,
	    "not a valid domain name");
	memset(&err, 0, sizeof err);
	expect(hv_set_resource(f->hv, "web01", HV_RES__COUNT, 1, &err), &err,
	    XDOM_EINVAL, "unknown resource");
	/* a guest shutting down is busy */
	memset(&err, 0, sizeof err);
	assert_int_equal(hv_action(f->hv, "web02", HV_ACT_SHUTDOWN, &err), 0);
	expect(set(f, "web02", HV_RES_VCPUS, 1, &err), &err, XDOM_EBUSY,
	    "shutting down");
	/* a paused guest can be changed */
	expect(set(f, "staging01", HV_RES_VCPUS, 1, &err), &err, 0, NULL);
	assert_int_equal(snap_dom(f, "staging01")->vcpus_online, 1);
}

/* ---- memory ---- */

static void
test_memory(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	const struct snap_dom *d;

	/* web01: 2g of a 4g maximum */
	expect(set(f, "web01", HV_RES_MEM, 3 * GIB, &err), &err, 0, NULL);
	d = snap_dom(f, "web01");
	assert_int_equal(d->mem_kb, 3 * GIB);
	expect(set(f, "web01", HV_RES_MAXMEM, 8 * GIB, &err), &err, 0, NULL);
	expect(set(f, "web01", HV_RES_MEM, 8 * GIB, &err), &err, 0, NULL);
	d = snap_dom(f, "web01");
	assert_int_equal(d->mem_kb, 8 * GIB);
	assert_int_equal(d->maxmem_kb, 8 * GIB);
	expect(set(f, "web01", HV_RES_MEM, 512 * MIB, &err), &err, 0, NULL);
	expect(set(f, "web01", HV_RES_MAXMEM, 512 * MIB, &err), &err, 0, NULL);
	d = snap_dom(f, "web01");
	assert_int_equal(d->mem_kb, 512 * MIB);
	assert_int_equal(d->maxmem_kb, 512 * MIB);
}

static void
test_memory_bad(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;

	expect(set(f, "web01", HV_RES_MEM, 9 * GIB, &err), &err, XDOM_EINVAL,
	    "memory 9g is above web01's maximum of 4g");
	expect(set(f, "web01", HV_RES_MEM, 16 * MIB, &err), &err, XDOM_EINVAL,
	    "below the minimum of 32m");
	expect(set(f, "web01", HV_RES_MEM, 0, &err), &err, XDOM_EINVAL,
	    "below the minimum");
	expect(set(f, "web01", HV_RES_MAXMEM, 1 * GIB, &err), &err,
	    XDOM_EINVAL, "maximum 1g is below web01's memory of 2g");
	/* a host limit is XDOM_ENOMEM (hv_res.h hides its figures) */
	expect(set(f, "web01", HV_RES_MAXMEM, 65 * GIB, &err), &err,
	    XDOM_ENOMEM, "above the host's memory of 64g");
	/* more than the host has free (64g host, ~57g in use) */
	expect(set(f, "web01", HV_RES_MAXMEM, 60 * GIB, &err), &err, 0, NULL);
	expect(set(f, "web01", HV_RES_MEM, 20 * GIB, &err), &err, XDOM_ENOMEM,
	    "more than the host has free");
	expect(set(f, "test01", HV_RES_MEM, 512 * MIB, &err), &err,
	    XDOM_ESTATE, "not running");
	/* nothing changed by the refusals */
	assert_int_equal(snap_dom(f, "web01")->mem_kb, 2 * GIB);
}

/* ---- block devices ---- */

static const struct snap_vbd *
find_vbd(struct fx *f, const struct snap_dom *d, const char *vdev)
{
	const struct snap_vbd *v = snap_dom_vbds(&f->s, d);
	uint32_t dev, i;

	assert_int_equal(vdev_parse(vdev, &dev, NULL), 0);
	for (i = 0; i < d->n_vbd; i++)
		if (v[i].dev == dev)
			return &v[i];
	return NULL;
}

static void
test_block(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	const struct snap_dom *d;
	const struct snap_vbd *v;
	struct hv_info in;
	uint64_t rd;
	unsigned i;

	d = snap_dom(f, "web01");
	assert_int_equal(d->n_vbd, 1);
	expect(attach(f, "web01", f->img, "xvdb", true, &err), &err, 0, NULL);
	expect(attach(f, "web01", f->img2, "xvdq", false, &err), &err, 0,
	    NULL);
	d = snap_dom(f, "web01");
	assert_int_equal(d->n_vbd, 3);
	assert_non_null(find_vbd(f, d, "xvdb"));
	assert_non_null(find_vbd(f, d, "xvdq"));
	sleep_ms(600);
	d = snap_dom(f, "web01");
	v = find_vbd(f, d, "xvdb");
	rd = v->rd_reqs;
	assert_true(rd > 0);	/* its own counters move */
	assert_true(v->wr_reqs > 0);
	assert_true(v->rd_sect == v->rd_reqs * 16);
	v = find_vbd(f, d, "xvdq");
	assert_true(v->rd_reqs > 0);
	assert_int_equal(v->wr_reqs, 0);	/* read-only */
	sleep_ms(300);
	d = snap_dom(f, "web01");
	assert_true(find_vbd(f, d, "xvdb")->rd_reqs > rd);
	/* info lists them */
	memset(&err, 0, sizeof err);
	assert_int_equal(hv_info(f->hv, "web01", &in, &err), 0);
	assert_int_equal(in.n_disks, 3);
	for (i = 0; i < in.n_disks; i++)
		if (strcmp(in.disks[i].vdev, "xvdq") == 0)
			break;
	assert_true(i < in.n_disks);
	assert_string_equal(in.disks[i].target, f->img2);
	assert_false(in.disks[i].writable);
	/* detach */
	memset(&err, 0, sizeof err);
	expect(hv_block_detach(f->hv, "web01", "xvdb", &err), &err, 0, NULL);
	d = snap_dom(f, "web01");
	assert_int_equal(d->n_vbd, 2);
	assert_null(find_vbd(f, d, "xvdb"));
	/* the device goes with its domain: gone after a reset */
	memset(&err, 0, sizeof err);
	assert_int_equal(hv_action(f->hv, "web01", HV_ACT_RESET, &err), 0);
	assert_int_equal(snap_dom(f, "web01")->n_vbd, 1);
}

static void
test_block_bad(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	char path[160];
	int i;

	expect(attach(f, "web01", f->img, "xvda", true, &err), &err,
	    XDOM_EINVAL, "web01 already has a device xvda");
	expect(attach(f, "web01", f->img, "sdb", true, &err), &err,
	    XDOM_EINVAL, "not a virtual device name");
	expect(attach(f, "web01", f->img, "xvdb1", true, &err), &err,
	    XDOM_EINVAL, "not a virtual device name");
	snprintf(path, sizeof path, "%s/missing.img", f->files);
	expect(attach(f, "web01", path, "xvdb", true, &err), &err,
	    XDOM_EINVAL, "missing.img");
	expect(attach(f, "web01", "relative.img", "xvdb", true, &err), &err,
	    XDOM_EINVAL, "absolute path");
	expect(attach(f, "web01", f->files, "xvdb", true, &err), &err,
	    XDOM_EINVAL, "not a file or a block device");
	expect(attach(f, "test01", f->img, "xvdb", true, &err), &err,
	    XDOM_ESTATE, "not running");
	expect(attach(f, "Domain-0", f->img, "xvdb", true, &err), &err,
	    XDOM_EPERM, NULL);
	memset(&err, 0, sizeof err);
	expect(hv_block_attach(f->hv, "web01", NULL, &err), &err, XDOM_EINVAL,
	    NULL);
	/* a vdev in use; a target writable in one place only */
	expect(attach(f, "web01", f->img, "xvdb", true, &err), &err, 0, NULL);
	expect(attach(f, "web01", f->img2, "xvdb", true, &err), &err,
	    XDOM_EINVAL, "web01 already has a device xvdb");
	expect(attach(f, "web02", f->img, "xvdb", false, &err), &err,
	    XDOM_EINVAL, "writable in one place only");
	expect(attach(f, "web02", f->img2, "xvdb", false, &err), &err, 0,
	    NULL);
	expect(attach(f, "db01", f->img2, "xvdc", false, &err), &err, 0, NULL);
	expect(attach(f, "db01", f->img2, "xvdd", true, &err), &err,
	    XDOM_EINVAL, "writable in one place only");
	/* at most 8 attached */
	for (i = 0; i < 7; i++) {
		char vdev[8];

		snprintf(vdev, sizeof vdev, "xvd%c", 'c' + i);
		expect(attach(f, "web01", f->img2, vdev, false, &err), &err, 0,
		    NULL);
	}
	expect(attach(f, "web01", f->img2, "xvdz", false, &err), &err,
	    XDOM_EINVAL, "detach one first");
	/* detach refusals */
	memset(&err, 0, sizeof err);
	expect(hv_block_detach(f->hv, "web01", "xvdq", &err), &err,
	    XDOM_EINVAL, "web01 has no device xvdq");
	memset(&err, 0, sizeof err);
	expect(hv_block_detach(f->hv, "web01", "xvda", &err), &err,
	    XDOM_EINVAL, "root disk");
	memset(&err, 0, sizeof err);
	expect(hv_block_detach(f->hv, "db01", "xvdb", &err), &err,
	    XDOM_EINVAL, "config file");
	memset(&err, 0, sizeof err);
	expect(hv_block_detach(f->hv, "web01", "../x", &err), &err,
	    XDOM_EINVAL, "not a virtual device name");
}

/* ---- save and restore ---- */

/* hv_restore of file, only into name when it is not NULL. */
static int
restore(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	struct hv_restore_opts o = { .name = name, .file = file };

	return hv_restore(hv, &o, err);
}

static void
test_save_restore(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	const struct snap_dom *d;
	char file[160], buf[512];
	struct stat sb;
	struct hv *other;
	uint32_t old_id;
	ssize_t n;
	int fd;

	expect(set(f, "web01", HV_RES_MEM, 3 * GIB, &err), &err, 0, NULL);
	expect(set(f, "web01", HV_RES_VCPUS, 1, &err), &err, 0, NULL);
	expect(attach(f, "web01", f->img, "xvdc", true, &err), &err, 0, NULL);
	old_id = snap_dom(f, "web01")->id;
	snprintf(file, sizeof file, "%s/web01.save", f->files);
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", file, &err), &err, 0, NULL);
	/* gone from the snapshot, as seen by another process too */
	assert_null(snap_dom(f, "web01"));
	other = open_dir(f->dir);
	memset(&err, 0, sizeof err);
	assert_int_equal(hv_snapshot(other, HV_SNAP_ALL, &f->s, &err), 0);
	assert_null(snap_find_name(&f->s, "web01"));
	/* a small file, private, with a header naming the guest */
	assert_int_equal(stat(file, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(sb.st_size < 4096);
	fd = open(file, O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(strncmp(buf, "xdom-sim-save 1\nguest web01\n", 28) == 0);
	/* back, running, same name, new id, same resources and devices */
	memset(&err, 0, sizeof err);
	expect(restore(other, NULL, file, &err), &err, 0, NULL);
	hv_close(other);
	d = snap_dom(f, "web01");
	assert_non_null(d);
	assert_true(d->flags & (SNAP_F_RUNNING | SNAP_F_BLOCKED));
	assert_int_not_equal(d->id, old_id);
	assert_int_equal(d->mem_kb, 3 * GIB);
	assert_int_equal(d->vcpus_online, 1);
	assert_int_equal(d->n_vbd, 2);
	assert_non_null(find_vbd(f, d, "xvdc"));
	/* its console answers */
	memset(&err, 0, sizeof err);
	assert_int_equal(hv_console(f->hv, "web01", &fd, &err), 0);
	assert_true(fd >= 0);
	close(fd);
}

static void
test_save_restore_bad(void **state)
{
	struct fx *f = *state;
	struct xdom_err err;
	char file[160], dir[160];
	int fd;

	snprintf(file, sizeof file, "%s/s1", f->files);
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", "relative.save", &err), &err,
	    XDOM_EINVAL, "absolute path");
	snprintf(dir, sizeof dir, "%s/nodir/x.save", f->files);
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", dir, &err), &err, XDOM_EINVAL,
	    "directory does not exist");
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", f->img, &err), &err, XDOM_EINVAL,
	    "exists");
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "test01", file, &err), &err, XDOM_ESTATE,
	    "not running");
	assert_int_equal(access(file, F_OK), -1);	/* nothing written */
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "Domain-0", file, &err), &err, XDOM_EPERM,
	    NULL);
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", file, &err), &err, 0, NULL);
	/* restore refusals */
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, f->img, &err), &err, XDOM_EINVAL,
	    "not a saved guest");
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, dir, &err), &err, XDOM_ENOENT, NULL);
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, f->files, &err), &err, XDOM_EINVAL,
	    "not a small regular file");
	/* a damaged file */
	snprintf(dir, sizeof dir, "%s/damaged", f->files);
	fd = open(dir, O_WRONLY | O_CREAT, 0600);
	assert_true(write(fd, "xdom-sim-save 1\nguest web01\nmem_kb x\n",
	    37) == 37);
	close(fd);
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, dir, &err), &err, XDOM_EINVAL,
	    "damaged save file");
	/* a running guest is not restored over */
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, file, &err), &err, 0, NULL);
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, NULL, file, &err), &err, XDOM_ESTATE,
	    "web01 is running");
}

/* A copy of save file src with the line extra before its "end". */
static void
save_with(const char *src, const char *dst, const char *extra)
{
	char buf[4096], *end;
	ssize_t n;
	int fd;

	fd = open(src, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	end = strstr(buf, "end\n");
	assert_non_null(end);
	*end = '\0';
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_true(write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf));
	assert_true(write(fd, extra, strlen(extra)) == (ssize_t)strlen(extra));
	assert_true(write(fd, "end\n", 4) == 4);
	close(fd);
}

/* Restore acts only on the guest asked for, and checks every disk the
 * file names again, as attach does. */
static void
test_restore_rules(void **state)
{
	struct fx *f = *state;
	struct hv_restore_opts o = { 0 };
	struct xdom_err err;
	char file[160], bad[160], link[160], extra[300], under[160];

	snprintf(file, sizeof file, "%s/web01.save", f->files);
	memset(&err, 0, sizeof err);
	expect(hv_save(f->hv, "web01", file, &err), &err, 0, NULL);
	/* a file of web01 restored as web02: refused, nothing touched */
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, "web02", file, &err), &err, XDOM_EPERM,
	    "holds another guest");
	assert_null(strstr(err.msg, "web01"));
	assert_null(snap_dom(f, "web01"));
	assert_non_null(snap_dom(f, "web02"));
	/* a disk that is a symbolic link: refused, wherever it is */
	snprintf(link, sizeof link, "%s/link.img", f->files);
	assert_int_equal(symlink(f->img, link), 0);
	snprintf(bad, sizeof bad, "%s/bad.save", f->files);
	snprintf(extra, sizeof extra, "vbd xvdc rw %s\n", link);
	save_with(file, bad, extra);
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, "web01", bad, &err), &err, XDOM_EPERM,
	    "names a disk that is refused");
	assert_null(snap_dom(f, "web01"));
	/* confined (xdomd): /etc/shadow is not under the guest's images */
	save_with(file, bad, "vbd xvdc rw /etc/shadow\n");
	snprintf(under, sizeof under, "%s/images", f->files);
	o.name = "web01";
	o.file = bad;
	o.confine_disks = true;
	o.disk_dir = under;
	memset(&err, 0, sizeof err);
	expect(hv_restore(f->hv, &o, &err), &err, XDOM_EPERM,
	    "names a disk that is refused");
	o.disk_dir = NULL;	/* no images at all for it */
	memset(&err, 0, sizeof err);
	expect(hv_restore(f->hv, &o, &err), &err, XDOM_EPERM, NULL);
	assert_null(snap_dom(f, "web01"));
	/* the file itself, into the guest it holds */
	memset(&err, 0, sizeof err);
	expect(restore(f->hv, "web01", file, &err), &err, 0, NULL);
	assert_non_null(snap_dom(f, "web01"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vcpus, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_vcpus_bad, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_memory, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_memory_bad, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_block, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_block_bad, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_save_restore, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_save_restore_bad, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_restore_rules, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
