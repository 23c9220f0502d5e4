/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/cells.bpf.h: the cell table of the root and everything that changes it.
 *
 * Owns: cid ownership (cs_shared.cid_owner[], the cells[] table in the arena,
 * the root_cids set), the caps the root grants to and revokes from cell
 * sub-schedulers, the parent-side sub-scheduler ops (sub_attach/sub_detach)
 * the controller's entry points (SEC("syscall") cs_cell_add,
 * cs_cell_resize, cs_cell_remove), and the root's end of the IPC queues: one
 * demand queue per cell (the child reports, the root's timer collects the
 * latest report into the cell table) and the event queue to the controller
 * (children attached and detached). Included once, by bpf/root.bpf.c, which
 * owns the ops table and the root cell's policy; the split keeps ownership
 * of cells apart from scheduling.
 *
 * Invariants kept here:
 *   - every cid has exactly one owner: a cell (cid_owner >= 0) or the root
 *     cell; add and grow refuse cids another cell owns (counted in
 *     nr_violations, -EBUSY);
 *   - a cid is routed to a cell (dispatch calls scx_bpf_sub_dispatch) only
 *     while that cell is ATTACHED; otherwise it serves the root cell, so a
 *     cell without a child (not yet attached, restarting, ejected) still has
 *     its tasks run by the root;
 *   - shrinking is: stop routing, revoke, then publish (seq); a cell never
 *     stays attached with zero cids: resizing to none kills its child.
 *
 * Concurrency: the controller runs one syscall program at a time; sub_attach
 * and sub_detach run from the kernel's enable/disable paths. Readers on the
 * scheduling fast paths (dispatch, enqueue) read owner/state without locks;
 * the ordering of the writes above makes every intermediate state safe.
 */
#ifndef CELLSCHED_CELLS_BPF_H
#define CELLSCHED_CELLS_BPF_H

#include "cellsched.h"
#include "cids.bpf.h"
#include "queue_impl.h"

/* Caps a cell's child gets on its cids; implied caps must be granted explicitly. */
#define CS_CELL_CAPS	(SCX_CAP_ENQ_IMMED | SCX_CAP_ENQ | SCX_CAP_PREEMPT)
#define CS_ALL_CAPS	(SCX_CAP_ENQ_IMMED | SCX_CAP_ENQ | SCX_CAP_PREEMPT | SCX_CAP_PERF)

struct cs_shared __arena_global cs_shared;

/*
 * Kernel-format cmask (struct scx_cmask: base, nr_cids, alloc_words, bits[])
 * for grant/revoke, which take arena cmasks. Raw words so the skeleton needs
 * no kernel type; one for ops context, one for the syscall programs.
 */
enum { CS_CMASK_U64S = 2 + CS_CID_WORDS + 1 };
__u64 __arena_global cs_cmask_ops[CS_CMASK_U64S];
__u64 __arena_global cs_cmask_ctl[CS_CMASK_U64S];

/* cids the root schedules itself: not owned by an attached cell */
static struct cs_cids root_cids;
static __u32 nr_cids;

/*
 * Scratch sets of the syscall programs (too big for the 512-byte BPF stack
 * together). Only the syscall programs use them, and the controller runs
 * those one at a time.
 */
static struct {
	struct cs_cids want, have, gone, added;
} ctl;

static __always_inline struct cs_cell __arena *cs_cell_get(__u32 idx)
{
	if (idx >= CS_MAX_CELLS)
		return NULL;
	return &cs_shared.cells[idx];
}

/* Cell owning @cid if it is attached (its cid is routed to its child), else NULL. */
static __always_inline struct cs_cell __arena *cs_cell_routed(s32 cid)
{
	struct cs_cell __arena *cell;
	s32 owner;

	if (cid < 0 || cid >= CS_MAX_CIDS)
		return NULL;
	owner = cs_shared.cid_owner[cid];
	if (owner < 0)
		return NULL;
	cell = cs_cell_get(owner);
	if (!cell || cell->state != CS_CELL_ATTACHED)
		return NULL;
	return cell;
}

static s32 cs_cell_find(__u64 cgid)
{
	s32 i;

	bpf_for(i, 0, CS_MAX_CELLS) {
		if (cs_shared.cells[i].state != CS_CELL_FREE && cs_shared.cells[i].cgid == cgid)
			return i;
	}
	return -1;
}

/* Fill the kernel cmask @raw with the cids of @m; returns it as an scx_cmask. */
static struct scx_cmask __arena *cs_cmask_fill(__u64 __arena *raw, const struct cs_cids *m)
{
	struct scx_cmask __arena *cm = (struct scx_cmask __arena *)raw;
	__u32 w;

	cm->base = 0;
	cm->nr_cids = nr_cids;
	cm->alloc_words = CS_CID_WORDS + 1;
	bpf_for(w, 0, CS_CID_WORDS + 1)
		cm->bits[w] = w < CS_CID_WORDS ? m->bits[w] : 0;
	return cm;
}

/* Copy a cell's cids out of the arena, word by word (no struct copies on __arena). */
static void cs_cell_cids(struct cs_cell __arena *cell, struct cs_cids *out)
{
	__u32 w;

	bpf_for(w, 0, CS_CID_WORDS)
		out->bits[w] = cell->cids.bits[w];
}

static void cs_kick_cids(const struct cs_cids *m, u64 flags)
{
	__u32 cid;

	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(m, cid))
			scx_bpf_kick_cid(cid, flags);
	}
}

static void cs_publish(struct cs_cell __arena *cell)
{
	if (cell)
		cell->seq++;
	__sync_fetch_and_add(&cs_shared.seq, 1);
}

/*
 * Route @cell's cids to its child: the root stops placing its own tasks there,
 * and running root tasks are preempted so the child takes over promptly.
 */
static void cs_cell_route(struct cs_cell __arena *cell, const struct cs_cids *m)
{
	__u32 cid;

	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(m, cid))
			cs_cids_clear(&root_cids, cid);
	}
	cell->state = CS_CELL_ATTACHED;
	cs_kick_cids(m, SCX_KICK_PREEMPT);
}

/* Give cids in @m back to the root cell and wake the idle ones to look for work. */
static void cs_cids_to_root(const struct cs_cids *m)
{
	__u32 cid;

	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(m, cid))
			cs_cids_set(&root_cids, cid);
	}
	cs_kick_cids(m, SCX_KICK_IDLE);
}

/* Tell the controller: a struct csq_event on the event queue (never blocks). */
static void cs_event(__u32 type, __u32 cell, __u64 cgid)
{
	struct csq_event ev = {
		.type = type,
		.cell = cell,
		.ts_ns = bpf_ktime_get_ns(),
		.attached.cgid = cgid,
	};

	if (cs_shared.event_q)
		csq_mpsc_push(csq_ptr(cs_shared.event_q), &ev, sizeof(ev));
}

/* A fresh arena queue of @kind; 0 if the arena is exhausted. Sleepable context. */
static __u64 cs_queue_new(__u32 kind, __u32 cap)
{
	__u32 pages = csq_pages(cap, CS_IPC_SLOT);
	struct csq __arena *q;

	q = bpf_arena_alloc_pages(&arena, NULL, pages, NUMA_NO_NODE, 0);
	if (!q)
		return 0;
	if (csq_init(q, (__u64)pages * CSQ_PAGE, kind, cap, CS_IPC_SLOT) != CSQ_OK) {
		bpf_arena_free_pages(&arena, q, pages);
		return 0;
	}
	return csq_addr(q);
}

/*
 * Copy the newest demand report of every attached cell into the cell table
 * (older ones in the queue are superseded). Called from the root's timer.
 */
static void cs_cells_collect(void)
{
	struct csq_demand d;
	__u32 i, k;

	bpf_for(i, 0, CS_MAX_CELLS) {
		struct cs_cell __arena *cell = &cs_shared.cells[i];
		struct csq __arena *q;
		bool got = false;

		if (cell->state != CS_CELL_ATTACHED || !cell->demand_q)
			continue;
		q = csq_ptr(cell->demand_q);
		bpf_for(k, 0, CS_DEMAND_Q_CAP) {
			if (csq_spsc_pop(q, &d, sizeof(d)) != sizeof(d))
				break;
			got = true;
		}
		if (!got || d.type != CSQ_MSG_DEMAND)
			continue;
		cell->demand.seq = d.seq;
		cell->demand.busy_ns = d.busy_ns;
		cell->demand.max_wait_ns = d.max_wait_ns;
		cell->demand.ts_ns = d.ts_ns;
		cell->demand.nr_runnable = d.nr_runnable;
		cell->demand.util_permille = d.util_permille;
		cell->demand.reports++;
	}
}

static s32 cs_cells_init(__u32 cids)
{
	s32 i;

	cs_shared.event_q = cs_queue_new(CSQ_MPSC, CS_EVENT_Q_CAP);
	if (!cs_shared.event_q)
		return -ENOMEM;
	nr_cids = cids;
	bpf_for(i, 0, CS_MAX_CIDS) {
		cs_shared.cid_owner[i] = CS_OWNER_ROOT;
		if (i < cids)
			cs_cids_set(&root_cids, i);
	}
	return 0;
}

/* ---- sub-scheduler ops (parent side) ---------------------------------------------- */

/*
 * A child asks to attach at its cgroup. Only a configured cell with cids may
 * host one; it gets CS_CELL_CAPS on exactly the cell's cids.
 * Returns 0, -ENOENT (not a cell), -EBUSY (cell already has a child),
 * -ENOSPC (cell has no cids) or the grant's error.
 */
static s32 cs_cells_sub_attach(struct scx_sub_attach_args *args)
{
	__u64 cgid = args->ops->sub_cgroup_id;
	struct cs_cell __arena *cell;
	struct cs_cids m;
	s32 idx, ret;

	idx = cs_cell_find(cgid);
	cell = idx >= 0 ? cs_cell_get(idx) : NULL;
	if (!cell)
		return -ENOENT;
	if (cell->state == CS_CELL_ATTACHED)
		return -EBUSY;
	if (!cell->nr_cids)
		return -ENOSPC;

	cs_cell_cids(cell, &m);
	ret = scx_bpf_sub_grant(cgid, CS_CELL_CAPS, cs_cmask_fill(cs_cmask_ops, &m), NULL);
	if (ret)
		return ret;
	cell->nr_attach++;
	cs_cell_route(cell, &m);
	cs_publish(cell);
	cs_event(CSQ_MSG_CHILD_ATTACHED, idx, cgid);
	return 0;
}

/* A child went away (unloaded, ejected, killed): its cids serve the root cell again. */
static void cs_cells_sub_detach(struct scx_sub_detach_args *args)
{
	struct cs_cell __arena *cell;
	struct cs_cids m;
	s32 idx;

	idx = cs_cell_find(args->ops->sub_cgroup_id);
	cell = idx >= 0 ? cs_cell_get(idx) : NULL;
	if (!cell || cell->state != CS_CELL_ATTACHED)
		return;
	cell->state = CS_CELL_CONFIGURED;
	cs_cell_cids(cell, &m);
	cs_cids_to_root(&m);
	cs_publish(cell);
	cs_event(CSQ_MSG_CHILD_EXITED, idx, cell->cgid);
}

/* ---- controller entry points -------------------------------------------------------- */

/*
 * Number of cids in @m; -EINVAL if one does not exist, -EBUSY if one is owned
 * by a cell other than @idx. (The scan keeps no running count: a counter the
 * verifier must track precisely would stop it from merging loop states.)
 */
static s32 cs_cids_check(const struct cs_cids *m, s32 idx)
{
	__u32 cid;
	s32 owner;

	bpf_for(cid, 0, CS_MAX_CIDS) {
		if (!cs_cids_test(m, cid))
			continue;
		if (cid >= nr_cids)
			return -EINVAL;
		owner = cs_shared.cid_owner[cid];
		if (owner != CS_OWNER_ROOT && owner != idx) {
			__sync_fetch_and_add(&cs_shared.nr_violations, 1);
			return -EBUSY;
		}
	}
	return cs_cids_weight(m);
}

static void cs_cell_set_cids(struct cs_cell __arena *cell, s32 idx, const struct cs_cids *m,
			     __u32 n)
{
	__u32 cid, w;

	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(m, cid))
			cs_shared.cid_owner[cid] = idx;
		else if (cs_shared.cid_owner[cid] == idx)
			cs_shared.cid_owner[cid] = CS_OWNER_ROOT;
	}
	bpf_for(w, 0, CS_CID_WORDS)
		cell->cids.bits[w] = m->bits[w];
	cell->nr_cids = n;
}

/* A fresh SPSC queue of @cap slots at *@addr: the one there, emptied, or a new one. */
static s32 cs_queue_reset(__u64 __arena *addr, __u32 cap)
{
	if (!*addr)
		*addr = cs_queue_new(CSQ_SPSC, cap);
	else
		csq_init(csq_ptr(*addr), csq_pages(cap, CS_IPC_SLOT) * CSQ_PAGE, CSQ_SPSC, cap,
			 CS_IPC_SLOT);
	return *addr ? 0 : -ENOMEM;
}

/*
 * The cell's queues, empty: its demand queue (child -> root) and its control
 * queue (controller -> child). A cell slot keeps its queues across reuse.
 */
static s32 cs_cell_queues(struct cs_cell __arena *cell)
{
	s32 ret = cs_queue_reset(&cell->demand_q, CS_DEMAND_Q_CAP);

	return ret ?: cs_queue_reset(&cell->ctl_q, CS_CTL_Q_CAP);
}

/* Reserve cmd->cids for a new cell at cmd->cell whose cgroup id is cmd->cgid. */
SEC("syscall")
int cs_cell_add(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cell_get(cmd->cell);
	s32 n;

	cmd->ret = -EINVAL;
	if (!cell || !cmd->cgid || !nr_cids)
		return 0;
	if (cell->state != CS_CELL_FREE || cs_cell_find(cmd->cgid) >= 0) {
		cmd->ret = -EEXIST;
		return 0;
	}
	__builtin_memcpy(&ctl.want, &cmd->cids, sizeof(ctl.want));
	n = cs_cids_check(&ctl.want, cmd->cell);
	if (n <= 0) {
		cmd->ret = n ? n : -EINVAL;
		return 0;
	}
	if (cs_cell_queues(cell)) {
		cmd->ret = -ENOMEM;
		return 0;
	}
	cell->demand.reports = 0;
	cell->demand.seq = 0;
	cell->cgid = cmd->cgid;
	cell->nr_attach = 0;
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, n);
	cell->state = CS_CELL_CONFIGURED;
	cs_publish(cell);
	cmd->seq = cs_shared.seq;
	cmd->ret = 0;
	return 0;
}

/*
 * Change a cell's cids to cmd->cids. Removed cids: stop routing, revoke, give
 * back to the root. Added cids: reserve, grant, route. An empty set kills the
 * cell's child instead of leaving it capless (its tasks return to the root).
 */
SEC("syscall")
int cs_cell_resize(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cell_get(cmd->cell);
	__u32 w, n_kept;
	bool attached;
	s32 n, ret;

	cmd->ret = -EINVAL;
	if (!cell || cell->state == CS_CELL_FREE || !nr_cids)
		return 0;
	__builtin_memcpy(&ctl.want, &cmd->cids, sizeof(ctl.want));
	n = cs_cids_check(&ctl.want, cmd->cell);
	if (n < 0) {
		cmd->ret = n;
		return 0;
	}
	cs_cell_cids(cell, &ctl.have);
	bpf_for(w, 0, CS_CID_WORDS) {
		ctl.gone.bits[w] = ctl.have.bits[w] & ~ctl.want.bits[w];
		ctl.added.bits[w] = ctl.want.bits[w] & ~ctl.have.bits[w];
		ctl.have.bits[w] &= ctl.want.bits[w];		/* now: the kept cids */
	}
	n_kept = cs_cids_weight(&ctl.have);
	attached = cell->state == CS_CELL_ATTACHED;

	if (n == 0 && attached) {
		/* never leave a child capless: end it; sub_detach marks the cell */
		scx_bpf_sub_kill(cell->cgid, "cell %u resized to zero CPUs", cmd->cell);
		attached = false;
	}

	/* shrink: stop routing (owners), revoke, then the cids serve the root cell */
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, n);
	if (attached)
		scx_bpf_sub_revoke(cell->cgid, CS_ALL_CAPS, cs_cmask_fill(cs_cmask_ctl, &ctl.gone));
	cs_cids_to_root(&ctl.gone);

	/* grow: grant, then route; a refused grant leaves the cell with what it kept */
	if (attached && n > n_kept) {
		ret = scx_bpf_sub_grant(cell->cgid, CS_CELL_CAPS,
					cs_cmask_fill(cs_cmask_ctl, &ctl.added), NULL);
		if (ret) {
			cs_cell_set_cids(cell, cmd->cell, &ctl.have, n_kept);
			cs_publish(cell);
			cmd->seq = cs_shared.seq;
			cmd->ret = ret;
			return 0;
		}
		cs_cell_route(cell, &ctl.added);
	}
	cs_publish(cell);
	cmd->seq = cs_shared.seq;
	cmd->ret = 0;
	return 0;
}

/* Free cell cmd->cell: kill its child if any and give every cid back to the root. */
SEC("syscall")
int cs_cell_remove(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cell_get(cmd->cell);
	__u32 w;

	cmd->ret = -EINVAL;
	if (!cell || cell->state == CS_CELL_FREE)
		return 0;
	if (cell->state == CS_CELL_ATTACHED)
		scx_bpf_sub_kill(cell->cgid, "cell %u removed", cmd->cell);
	cs_cell_cids(cell, &ctl.have);
	bpf_for(w, 0, CS_CID_WORDS)
		ctl.want.bits[w] = 0;
	cell->state = CS_CELL_FREE;
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, 0);
	cs_cids_to_root(&ctl.have);
	cell->cgid = 0;
	cs_publish(cell);
	cmd->seq = cs_shared.seq;
	cmd->ret = 0;
	return 0;
}

#endif /* CELLSCHED_CELLS_BPF_H */
