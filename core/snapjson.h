/*
 * snapjson.h - a snapshot as one line of JSON, and back.
 *
 * This is the format of `xdom stats --stream`, which the fleet view reads
 * from remote hosts over SSH: the decoder reads untrusted bytes. It is
 * bounded (line length, number of values, records, string lengths) and
 * checks every type and range; anything else is refused with a one-line
 * message, never a crash. Both directions use json-c; lines exactly as
 * the encoder writes them are also read by a fast path without it.
 *
 * One line is one JSON object (no newline inside; counters cumulative):
 *
 *   {"xdom_stats":1,                     format version (SNAPJSON_VERSION)
 *    "mono_ns":N, "wall_s":N,            collection time, monotonic / epoch
 *    "hosts":[{"name":S, "hv_version":S, "ncpus":N, "cpu_mhz":N,
 *              "mem_total_kb":N, "mem_free_kb":N, "simulated":B,
 *              "pcpu_ns":[N,...]}, ...],
 *    "domains":[{"host":N, "id":N, "name":S, "flags":N, "cpu_ns":N,
 *                "mem_kb":N, "maxmem_kb":N|null, "vcpus_online":N,
 *                "vcpus_max":N, "ssid":N,
 *                "vcpus":[{"ns":N, "online":B}, ...],
 *                "nets":[{"id":N, "rx_bytes":N, "rx_pkts":N, "rx_errs":N,
 *                         "rx_drops":N, "tx_bytes":N, "tx_pkts":N,
 *                         "tx_errs":N, "tx_drops":N}, ...],
 *                "vbds":[{"dev":N, "oo":N, "rd_reqs":N, "wr_reqs":N,
 *                         "rd_sect":N, "wr_sect":N}, ...]}, ...]}
 *
 * N is a JSON integer >= 0 (64-bit counters; 32-bit fields must fit in
 * 32 bits), S a string, B a boolean. "flags" holds enum snap_flag bits.
 * "maxmem_kb" null means SNAP_MEM_UNLIMITED. "host" indexes "hosts".
 * Names are the hypervisor's raw bytes, JSON-escaped only: display them
 * through xdom_escape(). Every key above is required; unknown keys are
 * ignored (so later versions may add fields). Host fields that describe
 * the reader's connection (state, status) are not part of the format.
 */
#ifndef XDOM_CORE_SNAPJSON_H
#define XDOM_CORE_SNAPJSON_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "core/snap.h"

#define SNAPJSON_VERSION 1
#define SNAPJSON_MAX_LINE (16u * 1024 * 1024)	/* bytes in one line */
/* json-c allocates per value, and an object (a hash table) costs about
 * 16 times what a number does: a line may hold at most this many values,
 * objects and arrays counting SNAPJSON_CONTAINER_COST each. A 10,000
 * domain host needs about 1.6 million; the limit keeps a hostile line
 * under about 200 MB of json-c objects. */
#define SNAPJSON_MAX_COST 3000000u
#define SNAPJSON_CONTAINER_COST 16u
#define SNAPJSON_MAX_HOSTS 256
#define SNAPJSON_MAX_DOMS 16384
#define SNAPJSON_MAX_SUB 4096	/* vcpus, nets, vbds per domain; pcpus */
#define SNAPJSON_MAX_NAME 1024	/* bytes in a domain name */

/*
 * Encode s as one JSON object without a trailing newline. Returns a new
 * string the caller frees (never NULL: out of memory aborts); *len, when
 * not NULL, gets its length.
 */
char *snapjson_encode(const struct snap *s, size_t *len);

/*
 * Write s to f as one line (the object and '\n') and flush. XDOM_EIO
 * when the write or flush fails; errno is left telling why (EPIPE when
 * the reader went away).
 */
int snapjson_write(FILE *f, const struct snap *s, struct xdom_err *err);

/*
 * Decode len bytes (one line; a trailing newline and blanks are fine)
 * into out, which must have been snap_init()ed; it is snap_reset() first
 * and left finished (domains sorted) on success. On failure returns
 * XDOM_EPROTO (or XDOM_ENOMEM for a size limit) with a message, and out
 * holds no domains or hosts. buf need not be NUL-terminated.
 */
int snapjson_decode(const char *buf, size_t len, struct snap *out,
    struct xdom_err *err);

/*
 * The two ways snapjson_decode() reads a line, for tests and fuzzers:
 * the fast path takes only lines exactly as snapjson_encode() writes
 * them (no blanks, keys in its order, ASCII names without escapes) and
 * returns XDOM_EPROTO, without a message, for anything else, which then
 * goes to the json-c path: it decides on every line and says what is
 * wrong. A line the fast path takes decodes the same on both.
 */
int snapjson_decode_fast(const char *buf, size_t len, struct snap *out);
int snapjson_decode_json(const char *buf, size_t len, struct snap *out,
    struct xdom_err *err);

#endif
