// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/embedded.c: embedded mode's scheduler through its
 * libbpf skeleton (see embedded.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "embedded.h"
#include "embedded.skel.h"
#include "log.h"
#include "scx_util.h"

static const struct {
	const char *name;
	enum cs_emb_policy policy;
} emb_policies[] = {
	{ "fifo", CS_EMB_FIFO },
	{ "vtime", CS_EMB_VTIME },
	{ "latency", CS_EMB_LATENCY },
#ifdef CS_TEST_POLICIES
	{ "test-fault", CS_EMB_TEST_FAULT },
#endif
};

static enum cs_emb_policy emb_policy(const char *name)
{
	for (size_t i = 0; i < sizeof(emb_policies) / sizeof(emb_policies[0]); i++)
		if (!strcmp(emb_policies[i].name, name))
			return emb_policies[i].policy;
	return CS_EMB_NONE;
}

bool cs_emb_runs_policy(const char *policy)
{
	return emb_policy(policy) != CS_EMB_NONE;
}

int cs_emb_load(struct cs_root *root, const struct cs_root_opts *opts)
{
	struct cs_emb_bpf *skel;
	struct bpf_program *prog;
	int err;

	skel = cs_emb_bpf__open();
	if (!skel) {
		err = -errno;
		cs_err("opening the embedded BPF scheduler failed: %s", strerror(-err));
		return err;
	}
	skel->struct_ops.cellsched_emb_ops->hotplug_seq = cs_scx_hotplug_seq();
	SCX_ENUM_INIT(skel);
	skel->rodata->root_slice_ns = opts->slice_ns;
	UEI_SET_SIZE(skel, cellsched_emb_ops, uei);

	cs_scx_verifier_stats_begin(skel->obj);
	err = cs_emb_bpf__load(skel);
	cs_scx_verifier_stats_end(skel->obj);
	if (err) {
		cs_err("loading the embedded BPF scheduler failed: %s (the verifier log above "
		       "says why)", strerror(-err));
		cs_emb_bpf__destroy(skel);
		return err;
	}
	/*
	 * The cell programs call sched_ext kfuncs; kernels with sub-schedulers
	 * want to know whose (7.3+). Older kernels have no association and need
	 * none: there the failure is expected and harmless.
	 */
	bpf_object__for_each_program(prog, skel->obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		err = bpf_program__assoc_struct_ops(prog, skel->maps.cellsched_emb_ops, NULL);
		if (err)
			cs_dbg("%s not associated with the scheduler: %s (kernels before 7.3 "
			       "have no association)", bpf_program__name(prog), strerror(-err));
	}
	root->emb = skel;
	root->obj = skel->obj;
	root->ops_map = skel->maps.cellsched_emb_ops;
	root->stats_map = skel->maps.root_stats;
	root->arena_map = skel->maps.arena;
	root->uei = &skel->data->uei;
	root->uei_dump = skel->data_uei_dump ? skel->data_uei_dump->uei_dump : NULL;
	root->shared = &skel->arena->cs_shared;
	return 0;
}

void cs_emb_destroy(struct cs_root *root)
{
	if (root->emb)
		cs_emb_bpf__destroy(root->emb);
	root->emb = NULL;
}

/* The cell's cell_conf entry into @conf. */
static int read_conf(const struct cs_root *root, unsigned int cell, struct cs_emb_cell *conf)
{
	__u32 key = cell;

	if (!root->emb || cell >= CS_MAX_CELLS)
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(root->emb->maps.cell_conf), &key, conf))
		return -errno;
	return 0;
}

static int write_conf(struct cs_root *root, unsigned int cell, const struct cs_emb_cell *conf)
{
	__u32 key = cell;

	if (bpf_map_update_elem(bpf_map__fd(root->emb->maps.cell_conf), &key, conf, BPF_ANY))
		return -errno;
	return 0;
}

static int run_attach(struct cs_root *root, unsigned int cell, enum cs_emb_policy policy)
{
	struct cs_cell_cmd cmd = { .cell = cell, .flags = policy };
	/* a syscall program's context is copied back: ret carries the result */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &cmd, .ctx_size_in = sizeof(cmd));

	if (bpf_prog_test_run_opts(bpf_program__fd(root->emb->progs.cs_cell_attach), &opts))
		return -errno;
	return cmd.ret;
}

int cs_emb_cell_start(struct cs_root *root, unsigned int cell, const struct cs_policy_info *pi,
		      const unsigned long long *tunables, uint32_t child_id)
{
	struct cs_emb_cell conf = { .child_id = child_id };
	enum cs_emb_policy policy = emb_policy(pi->name);
	int err;

	if (policy == CS_EMB_NONE) {
		cs_err("cell %u: policy '%s' does not run in embedded mode", cell, pi->name);
		return -EOPNOTSUPP;
	}
	for (unsigned int i = 0; i < pi->nr_tunables && i < CS_MAX_TUNABLES; i++)
		conf.tunables[i] = tunables[i] * pi->tunables[i].scale;
	err = write_conf(root, cell, &conf);
	if (!err)
		err = run_attach(root, cell, policy);
	if (err)
		cs_err("cell %u: starting policy '%s' failed: %s", cell, pi->name, strerror(-err));
	return err;
}

void cs_emb_cell_stop(struct cs_root *root, unsigned int cell)
{
	int err = run_attach(root, cell, CS_EMB_NONE);

	if (err)
		cs_warn("cell %u: stopping its policy failed: %s", cell, strerror(-err));
}

int cs_emb_cell_set_tunables(struct cs_root *root, unsigned int cell,
			     const struct cs_policy_info *pi, const unsigned long long *values)
{
	struct cs_emb_cell conf;
	int err = read_conf(root, cell, &conf);

	if (err)
		return err;
	/* the scheduler reads each value at its next use: one write applies them */
	for (unsigned int i = 0; i < pi->nr_tunables && i < CS_MAX_TUNABLES; i++)
		conf.tunables[i] = values[i] * pi->tunables[i].scale;
	return write_conf(root, cell, &conf);
}

int cs_emb_cell_tunables(const struct cs_root *root, unsigned int cell,
			 const struct cs_policy_info *pi, unsigned long long out[CS_MAX_TUNABLES])
{
	struct cs_emb_cell conf;
	int err = read_conf(root, cell, &conf);

	if (err)
		return err;
	for (unsigned int i = 0; i < CS_MAX_TUNABLES; i++)
		out[i] = i < pi->nr_tunables ? conf.tunables[i] / pi->tunables[i].scale : 0;
	return 0;
}

int cs_emb_cell_stats(const struct cs_root *root, unsigned int cell,
		      unsigned long long out[CS_NR_CELL_STATS])
{
	if (!root->emb || cell >= CS_MAX_CELLS)
		return -ENOENT;
	return cs_scx_sum_percpu_at(bpf_map__fd(root->emb->maps.cell_stats),
				    cell * CS_NR_CELL_STATS, CS_NR_CELL_STATS, out);
}
