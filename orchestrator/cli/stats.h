/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli/stats.h: how `cellsched stats` prints the daemon's
 * answer: as text (each counter with its rate per second since the previous
 * answer under --watch, and the time), as OpenMetrics (--format
 * openmetrics), and --describe: every field, without asking the daemon.
 */
#ifndef CELLSCHED_CLI_STATS_H
#define CELLSCHED_CLI_STATS_H

#include <json-c/json.h>

/* Text: the answer @r; with @prev (the answer @secs seconds before) the rates too. */
void cli_stats_text(json_object *r, json_object *prev, double secs);

/* OpenMetrics text of @r. 0, or 1 out of memory. */
int cli_stats_openmetrics(json_object *r);

/* Every field of the answer: where, kind, unit, OpenMetrics name, meaning. */
void cli_stats_describe(void);

#endif
