// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells_want.c: the cells one reconcile pass wants (see
 * cells_want.h): the configuration's, plus every direct child of the cell
 * parent that an orchestrator gave a valid cpuset.cpus (those found invalid
 * are ignored with a reason, logged once), and the CPUs the planner gives
 * the resizable ones; `rebalance --dry-run` is the same plan, not applied.
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

static bool is_config_path(const struct cs_cells *m, const char *name)
{
	size_t n = strlen(name);

	for (unsigned int i = 0; i < m->cfg->nr_cells; i++) {
		const char *cg = m->cfg->cells[i].cgroup;

		if (!strncmp(cg, name, n) && (cg[n] == '\0' || cg[n] == '/'))
			return true;
	}
	return false;
}

static void ignore(struct wantlist *wl, const char *cgroup, const char *cpus, const char *why)
{
	struct cs_cells *m = wl->m;
	bool known = false;

	for (unsigned int i = 0; i < m->nr_ignored; i++)
		if (!strcmp(m->ignored[i].cgroup, cgroup) && !strcmp(m->ignored[i].cpus, cpus))
			known = true;
	if (!known && !wl->quiet)
		cs_err("ignoring cgroup %s (cpuset.cpus %s): %s", cgroup, cpus, why);
	if (wl->nr_ignored < CS_IGNORED_MAX) {
		struct cs_ignored *ig = &wl->ignored[wl->nr_ignored++];

		snprintf(ig->cgroup, sizeof(ig->cgroup), "%s", cgroup);
		snprintf(ig->cpus, sizeof(ig->cpus), "%s", cpus);
	}
}

/*
 * An orchestrator's cgroup under the cell parent: watched for writes (its
 * cpuset.cpus), so a pass reads it again only when it changed. The watch
 * goes with the directory.
 */
static void watch(const struct cs_cells *m, const char *path, bool quiet)
{
	char full[PATH_MAX];

	if (quiet || m->ifd < 0 ||
	    snprintf(full, sizeof(full), "%s/%s", cs_cg_mount(), path) >= (int)sizeof(full))
		return;
	if (inotify_add_watch(m->ifd, full, IN_MODIFY | IN_ONLYDIR) < 0)
		cs_dbg("cannot watch %s: %s", full, strerror(errno));
}

/* A direct child of the cell parent: a cell if it has a valid cpuset.cpus. */
static int discover_one(const char *name, void *arg)
{
	struct wantlist *wl = arg;
	struct cs_cells *m = wl->m;
	char path[2 * CS_CGPATH_MAX], raw[CS_LIST_MAX], why[CS_LIST_MAX + 64], list[CS_LIST_MAX];
	struct cs_cpus cpus, left;
	struct want *w;

	if (is_config_path(m, name) || wl->nr >= CS_MAX_CELLS)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", m->parent, name);
	if (cs_cg_is_ours(path)) {
		/*
		 * Ours but no longer configured: a cell still in use is removed
		 * in order by reconcile (child, slot, then cgroup); a leftover
		 * (deleted with tasks, or while we were down) goes once empty,
		 * its tasks meanwhile unrestricted (the root cell runs them).
		 */
		bool in_use = false;

		for (unsigned int idx = 0; idx < CS_MAX_CELLS && !in_use; idx++)
			in_use = m->cells[idx].used && !strcmp(m->cells[idx].cgroup, path);
		watch(m, path, wl->quiet);	/* its emptying (cgroup.events) wakes us */
		if (!wl->quiet && !in_use) {
			int err = cs_cg_delete(path);

			if (!err)
				cs_info("removed cgroup %s, left over from a removed cell", path);
			else if (err == -EBUSY && !cs_cg_read(path, "cpuset.cpus", raw, sizeof(raw)) &&
				 raw[0])
				cs_cg_write(path, "cpuset.cpus", "");
		}
		return 0;
	}
	watch(m, path, wl->quiet);
	if (cs_cg_read(path, "cpuset.cpus", raw, sizeof(raw)) || !raw[0])
		return 0;	/* no cpuset of its own: not a cell (yet) */
	if (cs_cpus_parse(raw, &cpus, why, sizeof(why))) {
		ignore(wl, path, raw, why);
		return 0;
	}
	if (!cs_cpus_subset(&cpus, &m->si.possible)) {
		ignore(wl, path, raw, "it names CPUs that do not exist on this machine");
		return 0;
	}
	if (cs_cpus_intersects(&cpus, &wl->taken)) {
		snprintf(why, sizeof(why), "its CPUs overlap other cells (taken: %s)",
			 cs_fmt_cpus(&wl->taken, list, sizeof(list)));
		ignore(wl, path, raw, why);
		return 0;
	}
	left = m->si.online;
	cs_cpus_andnot(&left, &wl->taken);
	cs_cpus_andnot(&left, &cpus);
	if (cs_cpus_count(&left) < m->cfg->min_cpus) {
		snprintf(why, sizeof(why), "the root cell would keep %u CPUs, below root_cell.min_cpus %u",
			 cs_cpus_count(&left), m->cfg->min_cpus);
		ignore(wl, path, raw, why);
		return 0;
	}
	for (unsigned int i = 0; i < wl->nr; i++)
		if (!strcmp(wl->w[i].name, name)) {
			ignore(wl, path, raw, "a configured cell has the same name");
			return 0;
		}
	w = &wl->w[wl->nr++];
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->cgroup, sizeof(w->cgroup), "%s", path);
	snprintf(w->policy, sizeof(w->policy), "%s", CS_POLICY_DEFAULT);
	cs_policy_defaults(cs_policy_find(CS_POLICY_DEFAULT), w->tunables);
	w->origin = CS_FROM_CGROUP;
	cs_cpus_or(&wl->taken, &cpus);
	/* like a configured cell: it runs on its online CPUs, none while all are offline */
	w->offline = cpus;
	cs_cpus_andnot(&w->offline, &m->si.online);
	w->cpus = cpus;
	cs_cpus_and(&w->cpus, &m->si.online);
	return 0;
}

int cs_want_build(struct cs_cells *m, struct wantlist *wl)
{
	wl->m = m;
	for (unsigned int i = 0; i < m->cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &m->cfg->cells[i];
		struct want *w = &wl->w[wl->nr++];

		memset(w, 0, sizeof(*w));
		snprintf(w->name, sizeof(w->name), "%s", c->name);
		snprintf(w->cgroup, sizeof(w->cgroup), "%s/%s", m->parent, c->cgroup);
		snprintf(w->policy, sizeof(w->policy), "%s", c->policy);
		memcpy(w->tunables, c->tunables, sizeof(w->tunables));
		w->origin = CS_FROM_CONFIG;
		w->lend = c->lend;
		w->cpus = c->cpus;
		cs_cpus_or(&wl->taken, &w->cpus);
		/* its offline CPUs are still its own; it runs on the others */
		w->offline = c->cpus;
		cs_cpus_andnot(&w->offline, &m->si.online);
		cs_cpus_and(&w->cpus, &m->si.online);
		if (c->resizable) {
			int idx = cs_cells_find(m, c->name);

			/* until plan(): what it holds now (nothing if new) */
			w->resizable = true;
			w->min = c->min;
			w->max = c->max;
			w->weight = c->weight;
			memset(&w->cpus, 0, sizeof(w->cpus));
			memset(&w->offline, 0, sizeof(w->offline));
			if (idx >= 0 && !strcmp(m->cells[idx].cgroup, w->cgroup)) {
				w->cpus = m->cells[idx].cpus;
				cs_cpus_and(&w->cpus, &m->si.online);
			}
			cs_cpus_or(&wl->taken, &w->cpus);
		}
	}
	return cs_cg_for_each_child(m->parent, discover_one, wl);
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
