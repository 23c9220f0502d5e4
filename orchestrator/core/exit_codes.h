/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/exit_codes.h: the process exit codes of every cellsched
 * verb, documented in README.md and stable for scripts. The daemon's control
 * socket answers a refused request with one of them, and the CLI exits with
 * it.
 */
#ifndef CELLSCHED_EXIT_CODES_H
#define CELLSCHED_EXIT_CODES_H

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

#endif /* CELLSCHED_EXIT_CODES_H */
