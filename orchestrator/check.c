// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/check.c: loading and validating a configuration against this
 * machine, shared by `cellsched check` and `cellsched run`.
 *
 * Reads only: the YAML file, the online CPUs and the cell parent's (or the
 * cgroup root's) cpuset.cpus.effective. Nothing is created or loaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "config.h"
#include "kernel.h"
#include "log.h"

int cs_read_sysinfo(const struct cs_config *cfg, struct cs_sysinfo *si)
{
	char buf[1024], why[200];
	int err;

	memset(si, 0, sizeof(*si));
	err = cs_kernel_online_cpus(CS_SYSFS, buf, sizeof(buf));
	if (!err)
		err = cs_cpus_parse(buf, &si->online, why, sizeof(why));
	if (err) {
		cs_err("cannot read the online CPUs from %s/devices/system/cpu/online", CS_SYSFS);
		return CS_EXIT_FAILURE;
	}
	si->parent_cpus = si->online;
	if (cs_cg_init()) {
		if (cfg->nr_cells)
			cs_warn("no cgroup2 mount found: cannot check the cells against a cpuset");
		return CS_EXIT_OK;
	}
	err = cs_cg_read(cs_cg_exists(cfg->cell_parent) ? cfg->cell_parent : "",
			 "cpuset.cpus.effective", buf, sizeof(buf));
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
	if (cs_config_check(cfg, si, err, sizeof(err))) {
		cs_err("%s", err);
		cs_config_free(cfg);
		return CS_EXIT_CONFIG;
	}
	return CS_EXIT_OK;
}

int cs_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] = "usage: cellsched check -c FILE\n";
	const char *path = NULL;
	struct cs_config cfg;
	struct cs_sysinfo si;
	char list[256];
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return CS_EXIT_OK;
		default:
			fputs(usage, stderr);
			return CS_EXIT_USAGE;
		}
	}
	if (!path || optind < argc) {
		fputs(usage, stderr);
		return CS_EXIT_USAGE;
	}
	ret = cs_load_config(path, &cfg, &si);
	if (ret)
		return ret;
	printf("%s: valid: %u cell%s under cgroup %s, root cell keeps >= %u CPU%s\n", path,
	       cfg.nr_cells, cfg.nr_cells == 1 ? "" : "s", cfg.cell_parent, cfg.min_cpus,
	       cfg.min_cpus == 1 ? "" : "s");
	for (unsigned int i = 0; i < cfg.nr_cells; i++) {
		const struct cs_cell_cfg *c = &cfg.cells[i];

		if (c->resizable)
			snprintf(list, sizeof(list), "%u..%u (weight %u), sized by the controller",
				 c->min, c->max, c->weight);
		else
			cs_cpus_format(&c->cpus, list, sizeof(list));
		printf("  cell %s: cgroup %s/%s, CPUs %s, policy %s\n", c->name, cfg.cell_parent,
		       c->cgroup, list, c->policy);
	}
	cs_config_free(&cfg);
	return CS_EXIT_OK;
}
