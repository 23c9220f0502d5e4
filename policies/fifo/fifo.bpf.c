/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/fifo/fifo.bpf.c: the "fifo" child policy, a cid-form sched_ext
 * sub-scheduler that runs one cell.
 *
 * Algorithm: one FIFO queue (CS_CELL_DSQ) for every task of the cell, each
 * run for at most the slice before going to the back of the queue. A waking
 * task goes straight to an idle cid of the cell it may run on; otherwise it
 * is queued and an idle allowed cid is kicked to take it. Fair in turns, not
 * in CPU time: a task that sleeps often gets less. Cheapest of the policies.
 *
 * These are the child library's one-queue steps as they are
 * (policies/lib/child.h), which also holds what every child shares: granted
 * cids, idle tracking, rescue, demand reports, the arena, live tunables.
 * Tasks losing their CPU to a revoke come back through enqueue
 * (SCX_TASK_REENQ_CAP) and are queued for the remaining cids.
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (YAML slice_us).
 * ops.dump: "cellsched_fifo cell N: C cids held, I idle, Q queued".
 */
#include "child.h"

void BPF_STRUCT_OPS(fifo_dump, struct scx_dump_ctx *dctx)
{
	cs_child_dump("cellsched_fifo");
	scx_bpf_dump("\n");
}

SCX_OPS_CID_DEFINE(fifo_ops,
	       .select_cid		= (void *)cs_child_op_select_cid,
	       .enqueue			= (void *)cs_child_op_enqueue_fifo,
	       .dispatch		= (void *)cs_child_op_dispatch,
	       .running			= (void *)cs_child_op_running,
	       .stopping		= (void *)cs_child_op_stopping,
	       .update_idle		= (void *)cs_child_op_update_idle,
	       .sub_ecaps_updated	= (void *)cs_child_op_sub_ecaps_updated,
	       .init			= (void *)cs_child_op_init,
	       .exit			= (void *)cs_child_op_exit,
	       .dump			= (void *)fifo_dump,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= "cellsched_fifo");
