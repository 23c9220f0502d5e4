// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/config_check.c: the rules between the parts of a parsed
 * configuration and against the machine (see config.h): names and cgroup
 * paths, cells disjoint, on CPUs that exist (an offline one counts once it
 * is online again), the online ones inside the cell parent's cpuset, the
 * minimums of resizable cells and the root cell fitting (on the CPUs online
 * now), a topology override that describes the online CPUs, the policies the
 * mode can run. Pure: the machine comes in a struct cs_sysinfo, the mode as resolved.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "escape.h"
#include "policies.h"
#include "topology.h"

int cs_config_fail(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		   const char *fmt, ...)
{
	size_t off;
	va_list ap;

	if (pos.line)
		off = snprintf(err, errlen, "%s:%d:%d: ", cfg->file, pos.line, pos.col);
	else	/* a cell from the CLI's runtime changes (state.h) */
		off = snprintf(err, errlen, "runtime change: ");
	if (off < errlen) {
		va_start(ap, fmt);
		cs_escape_mark_cut(err + off, errlen - off, vsnprintf(err + off, errlen - off, fmt, ap));
		va_end(ap);
	} else {
		cs_escape_mark_cut(err, errlen, (int)off);
	}
	return -EINVAL;
}

/* "line 12", or where a cell changed at run time comes from */
static const char *where(struct cs_pos pos, char *buf, size_t len)
{
	if (pos.line)
		snprintf(buf, len, "line %d", pos.line);
	else
		snprintf(buf, len, "a runtime change");
	return buf;
}

/* Would @cg name something that is not below its parent (absolute, '.', '..')? */
static bool escapes(const char *cg)
{
	if (cg[0] == '/')
		return true;
	for (const char *p = cg; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		p += *p == '/';
	}
	return false;
}

bool cs_config_path_inside(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !strncmp(a, b, n) && a[n] == '/';
}

const char *cs_config_cell_path(const struct cs_config *cfg, const struct cs_cell_cfg *cell,
				char *buf, size_t len)
{
	if (cell->cgroup[0] == '/')
		snprintf(buf, len, "%s", cell->cgroup + 1);
	else
		snprintf(buf, len, "%s/%s", cfg->cell_parent, cell->cgroup);
	return buf;
}

/* Is the cell's cgroup outside the cell parent (an absolute path elsewhere)? */
static bool outside_parent(const struct cs_config *cfg, const struct cs_cell_cfg *cell)
{
	char path[2 * CS_CGPATH_MAX];

	return cell->cgroup[0] == '/' &&
	       !cs_config_path_inside(cs_config_cell_path(cfg, cell, path, sizeof(path)),
				      cfg->cell_parent);
}

bool cs_config_name_char(char c)
{
	return c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A cell by itself: its name and its cgroup path. */
static int check_names(const struct cs_config *cfg, const struct cs_cell_cfg *cell, char *err,
		       size_t errlen)
{
	const char *why;

	for (const char *s = cell->name; *s; s++)
		if (!cs_config_name_char(*s))
			return cs_config_fail(cfg, cell->name_pos, err, errlen,
					  "cell name '%s': only letters, digits, '-', '_' "
					  "and '.' are allowed", cell->name);
	if (cell->cgroup[0] == '/') {
		char path[2 * CS_CGPATH_MAX];

		why = cell->cgroup[1] ? cs_config_bad_cgroup(cell->cgroup + 1) :
		      "it is the root cgroup, which holds every task";
		if (!why && !strcmp(cs_config_cell_path(cfg, cell, path, sizeof(path)),
				    cfg->cell_parent))
			why = "it is the cell parent";
		if (!why && cs_config_path_inside(cfg->cell_parent, cell->cgroup + 1))
			why = "it contains the cell parent, whose cells would be inside it";
	} else {
		why = cs_config_bad_cgroup(cell->cgroup);
	}
	if (why)
		return cs_config_fail(cfg, cell->cgroup_pos, err, errlen,
				  "cgroup '%s' of cell '%s' is %s: %s", cell->cgroup, cell->name,
				  cell->cgroup[0] != '/' && escapes(cell->cgroup) ? "outside the cell parent" :
				  "not a valid path", why);
	return 0;
}

/* Cell @cell against an earlier cell @o: names, cgroups, CPUs apart. */
static int check_pair(const struct cs_config *cfg, const struct cs_cell_cfg *cell,
		      const struct cs_cell_cfg *o, char *err, size_t errlen)
{
	char list[256], at[48], a[2 * CS_CGPATH_MAX], b[2 * CS_CGPATH_MAX];
	struct cs_cpus bad;

	cs_config_cell_path(cfg, o, a, sizeof(a));
	cs_config_cell_path(cfg, cell, b, sizeof(b));
	if (!strcmp(o->name, cell->name))
		return cs_config_fail(cfg, cell->name_pos, err, errlen,
				  "duplicate cell name '%s' (also %s%s)", cell->name,
				  o->name_pos.line ? "at " : "in ", where(o->name_pos, at, sizeof(at)));
	if (!strcmp(a, b))
		return cs_config_fail(cfg, cell->cgroup_pos, err, errlen,
				  "cells '%s' and '%s' use the same cgroup '%s'", o->name,
				  cell->name, cell->cgroup);
	if (cs_config_path_inside(a, b) || cs_config_path_inside(b, a))
		return cs_config_fail(cfg, cell->cgroup_pos, err, errlen,
				  "cgroups of cells '%s' and '%s' are nested ('%s', '%s'); cells "
				  "cannot contain cells", o->name, cell->name, o->cgroup,
				  cell->cgroup);
	if (!o->resizable && !cell->resizable && !o->inherit && !cell->inherit &&
	    cs_cpus_intersects(&o->cpus, &cell->cpus)) {
		bad = cell->cpus;
		cs_cpus_and(&bad, &o->cpus);
		return cs_config_fail(cfg, cell->cpus_pos, err, errlen,
				  "CPUs %s of cell '%s' overlap cell '%s' (%s); cells must not "
				  "share CPUs", cs_cpus_format(&bad, list, sizeof(list)), cell->name,
				  o->name, where(o->cpus_pos, at, sizeof(at)));
	}
	return 0;
}

/*
 * A fixed cell's CPUs: they exist (an offline one is the cell's again once
 * it is online), and the online ones are in the cell parent's cpuset (an
 * offline CPU is in no effective cpuset: judged when it is back).
 */
static int check_fixed(const struct cs_config *cfg, const struct cs_cell_cfg *cell,
		       const struct cs_sysinfo *si, char *err, size_t errlen)
{
	char list[256], list2[256];
	struct cs_cpus bad = cell->cpus;

	if (!cs_cpus_subset(&cell->cpus, &si->possible)) {
		cs_cpus_andnot(&bad, &si->possible);
		return cs_config_fail(cfg, cell->cpus_pos, err, errlen,
				  "CPUs %s of cell '%s' do not exist on this machine (CPUs: %s)",
				  cs_cpus_format(&bad, list, sizeof(list)), cell->name,
				  cs_cpus_format(&si->possible, list2, sizeof(list2)));
	}
	cs_cpus_and(&bad, &si->online);
	/* elsewhere in the tree its own ancestors' cpusets bound it: the kernel says */
	if (!outside_parent(cfg, cell) && !cs_cpus_subset(&bad, &si->parent_cpus)) {
		cs_cpus_andnot(&bad, &si->parent_cpus);
		return cs_config_fail(cfg, cell->cpus_pos, err, errlen,
				  "CPUs %s of cell '%s' are outside the cell parent's "
				  "cpuset.cpus.effective (%s)",
				  cs_cpus_format(&bad, list, sizeof(list)), cell->name,
				  cs_cpus_format(&si->parent_cpus, list2, sizeof(list2)));
	}
	return 0;
}

/* What the fixed cells (@taken) leave: the root cell's minimum, then the resizable ones'. */
static int check_room(const struct cs_config *cfg, const struct cs_sysinfo *si,
		      const struct cs_cpus *taken, unsigned int mins,
		      const struct cs_cell_cfg *last_resizable, char *err, size_t errlen)
{
	struct cs_cpus left = si->online;
	char list[256], list2[256];

	if (cs_cpus_count(&si->online) < cfg->min_cpus)
		return cs_config_fail(cfg, cfg->min_cpus_pos, err, errlen,
				  "root_cell.min_cpus is %u but only %u CPUs are online (%s)",
				  cfg->min_cpus, cs_cpus_count(&si->online),
				  cs_cpus_format(&si->online, list, sizeof(list)));
	cs_cpus_andnot(&left, taken);
	if (cs_cpus_count(&left) < cfg->min_cpus)
		return cs_config_fail(cfg, cfg->nr_cells ? cfg->cells[cfg->nr_cells - 1].cpus_pos :
				  cfg->min_cpus_pos, err, errlen,
				  "cells take CPUs %s and leave the root cell %u CPU%s (%s); "
				  "root_cell.min_cpus is %u",
				  cs_cpus_format(taken, list, sizeof(list)), cs_cpus_count(&left),
				  cs_cpus_count(&left) == 1 ? "" : "s",
				  cs_cpus_empty(&left) ? "none" : cs_cpus_format(&left, list2, sizeof(list2)),
				  cfg->min_cpus);
	if (!last_resizable)
		return 0;
	left = si->online;
	cs_cpus_and(&left, &si->parent_cpus);
	cs_cpus_andnot(&left, taken);
	if (mins + cfg->min_cpus > cs_cpus_count(&left))
		return cs_config_fail(cfg, last_resizable->cpus_pos, err, errlen,
				  "resizable cells need at least %u CPU%s (their 'min') and the root "
				  "cell %u, but only %u are left after the fixed cells (%s)", mins,
				  mins == 1 ? "" : "s", cfg->min_cpus, cs_cpus_count(&left),
				  cs_cpus_empty(&left) ? "none" : cs_cpus_format(&left, list, sizeof(list)));
	return 0;
}

int cs_config_check(const struct cs_config *cfg, const struct cs_sysinfo *si, char *err,
		    size_t errlen)
{
	const struct cs_cell_cfg *last_resizable = NULL;
	struct cs_cpus taken = { 0 };
	unsigned int mins = 0;
	char why[256];
	struct cs_topo topo;

	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *cell = &cfg->cells[i];

		if (check_names(cfg, cell, err, errlen))
			return -EINVAL;
		for (unsigned int j = 0; j < i; j++)
			if (check_pair(cfg, cell, &cfg->cells[j], err, errlen))
				return -EINVAL;
		if (cell->inherit) {
			continue;	/* its owner's CPUs: judged when the daemon reads them */
		} else if (cell->resizable) {
			mins += cell->min;
			last_resizable = cell;
		} else if (check_fixed(cfg, cell, si, err, errlen)) {
			return -EINVAL;
		} else {
			cs_cpus_or(&taken, &cell->cpus);
		}
	}
	if (cs_config_check_rules(cfg, si, &taken, err, errlen))
		return -EINVAL;
	if (check_room(cfg, si, &taken, mins, last_resizable, err, errlen))
		return -EINVAL;
	if ((cfg->nr_topo_cores || cfg->nr_topo_llcs) &&
	    cs_config_topology(cfg, &si->online, NULL, &topo, why, sizeof(why)))
		return cs_config_fail(cfg, cfg->topology_pos, err, errlen, "bad 'topology': %s", why);
	return cs_config_check_paths(cfg, err, errlen);
}

int cs_config_topology(const struct cs_config *cfg, const struct cs_cpus *online,
		       const struct cs_topo *machine, struct cs_topo *out, char *err, size_t errlen)
{
	if (!cfg->nr_topo_cores && !cfg->nr_topo_llcs) {
		if (!machine)
			return -EINVAL;
		*out = *machine;
		return 0;
	}
	return cs_topo_from_groups(online, cfg->topo_cores, cfg->nr_topo_cores, cfg->topo_llcs,
				   cfg->nr_topo_llcs, out, err, errlen);
}

int cs_config_check_mode(const struct cs_config *cfg, enum cs_mode mode, const char *why,
			 char *err, size_t errlen)
{
	if (mode != CS_MODE_EMBEDDED)
		return 0;
	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &cfg->cells[i];

		const struct cs_policy_info *pi = cs_policy_find(c->policy);

		if (!pi || pi->embedded)
			continue;
		if (pi->external)
			return cs_config_fail(cfg, c->policy_pos, err, errlen,
					  "cell '%s': policy 'external' needs native mode (a "
					  "sched_ext sub-scheduler per cell: Linux 7.3 or later), "
					  "and this configuration runs in embedded mode (%s)",
					  c->name, why);
		return cs_config_fail(cfg, c->policy_pos, err, errlen,
				  "cell '%s': policy '%s' does not run in embedded mode (fifo, "
				  "vtime and latency do), and this configuration runs in "
				  "embedded mode (%s)",
				  c->name, c->policy, why);
	}
	return 0;
}
