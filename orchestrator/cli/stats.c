// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/stats.c: printing `cellsched stats` (see stats.h). The
 * fields and their kinds come from core/stats_catalog.h: counters get a
 * rate under --watch, gauges are shown as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "openmetrics.h"
#include "stats.h"
#include "stats_catalog.h"

/* "NAME=VALUE" for each field of @group in @o; counters with "(+R/s)" when @prev has them */
static void fields(enum cs_stat_group group, json_object *o, json_object *prev, double secs)
{
	unsigned int nr;
	const struct cs_stat_field *f = cs_stat_fields(group, &nr);
	json_object *v, *p;

	for (unsigned int i = 0; i < nr; i++) {
		if (!json_object_object_get_ex(o, f[i].key, &v))
			continue;
		printf(" %s=%s", f[i].key, cli_esc(json_object_get_string(v)));
		if (f[i].kind == CS_STAT_COUNTER && prev && secs > 0 &&
		    json_object_object_get_ex(prev, f[i].key, &p))
			printf("(%+.1f/s)", (json_object_get_double(v) - json_object_get_double(p)) /
			       secs);
	}
}

/* The cell named like @cell in the previous answer's cells, or NULL */
static json_object *prev_cell(json_object *prev, json_object *cell)
{
	json_object *arr;

	if (!prev || !json_object_object_get_ex(prev, "cells", &arr))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);

		if (!strcmp(cli_str(c, "name"), cli_str(cell, "name")))
			return c;
	}
	return NULL;
}

void cli_stats_text(json_object *r, json_object *prev, double secs)
{
	json_object *o, *p = NULL, *arr, *st, *pst;
	char when[32];
	time_t now = time(NULL);

	if (prev) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
		printf("at %s, rates over %.0f s:\n", when, secs);
	}
	if (cli_str(r, "mode")[0])
		printf("mode: %s\n", cli_str(r, "mode"));
	if (json_object_object_get_ex(r, "daemon", &o)) {
		printf("daemon:");
		fields(CS_STAT_DAEMON, o, prev && json_object_object_get_ex(prev, "daemon", &p) ?
		       p : NULL, secs);
		printf("\n");
	}
	if (json_object_object_get_ex(r, "root", &o)) {
		printf("root:");
		fields(CS_STAT_ROOT, o, prev && json_object_object_get_ex(prev, "root", &p) ?
		       p : NULL, secs);
		printf("\n");
	}
	if (!json_object_object_get_ex(r, "cells", &arr))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i), *pc = prev_cell(prev, c);

		printf("cell %s: cpus=%s", cli_str(c, "name"), cli_str(c, "cpus"));
		fields(CS_STAT_CELL, c, pc, secs);
		if (json_object_object_get_ex(c, "stats", &st))
			fields(CS_STAT_CELL_CHILD, st, pc && json_object_object_get_ex(pc, "stats",
			       &pst) ? pst : NULL, secs);
		printf("\n");
	}
}

int cli_stats_openmetrics(json_object *r)
{
	char *text;
	size_t len;

	if (cs_openmetrics(r, &text, &len))
		return 1;
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

void cli_stats_describe(void)
{
	static const char *const prefix[CS_STAT_NR_GROUPS] = {
		[CS_STAT_DAEMON] = "", [CS_STAT_ROOT] = "root_", [CS_STAT_CELL] = "cell_",
		[CS_STAT_CELL_CHILD] = "cell_",
	};
	char name[96];

	printf("%-34s %-8s %-5s %-40s %s\n", "FIELD", "KIND", "UNIT", "OPENMETRICS", "MEANING");
	for (int g = 0; g < CS_STAT_NR_GROUPS; g++) {
		unsigned int nr;
		const struct cs_stat_field *f = cs_stat_fields(g, &nr);

		for (unsigned int i = 0; i < nr; i++) {
			char field[96];

			snprintf(field, sizeof(field), "%s.%s", cs_stat_group_where(g), f[i].key);
			cs_openmetrics_name(prefix[g], &f[i], name, sizeof(name));
			printf("%-34s %-8s %-5s %-40s %s\n", field,
			       f[i].kind == CS_STAT_COUNTER ? "counter" : "gauge",
			       cs_stat_unit(&f[i])[0] ? cs_stat_unit(&f[i]) : "-", name, f[i].help);
		}
	}
}
