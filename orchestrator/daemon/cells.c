// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells.c: reconciliation of cells between the configuration,
 * the cgroup tree and the root scheduler (see cells.h).
 *
 * One pass of cs_cells_reconcile():
 *   1. wanted cells = the configuration's + valid orchestrator-made cgroups;
 *   2. cells no longer wanted are removed (child stopped, slot freed, our
 *      cgroup deleted when empty);
 *   3. cells whose CPUs change first shrink to what they keep (cpuset, then
 *      the root's resize: stop routing, revoke), and only when every shrink
 *      is done grow to their new CPUs (the root's resize: grant, route, then
 *      cpuset): a CPU is never owned by two cells;
 *   4. new cells are added (cgroup, then the root's cell slot);
 *   5. children (cell_children.c): exited ones are reported with the
 *      kernel's reason and restarted after a backoff that doubles per failure.
 * Resizable cells get their CPUs from the planner in step 1 (plan()). Before
 * a configuration change is accepted, cs_cells_check() plans it the same way
 * and cell_order.c checks that the moves can be made in this order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cells.h"
#include "cgroup.h"
#include "kernel.h"
#include "log.h"
#include "policies.h"
#include "queue_impl.h"

#include "cells_want.h"

enum { CS_LIST_MAX = 4096 };	/* bytes of a CPU list: 1024 CPUs at their most scattered */

static void cpus_to_cids(const struct cs_cells *m, const struct cs_cpus *cpus,
			 struct cs_cids *out)
{
	memset(out, 0, sizeof(*out));
	for (int cpu = 0; cpu < CS_MAX_CIDS; cpu++) {
		int cid;

		if (!cs_cpus_test(cpus, cpu))
			continue;
		cid = m->root->shared->cpu_to_cid[cpu];
		if (cid >= 0 && cid < CS_MAX_CIDS)
			out->bits[cid / 64] |= 1ULL << (cid % 64);
	}
}

static const char *fmt_cpus(const struct cs_cpus *s, char *buf, size_t len)
{
	cs_cpus_format(s, buf, len);
	return buf[0] ? buf : "none";
}

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
	if (cs_cg_read(path, "cpuset.cpus", raw, sizeof(raw)) || !raw[0])
		return 0;	/* no cpuset of its own: not a cell (yet) */
	if (cs_cpus_parse(raw, &cpus, why, sizeof(why))) {
		ignore(wl, path, raw, why);
		return 0;
	}
	if (!cs_cpus_subset(&cpus, &m->si.online)) {
		ignore(wl, path, raw, "it names CPUs that are not online");
		return 0;
	}
	if (cs_cpus_intersects(&cpus, &wl->taken)) {
		snprintf(why, sizeof(why), "its CPUs overlap other cells (taken: %s)",
			 fmt_cpus(&wl->taken, list, sizeof(list)));
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
	w->cpus = cpus;
	cs_cpus_or(&wl->taken, &cpus);
	return 0;
}

static int build_wanted(struct cs_cells *m, struct wantlist *wl)
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
		w->cpus = c->cpus;
		if (c->resizable) {
			int idx = cs_cells_find(m, c->name);

			/* until plan(): what it holds now (nothing if new) */
			w->resizable = true;
			w->min = c->min;
			w->max = c->max;
			w->weight = c->weight;
			memset(&w->cpus, 0, sizeof(w->cpus));
			if (idx >= 0 && !strcmp(m->cells[idx].cgroup, w->cgroup))
				w->cpus = m->cells[idx].cpus;
		}
		cs_cpus_or(&wl->taken, &w->cpus);
	}
	return cs_cg_for_each_child(m->parent, discover_one, wl);
}

/*
 * The CPUs of the resizable cells, from the planner: fixed cells (YAML or
 * cgroup tree) keep theirs, resizable ones get a count from their demand
 * reports and CPUs chosen by topology. Fills @pc[0..wl->nr) (the plan, for
 * `rebalance --dry-run`) and, when @apply, the wants' CPUs.
 */
static int plan(struct cs_cells *m, struct wantlist *wl, uint64_t now_ms, bool force,
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
			p->demand.valid = (c->running || c->external_seen) &&
					  d->seq > c->demand_seq_at_change;
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

static int set_cpus(struct cs_cells *m, unsigned int idx, const struct cs_cpus *cpus)
{
	struct cs_cell_rt *c = &m->cells[idx];
	char a[CS_LIST_MAX], b[CS_LIST_MAX];
	struct cs_cids cids;
	int err;

	cpus_to_cids(m, cpus, &cids);
	err = cs_root_cell_resize(m->root, idx, &cids, NULL);
	if (err) {
		cs_err("cell %s: the root refused CPUs %s: %s", c->name, fmt_cpus(cpus, a, sizeof(a)),
		       strerror(-err));
		return err;
	}
	cs_info("cell %s: CPUs %s -> %s", c->name, fmt_cpus(&c->cpus, a, sizeof(a)),
		fmt_cpus(cpus, b, sizeof(b)));
	c->cpus = *cpus;
	c->changed_at_ms = m->now_ms;
	c->demand_seq_at_change = m->root->shared->cells[idx].demand.seq;
	return 0;
}

static int write_cpuset(struct cs_cell_rt *c, const struct cs_cpus *cpus)
{
	char list[CS_LIST_MAX];
	int err;

	if (c->origin != CS_FROM_CONFIG)
		return 0;	/* the orchestrator owns that cpuset */
	err = cs_cg_write(c->cgroup, "cpuset.cpus", fmt_cpus(cpus, list, sizeof(list)));
	if (err)
		cs_err("cell %s: writing cpuset.cpus %s of %s failed: %s", c->name, list, c->cgroup,
		       strerror(-err));
	return err;
}

static void remove_cell(struct cs_cells *m, unsigned int idx, const char *why)
{
	struct cs_cell_rt *c = &m->cells[idx];
	int err;

	cs_child_stop(&c->child);
	c->running = false;
	err = cs_root_cell_remove(m->root, idx, NULL);
	if (err)
		cs_err("cell %s: the root refused to remove it: %s", c->name, strerror(-err));
	if (c->created_cgroup && cs_cg_exists(c->cgroup)) {
		err = cs_cg_delete(c->cgroup);
		/* its tasks follow the root cell (the parent's CPUs) until it is empty */
		if (err == -EBUSY)
			cs_cg_write(c->cgroup, "cpuset.cpus", "");
		if (err)
			cs_warn("cell %s: leaving cgroup %s in place: %s", c->name, c->cgroup,
				err == -EBUSY ? "it still has tasks or children, which now run in the "
				"root cell; it is removed once empty" : strerror(-err));
	}
	cs_info("cell %s: removed (%s)", c->name, why);
	/* the root's detach event comes later: it names the cell, not "?" */
	snprintf(m->gone[idx].name, sizeof(m->gone[idx].name), "%s", c->name);
	m->gone[idx].cgid = c->cgid;
	memset(c, 0, sizeof(*c));
}

static int add_cell(struct cs_cells *m, const struct want *w)
{
	char list[CS_LIST_MAX];
	struct cs_cell_rt *c = NULL;
	struct cs_cids cids;
	unsigned int idx;
	int err;

	for (idx = 0; idx < CS_MAX_CELLS; idx++) {
		if (!m->cells[idx].used) {
			c = &m->cells[idx];
			break;
		}
	}
	if (!c) {
		cs_err("cell %s: no free cell slot (%d in use)", w->name, CS_MAX_CELLS);
		return -ENOSPC;
	}
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", w->name);
	snprintf(c->cgroup, sizeof(c->cgroup), "%s", w->cgroup);
	snprintf(c->policy, sizeof(c->policy), "%s", w->policy);
	memcpy(c->tunables, w->tunables, sizeof(c->tunables));
	c->origin = w->origin;
	fmt_cpus(&w->cpus, list, sizeof(list));

	if (c->origin == CS_FROM_CONFIG) {
		err = cs_cg_create(c->cgroup, list);
		if (err == -EEXIST) {
			/* ours from a run that was killed, or someone else's */
			c->created_cgroup = cs_cg_is_ours(c->cgroup);
			err = cs_cg_write(c->cgroup, "cpuset.cpus", list);
		} else if (!err) {
			c->created_cgroup = true;
		}
		if (err) {
			cs_err("cell %s: preparing cgroup %s with CPUs %s failed: %s", c->name,
			       c->cgroup, list, strerror(-err));
			return err;
		}
	}
	err = cs_cg_id(c->cgroup, &c->cgid);
	if (!err) {
		cpus_to_cids(m, &w->cpus, &cids);
		err = cs_root_cell_add(m->root, idx, c->cgid, &cids, NULL);
		if (err)
			cs_err("cell %s: the root refused the cell: %s", c->name, strerror(-err));
	}
	if (err) {
		if (c->created_cgroup)
			cs_cg_delete(c->cgroup);
		memset(c, 0, sizeof(*c));
		return err;
	}
	c->cpus = w->cpus;
	c->resizable = w->resizable;
	c->min = w->min;
	c->max = w->max;
	c->weight = w->weight;
	c->changed_at_ms = m->now_ms;
	c->demand_seq_at_change = m->root->shared->cells[idx].demand.seq;
	c->used = true;
	cs_info("cell %s: added (cgroup %s, CPUs %s, policy %s, %s)", c->name, c->cgroup, list,
		c->policy, c->origin == CS_FROM_CONFIG ? "from the configuration" :
		"found in the cgroup tree");
	return 0;
}

static void free_wanted(struct wantlist *wl, struct cs_plan_cell *pc)
{
	free(wl->w);
	free(wl->of_cell);
	free(pc);
}

static int alloc_wanted(struct wantlist *wl, struct cs_plan_cell **pc)
{
	memset(wl, 0, sizeof(*wl));
	wl->w = calloc(CS_MAX_CELLS, sizeof(*wl->w));
	wl->of_cell = calloc(CS_MAX_CELLS, sizeof(*wl->of_cell));
	*pc = calloc(CS_MAX_CELLS, sizeof(**pc));
	if (!wl->w || !wl->of_cell || !*pc) {
		free_wanted(wl, *pc);
		return -ENOMEM;
	}
	return 0;
}

int cs_cells_plan(struct cs_cells *m, uint64_t now_ms, bool force, struct cs_cells_plan *out)
{
	struct cs_plan_cell *pc;
	struct wantlist wl;
	int ret;

	if (alloc_wanted(&wl, &pc))
		return -ENOMEM;
	wl.quiet = true;
	m->now_ms = now_ms;
	ret = build_wanted(m, &wl);
	if (!ret)
		ret = plan(m, &wl, now_ms, force, pc, false);
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
	free_wanted(&wl, pc);
	return ret;
}

/* Grow passes: a cell whose new CPUs another cell still holds waits for that one. */
static int grow_cells(struct cs_cells *m, struct wantlist *wl)
{
	struct cs_cpus keep, need;
	bool progress = true;
	int changes = 0;

	while (progress) {
		progress = false;
		for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
			struct cs_cell_rt *c = &m->cells[idx];
			struct want *w = wl->of_cell[idx];
			bool blocked = false;

			if (!w || cs_cpus_equal(&w->cpus, &c->cpus))
				continue;
			need = w->cpus;
			cs_cpus_andnot(&need, &c->cpus);
			for (unsigned int o = 0; o < CS_MAX_CELLS && !blocked; o++)
				blocked = o != idx && m->cells[o].used &&
					  cs_cpus_intersects(&need, &m->cells[o].cpus);
			if (blocked)
				continue;
			keep = c->cpus;
			cs_cpus_or(&keep, &w->cpus);
			/* grant, then let tasks use them (cpuset); disjoint moves shrink last */
			if (!set_cpus(m, idx, &keep) && !write_cpuset(c, &w->cpus) &&
			    !cs_cpus_equal(&keep, &w->cpus))
				set_cpus(m, idx, &w->cpus);
			wl->of_cell[idx] = NULL;	/* done (or failed: next tick) */
			progress = true;
			changes++;
		}
	}
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (wl->of_cell[idx] && !cs_cpus_equal(&wl->of_cell[idx]->cpus,
						      &m->cells[idx].cpus)) {
			/* cs_cells_check refuses such changes; cells from the cgroup tree may not */
			char msg[sizeof(m->order_err)];

			snprintf(msg, sizeof(msg), "cell %s waits for CPUs another cell holds and "
				 "waits for in turn", m->cells[idx].name);
			if (strcmp(msg, m->order_err))
				cs_warn("%s", msg);
			snprintf(m->order_err, sizeof(m->order_err), "%s", msg);
			return changes;
		}
	m->order_err[0] = '\0';
	return changes;
}

/* Would cgroup path @a take over, contain or sit inside cgroup @b? */
static bool path_clash(const char *a, const char *b)
{
	return !strcmp(a, b) || cs_config_path_inside(a, b) || cs_config_path_inside(b, a);
}

int cs_cells_check(struct cs_cells *m, const struct cs_config *cfg, const struct cs_sysinfo *si,
		   const struct cs_topo *topo, uint64_t now_ms, char *err, size_t errlen)
{
	const struct cs_config *saved_cfg = m->cfg;
	struct cs_sysinfo saved_si = m->si;
	struct cs_topo *saved_topo;
	struct cs_plan_cell *pc;
	char path[2 * CS_CGPATH_MAX], list[CS_LIST_MAX];
	struct wantlist wl;
	struct cs_cpus bad;
	int ret = 0;

	/* cells an orchestrator made stay theirs: not taken over, not displaced */
	for (unsigned int idx = 0; idx < CS_MAX_CELLS && !ret; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];

		if (!c->used || c->origin != CS_FROM_CGROUP)
			continue;
		for (unsigned int i = 0; i < cfg->nr_cells && !ret; i++) {
			snprintf(path, sizeof(path), "%s/%s", m->parent, cfg->cells[i].cgroup);
			bad = cfg->cells[i].cpus;
			cs_cpus_and(&bad, &c->cpus);
			if (path_clash(path, c->cgroup))
				ret = snprintf(err, errlen, "cell '%s' would use cgroup %s, where cell '%s' "
					       "lives (made by someone else)", cfg->cells[i].name,
					       path, c->name);
			else if (!cfg->cells[i].resizable && !cs_cpus_empty(&bad))
				ret = snprintf(err, errlen, "CPUs %s of cell '%s' belong to cell '%s' "
					       "(cgroup %s, made by someone else)",
					       fmt_cpus(&bad, list, sizeof(list)), cfg->cells[i].name,
					       c->name, c->cgroup);
		}
	}
	if (ret)
		return -EBUSY;
	if (alloc_wanted(&wl, &pc))
		return -ENOMEM;
	saved_topo = malloc(sizeof(*saved_topo));
	if (!saved_topo) {
		free_wanted(&wl, pc);
		return -ENOMEM;
	}
	*saved_topo = m->topo;
	m->cfg = cfg;
	m->si = *si;
	m->topo = *topo;
	wl.quiet = true;
	ret = build_wanted(m, &wl);
	if (ret)
		snprintf(err, errlen, "listing the cgroups under %s failed", m->parent);
	/* every cell an orchestrator made must still be one (same name, room left) */
	for (unsigned int idx = 0; idx < CS_MAX_CELLS && !ret; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];
		bool kept = false;

		if (!c->used || c->origin != CS_FROM_CGROUP || !cs_cg_exists(c->cgroup))
			continue;	/* (one whose cgroup just went is being removed anyway) */
		for (unsigned int i = 0; i < wl.nr && !kept; i++)
			kept = wl.w[i].origin == CS_FROM_CGROUP && !strcmp(wl.w[i].cgroup, c->cgroup);
		if (!kept) {
			snprintf(err, errlen, "the change would push out cell '%s' (cgroup %s, made "
				 "by someone else): same name, or its CPUs would leave the root cell "
				 "below root_cell.min_cpus", c->name, c->cgroup);
			ret = -EBUSY;
		}
	}
	if (!ret) {
		ret = plan(m, &wl, now_ms, false, pc, false);
		if (ret)
			snprintf(err, errlen, "%s", wl.err);
	}
	if (!ret) {
		for (unsigned int i = 0; i < wl.nr; i++)
			if (wl.w[i].resizable)
				wl.w[i].cpus = pc[i].next;
		ret = cs_cells_order_check(m, &wl, err, errlen);
	}
	m->cfg = saved_cfg;
	m->si = saved_si;
	m->topo = *saved_topo;
	free(saved_topo);
	free_wanted(&wl, pc);
	return ret;
}

int cs_cells_reconcile(struct cs_cells *m, uint64_t now_ms)
{
	struct cs_plan_cell *pc;
	struct wantlist wl;
	struct cs_cpus keep;
	int changes = 0;
	bool may_add;

	if (alloc_wanted(&wl, &pc))
		return -ENOMEM;
	m->now_ms = now_ms;
	if (build_wanted(m, &wl)) {
		cs_warn("listing the cgroups under %s failed; keeping the cells as they are",
			m->parent);
		free_wanted(&wl, pc);
		cs_cells_children(m, now_ms);
		return 0;
	}
	memcpy(m->ignored, wl.ignored, sizeof(wl.ignored));
	m->nr_ignored = wl.nr_ignored;
	plan(m, &wl, now_ms, m->force_plan, pc, true);
	m->force_plan = false;

	/* match; remove what is no longer wanted */
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];
		struct want *w = NULL;

		if (!c->used)
			continue;
		for (unsigned int i = 0; i < wl.nr && !w; i++)
			if (!wl.w[i].matched && !strcmp(wl.w[i].cgroup, c->cgroup))
				w = &wl.w[i];
		if (!w || w->origin != c->origin || !cs_cg_exists(c->cgroup)) {
			remove_cell(m, idx, !cs_cg_exists(c->cgroup) ? "its cgroup is gone" :
					    "no longer configured");
			changes++;
			continue;
		}
		w->matched = true;
		wl.of_cell[idx] = w;
		c->resizable = w->resizable;
		c->min = w->min;
		c->max = w->max;
		c->weight = w->weight;
		if (strcmp(w->policy, c->policy) || memcmp(w->tunables, c->tunables,
							  sizeof(c->tunables))) {
			/* only this cell's child is reloaded */
			if (strcmp(w->policy, c->policy))
				cs_info("cell %s: policy %s -> %s", c->name, c->policy, w->policy);
			else
				cs_info("cell %s: tunables changed, reloading its child", c->name);
			cs_child_stop(&c->child);
			c->running = false;
			c->external_seen = false;
			c->failures = 0;
			c->restart_at_ms = 0;
			snprintf(c->policy, sizeof(c->policy), "%s", w->policy);
			memcpy(c->tunables, w->tunables, sizeof(c->tunables));
			changes++;
		}
	}

	/* shrink every changing cell to what it keeps */
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];
		struct want *w = wl.of_cell[idx];

		if (!w || cs_cpus_equal(&w->cpus, &c->cpus))
			continue;
		keep = c->cpus;
		cs_cpus_and(&keep, &w->cpus);
		if (!cs_cpus_empty(&keep) && !cs_cpus_equal(&keep, &c->cpus)) {
			/* tasks leave the CPUs first (cpuset), then the caps go */
			if (!write_cpuset(c, &keep))
				set_cpus(m, idx, &keep);
			changes++;
		}
	}

	/* grow: every CPU a cell gains was given back by a shrink or was the root's */
	changes += grow_cells(m, &wl);

	/* add (a failed add waits: its cgroup's removal would wake us at once) */
	may_add = now_ms >= m->add_retry_at_ms;
	for (unsigned int i = 0; i < wl.nr && may_add; i++) {
		if (wl.w[i].matched || cs_cpus_empty(&wl.w[i].cpus))
			continue;	/* a resizable cell the planner found no CPU for */
		if (!add_cell(m, &wl.w[i]))
			changes++;
		else
			m->add_retry_at_ms = now_ms + CS_RESTART_MIN_MS;
	}

	cs_cells_children(m, now_ms);
	free_wanted(&wl, pc);
	return changes;
}

int cs_cells_find(const struct cs_cells *m, const char *name)
{
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (m->cells[idx].used && !strcmp(m->cells[idx].name, name))
			return (int)idx;
	return -1;
}

int cs_cells_init(struct cs_cells *m, struct cs_root *root, const struct cs_config *cfg,
		  const struct cs_sysinfo *si, const struct cs_topo *topo)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->topo = *topo;
	m->root = root;
	m->cfg = cfg;
	m->si = *si;
	snprintf(m->parent, sizeof(m->parent), "%s", cfg->cell_parent);
	err = cs_cg_ensure_parent(m->parent, &m->created_parent);
	if (err)
		cs_err("preparing the cell parent cgroup %s/%s failed: %s", cs_cg_mount(), m->parent,
		       strerror(-err));
	else if (m->created_parent)
		cs_info("created the cell parent cgroup %s/%s", cs_cg_mount(), m->parent);
	return err;
}

void cs_cells_set_config(struct cs_cells *m, const struct cs_config *cfg)
{
	m->cfg = cfg;
}

/*
 * Any cell whose child we stopped that the root still routes to? An
 * external cell's sub-scheduler is not ours to stop: it leaves with the root.
 */
static bool any_attached(const struct cs_cells *m)
{
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (m->cells[idx].used && !cs_policy_find(m->cells[idx].policy)->external &&
		    m->root->shared->cells[idx].state == CS_CELL_ATTACHED)
			return true;
	return false;
}

void cs_cells_shutdown(struct cs_cells *m)
{
	struct timespec step = { .tv_nsec = 10 * 1000 * 1000 };

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (m->cells[idx].used)
			cs_child_stop(&m->cells[idx].child);
	/* the kernel detaches children asynchronously; log their detach events
	 * (nothing moves in the root's table once the root has exited) */
	for (int waited = 0; !cs_root_exited(m->root) && any_attached(m) &&
	     waited < CS_DETACH_WAIT_MS; waited += 10)
		nanosleep(&step, NULL);
	cs_cells_drain_events(m);

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];

		if (!c->used)
			continue;
		if (c->created_cgroup && cs_cg_exists(c->cgroup) && cs_cg_delete(c->cgroup))
			cs_warn("cell %s: leaving cgroup %s in place: it still has tasks",
				c->name, c->cgroup);
		memset(c, 0, sizeof(*c));
	}
	if (m->created_parent && cs_cg_delete(m->parent) == 0)
		cs_info("removed the cell parent cgroup %s/%s", cs_cg_mount(), m->parent);
}
