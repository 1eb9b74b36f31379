/*
 * bench_top.c - what one dashboard refresh costs at 100, 1,000 and
 * 10,000 simulated domains: CPU time (median of several refreshes) of
 * collection (hv_snapshot), rates (top_model_update: rates, totals,
 * history), sort (filter + order) and draw (a full 120x40 frame into an
 * off-screen ncurses terminal on /dev/null), and the process's peak RSS.
 *
 * Each size runs in its own child process in its own temporary sim
 * directory, so one size's memory does not count against another's.
 * The peak RSS is given twice: after the refreshes, and once the action
 * worker has its own backend handle and the detail view has collected
 * per-vcpu times, as a dashboard that has been used holds them.
 * Then the same frame is drawn on terminals of 12 to 96 lines: the draw
 * column grows with the rows on screen and stays flat across domain
 * counts, because only the rows on screen are formatted.
 *
 * Targets (issue 3): under 10 ms CPU per refresh and under 32 MiB at
 * 10,000 domains. The last line says whether they are met; the exit
 * status is 0 either way unless the benchmark itself failed, since
 * figures on a shared machine are not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "top/top_ui.h"

#define RUNS 15

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	return v[n / 2];
}

static void
rm_tree(const char *dir)
{
	char *argv[] = { "rm", "-rf", (char *)dir, NULL };
	pid_t p = fork();

	if (p == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, NULL, 0);
}

/* Terminal heights of the draw sweep: the rows on screen grow, the
 * domain count stays. */
static const int sweep_lines[] = { 12, 24, 48, 96 };
#define N_SWEEP (sizeof sweep_lines / sizeof sweep_lines[0])

/* One refresh's data, not timed: the draw sweep wants fresh numbers in
 * every frame, as the dashboard has. */
static int
refresh_untimed(struct top_ui *ui, struct hv *hv, unsigned what,
    struct xdom_err *err)
{
	if (top_model_collect(&ui->m, hv, what, err) != 0)
		return -1;
	top_model_update(&ui->m);
	top_model_sort(&ui->m);
	return 0;
}

static double
draw_ms(struct top_ui *ui)
{
	double a = cpu_ms();

	top_draw(ui);
	wnoutrefresh(stdscr);
	doupdate();
	return cpu_ms() - a;
}

static int
bench_one(unsigned n)
{
	char dir[] = "/tmp/xdom-bench-top.XXXXXX";
	struct hv_open_opts ho;
	struct xdom_err err = { 0, "" };
	struct top_opts o;
	struct top_settings s;
	struct top_ui *ui = NULL;
	struct hv *hv = NULL, *worker_hv = NULL;
	double t[4][RUNS], tn[RUNS], sweep[N_SWEEP], a, b, sort_name;
	struct rusage ru, ru_all;
	FILE *fo = NULL, *fi = NULL;
	SCREEN *scr = NULL;
	size_t k, filtered;
	int r, rc = 1;
	unsigned what = HV_SNAP_NETS | HV_SNAP_VBDS | HV_SNAP_PCPUS;

	if (mkdtemp(dir) == NULL)
		return 1;
	memset(&ho, 0, sizeof ho);
	ho.backend = "sim";
	ho.sim_dir = dir;
	ho.sim_domains = n;
	if (hv_open(&hv, &ho, &err) != 0) {
		fprintf(stderr, "bench_top: %s\n", xdom_err_msg(&err));
		goto out;
	}
	/* What the dashboard sets up in top_ui_run(), minus the terminal. */
	ui = calloc(1, sizeof *ui);
	if (ui == NULL)
		goto out;
	memset(&o, 0, sizeof o);
	o.delay = 1;
	o.simulated = true;
	top_settings_default(&s);
	memcpy(ui->order, s.order, sizeof ui->order);
	memcpy(ui->shown, s.shown, sizeof ui->shown);
	ui->o = &o;
	ui->hv = hv;
	ui->what = what;
	top_model_init(&ui->m);

	/* An off-screen terminal: ncurses does all its work, the bytes go
	 * to /dev/null. */
	fo = fopen("/dev/null", "w");
	fi = fopen("/dev/null", "r");
	if (fo == NULL || fi == NULL)
		goto out;
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "120", 1);
	scr = newterm("xterm-256color", fo, fi);
	if (scr == NULL) {
		fprintf(stderr, "bench_top: newterm failed\n");
		goto out;
	}
	set_term(scr);
	start_color();
	use_default_colors();
	top_theme_builtin(&ui->theme);
	ui->use_color = true;
	top_theme_apply(&ui->theme, true, ui->attrs);

	/* The first sample, as the dashboard takes one before its first
	 * frame. */
	if (top_model_collect(&ui->m, hv, what, &err) != 0) {
		fprintf(stderr, "bench_top: %s\n", xdom_err_msg(&err));
		goto out;
	}
	top_model_update(&ui->m);
	for (r = 0; r < RUNS; r++) {
		usleep(20000);
		a = cpu_ms();
		if (top_model_collect(&ui->m, hv, what, &err) != 0) {
			fprintf(stderr, "bench_top: %s\n", xdom_err_msg(&err));
			goto out;
		}
		b = cpu_ms();
		t[0][r] = b - a;
		top_model_update(&ui->m);
		a = cpu_ms();
		t[1][r] = a - b;
		top_model_sort(&ui->m);
		b = cpu_ms();
		t[2][r] = b - a;
		t[3][r] = draw_ms(ui);
	}
	getrusage(RUSAGE_SELF, &ru);

	/* The dearest sort: by name (string compares) with a filter that
	 * escapes every name and keeps those with a 1 in them. */
	ui->m.sort_col = COL_NAME;
	ui->m.sort_desc = false;
	snprintf(ui->m.filter, sizeof ui->m.filter, "1");
	for (r = 0; r < RUNS; r++) {
		a = cpu_ms();
		top_model_sort(&ui->m);
		tn[r] = cpu_ms() - a;
	}
	sort_name = median(tn, RUNS);
	filtered = ui->m.n_order;
	ui->m.sort_col = COL_CPU_PCT;
	ui->m.sort_desc = true;
	ui->m.filter[0] = '\0';

	/* The same frame on taller terminals. */
	for (k = 0; k < N_SWEEP; k++) {
		double d[RUNS];

		resizeterm(sweep_lines[k], 120);
		for (r = 0; r < RUNS; r++) {
			if (refresh_untimed(ui, hv, what, &err) != 0) {
				fprintf(stderr, "bench_top: %s\n",
				    xdom_err_msg(&err));
				goto out;
			}
			d[r] = draw_ms(ui);
		}
		sweep[k] = median(d, RUNS);
	}

	/* What else the dashboard holds at its peak: the action worker's
	 * own backend handle after an action, and the detail view, which
	 * collects per-vcpu times for every domain. */
	{
		const struct snap *cs = top_model_cur(&ui->m);
		const char *victim = cs->n_dom > 1 ?
		    snap_dom_name(cs, &cs->dom[1]) : "Domain-0";
		char name[128];

		snprintf(name, sizeof name, "%s", victim);
		if (hv_open(&worker_hv, &ho, &err) != 0 ||
		    hv_action(worker_hv, name, HV_ACT_PAUSE, &err) != 0) {
			fprintf(stderr, "bench_top: %s\n", xdom_err_msg(&err));
			goto out;
		}
		resizeterm(40, 120);
		ui->what |= HV_SNAP_VCPUS;
		ui->mode = UI_DETAIL;
		for (r = 0; r < 3; r++) {
			if (refresh_untimed(ui, hv, ui->what, &err) != 0) {
				fprintf(stderr, "bench_top: %s\n",
				    xdom_err_msg(&err));
				goto out;
			}
			(void)draw_ms(ui);
		}
		getrusage(RUSAGE_SELF, &ru_all);
	}
	{
		double c = median(t[0], RUNS), ra = median(t[1], RUNS);
		double so = median(t[2], RUNS), d = median(t[3], RUNS);

		printf("%6u domains: refresh %6.3f ms CPU (collect %6.3f, "
		    "rates %6.3f, sort %6.3f, draw %6.3f), peak RSS %5.1f MiB"
		    "\n", n, c + ra + so + d, c, ra, so, d,
		    (double)ru.ru_maxrss / 1024.0);
		printf("%6u domains: sort by name with a filter %6.3f ms "
		    "(%zu rows match)\n", n, sort_name, filtered);
		printf("%6u domains: draw by terminal height:", n);
		for (k = 0; k < N_SWEEP; k++)
			printf(" %3dx120 %6.3f ms%s", sweep_lines[k], sweep[k],
			    k + 1 < N_SWEEP ? "," : "\n");
		printf("%6u domains: peak RSS with an action worker and the "
		    "detail view %5.1f MiB\n", n,
		    (double)ru_all.ru_maxrss / 1024.0);
		if (n == 10000) {
			double tot = c + ra + so + d;
			double mib = (double)ru_all.ru_maxrss / 1024.0;

			printf("target at 10,000 domains: refresh < 10 ms CPU "
			    "(%s), peak RSS < 32 MiB (%s)\n", tot < 10.0 ?
			    "met" : "NOT met", mib < 32.0 ? "met" : "NOT met");
		}
		fflush(stdout);
	}
	rc = 0;
out:
	if (scr != NULL) {
		endwin();
		delscreen(scr);
	}
	if (fo != NULL)
		fclose(fo);
	if (fi != NULL)
		fclose(fi);
	if (ui != NULL) {
		top_model_dispose(&ui->m);
		free(ui->line_row);
		free(ui);
	}
	hv_close(worker_hv);
	hv_close(hv);
	rm_tree(dir);
	return rc;
}

int
main(void)
{
	static const unsigned sizes[] = { 100, 1000, 10000 };
	size_t k;
	int bad = 0;

	printf("bench_top: median of %d refreshes, CPU time per phase; "
	    "draw = a 120x40 frame off screen\n", RUNS);
	fflush(stdout);
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		pid_t p = fork();
		int st = 0;

		if (p == 0)
			_exit(bench_one(sizes[k]));
		if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			bad = 1;
	}
	return bad;
}
