// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_planner.c: orchestrator/topology.c and orchestrator/planner.c.
 *
 * Topology: made-up layouts (4 CPUs SMT2 1 LLC, 1024 CPUs SMT2 LLC 16),
 * groups from the configuration (valid ones, and overlapping groups, a core
 * spanning two LLCs, a CPU that is not online, each with its message), and
 * reading a fake sysfs tree (siblings numbered apart as on x86, an offline
 * sibling, CPUs with missing files, equal cache levels, lists that disagree,
 * a bad list, a missing tree).
 * Targets: a busy cell grows by its waiting tasks up to max, an idle one
 * shrinks to what it needs (down to min), the hysteresis band, cooldown and
 * force, no report, a new cell, water-filling by weight and its caps, fixed
 * cells, -ENOSPC with its message.
 * Placement: stability, shrinking by whole cores from the smallest LLC,
 * growing next to what a cell holds, new cells in the emptiest LLC, CPUs
 * passed from a shrinking to a growing cell, CPUs gone from @avail, fixed
 * cells, -ENOSPC, a tight layout that greedy growth fragments, move counting.
 * Every plan goes through check_plan() (invariants in its comment).
 * Properties: per topology (4 to 1024 CPUs, SMT 1 and 2, LLCs of 4 to 64
 * CPUs), 200 ticks of random cells and demands from a fixed-seed xorshift,
 * each plan checked and recomputed for determinism. Performance sanity:
 * 1024 CPUs, 64 cells.
 */
#define _GNU_SOURCE		/* nftw() */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "planner.h"
#include "topology.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct cs_cpus S(const char *list)
{
	struct cs_cpus s;
	char err[128];

	if (cs_cpus_parse(list, &s, err, sizeof(err)))
		fail_msg("bad list \"%s\" in the test: %s", list, err);
	return s;
}

static const char *F(const struct cs_cpus *s)
{
	static char bufs[4][4096];
	static int i;

	i = (i + 1) % 4;
	return cs_cpus_format(s, bufs[i], sizeof(bufs[i]));
}

static void assert_set(const struct cs_cpus *s, const char *want)
{
	assert_string_equal(F(s), want);
}

/* ---- topology ---- */

static void test_topo_synth_small(void **state)
{
	struct cs_topo t;
	char buf[64];

	(void)state;
	cs_topo_synth(4, 2, 4, &t);
	assert_set(&t.cpus, "0-3");
	assert_int_equal(t.core[0], 0);
	assert_int_equal(t.core[1], 0);
	assert_int_equal(t.core[2], 2);
	assert_int_equal(t.core[3], 2);
	for (int c = 0; c < 4; c++)
		assert_int_equal(t.llc[c], 0);
	assert_int_equal(t.core[4], -1);
	assert_int_equal(t.llc[4], -1);
	assert_string_equal(cs_topo_describe(&t, buf, sizeof(buf)), "4 CPUs, 2 cores, 1 LLC");
}

static void test_topo_synth_1024(void **state)
{
	struct cs_topo t;
	char buf[64];

	(void)state;
	cs_topo_synth(1024, 2, 16, &t);
	assert_int_equal(cs_cpus_count(&t.cpus), 1024);
	assert_int_equal(t.core[1023], 1022);
	assert_int_equal(t.core[16], 16);
	assert_int_equal(t.llc[1023], 1008);
	assert_int_equal(t.llc[15], 0);
	assert_int_equal(t.llc[16], 16);
	assert_string_equal(cs_topo_describe(&t, buf, sizeof(buf)),
			    "1024 CPUs, 512 cores, 64 LLCs");
	cs_topo_synth(1, 1, 1, &t);
	assert_string_equal(cs_topo_describe(&t, buf, sizeof(buf)), "1 CPU, 1 core, 1 LLC");
}

static void test_topo_groups_valid(void **state)
{
	struct cs_cpus online = S("0-9"), cores[] = { S("0-1"), S("2-3") };
	struct cs_cpus llcs[] = { S("0-3"), S("4-7") };
	struct cs_topo t;
	char err[256] = "", buf[64];

	(void)state;
	if (cs_topo_from_groups(&online, cores, 2, llcs, 2, &t, err, sizeof(err)))
		fail_msg("valid groups refused: %s", err);
	assert_int_equal(t.core[1], 0);
	assert_int_equal(t.core[3], 2);
	assert_int_equal(t.core[5], 5);		/* in no core group: its own */
	assert_int_equal(t.core[9], 9);
	assert_int_equal(t.llc[3], 0);
	assert_int_equal(t.llc[5], 4);
	assert_int_equal(t.llc[7], 4);
	assert_int_equal(t.llc[8], 8);		/* in no LLC group: its own */
	assert_int_equal(t.core[10], -1);	/* not online */
	assert_int_equal(t.llc[10], -1);
	assert_string_equal(cs_topo_describe(&t, buf, sizeof(buf)), "10 CPUs, 8 cores, 4 LLCs");
}

static void assert_groups_fail(const char *online_list, const struct cs_cpus *cores,
			       unsigned int nr_cores, const struct cs_cpus *llcs,
			       unsigned int nr_llcs, const char *want)
{
	struct cs_cpus online = S(online_list);
	struct cs_topo t;
	char err[256] = "";

	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(cs_topo_from_groups(&online, cores, nr_cores, llcs, nr_llcs, &t, err,
					     sizeof(err)), -EINVAL);
	if (strcmp(err, want))
		fail_msg("got \"%s\", want \"%s\"", err, want);
	assert_int_equal(t.core[0], 0x5a5a);	/* left alone on error */
}

static void test_topo_groups_overlap(void **state)
{
	struct cs_cpus cores[] = { S("0-1"), S("1-2") }, llcs[] = { S("0-3"), S("3-5") };
	struct cs_cpus ok_cores[] = { S("0-1") };

	(void)state;
	assert_groups_fail("0-7", cores, 2, NULL, 0,
			   "core groups 0 (0-1) and 1 (1-2) overlap on CPU 1");
	assert_groups_fail("0-7", ok_cores, 1, llcs, 2,
			   "LLC groups 0 (0-3) and 1 (3-5) overlap on CPU 3");
}

static void test_topo_groups_core_spans_llcs(void **state)
{
	struct cs_cpus cores[] = { S("0-1"), S("3-4") }, llcs[] = { S("0-3"), S("4-7") };
	struct cs_cpus cores2[] = { S("8-9") }, llcs2[] = { S("0-8") };

	(void)state;
	assert_groups_fail("0-9", cores, 2, llcs, 2,
			   "core group 1 (3-4) spans two LLCs: CPUs 3 and 4 do not share one");
	/* CPU 9 is in no LLC group, so in its own */
	assert_groups_fail("0-9", cores2, 1, llcs2, 1,
			   "core group 0 (8-9) spans two LLCs: CPUs 8 and 9 do not share one");
}

static void test_topo_groups_offline(void **state)
{
	struct cs_cpus cores[] = { S("0-1"), S("6-7") }, llcs[] = { S("0-3"), S("4-9") };

	(void)state;
	assert_groups_fail("0-6", cores, 2, NULL, 0,
			   "core group 1 (6-7) names CPU 7, which is not online");
	assert_groups_fail("0-8", cores, 1, llcs, 2,
			   "LLC group 1 (4-9) names CPU 9, which is not online");
}

static char sysfs[256];

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(sysfs) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_cache(int cpu, int index, const char *level, const char *shared)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "cpu%d/cache/index%d/level", cpu, index);
	put(rel, level);
	snprintf(rel, sizeof(rel), "cpu%d/cache/index%d/shared_cpu_list", cpu, index);
	put(rel, shared);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int sysfs_setup(void **state)
{
	(void)state;
	snprintf(sysfs, sizeof(sysfs), "%s/cs-unit-topo.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	return mkdtemp(sysfs) ? 0 : -1;
}

static int sysfs_teardown(void **state)
{
	(void)state;
	return nftw(sysfs, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * CPUs 0-7: cores {n, n+4} (x86 numbering), LLCs {0,1,4,5} and {2,3,6,7},
 * CPU 7 offline. 8: no directory at all. 9: siblings but no cache. 10-11:
 * caches up to level 2 only. 12-13: two level-2 caches (the higher index
 * counts), and 12 lists 13 as a sibling but 13 does not list 12.
 */
static void test_topo_read_sysfs(void **state)
{
	static const short core[] = { 0, 1, 2, 3, 0, 1, 2, -1, 8, 9, 10, 10, 12, 12 };
	static const short llc[] = { 0, 0, 2, 2, 0, 0, 2, -1, 8, 9, 10, 10, 12, 12 };
	struct cs_cpus online = S("0-6,8-13");
	char rel[128], buf[64], gone[300];
	struct cs_topo t;

	(void)state;
	for (int c = 0; c < 8; c++) {
		char sib[16];

		snprintf(rel, sizeof(rel), "cpu%d/topology/thread_siblings_list", c);
		snprintf(sib, sizeof(sib), "%d,%d\n", c % 4, c % 4 + 4);
		put(rel, sib);
		put_cache(c, 0, "1\n", sib);
		put_cache(c, 1, "1\n", sib);
		put_cache(c, 2, "2\n", sib);
		put_cache(c, 3, "3\n", c % 4 < 2 ? "0-1,4-5\n" : "2-3,6-7\n");
	}
	put("cpu9/topology/thread_siblings_list", "9\n");
	for (int c = 10; c < 12; c++) {
		snprintf(rel, sizeof(rel), "cpu%d/topology/thread_siblings_list", c);
		put(rel, "10-11\n");
		put_cache(c, 0, "1\n", "10-11\n");
		put_cache(c, 1, "2\n", "10-11\n");
	}
	put("cpu12/topology/thread_siblings_list", "12-13\n");
	put("cpu13/topology/thread_siblings_list", "13\n");
	for (int c = 12; c < 14; c++) {
		put_cache(c, 0, "2\n", c == 12 ? "12\n" : "13\n");
		put_cache(c, 1, "2\n", "12-13\n");
	}
	put("cpu12/cache/uevent", "");		/* not an indexN: ignored */

	memset(&t, 0, sizeof(t));
	assert_int_equal(cs_topo_read(sysfs, &online, &t), 0);
	assert_true(cs_cpus_equal(&t.cpus, &online));
	for (int c = 0; c < (int)ARRAY_SIZE(core); c++) {
		if (t.core[c] != core[c] || t.llc[c] != llc[c])
			fail_msg("CPU %d: core %d llc %d, want core %d llc %d", c, t.core[c],
				 t.llc[c], core[c], llc[c]);
	}
	assert_string_equal(cs_topo_describe(&t, buf, sizeof(buf)), "13 CPUs, 8 cores, 6 LLCs");

	/* A list that is not one is an error, not a guess. */
	put("cpu9/topology/thread_siblings_list", "nine\n");
	assert_int_equal(cs_topo_read(sysfs, &online, &t), -EINVAL);
	put("cpu9/topology/thread_siblings_list", "9\n");

	snprintf(gone, sizeof(gone), "%s/does-not-exist", sysfs);
	assert_int_equal(cs_topo_read(gone, &online, &t), -ENOENT);
}

/* ---- targets ---- */

static const struct cs_plan_params params = { .grow_pct = 80, .shrink_pct = 30,
					       .cooldown_ms = 1000 };

static struct cs_plan_cell cell(unsigned int min, unsigned int max, unsigned int weight,
				const char *cur, unsigned int runnable, unsigned int util)
{
	return (struct cs_plan_cell){
		.resizable = true, .min = min, .max = max, .weight = weight, .cur = S(cur),
		.demand = { .valid = true, .nr_runnable = runnable, .util_permille = util },
	};
}

static struct cs_plan_cell fixed(const char *cur)
{
	return (struct cs_plan_cell){ .cur = S(cur) };
}

static void targets(const char *avail, unsigned int root_min, struct cs_plan_cell *cells,
		    unsigned int nr, unsigned long long now, bool force)
{
	struct cs_cpus a = S(avail);
	char err[256] = "";

	if (cs_plan_targets(&params, &a, root_min, cells, nr, now, force, err, sizeof(err)))
		fail_msg("cs_plan_targets failed: %s", err);
}

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
	assert_string_equal(err, "cells need at least 10 CPUs and the root cell 2, "
				 "but only 10 are available");
	assert_int_equal(cs_plan_targets(&params, &a, 0, c, 3, 0, false, err, sizeof(err)), 0);
}

/* ---- placement ---- */

enum { CHK_MOVES = 1, CHK_SMT = 2, CHK_LLC = 4 };

static unsigned int llc_span(const struct cs_topo *t, const struct cs_cpus *s)
{
	struct cs_cpus seen = { 0 };
	unsigned int n = 0;

	for (int c = 0; c < CS_MAX_CIDS; c++) {
		int l = t->llc[c] >= 0 ? t->llc[c] : c;

		if (!cs_cpus_test(s, c))
			continue;
		n += !cs_cpus_test(&seen, l);
		cs_cpus_set(&seen, l);
	}
	return n;
}

/*
 * Invariants of a plan (@avail as given to cs_plan_place, avail' = @avail
 * minus the fixed cells' CPUs), failing the test on the first one broken:
 *   - next sets pairwise disjoint; fixed: next = cur; resizable: next in
 *     avail' and |next| = target;
 *   - minimal moves per cell: a cell keeps min(target, |cur ∩ avail'|) of
 *     cur ∩ avail' and takes only what it lacks (so a cell whose target is
 *     |cur| and cur in avail' keeps exactly cur);
 *   - when every cur is in avail': cs_plan_moves <= sum |target - |cur||
 *     (returns CHK_MOVES);
 *   - when every core has 2 CPUs, avail' and every resizable cur are unions
 *     of whole cores and every target is even: no core has two owners, the
 *     root being one (CHK_SMT);
 *   - when every resizable cell starts empty: each spans at most
 *     ceil(target / L) + 1 LLCs, L the CPUs of avail' in its smallest LLC
 *     (CHK_LLC).
 */
static void dump_plan(const struct cs_cpus *avail, const struct cs_plan_cell *cells,
		      unsigned int nr)
{
	print_message("# avail %s\n", F(avail));
	for (unsigned int i = 0; i < nr; i++)
		print_message("# cell %u%s: target %u, %s -> %s\n", i,
			      cells[i].resizable ? "" : " (fixed)", cells[i].target,
			      F(&cells[i].cur), F(&cells[i].next));
}

#define plan_fail(...) do { dump_plan(avail, cells, nr); fail_msg(__VA_ARGS__); } while (0)

static unsigned int check_plan(const struct cs_topo *t, const struct cs_cpus *avail,
			       const struct cs_plan_cell *cells, unsigned int nr)
{
	bool in_avail = true, smt = true, empty = true;
	unsigned int done = 0, bound = 0, llc_n[CS_MAX_CIDS] = { 0 }, lmin = CS_MAX_CIDS;
	unsigned int cnt[CS_MAX_CIDS];
	struct cs_cpus av = *avail;
	int owner[CS_MAX_CIDS];

	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cs_cpus_andnot(&av, &cells[i].cur);
	for (unsigned int i = 0; i < nr; i++) {
		const struct cs_plan_cell *c = &cells[i];
		struct cs_cpus keep = c->cur, got = c->next, lost;
		unsigned int k, tgt = c->target;

		for (unsigned int j = i + 1; j < nr; j++)
			if (cs_cpus_intersects(&c->next, &cells[j].next))
				plan_fail("cells %u (%s) and %u (%s) overlap", i, F(&c->next), j,
					 F(&cells[j].next));
		if (!c->resizable) {
			if (!cs_cpus_equal(&c->next, &c->cur))
				plan_fail("fixed cell %u: %s became %s", i, F(&c->cur), F(&c->next));
			continue;
		}
		if (!cs_cpus_subset(&c->next, &av))
			plan_fail("cell %u: %s not within %s", i, F(&c->next), F(&av));
		if (cs_cpus_count(&c->next) != tgt)
			plan_fail("cell %u: %u CPUs (%s), target %u", i, cs_cpus_count(&c->next),
				 F(&c->next), tgt);
		cs_cpus_and(&keep, &av);
		k = cs_cpus_count(&keep);
		cs_cpus_andnot(&got, &keep);
		lost = keep;
		cs_cpus_andnot(&lost, &c->next);
		if (cs_cpus_count(&got) != (tgt > k ? tgt - k : 0) ||
		    cs_cpus_count(&lost) != (k > tgt ? k - tgt : 0))
			plan_fail("cell %u: %s -> %s for target %u: moves more than needed", i,
				 F(&c->cur), F(&c->next), tgt);
		if (tgt == cs_cpus_count(&c->cur) && cs_cpus_subset(&c->cur, &av) &&
		    !cs_cpus_equal(&c->cur, &c->next))
			plan_fail("cell %u: same size but %s became %s", i, F(&c->cur), F(&c->next));
		in_avail &= cs_cpus_subset(&c->cur, &av);
		empty &= cs_cpus_empty(&c->cur);
		smt &= tgt % 2 == 0;
		bound += tgt > cs_cpus_count(&c->cur) ? tgt - cs_cpus_count(&c->cur) :
							cs_cpus_count(&c->cur) - tgt;
	}
	if (in_avail) {
		if (cs_plan_moves(cells, nr) > bound)
			plan_fail("%u moves for %u CPUs of size changes", cs_plan_moves(cells, nr),
				 bound);
		done |= CHK_MOVES;
	}

	/* SMT: every core 2 CPUs, none half in avail' or half in a cell's cur */
	memset(cnt, 0, sizeof(cnt));
	for (int c = 0; c < CS_MAX_CIDS; c++)
		if (cs_cpus_test(&t->cpus, c))
			cnt[t->core[c]] += 0x100 + cs_cpus_test(&av, c);
	for (int c = 0; c < CS_MAX_CIDS; c++)
		smt &= !cnt[c] || (cnt[c] >> 8 == 2 && cnt[c] % 2 == 0);
	for (unsigned int i = 0; i < nr && smt; i++) {
		const struct cs_cpus *cur = &cells[i].cur;

		if (!cells[i].resizable)
			continue;
		memset(cnt, 0, sizeof(cnt));
		for (int c = 0; c < CS_MAX_CIDS; c++)
			cnt[t->core[c] >= 0 ? t->core[c] : c] += cs_cpus_test(cur, c);
		for (int c = 0; c < CS_MAX_CIDS; c++)
			smt &= !cs_cpus_test(cur, c) || cnt[t->core[c] >= 0 ? t->core[c] : c] == 2;
	}
	for (int c = 0; c < CS_MAX_CIDS; c++)
		owner[c] = -1;
	for (unsigned int i = 0; i < nr; i++)
		for (int c = 0; c < CS_MAX_CIDS; c++)
			if (cells[i].resizable && cs_cpus_test(&cells[i].next, c))
				owner[c] = (int)i;
	if (smt) {
		for (int c = 0; c < CS_MAX_CIDS; c++)
			if (cs_cpus_test(&av, c) && owner[c] != owner[t->core[c]])
				plan_fail("core %d split: CPU %d in cell %d, CPU %d in cell %d",
					 t->core[c], t->core[c], owner[t->core[c]], c, owner[c]);
		done |= CHK_SMT;
	}

	if (empty) {
		for (int c = 0; c < CS_MAX_CIDS; c++)
			if (cs_cpus_test(&av, c))
				llc_n[t->llc[c] >= 0 ? t->llc[c] : c]++;
		for (int l = 0; l < CS_MAX_CIDS; l++)
			if (llc_n[l] && llc_n[l] < lmin)
				lmin = llc_n[l];
		for (unsigned int i = 0; i < nr; i++) {
			unsigned int tgt = cells[i].target, span;

			if (!cells[i].resizable)
				continue;
			span = llc_span(t, &cells[i].next);
			if (span > (tgt + lmin - 1) / lmin + 1)
				plan_fail("cell %u: %u CPUs (%s) over %u LLCs of >= %u", i, tgt,
					 F(&cells[i].next), span, lmin);
		}
		done |= CHK_LLC;
	}
	return done;
}

static unsigned int place(const struct cs_topo *t, const char *avail, struct cs_plan_cell *cells,
			  unsigned int nr)
{
	struct cs_cpus a = S(avail);
	char err[256] = "";

	if (cs_plan_place(t, &a, cells, nr, err, sizeof(err)))
		fail_msg("cs_plan_place failed: %s", err);
	return check_plan(t, &a, cells, nr);
}

/* A resizable cell with @cur and @target (placement needs nothing else). */
static struct cs_plan_cell at(const char *cur, unsigned int target)
{
	return (struct cs_plan_cell){ .resizable = true, .min = 1, .max = CS_MAX_CIDS,
				      .weight = 100, .cur = S(cur), .target = target };
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

/* ---- properties ---- */

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
		assert_non_null(strstr(err, "cells need at least"));
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
		if (getenv("CS_TEST_TRACE"))
			dump_plan(&avail, cells, nr);
		if (plan_round(&p, &t, &avail, root_min, cells, nr, now, force, even))
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
	static const struct CMUnitTest fixed_tests[] = {
		cmocka_unit_test(test_topo_synth_small),
		cmocka_unit_test(test_topo_synth_1024),
		cmocka_unit_test(test_topo_groups_valid),
		cmocka_unit_test(test_topo_groups_overlap),
		cmocka_unit_test(test_topo_groups_core_spans_llcs),
		cmocka_unit_test(test_topo_groups_offline),
		cmocka_unit_test_setup_teardown(test_topo_read_sysfs, sysfs_setup, sysfs_teardown),
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
		cmocka_unit_test(test_place_shrink_feeds_grow),
		cmocka_unit_test(test_place_avail_shrank),
		cmocka_unit_test(test_place_fixed),
		cmocka_unit_test(test_place_enospc),
		cmocka_unit_test(test_place_tight_llcs),
		cmocka_unit_test(test_place_moves),
		cmocka_unit_test(test_perf_1024_64),
	};
	static char names[ARRAY_SIZE(topo_cases)][64];
	struct CMUnitTest tests[ARRAY_SIZE(fixed_tests) + ARRAY_SIZE(topo_cases)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	for (size_t i = 0; i < ARRAY_SIZE(topo_cases); i++) {
		const struct topo_case *tc = &topo_cases[i];

		snprintf(names[i], sizeof(names[i]), "random: %u CPUs, SMT%u, LLC %u", tc->cpus,
			 tc->smt, tc->llc);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = test_random,
						  .initial_state = (void *)tc };
	}
	return _cmocka_run_group_tests("planner", tests, n, NULL, NULL);
}
