/*
 * cli_res.c - `xdom vcpu-set|mem-set|mem-max|block-attach|block-detach|
 * save|restore`: parse the values here (sizes in MiB by default, as xl),
 * and leave every check against the guest to the backend, whose message
 * is printed as the one error line.
 *
 * Files: save without FILE writes the config's save_dir/NAME.save, and
 * restore of a bare guest name reads it back (core/resdir.h), the same
 * file xdomd uses. Through the helper backend the client never names a
 * file: block-attach's TARGET is an image name in xdomd's block_dir,
 * save takes no FILE and restore takes the guest's name.
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
	return strcmp(hv_backend_name(hv), "helper") == 0;
}

/* The config's save_dir/NAME.save (malloc'd); NULL after an error.
 * create: make save_dir (0700) when it is missing and its parent is
 * not. */
static char *
cli_res_save_default(struct cli *c, const char *name, bool create)
{
	struct xdom_err err = { 0 };
	const char *dir = resdir_save_dir(c->conf);
	char path[4096];

	if (resdir_save_path(dir, name, path, sizeof path, &err) != 0) {
		cli_error("%s", xdom_err_msg(&err));
		return NULL;
	}
	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cli_error("save_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	return xstrdup(path);
}

int
cli_run_resource(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	char nbuf[XDOM_NAME_MAX + 1];
	const char *name = argv[1], *val = argv[2];
	char esc[64], shown[24];
	uint64_t v;
	struct hv *hv;
	long n;
	int status = CLI_EXIT_OK;

	(void)argc;
	if (cli_res_name(name) != 0)
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
	} else if (memsize_parse(val, &v, &err) != 0) {
		cli_error("%s: %s", cmd->name, xdom_err_msg(&err));
		return CLI_EXIT_USAGE;
	}
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if ((status = cli_dom_arg(c, argv[1], nbuf, sizeof nbuf)) != 0)
		return status;
	name = nbuf;
	if (hv_set_resource(hv, name, (enum hv_resource)cmd->action, v,
	    &err) != 0)
		return cli_dom_error(name, &err);
	if (cmd->action == HV_RES_VCPUS)
		printf("%s: %" PRIu64 " vcpu%s online\n", name, v,
		    v == 1 ? "" : "s");
	else
		printf("%s: %s %s\n", name, cmd->action == HV_RES_MEM ?
		    "memory" : "maximum memory",
		    memsize_format(v, shown, sizeof shown));
	return CLI_EXIT_OK;
}

int
cli_run_block_attach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	struct hv_block b = { 0 };
	char nbuf[XDOM_NAME_MAX + 1];
	const char *name = argv[1];
	char esc[64], *target = NULL;
	struct hv *hv;
	uint32_t dev;
	int status = CLI_EXIT_OK;

	if (cli_res_name(name) != 0)
		return CLI_EXIT_FAIL;
	b.writable = true;
	if (argc == 5 && strcmp(argv[4], "ro") == 0)
		b.writable = false;
	else if (argc == 5 && strcmp(argv[4], "rw") != 0) {
		xdom_escape(esc, sizeof esc, argv[4]);
		cli_error("%s: mode '%s': use ro or rw", cmd->name, esc);
		return CLI_EXIT_USAGE;
	}
	if (vdev_parse(argv[3], &dev, &err) != 0) {
		cli_error("%s: %s", cmd->name, xdom_err_msg(&err));
		return CLI_EXIT_USAGE;
	}
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if ((status = cli_dom_arg(c, argv[1], nbuf, sizeof nbuf)) != 0)
		return status;
	name = nbuf;
	if (cli_res_via_helper(hv))
		target = xstrdup(argv[2]);	/* an image's name */
	else if ((target = cli_res_abspath(argv[2])) == NULL)
		return CLI_EXIT_USAGE;
	b.target = target;
	b.vdev = argv[3];
	if (hv_block_attach(hv, name, &b, &err) != 0) {
		status = cli_dom_error(name, &err);
		goto out;
	}
	printf("%s: %s attached (%s)\n", name, b.vdev, b.writable ? "rw" :
	    "ro");
out:
	free(target);
	return status;
}

int
cli_run_block_detach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	char nbuf[XDOM_NAME_MAX + 1];
	const char *name = argv[1];
	struct hv *hv;
	uint32_t dev;
	int status = CLI_EXIT_OK;

	(void)argc;
	if (cli_res_name(name) != 0)
		return CLI_EXIT_FAIL;
	if (vdev_parse(argv[2], &dev, &err) != 0) {
		cli_error("%s: %s", cmd->name, xdom_err_msg(&err));
		return CLI_EXIT_USAGE;
	}
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if ((status = cli_dom_arg(c, argv[1], nbuf, sizeof nbuf)) != 0)
		return status;
	name = nbuf;
	if (hv_block_detach(hv, name, argv[2], &err) != 0)
		return cli_dom_error(name, &err);
	printf("%s: %s detached\n", name, argv[2]);
	return CLI_EXIT_OK;
}

int
cli_run_save(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	char nbuf[XDOM_NAME_MAX + 1];
	const char *name = argv[1];
	char *file, esc[256];
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	if (cli_res_name(name) != 0)
		return CLI_EXIT_FAIL;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if ((status = cli_dom_arg(c, argv[1], nbuf, sizeof nbuf)) != 0)
		return status;
	name = nbuf;
	if (argc < 3 && cli_res_via_helper(hv))
		file = NULL;		/* xdomd's save_dir */
	else if (argc < 3)
		file = cli_res_save_default(c, name, true);
	else
		file = cli_res_abspath(argv[2]);
	if (file == NULL && (argc == 3 || !cli_res_via_helper(hv)))
		return CLI_EXIT_USAGE;
	if (hv_save(hv, name, file, &err) != 0) {
		status = cli_dom_error(name, &err);
		goto out;
	}
	xdom_escape(esc, sizeof esc, file != NULL ? file : "");
	if (file != NULL)
		printf("%s: saved to %s\n", name, esc);
	else
		printf("%s: saved\n", name);
out:
	free(file);
	return status;
}

int
cli_run_restore(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
	char *file, esc[256];
	struct stat sb;
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	if ((hv = cli_hv(c, &status)) == NULL)
		return status;
	if (cli_res_via_helper(hv))
		file = xstrdup(argv[1]);	/* the guest's name */
	else if (strchr(argv[1], '/') == NULL && stat(argv[1], &sb) != 0 &&
	    xdom_name_valid(argv[1]))
		file = cli_res_save_default(c, argv[1], false);
	else
		file = cli_res_abspath(argv[1]);
	if (file == NULL)
		return CLI_EXIT_USAGE;
	if (hv_restore(hv, file, &err) != 0) {
		cli_error("restore: %s", xdom_err_msg(&err));
		status = CLI_EXIT_FAIL;
		goto out;
	}
	xdom_escape(esc, sizeof esc, file);
	if (cli_res_via_helper(hv))
		printf("%s: restored\n", esc);
	else
		printf("restored from %s\n", esc);
out:
	free(file);
	return status;
}
