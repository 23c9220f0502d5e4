// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/answer.c: fields of the daemon's answers, ready to print
 * (see answer.h).
 */
#include "answer.h"
#include "escape.h"

const char *cli_esc(const char *s)
{
	static char ring[8][16384];
	static unsigned int next;

	return cs_escape(s, ring[next++ % 8], sizeof(ring[0]));
}

const char *cli_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "";
	return cli_esc(json_object_get_string(v));
}

long long cli_num(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

double cli_dbl(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}
