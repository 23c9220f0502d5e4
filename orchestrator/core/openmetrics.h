/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/openmetrics.h: the daemon's statistics (the answer to
 * `stats`, stats_catalog.h) as OpenMetrics text, the format Prometheus
 * scrapes and node_exporter's textfile collector reads: served at the
 * metrics endpoint (daemon/metrics.c) and printed by `stats --format
 * openmetrics`. Names: cellsched_<key>, cellsched_root_<key>,
 * cellsched_cell_<key>{cell,policy}; counters end in _total, times are
 * seconds, utilisation a ratio; cellsched_info{mode,version} is 1.
 * Prefix: cs_openmetrics.
 */
#ifndef CELLSCHED_OPENMETRICS_H
#define CELLSCHED_OPENMETRICS_H

#include <stddef.h>

#include <json-c/json.h>

struct cs_stat_field;

/* The sample name of @f (group prefix @prefix: "", "root_", "cell_"), e.g. cellsched_cell_lent_seconds_total. */
void cs_openmetrics_name(const char *prefix, const struct cs_stat_field *f, char *buf, size_t len);

/* @stats as OpenMetrics text (ending "# EOF\n") in *@out (malloc'd, *@len bytes). 0 or -ENOMEM. */
int cs_openmetrics(json_object *stats, char **out, size_t *len);

#endif
