/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/stats_catalog.h: every statistic `cellsched stats`
 * answers with, described once: its key in the answer, whether it only grows
 * (a counter) or goes up and down (a gauge), its unit and what it counts.
 * The root's and the cells' BPF counters come from their X-macro lists in
 * ipc/cellsched.h; the daemon's and the cells' own fields are listed here.
 * `stats --describe`, the OpenMetrics text (openmetrics.c) and the daemon's
 * names for the counters all read this table. Prefix: cs_stat.
 *
 * The answer (daemon/api.c): {"mode", "daemon": {DAEMON FIELDS}, "root":
 * {ROOT COUNTERS}, "cells": [{"name", "policy", CELL FIELDS, "stats": {CELL
 * COUNTERS}}]}.
 */
#ifndef CELLSCHED_STATS_CATALOG_H
#define CELLSCHED_STATS_CATALOG_H

#include "cellsched.h"

enum cs_stat_kind { CS_STAT_COUNTER, CS_STAT_GAUGE };

struct cs_stat_field {
	const char *key;	/* in the answer */
	enum cs_stat_kind kind;
	const char *unit;	/* of the answer's value: "", "us", "ns", "pct" */
	const char *help;
};

enum cs_stat_group { CS_STAT_DAEMON, CS_STAT_ROOT, CS_STAT_CELL, CS_STAT_CELL_CHILD,
		     CS_STAT_NR_GROUPS };

/* The fields of @group and how many; the group's place in the answer. */
const struct cs_stat_field *cs_stat_fields(enum cs_stat_group group, unsigned int *nr);
const char *cs_stat_group_where(enum cs_stat_group group);

/* The unit of @f's value: its own, or "ns" for the counters named *_NS. */
const char *cs_stat_unit(const struct cs_stat_field *f);

/* The key of root counter @idx (enum cs_root_stat) / cell counter @idx (enum cs_cell_stat). */
const char *cs_stat_root_key(int idx);
const char *cs_stat_cell_key(int idx);

#endif
