// SPDX-License-Identifier: GPL-2.0
/*
 * bench/queue_bench.c: how fast are the arena IPC queues (ipc/queue_impl.h)
 * next to the kernel's own BPF_MAP_TYPE_QUEUE and BPF ring buffer?
 *
 * Every arm moves 32-byte messages; each is run REPS times and the median
 * (with min and max) is printed in ns per message:
 *   BPF -> BPF   one SEC("syscall") program pushes and pops back in a
 *                bpf_for loop (ns per push+pop pair);
 *   BPF -> user  a thread runs the BPF producer program on one CPU while
 *                the main thread pops on another (ns per message delivered:
 *                the throughput of the slower side);
 *   ring buffer, BPF only: reserve + submit with nobody consuming (the ring
 *                is drained, untimed, between batches): the producer's cost.
 * The closing line is the ratio of BPF_MAP_TYPE_QUEUE to our SPSC queue,
 * BPF -> BPF (goal: ours at least 3x faster). This is a measurement, not a
 * test: it never fails on a speed goal. Needs root (exits 77 otherwise).
 *
 * Usage: queue_bench [REPS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cellsched.h"
#include "queue_impl.h"
#include "queue_bench.skel.h"

/* Keep in sync with bench/queue_bench.bpf.c. */
enum {
	QB_MSG_LEN	= 32,		/* bytes, every arm */
	QB_QUEUE_CAP	= 4096,		/* messages, BPF_MAP_TYPE_QUEUE */
	QB_RINGBUF	= 256 * 1024,	/* bytes, ring buffer */
};

struct qb_args {
	__u64 q;
	__u32 kind, cap, n, done;
	__u64 seq, sum;
	__s32 ret;
	__u32 rsvd;
};
_Static_assert(sizeof(struct qb_args) == 48, "struct qb_args differs from queue_bench.bpf.c");

enum {
	REPS_DFL	= 7,		/* runs per arm */
	CSQ_CAP		= 4096,		/* messages, our queues (as the QUEUE map) */
	N_LOOP		= 1000000,	/* messages per BPF -> BPF run */
	N_XFER		= 1000000,	/* messages per BPF -> user run */
	N_SYSCALL	= 100000,	/* messages per QUEUE map -> user run (a syscall each) */
	RB_BATCH	= 4096,		/* messages per ring-buffer-only batch (fits the ring) */
	MAX_REPS	= 99,
};

enum arm_kind { ARM_CSQ, ARM_MAPQ, ARM_RB };

static struct queue_bench_bpf *skel;
static int cpu_prod = -1, cpu_cons = -1;

static void die(const char *what, int err)
{
	fprintf(stderr, "queue_bench: %s failed: %d (%s)\n", what, err, strerror(err < 0 ? -err : err));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void run(struct bpf_program *prog, struct qb_args *a)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = a, .ctx_size_in = sizeof(*a));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	if (err)
		die(bpf_program__name(prog), err);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static struct csq *create(__u32 kind)
{
	struct qb_args a = { .kind = kind, .cap = CSQ_CAP };

	run(skel->progs.qb_create, &a);
	if (a.ret)
		die("qb_create", a.ret);
	return csq_ptr(a.q);
}

/* ---- BPF -> BPF ---------------------------------------------------------- */

static double loop_arm(struct bpf_program *prog, struct csq *q)
{
	struct qb_args a = { .q = csq_addr(q), .n = N_LOOP };
	double t0 = now_ns(), t;

	run(prog, &a);
	t = now_ns() - t0;
	if (a.ret || a.done != N_LOOP || a.sum != (__u64)N_LOOP * (N_LOOP - 1) / 2)
		die(bpf_program__name(prog), a.ret ? a.ret : -EPROTO);
	return t / N_LOOP;
}

struct rb_ctx {
	__u64 got, bad;
};

/* Ring buffer callback: messages must arrive as seq 0, 1, 2, ... */
static int rb_check(void *ctx, void *data, size_t size)
{
	struct rb_ctx *c = ctx;
	const __u64 *m = data;

	c->bad += size != QB_MSG_LEN || m[0] != c->got || m[3] != (c->got ^ 3);
	c->got++;
	return 0;
}

/*
 * Ring buffer without concurrency: BPF fills a batch (timed: the producer's
 * cost), then userspace drains it (timed separately: the consumer's cost).
 */
static double rb_only_arm(struct ring_buffer *rb, struct rb_ctx *rbc, double *consume_ns)
{
	const int batches = N_LOOP / RB_BATCH;
	double t = 0, tc = 0;

	*rbc = (struct rb_ctx){};
	for (int b = 0; b < batches; b++) {
		struct qb_args a = { .n = RB_BATCH, .seq = (__u64)b * RB_BATCH };
		double t0 = now_ns();

		run(skel->progs.qb_rb_push, &a);
		t += now_ns() - t0;
		if (a.done != RB_BATCH)
			die("qb_rb_push", -ENOSPC);
		t0 = now_ns();
		ring_buffer__consume(rb);
		tc += now_ns() - t0;
	}
	if (rbc->got != (__u64)batches * RB_BATCH || rbc->bad)
		die("ring buffer drain", -EPROTO);
	*consume_ns = tc / ((double)batches * RB_BATCH);
	return t / ((double)batches * RB_BATCH);
}

/* ---- BPF -> userspace -------------------------------------------------- */

struct xfer {
	enum arm_kind kind;
	struct csq *q;
	__u64 n;
	volatile int go;
	int err;
};

/* The producer thread: runs the arm's BPF push program until n are in. */
static void *xfer_producer(void *arg)
{
	struct xfer *x = arg;
	struct bpf_program *prog = x->kind == ARM_CSQ ? skel->progs.qb_csq_push :
				   x->kind == ARM_MAPQ ? skel->progs.qb_mapq_push :
				   skel->progs.qb_rb_push;
	__u64 seq = 0;

	pin(cpu_prod);
	while (!x->go)
		;
	while (seq < x->n) {
		struct qb_args a = { .q = csq_addr(x->q), .seq = seq, .n = x->n - seq };

		run(prog, &a);
		if (a.ret && a.ret != CSQ_FULL && a.ret != -E2BIG) {
			x->err = a.ret;
			break;
		}
		seq = a.seq;
	}
	return NULL;
}

/* Time n messages from the BPF producer (other CPU) to this thread. */
static double xfer_arm(enum arm_kind kind, struct csq *q, __u64 n, struct ring_buffer *rb,
		       struct rb_ctx *rbc)
{
	struct xfer x = { .kind = kind, .q = q, .n = n };
	int fd = bpf_map__fd(skel->maps.mapq);
	__u64 got = 0, bad = 0, m[QB_MSG_LEN / 8];
	pthread_t th;
	double t0, t;

	if (pthread_create(&th, NULL, xfer_producer, &x))
		die("pthread_create", errno);
	*rbc = (struct rb_ctx){};
	t0 = now_ns();
	x.go = 1;
	while (got < n) {
		if (kind == ARM_CSQ) {
			if (csq_pop(q, m, sizeof(m)) != QB_MSG_LEN)
				continue;
		} else if (kind == ARM_MAPQ) {
			if (bpf_map_lookup_and_delete_elem(fd, NULL, m))
				continue;
		} else {
			ring_buffer__consume(rb);
			got = rbc->got;
			continue;
		}
		bad += m[0] != got || m[3] != (got ^ 3);
		got++;
	}
	t = now_ns() - t0;
	pthread_join(th, NULL);
	if (x.err || bad || rbc->bad)
		die("BPF -> user transfer", x.err ? x.err : -EPROTO);
	return t / n;
}

/* ---- Driver ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	const char *name;
	double med, min, max;
};

static void summarise(struct result *r, const char *name, double *v, int reps)
{
	qsort(v, reps, sizeof(*v), cmp_double);
	*r = (struct result){ name, v[reps / 2], v[0], v[reps - 1] };
	printf("%-44s %8.1f %8.1f %8.1f\n", name, r->med, r->min, r->max);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : REPS_DFL;
	double v[MAX_REPS], v2[MAX_REPS];
	struct result res[9];
	struct rb_ctx rbc = {};
	struct ring_buffer *rb;
	struct csq *spsc, *mpsc;
	cpu_set_t cpus;
	int i, ncpu = 0;

	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: queue_bench [REPS (1..%d)]\n", MAX_REPS);
		return 2;
	}
	if (geteuid() != 0) {
		printf("queue_bench: needs root to load BPF; skipped\n");
		return 77;
	}
	skel = queue_bench_bpf__open_and_load();
	if (!skel)
		die("loading the BPF object", errno);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), rb_check, &rbc, NULL);
	if (!rb)
		die("ring_buffer__new", errno);
	/* the first two CPUs we may run on: producer, consumer */
	if (!sched_getaffinity(0, sizeof(cpus), &cpus))
		for (i = 0; i < CPU_SETSIZE && ncpu < 2; i++)
			if (CPU_ISSET(i, &cpus))
				*(ncpu++ ? &cpu_cons : &cpu_prod) = i;
	pin(cpu_cons);
	spsc = create(CSQ_SPSC);
	mpsc = create(CSQ_MPSC);

	printf("queue_bench: %d-byte messages, median of %d runs", QB_MSG_LEN, reps);
	if (ncpu >= 2)
		printf(", BPF->user: BPF producer on CPU %d, consumer on CPU %d", cpu_prod, cpu_cons);
	printf("\n");
	printf("capacity: our queues %d slots, QUEUE map %d entries, ring buffer %d KiB\n",
	       CSQ_CAP, QB_QUEUE_CAP, QB_RINGBUF / 1024);
	printf("%-44s %8s %8s %8s\n", "arm (ns per message)", "median", "min", "max");

	/* warm-up: fault in the arena pages, the ring, the caches */
	loop_arm(skel->progs.qb_csq_pushpop, spsc);
	loop_arm(skel->progs.qb_csq_pushpop, mpsc);
	loop_arm(skel->progs.qb_mapq_pushpop, NULL);

	for (i = 0; i < reps; i++)
		v[i] = loop_arm(skel->progs.qb_csq_pushpop, spsc);
	summarise(&res[0], "ours SPSC     BPF->BPF  push+pop", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = loop_arm(skel->progs.qb_csq_pushpop, mpsc);
	summarise(&res[1], "ours MPSC     BPF->BPF  push+pop", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = loop_arm(skel->progs.qb_mapq_pushpop, NULL);
	summarise(&res[2], "QUEUE map     BPF->BPF  push+pop", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = rb_only_arm(rb, &rbc, &v2[i]);
	summarise(&res[3], "ring buffer   BPF only  reserve+submit", v, reps);
	summarise(&res[8], "ring buffer   user only consume (filled)", v2, reps);
	if (ncpu < 2) {
		/* the producer spins in BPF: it needs a CPU of its own */
		printf("BPF->user arms skipped: they need 2 CPUs\n");
		goto out;
	}
	for (i = 0; i < reps; i++)
		v[i] = xfer_arm(ARM_CSQ, spsc, N_XFER, rb, &rbc);
	summarise(&res[4], "ours SPSC     BPF->user (concurrent)", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = xfer_arm(ARM_CSQ, mpsc, N_XFER, rb, &rbc);
	summarise(&res[5], "ours MPSC     BPF->user (concurrent)", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = xfer_arm(ARM_MAPQ, NULL, N_SYSCALL, rb, &rbc);
	summarise(&res[6], "QUEUE map     BPF->user (syscall pop)", v, reps);
	for (i = 0; i < reps; i++)
		v[i] = xfer_arm(ARM_RB, NULL, N_XFER, rb, &rbc);
	summarise(&res[7], "ring buffer   BPF->user (consume)", v, reps);

	printf("ratio ring buffer / ours SPSC, BPF->user: %.2fx\n", res[7].med / res[4].med);
	printf("refused pushes counted by our queues: SPSC %llu full, MPSC %llu full "
	       "(the producers retried them)\n",
	       (unsigned long long)spsc->nr_full, (unsigned long long)mpsc->nr_full);
out:
	printf("ratio QUEUE map / ours SPSC, BPF->BPF: %.2fx (goal: >= 3x)\n",
	       res[2].med / res[0].med);
	ring_buffer__free(rb);
	queue_bench_bpf__destroy(skel);
	return 0;
}
