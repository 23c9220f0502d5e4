/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bpf/queue_test.bpf.c: drives the arena queues of ipc/queue_impl.h
 * from SEC("syscall") programs, so tests/bpf/test_queue.c can run them on a
 * kernel without sched_ext: allocate and lay out queues in this object's
 * arena (as the parent will), push and pop batches of test messages, and
 * exchange the real message formats. Arguments and results travel in the
 * context (struct qt_args), which the kernel copies back to the caller.
 *
 * Test message (qt_word()): word 0 is (producer id << 56 | seq), every
 * further word j is derived from word 0 and j, so a consumer detects a
 * message that is lost, duplicated, out of order or torn.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "cellsched.h"
#include "queue_impl.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 512);	/* pages */
	__ulong(map_extra, CS_ARENA_ADDR);
} arena SEC(".maps");

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt,
				    int node_id, __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;

/* Keep in sync with tests/bpf/test_queue.c. */
enum {
	QT_ALLOC_ONLY	= 1,		/* create: allocate, let userspace lay out */
	QT_SPIN		= 2,		/* push/pop: retry FULL/EMPTY in BPF */
	QT_SPIN_BUDGET	= 1 << 22,	/* attempts of a QT_SPIN run */
	QT_MAX_WORDS	= 8,		/* words of the largest test message */
};

struct qt_args {
	__u64 q;		/* queue address (create: out) */
	__u64 pos0;		/* create: first position */
	__u64 id;		/* push: producer id; pop: expected producer */
	__u64 seq;		/* push: seq of the next message; pop: next expected */
	__u32 kind;		/* create: enum csq_kind */
	__u32 cap;		/* create: slots */
	__u32 slot_size;	/* create: bytes */
	__u32 pages;		/* create/free: arena pages */
	__u32 n;		/* push/pop: messages to move */
	__u32 len;		/* push: message bytes; pop: buffer bytes */
	__u32 flags;		/* create: QT_ALLOC_ONLY; push/pop: QT_SPIN */
	__s32 ret;		/* last csq return code */
	__u32 done;		/* messages moved */
	__u32 bad;		/* pop: messages out of order or corrupt */
	__u32 spins;		/* QT_SPIN: CSQ_FULL (push) / CSQ_EMPTY (pop) retried */
	__u32 rsvd;
	__u64 msg[QT_MAX_WORDS];	/* pop: the last message */
};
_Static_assert(sizeof(struct qt_args) == 144, "struct qt_args differs from test_queue.c");

static __always_inline __u64 qt_word(__u64 w0, __u32 j)
{
	return j ? w0 * 0x9e3779b97f4a7c15ULL + j : w0;
}

struct qt_msg {
	__u64 w[QT_MAX_WORDS];
};

/*
 * 1 unless m->w[0..nwords) is the message whose word 0 is @w0 and the rest
 * of m->w[0..mwords) is zero (csq_pop() zero-fills the caller's buffer).
 * A global function: verified once on its own, so the pop loops that call it
 * stay cheap to verify.
 */
__noinline __u32 qt_check(const struct qt_msg *m, __u32 mwords, __u32 nwords, __u64 w0)
{
	__u64 diff;

	if (!m)
		return 1;
	diff = m->w[0] ^ w0;
	for (__u32 j = 1; j < QT_MAX_WORDS; j++)
		if (j < mwords)
			diff |= m->w[j] ^ (j < nwords ? qt_word(w0, j) : 0);
	return diff != 0;
}

SEC("syscall")
int qt_create(struct qt_args *a)
{
	struct csq __arena *q;

	q = bpf_arena_alloc_pages(&arena, NULL, a->pages, -1 /* NUMA_NO_NODE */, 0);
	if (!q) {
		a->ret = -12;	/* ENOMEM */
		return 0;
	}
	a->q = csq_addr(q);
	a->ret = 0;
	if (!(a->flags & QT_ALLOC_ONLY))
		a->ret = csq_init_at(q, (__u64)a->pages * CSQ_PAGE, a->kind, a->cap,
				     a->slot_size, a->pos0);
	return 0;
}

SEC("syscall")
int qt_free(struct qt_args *a)
{
	bpf_arena_free_pages(&arena, (void __arena *)csq_ptr(a->q), a->pages);
	return 0;
}

/*
 * Push n messages of LEN bytes; stop at the first refusal, or with QT_SPIN
 * retry CSQ_FULL (counted in spins) for up to QT_SPIN_BUDGET attempts, so a
 * producer keeps pace with a consumer running on another CPU.
 */
#define QT_PUSH(LEN)								\
	do {									\
		__u64 m[(LEN) / 8];						\
										\
		bpf_for(i, 0, budget) {						\
			m[0] = id << 56 | seq;					\
			for (__u32 j = 1; j < (LEN) / 8; j++)			\
				m[j] = qt_word(m[0], j);			\
			ret = csq_push(q, m, (LEN));				\
			if (ret == CSQ_FULL && spin) {				\
				spins++;					\
				continue;					\
			}							\
			if (ret)						\
				break;						\
			seq++;							\
			if (++done == n)					\
				break;						\
		}								\
	} while (0)

SEC("syscall")
int qt_push(struct qt_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	__u64 id = a->id, seq = a->seq;
	__u32 n = a->n, done = 0, spins = 0, spin = a->flags & QT_SPIN;
	__u32 budget = spin ? QT_SPIN_BUDGET : n;
	int i, ret = CSQ_OK;

	CSQ_ARENA_TOUCH(arena);
	switch (a->len) {
	case 8:  QT_PUSH(8);  break;
	case 16: QT_PUSH(16); break;
	case 32: QT_PUSH(32); break;
	case 64: QT_PUSH(64); break;
	case 12: QT_PUSH(12); break;	/* not a multiple of 8: refused */
	default: ret = -22;		/* EINVAL: no such test length */
	}
	a->seq = seq;
	a->done = done;
	a->spins = spins;
	a->ret = ret;
	return 0;
}

/*
 * Pop up to n messages into a buffer of LEN bytes, checking that each comes
 * from producer id with seq, seq + 1, ... and is intact. With QT_SPIN, retry
 * CSQ_EMPTY (counted in spins) for up to QT_SPIN_BUDGET attempts.
 */
#define QT_POP(LEN)								\
	do {									\
		bpf_for(i, 0, budget) {						\
			ret = csq_pop(q, m.w, (LEN));				\
			if (ret == CSQ_EMPTY && spin) {				\
				spins++;					\
				continue;					\
			}							\
			if (ret < 0)						\
				break;						\
			bad += qt_check(&m, (LEN) / 8, ret / 8, id << 56 | seq); \
			seq = (m.w[0] & ((1ULL << 56) - 1)) + 1;		\
			if (++done == n)					\
				break;						\
		}								\
	} while (0)

SEC("syscall")
int qt_pop(struct qt_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	__u64 id = a->id, seq = a->seq;
	__u32 n = a->n, done = 0, bad = 0, spins = 0, spin = a->flags & QT_SPIN;
	__u32 budget = spin ? QT_SPIN_BUDGET : n;
	struct qt_msg m = {};
	int i, ret = CSQ_OK;

	CSQ_ARENA_TOUCH(arena);
	switch (a->len) {
	case 8:  QT_POP(8);  break;
	case 32: QT_POP(32); break;
	case 64: QT_POP(64); break;
	default: ret = -22;
	}
	for (int j = 0; j < QT_MAX_WORDS; j++)
		a->msg[j] = m.w[j];
	a->seq = seq;
	a->done = done;
	a->bad = bad;
	a->spins = spins;
	a->ret = ret;
	return 0;
}

/* Push one message of every type the library defines, as BPF code will. */
SEC("syscall")
int qt_emit_formats(struct qt_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	struct csq_demand d = {
		.type = CSQ_MSG_DEMAND, .cell = 3, .child = 2, .seq = 41, .nr_runnable = 7,
		.util_permille = 625, .busy_ns = 5000000, .max_wait_ns = 123456,
		.ts_ns = 0x1122334455667788ULL,
	};
	struct csq_ctl r = { .type = CSQ_MSG_TUNABLE, .cell = 3, .seq = 9,
			     .tunable.key = 1, .tunable.value = 4 };
	struct csq_ctl t = { .type = CSQ_MSG_TUNABLE, .cell = 3, .seq = 10,
			     .tunable.key = 2, .tunable.value = 20000 };
	struct csq_event at = { .type = CSQ_MSG_CHILD_ATTACHED, .cell = 3, .ts_ns = 1,
				.attached.cgid = 4242 };
	struct csq_event ex = { .type = CSQ_MSG_CHILD_EXITED, .cell = 3, .ts_ns = 2,
				.exited.cgid = 4242, .exited.kind = 1024,
				.exited.code = -5 };
	struct csq_event inv = { .type = CSQ_MSG_INVARIANT, .ts_ns = 3,
				 .invariant.code = CSQ_INV_CID_OWNERS,
				 .invariant.arg0 = 17, .invariant.arg1 = 2 };

	int ret, done = 0;

	CSQ_ARENA_TOUCH(arena);
	ret = csq_push(q, &d, sizeof(d));
	done += !ret;
	ret = csq_push(q, &r, sizeof(r));
	done += !ret;
	ret = csq_push(q, &t, sizeof(t));
	done += !ret;
	ret = csq_push(q, &at, sizeof(at));
	done += !ret;
	ret = csq_push(q, &ex, sizeof(ex));
	done += !ret;
	ret = csq_push(q, &inv, sizeof(inv));
	done += !ret;
	a->ret = ret;
	a->done = done;
	return 0;
}

/* Pop one control message as a child will; its fields go to a->msg. */
SEC("syscall")
int qt_take_ctl(struct qt_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	struct csq_ctl c = {};

	CSQ_ARENA_TOUCH(arena);
	a->ret = csq_pop(q, &c, sizeof(c));
	if (a->ret < 0)
		return 0;
	a->msg[0] = c.type;
	a->msg[1] = c.cell;
	a->msg[2] = c.seq;
	a->msg[3] = c.tunable.key;
	a->msg[4] = c.tunable.value;
	return 0;
}
