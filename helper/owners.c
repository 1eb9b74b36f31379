/*
 * owners.c - xen-shell compatibility: who a guest's config file names as
 * its owners (xen_shell = "alice, bob"), for the policy's owner rule.
 */
#include "helper/xdomd.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/conf.h"

/*
 * The guest's xen_shell owners ("alice, bob") when compatibility is on
 * and its config file names any; NULL otherwise. Fails closed: a config
 * that does not parse, or a value that does not fit in buf, names no
 * owner (a cut-off list could end in a prefix of a longer name: "bob"
 * out of "bobby").
 *
 * Parsing every guest's config for every list or stats request would let
 * any caller make the daemon busy (tens of ms at thousands of guests), so
 * what a config says is kept, per guest, for as long as the file is the
 * same: same device, inode, size, modification and change times.
 */
#define OWNERS_SLOTS 512

struct owners_memo {
	char name[XDOM_NAME_MAX + 1];	/* "" when unused */
	char path[sizeof ((struct hv_info *)0)->config_path];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	bool fits;
	char owners[OWNERS_MAX];
};

static struct owners_memo owners_table[OWNERS_SLOTS];

static struct owners_memo *
owners_slot(const char *name)
{
	unsigned h = 5381;

	while (*name != '\0')
		h = h * 33 + (unsigned char)*name++;
	return &owners_table[h % OWNERS_SLOTS];
}

static bool
owners_same(const struct owners_memo *m, const char *name,
    const char *path, const struct stat *st)
{
	return strcmp(m->name, name) == 0 && strcmp(m->path, path) == 0 &&
	    m->dev == st->st_dev && m->ino == st->st_ino &&
	    m->size == st->st_size &&
	    m->mtim.tv_sec == st->st_mtim.tv_sec &&
	    m->mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    m->ctim.tv_sec == st->st_ctim.tv_sec &&
	    m->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

const char *
owners_get(struct xdomd *d, const char *name, char *buf, size_t len)
{
	struct xdom_err err = {0};
	struct owners_memo *m;
	struct conf *c = NULL;
	struct hv_info in;
	struct stat st;
	const char *v;

	if (!d->compat || !xdom_name_valid(name))
		return NULL;
	if (hv_info(d->hv, name, &in, &err) != 0 || in.config_path[0] == '\0')
		return NULL;
	if (stat(in.config_path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	m = owners_slot(name);
	if (!owners_same(m, name, in.config_path, &st)) {
		memset(m, 0, sizeof *m);
		if (conf_load(&c, in.config_path, false, &err) == 0) {
			v = conf_get(c, "xen_shell");
			if (v != NULL && strlen(v) < sizeof m->owners) {
				memcpy(m->owners, v, strlen(v) + 1);
				m->fits = true;
			}
		}
		conf_free(c);
		snprintf(m->name, sizeof m->name, "%s", name);
		snprintf(m->path, sizeof m->path, "%s", in.config_path);
		m->dev = st.st_dev;
		m->ino = st.st_ino;
		m->size = st.st_size;
		m->mtim = st.st_mtim;
		m->ctim = st.st_ctim;
	}
	if (!m->fits || strlen(m->owners) >= len)
		return NULL;
	memcpy(buf, m->owners, strlen(m->owners) + 1);
	return buf;
}
