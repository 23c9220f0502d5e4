/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/lib/child.bpf.c: the core of the child library (see child.h):
 * what makes a policy a child of cellsched's root, and the placement every
 * policy does the same way.
 *
 *   - The arena: cid-form schedulers must use one BPF arena; the controller
 *     points this one at the root's (bpf_map__reuse_fd). No __arena globals
 *     here: only the root declares them (libbpf would place both at the same
 *     end of the shared arena).
 *   - The cids the parent granted (cs_held, from ops.sub_ecaps_updated, i.e.
 *     as the kernel applies grants and revokes) and which of them are idle
 *     (cs_idle, from ops.update_idle).
 *   - Placement: a waking task goes straight to an idle held cid it may use
 *     (cs_child_select_cid); a task whose affinity covers none of the held
 *     cids (only while a cpuset and a grant disagree) goes to the kernel's
 *     rescue path (cs_child_rescue); after queueing, an idle held cid is
 *     kicked (cs_child_kick_idle).
 *   - Lending: while the cell has nothing to run on a cid, the root may run
 *     a root-cell task there (cs_shared.lent[cid], read through root_shared).
 *     Such a cid counts as idle for us: a waking task is inserted with
 *     SCX_ENQ_PREEMPT, a queued one kicks it with SCX_KICK_PREEMPT, and the
 *     wait until our task runs is counted (RECLAIM, RECLAIM_NS).
 *   - The statistics of CS_CELL_STATS (ipc/cellsched.h), per-CPU.
 */
#include "child.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 cell_idx;
const volatile __u64 root_shared;	/* arena address of the root's struct cs_shared */

static __u64 cs_reclaim_at[CS_MAX_CIDS];	/* ns, when we took a lent cid back */
__u64 cs_tun[CS_MAX_TUNABLES] = { [CS_TUN_SLICE] = CS_CELL_SLICE_NS_DFL };

UEI_DEFINE(uei);

CS_ARENA_MAP(arena);

struct cs_cids cs_held;
struct cs_cids cs_idle;
__u32 cs_nr_cids;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, CS_NR_CELL_STATS);
} cell_stats SEC(".maps");

static __always_inline void stat_add(enum cs_cell_stat idx, __u64 n)
{
	__u32 key = idx;
	__u64 *cnt = bpf_map_lookup_elem(&cell_stats, &key);

	if (cnt)
		*cnt += n;
}

__hidden void cs_child_stat(enum cs_cell_stat idx)
{
	stat_add(idx, 1);
}

/*
 * Is a root-cell task running on our @cid right now (we lent it, or left it
 * idle to a stranded task)? The root says so in its arena, cid by cid.
 */
static bool cid_lent(s32 cid)
{
	struct cs_shared __arena *sh = (struct cs_shared __arena *)root_shared;

	asm volatile("" :: "r"(&arena));
	return sh && cid >= 0 && cid < CS_MAX_CIDS && sh->lent[cid];
}

/* We take lent @cid back: its root task is preempted; the wait is measured. */
static void reclaim(s32 cid)
{
	if (cid < 0 || cid >= CS_MAX_CIDS)
		return;
	cs_child_stat(CS_CSTAT_RECLAIM);
	if (!cs_reclaim_at[cid])
		cs_reclaim_at[cid] = bpf_ktime_get_ns();
}

__hidden void cs_child_reclaimed(s32 cid)
{
	__u64 at, wait;

	if (cid < 0 || cid >= CS_MAX_CIDS || !cs_reclaim_at[cid])
		return;
	at = __sync_lock_test_and_set(&cs_reclaim_at[cid], 0);
	if (!at)
		return;
	wait = bpf_ktime_get_ns() - at;
	stat_add(CS_CSTAT_RECLAIM_NS, wait);
}

__hidden s32 cs_child_claim_idle(const struct task_struct *p, __u32 from)
{
	return cs_task_claim_idle(p, &cs_idle, &cs_held, cs_nr_cids, from);
}

/*
 * Where a task with no idle held cid goes: its previous cid if that CPU is
 * online (the kernel's own mask; a CPU going offline takes no cap callback),
 * else the first online held cid it may run on.
 */
static s32 online_cid(const struct task_struct *p, s32 prev_cid)
{
	const struct scx_cmask __arena *online;
	__u32 cid;

	asm volatile("" :: "r"(&arena));	/* the mask is in our arena: bind it */
	online = scx_bpf_online_cmask();
	if (!online || (prev_cid >= 0 && cmask_test(prev_cid, online)))
		return prev_cid;
	bpf_for(cid, 0, cs_nr_cids) {
		if (cs_cids_test(&cs_held, cid) && cmask_test(cid, online) &&
		    cs_task_allows_cid(p, cid))
			return cid;
	}
	return prev_cid;
}

s32 CS_CHILD_OP(cs_child_op_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	s32 cid = -1;

	if (prev_cid >= 0 && cs_cids_test(&cs_held, prev_cid) && cs_task_allows_cid(p, prev_cid) &&
	    cs_cids_claim(&cs_idle, prev_cid))
		cid = prev_cid;
	else
		cid = cs_child_claim_idle(p, prev_cid >= 0 ? prev_cid : 0);
	if (cid < 0)
		return online_cid(p, prev_cid);
	cs_child_stat(CS_CSTAT_ENQ_LOCAL);
	if (cid_lent(cid)) {
		/* "idle" for us, but the root runs a task there: take it back at once */
		reclaim(cid);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, cs_tun[CS_TUN_SLICE], SCX_ENQ_PREEMPT);
		return cid;
	}
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, cs_tun[CS_TUN_SLICE], 0);
	return cid;
}

/*
 * -1 if @p may run on one of our cids (or we know none yet); otherwise the
 * first cid it may run on, its rescue target. Early returns only: the
 * verifier then merges loop states instead of walking every iteration.
 */
static s32 rescue_cid(const struct task_struct *p)
{
	__u32 cid;

	if (!cs_cids_weight(&cs_held))
		return -1;	/* until the first grant is in effect: just queue */
	bpf_for(cid, 0, cs_nr_cids) {
		if (cs_cids_test(&cs_held, cid) && cs_task_allows_cid(p, cid))
			return -1;
	}
	bpf_for(cid, 0, cs_nr_cids) {
		if (cs_task_allows_cid(p, cid))
			return cid;
	}
	return -1;
}

/*
 * Nothing to run on @cid. If its CPU goes idle (no runnable @prev of ours
 * keeps it), give back a claim that was never used: a CPU that was claimed
 * and kicked but found nothing goes back to idle without an update_idle (no
 * transition), and unless its bit is set again no waking task of the cell
 * would ever kick it. Then look once more: an enqueue that saw the bit clear
 * has its task queued by now; one that comes later sees the bit and kicks.
 */
__hidden void cs_child_dispatch_idle(s32 cid, struct task_struct *prev)
{
	if ((prev && (prev->scx.flags & SCX_TASK_QUEUED)) || !cs_cids_test(&cs_held, cid))
		return;
	cs_cids_set(&cs_idle, cid);
	if (scx_bpf_dsq_move_to_local(CS_CELL_DSQ, 0))
		cs_cids_clear(&cs_idle, cid);
}

__hidden bool cs_child_rescue(struct task_struct *p, u64 enq_flags)
{
	s32 cid = rescue_cid(p);

	if (cid < 0)
		return false;
	cs_child_stat(CS_CSTAT_RESCUE);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, cs_tun[CS_TUN_SLICE],
			   enq_flags | SCX_ENQ_RESCUE);
	return true;
}

/* A held cid @p may run on that we lent to the root cell; -1 if none. */
static s32 lent_cid(const struct task_struct *p)
{
	__u32 cid;

	bpf_for(cid, 0, cs_nr_cids) {
		if (cs_cids_test(&cs_held, cid) && cid_lent(cid) && cs_task_allows_cid(p, cid))
			return cid;
	}
	return -1;
}

__hidden bool cs_child_kick_idle(struct task_struct *p)
{
	s32 cid = cs_child_claim_idle(p, scx_bpf_task_cid(p));

	if (cid < 0 && root_shared)
		cid = lent_cid(p);	/* none idle: one we lent is ours first */
	if (cid < 0)
		return false;
	if (cid_lent(cid)) {
		reclaim(cid);
		scx_bpf_kick_cid(cid, SCX_KICK_PREEMPT);
		return true;
	}
	cs_child_stat(CS_CSTAT_KICK_IDLE);
	scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	return true;
}

__hidden void cs_child_enqueue_fifo(struct task_struct *p, u64 enq_flags)
{
	if (cs_child_rescue(p, enq_flags))
		return;
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert(p, CS_CELL_DSQ, cs_tun[CS_TUN_SLICE], enq_flags);
	cs_child_kick_idle(p);
}

void CS_CHILD_OP(cs_child_op_enqueue_fifo, struct task_struct *p, u64 enq_flags)
{
	cs_child_enqueue_fifo(p, enq_flags);
}

void CS_CHILD_OP(cs_child_op_dispatch, s32 cid, struct task_struct *prev)
{
	if (scx_bpf_dsq_move_to_local(CS_CELL_DSQ, 0)) {
		cs_child_stat(CS_CSTAT_DISPATCH);
		return;
	}
	cs_child_stat(CS_CSTAT_DISPATCH_NONE);
	cs_child_dispatch_idle(cid, prev);
}

void CS_CHILD_OP(cs_child_op_running, struct task_struct *p)
{
	cs_demand_running(p);
}

void CS_CHILD_OP(cs_child_op_stopping, struct task_struct *p, bool runnable)
{
	cs_demand_stopping(p);
}

__hidden void cs_child_dump(const char *name)
{
	scx_bpf_dump("%s cell %u: %u cids held, %u idle, %d queued", name, cell_idx,
		     cs_cids_weight(&cs_held), cs_cids_weight(&cs_idle),
		     scx_bpf_dsq_nr_queued(CS_CELL_DSQ));
}

void CS_CHILD_OP(cs_child_op_update_idle, s32 cid, bool is_idle)
{
	cs_cids_assign(&cs_idle, cid, is_idle);
}

void CS_CHILD_OP(cs_child_op_sub_ecaps_updated, s32 cid, u64 before, u64 after)
{
	if (after & SCX_CAP_ENQ) {
		cs_cids_set(&cs_held, cid);
	} else {
		cs_cids_clear(&cs_held, cid);
		cs_cids_clear(&cs_idle, cid);
	}
}

void CS_CHILD_OP(cs_child_op_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

__hidden s32 cs_child_init(void)
{
	s32 ret;

	/* bind the (shared) arena to this program: cid-form requires one */
	asm volatile("" :: "r"(&arena));
	cs_nr_cids = scx_bpf_nr_cids();
	if (cs_nr_cids > CS_MAX_CIDS) {
		scx_bpf_error("%u cids exceed CS_MAX_CIDS=%d", cs_nr_cids, CS_MAX_CIDS);
		return -E2BIG;
	}
	ret = scx_bpf_create_dsq(CS_CELL_DSQ, -1);
	if (ret) {
		scx_bpf_error("cell %u: creating the DSQ failed (%d)", cell_idx, ret);
		return ret;
	}
	ret = cs_demand_init();
	if (ret)
		scx_bpf_error("cell %u: starting demand reports failed (%d)", cell_idx, ret);
	return ret;
}

s32 CS_CHILD_OP_SLEEPABLE(cs_child_op_init)
{
	return cs_child_init();
}
