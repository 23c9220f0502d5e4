// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/om_render.c: om-render FILE: the OpenMetrics text
 * (core/openmetrics.c) of a `stats` answer read from FILE (JSON), on
 * standard output; for tests/unit/openmetrics.py, which parses it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "openmetrics.h"

int main(int argc, char **argv)
{
	json_object *stats;
	char *text;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: om-render STATS.json\n");
		return 2;
	}
	stats = json_object_from_file(argv[1]);
	if (!stats) {
		fprintf(stderr, "om-render: cannot read %s: %s\n", argv[1], json_util_get_last_err());
		return 1;
	}
	if (cs_openmetrics(stats, &text, &len))
		return 1;
	fwrite(text, 1, len, stdout);
	free(text);
	json_object_put(stats);
	return 0;
}
