// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/child.c: child sub-scheduler lifecycle (see child.h).
 *
 * Each policy is a different skeleton type; CS_CHILD_POLICY() generates the
 * few typed functions per policy (open with our settings, load, attach, exit
 * info, destroy) behind one table, so adding a policy is one line here and
 * one in policies.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "child.h"
#include "kernel.h"
#include "log.h"

#include "fifo.skel.h"
#include "vtime.skel.h"
#include "latency.skel.h"
#ifdef CS_TEST_POLICIES
#include "fault.skel.h"
#endif

struct cs_child_ops {
	const char *policy;
	int (*open_load)(struct cs_child *c, const struct cs_child_params *p);
	struct bpf_map *(*ops_map)(struct cs_child *c);
	struct bpf_map *(*stats_map)(const struct cs_child *c);
	const struct user_exit_info *(*uei)(const struct cs_child *c);
	void (*destroy)(struct cs_child *c);
};

static unsigned long long hotplug_seq(void)
{
	char buf[32];

	if (cs_kernel_read_text(CS_SYSFS "/kernel/sched_ext/hotplug_seq", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 10);
}

/*
 * One loader per policy: @apply is the statement that writes the policy's
 * tunables (t[], policies.c order, YAML units) into the skeleton's rodata.
 */
#define CS_CHILD_POLICY(name_str, skel_t, ops_field, apply)				\
static int skel_t##_open_load(struct cs_child *c, const struct cs_child_params *p)	\
{											\
	struct skel_t *skel = skel_t##__open();						\
	int err;									\
											\
	if (!skel)									\
		return -errno;								\
	skel->struct_ops.ops_field->sub_cgroup_id = p->cgid;				\
	skel->struct_ops.ops_field->hotplug_seq = hotplug_seq();			\
	SCX_ENUM_INIT(skel);								\
	{										\
		const unsigned long long *t = p->tunables;				\
		apply;									\
	}										\
	skel->rodata->cell_idx = p->cell_idx;						\
	skel->rodata->demand_q = p->demand_q;						\
	UEI_SET_SIZE(skel, ops_field, uei);						\
	err = bpf_map__reuse_fd(skel->maps.arena, p->arena_fd);				\
	if (!err)									\
		err = skel_t##__load(skel);						\
	if (err) {									\
		skel_t##__destroy(skel);						\
		return err;								\
	}										\
	c->skel = skel;									\
	return 0;									\
}											\
static struct bpf_map *skel_t##_ops_map(struct cs_child *c)				\
{											\
	return ((struct skel_t *)c->skel)->maps.ops_field;				\
}											\
static struct bpf_map *skel_t##_stats_map(const struct cs_child *c)			\
{											\
	return ((struct skel_t *)c->skel)->maps.cell_stats;				\
}											\
static const struct user_exit_info *skel_t##_uei(const struct cs_child *c)		\
{											\
	return &((struct skel_t *)c->skel)->data->uei;					\
}											\
static void skel_t##_destroy(struct cs_child *c)					\
{											\
	skel_t##__destroy(c->skel);							\
}											\
static const struct cs_child_ops skel_t##_child_ops = {					\
	.policy = name_str,								\
	.open_load = skel_t##_open_load,						\
	.ops_map = skel_t##_ops_map,							\
	.stats_map = skel_t##_stats_map,						\
	.uei = skel_t##_uei,								\
	.destroy = skel_t##_destroy,							\
};

CS_CHILD_POLICY("fifo", cs_fifo_bpf, fifo_ops,
		skel->rodata->slice_ns = t[0] * 1000)
CS_CHILD_POLICY("vtime", cs_vtime_bpf, vtime_ops,
		skel->rodata->slice_ns = t[0] * 1000; skel->rodata->lag_ns = t[1] * 1000)
CS_CHILD_POLICY("latency", cs_latency_bpf, latency_ops,
		skel->rodata->slice_ns = t[0] * 1000; skel->rodata->short_ns = t[1] * 1000;
		skel->rodata->min_run_ns = t[2] * 1000)
#ifdef CS_TEST_POLICIES
CS_CHILD_POLICY("test-fault", cs_fault_bpf, fifo_ops,
		skel->rodata->slice_ns = t[0] * 1000; skel->rodata->fault_after = t[1])
#endif

static const struct cs_child_ops *const cs_child_policies[] = {
	&cs_fifo_bpf_child_ops,
	&cs_vtime_bpf_child_ops,
	&cs_latency_bpf_child_ops,
#ifdef CS_TEST_POLICIES
	&cs_fault_bpf_child_ops,
#endif
};

bool cs_child_exited(const struct cs_child *c, struct cs_exit_info *ei)
{
	const struct user_exit_info *uei;

	if (!c->skel)
		return false;
	uei = c->ops->uei(c);
	if (!__sync_val_compare_and_swap((int *)&uei->kind, -1, -1))
		return false;
	memset(ei, 0, sizeof(*ei));
	ei->kind = uei->kind;
	ei->code = uei->exit_code;
	ei->cpu = uei->exit_cpu;
	snprintf(ei->reason, sizeof(ei->reason), "%s", uei->reason);
	snprintf(ei->msg, sizeof(ei->msg), "%s", uei->msg);
	return true;
}

static const char *const cs_cell_stat_names[] = {
#define CS_X_NAME(name, desc) #name,
	CS_CELL_STATS(CS_X_NAME)
#undef CS_X_NAME
};

_Static_assert(sizeof(cs_cell_stat_names) / sizeof(cs_cell_stat_names[0]) == CS_NR_CELL_STATS,
	       "cell stat names out of sync with enum cs_cell_stat");

const char *cs_child_stat_name(int idx)
{
	return idx >= 0 && idx < CS_NR_CELL_STATS ? cs_cell_stat_names[idx] : "?";
}

int cs_child_read_stats(const struct cs_child *c, unsigned long long out[CS_NR_CELL_STATS])
{
	int nr_cpus = libbpf_num_possible_cpus(), fd;

	if (!c->skel)
		return -ENOENT;
	if (nr_cpus <= 0)
		return nr_cpus ? nr_cpus : -EINVAL;
	fd = bpf_map__fd(c->ops->stats_map(c));
	for (__u32 idx = 0; idx < CS_NR_CELL_STATS; idx++) {
		unsigned long long vals[nr_cpus];

		out[idx] = 0;
		if (bpf_map_lookup_elem(fd, &idx, vals))
			return -errno;
		for (int i = 0; i < nr_cpus; i++)
			out[idx] += vals[i];
	}
	return 0;
}

void cs_child_stop(struct cs_child *c)
{
	if (c->link)
		bpf_link__destroy(c->link);
	if (c->skel)
		c->ops->destroy(c);
	c->link = NULL;
	c->skel = NULL;
}

int cs_child_start(struct cs_child *c, const struct cs_child_params *p, struct cs_exit_info *ei)
{
	struct bpf_map *map;
	int err;

	memset(c, 0, sizeof(*c));
	memset(ei, 0, sizeof(*ei));
	for (size_t i = 0; i < sizeof(cs_child_policies) / sizeof(cs_child_policies[0]); i++)
		if (!strcmp(cs_child_policies[i]->policy, p->policy))
			c->ops = cs_child_policies[i];
	if (!c->ops) {
		cs_err("cell %u: no loader for policy '%s'", p->cell_idx, p->policy);
		return -ENOENT;
	}
	err = c->ops->open_load(c, p);
	if (err) {
		cs_err("cell %u: loading policy '%s' failed: %s", p->cell_idx, p->policy,
		       strerror(-err));
		return err;
	}
	map = c->ops->ops_map(c);
	bpf_map__set_autoattach(map, false);
	c->link = bpf_map__attach_struct_ops(map);
	if (!c->link) {
		err = -errno;
		cs_err("cell %u: attaching policy '%s' failed: %s", p->cell_idx, p->policy,
		       strerror(-err));
		cs_child_stop(c);
		return err;
	}
	/* a refused attach still returns success; the exit info says what happened */
	if (cs_child_exited(c, ei)) {
		cs_child_stop(c);
		return -ECANCELED;
	}
	return 0;
}
