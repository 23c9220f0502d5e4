// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_config_limits.c: issue 13 item 1: hostile YAML is refused
 * by orchestrator/core/config.c in time linear in its size, before libyaml
 * builds a document of it, with the line and column of the first value past
 * a bound: 30000 nested lists (4.6 s before), 1200 nested block mappings, a
 * cell of 60000 keys (23 s before: every key was compared with every earlier
 * one), 70000 values. Each must be refused within 100 ms of CPU time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"

static double cpu_ms(void)
{
	return clock() * 1000.0 / CLOCKS_PER_SEC;
}

/* @yaml must be refused with @want, at @pos, within 100 ms of CPU time. */
static void assert_fast_refusal(const char *what, const char *yaml, const char *pos,
				const char *want)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX] = "";
	double t0 = cpu_ms(), took;
	int ret;

	ret = cs_config_parse("t.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err));
	took = cpu_ms() - t0;
	if (!ret)
		cs_config_free(&cfg);
	if (ret != -EINVAL || strncmp(err, pos, strlen(pos)) || !strstr(err, want))
		fail_msg("%s: got %d \"%s\", want \"%s ...%s\"", what, ret, err, pos, want);
	if (took > 100)
		fail_msg("%s: refused after %.0f ms of CPU time, want at most 100", what, took);
}

static void test_hostile_yaml(void **state)
{
	size_t cap = 2 << 20, n = 0;
	char *y = malloc(cap);

	(void)state;
	assert_non_null(y);
	n = (size_t)snprintf(y, cap, "x: ");
	for (int i = 0; i < 30000; i++)
		y[n++] = '[';
	for (int i = 0; i < 30000; i++)
		y[n++] = ']';
	strcpy(y + n, "\n");
	assert_fast_refusal("30000 nested lists", y, "t.yaml:1:19:", "nested deeper than 16");

	n = 0;
	for (int i = 0; i < 1200; i++)
		n += (size_t)snprintf(y + n, cap - n, "%*sk:\n", i, "");
	assert_fast_refusal("1200 nested mappings", y, "t.yaml:17:17:", "nested deeper than 16");

	n = (size_t)snprintf(y, cap, "cells:\n  - name: a\n    cpus: 1\n");
	for (int i = 0; i < 60000; i++)
		n += (size_t)snprintf(y + n, cap - n, "    k%d: 1\n", i);
	assert_fast_refusal("a cell of 60000 keys", y, "t.yaml:258:5:",
			    "a mapping of more than 256 keys");

	n = (size_t)snprintf(y, cap, "tick_ms: [");
	for (int i = 0; i < 70000; i++)
		n += (size_t)snprintf(y + n, cap - n, "%s1", i ? "," : "");
	strcpy(y + n, "]\n");
	assert_fast_refusal("70000 values", y, "t.yaml:1:131077:", "more than 65536 YAML values");
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_yaml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
