/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/policies.h: the catalogue of child policies a cell can name.
 *
 * Owns policy names and descriptions as the configuration sees them. Pure (no
 * BPF): the loaders for each policy live in child.c. Test-only policies exist
 * only in builds configured with -Dtest_policies=true (scripts/test does).
 * Prefix: cs_policy.
 */
#ifndef CELLSCHED_POLICIES_H
#define CELLSCHED_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

struct cs_policy_info {
	const char *name;
	const char *desc;
};

/* The policy called @name, or NULL. */
const struct cs_policy_info *cs_policy_find(const char *name);

/* "fifo, ..." for messages. */
const char *cs_policy_names(void);

#define CS_POLICY_DEFAULT "fifo"

#endif /* CELLSCHED_POLICIES_H */
