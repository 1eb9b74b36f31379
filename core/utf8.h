/*
 * utf8.h - the one UTF-8 decoder of xdom, strict, and the character
 * classes built on it.
 *
 * Strict means: overlong forms, surrogates (U+D800..U+DFFF), code points
 * above U+10FFFF and truncated sequences are invalid. Bytes from guests,
 * users and the wire are all judged by this one decoder, so what the shell
 * accepts, what xdomd checks and what the dashboard draws agree.
 */
#ifndef XDOM_CORE_UTF8_H
#define XDOM_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the sequence at s (at most avail bytes). Returns its length
 * (1..4) and sets *cp (cp may be NULL), or 0 when it is invalid or
 * avail is 0. A NUL byte decodes as U+0000, length 1.
 */
size_t xdom_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Whether cp is a control character: C0 (U+0000..U+001F), DEL, C1
 * (U+0080..U+009F, NEL included). */
bool xdom_utf8_is_control(uint32_t cp);

/*
 * Whether cp may be shown as text: not a control character, not a line
 * or paragraph separator (U+2028, U+2029), not a bidi embedding, override
 * or isolate (U+202A..U+202E, U+2066..U+2069), which reorder what follows
 * them on screen and so hide text from the person reading it.
 */
bool xdom_utf8_printable(uint32_t cp);

/*
 * Whether cp draws nothing a reader can see: Unicode's White_Space
 * (space, NBSP, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000, ...) and
 * Default_Ignorable_Code_Point characters (soft hyphen, zero-width space,
 * joiners, marks, word joiner, BOM, variation selectors, Hangul fillers,
 * tags), controls included.
 */
bool xdom_utf8_invisible(uint32_t cp);

/*
 * Whether the NUL-terminated s holds at least one visible character: a
 * valid sequence of a printable code point that is not invisible. This
 * is what makes a required reason a reason; bytes around it (invalid,
 * controls) do not count either way, they are escaped where shown.
 * NULL and "" have none.
 */
bool xdom_text_visible(const char *s);

/* Whether the NUL-terminated s is all valid UTF-8 of printable
 * characters (one line of text a person typed). NULL is not; "" is. */
bool xdom_text_printable(const char *s);

#endif
