/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policies/lib/ctl.bpf.c: the controller's messages to a running child (see
 * child.h): live tunable changes without a reload, so the kernel sees no
 * detach and the cell's tasks never leave their policy.
 *
 * The controller pushes struct csq_ctl messages (ipc/queue.h) onto the
 * cell's control queue in the root's arena (an SPSC queue: the controller is
 * the one producer), then rings the doorbell: it runs cs_ctl_doorbell, a
 * SEC("syscall") program of this child, which applies every queued message
 * at once; the report timer (demand.bpf.c) drains the queue too, so a
 * message whose doorbell failed still applies within CS_DEMAND_PERIOD_NS.
 * The two consumers take turns through cs_ctl_busy. Each message sets one
 * tunable (cs_tun[key] = value) and advances cs_ctl_applied to its seq,
 * which the controller reads back from the child's .bss to know the change
 * is in effect. A message for a key the policy does not have is counted in
 * cs_ctl_refused and skipped.
 */
#include "child.h"
#include "queue_impl.h"

extern CS_ARENA_MAP(arena);

const volatile __u64 ctl_q;

__u64 cs_ctl_applied;		/* seq of the last message applied */
__u64 cs_ctl_refused;		/* messages with an unknown type or key */
static __u32 cs_ctl_busy;	/* a consumer is draining */

enum { CS_CTL_DRAIN_MAX = 64 };	/* messages applied per drain */

__hidden void cs_ctl_drain(void)
{
	struct csq_ctl m;
	__u32 i;

	CSQ_ARENA_TOUCH(arena);
	if (!ctl_q || __sync_lock_test_and_set(&cs_ctl_busy, 1))
		return;		/* the other consumer is at it: it takes ours too */
	bpf_for(i, 0, CS_CTL_DRAIN_MAX) {
		if (csq_spsc_pop(csq_ptr(ctl_q), &m, sizeof(m)) != sizeof(m))
			break;
		if (m.type != CSQ_MSG_TUNABLE || m.tunable.key >= CS_MAX_TUNABLES) {
			__sync_fetch_and_add(&cs_ctl_refused, 1);
			continue;
		}
		cs_tun[m.tunable.key] = m.tunable.value;
		cs_ctl_applied = m.seq;
	}
	__sync_lock_test_and_set(&cs_ctl_busy, 0);
}

/* The doorbell: the controller runs this right after pushing (bpf_prog_test_run). */
SEC("syscall")
int cs_ctl_doorbell(void *ctx)
{
	cs_ctl_drain();
	return 0;
}
