// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/child.c: child sub-scheduler lifecycle (see child.h).
 *
 * Each policy is a different skeleton type; CS_CHILD_POLICY() generates the
 * few typed functions per policy (open with our settings, load, the maps,
 * programs and variables of the child library, destroy) behind one table, so
 * adding a policy is one line here and one in policies.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "child.h"
#include "embedded.h"
#include "log.h"
#include "queue_impl.h"
#include "scx_util.h"

#include "fifo.skel.h"
#include "vtime.skel.h"
#include "latency.skel.h"
#ifdef CS_TEST_POLICIES
#include "fault.skel.h"
#endif

struct cs_child_ops {
	const char *policy;
	/* open with the settings of @p (before load), load */
	int (*open_load)(struct cs_child *c, const struct cs_child_params *p);
	struct bpf_map *(*ops_map)(struct cs_child *c);
	struct bpf_map *(*stats_map)(const struct cs_child *c);
	struct bpf_program *(*doorbell)(const struct cs_child *c);
	const struct user_exit_info *(*uei)(const struct cs_child *c);
	const __u64 *(*tun)(const struct cs_child *c);		/* cs_tun[] in the .data map */
	const __u64 *(*applied)(const struct cs_child *c);	/* cs_ctl_applied in .bss */
	void (*destroy)(struct cs_child *c);
};

/* The library's settings every policy has, written between open and load. */
#define CS_CHILD_SETTINGS(skel, ops_field, p, pi)					\
	do {										\
		skel->struct_ops.ops_field->sub_cgroup_id = (p)->cgid;			\
		skel->struct_ops.ops_field->hotplug_seq = cs_scx_hotplug_seq();		\
		SCX_ENUM_INIT(skel);							\
		for (unsigned int i = 0; i < (pi)->nr_tunables; i++)			\
			skel->data->cs_tun[i] = (p)->tunables[i] * (pi)->tunables[i].scale; \
		skel->rodata->cell_idx = (p)->cell_idx;					\
		skel->rodata->demand_q = (p)->demand_q;					\
		skel->rodata->ctl_q = (p)->ctl_q;					\
		skel->rodata->root_shared = (p)->root_shared;				\
		skel->rodata->child_id = (p)->child_id;					\
		UEI_SET_SIZE(skel, ops_field, uei);					\
	} while (0)

/*
 * One loader per policy: the skeleton types differ, the code does not. Every
 * policy's skeleton has the child library's maps, programs and variables.
 */
#define CS_CHILD_POLICY(name_str, skel_t, ops_field)					\
static int skel_t##_open_load(struct cs_child *c, const struct cs_child_params *p)	\
{											\
	struct skel_t *skel = skel_t##__open();						\
	int err;									\
											\
	if (!skel)									\
		return -errno;								\
	CS_CHILD_SETTINGS(skel, ops_field, p, c->pi);					\
	err = bpf_map__reuse_fd(skel->maps.arena, p->arena_fd);				\
	if (!err) {									\
		cs_scx_verifier_stats_begin(skel->obj);					\
		err = skel_t##__load(skel);						\
		cs_scx_verifier_stats_end(skel->obj);					\
	}										\
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
static struct bpf_program *skel_t##_doorbell(const struct cs_child *c)			\
{											\
	return ((struct skel_t *)c->skel)->progs.cs_ctl_doorbell;			\
}											\
static const struct user_exit_info *skel_t##_uei(const struct cs_child *c)		\
{											\
	return &((struct skel_t *)c->skel)->data->uei;					\
}											\
static const __u64 *skel_t##_tun(const struct cs_child *c)				\
{											\
	return ((struct skel_t *)c->skel)->data->cs_tun;				\
}											\
static const __u64 *skel_t##_applied(const struct cs_child *c)				\
{											\
	return &((struct skel_t *)c->skel)->bss->cs_ctl_applied;			\
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
	.doorbell = skel_t##_doorbell,							\
	.uei = skel_t##_uei,								\
	.tun = skel_t##_tun,								\
	.applied = skel_t##_applied,							\
	.destroy = skel_t##_destroy,							\
};

CS_CHILD_POLICY("fifo", cs_fifo_bpf, fifo_ops)
CS_CHILD_POLICY("vtime", cs_vtime_bpf, vtime_ops)
CS_CHILD_POLICY("latency", cs_latency_bpf, latency_ops)
#ifdef CS_TEST_POLICIES
CS_CHILD_POLICY("test-fault", cs_fault_bpf, fault_ops)
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
	/* embedded: a cell's policy ends only with the scheduler, which the root watch sees */
	return c->skel && !c->emb && cs_scx_exit_info(c->ops->uei(c), ei);
}

int cs_child_read_stats(const struct cs_child *c, unsigned long long out[CS_NR_CELL_STATS])
{
	if (!c->skel)
		return -ENOENT;
	if (c->emb)
		return cs_emb_cell_stats(c->emb, c->cell, out);
	return cs_scx_sum_percpu(bpf_map__fd(c->ops->stats_map(c)), CS_NR_CELL_STATS, out);
}

int cs_child_tunables(const struct cs_child *c, unsigned long long out[CS_MAX_TUNABLES])
{
	const __u64 *tun;

	if (!c->skel)
		return -ENOENT;
	if (c->emb)
		return cs_emb_cell_tunables(c->emb, c->cell, c->pi, out);
	tun = c->ops->tun(c);
	for (unsigned int i = 0; i < CS_MAX_TUNABLES; i++)
		out[i] = i < c->pi->nr_tunables ?
			 __atomic_load_n(&tun[i], __ATOMIC_RELAXED) / c->pi->tunables[i].scale : 0;
	return 0;
}

int cs_child_set_tunables(struct cs_child *c, const unsigned long long *values)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	unsigned long long now[CS_MAX_TUNABLES];
	struct csq_ctl m = { .type = CSQ_MSG_TUNABLE };

	if (c->skel && c->emb)
		return cs_emb_cell_set_tunables(c->emb, c->cell, c->pi, values);
	if (!c->skel || !c->ctl_q)
		return -ENOENT;
	cs_child_tunables(c, now);
	for (unsigned int i = 0; i < c->pi->nr_tunables; i++) {
		if (values[i] == now[i])
			continue;
		m.seq = c->ctl_seq + 1;
		m.tunable.key = i;
		m.tunable.value = values[i] * c->pi->tunables[i].scale;
		if (csq_spsc_push(csq_ptr(c->ctl_q), &m, sizeof(m)) != CSQ_OK)
			return -ENOSPC;
		c->ctl_seq = m.seq;
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(c->ops->doorbell(c)), &opts))
		return -errno;
	return __atomic_load_n(c->ops->applied(c), __ATOMIC_ACQUIRE) == c->ctl_seq ? 0 : -EAGAIN;
}

void cs_child_stop(struct cs_child *c)
{
	if (c->emb) {
		if (c->skel)
			cs_emb_cell_stop(c->emb, c->cell);
		c->skel = NULL;
		return;
	}
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
	c->pi = cs_policy_find(p->policy);
	c->ctl_q = p->ctl_q;
	if (p->emb && c->pi) {
		err = cs_emb_cell_start(p->emb, p->cell_idx, c->pi, p->tunables, p->child_id);
		if (err)
			return err;
		c->emb = p->emb;
		c->cell = p->cell_idx;
		c->skel = p->emb->emb;	/* "loaded": the scheduler runs the cell */
		return 0;
	}
	if (!c->ops || !c->pi) {
		cs_err("cell %u: no loader for policy '%s'", p->cell_idx, p->policy);
		return -ENOENT;
	}
	/* what was queued for a predecessor is in this child's tunables already */
	if (p->ctl_q)
		csq_init(csq_ptr(p->ctl_q), csq_bytes(CS_CTL_Q_CAP, CS_IPC_SLOT), CSQ_SPSC,
			 CS_CTL_Q_CAP, CS_IPC_SLOT);
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
