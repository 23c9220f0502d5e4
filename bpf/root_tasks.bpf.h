/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/root_tasks.bpf.h: what the root keeps per task of the root cell and
 * per cgroup of it (included once, by root.bpf.c): the task storage, the
 * cgroups' cpu.weight and runnable counts (ops.runnable/quiescent,
 * ops.cgroup_*), and what a run costs in virtual time (vtime_cost).
 */
#ifndef CELLSCHED_ROOT_TASKS_BPF_H
#define CELLSCHED_ROOT_TASKS_BPF_H

/* What the root keeps per task. */
struct root_task {
	__u64 queued_at;		/* ns, when last queued for one cid */
	__u64 cgid;			/* its cgroup (for the cgroup's weight and count) */
	__u32 runnable;			/* counted in its cgroup's nr_runnable */
	__u32 pad;
	__u64 ran_from;			/* its sum_exec_runtime when it last started running */
};

/*
 * The cgroups of the root cell (those outside cells): cpu.weight and how
 * many of their tasks are runnable. A task's share is its cgroup's share
 * divided among the cgroup's runnable tasks (by nice), as if each cgroup
 * were one task of its cpu.weight: fairness between cgroups, as EEVDF's
 * group scheduling and scx_flatcg give, flattened (a nested cgroup counts
 * with its own weight). Tasks of the root cgroup itself count one each.
 */
struct root_cgroup {
	__u32 weight;			/* cpu.weight, 100 = neutral */
	__s32 nr_runnable;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CS_ROOT_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, struct root_cgroup);
} root_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct root_task);
} root_tasks SEC(".maps");

static struct root_task *root_task(struct task_struct *p, bool create)
{
	return bpf_task_storage_get(&root_tasks, p, NULL,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* When @p was queued on a cid's own DSQ (0 if unknown). */
static u64 queued_at(struct task_struct *p)
{
	struct root_task *t = root_task(p, false);

	return t ? t->queued_at : 0;
}

/* Count @t runnable (@delta 1) or not (-1) in its cgroup, once each way. */
static void cgroup_count(struct root_task *t, s32 delta)
{
	struct root_cgroup *cg;

	if (!t || t->runnable == (delta > 0))
		return;
	t->runnable = delta > 0;
	cg = bpf_map_lookup_elem(&root_cgroups, &t->cgid);
	if (cg)
		__sync_fetch_and_add(&cg->nr_runnable, delta);
}

/*
 * The virtual time @p's run of @used ns costs: scaled by its weight and its
 * cgroup's. @t: its root_task if the caller has it, else NULL (looked up).
 */
static u64 vtime_cost(struct task_struct *p, struct root_task *t, u64 used)
{
	struct root_cgroup *cg;
	u64 weight = p->scx.weight ?: 1, nr;

	if (!t)
		t = root_task(p, false);
	cg = t && t->cgid != CS_ROOT_CGROUP_ID ? bpf_map_lookup_elem(&root_cgroups, &t->cgid) : NULL;
	if (!cg)
		return used * CS_WEIGHT_NEUTRAL / weight;
	nr = cg->nr_runnable > 1 ? cg->nr_runnable : 1;
	return used * CS_WEIGHT_NEUTRAL * CS_WEIGHT_NEUTRAL * nr / (weight * (cg->weight ?: 1));
}

/*
 * The run @p has not been charged for yet: what it ran since running() or
 * the last keep_prev() (sum_exec_runtime, which the kernel keeps up to
 * date); from the slice left if that is unknown. Slices differ (1 ms on a
 * cell's CPU), so the slice left alone does not say.
 */
static u64 run_to_charge(struct task_struct *p, struct root_task *t)
{
	if (t && p->se.sum_exec_runtime > t->ran_from)
		return p->se.sum_exec_runtime - t->ran_from;
	return p->scx.slice < root_slice_ns ? root_slice_ns - p->scx.slice : 0;
}

/* ---- the cgroups' runnable counts ------------------------------------------------ */

void BPF_STRUCT_OPS(cs_root_runnable, struct task_struct *p, u64 enq_flags)
{
	cgroup_count(root_task(p, false), 1);
}

void BPF_STRUCT_OPS(cs_root_quiescent, struct task_struct *p, u64 deq_flags)
{
	cgroup_count(root_task(p, false), -1);
}

/* ---- cgroups of the root cell ------------------------------------------------------ */

s32 BPF_STRUCT_OPS(cs_root_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct root_task *t = root_task(p, true);

	if (!t)
		return -ENOMEM;
	t->cgid = args->cgroup ? args->cgroup->kn->id : CS_ROOT_CGROUP_ID;
	t->runnable = 0;
	return 0;
}

/* The task leaves the root (exits, or moves into a cell): out of its cgroup's count. */
void BPF_STRUCT_OPS(cs_root_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	cgroup_count(root_task(p, false), -1);
}

s32 BPF_STRUCT_OPS(cs_root_cpuctl_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	struct root_cgroup cg = { .weight = args->weight };
	__u64 id = cgrp->kn->id;

	bpf_map_update_elem(&root_cgroups, &id, &cg, BPF_ANY);
	return 0;
}

void BPF_STRUCT_OPS(cs_root_cpuctl_exit, struct cgroup *cgrp)
{
	__u64 id = cgrp->kn->id;

	bpf_map_delete_elem(&root_cgroups, &id);
}

void BPF_STRUCT_OPS(cs_root_cpuctl_set_weight, struct cgroup *cgrp, u32 weight)
{
	__u64 id = cgrp->kn->id;
	struct root_cgroup *cg = bpf_map_lookup_elem(&root_cgroups, &id);

	if (cg)
		cg->weight = weight;
}

void BPF_STRUCT_OPS(cs_root_cpuctl_move, struct task_struct *p, struct cgroup *from,
		    struct cgroup *to)
{
	struct root_task *t = root_task(p, false);
	u32 runnable;

	if (!t)
		return;
	runnable = t->runnable;
	cgroup_count(t, -1);
	t->cgid = to->kn->id;
	if (runnable)
		cgroup_count(t, 1);
}

#endif /* CELLSCHED_ROOT_TASKS_BPF_H */
