// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/answer.c: fields of the daemon's answers, ready to print
 * (see answer.h).
 */
#include <stdio.h>

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

void cli_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
}

void cli_print_json_error(int code, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "exit", json_object_new_int(code));
	json_object_object_add(o, "error", json_object_new_string(msg));
	cli_print_json(o);
	json_object_put(o);
}
