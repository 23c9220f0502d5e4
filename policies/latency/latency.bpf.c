/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/latency/latency.bpf.c: the "latency" child policy: tasks that run
 * briefly and wake often (interactive, request handlers) go before CPU hogs,
 * and hogs still get their turn within a bounded time.
 *
 * Algorithm: earliest virtual deadline first (in the spirit of EEVDF).
 *   - Each task has a virtual runtime that advances by the CPU time it uses,
 *     scaled by 100 / its weight (nice), like the vtime policy; the cell's
 *     clock (vnow) follows the virtual runtime of what runs.
 *   - Each task keeps its CPU burst (CPU time since it last slept, across
 *     preemptions and slice ends) and avg_run, a moving average (weight 1/4)
 *     of its bursts. Its length is max(avg_run, burst): a hog's burst keeps
 *     growing however often it is preempted, so preempting it never makes it
 *     look short.
 *   - When queued, a task's virtual deadline is its virtual runtime plus its
 *     request, its length clamped to [short_ns / 8, slice_ns]; a sleeper's
 *     virtual runtime is first raised to at least vnow - slice_ns (it keeps
 *     at most one slice of credit). The queue (CS_CELL_DSQ) is ordered by
 *     virtual deadline. A task that runs 50 us and sleeps has used little
 *     virtual time and asks for little: it is due before the hogs, which
 *     have used much and ask for a full slice.
 *   - No starvation: virtual runtime only grows with CPU use, so a task that
 *     keeps getting the CPU falls behind the others' deadlines and a waiting
 *     hog's deadline becomes the earliest; every runnable task gets its share
 *     by weight, the short ones just get it sooner.
 *   - Preemption: an interactive task (length < short_ns) that finds no idle
 *     CPU preempts one of the cell's CPUs running a hog (the CPU it last ran
 *     on if it runs a hog, else the first such CPU), so it does not wait for
 *     the hog's slice to end, unless that slice is nearly over (less than
 *     short_ns / 2 left): the wait is then short and a context switch is
 *     saved. Interactive tasks never preempt each other.
 *   - A hog keeps the CPU for at least min_run_ns once it got it: a
 *     preemption that comes earlier is deferred by a BPF timer to that
 *     moment (one pending at a time; whatever interactive tasks queued
 *     meanwhile run then, earliest deadline first). Without it, a task waking
 *     every millisecond costs the hogs two context switches a millisecond;
 *     with it, at most two per min_run_ns, and the wait it adds is bounded by
 *     min_run_ns (when the timer fires it re-checks: someone still waiting,
 *     the hog still there and past its min_run_ns, else another hog).
 *     min_run_ns = 0 preempts at once.
 *   (Influences: EEVDF's virtual deadlines; LAVD's measuring of how long tasks
 *   run to find latency-critical ones.)
 *
 * Tunables (cs_tun[], live): CS_TUN_SLICE (slice_us), CS_LAT_SHORT
 * (short_us), CS_LAT_MIN_RUN (min_run_us); read through slice_ns(),
 * short_ns() and min_run_ns() below.
 * ops.dump: "cellsched_latency cell N: C cids held, I idle, Q queued".
 */
#include "child.h"

static __always_inline u64 slice_ns(void)
{
	return cs_tun[CS_TUN_SLICE];
}

static __always_inline u64 short_ns(void)
{
	return cs_tun[CS_LAT_SHORT];
}

static __always_inline u64 min_run_ns(void)
{
	return cs_tun[CS_LAT_MIN_RUN];
}

struct lat_task {
	__u64 avg_run;			/* ns, moving average of the CPU bursts */
	__u64 burst;			/* ns, CPU used since it last slept */
	__u64 started;			/* ns, when it last started running */
	__u64 vruntime;			/* ns, weighted CPU time used (virtual) */
};

static __u64 vnow;			/* the cell's virtual clock */

/* The deferred preemption (see the file header): at most one armed. */
struct lat_preempt {
	struct bpf_timer timer;
	s32 cid;			/* to kick when it fires */
	u32 armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct lat_preempt);
} lat_preempt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lat_task);
} lat_tasks SEC(".maps");

static struct lat_task *lat_task(struct task_struct *p)
{
	return bpf_task_storage_get(&lat_tasks, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* How long the task runs between sleeps: its average, or more if it is at it now. */
static __u64 lat_length(const struct lat_task *t)
{
	return t->burst > t->avg_run ? t->burst : t->avg_run;
}

static bool interactive(const struct lat_task *t)
{
	return t && lat_length(t) < short_ns();
}

/*
 * Is @cid running a hog worth preempting: one that is not interactive and
 * still has more than short_ns / 2 of its slice? (Nearly done: the waiter
 * gets the CPU soon anyway, and a context switch is saved.)
 */
static bool preemptible(s32 cid)
{
	struct task_struct *curr = scx_bpf_cid_curr(cid);
	struct lat_task *t;

	if (!curr)
		return false;
	t = bpf_task_storage_get(&lat_tasks, curr, NULL, 0);
	return t && !interactive(t) && curr->scx.slice > short_ns() / 2;
}

/* A held cid running a preemptible hog, preferring @prefer; -1 if none. */
static s32 hog_cid(s32 prefer)
{
	__u32 cid;

	if (prefer >= 0 && cs_cids_test(&cs_held, prefer) && preemptible(prefer))
		return prefer;
	bpf_for(cid, 0, cs_nr_cids) {
		if (cs_cids_test(&cs_held, cid) && preemptible(cid))
			return cid;
	}
	return -1;
}

static void lat_preempt_hog(s32 cid);

/*
 * The deferred preemption is due: if someone still waits, preempt a hog
 * that has had its min_run_ns (the one aimed at, or another one if that
 * one is gone), or wait for the one now running to have had it.
 */
static int lat_preempt_fire(void *map, int *key, struct lat_preempt *lp)
{
	s32 cid = lp->cid;

	__sync_lock_test_and_set(&lp->armed, 0);
	if (scx_bpf_dsq_nr_queued(CS_CELL_DSQ) <= 0)
		return 0;	/* the waiters got a CPU meanwhile */
	if (cid < 0 || !cs_cids_test(&cs_held, cid) || !preemptible(cid))
		cid = hog_cid(-1);
	if (cid >= 0)
		lat_preempt_hog(cid);
	return 0;
}

/* Preempt the hog on @cid now, or once it has run min_run_ns. */
static void lat_preempt_hog(s32 cid)
{
	struct task_struct *curr = scx_bpf_cid_curr(cid);
	struct lat_task *t = curr ? bpf_task_storage_get(&lat_tasks, curr, NULL, 0) : NULL;
	u64 now = bpf_ktime_get_ns(), ran = t && now > t->started ? now - t->started : ~0ULL;
	u64 min_run = min_run_ns();
	struct lat_preempt *lp;
	u32 key = 0;

	if (ran >= min_run) {
		cs_child_stat(CS_CSTAT_PREEMPT);
		scx_bpf_kick_cid(cid, SCX_KICK_PREEMPT);
		return;
	}
	lp = bpf_map_lookup_elem(&lat_preempt, &key);
	if (!lp || __sync_lock_test_and_set(&lp->armed, 1))
		return;		/* one is pending: it serves this waiter too */
	lp->cid = cid;
	if (bpf_timer_start(&lp->timer, min_run - ran, 0)) {
		__sync_lock_test_and_set(&lp->armed, 0);
		cs_child_stat(CS_CSTAT_PREEMPT);
		scx_bpf_kick_cid(cid, SCX_KICK_PREEMPT);
	}
}

void BPF_STRUCT_OPS(lat_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct lat_task *t = lat_task(p);
	u64 slice = slice_ns(), request = t ? lat_length(t) : slice, vrt = vnow;
	s32 cid;

	if (cs_child_rescue(p, enq_flags))
		return;
	if (request < short_ns() / 8)
		request = short_ns() / 8;
	if (request > slice)
		request = slice;
	if (t) {
		if (time_before(t->vruntime, vnow - slice))
			t->vruntime = vnow - slice;
		vrt = t->vruntime;
	}
	cs_demand_enqueue(p);
	cs_child_stat(CS_CSTAT_ENQ);
	scx_bpf_dsq_insert_vtime(p, CS_CELL_DSQ, slice, vrt + request, enq_flags);

	if (cs_child_kick_idle(p))
		return;		/* an idle cid, or one we lent, takes it */
	if (interactive(t)) {
		cid = hog_cid(scx_bpf_task_cid(p));
		if (cid >= 0)
			lat_preempt_hog(cid);
	}
}

void BPF_STRUCT_OPS(lat_running, struct task_struct *p)
{
	struct lat_task *t = lat_task(p);

	if (t) {
		t->started = bpf_ktime_get_ns();
		if (time_before(vnow, t->vruntime))
			vnow = t->vruntime;
	}
	cs_demand_running(p);
}

void BPF_STRUCT_OPS(lat_stopping, struct task_struct *p, bool runnable)
{
	struct lat_task *t = lat_task(p);
	u64 now = bpf_ktime_get_ns();

	if (t && t->started && now > t->started) {
		t->burst += now - t->started;
		t->vruntime += scale_by_task_weight_inverse(p, now - t->started);
		if (!runnable) {	/* it sleeps: the burst is over */
			t->avg_run = (3 * t->avg_run + t->burst) / 4;
			t->burst = 0;
		}
	}
	cs_demand_stopping(p);
}

s32 BPF_STRUCT_OPS(lat_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct lat_task *t = lat_task(p);

	/* new tasks start in the middle: neither trusted as interactive nor as a hog */
	if (t) {
		t->avg_run = short_ns();
		t->vruntime = vnow;
	}
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(lat_init)
{
	struct lat_preempt *lp;
	u32 key = 0;

	lp = bpf_map_lookup_elem(&lat_preempt, &key);
	if (!lp)
		return -ENOENT;
	lp->cid = -1;
	bpf_timer_init(&lp->timer, &lat_preempt, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&lp->timer, lat_preempt_fire);
	return cs_child_init();
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
			     interactive(t) ? "interactive" : "hog");
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
