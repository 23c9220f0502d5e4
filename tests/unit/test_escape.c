// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_escape.c: issue 13 item 10: names with newlines or
 * control characters are never printed raw. core/escape.c (control
 * characters as C escapes, a cut output marked "...") and core/log.c, whose
 * every line goes through it: a message carrying a newline or an escape
 * sequence comes out as one line, escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "log.h"

static void test_escape(void **state)
{
	static const struct { const char *in, *out; } rows[] = {
		{ "plain-name_1.2", "plain-name_1.2" },
		{ "a\nb", "a\\nb" },
		{ "tab\there", "tab\\there" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "del\x7f", "del\\x7f" },
		{ "back\\slash", "back\\slash" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },	/* UTF-8 passes */
		{ "", "" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_string_equal(cs_escape(rows[i].in, out, sizeof(out)), rows[i].out);
		assert_int_equal(cs_escape_needed(rows[i].in), strcmp(rows[i].in, rows[i].out) != 0);
	}
}

static void test_cut_is_marked(void **state)
{
	char out[8];

	(void)state;
	assert_string_equal(cs_escape("abcdefghij", out, sizeof(out)), "abcd...");
	assert_string_equal(cs_escape("ab\n\n\n", out, sizeof(out)), "ab\\n...");
	assert_string_equal(cs_escape("abcdefg", out, sizeof(out)), "abcdefg");
}

/* Log @text as an error with stderr in a file; what was written. */
static char *logged(const char *text)
{
	char path[] = "/tmp/cs-escape-XXXXXX", *buf = calloc(1, 4096);
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0 && buf);
	fflush(stderr);
	dup2(fd, 2);
	cs_err("cell %s: added", text);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, 4095, 0);
	assert_true(n > 0);
	close(fd);
	unlink(path);
	return buf;
}

static void test_log_line(void **state)
{
	char *out;

	(void)state;
	out = logged("x\ncellsched: forged line");
	assert_string_equal(out, "cellsched: error: cell x\\ncellsched: forged line: added\n");
	free(out);
	out = logged("e\x1b]0;title\x07");
	assert_string_equal(out, "cellsched: error: cell e\\x1b]0;title\\x07: added\n");
	free(out);
	out = logged("plain");
	assert_string_equal(out, "cellsched: error: cell plain: added\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_cut_is_marked),
		cmocka_unit_test(test_log_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
