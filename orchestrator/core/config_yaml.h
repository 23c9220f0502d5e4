/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/config_yaml.h: what the parts of the configuration
 * parser share (config.c: the top level and the cells; config_rules.c: rules
 * and discovered cells): the parse context, value readers that report
 * "FILE:LINE:COLUMN: message" (config_yaml.c), and the keys a cell and a
 * rule have in common (config.c). Internal to the parser. Prefix: cy.
 */
#ifndef CELLSCHED_CONFIG_YAML_H
#define CELLSCHED_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "config.h"

struct cy_ctx {
	const char *file;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

/* Write "FILE:LINE:COL: message" for node @n into c->err; returns -EINVAL. */
int cy_fail(struct cy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct cs_pos cy_pos(const yaml_node_t *n);
const char *cy_kind(const yaml_node_t *n);	/* "a scalar", "a list", ... */
const char *cy_scalar(const yaml_node_t *n);

/* Readers: 0, or -EINVAL with the message (naming @key) in c->err. */
int cy_want_scalar(struct cy_ctx *c, const yaml_node_t *n, const char *key);
int cy_uint(struct cy_ctx *c, const yaml_node_t *n, const char *key, unsigned long min,
	    unsigned long max, unsigned int *out);
int cy_bool(struct cy_ctx *c, const yaml_node_t *n, const char *key, bool *out);
int cy_str(struct cy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t len);

/*
 * Walk mapping @m: for each key, call @fn(c, key, value, arg). Unknown keys
 * (fn returns -ENOENT) and repeated keys are errors; @allowed lists the keys
 * for the message.
 */
typedef int (*cy_key_fn)(struct cy_ctx *c, const char *key, yaml_node_t *val, void *arg);
int cy_walk_map(struct cy_ctx *c, yaml_node_t *m, const char *what, const char *allowed,
		cy_key_fn fn, void *arg);

/*
 * A cell's keys that a rule has too (config.c): cpus (a list, inherit or
 * {min, max, weight}), policy, lend; other keys are left (0) for
 * cy_cell_tunables(), which takes every key not in @own (a NULL-ended list
 * of the caller's keys) as a tunable of the policy and says which keys
 * exist (@what: "a cell", "a rule") when one is not.
 */
int cy_cell_key(struct cy_ctx *c, const char *key, yaml_node_t *v, void *arg);
int cy_cell_tunables(struct cy_ctx *c, yaml_node_t *item, struct cs_cell_cfg *cell,
		     const char *what, const char *const *own);

/* `rules:` and `discovered:` (config_rules.c). */
int cy_parse_rules(struct cy_ctx *c, yaml_node_t *seq, struct cs_config *cfg);
int cy_parse_discovered(struct cy_ctx *c, yaml_node_t *v, struct cs_config *cfg);

#endif /* CELLSCHED_CONFIG_YAML_H */
