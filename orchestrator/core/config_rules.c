// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/config_rules.c: the `rules:` and `discovered:` parts of
 * the configuration (see config.h): parsing them, and the checks between
 * rules, the cells and the cell parent (cs_config_check_rules): a rule may
 * not make a cell inside another cell or around one (the kernel refuses a
 * scheduler inside another cell's subtree), nor select the cell parent's
 * cgroups (those are `discovered:`'s); fixed CPUs only for a rule of one
 * cell, apart from the cells'. Glob logic is rules.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_yaml.h"
#include "policies.h"
#include "rules.h"

static const char *const rule_keys[] = { "name", "match", "exclude", "cell_at", NULL };
static const char *const discovered_keys[] = { "exclude", NULL };

/* A list of globs; @names: names below the cell parent, else absolute cgroup globs. */
static int parse_globs(struct cy_ctx *c, yaml_node_t *v, const char *key, bool names,
		       struct cs_globs *g)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return cy_fail(c, v, "'%s' must be a list of globs, not %s", key, cy_kind(v));
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		char *glob = g->glob[g->nr];
		const char *why;

		if (g->nr == CS_MAX_EXCLUDES)
			return cy_fail(c, item, "'%s' holds more than %d globs", key, CS_MAX_EXCLUDES);
		if (cy_str(c, item, key, glob, sizeof(g->glob[0])))
			return -EINVAL;
		if (names) {
			char abs[CS_CGPATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", glob);
			why = strchr(glob, '/') ? "it must be a name below the cell parent, without '/'" :
			      cs_glob_bad(abs);
		} else {
			why = cs_glob_bad(glob);
		}
		if (why)
			return cy_fail(c, item, "bad glob '%s' in '%s': %s", glob, key, why);
		g->pos[g->nr++] = cy_pos(item);
	}
	return 0;
}

static int rule_glob(struct cy_ctx *c, yaml_node_t *v, const char *key, char *out, size_t len,
		     struct cs_pos *pos)
{
	const char *why;

	*pos = cy_pos(v);
	if (cy_str(c, v, key, out, len))
		return -EINVAL;
	why = cs_glob_bad(out);
	return why ? cy_fail(c, v, "bad '%s' '%s': %s", key, out, why) : 0;
}

static int rule_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_rule_cfg *r = arg;

	if (!strcmp(key, "name")) {
		r->cell.name_pos = cy_pos(v);
		return cy_str(c, v, key, r->cell.name, sizeof(r->cell.name));
	}
	if (!strcmp(key, "match"))
		return rule_glob(c, v, key, r->match, sizeof(r->match), &r->match_pos);
	if (!strcmp(key, "cell_at"))
		return rule_glob(c, v, key, r->cell_at, sizeof(r->cell_at), &r->cell_at_pos);
	if (!strcmp(key, "exclude"))
		return parse_globs(c, v, key, false, &r->exclude);
	return cy_cell_key(c, key, v, &r->cell);
}

/* A rule's parts against each other, once all are read. */
static int rule_whole(struct cy_ctx *c, yaml_node_t *item, struct cs_rule_cfg *r)
{
	struct cs_cell_cfg *cell = &r->cell;
	size_t n = strlen(r->cell_at);

	if (!cell->name[0])
		return cy_fail(c, item, "a rule needs a 'name'");
	if (!r->match[0])
		return cy_fail(c, item, "rule '%s' needs 'match' (a cgroup glob)", cell->name);
	if (!cell->resizable && !cell->inherit && cs_cpus_empty(&cell->cpus))
		return cy_fail(c, item, "rule '%s' needs 'cpus' (inherit, {min, max, weight}, or a "
			       "CPU list for a rule of one cell)", cell->name);
	if (n && (strncmp(r->match, r->cell_at, n) || r->match[n] != '/'))
		return cy_fail(c, item, "rule '%s': 'cell_at' %s must be the first components of "
			       "'match' %s (line %d)", cell->name, r->cell_at, r->match,
			       r->match_pos.line);
	if (!cell->resizable && !cell->inherit && cs_glob_magic(cs_rule_cell_glob(r)))
		return cy_fail(c, item, "rule '%s': a fixed CPU list for cells at %s, which can be "
			       "many (they would share CPUs): use 'cpus: inherit' or {min, max, "
			       "weight}, or a 'cell_at' without a glob", cell->name,
			       cs_rule_cell_glob(r));
	if (!cell->lend_set)
		cell->lend = cell->resizable;
	snprintf(cell->cgroup, sizeof(cell->cgroup), "%s", cs_rule_cell_glob(r));
	cell->cgroup_pos = r->cell_at[0] ? r->cell_at_pos : r->match_pos;
	cell->pos = cy_pos(item);
	return 0;
}

int cy_parse_rules(struct cy_ctx *c, yaml_node_t *seq, struct cs_config *cfg)
{
	size_t n;

	if (seq->type != YAML_SEQUENCE_NODE)
		return cy_fail(c, seq, "'rules' must be a list, not %s", cy_kind(seq));
	n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	if (n > CS_MAX_RULES)
		return cy_fail(c, seq, "%zu rules is more than the %d supported", n, CS_MAX_RULES);
	cfg->rules = calloc(n ? n : 1, sizeof(*cfg->rules));
	if (!cfg->rules)
		return cy_fail(c, seq, "out of memory for %zu rules", n);
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		struct cs_rule_cfg *r = &cfg->rules[cfg->nr_rules];

		if (cy_walk_map(c, item, "a rule", "name, match, exclude, cell_at, cpus, policy, lend",
				rule_key, r))
			return -EINVAL;
		if (!r->cell.policy[0]) {
			snprintf(r->cell.policy, sizeof(r->cell.policy), "%s", CS_POLICY_DEFAULT);
			r->cell.policy_pos = cy_pos(item);
		}
		if (cy_cell_tunables(c, item, &r->cell, "a rule", rule_keys) ||
		    rule_whole(c, item, r))
			return -EINVAL;
		cfg->nr_rules++;
	}
	return 0;
}

static int discovered_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_discovered_cfg *d = arg;

	if (!strcmp(key, "exclude"))
		return parse_globs(c, v, "discovered.exclude", true, &d->exclude);
	if (!strcmp(key, "cpus"))
		return cy_fail(c, v, "'discovered' cells run on the cpuset.cpus their cgroup has: "
			       "'cpus' is not allowed there");
	return cy_cell_key(c, key, v, &d->cell);
}

int cy_parse_discovered(struct cy_ctx *c, yaml_node_t *v, struct cs_config *cfg)
{
	struct cs_discovered_cfg *d = &cfg->discovered;

	d->pos = cy_pos(v);
	if (cy_walk_map(c, v, "'discovered'", "policy, exclude, lend", discovered_key, d))
		return -EINVAL;
	return cy_cell_tunables(c, v, &d->cell, "'discovered'", discovered_keys);
}

/* ---- checks ---------------------------------------------------------------------------- */

/* Rule @r against cell @cell: no cell of the rule inside or around it. */
static int rule_vs_cell(const struct cs_config *cfg, const struct cs_rule_cfg *r,
			const struct cs_cell_cfg *cell, char *err, size_t errlen)
{
	char path[2 * CS_CGPATH_MAX + 1];
	enum cs_glob_meet m;

	path[0] = '/';
	cs_config_cell_path(cfg, cell, path + 1, sizeof(path) - 1);
	if (cs_rules_excluded(r, path))
		return 0;
	if (!strcmp(r->cell.name, cell->name))
		return cs_config_fail(cfg, r->cell.name_pos, err, errlen, "rule '%s' has the name of "
				      "cell '%s' (line %d)", r->cell.name, cell->name,
				      cell->name_pos.line);
	m = cs_glob_meet(cs_rule_cell_glob(r), path);
	if (m == CS_GLOB_SAME && !cs_glob_magic(cs_rule_cell_glob(r)))
		return cs_config_fail(cfg, r->cell.cgroup_pos, err, errlen, "rule '%s' makes its cell "
				      "at %s, the cgroup of cell '%s'", r->cell.name, path,
				      cell->name);
	if (m == CS_GLOB_A_INSIDE || m == CS_GLOB_B_INSIDE)
		return cs_config_fail(cfg, r->cell.cgroup_pos, err, errlen, "rule '%s' can make a cell "
				      "%s cell '%s' (cgroup %s): cells cannot contain cells; "
				      "narrow 'match' or add the cgroups to 'exclude'", r->cell.name,
				      m == CS_GLOB_A_INSIDE ? "inside" : "around", cell->name, path);
	return 0;
}

/* Rule @r against an earlier rule @o. */
static int rule_vs_rule(const struct cs_config *cfg, const struct cs_rule_cfg *r,
			const struct cs_rule_cfg *o, char *err, size_t errlen)
{
	enum cs_glob_meet m = cs_glob_meet(cs_rule_cell_glob(r), cs_rule_cell_glob(o));

	if (!strcmp(r->cell.name, o->cell.name))
		return cs_config_fail(cfg, r->cell.name_pos, err, errlen, "duplicate rule name '%s' "
				      "(also at line %d)", r->cell.name, o->cell.name_pos.line);
	if (m == CS_GLOB_A_INSIDE || m == CS_GLOB_B_INSIDE)
		return cs_config_fail(cfg, r->cell.cgroup_pos, err, errlen, "rule '%s' can make a cell "
				      "%s a cell of rule '%s' (%s, %s): cells cannot contain cells",
				      r->cell.name, m == CS_GLOB_A_INSIDE ? "inside" : "around",
				      o->cell.name, cs_rule_cell_glob(r), cs_rule_cell_glob(o));
	if (m == CS_GLOB_SAME && !cs_glob_magic(cs_rule_cell_glob(r)) &&
	    !cs_glob_magic(cs_rule_cell_glob(o)))
		return cs_config_fail(cfg, r->cell.cgroup_pos, err, errlen, "rules '%s' and '%s' both "
				      "make their cell at %s", o->cell.name, r->cell.name,
				      cs_rule_cell_glob(r));
	return 0;
}

/* A rule of one cell with fixed CPUs: they exist and no cell has them. */
static int rule_cpus(const struct cs_config *cfg, const struct cs_rule_cfg *r,
		     const struct cs_sysinfo *si, struct cs_cpus *taken, char *err, size_t errlen)
{
	char list[256];
	struct cs_cpus bad = r->cell.cpus;

	if (r->cell.resizable || r->cell.inherit)
		return 0;
	cs_cpus_andnot(&bad, &si->possible);
	if (!cs_cpus_empty(&bad))
		return cs_config_fail(cfg, r->cell.cpus_pos, err, errlen, "CPUs %s of rule '%s' do "
				      "not exist on this machine",
				      cs_cpus_format(&bad, list, sizeof(list)), r->cell.name);
	bad = r->cell.cpus;
	cs_cpus_and(&bad, taken);
	if (!cs_cpus_empty(&bad))
		return cs_config_fail(cfg, r->cell.cpus_pos, err, errlen, "CPUs %s of rule '%s' "
				      "overlap a cell's; cells must not share CPUs",
				      cs_cpus_format(&bad, list, sizeof(list)), r->cell.name);
	cs_cpus_or(taken, &r->cell.cpus);
	return 0;
}

int cs_config_check_rules(const struct cs_config *cfg, const struct cs_sysinfo *si,
			  struct cs_cpus *taken, char *err, size_t errlen)
{
	char parent[CS_CGPATH_MAX + 1];

	snprintf(parent, sizeof(parent), "/%s", cfg->cell_parent);
	for (unsigned int i = 0; i < cfg->nr_rules; i++) {
		const struct cs_rule_cfg *r = &cfg->rules[i];

		for (const char *s = r->cell.name; *s; s++)
			if (!cs_config_name_char(*s))
				return cs_config_fail(cfg, r->cell.name_pos, err, errlen,
						      "rule name '%s': only letters, digits, '-', "
						      "'_' and '.' are allowed", r->cell.name);
		if (cs_glob_meet(cs_rule_cell_glob(r), parent) != CS_GLOB_APART)
			return cs_config_fail(cfg, r->cell.cgroup_pos, err, errlen, "rule '%s' can "
					      "select the cell parent %s or a cgroup in it or "
					      "around it; cgroups made there are 'discovered:'s",
					      r->cell.name, parent);
		for (unsigned int j = 0; j < cfg->nr_cells; j++)
			if (rule_vs_cell(cfg, r, &cfg->cells[j], err, errlen))
				return -EINVAL;
		for (unsigned int j = 0; j < i; j++)
			if (rule_vs_rule(cfg, r, &cfg->rules[j], err, errlen))
				return -EINVAL;
		if (rule_cpus(cfg, r, si, taken, err, errlen))
			return -EINVAL;
	}
	return 0;
}
