// SPDX-License-Identifier: GPL-2.0
/*
 * tests/vm/cs-work.c: workloads for the VM tests, built static so the guest
 * needs no libraries.
 *
 *   cs-work spin SECONDS     burn CPU for SECONDS (wall clock), then exit 0
 *   cs-work cpus SECONDS OUT burn CPU and record every CPU the task ran on
 *                            (sched_getcpu() each iteration); writes the set
 *                            as a comma list to OUT when done or on SIGTERM
 *
 * Exit status 2 on bad usage.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { CS_WORK_MAX_CPUS = 1024, CS_WORK_CHECK_EVERY = 4096 /* iterations */ };

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int burn(double seconds, unsigned char *seen)
{
	double end = now() + seconds;
	volatile unsigned long sink = 0;

	for (unsigned long i = 0; !stop; i++) {
		sink += i;
		if (seen) {
			int cpu = sched_getcpu();

			if (cpu >= 0 && cpu < CS_WORK_MAX_CPUS)
				seen[cpu] = 1;
		}
		if (i % CS_WORK_CHECK_EVERY == 0 && now() >= end)
			break;
	}
	return 0;
}

static int write_cpus(const char *path, const unsigned char *seen)
{
	FILE *f = fopen(path, "w");
	const char *sep = "";

	if (!f)
		return 1;
	for (int c = 0; c < CS_WORK_MAX_CPUS; c++) {
		if (seen[c]) {
			fprintf(f, "%s%d", sep, c);
			sep = ",";
		}
	}
	fputc('\n', f);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static unsigned char seen[CS_WORK_MAX_CPUS];
	struct sigaction sa = { .sa_handler = on_term };
	double seconds;

	if (argc < 3)
		goto usage;
	seconds = atof(argv[2]);
	if (seconds <= 0)
		goto usage;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (!strcmp(argv[1], "spin") && argc == 3)
		return burn(seconds, NULL);
	if (!strcmp(argv[1], "cpus") && argc == 4) {
		burn(seconds, seen);
		return write_cpus(argv[3], seen);
	}
usage:
	fprintf(stderr, "usage: cs-work spin SECONDS | cs-work cpus SECONDS OUT\n");
	return 2;
}
