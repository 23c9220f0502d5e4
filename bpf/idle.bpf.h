/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/idle.bpf.h: idle-cid tracking for the root scheduler.
 *
 * cid-form schedulers get no built-in idle tracking from the kernel: the root
 * learns about idle cids only through ops.update_idle(cid, idle). This file
 * keeps that state as a bitmap (one bit per cid, set = idle) in ordinary BPF
 * global memory, where the JIT supports fetch-or/fetch-and atomics, so a CPU
 * can "claim" an idle cid with one atomic instruction and two CPUs can never
 * claim the same one.
 *
 * It calls no sched_ext kfunc, so the same code is exercised on kernels
 * without sched_ext by tests/bpf/ through SEC("syscall") programs.
 *
 * Prefix: cs_idle_.
 */
#ifndef CELLSCHED_IDLE_BPF_H
#define CELLSCHED_IDLE_BPF_H

#include <bpf/bpf_helpers.h>

#include "cellsched.h"

/* Record that @cid went idle (@idle true) or busy. */
static __always_inline void cs_idle_update(struct cs_idle *m, __u32 cid, bool idle)
{
	__u64 bit = 1ULL << (cid & 63);

	if (cid >= CS_MAX_CIDS)
		return;
	if (idle)
		__sync_fetch_and_or(&m->bits[cid / 64], bit);
	else
		__sync_fetch_and_and(&m->bits[cid / 64], ~bit);
}

static __always_inline bool cs_idle_test(const struct cs_idle *m, __u32 cid)
{
	if (cid >= CS_MAX_CIDS)
		return false;
	return m->bits[cid / 64] & (1ULL << (cid & 63));
}

/*
 * Atomically take @cid out of the idle set. Returns true if this caller did,
 * false if it was not idle or another CPU claimed it first.
 */
static __always_inline bool cs_idle_claim(struct cs_idle *m, __u32 cid)
{
	__u64 bit = 1ULL << (cid & 63);

	if (cid >= CS_MAX_CIDS)
		return false;
	return __sync_fetch_and_and(&m->bits[cid / 64], ~bit) & bit;
}

/*
 * First idle cid in [@from, @nr_cids), else the first in [0, @from); returns
 * @nr_cids when none is idle. Does not claim it. Scanning from a CPU's own
 * cid keeps wakeups close to where the task ran.
 */
static __always_inline __u32 cs_idle_next(const struct cs_idle *m, __u32 nr_cids, __u32 from)
{
	__u32 i, nr_words, start_w, w, found;
	__u64 word;

	if (nr_cids > CS_MAX_CIDS)
		nr_cids = CS_MAX_CIDS;
	if (from >= nr_cids)
		from = 0;
	nr_words = (nr_cids + 63) / 64;
	start_w = from / 64;

	/* nr_words + 1 steps: the start word is visited twice (high part, then low part) */
	bpf_for(i, 0, CS_IDLE_WORDS + 1) {
		if (i > nr_words)
			break;
		w = start_w + i;
		if (w >= nr_words)
			w -= nr_words;
		if (w >= CS_IDLE_WORDS)
			break;
		word = m->bits[w];
		if (i == 0)
			word &= ~0ULL << (from & 63);
		else if (i == nr_words)
			word &= (from & 63) ? ~(~0ULL << (from & 63)) : 0;
		if (!word)
			continue;
		found = w * 64 + __builtin_ctzll(word);
		if (found < nr_cids)
			return found;
	}
	return nr_cids;
}

#endif /* CELLSCHED_IDLE_BPF_H */
