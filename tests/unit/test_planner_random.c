// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_planner_random.c: orchestrator/planner.c's invariants on
 * synthetic machines: per topology (4 to 1024 CPUs, SMT 1 and 2, LLCs of 4
 * to 64 CPUs), 200 ticks of random cells and demands from a fixed-seed
 * xorshift, each plan checked by check_plan() (plan_check.h) and recomputed
 * for determinism (CS_TEST_TRACE=1 prints every plan), then 50 plans from
 * empty that use every CPU. Performance sanity: 1024 CPUs, 64 cells.
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

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned int rnd(uint64_t *s, unsigned int n)
{
	return n ? (unsigned int)(xorshift(s) % n) : 0;
}

struct topo_case {
	unsigned int cpus, smt, llc;
};

static const struct topo_case topo_cases[] = {
	{ 4, 1, 4 }, { 4, 2, 4 }, { 8, 2, 4 }, { 8, 1, 8 }, { 64, 2, 8 }, { 64, 1, 16 },
	{ 256, 2, 32 }, { 256, 1, 64 }, { 1024, 2, 64 }, { 1024, 2, 16 }, { 1024, 1, 4 },
};

static unsigned int n_cells_max(const struct topo_case *tc)
{
	return tc->cpus / 2 < 16 ? tc->cpus / 2 : 16;
}

/*
 * New cells from empty: some fixed (whole cores, at most a quarter of the
 * CPUs); the minimums and root_min within 3/4 of the CPUs.
 */
static unsigned int new_cells(uint64_t *rs, const struct topo_case *tc, bool even,
			      struct cs_plan_cell *cells, unsigned int *root_min)
{
	unsigned int nr, n = tc->cpus, fixed_n, need;
	struct cs_cpus taken;

again:
	nr = 1 + rnd(rs, n_cells_max(tc));
	*root_min = rnd(rs, 3);
	need = *root_min;
	fixed_n = 0;
	memset(&taken, 0, sizeof(taken));
	for (unsigned int i = 0; i < nr; i++) {
		struct cs_plan_cell *c = &cells[i];
		unsigned int len = tc->smt * (1 + rnd(rs, n / 8 / tc->smt + 1));
		unsigned int lo = tc->smt * rnd(rs, n / tc->smt);

		memset(c, 0, sizeof(*c));
		if (rnd(rs, 6) == 0 && fixed_n + len <= n / 4) {
			for (unsigned int cpu = lo; cpu < lo + len && cpu < n; cpu++)
				if (!cs_cpus_test(&taken, cpu))
					cs_cpus_set(&c->cur, cpu);
			cs_cpus_or(&taken, &c->cur);
			fixed_n += cs_cpus_count(&c->cur);
			if (!cs_cpus_empty(&c->cur))
				continue;
		}
		c->resizable = true;
		c->min = 1 + rnd(rs, n / (4 * nr) + 1);
		c->min += even && c->min % 2;	/* even targets stay >= min */
		c->max = c->min + rnd(rs, n / 2 + 1);
		c->weight = rnd(rs, 4) ? 1 + rnd(rs, 200) : 1 + rnd(rs, 10000);
		need += c->min;
	}
	if (need + fixed_n > n * 3 / 4)
		goto again;
	return nr;
}

/* targets, (even: rounded down to even), place; 0 or what failed */
static int plan_round(const struct cs_plan_params *p, const struct cs_topo *t,
		      const struct cs_cpus *avail, unsigned int root_min,
		      struct cs_plan_cell *cells, unsigned int nr, unsigned long long now,
		      bool force, bool even)
{
	char err[256] = "";
	int ret;

	ret = cs_plan_targets(p, avail, root_min, cells, nr, now, force, err, sizeof(err));
	if (ret) {
		assert_int_equal(ret, -ENOSPC);
		assert_non_null(strstr(err, "resizable cells need at least"));
		return ret;
	}
	for (unsigned int i = 0; i < nr && even; i++)
		if (cells[i].resizable)
			cells[i].target &= ~1u;
	ret = cs_plan_place(t, avail, cells, nr, err, sizeof(err));
	if (ret)
		fail_msg("cs_plan_place: %s", err);
	return 0;
}

static void check_targets(const struct cs_cpus *avail, unsigned int root_min,
			  const struct cs_plan_cell *cells, unsigned int nr)
{
	struct cs_cpus av = *avail;
	unsigned int sum = 0;

	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cs_cpus_andnot(&av, &cells[i].cur);
	for (unsigned int i = 0; i < nr; i++) {
		const struct cs_plan_cell *c = &cells[i];

		if (!c->resizable) {
			assert_int_equal(c->target, cs_cpus_count(&c->cur));
			continue;
		}
		if (c->want < c->min || c->want > c->max || c->target < c->min ||
		    c->target > c->want)
			fail_msg("cell %u: min %u max %u want %u target %u", i, c->min, c->max,
				 c->want, c->target);
		sum += c->target;
	}
	if (sum + root_min > cs_cpus_count(&av))
		fail_msg("targets %u + root %u > %u CPUs", sum, root_min, cs_cpus_count(&av));
}

/*
 * 50 plans from empty with the targets adding up to every CPU (multiples of
 * the core size every other time): the tight case where greedy growth
 * fragments LLCs.
 */
static void test_packing(uint64_t *rs, const struct cs_topo *t, const struct topo_case *tc)
{
	static struct cs_plan_cell cells[16];

	for (unsigned int round = 0; round < 50; round++) {
		unsigned int nr = 1 + rnd(rs, n_cells_max(tc)), unit = round % 2 ? 1 : tc->smt;
		unsigned int left = tc->cpus / unit, want = tc->smt == 2 && unit == 2 ? CHK_SMT : 0;

		for (unsigned int i = 0; i < nr; i++) {
			unsigned int n = i == nr - 1 ? left : rnd(rs, 2 * left / (nr - i) + 1);

			n = n > left ? left : n;
			cells[i] = at("", n * unit);
			left -= n;
		}
		if ((place_in(t, &t->cpus, cells, nr) & (CHK_LLC | want)) != (CHK_LLC | want))
			fail_msg("round %u: not all checks applied", round);
	}
}

static void test_random(void **state)
{
	const struct topo_case *tc = *state;
	struct cs_plan_params p = { .grow_pct = 75, .shrink_pct = 25, .cooldown_ms = 500 };
	static struct cs_plan_cell cells[16], again[16];
	unsigned int nr = 0, root_min = 0, done, planned = 0, n_smt = 0, n_llc = 0, n_moves = 0;
	unsigned long long now = 1;
	uint64_t rs = 0x9e3779b97f4a7c15ULL ^ tc->cpus * 131 ^ tc->smt * 7 ^ tc->llc;
	struct cs_topo t;
	bool even = false;
	int ret;

	cs_topo_synth(tc->cpus, tc->smt, tc->llc, &t);
	for (unsigned int round = 0; round < 200; round++) {
		struct cs_cpus avail = t.cpus;
		bool force;

		if (round % 20 == 0) {
			even = tc->smt == 2 && round % 40 == 0;
			nr = new_cells(&rs, tc, even, cells, &root_min);
		} else if (round % 5 == 0) {	/* a restart: cells from empty again */
			for (unsigned int i = 0; i < nr; i++)
				if (cells[i].resizable)
					memset(&cells[i].cur, 0, sizeof(cells[i].cur));
		}
		now += 100 + rnd(&rs, 600);
		for (unsigned int i = 0; i < nr; i++) {
			struct cs_plan_demand *d = &cells[i].demand;

			d->valid = rnd(&rs, 10) != 0;
			d->nr_runnable = rnd(&rs, 2 * cells[i].max + 2);
			d->util_permille = rnd(&rs, 1001);
		}
		if (rnd(&rs, 8) == 0) {		/* a few CPUs (cores if even) offline */
			for (unsigned int k = 1 + rnd(&rs, 3); k; k--) {
				unsigned int cpu = rnd(&rs, tc->cpus);

				cs_cpus_clear(&avail, cpu);
				if (even)
					cs_cpus_clear(&avail, cpu ^ 1);
			}
		}
		force = rnd(&rs, 8) == 0;

		memcpy(again, cells, sizeof(cells));
		ret = plan_round(&p, &t, &avail, root_min, cells, nr, now, force, even);
		if (getenv("CS_TEST_TRACE"))
			dump_plan(&avail, cells, nr);
		if (ret)
			continue;
		check_targets(&avail, root_min, cells, nr);
		done = check_plan(&t, &avail, cells, nr);
		planned++;
		n_smt += !!(done & CHK_SMT);
		n_llc += !!(done & CHK_LLC);
		n_moves += !!(done & CHK_MOVES);
		/* the same input, the same plan */
		assert_int_equal(plan_round(&p, &t, &avail, root_min, again, nr, now, force,
					    even), 0);
		for (unsigned int i = 0; i < nr; i++) {
			assert_int_equal(again[i].target, cells[i].target);
			assert_true(cs_cpus_equal(&again[i].next, &cells[i].next));
		}
		/* the tick: next becomes cur */
		for (unsigned int i = 0; i < nr; i++) {
			if (!cs_cpus_equal(&cells[i].cur, &cells[i].next))
				cells[i].last_change_ms = now;
			cells[i].cur = cells[i].next;
		}
	}
	print_message("# %u CPUs SMT%u LLC %u: %u of 200 rounds planned, checked: moves %u, "
		      "SMT %u, LLCs from empty %u\n", tc->cpus, tc->smt, tc->llc, planned, n_moves,
		      n_smt, n_llc);
	assert_true(planned >= 150);
	assert_true(n_moves >= 100);
	assert_true(n_llc >= 5);
	if (tc->smt == 2)
		assert_true(n_smt >= 50);
	test_packing(&rs, &t, tc);
}

static void test_perf_1024_64(void **state)
{
	static struct cs_plan_cell cells[64];
	struct cs_topo t;
	uint64_t rs = 42;

	(void)state;
	cs_topo_synth(1024, 2, 64, &t);
	for (unsigned int i = 0; i < 64; i++)
		cells[i] = cell(1 + rnd(&rs, 8), 64, 1 + rnd(&rs, 100), "", 0, 0);
	for (unsigned long long tick = 1; tick <= 20; tick++) {
		for (unsigned int i = 0; i < 64; i++) {
			cells[i].demand.nr_runnable = rnd(&rs, 80);
			cells[i].demand.util_permille = rnd(&rs, 1001);
		}
		targets("0-1023", 4, cells, 64, tick * 10000, false);
		place(&t, "0-1023", cells, 64);
		for (unsigned int i = 0; i < 64; i++) {
			if (!cs_cpus_equal(&cells[i].cur, &cells[i].next))
				cells[i].last_change_ms = tick * 10000;
			cells[i].cur = cells[i].next;
		}
	}
}

int main(void)
{
	static char names[ARRAY_SIZE(topo_cases)][64];
	struct CMUnitTest tests[1 + ARRAY_SIZE(topo_cases)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(topo_cases); i++) {
		const struct topo_case *tc = &topo_cases[i];

		snprintf(names[i], sizeof(names[i]), "random: %u CPUs, SMT%u, LLC %u", tc->cpus,
			 tc->smt, tc->llc);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = test_random,
						  .initial_state = (void *)tc };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_perf_1024_64);
	return _cmocka_run_group_tests("planner_random", tests, n, NULL, NULL);
}
