/*
 * fuzz_termmodes.c - libFuzzer target for the console's terminal-mode
 * tracker (console/termmodes.c), which reads every byte a guest writes
 * to its console. The input is fed whole and then again in pieces split
 * at the first byte's value: both must end in the same state, and the
 * reset must stay within its bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/termmodes.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct termmodes whole, parts;
	char buf[TERMMODES_RESET_MAX];
	size_t step, off;

	termmodes_init(&whole);
	termmodes_feed(&whole, data, size);
	termmodes_init(&parts);
	step = size > 0 ? (size_t)data[0] % 7 + 1 : 1;
	for (off = 0; off < size; off += step)
		termmodes_feed(&parts, data + off,
		    size - off < step ? size - off : step);
	if (whole.alt_screen != parts.alt_screen ||
	    whole.scroll_region != parts.scroll_region ||
	    whole.state != parts.state)
		abort();
	if (strlen(termmodes_reset(&whole, buf)) >= TERMMODES_RESET_MAX)
		abort();
	return 0;
}
