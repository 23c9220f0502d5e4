/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/cells.h: the controller's view of the cells and the
 * reconciliation that makes the kernel match it.
 *
 * Owns: the runtime cell table (index = the root's cell slot), where cells
 * come from (the YAML configuration, the cgroups its rules match anywhere in
 * the tree, or cgroups an orchestrator created under the cell parent with a
 * cpuset.cpus), the order in which a change is applied
 * (removals, then shrinks, then grows, then additions; cpuset before revoke
 * when shrinking, grant before cpuset when growing), the cell cgroups we
 * create and delete, and each cell's child: start, exit detection with the
 * kernel's reason, restart with exponential backoff; the controller's end of
 * the IPC queues (events logged, demand reports printed).
 * Prefix: cs_cells.
 */
#ifndef CELLSCHED_CELLS_H
#define CELLSCHED_CELLS_H

#include <stdbool.h>
#include <stdint.h>

#include "child.h"
#include "config.h"
#include "cpus.h"
#include "planner.h"
#include "root.h"
#include "topology.h"

enum cs_cells_consts {
	CS_RESTART_MIN_MS	= 250,		/* ms, first restart delay of a failed child */
	CS_RESTART_MAX_MS	= 30000,	/* ms, backoff ceiling */
	CS_RESTART_RESET_MS	= 30000,	/* ms a child must run to reset its backoff */
	CS_IGNORED_MAX		= 64,		/* refused cgroups remembered (log once) */
	CS_DETACH_WAIT_MS	= 2000,		/* ms to wait for children to detach at exit */
	CS_RESCAN_TICKS		= 10,		/* ticks between full reads of the tree for rules */
};

enum cs_cell_origin {
	CS_FROM_CONFIG,		/* declared in the YAML: we create its cgroup and own its cpuset */
	CS_FROM_CGROUP,		/* created by someone else under the cell parent */
	CS_FROM_RULE,		/* a cgroup anywhere that a rule of the YAML matched */
};

struct wantlist;

struct cs_cell_rt {
	bool used;
	enum cs_cell_origin origin;
	bool created_cgroup;		/* we made the cgroup (and may remove it) */
	bool inherit;			/* its CPUs are its cgroup's cpuset.cpus: never written */
	bool restore;			/* we wrote someone else's cpuset.cpus: put back orig_cpus */
	char orig_cpus[256];		/* that cgroup's cpuset.cpus before we wrote it */
	char name[CS_NAME_MAX];
	char cgroup[2 * CS_CGPATH_MAX];	/* relative to the cgroup mount */
	char policy[CS_POLICY_MAX];
	unsigned long long tunables[CS_MAX_TUNABLES];
	struct cs_cpus cpus;		/* what the root has for this cell */
	bool resizable;			/* the planner sizes it within min..max */
	unsigned int min, max, weight;
	bool lend;			/* its idle CPUs run root-cell tasks (cs_shared lend) */
	uint64_t changed_at_ms;		/* when its CPUs last changed */
	uint32_t child_id;		/* our number for its child (in the child's reports) */
	uint32_t demand_child_at_change; /* the report seen at that change: its child */
	uint32_t demand_seq_at_change;	/* and its number; it and older ones predate it */
	struct cs_cpus offline;		/* configured CPUs that are offline now */
	uint64_t cgid;
	struct cs_child child;
	bool running;			/* child attached and not exited */
	bool external_seen;		/* external policy: a foreign child is attached */
	unsigned int failures;		/* consecutive child failures */
	unsigned int restarts;		/* child started again after failing */
	uint64_t restart_at_ms;		/* earliest next start */
	uint64_t started_at_ms;
};

/* A removed cell's name, kept for the root's events about it that come after. */
struct cs_gone_cell {
	char name[CS_NAME_MAX];
	uint64_t cgid;			/* 0: none */
};

struct cs_ignored {
	char cgroup[2 * CS_CGPATH_MAX];
	char cpus[128];			/* the cpuset.cpus we refused */
};

struct cs_cells {
	struct cs_root *root;
	const struct cs_config *cfg;
	char parent[CS_CGPATH_MAX];
	bool created_parent;
	struct cs_sysinfo si;
	struct cs_cell_rt cells[CS_MAX_CELLS];
	struct cs_ignored ignored[CS_IGNORED_MAX];
	unsigned int nr_ignored;
	struct cs_topo topo;		/* what the planner places CPUs by */
	bool force_plan;		/* next reconcile: rebalance ignoring the cooldown */
	bool hotplug;			/* a CPU came or went: read the machine again */
	struct cs_cpus online_expected;	/* the online CPUs as the root's events tell */
	bool dirty;			/* rebuild the wanted cells (configuration, cgroups) */
	bool retry;			/* a change failed: try again at the next tick */
	int ifd;			/* inotify fd the cell parent is watched with (-1: none) */
	uint64_t rescan_at_ms;		/* next full read of the tree for rules and cells elsewhere */
	uint64_t seen_at_ms;		/* when inotify first reported a change not yet applied */
	uint64_t nr_passes, seen_pass;	/* cs_cells_tick() calls: all, and when it was seen */
	struct wantlist *base;		/* the wanted cells as last built (cells_want.h) */
	struct wantlist *work;		/* what one pass applies: base, planned */
	struct cs_plan_cell *pc;	/* the planner's rows of that pass */
	uint32_t next_child_id;		/* numbers children, never 0 */
	uint64_t now_ms;		/* of the pass under way */
	char plan_err[CS_ERR_MAX];	/* why the last plan failed ("" if it did not) */
	uint64_t add_retry_at_ms;	/* after a failed add, none before this */
	char order_err[CS_ERR_MAX];	/* cells waiting for each other's CPUs ("" if none) */
	struct cs_gone_cell gone[CS_MAX_CELLS];	/* [slot]: until its detach event is logged */
	uint64_t nr_rebalances;		/* CPU changes of resizable cells (stats) */
	uint64_t nr_restarts;		/* children started again after failing (stats) */
};

/* The planner's proposal for the resizable cells (`rebalance --dry-run`). */
struct cs_cells_plan_row {
	char name[CS_NAME_MAX];
	struct cs_cpus cur, next;
	unsigned int want, target;
	struct cs_plan_demand demand;
};

struct cs_cells_plan {
	unsigned int nr;
	struct cs_cells_plan_row rows[CS_MAX_CELLS];
	char err[CS_ERR_MAX];
};

/*
 * Set up for @cfg on a loaded and attached @root: make the cell parent. No
 * cell exists yet; the first cs_cells_reconcile() creates them.
 */
int cs_cells_init(struct cs_cells *m, struct cs_root *root, const struct cs_config *cfg,
		  const struct cs_sysinfo *si, const struct cs_topo *topo);

/* Switch to a new, already validated configuration (reload). */
void cs_cells_set_config(struct cs_cells *m, const struct cs_config *cfg);

/*
 * Make the kernel match the configuration and the cgroup tree (read anew),
 * and look after the children. Called when the configuration changed.
 * Returns the number of changes applied (0: nothing to do), or -errno.
 */
int cs_cells_reconcile(struct cs_cells *m, uint64_t now_ms);

/*
 * The tick: look after the children; and only when something may have
 * changed (cgroup events, hotplug, a failed change to retry, resizable cells
 * whose demand moves) reconcile, reading the cgroup tree only when it did.
 */
int cs_cells_tick(struct cs_cells *m, uint64_t now_ms);

/* Something under the cell parent changed (inotify): the next pass reads it again. */
void cs_cells_mark_dirty(struct cs_cells *m);

/* The inotify fd that watches the cell parent: the cells found there are watched too. */
void cs_cells_set_watch(struct cs_cells *m, int ifd);

/*
 * Plan the resizable cells as the next reconcile would (@force: ignoring the
 * cooldown) without applying anything. Returns 0, or -errno with out->err.
 */
int cs_cells_plan(struct cs_cells *m, uint64_t now_ms, bool force, struct cs_cells_plan *out);

/*
 * Could the cells move to configuration @cfg (on @si, @topo) from where they
 * are now? Refuses (with the reason in @err) taking over or overlapping a
 * cell an orchestrator made (-EBUSY), resizable cells the planner cannot
 * place beside the cgroup tree's cells (-ENOSPC), and cells that would have
 * to take each other's CPUs with none free to pass through (-EDEADLK).
 * Changes nothing.
 */
int cs_cells_check(struct cs_cells *m, const struct cs_config *cfg, const struct cs_sysinfo *si,
		   const struct cs_topo *topo, uint64_t now_ms, char *err, size_t errlen);

/* Slot of the cell called @name, or -1. */
int cs_cells_find(const struct cs_cells *m, const char *name);

/* How many cells there are (used slots). */
unsigned int cs_cells_nr_used(const struct cs_cells *m);

/*
 * The root scheduler failed and is to be replaced. cs_cells_let_go(), before
 * the old root is destroyed: stop the children; every cgroup and its cpuset
 * stay, so the cells' tasks stay on their CPUs (under the kernel's own
 * scheduler) meanwhile, and cs_cells_shutdown() still knows them if no new
 * root comes. cs_cells_forget(), once the new root runs: forget what the old
 * one had; the next pass adds every cell to the new root and starts its
 * policy.
 */
void cs_cells_let_go(struct cs_cells *m);
void cs_cells_forget(struct cs_cells *m);

/* The root cell's CPUs: the online ones no cell has. */
void cs_cells_root_cpus(const struct cs_cells *m, struct cs_cpus *out);

/* Start, watch and restart the cells' children (cell_children.c); every reconcile. */
void cs_cells_children(struct cs_cells *m, uint64_t now_ms);

/*
 * The cells by how their policy runs (cell_children.c): @running (its child
 * attached; an external cell counts as running: the root runs it until a
 * foreign child attaches), @waiting (its first start is still to come) and
 * @down (its child failed and waits for a restart, or all its CPUs are
 * offline: its tasks run in the root cell).
 */
void cs_cells_count(const struct cs_cells *m, unsigned int *running, unsigned int *waiting,
		    unsigned int *down);

/* Log every event the root queued for the controller; returns how many. */
int cs_cells_drain_events(struct cs_cells *m);

/* Print the latest demand report of every cell (one line each). */
void cs_cells_print_demand(const struct cs_cells *m);

/*
 * Stop every child and remove the cgroups we created (when empty); a
 * configured cell's cgroup that stays keeps its CPUs or gets the cell
 * parent's, as `on_stop` says. Waits up
 * to CS_DETACH_WAIT_MS for the children cellsched stopped to detach (not for
 * an external cell's, which leaves with the root; not at all once the root
 * has exited).
 */
void cs_cells_shutdown(struct cs_cells *m);

#endif /* CELLSCHED_CELLS_H */
