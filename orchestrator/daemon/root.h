/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/root.h: loading, attaching and detaching the root scheduler.
 *
 * Owns the root's libbpf skeleton (bpf/root.bpf.c): setting its load-time
 * tunables, loading it (verifier errors surface through the libbpf log hook),
 * attaching its struct_ops link, reading its exit info and statistics, and
 * detaching it. In embedded mode the root is embedded mode's one scheduler
 * (loaded by embedded.c into the same struct, with the same cell programs):
 * everything below works on either. Never exits the process; every error is
 * returned as -errno after a message that names what failed.
 * Prefix: cs_root.
 */
#ifndef CELLSCHED_ROOT_H
#define CELLSCHED_ROOT_H

#include <stdbool.h>

#include "cellsched.h"
#include "exitinfo.h"

struct cs_root_bpf;
struct cs_emb_bpf;
struct bpf_link;
struct bpf_map;
struct bpf_object;
struct user_exit_info;

enum { CS_CELL_PROG_RETRIES = 1000 /* ms a cell program waits for the table's lock */ };

struct cs_root_opts {
	unsigned long long slice_ns;	/* CS_ROOT_SLICE_NS_MIN..MAX */
	bool embedded;			/* load embedded mode's scheduler (embedded.h) */
};

struct cs_root {
	struct cs_root_bpf *skel;	/* native mode */
	struct cs_emb_bpf *emb;		/* embedded mode */
	/* of whichever is loaded: */
	struct bpf_object *obj;
	struct bpf_map *ops_map, *stats_map, *arena_map;
	const struct user_exit_info *uei;
	const char *uei_dump;
	struct bpf_link *link;
	const struct cs_shared *shared;	/* the root's arena block, once loaded */
};

/* Open and load the root with @opts. On failure nothing stays loaded. */
int cs_root_load(struct cs_root *root, const struct cs_root_opts *opts);

/* Attach the loaded root as the system's sched_ext scheduler. */
int cs_root_attach(struct cs_root *root);

/* True once the kernel has recorded exit info (the root is no longer running). */
bool cs_root_exited(const struct cs_root *root);

/* Copy the recorded exit info; kind is CS_EXIT_KIND_NONE if none yet. */
void cs_root_exit_info(const struct cs_root *root, struct cs_exit_info *ei);

/* The kernel's debug dump of the root's state at an error exit ("" if none). */
const char *cs_root_exit_dump(const struct cs_root *root);

/* Sum the per-CPU statistics into @out. */
int cs_root_read_stats(const struct cs_root *root, unsigned long long out[CS_NR_ROOT_STATS]);

/* Name and description of statistic @idx. */

/*
 * Detach (if attached), wait up to @timeout_ms for the kernel to record the
 * exit and to finish disabling (sched_ext "disabled", or another
 * scheduler's), and keep the skeleton so the exit info stays readable.
 * Returns 0, or -ETIMEDOUT if that did not happen in time.
 */
int cs_root_detach(struct cs_root *root, int timeout_ms);

/* fd of the root's arena map, for children to reuse. */
int cs_root_arena_fd(const struct cs_root *root);

/*
 * The controller's cell entry points (SEC("syscall") programs of
 * bpf/cells.bpf.h). Return the program's verdict: 0 or -errno (-EBUSY: a cid
 * belongs to another cell, -EEXIST: slot or cgroup taken, -EINVAL: bad
 * argument); *seq gets the configuration sequence number after the change.
 */
int cs_root_cell_add(struct cs_root *root, unsigned int cell, unsigned long long cgid,
		     const struct cs_cids *cids, unsigned int flags, unsigned int *seq);
/* Set the cell's CS_CELL_F_* flags (whether it lends its idle CPUs). */
int cs_root_cell_flags(struct cs_root *root, unsigned int cell, unsigned int flags);
int cs_root_cell_resize(struct cs_root *root, unsigned int cell, const struct cs_cids *cids,
			unsigned int *seq);
int cs_root_cell_remove(struct cs_root *root, unsigned int cell, unsigned int *seq);

/* Free everything; safe on a partly set-up or already destroyed root. */
void cs_root_destroy(struct cs_root *root);

#endif /* CELLSCHED_ROOT_H */
