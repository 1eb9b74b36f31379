/* top.c - placeholder; the dashboard is being written. */
#include <stdio.h>

#include "tui/top.h"

int
top_main(int argc, char **argv, const struct hv_open_opts *hvo,
    enum top_mode mode)
{
	(void)argc;
	(void)argv;
	(void)hvo;
	(void)mode;
	fputs("xdom: top: not built yet\n", stderr);
	return 1;
}
