/*
 * sim_res.h - what the simulated host's resource files share (private to
 * hypervisor/sim/): the records of DIR/res (sim_res_file.c), the locked
 * action on one guest (sim_res.c), and save/restore (sim_save.c).
 */
#ifndef XDOM_HYPERVISOR_SIM_SIM_RES_H
#define XDOM_HYPERVISOR_SIM_SIM_RES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/vdev.h"
#include "hypervisor/sim/sim.h"

#define SIM_RES_MAGIC "xdom-sim-res 1"
#define SIM_SAVE_MAGIC "xdom-sim-save 1"
#define SIM_RES_MAX_BYTES (4u << 20)
#define SIM_SAVE_MAX_BYTES (64u << 10)
#define SIM_RES_MAX_RECS 20000
#define SIM_RES_MAX_ATTACH 8
#define SIM_RES_MIN_MEM_KB (32u << 10)
#define SIM_RES_OVERHEAD_KB (512u << 10)	/* as hv_sim.c's Xen share */
#define SIM_RES_TARGET_MAX 255

/* An attached device's load: requests a second, sectors a request, and
 * a one-minute swing of +-30 %. */
#define SIM_RES_VBD_RD_PS 40.0
#define SIM_RES_VBD_WR_PS 25.0
#define SIM_RES_VBD_SECT 16.0
#define SIM_RES_VBD_AMP 0.3
#define SIM_RES_VBD_PERIOD_S 60.0

enum sim_res_kind { SIM_RES_VCPU = 0, SIM_RES_VBD, SIM_RES__COUNT };

struct sim_res_rec {
	uint8_t kind;			/* enum sim_res_kind */
	char name[SIM_NAME_MAX + 1];	/* valid names only (escape.h) */
	uint32_t domid;
	int64_t start_ms;
	uint64_t tau_ns;		/* base (vcpu) or attach (vbd) */
	uint32_t n;			/* vcpu: entries of ns */
	uint64_t ns[SIM_MAX_VCPUS];
	char vdev[VDEV_NAME_MAX + 1];	/* vbd */
	uint32_t dev;
	bool rw;
	char target[SIM_RES_TARGET_MAX + 1];
};

/* The parsed DIR/res, cached by the file's identity (sim_store.res). */
struct sim_res {
	struct sim_res_rec *r;
	size_t n, cap;
	bool cached;
	struct sim_file_key key;	/* of DIR/res, when cached */
};

/* An action in progress: the lock held, the guest found and running. */
struct sim_res_op {
	struct sim_store *s;
	struct sim_guest *g;
	long idx;
	int lock_fd;
	int64_t now_ns;
};

/* ---- sim_res_file.c: DIR/res ---- */

/* s escaped for a message, cut to fit buf. */
const char *sim_res_shown(const char *s, char buf[96]);
/* Up to size bytes of fd, NUL-terminated (malloc'd); *got is how many
 * came (a NUL among them: strlen() is less). */
char *sim_res_read_text(int fd, size_t size, size_t *got);
/* A new zeroed record at the end of r. */
struct sim_res_rec *sim_res_add(struct sim_res *r);
/* Percent-decode in into out[len]; false when malformed or empty. */
bool sim_res_decode(const char *in, char *out, size_t len);
/* Percent-encode s onto f (what is not printable ASCII, spaces, '%'). */
void sim_res_encode(FILE *f, const char *s);
/* A decimal number w up to max into *out; false when it is not one. */
bool sim_res_u64(const char *w, uint64_t max, uint64_t *out);
/* Bring s->res up to date with DIR/res (a missing file: no records). */
int sim_res_load(struct sim_store *s, struct xdom_err *err);
/* Whether rec belongs to g's current domain. */
bool sim_res_match(const struct sim_res_rec *rec, const struct sim_guest *g);
/* Write s->res (dropping records of domains that are gone) by rename. */
int sim_res_commit(struct sim_store *s, struct xdom_err *err);

/* ---- sim_res.c: the guest's records and the locked action ---- */

/* The next record of kind for g's domain, from *from on (NULL: the
 * first); *from moves past it. */
const struct sim_res_rec *sim_res_find(const struct sim_res *r,
    const struct sim_guest *g, enum sim_res_kind kind, size_t *from);
/* Lock the host and find name's guest (see sim_res.c). */
int sim_res_begin(struct sim_store *s, const char *name, bool want_running,
    const char *verb, struct sim_res_op *op, struct xdom_err *err);
/* Commit (res first when write_res) and unlock; returns the result. */
int sim_res_end(struct sim_res_op *op, int rc, bool write_res,
    struct xdom_err *err);
/* The disk rule for target (hv_res_disk_check, under may be NULL), and
 * the length DIR/res keeps. */
int sim_res_check_target(const char *target, const char *under,
    struct xdom_err *err);
/* Memory the host's running domains use now (with Xen's own share). */
uint64_t sim_res_used_kb(const struct sim_state *st);

#endif
