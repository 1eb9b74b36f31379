/*
 * fuzz_conf.c - libFuzzer target for the xl-style config reader, which
 * parses guests' /etc/xen/NAME.cfg files (written by whoever made the
 * guest) and xdom.conf. Also exercises the accessors on what it parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "name", "disk", "vif", "backend",
	    "memory", "a", "x" };
	struct xdom_err err = { 0 };
	struct conf *c = NULL;
	char buf[64];
	size_t i, j;
	long n;

	if (conf_parse(&c, (const char *)data, size, "fuzz.cfg", &err) != 0) {
		if (c != NULL || err.msg[0] == '\0' ||
		    strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = conf_get(c, keys[i]);

		if (v != NULL)
			xdom_escape(buf, sizeof buf, v);
		for (j = 0; j < conf_list_len(c, keys[i]); j++)
			if (conf_list_item(c, keys[i], j) == NULL)
				abort();
		(void)conf_get_long(c, keys[i], 0, -5, 5, &n, &err);
	}
	conf_free(c);
	return 0;
}
