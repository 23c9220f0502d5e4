// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_cpus.c: orchestrator/cpus.c: parsing the kernel's CPU list
 * syntax (valid lists, the whitespace it tolerates, and every kind of bad list
 * with the message that names the offending part), formatting as ranges,
 * parse/format round trips, and the set helpers (test/set/clear, count,
 * empty, equal, subset, intersects, or, andnot, first), including CPUs in
 * other words than the first and CPUs beyond CS_MAX_CIDS.
 *
 * Each bad list is its own test (one TAP line per row of bad_lists[]).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(CS_MAX_CIDS < 5000, "the 'beyond CS_MAX_CIDS' cases use CPU 5000");
_Static_assert(CS_MAX_CIDS == 1024, "expected lists below spell out 1023 and 1024");

/* A set from a list of CPUs ended by -1. */
static struct cs_cpus set_of(int first, ...)
{
	struct cs_cpus s = { 0 };
	va_list ap;

	va_start(ap, first);
	for (int c = first; c >= 0; c = va_arg(ap, int))
		cs_cpus_set(&s, (unsigned int)c);
	va_end(ap);
	return s;
}

static void assert_parses_to(const char *in, const char *canonical, unsigned int count)
{
	struct cs_cpus s;
	char err[256] = "", buf[512];

	memset(&s, 0xff, sizeof(s));	/* parse must clear what was there */
	if (cs_cpus_parse(in, &s, err, sizeof(err)))
		fail_msg("cs_cpus_parse(\"%s\") failed: %s", in, err);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), canonical);
	assert_int_equal(cs_cpus_count(&s), count);
}

static void test_parse_valid(void **state)
{
	(void)state;
	assert_parses_to("0", "0", 1);
	assert_parses_to("7", "7", 1);
	assert_parses_to("0-3", "0-3", 4);
	assert_parses_to("2-2", "2", 1);
	assert_parses_to("0-3,8,10-11", "0-3,8,10-11", 7);
	assert_parses_to("8,0-3", "0-3,8", 5);		/* any order */
	assert_parses_to("0-3,2-5", "0-5", 6);		/* overlapping items merge */
	assert_parses_to("1,1,1", "1", 1);
	assert_parses_to("0,1,2,3", "0-3", 4);
	assert_parses_to("63-64", "63-64", 2);		/* across a word boundary */
	assert_parses_to("1023", "1023", 1);		/* the last supported CPU */
	assert_parses_to("0-1023", "0-1023", CS_MAX_CIDS);
	assert_parses_to("007", "7", 1);
}

static void test_parse_whitespace(void **state)
{
	(void)state;
	assert_parses_to("", "", 0);			/* the empty set */
	assert_parses_to("\n", "", 0);			/* an empty sysfs file */
	assert_parses_to("  \t ", "", 0);
	assert_parses_to("0-3\n", "0-3", 4);		/* as read from sysfs */
	assert_parses_to(" 0-3 , 8 ", "0-3,8", 5);
	assert_parses_to("\t1,\t2", "1-2", 2);
	assert_parses_to("1\n,2", "1-2", 2);
	assert_parses_to("1, 2\n", "1-2", 2);
}

/*
 * Whitespace after a comma: spaces and tabs are skipped, and "1,\t" says the
 * list ends with ','. A newline after a comma was once not skipped (cpus.c skipped only
 * ' ' and '\t' there, but ' ', '\t' and '\n' everywhere else), so "1,\n2" is
 * refused and "1,\n" gets "'' is not a CPU number or range". This test asserts
 * the consistent behaviour (the bug is fixed).
 */
static void test_parse_newline_after_comma(void **state)
{
	struct cs_cpus s;
	char err[256] = "";

	(void)state;
	assert_int_equal(cs_cpus_parse("1,\t", &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ends with ','"));
	assert_int_equal(cs_cpus_parse("1,\n", &s, err, sizeof(err)), -EINVAL);
	if (!strstr(err, "ends with ','"))
		fail_msg("\"1,\\n\": got \"%s\", want \"... ends with ','\"", err);
	assert_parses_to("1,\n2", "1-2", 2);
}

struct bad_list {
	const char *name;
	const char *in;
	const char *want;	/* substring of the message */
};

static const struct bad_list bad_lists[] = {
	{ "decreasing range", "3-1", "'3-1' is a decreasing range" },
	{ "decreasing range after others", "0,5-4", "'5-4' is a decreasing range" },
	{ "not a number", "a", "'a' is not a CPU number or range" },
	{ "not a number after others", "0-3,x", "'x' is not a CPU number or range" },
	{ "trailing comma", "1,", "the list '1,' ends with ','" },
	{ "trailing comma and space", "1, ", "ends with ','" },
	{ "comma only", ",", "is not a CPU number or range" },
	{ "empty item", "1,,2", "is not a CPU number or range" },
	{ "range without end", "1-", "'1-' is not a CPU number or range" },
	{ "range without start", "-1", "'-1' is not a CPU number or range" },
	{ "plus sign", "+1", "'+1' is not a CPU number or range" },
	{ "range end not a number", "1-x", "'1-x' is not a CPU number or range" },
	{ "CPU beyond CS_MAX_CIDS", "5000", "CPU '5000' is beyond the supported" },
	{ "CPU equal to CS_MAX_CIDS", "1024", "CPU '1024' is beyond the supported" },
	{ "range end beyond CS_MAX_CIDS", "1-5000", "CPU '1-5000' is beyond the supported" },
	{ "number overflowing unsigned long", "99999999999999999999999",
	  "CPU '99999999999999999999999' is beyond the supported" },
	{ "garbage after a number", "1x", "'1x' is not a CPU number or range" },
	{ "garbage after a range", "0-3y", "'0-3y' is not a CPU number or range" },
	{ "double range", "1-2-3", "'1-2-3' is not a CPU number or range" },
	{ "space instead of comma", "1 2", "expected ',' before '2'" },
	{ "spaces inside a range", "0 - 3", "expected ',' before '- 3'" },
	{ "semicolon separator", "1;2", "'1;2' is not a CPU number or range" },
};

static void test_parse_bad(void **state)
{
	const struct bad_list *b = *state;
	struct cs_cpus s;
	char err[256] = "";
	int ret;

	ret = cs_cpus_parse(b->in, &s, err, sizeof(err));
	if (ret != -EINVAL)
		fail_msg("cs_cpus_parse(\"%s\") returned %d, want -EINVAL", b->in, ret);
	if (!strstr(err, b->want))
		fail_msg("cs_cpus_parse(\"%s\"): got \"%s\", want \"%s\"", b->in, err, b->want);
}

static void test_parse_message_truncates(void **state)
{
	struct cs_cpus s;
	char err[8];

	(void)state;
	memset(err, 'z', sizeof(err));
	assert_int_equal(cs_cpus_parse("0-3,garbage-that-is-long", &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void test_format(void **state)
{
	struct cs_cpus s;
	char buf[8192];

	(void)state;
	memset(&s, 0, sizeof(s));
	strcpy(buf, "junk");
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "");

	s = set_of(5, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "5");
	s = set_of(0, 1, 2, 3, 8, 10, 11, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "0-3,8,10-11");
	s = set_of(0, 2, 4, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "0,2,4");
	s = set_of(1, 2, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "1-2");
	s = set_of(62, 63, 64, 65, 127, 128, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "62-65,127-128");
	s = set_of(0, CS_MAX_CIDS - 1, -1);
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "0,1023");

	memset(&s, 0xff, sizeof(s));
	assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), "0-1023");

	/* Every even CPU: the longest output. */
	memset(&s, 0, sizeof(s));
	for (int c = 0; c < CS_MAX_CIDS; c += 2)
		cs_cpus_set(&s, c);
	cs_cpus_format(&s, buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "0,2,4,6,", 8), 0);
	assert_non_null(strstr(buf, ",1020,1022"));
	assert_int_equal(buf[strlen(buf) - 1], '2');
}

static void test_format_truncates(void **state)
{
	struct cs_cpus s = set_of(0, 1, 2, 3, 8, 10, 11, -1);
	const char *full = "0-3,8,10-11";
	char buf[32];

	(void)state;
	for (size_t len = 1; len <= strlen(full) + 1; len++) {
		memset(buf, 'z', sizeof(buf));
		cs_cpus_format(&s, buf, len);
		/* Always terminated inside the buffer; a prefix of the full text, and (issue
		 * 13 item 9, deliberately changed from a bare prefix) a cut list ends in
		 * "..." once there is room for it: never a shorter list naming other CPUs. */
		assert_true(memchr(buf, '\0', len) != NULL);
		assert_int_equal(buf[len], 'z');
		if (len <= strlen(full) && len >= 4) {
			assert_int_equal(strlen(buf), len - 1);
			assert_string_equal(buf + len - 4, "...");
			assert_int_equal(strncmp(buf, full, len - 4), 0);
		} else {
			assert_int_equal(strncmp(buf, full, strlen(buf)), 0);
		}
	}
	cs_cpus_format(&s, buf, strlen(full) + 1);
	assert_string_equal(buf, full);
	/* len 0: nothing is written */
	buf[0] = 'z';
	cs_cpus_format(&s, buf, 0);
	assert_int_equal(buf[0], 'z');
}

static void test_round_trip(void **state)
{
	static const char *const canonical[] = {
		"", "0", "0-3", "0-3,8,10-11", "1,3,5,7", "0-63", "63-64", "0-1023",
		"1,100-200,700,1023",
	};
	struct cs_cpus s, t;
	char err[256], buf[8192];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(canonical); i++) {
		if (cs_cpus_parse(canonical[i], &s, err, sizeof(err)))
			fail_msg("\"%s\": %s", canonical[i], err);
		assert_string_equal(cs_cpus_format(&s, buf, sizeof(buf)), canonical[i]);
	}
	/* Pseudo-random sets of various densities: format, parse, compare. */
	for (int round = 0; round < 200; round++) {
		memset(&s, 0, sizeof(s));
		for (int w = 0; w < CS_CID_WORDS; w++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s.bits[w] = round % 3 == 0 ? x :
				    round % 3 == 1 ? x & (x >> 1) : x | (x << 3);
		}
		cs_cpus_format(&s, buf, sizeof(buf));
		if (cs_cpus_parse(buf, &t, err, sizeof(err)))
			fail_msg("round %d: \"%s\": %s", round, buf, err);
		assert_true(cs_cpus_equal(&s, &t));
	}
}

static void test_set_test_clear(void **state)
{
	struct cs_cpus s = { 0 };

	(void)state;
	cs_cpus_set(&s, 0);
	cs_cpus_set(&s, 64);
	cs_cpus_set(&s, CS_MAX_CIDS - 1);
	assert_true(cs_cpus_test(&s, 0));
	assert_true(cs_cpus_test(&s, 64));
	assert_true(cs_cpus_test(&s, CS_MAX_CIDS - 1));
	assert_false(cs_cpus_test(&s, 1));
	assert_false(cs_cpus_test(&s, 63));
	assert_int_equal(cs_cpus_count(&s), 3);
	/* Beyond CS_MAX_CIDS: ignored, never set, never out of bounds. */
	cs_cpus_set(&s, CS_MAX_CIDS);
	cs_cpus_set(&s, 5000);
	assert_int_equal(cs_cpus_count(&s), 3);
	assert_false(cs_cpus_test(&s, CS_MAX_CIDS));
	assert_false(cs_cpus_test(&s, 5000));
	cs_cpus_clear(&s, 5000);
	cs_cpus_clear(&s, 64);
	assert_false(cs_cpus_test(&s, 64));
	assert_int_equal(cs_cpus_count(&s), 2);
	cs_cpus_clear(&s, 64);	/* clearing twice is fine */
	assert_int_equal(cs_cpus_count(&s), 2);
}

static void test_count_empty_equal_first(void **state)
{
	struct cs_cpus e = { 0 }, a = set_of(3, 70, 700, -1), b = set_of(700, 70, 3, -1);
	struct cs_cpus c = set_of(700, -1), full;

	(void)state;
	memset(&full, 0xff, sizeof(full));
	assert_int_equal(cs_cpus_count(&e), 0);
	assert_int_equal(cs_cpus_count(&a), 3);
	assert_int_equal(cs_cpus_count(&full), CS_MAX_CIDS);
	assert_true(cs_cpus_empty(&e));
	assert_false(cs_cpus_empty(&a));
	assert_false(cs_cpus_empty(&c));		/* only a high word set */
	assert_true(cs_cpus_equal(&a, &b));
	assert_true(cs_cpus_equal(&e, &e));
	assert_false(cs_cpus_equal(&a, &c));
	assert_false(cs_cpus_equal(&a, &e));
	assert_int_equal(cs_cpus_first(&e), -1);
	assert_int_equal(cs_cpus_first(&a), 3);
	assert_int_equal(cs_cpus_first(&c), 700);
	assert_int_equal(cs_cpus_first(&full), 0);
	c = set_of(CS_MAX_CIDS - 1, -1);
	assert_int_equal(cs_cpus_first(&c), CS_MAX_CIDS - 1);
}

static void test_subset_intersects(void **state)
{
	struct cs_cpus e = { 0 }, a = set_of(1, 2, 200, -1), big = set_of(0, 1, 2, 3, 200, 201, -1);
	struct cs_cpus other = set_of(4, 5, 201, -1), high = set_of(200, -1);

	(void)state;
	assert_true(cs_cpus_subset(&a, &big));
	assert_false(cs_cpus_subset(&big, &a));
	assert_true(cs_cpus_subset(&a, &a));
	assert_true(cs_cpus_subset(&e, &a));		/* the empty set is in every set */
	assert_true(cs_cpus_subset(&e, &e));
	assert_false(cs_cpus_subset(&a, &e));
	assert_false(cs_cpus_subset(&other, &big));	/* 4, 5 missing */
	assert_true(cs_cpus_intersects(&a, &big));
	assert_true(cs_cpus_intersects(&high, &a));	/* only in a high word */
	assert_false(cs_cpus_intersects(&a, &other));
	assert_true(cs_cpus_intersects(&other, &big));	/* 201 */
	assert_false(cs_cpus_intersects(&e, &big));
	assert_false(cs_cpus_intersects(&e, &e));
}

static void test_or_andnot(void **state)
{
	struct cs_cpus a = set_of(0, 1, 130, -1), b = set_of(1, 2, 900, -1), d;
	char buf[256];

	(void)state;
	d = a;
	cs_cpus_or(&d, &b);
	assert_string_equal(cs_cpus_format(&d, buf, sizeof(buf)), "0-2,130,900");
	d = a;
	cs_cpus_andnot(&d, &b);
	assert_string_equal(cs_cpus_format(&d, buf, sizeof(buf)), "0,130");
	d = b;
	cs_cpus_andnot(&d, &a);
	assert_string_equal(cs_cpus_format(&d, buf, sizeof(buf)), "2,900");
	d = a;
	cs_cpus_andnot(&d, &a);
	assert_true(cs_cpus_empty(&d));
	d = a;
	cs_cpus_or(&d, &a);
	assert_true(cs_cpus_equal(&d, &a));
	/* The sources are left alone. */
	assert_string_equal(cs_cpus_format(&a, buf, sizeof(buf)), "0-1,130");
	assert_string_equal(cs_cpus_format(&b, buf, sizeof(buf)), "1-2,900");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_whitespace),
		cmocka_unit_test(test_parse_newline_after_comma),
		cmocka_unit_test(test_parse_message_truncates),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_set_test_clear),
		cmocka_unit_test(test_count_empty_equal_first),
		cmocka_unit_test(test_subset_intersects),
		cmocka_unit_test(test_or_andnot),
	};
	static char names[ARRAY_SIZE(bad_lists)][96];
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(bad_lists)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(bad_lists); i++) {
		snprintf(names[i], sizeof(names[i]), "bad list: %s", bad_lists[i].name);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = test_parse_bad,
						  .initial_state = (void *)&bad_lists[i] };
	}
	return _cmocka_run_group_tests("cpus", tests, n, NULL, NULL);
}
