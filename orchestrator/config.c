// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/config.c: YAML configuration through libyaml's document API,
 * and the checks between cells (see config.h for the schema).
 *
 * Parsing builds the document tree (every node carries its position), then
 * walks it with a small table per mapping: unknown and duplicate keys are
 * refused, each value is converted with its range checked. Validation never
 * looks at the system itself; it gets a struct cs_sysinfo.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config.h"
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
	if (off >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + off, c->errlen - off, fmt, ap);
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
		if (want_scalar(c, v, key))
			return -EINVAL;
		if (cs_cpus_parse(scalar(v), &cell->cpus, why, sizeof(why)))
			return fail_at(c, v, "bad 'cpus': %s", why);
		if (cs_cpus_empty(&cell->cpus))
			return fail_at(c, v, "'cpus' must name at least one CPU");
		return 0;
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
	n += snprintf(known, sizeof(known), "name, cgroup, cpus, policy");
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
		    !strcmp(scalar(k), "cpus") || !strcmp(scalar(k), "policy"))
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
		if (walk_map(c, item, "a cell", "name, cgroup, cpus, policy", cell_key, cell))
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
		if (cs_cpus_empty(&cell->cpus))
			return fail_at(c, item, "cell '%s' needs 'cpus'", cell->name);
		if (!cell->cgroup[0]) {
			snprintf(cell->cgroup, sizeof(cell->cgroup), "%s", cell->name);
			cell->cgroup_pos = cell->name_pos;
		}
		cfg->nr_cells++;
	}
	return 0;
}

static int top_key(struct ctx *c, const char *key, yaml_node_t *v, void *arg)
{
	struct cs_config *cfg = arg;

	if (!strcmp(key, "tick_ms"))
		return get_uint(c, v, key, CS_TICK_MS_MIN, CS_TICK_MS_MAX, &cfg->tick_ms);
	if (!strcmp(key, "cell_parent")) {
		cfg->cell_parent_pos = pos_of(v);
		return get_str(c, v, key, cfg->cell_parent, sizeof(cfg->cell_parent));
	}
	if (!strcmp(key, "root_cell"))
		return walk_map(c, v, "'root_cell'", "min_cpus", root_cell_key, cfg);
	if (!strcmp(key, "cells"))
		return parse_cells(c, v, cfg);
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
	snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s%s%s", name, line, col,
		 p->problem ? p->problem : "unknown", p->context ? " " : "",
		 p->context ? p->context : "");
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
}

void cs_config_free(struct cs_config *cfg)
{
	free(cfg->cells);
	cfg->cells = NULL;
	cfg->nr_cells = 0;
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
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
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
			       "tick_ms, cell_parent, root_cell, cells", top_key, cfg);
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

const char *cs_config_bad_cgroup(const char *cg)
{
	const char *p = cg;

	if (!cg[0])
		return "it is empty";
	if (cg[0] == '/')
		return "it must be relative, not absolute";
	for (const char *s = cg; *s; s++)
		if (!(*s == '/' || *s == '-' || *s == '_' || *s == '.' ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return "only letters, digits, '-', '_', '.' and '/' are allowed";
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "it has an empty path component";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' and '..' would leave the parent";
		p += n;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return "it ends with '/'";
	}
	return NULL;
}

static int check_fail(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int check_fail(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		      const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = snprintf(err, errlen, "%s:%d:%d: ", cfg->file, pos.line, pos.col);
	if (off < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + off, errlen - off, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Would @cg name something that is not below its parent (absolute, '.', '..')? */
static bool escapes(const char *cg)
{
	if (cg[0] == '/')
		return true;
	for (const char *p = cg; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		p += *p == '/';
	}
	return false;
}

static bool path_inside(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !strncmp(a, b, n) && a[n] == '/';
}

int cs_config_check(const struct cs_config *cfg, const struct cs_sysinfo *si, char *err,
		    size_t errlen)
{
	struct cs_cpus taken = { 0 }, left, bad;
	char list[256], list2[256];
	const char *why;

	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *cell = &cfg->cells[i];

		for (const char *s = cell->name; *s; s++)
			if (!(*s == '-' || *s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') ||
			      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
				return check_fail(cfg, cell->name_pos, err, errlen,
						  "cell name '%s': only letters, digits, '-', '_' "
						  "and '.' are allowed", cell->name);
		why = cs_config_bad_cgroup(cell->cgroup);
		if (why)
			return check_fail(cfg, cell->cgroup_pos, err, errlen,
					  "cgroup '%s' of cell '%s' is %s: %s", cell->cgroup,
					  cell->name, escapes(cell->cgroup) ?
					  "outside the cell parent" : "not a valid path", why);
		for (unsigned int j = 0; j < i; j++) {
			const struct cs_cell_cfg *o = &cfg->cells[j];

			if (!strcmp(o->name, cell->name))
				return check_fail(cfg, cell->name_pos, err, errlen,
						  "duplicate cell name '%s' (also at line %d)",
						  cell->name, o->name_pos.line);
			if (!strcmp(o->cgroup, cell->cgroup))
				return check_fail(cfg, cell->cgroup_pos, err, errlen,
						  "cells '%s' and '%s' use the same cgroup '%s'",
						  o->name, cell->name, cell->cgroup);
			if (path_inside(cell->cgroup, o->cgroup) || path_inside(o->cgroup, cell->cgroup))
				return check_fail(cfg, cell->cgroup_pos, err, errlen,
						  "cgroups of cells '%s' and '%s' are nested "
						  "('%s', '%s'); cells cannot contain cells",
						  o->name, cell->name, o->cgroup, cell->cgroup);
			if (cs_cpus_intersects(&o->cpus, &cell->cpus)) {
				bad = cell->cpus;
				cs_cpus_and(&bad, &o->cpus);
				return check_fail(cfg, cell->cpus_pos, err, errlen,
						  "CPUs %s of cell '%s' overlap cell '%s' (line %d); "
						  "cells must not share CPUs",
						  cs_cpus_format(&bad, list, sizeof(list)), cell->name,
						  o->name, o->cpus_pos.line);
			}
		}
		if (!cs_cpus_subset(&cell->cpus, &si->online)) {
			bad = cell->cpus;
			cs_cpus_andnot(&bad, &si->online);
			return check_fail(cfg, cell->cpus_pos, err, errlen,
					  "CPUs %s of cell '%s' are not online (online: %s)",
					  cs_cpus_format(&bad, list, sizeof(list)), cell->name,
					  cs_cpus_format(&si->online, list2, sizeof(list2)));
		}
		if (!cs_cpus_subset(&cell->cpus, &si->parent_cpus)) {
			bad = cell->cpus;
			cs_cpus_andnot(&bad, &si->parent_cpus);
			return check_fail(cfg, cell->cpus_pos, err, errlen,
					  "CPUs %s of cell '%s' are outside the cell parent's "
					  "cpuset.cpus.effective (%s)",
					  cs_cpus_format(&bad, list, sizeof(list)), cell->name,
					  cs_cpus_format(&si->parent_cpus, list2, sizeof(list2)));
		}
		cs_cpus_or(&taken, &cell->cpus);
	}
	if (cs_cpus_count(&si->online) < cfg->min_cpus)
		return check_fail(cfg, cfg->min_cpus_pos, err, errlen,
				  "root_cell.min_cpus is %u but only %u CPUs are online (%s)",
				  cfg->min_cpus, cs_cpus_count(&si->online),
				  cs_cpus_format(&si->online, list, sizeof(list)));
	left = si->online;
	cs_cpus_andnot(&left, &taken);
	if (cs_cpus_count(&left) < cfg->min_cpus) {
		struct cs_pos pos = cfg->nr_cells ? cfg->cells[cfg->nr_cells - 1].cpus_pos :
						    cfg->min_cpus_pos;

		return check_fail(cfg, pos, err, errlen,
				  "cells take CPUs %s and leave the root cell %u CPU%s (%s); "
				  "root_cell.min_cpus is %u",
				  cs_cpus_format(&taken, list, sizeof(list)), cs_cpus_count(&left),
				  cs_cpus_count(&left) == 1 ? "" : "s",
				  cs_cpus_empty(&left) ? "none" : cs_cpus_format(&left, list2, sizeof(list2)),
				  cfg->min_cpus);
	}
	return 0;
}
