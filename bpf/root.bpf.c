/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/root.bpf.c: the cellsched root scheduler, a cid-form sched_ext scheduler
 * and the parent of the cells' sub-schedulers.
 *
 * Owns the ops table of the root and the root cell's policy. The cell table,
 * the parent-side sub-scheduler ops and the controller's syscall entry points
 * live in bpf/cells.bpf.h, what it keeps per task and per cgroup of the
 * root cell in bpf/root_tasks.bpf.h, its hotplug ops in
 * bpf/root_hotplug.bpf.h; all are included below.
 *
 * Routing: dispatch(cid) on a cid of an attached cell hands the CPU to that
 * cell's child (scx_bpf_sub_dispatch); every other cid runs the root cell.
 *
 * Policy of the root cell: weighted virtual time.
 *   - A task's vtime advances by what it ran, scaled by 100/weight and by
 *     its cgroup's cpu.weight and runnable tasks (vtime_cost), when it
 *     stops: a task of weight 200 gets twice the CPU of one of weight 100,
 *     and cgroups share by cpu.weight. A task that slept comes back no
 *     further than one slice behind the clock (vtime_now): sleeping cannot
 *     bank unlimited credit; none is more than CS_ROOT_MAX_LEAD_NS ahead.
 *   - Tasks that may run on several root cids wait on one shared DSQ
 *     (CS_ROOT_DSQ) ordered by vtime; a waking task goes straight to an idle
 *     root cid it may use (select_cid), or is queued and an idle allowed root
 *     cid is kicked.
 *   - Tasks only one cid can take wait on that cid's own DSQ
 *     (CS_ROOT_CID_DSQ + cid), also by vtime: a task pinned to one CPU, and a
 *     task whose affinity covers no root cid ("stranded": only cells' CPUs;
 *     it waits on one of them). dispatch on a root cid takes whichever of
 *     its own DSQ and the shared DSQ has the earlier vtime first, so a
 *     stream of pinned tasks cannot starve the shared queue and the other
 *     way round (pinned tasks used to go straight to the local DSQ, which
 *     is served before dispatch is even asked).
 *   - On a cell's cid the cell comes first. A stranded root task runs there
 *     when the cell leaves the CPU idle, and otherwise gets a bounded share:
 *     one slice of CS_STRANDED_SLICE_NS per CS_STRANDED_PERIOD_NS (2 %), like
 *     the kernel's own rescue path; whatever has waited close to
 *     CS_STRANDED_MAX_WAIT_NS runs anyway, so the watchdog never sees it.
 *     Per-CPU kernel threads of a cell's CPU run at once (the root holds
 *     every cap): they are the kernel's work for that CPU, short, and a
 *     cpuset would not hold them back either.
 *   - Lending: the idle cids of a cell with lend set (lend_cids) take
 *     root-cell work when no root cid is idle; while a root task runs on
 *     one, cs_shared.lent[cid] tells the cell's child, which preempts it as
 *     soon as a task of its own wants the CPU.
 *
 * Idle tracking: cid-form has no built-in idle cpumask; ops.update_idle feeds
 * a cid set of bpf/cids.bpf.h and cids are claimed atomically from it. A cid
 * that was claimed and kicked but found nothing goes back to idle without an
 * update_idle (no transition): dispatch gives the claim back, or the CPU
 * would never be claimed again while tasks wait.
 *
 * Hotplug: cid_online/cid_offline keep the root running (without them the
 * kernel ends the scheduler on every hotplug); an offline cid is never
 * claimed or chosen, and the controller hears of it on the event queue and
 * re-plans the cells around it.
 *
 * SCX_OPS_ENQ_LAST: a root task whose slice ends with nothing else to run
 * comes back through enqueue, which keeps it on its CPU if it may stay.
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

static __always_inline void stat_inc(enum cs_root_stat idx)
{
	__u32 key = idx;
	__u64 *cnt = bpf_map_lookup_elem(&root_stats, &key);

	if (cnt)
		(*cnt)++;
}

static struct cs_cids idle_cids;	/* cids whose CPU is idle and not claimed */
static struct cs_cids online_cids;	/* cids whose CPU is online */
static __u64 vtime_now;
static __u64 stranded_due[CS_MAX_CIDS];	/* ns, when root tasks may next take their share */
static __u64 stranded_since[CS_MAX_CIDS];	/* ns, a share started on this cell's cid */
static __u64 stranded_scan_at[CS_MAX_CIDS];	/* ns, when overdue stranded tasks are next looked for */
static __u64 lent_since[CS_MAX_CIDS];		/* ns, a root task started on this lent cid */

#include "cells.bpf.h"
#include "task.bpf.h"

#include "root_tasks.bpf.h"

static __always_inline u64 cid_dsq(s32 cid)
{
	return CS_ROOT_CID_DSQ + (u64)cid;
}

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

/* ---- placement ------------------------------------------------------------------------ */

/*
 * Claim an idle root cid @p may run on, searching from @from. Returns the
 * claimed cid or -1. A task that may run anywhere takes the first idle root
 * cid, retrying a few times when another CPU claims it first; a task with a
 * narrower affinity scans the cids once, testing its affinity only on idle
 * root ones: it must find an idle allowed cid whenever there is one.
 */
static s32 claim_in(const struct task_struct *p, const struct cs_cids *usable, __u32 from)
{
	__u32 i, cid;

	if (from >= nr_cids)
		from = 0;
	if (p->nr_cpus_allowed >= nr_cids) {
		/* a lost race cleared the bit: the next scan from @from finds another */
		bpf_for(i, 0, CS_ROOT_CLAIM_TRIES) {
			cid = cs_cids_next_and(&idle_cids, usable, nr_cids, from);
			if (cid >= nr_cids)
				return -1;
			if (cs_cids_claim(&idle_cids, cid))
				return cid;
			stat_inc(CS_STAT_IDLE_RACE);
		}
		return -1;
	}
	return cs_task_claim_idle(p, &idle_cids, usable, nr_cids, from);
}

static s32 claim_idle_cid(const struct task_struct *p, __u32 from)
{
	return claim_in(p, &root_cids, from);
}

/*
 * No idle root cid: an idle cid a cell lends (lend: true), where @p runs
 * until the cell wants its CPU back (its child preempts it). -1 if none.
 */
static s32 claim_lent_cid(const struct task_struct *p, __u32 from)
{
	s32 cid = claim_in(p, &lend_cids, from);

	if (cid >= 0)
		stat_inc(CS_STAT_LEND);
	return cid;
}

/* The cid of a task allowed on exactly one online CPU, else -1. */
static s32 only_cid(const struct task_struct *p)
{
	s32 cid;

	if (p->nr_cpus_allowed != 1)
		return -1;
	cid = scx_bpf_cpu_to_cid(bpf_cpumask_first(p->cpus_ptr));
	return cid >= 0 && cs_cids_test(&online_cids, cid) ? cid : -1;
}

/*
 * For a task whose affinity covers no online root cid: the cid it waits on
 * (its current one if allowed and online, else the first such), or -1 if it
 * can use the shared queue (or may run nowhere online: the kernel changes
 * its affinity, which enqueues it again). Separate scans that return early:
 * no state carried across iterations.
 */
static s32 stranded_cid(const struct task_struct *p)
{
	s32 cur = scx_bpf_task_cid(p);
	__u32 cid;

	if (p->nr_cpus_allowed >= nr_cids)
		return -1;
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&root_cids, cid) && cs_cids_test(&online_cids, cid) &&
		    cs_task_allows_cid(p, cid))
			return -1;
	}
	if (cur >= 0 && cs_cids_test(&online_cids, cur) && cs_task_allows_cid(p, cur))
		return cur;
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&online_cids, cid) && cs_task_allows_cid(p, cid))
			return cid;
	}
	return -1;
}

static __always_inline bool is_percpu_kthread(const struct task_struct *p)
{
	return (p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1;
}

/*
 * A task that slept comes back at most one slice behind the clock: sleeping
 * banks no credit. One that was only preempted or used up its slice keeps
 * its vtime: clamping it too would erase what its weight (and its cgroup's)
 * gave it. No task is ever more than CS_ROOT_MAX_LEAD_NS ahead: a nice-19
 * task (weight 1) pays 100 ns per ns it runs, and with a dozen busy tasks
 * per CPU its next turn would come after the watchdog's limit.
 */
static __always_inline u64 task_vtime(const struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;

	if ((enq_flags & SCX_ENQ_WAKEUP) && time_before(vtime, vtime_now - root_slice_ns))
		vtime = vtime_now - root_slice_ns;
	if (time_before(vtime_now + CS_ROOT_MAX_LEAD_NS, vtime))
		vtime = vtime_now + CS_ROOT_MAX_LEAD_NS;
	return vtime;
}

/*
 * Where a task with no idle cid goes: its previous cid if that is online,
 * else the first online cid it may run on (the kernel counts a pick of an
 * offline or forbidden cid as SELECT_CPU_FALLBACK).
 */
static s32 online_cid(const struct task_struct *p, s32 prev_cid)
{
	__u32 cid;

	if (prev_cid >= 0 && cs_cids_test(&online_cids, prev_cid))
		return prev_cid;
	bpf_for(cid, 0, nr_cids) {
		if (cs_cids_test(&online_cids, cid) && cs_task_allows_cid(p, cid))
			return cid;
	}
	return prev_cid;
}

/*
 * A synchronous wakeup (the waker is about to wait, as in a pipe): the wakee
 * may run on the waker's cid, after it, instead of waking another CPU; if
 * that cid has nothing else queued and the root cell has idle CPUs (it is
 * not short of CPU: the wakee jumps no queue). -1 if not.
 */
static s32 waker_cid(const struct task_struct *p, u64 wake_flags)
{
	s32 cid;

	if (!(wake_flags & SCX_WAKE_SYNC))
		return -1;
	cid = scx_bpf_this_cid();
	if (cid < 0 || !cs_cids_test(&root_cids, cid) || !cs_task_allows_cid(p, cid) ||
	    scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL) ||
	    cs_cids_next_and(&idle_cids, &root_cids, nr_cids, 0) >= nr_cids)
		return -1;
	return cid;
}

s32 BPF_STRUCT_OPS(cs_root_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	s32 cid = waker_cid(p, wake_flags);

	if (cid >= 0) {
		/* (but an idle previous cid keeps its warm cache) */
		if (prev_cid >= 0 && prev_cid != cid && cs_cids_test(&root_cids, prev_cid) &&
		    cs_task_allows_cid(p, prev_cid) && cs_cids_claim(&idle_cids, prev_cid))
			cid = prev_cid;
	} else if (prev_cid >= 0 && cs_cids_test(&root_cids, prev_cid) &&
		   cs_task_allows_cid(p, prev_cid) && cs_cids_claim(&idle_cids, prev_cid)) {
		cid = prev_cid;
	} else {
		cid = claim_idle_cid(p, prev_cid >= 0 ? prev_cid : 0);
		if (cid < 0)
			cid = claim_lent_cid(p, prev_cid >= 0 ? prev_cid : 0);
		if (cid < 0)
			return online_cid(p, prev_cid);
	}
	stat_inc(CS_STAT_ENQ_LOCAL);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, root_slice_ns, 0);
	return cid;
}

/* Queue @p for the one cid that may take it; wake that cid if it is idle. */
static void enqueue_on(struct task_struct *p, s32 cid, u64 enq_flags)
{
	bool cell_cid = !cs_cids_test(&root_cids, cid);
	struct root_task *t;

	if (cell_cid) {
		t = root_task(p, false);
		if (t)
			t->queued_at = bpf_ktime_get_ns();
	}

	scx_bpf_dsq_insert_vtime(p, cid_dsq(cid), cell_cid ? CS_STRANDED_SLICE_NS : root_slice_ns,
				 task_vtime(p, enq_flags), enq_flags);
	if (cs_cids_claim(&idle_cids, cid))
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
}

void BPF_STRUCT_OPS(cs_root_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 cid = scx_bpf_task_cid(p);

	/* nothing else to run here: the last runnable task keeps its CPU if it may */
	if ((enq_flags & SCX_ENQ_LAST) && cs_task_allows_cid(p, cid)) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, cs_cids_test(&root_cids, cid) ? root_slice_ns :
				   CS_STRANDED_SLICE_NS, enq_flags);
		return;
	}
	cid = only_cid(p);
	if (cid >= 0 && is_percpu_kthread(p) && !cs_cids_test(&root_cids, cid)) {
		stat_inc(CS_STAT_ENQ_KTHREAD);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cid, root_slice_ns, enq_flags);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
		return;
	}
	if (cid >= 0) {
		stat_inc(CS_STAT_ENQ_PINNED);
		enqueue_on(p, cid, enq_flags);
		return;
	}
	cid = stranded_cid(p);
	if (cid >= 0) {
		stat_inc(CS_STAT_ENQ_STRANDED);
		enqueue_on(p, cid, enq_flags);
		return;
	}
	stat_inc(CS_STAT_ENQ_SHARED);
	scx_bpf_dsq_insert_vtime(p, CS_ROOT_DSQ, root_slice_ns, task_vtime(p, enq_flags),
				 enq_flags);
	cid = claim_idle_cid(p, scx_bpf_task_cid(p));
	if (cid < 0)
		cid = claim_lent_cid(p, scx_bpf_task_cid(p));
	if (cid >= 0) {
		stat_inc(CS_STAT_KICK_IDLE);
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	}
}

/* ---- dispatch ------------------------------------------------------------------------- */

/*
 * The shared DSQ's head cannot run on @cid (its affinity): move the first
 * task of it that can, unless the head of @cid's own DSQ (@mine_vtime; @mine
 * false if empty) comes first.
 */
static bool dispatch_root_scan(s32 cid, bool mine, u64 mine_vtime)
{
	struct task_struct *p;

	bpf_for_each(scx_dsq, p, CS_ROOT_DSQ, 0) {
		if (!cs_task_allows_cid(p, cid))
			continue;
		if (mine && time_before(mine_vtime, p->scx.dsq_vtime))
			break;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0))
			return true;
	}
	return mine && scx_bpf_dsq_move_to_local(cid_dsq(cid), 0);
}

/*
 * Move the root task @cid should run next: from its own DSQ or the shared
 * one, whichever has the earlier vtime at its head. When the shared DSQ's
 * head may not run here, the first one that may is compared instead: else a
 * task queued for @cid could wait behind it forever.
 */
static bool dispatch_root(s32 cid)
{
	struct task_struct *mine = scx_bpf_dsq_peek(cid_dsq(cid));
	struct task_struct *shared = scx_bpf_dsq_peek(CS_ROOT_DSQ);

	if (shared && !cs_task_allows_cid(shared, cid))
		return dispatch_root_scan(cid, mine, mine ? mine->scx.dsq_vtime : 0);

	if (mine && (!shared || !time_before(shared->scx.dsq_vtime, mine->scx.dsq_vtime))) {
		if (scx_bpf_dsq_move_to_local(cid_dsq(cid), 0))
			return true;
		return shared && scx_bpf_dsq_move_to_local(CS_ROOT_DSQ, 0);
	}
	if (shared && scx_bpf_dsq_move_to_local(CS_ROOT_DSQ, 0))
		return true;
	return mine && scx_bpf_dsq_move_to_local(cid_dsq(cid), 0);
}

/*
 * Nothing found for @cid. If its CPU goes idle (no runnable @prev to keep),
 * give back a claim that was never used, then look once more: an enqueue
 * that saw the bit clear has its task queued by now, and one that comes
 * later sees the bit set and kicks the CPU.
 */
static void dispatch_idle(s32 cid, struct task_struct *prev, bool root_cid)
{
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED))
		return;
	if (!cs_cids_test(&idle_cids, cid))
		stat_inc(CS_STAT_IDLE_RESTORED);
	cs_cids_set(&idle_cids, cid);
	if ((root_cid ? dispatch_root(cid) : !!scx_bpf_dsq_move_to_local(cid_dsq(cid), 0)))
		cs_cids_clear(&idle_cids, cid);
}

/*
 * Every stranded task on @cid that has waited half of CS_STRANDED_MAX_WAIT_NS
 * runs now, one short slice each, up to CS_STRANDED_BATCH at a time. The
 * share serves the lowest vtime first: with dozens of tasks pinned to one
 * cell CPU (an affinity storm), the last of them waited for the watchdog.
 * Looked for every quarter of the limit, so none waits much over 3/4 of it.
 */
static bool dispatch_overdue(s32 cid, u64 now)
{
	struct task_struct *p;
	u32 moved = 0;

	if (cid >= CS_MAX_CIDS || time_before(now, stranded_scan_at[cid]))
		return false;
	stranded_scan_at[cid] = now + CS_STRANDED_MAX_WAIT_NS / 4;
	bpf_for_each(scx_dsq, p, cid_dsq(cid), 0) {
		if (now - queued_at(p) < CS_STRANDED_MAX_WAIT_NS / 2)
			continue;
		if (!scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0))
			continue;
		stat_inc(CS_STAT_STRANDED_OVERDUE);
		if (++moved >= CS_STRANDED_BATCH) {
			stranded_scan_at[cid] = now;	/* more may be due: look again next time */
			break;
		}
	}
	return moved > 0;
}

/*
 * @cid belongs to @cell. Stranded root tasks first if their share is due,
 * then the cell's child; if the child has nothing and its task does not keep
 * the CPU, the stranded tasks may have it, and then, if the cell lends its
 * idle CPUs, the root cell's queue.
 */
static void dispatch_cell(s32 cid, struct task_struct *prev, struct cs_cell __arena *cell)
{
	struct task_struct *curr, *head = scx_bpf_dsq_peek(cid_dsq(cid));
	bool stranded = head != NULL;
	u64 now;

	/* the share is due, or some waited too long: the watchdog must not see them */
	if (stranded && cid < CS_MAX_CIDS) {
		now = bpf_ktime_get_ns();
		if (!time_before(now, stranded_due[cid]) &&
		    scx_bpf_dsq_move_to_local(cid_dsq(cid), 0)) {
			stranded_since[cid] = now;
			stat_inc(CS_STAT_STRANDED_SHARE);
			return;
		}
		if (dispatch_overdue(cid, now))
			return;
	}
	stat_inc(CS_STAT_SUB_DISPATCH);
	if (scx_bpf_sub_dispatch(cell->cgid))
		return;
	/* the cell's own task (not ours: prev is NULL then) still runnable keeps the CPU */
	curr = prev ? NULL : scx_bpf_cid_curr(cid);
	if (curr && (curr->scx.flags & SCX_TASK_QUEUED))
		return;
	if (stranded && scx_bpf_dsq_move_to_local(cid_dsq(cid), 0)) {
		stat_inc(CS_STAT_STRANDED_IDLE);
		return;
	}
	/* a cell that lends its idle CPUs: root-cell work, until its child takes it back */
	if (cell->lend && scx_bpf_dsq_move_to_local(CS_ROOT_DSQ, 0)) {
		stat_inc(CS_STAT_LEND);
		return;
	}
	stat_inc(CS_STAT_DISPATCH_NONE);
	dispatch_idle(cid, prev, false);
}

/*
 * @prev's slice ended on root cid @cid but nothing queued comes before it:
 * it keeps the CPU for another slice (charged for the one it used), as
 * EEVDF keeps the most deserving task running. Without this, a task of a
 * small cgroup (few tasks, a large share each) was put back at every slice
 * end and lost its CPU to whichever CPU dispatched first, and every slice
 * cost a switch.
 */
static bool keep_prev(s32 cid, struct task_struct *prev)
{
	struct task_struct *mine, *shared;
	struct root_task *t;
	u64 vtime, used, ran;

	if (!prev || !(prev->scx.flags & SCX_TASK_QUEUED) || !cs_task_allows_cid(prev, cid))
		return false;
	/* what it ran since running() or the last keep, as stopping() counts it */
	t = root_task(prev, false);
	ran = prev->se.sum_exec_runtime;
	used = run_to_charge(prev, t);
	vtime = prev->scx.dsq_vtime + vtime_cost(prev, t, used);
	mine = scx_bpf_dsq_peek(cid_dsq(cid));
	shared = scx_bpf_dsq_peek(CS_ROOT_DSQ);
	if ((mine && time_before(mine->scx.dsq_vtime, vtime)) ||
	    (shared && time_before(shared->scx.dsq_vtime, vtime)))
		return false;
	scx_bpf_task_set_dsq_vtime(prev, vtime);
	scx_bpf_task_set_slice(prev, root_slice_ns);
	if (t)
		t->ran_from = ran;	/* charged: stopping() counts from here */
	return true;
}

void BPF_STRUCT_OPS(cs_root_dispatch, s32 cid, struct task_struct *prev)
{
	struct cs_cell __arena *cell = cs_cell_routed(cid);

	if (cell) {
		dispatch_cell(cid, prev, cell);
		return;
	}
	if (keep_prev(cid, prev)) {
		stat_inc(CS_STAT_KEEP_PREV);
		return;
	}
	if (dispatch_root(cid)) {
		stat_inc(CS_STAT_DISPATCH);
		return;
	}
	stat_inc(CS_STAT_DISPATCH_NONE);
	dispatch_idle(cid, prev, true);
}

/* ---- accounting ------------------------------------------------------------------------- */

void BPF_STRUCT_OPS(cs_root_running, struct task_struct *p)
{
	struct root_task *t = root_task(p, false);
	s32 cid = scx_bpf_task_cid(p);
	u64 now;

	if (t)
		t->ran_from = p->se.sum_exec_runtime;

	/*
	 * A root task on a cell's cid other than in its bounded share: the cell
	 * lent the CPU (or left it idle to a stranded task); its child may take
	 * it back at once, and the time counts as lent.
	 */
	if (cid >= 0 && cid < CS_MAX_CIDS && !cs_cids_test(&root_cids, cid) &&
	    cs_cell_routed(cid) && !is_percpu_kthread(p)) {
		now = bpf_ktime_get_ns();
		if (stranded_since[cid] && now - stranded_since[cid] > CS_STRANDED_SLICE_NS)
			stranded_since[cid] = 0;	/* not this run's: stale */
		if (!stranded_since[cid]) {
			cs_shared.lent[cid] = 1;
			lent_since[cid] = now;
		}
	}
	/*
	 * The queue's clock follows the vtime of what runs on the root cell's
	 * own cids (races only lag it). Not what runs on a cell's: a stranded
	 * task's vtime may be far ahead (it ran only in its share), and a clock
	 * pulled there put every new task behind the running ones for seconds.
	 */
	if (cid >= 0 && cs_cids_test(&root_cids, cid) && time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(cs_root_stopping, struct task_struct *p, bool runnable)
{
	struct root_task *t = root_task(p, false);
	s32 cid = scx_bpf_task_cid(p);
	u64 used;

	used = run_to_charge(p, t);	/* the kernel brought sum_exec_runtime up to date */
	if (cid >= 0 && cid < CS_MAX_CIDS && cs_shared.lent[cid]) {
		struct cs_cell __arena *cell = cs_cell_routed(cid);

		cs_shared.lent[cid] = 0;
		if (cell)
			__sync_fetch_and_add(&cell->lent_ns, bpf_ktime_get_ns() - lent_since[cid]);
	}
	/*
	 * A share ended: what it really used (a slice lasts at least a tick,
	 * capped at 4 slices) pays for it; the next is due after
	 * CS_STRANDED_PERIOD_NS / CS_STRANDED_SLICE_NS times as long.
	 */
	if (cid >= 0 && cid < CS_MAX_CIDS && stranded_since[cid]) {
		u64 now = bpf_ktime_get_ns(), ran = now - stranded_since[cid];

		if (ran > 4 * CS_STRANDED_SLICE_NS)
			ran = 4 * CS_STRANDED_SLICE_NS;
		stranded_due[cid] = now + ran * (CS_STRANDED_PERIOD_NS / CS_STRANDED_SLICE_NS - 1);
		stranded_since[cid] = 0;
	}
	scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime + vtime_cost(p, t, used));
}

void BPF_STRUCT_OPS(cs_root_enable, struct task_struct *p, struct scx_enable_args *args)
{
	scx_bpf_task_set_dsq_vtime(p, vtime_now);
}

void BPF_STRUCT_OPS(cs_root_update_idle, s32 cid, bool idle)
{
	cs_cids_assign(&idle_cids, cid, idle && cs_cids_test(&online_cids, cid));
}

#include "root_hotplug.bpf.h"

/* ---- life cycle ------------------------------------------------------------------------- */

static s32 create_dsqs(void)
{
	s32 cid, ret;

	ret = scx_bpf_create_dsq(CS_ROOT_DSQ, -1);
	if (ret) {
		scx_bpf_error("creating the root DSQ failed (%d)", ret);
		return ret;
	}
	bpf_for(cid, 0, nr_cids) {
		ret = scx_bpf_create_dsq(cid_dsq(cid), -1);
		if (ret) {
			scx_bpf_error("creating the DSQ of cid %d failed (%d)", cid, ret);
			return ret;
		}
	}
	return 0;
}

static s32 start_timer(void)
{
	struct cs_root_timer *timer;
	__u32 key = 0;
	s32 ret;

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

s32 BPF_STRUCT_OPS_SLEEPABLE(cs_root_init)
{
	__u32 nr_cpus = scx_bpf_nr_cpu_ids(), cids = scx_bpf_nr_cids();
	__u32 online = scx_bpf_nr_online_cids();
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
	ret = create_dsqs();
	if (ret)
		return ret;
	/* ops.init runs with hotplug excluded; the online CPUs have the lowest cids */
	bpf_for(i, 0, CS_MAX_CIDS) {
		cs_shared.cpu_to_cid[i] = i < nr_cpus ? scx_bpf_cpu_to_cid(i) : -1;
		cs_shared.cid_to_cpu[i] = i < nr_cids ? scx_bpf_cid_to_cpu(i) : -1;
		if (i < online)
			cs_cids_set(&online_cids, i);
	}
	cs_shared.nr_cids = nr_cids;
	cs_shared.nr_cpu_ids = nr_cpus;
	cs_shared.abi = CS_SHARED_ABI;
	cs_shared.magic = CS_SHARED_MAGIC;
	return start_timer();
}

void BPF_STRUCT_OPS(cs_root_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(cs_root_sub_attach, struct scx_sub_attach_args *args)
{
	s32 ret = cs_cells_sub_attach(args);

	stat_inc(ret ? CS_STAT_SUB_REJECT : CS_STAT_SUB_ATTACH);
	return ret;
}

void BPF_STRUCT_OPS_SLEEPABLE(cs_root_sub_detach, struct scx_sub_detach_args *args)
{
	stat_inc(CS_STAT_SUB_DETACH);
	cs_cells_sub_detach(args);
}

void BPF_STRUCT_OPS(cs_root_dump, struct scx_dump_ctx *dctx)
{
	__u32 i;

	scx_bpf_dump("cellsched root: %u cids (%u root, %u idle, %u online), seq %u, "
		     "vtime_now=%llu, %d queued\n", nr_cids, cs_cids_weight(&root_cids),
		     cs_cids_weight(&idle_cids), cs_cids_weight(&online_cids), cs_shared.seq,
		     vtime_now, scx_bpf_dsq_nr_queued(CS_ROOT_DSQ));
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
	       .runnable		= (void *)cs_root_runnable,
	       .quiescent		= (void *)cs_root_quiescent,
	       .enable			= (void *)cs_root_enable,
	       .init_task		= (void *)cs_root_init_task,
	       .exit_task		= (void *)cs_root_exit_task,
	       .cpuctl_init		= (void *)cs_root_cpuctl_init,
	       .cpuctl_exit		= (void *)cs_root_cpuctl_exit,
	       .cpuctl_set_weight	= (void *)cs_root_cpuctl_set_weight,
	       .cpuctl_move		= (void *)cs_root_cpuctl_move,
	       .update_idle		= (void *)cs_root_update_idle,
	       .cid_online		= (void *)cs_root_cid_online,
	       .cid_offline		= (void *)cs_root_cid_offline,
	       .sub_attach		= (void *)cs_root_sub_attach,
	       .sub_detach		= (void *)cs_root_sub_detach,
	       .init			= (void *)cs_root_init,
	       .exit			= (void *)cs_root_exit,
	       .dump			= (void *)cs_root_dump,
	       .flags			= SCX_OPS_ENQ_LAST | SCX_OPS_TID_TO_TASK,
	       .timeout_ms		= CS_ROOT_TIMEOUT_MS,
	       .name			= "cellsched");
