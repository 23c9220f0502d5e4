/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/mode.h: which of cellsched's two modes runs, and why.
 *
 * native    every cell is a sched_ext sub-scheduler under cellsched's root
 *           (cid-form ops and the sub-scheduler capability kfuncs: Linux 7.3+);
 * embedded  one sched_ext scheduler holds the root cell and every cell
 *           (kernels with sched_ext but no sub-schedulers, e.g. the 6.18 LTS line).
 * The choice comes from the command line (--mode), else the YAML (`mode:`),
 * else the running kernel's BTF (auto). This module owns the BTF probe of the
 * kernel features the modes need and the resolution of a requested mode
 * against them, with the reason in words for the log, `status` and `check`.
 * Prefix: cs_mode.
 */
#ifndef CELLSCHED_MODE_H
#define CELLSCHED_MODE_H

#include <stdbool.h>
#include <stddef.h>

enum cs_mode {
	CS_MODE_AUTO,
	CS_MODE_NATIVE,
	CS_MODE_EMBEDDED,
};

/* What the kernel's BTF says it has. */
struct cs_kernel_features {
	bool btf;		/* @sysfs/kernel/btf/vmlinux parsed */
	bool scx;		/* struct sched_ext_ops: sched_ext is built in */
	bool cid_ops;		/* struct sched_ext_ops_cid: cid-form ops (7.2) */
	bool sub_grant;		/* kfunc scx_bpf_sub_grant: sub-scheduler capabilities (7.3) */
};

/* "auto", "native", "embedded". */
const char *cs_mode_name(enum cs_mode mode);

/* @s into @mode; -EINVAL for anything else. */
int cs_mode_parse(const char *s, enum cs_mode *mode);

/*
 * Read the kernel's BTF at @sysfs/kernel/btf/vmlinux into @f. Returns 0, or
 * -errno when it cannot be read or parsed (@f then says btf = false).
 */
int cs_mode_probe(const char *sysfs, struct cs_kernel_features *f);

/*
 * Resolve @want (from @source: "--mode", "the configuration's 'mode'" or
 * NULL for auto) against @f into *@out, with the reason in @why. Returns 0,
 * or -ENOTSUP when @want is native and the kernel lacks what it needs
 * (@why names the missing features), or -ENOENT when the kernel has no
 * sched_ext at all.
 */
int cs_mode_resolve(enum cs_mode want, const char *source, const struct cs_kernel_features *f,
		    enum cs_mode *out, char *why, size_t len);

#endif /* CELLSCHED_MODE_H */
