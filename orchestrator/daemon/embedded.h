/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/embedded.h: embedded mode's one scheduler
 * (bpf/embedded.bpf.c) from the controller's side.
 *
 * Owns its libbpf skeleton: loading it into a struct cs_root (root.h: then
 * attach, exit info, statistics, detach and the cell programs work as for
 * native mode's root), and a cell's policy, which in embedded mode is not a
 * child scheduler but the cell's entry in the scheduler's cell_conf map:
 * started (cs_cell_attach with the policy), stopped, its tunables changed
 * live and its per-cell statistics read. child.c calls these for a cell
 * when the root is embedded. Errors are -errno after a message.
 * Prefix: cs_emb.
 */
#ifndef CELLSCHED_EMBEDDED_H
#define CELLSCHED_EMBEDDED_H

#include "cellsched.h"
#include "policies.h"
#include "root.h"

/* Open and load the embedded scheduler into @root with @opts. */
int cs_emb_load(struct cs_root *root, const struct cs_root_opts *opts);

/* Free what cs_emb_load made (after the link is gone). */
void cs_emb_destroy(struct cs_root *root);

/* The policies embedded mode runs: fifo, vtime, latency. */
bool cs_emb_runs_policy(const char *policy);

/*
 * Run @pi on @cell with @tunables (the policy's, YAML units); its demand
 * reports carry @child_id. Returns 0 or -errno.
 */
int cs_emb_cell_start(struct cs_root *root, unsigned int cell, const struct cs_policy_info *pi,
		      const unsigned long long *tunables, uint32_t child_id);

/* Stop running @cell's policy: its tasks run in the root cell. */
void cs_emb_cell_stop(struct cs_root *root, unsigned int cell);

/* The cell's tunables: write (@pi's YAML units) or read back. */
int cs_emb_cell_set_tunables(struct cs_root *root, unsigned int cell,
			     const struct cs_policy_info *pi, const unsigned long long *values);
int cs_emb_cell_tunables(const struct cs_root *root, unsigned int cell,
			 const struct cs_policy_info *pi, unsigned long long out[CS_MAX_TUNABLES]);

/* Sum the cell's per-CPU statistics (CS_CELL_STATS) into @out. */
int cs_emb_cell_stats(const struct cs_root *root, unsigned int cell,
		      unsigned long long out[CS_NR_CELL_STATS]);

#endif /* CELLSCHED_EMBEDDED_H */
