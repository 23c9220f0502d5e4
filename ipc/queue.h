/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc/queue.h: bounded message queues living in the root's BPF arena, shared
 * by BPF programs (parent, children) and the userspace controller.
 *
 * Owns: the in-arena layout of a queue (struct csq + its slots), the return
 * codes, the limits, and the message formats exchanged through queues (child
 * -> parent demand reports, controller -> child control, BPF -> controller
 * events). The operations are in ipc/queue_impl.h.
 *
 * Model:
 *   - A queue is a header followed by cap slots of stride bytes; cap is a
 *     power of two (1 is allowed) and each slot holds one message of up to
 *     slot_size bytes (a multiple of 8). Both are fixed by csq_init().
 *   - A queue is named by its arena address (a __u64): the parent allocates
 *     a block (bpf_arena_alloc_pages), lays the queue out with csq_init() and
 *     hands the address to a child (rodata) and to the controller. In BPF the
 *     address is an __arena pointer; in userspace it is a plain pointer into
 *     the arena's mmap at CS_ARENA_ADDR (both are the same number).
 *   - Two kinds: CSQ_SPSC (one producer and one consumer at a time, e.g. a
 *     child's timer to the parent) and CSQ_MPSC (any number of producers on
 *     any CPUs, one consumer, e.g. events to the controller).
 *   - Push and pop never block and never take a lock. A refused push returns
 *     a negative code and is counted in the header: nothing is dropped
 *     silently.
 *
 * Types: BPF sees vmlinux.h, userspace sees <linux/types.h>; both define the
 * __u32/__u64/__s32/__s64 spellings used here. __arena marks pointers to
 * arena memory: address_space(1) in BPF, nothing in userspace.
 *
 * Prefix: csq_ (CSQ_ for constants).
 */
#ifndef CELLSCHED_QUEUE_H
#define CELLSCHED_QUEUE_H

#ifdef __bpf__
#ifndef __BPF_FEATURE_ADDR_SPACE_CAST
#error "arena queues need clang with __BPF_FEATURE_ADDR_SPACE_CAST (clang >= 19)"
#endif
#ifndef __arena
#define __arena __attribute__((address_space(1)))
#endif
#define CSQ_INLINE static inline __attribute__((always_inline))
#else
#include <linux/types.h>
#ifndef __arena
#define __arena
#endif
#define CSQ_INLINE static inline
#endif

/* Kinds of queue, stored in struct csq.kind. */
enum csq_kind {
	CSQ_SPSC		= 1,	/* one producer, one consumer */
	CSQ_MPSC		= 2,	/* many producers, one consumer */
};

/*
 * Return codes. csq_push() returns CSQ_OK or a negative code; csq_pop()
 * returns the length of the message it copied out (> 0) or a negative code.
 * Every refused push is also counted in the header (see struct csq).
 */
enum csq_ret {
	CSQ_OK			= 0,
	CSQ_FULL		= -1,	/* push: no free slot; counted in nr_full */
	CSQ_EMPTY		= -2,	/* pop: nothing published yet */
	CSQ_TOOBIG		= -3,	/* push: message longer than slot_size; nr_toobig */
	CSQ_CONTENDED		= -4,	/* push: CSQ_CAS_TRIES attempts lost; nr_contended */
	CSQ_BADLEN		= -5,	/* push: length 0 or not a multiple of 8; nr_badlen */
	CSQ_NOROOM		= -6,	/* pop: caller's buffer shorter than the message,
					 * which stays queued */
	CSQ_BADQ		= -7,	/* not an initialised queue of a known kind */
	CSQ_BADARG		= -8,	/* csq_init: bad capacity, slot size or block size */
};

/* Limits and layout constants. */
enum csq_consts {
	CSQ_MAGIC		= 0x63737131,	/* "csq1", written last by csq_init */
	CSQ_ABI			= 1,		/* bumped whenever the layout changes */
	CSQ_LINE		= 64,		/* bytes, cache line; header fields are
						 * grouped per writer on separate lines */
	CSQ_HDR_BYTES		= 256,		/* bytes, struct csq before slot 0 */
	CSQ_SLOT_HDR_BYTES	= 16,		/* bytes, struct csq_slot before the payload */
	CSQ_MAX_CAP		= 1 << 20,	/* slots */
	CSQ_MAX_SLOT		= 256,		/* bytes, largest payload per slot */
	CSQ_CAS_TRIES		= 256,		/* attempts of an MPSC push before it
						 * gives up with CSQ_CONTENDED; every
						 * lost attempt is another producer's
						 * success, so this bounds a push to
						 * tens of us of cache-line traffic */
	CSQ_PAGE		= 4096,		/* bytes, arena page */
};

/*
 * struct csq - the header of a queue, at the queue's arena address.
 *
 * Positions (tail, head) are free-running 64-bit counters; a position p lives
 * in slot p & mask. They are compared only by difference, so they may wrap.
 *
 * SPSC: the producer owns tail and head_cache, the consumer owns head and
 * tail_cache. The producer publishes a slot with a release store of tail; the
 * consumer frees it with a release store of head; each side reads the other's
 * counter with an acquire load, and only when its cached copy says the queue
 * is full (producer) or empty (consumer).
 *
 * MPSC (a per-slot sequence number, after Vyukov's bounded MPMC queue, with
 * two states per lap so that cap = 1 works): slot i starts with seq = 2p,
 * where p is the first position that maps to it, meaning "free for the
 * producer of p". A producer reads tail = p; if the slot's seq (acquire) is
 * 2p it claims p with a CAS tail p -> p + 1, writes the message and publishes
 * it with a release store seq = 2p + 1. The consumer at head = p waits for
 * seq = 2p + 1, copies the message out, and frees the slot for the next lap
 * with a release store seq = 2(p + cap). A seq below 2p means the slot still
 * holds (or is being filled with) the message of p - cap: full. A seq above
 * 2p means another producer took p first: retry, at most CSQ_CAS_TRIES times.
 *
 * The counters in the last line are only ever incremented (atomic add) and
 * are read by the controller.
 */
struct csq {
	/* line 0: written by csq_init only */
	__u32 magic;		/* CSQ_MAGIC once laid out */
	__u16 kind;		/* enum csq_kind */
	__u16 abi;		/* CSQ_ABI */
	__u32 cap;		/* slots, a power of two */
	__u32 slot_size;	/* bytes of payload per slot, a multiple of 8 */
	__u64 mask;		/* cap - 1 */
	__u64 stride;		/* bytes from one slot to the next */
	__u64 bytes;		/* bytes of the whole queue, header included */
	__u64 pos0;		/* first position (0 unless a test starts elsewhere) */
	__u64 rsvd0[2];
	/* line 1: producer side */
	__u64 tail;		/* next position to push */
	__u64 head_cache;	/* SPSC: the producer's last view of head */
	__u64 rsvd1[6];
	/* line 2: consumer side */
	__u64 head;		/* next position to pop */
	__u64 tail_cache;	/* SPSC: the consumer's last view of tail */
	__u64 rsvd2[6];
	/* line 3: refused pushes, by reason */
	__u64 nr_full;		/* CSQ_FULL */
	__u64 nr_toobig;	/* CSQ_TOOBIG */
	__u64 nr_contended;	/* CSQ_CONTENDED */
	__u64 nr_badlen;	/* CSQ_BADLEN */
	__u64 rsvd3[4];
};

/* One slot: a small header, then slot_size bytes of payload. */
struct csq_slot {
	__u64 seq;		/* MPSC: 2p free for position p, 2p + 1 holds p; SPSC: unused */
	__u32 len;		/* bytes of the message in data */
	__u32 rsvd;
	__u64 data[];		/* slot_size bytes */
};

_Static_assert(sizeof(struct csq) == CSQ_HDR_BYTES, "struct csq layout changed: bump CSQ_ABI");
_Static_assert(__builtin_offsetof(struct csq, tail) == 1 * CSQ_LINE, "tail off its line");
_Static_assert(__builtin_offsetof(struct csq, head) == 2 * CSQ_LINE, "head off its line");
_Static_assert(__builtin_offsetof(struct csq, nr_full) == 3 * CSQ_LINE, "counters off their line");
_Static_assert(sizeof(struct csq_slot) == CSQ_SLOT_HDR_BYTES, "struct csq_slot layout changed");

/* Bytes between slots for a payload of @slot_size bytes. */
CSQ_INLINE __u64 csq_stride(__u32 slot_size)
{
	return CSQ_SLOT_HDR_BYTES + (((__u64)slot_size + 7) & ~7ULL);
}

/*
 * Bytes a queue of @cap slots of @slot_size bytes needs, header included;
 * 0 if the geometry is not allowed (cap not a power of two in
 * [1, CSQ_MAX_CAP], slot_size not a multiple of 8 in [8, CSQ_MAX_SLOT]).
 */
CSQ_INLINE __u64 csq_bytes(__u32 cap, __u32 slot_size)
{
	if (cap == 0 || cap > CSQ_MAX_CAP || (cap & (cap - 1)))
		return 0;
	if (slot_size == 0 || slot_size > CSQ_MAX_SLOT || (slot_size & 7))
		return 0;
	return CSQ_HDR_BYTES + (__u64)cap * csq_stride(slot_size);
}

/* Arena pages (CSQ_PAGE bytes) for such a queue, for bpf_arena_alloc_pages(). */
CSQ_INLINE __u32 csq_pages(__u32 cap, __u32 slot_size)
{
	return (__u32)((csq_bytes(cap, slot_size) + CSQ_PAGE - 1) / CSQ_PAGE);
}

/* ---- Message formats -------------------------------------------------- */

/*
 * Every message starts with its type and the cell it concerns; the type
 * ranges are disjoint per direction so a message on the wrong queue is
 * recognised.
 */
enum csq_msg_type {
	/* child -> parent, struct csq_demand */
	CSQ_MSG_DEMAND		= 1,
	/* controller -> child, struct csq_ctl */
	CSQ_MSG_TUNABLE		= 17,
	/* BPF -> controller, struct csq_event */
	CSQ_MSG_CHILD_ATTACHED	= 32,
	CSQ_MSG_CHILD_EXITED	= 33,
	CSQ_MSG_INVARIANT	= 34,
	CSQ_MSG_CID_OFFLINE	= 35,	/* hotplug: .cell is the cid */
	CSQ_MSG_CID_ONLINE	= 36,
};

/* Child -> parent: the load of the child's cell over its last period. */
struct csq_demand {
	__u32 type;		/* CSQ_MSG_DEMAND */
	__u32 cell;		/* cell id */
	__u32 child;		/* the controller's number for this child (its rodata) */
	__u32 seq;		/* report number, +1 per report of this child */
	__u32 nr_runnable;	/* tasks runnable in the cell at report time */
	__u32 util_permille;	/* busy time / (period x cell cids), 0..1000 */
	__u64 busy_ns;		/* ns, CPU time the cell's tasks used in the period */
	__u64 max_wait_ns;	/* ns, longest wait runnable -> running in the period */
	__u64 ts_ns;		/* ns, bpf_ktime_get_ns() at report time */
};

/*
 * Controller -> child: set a tunable of the cell's policy while it runs (no
 * reload, no detach). The child applies the messages in order and records
 * the seq of the last one it applied (policies/lib/ctl.bpf.c).
 */
struct csq_ctl {
	__u32 type;		/* CSQ_MSG_TUNABLE */
	__u32 cell;		/* cell id */
	__u64 seq;		/* the controller's number for this change, > 0 */
	struct {
		__u32 key;	/* tunable index (enum cs_tunable_idx, ipc/cellsched.h) */
		__u32 rsvd;
		__u64 value;	/* new value, in the child's unit (ns, or a count) */
	} tunable;
};

/* Invariants the root refuses to break, as reported by CSQ_MSG_INVARIANT. */
enum csq_invariant {
	CSQ_INV_CID_OWNERS	= 1,	/* a cid has no owner or two; arg0 cid, arg1 owners */
	CSQ_INV_CID_NOT_ALLOWED	= 2,	/* a cell's cid outside its cpuset; arg0 cid, arg1 cell */
	CSQ_INV_ROOT_MIN_CPUS	= 3,	/* root cell below min_cpus; arg0 cpus, arg1 min */
	CSQ_INV_CELL_NO_CPU	= 4,	/* runnable tasks, no cid; arg0 cell, arg1 runnable */
};

/* BPF -> controller: something the controller must act on or log. */
struct csq_event {
	__u32 type;		/* CSQ_MSG_CHILD_*, CSQ_MSG_INVARIANT, CSQ_MSG_CID_* */
	__u32 cell;		/* cell id (0 when not about a cell); the cid for CID_* */
	__u64 ts_ns;		/* ns, bpf_ktime_get_ns() when it happened */
	union {
		struct {
			__u64 cgid;	/* cgroup id the child attached at */
		} attached;		/* CSQ_MSG_CHILD_ATTACHED */
		struct {
			__u64 cgid;	/* cgroup id of the child */
			__u32 kind;	/* enum scx_exit_kind of the child's exit */
			__u32 rsvd;
			__s64 code;	/* exit code / reason the kernel recorded */
		} exited;		/* CSQ_MSG_CHILD_EXITED */
		struct {
			__u32 code;	/* enum csq_invariant */
			__u32 rsvd;
			__u64 arg0;	/* meaning per code */
			__u64 arg1;
		} invariant;		/* CSQ_MSG_INVARIANT */
	};
};

_Static_assert(sizeof(struct csq_demand) == 48, "struct csq_demand layout changed: bump CSQ_ABI");
_Static_assert(sizeof(struct csq_ctl) == 32, "struct csq_ctl layout changed: bump CSQ_ABI");
_Static_assert(sizeof(struct csq_event) == 40, "struct csq_event layout changed: bump CSQ_ABI");

/* A slot size that fits every message above. */
enum { CSQ_MSG_MAX_BYTES = 48 /* bytes */ };
_Static_assert(sizeof(struct csq_demand) <= CSQ_MSG_MAX_BYTES &&
	       sizeof(struct csq_ctl) <= CSQ_MSG_MAX_BYTES &&
	       sizeof(struct csq_event) <= CSQ_MSG_MAX_BYTES, "CSQ_MSG_MAX_BYTES too small");
_Static_assert(CSQ_MSG_MAX_BYTES % 8 == 0, "messages are copied in 8-byte words");

#endif /* CELLSCHED_QUEUE_H */
