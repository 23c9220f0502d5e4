// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bpf/test_cells.c: the root's cell table and its add entry point
 * (SEC("syscall") cs_cell_add of bpf/cells.bpf.h) run by the host kernel: the
 * "every cid has exactly one owner" invariant is enforced in BPF, not only by
 * the controller. Needs root; skipped with the reason otherwise.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpf_test.h"
#include <scx/common.h>		/* the u64 of the skeleton's sched_ext enum slots */

#include "cellsched.h"
#include "cells_test.skel.h"

enum { NR_CIDS = 8 };

static struct cells_test_bpf *skel;

static int setup(void **state)
{
	struct bpf_program *p;
	__u32 nr = NR_CIDS;

	(void)state;
	if (geteuid() != 0)
		return 0;
	skel = cells_test_bpf__open();
	if (!skel)
		return -1;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == skel->progs.cs_cell_add ||
					     p == skel->progs.cs_cells_test_lock ||
					     p == skel->progs.cs_cells_test_init);
	if (cells_test_bpf__load(skel))
		return -1;
	return cs_prog_run(skel->progs.cs_cells_test_init, &nr, sizeof(nr));
}

static int teardown(void **state)
{
	(void)state;
	cells_test_bpf__destroy(skel);
	return 0;
}

static const struct cs_shared *shared(void)
{
	return &skel->arena->cs_shared;
}

/* cs_cell_add(cell, cgid, cids given as a bit mask); returns cmd.ret */
static int add(__u32 cell, __u64 cgid, __u64 mask, __u32 *seq)
{
	struct cs_cell_cmd cmd = { .cell = cell, .cgid = cgid };

	cmd.cids.bits[0] = mask;
	cs_prog_run(skel->progs.cs_cell_add, &cmd, sizeof(cmd));
	if (seq)
		*seq = cmd.seq;
	return cmd.ret;
}

static void test_init_state(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	for (int c = 0; c < CS_MAX_CIDS; c++)
		assert_int_equal(shared()->cid_owner[c], CS_OWNER_ROOT);
	assert_int_not_equal(shared()->event_q, 0);
}

static void test_add_owns_cids(void **state)
{
	const struct cs_cell *cell;
	__u32 seq0, seq;

	(void)state;
	CS_NEED_ROOT(skel);
	seq0 = shared()->seq;
	assert_int_equal(add(0, 1000, 0x6 /* cids 1-2 */, &seq), 0);
	cell = &shared()->cells[0];
	assert_int_equal(cell->state, CS_CELL_CONFIGURED);
	assert_int_equal(cell->cgid, 1000);
	assert_int_equal(cell->nr_cids, 2);
	assert_int_equal(cell->cids.bits[0], 0x6);
	assert_int_equal(shared()->cid_owner[0], CS_OWNER_ROOT);
	assert_int_equal(shared()->cid_owner[1], 0);
	assert_int_equal(shared()->cid_owner[2], 0);
	assert_int_equal(shared()->cid_owner[3], CS_OWNER_ROOT);
	assert_int_equal(seq, seq0 + 1);
	assert_int_equal(shared()->seq, seq);
	/* its demand queue lives in the arena, page-aligned */
	assert_int_not_equal(cell->demand_q, 0);
	assert_int_equal(cell->demand_q % 4096, 0);
	assert_true(cell->demand_q >= CS_ARENA_ADDR &&
		    cell->demand_q < CS_ARENA_ADDR + (__u64)CS_ARENA_PAGES * 4096);
}

/* a cid another cell owns is refused, counted, and nothing changes */
static void test_overlap_refused(void **state)
{
	__u32 viol, seq;

	(void)state;
	CS_NEED_ROOT(skel);
	viol = shared()->nr_violations;
	seq = shared()->seq;
	assert_int_equal(add(1, 1001, 0x18 /* cids 3-4 */, NULL), 0);
	assert_int_equal(add(2, 1002, 0x30 /* cids 4-5: 4 is cell 1's */, NULL), -EBUSY);
	assert_int_equal(shared()->nr_violations, viol + 1);
	assert_int_equal(shared()->cells[2].state, CS_CELL_FREE);
	assert_int_equal(shared()->cid_owner[4], 1);
	assert_int_equal(shared()->cid_owner[5], CS_OWNER_ROOT);
	assert_int_equal(shared()->seq, seq + 1);	/* only cell 1's add published */
}

static void test_bad_adds(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	assert_int_equal(add(3, 1003, 1ULL << NR_CIDS, NULL), -EINVAL);	/* no such cid */
	assert_int_equal(add(3, 0, 0x80, NULL), -EINVAL);		/* no cgroup */
	assert_int_equal(add(CS_MAX_CELLS, 1003, 0x80, NULL), -EINVAL);	/* no such slot */
	assert_int_equal(add(0, 1003, 0x80, NULL), -EEXIST);		/* slot taken */
	assert_int_equal(add(3, 1000, 0x80, NULL), -EEXIST);		/* cgroup taken */
	assert_int_equal(shared()->cells[3].state, CS_CELL_FREE);
	assert_int_equal(shared()->cid_owner[7], CS_OWNER_ROOT);
	assert_int_equal(add(3, 1003, 0x80, NULL), 0);
	assert_int_equal(shared()->cid_owner[7], 3);
}

/*
 * Regression test (the kernel's sub_attach/sub_detach racing the controller's
 * cell changes): while another writer holds the table's lock, a change is
 * answered -EAGAIN and changes nothing; once it is free, it goes through.
 */
static void test_locked_table(void **state)
{
	__u32 hold = 1, seq = shared()->seq;

	(void)state;
	CS_NEED_ROOT(skel);
	assert_int_equal(cs_prog_run(skel->progs.cs_cells_test_lock, &hold, sizeof(hold)), 0);
	assert_int_equal(add(5, 1005, 0x1, NULL), -EAGAIN);
	assert_int_equal(shared()->cells[5].state, CS_CELL_FREE);
	assert_int_equal(shared()->cid_owner[0], CS_OWNER_ROOT);
	assert_int_equal(shared()->seq, seq);
	hold = 0;
	assert_int_equal(cs_prog_run(skel->progs.cs_cells_test_lock, &hold, sizeof(hold)), 0);
	assert_int_equal(add(5, 1005, 0x1, NULL), 0);
	assert_int_equal(shared()->cid_owner[0], 5);
}

/* a cell whose CPUs are all offline is added with none, and owns nothing */
static void test_add_without_cids(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	assert_int_equal(add(4, 1004, 0, NULL), 0);
	assert_int_equal(shared()->cells[4].state, CS_CELL_CONFIGURED);
	assert_int_equal(shared()->cells[4].nr_cids, 0);
	for (int c = 0; c < NR_CIDS; c++)
		assert_int_not_equal(shared()->cid_owner[c], 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_state),
		cmocka_unit_test(test_add_owns_cids),
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_bad_adds),
		cmocka_unit_test(test_add_without_cids),
		cmocka_unit_test(test_locked_table),
	};

	return cmocka_run_group_tests_name("bpf-cells", tests, setup, teardown);
}
