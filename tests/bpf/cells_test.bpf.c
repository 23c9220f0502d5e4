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

/*
 * The host kernel has no sched_ext: the programs loaded here call no kfunc of
 * it, and the error path of the compat helpers, compiled into the others,
 * must not stop the object from loading.
 */
#pragma weak scx_bpf_error_bstr

/* the root's statistics are not kept here */
#define stat_inc(idx) do {} while (0)

/* the ops-side helpers of the header have no caller here */
#pragma clang diagnostic ignored "-Wunused-function"
#include "cells.bpf.h"

/* Take (*hold = 1) or release (0) the table's lock, as sub_attach would. */
SEC("syscall")
int cs_cells_test_lock(__u32 *hold)
{
	if (!*hold) {
		cs_ctl_unlock();
		return 0;
	}
	return cs_ctl_trylock() ? 0 : -EBUSY;
}

/* What the root's ops.init does to the table, for a machine of *ctx cids. */
SEC("syscall")
int cs_cells_test_init(__u32 *nr)
{
	return cs_cells_init(*nr);
}
