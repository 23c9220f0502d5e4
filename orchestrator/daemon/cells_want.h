/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/cells_want.h: private to the cell manager (cells.c,
 * cells_want.c, cells_found.c, cells_cpuset.c, cells_check.c): the cells one reconcile pass wants (from the
 * configuration and the cgroup tree), before they are applied, and how they
 * are built and planned. Prefix: cs_want.
 */
#ifndef CELLSCHED_CELLS_WANT_H
#define CELLSCHED_CELLS_WANT_H

#include "cells.h"

enum { CS_LIST_MAX = 4096 };	/* bytes of a CPU list: 1024 CPUs at their most scattered */

struct want {
	char name[CS_NAME_MAX];
	char cgroup[2 * CS_CGPATH_MAX];
	char policy[CS_POLICY_MAX];
	unsigned long long tunables[CS_MAX_TUNABLES];
	enum cs_cell_origin origin;
	struct cs_cpus cpus;		/* online ones: what it runs on */
	struct cs_cpus offline;		/* its CPUs that are offline now */
	bool resizable;			/* cpus from the planner (cs_want_plan) */
	unsigned int min, max, weight;
	bool lend;			/* its idle CPUs run root-cell tasks */
	bool inherit;			/* its CPUs are its cgroup's cpuset.cpus: never written */
	bool outside;			/* its cgroup is not below the cell parent: used in place */
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
	char err[CS_ERR_MAX];		/* why cs_want_plan() failed */
};

/*
 * Room for CS_MAX_CELLS wants and (cs_want_alloc) as many plan rows; empty.
 * 0 or -ENOMEM. cs_want_free frees both (@pc may be NULL).
 */
int cs_want_alloc(struct wantlist *wl, struct cs_plan_cell **pc);
int cs_want_alloc_list(struct wantlist *wl);
void cs_want_free(struct wantlist *wl, struct cs_plan_cell *pc);

/* Empty @wl for a new build, keeping its buffers. */
void cs_want_reset(struct wantlist *wl);

/*
 * @src's wants into @dst for one pass (their matches cleared), each
 * resizable cell with the CPUs it holds now.
 */
void cs_want_copy(struct cs_cells *m, struct wantlist *dst, const struct wantlist *src);

/*
 * The cells of m->cfg, then those of its rules, then those an orchestrator
 * made under the cell parent (refused ones in wl->ignored). Resizable cells
 * keep the CPUs they hold until cs_want_plan(). 0, or -errno if the cell
 * parent cannot be listed.
 */
int cs_want_build(struct cs_cells *m, struct wantlist *wl);

/*
 * @w for a cell of configuration @c (a cell's, a rule's, `discovered:`'s)
 * called @name at @cgroup: its policy, tunables, lending and, unless
 * inherited, CPUs (a fixed cell's, split into online and offline; a
 * resizable one's: what it holds now).
 */
void cs_want_fill(struct cs_cells *m, struct want *w, const struct cs_cell_cfg *c,
		  const char *name, const char *cgroup, enum cs_cell_origin origin);

/*
 * cells_found.c. cs_found_inherit(): @w's CPUs from its cgroup's cpuset.cpus
 * (watched for writes), claimed if they are free: 0, -ENOENT when empty
 * (logged unless @quiet_empty), -EINVAL when refused (logged).
 * cs_found_outside(): may @w's cgroup, outside the cell parent, be a cell
 * now (it exists; it has a cpuset unless inherited)? 0 or -ENOENT (logged).
 * cs_found_rules(), cs_found_discovered(): add the cells of the rules and
 * of the cell parent's children. cs_found_ignore(): refuse @cgroup, saying
 * why once.
 */
int cs_found_inherit(struct wantlist *wl, struct want *w, bool quiet_empty);
int cs_found_outside(struct wantlist *wl, const struct want *w);
int cs_found_rules(struct cs_cells *m, struct wantlist *wl);
int cs_found_discovered(struct cs_cells *m, struct wantlist *wl);
void cs_found_ignore(struct wantlist *wl, const char *cgroup, const char *cpus, const char *why);

/*
 * The CPUs of the resizable cells, from the planner: fixed cells keep
 * theirs, resizable ones get a count from their demand reports and CPUs
 * chosen by topology. Fills @pc[0..wl->nr) and, when @apply, the wants' CPUs
 * (logging a failure once). 0 or -errno with the reason in wl->err.
 */
int cs_want_plan(struct cs_cells *m, struct wantlist *wl, uint64_t now_ms, bool force,
		 struct cs_plan_cell *pc, bool apply);

/*
 * Is @d a report of the child that runs the cell now, made after the cell's
 * CPUs last changed? Reports carry their child's number: a restarted child
 * counts again from 1, and a dead child's last reports are not its.
 */
static inline bool cs_want_demand_fresh(const struct cs_cell_rt *c, const struct cs_demand *d)
{
	return c->running && d->child == c->child_id &&
	       (d->child != c->demand_child_at_change || d->seq > c->demand_seq_at_change);
}

/*
 * A cell's cpuset.cpus (cells_cpuset.c). cs_cell_cpuset_write(): @list into
 * @cgroup ("" follows the parent; where the kernel refuses an empty one
 * with tasks, the parent's CPUs). cs_cell_write_cpuset(): @c's CPUs, unless
 * its owner writes them. cs_cell_adopt_cpuset(): the first write into a
 * cgroup cellsched did not make, its value kept in c->orig_cpus;
 * cs_cell_restore_cpuset() puts it back. cs_cell_release_cpuset(): a cell's
 * cgroup that stays gives its CPUs back. cs_cell_leave(): a configured
 * cell's cgroup that stays after cellsched, as `on_stop` says. 0 or -errno.
 */
int cs_cell_cpuset_write(const struct cs_cells *m, const char *cgroup, const char *list);
int cs_cell_write_cpuset(const struct cs_cells *m, struct cs_cell_rt *c, const struct cs_cpus *cpus);
int cs_cell_adopt_cpuset(const struct cs_cells *m, struct cs_cell_rt *c, const char *list);
void cs_cell_restore_cpuset(const struct cs_cells *m, struct cs_cell_rt *c);
void cs_cell_release_cpuset(struct cs_cells *m, const struct cs_cell_rt *c);
void cs_cell_leave(struct cs_cells *m, const struct cs_cell_rt *c);

/* The CPU list of @s, "none" if empty. */
static inline const char *cs_fmt_cpus(const struct cs_cpus *s, char *buf, size_t len)
{
	cs_cpus_format(s, buf, len);
	return buf[0] ? buf : "none";
}

#endif /* CELLSCHED_CELLS_WANT_H */
