/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/cells.bpf.h: the cell table of the root and everything that changes it.
 * Included once by bpf/root.bpf.c (which owns the ops table and the root
 * cell's policy) and by the host test tests/bpf/cells_test.bpf.c.
 *
 * Owns: cid ownership (cs_shared.cid_owner[], the cells[] table in the arena,
 * the root_cids set), the caps the root grants to and revokes from cell
 * sub-schedulers, the parent-side sub-scheduler ops (sub_attach/sub_detach),
 * the controller's entry points (SEC("syscall") cs_cell_add, cs_cell_resize,
 * cs_cell_remove), and the root's end of the IPC queues: one demand queue and
 * one control queue per cell (the root's timer collects the latest demand
 * report into the cell table) and the event queue to the controller.
 *
 * Invariants kept here:
 *   - every cid has exactly one owner: a cell (cid_owner >= 0) or the root
 *     cell; add and resize refuse cids another cell owns (counted in
 *     nr_violations and reported as CSQ_MSG_INVARIANT, -EBUSY);
 *   - a cid is routed to a cell (dispatch hands it to the cell's child) only
 *     while that cell is ATTACHED and its child holds caps there: caps are
 *     granted before routing starts and revoked after it stops; a grant that
 *     fails is undone;
 *   - a cell never stays attached with zero cids: resizing to none kills its
 *     child.
 *
 * Concurrency: the writers are the controller's syscall programs (one at a
 * time) and the kernel's sub-scheduler enable and disable work, which runs
 * sub_attach and sub_detach on other CPUs at any moment. They take turns
 * through one lock (cs_ctl_trylock): a syscall program that finds it taken
 * answers -EAGAIN and the controller retries; sub_attach refuses the attach
 * (-EAGAIN; the controller restarts the child after its backoff); sub_detach,
 * which cannot fail, leaves the work to the root's timer (detach_pending):
 * until then the dead child's cids run the root's stranded tasks or idle. The scheduling paths (dispatch, enqueue)
 * read owners and states without the lock: writers order their stores so
 * that a reader never routes a cid to a child without caps there.
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

#include "events.bpf.h"

/*
 * Kernel-format cmask (struct scx_cmask: base, nr_cids, alloc_words, bits[])
 * for grant/revoke, which take arena cmasks. Raw words so the skeleton needs
 * no kernel type. Used only under the lock.
 */
enum { CS_CMASK_U64S = 2 + CS_CID_WORDS + 1 };
__u64 __arena_global cs_cmask[CS_CMASK_U64S];

/* cids the root schedules itself: not routed to an attached cell */
static struct cs_cids root_cids;
/* cids routed to an attached cell that lends its idle CPUs to the root cell */
static struct cs_cids lend_cids;
static __u32 nr_cids;

/* The lock of the cell table; 0 = free. */
static __u32 cs_ctl_lock;

/* Scratch sets of the lock's holder (too big for the 512-byte BPF stack together). */
static struct {
	struct cs_cids want, have, gone, added;
} ctl;

static __always_inline struct cs_cell __arena *cs_cell_get(__u32 idx)
{
	if (idx >= CS_MAX_CELLS)
		return NULL;
	return &cs_shared.cells[idx];
}

/*
 * Cell whose child runs @cid, or NULL (the root cell's cid). Lock-free: the
 * owner is set only after the child holds caps on @cid and cleared before
 * they are revoked, and a cgroup id of 0 (a slot being freed) never routes.
 */
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
	if (!cell || cell->state != CS_CELL_ATTACHED || !cell->cgid)
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

/* Fill the kernel cmask with the cids of @m; returns it as an scx_cmask. */
static struct scx_cmask __arena *cs_cmask_fill(const struct cs_cids *m)
{
	struct scx_cmask __arena *cm = (struct scx_cmask __arena *)cs_cmask;
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

/* ---- the lock ------------------------------------------------------------------------ */

static bool cs_ctl_trylock(void)
{
	__u32 i;

	bpf_for(i, 0, CS_CTL_LOCK_SPINS) {
		if (!cs_ctl_lock && __sync_val_compare_and_swap(&cs_ctl_lock, 0, 1) == 0)
			return true;
	}
	return false;
}

static void cs_ctl_unlock(void)
{
	__sync_lock_test_and_set(&cs_ctl_lock, 0);
}

/* ---- queues ---------------------------------------------------------------------------- */

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

static void cs_cell_detached(struct cs_cell __arena *cell, s32 idx);

/*
 * The root's timer, for every cell: the detach sub_detach could not do (the
 * table was locked), and the newest demand report copied into the cell
 * table (older ones in the queue are superseded; the timer is the queues'
 * one consumer). Reports carry their child's number: the controller takes
 * only those of the child it knows runs.
 */
static void cs_cells_collect(void)
{
	struct csq_demand d;
	__u32 i, k;

	bpf_for(i, 0, CS_MAX_CELLS) {
		struct cs_cell __arena *cell = &cs_shared.cells[i];
		struct csq __arena *q;
		bool got = false;

		if (cell->detach_pending && cs_ctl_trylock()) {
			if (__sync_lock_test_and_set(&cell->detach_pending, 0))
				cs_cell_detached(cell, i);
			cs_ctl_unlock();
		}
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
		cell->demand.child = d.child;
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

/* ---- routing (the lock's holder) -------------------------------------------------- */

/*
 * Give cids @m of cell @idx to its child: grant, then route (owner, out of
 * the root cell), then preempt what the root runs there. A refused grant is
 * undone (the kernel grants per cid, so part may have succeeded) and nothing
 * is routed. Root tasks queued for the root cell may now have no root cid
 * left to run on: the root's DSQ is re-queued so enqueue places them anew.
 */
static s32 cs_cell_route(struct cs_cell __arena *cell, s32 idx, const struct cs_cids *m)
{
	__u32 cid;
	s32 ret;

	ret = scx_bpf_sub_grant(cell->cgid, CS_CELL_CAPS, cs_cmask_fill(m), NULL);
	if (ret) {
		scx_bpf_sub_revoke(cell->cgid, CS_ALL_CAPS, cs_cmask_fill(m));
		return ret;
	}
	bpf_for(cid, 0, nr_cids) {
		if (!cs_cids_test(m, cid))
			continue;
		cs_shared.cid_owner[cid] = idx;
		cs_cids_clear(&root_cids, cid);
		cs_cids_assign(&lend_cids, cid, cell->lend);
	}
	cell->state = CS_CELL_ATTACHED;
	scx_bpf_dsq_reenq(CS_ROOT_DSQ, 0);
	stat_inc(CS_STAT_REENQ);
	cs_kick_cids(m, SCX_KICK_PREEMPT);
	return 0;
}

/*
 * Take cids @m back from the cell's child: stop routing (owners to the root,
 * into the root cell), then revoke (when the child still holds caps), then
 * wake them to find root work. The cell's own set is the caller's business.
 */
static void cs_cell_unroute(struct cs_cell __arena *cell, const struct cs_cids *m, bool revoke)
{
	__u32 cid;

	bpf_for(cid, 0, nr_cids) {
		if (!cs_cids_test(m, cid))
			continue;
		cs_shared.cid_owner[cid] = CS_OWNER_ROOT;
		cs_cids_clear(&lend_cids, cid);
		cs_cids_set(&root_cids, cid);
	}
	if (revoke)
		scx_bpf_sub_revoke(cell->cgid, CS_ALL_CAPS, cs_cmask_fill(m));
	cs_kick_cids(m, SCX_KICK_IDLE);
}

/* Cell @idx reserves exactly the @n cids of @m (owners and its own set). */
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

/*
 * The child of cell @idx is gone, or going (lock held): its cids serve the
 * root cell again; they stay the cell's, reserved for its next child.
 */
static void cs_cell_detached(struct cs_cell __arena *cell, s32 idx)
{
	__u32 cid;

	if (cell->state != CS_CELL_ATTACHED)
		return;
	cs_cell_cids(cell, &ctl.have);
	cs_cell_unroute(cell, &ctl.have, false);
	cell->state = CS_CELL_CONFIGURED;
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&ctl.have, cid))
			cs_shared.cid_owner[cid] = idx;
	}
	cs_publish(cell);
	cs_event(CSQ_MSG_CHILD_EXITED, idx, cell->cgid);
}

/* End cell @idx's child (lock held): unroute and revoke everything, then kill it. */
static void cs_cell_end_child(struct cs_cell __arena *cell, s32 idx, const char *why)
{
	if (cell->state != CS_CELL_ATTACHED)
		return;
	cs_cell_cids(cell, &ctl.have);
	cs_cell_unroute(cell, &ctl.have, true);
	cell->state = CS_CELL_CONFIGURED;
	scx_bpf_sub_kill(cell->cgid, "cell %d %s", idx, why);
	cs_event(CSQ_MSG_CHILD_EXITED, idx, cell->cgid);
}

/* ---- sub-scheduler ops (parent side) ---------------------------------------------- */

/*
 * A child asks to attach at its cgroup. Only a configured cell with cids may
 * host one; it gets CS_CELL_CAPS on exactly the cell's cids. Returns 0,
 * -ENOENT (not a cell), -EBUSY (cell already has a child), -ENOSPC (cell has
 * no cids), -EAGAIN (the table is being changed: the controller retries) or
 * the grant's error.
 */
static s32 cs_cells_sub_attach(struct scx_sub_attach_args *args)
{
	__u64 cgid = args->ops->sub_cgroup_id;
	struct cs_cell __arena *cell;
	s32 idx, ret;

	if (!cs_ctl_trylock()) {
		stat_inc(CS_STAT_CTL_BUSY);
		return -EAGAIN;
	}
	idx = cs_cell_find(cgid);
	cell = idx >= 0 ? cs_cell_get(idx) : NULL;
	if (!cell)
		ret = -ENOENT;
	else if (cell->state == CS_CELL_ATTACHED)
		ret = -EBUSY;
	else if (!cell->nr_cids)
		ret = -ENOSPC;
	else
		ret = 0;
	if (!ret) {
		cs_cell_cids(cell, &ctl.want);
		ret = cs_cell_route(cell, idx, &ctl.want);
	}
	if (!ret) {
		cell->nr_attach++;
		cs_publish(cell);
		cs_event(CSQ_MSG_CHILD_ATTACHED, idx, cgid);
	}
	cs_ctl_unlock();
	return ret;
}

/* A child went away (unloaded, ejected, killed): its cids serve the root cell again. */
static void cs_cells_sub_detach(struct scx_sub_detach_args *args)
{
	struct cs_cell __arena *cell;
	s32 idx = cs_cell_find(args->ops->sub_cgroup_id);

	cell = idx >= 0 ? cs_cell_get(idx) : NULL;
	if (!cell)
		return;
	if (!cs_ctl_trylock()) {
		/* the root's timer does it once the table is free */
		stat_inc(CS_STAT_CTL_BUSY);
		__sync_lock_test_and_set(&cell->detach_pending, 1);
		return;
	}
	cs_cell_detached(cell, idx);
	cs_ctl_unlock();
}

/* ---- controller entry points -------------------------------------------------------- */

/*
 * Number of cids in @m; -EINVAL if one does not exist, -EBUSY if one is owned
 * by a cell other than @idx (reported to the controller). The scan keeps no
 * running count: a counter the verifier must track precisely would stop it
 * from merging loop states.
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
			cs_event_invariant(idx, CSQ_INV_CID_OWNERS, cid, owner);
			return -EBUSY;
		}
	}
	return cs_cids_weight(m);
}

/* The end of every entry point: publish, report, unlock. */
static int cs_cmd_done(struct cs_cell_cmd *cmd, struct cs_cell __arena *cell, s32 ret)
{
	if (!ret)
		cs_publish(cell);
	cmd->seq = cs_shared.seq;
	cmd->ret = ret;
	cs_ctl_unlock();
	return 0;
}

/* The start: a valid slot (@fresh: free, else in use) and the lock, or an answer. */
static struct cs_cell __arena *cs_cmd_begin(struct cs_cell_cmd *cmd, bool fresh)
{
	struct cs_cell __arena *cell = cs_cell_get(cmd->cell);

	cmd->ret = -EINVAL;
	if (!cell || !nr_cids)
		return NULL;
	if (!cs_ctl_trylock()) {
		cmd->ret = -EAGAIN;
		return NULL;
	}
	if ((cell->state == CS_CELL_FREE) != fresh) {
		cmd->ret = fresh ? -EEXIST : -EINVAL;
		cs_ctl_unlock();
		return NULL;
	}
	return cell;
}

/* Reserve cmd->cids for a new cell at cmd->cell whose cgroup id is cmd->cgid. */
SEC("syscall")
int cs_cell_add(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell;
	s32 n;

	cmd->ret = -EINVAL;
	cell = cmd->cgid ? cs_cmd_begin(cmd, true) : NULL;
	if (!cell)
		return 0;
	if (cs_cell_find(cmd->cgid) >= 0)
		return cs_cmd_done(cmd, cell, -EEXIST);
	__builtin_memcpy(&ctl.want, &cmd->cids, sizeof(ctl.want));
	/* no cids: a cell whose CPUs are all offline; no child attaches before it has some */
	n = cs_cids_check(&ctl.want, cmd->cell);
	if (n < 0)
		return cs_cmd_done(cmd, cell, n);
	if (cs_cell_queues(cell))
		return cs_cmd_done(cmd, cell, -ENOMEM);
	cell->demand.reports = 0;
	cell->demand.child = 0;
	cell->demand.seq = 0;
	cell->cgid = cmd->cgid;
	cell->nr_attach = 0;
	cell->detach_pending = 0;
	cell->lend = !!(cmd->flags & CS_CELL_F_LEND);
	cell->lent_ns = 0;
	/* reserved, not routed: the cids serve the root cell until a child attaches */
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, n);
	cell->state = CS_CELL_CONFIGURED;
	return cs_cmd_done(cmd, cell, 0);
}

/*
 * Change a cell's cids to cmd->cids. Removed cids: stop routing, revoke, give
 * back to the root. Added cids of an attached cell: grant, then route (a
 * refused grant is undone and leaves the cell with what it kept: the answer
 * is the grant's error). An empty set kills the cell's child instead of
 * leaving it capless (its tasks return to the root).
 */
SEC("syscall")
int cs_cell_resize(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cmd_begin(cmd, false);
	__u32 w;
	s32 n, ret;

	if (!cell)
		return 0;
	__builtin_memcpy(&ctl.want, &cmd->cids, sizeof(ctl.want));
	n = cs_cids_check(&ctl.want, cmd->cell);
	if (n < 0)
		return cs_cmd_done(cmd, cell, n);
	cs_cell_cids(cell, &ctl.have);
	bpf_for(w, 0, CS_CID_WORDS) {
		ctl.gone.bits[w] = ctl.have.bits[w] & ~ctl.want.bits[w];
		ctl.added.bits[w] = ctl.want.bits[w] & ~ctl.have.bits[w];
		ctl.have.bits[w] &= ctl.want.bits[w];		/* now: the kept cids */
	}
	/* shrink: never leave a child capless, end it (its tasks go to the root) */
	if (n == 0)
		cs_cell_end_child(cell, cmd->cell, "resized to zero CPUs");
	else if (cell->state == CS_CELL_ATTACHED)
		cs_cell_unroute(cell, &ctl.gone, true);
	cs_cell_set_cids(cell, cmd->cell, &ctl.have, cs_cids_weight(&ctl.have));
	/* grow: an attached cell's child gets caps on the added cids before they route */
	if (cell->state == CS_CELL_ATTACHED && cs_cids_weight(&ctl.added)) {
		ret = cs_cell_route(cell, cmd->cell, &ctl.added);
		if (ret) {
			cs_publish(cell);	/* it shrank, if it had to */
			return cs_cmd_done(cmd, cell, ret);
		}
	}
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, n);
	return cs_cmd_done(cmd, cell, 0);
}

/* Set cell cmd->cell's flags (cmd->flags): whether it lends its idle cids. */
SEC("syscall")
int cs_cell_flags(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cmd_begin(cmd, false);
	__u32 cid;

	if (!cell)
		return 0;
	cell->lend = !!(cmd->flags & CS_CELL_F_LEND);
	if (cell->state == CS_CELL_ATTACHED) {
		bpf_for(cid, 0, nr_cids) {
			if (cs_shared.cid_owner[cid] == (s32)cmd->cell)
				cs_cids_assign(&lend_cids, cid, cell->lend);
		}
	}
	return cs_cmd_done(cmd, cell, 0);
}

/* Free cell cmd->cell: kill its child if any and give every cid back to the root. */
SEC("syscall")
int cs_cell_remove(struct cs_cell_cmd *cmd)
{
	struct cs_cell __arena *cell = cs_cmd_begin(cmd, false);
	__u32 w;

	if (!cell)
		return 0;
	cs_cell_end_child(cell, cmd->cell, "removed");
	bpf_for(w, 0, CS_CID_WORDS)
		ctl.want.bits[w] = 0;
	cs_cell_set_cids(cell, cmd->cell, &ctl.want, 0);
	cell->state = CS_CELL_FREE;
	cell->detach_pending = 0;
	cell->cgid = 0;
	return cs_cmd_done(cmd, cell, 0);
}

#endif /* CELLSCHED_CELLS_BPF_H */
