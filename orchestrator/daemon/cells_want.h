/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/cells_want.h: private to cells.c and cell_order.c: the cells
 * one reconcile pass wants (from the configuration and the cgroup tree),
 * before they are applied.
 */
#ifndef CELLSCHED_CELLS_WANT_H
#define CELLSCHED_CELLS_WANT_H

#include "cells.h"

struct want {
	char name[CS_NAME_MAX];
	char cgroup[2 * CS_CGPATH_MAX];
	char policy[CS_POLICY_MAX];
	unsigned long long tunables[CS_MAX_TUNABLES];
	enum cs_cell_origin origin;
	struct cs_cpus cpus;
	bool resizable;			/* cpus from the planner (plan()) */
	unsigned int min, max, weight;
	bool matched;
};

struct wantlist {
	struct want *w;
	unsigned int nr;
	struct want **of_cell;		/* [cell index]: the want it matched, or NULL */
	struct cs_cells *m;
	struct cs_cpus taken;
	struct cs_ignored ignored[CS_IGNORED_MAX];
	unsigned int nr_ignored;
	bool quiet;			/* a check (cs_cells_check): log nothing */
	char err[CS_ERR_MAX];		/* why plan() failed */
};

/*
 * Would moving from the cells' CPUs now to @wl's wants leave cells waiting
 * for each other (a cycle with no free CPU to pass through)? 0, -EDEADLK
 * with the cells named in @err, or -ENOMEM. Simulates reconcile's shrinks
 * and ordered grows (cell_order.c).
 */
int cs_cells_order_check(struct cs_cells *m, const struct wantlist *wl, char *err,
			 size_t errlen);

#endif /* CELLSCHED_CELLS_WANT_H */
