// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/cells_cpuset.c: what the cell manager writes into a
 * cell's cpuset.cpus (see cells_want.h): its CPUs (none while all are
 * offline: the parent's then), never for a cell whose owner writes them
 * (cpus: inherit, the cell parent's discovered cgroups); someone else's
 * value kept before the first write and put back when the cell goes; and
 * what stays when cellsched stops (`on_stop`).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cells_want.h"
#include "cgroup.h"
#include "log.h"

/*
 * @list into @cgroup's cpuset.cpus. An empty one (a cell with all its CPUs
 * offline, or one that gives its CPUs back) follows the cell parent's.
 * Kernels before 7.x refuse an empty cpuset with tasks in it (ENOSPC):
 * there it gets the parent's CPUs as they are now.
 */
int cs_cell_cpuset_write(const struct cs_cells *m, const char *cgroup, const char *list)
{
	char cpus[CS_LIST_MAX];
	int err = cs_cg_write(cgroup, "cpuset.cpus", list);

	if (err != -ENOSPC || list[0])
		return err;
	err = cs_cg_read(m->parent, "cpuset.cpus.effective", cpus, sizeof(cpus));
	return err ? err : cs_cg_write(cgroup, "cpuset.cpus", cpus);
}

int cs_cell_write_cpuset(const struct cs_cells *m, struct cs_cell_rt *c, const struct cs_cpus *cpus)
{
	char list[CS_LIST_MAX];
	int err;

	if (c->inherit || c->origin == CS_FROM_CGROUP)
		return 0;	/* the orchestrator owns that cpuset */
	/* none (all its CPUs offline): its tasks take the parent's CPUs */
	err = cs_cell_cpuset_write(m, c->cgroup, cs_cpus_format(cpus, list, sizeof(list)));
	if (err)
		cs_err("cell %s: writing cpuset.cpus %s of %s failed: %s", c->name, list, c->cgroup,
		       strerror(-err));
	return err;
}

/*
 * A cell at someone else's cgroup (outside the cell parent) with CPUs from
 * the YAML: its cpuset.cpus is kept in c->orig_cpus before the first write,
 * and put back by cs_cell_restore_cpuset() when the cell goes or cellsched stops.
 */
int cs_cell_adopt_cpuset(const struct cs_cells *m, struct cs_cell_rt *c, const char *list)
{
	size_t n;
	int err = cs_cg_read(c->cgroup, "cpuset.cpus", c->orig_cpus, sizeof(c->orig_cpus));

	n = strlen(c->orig_cpus);
	if (!err && n + 1 >= sizeof(c->orig_cpus))
		err = -E2BIG;	/* could not be put back whole */
	if (err)
		return err;
	err = cs_cell_cpuset_write(m, c->cgroup, list);
	c->restore = !err;
	return err;
}

void cs_cell_restore_cpuset(const struct cs_cells *m, struct cs_cell_rt *c)
{
	char cpus[CS_LIST_MAX], parent[sizeof(c->cgroup)], *slash;
	int err;

	if (!c->restore || !cs_cg_exists(c->cgroup))
		return;
	c->restore = false;
	err = cs_cg_write(c->cgroup, "cpuset.cpus", c->orig_cpus);
	snprintf(parent, sizeof(parent), "%s", c->cgroup);
	slash = strrchr(parent, '/');
	/*
	 * Kernels before 7.x refuse an empty cpuset.cpus where tasks are: the
	 * parent's CPUs, what empty gives now (it no longer follows the parent's).
	 */
	if (err == -ENOSPC && !c->orig_cpus[0] && slash && (*slash = '\0', true) &&
	    !cs_cg_read(parent, "cpuset.cpus.effective", cpus, sizeof(cpus)) &&
	    !cs_cg_write(c->cgroup, "cpuset.cpus", cpus)) {
		cs_warn("cell %s: the kernel refuses to put back the empty cpuset.cpus of %s while "
			"it has tasks; it gets its parent's CPUs %s instead", c->name, c->cgroup,
			cpus);
		return;
	}
	if (err)
		cs_err("cell %s: putting back cgroup %s's cpuset.cpus '%s' failed: %s", c->name,
		       c->cgroup, c->orig_cpus, strerror(-err));
	else
		cs_info("cell %s: cgroup %s has its own cpuset.cpus back ('%s')", c->name,
			c->cgroup, c->orig_cpus);
	(void)m;
}

/* A cell's cgroup that stays (it still has tasks) gives its CPUs back. */
void cs_cell_release_cpuset(struct cs_cells *m, const struct cs_cell_rt *c)
{
	if (cs_cell_cpuset_write(m, c->cgroup, ""))
		cs_warn("cell %s: cannot give cgroup %s's CPUs back", c->name, c->cgroup);
}

/*
 * A configured cell's cgroup stays after cellsched (it has tasks, or was
 * there before): `on_stop: keep` leaves its cpuset, so its tasks stay on its
 * CPUs under the kernel's scheduler, as with a plain cpuset; `release`
 * gives it the cell parent's CPUs.
 */
void cs_cell_leave(struct cs_cells *m, const struct cs_cell_rt *c)
{
	char cpus[CS_LIST_MAX];

	if (m->cfg->release_on_stop) {
		cs_cell_release_cpuset(m, c);
		cs_info("cell %s: cgroup %s stays, with the cell parent's CPUs (on_stop: release)",
			c->name, c->cgroup);
		return;
	}
	if (cs_cg_read(c->cgroup, "cpuset.cpus", cpus, sizeof(cpus)))
		snprintf(cpus, sizeof(cpus), "?");
	cs_info("cell %s: cgroup %s stays, its tasks on CPUs %s (on_stop: keep)", c->name,
		c->cgroup, cpus);
}

