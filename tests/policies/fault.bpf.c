/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/policies/fault.bpf.c: TEST ONLY child policy "test-fault": the fifo
 * policy's steps from the child library (policies/lib/child.h), with an
 * enqueue that calls scx_bpf_error() at its fault_after'th call, so the VM
 * tests can watch the kernel eject a child and the controller restart it.
 * Built into cellsched only with -Dtest_policies=true.
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (slice_us), CS_FAULT_AFTER
 * (fault_after: enqueues before the error).
 */
#include "child.h"

static __u64 nr_enqueued;

void BPF_STRUCT_OPS(fault_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (__sync_add_and_fetch(&nr_enqueued, 1) == cs_tun[CS_FAULT_AFTER])
		scx_bpf_error("test fault after %llu enqueues", cs_tun[CS_FAULT_AFTER]);
	cs_child_enqueue_fifo(p, enq_flags);
}

void BPF_STRUCT_OPS(fault_dump, struct scx_dump_ctx *dctx)
{
	cs_child_dump("cellsched_fault");
	scx_bpf_dump("\n");
}

SCX_OPS_CID_DEFINE(fault_ops,
	       .select_cid		= (void *)cs_child_op_select_cid,
	       .enqueue			= (void *)fault_enqueue,
	       .dispatch		= (void *)cs_child_op_dispatch,
	       .running			= (void *)cs_child_op_running,
	       .stopping		= (void *)cs_child_op_stopping,
	       .update_idle		= (void *)cs_child_op_update_idle,
	       .sub_ecaps_updated	= (void *)cs_child_op_sub_ecaps_updated,
	       .init			= (void *)cs_child_op_init,
	       .exit			= (void *)cs_child_op_exit,
	       .dump			= (void *)fault_dump,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= "cellsched_fault");
