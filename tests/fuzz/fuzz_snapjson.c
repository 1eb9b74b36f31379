/*
 * fuzz_snapjson.c - libFuzzer target for the snapshot line decoder, which
 * reads `xdom stats --stream` output from remote hosts (untrusted bytes).
 * A line that decodes must encode again and decode to the same counts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snap s, t;
	static int ready;
	struct xdom_err err = { 0 };
	char *line;
	size_t len;

	if (!ready) {
		snap_init(&s);
		snap_init(&t);
		ready = 1;
	}
	if (snapjson_decode((const char *)data, size, &s, &err) != 0) {
		if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	line = snapjson_encode(&s, &len);
	if (snapjson_decode(line, len, &t, &err) != 0)
		abort();
	if (t.n_dom != s.n_dom || t.n_host != s.n_host ||
	    t.n_vcpu != s.n_vcpu || t.n_net != s.n_net || t.n_vbd != s.n_vbd)
		abort();
	free(line);
	return 0;
}
