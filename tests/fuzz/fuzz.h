/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/fuzz/fuzz.h: what every fuzz target shares: the rule that no input
 * may take more than CS_FUZZ_MAX_MS of CPU time. libFuzzer's own -timeout
 * counts whole seconds; a target measures each input with the thread's CPU
 * clock (so a loaded machine does not make it fail) and aborts past the
 * limit, which libFuzzer reports as a crash with the input kept.
 */
#ifndef CS_FUZZ_H
#define CS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { CS_FUZZ_MAX_MS = 100 };

static inline double cs_fuzz_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void cs_fuzz_check_time(double start_ms, const char *what)
{
	double took = cs_fuzz_cpu_ms() - start_ms;

	if (took > CS_FUZZ_MAX_MS) {
		fprintf(stderr, "fuzz: %s took %.1f ms of CPU time (limit %d ms)\n", what, took,
			CS_FUZZ_MAX_MS);
		abort();
	}
}

#endif /* CS_FUZZ_H */
