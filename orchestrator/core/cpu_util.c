// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/cpu_util.c: utilisation of a CPU set from /proc/stat
 * (see cpu_util.h): busy is every time but idle and iowait; the runnable
 * tasks are its procs_running line.
 */
#include <errno.h>
#include <stdio.h>

#include "cpu_util.h"

int cs_util_sample(struct cs_util *u, const struct cs_cpus *set, const char *proc_stat)
{
	unsigned long long t[10];
	uint64_t busy = 0, total = 0;
	char line[512];
	unsigned int cpu;
	FILE *f = fopen(proc_stat, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			       &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9]);
		uint64_t all = 0;

		if (sscanf(line, "procs_running %u", &u->running) == 1)
			continue;
		if (n < 9 || !cs_cpus_test(set, cpu))
			continue;	/* the "cpu" total line, or another CPU */
		for (int i = 0; i < n - 1 && i < 8; i++)	/* guest times are inside user */
			all += t[i];
		total += all;
		busy += all - t[3] - t[4];	/* idle, iowait */
	}
	fclose(f);
	u->pct = cs_cpus_equal(&u->set, set) && total > u->total && busy >= u->busy ?
		 100.0 * (double)(busy - u->busy) / (double)(total - u->total) : -1;
	u->set = *set;
	u->busy = busy;
	u->total = total;
	return 0;
}
