/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/cpu_util.h: how busy a set of CPUs was, from the
 * kernel's per-CPU times in /proc/stat, and how many tasks were runnable
 * (the root cell's utilisation and load, which no policy of ours reports).
 * Prefix: cs_util.
 */
#ifndef CELLSCHED_CPU_UTIL_H
#define CELLSCHED_CPU_UTIL_H

#include <stdint.h>

#include "cpus.h"

struct cs_util {
	struct cs_cpus set;	/* the CPUs of the last sample */
	uint64_t busy, total;	/* their USER_HZ ticks then */
	double pct;		/* between the last two samples; < 0: not known yet */
	unsigned int running;	/* procs_running then: the machine's runnable tasks */
};

/*
 * Sample @set's times from @proc_stat (e.g. "/proc/stat"); @u->pct becomes
 * the utilisation since the last sample (< 0 when there was none of the same
 * CPUs), @u->running the kernel's count of runnable tasks (every CPU's,
 * the reader included). 0 or -errno.
 */
int cs_util_sample(struct cs_util *u, const struct cs_cpus *set, const char *proc_stat);

#endif
