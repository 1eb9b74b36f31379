/*
 * fuzz_policy.c - libFuzzer target for the policy parser, and decisions
 * on whatever it accepts.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/argvtpl.h"
#include "core/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = {"helpdesk", "ops"};
	static const char *const doms[] = {"web01", "cust-17", "bob-x", "a",
	    "..", ""};
	struct policy_subject who = {"alice", groups, 2};
	struct xdom_err err = {0};
	struct policy *p = NULL;
	uint32_t allowed, need;
	size_t i;
	int a;

	if (policy_parse(&p, (const char *)data, size, "fuzz", &err) == 0) {
		for (i = 0; i < sizeof doms / sizeof doms[0]; i++) {
			policy_rights(p, &who, doms[i], "alice, bob",
			    &allowed, &need);
			for (a = 0; a < POLICY__COUNT; a++)
				(void)policy_allows(p, &who, doms[i], NULL,
				    (enum policy_action)a, NULL, &err);
		}
		policy_free(p);
	}
	/* The same bytes as a command template, when they are a string. */
	if (size > 0 && size < 512 && data[size - 1] == '\0') {
		const struct argvtpl_var vars[] = {{'n', "web01"},
		    {'c', "/etc/xen/web01.cfg"}};
		char **argv;

		if (argvtpl_expand((const char *)data, vars, 2, &argv, NULL,
		    &err) == 0)
			argvtpl_free(argv);
	}
	return 0;
}
