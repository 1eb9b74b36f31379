/*
 * xen_conv.c - pure conversions for the Xen backend (see xen_conv.h).
 */
#include "hypervisor/xen/xen_conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/snap.h"

uint32_t
xen_conv_flags(const struct xen_conv_state *st)
{
	/* One row per libxenstat bit, in xentop's column order. */
	const struct {
		unsigned bit;
		uint32_t flag;
	} map[] = {
		{ st->dying, SNAP_F_DYING },
		{ st->shutdown, SNAP_F_SHUTDOWN },
		{ st->blocked, SNAP_F_BLOCKED },
		{ st->crashed, SNAP_F_CRASHED },
		{ st->paused, SNAP_F_PAUSED },
		{ st->running, SNAP_F_RUNNING },
	};
	uint32_t flags = 0;
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].bit != 0)
			flags |= map[i].flag;
	return flags;
}

uint64_t
xen_conv_mem_kb(uint64_t bytes)
{
	return bytes / 1024;
}

uint64_t
xen_conv_maxmem_kb(uint64_t bytes)
{
	if (bytes == UINT64_MAX)
		return SNAP_MEM_UNLIMITED;
	return bytes / 1024;
}

uint32_t
xen_conv_mhz(uint64_t hz)
{
	uint64_t mhz = (hz + 500000) / 1000000;

	return mhz > UINT32_MAX ? UINT32_MAX : (uint32_t)mhz;
}

void
xen_conv_mac(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
}

bool
xen_conv_cfg_name(const char *file, char *out, size_t len)
{
	static const char suffix[] = ".cfg";
	size_t n = strlen(file), stem;
	char name[XDOM_NAME_MAX + 1];

	if (n <= sizeof suffix - 1)
		return false;
	stem = n - (sizeof suffix - 1);
	if (strcmp(file + stem, suffix) != 0 || stem > XDOM_NAME_MAX ||
	    stem + 1 > len)
		return false;
	memcpy(name, file, stem);
	name[stem] = '\0';
	if (!xdom_name_valid(name))
		return false;
	memcpy(out, name, stem + 1);
	return true;
}

/* Copy [s, s+n) without surrounding blanks into dst (size len). */
static void
xen_conv_copy_trim(char *dst, size_t len, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * The next comma-separated item at *p, trimmed, into item (size len);
 * *p moves past it. Returns where the item starts in the spec, or NULL
 * when none is left (an empty rest, as after a trailing comma).
 */
static const char *
xen_conv_next(const char **p, char *item, size_t len)
{
	const char *start = *p, *e;

	if (start == NULL || *start == '\0')
		return NULL;
	e = strchr(start, ',');
	xen_conv_copy_trim(item, len, start,
	    e != NULL ? (size_t)(e - start) : strlen(start));
	*p = e != NULL ? e + 1 : NULL;
	return start;
}

static bool
xen_conv_writable(const char *access)
{
	return strcmp(access, "w") == 0 || strcmp(access, "rw") == 0 ||
	    strcmp(access, "w!") == 0;
}

/* "phy:/dev/x", "file:/img", "tap:aio:/img" -> the path itself. */
static void
xen_conv_strip_prefix(char *target)
{
	char *slash = strstr(target, ":/");

	if (target[0] == '/' || slash == NULL)
		return;
	memmove(target, slash + 1, strlen(slash + 1) + 1);
}

bool
xen_conv_disk(const char *spec, struct hv_disk *out)
{
	char pos[4][256], item[256], access[8] = "rw";
	const char *p = spec, *start, *eq;
	size_t npos = 0;
	bool have_target = false;

	memset(out, 0, sizeof *out);
	while ((start = xen_conv_next(&p, item, sizeof item)) != NULL) {
		eq = strchr(item, '=');
		if (eq != NULL && strncmp(item, "target=", 7) == 0) {
			/* the rest of the spec, commas included */
			xen_conv_copy_trim(out->target, sizeof out->target,
			    strchr(start, '=') + 1,
			    strlen(strchr(start, '=') + 1));
			have_target = true;
			break;
		}
		if (eq != NULL) {
			if (strncmp(item, "vdev=", 5) == 0)
				xen_conv_copy_trim(out->vdev, sizeof out->vdev,
				    eq + 1, strlen(eq + 1));
			else if (strncmp(item, "access=", 7) == 0 ||
			    strncmp(item, "mode=", 5) == 0)
				xen_conv_copy_trim(access, sizeof access,
				    eq + 1, strlen(eq + 1));
		} else if (npos < 4) {
			memcpy(pos[npos++], item, sizeof item);
		}
	}
	/* positional: target,vdev,access (3) or target,format,vdev,access */
	if (npos == 3 || npos == 2) {
		if (!have_target) {
			xen_conv_copy_trim(out->target, sizeof out->target,
			    pos[0], strlen(pos[0]));
			have_target = true;
		}
		xen_conv_copy_trim(out->vdev, sizeof out->vdev, pos[1],
		    strlen(pos[1]));
		if (npos == 3)
			xen_conv_copy_trim(access, sizeof access, pos[2],
			    strlen(pos[2]));
	} else if (npos == 4) {
		xen_conv_copy_trim(out->target, sizeof out->target, pos[0],
		    strlen(pos[0]));
		have_target = true;
		xen_conv_copy_trim(out->vdev, sizeof out->vdev, pos[2],
		    strlen(pos[2]));
		xen_conv_copy_trim(access, sizeof access, pos[3],
		    strlen(pos[3]));
	} else if (npos == 1 && !have_target) {
		xen_conv_copy_trim(out->target, sizeof out->target, pos[0],
		    strlen(pos[0]));
		have_target = true;
	}
	out->writable = xen_conv_writable(access);
	xen_conv_strip_prefix(out->target);
	return have_target && out->target[0] != '\0' && out->vdev[0] != '\0';
}

void
xen_conv_vif(const char *spec, struct hv_nic *out)
{
	/* keys shown, with where each goes */
	const struct {
		const char *key;
		char *dst;
		size_t len;
	} keys[] = {
		{ "mac", out->mac, sizeof out->mac },
		{ "bridge", out->bridge, sizeof out->bridge },
		{ "ip", out->ip, sizeof out->ip },
	};
	char item[256];
	const char *p = spec, *eq;
	size_t i, klen;

	memset(out, 0, sizeof *out);
	while (xen_conv_next(&p, item, sizeof item) != NULL) {
		eq = strchr(item, '=');
		for (i = 0; eq != NULL && i < sizeof keys / sizeof keys[0];
		    i++) {
			klen = strlen(keys[i].key);
			if ((size_t)(eq - item) == klen &&
			    strncmp(item, keys[i].key, klen) == 0)
				xen_conv_copy_trim(keys[i].dst, keys[i].len,
				    eq + 1, strlen(eq + 1));
		}
	}
}
