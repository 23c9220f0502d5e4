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
	CS_IDLE_WORDS		= CS_MAX_CIDS / 64,
	CS_ARENA_PAGES		= 256,	/* arena size in 4 KiB pages (1 MiB) */
};

/* The arena's fixed address, identical in BPF and in every mmap of it. */
#define CS_ARENA_ADDR		(1ULL << 44)

/* Scheduling constants of the root (units in the comment). */
enum cs_root_consts {
	CS_ROOT_DSQ		= 0,		/* id of the root cell's vtime DSQ */
	CS_ROOT_SLICE_NS_DFL	= 5000000,	/* ns, default time slice */
	CS_ROOT_SLICE_NS_MIN	= 100000,	/* ns */
	CS_ROOT_SLICE_NS_MAX	= 100000000,	/* ns */
	CS_ROOT_TIMEOUT_MS	= 5000,		/* ms, sched_ext watchdog timeout */
	CS_ROOT_CLAIM_TRIES	= 8,		/* idle claims lost to other CPUs before giving up */
};

/* Version of struct cs_shared; bumped whenever its layout changes. */
enum { CS_SHARED_MAGIC = 0x63656c6c /* "cell" */, CS_SHARED_ABI = 1 };

/*
 * struct cs_shared - what the root exports through the arena.
 * Written by the root's ops.init (before any task runs on it), read by the
 * controller through the mmapped arena. magic is written last.
 */
struct cs_shared {
	__u32 magic;
	__u32 abi;
	__u32 nr_cids;			/* scx_bpf_nr_cids() */
	__u32 nr_cpu_ids;		/* scx_bpf_nr_cpu_ids() */
	__s32 cpu_to_cid[CS_MAX_CIDS];	/* -1: no such cpu */
	__s32 cid_to_cpu[CS_MAX_CIDS];	/* -1: no such cid */
};

_Static_assert(sizeof(struct cs_shared) == 16 + 8 * CS_MAX_CIDS,
	       "struct cs_shared layout changed: bump CS_SHARED_ABI");
_Static_assert(CS_IDLE_WORDS * 64 == CS_MAX_CIDS, "CS_MAX_CIDS must be a multiple of 64");

/* Idle cids of the root, one bit per cid (set = idle); see bpf/idle.bpf.h. */
struct cs_idle {
	__u64 bits[CS_IDLE_WORDS];
};

/*
 * Statistics of the root, one per-CPU counter each, summed by the controller.
 * X(name, description): expanded into enum cs_root_stat (BPF and userspace)
 * and into the labels the controller prints, so they cannot drift apart.
 */
#define CS_ROOT_STATS(X)							\
	X(ENQ_SHARED,	"tasks queued on the root vtime DSQ")			\
	X(ENQ_LOCAL,	"tasks inserted directly on an idle CPU's local DSQ")	\
	X(ENQ_PINNED,	"single-CPU tasks inserted on their CPU's local DSQ")	\
	X(DISPATCH,	"dispatch calls that moved a task to a local DSQ")	\
	X(DISPATCH_NONE, "dispatch calls that found the root DSQ empty")	\
	X(KICK_IDLE,	"idle CPUs kicked to pick up queued work")		\
	X(IDLE_RACE,	"idle CPUs claimed by another CPU first")

enum cs_root_stat {
#define CS_X_ENUM(name, desc) CS_STAT_##name,
	CS_ROOT_STATS(CS_X_ENUM)
#undef CS_X_ENUM
	CS_NR_ROOT_STATS,
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
