/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli/tables.h: the tables `cellsched cells` and `cellsched
 * rebalance` print, made with libsmartcols: on a terminal the columns fit
 * its width (a long CPU list wraps inside its column), piped they are
 * whole; -o/--output picks the columns, by name, in that order.
 */
#ifndef CELLSCHED_CLI_TABLES_H
#define CELLSCHED_CLI_TABLES_H

#include <stddef.h>

#include <json-c/json.h>

enum cli_table { CLI_TABLE_CELLS, CLI_TABLE_PLAN };

/* Is @cols ("NAME,CPUS,...", case-insensitive) valid for @t? 0, or -1 with the reason in @why. */
int cli_table_check(enum cli_table t, const char *cols, char *why, size_t len);

/* Print the answer @res as table @t with columns @cols (NULL: the default ones). 0, or 1. */
int cli_table_print(enum cli_table t, json_object *res, const char *cols);

/* The columns of @t, "NAME,CPUS,..." (for the usage). */
const char *cli_table_columns(enum cli_table t);

#endif
