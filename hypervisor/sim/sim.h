/*
 * sim.h - the simulated host behind the sim backend: its stored state,
 * its load model, and the few entry points tests use to predict it.
 *
 * A simulated host is a directory shared by every process that opens it
 * (dashboard, helper, shell, tests):
 *
 *   DIR/state          the host and its guests (text, see sim_state.c)
 *   DIR/lock           flock()ed by writers; readers never take it
 *   DIR/xen/NAME.cfg   each guest's xl-style config file
 *   DIR/images/        re-imaged disk images and per-guest re-image locks
 *
 * There is no daemon. Every counter is a closed-form function of the wall
 * clock (the integral of the guest's load profile since it booted), and a
 * pending shutdown or reboot is a deadline stored in the state: a reader
 * computes the effective state at `now`, the next writer stores it. For
 * the last quarter of that delay the guest shows as shut down ('s').
 *
 * Load profiles: per guest, the rate of each counter is
 *     mean x scale x (1 + sum of three sines)
 * where mean comes from the table below, scale is a per-guest factor fixed
 * by the guest's name (within +-25 %, +-2 % for batch) and the sines have
 * seeded periods (~4-9 s, ~40-90 s, ~10-20 min) and amplitudes summing to
 * at most 0.37 (0.05 for batch), so a rate never drops below 63 % of its
 * mean nor, for batch, lets a vcpu exceed 100 %. Counters are
 * their exact integrals, so sim_expect() can say what any interval gives.
 *
 *   profile  CPU % per     net rx    net tx    vbd rd   vbd wr   sectors
 *            online vcpu   (KiB/s)   (KiB/s)   (req/s)  (req/s)  rd / wr
 *   idle       1             2         1         0.2      1        8 / 8
 *   web        8           400      2500        15        8       16 / 16
 *   db        10          1500       800       250      180       16 / 16
 *   batch     92            20        10         5       20       32 / 32
 *   io         8           100       100       900      600       64 / 64
 *   net       10         40000     35000         2        5        8 / 16
 *   crashed    1             2         1         0.2      1        8 / 8
 *
 * Packets are bytes / a mean packet size (rx 800, tx 1100 bytes); rx drops
 * are packets / 200000; vbd OO events are requests / 20000. A crashed
 * guest's counters stop where it crashed; a paused guest's stop while it
 * is paused and resume where they were.
 */
#ifndef XDOM_HYPERVISOR_SIM_H
#define XDOM_HYPERVISOR_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/err.h"
#include "hypervisor/hv.h"

#define SIM_NAME_MAX 127	/* longest name a state file may hold */
#define SIM_MAX_GUESTS 100000	/* including Domain-0 */
#define SIM_MAX_VCPUS 128
#define SIM_MAX_NETS 8
#define SIM_MAX_VBDS 8
#define SIM_DOMID_LIMIT 0x7ff0	/* Xen's DOMID_FIRST_RESERVED */
#define SIM_DEFAULT_DELAY_MS 2000	/* shutdown/reboot, XDOM_SIM_DELAY_MS */
#define SIM_DEFAULT_REIMAGE_MS 4000	/* re-image, XDOM_SIM_REIMAGE_MS */

enum sim_run {
	SIM_STOPPED = 0,	/* configured, no domain */
	SIM_RUNNING,
	SIM_PAUSED,
	SIM_CRASHED,
	SIM_RUN__COUNT
};

enum sim_profile {
	SIM_PROF_IDLE = 0,
	SIM_PROF_WEB,
	SIM_PROF_DB,
	SIM_PROF_BATCH,
	SIM_PROF_IO,
	SIM_PROF_NET,
	SIM_PROF_CRASHED,
	SIM_PROF__COUNT
};

enum sim_pending {
	SIM_PEND_NONE = 0,
	SIM_PEND_SHUTDOWN,	/* stops at pend_ms */
	SIM_PEND_REBOOT,	/* runs again as pend_id at pend_ms */
	SIM_PEND__COUNT
};

/* One sine term of a load shape. */
struct sim_wave {
	double amp, omega, phase, cos_phase;
};

/* Derived from a guest's name, profile and sizes when the state is read;
 * never stored. Rates are means at scale 1 x the guest's scale. */
struct sim_model {
	struct sim_wave cpu[3], io[3];
	double cpu_ns_per_s;	/* all online vcpus */
	double rx_Bps, tx_Bps, rd_ps, wr_ps;
	double rd_sect, wr_sect;	/* sectors per request */
	bool busy;		/* shown 'r' rather than 'b' */
};

/* One configured guest (Domain-0 included) as stored. Times are wall
 * clock milliseconds since the epoch. */
struct sim_guest {
	char name[SIM_NAME_MAX + 1];	/* raw bytes, NUL-terminated */
	uint8_t run;		/* enum sim_run */
	uint8_t profile;	/* enum sim_profile */
	uint8_t pending;	/* enum sim_pending */
	uint32_t id;		/* domain id unless stopped */
	uint32_t pend_id;	/* the id a pending reboot comes back with */
	uint64_t mem_kb, maxmem_kb;	/* maxmem UINT64_MAX: no limit */
	uint32_t vcpus, vcpus_online;
	uint32_t n_net, n_vbd;
	int64_t start_ms;	/* this domain's creation */
	int64_t frozen_ms;	/* paused or crashed at */
	int64_t paused_ms;	/* total time spent paused before frozen_ms */
	int64_t pend_ms;	/* deadline of the pending action */
	struct sim_model m;	/* derived */
};

struct sim_state {
	uint64_t seed;
	uint32_t ndomains;	/* 0: the default host; N: generated */
	uint32_t next_id;
	uint32_t ncpus, mhz;
	uint64_t mem_kb;
	int64_t boot_ms;	/* host boot */
	uint64_t retired_ns;	/* CPU time of domains that are gone */
	struct sim_guest *g;	/* g[0] is Domain-0 */
	size_t n, cap;
	uint32_t *hash;		/* name index: hcap slots, 0 empty, else i+1 */
	size_t hcap;
};

/* ---- sim_state.c: the state directory ---- */

/* The directory an hv_open with these options uses (malloc'd). */
char *sim_state_dir(const struct hv_open_opts *o, struct xdom_err *err);

void sim_state_init(struct sim_state *st);
void sim_state_dispose(struct sim_state *st);
/* Index of the guest called name, or -1. */
long sim_state_find(const struct sim_state *st, const char *name);

/* Parse state text; origin names the file in messages (ECORRUPT). */
int sim_state_parse(struct sim_state *st, const char *text, size_t len,
    const char *origin, struct xdom_err *err);
/* Format st as state text into a malloc'd buffer. */
char *sim_state_format(const struct sim_state *st, size_t *len);
/* A new host: the default one (ndomains 0) or N generated guests. */
void sim_state_generate(struct sim_state *st, uint32_t ndomains,
    int64_t now_ms);

/* Called by writers between steps ("tmp-open", "mid-write", "written",
 * "renamed"); tests set it to kill a writer at a chosen moment. */
extern void (*sim_state_test_hook)(const char *stage);

/* ---- sim_store.c: the shared directory, its lock, reads and writes ---- */

/* A file's identity, on which a parsed copy of it is cached: the copy
 * stands while device, inode, size and modification time are the same. */
struct sim_file_key {
	uint64_t dev, ino, size;
	int64_t mtime_ns;
};

/* Key k on the file sb describes. */
void sim_file_key_set(struct sim_file_key *k, const struct stat *sb);
/* Whether sb describes the file k was keyed on. */
bool sim_file_key_same(const struct sim_file_key *k, const struct stat *sb);

/* An open simulated host (hv->priv). The parsed state is cached and keyed
 * on the state file's identity, so an unchanged host costs one stat().
 * One handle may be used from several threads (a dashboard acting in the
 * background while it refreshes): each backend call holds mu while it
 * touches the cache; long calls (re-image) hold it only in short steps. */
struct sim_store {
	pthread_mutex_t mu;
	char *dir, *state_path, *lock_path, *xen_dir, *img_dir;
	uint32_t want_n;	/* hv_open_opts.sim_domains */
	bool readonly;		/* never create or lock (console process) */
	struct sim_state st;	/* the cache */
	struct sim_res *res;	/* sim_res.c's cache of DIR/res, or NULL */
	bool cached;
	struct sim_file_key key;	/* of state_path, when cached */
};

/* Create the directory (0700) and the host if it has none (or has
 * another size than want_n > 0). */
int sim_store_open(struct sim_store *s, const char *dir, uint32_t want_n,
    struct xdom_err *err);
void sim_store_close(struct sim_store *s);
/* Hold / release s->mu. */
void sim_store_enter(struct sim_store *s);
void sim_store_leave(struct sim_store *s);
/* Bring s->st up to date with the file (no lock; one stat() when it has
 * not changed). A missing file re-creates the host. */
int sim_store_refresh(struct sim_store *s, struct xdom_err *err);
/* Writers: lock (bounded wait), refresh, change s->st, commit, unlock.
 * commit writes a temp file, fsyncs and renames it over the state; on
 * failure the old state stays and the cache is dropped. */
int sim_store_lock(struct sim_store *s, int *fd, struct xdom_err *err);
void sim_store_unlock(int fd);
int sim_store_commit(struct sim_store *s, struct xdom_err *err);
/* Apply every pending action whose deadline has passed (writers call it
 * under the lock before changing anything). */
void sim_store_materialise(struct sim_state *st, int64_t now_ms);
/* The guest's config file path into buf; false for names not valid for
 * a file name. */
bool sim_store_cfg_path(const struct sim_store *s, const char *name,
    char *buf, size_t len);
/* Write g's config file unless it exists (a large host's are written
 * on first use rather than at creation); best effort, atomic. */
void sim_store_ensure_cfg(const struct sim_store *s,
    const struct sim_guest *g);
/* MAC of a guest's nic j ("00:16:3e:xx:xx:xx"). */
void sim_store_mac(const char *name, unsigned j, char mac[18]);

/* ---- sim_load.c: the load model ---- */

/* Fill g->m from the guest's name, profile and sizes. */
void sim_load_model(struct sim_guest *g, uint64_t seed);

/* Counters of a domain at a time, in the order snapshots carry them. */
struct sim_counters {
	uint64_t cpu_ns;
	uint64_t vcpu_ns[SIM_MAX_VCPUS];
	uint64_t rx_bytes, tx_bytes, rx_pkts, tx_pkts, rx_drops;
	uint64_t rd_reqs, wr_reqs, rd_sect, wr_sect, oo;
};

/* Seconds this domain has been running (not paused) at now_ns. */
double sim_load_tau(const struct sim_guest *g, int64_t now_ns);
/* Counters after tau seconds of running; cpu_ns is the sum of the online
 * vcpus' vcpu_ns (offline vcpus stay at 0). */
void sim_load_counters(const struct sim_guest *g, double tau,
    struct sim_counters *c);
/* Share of sub-record j of n (vcpus, vifs, vbds): the first ones busier. */
double sim_load_share(uint32_t n, uint32_t j);
/* Name of a profile ("web"); parse one (-1 when unknown). */
const char *sim_load_profile_name(unsigned p);
int sim_load_profile_parse(const char *s);

/* What a rate display should show for a guest over [t0, t1] (wall clock
 * seconds, CLOCK_REALTIME), for its current domain. */
struct sim_expect {
	double cpu_pct;		/* % of one physical CPU, like rates.h */
	double rx_Bps, tx_Bps, rx_pps, tx_pps;
	double vbd_rd_ps, vbd_wr_ps, vbd_rsect_ps, vbd_wsect_ps;
};
int sim_expect(struct hv *hv, const char *name, double t0, double t1,
    struct sim_expect *out, struct xdom_err *err);

/* ---- the effective state at a time (sim_store.c) ---- */

/* A guest as readers see it at now_ms: pending actions past their
 * deadline applied. retired_ns (may be NULL) gets the CPU time of a
 * domain that ended. */
void sim_guest_effective(const struct sim_guest *g, int64_t now_ms,
    struct sim_guest *eff, uint64_t *retired_ns);

/* ---- one guest under the writers' lock (sim_store.c) ---- */

/* What a writer acting on one guest holds between sim_guest_locked and
 * sim_guest_unlock. */
struct sim_locked {
	int fd;			/* the writers' lock; -1 when not held */
	long idx;		/* the guest: s->st.g[idx], never Domain-0 */
	int64_t now_ns;		/* wall clock the state was brought to */
};

/*
 * The prologue of every change to one guest: check name (a valid guest
 * name, not Domain-0), take the writers' lock, refresh the state, look the
 * guest up, apply what has fallen due by now. On 0 the lock is held and
 * lk says which guest and when; the caller changes s->st.g[lk->idx],
 * commits and calls sim_guest_unlock. On failure nothing is held and err
 * has a one-line reason; Domain-0's reads "Domain-0 " dom0 (e.g.
 * "cannot be paused").
 */
int sim_guest_locked(struct sim_store *s, const char *name, const char *dom0,
    struct sim_locked *lk, struct xdom_err *err);
/* Release what sim_guest_locked took, dropping the cached state when rc is
 * an error (a change may be half applied); returns rc. Safe to call
 * twice. */
int sim_guest_unlock(struct sim_store *s, struct sim_locked *lk, int rc);
/* name escaped for a message, cut to fit buf (with "..."); returns buf. */
const char *sim_name_shown(const char *name, char buf[96]);

/* g has no domain any more: stopped, nothing pending (its counters must
 * be retired by the caller first). */
void sim_guest_stop(struct sim_guest *g);

/* Milliseconds of the shutdown/reboot and re-image delays (env-scaled). */
int64_t sim_delay_ms(void);
int64_t sim_reimage_ms(void);

/* ---- sim_console.c, sim_reimage.c: the backend's long operations ---- */

/* A fresh pty's master fd with a guest emulator behind it. */
int sim_console_open(struct sim_store *s, const char *name, int *fd,
    struct xdom_err *err);
/* An action by name, as hv_action does it (re-image's shutdown). */
int sim_act(struct sim_store *s, const char *name, enum hv_action a,
    struct xdom_err *err);
/* XDOM_EBUSY when a re-image of name holds its lock (boot checks it). */
int sim_reimage_busy(struct sim_store *s, const char *name,
    struct xdom_err *err);
/* Sparse first images of a new host's guests (existing files kept). */
void sim_reimage_initial(const struct sim_store *s, const struct sim_guest *g);
/* Re-image (see hv_reimage): blocks, reporting progress. */
int sim_reimage_run(struct sim_store *s, const char *name,
    const struct hv_reimage_opts *o, hv_progress_fn progress, void *arg,
    struct xdom_err *err);

/* A free domain id for a domain that starts now (hv_sim.c). */
int sim_alloc_id(struct sim_state *st, uint32_t *id, struct xdom_err *err);

/* ---- sim_res*.c, sim_save.c: vcpus, memory, block hotplug, save/restore */

struct sim_res;
struct sim_counters;
void sim_res_free(struct sim_res *r);
/* Re-read DIR/res when it changed (snapshots call it once). */
void sim_res_refresh(struct sim_store *s);
/* Adjust g's counters at tau for vcpu changes of its domain. */
void sim_res_counters(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct sim_counters *c);
/* Append the block devices attached to g's domain to out's last domain,
 * and to an info's disks. */
void sim_res_add_vbds(const struct sim_store *s, const struct sim_guest *g,
    double tau, struct snap *out);
void sim_res_info(const struct sim_store *s, const struct sim_guest *g,
    struct hv_info *out);
/* The backend's set_resource, block_attach, block_detach, save, restore. */
int sim_res_set(struct hv *hv, const char *name, enum hv_resource r,
    uint64_t value, struct xdom_err *err);
int sim_res_block_attach(struct hv *hv, const char *name,
    const struct hv_block *b, struct xdom_err *err);
int sim_res_block_detach(struct hv *hv, const char *name, const char *vdev,
    struct xdom_err *err);
int sim_res_save(struct hv *hv, const char *name, const char *file,
    struct xdom_err *err);
int sim_res_restore(struct hv *hv, const struct hv_restore_opts *o,
    struct xdom_err *err);

#endif
