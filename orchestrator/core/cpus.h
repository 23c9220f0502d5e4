/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/cpus.h: sets of CPU (or cid) numbers and the kernel's list
 * syntax for them ("0-3,8,10-11", as in cpuset.cpus and
 * /sys/devices/system/cpu/online).
 *
 * Owns parsing (with a message that says what is wrong), formatting and set
 * arithmetic. Pure: no I/O. Prefix: cs_cpus.
 */
#ifndef CELLSCHED_CPUS_H
#define CELLSCHED_CPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cellsched.h"

struct cs_cpus {
	uint64_t bits[CS_CID_WORDS];	/* CPU n is bit n; at most CS_MAX_CIDS CPUs */
};

/*
 * Parse @s ("" is the empty set). Returns 0, or -EINVAL with a message in
 * @err naming the offending part.
 */
int cs_cpus_parse(const char *s, struct cs_cpus *out, char *err, size_t errlen);

/*
 * Format as ranges ("0-3,8"); "" for the empty set. Returns @buf. A list that
 * does not fit ends in "..." (never a shorter list that names other CPUs);
 * 4096 bytes always hold CS_MAX_CIDS CPUs.
 */
char *cs_cpus_format(const struct cs_cpus *set, char *buf, size_t len);

static inline bool cs_cpus_test(const struct cs_cpus *s, unsigned int cpu)
{
	return cpu < CS_MAX_CIDS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cs_cpus_set(struct cs_cpus *s, unsigned int cpu)
{
	if (cpu < CS_MAX_CIDS)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline void cs_cpus_clear(struct cs_cpus *s, unsigned int cpu)
{
	if (cpu < CS_MAX_CIDS)
		s->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

unsigned int cs_cpus_count(const struct cs_cpus *s);
bool cs_cpus_empty(const struct cs_cpus *s);
bool cs_cpus_equal(const struct cs_cpus *a, const struct cs_cpus *b);
bool cs_cpus_subset(const struct cs_cpus *a, const struct cs_cpus *of);
bool cs_cpus_intersects(const struct cs_cpus *a, const struct cs_cpus *b);
void cs_cpus_or(struct cs_cpus *dst, const struct cs_cpus *src);
void cs_cpus_and(struct cs_cpus *dst, const struct cs_cpus *src);
void cs_cpus_andnot(struct cs_cpus *dst, const struct cs_cpus *src);
/* Lowest CPU in @s, -1 if empty. */
int cs_cpus_first(const struct cs_cpus *s);

#endif /* CELLSCHED_CPUS_H */
