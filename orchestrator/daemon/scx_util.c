// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/scx_util.c: helpers the root and child loaders share
 * (see scx_util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <scx/common.h>

#include "kernel.h"
#include "log.h"
#include "scx_util.h"

unsigned long long cs_scx_hotplug_seq(void)
{
	char buf[32];

	if (cs_kernel_read_text(CS_SYSFS "/kernel/sched_ext/hotplug_seq", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 10);
}

bool cs_scx_exit_info(const struct user_exit_info *uei, struct cs_exit_info *ei)
{
	/* the kernel writes kind last (UEI_RECORD); read it once, atomically */
	if (!__atomic_load_n(&uei->kind, __ATOMIC_ACQUIRE))
		return false;
	memset(ei, 0, sizeof(*ei));
	ei->kind = uei->kind;
	ei->code = uei->exit_code;
	ei->cpu = uei->exit_cpu;
	snprintf(ei->reason, sizeof(ei->reason), "%s", uei->reason);
	snprintf(ei->msg, sizeof(ei->msg), "%s", uei->msg);
	return true;
}

int cs_scx_sum_percpu(int fd, unsigned int n, unsigned long long *out)
{
	return cs_scx_sum_percpu_at(fd, 0, n, out);
}

int cs_scx_sum_percpu_at(int fd, unsigned int first, unsigned int n, unsigned long long *out)
{
	int nr_cpus = libbpf_num_possible_cpus();

	if (nr_cpus <= 0)
		return nr_cpus ? nr_cpus : -EINVAL;
	for (__u32 idx = 0; idx < n; idx++) {
		unsigned long long vals[nr_cpus];
		__u32 key = first + idx;

		out[idx] = 0;
		if (bpf_map_lookup_elem(fd, &key, vals))
			return -errno;
		for (int c = 0; c < nr_cpus; c++)
			out[idx] += vals[c];
	}
	return 0;
}

/*
 * BPF_LOG_STATS of every program: "processed N insns" is the cost measure
 * against the verifier's 1,000,000 limit.
 */
enum { CS_VLOG_SIZE = 4096, CS_VLOG_PROGS = 64 };
static char *cs_vlog[CS_VLOG_PROGS];

void cs_scx_verifier_stats_begin(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int i = 0;

	if (cs_log_get_level() < CS_LOG_DEBUG)
		return;
	bpf_object__for_each_program(prog, obj) {
		if (i >= CS_VLOG_PROGS)
			break;
		cs_vlog[i] = calloc(1, CS_VLOG_SIZE);
		if (!cs_vlog[i])
			break;
		bpf_program__set_log_buf(prog, cs_vlog[i], CS_VLOG_SIZE);
		bpf_program__set_log_level(prog, 4);
		i++;
	}
}

void cs_scx_verifier_stats_end(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int i = 0;

	bpf_object__for_each_program(prog, obj) {
		if (i >= CS_VLOG_PROGS || !cs_vlog[i])
			break;
		for (char *line = strtok(cs_vlog[i], "\n"); line; line = strtok(NULL, "\n"))
			if (strstr(line, "processed") || strstr(line, "verification time"))
				cs_dbg("verifier: %s: %s", bpf_program__name(prog), line);
		free(cs_vlog[i]);
		cs_vlog[i] = NULL;
		i++;
	}
}
