/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/root_hotplug.bpf.h: the root's CPU hotplug ops (included once, by
 * root.bpf.c, after the idle and online cid sets it keeps): without
 * ops.cid_online/cid_offline the kernel ends the scheduler on every hotplug.
 * An offline cid is never claimed or chosen; what waited for it is queued
 * anew; the controller hears of it on the event queue and re-plans the cells.
 */
#ifndef CELLSCHED_ROOT_HOTPLUG_BPF_H
#define CELLSCHED_ROOT_HOTPLUG_BPF_H

/* ---- hotplug ---------------------------------------------------------------------------- */

/*
 * The CPU went idle and busy while coming up, before it counted as online
 * (update_idle ignores an offline cid): start it as idle and have it look for
 * work. A busy CPU taken for idle is harmless: the kick does not preempt, and
 * its next dispatch puts the bit right.
 */
void BPF_STRUCT_OPS(cs_root_cid_online, s32 cid)
{
	stat_inc(CS_STAT_CID_ONLINE);
	cs_cids_set(&online_cids, cid);
	cs_cids_set(&idle_cids, cid);
	scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	cs_event(CSQ_MSG_CID_ONLINE, cid, 0);
}

void BPF_STRUCT_OPS(cs_root_cid_offline, s32 cid)
{
	stat_inc(CS_STAT_CID_OFFLINE);
	cs_cids_clear(&online_cids, cid);
	cs_cids_clear(&idle_cids, cid);
	/*
	 * What waits for this cid only, and what waits on the shared DSQ (a task
	 * whose only root cids were this one would wait there forever), is
	 * placed anew: on another cid, or on one of a cell's.
	 */
	scx_bpf_dsq_reenq(cid_dsq(cid), 0);
	scx_bpf_dsq_reenq(CS_ROOT_DSQ, 0);
	cs_event(CSQ_MSG_CID_OFFLINE, cid, 0);
}

#endif /* CELLSCHED_ROOT_HOTPLUG_BPF_H */
