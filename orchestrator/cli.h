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

enum cs_exit_code {
	CS_EXIT_OK		= 0,
	CS_EXIT_FAILURE		= 1,	/* internal or unexpected system error */
	CS_EXIT_USAGE		= 2,	/* bad command line */
	CS_EXIT_NO_SCHED_EXT	= 3,	/* kernel has no sched_ext */
	CS_EXIT_BUSY		= 4,	/* another sched_ext scheduler is attached */
	CS_EXIT_PERM		= 5,	/* not allowed to load BPF (needs root) */
	CS_EXIT_BPF		= 6,	/* BPF load or attach failed */
	CS_EXIT_SCHED_ERROR	= 7,	/* the scheduler stopped without being asked: error, sysrq */
};

int cs_cmd_run(int argc, char **argv);

#endif /* CELLSCHED_CLI_H */
