/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/embedded_task_cell.bpf.h: embedded mode's lookups (included once, by
 * bpf/embedded.bpf.c, after its maps): which cell a CPU and a task belong to
 * (the task's answer kept in its storage until the cell table or its cgroup
 * changes), and a cell's configuration as the scheduling paths read it:
 * slice, lending, policy.
 */
#ifndef CELLSCHED_EMBEDDED_TASK_CELL_BPF_H
#define CELLSCHED_EMBEDDED_TASK_CELL_BPF_H

static __always_inline struct cs_cell __arena *cell_get(s32 idx)
{
	if (idx < 0 || idx >= CS_MAX_CELLS)
		return NULL;
	return &cs_shared.cells[idx];
}

static struct cs_emb_cell *cell_conf_get(s32 idx)
{
	__u32 key = idx;

	if (idx < 0 || idx >= CS_MAX_CELLS)
		return NULL;
	return bpf_map_lookup_elem(&cell_conf, &key);
}

/* The cell that runs @cpu, or -1 for the root cell. */
static s32 cpu_cell(s32 cpu)
{
	struct cs_cell __arena *cell;
	s32 owner;

	if (cpu < 0 || cpu >= CS_MAX_CIDS)
		return -1;
	owner = cs_shared.cid_owner[cpu];
	cell = cell_get(owner);
	return cell && cell->state == CS_CELL_ATTACHED ? owner : -1;
}

/*
 * The running cell with CPUs that a task of cgroup @cg belongs to, or -1:
 * the nearest ancestor of @cg (on the default hierarchy; itself included)
 * that is a cell's. Read with CO-RE probe reads: only ids are compared,
 * nothing is dereferenced twice.
 */
static s32 find_cell(struct cgroup *cg)
{
	struct cgroup *anc;
	struct cs_cell __arena *cell;
	__u32 *idx;
	__u64 id;
	int level, i;

	level = BPF_CORE_READ(cg, level);
	bpf_for(i, 0, 16) {
		if (level - i < 1)
			break;
		anc = NULL;
		bpf_probe_read_kernel(&anc, sizeof(anc), &cg->ancestors[level - i]);
		if (!anc)
			break;
		id = BPF_CORE_READ(anc, kn, id);
		idx = bpf_map_lookup_elem(&cgid_cell, &id);
		if (!idx)
			continue;
		cell = cell_get(*idx);
		/* a cell without CPUs (all offline) runs nothing: its tasks are the root cell's */
		return cell && cell->state == CS_CELL_ATTACHED && cell->nr_cids ? (s32)*idx : -1;
	}
	return -1;
}

/*
 * The answer is kept in the task's storage while neither the cell table
 * (cs_shared.seq, which every change to a cell moves on) nor the task's
 * cgroup (its id: never reused) changed: the walk above runs once per task
 * and change, not at every enqueue, wake-up and stop.
 */
static s32 task_cell(struct task_struct *p)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);
	struct cgroup *cg = BPF_CORE_READ(p, cgroups, dfl_cgrp);
	__u32 seq = cs_shared.seq + 1;
	__u64 cgid;
	s32 cell;

	if (!cg)
		return -1;
	cgid = BPF_CORE_READ(cg, kn, id);
	if (t && t->cell_seq == seq && t->cell_cgid == cgid)
		return t->cell;
	cell = find_cell(cg);
	if (t) {
		t->cell = cell;
		t->cell_cgid = cgid;
		t->cell_seq = seq;
	}
	return cell;
}

static __u64 cell_slice(s32 cell)
{
	struct cs_emb_cell *conf = cell_conf_get(cell);

	if (cell < 0)
		return root_slice_ns;
	return conf && conf->tunables[CS_TUN_SLICE] ? conf->tunables[CS_TUN_SLICE] :
	       CS_CELL_SLICE_NS_DFL;
}

static bool cell_lends(s32 cell)
{
	struct cs_cell __arena *c = cell_get(cell);

	return c && c->lend;
}

static __u32 cell_policy(s32 cell)
{
	struct cs_emb_cell *conf = cell_conf_get(cell);

	return conf ? conf->policy : CS_EMB_NONE;
}

#endif /* CELLSCHED_EMBEDDED_TASK_CELL_BPF_H */
