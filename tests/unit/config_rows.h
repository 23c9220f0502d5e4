/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/config_rows.h: refused configurations as table rows, for the
 * configuration tests (test_config.c, test_rules.c): a row is parsed as
 * "t.yaml" and checked against a made-up machine (make_si()), and must be
 * refused with -EINVAL, the exact "t.yaml:LINE:COL:" prefix and a
 * distinctive part of the message (and without a misleading phrase).
 * test_bad() is the cmocka test of one row, given as its state. Include
 * after <cmocka.h> and config.h.
 */
#ifndef CS_TEST_CONFIG_ROWS_H
#define CS_TEST_CONFIG_ROWS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct bad_config {
	const char *name;
	const char *yaml;
	const char *pos;	/* exact start of the message */
	const char *want;	/* in the message */
	const char *unwanted;	/* NULL, or a misleading phrase the message must not contain */
	const char *online;	/* NULL: "0-3" */
	const char *parent;	/* NULL: same as online */
};

#define ROW(n, y, p, w) { .name = n, .yaml = y, .pos = p, .want = w }

/* A machine whose CPUs @online are online, all of those that exist. */
static void make_si(struct cs_sysinfo *si, const char *online, const char *parent)
{
	char err[256];

	if (cs_cpus_parse(online, &si->online, err, sizeof(err)) ||
	    cs_cpus_parse(parent, &si->parent_cpus, err, sizeof(err)))
		fail_msg("bad test sysinfo: %s", err);
	si->possible = si->online;
}

static void test_bad(void **state)
{
	const struct bad_config *b = *state;
	struct cs_sysinfo si;
	struct cs_config cfg;
	char err[CS_ERR_MAX] = "";
	int ret;

	make_si(&si, b->online ? b->online : "0-3",
		b->parent ? b->parent : b->online ? b->online : "0-3");
	ret = cs_config_parse("t.yaml", b->yaml, strlen(b->yaml), &cfg, err, sizeof(err));
	if (ret) {
		/* A failed parse leaves nothing to free. */
		assert_int_equal(cfg.nr_cells, 0);
		assert_null(cfg.cells);
	} else {
		ret = cs_config_check(&cfg, &si, err, sizeof(err));
		cs_config_free(&cfg);
	}
	if (ret != -EINVAL)
		fail_msg("returned %d (%s), want -EINVAL", ret, ret ? err : "accepted");
	if (strncmp(err, b->pos, strlen(b->pos)))
		fail_msg("got \"%s\", want it to start with \"%s\"", err, b->pos);
	if (!strstr(err, b->want))
		fail_msg("got \"%s\", want \"%s\" in it", err, b->want);
	if (b->unwanted && strstr(err, b->unwanted))
		fail_msg("got \"%s\", which should not say \"%s\"", err, b->unwanted);
}

/* One TAP line "refused: NAME" per row of @rows, after the @fixed tests. */
static int run_with_rows(const char *group, const struct CMUnitTest *fixed, size_t nr_fixed,
			 const struct bad_config *rows, size_t nr_rows)
{
	struct CMUnitTest *tests = calloc(nr_fixed + nr_rows, sizeof(*tests));
	char (*names)[128] = calloc(nr_rows ? nr_rows : 1, sizeof(*names));
	size_t n = 0;
	int ret;

	if (!tests || !names)
		return 1;
	for (size_t i = 0; i < nr_fixed; i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < nr_rows; i++) {
		snprintf(names[i], sizeof(names[i]), "refused: %s", rows[i].name);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = test_bad,
						  .initial_state = (void *)&rows[i] };
	}
	ret = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	free(names);
	return ret;
}

#endif /* CS_TEST_CONFIG_ROWS_H */
