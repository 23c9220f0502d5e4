/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli.h: the cellsched command line: exit codes and verbs.
 *
 * Owns the process exit codes (documented in README.md, stable for scripts)
 * and the entry point of each verb. main.c parses global options and
 * dispatches; each verb parses its own options.
 */
#ifndef CELLSCHED_CLI_H
#define CELLSCHED_CLI_H

#include <stdbool.h>

enum cs_exit_code {
	CS_EXIT_OK		= 0,
	CS_EXIT_FAILURE		= 1,	/* internal or unexpected system error */
	CS_EXIT_USAGE		= 2,	/* bad command line */
	CS_EXIT_NO_SCHED_EXT	= 3,	/* kernel has no sched_ext */
	CS_EXIT_BUSY		= 4,	/* another sched_ext scheduler is attached */
	CS_EXIT_PERM		= 5,	/* not allowed to load BPF (needs root) */
	CS_EXIT_BPF		= 6,	/* BPF load or attach failed */
	CS_EXIT_SCHED_ERROR	= 7,	/* the scheduler stopped without being asked: error, sysrq */
	CS_EXIT_CONFIG		= 8,	/* the configuration is invalid */
	CS_EXIT_CGROUP		= 9,	/* a cgroup operation failed */
	CS_EXIT_NO_DAEMON	= 10,	/* CLI: no cellsched runs (nothing on the socket) */
	CS_EXIT_NOT_FOUND	= 11,	/* CLI: no such cell, pid or cgroup */
	CS_EXIT_REFUSED		= 12,	/* CLI: the cell is not cellsched's to change */
};

int cs_cmd_run(int argc, char **argv);
int cs_cmd_check(int argc, char **argv);
/* The verbs that talk to a running daemon (client.c); @verb is argv[0]. */
int cs_cmd_client(const char *socket, bool json, int argc, char **argv);
bool cs_is_client_verb(const char *verb);

/*
 * Load (when @path is set) and validate a configuration against this machine.
 * Returns CS_EXIT_OK or the exit code to use; the reason is already printed.
 */
struct cs_config;
struct cs_sysinfo;
int cs_load_config(const char *path, struct cs_config *cfg, struct cs_sysinfo *si);

/* Read what cs_config_check needs of this machine for @cfg. CS_EXIT_OK or an exit code. */
int cs_read_sysinfo(const struct cs_config *cfg, struct cs_sysinfo *si);

#endif /* CELLSCHED_CLI_H */
