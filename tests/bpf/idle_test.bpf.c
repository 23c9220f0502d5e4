/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bpf/idle_test.bpf.c: drives bpf/cids.bpf.h from SEC("syscall")
 * programs so the root's cid sets (idle cids, root cids) are tested on a kernel without
 * sched_ext. One program per operation; arguments and result travel in the
 * context, which the kernel copies back to the caller.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "cids.bpf.h"

char _license[] SEC("license") = "GPL";

struct idle_args {
	__u32 cid;
	__u32 nr_cids;
	__u32 from;
	__s32 ret;
};

struct cs_cids idle;
struct cs_cids usable;

SEC("syscall")
int idle_set(struct idle_args *a)
{
	cs_cids_set(&idle, a->cid);
	return 0;
}

SEC("syscall")
int idle_clear(struct idle_args *a)
{
	cs_cids_clear(&idle, a->cid);
	return 0;
}

SEC("syscall")
int idle_claim(struct idle_args *a)
{
	a->ret = cs_cids_claim(&idle, a->cid);
	return 0;
}

SEC("syscall")
int idle_next(struct idle_args *a)
{
	a->ret = cs_cids_next_and(&idle, &usable, a->nr_cids, a->from);
	return 0;
}
