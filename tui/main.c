/*
 * main.c - entry point of `xdom`; the command line is in cli.c.
 */
#include "tui/cli.h"

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
