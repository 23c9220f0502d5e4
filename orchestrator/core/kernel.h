/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/kernel.h: what the running kernel offers cellsched, read from sysfs.
 *
 * Owns the probes that decide, before anything is loaded, whether this kernel
 * can run us: sched_ext present (CONFIG_SCHED_CLASS_EXT), its state, which
 * scheduler is attached, BTF present. Every function takes the sysfs mount
 * point so tests can point it at a directory of their own.
 * Prefix: cs_kernel.
 */
#ifndef CELLSCHED_KERNEL_H
#define CELLSCHED_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#define CS_SYSFS "/sys"

enum cs_scx_state {
	CS_SCX_ABSENT,		/* no /sys/kernel/sched_ext: CONFIG_SCHED_CLASS_EXT not set */
	CS_SCX_DISABLED,
	CS_SCX_ENABLING,
	CS_SCX_ENABLED,
	CS_SCX_DISABLING,
	CS_SCX_UNKNOWN,		/* a state string this build does not know */
};

struct cs_kernel_info {
	enum cs_scx_state state;
	bool has_btf;		/* /sys/kernel/btf/vmlinux */
	char root_ops[128];	/* name of the attached root scheduler, "" if none */
};

/* Fill @info from @sysfs. Returns 0, or -errno when sysfs itself is unreadable. */
int cs_kernel_probe(const char *sysfs, struct cs_kernel_info *info);

const char *cs_kernel_state_name(enum cs_scx_state state);

/*
 * Read the counter @name (e.g. "SCX_EV_SELECT_CPU_FALLBACK") from the events
 * file of the scheduler at @sched_dir (e.g. "root"). Returns 0 and sets *val,
 * -ENOENT if the file or the counter does not exist.
 */
int cs_kernel_read_event(const char *sysfs, const char *sched_dir, const char *name,
			 unsigned long long *val);

/* The online CPUs ("0-3") from @sysfs/devices/system/cpu/online; -EOVERFLOW as below. */
int cs_kernel_online_cpus(const char *sysfs, char *buf, size_t len);

/* The CPUs that can ever exist (online or not) from @sysfs/devices/system/cpu/possible. */
int cs_kernel_possible_cpus(const char *sysfs, char *buf, size_t len);

/*
 * Read a small sysfs text file into @buf without its trailing newline.
 * -EOVERFLOW (and @buf empty) when the value does not fit: never cut short.
 */
int cs_kernel_read_text(const char *path, char *buf, size_t len);

#endif /* CELLSCHED_KERNEL_H */
