/*
 * cli_res.h - the `xdom` commands that change a guest's resources or
 * park it: vcpu-set, mem-set, mem-max, block-attach, block-detach, save,
 * restore (cli_res.c). Their rows in the command table (cli.c) come from
 * CLI_RES_CMDS so the table stays one list.
 */
#ifndef XDOM_TUI_CLI_RES_H
#define XDOM_TUI_CLI_RES_H

#include "cli/cli.h"

/* vcpu-set, mem-set, mem-max: cmd->action holds the enum hv_resource. */
int cli_run_resource(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_block_attach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_block_detach(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_save(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);
int cli_run_restore(struct cli *c, const struct cli_cmd *cmd, int argc,
    char **argv);

#define CLI_RES_CMDS \
	{ "vcpu-set", "NAME N", "set the number of online vcpus", 2, 2, \
	    HV_RES_VCPUS, NULL, cli_run_resource }, \
	{ "mem-set", "NAME SIZE", "set the memory target (MiB, or k/m/g/t)", \
	    2, 2, HV_RES_MEM, NULL, cli_run_resource }, \
	{ "mem-max", "NAME SIZE", "set the maximum memory (MiB, or k/m/g/t)", \
	    2, 2, HV_RES_MAXMEM, NULL, cli_run_resource }, \
	{ "block-attach", "NAME TARGET VDEV [ro|rw]", "attach a file or " \
	    "block device as VDEV (xvdb...)", 3, 4, -1, NULL, \
	    cli_run_block_attach }, \
	{ "block-detach", "NAME VDEV", "detach a block device", 2, 2, -1, \
	    NULL, cli_run_block_detach }, \
	{ "save", "NAME [FILE]", "save a guest's state (to FILE, else the " \
	    "config's save_dir); it stops", 1, 2, -1, NULL, cli_run_save }, \
	{ "restore", "FILE|NAME", "start a saved guest again from FILE, " \
	    "or NAME's file in save_dir", 1, 1, -1, NULL, cli_run_restore }

#endif
