/*
 * top_session.h - one interactive dashboard session: the terminal, the
 * wake-up pipe and what the key handlers share. Included by the files of
 * the interactive loop only:
 *
 *   top_loop.c   signals, terminal set-up and teardown, the main loop,
 *                settings and theme, refreshes and the cursor's domain
 *   top_input.c  reading keys and the mouse, prompts, domain actions
 *   top_keys.c   the key table: every key of every view, its handler,
 *                its help line and its bottom-bar word
 */
#ifndef XDOM_TOP_SESSION_H
#define XDOM_TOP_SESSION_H

#include <termkey.h>

#include "top/top_ui.h"

struct top_session {
	struct top_ui ui;
	TermKey *tk;
	SCREEN *scr;
	int wake[2];
	uint64_t next_refresh;
	bool quit, dirty, curses_on;
	char *settings_path;
	char **themes;
	size_t n_themes;
	char reason[128];	/* the last audit reason given */
	char *act_names[TOP_ACT_MAX_DOMS];	/* targets of the action */
	size_t n_act;
	size_t n_unseen;	/* tagged, but not on the list: left out */
};

/* ---- top_loop.c ---- */

/* Mouse reporting on or off (xterm's SGR mode). */
void top_mouse_set(bool on);
/* Ctrl-Z: give the terminal back and stop (SIGTSTP to ourselves); on
 * SIGCONT take it again and redraw. Nothing in xdom-shell's dashboard. */
void top_session_suspend(struct top_session *ss);
/* Save the layout now; say: tell the user how it went. */
void top_session_save_settings(struct top_session *ss, bool say);
/* Load and apply theme name; say: tell the user. */
void top_session_apply_theme(struct top_session *ss, const char *name,
    bool say);
/* Remember the cursor's domain, by (host, id, name). */
void top_ui_mark_sel(struct top_ui *ui);
/* Sort again, keeping the cursor on its domain. */
void top_ui_resort(struct top_ui *ui);

/* ---- top_input.c ---- */

/* Collect the targets of an action into ss->act_names: the tagged
 * domains on the list as it is shown (a tagged domain hidden by the
 * filter is never acted on unseen: counted in ss->n_unseen), or, with no
 * tags, the cursor's; how many. */
size_t top_session_targets(struct top_session *ss);
/* Keys from fd (fd < 0: an abstract instance for terminal type term, fed
 * by termkey_push_bytes), started; SGR and X10 mouse reports are read
 * whatever terminfo says about the mouse. NULL on failure; free with
 * termkey_destroy(). */
TermKey *top_termkey_new(int fd, const char *term);
/* A key read, as the key table spells it (top_ui.h K_*), and its text. */
int top_key_code(const TermKeyKey *k, char utf8[8]);
/* A finished action's result: the status line, or the reason prompt. */
void top_session_worker_done(struct top_session *ss);
/* One key or mouse event, in whatever prompt or view is open. */
void top_session_key(struct top_session *ss, const TermKeyKey *k);

/* ---- top_keys.c ---- */

/* Untag the domains that are no longer on the host (or fleet): their
 * tags could otherwise name a guest created later under the name. */
void top_ui_prune_tags(struct top_ui *ui);
/* Move the cursor by delta rows; sort by column c (again: the other
 * direction). */
void top_ui_move(struct top_ui *ui, long delta);
void top_ui_sort_by(struct top_ui *ui, int c);
/* Run the handler of key in the current view, when it has one. */
void top_keys_run(struct top_session *ss, int key);

#endif
