// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/check.c: `cellsched check -c FILE [--mode M] [--cpus N|LIST]`:
 * validate a configuration against this machine (or, with --cpus, another
 * one with those CPUs) and the mode it would run in (core/machine.c), and say
 * what it would run, without touching anything.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "machine.h"

/* --cpus N (CPUs 0..N-1) or a CPU list: the other machine's CPUs. 0 or an exit code. */
static int parse_cpus(const char *arg, struct cs_cpus *out)
{
	char why[200], *end;
	unsigned long n;

	if (arg[0] >= '0' && arg[0] <= '9' && !strpbrk(arg, ",-")) {
		n = strtoul(arg, &end, 10);
		if (*end || n < 1 || n > CS_MAX_CIDS) {
			cs_err("check: --cpus '%s': want a count 1..%u or a CPU list", arg,
			       (unsigned int)CS_MAX_CIDS);
			return CS_EXIT_USAGE;
		}
		memset(out, 0, sizeof(*out));
		for (unsigned int cpu = 0; cpu < n; cpu++)
			cs_cpus_set(out, cpu);
		return 0;
	}
	if (cs_cpus_parse(arg, out, why, sizeof(why))) {
		cs_err("check: --cpus '%s': %s", arg, why);
		return CS_EXIT_USAGE;
	}
	return 0;
}

int cs_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"usage: cellsched check -c FILE [--mode auto|native|embedded] [--cpus N|LIST]\n"
		"  --mode M  check for that mode (default: the configuration's 'mode', else what\n"
		"            this kernel supports)\n"
		"  --cpus N  check for another machine, with CPUs 0..N-1 (or the CPU LIST) online;\n"
		"            its paths, groups and kernel are not this machine's: not checked\n";
	enum cs_mode cli_mode = CS_MODE_AUTO, mode;
	bool mode_set = false, other = false;
	struct cs_cpus cpus;
	char why[CS_ERR_MAX];
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
		case 'm':
			if (cs_mode_parse(optarg, &cli_mode)) {
				cs_err("check: unknown --mode '%s' (known: auto, native, embedded)",
				       optarg);
				return CS_EXIT_USAGE;
			}
			mode_set = true;
			break;
		case 'C':
			if (parse_cpus(optarg, &cpus))
				return CS_EXIT_USAGE;
			other = true;
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
	ret = other ? cs_load_config_for(path, &cpus, &cfg, &si) : cs_load_config(path, &cfg, &si);
	if (ret)
		return ret;
	ret = cs_machine_mode(&cfg, cli_mode, mode_set, other ? CS_MODE_FOR_OTHER :
			      CS_MODE_FOR_CHECK, &mode, why, sizeof(why));
	if (ret) {
		cs_config_free(&cfg);
		return ret;
	}
	printf("%s: valid%s%s: %u cell%s under cgroup %s, root cell keeps >= %u CPU%s\n", path,
	       other ? " for CPUs " : "", other ? cs_cpus_format(&cpus, list, sizeof(list)) : "",
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
	printf("  mode %s: %s\n", cs_mode_name(mode), why);
	cs_config_free(&cfg);
	return CS_EXIT_OK;
}
