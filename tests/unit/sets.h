/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/sets.h: CPU-set helpers of the topology and planner tests:
 * S("0-3") makes a set (failing the test on a bad list), F(set) formats one
 * (four rotating buffers), assert_set compares with a list.
 */
#ifndef CS_TEST_SETS_H
#define CS_TEST_SETS_H

#include "cpus.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline struct cs_cpus S(const char *list)
{
	struct cs_cpus s;
	char err[128];

	if (cs_cpus_parse(list, &s, err, sizeof(err)))
		fail_msg("bad list \"%s\" in the test: %s", list, err);
	return s;
}

static inline const char *F(const struct cs_cpus *s)
{
	static char bufs[4][4096];
	static int i;

	i = (i + 1) % 4;
	return cs_cpus_format(s, bufs[i], sizeof(bufs[i]));
}

static inline void assert_set(const struct cs_cpus *s, const char *want)
{
	assert_string_equal(F(s), want);
}

#endif /* CS_TEST_SETS_H */
