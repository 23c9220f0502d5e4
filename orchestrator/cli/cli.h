/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli/cli.h: the entry point of each cellsched verb. main.c
 * parses the global options and dispatches; each verb parses its own options.
 * `run` is the daemon (daemon/run.c); the others talk to it (client.c) or
 * check a file (check.c). Exit codes: core/exit_codes.h.
 */
#ifndef CELLSCHED_CLI_H
#define CELLSCHED_CLI_H

#include <stdbool.h>

#include "exit_codes.h"

int cs_cmd_run(int argc, char **argv);
int cs_cmd_check(bool json, int argc, char **argv);
/* The verbs that talk to a running daemon (client.c); @verb is argv[0]. */
int cs_cmd_client(const char *socket, bool json, int argc, char **argv);
bool cs_is_client_verb(const char *verb);

#endif /* CELLSCHED_CLI_H */
