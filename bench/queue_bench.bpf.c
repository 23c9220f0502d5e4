/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench/queue_bench.bpf.c: the BPF side of bench/queue_bench.c. SEC("syscall")
 * programs that move 32-byte messages through our arena queues
 * (ipc/queue_impl.h), a BPF_MAP_TYPE_QUEUE and a BPF ring buffer, in loops
 * of a->n iterations, so the controller can time them. Producers that meet a
 * full queue retry in the program (up to QB_SPIN_BUDGET attempts) so they
 * keep pace with a consumer on another CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "cellsched.h"
#include "queue_impl.h"

char _license[] SEC("license") = "GPL";

/* Keep in sync with bench/queue_bench.c. */
enum {
	QB_MSG_LEN	= 32,		/* bytes, every arm */
	QB_QUEUE_CAP	= 4096,		/* messages, BPF_MAP_TYPE_QUEUE */
	QB_RINGBUF	= 256 * 1024,	/* bytes, ring buffer */
	QB_SPIN_BUDGET	= 1 << 23,	/* attempts of a producer run */
};

struct qb_args {
	__u64 q;		/* our queue's arena address */
	__u32 kind, cap;	/* create */
	__u32 n;		/* messages */
	__u32 done;		/* messages moved */
	__u64 seq;		/* first message's seq; out: next */
	__u64 sum;		/* checksum of what was popped */
	__s32 ret;
	__u32 rsvd;
};
_Static_assert(sizeof(struct qb_args) == 48, "struct qb_args differs from queue_bench.c");

struct qb_msg {
	__u64 w[QB_MSG_LEN / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);	/* pages */
	__ulong(map_extra, CS_ARENA_ADDR);
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, QB_QUEUE_CAP);
	__uint(value_size, QB_MSG_LEN);
} mapq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, QB_RINGBUF);
} rb SEC(".maps");

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt,
				    int node_id, __u64 flags) __ksym __weak;

static __always_inline void qb_fill(struct qb_msg *m, __u64 seq)
{
	m->w[0] = seq;
	m->w[1] = seq ^ 1;
	m->w[2] = seq ^ 2;
	m->w[3] = seq ^ 3;
}

/* Allocate and lay out one of our queues (as the parent scheduler will). */
SEC("syscall")
int qb_create(struct qb_args *a)
{
	__u32 pages = csq_pages(a->cap, QB_MSG_LEN);
	struct csq __arena *q;

	q = bpf_arena_alloc_pages(&arena, NULL, pages, -1 /* NUMA_NO_NODE */, 0);
	if (!q) {
		a->ret = -12;	/* ENOMEM */
		return 0;
	}
	a->q = csq_addr(q);
	a->ret = csq_init(q, (__u64)pages * CSQ_PAGE, a->kind, a->cap, QB_MSG_LEN);
	return 0;
}

/* Ours, BPF -> BPF: push one message and pop it back, n times. */
SEC("syscall")
int qb_csq_pushpop(struct qb_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	struct qb_msg m, out = {};
	__u64 sum = 0;
	__u32 done = 0;
	int i, ret = 0;

	CSQ_ARENA_TOUCH(arena);
	bpf_for(i, 0, a->n) {
		qb_fill(&m, i);
		ret = csq_push(q, &m, sizeof(m));
		if (ret)
			break;
		ret = csq_pop(q, &out, sizeof(out));
		if (ret < 0)
			break;
		sum += out.w[0];
		done++;
	}
	a->ret = ret < 0 ? ret : 0;
	a->done = done;
	a->sum = sum;
	return 0;
}

/* Ours, BPF -> userspace: push n messages, retrying CSQ_FULL. */
SEC("syscall")
int qb_csq_push(struct qb_args *a)
{
	struct csq __arena *q = csq_ptr(a->q);
	__u64 seq = a->seq;
	__u32 n = a->n, done = 0;
	struct qb_msg m;
	int i, ret = 0;

	CSQ_ARENA_TOUCH(arena);
	bpf_for(i, 0, QB_SPIN_BUDGET) {
		qb_fill(&m, seq);
		ret = csq_push(q, &m, sizeof(m));
		if (ret == CSQ_FULL)
			continue;
		if (ret)
			break;
		seq++;
		if (++done == n)
			break;
	}
	a->ret = ret;
	a->seq = seq;
	a->done = done;
	return 0;
}

/* BPF_MAP_TYPE_QUEUE, BPF -> BPF: bpf_map_push_elem + bpf_map_pop_elem, n times. */
SEC("syscall")
int qb_mapq_pushpop(struct qb_args *a)
{
	struct qb_msg m, out = {};
	__u64 sum = 0;
	__u32 done = 0;
	int i, ret = 0;

	bpf_for(i, 0, a->n) {
		qb_fill(&m, i);
		ret = bpf_map_push_elem(&mapq, &m, 0);
		if (ret)
			break;
		ret = bpf_map_pop_elem(&mapq, &out);
		if (ret)
			break;
		sum += out.w[0];
		done++;
	}
	a->ret = ret;
	a->done = done;
	a->sum = sum;
	return 0;
}

/* BPF_MAP_TYPE_QUEUE, BPF -> userspace: push n messages, retrying when full. */
SEC("syscall")
int qb_mapq_push(struct qb_args *a)
{
	__u64 seq = a->seq;
	__u32 n = a->n, done = 0;
	struct qb_msg m;
	int i, ret = 0;

	bpf_for(i, 0, QB_SPIN_BUDGET) {
		qb_fill(&m, seq);
		ret = bpf_map_push_elem(&mapq, &m, 0);
		if (ret == -7)		/* E2BIG: full */
			continue;
		if (ret)
			break;
		seq++;
		if (++done == n)
			break;
	}
	a->ret = ret;
	a->seq = seq;
	a->done = done;
	return 0;
}

/* Ring buffer, BPF -> userspace: reserve + submit n messages, retrying when full. */
SEC("syscall")
int qb_rb_push(struct qb_args *a)
{
	__u64 seq = a->seq;
	__u32 n = a->n, done = 0;
	int i;

	bpf_for(i, 0, QB_SPIN_BUDGET) {
		struct qb_msg *m = bpf_ringbuf_reserve(&rb, sizeof(*m), 0);

		if (!m)
			continue;
		qb_fill(m, seq);
		bpf_ringbuf_submit(m, BPF_RB_NO_WAKEUP);
		seq++;
		if (++done == n)
			break;
	}
	a->ret = 0;
	a->seq = seq;
	a->done = done;
	return 0;
}
