// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cell_children.c: the cells' children and what they report
 * (see cells.h): starting each cell's child, noticing when the kernel ends
 * one (with its reason) and restarting it after a backoff that doubles per
 * failure, watching a foreign sub-scheduler of an `external` cell come and
 * go, logging the root's events and printing the demand reports, and
 * counting the cells by how their policy runs (for systemd). Once the
 * root scheduler is on its way out (a child ended with "parent-exit", the
 * root's exit recorded, or sched_ext disabling or disabled), children that
 * end are not restarted and none is started: they end with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "escape.h"
#include "kernel.h"
#include "log.h"
#include "stats_catalog.h"
#include "policies.h"
#include "queue_impl.h"

static uint64_t backoff_ms(unsigned int failures)
{
	uint64_t d = CS_RESTART_MIN_MS;

	while (failures-- > 1 && d < CS_RESTART_MAX_MS)
		d *= 2;
	return d < CS_RESTART_MAX_MS ? d : CS_RESTART_MAX_MS;
}

/* A number for a new child: its reports carry it (never 0: no child has that). */
static uint32_t next_child_id(struct cs_cells *m)
{
	if (!++m->next_child_id)
		m->next_child_id = 1;
	return m->next_child_id;
}

void cs_cells_count(const struct cs_cells *m, unsigned int *running, unsigned int *waiting,
		    unsigned int *down)
{
	*running = *waiting = *down = 0;
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];

		if (!c->used)
			continue;
		if (c->running || cs_policy_find(c->policy)->external)
			(*running)++;
		else if (c->failures || cs_cpus_empty(&c->cpus))
			(*down)++;
		else
			(*waiting)++;
	}
}

/* Is the root leaving? Then children end with it: none is started or restarted. */
static bool root_leaving(const struct cs_cells *m)
{
	struct cs_kernel_info ki;

	return cs_root_exited(m->root) ||
	       (!cs_kernel_probe(CS_SYSFS, &ki) &&
		(ki.state == CS_SCX_DISABLING || ki.state == CS_SCX_DISABLED));
}

/* ---- what is wanted ---------------------------------------------------------------- */

static void start_child(struct cs_cells *m, unsigned int idx, uint64_t now_ms)
{
	struct cs_cell_rt *c = &m->cells[idx];
	struct cs_child_params p = {
		.policy = c->policy,
		.cgid = c->cgid,
		.arena_fd = cs_root_arena_fd(m->root),
		.cell_idx = idx,
		.tunables = c->tunables,
		.demand_q = m->root->shared->cells[idx].demand_q,
		.ctl_q = m->root->shared->cells[idx].ctl_q,
		.root_shared = (uint64_t)(uintptr_t)m->root->shared,
		.child_id = next_child_id(m),
		.emb = m->root->emb ? m->root : NULL,
	};
	struct cs_exit_info ei;
	char text[1400];
	int err;

	err = cs_child_start(&c->child, &p, &ei);
	if (!err) {
		if (c->failures) {
			c->restarts++;
			m->nr_restarts++;
		}
		c->running = true;
		c->child_id = p.child_id;
		c->started_at_ms = now_ms;
		if (p.emb)
			cs_info("cell %s: policy '%s' running in the embedded scheduler (cgroup "
				"id %llu)", c->name, c->policy, (unsigned long long)c->cgid);
		else
			cs_info("cell %s: child '%s' attached (cgroup id %llu)", c->name,
				c->policy, (unsigned long long)c->cgid);
		return;
	}
	c->failures++;
	c->restart_at_ms = now_ms + backoff_ms(c->failures);
	if (err == -ECANCELED)
		cs_err("cell %s: the kernel ended child '%s' at attach: %s; retrying in %llu ms",
		       c->name, c->policy, cs_exit_format(&ei, text, sizeof(text)),
		       (unsigned long long)backoff_ms(c->failures));
	else
		cs_err("cell %s: starting child '%s' failed: %s; retrying in %llu ms", c->name,
		       c->policy, strerror(-err), (unsigned long long)backoff_ms(c->failures));
}

static void watch_child(struct cs_cells *m, unsigned int idx, uint64_t now_ms)
{
	struct cs_cell_rt *c = &m->cells[idx];
	struct cs_exit_info ei;
	char text[1400];

	if (!cs_child_exited(&c->child, &ei))
		return;
	cs_child_stop(&c->child);
	c->running = false;
	/* "parent-exit": the kernel ends children first, before the root's own state moves */
	if (ei.kind == CS_EXIT_KIND_PARENT || root_leaving(m)) {
		c->restart_at_ms = UINT64_MAX;
		cs_info("cell %s: child '%s' ended with the root scheduler: %s", c->name,
			c->policy, cs_exit_format(&ei, text, sizeof(text)));
		return;
	}
	if (now_ms - c->started_at_ms >= CS_RESTART_RESET_MS)
		c->failures = 0;
	c->failures++;
	c->restart_at_ms = now_ms + backoff_ms(c->failures);
	cs_log(cs_exit_is_error(ei.kind) ? CS_LOG_ERROR : CS_LOG_WARN,
	       "cell %s: child '%s' exited: %s; its tasks run in the root cell; "
	       "restarting in %llu ms (failure %u)", c->name, c->policy,
	       cs_exit_format(&ei, text, sizeof(text)),
	       (unsigned long long)backoff_ms(c->failures), c->failures);
}

/*
 * A cell whose policy is "external": someone else attaches a sub-scheduler at
 * its cgroup (the root accepts it, the cell being configured); report when one
 * comes and goes, as the root's cell table shows it.
 */
static void watch_external(struct cs_cells *m, unsigned int idx)
{
	struct cs_cell_rt *c = &m->cells[idx];
	bool attached = m->root->shared->cells[idx].state == CS_CELL_ATTACHED;
	char path[128], ops[128] = "?";

	if (attached == c->external_seen)
		return;
	c->external_seen = attached;
	if (!attached) {
		cs_info("cell %s: external sub-scheduler detached; its tasks run in the root cell",
			c->name);
		return;
	}
	snprintf(path, sizeof(path), CS_SYSFS "/kernel/sched_ext/root/sub/sub-%llu/ops",
		 (unsigned long long)c->cgid);
	cs_kernel_read_text(path, ops, sizeof(ops));
	cs_info("cell %s: external sub-scheduler '%s' attached (cgroup id %llu)", c->name, ops,
		(unsigned long long)c->cgid);
}

void cs_cells_children(struct cs_cells *m, uint64_t now_ms)
{
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		struct cs_cell_rt *c = &m->cells[idx];

		if (!c->used)
			continue;
		if (cs_policy_find(c->policy)->external)
			watch_external(m, idx);
		else if (c->running)
			watch_child(m, idx, now_ms);
		else if (now_ms >= c->restart_at_ms && !cs_cpus_empty(&c->cpus) &&
			 !root_leaving(m))
			start_child(m, idx, now_ms);	/* (none while all its CPUs are offline) */
	}
}

/*
 * The cell an event of the root is about: the slot's cell, or the one
 * removed from it whose events still come (cells.c keeps its name), told
 * apart by cgroup id.
 */
static const char *event_cell(const struct cs_cells *m, const struct csq_event *ev)
{
	uint64_t cgid = ev->type == CSQ_MSG_CHILD_ATTACHED ? ev->attached.cgid :
			ev->type == CSQ_MSG_CHILD_EXITED ? ev->exited.cgid : 0;

	if (ev->cell >= CS_MAX_CELLS)
		return "?";
	if (m->cells[ev->cell].used && (!cgid || m->cells[ev->cell].cgid == cgid))
		return m->cells[ev->cell].name;
	if (cgid && m->gone[ev->cell].cgid == cgid)
		return m->gone[ev->cell].name;
	return m->cells[ev->cell].used ? m->cells[ev->cell].name : "?";
}

int cs_cells_drain_events(struct cs_cells *m)
{
	const struct cs_shared *sh = m->root->shared;
	struct csq_event ev;
	const char *name;
	int n = 0;

	if (!sh || !sh->event_q)	/* (no root loaded: it failed, and so did its reload) */
		return 0;
	while (csq_mpsc_pop(csq_ptr(sh->event_q), &ev, sizeof(ev)) == (int)sizeof(ev)) {
		name = event_cell(m, &ev);
		switch (ev.type) {
		case CSQ_MSG_CHILD_ATTACHED:
			cs_info("event: cell %s (slot %u): child attached at cgroup %llu", name, ev.cell,
				(unsigned long long)ev.attached.cgid);
			break;
		case CSQ_MSG_CHILD_EXITED:
			cs_info("event: cell %s (slot %u): child detached from cgroup %llu", name,
				ev.cell, (unsigned long long)ev.exited.cgid);
			if (ev.cell < CS_MAX_CELLS && m->gone[ev.cell].cgid == ev.exited.cgid)
				m->gone[ev.cell].cgid = 0;	/* its last event */
			break;
		case CSQ_MSG_CID_OFFLINE:
		case CSQ_MSG_CID_ONLINE: {
			int cpu = ev.cell < CS_MAX_CIDS ? sh->cid_to_cpu[ev.cell] : -1;

			cs_info("event: CPU %d (cid %u) went %s", cpu, ev.cell,
				ev.type == CSQ_MSG_CID_ONLINE ? "online" : "offline");
			/* the kernel tells the root before sysfs shows it: wait for that */
			if (cpu >= 0 && ev.type == CSQ_MSG_CID_ONLINE)
				cs_cpus_set(&m->online_expected, cpu);
			else if (cpu >= 0)
				cs_cpus_clear(&m->online_expected, cpu);
			m->hotplug = true;
			break;
		}
		case CSQ_MSG_INVARIANT:
			cs_err("event: invariant %u violated (%llu, %llu)", ev.invariant.code,
			       (unsigned long long)ev.invariant.arg0,
			       (unsigned long long)ev.invariant.arg1);
			break;
		default:
			cs_warn("event: unknown type %u", ev.type);
		}
		n++;
	}
	return n;
}

void cs_cells_print_demand(const struct cs_cells *m)
{
	const struct cs_shared *sh = m->root->shared;

	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];
		const struct cs_demand *d = &sh->cells[idx].demand;

		unsigned long long st[CS_NR_CELL_STATS];
		char name[4 * CS_NAME_MAX];

		if (!c->used)
			continue;
		cs_escape(c->name, name, sizeof(name));	/* a cgroup's name: printed escaped */
		printf("cell %s: runnable=%u util=%u.%u%% busy_us=%llu max_wait_us=%llu reports=%llu "
		       "seq=%llu\n", name, d->nr_runnable, d->util_permille / 10,
		       d->util_permille % 10, (unsigned long long)d->busy_ns / 1000,
		       (unsigned long long)d->max_wait_ns / 1000, (unsigned long long)d->reports,
		       (unsigned long long)d->seq);
		if (!c->running || cs_child_read_stats(&c->child, st))
			continue;
		printf("cell %s: policy=%s", name, c->policy);
		for (int i = 0; i < CS_NR_CELL_STATS; i++)
			printf(" %s=%llu", cs_stat_cell_key(i), st[i]);
		printf("\n");
	}
	fflush(stdout);
}
