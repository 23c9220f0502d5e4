/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bpf/cells_test.bpf.c: the root's cell table (bpf/cells.bpf.h) on a
 * kernel without sched_ext. Only the programs that call no sched_ext kfunc
 * are loaded by the test (cs_cells_test_init and cs_cell_add); the others are
 * compiled in because the header defines them, and left unloaded.
 */
#include <scx/common.bpf.h>

#include "cellsched.h"

char _license[] SEC("license") = "GPL";

CS_ARENA_MAP(arena);

/* the ops-side helpers of the header have no caller here */
#pragma clang diagnostic ignored "-Wunused-function"
#include "cells.bpf.h"

/* What the root's ops.init does to the table, for a machine of *ctx cids. */
SEC("syscall")
int cs_cells_test_init(__u32 *nr)
{
	return cs_cells_init(*nr);
}
