/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cells/child.bpf.h: what every child policy of cellsched shares. Included
 * once by each cells/<policy>/<policy>.bpf.c, before its own code.
 *
 * Owns the child's side of the contract with the root:
 *   - the arena: cid-form schedulers must use one BPF arena; the controller
 *     points this one at the root's (bpf_map__reuse_fd). No __arena globals
 *     here: only the root declares them (libbpf would place both at the same
 *     end of the shared arena);
 *   - the cids the parent granted (held, from ops.sub_ecaps_updated, i.e. as
 *     the kernel applies grants and revokes) and which of them are idle
 *     (ops.update_idle);
 *   - placement every policy does the same way: a waking task goes straight
 *     to an idle held cid it may use (cs_child_select_cid); a task whose
 *     affinity covers none of the held cids (only while a cpuset and a grant
 *     disagree) goes to the kernel's rescue path (cs_child_rescue); after
 *     queueing, an idle held cid is kicked (cs_child_kick_idle);
 *   - demand reports to the root (cells/demand.bpf.h);
 *   - the statistics of CS_CELL_STATS (ipc/cellsched.h), per-CPU;
 *   - the common ops: update_idle, sub_ecaps_updated, exit, and init.
 *
 * Rodata set by the controller: slice_ns, cell_idx, demand_q.
 * The including policy defines CS_CHILD_DSQ (the DSQ its demand counts).
 * Prefix: cs_child_.
 */
#ifndef CELLSCHED_CHILD_BPF_H
#define CELLSCHED_CHILD_BPF_H

#include <scx/common.bpf.h>

#include "cellsched.h"
#include "cids.bpf.h"
#include "task.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u64 slice_ns = CS_CELL_SLICE_NS_DFL;
const volatile __u32 cell_idx;

UEI_DEFINE(uei);

CS_ARENA_MAP(arena);

static struct cs_cids held;	/* cids the parent granted us (effective) */
static struct cs_cids idle;	/* held cids that are idle */
static __u32 nr_cids;

#define CS_DEMAND_DSQ CS_CHILD_DSQ
#include "demand.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, CS_NR_CELL_STATS);
} cell_stats SEC(".maps");

static __always_inline void cs_child_stat(enum cs_cell_stat idx)
{
	__u32 key = idx;
	__u64 *cnt = bpf_map_lookup_elem(&cell_stats, &key);

	if (cnt)
		(*cnt)++;
}

/* ops.dispatch of a one-queue policy: move the first runnable task to this CPU. */
static __always_inline void cs_child_dispatch(void)
{
	cs_child_stat(scx_bpf_dsq_move_to_local(CS_CHILD_DSQ, 0) ? CS_CSTAT_DISPATCH :
								  CS_CSTAT_DISPATCH_NONE);
}

/* Claim an idle held cid @p may run on, scanning from @from; -1 if none. */
static __always_inline s32 cs_child_claim_idle(const struct task_struct *p, __u32 from)
{
	return cs_task_claim_idle(p, &idle, &held, nr_cids, from);
}

/* ops.select_cid: an idle held cid for @p (inserted there directly), else @prev_cid. */
static __always_inline s32 cs_child_select_cid(struct task_struct *p, s32 prev_cid)
{
	s32 cid = -1;

	if (prev_cid >= 0 && cs_cids_test(&held, prev_cid) && cs_task_allows_cid(p, prev_cid) &&
	    cs_cids_claim(&idle, prev_cid))
		cid = prev_cid;
	else
		cid = cs_child_claim_idle(p, prev_cid >= 0 ? prev_cid : 0);
	if (cid < 0)
		return prev_cid;
	cs_child_stat(CS_CSTAT_ENQ_LOCAL);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cid;
}

/*
 * -1 if @p may run on one of our cids (or we know none yet); otherwise the
 * first cid it may run on, its rescue target. Early returns only: the
 * verifier then merges loop states instead of walking every iteration.
 */
static s32 cs_child_rescue_cid(const struct task_struct *p)
{
	__u32 cid;

	if (!cs_cids_weight(&held))
		return -1;	/* until the first grant is in effect: just queue */
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&held, cid) && cs_task_allows_cid(p, cid))
			return -1;
	}
	bpf_for(cid, 0, nr_cids) {
		if (cs_task_allows_cid(p, cid))
			return cid;
	}
	return -1;
}

/* From ops.enqueue, first: hand @p to the kernel's rescue path if it must be. */
static __always_inline bool cs_child_rescue(struct task_struct *p, u64 enq_flags)
{
	s32 cid = cs_child_rescue_cid(p);

	if (cid < 0)
		return false;
	cs_child_stat(CS_CSTAT_RESCUE);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, slice_ns, enq_flags | SCX_ENQ_RESCUE);
	return true;
}

/* After queueing @p: wake an idle held cid it may run on. */
static __always_inline void cs_child_kick_idle(struct task_struct *p)
{
	s32 cid = cs_child_claim_idle(p, scx_bpf_task_cid(p));

	if (cid >= 0) {
		cs_child_stat(CS_CSTAT_KICK_IDLE);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	}
}

void BPF_STRUCT_OPS(cs_child_update_idle, s32 cid, bool is_idle)
{
	cs_cids_assign(&idle, cid, is_idle);
}

void BPF_STRUCT_OPS(cs_child_sub_ecaps_updated, s32 cid, u64 before, u64 after)
{
	if (after & SCX_CAP_ENQ) {
		cs_cids_set(&held, cid);
	} else {
		cs_cids_clear(&held, cid);
		cs_cids_clear(&idle, cid);
	}
}

void BPF_STRUCT_OPS(cs_child_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

/* From ops.init (sleepable): create the policy's DSQ and start demand reports. */
static __always_inline s32 cs_child_init(void)
{
	s32 ret;

	/* bind the (shared) arena to this program: cid-form requires one */
	asm volatile("" :: "r"(&arena));
	nr_cids = scx_bpf_nr_cids();
	if (nr_cids > CS_MAX_CIDS) {
		scx_bpf_error("%u cids exceed CS_MAX_CIDS=%d", nr_cids, CS_MAX_CIDS);
		return -E2BIG;
	}
	ret = scx_bpf_create_dsq(CS_CHILD_DSQ, -1);
	if (ret) {
		scx_bpf_error("cell %u: creating the DSQ failed (%d)", cell_idx, ret);
		return ret;
	}
	ret = cs_demand_init();
	if (ret)
		scx_bpf_error("cell %u: starting demand reports failed (%d)", cell_idx, ret);
	return ret;
}

#endif /* CELLSCHED_CHILD_BPF_H */
