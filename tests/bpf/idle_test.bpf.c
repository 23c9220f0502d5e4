/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bpf/idle_test.bpf.c: drives bpf/idle.bpf.h from SEC("syscall")
 * programs so the root's idle-cid bitmap is tested on a kernel without
 * sched_ext. One program per operation; arguments and result travel in the
 * context, which the kernel copies back to the caller.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "idle.bpf.h"

char _license[] SEC("license") = "GPL";

struct idle_args {
	__u32 cid;
	__u32 nr_cids;
	__u32 from;
	__s32 ret;
};

struct cs_idle idle;

SEC("syscall")
int idle_set(struct idle_args *a)
{
	cs_idle_update(&idle, a->cid, true);
	return 0;
}

SEC("syscall")
int idle_clear(struct idle_args *a)
{
	cs_idle_update(&idle, a->cid, false);
	return 0;
}

SEC("syscall")
int idle_claim(struct idle_args *a)
{
	a->ret = cs_idle_claim(&idle, a->cid);
	return 0;
}

SEC("syscall")
int idle_next(struct idle_args *a)
{
	a->ret = cs_idle_next(&idle, a->nr_cids, a->from);
	return 0;
}
