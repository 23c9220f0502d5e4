// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bpf/test_queue.c: the arena IPC queues (ipc/queue.h, ipc/queue_impl.h)
 * run by the host kernel. BPF code pushes and pops through the SEC("syscall")
 * programs of queue_test.bpf.c (bpf_prog_test_run_opts); userspace pushes and
 * pops through the arena's mmap at CS_ARENA_ADDR, with the same inline code.
 * Covers every direction (BPF->BPF, BPF->user, user->BPF), FIFO order per
 * producer, full/empty/wrap edges, refused messages and their counters, the
 * message formats, and concurrent producers and consumers (4 x 1,000,000
 * messages on one MPSC queue). Needs root (BPF loading); skipped with that
 * reason otherwise.
 */
#define _GNU_SOURCE		/* sched_getaffinity(), CPU_COUNT() */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cellsched.h"
#include "queue_impl.h"
#ifndef QT_SKEL
#define QT_SKEL "queue_test.skel.h"	/* tests/bpf/meson.build: one per -mcpu */
#endif
#include QT_SKEL

/* Keep in sync with tests/bpf/queue_test.bpf.c. */
enum { QT_ALLOC_ONLY = 1, QT_SPIN = 2, QT_MAX_WORDS = 8 };

struct qt_args {
	__u64 q, pos0, id, seq;
	__u32 kind, cap, slot_size, pages, n, len, flags;
	__s32 ret;
	__u32 done, bad, spins, rsvd;
	__u64 msg[QT_MAX_WORDS];
};
_Static_assert(sizeof(struct qt_args) == 144, "struct qt_args differs from queue_test.bpf.c");

enum {
	STRESS_MSGS	= 1000000,	/* messages per producer */
	STRESS_PRODS	= 4,		/* producers at most */
	STRESS_BATCH	= 65536,	/* messages per BPF producer run */
	STRESS_SECS	= 40,		/* s, a consumer gives up (and fails) after this */
	MSG_LEN		= 32,		/* bytes, stress message */
};

enum side { BPF, USER };

static struct queue_test_bpf *skel;

#define NEED_ROOT()								\
	do {									\
		if (!skel) {							\
			print_message("# needs root to load BPF\n");		\
			skip();							\
		}								\
	} while (0)

static int setup(void **state)
{
	size_t sz = 0;

	(void)state;
	if (geteuid() != 0)
		return 0;
	skel = queue_test_bpf__open_and_load();
	/* libbpf maps the arena at its map_extra: an arena address is a pointer */
	if (!skel || bpf_map__initial_value(skel->maps.arena, &sz) != (void *)CS_ARENA_ADDR)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	queue_test_bpf__destroy(skel);
	skel = NULL;
	return 0;
}

/* Run a syscall program; 0 or the error (callable from any thread). */
static int run_raw(struct bpf_program *prog, struct qt_args *a)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = a, .ctx_size_in = sizeof(*a));

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

static void run(struct bpf_program *prog, struct qt_args *a)
{
	assert_int_equal(run_raw(prog, a), 0);
}

/* A queue in a block BPF allocated, laid out by BPF or by userspace. */
static struct csq *create(__u32 kind, __u32 cap, __u32 slot, __u64 pos0, bool user_init)
{
	struct qt_args a = { .kind = kind, .cap = cap, .slot_size = slot, .pos0 = pos0,
			     .pages = csq_pages(cap, slot), .flags = user_init ? QT_ALLOC_ONLY : 0 };
	struct csq *q;

	run(skel->progs.qt_create, &a);
	assert_int_equal(a.ret, CSQ_OK);
	assert_true(a.q >= CS_ARENA_ADDR && a.q % CSQ_PAGE == 0);
	q = csq_ptr(a.q);
	if (user_init)
		assert_int_equal(csq_init_at(q, (__u64)a.pages * CSQ_PAGE, kind, cap, slot, pos0),
				 CSQ_OK);
	assert_int_equal(q->magic, CSQ_MAGIC);
	assert_int_equal(q->kind, kind);
	return q;
}

static void destroy(struct csq *q)
{
	struct qt_args a = { .q = csq_addr(q), .pages = (q->bytes + CSQ_PAGE - 1) / CSQ_PAGE };

	run(skel->progs.qt_free, &a);
}

/* Test messages, as in queue_test.bpf.c: word 0 is id << 56 | seq. */
static __u64 word(__u64 w0, __u32 j)
{
	return j ? w0 * 0x9e3779b97f4a7c15ULL + j : w0;
}

static void make_msg(__u64 *m, __u64 id, __u64 seq, __u32 words)
{
	for (__u32 j = 0; j < words; j++)
		m[j] = word(id << 56 | seq, j);
}

static bool msg_is(const __u64 *m, __u32 words, __u64 id, __u64 seq)
{
	for (__u32 j = 0; j < words; j++)
		if (m[j] != word(id << 56 | seq, j))
			return false;
	return true;
}

/* BPF pushes n messages of producer id from *seq on; returns the last code. */
static int bpf_push(struct csq *q, __u64 id, __u64 *seq, __u32 n, __u32 len, __u32 *done)
{
	struct qt_args a = { .q = csq_addr(q), .id = id, .seq = *seq, .n = n, .len = len };

	run(skel->progs.qt_push, &a);
	*seq = a.seq;
	if (done)
		*done = a.done;
	return a.ret;
}

/* BPF pops up to n messages that must be id's *seq, *seq + 1, ..., intact. */
static int bpf_pop(struct csq *q, __u64 id, __u64 *seq, __u32 n, __u32 len, __u32 *done)
{
	struct qt_args a = { .q = csq_addr(q), .id = id, .seq = *seq, .n = n, .len = len };

	run(skel->progs.qt_pop, &a);
	assert_int_equal(a.bad, 0);
	*seq = a.seq;
	*done = a.done;
	return a.ret;
}

/* One message (id, seq) of len bytes pushed by @s; returns the csq code. */
static int push_one(enum side s, struct csq *q, __u64 id, __u64 seq, __u32 len)
{
	__u64 m[QT_MAX_WORDS];

	if (s == BPF)
		return bpf_push(q, id, &seq, 1, len, NULL);
	make_msg(m, id, seq, len / 8 < QT_MAX_WORDS ? len / 8 : QT_MAX_WORDS);
	return csq_push(q, m, len);
}

/* One message popped by @s, which must be (id, seq) if there is one. */
static int pop_one(enum side s, struct csq *q, __u64 id, __u64 seq)
{
	__u64 m[QT_MAX_WORDS];
	__u32 done;
	int r;

	if (s == BPF)
		return bpf_pop(q, id, &seq, 1, sizeof(m), &done);
	r = csq_pop(q, m, sizeof(m));
	if (r > 0)
		assert_true(msg_is(m, r / 8, id, seq));
	return r;
}

static const __u32 kinds[] = { CSQ_SPSC, CSQ_MPSC };

static void test_geometry(void **state)
{
	struct qt_args a = { .kind = CSQ_MPSC, .cap = 1024, .slot_size = 32, .pages = 1 };
	__u64 m[4] = {}, seq = 0;
	struct csq *q;
	__u32 done;

	(void)state;
	assert_int_equal(csq_bytes(1, 8), CSQ_HDR_BYTES + 24);
	assert_int_equal(csq_bytes(4, 32), CSQ_HDR_BYTES + 4 * 48);
	assert_int_equal(csq_bytes(CSQ_MAX_CAP, CSQ_MAX_SLOT),
			 CSQ_HDR_BYTES + (__u64)CSQ_MAX_CAP * (16 + CSQ_MAX_SLOT));
	assert_int_equal(csq_bytes(0, 8) + csq_bytes(3, 8) + csq_bytes(2 * CSQ_MAX_CAP, 8), 0);
	assert_int_equal(csq_bytes(4, 0) + csq_bytes(4, 12) + csq_bytes(4, CSQ_MAX_SLOT + 8), 0);
	assert_int_equal(csq_pages(1, 8), 1);
	assert_int_equal(csq_pages(4096, 32), (256 + 4096 * 48 + 4095) / 4096);
	NEED_ROOT();

	/* BPF layout refuses a block that is too small, and bad geometry */
	run(skel->progs.qt_create, &a);
	assert_int_equal(a.ret, CSQ_BADARG);
	run(skel->progs.qt_free, &a);
	a = (struct qt_args){ .kind = CSQ_SPSC, .cap = 3, .slot_size = 32, .pages = 1 };
	run(skel->progs.qt_create, &a);
	assert_int_equal(a.ret, CSQ_BADARG);
	q = csq_ptr(a.q);
	/* so does userspace, also for a bad kind or a misaligned block */
	assert_int_equal(csq_init(q, CSQ_PAGE, 3, 4, 32), CSQ_BADARG);
	assert_int_equal(csq_init((struct csq *)((char *)q + 4), CSQ_PAGE - 4, CSQ_SPSC, 4, 32),
			 CSQ_BADARG);
	assert_int_equal(csq_init(NULL, CSQ_PAGE, CSQ_SPSC, 4, 32), CSQ_BADARG);
	/* a block that was never laid out is not a queue, for BPF or userspace */
	assert_int_equal(bpf_push(q, 1, &seq, 1, 32, &done), CSQ_BADQ);
	assert_int_equal(bpf_pop(q, 1, &seq, 1, 32, &done), CSQ_BADQ);
	assert_int_equal(csq_push(q, m, sizeof(m)), CSQ_BADQ);
	assert_int_equal(csq_pop(q, m, sizeof(m)), CSQ_BADQ);
	/* laid out by userspace; the per-kind calls check the kind */
	assert_int_equal(csq_init(q, CSQ_PAGE, CSQ_SPSC, 4, 32), CSQ_OK);
	assert_int_equal(q->abi, CSQ_ABI);
	assert_int_equal(q->bytes, csq_bytes(4, 32));
	assert_int_equal(csq_mpsc_push(q, m, sizeof(m)), CSQ_BADQ);
	assert_int_equal(csq_spsc_push(q, m, sizeof(m)), CSQ_OK);
	assert_int_equal(csq_mpsc_pop(q, m, sizeof(m)), CSQ_BADQ);
	assert_int_equal(csq_spsc_pop(q, m, sizeof(m)), sizeof(m));
	destroy(q);
}

/* FIFO in every direction, batches of 10 on 16 slots so positions wrap. */
static void test_fifo_every_direction(void **state)
{
	static const enum side dir[][2] = { { BPF, BPF }, { BPF, USER }, { USER, BPF } };
	static const __u32 lens[] = { 8, 32, 64 };

	(void)state;
	NEED_ROOT();
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned d = 0; d < 3; d++) {
			struct csq *q = create(kinds[k], 16, 64, 0, dir[d][0] == USER);
			__u64 in = 100, out = 100;
			__u32 done;

			for (int round = 0; round < 12; round++) {
				__u32 len = lens[round % 3];

				if (dir[d][0] == BPF) {
					assert_int_equal(bpf_push(q, 1, &in, 10, len, &done), CSQ_OK);
					assert_int_equal(done, 10);
				} else {
					for (int i = 0; i < 10; i++)
						assert_int_equal(push_one(USER, q, 1, in++, len), CSQ_OK);
				}
				assert_int_equal(csq_count(q), 10);
				if (dir[d][1] == BPF) {
					assert_int_equal(bpf_pop(q, 1, &out, 16, 64, &done), CSQ_EMPTY);
					assert_int_equal(done, 10);
				} else {
					for (int i = 0; i < 10; i++)
						assert_int_equal(pop_one(USER, q, 1, out++), len);
					assert_int_equal(pop_one(USER, q, 1, out), CSQ_EMPTY);
				}
				assert_int_equal(out, in);
			}
			assert_int_equal(q->tail, 120);
			assert_int_equal(csq_refused(q), 0);
			destroy(q);
		}
	}
}

/* Several producers, BPF and userspace, on one MPSC queue: FIFO per producer. */
static void test_fifo_mpsc_per_producer(void **state)
{
	__u64 seq[5] = {}, next[5] = {}, m[4];
	struct csq *q;
	int r;

	(void)state;
	NEED_ROOT();
	q = create(CSQ_MPSC, 64, 32, 0, false);
	for (int round = 0; round < 20; round++) {
		for (__u64 id = 1; id <= 3; id++)
			assert_int_equal(bpf_push(q, id, &seq[id], 1 + round % 3, 32, NULL), CSQ_OK);
		for (int i = 0; i < 2; i++)
			assert_int_equal(push_one(USER, q, 4, seq[4]++, 32), CSQ_OK);
		while ((r = csq_pop(q, m, sizeof(m))) > 0) {
			__u64 id = m[0] >> 56;

			assert_true(r == 32 && id >= 1 && id <= 4);
			assert_true(msg_is(m, 4, id, next[id]++));
		}
		assert_int_equal(r, CSQ_EMPTY);
	}
	for (int id = 1; id <= 4; id++)
		assert_int_equal(next[id], seq[id]);
	destroy(q);
}

/*
 * Fill to full (the next push from either side is refused and counted),
 * drain to empty, again and again; capacities 1, 2 and 4, positions that
 * cross 2^64 on the way.
 */
static void test_full_empty_wrap(void **state)
{
	static const struct { __u32 cap; __u64 pos0; } geo[] = {
		{ 1, 0 }, { 1, UINT64_MAX - 3 }, { 2, UINT64_MAX - 40 }, { 4, UINT64_MAX - 9 },
	};

	(void)state;
	NEED_ROOT();
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned g = 0; g < sizeof(geo) / sizeof(geo[0]); g++) {
			__u32 cap = geo[g].cap;
			struct csq *q = create(kinds[k], cap, 32, geo[g].pos0, g & 1);
			__u64 in = 0, out = 0;

			for (int round = 0; round < 30; round++) {
				enum side src = round & 1 ? USER : BPF, dst = round % 3 ? BPF : USER;

				assert_int_equal(pop_one(BPF, q, 6, out), CSQ_EMPTY);
				assert_int_equal(pop_one(USER, q, 6, out), CSQ_EMPTY);
				for (__u32 i = 0; i < cap; i++)
					assert_int_equal(push_one(src, q, 6, in++, 32), CSQ_OK);
				assert_int_equal(push_one(BPF, q, 6, in, 32), CSQ_FULL);
				assert_int_equal(push_one(USER, q, 6, in, 32), CSQ_FULL);
				assert_int_equal(csq_count(q), cap);
				for (__u32 i = 0; i < cap; i++)
					assert_int_equal(pop_one(dst, q, 6, out++), 32);
			}
			assert_int_equal(q->nr_full, 60);
			assert_int_equal(csq_refused(q), 60);
			assert_int_equal(q->tail, geo[g].pos0 + 30 * cap);
			if (geo[g].pos0)
				assert_true(q->tail < geo[g].pos0);	/* wrapped */
			destroy(q);
		}
	}
}

/* A message longer than the slot, a bad length, a too-small pop buffer. */
static void test_refused_messages(void **state)
{
	__u64 m[QT_MAX_WORDS] = {};

	(void)state;
	NEED_ROOT();
	for (unsigned k = 0; k < 2; k++) {
		struct csq *q = create(kinds[k], 4, 32, 0, false);
		__u64 in = 0, out = 0;
		__u32 done;

		assert_int_equal(push_one(BPF, q, 8, in, 64), CSQ_TOOBIG);
		assert_int_equal(push_one(USER, q, 8, in, 64), CSQ_TOOBIG);
		assert_int_equal(push_one(USER, q, 8, in, 40), CSQ_TOOBIG);
		assert_int_equal(q->nr_toobig, 3);
		assert_int_equal(push_one(BPF, q, 8, in, 12), CSQ_BADLEN);
		assert_int_equal(csq_push(q, m, 0), CSQ_BADLEN);
		assert_int_equal(csq_push(q, m, 20), CSQ_BADLEN);
		assert_int_equal(q->nr_badlen, 3);
		assert_int_equal(csq_count(q) + q->nr_full + q->nr_contended, 0);
		assert_int_equal(csq_refused(q), 6);

		/* exactly slot_size fits; a short pop buffer leaves it queued */
		assert_int_equal(bpf_push(q, 8, &in, 2, 32, &done), CSQ_OK);
		assert_int_equal(csq_pop(q, m, 24), CSQ_NOROOM);
		assert_int_equal(bpf_pop(q, 8, &out, 1, 8, &done), CSQ_NOROOM);
		assert_int_equal(csq_count(q), 2);
		assert_int_equal(pop_one(USER, q, 8, out++), 32);
		/* a short message in a bigger buffer: the rest is zero-filled */
		assert_int_equal(bpf_push(q, 8, &in, 1, 8, &done), CSQ_OK);
		assert_int_equal(bpf_pop(q, 8, &out, 2, 32, &done), 8);	/* bad == 0 */
		assert_int_equal(done, 2);
		memset(m, 0xff, sizeof(m));
		assert_int_equal(csq_push(q, (__u64[1]){ 42 }, 8), CSQ_OK);
		assert_int_equal(csq_pop(q, m, sizeof(m)), 8);
		assert_int_equal(m[0], 42);
		for (int j = 1; j < QT_MAX_WORDS; j++)
			assert_int_equal(m[j], 0);
		destroy(q);
	}
}

/* An MPSC push that keeps losing gives up after CSQ_CAS_TRIES, counted. */
static void test_contended_is_bounded(void **state)
{
	struct csq *q;
	__u64 in = 0;

	(void)state;
	NEED_ROOT();
	q = create(CSQ_MPSC, 4, 32, 0, false);
	for (int i = 0; i < 4; i++)
		assert_int_equal(push_one(USER, q, 9, in++, 32), CSQ_OK);
	for (__u64 i = 0; i < 4; i++)
		assert_int_equal(pop_one(USER, q, 9, i), 32);
	/*
	 * Every slot is free for the next lap (positions 4..7). A tail stuck a
	 * lap behind looks to a producer like a tail that others keep moving:
	 * every attempt is "taken, retry".
	 */
	q->tail = 0;
	assert_int_equal(push_one(USER, q, 9, in, 32), CSQ_CONTENDED);
	assert_int_equal(push_one(BPF, q, 9, in, 32), CSQ_CONTENDED);
	assert_int_equal(q->nr_contended, 2);
	assert_int_equal(q->tail, 0);
	q->tail = 4;
	assert_int_equal(push_one(BPF, q, 9, in, 32), CSQ_OK);
	assert_int_equal(pop_one(USER, q, 9, in), 32);
	destroy(q);
}

/* The message formats, BPF -> userspace (events, demand) and back (control). */
static void test_message_formats(void **state)
{
	/* what qt_emit_formats sends */
	const struct csq_demand d = {
		.type = CSQ_MSG_DEMAND, .cell = 3, .child = 2, .seq = 41, .nr_runnable = 7,
		.util_permille = 625, .busy_ns = 5000000, .max_wait_ns = 123456,
		.ts_ns = 0x1122334455667788ULL,
	};
	const struct csq_ctl c[2] = {
		{ .type = CSQ_MSG_TUNABLE, .cell = 3, .seq = 9, .tunable.key = 1,
		  .tunable.value = 4 },
		{ .type = CSQ_MSG_TUNABLE, .cell = 3, .seq = 10, .tunable.key = 2,
		  .tunable.value = 20000 },
	};
	const struct csq_event e[3] = {
		{ .type = CSQ_MSG_CHILD_ATTACHED, .cell = 3, .ts_ns = 1, .attached.cgid = 4242 },
		{ .type = CSQ_MSG_CHILD_EXITED, .cell = 3, .ts_ns = 2, .exited.cgid = 4242,
		  .exited.kind = 1024, .exited.code = -5 },
		{ .type = CSQ_MSG_INVARIANT, .ts_ns = 3, .invariant.code = CSQ_INV_CID_OWNERS,
		  .invariant.arg0 = 17, .invariant.arg1 = 2 },
	};
	const struct csq_ctl to_child[2] = {
		{ .type = CSQ_MSG_TUNABLE, .cell = 5, .seq = 77, .tunable.key = 3,
		  .tunable.value = 3 },
		{ .type = CSQ_MSG_TUNABLE, .cell = 5, .seq = 78, .tunable.key = 9,
		  .tunable.value = 1ULL << 40 },
	};
	__u64 buf[CSQ_MSG_MAX_BYTES / 8];
	struct qt_args a = {};
	struct csq *q;

	(void)state;
	NEED_ROOT();
	q = create(CSQ_MPSC, 8, CSQ_MSG_MAX_BYTES, 0, false);
	a.q = csq_addr(q);
	run(skel->progs.qt_emit_formats, &a);
	assert_int_equal(a.done, 6);
	assert_int_equal(csq_pop(q, buf, sizeof(buf)), sizeof(d));
	assert_memory_equal(buf, &d, sizeof(d));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(csq_pop(q, buf, sizeof(buf)), sizeof(c[i]));
		assert_memory_equal(buf, &c[i], sizeof(c[i]));
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(csq_pop(q, buf, sizeof(buf)), sizeof(e[i]));
		assert_memory_equal(buf, &e[i], sizeof(e[i]));
	}
	assert_int_equal(csq_pop(q, buf, sizeof(buf)), CSQ_EMPTY);
	destroy(q);

	q = create(CSQ_SPSC, 4, CSQ_MSG_MAX_BYTES, 0, true);
	for (int i = 0; i < 2; i++)
		assert_int_equal(csq_push(q, &to_child[i], sizeof(to_child[i])), CSQ_OK);
	a = (struct qt_args){ .q = csq_addr(q) };
	run(skel->progs.qt_take_ctl, &a);
	assert_int_equal(a.ret, sizeof(struct csq_ctl));
	assert_true(a.msg[0] == CSQ_MSG_TUNABLE && a.msg[1] == 5 && a.msg[2] == 77 &&
		    a.msg[3] == 3 && a.msg[4] == 3);
	run(skel->progs.qt_take_ctl, &a);
	assert_true(a.msg[0] == CSQ_MSG_TUNABLE && a.msg[2] == 78 && a.msg[3] == 9 &&
		    a.msg[4] == 1ULL << 40);
	run(skel->progs.qt_take_ctl, &a);
	assert_int_equal(a.ret, CSQ_EMPTY);
	destroy(q);
}

/* ---- Concurrency: producers in threads, one consumer ------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct stress_cfg {
	__u32 kind, cap;
	int nr_bpf, nr_user;
	__u64 per_prod;
	bool spin;
	enum side consumer;
};

struct producer {
	pthread_t th;
	struct csq *q;
	__u64 id, n;		/* producer id, messages to push */
	__u64 sent;		/* messages pushed */
	__u64 full;		/* CSQ_FULL results, all retried */
	__u64 contended;	/* CSQ_CONTENDED results, all retried */
	bool spin;		/* BPF: retry CSQ_FULL inside the program */
	int err;		/* first unexpected error */
	volatile bool *stop;
};

/*
 * A producer thread. BPF: runs qt_push in batches; without spin a batch ends
 * at the first CSQ_FULL and the thread yields, with spin the program retries
 * CSQ_FULL itself and so runs alongside the consumer. Userspace: csq_push()
 * through the mmap.
 */
static void *producer(struct producer *p, enum side side)
{
	__u64 m[MSG_LEN / 8];

	while (p->sent < p->n && !*p->stop && !p->err) {
		__u64 left = p->n - p->sent;
		struct qt_args a = { .q = csq_addr(p->q), .id = p->id, .seq = p->sent,
				     .n = left < STRESS_BATCH ? left : STRESS_BATCH,
				     .len = MSG_LEN, .flags = p->spin ? QT_SPIN : 0 };

		if (side == BPF) {
			if (run_raw(skel->progs.qt_push, &a))
				a.ret = -1000;
			p->full += a.spins + (a.ret == CSQ_FULL && !p->spin);
			p->sent = a.seq;
		} else {
			make_msg(m, p->id, p->sent, MSG_LEN / 8);
			a.ret = csq_push(p->q, m, MSG_LEN);
			p->full += a.ret == CSQ_FULL;
			p->sent += a.ret == CSQ_OK;
		}
		p->contended += a.ret == CSQ_CONTENDED;
		if (a.ret == CSQ_FULL)
			sched_yield();
		else if (a.ret != CSQ_OK && a.ret != CSQ_CONTENDED)
			p->err = a.ret;
	}
	return NULL;
}

static void *bpf_producer(void *arg)
{
	return producer(arg, BPF);
}

static void *user_producer(void *arg)
{
	return producer(arg, USER);
}

/*
 * Userspace consumer: pops until each of nr producers (ids id0...) sent
 * per_prod messages; every message must be the next seq of its producer
 * and intact (so none is lost, duplicated, reordered or torn).
 */
static __u64 user_consume(struct csq *q, __u64 nr, __u64 id0, __u64 per_prod)
{
	__u64 next[STRESS_PRODS] = {}, got = 0, bad = 0, empty = 0, m[MSG_LEN / 8];
	double deadline = now_s() + STRESS_SECS;

	while (got < nr * per_prod) {
		int r = csq_pop(q, m, sizeof(m));
		__u64 i;

		if (r == CSQ_EMPTY) {
			if (++empty % 64 == 0)
				sched_yield();
			if (empty % 4096 == 0 && now_s() > deadline)
				break;
			continue;
		}
		i = (m[0] >> 56) - id0;
		if (r != MSG_LEN || i >= nr || !msg_is(m, MSG_LEN / 8, id0 + i, next[i])) {
			if (bad++ < 5)
				print_message("# bad message: len %d, word 0 %#llx\n", r,
					      (unsigned long long)m[0]);
			if (i >= nr)
				continue;
		}
		next[i] = (m[0] & ((1ULL << 56) - 1)) + 1;
		got++;
	}
	for (__u64 i = 0; i < nr; i++)
		bad += next[i] != per_prod;
	return bad;
}

/* BPF consumer of one producer (id0): qt_pop, with spin retrying CSQ_EMPTY in BPF. */
static __u64 bpf_consume(struct csq *q, __u64 id0, __u64 per_prod, bool spin)
{
	double deadline = now_s() + STRESS_SECS;
	__u64 seq = 0, bad = 0;

	while (seq < per_prod && now_s() < deadline) {
		struct qt_args a = { .q = csq_addr(q), .id = id0, .seq = seq, .len = MSG_LEN,
				     .n = per_prod - seq, .flags = spin ? QT_SPIN : 0 };

		run(skel->progs.qt_pop, &a);
		seq = a.seq;
		bad += a.bad + (a.ret != CSQ_EMPTY && a.ret != MSG_LEN);
		if (!a.done)
			sched_yield();
	}
	return bad + (seq != per_prod);
}

/*
 * nr_bpf BPF and nr_user userspace producers (ids 10, 11, ...) push per_prod
 * messages each into a queue of cap slots while one consumer pops them all.
 */
static void test_stress(void **state)
{
	const struct stress_cfg *c = *state;
	struct producer p[STRESS_PRODS];
	int nr = c->nr_bpf + c->nr_user;
	/* spinning in BPF only pays with another CPU to run the other side */
	cpu_set_t cpus;
	bool spin = !sched_getaffinity(0, sizeof(cpus), &cpus) && CPU_COUNT(&cpus) >= 2;
	volatile bool stop = false;
	__u64 full = 0, contended = 0, bad;
	double t0 = now_s();
	struct csq *q;

	NEED_ROOT();
	q = create(c->kind, c->cap, MSG_LEN, 0, c->nr_user > 0);
	for (int i = 0; i < nr; i++) {
		p[i] = (struct producer){ .q = q, .id = 10 + i, .n = c->per_prod,
					  .spin = c->spin && spin,
					  .stop = &stop };
		assert_int_equal(pthread_create(&p[i].th, NULL, i < c->nr_bpf ? bpf_producer :
						user_producer, &p[i]), 0);
	}
	bad = c->consumer == USER ? user_consume(q, nr, 10, c->per_prod) :
				    bpf_consume(q, 10, c->per_prod, spin);
	stop = true;
	for (int i = 0; i < nr; i++) {
		pthread_join(p[i].th, NULL);
		assert_int_equal(p[i].err, 0);
		assert_int_equal(p[i].sent, c->per_prod);
		full += p[i].full;
		contended += p[i].contended;
	}
	print_message("# %s, %d BPF + %d userspace producers x %llu messages to %s: %.2f s, "
		      "%llu full retries, %llu contended\n", c->kind == CSQ_SPSC ? "SPSC" : "MPSC",
		      c->nr_bpf, c->nr_user, (unsigned long long)c->per_prod,
		      c->consumer == USER ? "userspace" : "BPF", now_s() - t0,
		      (unsigned long long)full, (unsigned long long)contended);
	assert_int_equal(bad, 0);
	assert_int_equal(csq_count(q), 0);
	assert_int_equal(q->tail, nr * c->per_prod);
	/* every refused push was counted, and only those */
	assert_int_equal(q->nr_full, full);
	assert_int_equal(q->nr_contended, contended);
	assert_int_equal(q->nr_toobig + q->nr_badlen, 0);
	destroy(q);
}

static const struct stress_cfg mpsc_4_bpf = { CSQ_MPSC, 4096, 4, 0, STRESS_MSGS, false, USER };
static const struct stress_cfg mpsc_mixed = { CSQ_MPSC, 256, 2, 2, STRESS_MSGS / 4, false, USER };
static const struct stress_cfg spsc_to_user = { CSQ_SPSC, 1024, 1, 0, STRESS_MSGS, true, USER };
static const struct stress_cfg spsc_to_bpf = { CSQ_SPSC, 1024, 0, 1, STRESS_MSGS, false, BPF };

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_fifo_every_direction),
		cmocka_unit_test(test_fifo_mpsc_per_producer),
		cmocka_unit_test(test_full_empty_wrap),
		cmocka_unit_test(test_refused_messages),
		cmocka_unit_test(test_contended_is_bounded),
		cmocka_unit_test(test_message_formats),
		{ "test_stress_mpsc_4x1M_bpf_to_user", test_stress, NULL, NULL, (void *)&mpsc_4_bpf },
		{ "test_stress_mpsc_bpf_and_user_to_user", test_stress, NULL, NULL,
		  (void *)&mpsc_mixed },
		{ "test_stress_spsc_bpf_to_user", test_stress, NULL, NULL, (void *)&spsc_to_user },
		{ "test_stress_spsc_user_to_bpf", test_stress, NULL, NULL, (void *)&spsc_to_bpf },
	};

	return cmocka_run_group_tests_name("bpf-queue", tests, setup, teardown);
}
