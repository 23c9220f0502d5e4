// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cell_order.c: whether the cells can move to a new set of
 * CPUs in the order reconcile applies changes (cells_want.h): every cell
 * first shrinks to what it keeps, then a cell grows only once no other cell
 * holds a CPU it gains. Cells that would each wait for the other's CPUs,
 * with no free CPU to pass through, are refused before anything changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_want.h"

int cs_cells_order_check(struct cs_cells *m, const struct wantlist *wl, char *err,
			 size_t errlen)
{
	struct cs_cpus *cur = calloc(wl->nr + 1, sizeof(*cur)), need, keep;
	bool *done = calloc(wl->nr + 1, sizeof(*done)), progress = true;
	int ret = 0;

	if (!cur || !done) {
		free(cur);
		free(done);
		return -ENOMEM;
	}
	/* where each wanted cell is now; then the shrinks of reconcile */
	for (unsigned int i = 0; i < wl->nr; i++) {
		for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
			if (m->cells[idx].used && !strcmp(m->cells[idx].cgroup, wl->w[i].cgroup))
				cur[i] = m->cells[idx].cpus;
		keep = cur[i];
		cs_cpus_and(&keep, &wl->w[i].cpus);
		if (!cs_cpus_empty(&keep))
			cur[i] = keep;
	}
	while (progress) {
		progress = false;
		for (unsigned int i = 0; i < wl->nr; i++) {
			bool blocked = false;

			if (done[i])
				continue;
			need = wl->w[i].cpus;
			cs_cpus_andnot(&need, &cur[i]);
			for (unsigned int o = 0; o < wl->nr && !blocked; o++)
				blocked = o != i && cs_cpus_intersects(&need, &cur[o]);
			if (blocked)
				continue;
			cur[i] = wl->w[i].cpus;
			done[i] = progress = true;
		}
	}
	for (unsigned int i = 0; i < wl->nr && !ret; i++)
		if (!done[i]) {
			for (unsigned int o = 0; o < wl->nr; o++) {
				need = wl->w[i].cpus;
				cs_cpus_andnot(&need, &cur[i]);
				if (o != i && cs_cpus_intersects(&need, &cur[o])) {
					snprintf(err, errlen, "cell '%s' would have to take CPUs of cell "
						 "'%s', which waits for CPUs in turn, with none free to "
						 "pass through; move one of them to a free CPU first",
						 wl->w[i].name, wl->w[o].name);
					break;
				}
			}
			ret = -EDEADLK;
		}
	free(cur);
	free(done);
	return ret;
}
