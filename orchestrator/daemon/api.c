// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/api.c: what the daemon answers on its control socket;
 * every change a request asks for goes through cs_daemon_commit (commit.c).
 *
 * Requests (JSON objects; "cmd" and its fields):
 *   status | cells | stats | stop
 *   cell-show {name}
 *   cell-create {name, cgroup?, policy?, cpus | min?, max?, weight?, tunables?}
 *   cell-resize {name, cpus | min?, max?, weight?}
 *   cell-delete {name}
 *   cell-assign {name, pid | cgroup}
 *   rebalance {dry_run?}
 *   reload {reset?}
 *   events {after?}       what happened (events.h), after event number @after
 * A change is refused when the configuration it would make is invalid
 * (exit 8, the same message `cellsched check` gives), names no cell (11), or
 * touches a cell cellsched does not own (12); one the kernel refuses when it
 * is applied is undone (9). Read-only requests never change anything.
 * `cell-assign --pid` holds the process through a pidfd (core/proc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "exit_codes.h"
#include "daemon.h"
#include "escape.h"
#include "kernel.h"
#include "events.h"
#include "log.h"
#include "stats_catalog.h"
#include "machine.h"
#include "policies.h"
#include "proc.h"

/* @err gets the message (a cut one ends in "..."); the value is @code */
#define FAIL(code, ...) \
	(cs_escape_mark_cut(err, errlen, snprintf(err, errlen, __VA_ARGS__)), (code))

/* ---- reading the request ------------------------------------------------------------- */

static const char *req_str(json_object *req, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* 1: absent, 0: set, <0: present but not an integer in range */
static int req_uint(json_object *req, const char *key, long long min, long long max,
		    unsigned int *out)
{
	json_object *v;
	long long n;

	if (!json_object_object_get_ex(req, key, &v))
		return 1;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < min || n > max)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

static const struct cs_cell_cfg *cfg_cell(const struct cs_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->nr_cells; i++)
		if (!strcmp(cfg->cells[i].name, name))
			return &cfg->cells[i];
	return NULL;
}

/* The CPUs part of a create/resize request into @c. */
static int req_cpus(json_object *req, struct cs_cell_cfg *c, bool creating, char *err,
		    size_t errlen)
{
	const char *cpus = req_str(req, "cpus");
	bool range = false;
	char why[200];
	int r;

	if (cpus && !strcmp(cpus, "inherit")) {
		c->inherit = true;
		c->resizable = false;
		return 0;
	}
	if (cpus) {
		c->inherit = false;
		if (cs_cpus_parse(cpus, &c->cpus, why, sizeof(why)))
			return FAIL(CS_EXIT_USAGE, "bad --cpus '%s': %s", cpus, why);
		if (cs_cpus_empty(&c->cpus))
			return FAIL(CS_EXIT_USAGE, "--cpus must name at least one CPU (use "
				    "'cell delete' to remove a cell)");
		c->resizable = false;
		return 0;
	}
	if (!c->resizable) {
		c->min = 1;
		c->max = CS_MAX_CIDS;
		c->weight = CS_WEIGHT_DFL;
	}
	r = req_uint(req, "min", 1, CS_MAX_CIDS, &c->min);
	if (r < 0)
		return FAIL(CS_EXIT_USAGE, "--min must be 1..%d", CS_MAX_CIDS);
	range |= !r;
	r = req_uint(req, "max", 1, CS_MAX_CIDS, &c->max);
	if (r < 0)
		return FAIL(CS_EXIT_USAGE, "--max must be 1..%d", CS_MAX_CIDS);
	range |= !r;
	r = req_uint(req, "weight", 1, CS_WEIGHT_MAX, &c->weight);
	if (r < 0)
		return FAIL(CS_EXIT_USAGE, "--weight must be 1..%d", CS_WEIGHT_MAX);
	range |= !r;
	if (!range && (creating || !c->resizable))
		return FAIL(CS_EXIT_USAGE, "give --cpus LIST, or --min/--max/--weight for a "
			    "cell cellsched sizes");
	if (c->min > c->max)
		return FAIL(CS_EXIT_CONFIG, "min %u is above max %u", c->min, c->max);
	c->resizable = true;
	c->inherit = false;
	return 0;
}

/* "lend": true/false; absent: on for a cell cellsched sizes, off for a fixed one. */
static int req_lend(json_object *req, struct cs_cell_cfg *c, char *err, size_t errlen)
{
	json_object *v;

	c->lend = c->resizable;
	if (!json_object_object_get_ex(req, "lend", &v))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return FAIL(CS_EXIT_USAGE, "'lend' must be true or false");
	c->lend = json_object_get_boolean(v);
	c->lend_set = true;
	return 0;
}

static int req_tunables(json_object *req, struct cs_cell_cfg *c, char *err, size_t errlen)
{
	const struct cs_policy_info *pi = cs_policy_find(c->policy);
	json_object *t;

	cs_policy_defaults(pi, c->tunables);
	if (!json_object_object_get_ex(req, "tunables", &t))
		return 0;
	if (!json_object_is_type(t, json_type_object))
		return FAIL(CS_EXIT_USAGE, "malformed request: 'tunables' must be an object");
	json_object_object_foreach(t, key, val) {
		int ti = cs_policy_tunable(pi, key);
		long long v = json_object_get_int64(val);

		if (ti < 0)
			return FAIL(CS_EXIT_CONFIG, "policy '%s' has no tunable '%s'", pi->name,
				    key);
		if (!json_object_is_type(val, json_type_int) ||
		    v < (long long)pi->tunables[ti].min || v > (long long)pi->tunables[ti].max)
			return FAIL(CS_EXIT_CONFIG, "tunable '%s' must be %llu..%llu", key,
				    pi->tunables[ti].min, pi->tunables[ti].max);
		c->tunables[ti] = (unsigned long long)v;
	}
	return 0;
}

/* ---- describing cells ---------------------------------------------------------------- */

static const char *cell_state(const struct cs_daemon *d, int idx)
{
	const struct cs_cell_rt *c = &d->cells->cells[idx];

	if (cs_cpus_empty(&c->cpus) && !cs_cpus_empty(&c->offline))
		return "offline";	/* every CPU of it is offline: its tasks run in the root cell */
	if (cs_policy_find(c->policy)->external)
		return c->external_seen ? "external-attached" : "external-waiting";
	if (c->running)
		return "running";
	return c->failures ? "restarting" : "starting";
}

static bool changed_by_cli(const struct cs_daemon *d, const char *name)
{
	for (unsigned int i = 0; i < d->state.nr; i++)
		if (!strcmp(d->state.changes[i].cell.name, name))
			return true;
	return false;
}

static json_object *cell_json(const struct cs_daemon *d, int idx, bool detail)
{
	const struct cs_cell_rt *c = &d->cells->cells[idx];
	const struct cs_demand *dm = &d->root.shared->cells[idx].demand;
	const struct cs_policy_info *pi = cs_policy_find(c->policy);
	json_object *o = json_object_new_object(), *t;
	unsigned long long st[CS_NR_CELL_STATS], tun[CS_MAX_TUNABLES];
	char list[4096];

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "cgroup", json_object_new_string(c->cgroup));
	json_object_object_add(o, "policy", json_object_new_string(c->policy));
	json_object_object_add(o, "origin", json_object_new_string(
		c->origin == CS_FROM_CONFIG ? (cfg_cell(&d->yaml, c->name) ? "config" : "cli")
		: c->origin == CS_FROM_RULE ? "rule" : "cgroup"));
	json_object_object_add(o, "changed_by_cli", json_object_new_boolean(
		cfg_cell(&d->yaml, c->name) && changed_by_cli(d, c->name)));
	json_object_object_add(o, "cpus", json_object_new_string(
		cs_cpus_format(&c->cpus, list, sizeof(list))));
	json_object_object_add(o, "nr_cpus", json_object_new_int(cs_cpus_count(&c->cpus)));
	json_object_object_add(o, "cpus_offline", json_object_new_string(
		cs_cpus_format(&c->offline, list, sizeof(list))));
	json_object_object_add(o, "resizable", json_object_new_boolean(c->resizable));
	if (c->resizable) {
		json_object_object_add(o, "min", json_object_new_int(c->min));
		json_object_object_add(o, "max", json_object_new_int(c->max));
		json_object_object_add(o, "weight", json_object_new_int(c->weight));
	}
	json_object_object_add(o, "lend", json_object_new_boolean(c->lend));
	json_object_object_add(o, "lent_us", json_object_new_int64(
		(int64_t)(d->root.shared->cells[idx].lent_ns / 1000)));
	json_object_object_add(o, "state", json_object_new_string(cell_state(d, idx)));
	json_object_object_add(o, "failures", json_object_new_int(c->failures));
	json_object_object_add(o, "restarts", json_object_new_int(c->restarts));
	json_object_object_add(o, "runnable", json_object_new_int(dm->nr_runnable));
	json_object_object_add(o, "util_pct", json_object_new_double(dm->util_permille / 10.0));
	json_object_object_add(o, "max_wait_us", json_object_new_int64(dm->max_wait_ns / 1000));
	if (!detail)
		return o;
	json_object_object_add(o, "slot", json_object_new_int(idx));
	json_object_object_add(o, "cgroup_id", json_object_new_int64((int64_t)c->cgid));
	json_object_object_add(o, "reports", json_object_new_int64((int64_t)dm->reports));
	json_object_object_add(o, "busy_us", json_object_new_int64(dm->busy_ns / 1000));
	t = json_object_new_object();
	for (unsigned int i = 0; i < pi->nr_tunables; i++)
		json_object_object_add(t, pi->tunables[i].name,
				       json_object_new_int64((int64_t)c->tunables[i]));
	json_object_object_add(o, "tunables", t);
	if (c->running && !cs_child_tunables(&c->child, tun)) {
		/* read back from the child itself: what its policy runs with now */
		t = json_object_new_object();
		for (unsigned int i = 0; i < pi->nr_tunables; i++)
			json_object_object_add(t, pi->tunables[i].name,
					       json_object_new_int64((int64_t)tun[i]));
		json_object_object_add(o, "tunables_in_effect", t);
	}
	if (c->running && !cs_child_read_stats(&c->child, st)) {
		t = json_object_new_object();
		for (int i = 0; i < CS_NR_CELL_STATS; i++)
			json_object_object_add(t, cs_stat_cell_key(i),
					       json_object_new_int64((int64_t)st[i]));
		json_object_object_add(o, "stats", t);
	}
	return o;
}

static json_object *cells_json(const struct cs_daemon *d, bool detail)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < CS_MAX_CELLS; i++)
		if (d->cells->cells[i].used)
			json_object_array_add(arr, cell_json(d, i, detail));
	return arr;
}

static json_object *root_stats_json(const struct cs_daemon *d)
{
	unsigned long long v[CS_NR_ROOT_STATS];
	json_object *o = json_object_new_object();

	if (!cs_root_read_stats(&d->root, v))
		for (int i = 0; i < CS_NR_ROOT_STATS; i++)
			json_object_object_add(o, cs_stat_root_key(i),
					       json_object_new_int64((int64_t)v[i]));
	return o;
}

/*
 * The root cell's runnable tasks at the last sample: the machine's
 * (procs_running) less the cells' (their last reports) and this daemon,
 * which was reading /proc/stat. An estimate: the two counts are up to a
 * second apart.
 */
static unsigned int root_runnable(const struct cs_daemon *d)
{
	long n = (long)d->root_util.running - 1;

	for (unsigned int i = 0; i < CS_MAX_CELLS; i++)
		if (d->cells->cells[i].used && d->cells->cells[i].running)
			n -= d->root.shared->cells[i].demand.nr_runnable;
	return n > 0 ? (unsigned int)n : 0;
}

/* The root cell as a row of `cells`: its CPUs, how busy they were and its load (/proc/stat) */
static json_object *root_cell_json(const struct cs_daemon *d)
{
	json_object *o = json_object_new_object();
	struct cs_cpus rc;
	char list[4096];

	cs_cells_root_cpus(d->cells, &rc);
	json_object_object_add(o, "name", json_object_new_string("(root cell)"));
	json_object_object_add(o, "cpus", json_object_new_string(
		cs_cpus_format(&rc, list, sizeof(list))));
	json_object_object_add(o, "nr_cpus", json_object_new_int(cs_cpus_count(&rc)));
	json_object_object_add(o, "policy", json_object_new_string("vtime"));
	json_object_object_add(o, "state", json_object_new_string("running"));
	json_object_object_add(o, "origin", json_object_new_string("-"));
	if (d->root_util.pct >= 0) {
		json_object_object_add(o, "util_pct", json_object_new_double(
			(double)(long long)(d->root_util.pct * 10 + 0.5) / 10));
		json_object_object_add(o, "runnable", json_object_new_int((int)root_runnable(d)));
	}
	return o;
}

json_object *cs_daemon_stats_json(const struct cs_daemon *d)
{
	json_object *o = json_object_new_object(), *dm = json_object_new_object();
	unsigned int n = cs_cells_nr_used(d->cells);
	struct cs_cpus rc;

	cs_cells_root_cpus(d->cells, &rc);
	json_object_object_add(o, "mode", json_object_new_string(cs_mode_name(d->mode)));
	json_object_object_add(dm, "uptime_s", json_object_new_int64(
		(int64_t)((cs_now_ms() - d->started_ms) / 1000)));
	json_object_object_add(dm, "cells", json_object_new_int(n));
	json_object_object_add(dm, "root_cell_cpus", json_object_new_int(cs_cpus_count(&rc)));
	json_object_object_add(dm, "rebalances", json_object_new_int64(
		(int64_t)d->cells->nr_rebalances));
	json_object_object_add(dm, "child_restarts", json_object_new_int64(
		(int64_t)d->cells->nr_restarts));
	json_object_object_add(dm, "scheduler_restarts", json_object_new_int64(
		(int64_t)d->root_restarts));
	json_object_object_add(o, "daemon", dm);
	json_object_object_add(o, "root", root_stats_json(d));
	json_object_object_add(o, "cells", cells_json(d, true));
	return o;
}

static json_object *status_json(const struct cs_daemon *d)
{
	json_object *o = json_object_new_object();
	struct cs_kernel_info ki;
	struct cs_cpus rc;
	char list[4096];
	unsigned int n = cs_cells_nr_used(d->cells);

	cs_cells_root_cpus(d->cells, &rc);
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "version", json_object_new_string(CS_VERSION));
	json_object_object_add(o, "uptime_s", json_object_new_int64(
		(int64_t)((cs_now_ms() - d->started_ms) / 1000)));
	json_object_object_add(o, "config", d->config_path ?
			       json_object_new_string(d->config_path) : NULL);
	json_object_object_add(o, "state_file", json_object_new_string(d->cfg.state_file));
	json_object_object_add(o, "runtime_changes", json_object_new_int(d->state.nr));
	json_object_object_add(o, "tick_ms", json_object_new_int(d->cfg.tick_ms));
	json_object_object_add(o, "cell_parent", json_object_new_string(d->cfg.cell_parent));
	json_object_object_add(o, "mode", json_object_new_string(cs_mode_name(d->mode)));
	json_object_object_add(o, "mode_reason", json_object_new_string(d->mode_why));
	if (!cs_kernel_probe(CS_SYSFS, &ki)) {
		json_object_object_add(o, "sched_ext", json_object_new_string(
			cs_kernel_state_name(ki.state)));
		json_object_object_add(o, "root_ops", json_object_new_string(ki.root_ops));
	}
	json_object_object_add(o, "cells", json_object_new_int(n));
	json_object_object_add(o, "online_cpus", json_object_new_string(
		cs_cpus_format(&d->cells->si.online, list, sizeof(list))));
	json_object_object_add(o, "root_cell_cpus", json_object_new_string(
		cs_cpus_format(&rc, list, sizeof(list))));
	json_object_object_add(o, "topology", json_object_new_string(
		cs_topo_describe(&d->cells->topo, list, sizeof(list))));
	json_object_object_add(o, "plan_error", json_object_new_string(d->cells->plan_err));
	return o;
}

/* ---- changes -------------------------------------------------------------------------- */

/* A cell the CLI may change: in the running configuration, not from the cgroup tree. */
static int own_cell(struct cs_daemon *d, const char *name, const struct cs_cell_cfg **c,
		    char *err, size_t errlen)
{
	int idx;

	if (!name)
		return FAIL(CS_EXIT_USAGE, "malformed request: 'name' is missing");
	*c = cfg_cell(&d->cfg, name);
	if (*c)
		return 0;
	idx = cs_cells_find(d->cells, name);
	if (idx >= 0 && d->cells->cells[idx].origin == CS_FROM_RULE)
		return FAIL(CS_EXIT_REFUSED, "cell '%s' is made by a rule of the configuration "
			    "for cgroup %s: change the rule or exclude the cgroup, or `cell adopt` "
			    "it under another name", name, d->cells->cells[idx].cgroup);
	if (idx >= 0)
		return FAIL(CS_EXIT_REFUSED, "cell '%s' comes from cgroup %s, which cellsched did "
			    "not create: change its cpuset.cpus or remove it there", name,
			    d->cells->cells[idx].cgroup);
	return FAIL(CS_EXIT_NOT_FOUND, "no cell '%s'", name);
}

/* @resize: a change of an existing cell's CPUs (of a YAML cell: only those are kept) */
static int change_cell(struct cs_daemon *d, const struct cs_cell_cfg *cell, bool resize,
		       char *err, size_t errlen)
{
	struct cs_state st;

	int err2 = cs_state_copy(&st, &d->state);

	if (!err2)
		err2 = cs_state_set(&st, cell, resize && cfg_cell(&d->yaml, cell->name) != NULL);
	if (err2) {
		cs_state_free(&st);
		return FAIL(CS_EXIT_FAILURE, "%s", err2 == -ENOSPC ? "too many runtime changes" :
			    "out of memory");
	}
	return cs_daemon_commit(d, NULL, &st, err, errlen);
}

static int cell_create(struct cs_daemon *d, json_object *req, char *err, size_t errlen)
{
	const char *name = req_str(req, "name"), *s;
	struct cs_cell_cfg c = { 0 };
	int ret;

	if (!name || !name[0] || strlen(name) >= sizeof(c.name))
		return FAIL(CS_EXIT_USAGE, "a cell name of 1..%zu characters is needed",
			    sizeof(c.name) - 1);
	if (cfg_cell(&d->cfg, name) || cs_cells_find(d->cells, name) >= 0)
		return FAIL(CS_EXIT_CONFIG, "a cell '%s' exists already", name);
	snprintf(c.name, sizeof(c.name), "%s", name);
	s = req_str(req, "cgroup");
	if (snprintf(c.cgroup, sizeof(c.cgroup), "%s", s ? s : name) >= (int)sizeof(c.cgroup))
		return FAIL(CS_EXIT_USAGE, "--cgroup is longer than %zu characters",
			    sizeof(c.cgroup) - 1);
	s = req_str(req, "policy");
	if (snprintf(c.policy, sizeof(c.policy), "%s", s ? s : CS_POLICY_DEFAULT) >=
	    (int)sizeof(c.policy) || !cs_policy_find(c.policy))
		return FAIL(CS_EXIT_CONFIG, "unknown policy '%.64s' (known: %s)", s,
			    cs_policy_names());
	ret = req_cpus(req, &c, true, err, errlen);
	if (!ret)
		ret = req_lend(req, &c, err, errlen);
	if (!ret)
		ret = req_tunables(req, &c, err, errlen);
	if (!ret)
		ret = change_cell(d, &c, false, err, errlen);
	if (!ret)
		cs_info("cli: cell %s created", name);
	return ret;
}

static int cell_resize(struct cs_daemon *d, json_object *req, char *err, size_t errlen)
{
	uint64_t t0 = cs_now_ms();
	const struct cs_cell_cfg *cur;
	struct cs_cell_cfg c;
	int ret;

	ret = own_cell(d, req_str(req, "name"), &cur, err, errlen);
	if (ret)
		return ret;
	c = *cur;
	ret = req_cpus(req, &c, false, err, errlen);
	if (!ret)
		ret = change_cell(d, &c, true, err, errlen);
	if (!ret)
		cs_info("cli: cell %s resized (validated, saved and applied in %llu ms)", c.name,
			(unsigned long long)(cs_now_ms() - t0));
	return ret;
}

static int cell_delete(struct cs_daemon *d, json_object *req, char *err, size_t errlen)
{
	const struct cs_cell_cfg *cur;
	struct cs_state st;
	char name[CS_NAME_MAX];
	int ret;

	ret = own_cell(d, req_str(req, "name"), &cur, err, errlen);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "%s", cur->name);
	if (cs_state_copy(&st, &d->state) ||
	    cs_state_delete(&st, name, cfg_cell(&d->yaml, name) != NULL)) {
		cs_state_free(&st);
		return FAIL(CS_EXIT_FAILURE, "out of memory");
	}
	ret = cs_daemon_commit(d, NULL, &st, err, errlen);
	if (!ret)
		cs_info("cli: cell %s deleted", name);
	return ret;
}

/*
 * Move process @pid into cell @idx, the process held by a pidfd from the
 * ownership check to the move (proc.h): a member of control.group may move
 * only its own processes, and a pid reused meanwhile is never moved as if it
 * were the one checked.
 */
static int assign_pid(struct cs_daemon *d, int idx, unsigned int pid, uid_t peer, char *err,
		      size_t errlen)
{
	const char *cg = d->cells->cells[idx].cgroup;
	struct cs_proc p;
	bool other;
	uid_t owner;
	int ret;

	if (cs_proc_open((int)pid, &p))
		return FAIL(CS_EXIT_NOT_FOUND, "no process %u", pid);
	ret = peer != 0 ? cs_proc_uid(&p, &owner) : 0;
	if (ret)
		ret = FAIL(CS_EXIT_NOT_FOUND, "no process %u", pid);
	else if (peer != 0 && owner != peer)
		ret = FAIL(CS_EXIT_PERM, "process %u is not yours: only root may move other "
			   "users' tasks", pid);
	if (ret) {
		cs_proc_close(&p);
		return ret;
	}
	ret = cs_proc_move(&p, cs_cg_attach, cg, &other);
	cs_proc_close(&p);
	if (other)
		cs_warn("process %u exited while it was being moved into %s; if its number was "
			"taken at that instant, the new process with it was moved instead", pid, cg);
	if (ret)
		return FAIL(ret == -ESRCH ? CS_EXIT_NOT_FOUND : CS_EXIT_CGROUP,
			    "moving pid %u into %s failed: %s", pid, cg, ret == -ESRCH ?
			    "it exited" : strerror(-ret));
	return 0;
}

/*
 * Root may move any task; a member of control.group only its own processes
 * (moving a whole cgroup is root's).
 */
static int cell_assign(struct cs_daemon *d, json_object *req, uid_t peer, json_object **res,
		       char *err, size_t errlen)
{
	const char *name = req_str(req, "name"), *from = req_str(req, "cgroup");
	unsigned int pid = 0, moved = 1;
	int idx, ret;

	idx = name ? cs_cells_find(d->cells, name) : -1;
	if (idx < 0)
		return FAIL(name ? CS_EXIT_NOT_FOUND : CS_EXIT_USAGE, name ? "no cell '%s'" :
			    "malformed request: 'name' is missing", name);
	if (req_uint(req, "pid", 1, 1 << 30, &pid) < 0 || (!pid) == (!from))
		return FAIL(CS_EXIT_USAGE, "give exactly one of --pid PID or --cgroup PATH");
	if (from && peer != 0)
		return FAIL(CS_EXIT_PERM, "only root may move a whole cgroup");
	if (pid) {
		ret = assign_pid(d, idx, pid, peer, err, errlen);
		if (ret)
			return ret;
	} else {
		const char *why;

		while (*from == '/')
			from++;
		why = strlen(from) >= 2 * CS_CGPATH_MAX ? "it is longer than 511 characters" :
		      *from ? cs_config_bad_cgroup(from) : NULL;
		if (why)
			return FAIL(CS_EXIT_USAGE, "bad --cgroup '%.64s%s': %s", from,
				    strlen(from) > 64 ? "..." : "", why);
		if (!cs_cg_exists(from))
			return FAIL(CS_EXIT_NOT_FOUND, "no cgroup %s/%s", cs_cg_mount(), from);
		ret = cs_cg_move_all(from, d->cells->cells[idx].cgroup, &moved);
		if (ret)
			return FAIL(CS_EXIT_CGROUP, "moving the processes of %s into %s failed: "
				    "%s", from, d->cells->cells[idx].cgroup, strerror(-ret));
	}
	*res = cell_json(d, idx, false);
	json_object_object_add(*res, "moved", json_object_new_int(moved));
	return 0;
}

static json_object *plan_json(const struct cs_cells_plan *p)
{
	json_object *arr = json_object_new_array();
	char list[4096];

	for (unsigned int i = 0; i < p->nr; i++) {
		const struct cs_cells_plan_row *r = &p->rows[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "cpus", json_object_new_string(
			cs_cpus_format(&r->cur, list, sizeof(list))));
		json_object_object_add(o, "next_cpus", json_object_new_string(
			cs_cpus_format(&r->next, list, sizeof(list))));
		json_object_object_add(o, "want", json_object_new_int(r->want));
		json_object_object_add(o, "target", json_object_new_int(r->target));
		json_object_object_add(o, "report", json_object_new_boolean(r->demand.valid));
		json_object_object_add(o, "runnable", json_object_new_int(r->demand.nr_runnable));
		json_object_object_add(o, "util_pct", json_object_new_double(
			r->demand.util_permille / 10.0));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int rebalance(struct cs_daemon *d, json_object *req, json_object **res, char *err,
		     size_t errlen)
{
	struct cs_cells_plan *p = calloc(1, sizeof(*p));
	json_object *v;
	bool dry = json_object_object_get_ex(req, "dry_run", &v) && json_object_get_boolean(v);
	int ret;

	if (!p)
		return FAIL(CS_EXIT_FAILURE, "out of memory");
	ret = cs_cells_plan(d->cells, cs_now_ms(), true, p);
	if (ret) {
		snprintf(err, errlen, "%s", p->err[0] ? p->err : strerror(-ret));
		free(p);
		return CS_EXIT_CONFIG;
	}
	*res = json_object_new_object();
	json_object_object_add(*res, "dry_run", json_object_new_boolean(dry));
	json_object_object_add(*res, "cells", plan_json(p));
	free(p);
	if (!dry) {
		d->cells->force_plan = true;
		cs_cells_reconcile(d->cells, cs_now_ms());
	}
	return 0;
}

int cs_daemon_handle(void *ctx, const char *cmd, json_object *req, uid_t peer_uid,
		     json_object **res, char *err, size_t errlen)
{
	struct cs_daemon *d = ctx;
	const char *name = req_str(req, "name");
	int idx, ret;

	cs_dbg("control socket: %.64s from uid %u", cmd, (unsigned int)peer_uid);
	if (!strcmp(cmd, "status")) {
		*res = status_json(d);
	} else if (!strcmp(cmd, "cells")) {
		struct cs_cpus rc;
		char list[4096];

		cs_cells_root_cpus(d->cells, &rc);
		*res = json_object_new_object();
		json_object_object_add(*res, "mode", json_object_new_string(cs_mode_name(d->mode)));
		json_object_object_add(*res, "cells", cells_json(d, false));
		json_object_object_add(*res, "root_cell_cpus", json_object_new_string(
			cs_cpus_format(&rc, list, sizeof(list))));
		json_object_object_add(*res, "root_cell", root_cell_json(d));
	} else if (!strcmp(cmd, "cell-show")) {
		idx = name ? cs_cells_find(d->cells, name) : -1;
		if (idx < 0)
			return FAIL(name ? CS_EXIT_NOT_FOUND : CS_EXIT_USAGE, "no cell '%s'",
				    name ? name : "");
		*res = cell_json(d, idx, true);
	} else if (!strcmp(cmd, "stats")) {
		*res = cs_daemon_stats_json(d);
	} else if (!strcmp(cmd, "stop")) {
		cs_info("control socket: stop requested");
		d->stop = true;
		return CS_CTL_LATER;	/* answered once everything is detached (run.c) */
	} else if (!strcmp(cmd, "cell-create") || !strcmp(cmd, "cell-resize") ||
		   !strcmp(cmd, "cell-delete")) {
		ret = cmd[5] == 'c' ? cell_create(d, req, err, errlen) :
		      cmd[5] == 'r' ? cell_resize(d, req, err, errlen) :
				      cell_delete(d, req, err, errlen);
		if (ret)
			return ret;
		idx = cs_cells_find(d->cells, name);
		*res = idx >= 0 ? cell_json(d, idx, false) : json_object_new_object();
	} else if (!strcmp(cmd, "cell-assign")) {
		return cell_assign(d, req, peer_uid, res, err, errlen);
	} else if (!strcmp(cmd, "rebalance")) {
		return rebalance(d, req, res, err, errlen);
	} else if (!strcmp(cmd, "events")) {
		json_object *v;

		*res = cs_events_json(json_object_object_get_ex(req, "after", &v) ?
				      (unsigned long long)json_object_get_int64(v) : 0);
	} else if (!strcmp(cmd, "reload")) {
		json_object *v;

		ret = cs_daemon_reload(d, json_object_object_get_ex(req, "reset", &v) &&
				       json_object_get_boolean(v), err, errlen);
		if (ret)
			return ret;
		*res = status_json(d);
	} else {
		return FAIL(CS_EXIT_USAGE, "unknown request '%.64s'", cmd);
	}
	return 0;
}
