// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/policies.c: the policy catalogue (see policies.h). Each
 * policy's file header (policies/<policy>/) explains its algorithm; the tunables
 * here are the knobs that header names.
 */
#include <string.h>

#include "policies.h"

enum { US = 1000 /* ns per us: the YAML says us, the children count ns */ };

#define SLICE_US(dfl)									\
	[CS_TUN_SLICE] = { "slice_us", 100, 100000, dfl, US, "time slice in microseconds" }

static const struct cs_policy_info cs_policies[] = {
	{ "fifo", "one FIFO queue per cell, round robin with a time slice", false,
	  1, { SLICE_US(5000) }, .embedded = true },
	{ "vtime", "weighted fair: task nice and sub-cgroup cpu.weight, bounded sleeper credit",
	  false, 2, {
		SLICE_US(5000),
		[CS_VTIME_LAG] = { "lag_us", 0, 1000000, 20000, US,
		  "most vtime credit a sleeping task keeps, in microseconds" },
	  }, .embedded = true },
	{ "latency", "short, frequent runs before CPU hogs; deadlines bound every wait", false,
	  3, {
		SLICE_US(5000),
		[CS_LAT_SHORT] = { "short_us", 10, 100000, 2500, US,
		  "a task whose runs average less is interactive, in microseconds" },
		[CS_LAT_MIN_RUN] = { "min_run_us", 0, 100000, 3000, US,
		  "a CPU hog keeps the CPU at least this long before an interactive task "
		  "preempts it, in microseconds" },
	  }, .embedded = true },
	{ "external", "a sub-scheduler cellsched did not build, attached by the user", true,
	  0, { { 0 } }, .embedded = false },
#ifdef CS_TEST_POLICIES
	{ "test-fault", "TEST ONLY: fifo that calls scx_bpf_error() after fault_after enqueues",
	  false, 2, {
		SLICE_US(5000),
		[CS_FAULT_AFTER] = { "fault_after", 1, 100000000, 200, 1,
		  "enqueues before the error" },
	  }, .embedded = true },
#endif
};

const struct cs_policy_info *cs_policy_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cs_policies) / sizeof(cs_policies[0]); i++)
		if (!strcmp(cs_policies[i].name, name))
			return &cs_policies[i];
	return NULL;
}

int cs_policy_tunable(const struct cs_policy_info *pi, const char *name)
{
	for (unsigned int i = 0; i < pi->nr_tunables; i++)
		if (!strcmp(pi->tunables[i].name, name))
			return (int)i;
	return -1;
}

const char *cs_policy_names(void)
{
#ifdef CS_TEST_POLICIES
	return "fifo, vtime, latency, external, test-fault";
#else
	return "fifo, vtime, latency, external";
#endif
}

void cs_policy_defaults(const struct cs_policy_info *pi, unsigned long long values[CS_MAX_TUNABLES])
{
	for (unsigned int i = 0; i < CS_MAX_TUNABLES; i++)
		values[i] = i < pi->nr_tunables ? pi->tunables[i].dfl : 0;
}
