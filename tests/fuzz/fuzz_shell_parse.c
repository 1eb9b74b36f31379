/*
 * fuzz_shell_parse.c - libFuzzer target for xdom-shell's line parser,
 * which reads every byte a customer types. shell/parse.c depends on core/
 * only, so it is compiled in from source here.
 *
 * Checked on every input: no crash, a refusal leaves no words, and every
 * accepted word is valid UTF-8 of printable characters (no controls, no
 * bidi overrides or line separators: core/utf8.h), the words
 * together are no longer than the input, and there are few enough.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/parse.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell_args a;
	struct xdom_err err = { 0 };
	size_t total = 0, k, n, wl;
	int i;

	if (shell_parse(&a, (const char *)data, size, &err) != 0) {
		if (a.argc != 0 || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (a.argc < 0 || a.argc > SHELL_ARGS_MAX || a.argv[a.argc] != NULL)
		abort();
	for (i = 0; i < a.argc; i++) {
		const unsigned char *w = (const unsigned char *)a.argv[i];

		wl = strlen(a.argv[i]);
		for (k = 0; k < wl; k += n) {
			uint32_t cp;

			n = xdom_utf8_decode(w + k, wl - k, &cp);
			if (n == 0 || !xdom_utf8_printable(cp))
				abort();
		}
		total += wl;
	}
	if (total > size)
		abort();
	return 0;
}
