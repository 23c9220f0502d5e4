// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_topology.c: orchestrator/topology.c: made-up layouts (4
 * CPUs SMT2 1 LLC, 1024 CPUs SMT2 LLC 16), groups from the configuration
 * (valid ones, and overlapping groups, a core spanning two LLCs, a CPU that is
 * not online, each with its message), and reading a fake sysfs tree (siblings
 * numbered apart as on x86, an offline sibling, CPUs with missing files,
 * equal cache levels, lists that disagree, a bad list, a missing tree).
 */
#define _GNU_SOURCE		/* nftw() in fake_tree.h */
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

#include "fake_tree.h"
#include "sets.h"
#include "topology.h"

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
			   "core groups 1 (0-1) and 2 (1-2) overlap on CPU 1");
	assert_groups_fail("0-7", ok_cores, 1, llcs, 2,
			   "LLC groups 1 (0-3) and 2 (3-5) overlap on CPU 3");
}

static void test_topo_groups_core_spans_llcs(void **state)
{
	struct cs_cpus cores[] = { S("0-1"), S("3-4") }, llcs[] = { S("0-3"), S("4-7") };
	struct cs_cpus cores2[] = { S("8-9") }, llcs2[] = { S("0-8") };

	(void)state;
	assert_groups_fail("0-9", cores, 2, llcs, 2,
			   "core group 2 (3-4) spans two LLCs: CPUs 3 and 4 do not share one");
	/* CPU 9 is in no LLC group, so in its own */
	assert_groups_fail("0-9", cores2, 1, llcs2, 1,
			   "core group 1 (8-9) spans two LLCs: CPUs 8 and 9 do not share one");
}

static void test_topo_groups_offline(void **state)
{
	struct cs_cpus cores[] = { S("0-1"), S("6-7") }, llcs[] = { S("0-3"), S("4-9") };

	(void)state;
	assert_groups_fail("0-6", cores, 2, NULL, 0,
			   "core group 2 (6-7) names CPU 7, which is not online");
	assert_groups_fail("0-8", cores, 1, llcs, 2,
			   "LLC group 2 (4-9) names CPU 9, which is not online");
}

static void put_cache(int cpu, int index, const char *level, const char *shared)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "cpu%d/cache/index%d/level", cpu, index);
	put(rel, level);
	snprintf(rel, sizeof(rel), "cpu%d/cache/index%d/shared_cpu_list", cpu, index);
	put(rel, shared);
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

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topo_synth_small),
		cmocka_unit_test(test_topo_synth_1024),
		cmocka_unit_test(test_topo_groups_valid),
		cmocka_unit_test(test_topo_groups_overlap),
		cmocka_unit_test(test_topo_groups_core_spans_llcs),
		cmocka_unit_test(test_topo_groups_offline),
		cmocka_unit_test_setup_teardown(test_topo_read_sysfs, tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
