// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/stats_catalog.c: the table of every statistic (see
 * stats_catalog.h).
 */
#include <stddef.h>
#include <string.h>

#include "stats_catalog.h"

#define CS_X_COUNTER(name, desc) { #name, CS_STAT_COUNTER, "", desc },

static const struct cs_stat_field root_counters[] = { CS_ROOT_STATS(CS_X_COUNTER) };
static const struct cs_stat_field cell_counters[] = { CS_CELL_STATS(CS_X_COUNTER) };

_Static_assert(sizeof(root_counters) / sizeof(root_counters[0]) == CS_NR_ROOT_STATS,
	       "root counters out of sync with enum cs_root_stat");
_Static_assert(sizeof(cell_counters) / sizeof(cell_counters[0]) == CS_NR_CELL_STATS,
	       "cell counters out of sync with enum cs_cell_stat");

static const struct cs_stat_field daemon_fields[] = {
	{ "uptime_s", CS_STAT_GAUGE, "s", "seconds since the daemon started" },
	{ "cells", CS_STAT_GAUGE, "", "cells the daemon runs" },
	{ "root_cell_cpus", CS_STAT_GAUGE, "", "online CPUs in no cell: the root cell's" },
	{ "rebalances", CS_STAT_COUNTER, "",
	  "passes in which the controller changed the CPUs of a resizable cell" },
	{ "child_restarts", CS_STAT_COUNTER, "",
	  "cell policies started again after they failed (all cells)" },
	{ "scheduler_restarts", CS_STAT_COUNTER, "",
	  "times the daemon loaded the scheduler again after it failed (the scheduler's own "
	  "counters start again from 0)" },
};

static const struct cs_stat_field cell_fields[] = {
	{ "nr_cpus", CS_STAT_GAUGE, "", "CPUs the cell has now (online ones)" },
	{ "runnable", CS_STAT_GAUGE, "", "the cell's runnable tasks, at its policy's last report" },
	{ "util_pct", CS_STAT_GAUGE, "pct",
	  "how busy the cell's CPUs were over the last report interval" },
	{ "max_wait_us", CS_STAT_GAUGE, "us",
	  "longest a runnable task of the cell waited, over the last report interval" },
	{ "lent_us", CS_STAT_COUNTER, "us",
	  "CPU time the cell's idle CPUs ran root-cell tasks (lent; borrowed by the root cell)" },
	{ "busy_us", CS_STAT_GAUGE, "us",
	  "CPU time the cell's own tasks ran in the last report interval" },
	{ "reports", CS_STAT_COUNTER, "", "demand reports the cell's policy sent" },
	{ "failures", CS_STAT_GAUGE, "", "consecutive failures of the cell's policy (0: it runs)" },
	{ "restarts", CS_STAT_COUNTER, "", "times the cell's policy was started again after failing" },
};

static const struct {
	const struct cs_stat_field *fields;
	unsigned int nr;
	const char *where;
} groups[CS_STAT_NR_GROUPS] = {
	[CS_STAT_DAEMON] = { daemon_fields, sizeof(daemon_fields) / sizeof(daemon_fields[0]),
			     "daemon" },
	[CS_STAT_ROOT] = { root_counters, CS_NR_ROOT_STATS, "root" },
	[CS_STAT_CELL] = { cell_fields, sizeof(cell_fields) / sizeof(cell_fields[0]), "cells[]" },
	[CS_STAT_CELL_CHILD] = { cell_counters, CS_NR_CELL_STATS, "cells[].stats" },
};

const struct cs_stat_field *cs_stat_fields(enum cs_stat_group group, unsigned int *nr)
{
	*nr = groups[group].nr;
	return groups[group].fields;
}

const char *cs_stat_group_where(enum cs_stat_group group)
{
	return groups[group].where;
}

const char *cs_stat_root_key(int idx)
{
	return idx >= 0 && idx < CS_NR_ROOT_STATS ? root_counters[idx].key : "?";
}

const char *cs_stat_cell_key(int idx)
{
	return idx >= 0 && idx < CS_NR_CELL_STATS ? cell_counters[idx].key : "?";
}

const char *cs_stat_unit(const struct cs_stat_field *f)
{
	size_t n = strlen(f->key);

	if (!f->unit[0] && n > 3 && !strcmp(f->key + n - 3, "_NS"))
		return "ns";
	return f->unit;
}
