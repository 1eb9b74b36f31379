/*
 * xen_conv.h - the pure parts of the Xen backend: turning what libxenstat
 * and libxenlight report into the snapshot model, and reading guest
 * config files' disk and vif items.
 *
 * Nothing here includes a Xen header, so these functions build (and are
 * unit tested) on every machine, with or without libxenlight.
 */
#ifndef XDOM_HYPERVISOR_XEN_CONV_H
#define XDOM_HYPERVISOR_XEN_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "hypervisor/hv.h"

/* The six state bits libxenstat reports for a domain (each 0 or 1). */
struct xen_conv_state {
	unsigned dying, shutdown, blocked, crashed, paused, running;
};

/* SNAP_F_* flags for a domain's state bits; any non-zero bit counts. */
uint32_t xen_conv_flags(const struct xen_conv_state *st);

/* Memory in bytes (libxenstat) to KiB for the snapshot. For maximum
 * memory, libxenstat's all-ones "no limit" becomes SNAP_MEM_UNLIMITED. */
uint64_t xen_conv_mem_kb(uint64_t bytes);
uint64_t xen_conv_maxmem_kb(uint64_t bytes);

/* Host CPU speed from libxenstat's Hz, rounded to whole MHz. */
uint32_t xen_conv_mhz(uint64_t hz);

/* "00:16:3e:00:00:01" from six bytes into buf (at least 18 bytes). */
void xen_conv_mac(const uint8_t mac[6], char *buf, size_t len);

/*
 * The guest name a config file stands for: "web01" for "web01.cfg".
 * Returns false (and leaves out alone) for names that do not end in
 * ".cfg" or whose stem is not a valid domain name (xdom_name_valid), so
 * that hidden files, editor backups and odd names are never listed or
 * booted. out has room for XDOM_NAME_MAX + 1 bytes.
 */
bool xen_conv_cfg_name(const char *file, char *out, size_t len);

/*
 * One item of a guest config's disk = [...] list (xl-disk-configuration:
 * "format=raw, vdev=xvda, access=rw, target=/img" or the positional
 * "phy:/dev/vg/x,xvda,w" / "/img,raw,xvda,rw") into out; false when the
 * item names no target or no vdev. target= takes the rest of the item,
 * commas included, as xl does. A "phy:", "file:" or "tap:aio:" style
 * prefix is dropped, so target is the path itself.
 */
bool xen_conv_disk(const char *spec, struct hv_disk *out);

/* One item of a vif = [...] list ("mac=00:16:3e:..,bridge=xenbr0,ip=..")
 * into out; keys xdom does not show are ignored. Always succeeds. */
void xen_conv_vif(const char *spec, struct hv_nic *out);

#endif
