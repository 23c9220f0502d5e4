/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/root.bpf.c: the cellsched root scheduler, a cid-form sched_ext scheduler
 * and the parent of the cells' sub-schedulers.
 *
 * Owns the ops table of the root and the root cell's policy. The cell table,
 * the parent-side sub-scheduler ops and the controller's syscall entry points
 * live in bpf/cells.bpf.h, included below.
 *
 * Routing: dispatch(cid) on a cid owned by an attached cell hands the CPU to
 * that cell's child (scx_bpf_sub_dispatch); every other cid runs the root
 * cell. The root places its own tasks only on root cids (root_cids), except
 * tasks allowed nowhere else: per-CPU kthreads and tasks whose affinity
 * covers only cell cids run on an allowed cid from its local DSQ (the root
 * holds every cap), so nothing the root owns can starve.
 *
 * Policy: weighted virtual time over one shared DSQ (CS_ROOT_DSQ).
 *   - A task's vtime advances by its run time scaled by 100/weight when it
 *     stops, so a task of weight 200 gets twice the CPU of one of weight 100.
 *   - A task that slept is placed no further back than one slice behind the
 *     queue's clock (vtime_now): sleeping cannot bank unlimited credit.
 *   - Waking tasks go straight to an idle cid's local DSQ when one is allowed
 *     (select_cid); otherwise they queue on the DSQ and an idle allowed cid is
 *     kicked to fetch them.
 *   - A task allowed on a single CPU (per-CPU kthreads, pinned workers) is
 *     inserted on that CPU's local DSQ: the shared DSQ must not hold tasks only
 *     one CPU may take.
 *
 * Idle tracking: cid-form has no built-in idle cpumask; ops.update_idle feeds
 * a cid set of bpf/cids.bpf.h and cids are claimed atomically from it.
 *
 * SCX_OPS_ENQ_LAST: a root task whose slice ends on a cid that now belongs to
 * a cell must not be kept running there just because nothing else is queued;
 * with ENQ_LAST it comes back through enqueue and moves to a root cid.
 * SCX_OPS_TID_TO_TASK: a child may use it only if the root enables it, and
 * cells of policy "external" host sub-schedulers we did not write (scx_qmap
 * sets it).
 *
 * Arena: a cid-form scheduler must reference exactly one BPF arena. Ours holds
 * struct cs_shared (ipc/cellsched.h): the cpu<->cid tables and the cell table,
 * which the controller reads through its mmap. Children reuse this arena.
 *
 * Exit: ops.exit records the kernel's exit info (UEI) for the controller.
 */
#include <scx/common.bpf.h>

#include "cellsched.h"

char _license[] SEC("license") = "GPL";

/* Load-time tunables, set by the controller between open and load. */
const volatile __u64 root_slice_ns = CS_ROOT_SLICE_NS_DFL;

UEI_DEFINE(uei);

CS_ARENA_MAP(arena);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, CS_NR_ROOT_STATS);
} root_stats SEC(".maps");

static struct cs_cids idle_cids;
static __u64 vtime_now;

#include "cells.bpf.h"
#include "task.bpf.h"

/* The root's periodic work: collecting the children's demand reports. */
struct cs_root_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cs_root_timer);
} root_timer SEC(".maps");

static int cs_root_timer_fn(void *map, int *key, struct bpf_timer *timer)
{
	cs_cells_collect();
	bpf_timer_start(timer, CS_DEMAND_PERIOD_NS, 0);
	return 0;
}


static __always_inline void stat_inc(enum cs_root_stat idx)
{
	__u32 key = idx;
	__u64 *cnt = bpf_map_lookup_elem(&root_stats, &key);

	if (cnt)
		(*cnt)++;
}

/*
 * Claim an idle root cid @p may run on, searching from @from. Returns the
 * claimed cid or -1.
 *
 * A task that may run anywhere takes the first idle root cid, retrying a few
 * times when another CPU claims it first. A task with a narrower affinity
 * scans the cids once, testing its affinity only on idle root ones: it must
 * find an idle allowed cid whenever there is one, or it could sit queued
 * while the only CPUs it may use stay asleep.
 */
static s32 claim_idle_cid(const struct task_struct *p, __u32 from)
{
	__u32 i, cid;

	if (from >= nr_cids)
		from = 0;

	if (p->nr_cpus_allowed >= nr_cids) {
		/* a lost race cleared the bit: the next scan from @from finds another */
		bpf_for(i, 0, CS_ROOT_CLAIM_TRIES) {
			cid = cs_cids_next_and(&idle_cids, &root_cids, nr_cids, from);
			if (cid >= nr_cids)
				return -1;
			if (cs_cids_claim(&idle_cids, cid))
				return cid;
			stat_inc(CS_STAT_IDLE_RACE);
		}
		return -1;
	}

	return cs_task_claim_idle(p, &idle_cids, &root_cids, nr_cids, from);
}

/*
 * For a task whose affinity covers no root cid: the cid it should run on
 * (its current one if allowed, else the first allowed), or -1 if it has a
 * root cid and can use the shared queue.
 */
static s32 stranded_cid(const struct task_struct *p)
{
	s32 cur = scx_bpf_task_cid(p);
	__u32 cid;

	if (p->nr_cpus_allowed >= nr_cids)
		return -1;
	/* separate scans that return early: no state carried across iterations */
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&root_cids, cid) && cs_task_allows_cid(p, cid))
			return -1;
	}
	if (cur >= 0 && cs_task_allows_cid(p, cur))
		return cur;
	bpf_for(cid, 0, nr_cids) {
		if (cs_task_allows_cid(p, cid))
			return cid;
	}
	return -1;
}

s32 BPF_STRUCT_OPS(cs_root_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	s32 cid;

	if (prev_cid >= 0 && cs_cids_test(&root_cids, prev_cid) && cs_task_allows_cid(p, prev_cid) &&
	    cs_cids_claim(&idle_cids, prev_cid)) {
		cid = prev_cid;
	} else {
		cid = claim_idle_cid(p, prev_cid >= 0 ? prev_cid : 0);
		if (cid < 0)
			return prev_cid;
	}
	stat_inc(CS_STAT_ENQ_LOCAL);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, root_slice_ns, 0);
	return cid;
}

void BPF_STRUCT_OPS(cs_root_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;
	s32 cid;

	if (p->nr_cpus_allowed == 1) {
		cid = scx_bpf_task_cid(p);
		stat_inc(CS_STAT_ENQ_PINNED);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, root_slice_ns, enq_flags);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
		return;
	}

	/* the last runnable task of a root cid keeps it; on a cell cid it moves */
	if ((enq_flags & SCX_ENQ_LAST) && cs_cids_test(&root_cids, scx_bpf_task_cid(p))) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, root_slice_ns, enq_flags);
		return;
	}

	cid = stranded_cid(p);
	if (cid >= 0) {
		stat_inc(CS_STAT_ENQ_STRANDED);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, root_slice_ns, enq_flags);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
		return;
	}

	/* a sleeper comes back at most one slice behind the queue's clock */
	if (time_before(vtime, vtime_now - root_slice_ns))
		vtime = vtime_now - root_slice_ns;
	stat_inc(CS_STAT_ENQ_SHARED);
	scx_bpf_dsq_insert_vtime(p, CS_ROOT_DSQ, root_slice_ns, vtime, enq_flags);

	cid = claim_idle_cid(p, scx_bpf_task_cid(p));
	if (cid >= 0) {
		stat_inc(CS_STAT_KICK_IDLE);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	}
}

void BPF_STRUCT_OPS(cs_root_dispatch, s32 cid, struct task_struct *prev)
{
	struct cs_cell __arena *cell = cs_cell_routed(cid);

	if (cell) {
		stat_inc(CS_STAT_SUB_DISPATCH);
		scx_bpf_sub_dispatch(cell->cgid);
		return;
	}
	if (scx_bpf_dsq_move_to_local(CS_ROOT_DSQ, 0))
		stat_inc(CS_STAT_DISPATCH);
	else
		stat_inc(CS_STAT_DISPATCH_NONE);
}

void BPF_STRUCT_OPS(cs_root_running, struct task_struct *p)
{
	/* the queue's clock follows the vtime of what runs; races only lag it */
	if (time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(cs_root_stopping, struct task_struct *p, bool runnable)
{
	u64 used = root_slice_ns - p->scx.slice;

	if (p->scx.slice > root_slice_ns)
		used = 0;
	scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime + scale_by_task_weight_inverse(p, used));
}

void BPF_STRUCT_OPS(cs_root_enable, struct task_struct *p, struct scx_enable_args *args)
{
	scx_bpf_task_set_dsq_vtime(p, vtime_now);
}

void BPF_STRUCT_OPS(cs_root_update_idle, s32 cid, bool idle)
{
	cs_cids_assign(&idle_cids, cid, idle);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(cs_root_init)
{
	__u32 nr_cpus = scx_bpf_nr_cpu_ids(), cids = scx_bpf_nr_cids(), key = 0;
	struct cs_root_timer *timer;
	s32 i, ret;

	if (cids > CS_MAX_CIDS || nr_cpus > CS_MAX_CIDS) {
		scx_bpf_exit(CS_ROOT_EXIT_TOO_MANY_CIDS,
			     "%u cids / %u cpu ids exceed CS_MAX_CIDS=%d", cids, nr_cpus,
			     CS_MAX_CIDS);
		return -E2BIG;
	}
	ret = cs_cells_init(cids);
	if (ret) {
		scx_bpf_error("setting up the cell table failed (%d)", ret);
		return ret;
	}

	ret = scx_bpf_create_dsq(CS_ROOT_DSQ, -1);
	if (ret) {
		scx_bpf_error("creating the root DSQ failed (%d)", ret);
		return ret;
	}

	bpf_for(i, 0, CS_MAX_CIDS) {
		cs_shared.cpu_to_cid[i] = i < nr_cpus ? scx_bpf_cpu_to_cid(i) : -1;
		cs_shared.cid_to_cpu[i] = i < nr_cids ? scx_bpf_cid_to_cpu(i) : -1;
	}
	cs_shared.nr_cids = nr_cids;
	cs_shared.nr_cpu_ids = nr_cpus;
	cs_shared.abi = CS_SHARED_ABI;
	cs_shared.magic = CS_SHARED_MAGIC;

	timer = bpf_map_lookup_elem(&root_timer, &key);
	if (!timer) {
		scx_bpf_error("no root timer");
		return -ENOENT;
	}
	bpf_timer_init(&timer->timer, &root_timer, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&timer->timer, cs_root_timer_fn);
	ret = bpf_timer_start(&timer->timer, CS_DEMAND_PERIOD_NS, 0);
	if (ret)
		scx_bpf_error("starting the root timer failed (%d)", ret);
	return ret;
}

void BPF_STRUCT_OPS(cs_root_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

s32 BPF_STRUCT_OPS(cs_root_sub_attach, struct scx_sub_attach_args *args)
{
	s32 ret = cs_cells_sub_attach(args);

	stat_inc(ret ? CS_STAT_SUB_REJECT : CS_STAT_SUB_ATTACH);
	return ret;
}

void BPF_STRUCT_OPS(cs_root_sub_detach, struct scx_sub_detach_args *args)
{
	stat_inc(CS_STAT_SUB_DETACH);
	cs_cells_sub_detach(args);
}

void BPF_STRUCT_OPS(cs_root_dump, struct scx_dump_ctx *dctx)
{
	__u32 i, idle = cs_cids_weight(&idle_cids), root = cs_cids_weight(&root_cids);

	scx_bpf_dump("cellsched root: %u cids (%u root, %u idle), seq %u, vtime_now=%llu, "
		     "%d queued\n", nr_cids, root, idle, cs_shared.seq, vtime_now,
		     scx_bpf_dsq_nr_queued(CS_ROOT_DSQ));
	bpf_for(i, 0, CS_MAX_CELLS) {
		struct cs_cell __arena *cell = &cs_shared.cells[i];

		if (cell->state == CS_CELL_FREE)
			continue;
		scx_bpf_dump("  cell %u: cgroup %llu %s, %u cids, seq %u, attached %u times\n", i,
			     cell->cgid, cell->state == CS_CELL_ATTACHED ? "attached" : "configured",
			     cell->nr_cids, cell->seq, cell->nr_attach);
	}
}

SCX_OPS_CID_DEFINE(cellsched_ops,
	       .select_cid		= (void *)cs_root_select_cid,
	       .enqueue			= (void *)cs_root_enqueue,
	       .dispatch		= (void *)cs_root_dispatch,
	       .running			= (void *)cs_root_running,
	       .stopping		= (void *)cs_root_stopping,
	       .enable			= (void *)cs_root_enable,
	       .update_idle		= (void *)cs_root_update_idle,
	       .sub_attach		= (void *)cs_root_sub_attach,
	       .sub_detach		= (void *)cs_root_sub_detach,
	       .init			= (void *)cs_root_init,
	       .exit			= (void *)cs_root_exit,
	       .dump			= (void *)cs_root_dump,
	       .flags			= SCX_OPS_ENQ_LAST | SCX_OPS_TID_TO_TASK,
	       .timeout_ms		= CS_ROOT_TIMEOUT_MS,
	       .name			= "cellsched");
