/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/exitinfo.h: interpreting a sched_ext scheduler's exit info.
 *
 * Owns the classification of the kernel's exit kinds (enum scx_exit_kind in
 * include/linux/sched/ext.h: below 1024 an orderly exit, from 1024 an error)
 * and the one-line text cellsched prints for an exit. Pure: no BPF, no I/O.
 * Prefix: cs_exit.
 */
#ifndef CELLSCHED_EXITINFO_H
#define CELLSCHED_EXITINFO_H

#include <stdbool.h>
#include <stddef.h>

/* Values of the kernel's enum scx_exit_kind that cellsched names. */
enum cs_exit_kind {
	CS_EXIT_KIND_NONE	= 0,
	CS_EXIT_KIND_DONE	= 1,
	CS_EXIT_KIND_UNREG	= 64,	/* link destroyed by user space */
	CS_EXIT_KIND_UNREG_BPF	= 65,	/* scx_bpf_exit() from BPF */
	CS_EXIT_KIND_UNREG_KERN	= 66,
	CS_EXIT_KIND_SYSRQ	= 67,
	CS_EXIT_KIND_PARENT	= 68,
	CS_EXIT_KIND_PARENT_KILL = 69,
	CS_EXIT_KIND_ERROR	= 1024,	/* this and above: errors */
	CS_EXIT_KIND_ERROR_BPF	= 1025,
	CS_EXIT_KIND_ERROR_STALL = 1026,
	CS_EXIT_KIND_ERROR_REENQ = 1027,
	CS_EXIT_KIND_ERROR_RESCUE = 1028,
};

struct cs_exit_info {
	int kind;		/* enum scx_exit_kind */
	long long code;		/* exit code passed to scx_bpf_exit(), 0 otherwise */
	int cpu;		/* CPU that triggered the exit, -1 if unknown */
	char reason[128];	/* the kernel's reason text */
	char msg[1024];		/* the scheduler's or kernel's message */
};

/* True when @kind is an error exit (the kernel ejected the scheduler). */
bool cs_exit_is_error(int kind);

/* Short stable name of @kind ("unregistered", "bpf-error", "stall", ...). */
const char *cs_exit_kind_name(int kind);

/* "KIND: reason (msg) on CPU n" into @buf; returns @buf. */
char *cs_exit_format(const struct cs_exit_info *ei, char *buf, size_t len);

#endif /* CELLSCHED_EXITINFO_H */
