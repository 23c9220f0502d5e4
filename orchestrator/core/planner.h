/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/planner.h: the CPU partition planner.
 *
 * Decides how many CPUs each resizable cell should have, from its demand
 * report, hysteresis and cooldown, inside its min/max and by weight when CPUs
 * are short (cs_plan_targets), then which CPUs (cs_plan_place): SMT siblings
 * kept together, as few LLCs per cell as possible, and stable: a cell whose
 * count does not change keeps its CPUs, a cell that changes moves as few
 * CPUs as possible. Fixed cells are not touched; the root cell gets whatever
 * no cell holds and never fewer than root_min. Pure C, no I/O.
 * Prefix: cs_plan.
 */
#ifndef CELLSCHED_PLANNER_H
#define CELLSCHED_PLANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "cpus.h"
#include "topology.h"

/* Hysteresis and cooldown (configuration key `rebalance:`). */
struct cs_plan_params {
	unsigned int grow_pct;		/* util above this with tasks waiting: grow (1..100) */
	unsigned int shrink_pct;	/* util below this: shrink to need (0..grow_pct-1) */
	unsigned int cooldown_ms;	/* a cell resized less than this ago is left alone */
};

/* The latest demand report of a cell (ipc/queue.h struct csq_demand). */
struct cs_plan_demand {
	bool valid;			/* false: no report yet, keep the size */
	unsigned int nr_runnable;	/* tasks runnable (running or waiting) */
	unsigned int util_permille;	/* busy time / (period x the cell's CPUs) */
};

struct cs_plan_cell {
	/* in */
	bool resizable;			/* false: fixed, @cur is kept as is */
	unsigned int min, max, weight;	/* resizable: 1 <= min <= max; weight 1..10000 */
	struct cs_cpus cur;		/* CPUs the cell holds now (may be empty: new cell) */
	struct cs_plan_demand demand;
	unsigned long long last_change_ms; /* when its CPUs last changed (0: never) */
	/* out of cs_plan_targets, in of cs_plan_place */
	unsigned int want;		/* CPUs it asks for from demand, clamped to min..max */
	unsigned int target;		/* CPUs it gets */
	/* out of cs_plan_place */
	struct cs_cpus next;		/* its CPUs after the plan (fixed cells: = cur) */
};

/*
 * Set @want and @target of every cell. @avail = CPUs cells and the root cell
 * share (online and inside the cell parent's cpuset); fixed cells' CPUs are
 * taken out of it first (a fixed cell: want = target = |cur|). Per resizable
 * cell, held = |cur| (all of it, even CPUs no longer in @avail); unless it has
 * no report or is in cooldown (@force is false and @now_ms - last_change_ms <
 * cooldown_ms with last_change_ms != 0), in which cases want = held (a new
 * cell: min):
 *   util >= grow_pct and nr_runnable > CPUs held -> want = held + (nr_runnable - held)
 *   util <  shrink_pct -> want = ceil(busy CPUs * 100 / grow_pct), busy CPUs
 *                          = util_permille * held / 1000 (exact, not rounded)
 *   else want = held;  a new cell (held 0) wants min.
 * want is clamped to min..max. A cell in cooldown gets target = want (when
 * the cooldown sizes and the other cells' mins all fit; otherwise cooldown
 * cells are sized like the others); the others: every cell gets min; the
 * CPUs left above root_min are shared by weight (water-filling: no cell above
 * its want, a cell below its share keeps its want; integer shares, the last
 * CPUs one each to the heaviest cells, ties lower index). @force (rebalance
 * now) skips the cooldown. Returns 0, or -ENOSPC with a message in @err when
 * the minimums and the fixed cells do not fit (@avail minus root_min),
 * -EINVAL when @nr > CS_MAX_CELLS.
 */
int cs_plan_targets(const struct cs_plan_params *p, const struct cs_cpus *avail,
		    unsigned int root_min, struct cs_plan_cell *cells, unsigned int nr,
		    unsigned long long now_ms, bool force, char *err, size_t errlen);

/*
 * Choose @next for every cell so that |next| = target (fixed: next = cur).
 * Cells keep their CPUs that are still in @avail and not a fixed cell's (a
 * CPU two cells hold stays with the lower index) when their target did not
 * shrink; shrinking cells, all before any cell grows, give back CPUs whole
 * cores first, from the LLC where they hold least, highest CPU first; growing
 * cells (larger deficit first) take free CPUs: the sibling of a core they
 * half-hold first, then whole free cores in LLCs where they hold most, then
 * in the LLC with most free CPUs, then CPUs of cores already split, then of
 * whole cores; ties by lowest CPU. When that spreads a cell over more than
 * ceil(target / smallest LLC) + 1 LLCs or splits cores, taking free CPUs in
 * topology order is tried too (see planner.c). Deterministic. Returns 0, or
 * -ENOSPC with a message when the targets do not fit, -EINVAL when @nr >
 * CS_MAX_CELLS; @next is not set on error.
 */
int cs_plan_place(const struct cs_topo *t, const struct cs_cpus *avail,
		  struct cs_plan_cell *cells, unsigned int nr, char *err, size_t errlen);

/*
 * CPUs that change owner (a cell or the root cell) between cur and next over
 * all cells; a CPU two cells name belongs to the lower index.
 */
unsigned int cs_plan_moves(const struct cs_plan_cell *cells, unsigned int nr);

#endif /* CELLSCHED_PLANNER_H */
