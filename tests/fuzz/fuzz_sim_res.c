/*
 * fuzz_sim_res.c - libFuzzer target for the simulated host's two resource
 * parsers (hypervisor/sim/sim_res_file.c, sim_save.c): DIR/res, the
 * attached devices and vcpu counters, sits in a directory other processes
 * write; a save file is named by the caller of restore. Both are read as
 * untrusted bytes. Every input goes to both parsers (each refuses the
 * other's magic line at once). A refusal is one line with the parser's
 * code; what parses holds only what the parser promises (valid names,
 * absolute targets, counts within bounds).
 *
 * The fuzz build links only core/, so the sim sources the parsers need
 * are compiled in here. Their calls into the rest of the sim backend
 * (store, re-image, id allocation, disk checks) are never reached from
 * the parsers: the stubs below abort, so reaching one is a finding.
 */
#include "hypervisor/sim/sim_load.c"
#include "hypervisor/sim/sim_state.c"
#include "hypervisor/sim/sim_res_file.c"
#include "hypervisor/sim/sim_res.c"
#include "hypervisor/sim/sim_save.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
sim_store_refresh(struct sim_store *s, struct xdom_err *err)
{
	(void)s;
	(void)err;
	abort();
}

int
sim_store_lock(struct sim_store *s, int *fd, struct xdom_err *err)
{
	(void)s;
	(void)fd;
	(void)err;
	abort();
}

void
sim_store_unlock(int fd)
{
	(void)fd;
	abort();
}

int
sim_store_commit(struct sim_store *s, struct xdom_err *err)
{
	(void)s;
	(void)err;
	abort();
}

void
sim_store_materialise(struct sim_state *st, int64_t now_ms)
{
	(void)st;
	(void)now_ms;
	abort();
}

int
sim_reimage_busy(struct sim_store *s, const char *name, struct xdom_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	abort();
}

int
hv_res_disk_check(const char *path, const char *under, struct xdom_err *err)
{
	(void)path;
	(void)under;
	(void)err;
	abort();
}

int
sim_alloc_id(struct sim_state *st, uint32_t *id, struct xdom_err *err)
{
	(void)st;
	(void)id;
	(void)err;
	abort();
}

/* A refusal: the expected code and one printable line. */
static void
check_refusal(const struct xdom_err *err, int code)
{
	size_t i;

	if (err->code != code || err->msg[0] == '\0')
		abort();
	for (i = 0; err->msg[i] != '\0'; i++)
		if ((unsigned char)err->msg[i] < 0x20)
			abort();
}

static void
check_vbd(const struct sim_res_rec *r)
{
	uint32_t dev;

	if (r->kind != SIM_RES_VBD || r->target[0] != '/' ||
	    strlen(r->target) > SIM_RES_TARGET_MAX ||
	    strlen(r->vdev) > VDEV_NAME_MAX ||
	    vdev_parse(r->vdev, &dev, NULL) != 0 || dev != r->dev)
		abort();
}

static void
fuzz_res(const char *text, size_t size)
{
	struct sim_res r = { 0 };
	struct xdom_err err = { 0 };
	char *buf = xmalloc(size + 1);
	size_t i;

	memcpy(buf, text, size);
	buf[size] = '\0';
	if (sim_res_parse(&r, buf, "fuzz/res", &err) != 0) {
		check_refusal(&err, XDOM_ECORRUPT);
		if (r.n != 0)
			abort();
	} else {
		if (r.n > SIM_RES_MAX_RECS)
			abort();
		for (i = 0; i < r.n; i++) {
			const struct sim_res_rec *rec = &r.r[i];

			if (!xdom_name_valid(rec->name) ||
			    rec->domid >= SIM_DOMID_LIMIT)
				abort();
			if (rec->kind == SIM_RES_VCPU) {
				if (rec->n > SIM_MAX_VCPUS)
					abort();
			} else {
				check_vbd(rec);
			}
		}
	}
	free(r.r);
	free(buf);
}

static void
fuzz_save(const char *text, size_t size)
{
	struct sim_save sv;
	struct xdom_err err = { 0 };
	char *buf = xmalloc(size + 1);
	size_t i;

	memcpy(buf, text, size);
	buf[size] = '\0';
	if (sim_res_parse_save(buf, &sv, "fuzz.save", &err) != 0) {
		check_refusal(&err, XDOM_EINVAL);
	} else {
		if (!xdom_name_valid(sv.name) || sv.mem_kb < SIM_RES_MIN_MEM_KB ||
		    sv.maxmem_kb < sv.mem_kb || sv.vcpus < 1 ||
		    sv.vcpus > SIM_MAX_VCPUS || sv.online < 1 ||
		    sv.online > sv.vcpus || sv.profile < 0 ||
		    sv.n_vbd > SIM_RES_MAX_ATTACH)
			abort();
		for (i = 0; i < sv.n_vbd; i++)
			check_vbd(&sv.vbd[i]);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The loaders refuse NUL bytes before parsing (strlen check). */
	if (memchr(data, '\0', size) != NULL)
		return 0;
	fuzz_res((const char *)data, size);
	fuzz_save((const char *)data, size);
	return 0;
}
