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

#endif /* CELLSCHED_MACHINE_H */
