/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/lib/demand.bpf.c: the child's side of demand reporting (see
 * child.h), shared by every child policy.
 *
 * Owns the accounting a report needs and the report itself. A policy calls
 * cs_demand_enqueue() when it queues a task and cs_demand_running() and
 * cs_demand_stopping() from its ops of the same name; cs_child_init() starts
 * the timer. Every CS_DEMAND_PERIOD_NS the timer pushes one struct
 * csq_demand (ipc/queue.h) onto the cell's demand queue, whose arena address
 * the controller puts in rodata (demand_q; 0 = no reporting):
 *   nr_runnable    tasks queued on the policy's DSQ plus tasks running;
 *   busy_ns        CPU time the cell's tasks used during the period, runs
 *                  still going included (counted up to the report);
 *   util_permille  busy_ns / (period x cids held), 0..1000;
 *   max_wait_ns    longest time from enqueue to running during the period.
 * Only the timer pushes (one producer), the root's timer pops (one consumer):
 * an SPSC queue. The same timer applies the controller's control messages
 * (ctl.bpf.c) that the doorbell did not.
 */
#include "child.h"
#include "queue_impl.h"

extern CS_ARENA_MAP(arena);

const volatile __u64 demand_q;
const volatile __u32 child_id;		/* the controller's number for this child */

struct cs_demand_task {
	__u64 enq_at;			/* ns, when last queued; 0 = not queued */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cs_demand_task);
} cs_demand_tasks SEC(".maps");

struct cs_demand_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cs_demand_timer);
} cs_demand_timer SEC(".maps");

static __u64 cs_demand_busy_ns, cs_demand_max_wait_ns, cs_demand_seq;
static __u64 cs_demand_since[CS_MAX_CIDS];	/* ns, a task started running on the cid */

__hidden void cs_demand_enqueue(struct task_struct *p)
{
	struct cs_demand_task *t;

	t = bpf_task_storage_get(&cs_demand_tasks, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		t->enq_at = bpf_ktime_get_ns();
}

__hidden void cs_demand_running(struct task_struct *p)
{
	__u64 now = bpf_ktime_get_ns(), wait, max;
	struct cs_demand_task *t;
	s32 cid = scx_bpf_task_cid(p);

	if (cid >= 0 && cid < CS_MAX_CIDS)
		cs_demand_since[cid] = now;
	cs_child_reclaimed(cid);
	t = bpf_task_storage_get(&cs_demand_tasks, p, NULL, 0);
	if (!t || !t->enq_at)
		return;
	wait = now - t->enq_at;
	t->enq_at = 0;
	max = cs_demand_max_wait_ns;
	if (wait > max)
		__sync_val_compare_and_swap(&cs_demand_max_wait_ns, max, wait);
}

__hidden void cs_demand_stopping(struct task_struct *p)
{
	s32 cid = scx_bpf_task_cid(p);
	__u64 since;

	if (cid < 0 || cid >= CS_MAX_CIDS)
		return;
	/* xchg: the report may be taking this run's time at the same moment */
	since = __sync_lock_test_and_set(&cs_demand_since[cid], 0);
	if (since)
		__sync_fetch_and_add(&cs_demand_busy_ns, bpf_ktime_get_ns() - since);
}

static int cs_demand_report(void *map, int *key, struct bpf_timer *timer)
{
	struct csq_demand d = { .type = CSQ_MSG_DEMAND, .cell = cell_idx, .child = child_id };
	__u64 held_ns = (__u64)cs_cids_weight(&cs_held) * CS_DEMAND_PERIOD_NS;
	s64 running = 0;	/* cids with a run going: no shared counter on the hot path */
	s32 queued = scx_bpf_dsq_nr_queued(CS_CELL_DSQ);

	__u64 now = bpf_ktime_get_ns(), since;
	__u32 cid;

	CSQ_ARENA_TOUCH(arena);
	/* runs still going count up to now: a task that never stops is busy too */
	bpf_for(cid, 0, CS_MAX_CIDS) {
		if (cid >= cs_nr_cids)
			break;
		since = cs_demand_since[cid];
		if (!since)
			continue;
		running++;
		if (since >= now)
			continue;
		/* only if the run is still going: a stopping task clears the slot */
		if (__sync_val_compare_and_swap(&cs_demand_since[cid], since, now) == since)
			__sync_fetch_and_add(&cs_demand_busy_ns, now - since);
	}
	d.seq = ++cs_demand_seq;
	d.ts_ns = now;
	d.busy_ns = __sync_lock_test_and_set(&cs_demand_busy_ns, 0);
	d.max_wait_ns = __sync_lock_test_and_set(&cs_demand_max_wait_ns, 0);
	/* the count is negative on an error: none queued then */
	d.nr_runnable = (queued > 0 ? queued : 0) + (running > 0 ? running : 0);
	d.util_permille = held_ns ? d.busy_ns * 1000 / held_ns : 0;
	if (d.util_permille > 1000)
		d.util_permille = 1000;
	if (demand_q)	/* a refused push (FULL) is counted in the queue */
		csq_spsc_push(csq_ptr(demand_q), &d, sizeof(d));
	cs_ctl_drain();
	bpf_timer_start(timer, CS_DEMAND_PERIOD_NS, 0);
	return 0;
}

/* From ops.init (sleepable): start the timer if the controller gave a queue. */
__hidden s32 cs_demand_init(void)
{
	struct cs_demand_timer *t;
	__u32 key = 0;

	if (!demand_q && !ctl_q)
		return 0;
	t = bpf_map_lookup_elem(&cs_demand_timer, &key);
	if (!t)
		return -ENOENT;
	bpf_timer_init(&t->timer, &cs_demand_timer, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&t->timer, cs_demand_report);
	return bpf_timer_start(&t->timer, CS_DEMAND_PERIOD_NS, 0);
}
