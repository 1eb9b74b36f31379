/*
 * ui.h - pure helpers for what the shell shows: the re-image progress
 * bar and tab completion candidates. No terminal, no readline here, so
 * unit tests call them directly.
 */
#ifndef XDOM_SHELL_UI_H
#define XDOM_SHELL_UI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hypervisor/hv.h"
#include "shell/shell.h"

/*
 * Write one progress line into buf (always NUL-terminated when len > 0):
 *   [##########..........]  50%  1:05  writing image
 * permille is clamped to 0..1000, width is the number of bar cells
 * (clamped to 10..60), stage is escaped and cut to 40 bytes. Elapsed time
 * is m:ss, or h:mm:ss from one hour on.
 */
void shell_progress_format(char *buf, size_t len, unsigned permille,
    unsigned long elapsed_s, const char *stage, unsigned width);

/*
 * The same line fitted to a terminal of cols columns (0: not a terminal,
 * the classic 30-cell bar): the bar shrinks (down to 10 cells) and then
 * the stage is cut, so the line never reaches the last column and a
 * carriage return redraws it in place, also at 40 columns.
 */
void shell_progress_fit(char *buf, size_t len, unsigned permille,
    unsigned long elapsed_s, const char *stage, unsigned cols);

/*
 * Print text (the cursor at column col) and a newline, breaking after a
 * space or comma so that no line reaches column cols (0: no limit);
 * later lines start at col. With less than 20 columns left at col, the
 * text starts on the next line at column 4.
 */
void shell_wrap(FILE *out, const char *text, size_t col, unsigned cols);

/*
 * Print text on sh->out, paged when the session is interactive and the
 * text is taller than the terminal (sh->rows): after each screenful it
 * asks (sh->ask) "-- more (Enter; q stops) --"; q, or
 * no answer, stops. Long lines count as the rows they wrap to.
 */
void shell_page(struct shell *sh, const char *text);

/*
 * Completion candidates for word, the partial word under the cursor,
 * given before, the line's text before that word. Returns a
 * NULL-terminated, sorted array of unique new strings, each starting with
 * word; free it with shell_complete_free(). What is offered:
 *   first word          command names and aliases, and guest names
 *   after `help`        command names
 *   after a command     its keywords not yet typed, and guest names when
 *                       it acts on a guest (or is `use`) and room is left
 * Only guest names that pass xdom_name_valid() are offered, so a strange
 * name never lands in the line editor. guests may be NULL. allowed, when
 * not NULL, holds each guest's rights (bits of enum policy_action,
 * parallel to guests->g): then only commands and keywords some guest
 * grants are offered, and after a command only the guests it may act on.
 */
char **shell_complete(const struct shell_cmd *tab, size_t n,
    const struct hv_guest_list *guests, const uint32_t *allowed,
    const char *before, const char *word);
void shell_complete_free(char **v);

#endif
