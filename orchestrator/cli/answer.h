/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli/answer.h: reading the daemon's JSON answers for printing
 * (client.c, stats.c): a string field escaped for the terminal, a number, a
 * double; a missing field reads as "" or 0. And printing JSON the way every
 * --json answer (and refusal) is printed (client.c, check.c). Prefix: cli_.
 */
#ifndef CELLSCHED_CLI_ANSWER_H
#define CELLSCHED_CLI_ANSWER_H

#include <json-c/json.h>

/* @s escaped for printing, in one of a few rotating buffers (a line shows several). */
const char *cli_esc(const char *s);

const char *cli_str(json_object *o, const char *key);
long long cli_num(json_object *o, const char *key);
double cli_dbl(json_object *o, const char *key);

/* @o on standard output, pretty, as every --json answer is printed. */
void cli_print_json(json_object *o);

/* A refusal as the daemon's answers carry one: {"ok": false, "exit", "error"}, printed. */
void cli_print_json_error(int code, const char *msg);

#endif
