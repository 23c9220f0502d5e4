/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/embedded.bpf.c: cellsched's embedded mode, one cpu-form sched_ext
 * scheduler that runs the root cell and every cell, for kernels with sched_ext
 * but without sub-schedulers (the 6.18 LTS line; it runs on 7.3 as well).
 *
 * Owns the ops table of embedded mode, the mapping of tasks to cells, and
 * running the cells' policies and the root cell. Its cell table is the same
 * struct cs_shared in the arena as native mode's root, changed by the same
 * controller programs (ipc/cellsched.h; cid = cpu here): those, and the
 * demand reports, are in bpf/embedded_cells.bpf.h, included below; which
 * cell a CPU or a task is in, in bpf/embedded_task_cell.bpf.h.
 *
 * Cells: a cell is a cgroup (cgid_cell: cgroup id -> cell index) and CPUs
 * (cs_shared.cid_owner[cpu]); it runs once the controller attached its
 * policy (cs_cell_attach; state CS_CELL_ATTACHED). A task belongs to the
 * cell of the nearest of its cgroup's ancestors (itself included) that is
 * one; every other task, and every task of a cell that does not run, is a
 * root-cell task. Each cell's CPUs take work from the cell's queue
 * (CS_EMB_CELL_DSQ + cell) only; the root cell's CPUs from the root queue.
 * The cpusets the controller writes keep a cell's tasks on its CPUs; the
 * scheduler keeps root-cell tasks off them.
 *
 * Policies of a cell: fifo (one FIFO queue, each task runs a slice in turn),
 * and vtime and latency, whose algorithms are the native children's own
 * (policies/vtime/vtime.bpf.h, policies/latency/latency.bpf.h), run here
 * over the cell's queue with the cell's clock (vnows[]). Tunables from
 * cell_conf, read at each use. A task that comes to a cell (or to the root
 * cell) starts at that clock. The root cell: weighted vtime, weights by
 * nice and cgroup cpu.weight as the vtime policy's; no task's vtime more
 * than CS_ROOT_MAX_LEAD_NS ahead of the clock (as native mode's root).
 *
 * Root-cell tasks that may run only on cells' CPUs (a task pinned there)
 * wait on that CPU's own queue (CS_EMB_CPU_DSQ + cpu) and run when the cell
 * leaves it idle, and besides that in a bounded share of a busy cell's CPU
 * (one CS_STRANDED_SLICE_NS slice per CS_STRANDED_PERIOD_NS: 2 %), so they
 * never wait for the watchdog. A cell with lend set runs root-cell tasks on
 * its idle CPUs; a task of the cell queued meanwhile preempts them.
 *
 * Built with -DCS_TEST_POLICIES (test builds only), a cell may run the
 * TEST ONLY policy test-fault: fifo, and scx_bpf_error() when the cell's
 * tasks were queued or placed on an idle CPU fault_after times, so the VM tests can watch the
 * scheduler fail and the controller load it again.
 *
 * CPU hotplug reaches the controller on the event queue (bpf/events.bpf.h),
 * as from native mode's root.
 *
 * Demand: every CS_DEMAND_PERIOD_NS a timer writes each running cell's
 * busy time, utilisation, runnable tasks and longest wait into
 * cs_shared.cells[].demand, as a native child's report would.
 */
#include <scx/common.bpf.h>

#include "cellsched.h"
#include "cids.bpf.h"

char _license[] SEC("license") = "GPL";

#define LAT_NR_CELLS CS_MAX_CELLS
#include "latency/latency.bpf.h"
#include "vtime/vtime.bpf.h"

const volatile __u64 root_slice_ns = CS_ROOT_SLICE_NS_DFL;

#ifdef CS_TEST_POLICIES
#define CS_EMB_POLICY_MAX	CS_EMB_TEST_FAULT
static __u64 fault_enqueues;
#else
#define CS_EMB_POLICY_MAX	CS_EMB_LATENCY
#endif

UEI_DEFINE(uei);

CS_ARENA_MAP(arena);

struct cs_shared __arena_global cs_shared;

#include "events.bpf.h"

static __u32 nr_cpus;
static struct cs_cids root_cpus;	/* CPUs of the root cell (cells not running included) */
static __u64 vnows[CS_MAX_CELLS + 1];	/* clocks: [0] the root cell's, [1 + cell] a cell's */
#define root_vnow vnows[0]
static __u64 busy_ns[CS_MAX_CELLS];	/* ns the cell's tasks ran, since the last report */
static __u64 max_wait_ns[CS_MAX_CELLS];
static __s32 nr_running[CS_MAX_CELLS];
static __u64 stranded_due[CS_MAX_CIDS];	/* ns, a pinned root task's next share on this cell CPU */
static __u64 stranded_since[CS_MAX_CIDS]; /* ns, the share running there began (0: none) */
static __u64 last_report_ns;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CS_MAX_CELLS);
	__type(key, __u32);
	__type(value, struct cs_emb_cell);
} cell_conf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CS_MAX_CELLS);
	__type(key, __u64);		/* cgroup id */
	__type(value, __u32);		/* cell index */
} cgid_cell SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, CS_NR_ROOT_STATS);
} root_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, CS_MAX_CELLS * CS_NR_CELL_STATS);
} cell_stats SEC(".maps");

/* What is kept per task. */
struct emb_task {
	__u64 enq_at;			/* ns, queued (0: not waiting) */
	__u64 started_at;		/* ns, started running */
	__u64 acct_at;			/* ns, its busy and lent time counted up to */
	__s32 ran_cell;			/* cell it ran for (-1: root cell) */
	__s32 ran_lent;			/* a root task on a cell's CPU */
	__s32 home;			/* cell it was last queued for (-1: root cell) */
	__s32 cell;			/* task_cell()'s answer, valid for: */
	__u32 cell_seq;			/*   cs_shared.seq + 1 then (0: none) */
	__u64 cell_cgid;		/*   and the cgroup it was in then */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct emb_task);
} task_ctx SEC(".maps");

struct emb_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct emb_timer);
} report_timer SEC(".maps");

static void stat_inc(enum cs_root_stat idx)
{
	__u32 key = idx;
	__u64 *cnt = bpf_map_lookup_elem(&root_stats, &key);

	if (cnt)
		(*cnt)++;
}

static void cell_stat_add(s32 cell, enum cs_cell_stat idx, __u64 n)
{
	__u32 key = (__u32)cell * CS_NR_CELL_STATS + idx;
	__u64 *cnt;

	if (cell < 0 || cell >= CS_MAX_CELLS)
		return;
	cnt = bpf_map_lookup_elem(&cell_stats, &key);
	if (cnt)
		*cnt += n;
}

/* ---- cells (bpf/embedded_task_cell.bpf.h) ------------------------------------------- */
#include "embedded_task_cell.bpf.h"

/* ---- what the latency policy (latency.bpf.h) asks of its host ------------------------- */

static __u64 lat_host_tun(s32 cell, int idx)
{
	struct cs_emb_cell *conf = cell_conf_get(cell);

	return conf && idx >= 0 && idx < CS_MAX_TUNABLES ? conf->tunables[idx] : 0;
}

/* test-fault (test builds only): the cell's fault_after'th task queued or placed fails us */
static void test_fault(s32 cell)
{
#ifdef CS_TEST_POLICIES
	__u64 after = lat_host_tun(cell, CS_FAULT_AFTER);

	if (cell_policy(cell) == CS_EMB_TEST_FAULT &&
	    __sync_add_and_fetch(&fault_enqueues, 1) == after)
		scx_bpf_error("test fault after %llu enqueues", after);
#endif
}

static struct task_struct *lat_host_curr(s32 cpu)
{
	return __COMPAT_scx_bpf_cpu_curr(cpu);
}

static bool lat_host_in_cell(s32 cell, s32 cpu)
{
	return cpu_cell(cpu) == cell;
}

static __u32 lat_host_nr(void)
{
	return nr_cpus;
}

static void lat_host_kick(s32 cpu)
{
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
}

static s32 lat_host_queued(s32 cell)
{
	return scx_bpf_dsq_nr_queued(CS_EMB_CELL_DSQ + cell);
}

static void lat_host_preempted(s32 cell)
{
	cell_stat_add(cell, CS_CSTAT_PREEMPT, 1);
}

static __always_inline bool task_allows(const struct task_struct *p, s32 cpu)
{
	return bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/*
 * An idle CPU of @cell (-1: the root cell's, and then also the idle CPUs of
 * lending cells) that @p may use, claimed; scanning from @prev. -1 if none.
 */
static s32 claim_idle(struct task_struct *p, s32 cell, s32 prev)
{
	__u32 i, n = nr_cpus;
	s32 cpu, owner;

	if (prev < 0 || prev >= n)
		prev = 0;
	bpf_for(i, 0, n) {
		cpu = prev + i;
		if (cpu >= n)
			cpu -= n;
		owner = cpu_cell(cpu);
		if (owner != cell && !(cell < 0 && cell_lends(owner)))
			continue;
		if (!task_allows(p, cpu))
			continue;
		if (scx_bpf_test_and_clear_cpu_idle(cpu))
			return cpu;
	}
	return -1;
}

/*
 * Wake an idle CPU of @cell that @p may use; failing that, take back a lent
 * one. True if a CPU was kicked.
 */
static bool kick_for(struct task_struct *p, s32 cell, s32 prev)
{
	__u32 i;
	s32 cpu;

	cpu = claim_idle(p, cell, prev);
	if (cpu >= 0) {
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		stat_inc(CS_STAT_KICK_IDLE);
		cell_stat_add(cell, CS_CSTAT_KICK_IDLE, 1);
		return true;
	}
	if (cell < 0 || !cell_lends(cell))
		return false;
	bpf_for(i, 0, nr_cpus) {
		if (i >= CS_MAX_CIDS)
			break;
		if (cpu_cell(i) == cell && cs_shared.lent[i] && task_allows(p, i)) {
			scx_bpf_kick_cpu(i, SCX_KICK_PREEMPT);
			cell_stat_add(cell, CS_CSTAT_RECLAIM, 1);
			return true;
		}
	}
	return false;
}

/* Does @p's affinity cover a CPU of the root cell (cells that do not run included)? */
static bool root_allows(const struct task_struct *p)
{
	__u32 i;

	bpf_for(i, 0, nr_cpus) {
		if (cpu_cell(i) < 0 && task_allows(p, i))
			return true;
	}
	return false;
}

/* ---- ops ------------------------------------------------------------------------------ */

s32 BPF_STRUCT_OPS(cs_emb_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	s32 cell = task_cell(p), cpu;

	if (p->nr_cpus_allowed == 1)
		return prev_cpu;
	cpu = claim_idle(p, cell, prev_cpu);
	if (cpu < 0)
		return prev_cpu;
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, cell_slice(cell), 0);
	if (cell < 0) {
		stat_inc(CS_STAT_ENQ_LOCAL);
	} else {
		cell_stat_add(cell, CS_CSTAT_ENQ_LOCAL, 1);
		test_fault(cell);
	}
	return cpu;
}

static void note_enqueue(struct task_struct *p)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);

	if (t && !t->enq_at)
		t->enq_at = bpf_ktime_get_ns();
}

/* The clock of @cell (-1: the root cell). */
static __u64 *domain_vnow(s32 cell)
{
	__u32 i = (__u32)(cell + 1);

	if (i > CS_MAX_CELLS)
		i = 0;
	return &vnows[i];
}

/*
 * @p is queued for @cell (-1: the root cell): if it comes from elsewhere, its
 * virtual time there means nothing here; it starts at this clock.
 */
static void arrive(struct task_struct *p, s32 cell)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);
	__u64 *vnow = domain_vnow(cell);

	if (!t || t->home == cell)
		return;
	t->home = cell;
	scx_bpf_task_set_dsq_vtime(p, *vnow);
	if (cell_policy(cell) == CS_EMB_LATENCY)
		lat_new_task(cell, lat_task(p), *vnow);
}

/* A cell task into its cell's queue, by its policy, and a CPU to run it. */
static void enqueue_cell(struct task_struct *p, s32 cell, s32 prev, u64 enq_flags)
{
	__u64 slice = cell_slice(cell), *vnow = domain_vnow(cell);
	__u32 policy = cell_policy(cell);
	struct lat_task *lt;

	arrive(p, cell);
	cell_stat_add(cell, CS_CSTAT_ENQ, 1);
	test_fault(cell);
	if (policy == CS_EMB_VTIME) {
		scx_bpf_dsq_insert_vtime(p, CS_EMB_CELL_DSQ + cell, slice,
					 vtime_queue_at(p, *vnow, lat_host_tun(cell, CS_VTIME_LAG)),
					 enq_flags);
	} else if (policy == CS_EMB_LATENCY) {
		lt = lat_task(p);
		scx_bpf_dsq_insert_vtime(p, CS_EMB_CELL_DSQ + cell, slice,
					 lat_deadline(cell, lt, *vnow), enq_flags);
		if (!kick_for(p, cell, prev))
			lat_after_queue(cell, lt, prev);
		return;
	} else {
		scx_bpf_dsq_insert(p, CS_EMB_CELL_DSQ + cell, slice, enq_flags);
	}
	kick_for(p, cell, prev);
}

void BPF_STRUCT_OPS(cs_emb_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 cell, cpu = scx_bpf_task_cpu(p);
	__u64 vtime;

	/* a per-CPU kernel thread does that CPU's own work: it runs there at once */
	if ((p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, root_slice_ns, enq_flags);
		stat_inc(CS_STAT_ENQ_KTHREAD);
		return;
	}
	note_enqueue(p);
	cell = task_cell(p);
	if (cell >= 0) {
		enqueue_cell(p, cell, cpu, enq_flags);
		return;
	}
	arrive(p, -1);
	vtime = p->scx.dsq_vtime;
	if (time_before(vtime, root_vnow - root_slice_ns))
		vtime = root_vnow - root_slice_ns;
	/* nor too far ahead: a nice-19 task (weight 1) would wait past the watchdog */
	if (time_before(root_vnow + CS_ROOT_MAX_LEAD_NS, vtime))
		vtime = root_vnow + CS_ROOT_MAX_LEAD_NS;
	if (!root_allows(p)) {
		/* only cells' CPUs: wait on one of them */
		if (cpu < 0 || cpu >= nr_cpus || !task_allows(p, cpu))
			cpu = bpf_cpumask_first(p->cpus_ptr);
		if (cpu < 0 || cpu >= nr_cpus)
			cpu = 0;
		scx_bpf_dsq_insert_vtime(p, CS_EMB_CPU_DSQ + cpu, CS_STRANDED_SLICE_NS, vtime,
					 enq_flags);
		scx_bpf_kick_cpu(cpu, 0);
		stat_inc(CS_STAT_ENQ_STRANDED);
		return;
	}
	scx_bpf_dsq_insert_vtime(p, CS_EMB_ROOT_DSQ, root_slice_ns, vtime, enq_flags);
	stat_inc(CS_STAT_ENQ_SHARED);
	kick_for(p, -1, cpu);
}

/*
 * On a cell's CPU: a waiting pinned root task runs when the cell leaves the
 * CPU idle, and in its share: one CS_STRANDED_SLICE_NS slice, then the next
 * is due after CS_STRANDED_PERIOD_NS / CS_STRANDED_SLICE_NS times what the
 * slice really took (stranded_ran(): a slice lasts at least a tick).
 */
static bool run_stranded(s32 cpu, bool cell_idle)
{
	__u64 now;

	if (cpu < 0 || cpu >= CS_MAX_CIDS || !scx_bpf_dsq_nr_queued(CS_EMB_CPU_DSQ + cpu))
		return false;
	now = bpf_ktime_get_ns();
	if (!cell_idle && time_before(now, stranded_due[cpu]))
		return false;
	if (!scx_bpf_dsq_move_to_local(CS_EMB_CPU_DSQ + cpu, 0))
		return false;
	stranded_since[cpu] = cell_idle ? 0 : now;
	stat_inc(cell_idle ? CS_STAT_STRANDED_IDLE : CS_STAT_STRANDED_SHARE);
	return true;
}

/* A share on @cpu ended: the next is due in proportion to what it took (capped at 4 slices). */
static void stranded_ran(s32 cpu)
{
	__u64 now = bpf_ktime_get_ns(), ran;

	if (cpu < 0 || cpu >= CS_MAX_CIDS || !stranded_since[cpu])
		return;
	ran = now - stranded_since[cpu];
	if (ran > 4 * CS_STRANDED_SLICE_NS)
		ran = 4 * CS_STRANDED_SLICE_NS;
	stranded_due[cpu] = now + ran * (CS_STRANDED_PERIOD_NS / CS_STRANDED_SLICE_NS - 1);
	stranded_since[cpu] = 0;
}

void BPF_STRUCT_OPS(cs_emb_dispatch, s32 cpu, struct task_struct *prev)
{
	s32 cell = cpu_cell(cpu);

	if (cell >= 0) {
		if (run_stranded(cpu, false))
			return;
		if (scx_bpf_dsq_move_to_local(CS_EMB_CELL_DSQ + cell, 0)) {
			cell_stat_add(cell, CS_CSTAT_DISPATCH, 1);
			return;
		}
		if (prev && (prev->scx.flags & SCX_TASK_QUEUED) && task_cell(prev) == cell) {
			prev->scx.slice = cell_slice(cell);
			return;
		}
		cell_stat_add(cell, CS_CSTAT_DISPATCH_NONE, 1);
		if (run_stranded(cpu, true))
			return;
		if (cell_lends(cell) && scx_bpf_dsq_move_to_local(CS_EMB_ROOT_DSQ, 0))
			stat_inc(CS_STAT_LEND);
		return;
	}
	/* a CPU that came back to the root cell takes what waited on it first */
	if (cpu >= 0 && cpu < CS_MAX_CIDS && scx_bpf_dsq_nr_queued(CS_EMB_CPU_DSQ + cpu) &&
	    scx_bpf_dsq_move_to_local(CS_EMB_CPU_DSQ + cpu, 0))
		return;
	if (scx_bpf_dsq_move_to_local(CS_EMB_ROOT_DSQ, 0)) {
		stat_inc(CS_STAT_DISPATCH);
		return;
	}
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED) && task_cell(prev) < 0) {
		prev->scx.slice = root_slice_ns;
		stat_inc(CS_STAT_KEEP_PREV);
		return;
	}
	stat_inc(CS_STAT_DISPATCH_NONE);
}

void BPF_STRUCT_OPS(cs_emb_running, struct task_struct *p)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);
	s32 cpu = scx_bpf_task_cpu(p), cell = task_cell(p), cpu_owner = cpu_cell(cpu);
	__u64 now = bpf_ktime_get_ns(), wait;

	if (cell >= 0 && cell < CS_MAX_CELLS) {
		if (cell_policy(cell) == CS_EMB_LATENCY)
			lat_started(lat_task(p), domain_vnow(cell));
		else
			vtime_follow(p, domain_vnow(cell));
		__sync_fetch_and_add(&nr_running[cell], 1);
	} else {
		vtime_follow(p, &root_vnow);
	}
	if (!t)
		return;
	t->started_at = t->acct_at = now;
	t->ran_cell = cell;
	t->ran_lent = cell < 0 && cpu_owner >= 0;
	if (t->ran_lent && cpu >= 0 && cpu < CS_MAX_CIDS)
		cs_shared.lent[cpu] = 1;
	if (t->enq_at) {
		wait = now - t->enq_at;
		t->enq_at = 0;
		if (cell >= 0 && cell < CS_MAX_CELLS && wait > max_wait_ns[cell])
			max_wait_ns[cell] = wait;
	}
}

/* Count @t's time on @cpu since it was last counted: its cell's busy time, a lender's lent time. */
static void account_ran(struct emb_task *t, s32 cpu, __u64 now)
{
	__u64 d = now - t->acct_at;
	s32 cell = t->ran_cell, owner;

	t->acct_at = now;
	if (cell >= 0 && cell < CS_MAX_CELLS)
		__sync_fetch_and_add(&busy_ns[cell], d);
	if (t->ran_lent && cpu >= 0 && cpu < CS_MAX_CIDS) {
		owner = cs_shared.cid_owner[cpu];
		if (owner >= 0 && owner < CS_MAX_CELLS)
			__sync_fetch_and_add(&cs_shared.cells[owner].lent_ns, d);
	}
}

/*
 * A task with nothing to replace it keeps its CPU past its slice without
 * stopping (the kernel refills the slice; there is no SCX_OPS_ENQ_LAST
 * here): its time is counted at every tick too, or a cell busy with one
 * task would report none.
 */
void BPF_STRUCT_OPS(cs_emb_tick, struct task_struct *p)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);

	if (t && t->started_at)
		account_ran(t, scx_bpf_task_cpu(p), bpf_ktime_get_ns());
}

void BPF_STRUCT_OPS(cs_emb_stopping, struct task_struct *p, bool runnable)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, 0);
	s32 cpu = scx_bpf_task_cpu(p), cell;
	__u64 ran, now = bpf_ktime_get_ns();

	if (!t || !t->started_at)
		return;
	ran = now - t->started_at;
	t->started_at = 0;
	cell = t->ran_cell;
	switch (cell_policy(cell)) {
	case CS_EMB_VTIME:
		vtime_charge(p, cell_slice(cell));
		break;
	case CS_EMB_LATENCY:
		lat_stopped(p, lat_task(p), runnable);
		break;
	case CS_EMB_FIFO:
	case CS_EMB_TEST_FAULT:
		break;
	default:	/* the root cell: what it ran, by nice and cgroup weight */
		scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime +
					   ran * CS_VTIME_WEIGHT_DFL / vtime_task_weight(p));
		stranded_ran(cpu);
	}
	account_ran(t, cpu, now);
	if (cell >= 0 && cell < CS_MAX_CELLS)
		__sync_fetch_and_sub(&nr_running[cell], 1);
	if (t->ran_lent && cpu >= 0 && cpu < CS_MAX_CIDS)
		cs_shared.lent[cpu] = 0;
	t->ran_lent = 0;
}

void BPF_STRUCT_OPS(cs_emb_enable, struct task_struct *p)
{
	scx_bpf_task_set_dsq_vtime(p, root_vnow);
}

s32 BPF_STRUCT_OPS(cs_emb_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct emb_task *t = bpf_task_storage_get(&task_ctx, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!t)
		return -ENOMEM;
	t->ran_cell = -1;
	t->home = -1;
	vtime_remember_cgroup(p, args->cgroup);
	return 0;
}

VTIME_CGROUP_OPS(cs_emb_cgroup_init, cs_emb_cgroup_exit, cs_emb_cgroup_set_weight,
		 cs_emb_cgroup_move)

/* The controller hears of hotplug on the event queue (cid = cpu here) and re-plans the cells. */
void BPF_STRUCT_OPS(cs_emb_cpu_online, s32 cpu)
{
	stat_inc(CS_STAT_CID_ONLINE);
	cs_event(CSQ_MSG_CID_ONLINE, cpu, 0);
}

void BPF_STRUCT_OPS(cs_emb_cpu_offline, s32 cpu)
{
	stat_inc(CS_STAT_CID_OFFLINE);
	cs_event(CSQ_MSG_CID_OFFLINE, cpu, 0);
}

#include "embedded_cells.bpf.h"

/* ---- set-up --------------------------------------------------------------------------- */

s32 BPF_STRUCT_OPS_SLEEPABLE(cs_emb_init)
{
	struct emb_timer *timer;
	__u32 key = 0, i;
	s32 ret;

	nr_cpus = scx_bpf_nr_cpu_ids();
	if (nr_cpus > CS_MAX_CIDS) {
		scx_bpf_exit(CS_ROOT_EXIT_TOO_MANY_CIDS, "%u cpu ids exceed CS_MAX_CIDS=%d",
			     nr_cpus, CS_MAX_CIDS);
		return -E2BIG;
	}
	ret = scx_bpf_create_dsq(CS_EMB_ROOT_DSQ, -1);
	if (ret)
		return ret;
	cs_shared.event_q = cs_queue_new(CSQ_MPSC, CS_EVENT_Q_CAP);
	if (!cs_shared.event_q)
		return -ENOMEM;
	bpf_for(i, 0, CS_MAX_CELLS) {
		ret = scx_bpf_create_dsq(CS_EMB_CELL_DSQ + i, -1);
		if (!ret)
			ret = lat_init_cell(i);
		if (ret)
			return ret;
	}
	bpf_for(i, 0, CS_MAX_CIDS) {
		cs_shared.cpu_to_cid[i] = i < nr_cpus ? (s32)i : -1;
		cs_shared.cid_to_cpu[i] = i < nr_cpus ? (s32)i : -1;
		cs_shared.cid_owner[i] = CS_OWNER_ROOT;
		if (i < nr_cpus) {
			cs_cids_set(&root_cpus, i);
			ret = scx_bpf_create_dsq(CS_EMB_CPU_DSQ + i, -1);
			if (ret)
				return ret;
		}
	}
	cs_shared.nr_cids = nr_cpus;
	cs_shared.nr_cpu_ids = nr_cpus;
	cs_shared.abi = CS_SHARED_ABI;
	cs_shared.magic = CS_SHARED_MAGIC;
	last_report_ns = bpf_ktime_get_ns();
	timer = bpf_map_lookup_elem(&report_timer, &key);
	if (!timer)
		return -ENOENT;
	bpf_timer_init(&timer->timer, &report_timer, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&timer->timer, report_fn);
	return bpf_timer_start(&timer->timer, CS_DEMAND_PERIOD_NS, 0);
}

void BPF_STRUCT_OPS(cs_emb_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

void BPF_STRUCT_OPS(cs_emb_dump, struct scx_dump_ctx *dctx)
{
	__u32 i;

	scx_bpf_dump("cellsched embedded: %u cpus (%u root), seq %u, root_vnow=%llu, %d queued\n",
		     nr_cpus, cs_cids_weight(&root_cpus), cs_shared.seq, root_vnow,
		     scx_bpf_dsq_nr_queued(CS_EMB_ROOT_DSQ));
	bpf_for(i, 0, CS_MAX_CELLS) {
		struct cs_cell __arena *cell = &cs_shared.cells[i];

		if (cell->state == CS_CELL_FREE)
			continue;
		scx_bpf_dump("  cell %u: cgroup %llu %s, %u cpus, %d queued\n", i, cell->cgid,
			     cell->state == CS_CELL_ATTACHED ? "running" : "configured",
			     cell->nr_cids, scx_bpf_dsq_nr_queued(CS_EMB_CELL_DSQ + i));
	}
}

SCX_OPS_DEFINE(cellsched_emb_ops,
	       .select_cpu		= (void *)cs_emb_select_cpu,
	       .enqueue			= (void *)cs_emb_enqueue,
	       .dispatch		= (void *)cs_emb_dispatch,
	       .running			= (void *)cs_emb_running,
	       .stopping		= (void *)cs_emb_stopping,
	       .tick			= (void *)cs_emb_tick,
	       .enable			= (void *)cs_emb_enable,
	       .init_task		= (void *)cs_emb_init_task,
	       .cgroup_init		= (void *)cs_emb_cgroup_init,
	       .cgroup_exit		= (void *)cs_emb_cgroup_exit,
	       .cgroup_set_weight	= (void *)cs_emb_cgroup_set_weight,
	       .cgroup_move		= (void *)cs_emb_cgroup_move,
	       .cpu_online		= (void *)cs_emb_cpu_online,
	       .cpu_offline		= (void *)cs_emb_cpu_offline,
	       .init			= (void *)cs_emb_init,
	       .exit			= (void *)cs_emb_exit,
	       .dump			= (void *)cs_emb_dump,
	       .timeout_ms		= CS_ROOT_TIMEOUT_MS,
	       .name			= "cellsched");
