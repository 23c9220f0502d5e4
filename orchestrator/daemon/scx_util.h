/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/scx_util.h: what the loaders of the root (root.c) and
 * of the children (child.c) share around libbpf and the sched_ext SDK: the
 * kernel's hotplug sequence a scheduler is loaded with, the exit info copied
 * out of a scheduler's UEI, per-CPU counters summed, and the verifier's
 * statistics with --verbose. Prefix: cs_scx.
 */
#ifndef CELLSCHED_SCX_UTIL_H
#define CELLSCHED_SCX_UTIL_H

#include <stdbool.h>

#include "exitinfo.h"

struct bpf_object;
struct user_exit_info;

/* /sys/kernel/sched_ext/hotplug_seq now, for ops.hotplug_seq (0 if unreadable). */
unsigned long long cs_scx_hotplug_seq(void);

/* True once the kernel recorded an exit in @uei; then fills @ei. */
bool cs_scx_exit_info(const struct user_exit_info *uei, struct cs_exit_info *ei);

/* Sum each of the @n per-CPU counters of array map @fd into @out. 0 or -errno. */
int cs_scx_sum_percpu(int fd, unsigned int n, unsigned long long *out);
/* The same for the counters at keys @first .. @first + @n - 1. */
int cs_scx_sum_percpu_at(int fd, unsigned int first, unsigned int n, unsigned long long *out);

/* With --verbose: collect and print the verifier's statistics of @obj's programs. */
void cs_scx_verifier_stats_begin(struct bpf_object *obj);
void cs_scx_verifier_stats_end(struct bpf_object *obj);

#endif /* CELLSCHED_SCX_UTIL_H */
