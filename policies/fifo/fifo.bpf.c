/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cells/fifo/fifo.bpf.c: the "fifo" child policy, a cid-form sched_ext
 * sub-scheduler that runs one cell.
 *
 * Algorithm: one FIFO queue (CS_CELL_DSQ) for every task of the cell, each
 * run for at most slice_ns before going to the back of the queue. A waking
 * task goes straight to an idle cid of the cell it may run on; otherwise it
 * is queued and an idle allowed cid is kicked to take it. Fair in turns, not
 * in CPU time: a task that sleeps often gets less. Cheapest of the policies.
 *
 * Everything a child shares with the others (granted cids, idle tracking,
 * rescue, demand reports, the arena) is in cells/child.bpf.h. Tasks losing
 * their CPU to a revoke come back through enqueue (SCX_TASK_REENQ_CAP) and are
 * queued for the remaining cids.
 *
 * Tunables (rodata): slice_ns (YAML slice_us).
 * ops.dump: "<name> cell N: C cids held, I idle, Q queued".
 */
#define CS_CHILD_DSQ CS_CELL_DSQ
#include "child.bpf.h"

#ifndef CS_FIFO_NAME
#define CS_FIFO_NAME "cellsched_fifo"
#endif
#ifndef cs_fifo_enqueue_hook
#define cs_fifo_enqueue_hook(p) do {} while (0)
#endif

s32 BPF_STRUCT_OPS(fifo_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	return cs_child_select_cid(p, prev_cid);
}

void BPF_STRUCT_OPS(fifo_enqueue, struct task_struct *p, u64 enq_flags)
{
	cs_fifo_enqueue_hook(p);
	if (cs_child_rescue(p, enq_flags))
		return;
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert(p, CS_CELL_DSQ, slice_ns, enq_flags);
	cs_child_kick_idle(p);
}

void BPF_STRUCT_OPS(fifo_dispatch, s32 cid, struct task_struct *prev)
{
	cs_child_dispatch();
}

void BPF_STRUCT_OPS(fifo_running, struct task_struct *p)
{
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(fifo_stopping, struct task_struct *p, bool runnable)
{
	cs_demand_stopping(p);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fifo_init)
{
	return cs_child_init();
}

void BPF_STRUCT_OPS(fifo_dump, struct scx_dump_ctx *dctx)
{
	scx_bpf_dump("%s cell %u: %u cids held, %u idle, %d queued\n", CS_FIFO_NAME, cell_idx,
		     cs_cids_weight(&held), cs_cids_weight(&idle),
		     scx_bpf_dsq_nr_queued(CS_CELL_DSQ));
}

SCX_OPS_CID_DEFINE(fifo_ops,
	       .select_cid		= (void *)fifo_select_cid,
	       .enqueue			= (void *)fifo_enqueue,
	       .dispatch		= (void *)fifo_dispatch,
	       .running			= (void *)fifo_running,
	       .stopping		= (void *)fifo_stopping,
	       .update_idle		= (void *)cs_child_update_idle,
	       .sub_ecaps_updated	= (void *)cs_child_sub_ecaps_updated,
	       .init			= (void *)fifo_init,
	       .exit			= (void *)cs_child_exit,
	       .dump			= (void *)fifo_dump,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= CS_FIFO_NAME);
