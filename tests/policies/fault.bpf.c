/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/policies/fault.bpf.c: TEST ONLY child policy "test-fault": the fifo
 * policy that calls scx_bpf_error() at its fault_after'th enqueue, so the VM
 * tests can watch the kernel eject a child and the controller restart it.
 * Built into cellsched only with -Dtest_policies=true.
 */
#include <scx/common.bpf.h>

const volatile __u32 fault_after = 200;	/* enqueues before the error (YAML fault_after) */
static __u32 nr_enqueued;

#define CS_FIFO_NAME "cellsched_fault"
#define cs_fifo_enqueue_hook(p)								\
	do {										\
		if (__sync_add_and_fetch(&nr_enqueued, 1) == fault_after)		\
			scx_bpf_error("test fault after %u enqueues", fault_after);	\
	} while (0)

#include "fifo.bpf.c"
