/*
 * termmodes.c - track the terminal modes a guest's output leaves on, and
 * undo them (see termmodes.h). A small ECMA-48 recogniser: it knows where
 * escape, control and string sequences begin and end, and looks inside
 * only the two kinds that matter here (private mode set/reset, and the
 * scroll region).
 */
#include "console/termmodes.h"

#include <string.h>

enum {
	TM_GROUND = 0,
	TM_ESC,		/* after ESC */
	TM_ESC_INTER,	/* ESC + intermediate (ESC ( B ...): one more byte */
	TM_CSI,		/* ESC [ ... until a final byte */
	TM_CSI_IGNORE,	/* a CSI we do not look into (intermediates, '<') */
	TM_STRING,	/* OSC, DCS, APC, PM, SOS: until BEL or ESC \ */
};

#define TM_PARAM_MAX 65535u	/* larger numbers are clamped */

void
termmodes_init(struct termmodes *m)
{
	memset(m, 0, sizeof *m);
}

static void
termmodes_csi_end(struct termmodes *m, unsigned char final)
{
	unsigned i;

	if (m->private && (final == 'h' || final == 'l')) {
		for (i = 0; i < m->n_params; i++)
			if (m->params[i] == 1049 || m->params[i] == 1047 ||
			    m->params[i] == 47)
				m->alt_screen = final == 'h';
	} else if (!m->private && final == 'r') {
		bool any = false;

		for (i = 0; i < m->n_params; i++)
			any = any || m->params[i] != 0;
		m->scroll_region = any;
	}
}

static void
termmodes_byte(struct termmodes *m, unsigned char c)
{
	/* CAN and SUB cancel any sequence; ESC starts a new one (and ends
	 * a string with ESC \). */
	if (c == 0x18 || c == 0x1a) {
		m->state = TM_GROUND;
		return;
	}
	if (c == 0x1b) {
		m->state = TM_ESC;
		return;
	}
	switch (m->state) {
	case TM_GROUND:
		return;
	case TM_ESC:
		if (c == '[') {
			m->state = TM_CSI;
			m->private = false;
			m->n_params = 0;
			m->params[0] = 0;
		} else if (c == ']' || c == 'P' || c == '_' || c == '^' ||
		    c == 'X') {
			m->state = TM_STRING;
		} else if (c >= 0x20 && c <= 0x2f) {
			m->state = TM_ESC_INTER;
		} else {
			m->state = TM_GROUND;	/* ESC 7, ESC =, ESC > ... */
		}
		return;
	case TM_ESC_INTER:
		if (c < 0x20 || c > 0x2f)
			m->state = TM_GROUND;
		return;
	case TM_STRING:
		if (c == 0x07)
			m->state = TM_GROUND;
		return;
	case TM_CSI:
		if (c >= '0' && c <= '9') {
			unsigned *p;

			if (m->n_params == 0)
				m->n_params = 1;
			if (m->n_params > TERMMODES_PARAMS)
				return;
			p = &m->params[m->n_params - 1];
			*p = *p * 10 + (unsigned)(c - '0');
			if (*p > TM_PARAM_MAX)
				*p = TM_PARAM_MAX;
			return;
		}
		if (c == ';' || c == ':') {
			if (m->n_params == 0)
				m->n_params = 1;
			if (m->n_params <= TERMMODES_PARAMS)
				m->n_params++;
			if (m->n_params <= TERMMODES_PARAMS)
				m->params[m->n_params - 1] = 0;
			return;
		}
		if (c == '?' && m->n_params == 0 && !m->private) {
			m->private = true;
			m->params[0] = 0;
			return;
		}
		if (m->n_params > TERMMODES_PARAMS)
			m->n_params = TERMMODES_PARAMS;
		if (c >= 0x40 && c <= 0x7e) {
			termmodes_csi_end(m, c);
			m->state = TM_GROUND;
		} else if (c >= 0x20) {
			/* an intermediate or another private marker */
			m->state = TM_CSI_IGNORE;
		}
		/* C0 controls inside a CSI are executed, not part of it */
		return;
	case TM_CSI_IGNORE:
		if (c >= 0x40 && c <= 0x7e)
			m->state = TM_GROUND;
		return;
	default:
		m->state = TM_GROUND;
		return;
	}
}

void
termmodes_feed(struct termmodes *m, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		/* Most console output is text: skip it quickly. */
		if (m->state == TM_GROUND && p[i] != 0x1b)
			continue;
		termmodes_byte(m, p[i]);
	}
}

/* Always safe to send: each only turns a mode back to its default. */
static const char termmodes_always[] =
    "\033[?25h"					/* cursor visible */
    "\033[?1000l\033[?1002l\033[?1003l\033[?9l"	/* mouse reporting off */
    "\033[?1005l\033[?1006l\033[?1015l"		/* ...and its encodings */
    "\033[?2004l"				/* bracketed paste off */
    "\033[?1004l"				/* focus events off */
    "\033[?1l\033>"				/* normal cursor keys, keypad */
    "\033[?7h\033[4l"				/* wrap on, insert off */
    "\033(B\017"				/* ASCII in G0, G0 selected */
    "\033[0m";					/* plain attributes */

const char *
termmodes_reset(const struct termmodes *m, char *buf)
{
	size_t n = 0;

	buf[0] = '\0';
	if (m->alt_screen) {
		/* back to the normal screen and the cursor saved with it */
		memcpy(buf + n, "\033[?1049l", 8);
		n += 8;
	}
	if (m->scroll_region) {
		/* whole screen; DECSTBM homes the cursor, so keep it */
		memcpy(buf + n, "\0337\033[r\0338", 7);
		n += 7;
	}
	memcpy(buf + n, termmodes_always, sizeof termmodes_always);
	return buf;
}

_Static_assert(8 + 7 + sizeof termmodes_always <= TERMMODES_RESET_MAX,
    "the reset sequence fits TERMMODES_RESET_MAX");
