/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc/cellsched.h: the one header shared by cellsched's BPF programs and its
 * userspace controller.
 *
 * Owns: limits, the layout of the state the root scheduler shares through its
 * BPF arena, the statistics table and the exit codes of the root. Everything a
 * BPF object and the controller must agree on lives here and nowhere else;
 * sizes are pinned with _Static_assert so a layout change cannot go unnoticed.
 *
 * Terms:
 *   cid    dense, topology-ordered CPU id used by cid-form sched_ext schedulers
 *          (see kernel/sched/ext/cid.h); cid != cpu in general.
 *   root   the cellsched root scheduler (bpf/root.bpf.c), attached at the
 *          cgroup root; later the parent of the per-cell sub-schedulers.
 *   shared the block of arena memory the root exports to the controller.
 *   cell   a cgroup under the cell parent plus the cids granted to the child
 *          sub-scheduler attached there; indexed 0..CS_MAX_CELLS-1.
 *   root cell  every cid no attached cell owns, and every task outside cells.
 *
 * Types: BPF sees vmlinux.h, userspace sees <linux/types.h>; both define the
 * __u32/__u64/__s32 spellings used here.
 */
#ifndef CELLSCHED_IPC_H
#define CELLSCHED_IPC_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Limits. */
enum cs_limits {
	CS_MAX_CIDS		= 1024,	/* cids (= possible CPUs) supported */
	CS_CID_WORDS		= CS_MAX_CIDS / 64,
	CS_MAX_CELLS		= 1024,	/* cells, not counting the root cell */
	CS_ARENA_PAGES		= 2048,	/* arena size in 4 KiB pages (8 MiB; pages are allocated on use) */
};

/* The arena's fixed address, identical in BPF and in every mmap of it. */
#define CS_ARENA_ADDR		(1ULL << 44)

#ifdef __bpf__
/*
 * The arena map, declared the same way by the root and by every child (which
 * the controller points at the root's with bpf_map__reuse_fd): one definition,
 * so the two can never disagree.
 */
#define CS_ARENA_MAP(name)							\
	struct {								\
		__uint(type, BPF_MAP_TYPE_ARENA);				\
		__uint(map_flags, BPF_F_MMAPABLE);				\
		__uint(max_entries, CS_ARENA_PAGES);				\
		__ulong(map_extra, CS_ARENA_ADDR);				\
	} name SEC(".maps")
#endif

/* Scheduling constants of the root (units in the comment). */
enum cs_root_consts {
	CS_ROOT_DSQ		= 0,		/* id of the root cell's shared vtime DSQ */
	CS_ROOT_CID_DSQ		= 1,		/* + cid: the DSQ of root tasks only that cid takes */
	CS_ROOT_SLICE_NS_DFL	= 5000000,	/* ns, default time slice */
	CS_ROOT_SLICE_NS_MIN	= 100000,	/* ns */
	CS_ROOT_SLICE_NS_MAX	= 100000000,	/* ns */
	/*
	 * ms, the root's sched_ext watchdog: a runnable task of the root cell
	 * that has not run for this long ends the root (every cell and the root
	 * cell fall back to the kernel's scheduler; `cellsched run` exits 7).
	 */
	CS_ROOT_TIMEOUT_MS	= 5000,
	CS_ROOT_CLAIM_TRIES	= 4,		/* idle claims lost to other CPUs before giving up */
	CS_ROOT_MAX_LEAD_NS	= 100000000,	/* ns a root task's vtime may be ahead of the clock */
	/*
	 * A root task that may run only on CPUs of cells (a user task pinned
	 * there) runs when the cell leaves the CPU idle, and besides that gets at
	 * most one slice of CS_STRANDED_SLICE_NS per CS_STRANDED_PERIOD_NS of the
	 * CPU while the cell is busy: 2 %, what the kernel's rescue path gives a
	 * stranded sub-scheduler task by default.
	 */
	CS_STRANDED_SLICE_NS	= 1000000,	/* ns */
	CS_STRANDED_PERIOD_NS	= 50000000,	/* ns */
	CS_STRANDED_MAX_WAIT_NS	= 1000000000,	/* ns: no stranded task waits longer */
	CS_STRANDED_BATCH	= 32,		/* overdue stranded tasks moved to run at once */
	CS_CTL_LOCK_SPINS	= 1 << 16,	/* tries for the cell table's lock before -EAGAIN */
	CS_ROOT_MAX_CGROUPS	= 16384,	/* cgroups of the root cell whose weight is kept */
	CS_ROOT_CGROUP_ID	= 1,		/* the cgroup v2 root's id */
	CS_WEIGHT_NEUTRAL	= 100,		/* cpu.weight and task weight of nice 0 */
};

_Static_assert(CS_CID_WORDS * 64 == CS_MAX_CIDS, "CS_MAX_CIDS must be a multiple of 64");

/* A set of cids, one bit per cid (idle cids, a cell's cids, ...). */
struct cs_cids {
	__u64 bits[CS_CID_WORDS];
};

/* Constants of the cell child policies (policies/<policy>/). */
enum cs_cell_consts {
	CS_CELL_DSQ		= 0,		/* a child's own DSQ (DSQ ids are per scheduler) */
	CS_CELL_SLICE_NS_DFL	= 5000000,	/* ns, default time slice */
	CS_CELL_TIMEOUT_MS	= 10000,	/* ms, watchdog; above the rescue threshold (4 s) */
	CS_MAX_TUNABLES		= 4,		/* tunables of one policy */
};

/*
 * The tunables of each child policy, by index into the child's tunable array
 * (policies/lib/child.h: cs_tun[]), in the child's units (ns, or a count).
 * orchestrator/core/policies.c lists them in the same order with their YAML
 * names, units and ranges. Index 0 is every policy's time slice.
 */
enum cs_tunable_idx {
	CS_TUN_SLICE		= 0,		/* ns, every policy */
	CS_VTIME_LAG		= 1,		/* ns, vtime: sleeper credit kept */
	CS_LAT_SHORT		= 1,		/* ns, latency: interactive below this */
	CS_LAT_MIN_RUN		= 2,		/* ns, latency: a hog's run before preemption */
	CS_FAULT_AFTER		= 1,		/* enqueues, test-fault: error at this one */
};

/* IPC between the root, the children and the controller (ipc/queue.h). */
enum cs_ipc_consts {
	CS_DEMAND_PERIOD_NS	= 100000000,	/* ns, a child's demand report period */
	CS_DEMAND_Q_CAP		= 16,		/* slots of a cell's demand queue (SPSC) */
	CS_CTL_Q_CAP		= 16,		/* slots of a cell's control queue (SPSC) */
	CS_EVENT_Q_CAP		= 256,		/* slots of the event queue (MPSC) */
	CS_IPC_SLOT		= 48,		/* bytes, = CSQ_MSG_MAX_BYTES */
};

/* Version of struct cs_shared; bumped whenever its layout changes. */
enum { CS_SHARED_MAGIC = 0x63656c6c /* "cell" */, CS_SHARED_ABI = 6 };

/* Owner of a cid in struct cs_shared.cid_owner[]: a cell index, or this. */
enum { CS_OWNER_ROOT = -1 };

/*
 * Lifecycle of a cell slot. CONFIGURED: the cids are reserved for the cell
 * but still serve the root cell (no child, or the child was ejected);
 * ATTACHED: a child holds caps on them and the root routes them to it.
 */
enum cs_cell_state {
	CS_CELL_FREE		= 0,
	CS_CELL_CONFIGURED	= 1,
	CS_CELL_ATTACHED	= 2,
};

/*
 * The latest demand report of a cell's child, as the root's timer copied it
 * out of the cell's demand queue (fields of struct csq_demand).
 */
struct cs_demand {
	__u64 reports;			/* reports consumed so far */
	__u32 child;			/* the controller's number of the child that made it */
	__u32 seq;			/* that child's report number */
	__u64 busy_ns;			/* ns of CPU the cell used in the period */
	__u64 max_wait_ns;		/* ns, longest runnable -> running wait */
	__u64 ts_ns;			/* ns, when the child made the report */
	__u32 nr_runnable;
	__u32 util_permille;
};

struct cs_cell {
	__u64 cgid;			/* cgroup id (inode) of the cell's cgroup */
	__u32 state;			/* enum cs_cell_state */
	__u32 seq;			/* bumped on every change of this cell */
	__u32 nr_cids;
	__u32 nr_attach;		/* times a child attached (restarts + 1) */
	__u32 detach_pending;		/* its child detached while the table was locked */
	__u32 lend;			/* its idle cids may run root-cell tasks */
	struct cs_cids cids;		/* the cids reserved for the cell */
	__u64 demand_q;			/* arena address of the child -> root queue */
	__u64 ctl_q;			/* arena address of the controller -> child queue */
	__u64 lent_ns;			/* ns root-cell tasks ran on its cids while it lent them */
	__u64 rsvd;
	struct cs_demand demand;
};

/*
 * struct cs_shared - what the root exports through the arena.
 * Written by the root (ops.init, sub_attach/detach, the cell syscall
 * programs), read by the controller through the mmapped arena. magic is
 * written last by ops.init; seq is bumped last by every cell change.
 */
struct cs_shared {
	__u32 magic;
	__u32 abi;
	__u32 nr_cids;			/* scx_bpf_nr_cids() */
	__u32 nr_cpu_ids;		/* scx_bpf_nr_cpu_ids() */
	__u32 seq;			/* configuration sequence number */
	__u32 nr_violations;		/* invariant violations refused by BPF */
	__u64 event_q;			/* arena address of the BPF -> controller queue */
	__s32 cpu_to_cid[CS_MAX_CIDS];	/* -1: no such cpu */
	__s32 cid_to_cpu[CS_MAX_CIDS];	/* -1: no such cid */
	__s32 cid_owner[CS_MAX_CIDS];	/* cell index or CS_OWNER_ROOT */
	/*
	 * [cid]: 1 while a root-cell task runs there on a cell's behalf (lent,
	 * or a stranded task in the cell's idle time); written by that CPU only
	 * (the root's running/stopping), read by the cell's child to take the
	 * CPU back at once (SCX_ENQ_PREEMPT, SCX_KICK_PREEMPT).
	 */
	__u8 lent[CS_MAX_CIDS];
	struct cs_cell cells[CS_MAX_CELLS];
};

_Static_assert(sizeof(struct cs_demand) == 48, "struct cs_demand layout changed");
_Static_assert(sizeof(struct cs_cell) == 32 + 8 * CS_CID_WORDS + 32 + sizeof(struct cs_demand),
	       "struct cs_cell layout changed");
_Static_assert(sizeof(struct cs_shared) == 32 + 13 * CS_MAX_CIDS +
	       CS_MAX_CELLS * sizeof(struct cs_cell),
	       "struct cs_shared layout changed: bump CS_SHARED_ABI");

/*
 * Argument of the cell syscall programs (cs_cell_add, cs_cell_resize,
 * cs_cell_remove), run by the controller with bpf_prog_test_run_opts; the
 * kernel copies it back, so ret and seq carry the result.
 */
struct cs_cell_cmd {
	__u32 cell;			/* cell index */
	__s32 ret;			/* out: 0 or -errno */
	__u64 cgid;			/* add: the cell's cgroup id */
	__u32 seq;			/* out: cs_shared.seq after the change */
	__u32 flags;			/* add, cs_cell_flags: CS_CELL_F_* */
	struct cs_cids cids;		/* add, resize: the cell's new cids */
};

enum cs_cell_flags {
	CS_CELL_F_LEND		= 1,	/* the cell lends its idle CPUs to the root cell */
};

/*
 * Statistics of the root, one per-CPU counter each, summed by the controller.
 * X(name, description): expanded into enum cs_root_stat (BPF and userspace)
 * and into the labels the controller prints, so they cannot drift apart.
 */
#define CS_ROOT_STATS(X)							\
	X(ENQ_SHARED,	"tasks queued on the root vtime DSQ")			\
	X(ENQ_LOCAL,	"tasks inserted directly on an idle CPU's local DSQ")	\
	X(ENQ_PINNED,	"tasks queued for the one CPU they may run on")		\
	X(ENQ_KTHREAD,	"per-CPU kernel threads run at once on a cell's CPU")	\
	X(ENQ_STRANDED,	"root tasks allowed only on cell CPUs, queued there")	\
	X(DISPATCH,	"dispatch calls that moved a task to a local DSQ")	\
	X(DISPATCH_NONE, "dispatch calls that found nothing for the CPU")	\
	X(KEEP_PREV,	"slice ends where the running task stayed: nothing queued came first") \
	X(STRANDED_SHARE, "stranded tasks run in their bounded share of a busy cell") \
	X(STRANDED_IDLE, "stranded tasks run while the cell left the CPU idle")	\
	X(STRANDED_OVERDUE, "stranded tasks run because they had waited too long") \
	X(LEND,		"root tasks placed on an idle CPU a cell lends")		\
	X(KICK_IDLE,	"idle CPUs kicked to pick up queued work")		\
	X(IDLE_RACE,	"idle CPUs claimed by another CPU first")		\
	X(IDLE_RESTORED, "claimed CPUs that found nothing and were idle again")	\
	X(SUB_DISPATCH,	"dispatches handed to a cell's sub-scheduler")		\
	X(SUB_ATTACH,	"sub-schedulers attached to a cell")			\
	X(SUB_REJECT,	"sub-scheduler attaches refused")			\
	X(SUB_DETACH,	"sub-schedulers detached from a cell")			\
	X(REENQ,	"route changes that re-queued the root DSQ")		\
	X(CTL_BUSY,	"control steps that found the cell table locked")	\
	X(CID_OFFLINE,	"CPUs that went offline")				\
	X(CID_ONLINE,	"CPUs that came online")

enum cs_root_stat {
#define CS_X_ENUM(name, desc) CS_STAT_##name,
	CS_ROOT_STATS(CS_X_ENUM)
#undef CS_X_ENUM
	CS_NR_ROOT_STATS,
};

/*
 * Statistics every child policy keeps (policies/lib/child.bpf.c), per-CPU, summed
 * by the controller and printed per cell with --stats. Same X-macro scheme.
 */
#define CS_CELL_STATS(X)							\
	X(ENQ,		"tasks queued on the cell's queue")			\
	X(ENQ_LOCAL,	"waking tasks placed straight on an idle CPU of the cell") \
	X(RESCUE,	"tasks handed to the kernel's rescue path (no granted CPU allowed)") \
	X(KICK_IDLE,	"idle CPUs of the cell kicked for queued work")		\
	X(RECLAIM,	"lent CPUs taken back from the root cell (preempting it)") \
	X(RECLAIM_NS,	"ns from taking a lent CPU back to the cell's task running") \
	X(PREEMPT,	"CPU hogs preempted for an interactive task (latency)")	\
	X(DISPATCH,	"dispatches that moved a task to a CPU")		\
	X(DISPATCH_NONE, "dispatches that found the queue empty")

enum cs_cell_stat {
#define CS_X_ENUM(name, desc) CS_CSTAT_##name,
	CS_CELL_STATS(CS_X_ENUM)
#undef CS_X_ENUM
	CS_NR_CELL_STATS,
};

/*
 * Embedded mode (bpf/embedded.bpf.c, for kernels without sub-schedulers): one
 * cpu-form scheduler runs the root cell and every cell's policy, with the same
 * struct cs_shared in its arena (cid = cpu there) and the same cell programs
 * (cs_cell_add, _flags, _resize, _remove), plus cs_cell_attach, which starts
 * (cmd.flags = the policy) or stops (0) running the cell's policy: the
 * counterpart of a child attaching or detaching.
 */
enum cs_emb_policy {
	CS_EMB_NONE		= 0,	/* not running: the cell's tasks run in the root cell */
	CS_EMB_FIFO		= 1,
	CS_EMB_VTIME		= 2,
	CS_EMB_LATENCY		= 3,
	CS_EMB_TEST_FAULT	= 4,	/* TEST ONLY (-Dtest_policies): fifo, then scx_bpf_error() */
};

enum cs_emb_consts {
	CS_EMB_ROOT_DSQ		= 0,		/* the root cell's vtime DSQ */
	CS_EMB_CELL_DSQ		= 0x10000,	/* + cell index: a cell's queue */
	CS_EMB_CPU_DSQ		= 0x20000,	/* + cpu: root tasks only cell CPUs may run */
};

/*
 * What the controller sets for a cell in embedded mode (the map cell_conf,
 * indexed by cell): read by the scheduling paths at each use, so a tunable
 * written there applies from the next use on.
 */
struct cs_emb_cell {
	__u32 policy;			/* enum cs_emb_policy, as cs_cell_attach set it */
	__u32 child_id;			/* the controller's number for this run, in the reports */
	__u64 tunables[CS_MAX_TUNABLES];	/* enum cs_tunable_idx, the policy's units */
};

/*
 * Exit codes the root passes to scx_bpf_exit() / records in its exit info.
 * Userspace-requested unregistration carries 0.
 */
enum cs_root_exit_code {
	CS_ROOT_EXIT_OK		= 0,
	CS_ROOT_EXIT_TOO_MANY_CIDS = 1,	/* machine has more cids than CS_MAX_CIDS */
};

#endif /* CELLSCHED_IPC_H */
