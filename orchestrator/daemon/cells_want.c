// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells_want.c: the cells one reconcile pass wants (see
 * cells_want.h): the configuration's (those with CPUs of their own first,
 * then those that inherit their cgroup's), then those found in the cgroup
 * tree (cells_found.c: rules, the cell parent's children), and the CPUs the
 * planner gives the resizable ones; `rebalance --dry-run` is the same plan,
 * not applied.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <stdlib.h>
#include <string.h>

#include "cells_want.h"
#include "cgroup.h"
#include "log.h"
#include "policies.h"

void cs_want_fill(struct cs_cells *m, struct want *w, const struct cs_cell_cfg *c,
		  const char *name, const char *cgroup, enum cs_cell_origin origin)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->cgroup, sizeof(w->cgroup), "%s", cgroup);
	snprintf(w->policy, sizeof(w->policy), "%s", c->policy);
	memcpy(w->tunables, c->tunables, sizeof(w->tunables));
	w->origin = origin;
	w->lend = c->lend;
	if (c->inherit)
		return;		/* its CPUs are read from its cgroup (cs_found_inherit) */
	if (c->resizable) {
		int idx = cs_cells_find(m, name);

		/* until plan(): what it holds now (nothing if new) */
		w->resizable = true;
		w->min = c->min;
		w->max = c->max;
		w->weight = c->weight;
		if (idx >= 0 && !strcmp(m->cells[idx].cgroup, w->cgroup)) {
			w->cpus = m->cells[idx].cpus;
			cs_cpus_and(&w->cpus, &m->si.online);
		}
		return;
	}
	/* its offline CPUs are still its own; it runs on the others */
	w->cpus = c->cpus;
	w->offline = c->cpus;
	cs_cpus_andnot(&w->offline, &m->si.online);
	cs_cpus_and(&w->cpus, &m->si.online);
}

/* The cells of the configuration: those with CPUs of their own (@inherit false), or the others. */
static void config_cells(struct cs_cells *m, struct wantlist *wl, bool inherit)
{
	for (unsigned int i = 0; i < m->cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &m->cfg->cells[i];
		struct want *w = &wl->w[wl->nr];
		char path[2 * CS_CGPATH_MAX];

		if (c->inherit != inherit)
			continue;
		cs_config_cell_path(m->cfg, c, path, sizeof(path));
		cs_want_fill(m, w, c, c->name, path, CS_FROM_CONFIG);
		w->inherit = c->inherit;
		/* elsewhere in the tree: in place, never made nor removed by cellsched */
		w->outside = !cs_config_path_inside(path, m->parent);
		if (w->outside && cs_found_outside(wl, w))
			continue;
		if (c->inherit && cs_found_inherit(wl, w, false))
			continue;
		if (!c->inherit)
			cs_cpus_or(&wl->taken, &w->cpus);
		wl->nr++;
	}
}

int cs_want_build(struct cs_cells *m, struct wantlist *wl)
{
	int err;

	wl->m = m;
	config_cells(m, wl, false);
	config_cells(m, wl, true);
	err = cs_found_rules(m, wl);
	if (err)
		cs_warn("reading the cgroup tree for rules: %s", strerror(-err));
	return cs_found_discovered(m, wl);
}

/*
 * The CPUs of the resizable cells, from the planner: fixed cells (YAML or
 * cgroup tree) keep theirs, resizable ones get a count from their demand
 * reports and CPUs chosen by topology. Fills @pc[0..wl->nr) (the plan, for
 * `rebalance --dry-run`) and, when @apply, the wants' CPUs.
 */
int cs_want_plan(struct cs_cells *m, struct wantlist *wl, uint64_t now_ms, bool force,
		struct cs_plan_cell *pc, bool apply)
{
	struct cs_cpus avail = m->si.online, rest;
	char err[CS_ERR_MAX];
	bool any = false;
	int ret;

	cs_cpus_and(&avail, &m->si.parent_cpus);
	/*
	 * The root cell keeps the lowest min_cpus CPUs no fixed cell holds (CPU 0
	 * on most machines, where boot-time housekeeping lives): the planner
	 * shares the others, so a cell growing or shrinking never moves them.
	 */
	rest = avail;
	for (unsigned int i = 0; i < wl->nr; i++)
		if (!wl->w[i].resizable)
			cs_cpus_andnot(&rest, &wl->w[i].cpus);
	for (unsigned int n = 0; n < m->cfg->min_cpus && !cs_cpus_empty(&rest); n++) {
		cs_cpus_clear(&avail, cs_cpus_first(&rest));
		cs_cpus_clear(&rest, cs_cpus_first(&rest));
	}
	for (unsigned int i = 0; i < wl->nr; i++) {
		struct want *w = &wl->w[i];
		struct cs_plan_cell *p = &pc[i];
		int idx;

		memset(p, 0, sizeof(*p));
		p->resizable = w->resizable;
		p->cur = w->cpus;
		if (!w->resizable)
			continue;
		any = true;
		p->min = w->min;
		p->max = w->max;
		p->weight = w->weight;
		idx = cs_cells_find(m, w->name);
		if (idx >= 0) {
			const struct cs_cell_rt *c = &m->cells[idx];
			const struct cs_demand *d = &m->root->shared->cells[idx].demand;

			p->last_change_ms = c->changed_at_ms;
			/* a report made after the last change, by a child that runs */
			p->demand.valid = cs_want_demand_fresh(c, d);
			p->demand.nr_runnable = d->nr_runnable;
			p->demand.util_permille = d->util_permille;
		}
	}
	if (!any)
		return 0;
	ret = cs_plan_targets(&m->cfg->rebalance, &avail, 0, pc, wl->nr, now_ms, force, err,
			      sizeof(err));
	if (!ret)
		ret = cs_plan_place(&m->topo, &avail, pc, wl->nr, err, sizeof(err));
	if (ret) {
		snprintf(wl->err, sizeof(wl->err), "%s", err);
		if (!apply)
			return ret;	/* a dry run or a check: the caller reports */
		if (strcmp(err, m->plan_err))
			cs_err("planning the resizable cells failed, keeping them as they are: %s",
			       err);
		snprintf(m->plan_err, sizeof(m->plan_err), "%s", err);
		return ret;
	}
	if (!apply)
		return 0;
	m->plan_err[0] = '\0';
	for (unsigned int i = 0; i < wl->nr; i++)
			if (wl->w[i].resizable)
				wl->w[i].cpus = pc[i].next;
	return 0;
}

/* ---- applying ------------------------------------------------------------------------ */

void cs_want_free(struct wantlist *wl, struct cs_plan_cell *pc)
{
	free(wl->w);
	free(wl->of_cell);
	free(pc);
	wl->w = NULL;
	wl->of_cell = NULL;
}

int cs_want_alloc_list(struct wantlist *wl)
{
	memset(wl, 0, sizeof(*wl));
	wl->w = calloc(CS_MAX_CELLS, sizeof(*wl->w));
	wl->of_cell = calloc(CS_MAX_CELLS, sizeof(*wl->of_cell));
	if (!wl->w || !wl->of_cell) {
		cs_want_free(wl, NULL);
		return -ENOMEM;
	}
	return 0;
}

int cs_want_alloc(struct wantlist *wl, struct cs_plan_cell **pc)
{
	*pc = calloc(CS_MAX_CELLS, sizeof(**pc));
	if (!*pc || cs_want_alloc_list(wl)) {
		free(*pc);
		*pc = NULL;
		return -ENOMEM;
	}
	return 0;
}

void cs_want_reset(struct wantlist *wl)
{
	for (unsigned int i = 0; i < CS_MAX_CELLS; i++)
		wl->of_cell[i] = NULL;
	wl->nr = 0;
	memset(&wl->taken, 0, sizeof(wl->taken));
	wl->nr_ignored = 0;
	wl->quiet = false;
	wl->err[0] = '\0';
}

void cs_want_copy(struct cs_cells *m, struct wantlist *dst, const struct wantlist *src)
{
	cs_want_reset(dst);
	dst->m = m;
	dst->nr = src->nr;
	dst->taken = src->taken;
	memcpy(dst->w, src->w, src->nr * sizeof(*src->w));
	/* a resizable cell has what it holds now, not what it held at the build */
	for (unsigned int i = 0; i < dst->nr; i++) {
		struct want *w = &dst->w[i];
		int idx = w->resizable ? cs_cells_find(m, w->name) : -1;

		if (idx >= 0 && !strcmp(m->cells[idx].cgroup, w->cgroup)) {
			w->cpus = m->cells[idx].cpus;
			cs_cpus_and(&w->cpus, &m->si.online);
		}
	}
}

int cs_cells_plan(struct cs_cells *m, uint64_t now_ms, bool force, struct cs_cells_plan *out)
{
	struct cs_plan_cell *pc;
	struct wantlist wl;
	int ret;

	if (cs_want_alloc(&wl, &pc))
		return -ENOMEM;
	wl.quiet = true;
	m->now_ms = now_ms;
	ret = cs_want_build(m, &wl);
	if (!ret)
		ret = cs_want_plan(m, &wl, now_ms, force, pc, false);
	out->nr = 0;
	for (unsigned int i = 0; !ret && i < wl.nr; i++) {
		struct cs_cells_plan_row *r;

		if (!wl.w[i].resizable)
			continue;
		r = &out->rows[out->nr++];
		snprintf(r->name, sizeof(r->name), "%s", wl.w[i].name);
		r->cur = pc[i].cur;
		r->next = pc[i].next;
		r->want = pc[i].want;
		r->target = pc[i].target;
		r->demand = pc[i].demand;
	}
	if (ret)
		snprintf(out->err, sizeof(out->err), "%s", wl.err[0] ? wl.err :
			 "listing the cell parent's cgroups failed");
	cs_want_free(&wl, pc);
	return ret;
}

/* Grow passes: a cell whose new CPUs another cell still holds waits for that one. */
