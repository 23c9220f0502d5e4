/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/lib/child.h: the interface of the child library, which every child
 * policy of cellsched links (policies/meson.build: `bpftool gen object`
 * links lib/child.bpf.o, lib/demand.bpf.o and lib/ctl.bpf.o with the
 * policy's own object into one BPF object per policy).
 *
 * The library owns a child's side of the contract with the root and
 * everything the policies do alike:
 *   child.bpf.c   the license and exit info, the arena (the root's, reused),
 *                 the cids the parent granted and which of them are idle,
 *                 placement (an idle held cid for a waking task, the
 *                 kernel's rescue path for a task none of them may run, a
 *                 kick after queueing), the one-queue enqueue and dispatch
 *                 steps, the per-CPU statistics, and the ops every policy
 *                 uses as they are (update_idle, sub_ecaps_updated, exit);
 *   demand.bpf.c  the accounting behind the demand reports and the report
 *                 timer;
 *   ctl.bpf.c     the controller's messages to the child (live tunable
 *                 changes) and the doorbell that applies them at once.
 * A policy file (policies/<policy>/<policy>.bpf.c) holds its algorithm and
 * its ops table, naming the library's ops (below) where it does nothing of
 * its own.
 *
 * Functions are __hidden: after linking, libbpf verifies them as static
 * subprograms of each op that calls them, with the caller's argument types.
 * Prefix: cs_child_ (placement, ops, state), cs_demand_, cs_ctl_.
 */
#ifndef CELLSCHED_POLICY_CHILD_H
#define CELLSCHED_POLICY_CHILD_H

#include <scx/common.bpf.h>

#include "cellsched.h"
#include "cids.bpf.h"
#include "task.bpf.h"

/*
 * An op the library offers (BPF_STRUCT_OPS with a "?": not loaded unless the
 * policy's ops table names it; libbpf would otherwise refuse the object).
 */
#define CS_CHILD_OP(name, args...)		SEC("?struct_ops/"#name) BPF_PROG(name, ##args)
#define CS_CHILD_OP_SLEEPABLE(name, args...)	SEC("?struct_ops.s/"#name) BPF_PROG(name, ##args)

/* ---- set by the controller before load ---------------------------------------------- */
extern const volatile __u32 cell_idx;		/* the cell's slot in the root's table */
extern const volatile __u64 demand_q;		/* arena address of the demand queue (0: none) */
extern const volatile __u64 ctl_q;		/* arena address of the control queue (0: none) */
extern const volatile __u64 root_shared;	/* arena address of the root's cs_shared (0: none) */

/*
 * The policy's tunables, by enum cs_tunable_idx, in the child's units; the
 * controller writes them before load and changes them live (ctl.bpf.c).
 * Read them where they are used: a change applies from the next use on.
 */
extern __u64 cs_tun[CS_MAX_TUNABLES];

/* ---- what the library keeps -------------------------------------------------------- */
extern struct cs_cids cs_held;			/* cids granted to us, in effect */
extern struct cs_cids cs_idle;			/* held cids that are idle */
extern __u32 cs_nr_cids;			/* scx_bpf_nr_cids() */

/* ---- steps of a policy (child.bpf.c) ------------------------------------------------ */
/* Count one event of CS_CELL_STATS. */
void cs_child_stat(enum cs_cell_stat idx) __hidden;

/* From ops.enqueue, first: hand @p to the kernel's rescue path if it must be (true). */
bool cs_child_rescue(struct task_struct *p, u64 enq_flags) __hidden;

/* Claim an idle held cid @p may run on, scanning from @from; -1 if none. */
s32 cs_child_claim_idle(const struct task_struct *p, __u32 from) __hidden;

/*
 * From ops.dispatch when it found nothing for @cid: if the CPU goes idle,
 * mark it idle again (a claim nobody used) and look once more.
 */
void cs_child_dispatch_idle(s32 cid, struct task_struct *prev) __hidden;

/*
 * After queueing @p: wake an idle held cid it may run on, or take back one we
 * lent to the root cell (preempting the root's task there). True if one was.
 */
bool cs_child_kick_idle(struct task_struct *p) __hidden;

/* The enqueue of a one-FIFO-queue policy: rescue, or queue on CS_CELL_DSQ and kick. */
void cs_child_enqueue_fifo(struct task_struct *p, u64 enq_flags) __hidden;

/* From ops.dump: "<@name> cell N: C cids held, I idle, Q queued" (no newline). */
void cs_child_dump(const char *name) __hidden;

/* From ops.init (sleepable): bind the arena, create CS_CELL_DSQ, start the timers. */
s32 cs_child_init(void) __hidden;

/*
 * ---- ops as they are (child.bpf.c): a policy names them in its ops table -----------
 * select_cid   an idle held cid for the task (inserted there directly), else its
 *              previous cid;
 * enqueue_fifo rescue, or queue on CS_CELL_DSQ in FIFO order and kick an idle cid;
 * dispatch     move the first task of CS_CELL_DSQ to this CPU;
 * running, stopping  the demand accounting only;
 * init         cs_child_init();
 * update_idle, sub_ecaps_updated, exit  the library's own state and exit info.
 */
s32 cs_child_op_select_cid(unsigned long long *ctx);
void cs_child_op_enqueue_fifo(unsigned long long *ctx);
void cs_child_op_dispatch(unsigned long long *ctx);
void cs_child_op_running(unsigned long long *ctx);
void cs_child_op_stopping(unsigned long long *ctx);
s32 cs_child_op_init(unsigned long long *ctx);
void cs_child_op_update_idle(unsigned long long *ctx);
void cs_child_op_sub_ecaps_updated(unsigned long long *ctx);
void cs_child_op_exit(unsigned long long *ctx);

/* A task of ours started on @cid: if we had taken it back from the root, the wait ends. */
void cs_child_reclaimed(s32 cid) __hidden;

/* ---- demand accounting (demand.bpf.c): call from the ops of the same name ---------- */
void cs_demand_enqueue(struct task_struct *p) __hidden;
void cs_demand_running(struct task_struct *p) __hidden;
void cs_demand_stopping(struct task_struct *p) __hidden;
s32 cs_demand_init(void) __hidden;

/* ---- control messages (ctl.bpf.c) --------------------------------------------------- */
/* Apply every message queued for us; from the report timer and the doorbell. */
void cs_ctl_drain(void) __hidden;

#endif /* CELLSCHED_POLICY_CHILD_H */
