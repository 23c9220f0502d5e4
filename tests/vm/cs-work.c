// SPDX-License-Identifier: GPL-2.0
/*
 * tests/vm/cs-work.c: workloads for the VM tests, built static so the guest
 * needs no libraries.
 *
 *   cs-work spin SECONDS     burn CPU for SECONDS (wall clock), then exit 0
 *   cs-work cpus SECONDS OUT burn CPU and record every CPU the task ran on
 *                            (sched_getcpu() each iteration). Writes
 *                            "seq=N cpus=LIST iters=N" to OUT on SIGUSR2 (a
 *                            sample; seq counts samples), and when done or on
 *                            SIGTERM; SIGUSR1 forgets the CPUs and iterations
 *                            seen so far (start a new measurement window).
 *
 *   cs-work moves SECONDS OUT burn CPU and append "NS CPU" to OUT each time
 *                            the task runs on another CPU than before (NS:
 *                            CLOCK_BOOTTIME in ns, when it was first seen there)
 *   cs-work now              print CLOCK_BOOTTIME in ns (the clock of "moves")
 *
 *   cs-work hop SECONDS      change its own affinity to a random non-empty set
 *                            of the online CPUs in a tight loop (a few us of
 *                            work between changes), for SECONDS; prints
 *                            "hops=N" (affinity changes made)
 *
 *   cs-work wake COUNT OUT   a periodic task: COUNT times sleep until 1 ms
 *                            after the last wakeup target, then run ~50 us;
 *                            writes "n=N p50_us=X p99_us=Y max_us=Z" (the
 *                            delay from each target to actually running)
 *   cs-work periodic SECONDS OUT
 *                            the same periodic task for SECONDS of wall clock
 *                            (or until SIGTERM); writes the same fields plus
 *                            "cpus=LIST", every CPU it woke up on
 *
 *   cs-work notify-sink PATH OUT
 *                            what systemd does for Type=notify: bind a datagram
 *                            socket at PATH and append each message received
 *                            to OUT, one line per message (its newlines as
 *                            spaces), until SIGTERM
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
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

enum { CS_WORK_MAX_CPUS = 1024, CS_WORK_CHECK_EVERY = 4096 /* iterations */ };

static volatile sig_atomic_t stop, reset, sample;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		reset = 1;
	else if (sig == SIGUSR2)
		sample = 1;
	else
		stop = 1;
}

static const char *out_path;
static unsigned long nr_samples;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_cpus(const char *path, const unsigned char *seen, unsigned long iters)
{
	char tmp[4096];
	const char *sep = "";
	FILE *f;

	/* write then rename: a reader never sees half a sample */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "seq=%lu cpus=", ++nr_samples);
	for (int c = 0; c < CS_WORK_MAX_CPUS; c++) {
		if (seen[c]) {
			fprintf(f, "%s%d", sep, c);
			sep = ",";
		}
	}
	fprintf(f, " iters=%lu\n", iters);
	if (fclose(f))
		return 1;
	return rename(tmp, path) ? 1 : 0;
}

static int burn(double seconds, unsigned char *seen)
{
	double end = now() + seconds;
	volatile unsigned long sink = 0;
	unsigned long iters = 0;

	for (unsigned long i = 0; !stop; i++, iters++) {
		sink += i;
		if (seen) {
			int cpu = sched_getcpu();

			if (cpu >= 0 && cpu < CS_WORK_MAX_CPUS)
				seen[cpu] = 1;
		}
		if (i % CS_WORK_CHECK_EVERY)
			continue;
		if (now() >= end)
			break;
		if (seen && reset) {
			reset = 0;
			memset(seen, 0, CS_WORK_MAX_CPUS);
			iters = 0;
		}
		if (seen && sample) {
			sample = 0;
			write_cpus(out_path, seen, iters);
		}
	}
	return seen ? write_cpus(out_path, seen, iters) : 0;
}

static long long boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Burn CPU; log each change of CPU with the time it was first seen. */
static int moves(double seconds, const char *out)
{
	double end = now() + seconds;
	FILE *f = fopen(out, "a");
	int last = -1;

	if (!f)
		return 1;
	for (unsigned long i = 0; !stop; i++) {
		int cpu = sched_getcpu();

		if (cpu != last) {
			fprintf(f, "%lld %d\n", boottime_ns(), cpu);
			fflush(f);
			last = cpu;
		}
		if (i % CS_WORK_CHECK_EVERY == 0 && now() >= end)
			break;
	}
	return fclose(f) ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

enum { CS_WAKE_PERIOD_NS = 1000000, CS_WAKE_RUN_NS = 50000 };

/*
 * The periodic task of `wake` and `periodic`: up to @count times, or until
 * @seconds of wall clock have passed (0: no limit), sleep until 1 ms after the
 * last wakeup target, then run ~50 us. Stores each delay from the target to
 * running in @delay and, when @seen is given, every CPU it woke up on. Returns
 * how many wakeups it made.
 */
static long periodic_loop(long count, double seconds, unsigned long long *delay,
			  unsigned char *seen)
{
	double end = seconds > 0 ? now() + seconds : 0;
	struct timespec target, woke;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &target);
	for (i = 0; i < count && !stop && (!end || now() < end); i++) {
		double run_until;

		target.tv_nsec += CS_WAKE_PERIOD_NS;
		if (target.tv_nsec >= 1000000000L) {
			target.tv_nsec -= 1000000000L;
			target.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
		clock_gettime(CLOCK_MONOTONIC, &woke);
		delay[i] = (woke.tv_sec - target.tv_sec) * 1000000000ULL + woke.tv_nsec -
			   target.tv_nsec;
		/* a late wakeup does not pile up: the next period starts now */
		if (delay[i] > CS_WAKE_PERIOD_NS)
			target = woke;
		if (seen) {
			int cpu = sched_getcpu();

			if (cpu >= 0 && cpu < CS_WORK_MAX_CPUS)
				seen[cpu] = 1;
		}
		run_until = now() + CS_WAKE_RUN_NS / 1e9;
		while (now() < run_until)
			;
	}
	return i;
}

/* "n=N p50_us=X p99_us=Y max_us=Z" of the @n delays, sorted in place */
static void print_delays(FILE *f, unsigned long long *delay, long n)
{
	qsort(delay, n, sizeof(*delay), cmp_u64);
	if (!n) {
		fprintf(f, "n=0 p50_us=0 p99_us=0 max_us=0");
		return;
	}
	fprintf(f, "n=%ld p50_us=%llu p99_us=%llu max_us=%llu", n, delay[n / 2] / 1000,
		delay[n * 99 / 100] / 1000, delay[n - 1] / 1000);
}

static int wake(long count, const char *out)
{
	unsigned long long *delay = calloc(count, sizeof(*delay));
	long n;
	FILE *f;

	if (!delay)
		return 1;
	n = periodic_loop(count, 0, delay, NULL);
	f = fopen(out, "w");
	if (!f)
		return 1;
	print_delays(f, delay, n);
	fputc('\n', f);
	free(delay);
	return fclose(f) ? 1 : 0;
}

/* `wake` for SECONDS of wall clock (or until SIGTERM), also listing its CPUs */
static int periodic(double seconds, const char *out)
{
	static unsigned char seen[CS_WORK_MAX_CPUS];
	/* at most one wakeup per period */
	long count = (long)(seconds * 1e9 / CS_WAKE_PERIOD_NS) + 1;
	unsigned long long *delay = calloc(count, sizeof(*delay));
	const char *sep = "";
	long n;
	FILE *f;

	if (!delay)
		return 1;
	n = periodic_loop(count, seconds, delay, seen);
	f = fopen(out, "w");
	if (!f)
		return 1;
	print_delays(f, delay, n);
	fprintf(f, " cpus=");
	for (int c = 0; c < CS_WORK_MAX_CPUS; c++) {
		if (seen[c]) {
			fprintf(f, "%s%d", sep, c);
			sep = ",";
		}
	}
	fputc('\n', f);
	free(delay);
	return fclose(f) ? 1 : 0;
}

/* An affinity storm: a random subset of the online CPUs, over and over. */
static int hop(double seconds)
{
	long nr = sysconf(_SC_NPROCESSORS_ONLN), hops = 0;
	double end = now() + seconds;
	unsigned int seed = getpid();
	cpu_set_t set;

	if (nr < 1 || nr > CS_WORK_MAX_CPUS)
		return 1;
	while (!stop && now() < end) {
		CPU_ZERO(&set);
		for (long c = 0; c < nr; c++)
			if (rand_r(&seed) & 1)
				CPU_SET(c, &set);
		if (!CPU_COUNT(&set))
			CPU_SET(rand_r(&seed) % nr, &set);
		/* an offline CPU in the set is refused (EINVAL): try the next one */
		if (!sched_setaffinity(0, sizeof(set), &set))
			hops++;
		for (volatile int i = 0; i < 2000; i++)
			;
	}
	printf("hops=%ld\n", hops);
	return 0;
}

static int notify_sink(const char *path, const char *out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char msg[4096];
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0 || strlen(path) >= sizeof(sun.sun_path)) {
		perror("notify-sink: socket");
		return 1;
	}
	strcpy(sun.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		perror("notify-sink: bind");
		return 1;
	}
	while (!stop) {
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
		FILE *f;

		if (n < 0)
			continue;	/* EINTR: SIGTERM sets stop */
		msg[n] = 0;
		for (ssize_t i = 0; i < n; i++)
			if (msg[i] == '\n')
				msg[i] = ' ';
		f = fopen(out, "a");
		if (!f)
			return 1;
		fprintf(f, "%s\n", msg);
		fclose(f);
	}
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char seen[CS_WORK_MAX_CPUS];
	struct sigaction sa = { .sa_handler = on_signal };
	double seconds;

	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%lld\n", boottime_ns());
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "notify-sink")) {
		sigaction(SIGTERM, &sa, NULL);
		return notify_sink(argv[2], argv[3]);
	}
	if (argc < 3)
		goto usage;
	seconds = atof(argv[2]);
	if (seconds <= 0)
		goto usage;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	if (!strcmp(argv[1], "spin") && argc == 3)
		return burn(seconds, NULL);
	if (!strcmp(argv[1], "wake") && argc == 4)
		return wake((long)seconds, argv[3]);
	if (!strcmp(argv[1], "hop") && argc == 3)
		return hop(seconds);
	if (!strcmp(argv[1], "periodic") && argc == 4)
		return periodic(seconds, argv[3]);
	if (!strcmp(argv[1], "moves") && argc == 4)
		return moves(seconds, argv[3]);
	if (!strcmp(argv[1], "cpus") && argc == 4) {
		out_path = argv[3];
		return burn(seconds, seen);
	}
usage:
	fprintf(stderr, "usage: cs-work spin SECONDS | cs-work cpus SECONDS OUT | "
		"cs-work moves SECONDS OUT | cs-work hop SECONDS | cs-work now | "
		"cs-work wake COUNT OUT | cs-work periodic SECONDS OUT | "
		"cs-work notify-sink PATH OUT\n");
	return 2;
}
