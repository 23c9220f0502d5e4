/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc/queue_impl.h: the operations on the arena queues of ipc/queue.h, as
 * static inline functions compiled into BPF programs and into userspace alike.
 *
 * Owns: csq_init(), csq_push(), csq_pop() (and their per-kind variants), the
 * queue statistics readers, and the memory-ordering primitives they use.
 *
 * Rules for arena code followed here:
 *   - no memset/memcpy/struct copies through __arena pointers: messages move
 *     in 8-byte words with volatile stores, so clang cannot merge them into a
 *     mem intrinsic the verifier rejects;
 *   - only ADD, XCHG and CMPXCHG atomics on arena memory (the x86 JIT has no
 *     fetch-or/fetch-and there);
 *   - no kfunc but the generic bpf_for iterator: the same code loads on kernels
 *     without sched_ext (tests/bpf/ runs it on the host kernel).
 *
 * Memory ordering: acquire loads and release stores of the counters that
 * publish a slot (SPSC tail/head, MPSC slot seq). cellsched builds its BPF
 * with -mcpu=v4 (meson.build), where clang has load-acquire/store-release
 * instructions (__BPF_FEATURE_LOAD_ACQ_STORE_REL) and every JIT maps them to
 * its architecture's own (plain moves on x86, LDAR/STLR on arm64). Without
 * them (-mcpu=v3) the fallback below is volatile accesses fenced by compiler
 * barriers, correct only on x86's total store order: such a build is refused
 * for other architectures. The MPSC claim is a fetching CMPXCHG, fully
 * ordered on every JIT; the plain atomic ADDs only count refused pushes and
 * order nothing (on arm64 they are relaxed).
 *
 * In BPF, pass message lengths and buffer sizes as compile-time constants
 * (sizeof): the word loops are then unrolled and the verifier sees constant
 * offsets into the caller's stack buffer. A program that dereferences a
 * queue it only knows by address must reference its arena map: use
 * CSQ_ARENA_TOUCH(map).
 *
 * Prefix: csq_ (public), csq__ (internal).
 */
#ifndef CELLSCHED_QUEUE_IMPL_H
#define CELLSCHED_QUEUE_IMPL_H

#include "queue.h"

#ifdef __bpf__
#include <bpf/bpf_helpers.h>
#else
#include <stdbool.h>
#endif

/* ---- Primitives --------------------------------------------------------- */

#ifdef __bpf__
#define csq_barrier()		asm volatile("" ::: "memory")
/* Bind the calling program to @map, the arena the queue lives in. */
#define CSQ_ARENA_TOUCH(map)	asm volatile("" :: "r"(&(map)))
/* Bounded loop the verifier checks once per state, not once per iteration. */
#define csq_for(i, start, end)	bpf_for(i, start, end)
#else
#define csq_barrier()		__atomic_signal_fence(__ATOMIC_SEQ_CST)
#define csq_for(i, start, end)	for ((i) = (start); (i) < (int)(end); (i)++)
#endif

/* The queue at arena address @addr, and back. */
#define csq_ptr(addr)		((struct csq __arena *)(unsigned long)(addr))
#define csq_addr(q)		((__u64)(unsigned long)(q))

/* Relaxed single-copy accesses (never torn, never merged or elided). */
CSQ_INLINE __u64 csq_ld(__u64 __arena *p)
{
	return *(volatile __u64 __arena *)p;
}

CSQ_INLINE void csq_st(__u64 __arena *p, __u64 v)
{
	*(volatile __u64 __arena *)p = v;
}

CSQ_INLINE __u32 csq_ld32(__u32 __arena *p)
{
	return *(volatile __u32 __arena *)p;
}

CSQ_INLINE void csq_st32(__u32 __arena *p, __u32 v)
{
	*(volatile __u32 __arena *)p = v;
}

#if !defined(__bpf__) || defined(__BPF_FEATURE_LOAD_ACQ_STORE_REL)
CSQ_INLINE __u64 csq_ld_acq(__u64 __arena *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

CSQ_INLINE void csq_st_rel(__u64 __arena *p, __u64 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

CSQ_INLINE __u32 csq_ld_acq32(__u32 __arena *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

CSQ_INLINE void csq_st_rel32(__u32 __arena *p, __u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}
#else /* BPF -mcpu < v4: x86 TSO + compiler barriers, see the top comment */
#if !defined(__TARGET_ARCH_x86)
#error "arena queues without load-acquire/store-release (-mcpu=v4) are correct on x86 only"
#endif
CSQ_INLINE __u64 csq_ld_acq(__u64 __arena *p)
{
	__u64 v = csq_ld(p);

	csq_barrier();
	return v;
}

CSQ_INLINE void csq_st_rel(__u64 __arena *p, __u64 v)
{
	csq_barrier();
	csq_st(p, v);
}

CSQ_INLINE __u32 csq_ld_acq32(__u32 __arena *p)
{
	__u32 v = csq_ld32(p);

	csq_barrier();
	return v;
}

CSQ_INLINE void csq_st_rel32(__u32 __arena *p, __u32 v)
{
	csq_barrier();
	csq_st32(p, v);
}
#endif

/* Count one refused push (atomic ADD: allowed on arena memory). */
CSQ_INLINE void csq__count(__u64 __arena *ctr)
{
	__sync_fetch_and_add(ctr, 1);
}

/* Internal: an MPSC attempt lost a race and may be retried. */
enum { CSQ__RETRY = 1 };

CSQ_INLINE struct csq_slot __arena *csq__slot(struct csq __arena *q, __u64 mask,
					       __u64 stride, __u64 pos)
{
	return (struct csq_slot __arena *)((char __arena *)q + CSQ_HDR_BYTES +
					    (pos & mask) * stride);
}

/*
 * Messages are structs of mixed field sizes read and written here as 8-byte
 * words: the word type must be allowed to alias them, or the compiler may
 * move a struct's 4-byte field stores past the word loads (strict aliasing)
 * and a message leaves with stale fields.
 */
typedef __u64 __attribute__((__may_alias__)) csq_word_t;

/* @nwords words from the caller's @src into the arena. */
CSQ_INLINE void csq__copy_in(__u64 __arena *dst, const csq_word_t *src, __u32 nwords)
{
	for (__u32 i = 0; i < nwords; i++)
		csq_st(&dst[i], src[i]);
}

/*
 * @nwords words out of the arena into the caller's @dst of @dst_words words;
 * the rest of @dst is zeroed. Every path writes every word of @dst, so the
 * verifier sees one stack shape whatever the message length.
 */
CSQ_INLINE void csq__copy_out(csq_word_t *dst, __u32 dst_words, __u64 __arena *src, __u32 nwords)
{
	for (__u32 i = 0; i < dst_words; i++)
		dst[i] = i < nwords ? csq_ld(&src[i]) : 0;
}

/* Is @q a laid-out queue of kind @kind (0: of any kind)? */
CSQ_INLINE bool csq__valid(struct csq __arena *q, __u32 kind)
{
	__u32 k;

	if (!q || csq_ld_acq32(&q->magic) != CSQ_MAGIC)
		return false;
	k = *(volatile __u16 __arena *)&q->kind;
	return kind ? k == kind : (k == CSQ_SPSC || k == CSQ_MPSC);
}

/* Refuse (and count) a message length the queue cannot carry. */
CSQ_INLINE int csq__check_len(struct csq __arena *q, __u32 len)
{
	if (len == 0 || (len & 7)) {
		csq__count(&q->nr_badlen);
		return CSQ_BADLEN;
	}
	if (len > csq_ld32(&q->slot_size)) {
		csq__count(&q->nr_toobig);
		return CSQ_TOOBIG;
	}
	return CSQ_OK;
}

/* ---- Layout ------------------------------------------------------------- */

/*
 * Lay out a queue of @kind with @cap slots of @slot_size bytes in the arena
 * block @q of @block_bytes bytes (8-byte aligned; a fresh page is ideal),
 * with its first position at @pos0 (tests start near 2^64 to cross the
 * wrap). Returns CSQ_OK, or CSQ_BADARG if the geometry is not allowed (see
 * csq_bytes()) or does not fit. Writes every header word: the block need not
 * be zeroed. The magic is stored last, with release ordering. Not safe
 * against concurrent users of the same block.
 */
CSQ_INLINE int csq_init_at(struct csq __arena *q, __u64 block_bytes, __u32 kind,
			   __u32 cap, __u32 slot_size, __u64 pos0)
{
	__u64 bytes = csq_bytes(cap, slot_size), stride = csq_stride(slot_size);
	__u64 __arena *w = (__u64 __arena *)q;
	int i;

	if (!q || (csq_addr(q) & 7) || !bytes || bytes > block_bytes ||
	    (kind != CSQ_SPSC && kind != CSQ_MPSC))
		return CSQ_BADARG;

	for (__u32 j = 0; j < CSQ_HDR_BYTES / 8; j++)
		csq_st(&w[j], 0);
	*(volatile __u16 __arena *)&q->kind = kind;
	*(volatile __u16 __arena *)&q->abi = CSQ_ABI;
	csq_st32(&q->cap, cap);
	csq_st32(&q->slot_size, slot_size);
	csq_st(&q->mask, cap - 1);
	csq_st(&q->stride, stride);
	csq_st(&q->bytes, bytes);
	csq_st(&q->pos0, pos0);
	csq_st(&q->tail, pos0);
	csq_st(&q->head_cache, pos0);
	csq_st(&q->head, pos0);
	csq_st(&q->tail_cache, pos0);

	csq_for(i, 0, cap) {
		struct csq_slot __arena *s = csq__slot(q, cap - 1, stride, pos0 + i);

		/* MPSC: free for the first position that maps to this slot */
		csq_st(&s->seq, 2 * (pos0 + i));
		csq_st32(&s->len, 0);
	}
	csq_st_rel32(&q->magic, CSQ_MAGIC);
	return CSQ_OK;
}

CSQ_INLINE int csq_init(struct csq __arena *q, __u64 block_bytes, __u32 kind,
			__u32 cap, __u32 slot_size)
{
	return csq_init_at(q, block_bytes, kind, cap, slot_size, 0);
}

/* ---- SPSC --------------------------------------------------------------- */

CSQ_INLINE int csq__spsc_push(struct csq __arena *q, const void *msg, __u32 len)
{
	__u64 mask = csq_ld(&q->mask), tail = csq_ld(&q->tail), head;
	struct csq_slot __arena *s;
	int err = csq__check_len(q, len);

	if (err)
		return err;
	if (tail - csq_ld(&q->head_cache) > mask) {
		head = csq_ld_acq(&q->head);
		csq_st(&q->head_cache, head);
		if (tail - head > mask) {
			csq__count(&q->nr_full);
			return CSQ_FULL;
		}
	}
	s = csq__slot(q, mask, csq_ld(&q->stride), tail);
	csq_st32(&s->len, len);
	csq__copy_in(s->data, (const csq_word_t *)msg, len / 8);
	csq_st_rel(&q->tail, tail + 1);
	return CSQ_OK;
}

CSQ_INLINE int csq__spsc_pop(struct csq __arena *q, void *buf, __u32 size)
{
	__u64 head = csq_ld(&q->head), tail;
	struct csq_slot __arena *s;
	__u32 len;

	if (head == csq_ld(&q->tail_cache)) {
		tail = csq_ld_acq(&q->tail);
		csq_st(&q->tail_cache, tail);
		if (head == tail)
			return CSQ_EMPTY;
	}
	s = csq__slot(q, csq_ld(&q->mask), csq_ld(&q->stride), head);
	len = csq_ld32(&s->len);
	if (len > size)
		return CSQ_NOROOM;
	csq__copy_out((csq_word_t *)buf, size / 8, s->data, len / 8);
	csq_st_rel(&q->head, head + 1);
	return (int)len;
}

/* ---- MPSC --------------------------------------------------------------- */

/*
 * One attempt at position *pos: CSQ_OK, CSQ_FULL, or CSQ__RETRY when another
 * producer took *pos first, with *pos set to the position to try next.
 */
CSQ_INLINE int csq__mpsc_try(struct csq __arena *q, __u64 mask, __u64 stride,
			     __u64 *pos, const void *msg, __u32 len)
{
	__u64 p = *pos, cur;
	struct csq_slot __arena *s = csq__slot(q, mask, stride, p);
	__s64 d = (__s64)(csq_ld_acq(&s->seq) - 2 * p);

	if (d < 0)		/* still holds, or is being given, position p - cap */
		return CSQ_FULL;
	if (d > 0) {		/* p was taken: our view of tail is stale */
		*pos = csq_ld_acq(&q->tail);
		return CSQ__RETRY;
	}
	cur = __sync_val_compare_and_swap(&q->tail, p, p + 1);
	if (cur != p) {		/* lost the race: the winner moved tail to cur */
		*pos = cur;
		return CSQ__RETRY;
	}
	csq_st32(&s->len, len);
	csq__copy_in(s->data, (const csq_word_t *)msg, len / 8);
	csq_st_rel(&s->seq, 2 * p + 1);
	return CSQ_OK;
}

CSQ_INLINE int csq__mpsc_push(struct csq __arena *q, const void *msg, __u32 len)
{
	__u64 mask = csq_ld(&q->mask), stride = csq_ld(&q->stride), pos;
	int err = csq__check_len(q, len), i;

	if (err)
		return err;
	pos = csq_ld_acq(&q->tail);
	err = csq__mpsc_try(q, mask, stride, &pos, msg, len);
	if (err == CSQ__RETRY) {
		csq_for(i, 1, CSQ_CAS_TRIES) {
			err = csq__mpsc_try(q, mask, stride, &pos, msg, len);
			if (err != CSQ__RETRY)
				break;
		}
	}
	if (err == CSQ_OK)
		return CSQ_OK;
	if (err == CSQ_FULL) {
		csq__count(&q->nr_full);
		return CSQ_FULL;
	}
	csq__count(&q->nr_contended);
	return CSQ_CONTENDED;
}

CSQ_INLINE int csq__mpsc_pop(struct csq __arena *q, void *buf, __u32 size)
{
	__u64 mask = csq_ld(&q->mask), head = csq_ld(&q->head);
	struct csq_slot __arena *s = csq__slot(q, mask, csq_ld(&q->stride), head);
	__u32 len;

	/* also "empty" while the producer of head is still writing it */
	if (csq_ld_acq(&s->seq) != 2 * head + 1)
		return CSQ_EMPTY;
	len = csq_ld32(&s->len);
	if (len > size)
		return CSQ_NOROOM;
	csq__copy_out((csq_word_t *)buf, size / 8, s->data, len / 8);
	csq_st_rel(&s->seq, 2 * (head + mask + 1));
	csq_st_rel(&q->head, head + 1);
	return (int)len;
}

/* ---- Public operations ---------------------------------------------------- */

/*
 * Push the @len-byte message at @msg (8-byte aligned, @len a multiple of 8).
 * Returns CSQ_OK, or CSQ_FULL / CSQ_TOOBIG / CSQ_BADLEN / CSQ_CONTENDED (the
 * message was not queued and the matching nr_* counter was incremented), or
 * CSQ_BADQ. SPSC: one producer at a time.
 */
CSQ_INLINE int csq_push(struct csq __arena *q, const void *msg, __u32 len)
{
	if (!csq__valid(q, 0))
		return CSQ_BADQ;
	if (*(volatile __u16 __arena *)&q->kind == CSQ_SPSC)
		return csq__spsc_push(q, msg, len);
	return csq__mpsc_push(q, msg, len);
}

/*
 * Pop the oldest message into @buf of @size bytes (8-byte aligned); the rest
 * of @buf is zeroed. Returns its length in bytes (> 0), CSQ_EMPTY, CSQ_NOROOM
 * (@size too small; the message stays queued) or CSQ_BADQ. One consumer at a
 * time. MPSC: a message claimed but not yet written by its producer reads as
 * CSQ_EMPTY until it is, even if later ones are ready (FIFO is kept).
 */
CSQ_INLINE int csq_pop(struct csq __arena *q, void *buf, __u32 size)
{
	if (!csq__valid(q, 0))
		return CSQ_BADQ;
	if (*(volatile __u16 __arena *)&q->kind == CSQ_SPSC)
		return csq__spsc_pop(q, buf, size);
	return csq__mpsc_pop(q, buf, size);
}

/* The same for a queue known to be of one kind (CSQ_BADQ otherwise). */
CSQ_INLINE int csq_spsc_push(struct csq __arena *q, const void *msg, __u32 len)
{
	return csq__valid(q, CSQ_SPSC) ? csq__spsc_push(q, msg, len) : CSQ_BADQ;
}

CSQ_INLINE int csq_spsc_pop(struct csq __arena *q, void *buf, __u32 size)
{
	return csq__valid(q, CSQ_SPSC) ? csq__spsc_pop(q, buf, size) : CSQ_BADQ;
}

CSQ_INLINE int csq_mpsc_push(struct csq __arena *q, const void *msg, __u32 len)
{
	return csq__valid(q, CSQ_MPSC) ? csq__mpsc_push(q, msg, len) : CSQ_BADQ;
}

CSQ_INLINE int csq_mpsc_pop(struct csq __arena *q, void *buf, __u32 size)
{
	return csq__valid(q, CSQ_MPSC) ? csq__mpsc_pop(q, buf, size) : CSQ_BADQ;
}

/* ---- Statistics ---------------------------------------------------------- */

/*
 * Messages queued: pushed (MPSC: claimed) and not yet popped. Exact when
 * nobody pushes or pops concurrently, a snapshot otherwise.
 */
CSQ_INLINE __u64 csq_count(struct csq __arena *q)
{
	__u64 head = csq_ld_acq(&q->head);

	return csq_ld_acq(&q->tail) - head;
}

/* Messages refused so far, whatever the reason. */
CSQ_INLINE __u64 csq_refused(struct csq __arena *q)
{
	return csq_ld(&q->nr_full) + csq_ld(&q->nr_toobig) +
	       csq_ld(&q->nr_contended) + csq_ld(&q->nr_badlen);
}

#endif /* CELLSCHED_QUEUE_IMPL_H */
