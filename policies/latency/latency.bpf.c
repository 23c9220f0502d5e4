/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/latency/latency.bpf.c: the "latency" child policy: tasks that run
 * briefly and wake often (interactive, request handlers) go before CPU hogs,
 * and hogs still get their turn within a bounded time.
 *
 * The algorithm (earliest virtual deadline first, measured run lengths,
 * preemption of hogs after min_run_ns) is in latency.bpf.h, shared with
 * embedded mode; this file is its native host: one cell, its cids, the
 * child's one queue (CS_CELL_DSQ) and clock (vnow), the child library's
 * placement and demand accounting.
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (slice_us), CS_LAT_SHORT
 * (short_us), CS_LAT_MIN_RUN (min_run_us).
 * ops.dump: "cellsched_latency cell N: C cids held, I idle, Q queued".
 */
#include "child.h"

#define LAT_NR_CELLS 1		/* a child runs one cell: cell 0 below */
#include "latency.bpf.h"

static __u64 vnow;			/* the cell's virtual clock */

static __u64 lat_host_tun(s32 cell, int idx)
{
	return idx >= 0 && idx < CS_MAX_TUNABLES ? cs_tun[idx] : 0;
}

static struct task_struct *lat_host_curr(s32 cid)
{
	return scx_bpf_cid_curr(cid);
}

static bool lat_host_in_cell(s32 cell, s32 cid)
{
	return cid >= 0 && cs_cids_test(&cs_held, cid);
}

static __u32 lat_host_nr(void)
{
	return cs_nr_cids;
}

static void lat_host_kick(s32 cid)
{
	scx_bpf_kick_cid(cid, SCX_KICK_PREEMPT);
}

static s32 lat_host_queued(s32 cell)
{
	return scx_bpf_dsq_nr_queued(CS_CELL_DSQ);
}

static void lat_host_preempted(s32 cell)
{
	cs_child_stat(CS_CSTAT_PREEMPT);
}

void BPF_STRUCT_OPS(lat_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct lat_task *t = lat_task(p);

	if (cs_child_rescue(p, enq_flags))
		return;
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert_vtime(p, CS_CELL_DSQ, cs_tun[CS_TUN_SLICE], lat_deadline(0, t, vnow),
				 enq_flags);
	if (cs_child_kick_idle(p))
		return;		/* an idle cid, or one we lent, takes it */
	lat_after_queue(0, t, scx_bpf_task_cid(p));
}

void BPF_STRUCT_OPS(lat_running, struct task_struct *p)
{
	lat_started(lat_task(p), &vnow);
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(lat_stopping, struct task_struct *p, bool runnable)
{
	lat_stopped(p, lat_task(p), runnable);
	cs_demand_stopping(p);
}

s32 BPF_STRUCT_OPS(lat_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	lat_new_task(0, lat_task(p), vnow);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(lat_init)
{
	s32 ret = lat_init_cell(0);

	return ret ?: cs_child_init();
}

void BPF_STRUCT_OPS(lat_dump, struct scx_dump_ctx *dctx)
{
	cs_child_dump("cellsched_latency");
	scx_bpf_dump("\n");
}

void BPF_STRUCT_OPS(lat_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	struct lat_task *t = bpf_task_storage_get(&lat_tasks, p, NULL, 0);

	if (t)
		scx_bpf_dump("avg_run=%lluus burst=%lluus %s", t->avg_run / 1000, t->burst / 1000,
			     lat_interactive(0, t) ? "interactive" : "hog");
}

SCX_OPS_CID_DEFINE(latency_ops,
	       .select_cid		= (void *)cs_child_op_select_cid,
	       .enqueue			= (void *)lat_enqueue,
	       .dispatch		= (void *)cs_child_op_dispatch,
	       .running			= (void *)lat_running,
	       .stopping		= (void *)lat_stopping,
	       .init_task		= (void *)lat_init_task,
	       .update_idle		= (void *)cs_child_op_update_idle,
	       .sub_ecaps_updated	= (void *)cs_child_op_sub_ecaps_updated,
	       .init			= (void *)lat_init,
	       .exit			= (void *)cs_child_op_exit,
	       .dump			= (void *)lat_dump,
	       .dump_task		= (void *)lat_dump_task,
	       .timeout_ms		= CS_CELL_TIMEOUT_MS,
	       .name			= "cellsched_latency");
