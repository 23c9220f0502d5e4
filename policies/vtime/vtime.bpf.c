/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/vtime/vtime.bpf.c: the "vtime" child policy: weighted fairness inside
 * a cell.
 *
 * The algorithm (weights by nice and sub-cgroup cpu.weight, lag clamping)
 * is in vtime.bpf.h, shared with embedded mode; here it runs over this
 * child's one queue (CS_CELL_DSQ) with the cell's clock vtime_now.
 *   - Pinned tasks (one allowed CPU) are queued like the others: the kernel's
 *     dispatch skips a task a CPU cannot run and takes the next one, so a
 *     pinned task never blocks the queue for the other CPUs, and the idle kick
 *     targets a CPU it may use.
 *
 * Cgroup weights come from ops.cpuctl_init / cpuctl_set_weight (the cell's
 * sub-cgroups; the cell's own cgroup belongs to the root); each task's
 * cgroup from init_task and cpuctl_move.
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (slice_us), CS_VTIME_LAG (lag_us).
 * ops.dump: "cellsched_vtime cell N: C cids held, I idle, Q queued, vtime_now V".
 */
#include "child.h"

#include "vtime.bpf.h"

static __u64 vtime_now;

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = vtime_queue_at(p, vtime_now, cs_tun[CS_VTIME_LAG]);

	if (cs_child_rescue(p, enq_flags))
		return;
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert_vtime(p, CS_CELL_DSQ, cs_tun[CS_TUN_SLICE], vtime, enq_flags);
	cs_child_kick_idle(p);
}

void BPF_STRUCT_OPS(vtime_running, struct task_struct *p)
{
	vtime_follow(p, &vtime_now);
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	vtime_charge(p, cs_tun[CS_TUN_SLICE]);
	cs_demand_stopping(p);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p, struct scx_enable_args *args)
{
	scx_bpf_task_set_dsq_vtime(p, vtime_now);
}

s32 BPF_STRUCT_OPS(vtime_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	vtime_remember_cgroup(p, args->cgroup);
	return 0;
}

VTIME_CGROUP_OPS(vtime_cpuctl_init, vtime_cpuctl_exit, vtime_cpuctl_set_weight,
		 vtime_cpuctl_move)

void BPF_STRUCT_OPS(vtime_dump, struct scx_dump_ctx *dctx)
{
	cs_child_dump("cellsched_vtime");
	scx_bpf_dump(", vtime_now %llu\n", vtime_now);
}

SCX_OPS_CID_DEFINE(vtime_ops,
	       .select_cid		= (void *)cs_child_op_select_cid,
	       .enqueue			= (void *)vtime_enqueue,
	       .dispatch		= (void *)cs_child_op_dispatch,
	       .running			= (void *)vtime_running,
	       .stopping		= (void *)vtime_stopping,
	       .enable			= (void *)vtime_enable,
	       .init_task		= (void *)vtime_init_task,
	       .cpuctl_init		= (void *)vtime_cpuctl_init,
	       .cpuctl_exit		= (void *)vtime_cpuctl_exit,
	       .cpuctl_set_weight	= (void *)vtime_cpuctl_set_weight,
	       .cpuctl_move		= (void *)vtime_cpuctl_move,
	       .update_idle		= (void *)cs_child_op_update_idle,
	       .sub_ecaps_updated	= (void *)cs_child_op_sub_ecaps_updated,
	       .init			= (void *)cs_child_op_init,
	       .exit			= (void *)cs_child_op_exit,
	       .dump			= (void *)vtime_dump,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= "cellsched_vtime");
