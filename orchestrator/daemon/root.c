// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/root.c: the root scheduler's lifecycle through its libbpf
 * skeleton (see root.h). The sched_ext SDK's userspace helpers are used for
 * what they do best (enum values, exit-info buffers); the open/load/attach
 * sequence is ours so every failure returns an error instead of exiting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "embedded.h"
#include "kernel.h"
#include "log.h"
#include "root.h"
#include "root.skel.h"
#include "scx_util.h"

int cs_root_load(struct cs_root *root, const struct cs_root_opts *opts)
{
	struct cs_root_bpf *skel;
	struct bpf_program *prog;
	int err;

	memset(root, 0, sizeof(*root));
	if (opts->slice_ns < CS_ROOT_SLICE_NS_MIN || opts->slice_ns > CS_ROOT_SLICE_NS_MAX) {
		cs_err("root slice %llu ns is outside %u..%u ns", opts->slice_ns,
		       CS_ROOT_SLICE_NS_MIN, CS_ROOT_SLICE_NS_MAX);
		return -EINVAL;
	}
	if (opts->embedded)
		return cs_emb_load(root, opts);

	skel = cs_root_bpf__open();
	if (!skel) {
		err = -errno;
		cs_err("opening the root BPF object failed: %s", strerror(-err));
		return err;
	}
	skel->struct_ops.cellsched_ops->hotplug_seq = cs_scx_hotplug_seq();
	SCX_ENUM_INIT(skel);
	skel->rodata->root_slice_ns = opts->slice_ns;
	UEI_SET_SIZE(skel, cellsched_ops, uei);

	cs_scx_verifier_stats_begin(skel->obj);
	err = cs_root_bpf__load(skel);
	cs_scx_verifier_stats_end(skel->obj);
	if (err) {
		cs_err("loading the root BPF scheduler failed: %s (the verifier log above says why)",
		       strerror(-err));
		cs_root_bpf__destroy(skel);
		return err;
	}

	/* syscall/timer programs must know their scheduler to call sub-sched kfuncs */
	bpf_object__for_each_program(prog, skel->obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		err = bpf_program__assoc_struct_ops(prog, skel->maps.cellsched_ops, NULL);
		if (err) {
			cs_err("associating %s with the root failed: %s",
			       bpf_program__name(prog), strerror(-err));
			cs_root_bpf__destroy(skel);
			return err;
		}
	}
	root->skel = skel;
	root->obj = skel->obj;
	root->ops_map = skel->maps.cellsched_ops;
	root->stats_map = skel->maps.root_stats;
	root->arena_map = skel->maps.arena;
	root->uei = &skel->data->uei;
	root->uei_dump = skel->data_uei_dump ? skel->data_uei_dump->uei_dump : NULL;
	root->shared = &skel->arena->cs_shared;
	return 0;
}

/* Attach the programs that are not the scheduler itself (none but struct_ops today). */
static int attach_progs(struct cs_root *root)
{
	return root->skel ? cs_root_bpf__attach(root->skel) : 0;
}

int cs_root_attach(struct cs_root *root)
{
	int err;

	bpf_map__set_autoattach(root->ops_map, false);
	err = attach_progs(root);
	if (err) {
		cs_err("attaching the root's programs failed: %s", strerror(-err));
		return err;
	}
	root->link = bpf_map__attach_struct_ops(root->ops_map);
	if (!root->link) {
		err = -errno;
		if (err == -EBUSY || err == -EEXIST)
			cs_err("attaching the root failed: another sched_ext scheduler is active");
		else
			cs_err("attaching the root failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

bool cs_root_exited(const struct cs_root *root)
{
	/* use __sync to force a memory barrier, as UEI_EXITED() does */
	return root->uei &&
	       __sync_val_compare_and_swap((int *)&root->uei->kind, -1, -1);
}

void cs_root_exit_info(const struct cs_root *root, struct cs_exit_info *ei)
{
	if (!root->uei || !cs_scx_exit_info(root->uei, ei)) {
		memset(ei, 0, sizeof(*ei));
		ei->cpu = -1;
	}
}

const char *cs_root_exit_dump(const struct cs_root *root)
{
	return root->uei_dump ? root->uei_dump : "";
}

int cs_root_read_stats(const struct cs_root *root, unsigned long long out[CS_NR_ROOT_STATS])
{
	return cs_scx_sum_percpu(bpf_map__fd(root->stats_map), CS_NR_ROOT_STATS, out);
}

/* sched_ext is done with our root: "disabled", or already another scheduler's */
static bool kernel_let_go(void)
{
	struct cs_kernel_info ki;

	if (cs_kernel_probe(CS_SYSFS, &ki))
		return true;
	return ki.state != CS_SCX_DISABLING && (ki.state != CS_SCX_ENABLED ||
						strcmp(ki.root_ops, "cellsched"));
}

int cs_root_detach(struct cs_root *root, int timeout_ms)
{
	struct timespec step = { .tv_nsec = 10 * 1000 * 1000 };

	if (root->link) {
		bpf_link__destroy(root->link);
		root->link = NULL;
	}
	if (!root->obj)
		return 0;
	/*
	 * The kernel disables the scheduler asynchronously; ops.exit records the
	 * reason, and sched_ext reads "disabled" a little later (after two RCU
	 * grace periods): only then could another scheduler attach.
	 */
	for (int waited = 0; !cs_root_exited(root) || !kernel_let_go(); waited += 10) {
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
	}
	return 0;
}

int cs_root_arena_fd(const struct cs_root *root)
{
	return bpf_map__fd(root->arena_map);
}

/*
 * Run one of the root's cell programs. The cell table's lock is held by the
 * kernel's sub-scheduler work for microseconds at a time: -EAGAIN is tried
 * again, for up to CS_CELL_PROG_RETRIES ms.
 */
static int run_cell_prog(const struct cs_root *root, const char *name, struct cs_cell_cmd *cmd,
			 unsigned int *seq)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(root->obj, name);
	/* a syscall program's context is copied back: ret and seq carry the result */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = cmd, .ctx_size_in = sizeof(*cmd));
	const struct timespec ms = { .tv_nsec = 1000 * 1000 };
	const struct cs_cell_cmd in = *cmd;
	int err;

	if (!prog) {
		cs_err("the root has no program %s", name);
		return -ENOENT;
	}
	for (int i = 0;; i++) {
		*cmd = in;
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
		if (err || cmd->ret != -EAGAIN || i >= CS_CELL_PROG_RETRIES)
			break;
		nanosleep(&ms, NULL);
	}
	if (err) {
		err = -errno;
		cs_err("running %s failed: %s", bpf_program__name(prog), strerror(-err));
		return err;
	}
	if (seq)
		*seq = cmd->seq;
	return cmd->ret;
}

int cs_root_cell_add(struct cs_root *root, unsigned int cell, unsigned long long cgid,
		     const struct cs_cids *cids, unsigned int flags, unsigned int *seq)
{
	struct cs_cell_cmd cmd = { .cell = cell, .cgid = cgid, .flags = flags, .cids = *cids };

	return run_cell_prog(root, "cs_cell_add", &cmd, seq);
}

int cs_root_cell_flags(struct cs_root *root, unsigned int cell, unsigned int flags)
{
	struct cs_cell_cmd cmd = { .cell = cell, .flags = flags };

	return run_cell_prog(root, "cs_cell_flags", &cmd, NULL);
}

int cs_root_cell_resize(struct cs_root *root, unsigned int cell, const struct cs_cids *cids,
			unsigned int *seq)
{
	struct cs_cell_cmd cmd = { .cell = cell, .cids = *cids };

	return run_cell_prog(root, "cs_cell_resize", &cmd, seq);
}

int cs_root_cell_remove(struct cs_root *root, unsigned int cell, unsigned int *seq)
{
	struct cs_cell_cmd cmd = { .cell = cell };

	return run_cell_prog(root, "cs_cell_remove", &cmd, seq);
}

void cs_root_destroy(struct cs_root *root)
{
	if (root->link)
		bpf_link__destroy(root->link);
	if (root->skel)
		cs_root_bpf__destroy(root->skel);
	cs_emb_destroy(root);
	memset(root, 0, sizeof(*root));
}
