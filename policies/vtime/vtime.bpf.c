/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/vtime/vtime.bpf.c: the "vtime" child policy: weighted fairness inside
 * a cell.
 *
 * Algorithm: weighted virtual time over one queue ordered by vtime.
 *   - Weight of a task = its own weight (nice; p->scx.weight, 100 at nice 0)
 *     scaled by the cpu.weight of the cgroup it is in inside the cell
 *     (100 = neutral): w = task_weight * cgroup_weight / 100. Groups of equal
 *     size then share the cell in the ratio of their cpu.weight, tasks in a
 *     group by nice. (A flat approximation of the hierarchy: each task is
 *     charged with its own group's weight; groups with very different task
 *     counts share in proportion to weight x tasks.)
 *   - When a task stops, its vtime advances by the time it ran x 100 / w.
 *   - Lag clamping: a task that slept re-enters at most the lag behind the
 *     queue's clock (vtime_now), so sleeping cannot bank unlimited credit and
 *     a waking sleeper cannot monopolise the cell.
 *   - Pinned tasks (one allowed CPU) are queued like the others: the kernel's
 *     dispatch skips a task a CPU cannot run and takes the next one, so a
 *     pinned task never blocks the queue for the other CPUs, and the idle kick
 *     targets a CPU it may use.
 *
 * Cgroup weights come from ops.cpuctl_init / cpuctl_set_weight (the cell's
 * sub-cgroups; the cell's own cgroup belongs to the root), kept in a hash map
 * by cgroup id; each task remembers its cgroup id (init_task, cpuctl_move).
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (slice_us), CS_VTIME_LAG (lag_us).
 * ops.dump: "cellsched_vtime cell N: C cids held, I idle, Q queued, vtime_now V".
 */
#include "child.h"

enum {
	CS_VTIME_WEIGHT_DFL	= 100,	/* cpu.weight and task weight of nice 0 */
	CS_VTIME_MAX_CGROUPS	= 4096,	/* cgroups whose weight is tracked */
};

struct vtime_task {
	__u64 cgid;			/* the task's cgroup (inside the cell) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vtime_task);
} vtime_tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CS_VTIME_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, __u32);
} cgroup_weights SEC(".maps");

static __u64 vtime_now;

static __u32 task_weight(struct task_struct *p)
{
	struct vtime_task *t = bpf_task_storage_get(&vtime_tasks, p, NULL, 0);
	__u32 cgw = CS_VTIME_WEIGHT_DFL, *w;
	__u64 eff;

	if (t && t->cgid) {
		w = bpf_map_lookup_elem(&cgroup_weights, &t->cgid);
		if (w && *w)
			cgw = *w;
	}
	eff = (__u64)p->scx.weight * cgw / CS_VTIME_WEIGHT_DFL;
	return eff ? eff : 1;
}

static void remember_cgroup(struct task_struct *p, struct cgroup *cgrp)
{
	struct vtime_task *t;

	t = bpf_task_storage_get(&vtime_tasks, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t && cgrp)
		t->cgid = cgrp->kn->id;
}

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime, lag = cs_tun[CS_VTIME_LAG];

	if (cs_child_rescue(p, enq_flags))
		return;
	if (time_before(vtime, vtime_now - lag))
		vtime = vtime_now - lag;
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert_vtime(p, CS_CELL_DSQ, cs_tun[CS_TUN_SLICE], vtime, enq_flags);
	cs_child_kick_idle(p);
}

void BPF_STRUCT_OPS(vtime_running, struct task_struct *p)
{
	if (time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	u64 slice = cs_tun[CS_TUN_SLICE], used = slice > p->scx.slice ? slice - p->scx.slice : 0;

	scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime +
				   used * CS_VTIME_WEIGHT_DFL / task_weight(p));
	cs_demand_stopping(p);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p, struct scx_enable_args *args)
{
	scx_bpf_task_set_dsq_vtime(p, vtime_now);
}

s32 BPF_STRUCT_OPS(vtime_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	remember_cgroup(p, args->cgroup);
	return 0;
}

s32 BPF_STRUCT_OPS(vtime_cpuctl_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	__u64 id = cgrp->kn->id;
	__u32 w = args->weight;

	bpf_map_update_elem(&cgroup_weights, &id, &w, BPF_ANY);
	return 0;
}

void BPF_STRUCT_OPS(vtime_cpuctl_exit, struct cgroup *cgrp)
{
	__u64 id = cgrp->kn->id;

	bpf_map_delete_elem(&cgroup_weights, &id);
}

void BPF_STRUCT_OPS(vtime_cpuctl_set_weight, struct cgroup *cgrp, u32 weight)
{
	__u64 id = cgrp->kn->id;

	bpf_map_update_elem(&cgroup_weights, &id, &weight, BPF_ANY);
}

void BPF_STRUCT_OPS(vtime_cpuctl_move, struct task_struct *p, struct cgroup *from,
		    struct cgroup *to)
{
	remember_cgroup(p, to);
}

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
