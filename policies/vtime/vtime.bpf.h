/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/vtime/vtime.bpf.h: the "vtime" policy's algorithm, written once
 * for both hosts that run it: the native child (policies/vtime/vtime.bpf.c,
 * one cell per scheduler) and embedded mode's scheduler (bpf/embedded.bpf.c,
 * every cell in one). The host owns the queue and the cell's clock; these
 * steps decide.
 *
 * Algorithm: weighted virtual time over one queue ordered by vtime.
 *   - Weight of a task = its own weight (nice; p->scx.weight, 100 at nice 0)
 *     scaled by the cpu.weight of the cgroup it is in inside the cell
 *     (100 = neutral): w = task_weight * cgroup_weight / 100. Groups of equal
 *     size then share the cell in the ratio of their cpu.weight, tasks in a
 *     group by nice. (A flat approximation of the hierarchy: each task is
 *     charged with its own group's weight; groups with very different task
 *     counts share in proportion to weight x tasks.)
 *   - When a task stops, its vtime advances by the slice it used x 100 / w.
 *   - Lag clamping: a task that slept re-enters at most the lag behind the
 *     cell's clock (vnow), so sleeping cannot bank unlimited credit and a
 *     waking sleeper cannot monopolise the cell.
 *
 * Cgroup weights: the host feeds vtime_cgroup_weight() from its cgroup ops
 * (cpuctl_* in cid-form, cgroup_* in cpu-form) and vtime_remember_cgroup()
 * from init_task and the task's cgroup moves.
 * Include once per BPF object (it defines the policy's maps). Prefix: vtime_.
 */
#ifndef CELLSCHED_POLICY_VTIME_BPF_H
#define CELLSCHED_POLICY_VTIME_BPF_H

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

static __u32 vtime_task_weight(struct task_struct *p)
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

static void vtime_remember_cgroup(struct task_struct *p, struct cgroup *cgrp)
{
	struct vtime_task *t;

	t = bpf_task_storage_get(&vtime_tasks, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t && cgrp)
		t->cgid = cgrp->kn->id;
}

/* A cgroup's cpu.weight (@weight), or its end (@weight 0). */
static void vtime_cgroup_weight(struct cgroup *cgrp, __u32 weight)
{
	__u64 id = cgrp->kn->id;

	if (weight)
		bpf_map_update_elem(&cgroup_weights, &id, &weight, BPF_ANY);
	else
		bpf_map_delete_elem(&cgroup_weights, &id);
}

/* Where @p goes in the queue: its vtime, at most @lag behind the clock @vnow. */
static __u64 vtime_queue_at(const struct task_struct *p, __u64 vnow, __u64 lag)
{
	__u64 vtime = p->scx.dsq_vtime;

	return time_before(vtime, vnow - lag) ? vnow - lag : vtime;
}

/* @p starts running: the cell's clock @vnow follows the vtime of what runs. */
static void vtime_follow(const struct task_struct *p, __u64 *vnow)
{
	if (time_before(*vnow, p->scx.dsq_vtime))
		*vnow = p->scx.dsq_vtime;
}

/* @p stops: charge the part of @slice it used, by its weight. */
static void vtime_charge(struct task_struct *p, __u64 slice)
{
	__u64 used = slice > p->scx.slice ? slice - p->scx.slice : 0;

	scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime +
				   used * CS_VTIME_WEIGHT_DFL / vtime_task_weight(p));
}

/*
 * The four cgroup ops every host names in its ops table, as @init, @exit,
 * @set_weight and @move (cpuctl_* in cid-form, cgroup_* in cpu-form): the
 * weights of the cgroups and which cgroup each task is in.
 */
#define VTIME_CGROUP_OPS(init, exit, set_weight, move)					\
s32 BPF_STRUCT_OPS(init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)	\
{											\
	vtime_cgroup_weight(cgrp, args->weight ?: CS_VTIME_WEIGHT_DFL);			\
	return 0;									\
}											\
void BPF_STRUCT_OPS(exit, struct cgroup *cgrp)						\
{											\
	vtime_cgroup_weight(cgrp, 0);							\
}											\
void BPF_STRUCT_OPS(set_weight, struct cgroup *cgrp, u32 weight)			\
{											\
	vtime_cgroup_weight(cgrp, weight ?: CS_VTIME_WEIGHT_DFL);			\
}											\
void BPF_STRUCT_OPS(move, struct task_struct *p, struct cgroup *from, struct cgroup *to)	\
{											\
	vtime_remember_cgroup(p, to);							\
}

#endif /* CELLSCHED_POLICY_VTIME_BPF_H */
