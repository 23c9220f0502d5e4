// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/config.c: YAML configuration through libyaml's document API,
 * and the checks between cells (see config.h for the schema).
 *
 * Parsing first runs libyaml's event parser over the text to bound what the
 * document may hold (nesting depth, values, keys per mapping: prescan()), so
 * that a hostile file is refused in time linear in its size before libyaml
 * builds a tree of it (its scanner and loader take time growing with the
 * square of the depth, and recurse once per level). Then it builds the
 * document tree (every node carries its position) and walks it with a small
 * table per mapping: unknown and duplicate keys are refused, each value is
 * converted with its range checked. Validation never looks at the system
 * itself; it gets a struct cs_sysinfo.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config.h"
#include "config_yaml.h"
#include "escape.h"
#include "policies.h"


static int cpus_range_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_cell_cfg *cell = arg;

	if (!strcmp(key, "min"))
		return cy_uint(c, v, "cpus.min", 1, CS_MAX_CIDS, &cell->min);
	if (!strcmp(key, "max"))
		return cy_uint(c, v, "cpus.max", 1, CS_MAX_CIDS, &cell->max);
	if (!strcmp(key, "weight"))
		return cy_uint(c, v, "cpus.weight", 1, CS_WEIGHT_MAX, &cell->weight);
	return -ENOENT;
}

/* cpus: {min, max, weight}: a cell the planner sizes. */
static int parse_cpus_range(struct cy_ctx *c, yaml_node_t *v, struct cs_cell_cfg *cell)
{
	cell->resizable = true;
	cell->min = 1;
	cell->max = CS_MAX_CIDS;
	cell->weight = CS_WEIGHT_DFL;
	if (cy_walk_map(c, v, "'cpus'", "min, max, weight", cpus_range_key, cell))
		return -EINVAL;
	if (cell->min > cell->max)
		return cy_fail(c, v, "'cpus': min %u is above max %u", cell->min, cell->max);
	return 0;
}

/* A cell's own keys: its name and cgroup; the others are cy_cell_key()'s. */
static int cell_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_cell_cfg *cell = arg;

	if (!strcmp(key, "name")) {
		cell->name_pos = cy_pos(v);
		return cy_str(c, v, key, cell->name, sizeof(cell->name));
	}
	if (!strcmp(key, "cgroup")) {
		cell->cgroup_pos = cy_pos(v);
		return cy_str(c, v, key, cell->cgroup, sizeof(cell->cgroup));
	}
	return cy_cell_key(c, key, v, arg);
}

int cy_cell_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_cell_cfg *cell = arg;
	char why[200];

	if (!strcmp(key, "policy")) {
		cell->policy_pos = cy_pos(v);
		if (cy_str(c, v, key, cell->policy, sizeof(cell->policy)))
			return -EINVAL;
		if (!cs_policy_find(cell->policy))
			return cy_fail(c, v, "unknown policy '%s' (known: %s)", cell->policy,
				       cs_policy_names());
		return 0;
	}
	if (!strcmp(key, "cpus")) {
		cell->cpus_pos = cy_pos(v);
		if (v->type == YAML_MAPPING_NODE)
			return parse_cpus_range(c, v, cell);
		if (cy_want_scalar(c, v, key))
			return -EINVAL;
		if (!strcmp(cy_scalar(v), "inherit")) {
			cell->inherit = true;
			return 0;
		}
		if (cs_cpus_parse(cy_scalar(v), &cell->cpus, why, sizeof(why)))
			return cy_fail(c, v, "bad 'cpus': %s", why);
		if (cs_cpus_empty(&cell->cpus))
			return cy_fail(c, v, "'cpus' must name at least one CPU");
		return 0;
	}
	if (!strcmp(key, "lend")) {
		cell->lend_set = true;
		return cy_bool(c, v, key, &cell->lend);
	}
	return 0;	/* maybe a tunable: cell_tunables() decides once the policy is known */
}

static bool is_own_key(const char *key, const char *const *own)
{
	static const char *const shared[] = { "cpus", "policy", "lend", NULL };

	for (unsigned int i = 0; shared[i]; i++)
		if (!strcmp(key, shared[i]))
			return true;
	for (unsigned int i = 0; own[i]; i++)
		if (!strcmp(key, own[i]))
			return true;
	return false;
}

/* The keys that were neither the caller's nor cy_cell_key()'s must be tunables of the policy. */
int cy_cell_tunables(struct cy_ctx *c, yaml_node_t *item, struct cs_cell_cfg *cell,
		     const char *what, const char *const *own)
{
	const struct cs_policy_info *pi = cs_policy_find(cell->policy);
	yaml_node_pair_t *pair;
	char known[320];
	size_t n = 0;

	cs_policy_defaults(pi, cell->tunables);
	for (unsigned int i = 0; own[i]; i++)
		n += snprintf(known + n, sizeof(known) - n, "%s, ", own[i]);
	n += snprintf(known + n, sizeof(known) - n, "cpus, policy, lend");
	for (unsigned int i = 0; i < pi->nr_tunables && n < sizeof(known); i++)
		n += snprintf(known + n, sizeof(known) - n, "%s%s%s%s", i ? ", " : "; policy '",
			      i ? "" : pi->name, i ? "" : "' tunables: ", pi->tunables[i].name);
	for (pair = item->data.mapping.pairs.start; pair < item->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pair->value);
		const struct cs_tunable *t;
		unsigned int val;
		int ti;

		if (is_own_key(cy_scalar(k), own))
			continue;
		ti = cs_policy_tunable(pi, cy_scalar(k));
		if (ti < 0)
			return cy_fail(c, k, "unknown key '%s' in %s (known keys: %s)", cy_scalar(k),
				       what, known);
		t = &pi->tunables[ti];
		if (cy_uint(c, v, cy_scalar(k), t->min, t->max, &val))
			return -EINVAL;
		cell->tunables[ti] = val;
	}
	return 0;
}

static int root_cell_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "min_cpus")) {
		cfg->min_cpus_pos = cy_pos(v);
		return cy_uint(c, v, "root_cell.min_cpus", 1, CS_MAX_CIDS, &cfg->min_cpus);
	}
	return -ENOENT;
}

static const char *const cell_keys[] = { "name", "cgroup", NULL };

static int parse_cells(struct cy_ctx *c, yaml_node_t *seq, struct cs_config *cfg)
{
	yaml_node_item_t *it;
	size_t n;

	if (seq->type != YAML_SEQUENCE_NODE)
		return cy_fail(c, seq, "'cells' must be a list, not %s", cy_kind(seq));
	n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	if (n > CS_MAX_CELLS)
		return cy_fail(c, seq, "%zu cells is more than the %d supported", n, CS_MAX_CELLS);
	cfg->cells = calloc(n ? n : 1, sizeof(*cfg->cells));
	if (!cfg->cells)
		return cy_fail(c, seq, "out of memory for %zu cells", n);
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		struct cs_cell_cfg *cell = &cfg->cells[cfg->nr_cells];

		cell->pos = cy_pos(item);
		if (cy_walk_map(c, item, "a cell", "name, cgroup, cpus, policy, lend", cell_key, cell))
			return -EINVAL;
		if (!cell->policy[0]) {
			snprintf(cell->policy, sizeof(cell->policy), "%s", CS_POLICY_DEFAULT);
			cell->policy_pos = cell->pos;
		}
		/* unknown keys first: a typo is the likeliest reason for what follows */
		if (cy_cell_tunables(c, item, cell, "a cell", cell_keys))
			return -EINVAL;
		if (!cell->name[0])
			return cy_fail(c, item, "a cell needs a 'name'");
		if (!cell->resizable && !cell->inherit && cs_cpus_empty(&cell->cpus))
			return cy_fail(c, item, "cell '%s' needs 'cpus' (a CPU list, inherit, or "
				       "{min, max, weight})", cell->name);
		if (!cell->lend_set)
			cell->lend = cell->resizable;	/* a fixed cell's CPUs stay its own */
		if (!cell->cgroup[0]) {
			snprintf(cell->cgroup, sizeof(cell->cgroup), "%s", cell->name);
			cell->cgroup_pos = cell->name_pos;
		}
		cfg->nr_cells++;
	}
	return 0;
}

struct rebalance_pos {
	struct cs_config *cfg;
	yaml_node_t *grow, *shrink;
};

static int rebalance_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct rebalance_pos *rp = arg;
	struct cs_plan_params *p = &rp->cfg->rebalance;

	if (!strcmp(key, "grow_pct")) {
		rp->grow = v;
		return cy_uint(c, v, "rebalance.grow_pct", 1, 100, &p->grow_pct);
	}
	if (!strcmp(key, "shrink_pct")) {
		rp->shrink = v;
		return cy_uint(c, v, "rebalance.shrink_pct", 0, 99, &p->shrink_pct);
	}
	if (!strcmp(key, "cooldown_ms"))
		return cy_uint(c, v, "rebalance.cooldown_ms", 0, CS_COOLDOWN_MS_MAX,
				&p->cooldown_ms);
	return -ENOENT;
}

static int parse_rebalance(struct cy_ctx *c, yaml_node_t *v, struct cs_config *cfg)
{
	struct rebalance_pos rp = { .cfg = cfg };

	cfg->rebalance_pos = cy_pos(v);
	if (cy_walk_map(c, v, "'rebalance'", "grow_pct, shrink_pct, cooldown_ms", rebalance_key,
		     &rp))
		return -EINVAL;
	if (cfg->rebalance.shrink_pct >= cfg->rebalance.grow_pct)
		return cy_fail(c, rp.shrink ? rp.shrink : rp.grow ? rp.grow : v,
			       "rebalance.shrink_pct (%u) must be below rebalance.grow_pct (%u): a "
			       "cell would shrink and grow at the same load",
			       cfg->rebalance.shrink_pct, cfg->rebalance.grow_pct);
	return 0;
}

/* A list of CPU lists (topology.cores, topology.llcs). */
static int parse_groups(struct cy_ctx *c, yaml_node_t *seq, const char *key, struct cs_cpus **out,
			unsigned int *nr)
{
	yaml_node_item_t *it;
	char why[200];
	size_t n;

	if (*out)
		return cy_fail(c, seq, "'%s' is given twice", key);
	if (seq->type != YAML_SEQUENCE_NODE)
		return cy_fail(c, seq, "'%s' must be a list of CPU lists, not %s", key,
			       cy_kind(seq));
	n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	if (!n || n > CS_MAX_CIDS)
		return cy_fail(c, seq, "'%s' must have 1..%d entries, not %zu", key, CS_MAX_CIDS, n);
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return cy_fail(c, seq, "out of memory for '%s'", key);
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		struct cs_cpus *g = &(*out)[*nr];

		if (cy_want_scalar(c, item, key))
			return -EINVAL;
		if (cs_cpus_parse(cy_scalar(item), g, why, sizeof(why)))
			return cy_fail(c, item, "bad CPU list in '%s': %s", key, why);
		if (cs_cpus_empty(g))
			return cy_fail(c, item, "an entry of '%s' names no CPU", key);
		for (unsigned int i = 0; i < *nr; i++)
			if (cs_cpus_intersects(&(*out)[i], g))
				return cy_fail(c, item, "entries %u and %u of '%s' share CPUs", i + 1,
					       *nr + 1, key);
		(*nr)++;
	}
	return 0;
}

static int topology_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "cores"))
		return parse_groups(c, v, "topology.cores", &cfg->topo_cores, &cfg->nr_topo_cores);
	if (!strcmp(key, "llcs"))
		return parse_groups(c, v, "topology.llcs", &cfg->topo_llcs, &cfg->nr_topo_llcs);
	return -ENOENT;
}

static int get_abs_path(struct cy_ctx *c, yaml_node_t *v, const char *key, char *out, size_t len,
			struct cs_pos *pos)
{
	const char *why;

	*pos = cy_pos(v);
	if (cy_str(c, v, key, out, len))
		return -EINVAL;
	if (out[0] != '/')
		return cy_fail(c, v, "'%s' must be an absolute path, not '%s'", key, out);
	if (out[strlen(out) - 1] == '/')
		return cy_fail(c, v, "'%s' must name a file, not a directory ('%s')", key, out);
	why = cs_config_bad_file_path(out);
	if (why)
		return cy_fail(c, v, "bad '%s' '%s': %s", key, out, why);
	return 0;
}

static int control_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "socket"))
		return get_abs_path(c, v, "control.socket", cfg->socket, sizeof(cfg->socket),
				    &cfg->socket_pos);
	if (!strcmp(key, "group")) {
		cfg->group_pos = cy_pos(v);
		return cy_str(c, v, "control.group", cfg->group, sizeof(cfg->group));
	}
	return -ENOENT;
}

/* metrics.listen: "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address) */
static int metrics_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;
	char why[128];

	if (strcmp(key, "listen"))
		return -ENOENT;
	if (cy_str(c, v, "metrics.listen", cfg->metrics_listen, sizeof(cfg->metrics_listen)))
		return -EINVAL;
	if (cs_config_bad_listen(cfg->metrics_listen, why, sizeof(why)))
		return cy_fail(c, v, "bad 'metrics.listen' '%s': %s", cfg->metrics_listen, why);
	cfg->metrics_pos = cy_pos(v);
	return 0;
}

static int top_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "tick_ms"))
		return cy_uint(c, v, key, CS_TICK_MS_MIN, CS_TICK_MS_MAX, &cfg->tick_ms);
	if (!strcmp(key, "mode")) {
		cfg->mode_pos = cy_pos(v);
		if (cy_want_scalar(c, v, key))
			return -EINVAL;
		if (cs_mode_parse(cy_scalar(v), &cfg->mode))
			return cy_fail(c, v, "unknown 'mode' '%s' (known: auto, native, embedded)",
				       cy_scalar(v));
		return 0;
	}
	if (!strcmp(key, "metrics"))
		return cy_walk_map(c, v, "'metrics'", "listen", metrics_key, cfg);
	if (!strcmp(key, "on_stop")) {
		if (cy_want_scalar(c, v, key))
			return -EINVAL;
		if (strcmp(cy_scalar(v), "keep") && strcmp(cy_scalar(v), "release"))
			return cy_fail(c, v, "unknown 'on_stop' '%s' (known: keep, release)", cy_scalar(v));
		cfg->release_on_stop = !strcmp(cy_scalar(v), "release");
		return 0;
	}
	if (!strcmp(key, "cell_parent")) {
		cfg->cell_parent_pos = cy_pos(v);
		return cy_str(c, v, key, cfg->cell_parent, sizeof(cfg->cell_parent));
	}
	if (!strcmp(key, "root_cell"))
		return cy_walk_map(c, v, "'root_cell'", "min_cpus", root_cell_key, cfg);
	if (!strcmp(key, "cells"))
		return parse_cells(c, v, cfg);
	if (!strcmp(key, "rules"))
		return cy_parse_rules(c, v, cfg);
	if (!strcmp(key, "discovered"))
		return cy_parse_discovered(c, v, cfg);
	if (!strcmp(key, "rebalance"))
		return parse_rebalance(c, v, cfg);
	if (!strcmp(key, "topology")) {
		cfg->topology_pos = cy_pos(v);
		if (cy_walk_map(c, v, "'topology'", "cores, llcs", topology_key, cfg))
			return -EINVAL;
		if (!cfg->nr_topo_cores && !cfg->nr_topo_llcs)
			return cy_fail(c, v, "'topology' needs 'cores' or 'llcs'");
		return 0;
	}
	if (!strcmp(key, "control"))
		return cy_walk_map(c, v, "'control'", "socket, group", control_key, cfg);
	if (!strcmp(key, "state_file"))
		return get_abs_path(c, v, key, cfg->state_file, sizeof(cfg->state_file),
				    &cfg->state_file_pos);
	return -ENOENT;
}

/*
 * A syntax error. Reader errors (bad encoding) come with a byte offset, not a
 * mark: turn it into a line and column.
 */
static void yaml_report(const yaml_parser_t *p, const char *name, const char *text, size_t len,
			char *err, size_t errlen)
{
	size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (p->error == YAML_READER_ERROR) {
		line = 1;
		col = 1;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
				col++;	/* count characters, not UTF-8 continuation bytes */
			}
		}
	}
	cs_escape_mark_cut(err, errlen, snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s%s%s",
						 name, line, col, p->problem ? p->problem : "unknown",
						 p->context ? " " : "", p->context ? p->context : ""));
}

/*
 * Bound the stream before libyaml loads it: nesting (lists and mappings in
 * lists and mappings) at most CS_CONFIG_MAX_DEPTH deep, at most
 * CS_CONFIG_MAX_NODES values in all, at most CS_CONFIG_MAX_KEYS keys in one
 * mapping. Events are pulled one at a time and the pass stops at the first
 * value past a bound, so its cost is linear in what it read. A syntax error
 * is left to the loader, which reports it. Returns 0 or -EINVAL / -ENOMEM
 * with the message in @err.
 */
static int prescan(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	unsigned int children[CS_CONFIG_MAX_DEPTH + 1] = { 0 }, depth = 0, nodes = 0;
	bool in_map[CS_CONFIG_MAX_DEPTH + 1] = { false };
	char why[96] = "";
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && !why[0] && yaml_parser_parse(&parser, &ev)) {
		bool opens = ev.type == YAML_SEQUENCE_START_EVENT ||
			     ev.type == YAML_MAPPING_START_EVENT;

		if (opens || ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT) {
			if (++nodes > CS_CONFIG_MAX_NODES)
				snprintf(why, sizeof(why), "more than %d YAML values",
					 CS_CONFIG_MAX_NODES);
			else if (in_map[depth] && ++children[depth] > 2 * CS_CONFIG_MAX_KEYS)
				snprintf(why, sizeof(why), "a mapping of more than %d keys",
					 CS_CONFIG_MAX_KEYS);
			else if (opens && depth == CS_CONFIG_MAX_DEPTH)
				snprintf(why, sizeof(why), "YAML nested deeper than %d levels (a "
					 "configuration needs 4)", CS_CONFIG_MAX_DEPTH);
		}
		if (!why[0] && opens) {
			depth++;
			in_map[depth] = ev.type == YAML_MAPPING_START_EVENT;
			children[depth] = 0;
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth -= depth > 0;
		}
		if (why[0])
			snprintf(err, errlen, "%s:%zu:%zu: %s", name, ev.start_mark.line + 1,
				 ev.start_mark.column + 1, why);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return why[0] ? -EINVAL : 0;
}

/* A configuration is one YAML document: refuse a second one instead of ignoring it. */
static int second_document(struct cy_ctx *c, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int ret = 0;

	if (!yaml_parser_load(parser, &next))
		return 0;	/* the first document was complete; errors after it are moot */
	root = yaml_document_get_root_node(&next);
	if (root)
		ret = cy_fail(c, root, "only one YAML document is allowed; this is a second one");
	yaml_document_delete(&next);
	return ret;
}

void cs_config_default(struct cs_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->file, sizeof(cfg->file), "(built-in)");
	cfg->tick_ms = CS_TICK_MS_DFL;
	snprintf(cfg->cell_parent, sizeof(cfg->cell_parent), "%s", CS_CELL_PARENT_DFL);
	cfg->min_cpus = CS_MIN_CPUS_DFL;
	snprintf(cfg->socket, sizeof(cfg->socket), "%s", CS_SOCKET_DFL);
	snprintf(cfg->state_file, sizeof(cfg->state_file), "%s", CS_STATE_FILE_DFL);
	cfg->rebalance = (struct cs_plan_params){
		.grow_pct = CS_GROW_PCT_DFL,
		.shrink_pct = CS_SHRINK_PCT_DFL,
		.cooldown_ms = CS_COOLDOWN_MS_DFL,
	};
	snprintf(cfg->discovered.cell.policy, sizeof(cfg->discovered.cell.policy), "%s",
		 CS_POLICY_DEFAULT);
	cs_policy_defaults(cs_policy_find(CS_POLICY_DEFAULT), cfg->discovered.cell.tunables);
}

void cs_config_free(struct cs_config *cfg)
{
	free(cfg->cells);
	free(cfg->rules);
	free(cfg->topo_cores);
	free(cfg->topo_llcs);
	cfg->cells = NULL;
	cfg->rules = NULL;
	cfg->topo_cores = cfg->topo_llcs = NULL;
	cfg->nr_cells = cfg->nr_rules = cfg->nr_topo_cores = cfg->nr_topo_llcs = 0;
}

static void *dup_array(const void *src, size_t n, size_t size, bool *failed)
{
	void *p;

	if (!src)
		return NULL;
	p = calloc(n ? n : 1, size);
	if (!p)
		*failed = true;
	else
		memcpy(p, src, n * size);
	return p;
}

int cs_config_copy(struct cs_config *dst, const struct cs_config *src)
{
	bool failed = false;

	*dst = *src;
	dst->cells = dup_array(src->cells, src->nr_cells, sizeof(*src->cells), &failed);
	dst->rules = dup_array(src->rules, src->nr_rules, sizeof(*src->rules), &failed);
	dst->topo_cores = dup_array(src->topo_cores, src->nr_topo_cores,
				    sizeof(*src->topo_cores), &failed);
	dst->topo_llcs = dup_array(src->topo_llcs, src->nr_topo_llcs, sizeof(*src->topo_llcs),
				   &failed);
	if (failed) {
		cs_config_free(dst);
		return -ENOMEM;
	}
	return 0;
}

int cs_config_parse(const char *name, const char *text, size_t len, struct cs_config *cfg,
		    char *err, size_t errlen)
{
	struct cy_ctx c = { .file = name, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	cs_config_default(cfg);
	if (snprintf(cfg->file, sizeof(cfg->file), "%s", name) >= (int)sizeof(cfg->file)) {
		snprintf(err, errlen, "the configuration's file name is longer than %zu bytes",
			 sizeof(cfg->file) - 1);
		return -ENAMETOOLONG;
	}
	ret = prescan(name, text, len, err, errlen);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_report(&parser, name, text, len, err, errlen);
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	ret = second_document(&c, &parser);
	if (ret)
		;
	else if (!root || (root->type == YAML_SCALAR_NODE && !root->data.scalar.length &&
			   root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
		ret = 0;	/* an empty document ("" or "---") is the default configuration */
	else
		ret = cy_walk_map(&c, root, "the configuration",
				  "mode, tick_ms, cell_parent, state_file, control, metrics, "
				  "on_stop, root_cell, rebalance, topology, cells, rules, discovered",
				  top_key, cfg);
	if (!ret) {
		const char *why = cs_config_bad_cgroup(cfg->cell_parent);

		if (why) {
			snprintf(err, errlen, "%s:%d:%d: bad 'cell_parent' '%s': %s", name,
				 cfg->cell_parent_pos.line, cfg->cell_parent_pos.col,
				 cfg->cell_parent, why);
			ret = -EINVAL;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret)
		cs_config_free(cfg);
	return ret;
}

int cs_config_load(const char *path, struct cs_config *cfg, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	cs_config_default(cfg);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read the configuration: %s", path, strerror(errno));
		return ret;
	}
	/* one byte more than allowed: reading it means the file is too big */
	text = malloc(CS_CONFIG_MAX_BYTES + 1);
	errno = 0;
	if (text)
		len = fread(text, 1, CS_CONFIG_MAX_BYTES + 1, f);
	ret = !text ? -ENOMEM : ferror(f) ? -(errno ? errno : EIO) :
	      len > CS_CONFIG_MAX_BYTES ? -EFBIG : 0;
	fclose(f);
	if (ret) {
		snprintf(err, errlen, "%s: cannot read the configuration: %s", path,
			 ret == -EFBIG ? "larger than 1 MiB" : strerror(-ret));
		free(text);
		return ret;
	}
	ret = cs_config_parse(path, text, len, cfg, err, errlen);
	free(text);
	return ret;
}
