// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_cgroup_paths.c: issue 13 item 9, no silent truncation:
 * core/cgroup.c builds "MOUNT/PATH" for the longest cell cgroup path the
 * configuration allows (cell_parent and cgroup of 255 characters each: 511)
 * without cutting it, and refuses one too long for PATH_MAX. Before, paths
 * were built in 512 bytes: cs_cg_exists() looked at a shorter path, another
 * directory. No cgroup2 is needed: without cs_cg_init() the mount is "", so
 * an absolute path under /tmp stands in for a cgroup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cs-cg-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* "DIR/<250 x a>/<n x b>" without the leading '/': a cgroup path relative to "" */
static void long_path(char *out, size_t len, size_t nb)
{
	char a[251], b[251];

	memset(a, 'a', 250);
	a[250] = '\0';
	memset(b, 'b', nb);
	b[nb] = '\0';
	snprintf(out, len, "%s/%s/%s", dir + 1, a, b);
}

static void make_dir(const char *rel)
{
	char p[PATH_MAX], *s;

	snprintf(p, sizeof(p), "/%s", rel);
	for (s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	assert_int_equal(mkdir(p, 0755), 0);
}

static void test_long_path_not_cut(void **state)
{
	char full[PATH_MAX], cut[PATH_MAX];
	uint64_t id;

	(void)state;
	assert_string_equal(cs_cg_mount(), "");
	long_path(full, sizeof(full), 250);	/* "/" + 520 characters */
	snprintf(cut, sizeof(cut), "%.510s", full);	/* what 512 bytes kept of "/" + it */
	make_dir(cut);
	/* only the shorter directory exists: the long path must not be taken for it */
	assert_false(cs_cg_exists(full));
	assert_int_equal(cs_cg_id(full, &id), -ENOENT);
	make_dir(full);
	assert_true(cs_cg_exists(full));
	assert_int_equal(cs_cg_id(full, &id), 0);
}

static void test_too_long_refused(void **state)
{
	char *huge = malloc(PATH_MAX + 16);
	uint64_t id;

	(void)state;
	assert_non_null(huge);
	memset(huge, 'x', PATH_MAX + 8);
	huge[PATH_MAX + 8] = '\0';
	assert_false(cs_cg_exists(huge));
	assert_int_equal(cs_cg_id(huge, &id), -ENAMETOOLONG);
	assert_int_equal(cs_cg_write(huge, "cpuset.cpus", ""), -ENAMETOOLONG);
	assert_int_equal(cs_cg_delete(huge), -ENAMETOOLONG);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_path_not_cut),
		cmocka_unit_test(test_too_long_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
