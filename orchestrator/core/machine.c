// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/machine.c: what the configuration checks need to know of
 * this machine, and loading a configuration checked against it (see
 * machine.h); shared by `cellsched check` and `cellsched run`.
 *
 * Reads only: the YAML file, the online CPUs, the cell parent's (or the
 * cgroup root's) cpuset.cpus.effective, what is at the paths of the state
 * file and the socket, the group database. Nothing is created or loaded.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "exit_codes.h"
#include "kernel.h"
#include "log.h"
#include "machine.h"
#include "mode.h"

enum { CS_CPULIST_MAX = 8192 };	/* bytes of a CPU list read from the kernel */

int cs_read_sysinfo(const struct cs_config *cfg, struct cs_sysinfo *si)
{
	char buf[CS_CPULIST_MAX], why[200];
	int err;

	memset(si, 0, sizeof(*si));
	err = cs_kernel_online_cpus(CS_SYSFS, buf, sizeof(buf));
	if (!err)
		err = cs_cpus_parse(buf, &si->online, why, sizeof(why));
	if (err) {
		cs_err("cannot read the online CPUs from %s/devices/system/cpu/online", CS_SYSFS);
		return CS_EXIT_FAILURE;
	}
	err = cs_kernel_possible_cpus(CS_SYSFS, buf, sizeof(buf));
	if (err || cs_cpus_parse(buf, &si->possible, why, sizeof(why)))
		si->possible = si->online;	/* old kernels: only the online CPUs are known */
	si->parent_cpus = si->online;
	if (cs_cg_init()) {
		if (cfg->nr_cells)
			cs_warn("no cgroup2 mount found: cannot check the cells against a cpuset");
		return CS_EXIT_OK;
	}
	err = cs_cg_read(cs_cg_exists(cfg->cell_parent) ? cfg->cell_parent : "",
			 "cpuset.cpus.effective", buf, sizeof(buf));
	if (err == -EOVERFLOW) {
		cs_err("the cpuset.cpus.effective of the cell parent is longer than %zu bytes",
		       sizeof(buf) - 1);
		return CS_EXIT_FAILURE;
	}
	if (!err && buf[0] && !cs_cpus_parse(buf, &si->parent_cpus, why, sizeof(why)))
		return CS_EXIT_OK;
	si->parent_cpus = si->online;
	return CS_EXIT_OK;
}

int cs_load_config(const char *path, struct cs_config *cfg, struct cs_sysinfo *si)
{
	char err[CS_ERR_MAX];
	int ret;

	if (path) {
		if (cs_config_load(path, cfg, err, sizeof(err))) {
			cs_err("%s", err);
			return CS_EXIT_CONFIG;
		}
	} else {
		cs_config_default(cfg);
	}
	ret = cs_read_sysinfo(cfg, si);
	if (ret) {
		cs_config_free(cfg);
		return ret;
	}
	if (cs_config_check(cfg, si, err, sizeof(err)) ||
	    cs_config_check_system(cfg, err, sizeof(err)) ||
	    cs_config_check_cgroups(cfg, cs_cg_mount()[0] ? cs_cg_mount() : "/sys/fs/cgroup", err,
				    sizeof(err))) {
		cs_err("%s", err);
		cs_config_free(cfg);
		return CS_EXIT_CONFIG;
	}
	return CS_EXIT_OK;
}

int cs_load_config_for(const char *path, const struct cs_cpus *cpus, struct cs_config *cfg,
		       struct cs_sysinfo *si)
{
	char err[CS_ERR_MAX];

	if (cs_config_load(path, cfg, err, sizeof(err))) {
		cs_err("%s", err);
		return CS_EXIT_CONFIG;
	}
	memset(si, 0, sizeof(*si));
	si->possible = si->online = si->parent_cpus = *cpus;
	if (cs_config_check(cfg, si, err, sizeof(err))) {
		cs_err("%s", err);
		cs_config_free(cfg);
		return CS_EXIT_CONFIG;
	}
	return CS_EXIT_OK;
}

int cs_machine_mode(const struct cs_config *cfg, enum cs_mode cli, bool cli_set,
		    enum cs_mode_for target, enum cs_mode *mode, char *why, size_t len)
{
	bool lenient = target != CS_MODE_FOR_RUN;
	enum cs_mode want = cli_set ? cli : cfg->mode;
	struct cs_kernel_features f;
	char source[PATH_MAX + 64], err[CS_ERR_MAX];
	int ret;

	if (cli_set)
		snprintf(source, sizeof(source), "--mode %s", cs_mode_name(cli));
	else
		snprintf(source, sizeof(source), "'mode: %s' at %s:%d:%d", cs_mode_name(cfg->mode),
			 cfg->file, cfg->mode_pos.line, cfg->mode_pos.col);
	ret = cs_mode_probe(CS_SYSFS, &f);
	if (ret && !lenient) {
		cs_err("cannot read the kernel's BTF (%s/kernel/btf/vmlinux: %s); "
		       "CONFIG_DEBUG_INFO_BTF is needed", CS_SYSFS, strerror(-ret));
		return CS_EXIT_NO_SCHED_EXT;
	}
	/* another machine's kernel is not this one's: only what was asked for is known */
	ret = ret || target == CS_MODE_FOR_OTHER ? -ENOENT :
	      cs_mode_resolve(want, source, &f, mode, why, len);
	if (ret == -ENOENT && lenient) {
		/* checking for another machine: only what was asked for is known */
		*mode = want;
		if (want == CS_MODE_AUTO)
			snprintf(why, len, "%s: decided where it runs", target == CS_MODE_FOR_OTHER ?
				 "another machine" : "this kernel has no sched_ext");
		else
			snprintf(why, len, "asked for by %s", source);
		ret = 0;
	}
	if (ret) {
		cs_err("%s", why);
		return CS_EXIT_NO_SCHED_EXT;
	}
	if (cs_config_check_mode(cfg, *mode, why, err, sizeof(err))) {
		cs_err("%s", err);
		return CS_EXIT_CONFIG;
	}
	return CS_EXIT_OK;
}
