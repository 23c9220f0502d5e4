/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/machine.h: the machine facts a configuration is checked
 * against (struct cs_sysinfo, config.h), read from sysfs and the cgroup
 * tree, and loading a configuration checked against them.
 */
#ifndef CELLSCHED_MACHINE_H
#define CELLSCHED_MACHINE_H

#include "config.h"

/*
 * Load (when @path is set; else the built-in configuration) and validate a
 * configuration against this machine: the rules (cs_config_check) and what
 * is at its paths and in its group database (cs_config_check_system).
 * Returns CS_EXIT_OK or the exit code to use (exit_codes.h); the reason is
 * already printed.
 */
int cs_load_config(const char *path, struct cs_config *cfg, struct cs_sysinfo *si);

/*
 * Load @path and validate it for another machine whose CPUs are @cpus (all
 * online, all in the cell parent's cpuset): the rules only (cs_config_check);
 * paths and groups are another machine's, not checked. Returns CS_EXIT_OK or
 * CS_EXIT_CONFIG; the reason is already printed.
 */
int cs_load_config_for(const char *path, const struct cs_cpus *cpus, struct cs_config *cfg,
		       struct cs_sysinfo *si);

/* Read what cs_config_check needs of this machine for @cfg. CS_EXIT_OK or an exit code. */
int cs_read_sysinfo(const struct cs_config *cfg, struct cs_sysinfo *si);

/* What cs_machine_mode decides for. */
enum cs_mode_for {
	CS_MODE_FOR_RUN,	/* `run`: this kernel must run it */
	CS_MODE_FOR_CHECK,	/* `check`: a kernel without sched_ext is not an error */
	CS_MODE_FOR_OTHER,	/* `check --cpus`: another machine; this kernel is not asked */
};

/*
 * The mode @cfg runs in (mode.h): @cli from --mode when @cli_set, else the
 * configuration's `mode:`, resolved against the running kernel's BTF, with
 * the reason in @why; then the configuration checked against it
 * (cs_config_check_mode). Returns CS_EXIT_OK, CS_EXIT_NO_SCHED_EXT (no
 * sched_ext, or native asked for where the kernel lacks it) or
 * CS_EXIT_CONFIG; the reason is already printed. For @target CHECK and
 * OTHER, a kernel that cannot tell leaves the mode as asked (auto: the
 * mode-specific rules are not checked).
 */
int cs_machine_mode(const struct cs_config *cfg, enum cs_mode cli, bool cli_set,
		    enum cs_mode_for target, enum cs_mode *mode, char *why, size_t len);

#endif /* CELLSCHED_MACHINE_H */
