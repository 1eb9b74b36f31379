/*
 * fixture.c - shared test fixtures (see fixture.h): private directories,
 * a private simulated host, and a fake backend driven by a table.
 */
#include "tests/unit/support/fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xmalloc.h"

int
tfx_tmpdir(char *buf, size_t len, const char *tag)
{
	int n = snprintf(buf, len, "%s/xdom-test-%s.XXXXXX", "/tmp", tag);

	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "tfx_tmpdir: %s: name too long\n", tag);
		return -1;
	}
	if (mkdtemp(buf) == NULL) {
		perror("tfx_tmpdir: mkdtemp");
		return -1;
	}
	return 0;
}

static int
tfx_rm_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

void
tfx_rm_tree(const char *dir)
{
	if (dir == NULL || dir[0] == '\0')
		return;
	nftw(dir, tfx_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
tfx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "%s: write failed\n", path);
	return rc;
}

long
tfx_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL || len == 0) {
		if (f != NULL)
			fclose(f);
		perror(path);
		return -1;
	}
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (long)n;
}

int
tfx_sim_hv(const char *dir, unsigned n_domains, struct hv **out)
{
	struct hv_open_opts o = { .backend = "sim", .sim_dir = dir,
	    .sim_domains = n_domains };
	struct xdom_err err = { 0 };
	int rc;

	*out = NULL;
	if ((rc = hv_open(out, &o, &err)) != 0)
		fprintf(stderr, "hv_open %s: %s\n", dir, err.msg);
	return rc;
}

int
tfx_sim_open(struct tfx_sim *s, const char *tag, unsigned n_domains)
{
	int rc;

	memset(s, 0, sizeof *s);
	if (tfx_tmpdir(s->dir, sizeof s->dir, tag) != 0) {
		s->dir[0] = '\0';
		return XDOM_EIO;
	}
	if ((rc = tfx_sim_hv(s->dir, n_domains, &s->hv)) != 0)
		tfx_sim_close(s);
	return rc;
}

void
tfx_sim_close(struct tfx_sim *s)
{
	if (s->hv != NULL)
		hv_close(s->hv);
	s->hv = NULL;
	tfx_rm_tree(s->dir);
	s->dir[0] = '\0';
}

/* --- the fake backend ---------------------------------------------------- */

struct tfx_fake tfx_fake;

void
tfx_fake_reset(const struct tfx_guest *guests, size_t n)
{
	memset(&tfx_fake, 0, sizeof tfx_fake);
	tfx_fake.guests = guests;
	tfx_fake.n_guests = n;
}

static const struct tfx_guest *
tfx_fake_find(const char *name)
{
	size_t i;

	for (i = 0; i < tfx_fake.n_guests; i++)
		if (strcmp(tfx_fake.guests[i].name, name) == 0)
			return &tfx_fake.guests[i];
	return NULL;
}

int
tfx_fake_guests(struct hv *hv, struct hv_guest_list *out,
    struct xdom_err *err)
{
	size_t i;

	(void)hv;
	out->g = NULL;
	out->n = 0;
	if (tfx_fake.fail_rc != 0)
		return xdom_err_set(err, tfx_fake.fail_rc, "fake host: down");
	out->g = xcalloc(tfx_fake.n_guests + 1, sizeof *out->g);
	for (i = 0; i < tfx_fake.n_guests; i++) {
		out->g[i].name = xstrdup(tfx_fake.guests[i].name);
		out->g[i].running = tfx_fake.guests[i].running;
		out->g[i].id = tfx_fake.guests[i].running ?
		    tfx_fake.guests[i].id : 0;
	}
	out->n = tfx_fake.n_guests;
	return 0;
}

int
tfx_fake_info(struct hv *hv, const char *name, struct hv_info *out,
    struct xdom_err *err)
{
	const struct tfx_guest *g = tfx_fake_find(name);

	(void)hv;
	memset(out, 0, sizeof *out);
	if (tfx_fake.fail_rc != 0)
		return xdom_err_set(err, tfx_fake.fail_rc, "fake host: down");
	if (g == NULL)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such guest",
		    name);
	snprintf(out->name, sizeof out->name, "%s", g->name);
	out->running = g->running;
	out->id = g->running ? g->id : 0;
	out->mem_kb = 512 * 1024;
	out->maxmem_kb = 1024 * 1024;
	out->vcpus = 1;
	if (g->config_path != NULL)
		snprintf(out->config_path, sizeof out->config_path, "%s",
		    g->config_path);
	return 0;
}

int
tfx_fake_action(struct hv *hv, const char *name, enum hv_action a,
    const char *reason, struct xdom_err *err)
{
	(void)hv;
	if (tfx_fake.fail_rc != 0)
		return xdom_err_set(err, tfx_fake.fail_rc, "fake host: down");
	if (tfx_fake_find(name) == NULL)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such guest",
		    name);
	tfx_fake.n_actions++;
	tfx_fake.last_action = a;
	snprintf(tfx_fake.last_name, sizeof tfx_fake.last_name, "%s", name);
	snprintf(tfx_fake.last_reason, sizeof tfx_fake.last_reason, "%s",
	    reason != NULL ? reason : "");
	return 0;
}

const struct hv_backend tfx_fake_backend = {
	.name = "fake",
	.guests = tfx_fake_guests,
	.info = tfx_fake_info,
	.action = tfx_fake_action,
};

struct hv tfx_fake_hv = { .be = &tfx_fake_backend, .priv = NULL };
