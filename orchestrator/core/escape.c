// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/escape.c: control characters of untrusted text turned
 * into C escapes before it is printed, and cut text marked (see escape.h).
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

bool cs_escape_needed(const char *s)
{
	for (; *s; s++)
		if (is_control((unsigned char)*s))
			return true;
	return false;
}

/* The escape of control character @c ("\n", "\x1b") into @buf[5]. */
static const char *escape_of(unsigned char c, char buf[5])
{
	switch (c) {
	case '\n':	return "\\n";
	case '\r':	return "\\r";
	case '\t':	return "\\t";
	default:
		snprintf(buf, 5, "\\x%02x", c);
		return buf;
	}
}

static const char cut[] = "...";

char *cs_escape_mark_cut(char *buf, size_t len, int n)
{
	if (n >= 0 && (size_t)n < len)
		return buf;
	if (len >= sizeof(cut))
		memcpy(buf + len - sizeof(cut), cut, sizeof(cut));
	return buf;
}

char *cs_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;
	char buf[5];

	if (!len)
		return out;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		const char *piece = is_control(c) ? escape_of(c, buf) : NULL;
		size_t n = piece ? strlen(piece) : 1;

		if (o + n >= len) {
			/* leave room for the mark that says the text was cut */
			o = len > sizeof(cut) ? len - sizeof(cut) : 0;
			snprintf(out + o, len - o, "%s", cut);
			return out;
		}
		if (piece)
			memcpy(out + o, piece, n);
		else
			out[o] = (char)c;
		o += n;
	}
	out[o] = '\0';
	return out;
}
