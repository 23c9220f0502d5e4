/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/task.bpf.h: placing a task on a cid, shared by the root and the child
 * policies.
 *
 * Owns the test of a task's affinity against a cid (cid-form schedulers get
 * cids, the task's cpumask is in CPUs) and the exhaustive claim of an idle cid
 * a task may use. Uses sched_ext kfuncs, unlike cids.bpf.h, so it is exercised
 * in the VM, not on the host. Prefix: cs_task_.
 */
#ifndef CELLSCHED_TASK_BPF_H
#define CELLSCHED_TASK_BPF_H

#include "cids.bpf.h"

static __always_inline bool cs_task_allows_cid(const struct task_struct *p, __u32 cid)
{
	s32 cpu = scx_bpf_cid_to_cpu(cid);

	return cpu >= 0 && bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/*
 * Claim a cid that is in @idle and in @usable and that @p may run on,
 * scanning all @nr_cids once from @from; -1 if there is none. For tasks with
 * a narrow affinity: the scan must find an idle allowed cid whenever there is
 * one, or the task could sit queued while the only CPUs it may use sleep.
 * The affinity (a kfunc call) is tested only on idle usable cids.
 */
static __always_inline s32 cs_task_claim_idle(const struct task_struct *p, struct cs_cids *idle,
					      const struct cs_cids *usable, __u32 nr_cids,
					      __u32 from)
{
	__u32 i, cid;

	if (from >= nr_cids)
		from = 0;
	bpf_for(i, 0, nr_cids) {
		cid = from + i;
		if (cid >= nr_cids)
			cid -= nr_cids;
		if (!cs_cids_test(idle, cid) || !cs_cids_test(usable, cid) ||
		    !cs_task_allows_cid(p, cid))
			continue;
		if (cs_cids_claim(idle, cid))
			return cid;
	}
	return -1;
}

#endif /* CELLSCHED_TASK_BPF_H */
