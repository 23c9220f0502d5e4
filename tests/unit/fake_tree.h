/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/fake_tree.h: a made-up sysfs tree in a temporary directory for
 * the tests of code that reads sysfs (kernel.c, topology.c): tree_setup()
 * and tree_teardown() as cmocka fixtures, put() writes a file below it,
 * making its directories. Include after <cmocka.h>; needs _GNU_SOURCE (nftw).
 */
#ifndef CS_TEST_FAKE_TREE_H
#define CS_TEST_FAKE_TREE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char sysfs[256];		/* the tree's root while a test runs */

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(sysfs) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int tree_setup(void **state)
{
	(void)state;
	snprintf(sysfs, sizeof(sysfs), "%s/cs-unit-sysfs.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	return mkdtemp(sysfs) ? 0 : -1;
}

static int tree_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int tree_teardown(void **state)
{
	(void)state;
	return nftw(sysfs, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* CS_TEST_FAKE_TREE_H */
