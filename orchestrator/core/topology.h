/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/topology.h: the machine's CPU topology as the planner needs
 * it: which CPUs are SMT siblings of one core and which share a last-level
 * cache (LLC).
 *
 * Owns reading it from sysfs (cpuN/topology/thread_siblings_list and the
 * highest-level cache's shared_cpu_list), building it from an override
 * (configuration key `topology:`, lists of CPU lists) and making up regular
 * ones for tests. Prefix: cs_topo.
 */
#ifndef CELLSCHED_TOPOLOGY_H
#define CELLSCHED_TOPOLOGY_H

#include <stddef.h>

#include "cpus.h"

struct cs_topo {
	struct cs_cpus cpus;		/* the CPUs described (online ones) */
	/* [cpu]: lowest CPU of its core / of its LLC; -1 for CPUs not in @cpus */
	short core[CS_MAX_CIDS];
	short llc[CS_MAX_CIDS];
};

/*
 * Read the topology of the CPUs in @online from @sysfs_cpu (normally
 * "/sys/devices/system/cpu"): cpuN/topology/thread_siblings_list and the
 * shared_cpu_list of the cpuN/cache/indexK with the largest `level` (among
 * equal levels the highest K), both intersected with @online. Lists that
 * disagree are merged, so cores and LLCs always partition @online, and a
 * core's CPUs always share an LLC. A CPU whose files are missing is its own
 * core and its own LLC. Returns 0, -errno when @sysfs_cpu or a file that
 * exists cannot be read, -EINVAL when a file is not a CPU list.
 */
int cs_topo_read(const char *sysfs_cpu, const struct cs_cpus *online, struct cs_topo *t);

/*
 * Build from groups: @cores[0..nr_cores) are sets of SMT siblings, @llcs the
 * sets sharing an LLC; CPUs of @online in no group are their own core / LLC.
 * Empty groups are ignored. Returns 0, or -EINVAL with a message in @err
 * (and @t untouched) when groups overlap, a core spans two LLCs or a group
 * names a CPU outside @online.
 */
int cs_topo_from_groups(const struct cs_cpus *online, const struct cs_cpus *cores,
			unsigned int nr_cores, const struct cs_cpus *llcs, unsigned int nr_llcs,
			struct cs_topo *t, char *err, size_t errlen);

/*
 * A regular machine for tests: CPUs 0..nr_cpus-1, @smt threads per core
 * (consecutive CPU numbers), @llc_cpus CPUs per LLC (a multiple of @smt:
 * rounded down to one, at least @smt).
 */
void cs_topo_synth(unsigned int nr_cpus, unsigned int smt, unsigned int llc_cpus,
		   struct cs_topo *t);

/* "4 CPUs, 2 cores, 1 LLC" into @buf; returns @buf. */
char *cs_topo_describe(const struct cs_topo *t, char *buf, size_t len);

#endif /* CELLSCHED_TOPOLOGY_H */
