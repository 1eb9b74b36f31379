/* main.c - placeholder entry point; replaced by the tui work. */
#include <stdio.h>

int main(void);

int
main(void)
{
	fputs("not built yet\n", stderr);
	return 2;
}
