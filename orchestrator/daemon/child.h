/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/child.h: loading, attaching and stopping one cell's child
 * sub-scheduler.
 *
 * Owns the libbpf skeletons of the child policies (policies/<policy>/) and
 * the steps that make one of them a sub-scheduler of our root: sub_cgroup_id
 * set to the cell's cgroup id, the root's arena reused (bpf_map__reuse_fd),
 * the tunables written, load, attach, and reading the exit info right after
 * attaching (the kernel reports a refused attach, e.g. "parent rejected",
 * only there); and live tunable changes through the cell's control queue
 * (policies/lib/ctl.bpf.c). In embedded mode (params.emb set) a cell's
 * policy is not a scheduler of its own: the same calls start, stop, tune and
 * read it in the one scheduler (embedded.h). Never exits the process; errors
 * are -errno after a message.
 * Prefix: cs_child.
 */
#ifndef CELLSCHED_CHILD_H
#define CELLSCHED_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "cellsched.h"
#include "exitinfo.h"
#include "policies.h"

struct cs_child_ops;
struct cs_root;
struct bpf_link;

struct cs_child_params {
	const char *policy;		/* a name from policies.c */
	uint64_t cgid;			/* the cell's cgroup id */
	int arena_fd;			/* the root's arena map */
	uint32_t cell_idx;
	const unsigned long long *tunables; /* the policy's, in policies.c's order and units */
	uint64_t demand_q;		/* arena address of the cell's demand queue */
	uint64_t ctl_q;			/* arena address of the cell's control queue */
	uint64_t root_shared;		/* arena address of the root's struct cs_shared */
	uint32_t child_id;		/* our number for this child, in its demand reports */
	struct cs_root *emb;		/* embedded mode: the one scheduler; NULL: native */
};

struct cs_child {
	const struct cs_child_ops *ops;
	const struct cs_policy_info *pi;
	void *skel;
	struct bpf_link *link;
	uint64_t ctl_q;			/* the control queue (arena address) */
	uint64_t ctl_seq;		/* number of the last control message sent */
	struct cs_root *emb;		/* embedded mode: the scheduler running the cell */
	uint32_t cell;			/* embedded mode: the cell it runs */
};

/*
 * Load and attach a child with @p. Returns 0 when it runs; -ECANCELED when
 * the kernel took the attach but the child exited at once (@ei says why,
 * e.g. the parent rejected it); another -errno when loading or attaching
 * failed. On any failure nothing stays loaded.
 */
int cs_child_start(struct cs_child *c, const struct cs_child_params *p, struct cs_exit_info *ei);

/* True once the kernel recorded the child's exit; then fills @ei. */
bool cs_child_exited(const struct cs_child *c, struct cs_exit_info *ei);

/* Sum the child's per-CPU statistics (CS_CELL_STATS) into @out. */
int cs_child_read_stats(const struct cs_child *c, unsigned long long out[CS_NR_CELL_STATS]);

/*
 * Change the running child's tunables to @values (the policy's, YAML units)
 * without a reload: one message per changed value on the control queue,
 * then the doorbell. Returns 0 once the child applied them all, -ENOSPC if
 * the queue is full, another -errno if the doorbell failed (the child's
 * timer then applies what was queued within CS_DEMAND_PERIOD_NS).
 */
int cs_child_set_tunables(struct cs_child *c, const unsigned long long *values);

/* The tunables in effect in the child (YAML units) into @out; -ENOENT if none runs. */
int cs_child_tunables(const struct cs_child *c, unsigned long long out[CS_MAX_TUNABLES]);

/* Detach and free; safe on a stopped child. */
void cs_child_stop(struct cs_child *c);

#endif /* CELLSCHED_CHILD_H */
