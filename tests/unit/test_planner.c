// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_planner.c: orchestrator/planner.c, case by case.
 *
 * Targets: a busy cell grows by its waiting tasks up to max, an idle one
 * shrinks to what it needs (down to min), the hysteresis band, cooldown and
 * force, no report, a new cell, water-filling by weight and its caps, fixed
 * cells, -ENOSPC with its message.
 * Placement: stability, shrinking by whole cores from the smallest LLC,
 * growing next to what a cell holds, new cells in the emptiest LLC, the
 * order of growth and of CPU classes (see planner.c), CPUs passed from a
 * shrinking to a growing cell, CPUs gone from @avail, fixed cells, -ENOSPC,
 * a tight layout that greedy growth fragments, move counting.
 * Every plan goes through check_plan() (plan_check.h). Random plans on
 * synthetic machines of 4 to 1024 CPUs: test_planner_random.c.
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

#include "plan_check.h"

static void test_targets_grow(void **state)
{
	struct cs_plan_cell c[] = {
		cell(1, 16, 100, "0-3", 10, 950),	/* 6 waiting */
		cell(1, 8, 100, "4-7", 20, 900),	/* capped by max */
		cell(1, 16, 100, "8-9", 2, 1000),	/* busy, nobody waiting */
	};

	(void)state;
	targets("0-31", 1, c, 3, 0, false);
	assert_int_equal(c[0].want, 10);
	assert_int_equal(c[0].target, 10);
	assert_int_equal(c[1].want, 8);
	assert_int_equal(c[1].target, 8);
	assert_int_equal(c[2].want, 2);
	assert_int_equal(c[2].target, 2);
}

static void test_targets_shrink(void **state)
{
	struct cs_plan_cell c[] = {
		cell(2, 16, 100, "0-7", 1, 100),	/* 0.8 busy / 0.8 = 1: min 2 */
		cell(1, 16, 100, "8-15", 2, 250),	/* 2 busy / 0.8 = 2.5: 3 */
		cell(1, 16, 100, "16-19", 2, 290),	/* 1.16 / 0.8 = 1.45: 2 */
		cell(1, 16, 100, "20-23", 0, 0),	/* idle: min */
	};

	(void)state;
	targets("0-31", 0, c, 4, 0, false);
	assert_int_equal(c[0].target, 2);
	assert_int_equal(c[1].target, 3);
	assert_int_equal(c[2].target, 2);
	assert_int_equal(c[3].target, 1);
}

static void test_targets_hysteresis(void **state)
{
	struct cs_plan_cell c[] = {
		cell(1, 32, 100, "0-7", 20, 500),	/* between: unchanged */
		cell(1, 32, 100, "8-11", 9, 300),	/* = shrink_pct: not below */
		cell(1, 32, 100, "12-19", 8, 800),	/* = grow_pct, nobody waiting */
		cell(1, 32, 100, "20-23", 5, 800),	/* = grow_pct, one waiting: grows */
		cell(1, 32, 100, "24-27", 5, 799),	/* just below grow_pct */
	};

	(void)state;
	targets("0-63", 0, c, 5, 0, false);
	assert_int_equal(c[0].target, 8);
	assert_int_equal(c[1].target, 4);
	assert_int_equal(c[2].target, 8);
	assert_int_equal(c[3].target, 5);
	assert_int_equal(c[4].target, 4);
}

static void test_targets_cooldown(void **state)
{
	struct cs_plan_cell c[] = { cell(1, 16, 100, "0-3", 12, 1000),
				    cell(1, 16, 100, "4-11", 0, 0) };
	struct cs_plan_cell d[] = { cell(1, 16, 100, "0-5", 12, 1000),
				    cell(4, 16, 100, "", 12, 1000) };

	(void)state;
	c[0].last_change_ms = c[1].last_change_ms = 1000;
	targets("0-31", 0, c, 2, 1500, false);		/* 500 ms ago: left alone */
	assert_int_equal(c[0].target, 4);
	assert_int_equal(c[1].target, 8);
	targets("0-31", 0, c, 2, 1500, true);		/* forced */
	assert_int_equal(c[0].target, 12);
	assert_int_equal(c[1].target, 1);
	targets("0-31", 0, c, 2, 2000, false);		/* cooldown over */
	assert_int_equal(c[0].target, 12);
	assert_int_equal(c[1].target, 1);

	/* Cooldown sizes that do not fit: treated like the others. */
	d[0].last_change_ms = 1000;
	targets("0-7", 0, d, 2, 1500, false);
	assert_int_equal(d[1].target, 4);		/* new: min */
	assert_int_equal(d[0].target, 4);		/* what is left */
}

static void test_targets_no_report(void **state)
{
	struct cs_plan_cell c[] = { cell(1, 16, 100, "0-4", 0, 0) };

	(void)state;
	c[0].demand.valid = false;
	targets("0-15", 1, c, 1, 0, false);
	assert_int_equal(c[0].want, 5);
	assert_int_equal(c[0].target, 5);
}

static void test_targets_new_cell(void **state)
{
	struct cs_plan_cell c[] = { cell(3, 16, 100, "", 50, 1000) };

	(void)state;
	targets("0-15", 1, c, 1, 0, false);
	assert_int_equal(c[0].want, 3);
	assert_int_equal(c[0].target, 3);
}

static void test_targets_weighted(void **state)
{
	struct cs_plan_cell c[] = { cell(1, 64, 300, "0-1", 100, 1000),
				    cell(1, 64, 100, "2-3", 100, 1000) };

	(void)state;
	/* 40 above root_min: 2 mins, 38 shared 28.5 : 9.5, the odd one to the heavier */
	targets("0-41", 2, c, 2, 0, false);
	assert_int_equal(c[0].target, 30);
	assert_int_equal(c[1].target, 10);
}

static void test_targets_waterfill_cap(void **state)
{
	struct cs_plan_cell c[] = { cell(1, 64, 1, "0-1", 50, 1000),
				    cell(1, 5, 100, "2-3", 50, 1000),
				    cell(1, 64, 1, "4-5", 50, 1000) };

	(void)state;
	/* 30: mins 3; the heavy cell stops at its max, the rest is halved */
	targets("0-29", 0, c, 3, 0, false);
	assert_int_equal(c[1].target, 5);
	assert_int_equal(c[0].target, 13);
	assert_int_equal(c[2].target, 12);
}

static void test_targets_fixed(void **state)
{
	struct cs_plan_cell c[] = { fixed("0-3,40"), cell(1, 64, 100, "4-5", 64, 1000) };

	(void)state;
	targets("0-15", 2, c, 2, 0, false);
	assert_int_equal(c[0].target, 5);
	assert_int_equal(c[0].want, 5);
	assert_int_equal(c[1].target, 16 - 4 - 2);	/* 40 is not in avail */
}

static void test_targets_enospc(void **state)
{
	struct cs_plan_cell c[] = { fixed("0-3"), cell(3, 8, 100, "", 0, 0),
				    cell(3, 8, 100, "", 0, 0) };
	struct cs_cpus a = S("0-9");
	char err[256] = "";

	(void)state;
	assert_int_equal(cs_plan_targets(&params, &a, 2, c, 3, 0, false, err, sizeof(err)),
			 -ENOSPC);
	assert_string_equal(err, "resizable cells need at least 6 CPUs (their min) and the root "
				 "cell 2, but fixed cells hold 4 of the 10 CPUs there are to share");
	assert_int_equal(cs_plan_targets(&params, &a, 0, c, 3, 0, false, err, sizeof(err)), 0);
}

static void test_place_stable(void **state)
{
	struct cs_plan_cell c[] = { at("0-3", 4), at("8-11", 4), at("5", 1) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 2, 8, &t);
	assert_int_equal(place(&t, "0-15", c, 3), CHK_MOVES);
	assert_set(&c[0].next, "0-3");
	assert_set(&c[1].next, "8-11");
	assert_set(&c[2].next, "5");
	assert_int_equal(cs_plan_moves(c, 3), 0);
}

static void test_place_shrink(void **state)
{
	struct cs_plan_cell c[] = { at("0-5,8-9", 6) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 2, 8, &t);
	place(&t, "0-15", c, 1);
	assert_set(&c[0].next, "0-5");		/* the lone core in the other LLC */
	c[0].cur = c[0].next;
	c[0].target = 5;
	place(&t, "0-15", c, 1);
	assert_set(&c[0].next, "0-4");		/* then a split: the highest CPU */
	c[0] = at("0-7", 4);
	place(&t, "0-15", c, 1);
	assert_set(&c[0].next, "0-3");		/* highest whole cores first */
	c[0] = at("0-2,4-7", 4);
	place(&t, "0-15", c, 1);
	assert_set(&c[0].next, "0-1,4-5");	/* 6-7, then the half-held core */
	c[0] = at("2-3,8-15", 8);
	place(&t, "0-15", c, 1);
	assert_set(&c[0].next, "8-15");		/* the LLC it holds least, lower or not */
}

static void test_place_grow_next_to_held(void **state)
{
	struct cs_plan_cell c[] = { at("0-2", 6), at("8-9", 4), at("12-13", 2) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 2, 8, &t);
	place(&t, "0-15", c, 3);
	assert_set(&c[0].next, "0-5");		/* sibling 3, then a core of its LLC */
	assert_set(&c[1].next, "8-11");
	assert_set(&c[2].next, "12-13");
	/* the sibling comes before a whole free core, even a lower one */
	c[0] = at("4-6", 5);
	cs_topo_synth(8, 2, 8, &t);
	place(&t, "0-7", c, 1);
	assert_set(&c[0].next, "0,4-7");
}

static void test_place_new_cell_emptiest_llc(void **state)
{
	struct cs_plan_cell c[] = { at("0-5", 6), at("", 2), at("", 2) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(24, 2, 8, &t);
	place(&t, "0-23", c, 3);
	assert_set(&c[1].next, "8-9");
	assert_set(&c[2].next, "16-17");	/* LLC 16 has more free CPUs than 8 now */
	assert_set(&c[0].next, "0-5");
}

static void test_place_grow_order(void **state)
{
	struct cs_plan_cell c[] = { at("", 2), at("", 6) }, d[] = { at("4-6", 3), at("", 1) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 1, 8, &t);
	place(&t, "0-15", c, 2);
	assert_set(&c[1].next, "0-5");		/* the larger deficit first */
	assert_set(&c[0].next, "8-9");
	/* one CPU: the one already sharing a core, not a new split of 0-1 */
	cs_topo_synth(8, 2, 8, &t);
	place(&t, "0-7", d, 2);
	assert_set(&d[1].next, "7");
}

static void test_place_shrink_feeds_grow(void **state)
{
	struct cs_plan_cell c[] = { at("0-5", 2), at("6-7", 6) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(8, 1, 8, &t);
	assert_int_equal(place(&t, "0-7", c, 2), CHK_MOVES);
	assert_set(&c[0].next, "0-1");
	assert_set(&c[1].next, "2-7");
	assert_int_equal(cs_plan_moves(c, 2), 4);
}

static void test_place_avail_shrank(void **state)
{
	struct cs_plan_cell c[] = { at("0-3", 4), at("8-11", 2) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 2, 8, &t);
	place(&t, "0-2,4-10,12-15", c, 2);	/* 3 and 11 went offline */
	assert_set(&c[1].next, "8-9");		/* 10 has no sibling left: it goes */
	/* 10 is a whole (1-CPU) core now: taken before splitting 4-5 in LLC 0 */
	assert_set(&c[0].next, "0-2,10");
}

static void test_place_fixed(void **state)
{
	struct cs_plan_cell c[] = { fixed("0-3,100"), at("2-5", 4) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 2, 8, &t);
	c[0].target = 5;
	place(&t, "0-15", c, 2);
	assert_set(&c[0].next, "0-3,100");
	assert_set(&c[1].next, "4-7");		/* 2-3 went to the fixed cell */
}

static void test_place_enospc(void **state)
{
	struct cs_plan_cell c[] = { fixed("0-3"), at("", 3), at("4-5", 2) };
	struct cs_cpus a = S("0-7");
	struct cs_topo t;
	char err[256] = "";

	(void)state;
	cs_topo_synth(8, 1, 8, &t);
	assert_int_equal(cs_plan_place(&t, &a, c, 3, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "the cells' targets need 5 CPUs, but only 4 are available "
				 "besides the fixed cells'");
}

/*
 * 16 CPUs in LLCs of 4, targets 4 3 3 3 3: giving each 3 its own LLC leaves
 * 1+1+1 for the last one; the plan must keep every cell within 2 LLCs.
 */
static void test_place_tight_llcs(void **state)
{
	struct cs_plan_cell c[] = { at("", 3), at("", 3), at("", 4), at("", 3), at("", 3) };
	struct cs_plan_cell e[] = { at("", 6), at("", 6), at("", 6), at("", 6), at("", 8) };
	struct cs_topo t;

	(void)state;
	cs_topo_synth(16, 1, 4, &t);
	assert_int_equal(place(&t, "0-15", c, 5), CHK_MOVES | CHK_LLC);
	for (int i = 0; i < 5; i++)
		assert_true(llc_span(&t, &c[i].next) <= 2);
	/* the same on SMT2 with even targets: no core split either */
	cs_topo_synth(32, 2, 8, &t);
	assert_int_equal(place(&t, "0-31", e, 5), CHK_MOVES | CHK_SMT | CHK_LLC);
}

static void test_place_moves(void **state)
{
	struct cs_plan_cell c[] = { at("0-1", 2), at("3", 1), fixed("6-7") };

	(void)state;
	c[0].next = S("1-2");	/* 0 to cell 1, 2 from the root */
	c[1].next = S("0");	/* 3 to the root */
	c[2].next = c[2].cur;
	assert_int_equal(cs_plan_moves(c, 3), 3);
	c[1].next = S("4");	/* 0 to the root, 4 from the root */
	assert_int_equal(cs_plan_moves(c, 3), 4);
	assert_int_equal(cs_plan_moves(c, 0), 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_grow),
		cmocka_unit_test(test_targets_shrink),
		cmocka_unit_test(test_targets_hysteresis),
		cmocka_unit_test(test_targets_cooldown),
		cmocka_unit_test(test_targets_no_report),
		cmocka_unit_test(test_targets_new_cell),
		cmocka_unit_test(test_targets_weighted),
		cmocka_unit_test(test_targets_waterfill_cap),
		cmocka_unit_test(test_targets_fixed),
		cmocka_unit_test(test_targets_enospc),
		cmocka_unit_test(test_place_stable),
		cmocka_unit_test(test_place_shrink),
		cmocka_unit_test(test_place_grow_next_to_held),
		cmocka_unit_test(test_place_new_cell_emptiest_llc),
		cmocka_unit_test(test_place_grow_order),
		cmocka_unit_test(test_place_shrink_feeds_grow),
		cmocka_unit_test(test_place_avail_shrank),
		cmocka_unit_test(test_place_fixed),
		cmocka_unit_test(test_place_enospc),
		cmocka_unit_test(test_place_tight_llcs),
		cmocka_unit_test(test_place_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
