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

/* Read what cs_config_check needs of this machine for @cfg. CS_EXIT_OK or an exit code. */
int cs_read_sysinfo(const struct cs_config *cfg, struct cs_sysinfo *si);

/*
 * The mode @cfg runs in on this kernel (mode.h): @cli from --mode when
 * @cli_set, else the configuration's `mode:`, resolved against the running
 * kernel's BTF, with the reason in @why; then the configuration checked
 * against it (cs_config_check_mode). Returns CS_EXIT_OK, CS_EXIT_NO_SCHED_EXT
 * (no sched_ext, or native asked for where the kernel lacks it) or
 * CS_EXIT_CONFIG; the reason is already printed. With @lenient (check), a
 * kernel without sched_ext is not an error: the mode stays auto unless asked.
 */
int cs_machine_mode(const struct cs_config *cfg, enum cs_mode cli, bool cli_set, bool lenient,
		    enum cs_mode *mode, char *why, size_t len);

#endif /* CELLSCHED_MACHINE_H */
