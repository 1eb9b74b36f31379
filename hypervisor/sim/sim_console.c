/*
 * sim_console.c - a simulated guest's console: a fresh pty whose slave
 * side is driven by a small text emulator of a Debian guest.
 *
 * The emulator runs in a double-forked process (reparented to init, so
 * the caller - perhaps the long-running xdomd - reaps nothing and keeps
 * no zombie). It keeps only the pty slave open, never takes the state
 * lock, and never executes anything: every answer is a string. It prints
 * a boot log and a login prompt, lets `root` in without a password,
 * answers a handful of commands, and every ~200 ms looks at the shared
 * state: a shutdown or reboot request prints the guest's going-down
 * lines, a new domain id prints a restart and the boot log again, and a
 * stopped or destroyed domain prints a power-down line and ends it. It
 * also ends as soon as the master side is closed.
 */
#include "hypervisor/sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/escape.h"

#define CON_TICK_MS 200
#define CON_LINE_MAX 256

enum con_mode { CON_LOGIN, CON_PASSWORD, CON_SHELL };

struct con {
	struct sim_store *s;
	char name[SIM_NAME_MAX + 1];
	uint32_t id;
	uint8_t run, pending;
	int64_t start_ms;	/* the domain's creation */
	double load;		/* mean busy vcpus, for loadavg */
	uint32_t vcpus;
	uint64_t mem_kb;
	enum con_mode mode;
	char line[CON_LINE_MAX];
	size_t len;
	int esc;		/* inside an escape sequence: 1 ESC, 2 CSI */
	bool last_cr;
};

/* Output; the master being gone ends the process. */
static void
con_put(const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(1, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(0);
		p += w;
		len -= (size_t)w;
	}
}

static void
con_puts(const char *s)
{
	con_put(s, strlen(s));
}

static void __attribute__((format(printf, 1, 2)))
con_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		con_put(buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
}

/* Sleep ms, ending the process if the master side goes away. */
static void
con_pause(int ms)
{
	struct pollfd p = { .fd = 0, .events = 0 };

	if (poll(&p, 1, ms) > 0 &&
	    (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		_exit(0);
}

/* A kernel-log line: "[   12.345678] text". */
static void
con_klog(const struct con *c, double t, const char *text)
{
	(void)c;
	con_printf("[%5d.%06d] %s\r\n", (int)t, (int)((t - (int)t) * 1e6),
	    text);
}

static void
con_login_prompt(const struct con *c)
{
	con_printf("%s login: ", c->name);
}

static void
con_shell_prompt(const struct con *c)
{
	con_printf("root@%s:~# ", c->name);
}

static void
con_boot(struct con *c)
{
	char buf[256];
	static const char *const units[] = {
		"Started systemd-journald.service - Journal Service.",
		"Finished systemd-fsck-root.service - File System Check on Root Device.",
		"Mounted boot.mount - /boot.",
		"Started systemd-networkd.service - Network Configuration.",
		"Reached target network.target - Network.",
		"Started cron.service - Regular background program processing daemon.",
		"Started ssh.service - OpenBSD Secure Shell server.",
		"Started getty@hvc0.service - Serial Getty on hvc0.",
		"Reached target multi-user.target - Multi-User System.",
	};
	size_t i;

	con_klog(c, 0, "Linux version 6.1.0-18-amd64 "
	    "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) "
	    "12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)");
	con_klog(c, 0, "Command line: root=/dev/xvda1 ro console=hvc0");
	con_klog(c, 0, "Hypervisor detected: Xen PV");
	snprintf(buf, sizeof buf, "Memory: %" PRIu64 "K/%" PRIu64
	    "K available", c->mem_kb * 94 / 100, c->mem_kb);
	con_klog(c, 0.001204, buf);
	snprintf(buf, sizeof buf, "smpboot: Allowing %" PRIu32 " CPUs, 0 "
	    "hotplug CPUs", c->vcpus);
	con_klog(c, 0.004311, buf);
	con_pause(15);
	con_klog(c, 0.210877, "Booting paravirtualized kernel on Xen PV");
	con_klog(c, 0.611032, "xen_netfront: Initialising Xen virtual "
	    "ethernet driver");
	con_klog(c, 0.640118, "blkfront: xvda: flush diskcache: enabled; "
	    "persistent grants: enabled; indirect descriptors: enabled;");
	con_klog(c, 0.651990, " xvda: xvda1 xvda2");
	con_pause(15);
	con_klog(c, 1.102245, "EXT4-fs (xvda1): mounted filesystem with "
	    "ordered data mode. Quota mode: none.");
	snprintf(buf, sizeof buf, "systemd[1]: Set hostname to <%s>.",
	    c->name);
	con_klog(c, 1.530741, buf);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		con_printf("[  OK  ] %s\r\n", units[i]);
		con_pause(10);
	}
	con_printf("\r\nDebian GNU/Linux 12 %s hvc0\r\n\r\n", c->name);
	c->mode = CON_LOGIN;
	c->len = 0;
	con_login_prompt(c);
}

static void
con_going_down(const struct con *c, const char *what)
{
	con_printf("\r\n\r\nBroadcast message from root@%s (console):\r\n\r\n"
	    "The system is going down for %s NOW!\r\n\r\n", c->name, what);
	con_puts("[  OK  ] Stopped target multi-user.target - Multi-User "
	    "System.\r\n");
	con_puts("[  OK  ] Stopped ssh.service - OpenBSD Secure Shell "
	    "server.\r\n");
	con_puts("[  OK  ] Stopped systemd-networkd.service - Network "
	    "Configuration.\r\n");
	con_puts("[  OK  ] Reached target shutdown.target - System "
	    "Shutdown.\r\n");
}

static double
con_uptime_s(const struct con *c)
{
	int64_t up = xdom_wall_ms() - c->start_ms;

	return up > 0 ? up / 1000.0 : 0.0;
}

/* ---- commands ---- */

static void
con_cmd_help(struct con *c)
{
	(void)c;
	con_puts("This is a simulated guest console (xdom sim). Commands:\r\n"
	    "  help  hostname  uname -a  uptime  cat /proc/loadavg  whoami  "
	    "date  free  tty-modes  exit\r\n");
}

static void
con_cmd_hostname(struct con *c)
{
	con_printf("%s\r\n", c->name);
}

static void
con_cmd_uname(struct con *c)
{
	(void)c;
	con_puts("Linux\r\n");
}

static void
con_cmd_uname_a(struct con *c)
{
	con_printf("Linux %s 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian "
	    "6.1.76-1 (2024-02-01) x86_64 GNU/Linux\r\n", c->name);
}

static void
con_loads(const struct con *c, double l[3])
{
	l[0] = c->load * 1.05;
	l[1] = c->load * 0.97;
	l[2] = c->load * 0.93;
}

static void
con_cmd_uptime(struct con *c)
{
	time_t now = time(NULL);
	struct tm tm;
	long up = (long)con_uptime_s(c);
	double l[3];

	gmtime_r(&now, &tm);
	con_loads(c, l);
	con_printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (up >= 86400)
		con_printf("%ld day%s, ", up / 86400, up >= 172800 ? "s" : "");
	if (up % 86400 >= 3600)
		con_printf("%2ld:%02ld, ", up % 86400 / 3600, up % 3600 / 60);
	else
		con_printf("%ld min, ", up % 3600 / 60);
	con_printf(" 1 user,  load average: %.2f, %.2f, %.2f\r\n", l[0],
	    l[1], l[2]);
}

static void
con_cmd_loadavg(struct con *c)
{
	double l[3];

	con_loads(c, l);
	con_printf("%.2f %.2f %.2f 1/%u %u\r\n", l[0], l[1], l[2],
	    90 + c->vcpus * 8, 400 + (unsigned)(con_uptime_s(c)) % 30000);
}

static void
con_cmd_whoami(struct con *c)
{
	(void)c;
	con_puts("root\r\n");
}

static void
con_cmd_date(struct con *c)
{
	time_t now = time(NULL);
	struct tm tm;
	char buf[64];

	(void)c;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%a %b %e %H:%M:%S UTC %Y", &tm);
	con_printf("%s\r\n", buf);
}

static void
con_cmd_free(struct con *c)
{
	uint64_t total = c->mem_kb * 94 / 100, used = total / 5;

	con_puts("               total        used        free      shared  "
	    "buff/cache   available\r\n");
	con_printf("Mem:    %12" PRIu64 "%12" PRIu64 "%12" PRIu64 "%12d%12"
	    PRIu64 "%12" PRIu64 "\r\n", total, used, total - used - total / 3,
	    1024, total / 3, total - used);
	con_printf("Swap:   %12d%12d%12d\r\n", 0, 0, 0);
}

/* What a full-screen program (vim, htop, a boot menu) that is killed or
 * left without cleaning up leaves in the terminal: the alternate screen,
 * a hidden cursor, mouse, paste and focus reporting, application keypad
 * and cursor keys, the line-drawing character set, insert mode, no
 * wrap, reverse red bold text and a scroll region. Tests use it to show
 * that leaving the console puts the user's terminal back. */
static void
con_cmd_tty_modes(struct con *c)
{
	(void)c;
	con_puts("\033[?1049h\033[H\033[2J"	/* alternate screen */
	    "\033[?25l"				/* cursor hidden */
	    "\033[?1000h\033[?1002h\033[?1006h"	/* mouse, SGR encoding */
	    "\033[?2004h\033[?1004h"		/* paste, focus */
	    "\033[?1h\033="			/* cursor keys, keypad */
	    "\033[?7l\033[4h"			/* no wrap, insert */
	    "\033[3;10r"				/* scroll region */
	    "\033(0\033[1;7;31m"			/* line drawing, attrs */
	    "lqqqqqqqqqqqqqk\r\nx full screen x\r\nmqqqqqqqqqqqqqj\r\n");
}

static void
con_cmd_exit(struct con *c)
{
	con_puts("logout\r\n\r\n");
	c->mode = CON_LOGIN;
	con_printf("Debian GNU/Linux 12 %s hvc0\r\n\r\n", c->name);
}

static const struct {
	const char *line;	/* the whole command line, trimmed */
	void (*fn)(struct con *c);
} con_cmds[] = {
	{ "help", con_cmd_help },
	{ "hostname", con_cmd_hostname },
	{ "uname", con_cmd_uname },
	{ "uname -a", con_cmd_uname_a },
	{ "uptime", con_cmd_uptime },
	{ "cat /proc/loadavg", con_cmd_loadavg },
	{ "whoami", con_cmd_whoami },
	{ "date", con_cmd_date },
	{ "free", con_cmd_free },
	{ "free -k", con_cmd_free },
	{ "tty-modes", con_cmd_tty_modes },
	{ "exit", con_cmd_exit },
	{ "logout", con_cmd_exit },
};

static void
con_run_line(struct con *c)
{
	char *p = c->line, *e;
	size_t i, w;

	c->line[c->len] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*p != '\0') {
		for (i = 0; i < sizeof con_cmds / sizeof con_cmds[0]; i++) {
			if (strcmp(p, con_cmds[i].line) == 0) {
				con_cmds[i].fn(c);
				break;
			}
		}
		if (i == sizeof con_cmds / sizeof con_cmds[0]) {
			w = strcspn(p, " \t");
			con_puts("-sh: ");
			con_put(p, w);
			con_puts(": not found\r\n");
		}
	}
	c->len = 0;
	if (c->mode == CON_SHELL)
		con_shell_prompt(c);
	else
		con_login_prompt(c);
}

static void
con_enter(struct con *c)
{
	con_puts("\r\n");
	switch (c->mode) {
	case CON_LOGIN:
		c->line[c->len] = '\0';
		if (c->len == 0) {
			con_login_prompt(c);
		} else if (strcmp(c->line, "root") == 0) {
			c->mode = CON_SHELL;
			con_printf("Linux %s 6.1.0-18-amd64 #1 SMP "
			    "PREEMPT_DYNAMIC Debian 6.1.76-1 x86_64\r\n\r\n"
			    "The programs included with the Debian GNU/Linux "
			    "system are free software.\r\nThis guest is "
			    "simulated; type 'help' for what it answers."
			    "\r\n", c->name);
			con_shell_prompt(c);
		} else {
			c->mode = CON_PASSWORD;
			con_puts("Password: ");
		}
		c->len = 0;
		break;
	case CON_PASSWORD:
		c->mode = CON_LOGIN;
		c->len = 0;
		con_pause(300);
		con_puts("\r\nLogin incorrect\r\n");
		con_login_prompt(c);
		break;
	case CON_SHELL:
		con_run_line(c);
		break;
	}
}

static void
con_input(struct con *c, unsigned char b)
{
	bool cr = c->last_cr;

	c->last_cr = b == '\r';
	if (c->esc == 1) {
		c->esc = (b == '[' || b == 'O') ? 2 : 0;
		return;
	}
	if (c->esc == 2) {
		if (b >= 0x40 && b <= 0x7e)
			c->esc = 0;
		return;
	}
	switch (b) {
	case 0x1b:
		c->esc = 1;
		return;
	case '\n':
		if (cr)
			return;	/* the LF of a CR LF */
		/* fall through */
	case '\r':
		con_enter(c);
		return;
	case 0x7f:
	case 0x08:
		if (c->len > 0) {
			c->len--;
			if (c->mode != CON_PASSWORD)
				con_puts("\b \b");
		}
		return;
	case 0x03:	/* ^C */
		con_puts("^C\r\n");
		c->len = 0;
		if (c->mode == CON_SHELL)
			con_shell_prompt(c);
		else {
			c->mode = CON_LOGIN;
			con_login_prompt(c);
		}
		return;
	case 0x04:	/* ^D */
		if (c->len == 0 && c->mode == CON_SHELL) {
			con_cmd_exit(c);
			con_login_prompt(c);
		}
		return;
	case 0x15:	/* ^U */
		while (c->len > 0) {
			c->len--;
			if (c->mode != CON_PASSWORD)
				con_puts("\b \b");
		}
		return;
	default:
		break;
	}
	if (b < 0x20)
		return;
	if (c->len + 1 >= sizeof c->line) {
		con_puts("\a");
		return;
	}
	c->line[c->len++] = (char)b;
	if (c->mode != CON_PASSWORD)
		con_put((const char *)&b, 1);
}

/* Compare the console with the shared state and show what changed. */
static void
con_watch(struct con *c)
{
	const struct sim_guest *g;
	struct sim_guest eff;
	long idx;
	double t;

	if (sim_store_refresh(c->s, NULL) != 0 ||
	    (idx = sim_state_find(&c->s->st, c->name)) < 0) {
		con_puts("\r\n");
		con_klog(c, con_uptime_s(c), "reboot: Power down");
		_exit(0);
	}
	g = &c->s->st.g[idx];
	/* A shutdown or reboot says goodbye first, also when it fell due
	 * since the last tick (a busy host can delay a tick past it): the
	 * stored record keeps what was pending until a writer applies it. */
	if (g->pending != SIM_PEND_NONE && g->pending != c->pending &&
	    g->id == c->id) {
		con_going_down(c, g->pending == SIM_PEND_SHUTDOWN ?
		    "poweroff" : "reboot");
		c->pending = g->pending;
	}
	sim_guest_effective(g, xdom_wall_ms(), &eff, NULL);
	t = con_uptime_s(c);
	if (eff.run == SIM_STOPPED) {
		if (c->pending != SIM_PEND_SHUTDOWN)
			con_puts("\r\n");
		con_klog(c, t, "reboot: Power down");
		_exit(0);
	}
	if (eff.id != c->id) {
		if (c->pending == SIM_PEND_REBOOT)
			con_klog(c, t, "reboot: Restarting system");
		else
			con_puts("\r\n");	/* a hard reset: no goodbye */
		c->id = eff.id;
		c->start_ms = eff.start_ms;
		c->pending = SIM_PEND_NONE;
		c->run = eff.run;
		con_boot(c);
		return;
	}
	if (eff.pending != c->pending) {
		if (eff.pending == SIM_PEND_SHUTDOWN)
			con_going_down(c, "poweroff");
		else if (eff.pending == SIM_PEND_REBOOT)
			con_going_down(c, "reboot");
		c->pending = eff.pending;
	}
	if (eff.run == SIM_CRASHED && c->run != SIM_CRASHED) {
		con_puts("\r\n");
		con_klog(c, t, "Kernel panic - not syncing: Attempted to kill "
		    "init! exitcode=0x0000000b");
		con_klog(c, t, "---[ end Kernel panic - not syncing: "
		    "Attempted to kill init! exitcode=0x0000000b ]---");
	}
	c->run = eff.run;
}

static void __attribute__((noreturn))
con_main(struct con *c)
{
	unsigned char buf[512];
	struct pollfd p = { .fd = 0 };
	int64_t next = xdom_wall_ms() + CON_TICK_MS;
	ssize_t r, i;

	if (c->run == SIM_CRASHED) {
		con_klog(c, con_uptime_s(c), "Kernel panic - not syncing: "
		    "Attempted to kill init! exitcode=0x0000000b");
	} else {
		con_boot(c);
	}
	for (;;) {
		int64_t now = xdom_wall_ms();
		int wait = next > now ? (int)(next - now) : 0;

		/* a paused or crashed guest reads nothing */
		p.events = c->run == SIM_RUNNING && c->pending !=
		    SIM_PEND_SHUTDOWN ? POLLIN : 0;
		p.revents = 0;
		if (poll(&p, 1, wait) < 0 && errno != EINTR)
			_exit(0);
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			_exit(0);
		if (p.revents & POLLIN) {
			r = read(0, buf, sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				_exit(0);
			for (i = 0; i < r; i++)
				con_input(c, buf[i]);
		}
		if (xdom_wall_ms() >= next) {
			con_watch(c);
			next = xdom_wall_ms() + CON_TICK_MS;
		}
	}
}

/* In the emulator process: keep only the slave, as fds 0-2. */
static void
con_detach(int sfd)
{
	sigset_t all;
	int sig, fd;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);	/* EPIPE/EIO ends us cleanly */
	if (dup2(sfd, 0) < 0 || dup2(sfd, 1) < 0 || dup2(sfd, 2) < 0)
		_exit(1);
	if (close_range(3, ~0U, 0) != 0)
		for (fd = 3; fd < 65536; fd++)
			close(fd);
	prctl(PR_SET_NAME, "xdom-sim-con", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
}

/* Check that name can have a console now; fill c from its state. */
static int
sim_console_check(struct sim_store *s, const char *name, struct con *c,
    struct xdom_err *err)
{
	struct sim_guest eff;
	char shown[96];
	long idx;
	int rc;

	if (!xdom_name_valid(name)) {
		xdom_escape(shown, sizeof shown, name);
		return xdom_err_set(err, XDOM_EINVAL, "'%s' is not a valid "
		    "domain name to act on", shown);
	}
	if ((rc = sim_store_refresh(s, err)) != 0)
		return rc;
	if ((idx = sim_state_find(&s->st, name)) < 0)
		return xdom_err_set(err, XDOM_ENOENT, "%s: no such domain",
		    name);
	if (idx == 0)
		return xdom_err_set(err, XDOM_EPERM, "Domain-0 has no guest "
		    "console here; use the host's own terminal");
	sim_guest_effective(&s->st.g[idx], xdom_wall_ms(), &eff, NULL);
	if (eff.run == SIM_STOPPED)
		return xdom_err_set(err, XDOM_ESTATE, "%s is not running; "
		    "boot it first", name);
	memset(c, 0, sizeof *c);
	c->s = s;
	snprintf(c->name, sizeof c->name, "%s", name);
	c->id = eff.id;
	c->run = eff.run;
	c->pending = eff.pending;
	c->start_ms = eff.start_ms;
	c->load = eff.m.cpu_ns_per_s / 1e9;
	c->vcpus = eff.vcpus_online;
	c->mem_kb = eff.mem_kb;
	return 0;
}

int
sim_console_open(struct sim_store *s, const char *name, int *fd,
    struct xdom_err *err)
{
	struct termios t;
	struct con c;
	char path[64];
	int mfd = -1, sfd = -1, rc, status;
	pid_t pid;

	*fd = -1;
	sim_store_enter(s);
	rc = sim_console_check(s, name, &c, err);
	sim_store_leave(s);
	if (rc != 0)
		return rc;
	mfd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (mfd < 0 || grantpt(mfd) != 0 || unlockpt(mfd) != 0 ||
	    ptsname_r(mfd, path, sizeof path) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "cannot open a pty "
		    "for the console of %s", name);
		goto out;
	}
	sfd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (sfd < 0 || tcgetattr(sfd, &t) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
		goto out;
	}
	/* the guest does its own echo and line editing, as on a real
	 * console: the pty itself passes bytes through */
	cfmakeraw(&t);
	if (tcsetattr(sfd, TCSANOW, &t) != 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "%s", path);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = xdom_err_errno(err, XDOM_EIO, errno, "fork");
		goto out;
	}
	if (pid == 0) {
		close(mfd);
		setsid();
		if (fork() != 0)
			_exit(0);
		struct sim_store own = { .dir = s->dir,
		    .state_path = s->state_path, .lock_path = s->lock_path,
		    .xen_dir = s->xen_dir, .img_dir = s->img_dir,
		    .readonly = true };

		/* a store of its own: the parent's cache may have been in
		 * another thread's hands at the fork */
		con_detach(sfd);
		c.s = &own;
		con_main(&c);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*fd = mfd;
	mfd = -1;
	rc = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (mfd >= 0)
		close(mfd);
	return rc;
}
