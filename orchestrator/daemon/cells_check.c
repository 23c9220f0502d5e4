// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells_check.c: whether the cells can move to a new
 * configuration from where they are now (cs_cells_check, cells.h): it must
 * not take over, overlap or push out a cell an orchestrator made, its
 * resizable cells must fit beside the cgroup tree's cells, and reconcile's
 * order of moves (shrinks first, then grows once the CPUs are free) must not
 * leave cells waiting for each other with no free CPU to pass through.
 * Changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_want.h"
#include "cgroup.h"

/*
 * Would moving from the cells' CPUs now to @wl's wants leave cells waiting
 * for each other (a cycle with no free CPU to pass through)? Simulates
 * reconcile: every cell first shrinks to what it keeps, then a cell grows
 * only once no other cell holds a CPU it gains. 0, -EDEADLK with the cells
 * named in @err, or -ENOMEM.
 */
static int order_check(struct cs_cells *m, const struct wantlist *wl, char *err, size_t errlen)
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

/* Would cgroup path @a take over, contain or sit inside cgroup @b? */
static bool path_clash(const char *a, const char *b)
{
	return !strcmp(a, b) || cs_config_path_inside(a, b) || cs_config_path_inside(b, a);
}

/* Would @cfg take over, contain or overlap a cell an orchestrator made? -EBUSY if so. */
static int check_foreign_clash(const struct cs_cells *m, const struct cs_config *cfg, char *err,
			       size_t errlen)
{
	char path[2 * CS_CGPATH_MAX], list[CS_LIST_MAX];
	struct cs_cpus bad;

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];

		if (!c->used || c->origin != CS_FROM_CGROUP)
			continue;
		for (unsigned int i = 0; i < cfg->nr_cells; i++) {
			cs_config_cell_path(cfg, &cfg->cells[i], path, sizeof(path));
			bad = cfg->cells[i].cpus;
			cs_cpus_and(&bad, &c->cpus);
			if (path_clash(path, c->cgroup)) {
				snprintf(err, errlen, "cell '%s' would use cgroup %s, where cell '%s' "
					 "lives (made by someone else)", cfg->cells[i].name, path,
					 c->name);
				return -EBUSY;
			}
			if (!cfg->cells[i].resizable && !cs_cpus_empty(&bad)) {
				snprintf(err, errlen, "CPUs %s of cell '%s' belong to cell '%s' "
					 "(cgroup %s, made by someone else)",
					 cs_fmt_cpus(&bad, list, sizeof(list)), cfg->cells[i].name,
					 c->name, c->cgroup);
				return -EBUSY;
			}
		}
	}
	return 0;
}

/* Is every cell an orchestrator made still one among @wl (same name, room left)? */
static int check_foreign_kept(const struct cs_cells *m, const struct wantlist *wl, char *err,
			      size_t errlen)
{
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];
		bool kept = false;

		if (!c->used || c->origin != CS_FROM_CGROUP || !cs_cg_exists(c->cgroup))
			continue;	/* (one whose cgroup just went is being removed anyway) */
		for (unsigned int i = 0; i < wl->nr && !kept; i++)
			kept = wl->w[i].origin == CS_FROM_CGROUP &&
			       !strcmp(wl->w[i].cgroup, c->cgroup);
		if (!kept) {
			snprintf(err, errlen, "the change would push out cell '%s' (cgroup %s, made "
				 "by someone else): same name, or its CPUs would leave the root cell "
				 "below root_cell.min_cpus", c->name, c->cgroup);
			return -EBUSY;
		}
	}
	return 0;
}

/* Build, plan and order-check the cells of m->cfg (already switched to the candidate). */
static int check_wanted(struct cs_cells *m, uint64_t now_ms, char *err, size_t errlen)
{
	struct cs_plan_cell *pc;
	struct wantlist wl;
	int ret;

	if (cs_want_alloc(&wl, &pc))
		return -ENOMEM;
	wl.quiet = true;
	ret = cs_want_build(m, &wl);
	if (ret)
		snprintf(err, errlen, "listing the cgroups under %s failed", m->parent);
	if (!ret)
		ret = check_foreign_kept(m, &wl, err, errlen);
	if (!ret) {
		ret = cs_want_plan(m, &wl, now_ms, false, pc, false);
		if (ret)
			snprintf(err, errlen, "%s", wl.err);
	}
	if (!ret) {
		for (unsigned int i = 0; i < wl.nr; i++)
			if (wl.w[i].resizable)
				wl.w[i].cpus = pc[i].next;
		ret = order_check(m, &wl, err, errlen);
	}
	cs_want_free(&wl, pc);
	return ret;
}

int cs_cells_check(struct cs_cells *m, const struct cs_config *cfg, const struct cs_sysinfo *si,
		   const struct cs_topo *topo, uint64_t now_ms, char *err, size_t errlen)
{
	const struct cs_config *saved_cfg = m->cfg;
	struct cs_sysinfo saved_si = m->si;
	struct cs_topo *saved_topo;
	int ret;

	/* cells an orchestrator made stay theirs: not taken over, not displaced */
	ret = check_foreign_clash(m, cfg, err, errlen);
	if (ret)
		return ret;
	saved_topo = malloc(sizeof(*saved_topo));
	if (!saved_topo)
		return -ENOMEM;
	/* plan as reconcile would, with the candidate in place of what runs */
	*saved_topo = m->topo;
	m->cfg = cfg;
	m->si = *si;
	m->topo = *topo;
	ret = check_wanted(m, now_ms, err, errlen);
	m->cfg = saved_cfg;
	m->si = saved_si;
	m->topo = *saved_topo;
	free(saved_topo);
	return ret;
}
