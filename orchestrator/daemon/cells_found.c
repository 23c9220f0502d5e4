// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells_found.c: the cells a pass finds in the cgroup
 * tree rather than reads in the configuration (see cells_want.h): the
 * cells of `rules:` (rules.c walks the tree), the cgroups an orchestrator
 * made below the cell parent with a cpuset of their own (`discovered:`),
 * and the CPUs of every cell whose cgroup's owner writes them (`cpus:
 * inherit`). What each may claim: CPUs that exist and no earlier cell has,
 * leaving the root cell its minimum; a cgroup neither inside nor around
 * another cell's; a name not taken. A refusal is logged once, with why.
 * The directories read are watched (inotify): a cgroup made or removed
 * there, or a cpuset written, wakes the next pass.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "cells_want.h"
#include "cgroup.h"
#include "log.h"
#include "policies.h"
#include "rules.h"

void cs_found_ignore(struct wantlist *wl, const char *cgroup, const char *cpus, const char *why)
{
	struct cs_cells *m = wl->m;
	bool known = false;

	for (unsigned int i = 0; i < m->nr_ignored; i++)
		if (!strcmp(m->ignored[i].cgroup, cgroup) && !strcmp(m->ignored[i].cpus, cpus))
			known = true;
	if (!known && !wl->quiet)
		cs_err("ignoring cgroup %s (cpuset.cpus %s): %s", cgroup, cpus[0] ? cpus : "empty",
		       why);
	if (wl->nr_ignored < CS_IGNORED_MAX) {
		struct cs_ignored *ig = &wl->ignored[wl->nr_ignored++];

		snprintf(ig->cgroup, sizeof(ig->cgroup), "%s", cgroup);
		snprintf(ig->cpus, sizeof(ig->cpus), "%s", cpus);
	}
}

/*
 * Watch directory @path (below the mount) for @mask: writes to a cell's
 * files (its cpuset.cpus), cgroups made and removed in a directory a rule
 * lists. The watch goes with the directory.
 */
static void watch(const struct cs_cells *m, const char *path, uint32_t mask, bool quiet)
{
	char full[PATH_MAX];

	if (quiet || m->ifd < 0 ||
	    snprintf(full, sizeof(full), "%s/%s", cs_cg_mount(), path) >= (int)sizeof(full))
		return;
	if (inotify_add_watch(m->ifd, full, mask | IN_MASK_ADD | IN_ONLYDIR) < 0)
		cs_dbg("cannot watch %s: %s", full, strerror(errno));
}

/* The want a cell at @path would sit beside badly: the same cgroup, or inside or around it. */
static const struct want *nests(const struct wantlist *wl, const char *path, bool *same)
{
	for (unsigned int i = 0; i < wl->nr; i++) {
		const char *cg = wl->w[i].cgroup;

		*same = !strcmp(cg, path);
		if (*same || cs_config_path_inside(cg, path) || cs_config_path_inside(path, cg))
			return &wl->w[i];
	}
	return NULL;
}

/* May a new cell called @name sit at @path beside the wants so far? Says why not. */
static bool fits(struct wantlist *wl, const char *path, const char *name)
{
	char why[CS_NAME_MAX + 2 * CS_CGPATH_MAX + 64];
	const struct want *o;
	bool same;

	o = nests(wl, path, &same);
	if (o && same)
		return false;	/* already a cell: the first to claim it keeps it */
	if (o) {
		snprintf(why, sizeof(why), "it is %s cell %s's cgroup %s; cells cannot contain cells",
			 cs_config_path_inside(path, o->cgroup) ? "inside" : "around", o->name,
			 o->cgroup);
		cs_found_ignore(wl, path, "", why);
		return false;
	}
	for (unsigned int i = 0; i < wl->nr; i++)
		if (!strcmp(wl->w[i].name, name)) {
			snprintf(why, sizeof(why), "its cell would be called %s, as cell %s already is "
				 "(cgroup %s)", name, name, wl->w[i].cgroup);
			cs_found_ignore(wl, path, "", why);
			return false;
		}
	return wl->nr < CS_MAX_CELLS;
}

/*
 * @w's CPUs are @raw, as its cgroup's owner wrote them: do they exist, apart
 * from every earlier cell's, leaving the root cell its minimum? If so they
 * are @w's (its online ones to run on) and taken.
 */
static bool claim(struct wantlist *wl, struct want *w, const char *raw)
{
	char why[CS_LIST_MAX + 64], list[CS_LIST_MAX];
	struct cs_cells *m = wl->m;
	struct cs_cpus cpus, left;

	if (cs_cpus_parse(raw, &cpus, why, sizeof(why))) {
		cs_found_ignore(wl, w->cgroup, raw, why);
		return false;
	}
	if (!cs_cpus_subset(&cpus, &m->si.possible)) {
		cs_found_ignore(wl, w->cgroup, raw, "it names CPUs that do not exist on this machine");
		return false;
	}
	if (cs_cpus_intersects(&cpus, &wl->taken)) {
		snprintf(why, sizeof(why), "its CPUs overlap other cells (taken: %s)",
			 cs_fmt_cpus(&wl->taken, list, sizeof(list)));
		cs_found_ignore(wl, w->cgroup, raw, why);
		return false;
	}
	left = m->si.online;
	cs_cpus_andnot(&left, &wl->taken);
	cs_cpus_andnot(&left, &cpus);
	if (cs_cpus_count(&left) < m->cfg->min_cpus) {
		snprintf(why, sizeof(why), "the root cell would keep %u CPUs, below root_cell.min_cpus %u",
			 cs_cpus_count(&left), m->cfg->min_cpus);
		cs_found_ignore(wl, w->cgroup, raw, why);
		return false;
	}
	cs_cpus_or(&wl->taken, &cpus);
	/* like a configured cell: it runs on its online CPUs, none while all are offline */
	w->offline = cpus;
	cs_cpus_andnot(&w->offline, &m->si.online);
	w->cpus = cpus;
	cs_cpus_and(&w->cpus, &m->si.online);
	return true;
}

int cs_found_inherit(struct wantlist *wl, struct want *w, bool quiet_empty)
{
	char raw[CS_LIST_MAX];

	w->inherit = true;
	watch(wl->m, w->cgroup, IN_MODIFY, wl->quiet);	/* its owner writing cpuset.cpus */
	if (cs_cg_read(w->cgroup, "cpuset.cpus", raw, sizeof(raw)))
		raw[0] = '\0';
	if (!raw[0]) {
		if (!quiet_empty)
			cs_found_ignore(wl, w->cgroup, "", "its cpuset.cpus is empty (cpus: inherit): "
					"a cell once its owner writes one");
		return -ENOENT;
	}
	return claim(wl, w, raw) ? 0 : -EINVAL;
}

int cs_found_outside(struct wantlist *wl, const struct want *w)
{
	char raw[CS_LIST_MAX];

	if (!cs_cg_exists(w->cgroup)) {
		cs_found_ignore(wl, w->cgroup, "", "it does not exist, and cellsched makes cgroups "
				"only below the cell parent: a cell once its owner makes it");
		return -ENOENT;
	}
	if (!w->inherit && cs_cg_read(w->cgroup, "cpuset.cpus", raw, sizeof(raw))) {
		cs_found_ignore(wl, w->cgroup, "", "it has no cpuset.cpus: the cpuset controller "
				"is off in its parent's cgroup.subtree_control, which is its owner's "
				"to turn on (systemd: AllowedCPUs=)");
		return -ENOENT;
	}
	return 0;
}

/* ---- rules ---------------------------------------------------------------------------- */

static void rule_cell(const struct cs_rule_cfg *r, unsigned int ri, const char *path, void *arg)
{
	struct wantlist *wl = arg;
	struct cs_cells *m = wl->m;
	char name[CS_NAME_MAX];
	struct want *w;

	(void)ri;
	cs_rules_cell_name(r, path, name, sizeof(name));
	if (!fits(wl, path, name))
		return;
	w = &wl->w[wl->nr];
	cs_want_fill(m, w, &r->cell, name, path, CS_FROM_RULE);
	w->outside = true;
	if (r->cell.inherit) {
		if (cs_found_inherit(wl, w, true))
			return;
	} else if (cs_found_outside(wl, w)) {
		return;
	} else if (!r->cell.resizable && cs_cpus_intersects(&r->cell.cpus, &wl->taken)) {
		cs_found_ignore(wl, path, "", "the rule's CPUs are another cell's");
		return;
	} else {
		cs_cpus_or(&wl->taken, &w->cpus);	/* fixed, or what a resizable one holds */
	}
	wl->nr++;
}

static void rule_watch(const char *dir, void *arg)
{
	struct wantlist *wl = arg;

	watch(wl->m, dir[0] ? dir : ".", IN_CREATE | IN_DELETE, wl->quiet);
}

int cs_found_rules(struct cs_cells *m, struct wantlist *wl)
{
	struct cs_rules_walk w = {
		.mount = cs_cg_mount(), .cell = rule_cell, .watch = rule_watch, .arg = wl,
	};

	return m->cfg->nr_rules ? cs_rules_walk(m->cfg, &w) : 0;
}

/* ---- below the cell parent -------------------------------------------------------------- */

static bool is_config_path(const struct cs_cells *m, const char *name)
{
	size_t n = strlen(name);

	for (unsigned int i = 0; i < m->cfg->nr_cells; i++) {
		const char *cg = m->cfg->cells[i].cgroup;

		if (cg[0] != '/' && !strncmp(cg, name, n) && (cg[n] == '\0' || cg[n] == '/'))
			return true;
	}
	return false;
}

/*
 * Ours but no longer configured: a cell still in use is removed in order by
 * reconcile (child, slot, then cgroup); a leftover (deleted with tasks, or
 * while we were down) goes once empty, its tasks meanwhile unrestricted
 * (the root cell runs them).
 */
static void leftover(struct wantlist *wl, const char *path)
{
	struct cs_cells *m = wl->m;
	char raw[CS_LIST_MAX];
	bool in_use = false;
	int err;

	for (unsigned int idx = 0; idx < CS_MAX_CELLS && !in_use; idx++)
		in_use = m->cells[idx].used && !strcmp(m->cells[idx].cgroup, path);
	watch(m, path, IN_MODIFY, wl->quiet);	/* its emptying (cgroup.events) wakes us */
	if (wl->quiet || in_use)
		return;
	err = cs_cg_delete(path);
	if (!err)
		cs_info("removed cgroup %s, left over from a removed cell", path);
	else if (err == -EBUSY && !cs_cg_read(path, "cpuset.cpus", raw, sizeof(raw)) && raw[0])
		cs_cg_write(path, "cpuset.cpus", "");
}

static bool discovered_excluded(const struct cs_cells *m, const char *name)
{
	const struct cs_globs *g = &m->cfg->discovered.exclude;

	for (unsigned int i = 0; i < g->nr; i++)
		if (!fnmatch(g->glob[i], name, 0))
			return true;
	return false;
}

/* A direct child of the cell parent: a cell if it has a valid cpuset.cpus. */
static int discover_one(const char *name, void *arg)
{
	struct wantlist *wl = arg;
	struct cs_cells *m = wl->m;
	char path[2 * CS_CGPATH_MAX];
	struct want *w;

	if (is_config_path(m, name) || wl->nr >= CS_MAX_CELLS)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", m->parent, name);
	if (cs_cg_is_ours(path)) {
		leftover(wl, path);
		return 0;
	}
	if (discovered_excluded(m, name) || !fits(wl, path, name))
		return 0;
	w = &wl->w[wl->nr];
	cs_want_fill(m, w, &m->cfg->discovered.cell, name, path, CS_FROM_CGROUP);
	/* no cpuset of its own: not a cell (yet) */
	if (!cs_found_inherit(wl, w, true))
		wl->nr++;
	return 0;
}

int cs_found_discovered(struct cs_cells *m, struct wantlist *wl)
{
	return cs_cg_for_each_child(m->parent, discover_one, wl);
}
