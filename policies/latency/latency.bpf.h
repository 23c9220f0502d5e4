/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/latency/latency.bpf.h: the "latency" policy's algorithm, written
 * once for both hosts that run it: the native child
 * (policies/latency/latency.bpf.c, one cell per scheduler, CPUs named by
 * cid) and embedded mode's scheduler (bpf/embedded.bpf.c, every cell in one,
 * CPUs named by cpu). Tasks that run briefly and wake often (interactive,
 * request handlers) go before CPU hogs, and hogs still get their turn within
 * a bounded time.
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
 *     at most one slice of credit). The queue is ordered by virtual
 *     deadline. A task that runs 50 us and sleeps has used little virtual
 *     time and asks for little: it is due before the hogs, which have used
 *     much and ask for a full slice.
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
 *     moment (one pending per cell; whatever interactive tasks queued
 *     meanwhile run then, earliest deadline first). Without it, a task waking
 *     every millisecond costs the hogs two context switches a millisecond;
 *     with it, at most two per min_run_ns, and the wait it adds is bounded by
 *     min_run_ns (when the timer fires it re-checks: someone still waiting,
 *     the hog still there and past its min_run_ns, else another hog).
 *     min_run_ns = 0 preempts at once.
 *   (Influences: EEVDF's virtual deadlines; LAVD's measuring of how long tasks
 *   run to find latency-critical ones.)
 *
 * What the host provides, defined after including this file: LAT_NR_CELLS
 * (cells it runs; defined before including), and for cell @cell and CPU @x
 * in its own naming (cid or cpu): lat_host_tun() (the cell's tunables,
 * enum cs_tunable_idx), lat_host_curr() (the task running on @x),
 * lat_host_in_cell(), lat_host_nr() (bound of @x), lat_host_kick() (preempt
 * @x), lat_host_queued() (tasks on the cell's queue), lat_host_preempted()
 * (count a preemption). Include once per BPF object. Prefix: lat_.
 */
#ifndef CELLSCHED_POLICY_LATENCY_BPF_H
#define CELLSCHED_POLICY_LATENCY_BPF_H

static __u64 lat_host_tun(s32 cell, int idx);
static struct task_struct *lat_host_curr(s32 x);
static bool lat_host_in_cell(s32 cell, s32 x);
static __u32 lat_host_nr(void);
static void lat_host_kick(s32 x);
static s32 lat_host_queued(s32 cell);
static void lat_host_preempted(s32 cell);

struct lat_task {
	__u64 avg_run;			/* ns, moving average of the CPU bursts */
	__u64 burst;			/* ns, CPU used since it last slept */
	__u64 started;			/* ns, when it last started running */
	__u64 vruntime;			/* ns, weighted CPU time used (virtual) */
};

/* The deferred preemption of a cell (see above): at most one armed. */
struct lat_preempt {
	struct bpf_timer timer;
	s32 cell;
	s32 x;				/* to kick when it fires */
	u32 armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LAT_NR_CELLS);
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

static bool lat_interactive(s32 cell, const struct lat_task *t)
{
	return t && lat_length(t) < lat_host_tun(cell, CS_LAT_SHORT);
}

/*
 * Is @x running a hog worth preempting: one that is not interactive and
 * still has more than short_ns / 2 of its slice? (Nearly done: the waiter
 * gets the CPU soon anyway, and a context switch is saved.)
 */
static bool lat_preemptible(s32 cell, s32 x)
{
	struct task_struct *curr = lat_host_curr(x);
	struct lat_task *t;

	if (!curr)
		return false;
	t = bpf_task_storage_get(&lat_tasks, curr, NULL, 0);
	return t && !lat_interactive(cell, t) &&
	       curr->scx.slice > lat_host_tun(cell, CS_LAT_SHORT) / 2;
}

/* A CPU of the cell running a preemptible hog, preferring @prefer; -1 if none. */
static s32 lat_hog(s32 cell, s32 prefer)
{
	__u32 x;

	if (prefer >= 0 && lat_host_in_cell(cell, prefer) && lat_preemptible(cell, prefer))
		return prefer;
	bpf_for(x, 0, lat_host_nr()) {
		if (lat_host_in_cell(cell, x) && lat_preemptible(cell, x))
			return x;
	}
	return -1;
}

static void lat_preempt_hog(s32 cell, s32 x);

/*
 * The deferred preemption is due: if someone still waits, preempt a hog
 * that has had its min_run_ns (the one aimed at, or another one if that
 * one is gone), or wait for the one now running to have had it.
 */
static int lat_preempt_fire(void *map, int *key, struct lat_preempt *lp)
{
	s32 cell = lp->cell, x = lp->x;

	__sync_lock_test_and_set(&lp->armed, 0);
	if (lat_host_queued(cell) <= 0)
		return 0;	/* the waiters got a CPU meanwhile */
	if (x < 0 || !lat_host_in_cell(cell, x) || !lat_preemptible(cell, x))
		x = lat_hog(cell, -1);
	if (x >= 0)
		lat_preempt_hog(cell, x);
	return 0;
}

/* Preempt the hog on @x now, or once it has run min_run_ns. */
static void lat_preempt_hog(s32 cell, s32 x)
{
	struct task_struct *curr = lat_host_curr(x);
	struct lat_task *t = curr ? bpf_task_storage_get(&lat_tasks, curr, NULL, 0) : NULL;
	u64 now = bpf_ktime_get_ns(), ran = t && now > t->started ? now - t->started : ~0ULL;
	u64 min_run = lat_host_tun(cell, CS_LAT_MIN_RUN);
	struct lat_preempt *lp;
	u32 key = cell;

	if (ran >= min_run) {
		lat_host_preempted(cell);
		lat_host_kick(x);
		return;
	}
	lp = bpf_map_lookup_elem(&lat_preempt, &key);
	if (!lp || __sync_lock_test_and_set(&lp->armed, 1))
		return;		/* one is pending: it serves this waiter too */
	lp->x = x;
	if (bpf_timer_start(&lp->timer, min_run - ran, 0)) {
		__sync_lock_test_and_set(&lp->armed, 0);
		lat_host_preempted(cell);
		lat_host_kick(x);
	}
}

/*
 * @p is queued in @cell whose clock is @vnow: its virtual deadline (its
 * virtual runtime, a sleeper's raised to vnow - slice, plus its request).
 */
static __u64 lat_deadline(s32 cell, struct lat_task *t, __u64 vnow)
{
	u64 slice = lat_host_tun(cell, CS_TUN_SLICE), shrt = lat_host_tun(cell, CS_LAT_SHORT);
	u64 request = t ? lat_length(t) : slice;

	if (request < shrt / 8)
		request = shrt / 8;
	if (request > slice)
		request = slice;
	if (!t)
		return vnow + request;
	if (time_before(t->vruntime, vnow - slice))
		t->vruntime = vnow - slice;
	return t->vruntime + request;
}

/* After queueing @p found no idle CPU (it ran last on @x): preempt a hog if it is interactive. */
static void lat_after_queue(s32 cell, struct lat_task *t, s32 x)
{
	if (lat_interactive(cell, t)) {
		x = lat_hog(cell, x);
		if (x >= 0)
			lat_preempt_hog(cell, x);
	}
}

/* @p starts running; the cell's clock @vnow follows. */
static void lat_started(struct lat_task *t, __u64 *vnow)
{
	if (t) {
		t->started = bpf_ktime_get_ns();
		if (time_before(*vnow, t->vruntime))
			*vnow = t->vruntime;
	}
}

/* @p stops; @runnable: it did not sleep (its burst goes on). */
static void lat_stopped(struct task_struct *p, struct lat_task *t, bool runnable)
{
	u64 now = bpf_ktime_get_ns();

	if (t && t->started && now > t->started) {
		t->burst += now - t->started;
		t->vruntime += scale_by_task_weight_inverse(p, now - t->started);
		if (!runnable) {	/* it sleeps: the burst is over */
			t->avg_run = (3 * t->avg_run + t->burst) / 4;
			t->burst = 0;
		}
	}
}

/* A task new to @cell (clock @vnow) starts in the middle: neither interactive nor a hog. */
static void lat_new_task(s32 cell, struct lat_task *t, __u64 vnow)
{
	if (t) {
		t->avg_run = lat_host_tun(cell, CS_LAT_SHORT);
		t->burst = 0;
		t->vruntime = vnow;
	}
}

/* The cell's preemption timer, from the host's sleepable init. */
static s32 lat_init_cell(s32 cell)
{
	struct lat_preempt *lp;
	u32 key = cell;

	lp = bpf_map_lookup_elem(&lat_preempt, &key);
	if (!lp)
		return -ENOENT;
	lp->cell = cell;
	lp->x = -1;
	bpf_timer_init(&lp->timer, &lat_preempt, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&lp->timer, lat_preempt_fire);
	return 0;
}

#endif /* CELLSCHED_POLICY_LATENCY_BPF_H */
