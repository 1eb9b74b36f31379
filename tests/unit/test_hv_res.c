/*
 * test_hv_res.c - the one path for resource operations
 * (hypervisor/hv_res.c) on the sim backend: the disk rule (links,
 * directories, FIFOs, paths out of block_dir, a linked directory on the
 * way), images by name and by path, confinement, save_dir made once and
 * never saved over, restore by name only into that guest and once, and
 * refusals for the host's limits without host figures when asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypervisor/hv.h"
#include "hypervisor/hv_res.h"
#include "tests/unit/support/fixture.h"

#define GIB (1024ull * 1024)

struct fx {
	char sim[64];		/* the sim's state */
	char dir[64];		/* disks/ and save/ below */
	char path[256];
	char blocks[128], saves[128];
	struct hv_res_dirs dirs;
	struct hv *hv;
};

/* f->dir/rel into f->path. */
static const char *
at(struct fx *f, const char *rel)
{
	snprintf(f->path, sizeof f->path, "%s/%s", f->dir, rel);
	return f->path;
}

static void
make_file(struct fx *f, const char *rel)
{
	int fd = open(at(f, rel), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	close(fd);
}

static int
setup(void **state)
{
	struct hv_open_opts o = { .backend = "sim" };
	struct xdom_err err = { 0 };
	struct fx *f = calloc(1, sizeof *f);
	char to[160];

	snprintf(f->sim, sizeof f->sim, "/tmp/xdom-test-hvres.XXXXXX");
	snprintf(f->dir, sizeof f->dir, "/tmp/xdom-test-hvres-f.XXXXXX");
	if (mkdtemp(f->sim) == NULL || mkdtemp(f->dir) == NULL)
		return -1;
	setenv("XDOM_SIM_DELAY_MS", "200", 1);
	o.sim_dir = f->sim;
	assert_int_equal(hv_open(&f->hv, &o, &err), 0);
	assert_int_equal(mkdir(at(f, "disks"), 0700), 0);
	assert_int_equal(mkdir(at(f, "disks/web01"), 0700), 0);
	assert_int_equal(mkdir(at(f, "elsewhere"), 0700), 0);
	make_file(f, "disks/web01/data.img");
	make_file(f, "elsewhere/secret.img");
	snprintf(to, sizeof to, "%s/elsewhere/secret.img", f->dir);
	assert_int_equal(symlink(to, at(f, "disks/web01/link.img")), 0);
	snprintf(to, sizeof to, "%s/elsewhere", f->dir);
	assert_int_equal(symlink(to, at(f, "disks/web02")), 0);
	assert_int_equal(mkfifo(at(f, "disks/web01/fifo.img"), 0600), 0);
	assert_int_equal(mkdir(at(f, "disks/web01/dir.img"), 0700), 0);
	snprintf(f->blocks, sizeof f->blocks, "%s/disks", f->dir);
	snprintf(f->saves, sizeof f->saves, "%s/save", f->dir);
	f->dirs.block_dir = f->blocks;
	f->dirs.save_dir = f->saves;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hv_close(f->hv);
	tfx_rm_tree(f->sim);
	tfx_rm_tree(f->dir);
	free(f);
	return 0;
}

static void
expect(int rc, const struct xdom_err *err, int want, const char *text)
{
	if (rc != want || (text != NULL && strstr(err->msg, text) == NULL))
		print_error("rc %d (want %d): %s\n", rc, want, err->msg);
	assert_int_equal(rc, want);
	if (text != NULL)
		assert_non_null(strstr(err->msg, text));
}

static int
apply(struct fx *f, const struct hv_res_req *r, struct xdom_err *err)
{
	memset(err, 0, sizeof *err);
	return hv_res_apply(f->hv, &f->dirs, r, err);
}

static void
test_disk_rule(void **state)
{
	struct fx *f = *state;
	struct xdom_err err = { 0 };
	char under[160];

	snprintf(under, sizeof under, "%s/web01", f->blocks);
	expect(hv_res_disk_check(at(f, "disks/web01/data.img"), NULL, &err),
	    &err, 0, NULL);
	expect(hv_res_disk_check(at(f, "disks/web01/data.img"), under, &err),
	    &err, 0, NULL);
	expect(hv_res_disk_check(at(f, "disks/web01/link.img"), NULL, &err),
	    &err, XDOM_EINVAL, "symbolic link");
	expect(hv_res_disk_check(at(f, "disks/web01/link.img"), under, &err),
	    &err, XDOM_EINVAL, "symbolic link");
	expect(hv_res_disk_check(at(f, "disks/web01/fifo.img"), NULL, &err),
	    &err, XDOM_EINVAL, "not a file or a block device");
	expect(hv_res_disk_check(at(f, "disks/web01/dir.img"), NULL, &err),
	    &err, XDOM_EINVAL, "not a file or a block device");
	expect(hv_res_disk_check(at(f, "disks/web01/nope.img"), NULL, &err),
	    &err, XDOM_EINVAL, "No such file");
	expect(hv_res_disk_check("relative.img", NULL, &err), &err,
	    XDOM_EINVAL, "absolute path");
	expect(hv_res_disk_check(NULL, NULL, &err), &err, XDOM_EINVAL, NULL);
	/* below under only: not beside it, not out of it by "..", and not
	 * through a linked directory */
	expect(hv_res_disk_check("/etc/shadow", under, &err), &err,
	    XDOM_EINVAL, "not one of the images");
	snprintf(f->path, sizeof f->path, "%s/web01x/data.img", f->blocks);
	expect(hv_res_disk_check(f->path, under, &err), &err, XDOM_EINVAL,
	    "not one of the images");
	snprintf(f->path, sizeof f->path, "%s/../../elsewhere/secret.img",
	    under);
	expect(hv_res_disk_check(f->path, under, &err), &err, XDOM_EINVAL,
	    "out of its directory");
	expect(hv_res_disk_check(at(f, "disks/web02/secret.img"), f->blocks,
	    &err), &err, XDOM_EINVAL, "symbolic link");
	/* block devices pass */
	if (access("/dev/loop0", F_OK) == 0)
		expect(hv_res_disk_check("/dev/loop0", NULL, &err), &err, 0,
		    NULL);
}

static void
test_attach(void **state)
{
	struct fx *f = *state;
	struct hv_res_req r = { .kind = HV_RESOP_ATTACH, .name = "web01",
	    .vdev = "xvdc" };
	struct xdom_err err;

	r.image = "link.img";
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "symbolic link");
	assert_null(strstr(err.msg, f->dir));	/* no admin path shown */
	r.image = "nope.img";
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "no image 'nope.img'");
	r.image = "../web01/data.img";
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "not a valid image");
	r.image = "data.img";
	expect(apply(f, &r, &err), &err, 0, NULL);
	/* by path: the same rule */
	r.image = NULL;
	r.vdev = "xvdd";
	r.target = at(f, "disks/web01/link.img");
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "symbolic link");
	r.target = at(f, "elsewhere/secret.img");
	expect(apply(f, &r, &err), &err, 0, NULL);
	/* confined: names only */
	f->dirs.confined = true;
	r.vdev = "xvde";
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "not a path");
	r.kind = HV_RESOP_DETACH;
	r.vdev = "xvda";
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "root disk");
	/* no block_dir: nothing by name */
	f->dirs.block_dir = NULL;
	r.kind = HV_RESOP_ATTACH;
	r.image = "data.img";
	expect(apply(f, &r, &err), &err, XDOM_EPERM, "no block_dir");
}

static void
test_save_restore(void **state)
{
	struct fx *f = *state;
	struct hv_res_req r = { .kind = HV_RESOP_SAVE, .name = "web01" };
	struct xdom_err err;
	struct stat sb;
	char file[160];

	snprintf(file, sizeof file, "%s/web01.save", f->saves);
	expect(apply(f, &r, &err), &err, 0, NULL);
	assert_int_equal(stat(f->saves, &sb), 0);	/* made, 0700 */
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(file, &sb), 0);
	/* never over a saved state, nor over any file */
	expect(apply(f, &r, &err), &err, XDOM_ESTATE, "saved state already");
	r.name = "web02";
	r.file = file;
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "exists already");
	/* confined: no file from the caller */
	f->dirs.confined = true;
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "give no file");
	/* web01's state is not web02's */
	r.kind = HV_RESOP_RESTORE;
	r.file = NULL;
	assert_int_equal(rename(file, at(f, "save/web02.save")), 0);
	expect(apply(f, &r, &err), &err, XDOM_EPERM, "holds another guest");
	assert_int_equal(rename(at(f, "save/web02.save"), file), 0);
	r.name = "web03";
	expect(apply(f, &r, &err), &err, XDOM_ENOENT, "no saved state");
	/* by name into web01, once */
	r.name = "web01";
	expect(apply(f, &r, &err), &err, 0, NULL);
	assert_int_equal(access(file, F_OK), -1);
	expect(apply(f, &r, &err), &err, XDOM_ENOENT, "no saved state");
}

static void
test_hide_host(void **state)
{
	struct fx *f = *state;
	struct hv_res_req r = { .kind = HV_RESOP_SET, .name = "web01",
	    .res = HV_RES_MAXMEM, .value = 65 * GIB };
	struct xdom_err err;

	expect(apply(f, &r, &err), &err, XDOM_ENOMEM, "host's memory of 64g");
	r.hide_host = true;
	expect(apply(f, &r, &err), &err, XDOM_ENOMEM, "the host cannot give");
	assert_null(strstr(err.msg, "64g"));
	/* the guest's own figures are the caller's to see */
	r.res = HV_RES_MEM;
	r.value = 9 * GIB;
	expect(apply(f, &r, &err), &err, XDOM_EINVAL, "maximum of 4g");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disk_rule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_restore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hide_host, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
