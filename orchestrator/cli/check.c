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

#include <json-c/json.h>

#include "answer.h"
#include "cli.h"
#include "log.h"
#include "machine.h"
#include "rules.h"

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

/* A cell's (or rule's) CPUs in words: a list, inherited, or sized by the controller. */
static const char *cpus_words(const struct cs_cell_cfg *c, char *buf, size_t len)
{
	if (c->inherit)
		snprintf(buf, len, "inherited from the cgroup");
	else if (c->resizable)
		snprintf(buf, len, "%u..%u (weight %u), sized by the controller", c->min, c->max,
			 c->weight);
	else
		cs_cpus_format(&c->cpus, buf, len);
	return buf;
}

/* Are there cells outside the cell parent (absolute cgroups, rules)? */
static bool elsewhere(const struct cs_config *cfg)
{
	for (unsigned int i = 0; i < cfg->nr_cells; i++)
		if (cfg->cells[i].cgroup[0] == '/')
			return true;
	return cfg->nr_rules > 0;
}

/* "  cell NAME: cgroup PATH, CPUs ..., policy P", then each rule. */
static void print_cells(const struct cs_config *cfg)
{
	char list[4096], path[2 * CS_CGPATH_MAX];

	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &cfg->cells[i];

		printf("  cell %s: cgroup %s, CPUs %s, policy %s\n", c->name,
		       cs_config_cell_path(cfg, c, path, sizeof(path)),
		       cpus_words(c, list, sizeof(list)), c->policy);
	}
	for (unsigned int i = 0; i < cfg->nr_rules; i++) {
		const struct cs_rule_cfg *r = &cfg->rules[i];

		printf("  rule %s: a cell at every %s%s%s, CPUs %s, policy %s\n", r->cell.name,
		       r->cell_at[0] ? r->cell_at : r->match, r->cell_at[0] ? " holding " : "",
		       r->cell_at[0] ? r->match : "", cpus_words(&r->cell, list, sizeof(list)),
		       r->cell.policy);
	}
}

/* The result as the daemon's answers look ({"ok", "result"}), for --json */
static void print_result_json(const char *path, const struct cs_config *cfg, const struct cs_cpus *cpus,
		       enum cs_mode mode, const char *why)
{
	json_object *o = json_object_new_object(), *r = json_object_new_object();
	json_object *cells = json_object_new_array();
	char list[4096];

	json_object_object_add(r, "file", json_object_new_string(path));
	json_object_object_add(r, "valid", json_object_new_boolean(1));
	json_object_object_add(r, "for_cpus", cpus ? json_object_new_string(
		cs_cpus_format(cpus, list, sizeof(list))) : NULL);
	json_object_object_add(r, "cell_parent", json_object_new_string(cfg->cell_parent));
	json_object_object_add(r, "root_min_cpus", json_object_new_int((int)cfg->min_cpus));
	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &cfg->cells[i];
		json_object *cell = json_object_new_object();

		json_object_object_add(cell, "name", json_object_new_string(c->name));
		json_object_object_add(cell, "cgroup", json_object_new_string(c->cgroup));
		json_object_object_add(cell, "policy", json_object_new_string(c->policy));
		if (c->inherit) {
			json_object_object_add(cell, "cpus", json_object_new_string("inherit"));
		} else if (c->resizable) {
			json_object_object_add(cell, "min", json_object_new_int((int)c->min));
			json_object_object_add(cell, "max", json_object_new_int((int)c->max));
			json_object_object_add(cell, "weight", json_object_new_int((int)c->weight));
		} else {
			json_object_object_add(cell, "cpus", json_object_new_string(
				cs_cpus_format(&c->cpus, list, sizeof(list))));
		}
		json_object_array_add(cells, cell);
	}
	json_object_object_add(r, "cells", cells);
	cells = json_object_new_array();
	for (unsigned int i = 0; i < cfg->nr_rules; i++) {
		json_object *rule = json_object_new_object();

		json_object_object_add(rule, "name", json_object_new_string(cfg->rules[i].cell.name));
		json_object_object_add(rule, "match", json_object_new_string(cfg->rules[i].match));
		json_object_object_add(rule, "cell_at",
				       json_object_new_string(cs_rule_cell_glob(&cfg->rules[i])));
		json_object_object_add(rule, "policy",
				       json_object_new_string(cfg->rules[i].cell.policy));
		json_object_array_add(cells, rule);
	}
	json_object_object_add(r, "rules", cells);
	json_object_object_add(r, "mode", json_object_new_string(cs_mode_name(mode)));
	json_object_object_add(r, "mode_reason", json_object_new_string(why));
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", r);
	cli_print_json(o);
	json_object_put(o);
}

/* What check was asked */
struct check_args {
	const char *path;
	enum cs_mode mode;
	bool mode_set, other, json;
	struct cs_cpus cpus;		/* with --cpus (other) */
};

static const char usage[] =
	"usage: cellsched check -c FILE [--mode auto|native|embedded] [--cpus N|LIST] [--json]\n"
	"  --mode M  check for that mode (default: the configuration's 'mode', else what\n"
	"            this kernel supports)\n"
	"  --cpus N  check for another machine, with CPUs 0..N-1 (or the CPU LIST) online;\n"
	"            its paths, groups and kernel are not this machine's: not checked\n"
	"  --json    the result (or the refusal) as JSON on standard output\n";

/* The command line into @a: -1 to go on, else the exit code (the mistake said) */
static int check_options(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	opterr = 0;	/* one line per mistake, ours */
	while ((c = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->path = optarg;
			break;
		case 'm':
			if (cs_mode_parse(optarg, &a->mode)) {
				cs_err("check: unknown --mode '%s' (known: auto, native, embedded)",
				       optarg);
				return CS_EXIT_USAGE;
			}
			a->mode_set = true;
			break;
		case 'C':
			if (parse_cpus(optarg, &a->cpus))
				return CS_EXIT_USAGE;
			a->other = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return CS_EXIT_OK;
		case ':':
			cs_err("check: %s needs a value", argv[optind - 1]);
			return CS_EXIT_USAGE;
		default:
			cs_err("check: unknown option '%s' (cellsched check --help lists them)",
			       argv[optind - 1]);
			return CS_EXIT_USAGE;
		}
	}
	if (!a->path || optind < argc) {
		cs_err(!a->path ? "check: want -c FILE" : "check: unexpected argument '%s'",
		       optind < argc ? argv[optind] : "");
		return CS_EXIT_USAGE;
	}
	return -1;
}

int cs_cmd_check(bool json, int argc, char **argv)
{
	struct check_args a = { .mode = CS_MODE_AUTO, .json = json };
	enum cs_mode mode;
	char why[CS_ERR_MAX];
	struct cs_config cfg;
	struct cs_sysinfo si;
	char list[256], err[CS_ERR_MAX] = "";
	int ret;

	ret = check_options(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (a.json)
		cs_log_capture(err, sizeof(err));	/* the refusal goes into the JSON too */
	ret = a.other ? cs_load_config_for(a.path, &a.cpus, &cfg, &si) :
			cs_load_config(a.path, &cfg, &si);
	if (!ret) {
		ret = cs_machine_mode(&cfg, a.mode, a.mode_set, a.other ? CS_MODE_FOR_OTHER :
				      CS_MODE_FOR_CHECK, &mode, why, sizeof(why));
		if (ret)
			cs_config_free(&cfg);
	}
	cs_log_capture(NULL, 0);
	if (ret && a.json)
		cli_print_json_error(ret, err);	/* (the error line is on stderr too) */
	if (ret)
		return ret;
	if (a.json) {
		print_result_json(a.path, &cfg, a.other ? &a.cpus : NULL, mode, why);
		cs_config_free(&cfg);
		return CS_EXIT_OK;
	}
	printf("%s: valid%s%s: %u cell%s %s cgroup %s%s, root cell keeps >= %u CPU%s\n",
	       a.path, a.other ? " for CPUs " : "",
	       a.other ? cs_cpus_format(&a.cpus, list, sizeof(list)) : "",
	       cfg.nr_cells, cfg.nr_cells == 1 ? "" : "s",
	       elsewhere(&cfg) ? "(cell parent" : "under", cfg.cell_parent,
	       elsewhere(&cfg) ? ")" : "", cfg.min_cpus, cfg.min_cpus == 1 ? "" : "s");
	print_cells(&cfg);
	printf("  mode %s: %s\n", cs_mode_name(mode), why);
	cs_config_free(&cfg);
	return CS_EXIT_OK;
}
