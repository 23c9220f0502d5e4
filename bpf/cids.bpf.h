/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/cids.bpf.h: sets of cids (struct cs_cids, one bit per cid) in ordinary
 * BPF global memory, updated atomically.
 *
 * The root keeps two such sets: the idle cids (cid-form schedulers get no
 * built-in idle tracking; ops.update_idle feeds it) and the root cids (cids
 * whose tasks the root schedules itself, i.e. not routed to an attached cell).
 * Ordinary map memory, unlike arena memory, supports fetch-or/fetch-and in the
 * JIT, so a CPU "claims" an idle cid with one atomic instruction and two CPUs
 * can never claim the same one.
 *
 * No sched_ext kfunc is called here, so tests/bpf/ runs this code on kernels
 * without sched_ext through SEC("syscall") programs.
 *
 * Prefix: cs_cids_.
 */
#ifndef CELLSCHED_CIDS_BPF_H
#define CELLSCHED_CIDS_BPF_H

#include <bpf/bpf_helpers.h>

#include "cellsched.h"

static __always_inline void cs_cids_set(struct cs_cids *m, __u32 cid)
{
	if (cid < CS_MAX_CIDS)
		__sync_fetch_and_or(&m->bits[cid / 64], 1ULL << (cid & 63));
}

static __always_inline void cs_cids_clear(struct cs_cids *m, __u32 cid)
{
	if (cid < CS_MAX_CIDS)
		__sync_fetch_and_and(&m->bits[cid / 64], ~(1ULL << (cid & 63)));
}

/* Put @cid in @m or take it out, as @in says (e.g. from ops.update_idle). */
static __always_inline void cs_cids_assign(struct cs_cids *m, __u32 cid, bool in)
{
	if (in)
		cs_cids_set(m, cid);
	else
		cs_cids_clear(m, cid);
}

static __always_inline bool cs_cids_test(const struct cs_cids *m, __u32 cid)
{
	if (cid >= CS_MAX_CIDS)
		return false;
	return m->bits[cid / 64] & (1ULL << (cid & 63));
}

/*
 * Atomically take @cid out of @m. Returns true if this caller did, false if
 * it was not in @m or another CPU took it first.
 */
static __always_inline bool cs_cids_claim(struct cs_cids *m, __u32 cid)
{
	__u64 bit = 1ULL << (cid & 63);

	if (cid >= CS_MAX_CIDS)
		return false;
	return __sync_fetch_and_and(&m->bits[cid / 64], ~bit) & bit;
}

/*
 * Number of cids in @m. A plain loop of known length on purpose: in a
 * bpf_for() loop the verifier cannot see the bound, and the growing range of
 * the sum stops it from ever merging states (1M instructions, E2BIG).
 */
static __always_inline __u32 cs_cids_weight(const struct cs_cids *m)
{
	__u32 w, n = 0;

	/* not unrolled: 16 inlined popcounts (BPF has no such instruction) spill the stack */
#pragma clang loop unroll(disable)
	for (w = 0; w < CS_CID_WORDS; w++)
		n += __builtin_popcountll(m->bits[w]);
	return n;
}

/* First cid in both @a and @b in [@from, @end); @end if none. */
static __always_inline __u32 cs_cids_next_and_in(const struct cs_cids *a, const struct cs_cids *b,
						  __u32 from, __u32 end)
{
	__u32 w, w0 = from / 64, end_w = (end + 63) / 64, found;
	__u64 word;

	if (from >= end || w0 >= CS_CID_WORDS)
		return end;
	word = a->bits[w0] & b->bits[w0] & (~0ULL << (from & 63));
	if (word) {
		found = w0 * 64 + __builtin_ctzll(word);
		return found < end ? found : end;
	}
	/* a loop that only returns early: the verifier merges its states at once */
	bpf_for(w, w0 + 1, end_w) {
		if (w >= CS_CID_WORDS)
			break;
		word = a->bits[w] & b->bits[w];
		if (word) {
			found = w * 64 + __builtin_ctzll(word);
			return found < end ? found : end;
		}
	}
	return end;
}

/*
 * First cid in both @a and @b in [@from, @nr_cids), else the first in
 * [0, @from); @nr_cids when there is none. Claims nothing. Scanning from a
 * CPU's own cid keeps wakeups close to where the task ran.
 */
static __always_inline __u32 cs_cids_next_and(const struct cs_cids *a, const struct cs_cids *b,
					       __u32 nr_cids, __u32 from)
{
	__u32 found;

	if (nr_cids > CS_MAX_CIDS)
		nr_cids = CS_MAX_CIDS;
	if (from >= nr_cids)
		from = 0;
	found = cs_cids_next_and_in(a, b, from, nr_cids);
	if (found < nr_cids || from == 0)
		return found < nr_cids ? found : nr_cids;
	found = cs_cids_next_and_in(a, b, 0, from);
	return found < from ? found : nr_cids;
}

#endif /* CELLSCHED_CIDS_BPF_H */
