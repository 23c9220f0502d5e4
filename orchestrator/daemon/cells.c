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
 * The wanted cells and the planner's CPUs for the resizable ones come from
 * cells_want.c (step 1). Before a configuration change is accepted,
 * cells_check.c plans it the same way and checks that the moves can be made
 * in this order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cells.h"
#include "cgroup.h"
#include "clock.h"
#include "kernel.h"
#include "log.h"
#include "machine.h"
#include "policies.h"
#include "queue_impl.h"

#include "cells_want.h"

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

/* The cell's CPUs changed now: the demand reports made until now predate it. */
static void note_change(struct cs_cells *m, unsigned int idx)
{
	const struct cs_demand *d = &m->root->shared->cells[idx].demand;
	struct cs_cell_rt *c = &m->cells[idx];

	c->changed_at_ms = m->now_ms;
	c->demand_child_at_change = d->child;
	c->demand_seq_at_change = d->seq;
}

static int set_cpus(struct cs_cells *m, unsigned int idx, const struct cs_cpus *cpus)
{
	struct cs_cell_rt *c = &m->cells[idx];
	char a[CS_LIST_MAX], b[CS_LIST_MAX];
	struct cs_cids cids;
	int err;

	cpus_to_cids(m, cpus, &cids);
	err = cs_root_cell_resize(m->root, idx, &cids, NULL);
	if (err) {
		cs_err("cell %s: the root refused CPUs %s: %s", c->name, cs_fmt_cpus(cpus, a, sizeof(a)),
		       strerror(-err));
		return err;
	}
	cs_info("cell %s: CPUs %s -> %s", c->name, cs_fmt_cpus(&c->cpus, a, sizeof(a)),
		cs_fmt_cpus(cpus, b, sizeof(b)));
	c->cpus = *cpus;
	m->nr_rebalances += c->resizable;
	note_change(m, idx);
	return 0;
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
	cs_cell_restore_cpuset(m, c);
	if (c->created_cgroup && cs_cg_exists(c->cgroup)) {
		err = cs_cg_delete(c->cgroup);
		/* its tasks follow the root cell (the parent's CPUs) until it is empty */
		if (err == -EBUSY)
			cs_cell_release_cpuset(m, c);
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

/* Say when a cell's CPUs go offline or come back (the CPU moves themselves follow). */
static void note_offline(struct cs_cell_rt *c, const struct want *w)
{
	char off[CS_LIST_MAX], on[CS_LIST_MAX];

	if (cs_cpus_equal(&c->offline, &w->offline))
		return;
	cs_cpus_format(&w->offline, off, sizeof(off));
	cs_fmt_cpus(&w->cpus, on, sizeof(on));
	if (cs_cpus_empty(&w->offline))
		cs_info("cell %s: its CPUs are all online again", c->name);
	else if (cs_cpus_empty(&w->cpus))
		cs_warn("cell %s: all its CPUs (%s) are offline; its tasks run in the root cell "
			"until one comes back", c->name, off);
	else
		cs_warn("cell %s: CPUs %s are offline; it runs on %s until they come back",
			c->name, off, on);
	c->offline = w->offline;
}

/*
 * ", 42 ms and 1 pass after its cgroup changed" when a cgroup change that
 * inotify reported led to this pass: 1 pass is the first tick after it.
 */
static const char *seen_since(const struct cs_cells *m, char *buf, size_t len)
{
	buf[0] = '\0';
	if (m->seen_at_ms && m->now_ms >= m->seen_at_ms)
		snprintf(buf, len, ", %llu ms and %llu pass%s after its cgroup changed",
			 (unsigned long long)(cs_now_ms() - m->seen_at_ms),
			 (unsigned long long)(m->nr_passes - m->seen_pass),
			 m->nr_passes - m->seen_pass == 1 ? "" : "es");
	return buf;
}

static int add_cell(struct cs_cells *m, const struct want *w)
{
	char list[CS_LIST_MAX], seen[64];
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
	c->inherit = w->inherit;
	cs_cpus_format(&w->cpus, list, sizeof(list));	/* "" while all are offline */

	if (!w->inherit && w->outside) {
		err = cs_cell_adopt_cpuset(m, c, list);
		if (err) {
			cs_err("cell %s: writing CPUs %s into cgroup %s failed: %s", c->name, list,
			       c->cgroup, strerror(-err));
			return err;
		}
	} else if (!w->inherit && c->origin == CS_FROM_CONFIG) {
		err = cs_cg_create(c->cgroup, list);
		if (err == -EEXIST) {
			/* ours from a run that was killed, or someone else's */
			c->created_cgroup = cs_cg_is_ours(c->cgroup);
			err = cs_cell_cpuset_write(m, c->cgroup, list);
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
		err = cs_root_cell_add(m->root, idx, c->cgid, &cids, w->lend ? CS_CELL_F_LEND : 0,
				       NULL);
		if (err)
			cs_err("cell %s: the root refused the cell: %s", c->name, strerror(-err));
	}
	if (err) {
		if (c->created_cgroup)
			cs_cg_delete(c->cgroup);
		cs_cell_restore_cpuset(m, c);
		memset(c, 0, sizeof(*c));
		return err;
	}
	c->cpus = w->cpus;
	note_offline(c, w);
	c->resizable = w->resizable;
	c->min = w->min;
	c->max = w->max;
	c->weight = w->weight;
	c->lend = w->lend;
	note_change(m, idx);
	c->used = true;
	cs_info("cell %s: added (cgroup %s, CPUs %s, policy %s, %s)%s", c->name, c->cgroup,
		cs_fmt_cpus(&c->cpus, list, sizeof(list)), c->policy,
		c->origin == CS_FROM_CONFIG ? "from the configuration" :
		c->origin == CS_FROM_RULE ? "made by a rule" : "found in the cgroup tree",
		seen_since(m, seen, sizeof(seen)));
	return 0;
}

/* "lag_us 20000 -> 3000, ..." for the tunables of @policy that differ. */
static const char *tunables_diff(const char *policy, const unsigned long long *from,
				 const unsigned long long *to, char *buf, size_t len)
{
	const struct cs_policy_info *pi = cs_policy_find(policy);
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; pi && i < pi->nr_tunables && n < len; i++)
		if (from[i] != to[i])
			n += snprintf(buf + n, len - n, "%s%s %llu -> %llu", n ? ", " : "",
				      pi->tunables[i].name, from[i], to[i]);
	return buf;
}

/*
 * The cell's policy or tunables changed: tunables are applied to the running
 * child through its control queue; a new policy (or a live change that did
 * not apply) reloads the cell's child, and only that one. Returns whether
 * anything changed.
 */
static int update_child(struct cs_cell_rt *c, const struct want *w)
{
	char diff[256];
	uint64_t t0;
	int err;

	if (!strcmp(w->policy, c->policy) && !memcmp(w->tunables, c->tunables,
						     sizeof(c->tunables)))
		return 0;
	if (!strcmp(w->policy, c->policy)) {
		tunables_diff(c->policy, c->tunables, w->tunables, diff, sizeof(diff));
		memcpy(c->tunables, w->tunables, sizeof(c->tunables));
		if (!c->running) {
			cs_info("cell %s: %s (for its next child)", c->name, diff);
			return 1;
		}
		t0 = cs_now_us();
		err = cs_child_set_tunables(&c->child, c->tunables);
		if (!err) {
			cs_info("cell %s: %s, applied live in %llu us", c->name, diff,
				(unsigned long long)(cs_now_us() - t0));
			return 1;
		}
		cs_warn("cell %s: %s could not be applied live (%s); reloading its child",
			c->name, diff, strerror(-err));
	} else {
		cs_info("cell %s: policy %s -> %s", c->name, c->policy, w->policy);
	}
	cs_child_stop(&c->child);
	c->running = false;
	c->external_seen = false;
	c->failures = 0;
	c->restart_at_ms = 0;
	snprintf(c->policy, sizeof(c->policy), "%s", w->policy);
	memcpy(c->tunables, w->tunables, sizeof(c->tunables));
	return 1;
}

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
			if (!set_cpus(m, idx, &keep) && !cs_cell_write_cpuset(m, c, &w->cpus) &&
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

/*
 * Remove the cells no longer wanted; note which want each remaining cell
 * matched. @full: the wants were just read from the cgroup tree.
 */
static int match_cells(struct cs_cells *m, struct wantlist *wl, bool full)
{
	int changes = 0;

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];
		struct want *w = NULL;

		if (!c->used)
			continue;
		for (unsigned int i = 0; i < wl->nr && !w; i++)
			if (!wl->w[i].matched && !strcmp(wl->w[i].cgroup, c->cgroup))
				w = &wl->w[i];
		/* (a cgroup that went away is an inotify event: a full pass) */
		if (!w || w->origin != c->origin || w->inherit != c->inherit ||
		    (full && !cs_cg_exists(c->cgroup))) {
			remove_cell(m, idx, full && !cs_cg_exists(c->cgroup) ? "its cgroup is gone" :
				    "no longer configured");
			changes++;
			continue;
		}
		w->matched = true;
		wl->of_cell[idx] = w;
		note_offline(c, w);
		c->resizable = w->resizable;
		c->min = w->min;
		c->max = w->max;
		c->weight = w->weight;
		if (c->lend != w->lend && !cs_root_cell_flags(m->root, idx, w->lend ? CS_CELL_F_LEND : 0)) {
			c->lend = w->lend;
			cs_info("cell %s: lending its idle CPUs %s", c->name, c->lend ? "on" : "off");
			changes++;
		}
		changes += update_child(c, w);
	}
	return changes;
}

/* Shrink every changing cell to the CPUs it keeps: tasks leave first (cpuset), then caps. */
static int shrink_cells(struct cs_cells *m, struct wantlist *wl)
{
	struct cs_cpus keep;
	int changes = 0;

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];
		struct want *w = wl->of_cell[idx];

		if (!w || cs_cpus_equal(&w->cpus, &c->cpus))
			continue;
		keep = c->cpus;
		cs_cpus_and(&keep, &w->cpus);
		if (!cs_cpus_empty(&keep) && !cs_cpus_equal(&keep, &c->cpus)) {
			if (!cs_cell_write_cpuset(m, c, &keep))
				set_cpus(m, idx, &keep);
			changes++;
		}
	}
	return changes;
}

/* Add the wanted cells that do not exist yet (a failed add waits: see below). */
static int add_cells(struct cs_cells *m, struct wantlist *wl, uint64_t now_ms)
{
	int changes = 0;

	/* after a failure, not again at once: its cgroup's removal would wake us */
	if (now_ms < m->add_retry_at_ms)
		return 0;
	for (unsigned int i = 0; i < wl->nr; i++) {
		if (wl->w[i].matched || (cs_cpus_empty(&wl->w[i].cpus) &&
					 (wl->w[i].resizable || cs_cpus_empty(&wl->w[i].offline))))
			continue;	/* a resizable cell the planner found no CPU for */
		if (!add_cell(m, &wl->w[i]))
			changes++;
		else
			m->add_retry_at_ms = now_ms + CS_RESTART_MIN_MS;
	}
	return changes;
}

/* Read the cells wanted now into m->base (the configuration and the cgroup tree). */
static int rebuild(struct cs_cells *m)
{
	if (m->hotplug) {
		/*
		 * A CPU came or went: the online CPUs and the parent's cpuset
		 * changed; read them again until sysfs shows what the root was told.
		 */
		m->hotplug = cs_read_sysinfo(m->cfg, &m->si) ||
			     !cs_cpus_equal(&m->si.online, &m->online_expected);
	}
	cs_want_reset(m->base);
	if (cs_want_build(m, m->base)) {
		cs_warn("listing the cgroups under %s failed; keeping the cells as they are",
			m->parent);
		return -EIO;
	}
	m->nr_ignored = m->base->nr_ignored;
	memcpy(m->ignored, m->base->ignored, m->nr_ignored * sizeof(m->ignored[0]));
	m->dirty = false;
	return 0;
}

/* Does @cfg have cells anywhere in the tree (rules, absolute cgroups, inherited CPUs)? */
static bool reads_tree(const struct cs_config *cfg)
{
	for (unsigned int i = 0; i < cfg->nr_cells; i++)
		if (cfg->cells[i].cgroup[0] == '/' || cfg->cells[i].inherit)
			return true;
	return cfg->nr_rules > 0;
}

/* Does the next pass have anything to do beyond the children? */
static bool pass_due(const struct cs_cells *m, uint64_t now_ms)
{
	if (m->dirty || m->hotplug || m->retry || m->force_plan)
		return true;
	if (m->add_retry_at_ms && now_ms >= m->add_retry_at_ms)
		return true;
	/* resizable cells follow their demand, which the children report every 100 ms */
	for (unsigned int i = 0; i < m->base->nr; i++)
		if (m->base->w[i].resizable)
			return true;
	return false;
}

int cs_cells_tick(struct cs_cells *m, uint64_t now_ms)
{
	struct wantlist *wl = m->work;
	bool full;
	int changes = 0;

	m->nr_passes++;
	if (m->ifd < 0)
		m->dirty = true;	/* nothing watches the cgroup tree: read it every time */
	/* what inotify cannot see (a cgroup made below one not yet watched): read it anyway */
	if (reads_tree(m->cfg) && now_ms >= m->rescan_at_ms) {
		m->dirty = true;
		m->rescan_at_ms = now_ms + (uint64_t)CS_RESCAN_TICKS * m->cfg->tick_ms;
	}
	full = m->dirty || m->hotplug;

	m->now_ms = now_ms;
	if (!pass_due(m, now_ms)) {
		cs_cells_children(m, now_ms);
		return 0;
	}
	if (full && rebuild(m)) {
		cs_cells_children(m, now_ms);
		return 0;
	}
	cs_want_copy(m, wl, m->base);
	cs_want_plan(m, wl, now_ms, m->force_plan, m->pc, true);
	m->force_plan = false;
	m->retry = false;
	m->add_retry_at_ms = 0;

	changes += match_cells(m, wl, full);
	changes += shrink_cells(m, wl);
	/* grow: every CPU a cell gains was given back by a shrink or was the root's */
	changes += grow_cells(m, wl);
	changes += add_cells(m, wl, now_ms);
	m->seen_at_ms = 0;
	/* not there yet (a cgroup write or the root refused, or cells wait on each other) */
	for (unsigned int idx = 0; idx < CS_MAX_CELLS && !m->retry; idx++)
		m->retry = wl->of_cell[idx] && !cs_cpus_equal(&wl->of_cell[idx]->cpus,
							      &m->cells[idx].cpus);
	cs_cells_children(m, now_ms);
	return changes;
}

int cs_cells_reconcile(struct cs_cells *m, uint64_t now_ms)
{
	m->dirty = true;
	return cs_cells_tick(m, now_ms);
}

void cs_cells_mark_dirty(struct cs_cells *m)
{
	if (!m->dirty) {
		m->seen_at_ms = cs_now_ms();
		m->seen_pass = m->nr_passes;
	}
	m->dirty = true;
}

void cs_cells_set_watch(struct cs_cells *m, int ifd)
{
	m->ifd = ifd;
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
	m->ifd = -1;
	m->dirty = true;
	m->online_expected = si->online;
	snprintf(m->parent, sizeof(m->parent), "%s", cfg->cell_parent);
	/* the passes' buffers, once: a tick allocates nothing */
	m->base = calloc(1, sizeof(*m->base));
	m->work = calloc(1, sizeof(*m->work));
	if (!m->base || !m->work || cs_want_alloc(m->base, &m->pc) || cs_want_alloc_list(m->work)) {
		cs_err("out of memory for the cell table");
		return -ENOMEM;
	}
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
	if (!m->root->shared)	/* no root loaded */
		return false;
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (m->cells[idx].used && !cs_policy_find(m->cells[idx].policy)->external &&
		    m->root->shared->cells[idx].state == CS_CELL_ATTACHED)
			return true;
	return false;
}

unsigned int cs_cells_nr_used(const struct cs_cells *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < CS_MAX_CELLS; i++)
		n += m->cells[i].used;
	return n;
}

void cs_cells_let_go(struct cs_cells *m)
{
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++)
		if (m->cells[idx].used)
			cs_child_stop(&m->cells[idx].child);
	cs_cells_drain_events(m);	/* what the old root still had to say */
}

void cs_cells_forget(struct cs_cells *m)
{
	memset(m->cells, 0, sizeof(m->cells));
	memset(m->gone, 0, sizeof(m->gone));
	m->plan_err[0] = m->order_err[0] = '\0';
	m->add_retry_at_ms = 0;
	m->force_plan = false;
	m->retry = false;
	m->dirty = true;	/* every cell is added anew: cgroups read again */
	m->hotplug = true;	/* and the online CPUs */
}

void cs_cells_root_cpus(const struct cs_cells *m, struct cs_cpus *out)
{
	*out = m->si.online;
	for (unsigned int i = 0; i < CS_MAX_CELLS; i++)
		if (m->cells[i].used)
			cs_cpus_andnot(out, &m->cells[i].cpus);
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
		if (c->restore)
			cs_cell_restore_cpuset(m, c);
		else if (c->origin == CS_FROM_CONFIG && !c->inherit && cs_cg_exists(c->cgroup) &&
			 (!c->created_cgroup || cs_cg_delete(c->cgroup)))
			cs_cell_leave(m, c);
		memset(c, 0, sizeof(*c));
	}
	if (m->created_parent && cs_cg_delete(m->parent) == 0)
		cs_info("removed the cell parent cgroup %s/%s", cs_cg_mount(), m->parent);
	if (m->base)
		cs_want_free(m->base, m->pc);
	if (m->work)
		cs_want_free(m->work, NULL);
	free(m->base);
	free(m->work);
	m->base = m->work = NULL;
	m->pc = NULL;
}
