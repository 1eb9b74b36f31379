/*
 * test_shell_res.c - xdom-shell's resource commands (vcpus, memory,
 * maxmem, attach, detach, save, restore) against a fake backend that
 * records each call: values parsed before anything is sent, the config's
 * directories turning names into paths (in a temporary directory), the
 * one path's rules without xdomd (hypervisor/hv_res.h: a symbolic link
 * in block_dir refused, restore only into the guest named, the state
 * removed once restored), the confirmation rules, refusals passed on as
 * one line, and help offering them only where granted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/conf.h"
#include "core/exitcode.h"
#include "core/policy.h"
#include "shell/shell.h"

static struct {
	int calls;
	enum hv_resource res;
	uint64_t value;
	char target[256], vdev[16], file[256], name[64];
	bool writable;
	int refuse;		/* the next call fails with this */
} fk;

static int
fk_guests(struct hv *hv, struct hv_guest_list *out, struct xdom_err *err)
{
	(void)hv;
	(void)err;
	out->g = calloc(1, sizeof *out->g);
	out->g[0].name = strdup("web01");
	out->g[0].running = true;
	out->g[0].id = 3;
	out->n = 1;
	return 0;
}

static int
fk_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	(void)hv;
	(void)err;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->running = true;
	out->mem_kb = 2u << 20;
	out->maxmem_kb = 4u << 20;
	out->vcpus = 2;
	return 0;
}

static int
fk_refused(struct xdom_err *err)
{
	int rc = fk.refuse;

	fk.refuse = 0;
	if (rc != 0)
		return xdom_err_set(err, rc, "web01 has at most 2 vcpus");
	fk.calls++;
	return 0;
}

static int
fk_set(struct hv *hv, const char *name, enum hv_resource r, uint64_t v,
    struct xdom_err *err)
{
	(void)hv;
	(void)name;
	fk.res = r;
	fk.value = v;
	return fk_refused(err);
}

static int
fk_attach(struct hv *hv, const char *name, const struct hv_block *b,
    struct xdom_err *err)
{
	(void)hv;
	(void)name;
	snprintf(fk.target, sizeof fk.target, "%s", b->target);
	snprintf(fk.vdev, sizeof fk.vdev, "%s", b->vdev);
	fk.writable = b->writable;
	return fk_refused(err);
}

static int
fk_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err)
{
	(void)hv;
	(void)name;
	snprintf(fk.vdev, sizeof fk.vdev, "%s", vdev);
	return fk_refused(err);
}

static int
fk_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err)
{
	FILE *f;

	(void)hv;
	(void)name;
	snprintf(fk.file, sizeof fk.file, "%s", file);
	if (fk.refuse == 0 && (f = fopen(file, "wx")) != NULL)
		fclose(f);	/* as a backend does */
	return fk_refused(err);
}

static int
fk_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err)
{
	(void)hv;
	snprintf(fk.file, sizeof fk.file, "restore %s", o->file);
	snprintf(fk.name, sizeof fk.name, "%s", o->name != NULL ? o->name :
	    "(none)");
	return fk_refused(err);
}

static const struct hv_backend fk_backend = {
	.name = "fake",
	.guests = fk_guests,
	.info = fk_info,
	.set_resource = fk_set,
	.block_attach = fk_attach,
	.block_detach = fk_detach,
	.save = fk_save,
	.restore = fk_restore,
};

static struct hv fk_hv = { &fk_backend, NULL };
static struct shell sh;
static struct conf *conf;
static char *out_buf, *err_buf;
static size_t out_len, err_len;
static const char *reply;	/* the answer to every question, or NULL */
static char dir[64];		/* save/ and disks/web01/ below */
static char path[160];
static int asked;

static int
fk_ask(struct shell *s, const char *prompt, char *buf, size_t len)
{
	(void)s;
	(void)prompt;
	asked++;
	if (reply == NULL)
		return XDOM_EIO;
	snprintf(buf, len, "%s", reply);
	return 0;
}

static int
setup(void **state)
{
	struct xdom_err err = { 0 };
	char text[300];
	FILE *f;
	int n;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/xdom-shres.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/disks", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/disks/web01", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/disks/web01/data.img", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	snprintf(path, sizeof path, "%s/disks/web01/link.img", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	n = snprintf(text, sizeof text, "save_dir = %s/save\n"
	    "block_dir = %s/disks\n", dir, dir);
	memset(&fk, 0, sizeof fk);
	shell_init(&sh);
	sh.hv = &fk_hv;
	assert_int_equal(conf_parse(&conf, text, (size_t)n, "test",
	    &err), 0);
	sh.hvo.conf = conf;
	sh.out = open_memstream(&out_buf, &out_len);
	sh.errf = open_memstream(&err_buf, &err_len);
	sh.ask = fk_ask;
	reply = NULL;
	asked = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fclose(sh.out);
	fclose(sh.errf);
	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
	shell_dispose(&sh);
	conf_free(conf);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		return -1;
	return 0;
}

/* DIR/rel into path; returns path. */
static const char *
at(const char *rel)
{
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return path;
}

static int
run(const char *line)
{
	int rc = shell_run_line(&sh, line, strlen(line));

	fflush(sh.out);
	fflush(sh.errf);
	return rc;
}

static void
test_vcpus_memory(void **state)
{
	(void)state;
	assert_int_equal(run("vcpus 1 web01"), 0);
	assert_int_equal(fk.res, HV_RES_VCPUS);
	assert_int_equal(fk.value, 1);
	assert_non_null(strstr(out_buf, "web01: 1 vcpu online"));
	assert_int_equal(run("vcpus 0 web01"), XDOM_EINVAL);
	assert_int_equal(run("vcpus two web01"), XDOM_EINVAL);
	assert_int_equal(run("vcpus 99999 web01"), XDOM_EINVAL);
	assert_int_equal(run("vcpus -1 web01"), XDOM_EINVAL);
	assert_int_equal(run("vcpus web01"), XDOM_EINVAL);	/* usage */
	assert_int_equal(fk.calls, 1);
	/* The backend's refusal is one line and exit status 1. */
	fk.refuse = XDOM_EINVAL;
	assert_int_not_equal(run("vcpus 3 web01"), 0);
	assert_int_equal(xdom_exit_status(XDOM_ESTATE), 1);
	assert_non_null(strstr(err_buf, "at most 2 vcpus"));
	/* More memory: no question. */
	assert_int_equal(run("memory 3g web01"), 0);
	assert_int_equal(asked, 0);
	assert_int_equal(fk.res, HV_RES_MEM);
	assert_true(fk.value == 3u << 20);
	assert_int_equal(run("memory 3072 web01"), 0);	/* MiB */
	assert_true(fk.value == 3u << 20);
	/* Less memory asks; only yes goes on. */
	reply = "n";
	assert_int_equal(run("memory 1g web01"), XDOM_EPERM);
	assert_int_equal(asked, 1);
	reply = NULL;
	assert_int_equal(run("memory 1g web01"), XDOM_EPERM);
	assert_int_equal(fk.calls, 3);
	reply = "yes";
	assert_int_equal(run("memory 1g web01"), 0);
	assert_true(fk.value == 1u << 20);
	assert_int_equal(run("memory 2x web01"), XDOM_EINVAL);
	assert_int_equal(run("memory 0 web01"), XDOM_EINVAL);
	assert_int_equal(run("maxmem 8g web01"), 0);
	assert_int_equal(fk.res, HV_RES_MAXMEM);
	assert_true(fk.value == 8u << 20);
	assert_int_equal(fk.calls, 5);
}

static void
test_block(void **state)
{
	(void)state;
	assert_int_equal(run("attach data.img xvdc ro web01"), 0);
	assert_string_equal(fk.target, at("disks/web01/data.img"));
	assert_string_equal(fk.vdev, "xvdc");
	assert_false(fk.writable);
	assert_int_equal(run("attach data.img xvdd web01"), 0);
	assert_true(fk.writable);
	assert_int_equal(fk.calls, 2);
	assert_int_equal(run("attach ../data.img xvdd web01"), XDOM_EINVAL);
	assert_non_null(strstr(err_buf, "not a path"));
	assert_int_equal(run("attach /etc/shadow xvdd web01"), XDOM_EINVAL);
	assert_int_equal(run("attach data.img sdb web01"), XDOM_EINVAL);
	assert_int_equal(run("attach data.img xvdd ro rw web01"), XDOM_EINVAL);
	assert_int_equal(run("attach data.img web01"), XDOM_EINVAL);
	assert_int_equal(fk.calls, 2);
	/* the one path: a symbolic link in block_dir never reaches the
	 * backend, nor an image that is not there */
	assert_int_not_equal(run("attach link.img xvdd web01"), 0);
	assert_non_null(strstr(err_buf, "symbolic link"));
	assert_int_not_equal(run("attach nope.img xvdd web01"), 0);
	assert_non_null(strstr(err_buf, "no image 'nope.img'"));
	assert_int_equal(fk.calls, 2);
	reply = "n";
	assert_int_equal(run("detach xvdc web01"), XDOM_EPERM);
	assert_int_equal(fk.calls, 2);
	reply = "y";
	assert_int_equal(run("detach xvdc web01"), 0);
	assert_int_equal(run("detach hda web01"), XDOM_EINVAL);
	assert_int_equal(fk.calls, 3);
}

static void
test_save_restore(void **state)
{
	(void)state;
	reply = "N";
	assert_int_equal(run("save web01"), XDOM_EPERM);
	assert_int_equal(fk.calls, 0);
	reply = "y";
	assert_int_equal(run("save web01"), 0);
	assert_string_equal(fk.file, at("save/web01.save"));
	assert_non_null(strstr(out_buf, "saved and stopped"));
	/* never over a saved state */
	assert_int_not_equal(run("save web01"), 0);
	assert_non_null(strstr(err_buf, "has a saved state already"));
	assert_int_equal(fk.calls, 1);
	/* a file is never the customer's to name: a usage error */
	assert_int_equal(run("save web01 /tmp/x"), XDOM_EINVAL);
	asked = 0;
	assert_int_equal(run("restore web01"), 0);
	assert_int_equal(asked, 0);
	snprintf(path, sizeof path, "restore %s/save/web01.save", dir);
	assert_string_equal(fk.file, path);
	/* only into the guest named, and the state is restored once */
	assert_string_equal(fk.name, "web01");
	assert_int_equal(access(at("save/web01.save"), F_OK), -1);
	assert_int_not_equal(run("restore web01"), 0);
	assert_non_null(strstr(err_buf, "no saved state"));
	assert_int_equal(run("restore ../web01"), XDOM_EINVAL);
	assert_int_equal(fk.calls, 2);
}

static void
test_offered(void **state)
{
	const struct shell_cmd *v, *r;

	(void)state;
	v = shell_cmd_find(shell_commands, shell_n_commands, "vcpus");
	r = shell_cmd_find(shell_commands, shell_n_commands, "reboot");
	assert_non_null(v);
	assert_non_null(r);
	assert_false(shell_offered(v, 0));
	assert_true(shell_offered(r, 0));
	assert_true(shell_offered(v, 1u << POLICY_VCPUS));
	assert_false(shell_offered(shell_cmd_find(shell_commands,
	    shell_n_commands, "restore"), 1u << POLICY_SAVE));
	/* Not through xdomd: everything is offered. */
	assert_int_equal(shell_rights(&sh), POLICY_ALL);
	assert_int_equal(run("help"), 0);
	assert_non_null(strstr(out_buf, "  vcpus N"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vcpus_memory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_restore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offered, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
