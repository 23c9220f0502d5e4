/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/embedded_cells.bpf.h: embedded mode's cell table from the controller's
 * side. Included once by bpf/embedded.bpf.c, after its state and helpers.
 *
 * Owns: the demand reports (a timer writes each running cell's into
 * cs_shared.cells[].demand every CS_DEMAND_PERIOD_NS, as a native child's
 * report would arrive), CPU ownership (cs_shared.cid_owner[], the root_cpus
 * set) and the controller's programs (SEC("syscall"): cs_cell_add,
 * cs_cell_flags, cs_cell_resize, cs_cell_remove with native mode's struct
 * cs_cell_cmd, and cs_cell_attach, which starts or stops running a cell's
 * policy). The controller runs them one at a time; the scheduling paths read
 * owners and states without a lock: a cell's CPUs are its own only while it
 * is CS_CELL_ATTACHED, and a cell that stops running gives its queued tasks
 * to the root cell's queue.
 */
#ifndef CELLSCHED_EMBEDDED_CELLS_BPF_H
#define CELLSCHED_EMBEDDED_CELLS_BPF_H

/* ---- demand reports ------------------------------------------------------------------- */

static void report(__u32 idx, __u64 now, __u64 period)
{
	struct cs_cell __arena *cell = &cs_shared.cells[idx];
	struct cs_emb_cell *conf;
	__u64 busy, cap;
	s32 queued;

	if (cell->state != CS_CELL_ATTACHED)
		return;
	conf = cell_conf_get(idx);
	if (!conf)
		return;
	busy = __sync_lock_test_and_set(&busy_ns[idx], 0);
	queued = scx_bpf_dsq_nr_queued(CS_EMB_CELL_DSQ + idx);
	cap = period * (cell->nr_cids ?: 1);
	cell->demand.busy_ns = busy;
	cell->demand.max_wait_ns = __sync_lock_test_and_set(&max_wait_ns[idx], 0);
	cell->demand.nr_runnable = (queued > 0 ? queued : 0) +
				   (nr_running[idx] > 0 ? nr_running[idx] : 0);
	cell->demand.util_permille = cap ? (busy * 1000 / cap > 1000 ? 1000 : busy * 1000 / cap) : 0;
	cell->demand.ts_ns = now;
	cell->demand.child = conf->child_id;
	cell->demand.seq++;
	cell->demand.reports++;
}

static int report_fn(void *map, int *key, struct bpf_timer *timer)
{
	__u64 now = bpf_ktime_get_ns(), period = now - last_report_ns;
	__u32 i;

	last_report_ns = now;
	bpf_for(i, 0, CS_MAX_CELLS)
		report(i, now, period ?: CS_DEMAND_PERIOD_NS);
	bpf_timer_start(timer, CS_DEMAND_PERIOD_NS, 0);
	return 0;
}

/* ---- the controller's programs (ipc/cellsched.h: struct cs_cell_cmd) ------------------ */

/* The CPUs in @cids to @cell. */
static void own_cpus(__u32 cell, const struct cs_cids *cids)
{
	__u32 i;

	bpf_for(i, 0, nr_cpus) {
		if (i >= CS_MAX_CIDS || !cs_cids_test(cids, i))
			continue;
		cs_shared.cid_owner[i] = (s32)cell;
		cs_cids_clear(&root_cpus, i);
	}
}

/* Every CPU @cell owns back to the root cell. */
static void release_cpus(__u32 cell)
{
	__u32 i;

	bpf_for(i, 0, nr_cpus) {
		if (i >= CS_MAX_CIDS || cs_shared.cid_owner[i] != (s32)cell)
			continue;
		cs_shared.cid_owner[i] = CS_OWNER_ROOT;
		cs_cids_set(&root_cpus, i);
	}
}

/* -EBUSY if a CPU of @cids belongs to a cell other than @cell. */
static int check_cpus(__u32 cell, const struct cs_cids *cids)
{
	__u32 i;
	s32 owner;

	bpf_for(i, 0, CS_MAX_CIDS) {
		if (!cs_cids_test(cids, i))
			continue;
		if (i >= nr_cpus)
			return -EINVAL;
		owner = cs_shared.cid_owner[i];
		if (owner != CS_OWNER_ROOT && owner != (s32)cell) {
			cs_shared.nr_violations++;
			return -EBUSY;
		}
	}
	return 0;
}

/* A cell changed: its and the table's sequence numbers move on. */
static void bump(struct cs_cell __arena *c)
{
	c->seq++;
	cs_shared.seq++;
}

/* Tasks left on a cell's queue when it stops running go to the root cell's. */
static void drain_cell(__u32 cell)
{
	struct task_struct *p;

	/* the syscall programs are sleepable: the queue is walked under RCU */
	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, CS_EMB_CELL_DSQ + cell, 0)
		scx_bpf_dsq_move_vtime(BPF_FOR_EACH_ITER, p, CS_EMB_ROOT_DSQ, 0);
	bpf_rcu_read_unlock();
}

/*
 * CPUs went to a running cell: root-cell tasks queued on the root queue
 * that may now run only on cells' CPUs (pinned there) would wait there
 * forever (the root cell's CPUs cannot take them, the cells' do not look):
 * move them to the queue of a CPU they may run on, in its bounded share.
 */
static void restrand_root(void)
{
	struct task_struct *p;
	s32 cpu;

	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, CS_EMB_ROOT_DSQ, 0) {
		if (root_allows(p))
			continue;
		cpu = bpf_cpumask_first(p->cpus_ptr);
		if (cpu < 0 || cpu >= nr_cpus)
			continue;
		if (scx_bpf_dsq_move_vtime(BPF_FOR_EACH_ITER, p, CS_EMB_CPU_DSQ + cpu, 0)) {
			scx_bpf_kick_cpu(cpu, 0);
			stat_inc(CS_STAT_ENQ_STRANDED);
		}
	}
	bpf_rcu_read_unlock();
}

/*
 * The command, copied out of the context first thing: the verifier takes
 * context loads only at constant offsets from the context pointer itself.
 */
static struct cs_cell_cmd in;

static int cmd_end(struct cs_cell_cmd *cmd, int ret)
{
	cmd->ret = ret;
	cmd->seq = cs_shared.seq;
	return 0;
}

static int cell_add(void)
{
	struct cs_cell __arena *c = cell_get(in.cell);
	__u64 cgid = in.cgid;
	__u32 idx = in.cell;
	int ret;

	if (!c || !cgid)
		return -EINVAL;
	if (c->state != CS_CELL_FREE || bpf_map_lookup_elem(&cgid_cell, &cgid))
		return -EEXIST;
	ret = check_cpus(idx, &in.cids);
	if (!ret)
		ret = bpf_map_update_elem(&cgid_cell, &cgid, &idx, BPF_NOEXIST);
	if (ret)
		return ret;
	c->cgid = cgid;
	c->cids = in.cids;
	c->nr_cids = cs_cids_weight(&in.cids);
	c->lend = !!(in.flags & CS_CELL_F_LEND);
	c->lent_ns = 0;
	c->demand.reports = 0;
	c->demand.child = 0;
	c->demand.seq = 0;
	own_cpus(idx, &in.cids);
	c->state = CS_CELL_CONFIGURED;
	bump(c);
	return 0;
}

SEC("syscall")
int cs_cell_add(struct cs_cell_cmd *cmd)
{
	__builtin_memcpy(&in, cmd, sizeof(in));
	return cmd_end(cmd, cell_add());
}

static int cell_flags(void)
{
	struct cs_cell __arena *c = cell_get(in.cell);

	if (!c || c->state == CS_CELL_FREE)
		return -EINVAL;
	c->lend = !!(in.flags & CS_CELL_F_LEND);
	bump(c);
	return 0;
}

SEC("syscall")
int cs_cell_flags(struct cs_cell_cmd *cmd)
{
	__builtin_memcpy(&in, cmd, sizeof(in));
	return cmd_end(cmd, cell_flags());
}

static int cell_resize(void)
{
	struct cs_cell __arena *c = cell_get(in.cell);
	int ret;

	if (!c || c->state == CS_CELL_FREE)
		return -EINVAL;
	ret = check_cpus(in.cell, &in.cids);
	if (ret)
		return ret;
	release_cpus(in.cell);
	own_cpus(in.cell, &in.cids);
	c->cids = in.cids;
	c->nr_cids = cs_cids_weight(&in.cids);
	bump(c);
	if (c->state == CS_CELL_ATTACHED && !c->nr_cids)
		drain_cell(in.cell);	/* no CPU left to run them: the root cell's now */
	else if (c->state == CS_CELL_ATTACHED)
		restrand_root();
	return 0;
}

SEC("syscall")
int cs_cell_resize(struct cs_cell_cmd *cmd)
{
	__builtin_memcpy(&in, cmd, sizeof(in));
	return cmd_end(cmd, cell_resize());
}

static int cell_attach(void)
{
	struct cs_cell __arena *c = cell_get(in.cell);
	struct cs_emb_cell *conf = cell_conf_get(in.cell);

	if (!c || !conf || c->state == CS_CELL_FREE || in.flags > CS_EMB_POLICY_MAX)
		return -EINVAL;
	conf->policy = in.flags;
	if (in.flags) {
		c->state = CS_CELL_ATTACHED;
		c->nr_attach++;
		restrand_root();
	} else {
		c->state = CS_CELL_CONFIGURED;
		drain_cell(in.cell);
	}
	bump(c);
	return 0;
}

SEC("syscall")
int cs_cell_attach(struct cs_cell_cmd *cmd)
{
	__builtin_memcpy(&in, cmd, sizeof(in));
	return cmd_end(cmd, cell_attach());
}

static int cell_remove(void)
{
	struct cs_cell __arena *c = cell_get(in.cell);
	struct cs_emb_cell *conf = cell_conf_get(in.cell);
	__u64 cgid;

	if (!c || c->state == CS_CELL_FREE)
		return -EINVAL;
	if (conf)
		conf->policy = CS_EMB_NONE;
	c->state = CS_CELL_FREE;
	drain_cell(in.cell);
	release_cpus(in.cell);
	cgid = c->cgid;
	bpf_map_delete_elem(&cgid_cell, &cgid);
	c->cgid = 0;
	c->nr_cids = 0;
	c->lend = 0;
	bump(c);
	return 0;
}

SEC("syscall")
int cs_cell_remove(struct cs_cell_cmd *cmd)
{
	__builtin_memcpy(&in, cmd, sizeof(in));
	return cmd_end(cmd, cell_remove());
}

#endif /* CELLSCHED_EMBEDDED_CELLS_BPF_H */
