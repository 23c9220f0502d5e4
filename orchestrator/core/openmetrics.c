// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/openmetrics.c: the statistics as OpenMetrics text (see
 * openmetrics.h). One family per field of the catalogue, its samples (one
 * per cell for the cells' fields) together, in the catalogue's order.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openmetrics.h"
#include "stats_catalog.h"

/* A family's name and how to turn the answer's value into its unit. */
struct family {
	char name[96];
	const char *unit;	/* OpenMetrics unit ("seconds", "ratio") or "" */
	double scale;
};

static void family_of(const char *prefix, const struct cs_stat_field *f, struct family *fam)
{
	static const struct { const char *unit, *suffix, *om; double scale; } units[] = {
		{ "us", "_us", "seconds", 1e-6 }, { "ns", "_ns", "seconds", 1e-9 },
		{ "s", "_s", "seconds", 1 }, { "pct", "_pct", "ratio", 0.01 },
	};
	const char *unit = cs_stat_unit(f);
	size_t n;

	n = (size_t)snprintf(fam->name, sizeof(fam->name), "cellsched_%s%s", prefix, f->key);
	for (size_t i = 0; i < n && i < sizeof(fam->name); i++)
		fam->name[i] = (char)tolower((unsigned char)fam->name[i]);
	fam->unit = "";
	fam->scale = 1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t sl = strlen(units[i].suffix);

		if (strcmp(unit, units[i].unit))
			continue;
		if (n > sl && !strcmp(fam->name + n - sl, units[i].suffix))
			fam->name[n - sl] = 0;
		strncat(fam->name, "_", sizeof(fam->name) - strlen(fam->name) - 1);
		strncat(fam->name, units[i].om, sizeof(fam->name) - strlen(fam->name) - 1);
		fam->unit = units[i].om;
		fam->scale = units[i].scale;
	}
}

void cs_openmetrics_name(const char *prefix, const struct cs_stat_field *f, char *buf, size_t len)
{
	struct family fam;

	family_of(prefix, f, &fam);
	snprintf(buf, len, "%s%s", fam.name, f->kind == CS_STAT_COUNTER ? "_total" : "");
}

static void header(FILE *f, const struct family *fam, const struct cs_stat_field *field)
{
	fprintf(f, "# TYPE %s %s\n", fam->name,
		field->kind == CS_STAT_COUNTER ? "counter" : "gauge");
	if (fam->unit[0])
		fprintf(f, "# UNIT %s %s\n", fam->name, fam->unit);
	fprintf(f, "# HELP %s %s\n", fam->name, field->help);
}

/* A label value, escaped as OpenMetrics wants (\\, \", \n). */
static void label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void sample(FILE *f, const struct family *fam, const struct cs_stat_field *field,
		   json_object *v, json_object *cell)
{
	json_object *name, *policy;

	fprintf(f, "%s%s", fam->name, field->kind == CS_STAT_COUNTER ? "_total" : "");
	if (cell && json_object_object_get_ex(cell, "name", &name) &&
	    json_object_object_get_ex(cell, "policy", &policy)) {
		fputc('{', f);
		label(f, "cell", json_object_get_string(name), true);
		label(f, "policy", json_object_get_string(policy), false);
		fputc('}', f);
	}
	if (fam->scale == 1 && json_object_is_type(v, json_type_int))
		fprintf(f, " %lld\n", (long long)json_object_get_int64(v));
	else
		fprintf(f, " %.9g\n", json_object_get_double(v) * fam->scale);
}

/* Every field of @group from the object @o (NULL: none) */
static void flat_group(FILE *f, enum cs_stat_group group, const char *prefix, json_object *o)
{
	unsigned int nr;
	const struct cs_stat_field *fields = cs_stat_fields(group, &nr);
	struct family fam;
	json_object *v;

	for (unsigned int i = 0; o && i < nr; i++) {
		if (!json_object_object_get_ex(o, fields[i].key, &v))
			continue;
		family_of(prefix, &fields[i], &fam);
		header(f, &fam, &fields[i]);
		sample(f, &fam, &fields[i], v, NULL);
	}
}

/* Every field of @group for each cell of @cells; @sub: the object in a cell holding them */
static void cell_group(FILE *f, enum cs_stat_group group, json_object *cells, const char *sub)
{
	unsigned int nr;
	const struct cs_stat_field *fields = cs_stat_fields(group, &nr);
	size_t n = cells ? json_object_array_length(cells) : 0;
	struct family fam;
	json_object *o, *v;

	for (unsigned int i = 0; i < nr; i++) {
		family_of("cell_", &fields[i], &fam);
		header(f, &fam, &fields[i]);
		for (size_t c = 0; c < n; c++) {
			json_object *cell = json_object_array_get_idx(cells, c);

			o = cell;
			if (sub && !json_object_object_get_ex(cell, sub, &o))
				continue;	/* no child running: no counters */
			if (json_object_object_get_ex(o, fields[i].key, &v))
				sample(f, &fam, &fields[i], v, cell);
		}
	}
}

int cs_openmetrics(json_object *stats, char **out, size_t *len)
{
	json_object *o, *cells = NULL;
	FILE *f = open_memstream(out, len);

	if (!f)
		return -ENOMEM;
	fputs("# TYPE cellsched info\n# HELP cellsched what runs: the mode (native, embedded)"
	      " and the version\ncellsched_info{", f);
	label(f, "mode", json_object_object_get_ex(stats, "mode", &o) ?
	      json_object_get_string(o) : "", true);
	label(f, "version", CS_VERSION, false);
	fputs("} 1\n", f);
	flat_group(f, CS_STAT_DAEMON, "",
		   json_object_object_get_ex(stats, "daemon", &o) ? o : NULL);
	flat_group(f, CS_STAT_ROOT, "root_",
		   json_object_object_get_ex(stats, "root", &o) ? o : NULL);
	json_object_object_get_ex(stats, "cells", &cells);
	cell_group(f, CS_STAT_CELL, cells, NULL);
	cell_group(f, CS_STAT_CELL_CHILD, cells, "stats");
	fputs("# EOF\n", f);
	return fclose(f) ? -ENOMEM : 0;
}
