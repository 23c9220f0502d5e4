/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/events.bpf.h: arena queues made by a scheduler (cs_queue_new) and the
 * event queue to the controller (cs_shared.event_q: child attach/detach,
 * CPU hotplug, invariant violations; struct csq_event in ipc/cellsched.h).
 * Shared by native mode's root (through bpf/cells.bpf.h) and embedded mode's
 * scheduler; include after the arena map `arena` and `cs_shared`.
 */
#ifndef CELLSCHED_EVENTS_BPF_H
#define CELLSCHED_EVENTS_BPF_H

#include "cellsched.h"
#include "queue_impl.h"

/* A fresh arena queue of @kind; 0 if the arena is exhausted. Sleepable context. */
static __u64 cs_queue_new(__u32 kind, __u32 cap)
{
	__u32 pages = csq_pages(cap, CS_IPC_SLOT);
	struct csq __arena *q;

	q = bpf_arena_alloc_pages(&arena, NULL, pages, NUMA_NO_NODE, 0);
	if (!q)
		return 0;
	if (csq_init(q, (__u64)pages * CSQ_PAGE, kind, cap, CS_IPC_SLOT) != CSQ_OK) {
		bpf_arena_free_pages(&arena, q, pages);
		return 0;
	}
	return csq_addr(q);
}

static void cs_event_push(struct csq_event *ev)
{
	ev->ts_ns = bpf_ktime_get_ns();
	if (cs_shared.event_q)
		csq_mpsc_push(csq_ptr(cs_shared.event_q), ev, sizeof(*ev));
}

/* Tell the controller: a struct csq_event on the event queue (never blocks). */
static void cs_event(__u32 type, __u32 cell, __u64 cgid)
{
	struct csq_event ev = { .type = type, .cell = cell, .attached.cgid = cgid };

	cs_event_push(&ev);
}

static __always_inline void cs_event_invariant(__u32 cell, __u32 code, __u64 arg0, __u64 arg1)
{
	struct csq_event ev = {
		.type = CSQ_MSG_INVARIANT, .cell = cell,
		.invariant.code = code, .invariant.arg0 = arg0, .invariant.arg1 = arg1,
	};

	cs_event_push(&ev);
}

#endif /* CELLSCHED_EVENTS_BPF_H */
