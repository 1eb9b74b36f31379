/*
 * cli_res.c - `xdom vcpu-set|mem-set|mem-max|block-attach|block-detach|
 * save|restore`: parse the values here (sizes in MiB by default, as xl),
 * and leave every check against the guest to the backend, whose message
 * is printed as the one error line.
 */
#include "tui/cli_res.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
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

int
cli_run_resource(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv)
{
	struct xdom_err err = { 0 };
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
	if ((target = cli_res_abspath(argv[2])) == NULL)
		return CLI_EXIT_USAGE;
	b.target = target;
	b.vdev = argv[3];
	if ((hv = cli_hv(c, &status)) == NULL)
		goto out;
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
	const char *name = argv[1];
	char *file;
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	if (cli_res_name(name) != 0)
		return CLI_EXIT_FAIL;
	if ((file = cli_res_abspath(argv[2])) == NULL)
		return CLI_EXIT_USAGE;
	if ((hv = cli_hv(c, &status)) == NULL)
		goto out;
	if (hv_save(hv, name, file, &err) != 0) {
		status = cli_dom_error(name, &err);
		goto out;
	}
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
	struct hv *hv;
	int status = CLI_EXIT_OK;

	(void)cmd;
	(void)argc;
	if ((file = cli_res_abspath(argv[1])) == NULL)
		return CLI_EXIT_USAGE;
	if ((hv = cli_hv(c, &status)) == NULL)
		goto out;
	if (hv_restore(hv, file, &err) != 0) {
		cli_error("restore: %s", xdom_err_msg(&err));
		status = CLI_EXIT_FAIL;
		goto out;
	}
	xdom_escape(esc, sizeof esc, argv[1]);
	printf("restored from %s\n", esc);
out:
	free(file);
	return status;
}
