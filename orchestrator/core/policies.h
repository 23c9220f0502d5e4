/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/policies.h: the catalogue of child policies a cell can name,
 * and their tunables.
 *
 * Owns policy names, descriptions and each policy's tunables (name, unit,
 * range, default, scale to the child's unit) as the configuration sees them.
 * Pure (no BPF): the loaders that hand tunables to a child live in
 * daemon/child.c. Test-only
 * policies exist only in builds configured with -Dtest_policies=true
 * (scripts/test does). Prefix: cs_policy.
 */
#ifndef CELLSCHED_POLICIES_H
#define CELLSCHED_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

#include "cellsched.h"		/* CS_MAX_TUNABLES, enum cs_tunable_idx */

/*
 * A tunable as the YAML sees it. Its index in cs_policy_info.tunables[] is
 * its index in the child's tunable array (enum cs_tunable_idx); the child
 * holds value x scale (e.g. slice_us x 1000 = ns).
 */
struct cs_tunable {
	const char *name;		/* YAML key in the cell */
	unsigned long long min, max, dfl;
	unsigned long long scale;	/* child unit per YAML unit */
	const char *desc;		/* with its unit */
};

struct cs_policy_info {
	const char *name;
	const char *desc;
	bool external;			/* cellsched loads nothing for the cell */
	unsigned int nr_tunables;
	struct cs_tunable tunables[CS_MAX_TUNABLES];
	bool embedded;			/* embedded mode's scheduler runs it too */
};

/* The policy called @name, or NULL. */
const struct cs_policy_info *cs_policy_find(const char *name);

/* Index of tunable @name of @pi, or -1. */
int cs_policy_tunable(const struct cs_policy_info *pi, const char *name);

/* "fifo, vtime, ..." for messages. */
const char *cs_policy_names(void);

/* Fill @values with @pi's defaults. */
void cs_policy_defaults(const struct cs_policy_info *pi, unsigned long long values[CS_MAX_TUNABLES]);

#define CS_POLICY_DEFAULT "fifo"

#endif /* CELLSCHED_POLICIES_H */
