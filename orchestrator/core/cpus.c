// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/cpus.c: CPU sets and the kernel's CPU list syntax (see cpus.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "escape.h"

static int parse_num(const char **p, unsigned long *out, char *err, size_t errlen,
		     const char *item, int item_len)
{
	char *end;

	if (!isdigit((unsigned char)**p)) {
		snprintf(err, errlen, "'%.*s' is not a CPU number or range", item_len, item);
		return -EINVAL;
	}
	errno = 0;
	*out = strtoul(*p, &end, 10);
	if (errno || *out >= CS_MAX_CIDS) {
		snprintf(err, errlen, "CPU '%.*s' is beyond the supported %d CPUs", item_len, item,
			 CS_MAX_CIDS);
		return -EINVAL;
	}
	*p = end;
	return 0;
}

int cs_cpus_parse(const char *s, struct cs_cpus *out, char *err, size_t errlen)
{
	const char *p = s;

	memset(out, 0, sizeof(*out));
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return 0;
	for (;;) {
		const char *item = p;
		int item_len = (int)strcspn(item, ", \t\n");
		unsigned long lo, hi;

		if (parse_num(&p, &lo, err, errlen, item, item_len))
			return -EINVAL;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &hi, err, errlen, item, item_len))
				return -EINVAL;
			if (hi < lo) {
				snprintf(err, errlen, "'%.*s' is a decreasing range", item_len, item);
				return -EINVAL;
			}
		}
		if (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != '\n') {
			snprintf(err, errlen, "'%.*s' is not a CPU number or range", item_len, item);
			return -EINVAL;
		}
		for (unsigned long c = lo; c <= hi; c++)
			cs_cpus_set(out, c);
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			return 0;
		if (*p != ',') {
			snprintf(err, errlen, "expected ',' before '%s'", p);
			return -EINVAL;
		}
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p) {
			snprintf(err, errlen, "the list '%s' ends with ','", s);
			return -EINVAL;
		}
	}
}

char *cs_cpus_format(const struct cs_cpus *set, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		int end = c;

		if (!cs_cpus_test(set, c))
			continue;
		while (end + 1 < CS_MAX_CIDS && cs_cpus_test(set, end + 1))
			end++;
		if (n < len) {
			if (end == c)
				n += snprintf(buf + n, len - n, "%s%d", n ? "," : "", c);
			else
				n += snprintf(buf + n, len - n, "%s%d-%d", n ? "," : "", c, end);
		}
		c = end;
	}
	/* a list cut short would name other CPUs: mark it (and cpuset.cpus refuses it) */
	return cs_escape_mark_cut(buf, len, (int)n);
}

unsigned int cs_cpus_count(const struct cs_cpus *s)
{
	unsigned int n = 0;

	for (int w = 0; w < CS_CID_WORDS; w++)
		n += __builtin_popcountll(s->bits[w]);
	return n;
}

bool cs_cpus_empty(const struct cs_cpus *s)
{
	return cs_cpus_count(s) == 0;
}

bool cs_cpus_equal(const struct cs_cpus *a, const struct cs_cpus *b)
{
	return !memcmp(a, b, sizeof(*a));
}

bool cs_cpus_subset(const struct cs_cpus *a, const struct cs_cpus *of)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		if (a->bits[w] & ~of->bits[w])
			return false;
	return true;
}

bool cs_cpus_intersects(const struct cs_cpus *a, const struct cs_cpus *b)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		if (a->bits[w] & b->bits[w])
			return true;
	return false;
}

void cs_cpus_or(struct cs_cpus *dst, const struct cs_cpus *src)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		dst->bits[w] |= src->bits[w];
}

void cs_cpus_and(struct cs_cpus *dst, const struct cs_cpus *src)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		dst->bits[w] &= src->bits[w];
}

void cs_cpus_andnot(struct cs_cpus *dst, const struct cs_cpus *src)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		dst->bits[w] &= ~src->bits[w];
}

int cs_cpus_first(const struct cs_cpus *s)
{
	for (int w = 0; w < CS_CID_WORDS; w++)
		if (s->bits[w])
			return w * 64 + __builtin_ctzll(s->bits[w]);
	return -1;
}
