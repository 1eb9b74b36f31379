/*
 * termmodes.h - what a guest's console output did to the user's terminal,
 * and the bytes that undo it when the user leaves the console.
 *
 * A guest runs full-screen programs (vim, htop, a boot menu) that switch
 * the terminal to the alternate screen, hide the cursor, turn on mouse
 * reporting, bracketed paste, focus events, application keypad and cursor
 * keys, select the line-drawing character set, set colours and a scroll
 * region. If the user leaves with the escape key while such a program
 * runs, or the program dies without cleaning up, all of that would stay
 * on in the user's terminal: a mouse click would then type "5*#5*" into
 * the shell's prompt. The relay feeds every byte of the guest's output
 * through termmodes_feed(); termmodes_reset() gives the sequence to write
 * before the terminal is handed back.
 *
 * The reset of modes that are harmless to reset (cursor shown, mouse,
 * paste and focus reporting off, normal keypad and cursor keys, wrap on,
 * insert off, ASCII character set, plain attributes) is always part of
 * it. Leaving the alternate screen and resetting the scroll region move
 * the cursor on some terminals, so those are sent only when the guest's
 * output turned them on and did not turn them off again.
 *
 * The parser keeps its state across calls (a sequence may be split
 * between two reads) and never reads past len; it is fuzzed
 * (tests/fuzz/fuzz_termmodes.c).
 */
#ifndef XDOM_CONSOLE_TERMMODES_H
#define XDOM_CONSOLE_TERMMODES_H

#include <stdbool.h>
#include <stddef.h>

#define TERMMODES_PARAMS 16	/* parameters of one CSI kept */

struct termmodes {
	/* What the guest left on. */
	bool alt_screen;	/* ?1049h, ?1047h or ?47h */
	bool scroll_region;	/* ESC [ top ; bottom r */
	/* Parser state: where in an escape sequence the last byte left us. */
	unsigned char state;
	bool private;		/* CSI with '?' */
	unsigned n_params;
	unsigned params[TERMMODES_PARAMS];
};

/* A terminal nothing has been written to yet. */
void termmodes_init(struct termmodes *m);
/* Account for len bytes the guest wrote. */
void termmodes_feed(struct termmodes *m, const void *buf, size_t len);
/* The bytes that put the terminal back (NUL-terminated, static storage
 * or buf); buf must hold TERMMODES_RESET_MAX bytes. */
#define TERMMODES_RESET_MAX 256
const char *termmodes_reset(const struct termmodes *m, char *buf);

#endif
