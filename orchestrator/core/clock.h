/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/clock.h: the one clock the controller measures time
 * with: CLOCK_MONOTONIC, in milliseconds (ticks, backoffs, deadlines) or in
 * microseconds (how long an operation took).
 */
#ifndef CELLSCHED_CLOCK_H
#define CELLSCHED_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t cs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static inline uint64_t cs_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

#endif /* CELLSCHED_CLOCK_H */
