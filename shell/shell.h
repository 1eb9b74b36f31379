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
	/* What xdomd says the user may do on each cached guest (bits of
	 * enum policy_action), parallel to guests.g; rights_known is false
	 * on a backend other than the helper, where everything is offered
	 * and the backend decides. */
	uint32_t *allowed, *need_reason;
	bool rights_known;
	/* Fills guests (and the rights) for shell_guests(); NULL: from
	 * sh->hv, through xdomd's list when it is the helper. Tests set
	 * their own. */
	int (*guests_load)(struct shell *sh, struct xdom_err *err);
	/* Terminal size (shell_term_size() refreshes it); 0: not a
	 * terminal, then nothing is paged or fitted. */
	unsigned cols, rows;
	/* The idle timeout ended the session: the note that says so is
	 * printed last, after whatever the interrupted command said. */
	bool idle_expired;
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

/* When a command asks the person a question before it acts. */
enum shell_asks {
	SHELL_ASKS_NEVER = 0,
	SHELL_ASKS_INTERACTIVE,	/* at the prompt only, not with -c or piped */
	SHELL_ASKS_ALWAYS,	/* also on piped input (answers on stdin) */
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
	/* Policy action a keyword needs beyond .action (parallel to flags,
	 * NULL: none): `shutdown force` is a destroy. */
	const char *flag_action[SHELL_FLAGS_MAX + 1];
	unsigned min_args, max_args;	/* positional words besides NAME */
	enum shell_dom dom;
	const char *action;		/* policy action xdomd checks, or NULL */
	/* Rights are checked in the shell (from xdomd's list) before a
	 * question, so nobody confirms what is then refused. */
	enum shell_asks asks;
	int (*run)(struct shell *sh, struct shell_call *c);
};

extern const struct shell_cmd shell_commands[];
extern const size_t shell_n_commands;

/* Prepare a session (zeroed, out/errf stdout/stderr) and free its caches
 * (not sh->hv). _dispose is safe twice. */
void shell_init(struct shell *sh);
void shell_dispose(struct shell *sh);

/* The table entry whose name or alias is word (in any case, as
 * xen-shell lower-cased its input), or NULL. */
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
/*
 * The user's rights on name from the cache: false when they are not
 * known (not the helper backend, or the list failed); a guest that is
 * not listed has none.
 */
bool shell_guest_rights(struct shell *sh, const char *name,
    uint32_t *allowed, uint32_t *need_reason);
/* Union over all cached guests of their rights and of the rights that
 * need a reason; POLICY_ALL and 0 when rights are not known. */
uint32_t shell_rights_any(struct shell *sh);
uint32_t shell_reason_any(struct shell *sh);
/* Whether cmd, or its keyword flag (index, -1 for none), is granted by
 * rights (a command without an action always is). */
bool shell_cmd_granted(const struct shell_cmd *cmd, int flag, uint32_t rights);
/*
 * The user's own guest closest to a mistyped name (case, one or two
 * letters wrong, missing or swapped), or NULL: for "did you mean".
 */
const char *shell_suggest(struct shell *sh, const char *name);
/* With exactly one guest, select it (the prompt then shows it). */
void shell_autoselect(struct shell *sh);
/*
 * Report a failure of the service itself (xdomd unreachable, protocol
 * trouble): the customer reads one plain sentence, the detail (paths,
 * errno text) goes to syslog. Returns rc.
 */
int shell_unavailable(struct shell *sh, int rc, const struct xdom_err *err);
/* Print a backend failure: shell_unavailable() for the service's own
 * failures, the message as it came otherwise. Returns rc. */
int shell_hv_fail(struct shell *sh, int rc, const struct xdom_err *err);
/* Whether rc means the service failed (rather than refused or failed an
 * action): XDOM_EUNAVAIL, XDOM_EIO, XDOM_EPROTO, XDOM_ETIMEDOUT. */
bool shell_rc_is_service(int rc);
/* The sentence a customer reads when the service fails. */
#define SHELL_UNAVAILABLE_MSG "The service is not available right now; " \
	"please try again in a few minutes."

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

/* The commands that act on a guest (cmds_act.c). */
int shell_cmd_boot(struct shell *sh, struct shell_call *c);
int shell_cmd_shutdown(struct shell *sh, struct shell_call *c);
int shell_cmd_destroy(struct shell *sh, struct shell_call *c);
int shell_cmd_reboot(struct shell *sh, struct shell_call *c);
int shell_cmd_reset(struct shell *sh, struct shell_call *c);
int shell_cmd_pause(struct shell *sh, struct shell_call *c);
int shell_cmd_unpause(struct shell *sh, struct shell_call *c);
int shell_cmd_console(struct shell *sh, struct shell_call *c);
int shell_cmd_reimage(struct shell *sh, struct shell_call *c);
int shell_cmd_sysrq(struct shell *sh, struct shell_call *c);

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
