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
#include "escape.h"
#include "policies.h"

struct ctx {
	const char *file;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->file, n->start_mark.line + 1,
		       n->start_mark.column + 1);
	if (off >= c->errlen) {
		cs_escape_mark_cut(c->err, c->errlen, (int)off);
		return -EINVAL;
	}
	va_start(ap, fmt);
	cs_escape_mark_cut(c->err + off, c->errlen - off,
			   vsnprintf(c->err + off, c->errlen - off, fmt, ap));
	va_end(ap);
	return -EINVAL;
}

static struct cs_pos pos_of(const yaml_node_t *n)
{
	return (struct cs_pos){ (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:		return "a scalar";
	case YAML_SEQUENCE_NODE:	return "a list";
	case YAML_MAPPING_NODE:		return "a mapping";
	default:			return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int want_scalar(struct ctx *c, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(c, n, "'%s' must be a scalar, not %s", key, node_kind(n));
	/* a "\0" escape would silently cut the value short */
	if (strlen(scalar(n)) != n->data.scalar.length)
		return fail_at(c, n, "'%s' contains a NUL character", key);
	return 0;
}

static int get_uint(struct ctx *c, const yaml_node_t *n, const char *key, unsigned long min,
		    unsigned long max, unsigned int *out)
{
	const char *s;
	char *end;
	unsigned long v;

	if (want_scalar(c, n, key))
		return -EINVAL;
	s = scalar(n);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno)
		return fail_at(c, n, "'%s' must be a whole number, not '%s'", key, s);
	if (v < min || v > max)
		return fail_at(c, n, "'%s' is %lu, outside the allowed range %lu..%lu", key, v, min,
			       max);
	*out = (unsigned int)v;
	return 0;
}

/* YAML 1.2's core booleans: true, false (and their capitalised forms). */
static int get_bool(struct ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
	const char *s;

	if (want_scalar(c, n, key))
		return -EINVAL;
	s = scalar(n);
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		*out = false;
	else
		return fail_at(c, n, "'%s' must be true or false, not '%s'", key, s);
	return 0;
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *key, char *out, size_t len)
{
	if (want_scalar(c, n, key))
		return -EINVAL;
	if (!scalar(n)[0])
		return fail_at(c, n, "'%s' must not be empty", key);
	if (strlen(scalar(n)) >= len)
		return fail_at(c, n, "'%s' is longer than %zu characters", key, len - 1);
	snprintf(out, len, "%s", scalar(n));
	return 0;
}

/*
 * Walk mapping @m: for each key, call @fn(c, key, value, arg). Unknown keys
 * (fn returns -ENOENT) and repeated keys are errors; @allowed lists the keys
 * for the message.
 */
typedef int (*key_fn)(struct ctx *c, const char *key, yaml_node_t *val, void *arg);

static int walk_map(struct ctx *c, yaml_node_t *m, const char *what, const char *allowed,
		    key_fn fn, void *arg)
{
	yaml_node_pair_t *pair, *prev;
	int ret;

	if (m->type != YAML_MAPPING_NODE)
		return fail_at(c, m, "%s must be a mapping, not %s", what, node_kind(m));
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pair->value);

		if (k->type != YAML_SCALAR_NODE)
			return fail_at(c, k, "keys of %s must be scalars", what);
		for (prev = m->data.mapping.pairs.start; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(c->doc, prev->key);

			if (pk->type == YAML_SCALAR_NODE && !strcmp(scalar(pk), scalar(k)))
				return fail_at(c, k, "key '%s' appears twice in %s (first at line %zu)",
					       scalar(k), what, pk->start_mark.line + 1);
		}
		ret = fn(c, scalar(k), v, arg);
		if (ret == -ENOENT)
			return fail_at(c, k, "unknown key '%s' in %s (known keys: %s)", scalar(k),
				       what, allowed);
		if (ret)
			return ret;
	}
	return 0;
}

static int cpus_range_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_cell_cfg *cell = arg;

	if (!strcmp(key, "min"))
		return get_uint(c, v, "cpus.min", 1, CS_MAX_CIDS, &cell->min);
	if (!strcmp(key, "max"))
		return get_uint(c, v, "cpus.max", 1, CS_MAX_CIDS, &cell->max);
	if (!strcmp(key, "weight"))
		return get_uint(c, v, "cpus.weight", 1, CS_WEIGHT_MAX, &cell->weight);
	return -ENOENT;
}

/* cpus: {min, max, weight}: a cell the planner sizes. */
static int parse_cpus_range(struct ctx *c, yaml_node_t *v, struct cs_cell_cfg *cell)
{
	cell->resizable = true;
	cell->min = 1;
	cell->max = CS_MAX_CIDS;
	cell->weight = CS_WEIGHT_DFL;
	if (walk_map(c, v, "'cpus'", "min, max, weight", cpus_range_key, cell))
		return -EINVAL;
	if (cell->min > cell->max)
		return fail_at(c, v, "'cpus': min %u is above max %u", cell->min, cell->max);
	return 0;
}

static int cell_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_cell_cfg *cell = arg;
	char why[200];

	if (!strcmp(key, "name")) {
		cell->name_pos = pos_of(v);
		return get_str(c, v, key, cell->name, sizeof(cell->name));
	}
	if (!strcmp(key, "cgroup")) {
		cell->cgroup_pos = pos_of(v);
		return get_str(c, v, key, cell->cgroup, sizeof(cell->cgroup));
	}
	if (!strcmp(key, "policy")) {
		cell->policy_pos = pos_of(v);
		if (get_str(c, v, key, cell->policy, sizeof(cell->policy)))
			return -EINVAL;
		if (!cs_policy_find(cell->policy))
			return fail_at(c, v, "unknown policy '%s' (known: %s)", cell->policy,
				       cs_policy_names());
		return 0;
	}
	if (!strcmp(key, "cpus")) {
		cell->cpus_pos = pos_of(v);
		if (v->type == YAML_MAPPING_NODE)
			return parse_cpus_range(c, v, cell);
		if (want_scalar(c, v, key))
			return -EINVAL;
		if (cs_cpus_parse(scalar(v), &cell->cpus, why, sizeof(why)))
			return fail_at(c, v, "bad 'cpus': %s", why);
		if (cs_cpus_empty(&cell->cpus))
			return fail_at(c, v, "'cpus' must name at least one CPU");
		return 0;
	}
	if (!strcmp(key, "lend")) {
		cell->lend_set = true;
		return get_bool(c, v, key, &cell->lend);
	}
	return 0;	/* maybe a tunable: cell_tunables() decides once the policy is known */
}

/* The cell's keys that were not cell keys must be tunables of its policy. */
static int cell_tunables(struct ctx *c, yaml_node_t *item, struct cs_cell_cfg *cell)
{
	const struct cs_policy_info *pi = cs_policy_find(cell->policy);
	yaml_node_pair_t *pair;
	char known[256];
	size_t n = 0;

	cs_policy_defaults(pi, cell->tunables);
	n += snprintf(known, sizeof(known), "name, cgroup, cpus, policy, lend");
	for (unsigned int i = 0; i < pi->nr_tunables && n < sizeof(known); i++)
		n += snprintf(known + n, sizeof(known) - n, "%s%s%s%s", i ? ", " : "; policy '",
			      i ? "" : pi->name, i ? "" : "' tunables: ", pi->tunables[i].name);
	for (pair = item->data.mapping.pairs.start; pair < item->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pair->value);
		const struct cs_tunable *t;
		unsigned int val;
		int ti;

		if (!strcmp(scalar(k), "name") || !strcmp(scalar(k), "cgroup") ||
		    !strcmp(scalar(k), "cpus") || !strcmp(scalar(k), "policy") ||
		    !strcmp(scalar(k), "lend"))
			continue;
		ti = cs_policy_tunable(pi, scalar(k));
		if (ti < 0)
			return fail_at(c, k, "unknown key '%s' in a cell (known keys: %s)", scalar(k),
				       known);
		t = &pi->tunables[ti];
		if (get_uint(c, v, scalar(k), t->min, t->max, &val))
			return -EINVAL;
		cell->tunables[ti] = val;
	}
	return 0;
}

static int root_cell_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "min_cpus")) {
		cfg->min_cpus_pos = pos_of(v);
		return get_uint(c, v, "root_cell.min_cpus", 1, CS_MAX_CIDS, &cfg->min_cpus);
	}
	return -ENOENT;
}

static int parse_cells(struct ctx *c, yaml_node_t *seq, struct cs_config *cfg)
{
	yaml_node_item_t *it;
	size_t n;

	if (seq->type != YAML_SEQUENCE_NODE)
		return fail_at(c, seq, "'cells' must be a list, not %s", node_kind(seq));
	n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	if (n > CS_MAX_CELLS)
		return fail_at(c, seq, "%zu cells is more than the %d supported", n, CS_MAX_CELLS);
	cfg->cells = calloc(n ? n : 1, sizeof(*cfg->cells));
	if (!cfg->cells)
		return fail_at(c, seq, "out of memory for %zu cells", n);
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		struct cs_cell_cfg *cell = &cfg->cells[cfg->nr_cells];

		cell->pos = pos_of(item);
		if (walk_map(c, item, "a cell", "name, cgroup, cpus, policy, lend", cell_key, cell))
			return -EINVAL;
		if (!cell->policy[0]) {
			snprintf(cell->policy, sizeof(cell->policy), "%s", CS_POLICY_DEFAULT);
			cell->policy_pos = cell->pos;
		}
		/* unknown keys first: a typo is the likeliest reason for what follows */
		if (cell_tunables(c, item, cell))
			return -EINVAL;
		if (!cell->name[0])
			return fail_at(c, item, "a cell needs a 'name'");
		if (!cell->resizable && cs_cpus_empty(&cell->cpus))
			return fail_at(c, item, "cell '%s' needs 'cpus' (a CPU list, or "
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

static int rebalance_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct rebalance_pos *rp = arg;
	struct cs_plan_params *p = &rp->cfg->rebalance;

	if (!strcmp(key, "grow_pct")) {
		rp->grow = v;
		return get_uint(c, v, "rebalance.grow_pct", 1, 100, &p->grow_pct);
	}
	if (!strcmp(key, "shrink_pct")) {
		rp->shrink = v;
		return get_uint(c, v, "rebalance.shrink_pct", 0, 99, &p->shrink_pct);
	}
	if (!strcmp(key, "cooldown_ms"))
		return get_uint(c, v, "rebalance.cooldown_ms", 0, CS_COOLDOWN_MS_MAX,
				&p->cooldown_ms);
	return -ENOENT;
}

static int parse_rebalance(struct ctx *c, yaml_node_t *v, struct cs_config *cfg)
{
	struct rebalance_pos rp = { .cfg = cfg };

	cfg->rebalance_pos = pos_of(v);
	if (walk_map(c, v, "'rebalance'", "grow_pct, shrink_pct, cooldown_ms", rebalance_key,
		     &rp))
		return -EINVAL;
	if (cfg->rebalance.shrink_pct >= cfg->rebalance.grow_pct)
		return fail_at(c, rp.shrink ? rp.shrink : rp.grow ? rp.grow : v,
			       "rebalance.shrink_pct (%u) must be below rebalance.grow_pct (%u): a "
			       "cell would shrink and grow at the same load",
			       cfg->rebalance.shrink_pct, cfg->rebalance.grow_pct);
	return 0;
}

/* A list of CPU lists (topology.cores, topology.llcs). */
static int parse_groups(struct ctx *c, yaml_node_t *seq, const char *key, struct cs_cpus **out,
			unsigned int *nr)
{
	yaml_node_item_t *it;
	char why[200];
	size_t n;

	if (*out)
		return fail_at(c, seq, "'%s' is given twice", key);
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail_at(c, seq, "'%s' must be a list of CPU lists, not %s", key,
			       node_kind(seq));
	n = seq->data.sequence.items.top - seq->data.sequence.items.start;
	if (!n || n > CS_MAX_CIDS)
		return fail_at(c, seq, "'%s' must have 1..%d entries, not %zu", key, CS_MAX_CIDS, n);
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return fail_at(c, seq, "out of memory for '%s'", key);
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		struct cs_cpus *g = &(*out)[*nr];

		if (want_scalar(c, item, key))
			return -EINVAL;
		if (cs_cpus_parse(scalar(item), g, why, sizeof(why)))
			return fail_at(c, item, "bad CPU list in '%s': %s", key, why);
		if (cs_cpus_empty(g))
			return fail_at(c, item, "an entry of '%s' names no CPU", key);
		for (unsigned int i = 0; i < *nr; i++)
			if (cs_cpus_intersects(&(*out)[i], g))
				return fail_at(c, item, "entries %u and %u of '%s' share CPUs", i + 1,
					       *nr + 1, key);
		(*nr)++;
	}
	return 0;
}

static int topology_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "cores"))
		return parse_groups(c, v, "topology.cores", &cfg->topo_cores, &cfg->nr_topo_cores);
	if (!strcmp(key, "llcs"))
		return parse_groups(c, v, "topology.llcs", &cfg->topo_llcs, &cfg->nr_topo_llcs);
	return -ENOENT;
}

static int get_abs_path(struct ctx *c, yaml_node_t *v, const char *key, char *out, size_t len,
			struct cs_pos *pos)
{
	const char *why;

	*pos = pos_of(v);
	if (get_str(c, v, key, out, len))
		return -EINVAL;
	if (out[0] != '/')
		return fail_at(c, v, "'%s' must be an absolute path, not '%s'", key, out);
	if (out[strlen(out) - 1] == '/')
		return fail_at(c, v, "'%s' must name a file, not a directory ('%s')", key, out);
	why = cs_config_bad_file_path(out);
	if (why)
		return fail_at(c, v, "bad '%s' '%s': %s", key, out, why);
	return 0;
}

static int control_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "socket"))
		return get_abs_path(c, v, "control.socket", cfg->socket, sizeof(cfg->socket),
				    &cfg->socket_pos);
	if (!strcmp(key, "group")) {
		cfg->group_pos = pos_of(v);
		return get_str(c, v, "control.group", cfg->group, sizeof(cfg->group));
	}
	return -ENOENT;
}

/* metrics.listen: "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address) */
static int metrics_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;
	char why[128];

	if (strcmp(key, "listen"))
		return -ENOENT;
	if (get_str(c, v, "metrics.listen", cfg->metrics_listen, sizeof(cfg->metrics_listen)))
		return -EINVAL;
	if (cs_config_bad_listen(cfg->metrics_listen, why, sizeof(why)))
		return fail_at(c, v, "bad 'metrics.listen' '%s': %s", cfg->metrics_listen, why);
	cfg->metrics_pos = pos_of(v);
	return 0;
}

static int top_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "tick_ms"))
		return get_uint(c, v, key, CS_TICK_MS_MIN, CS_TICK_MS_MAX, &cfg->tick_ms);
	if (!strcmp(key, "mode")) {
		cfg->mode_pos = pos_of(v);
		if (want_scalar(c, v, key))
			return -EINVAL;
		if (cs_mode_parse(scalar(v), &cfg->mode))
			return fail_at(c, v, "unknown 'mode' '%s' (known: auto, native, embedded)",
				       scalar(v));
		return 0;
	}
	if (!strcmp(key, "metrics"))
		return walk_map(c, v, "'metrics'", "listen", metrics_key, cfg);
	if (!strcmp(key, "on_stop")) {
		if (want_scalar(c, v, key))
			return -EINVAL;
		if (strcmp(scalar(v), "keep") && strcmp(scalar(v), "release"))
			return fail_at(c, v, "unknown 'on_stop' '%s' (known: keep, release)", scalar(v));
		cfg->release_on_stop = !strcmp(scalar(v), "release");
		return 0;
	}
	if (!strcmp(key, "cell_parent")) {
		cfg->cell_parent_pos = pos_of(v);
		return get_str(c, v, key, cfg->cell_parent, sizeof(cfg->cell_parent));
	}
	if (!strcmp(key, "root_cell"))
		return walk_map(c, v, "'root_cell'", "min_cpus", root_cell_key, cfg);
	if (!strcmp(key, "cells"))
		return parse_cells(c, v, cfg);
	if (!strcmp(key, "rebalance"))
		return parse_rebalance(c, v, cfg);
	if (!strcmp(key, "topology")) {
		cfg->topology_pos = pos_of(v);
		if (walk_map(c, v, "'topology'", "cores, llcs", topology_key, cfg))
			return -EINVAL;
		if (!cfg->nr_topo_cores && !cfg->nr_topo_llcs)
			return fail_at(c, v, "'topology' needs 'cores' or 'llcs'");
		return 0;
	}
	if (!strcmp(key, "control"))
		return walk_map(c, v, "'control'", "socket, group", control_key, cfg);
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
static int second_document(struct ctx *c, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int ret = 0;

	if (!yaml_parser_load(parser, &next))
		return 0;	/* the first document was complete; errors after it are moot */
	root = yaml_document_get_root_node(&next);
	if (root)
		ret = fail_at(c, root, "only one YAML document is allowed; this is a second one");
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
}

void cs_config_free(struct cs_config *cfg)
{
	free(cfg->cells);
	free(cfg->topo_cores);
	free(cfg->topo_llcs);
	cfg->cells = NULL;
	cfg->topo_cores = cfg->topo_llcs = NULL;
	cfg->nr_cells = cfg->nr_topo_cores = cfg->nr_topo_llcs = 0;
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
	struct ctx c = { .file = name, .err = err, .errlen = errlen };
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
		ret = walk_map(&c, root, "the configuration",
			       "mode, tick_ms, cell_parent, state_file, control, metrics, "
			       "on_stop, root_cell, rebalance, topology, cells", top_key, cfg);
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
