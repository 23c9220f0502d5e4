// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/config_yaml.c: the value readers the configuration
 * parser is made of (see config_yaml.h): each takes a libyaml node, checks
 * its type and range, and on a mistake writes "FILE:LINE:COLUMN: message".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_yaml.h"
#include "escape.h"

int cy_fail(struct cy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
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

struct cs_pos cy_pos(const yaml_node_t *n)
{
	return (struct cs_pos){ (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };
}

const char *cy_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:		return "a scalar";
	case YAML_SEQUENCE_NODE:	return "a list";
	case YAML_MAPPING_NODE:		return "a mapping";
	default:			return "nothing";
	}
}

const char *cy_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

int cy_want_scalar(struct cy_ctx *c, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return cy_fail(c, n, "'%s' must be a scalar, not %s", key, cy_kind(n));
	/* a "\0" escape would silently cut the value short */
	if (strlen(cy_scalar(n)) != n->data.scalar.length)
		return cy_fail(c, n, "'%s' contains a NUL character", key);
	return 0;
}

int cy_uint(struct cy_ctx *c, const yaml_node_t *n, const char *key, unsigned long min,
		    unsigned long max, unsigned int *out)
{
	const char *s;
	char *end;
	unsigned long v;

	if (cy_want_scalar(c, n, key))
		return -EINVAL;
	s = cy_scalar(n);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno)
		return cy_fail(c, n, "'%s' must be a whole number, not '%s'", key, s);
	if (v < min || v > max)
		return cy_fail(c, n, "'%s' is %lu, outside the allowed range %lu..%lu", key, v, min,
			       max);
	*out = (unsigned int)v;
	return 0;
}

/* YAML 1.2's core booleans: true, false (and their capitalised forms). */
int cy_bool(struct cy_ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
	const char *s;

	if (cy_want_scalar(c, n, key))
		return -EINVAL;
	s = cy_scalar(n);
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		*out = false;
	else
		return cy_fail(c, n, "'%s' must be true or false, not '%s'", key, s);
	return 0;
}

int cy_str(struct cy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t len)
{
	if (cy_want_scalar(c, n, key))
		return -EINVAL;
	if (!cy_scalar(n)[0])
		return cy_fail(c, n, "'%s' must not be empty", key);
	if (strlen(cy_scalar(n)) >= len)
		return cy_fail(c, n, "'%s' is longer than %zu characters", key, len - 1);
	snprintf(out, len, "%s", cy_scalar(n));
	return 0;
}

/*
 * Walk mapping @m: for each key, call @fn(c, key, value, arg). Unknown keys
 * (fn returns -ENOENT) and repeated keys are errors; @allowed lists the keys
 * for the message.
 */
int cy_walk_map(struct cy_ctx *c, yaml_node_t *m, const char *what, const char *allowed,
		    cy_key_fn fn, void *arg)
{
	yaml_node_pair_t *pair, *prev;
	int ret;

	if (m->type != YAML_MAPPING_NODE)
		return cy_fail(c, m, "%s must be a mapping, not %s", what, cy_kind(m));
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pair->value);

		if (k->type != YAML_SCALAR_NODE)
			return cy_fail(c, k, "keys of %s must be scalars", what);
		for (prev = m->data.mapping.pairs.start; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(c->doc, prev->key);

			if (pk->type == YAML_SCALAR_NODE && !strcmp(cy_scalar(pk), cy_scalar(k)))
				return cy_fail(c, k, "key '%s' appears twice in %s (first at line %zu)",
					       cy_scalar(k), what, pk->start_mark.line + 1);
		}
		ret = fn(c, cy_scalar(k), v, arg);
		if (ret == -ENOENT)
			return cy_fail(c, k, "unknown key '%s' in %s (known keys: %s)", cy_scalar(k),
				       what, allowed);
		if (ret)
			return ret;
	}
	return 0;
}

