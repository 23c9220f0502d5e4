/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cells/fifo/fifo.bpf.c: the "fifo" child policy, a cid-form sched_ext
 * sub-scheduler that runs one cell.
 *
 * Algorithm: one FIFO queue (CS_CELL_DSQ) for every task of the cell, each
 * run for at most slice_ns before going to the back of the queue. A waking
 * task goes straight to an idle cid of the cell it may run on; otherwise it
 * is queued and an idle allowed cid is kicked to take it.
 *
 * Which cids: only those the parent granted (SCX_CAP_ENQ), tracked from
 * ops.sub_ecaps_updated, so the policy follows grants and revokes as the
 * kernel applies them. Tasks losing their CPU to a revoke come back through
 * enqueue (SCX_TASK_REENQ_CAP) and are queued for the remaining cids. A task
 * whose affinity covers none of the cell's cids (only possible while a
 * cpuset and a grant disagree) is handed to the kernel's rescue path.
 *
 * Arena: cid-form schedulers must use one BPF arena; the controller points
 * this object's arena at the root's (bpf_map__reuse_fd). It declares no
 * __arena globals: only the root does (libbpf would place both at the same
 * end of the shared arena).
 *
 * Demand: cells/demand.bpf.h reports the cell's load to the root every
 * CS_DEMAND_PERIOD_NS through the cell's demand queue in the shared arena.
 *
 * Tunables (rodata): slice_ns, cell_idx (for messages and dumps), demand_q.
 */
#include <scx/common.bpf.h>

#include "cellsched.h"
#include "cids.bpf.h"
#include "task.bpf.h"

#ifndef CS_FIFO_NAME
#define CS_FIFO_NAME "cellsched_fifo"
#endif
#ifndef cs_fifo_enqueue_hook
#define cs_fifo_enqueue_hook(p) do {} while (0)
#endif

char _license[] SEC("license") = "GPL";

const volatile __u64 slice_ns = CS_CELL_SLICE_NS_DFL;
const volatile __u32 cell_idx;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, CS_ARENA_PAGES);
	__ulong(map_extra, CS_ARENA_ADDR);
} arena SEC(".maps");

static struct cs_cids held;	/* cids the parent granted us (effective) */
static struct cs_cids idle;	/* held cids that are idle */
static __u32 nr_cids;

#define CS_DEMAND_DSQ CS_CELL_DSQ
#include "demand.bpf.h"

/* Claim an idle held cid @p may run on, scanning from @from; -1 if none. */
static s32 claim_idle(const struct task_struct *p, __u32 from)
{
	return cs_task_claim_idle(p, &idle, &held, nr_cids, from);
}

/*
 * -1 if @p may run on one of our cids; otherwise the first cid it may run on
 * (the rescue target), or -2 if none. Early returns only: the verifier then
 * merges loop states instead of walking every iteration.
 */
static s32 rescue_cid(const struct task_struct *p)
{
	__u32 cid;

	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&held, cid) && cs_task_allows_cid(p, cid))
			return -1;
	}
	bpf_for(cid, 0, nr_cids) {
		if (cs_task_allows_cid(p, cid))
			return cid;
	}
	return -2;
}

static bool held_any(void)
{
	__u32 w;

	bpf_for(w, 0, CS_CID_WORDS)
		if (held.bits[w])
			return true;
	return false;
}

s32 BPF_STRUCT_OPS(fifo_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	s32 cid = -1;

	if (prev_cid >= 0 && cs_cids_test(&held, prev_cid) && cs_task_allows_cid(p, prev_cid) &&
	    cs_cids_claim(&idle, prev_cid))
		cid = prev_cid;
	else
		cid = claim_idle(p, prev_cid >= 0 ? prev_cid : 0);
	if (cid < 0)
		return prev_cid;
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cid;
}

void BPF_STRUCT_OPS(fifo_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 cid;

	cs_fifo_enqueue_hook(p);

	/* until the first grant is in effect we know no cids: just queue */
	if (held_any()) {
		cid = rescue_cid(p);
		if (cid >= 0) {
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, slice_ns,
					   enq_flags | SCX_ENQ_RESCUE);
			return;
		}
	}
	cs_demand_enqueue(p);
	scx_bpf_dsq_insert(p, CS_CELL_DSQ, slice_ns, enq_flags);
	cid = claim_idle(p, scx_bpf_task_cid(p));
	if (cid >= 0)
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
}

void BPF_STRUCT_OPS(fifo_dispatch, s32 cid, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(CS_CELL_DSQ, 0);
}

void BPF_STRUCT_OPS(fifo_running, struct task_struct *p)
{
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(fifo_stopping, struct task_struct *p, bool runnable)
{
	cs_demand_stopping(p);
}

void BPF_STRUCT_OPS(fifo_update_idle, s32 cid, bool is_idle)
{
	if (is_idle)
		cs_cids_set(&idle, cid);
	else
		cs_cids_clear(&idle, cid);
}

void BPF_STRUCT_OPS(fifo_sub_ecaps_updated, s32 cid, u64 before, u64 after)
{
	if (after & SCX_CAP_ENQ) {
		cs_cids_set(&held, cid);
	} else {
		cs_cids_clear(&held, cid);
		cs_cids_clear(&idle, cid);
	}
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fifo_init)
{
	s32 ret;

	/* bind the (shared) arena to this program: cid-form requires one */
	asm volatile("" :: "r"(&arena));
	nr_cids = scx_bpf_nr_cids();
	if (nr_cids > CS_MAX_CIDS) {
		scx_bpf_error("%u cids exceed CS_MAX_CIDS=%d", nr_cids, CS_MAX_CIDS);
		return -E2BIG;
	}
	ret = scx_bpf_create_dsq(CS_CELL_DSQ, -1);
	if (ret) {
		scx_bpf_error("cell %u: creating the FIFO DSQ failed (%d)", cell_idx, ret);
		return ret;
	}
	ret = cs_demand_init();
	if (ret)
		scx_bpf_error("cell %u: starting demand reports failed (%d)", cell_idx, ret);
	return ret;
}

void BPF_STRUCT_OPS(fifo_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

void BPF_STRUCT_OPS(fifo_dump, struct scx_dump_ctx *dctx)
{
	__u32 nr_held = cs_cids_weight(&held), nr_idle = cs_cids_weight(&idle);

	scx_bpf_dump("%s cell %u: %u cids held, %u idle, %d queued\n", CS_FIFO_NAME, cell_idx,
		     nr_held, nr_idle, scx_bpf_dsq_nr_queued(CS_CELL_DSQ));
}

SCX_OPS_CID_DEFINE(fifo_ops,
	       .select_cid		= (void *)fifo_select_cid,
	       .enqueue			= (void *)fifo_enqueue,
	       .dispatch		= (void *)fifo_dispatch,
	       .running			= (void *)fifo_running,
	       .stopping		= (void *)fifo_stopping,
	       .update_idle		= (void *)fifo_update_idle,
	       .sub_ecaps_updated	= (void *)fifo_sub_ecaps_updated,
	       .init			= (void *)fifo_init,
	       .exit			= (void *)fifo_exit,
	       .dump			= (void *)fifo_dump,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= CS_FIFO_NAME);
