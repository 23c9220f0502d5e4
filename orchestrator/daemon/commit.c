// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/commit.c: the one path every configuration change
 * takes, from the CLI or a reload (cs_daemon_commit, daemon.h).
 *
 * A change is checked, applied, then persisted:
 *   1. plan: the new YAML and/or runtime changes are merged, checked against
 *      the machine (cs_config_check) and against the running cells
 *      (cs_cells_check); a refusal changes nothing;
 *   2. apply: the merged configuration runs and one reconcile applies it;
 *      then every cell of it must be there as configured (its cgroup, slot
 *      and CPUs, its policy). A cgroup write or a root scheduler program can
 *      still refuse at this point: then the previous configuration is put
 *      back and reconciled, and the caller gets the errors of the attempt;
 *   3. persist: only an applied change is saved to the state file (write,
 *      fsync, rename); if saving fails the change is undone the same way.
 * So a change the CLI reports as made is running and saved; one it reports
 * as failed is neither. A daemon killed between 2 and 3 restarts without
 * the change, which was never acknowledged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "daemon.h"
#include "escape.h"
#include "exit_codes.h"
#include "log.h"
#include "machine.h"
#include "policies.h"

/* @err gets the message (a cut one ends in "..."); the value is @code */
#define FAIL(code, ...) \
	(cs_escape_mark_cut(err, errlen, snprintf(err, errlen, __VA_ARGS__)), (code))

/* What a change would run: the configuration and the machine it was checked on. */
struct commit {
	struct cs_config merged;
	struct cs_state pruned;		/* a reload's changes without those of lost cells */
	struct cs_sysinfo si;
	struct cs_topo topo;
	char names[256];		/* of the changes pruned */
	unsigned int nr_pruned;
};

/*
 * Step 1: merge @yaml (NULL: the running one) with @state (NULL: the
 * running changes; a reload drops those about cells the new YAML lost,
 * *@state then points to c->pruned) and check the result. CS_EXIT_OK or an
 * exit code with @err.
 */
static int plan(struct cs_daemon *d, const struct cs_config *yaml, struct cs_state **state,
		struct commit *c, char *err, size_t errlen)
{
	char why[CS_ERR_MAX];
	int ret;

	if (yaml && !*state && d->state.nr) {
		if (cs_state_copy(&c->pruned, &d->state))
			return FAIL(CS_EXIT_FAILURE, "out of memory");
		c->nr_pruned = cs_state_prune(&c->pruned, yaml, c->names, sizeof(c->names));
		if (c->nr_pruned)
			*state = &c->pruned;
	} else if (*state) {
		c->nr_pruned = cs_state_prune(*state, yaml ? yaml : &d->yaml, c->names,
					      sizeof(c->names));
	}
	if (cs_state_apply(yaml ? yaml : &d->yaml, *state ? *state : &d->state, &c->merged))
		return FAIL(CS_EXIT_FAILURE, "out of memory");
	if (cs_read_sysinfo(&c->merged, &c->si))
		return FAIL(CS_EXIT_FAILURE, "cannot read the machine's CPUs");
	if (cs_config_check(&c->merged, &c->si, why, sizeof(why)) ||
	    cs_config_check_cgroups(&c->merged, cs_cg_mount(), why, sizeof(why)) ||
	    cs_config_topology(&c->merged, &c->si.online, &d->machine_topo, &c->topo, why,
			       sizeof(why)))
		return FAIL(CS_EXIT_CONFIG, "%s", why);
	/* the mode is the daemon's for its lifetime */
	if (c->merged.mode != CS_MODE_AUTO && c->merged.mode != d->mode)
		return FAIL(CS_EXIT_CONFIG, "%s:%d:%d: 'mode: %s' but cellsched runs in %s mode; "
			    "the mode changes only with a restart", c->merged.file,
			    c->merged.mode_pos.line, c->merged.mode_pos.col,
			    cs_mode_name(c->merged.mode), cs_mode_name(d->mode));
	if (cs_config_check_mode(&c->merged, d->mode, d->mode_why, why, sizeof(why)))
		return FAIL(CS_EXIT_CONFIG, "%s", why);
	/* against the running cells: the cgroup tree's, and where every cell is now */
	ret = cs_cells_check(d->cells, &c->merged, &c->si, &c->topo, cs_now_ms(), why, sizeof(why));
	if (ret)
		return FAIL(ret == -EBUSY ? CS_EXIT_REFUSED : ret == -ENOMEM ? CS_EXIT_FAILURE :
			    CS_EXIT_CONFIG, "%s", why);
	return CS_EXIT_OK;
}

/* Is every cell of @cfg running as configured? NULL, or what is not, in @why. */
static const char *unapplied(const struct cs_cells *m, const struct cs_config *cfg, char *why,
			     size_t len)
{
	char cgroup[2 * CS_CGPATH_MAX], list[64];
	struct cs_cpus online;

	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *w = &cfg->cells[i];
		int idx = cs_cells_find(m, w->name);
		const struct cs_cell_rt *c = idx >= 0 ? &m->cells[idx] : NULL;

		/* a cell runs on its online CPUs (cells.c) */
		online = w->cpus;
		cs_cpus_and(&online, &m->si.online);
		cs_config_cell_path(cfg, w, cgroup, sizeof(cgroup));
		/* cpus: inherit, and its owner has written none yet: a cell once it does */
		if (!c && w->inherit && !cs_cg_read(cgroup, "cpuset.cpus", list, sizeof(list)) &&
		    !list[0])
			continue;
		if (!c || strcmp(c->cgroup, cgroup))
			snprintf(why, len, "cell '%s' could not be made", w->name);
		else if (!w->resizable && !w->inherit && !cs_cpus_equal(&c->cpus, &online))
			snprintf(why, len, "cell '%s' could not be given its CPUs", w->name);
		else if (strcmp(c->policy, w->policy) ||
			 memcmp(c->tunables, w->tunables, sizeof(c->tunables)))
			snprintf(why, len, "cell '%s' could not change its policy", w->name);
		else
			continue;
		return why;
	}
	for (unsigned int idx = 0; idx < CS_MAX_CELLS; idx++) {
		const struct cs_cell_rt *c = &m->cells[idx];
		bool wanted = false;

		for (unsigned int i = 0; i < cfg->nr_cells && !wanted; i++)
			wanted = !strcmp(cfg->cells[i].name, c->name);
		if (c->used && c->origin == CS_FROM_CONFIG && !wanted) {
			snprintf(why, len, "cell '%s' could not be removed", c->name);
			return why;
		}
	}
	return NULL;
}

/* Run @cfg (taking it) on @si, @topo, and reconcile at once; @errors gets what failed. */
static void switch_to(struct cs_daemon *d, struct cs_config *cfg, const struct cs_sysinfo *si,
		      const struct cs_topo *topo, char *errors, size_t len)
{
	cs_config_free(&d->cfg);
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	/* the cell manager keeps a pointer: to the running copy */
	cs_cells_set_config(d->cells, &d->cfg);
	d->cells->si = *si;
	d->cells->topo = *topo;
	d->cells->add_retry_at_ms = 0;	/* a change is applied now, not after a backoff */
	cs_log_capture(errors, len);
	cs_cells_reconcile(d->cells, cs_now_ms());
	cs_log_capture(NULL, 0);
}

/*
 * Steps 2 and 3: run c->merged, check it took, save @state (if given). On a
 * failure the previous configuration runs again. CS_EXIT_OK or an exit code
 * with @err.
 */
static int apply(struct cs_daemon *d, struct commit *c, const struct cs_state *state, char *err,
		 size_t errlen)
{
	struct cs_config old = d->cfg;
	struct cs_sysinfo old_si = d->cells->si;
	struct cs_topo *old_topo = malloc(sizeof(*old_topo));
	char errors[CS_ERR_MAX], why[CS_ERR_MAX], again[CS_ERR_MAX];
	int ret = CS_EXIT_OK;

	if (!old_topo)
		return FAIL(CS_EXIT_FAILURE, "out of memory");
	*old_topo = d->cells->topo;
	memset(&d->cfg, 0, sizeof(d->cfg));	/* @old owns it until the end */
	switch_to(d, &c->merged, &c->si, &c->topo, errors, sizeof(errors));
	if (unapplied(d->cells, &d->cfg, why, sizeof(why)))
		ret = FAIL(CS_EXIT_CGROUP, "%s (%s); the change was undone and not saved", why,
			   errors[0] ? errors : "see the daemon's log");
	else if (state && cs_state_save(d->cfg.state_file, state, why, sizeof(why)))
		ret = FAIL(CS_EXIT_FAILURE, "%s; the change was undone", why);
	if (ret) {
		switch_to(d, &old, &old_si, old_topo, again, sizeof(again));
		if (unapplied(d->cells, &d->cfg, why, sizeof(why)))
			cs_err("undoing a failed change: %s (%s); the daemon retries every tick",
			       why, again[0] ? again : "see above");
	}
	cs_config_free(&old);
	free(old_topo);
	return ret;
}

int cs_daemon_commit(struct cs_daemon *d, struct cs_config *yaml, struct cs_state *state,
		     char *err, size_t errlen)
{
	struct commit *c = calloc(1, sizeof(*c));
	struct cs_state *st = state;
	int ret;

	if (!c) {
		ret = FAIL(CS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	ret = plan(d, yaml, &st, c, err, errlen);
	if (ret == CS_EXIT_OK)
		ret = apply(d, c, st, err, errlen);
	if (ret)
		goto out;
	if (yaml) {
		cs_config_free(&d->yaml);
		d->yaml = *yaml;
		yaml = NULL;
	}
	if (st) {
		cs_state_free(&d->state);
		d->state = *st;
		memset(st, 0, sizeof(*st));	/* taken: @state or c->pruned */
	}
	if (c->nr_pruned)
		cs_warn("dropped %u runtime change%s about cells no longer in the YAML: %s",
			c->nr_pruned, c->nr_pruned == 1 ? "" : "s", c->names);
out:
	if (c) {
		cs_config_free(&c->merged);
		cs_state_free(&c->pruned);
	}
	free(c);
	if (yaml)
		cs_config_free(yaml);
	if (state)
		cs_state_free(state);
	return ret;
}

static int reload(struct cs_daemon *d, bool reset, char *err, size_t errlen)
{
	struct cs_config yaml;
	struct cs_state *st = NULL, empty = { 0 };
	char why[CS_ERR_MAX];
	int ret;

	if (!d->config_path) {
		cs_config_default(&yaml);
	} else if (cs_config_load(d->config_path, &yaml, why, sizeof(why))) {
		return FAIL(CS_EXIT_CONFIG, "%s; keeping the running configuration", why);
	}
	if (strcmp(yaml.cell_parent, d->yaml.cell_parent) || yaml.tick_ms != d->yaml.tick_ms ||
	    strcmp(yaml.socket, d->yaml.socket) || strcmp(yaml.group, d->yaml.group) ||
	    strcmp(yaml.state_file, d->yaml.state_file) ||
	    strcmp(yaml.metrics_listen, d->yaml.metrics_listen)) {
		cs_config_free(&yaml);
		return FAIL(CS_EXIT_CONFIG, "%s: cell_parent, tick_ms, state_file, control and "
			    "metrics cannot change while running (restart cellsched); keeping the "
			    "running configuration", d->config_path);
	}
	if (reset)
		st = &empty;
	ret = cs_daemon_commit(d, &yaml, st, err, errlen);
	if (ret == CS_EXIT_CONFIG && !reset && d->state.nr) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, " (with the %u runtime change%s of the CLI; "
			 "'cellsched reload --reset' drops them)", d->state.nr,
			 d->state.nr == 1 ? "" : "s");
	}
	if (!ret)
		cs_info("reloaded %s%s", d->config_path ? d->config_path : "the built-in "
			"configuration", reset ? ", runtime changes dropped" : "");
	return ret;
}

int cs_daemon_reload(struct cs_daemon *d, bool reset, char *err, size_t errlen)
{
	int ret;

	cs_notify_reloading(&d->notify);
	ret = reload(d, reset, err, errlen);
	cs_notify_reloaded(&d->notify);
	return ret;
}
