/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/escape.h: making text from outside safe to print.
 *
 * Names and values cellsched prints may come from places it does not
 * control: a cgroup someone made under the cell parent, a request on the
 * control socket, a YAML file. A newline in such a name would forge a log
 * line; an escape sequence would drive the reader's terminal. Every line
 * cellsched prints for people (the log, the CLI's tables) goes through
 * cs_escape(): control characters (below 0x20, and 0x7f) become C escapes
 * ("\n", "\t", "\x1b"), a backslash stays a backslash, everything else
 * (UTF-8 included) passes unchanged. A message cut to fit its buffer ends
 * in "..." (cs_escape_mark_cut), so that a cut is never silent. Pure.
 * Prefix: cs_escape.
 */
#ifndef CELLSCHED_ESCAPE_H
#define CELLSCHED_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* Does @s contain a character cs_escape() would rewrite? */
bool cs_escape_needed(const char *s);

/*
 * Copy @in to @out (@len bytes, NUL included) with control characters
 * escaped. Returns @out. Output that does not fit ends in "..." so a cut is
 * never silent.
 */
char *cs_escape(const char *in, char *out, size_t len);

/*
 * @n is what snprintf() returned for @buf[@len]: if the text was cut, end
 * @buf with "..." Returns @buf.
 */
char *cs_escape_mark_cut(char *buf, size_t len, int n);

#endif /* CELLSCHED_ESCAPE_H */
