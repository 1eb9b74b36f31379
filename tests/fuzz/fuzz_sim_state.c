/*
 * fuzz_sim_state.c - libFuzzer target for the simulated host's state
 * parser (hypervisor/sim_state.c): the state file sits in a directory
 * other processes write, so it is read as untrusted bytes. Whatever
 * parses must format and parse back to the same guests.
 *
 * The fuzz build links only core/, so the two sim sources the parser
 * needs are compiled in here.
 */
#include "hypervisor/sim/sim_load.c"
#include "hypervisor/sim/sim_state.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_state st, st2;
	struct xdom_err err = { 0 };
	char *text;
	size_t len, i;

	sim_state_init(&st);
	sim_state_init(&st2);
	if (sim_state_parse(&st, (const char *)data, size, "fuzz", &err) !=
	    0) {
		if (err.code != XDOM_ECORRUPT || strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	for (i = 0; i < st.n; i++)
		if (sim_state_find(&st, st.g[i].name) != (long)i)
			abort();
	text = sim_state_format(&st, &len);
	if (sim_state_parse(&st2, text, len, "again", &err) != 0 ||
	    st2.n != st.n)
		abort();
	for (i = 0; i < st.n; i++)
		if (strcmp(st.g[i].name, st2.g[i].name) != 0 ||
		    st.g[i].id != st2.g[i].id)
			abort();
	free(text);
	sim_state_dispose(&st);
	sim_state_dispose(&st2);
	return 0;
}
