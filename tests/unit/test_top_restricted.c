/*
 * test_top_restricted.c - xdom-shell's `top` (TOP_MODE_RESTRICTED) never
 * draws a host-wide figure, even when the snapshot it is given carries
 * them: no memory line, no CPU count or clock, no Xen version, no
 * per-CPU meters, in the list and in the detail view. The same frame in
 * admin mode shows them all, so each check can fail. xdomd strips these
 * figures before they reach a customer; this is the second line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top/top_ui.h"

#define SEC 1000000000ull

/* What a host-wide figure looks like on screen, for the fill() below. */
static const char *const host_marks[] = { "Mem:", "CPUs:", "2400MHz",
	"Xen 4.17.3", "67108864k", "8388608k" };

struct frame {
	struct top_ui ui;
	struct top_opts o;
	FILE *out, *in;
	SCREEN *scr;
};

static void
fill(struct top_model *m, uint64_t mono, uint64_t scale)
{
	struct snap *s = top_model_next(m);
	uint16_t h = snap_add_host(s, "h0");
	uint64_t *pc;
	uint32_t k;

	s->hosts[h].mem_total_kb = 64ull << 20;
	s->hosts[h].mem_free_kb = 8ull << 20;
	s->hosts[h].ncpus = 8;
	s->hosts[h].cpu_mhz = 2400;
	snprintf(s->hosts[h].hv_version, sizeof s->hosts[h].hv_version,
	    "4.17.3");
	pc = snap_add_pcpus(s, h, 8);
	for (k = 0; k < 8; k++)
		pc[k] = scale * SEC / (k + 2);
	s->mono_ns = mono;
	s->wall_s = 1700000000;
	for (k = 1; k <= 2; k++) {
		char name[32];
		struct snap_dom *d;

		snprintf(name, sizeof name, "alice%u", k);
		d = snap_add_dom(s, h, k, name);
		d->cpu_ns = scale * SEC / (k + 1);
		d->flags = SNAP_F_BLOCKED;
		d->mem_kb = 1048576;
		d->maxmem_kb = 1048576;
		d->vcpus_online = d->vcpus_max = 1;
	}
	snap_finish(s);
	top_model_update(m);
	top_model_sort(m);
}

static void
frame_open(struct frame *f, enum top_mode mode)
{
	struct top_settings s;

	memset(f, 0, sizeof *f);
	setlocale(LC_ALL, "C.UTF-8");
	f->o.delay = 1;
	f->o.mode = mode;
	f->o.simulated = true;
	f->ui.o = &f->o;
	top_settings_default(&s);
	memcpy(f->ui.order, s.order, sizeof f->ui.order);
	memcpy(f->ui.shown, s.shown, sizeof f->ui.shown);
	top_model_init(&f->ui.m);
	fill(&f->ui.m, 10 * SEC, 100);
	fill(&f->ui.m, 12 * SEC, 101);
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "160", 1);
	f->out = fopen("/dev/null", "w");
	f->in = fopen("/dev/null", "r");
	assert_non_null(f->out);
	assert_non_null(f->in);
	f->scr = newterm("xterm-256color", f->out, f->in);
	assert_non_null(f->scr);
	set_term(f->scr);
	top_theme_builtin(&f->ui.theme);
	f->ui.use_color = false;
	top_theme_apply(&f->ui.theme, false, f->ui.attrs);
	/* As top_ui_run sets it: the per-CPU view only for admins. */
	f->ui.pcpu_view = mode != TOP_MODE_RESTRICTED;
}

static void
frame_close(struct frame *f)
{
	endwin();
	delscreen(f->scr);
	fclose(f->out);
	fclose(f->in);
	top_model_dispose(&f->ui.m);
	free(f->ui.line_row);
}

static bool
screen_has(const char *needle)
{
	char line[2048];
	int y, n;

	for (y = 0; y < LINES; y++) {
		n = mvinnstr(y, 0, line, (int)sizeof line - 1);
		line[n > 0 ? n : 0] = '\0';
		if (strstr(line, needle) != NULL)
			return true;
	}
	return false;
}

/* How many host marks the current screen shows. */
static size_t
marks_shown(void)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof host_marks / sizeof host_marks[0]; i++)
		if (screen_has(host_marks[i])) {
			print_message("# on screen: %s\n", host_marks[i]);
			n++;
		}
	return n;
}

static void
test_admin_shows_host(void **state)
{
	struct frame f;

	(void)state;
	frame_open(&f, TOP_MODE_ADMIN);
	top_draw(&f.ui);
	assert_true(screen_has("Mem:"));
	assert_true(screen_has("CPUs: 8 @ 2400MHz"));
	assert_true(screen_has("Xen 4.17.3"));
	assert_true(screen_has("alice1"));
	assert_true(screen_has(" 1048576    1.6    1048576       1.6 "));
	frame_close(&f);
}

static void
test_restricted_hides_host(void **state)
{
	struct frame f;

	(void)state;
	frame_open(&f, TOP_MODE_RESTRICTED);
	top_draw(&f.ui);
	assert_true(screen_has("alice1"));
	assert_true(screen_has("alice2"));
	assert_true(screen_has("SIMULATED"));
	assert_true(screen_has("2 domains:"));
	assert_int_equal(marks_shown(), 0);
	/* MEM(%) and MAXMEM(%) are shares of the host's memory: "-", not
	 * a made-up 0.0 (admin mode shows 1.6 for these 1 GiB guests) */
	assert_true(screen_has(" 1048576      -    1048576         - "));
	assert_false(screen_has(" 0.0 "));
	f.ui.mode = UI_DETAIL;
	f.ui.sel = 0;
	top_draw(&f.ui);
	assert_true(screen_has("alice"));
	assert_int_equal(marks_shown(), 0);
	frame_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_shows_host),
		cmocka_unit_test(test_restricted_hides_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
