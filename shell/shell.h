/*
 * shell.h - one xdom-shell session and its command table.
 *
 * A session holds the open backend (always the helper in production),
 * the selected guest, how to talk to the person (prompts, output) and a
 * cache of the guests the user may see, for completion and for selecting
 * a guest by typing its name alone.
 *
 * Commands live in one table (shell_commands, cmds.c): each entry names
 * the command, its aliases, usage, the keywords it accepts ("force",
 * "--json"), how many further words it takes, whether it acts on a guest
 * and which policy action the helper will check. shell_dispatch() checks
 * all of that once, so a handler starts with valid, counted arguments and
 * a validated guest name. The helper, not the shell, decides what is
 * allowed: the shell never holds a privilege to protect.
 */
#ifndef XDOM_SHELL_SHELL_H
#define XDOM_SHELL_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/err.h"
#include "core/escape.h"
#include "hypervisor/hv.h"
#include "shell/parse.h"

#define XDOM_SHELL_VERSION "0.1"
#define SHELL_REASON_MAX 200	/* longest audit reason accepted */
#define SHELL_FLAGS_MAX 4	/* keywords one command accepts */

/* Set by signal handlers (main.c); commands poll them between steps. */
extern volatile sig_atomic_t shell_interrupted;	/* Ctrl-C */
extern volatile sig_atomic_t shell_hangup;	/* SIGHUP/SIGTERM: leave */

struct shell;

/*
 * Ask the person a question and wait for one line. Returns 0 with the
 * answer (no newline, NUL-terminated) in buf, or a negative code when
 * there is no answer (end of input, hang-up, interrupt, idle timeout):
 * callers then treat the question as declined.
 */
typedef int (*shell_ask_fn)(struct shell *sh, const char *prompt, char *buf,
    size_t len);

struct shell {
	struct hv *hv;			/* owned by whoever opened it */
	struct hv_open_opts hvo;	/* how hv was opened (for top) */
	FILE *out;			/* normal output */
	FILE *errf;			/* one-line errors */
	bool interactive;		/* a person at a terminal */
	bool done;			/* exit or quit was typed */
	char selected[XDOM_NAME_MAX + 1];	/* "" when none */
	shell_ask_fn ask;		/* NULL: every question is declined */
	void *ask_arg;
	const char *user;		/* login name, for whoami */
	/* Called by `history` to print past lines; NULL: none kept. */
	void (*history_print)(struct shell *sh);
	/* Guests the user may see, refreshed at most every few seconds. */
	struct hv_guest_list guests;
	int64_t guests_at_ms;		/* xdom_mono_ms() of the refresh */
	bool guests_valid;
	char reason[SHELL_REASON_MAX + 1];	/* last reason given */
	unsigned char console_escape;	/* byte leaving the console; 0: Ctrl-] */
	long idle_s;			/* idle timeout (s), 0: none */
};

/* One parsed command, as the dispatcher hands it to a handler. */
struct shell_cmd;
struct shell_call {
	const struct shell_cmd *cmd;
	int argc;			/* positional words after the name */
	char *argv[SHELL_ARGS_MAX + 1];
	unsigned flags;			/* bit i: cmd->flags[i] was given */
	const char *dom;		/* guest acted on, NULL when none */
	const char *reason;		/* --reason TEXT or asked, NULL if none */
};

/* Whether a command acts on a guest. */
enum shell_dom {
	SHELL_DOM_NONE = 0,	/* never */
	SHELL_DOM_OPTIONAL,	/* the selected or named guest, else all */
	SHELL_DOM_REQUIRED,	/* the selected or named guest */
};

struct shell_cmd {
	const char *name;
	const char *aliases[3];		/* NULL-terminated */
	const char *usage;		/* "shutdown [force] [NAME]" */
	const char *summary;		/* one line for help */
	const char *flags[SHELL_FLAGS_MAX + 1];	/* keywords, NULL-ended */
	unsigned min_args, max_args;	/* positional words besides NAME */
	enum shell_dom dom;
	const char *action;		/* policy action xdomd checks, or NULL */
	int (*run)(struct shell *sh, struct shell_call *c);
};

extern const struct shell_cmd shell_commands[];
extern const size_t shell_n_commands;

/* Prepare a session (zeroed, out/errf stdout/stderr) and free its caches
 * (not sh->hv). _dispose is safe twice. */
void shell_init(struct shell *sh);
void shell_dispose(struct shell *sh);

/* The table entry whose name or alias is word, or NULL. */
const struct shell_cmd *shell_cmd_find(const struct shell_cmd *tab, size_t n,
    const char *word);

/*
 * Run one parsed line against table tab: find the command (a lone word
 * naming a guest the user may see means `use NAME`), sort its words into
 * keywords, positional arguments and the guest name, check counts and the
 * name, and call the handler. Errors are printed (one line on sh->errf)
 * and returned: 0 ok, XDOM_EINVAL for bad usage, other codes for refused
 * or failed actions.
 */
int shell_dispatch(struct shell *sh, const struct shell_cmd *tab, size_t n,
    const struct shell_args *a);

/* Parse line and dispatch it against shell_commands. */
int shell_run_line(struct shell *sh, const char *line, size_t len);

/*
 * The guests the user may see (cached for a few seconds; force to
 * re-read). Returns NULL, after printing why, when the backend fails.
 */
const struct hv_guest_list *shell_guests(struct shell *sh, bool force);
/* Whether name is one of them (exact match). */
bool shell_guest_known(struct shell *sh, const char *name);

/* Print "xdom: MESSAGE" on sh->errf and return rc (message escaped). */
int shell_fail(struct shell *sh, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * After a backend call returned rc: when it is XDOM_EREASON and the call
 * has no reason yet, ask for one ("Reason (e.g. ticket number): ") and
 * store it in c->reason. Returns true when the caller should send its
 * request again.
 */
bool shell_want_reason(struct shell *sh, struct shell_call *c, int rc);

/*
 * Confirmation rules. The typed name must equal the guest's name
 * byte for byte: no trimming, no case folding, no prefix. A yes/no
 * answer is yes only for "y" or "yes" in any case.
 */
bool shell_confirm_name(const char *typed, const char *name);
bool shell_confirm_yes(const char *answer);

/* The resource commands (cmds_res.c): vcpus, memory, maxmem, attach,
 * detach, save, restore. */
int shell_cmd_vcpus(struct shell *sh, struct shell_call *c);
int shell_cmd_memory(struct shell *sh, struct shell_call *c);
int shell_cmd_maxmem(struct shell *sh, struct shell_call *c);
int shell_cmd_attach(struct shell *sh, struct shell_call *c);
int shell_cmd_detach(struct shell *sh, struct shell_call *c);
int shell_cmd_save(struct shell *sh, struct shell_call *c);
int shell_cmd_restore(struct shell *sh, struct shell_call *c);

/* What the user may do on any of their guests (bits of enum
 * policy_action): asked of xdomd, all of them on other backends, none
 * when xdomd cannot say. */
uint32_t shell_rights(struct shell *sh);
/* Whether help offers cmd to a user with those rights: the resource
 * commands only where a rule grants their action on some guest. */
bool shell_offered(const struct shell_cmd *cmd, uint32_t rights);

/* Escape untrusted text for printing into a static-size buffer. */
const char *shell_esc(char *buf, size_t len, const char *s);

#endif
