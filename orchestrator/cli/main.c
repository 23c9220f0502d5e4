// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/main.c: entry point of the `cellsched` program.
 *
 * Parses the global options (--verbose, --quiet, --json, --socket, --version,
 * --help), before or after the verb, and hands the rest of the command line
 * to the verb's cs_cmd_* function (cli.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"
#include "config.h"
#include "log.h"

#ifndef CS_VERSION
#define CS_VERSION "unknown"
#endif

static const char usage[] =
	"usage: cellsched [--verbose|--quiet] [--json] [--socket PATH] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  run       load the root scheduler and the cells, run until SIGINT/SIGTERM or\n"
	"            `cellsched stop` (run -c FILE: cells from a YAML file)\n"
	"  check     validate a configuration file without touching anything\n"
	"  status | cells | cell show|create|resize|delete|assign | rebalance [--dry-run]\n"
	"  | reload [--reset] | stats [--watch S] [--format F] | events [--follow] | stop\n"
	"            talk to the running daemon (`cellsched VERB --help`: that verb's usage)\n"
	"  version   print versions\n"
	"  help      print this help\n"
	"\n"
	"global options (before or after the command):\n"
	"  -v, --verbose   debug messages, including libbpf's\n"
	"  -q, --quiet     errors only\n"
	"  --json          answers of the daemon as JSON\n"
	"  --socket PATH   the daemon's control socket (default $CELLSCHED_SOCKET or\n"
	"                  " CS_SOCKET_DFL ")\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage, 3 no sched_ext, 4 sched_ext busy,\n"
	"            5 permission, 6 BPF load/attach, 7 scheduler stopped without being asked,\n"
	"            8 invalid configuration, 9 cgroup operation failed, 10 no daemon running,\n"
	"            11 no such cell/pid/cgroup, 12 cell not cellsched's to change\n";

/*
 * A global option at @argv[*i] (advanced past its value): 1 taken, 0 not a
 * global option, or the exit code of a mistake (+ 100, never 0 or 1).
 */
static int global_option(int argc, char **argv, int *i, const char **sock, bool *json)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--json")) {
		*json = true;
	} else if (!strcmp(a, "--socket")) {
		if (*i + 1 >= argc || !argv[*i + 1][0]) {
			cs_err("--socket needs a PATH");
			return 100 + CS_EXIT_USAGE;
		}
		*sock = argv[++*i];
	} else if (!strncmp(a, "--socket=", 9)) {
		*sock = a + 9;
	} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
		cs_log_set_level(CS_LOG_DEBUG);
	} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
		cs_log_set_level(CS_LOG_ERROR);
	} else {
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *sock = getenv("CELLSCHED_SOCKET");
	bool json = false, client;
	int i = 1, r, n;

	if (!sock || !sock[0])
		sock = CS_SOCKET_DFL;
	for (; i < argc && argv[i][0] == '-'; i++) {
		r = global_option(argc, argv, &i, &sock, &json);
		if (r > 1)
			return r - 100;
		if (r)
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return CS_EXIT_OK;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version"))
			break;
		cs_err("unknown option '%s' (cellsched --help lists them)", argv[i]);
		return CS_EXIT_USAGE;
	}
	cs_log_hook_libbpf();

	if (i >= argc) {
		fputs(usage, stderr);
		return CS_EXIT_USAGE;
	}
	/* global options after the verb: taken out of its arguments */
	client = cs_is_client_verb(argv[i]);
	n = i + 1;
	for (int j = i + 1; j < argc; j++) {
		int k = j;

		if (client || (strcmp(argv[j], "--json") && strncmp(argv[j], "--socket", 8))) {
			r = global_option(argc, argv, &k, &sock, &json);
			if (r > 1)
				return r - 100;
			if (r && strcmp(argv[j], "--json")) {	/* --json stays: the verb reads it too */
				j = k;
				continue;
			}
		}
		argv[n++] = argv[j];
	}
	argc = n;
	argv[argc] = NULL;
	if (!strcmp(argv[i], "run"))
		return cs_cmd_run(argc - i, argv + i);
	if (!strcmp(argv[i], "check"))
		return cs_cmd_check(json, argc - i, argv + i);
	if (client)
		return cs_cmd_client(sock, json, argc - i, argv + i);
	if (!strcmp(argv[i], "version") || !strcmp(argv[i], "-V") ||
	    !strcmp(argv[i], "--version")) {
		printf("cellsched %s (libbpf %u.%u)\n", CS_VERSION, libbpf_major_version(),
		       libbpf_minor_version());
		return CS_EXIT_OK;
	}
	if (!strcmp(argv[i], "help")) {
		fputs(usage, stdout);
		return CS_EXIT_OK;
	}
	cs_err("unknown command '%s' (cellsched --help lists them)", argv[i]);
	return CS_EXIT_USAGE;
}
