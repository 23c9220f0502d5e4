// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/policies.c: the policy catalogue (see policies.h).
 */
#include <string.h>

#include "policies.h"

static const struct cs_policy_info cs_policies[] = {
	{ "fifo", "one FIFO queue per cell, round robin with a time slice" },
#ifdef CS_TEST_POLICIES
	{ "test-fault", "TEST ONLY: FIFO that calls scx_bpf_error() after a number of enqueues" },
#endif
};

const struct cs_policy_info *cs_policy_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cs_policies) / sizeof(cs_policies[0]); i++)
		if (!strcmp(cs_policies[i].name, name))
			return &cs_policies[i];
	return NULL;
}

const char *cs_policy_names(void)
{
#ifdef CS_TEST_POLICIES
	return "fifo, test-fault";
#else
	return "fifo";
#endif
}
