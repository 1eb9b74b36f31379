/*
 * cli_res.c - `xdom vcpu-set|mem-set|mem-max|block-attach|block-detach|
 * save|restore`: parse the values here (sizes in MiB by default, as xl),
 * and leave every other rule to the one path (hypervisor/hv_res.h) and
 * the backend, whose message is printed as the one error line.
 *
 * Files: save without FILE writes the config's save_dir/NAME.save (never
 * over a saved state), and restore of a bare guest name reads it back
 * into that guest only and removes it (core/resdir.h), the same file
 * xdomd uses. An image is never a symbolic link. Through the helper
 * backend the client never names a file: block-attach's TARGET is an
 * image name in xdomd's block_dir, save takes no FILE and restore takes
 * the guest's name.
 */
#include "cli/cli_res.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/resdir.h"
#include "core/memsize.h"
#include "core/vdev.h"
#include "core/xmalloc.h"
#include "hypervisor/hv_res.h"

static int
cli_res_name(const char *name)
{
	struct xdom_err err = { XDOM_EINVAL, "not a valid domain name" };

	if (xdom_name_valid(name))
		return 0;
	return cli_dom_error(name, &err);
}

/* path made absolute against the working directory (malloc'd); the
 * backend checks what it names. NULL after printing an error. */
static char *
cli_res_abspath(const char *path)
{
	char *cwd;
	char *out;

	if (path[0] == '\0') {
		cli_error("empty file name");
		return NULL;
	}
	if (path[0] == '/')
		return xstrdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL) {
		cli_error("cannot find the working directory: %s",
		    strerror(errno));
		return NULL;
	}
	out = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	free(cwd);
	return out;
}

/* Whether hv is xdomd (which picks every path itself). */
static bool
cli_res_via_helper(struct hv *hv)
{
	return hv->be->picks_files;
}

/* Apply r through the one path (hypervisor/hv_res.h) with the config's
 * directories; the admin may name files and paths. */
static int
cli_res_apply(struct cli *c, struct hv *hv, struct hv_res_req *r,
    struct xdom_err *err)
{
	struct hv_res_dirs dirs;

	memset(&dirs, 0, sizeof dirs);
	dirs.save_dir = resdir_save_dir(c->conf);
	dirs.block_dir = resdir_block_dir(c->conf);
	return hv_res_apply(hv, &dirs, r, err);
}

/* The config's save_dir/NAME.save (malloc'd, for messages); NULL after
 * an error. */
static char *
cli_res_save_default(struct cli *c, const char *name)
{
	struct xdom_err err = { 0 };
	char path[4096];

	if (resdir_save_path(resdir_save_dir(c->conf), name, path,
	    sizeof path, &err) != 0) {
		cli_error("%s", xdom_err_msg(&err));
		return NULL;
	}
	return xstrdup(path);
}

/* A resource command on one guest: the backend, the guest's name as the
 * backend knows it (a domain id resolved) and the request for it. */
struct cli_res_call {
	struct hv *hv;
	struct hv_res_req r;
	struct xdom_err err;
	char name[XDOM_NAME_MAX + 1];
};

/* Open the backend and resolve the guest arg names into k, whose request
 * becomes a kind on that guest. CLI_EXIT_OK, or the status to return
 * (the error printed). */
static int
cli_res_open(struct cli *c, const char *arg, enum hv_res_kind kind,
    struct cli_res_call *k)
{
	int status = CLI_EXIT_OK;

	if ((k->hv = cli_hv(c, &status)) == NULL)
		return status;
	if ((status = cli_dom_arg(c, arg, k->name, sizeof k->name)) != 0)
		return status;
	k->r.kind = kind;
	k->r.name = k->name;
	return CLI_EXIT_OK;
}

/* Apply k's request: CLI_EXIT_OK, or the guest's error printed and the
 * status to return. */
static int
cli_res_run(struct cli *c, struct cli_res_call *k)
{
	if (cli_res_apply(c, k->hv, &k->r, &k->err) != 0)
		return cli_dom_error(k->name, &k->err);
	return CLI_EXIT_OK;
}

/* A virtual device argument: 0, or the usage error printed and
 * CLI_EXIT_USAGE. */
static int
cli_res_vdev(const struct cli_cmd *cmd, const char *arg,
    struct xdom_err *err)
{
	uint32_t dev;

	if (vdev_parse(arg, &dev, err) == 0)
		return 0;
	cli_error("%s: %s", cmd->name, xdom_err_msg(err));
	return CLI_EXIT_USAGE;
}

int
cli_run_resource(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct cli_res_call k = { 0 };
	const char *val = argv[2];
	char esc[64], shown[24];
	uint64_t v;
	long n;
	int status;

	(void)argc;
	if (cli_res_name(argv[1]) != 0)
		return CLI_EXIT_FAIL;
	if (cmd->action == HV_RES_VCPUS) {
		if (cli_parse_long(val, 0, 4096, &n) != 0) {
			xdom_escape(esc, sizeof esc, val);
			cli_error("%s: '%s' is not a number of vcpus (usage: "
			    "xdom %s %s)", cmd->name, esc, cmd->name,
			    cmd->args);
			return CLI_EXIT_USAGE;
		}
		v = (uint64_t)n;
	} else if (memsize_parse(val, &v, &k.err) != 0) {
		cli_error("%s: %s", cmd->name, xdom_err_msg(&k.err));
		return CLI_EXIT_USAGE;
	}
	if ((status = cli_res_open(c, argv[1], HV_RESOP_SET, &k)) != 0)
		return status;
	k.r.res = (enum hv_resource)cmd->action;
	k.r.value = v;
	if ((status = cli_res_run(c, &k)) != 0)
		return status;
	if (cmd->action == HV_RES_VCPUS)
		printf("%s: %" PRIu64 " vcpu%s online\n", k.name, v,
		    v == 1 ? "" : "s");
	else
		printf("%s: %s %s\n", k.name, cmd->action == HV_RES_MEM ?
		    "memory" : "maximum memory",
		    memsize_format(v, shown, sizeof shown));
	return CLI_EXIT_OK;
}

int
cli_run_block_attach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct cli_res_call k = { 0 };
	char esc[64], *target = NULL;
	bool writable = true;
	int status;

	if (cli_res_name(argv[1]) != 0)
		return CLI_EXIT_FAIL;
	if (argc == 5 && strcmp(argv[4], "ro") == 0)
		writable = false;
	else if (argc == 5 && strcmp(argv[4], "rw") != 0) {
		xdom_escape(esc, sizeof esc, argv[4]);
		cli_error("%s: mode '%s': use ro or rw", cmd->name, esc);
		return CLI_EXIT_USAGE;
	}
	if ((status = cli_res_vdev(cmd, argv[3], &k.err)) != 0)
		return status;
	if ((status = cli_res_open(c, argv[1], HV_RESOP_ATTACH, &k)) != 0)
		return status;
	if (cli_res_via_helper(k.hv))
		target = xstrdup(argv[2]);	/* an image's name */
	else if ((target = cli_res_abspath(argv[2])) == NULL)
		return CLI_EXIT_USAGE;
	k.r.target = target;
	k.r.vdev = argv[3];
	k.r.writable = writable;
	if ((status = cli_res_run(c, &k)) != 0)
		goto out;
	printf("%s: %s attached (%s)\n", k.name, k.r.vdev, k.r.writable ?
	    "rw" : "ro");
out:
	free(target);
	return status;
}

int
cli_run_block_detach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct cli_res_call k = { 0 };
	int status;

	(void)argc;
	if (cli_res_name(argv[1]) != 0)
		return CLI_EXIT_FAIL;
	if ((status = cli_res_vdev(cmd, argv[2], &k.err)) != 0)
		return status;
	if ((status = cli_res_open(c, argv[1], HV_RESOP_DETACH, &k)) != 0)
		return status;
	k.r.vdev = argv[2];
	if ((status = cli_res_run(c, &k)) != 0)
		return status;
	printf("%s: %s detached\n", k.name, argv[2]);
	return CLI_EXIT_OK;
}

int
cli_run_save(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct cli_res_call k = { 0 };
	char *file = NULL, *shown_file = NULL, esc[256];
	int status;

	(void)cmd;
	if (cli_res_name(argv[1]) != 0)
		return CLI_EXIT_FAIL;
	if ((status = cli_res_open(c, argv[1], HV_RESOP_SAVE, &k)) != 0)
		return status;
	if (argc >= 3 && (file = cli_res_abspath(argv[2])) == NULL)
		return CLI_EXIT_USAGE;
	if (file == NULL && !cli_res_via_helper(k.hv) &&
	    (shown_file = cli_res_save_default(c, k.name)) == NULL)
		return CLI_EXIT_USAGE;
	k.r.file = file;	/* NULL: save_dir (the config's or xdomd's) */
	if ((status = cli_res_run(c, &k)) != 0)
		goto out;
	if (file != NULL || shown_file != NULL) {
		xdom_escape(esc, sizeof esc, file != NULL ? file : shown_file);
		printf("%s: saved to %s\n", k.name, esc);
	} else {
		printf("%s: saved\n", k.name);
	}
out:
	free(file);
	free(shown_file);
	return status;
}

int
cli_run_restore(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	struct hv_res_req r = { 0 };
	char *file = NULL, *shown_file = NULL, esc[256];
	struct stat sb;
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	r.kind = HV_RESOP_RESTORE;
	if (cli_res_via_helper(hv)) {
		r.name = argv[1];		/* xdomd's save_dir */
	} else if (strchr(argv[1], '/') == NULL && stat(argv[1], &sb) != 0 &&
	    xdom_name_valid(argv[1])) {
		r.name = argv[1];		/* the config's save_dir */
		if ((shown_file = cli_res_save_default(c, argv[1])) == NULL)
			return CLI_EXIT_USAGE;
	} else if ((file = cli_res_abspath(argv[1])) == NULL) {
		return CLI_EXIT_USAGE;
	}
	r.file = file;
	if (cli_res_apply(c, hv, &r, &err) != 0) {
		cli_error("restore: %s", xdom_err_msg(&err));
		status = CLI_EXIT_FAIL;
		goto out;
	}
	if (cli_res_via_helper(hv)) {
		xdom_escape(esc, sizeof esc, argv[1]);
		printf("%s: restored\n", esc);
	} else {
		xdom_escape(esc, sizeof esc, file != NULL ? file : shown_file);
		printf("restored from %s\n", esc);
	}
out:
	free(file);
	free(shown_file);
	return status;
}
