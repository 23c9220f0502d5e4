// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_rules.c: cells anywhere in the cgroup tree and `rules:`
 * (orchestrator/core/config_rules.c, rules.c): refused configurations (rows,
 * as in test_config.c), configs/kubernetes.yaml accepted, how globs meet,
 * the names of a rule's cells, and the walk over a made-up kubelet tree of
 * 5,000 cgroups: the cells it finds, what it reads, and how long it takes.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "rules.h"
#include "config_rows.h"
#include "fake_tree.h"

#ifndef CS_SOURCE_ROOT
#error "CS_SOURCE_ROOT must be defined by tests/meson.build"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define RG "rules:\n  - name: g\n"		/* a rule "g", its keys at column 5 from line 3 */
#define KC "cells:\n  - name: c\n    cgroup: /k.slice\n    cpus: inherit\n"	/* lines 1-4 */

static const struct bad_config bad_rules[] = {
	ROW("rule match with an open '['", RG "    match: /k/[ab\n    cpus: inherit\n",
	    "t.yaml:3:12:", "bad 'match' '/k/[ab': a '[' is not closed by ']'"),
	ROW("rule match relative", RG "    match: k/*\n    cpus: inherit\n", "t.yaml:3:12:",
	    "bad 'match' 'k/*': it must be an absolute cgroup path"),
	ROW("rule match with '..'", RG "    match: /k/../x\n    cpus: inherit\n", "t.yaml:3:12:",
	    "'.' and '..' components are not allowed"),
	ROW("rule match the root cgroup", RG "    match: /\n    cpus: inherit\n", "t.yaml:3:12:",
	    "it selects the root cgroup"),
	ROW("rule match ending with '/'", RG "    match: /k/*/\n    cpus: inherit\n", "t.yaml:3:12:",
	    "it ends with '/'"),
	ROW("rule without match", RG "    cpus: inherit\n", "t.yaml:2:5:",
	    "rule 'g' needs 'match' (a cgroup glob)"),
	ROW("rule without cpus", RG "    match: /k/*\n", "t.yaml:2:5:", "rule 'g' needs 'cpus'"),
	ROW("rule without name", "rules:\n  - match: /k/*\n    cpus: inherit\n", "t.yaml:2:5:",
	    "a rule needs a 'name'"),
	ROW("rule fixed CPUs for many cells", RG "    match: /k/*\n    cpus: \"1\"\n", "t.yaml:2:5:",
	    "rule 'g': a fixed CPU list for cells at /k/*, which can be many"),
	ROW("rule cell_at not leading match", RG "    match: /k/a/*\n    cell_at: /j\n"
	    "    cpus: inherit\n", "t.yaml:2:5:",
	    "'cell_at' /j must be the first components of 'match' /k/a/*"),
	ROW("rule cell_at equal to match", RG "    match: /k/a\n    cell_at: /k/a\n"
	    "    cpus: inherit\n", "t.yaml:2:5:", "must be the first components"),
	ROW("rule key of a cell only", RG "    match: /k/*\n    cpus: inherit\n    cgroup: x\n",
	    "t.yaml:5:5:", "unknown key 'cgroup' in a rule (known keys: name, match, exclude, "
	    "cell_at, cpus, policy, lend"),
	ROW("rule unknown policy", RG "    match: /k/*\n    cpus: inherit\n    policy: eevdf\n",
	    "t.yaml:5:13:", "unknown policy 'eevdf'"),
	ROW("rule tunable out of range", RG "    match: /k/*\n    cpus: inherit\n"
	    "    slice_us: 1\n", "t.yaml:5:15:", "'slice_us' is 1, outside the allowed range"),
	ROW("rule name with a space", "rules:\n  - name: g h\n    match: /k/*\n    cpus: inherit\n",
	    "t.yaml:2:11:", "rule name 'g h': only letters"),
	ROW("two rules of one name", RG "    match: /a/*\n    cpus: inherit\n" "  - name: g\n"
	    "    match: /b/*\n    cpus: inherit\n", "t.yaml:5:11:",
	    "duplicate rule name 'g' (also at line 2)"),
	ROW("rule named like a cell", KC "rules:\n  - name: c\n    match: /j/*\n    cpus: inherit\n",
	    "t.yaml:6:11:", "rule 'c' has the name of cell 'c'"),
	ROW("rule cells inside a cell", KC RG "    match: /k.slice/*\n    cpus: inherit\n",
	    "t.yaml:7:12:", "rule 'g' can make a cell inside cell 'c' (cgroup /k.slice): cells "
	    "cannot contain cells"),
	ROW("rule cell around a cell", "cells:\n  - name: c\n    cgroup: /k.slice/p1.slice\n"
	    "    cpus: inherit\n" RG "    match: /k.slice/*/x\n    cell_at: /k.slice\n"
	    "    cpus: inherit\n", "t.yaml:8:14:", "rule 'g' can make a cell around cell 'c'"),
	ROW("rule cell at a cell's cgroup", KC RG "    match: /k.slice\n    cpus: inherit\n",
	    "t.yaml:7:12:", "rule 'g' makes its cell at /k.slice, the cgroup of cell 'c'"),
	ROW("rule cells inside another rule's", RG "    match: /k.slice/*\n    cpus: inherit\n"
	    "  - name: h\n    match: /k.slice/p*/c*\n    cpus: inherit\n", "t.yaml:6:12:",
	    "rule 'h' can make a cell inside a cell of rule 'g' (/k.slice/p*/c*, /k.slice/*)"),
	ROW("two rules of one cell", RG "    match: /k.slice\n    cpus: inherit\n"
	    "  - name: h\n    match: /k.slice\n    cpus: inherit\n", "t.yaml:6:12:",
	    "rules 'g' and 'h' both make their cell at /k.slice"),
	ROW("rule in the cell parent", RG "    match: /cellsched/*\n    cpus: inherit\n",
	    "t.yaml:3:12:", "rule 'g' can select the cell parent /cellsched or a cgroup in it"),
	ROW("rule around the cell parent", RG "    match: /cell*\n    cpus: inherit\n",
	    "t.yaml:3:12:", "can select the cell parent /cellsched"),
	ROW("rule fixed CPUs overlapping a cell", "cells:\n  - name: a\n    cpus: \"1\"\n"
	    RG "    match: /k.slice\n    cpus: \"1-2\"\n", "t.yaml:7:11:",
	    "CPUs 1 of rule 'g' overlap a cell's; cells must not share CPUs"),
	ROW("rule fixed CPUs that do not exist", RG "    match: /k.slice\n    cpus: \"9\"\n",
	    "t.yaml:4:11:", "CPUs 9 of rule 'g' do not exist on this machine"),
	ROW("rule exclude not a list", RG "    match: /k/*\n    cpus: inherit\n    exclude: /k/x\n",
	    "t.yaml:5:14:", "'exclude' must be a list of globs, not a scalar"),
	ROW("rule exclude relative", RG "    match: /k/*\n    cpus: inherit\n    exclude: [k/x]\n",
	    "t.yaml:5:15:", "bad glob 'k/x' in 'exclude': it must be an absolute cgroup path"),
	ROW("rules not a list", "rules:\n  name: g\n", "t.yaml:2:3:",
	    "'rules' must be a list, not a mapping"),
	ROW("discovered with cpus", "discovered:\n  cpus: \"1\"\n", "t.yaml:2:9:",
	    "'discovered' cells run on the cpuset.cpus their cgroup has: 'cpus' is not allowed"),
	ROW("discovered exclude with '/'", "discovered:\n  exclude: [a/b]\n", "t.yaml:2:13:",
	    "bad glob 'a/b' in 'discovered.exclude': it must be a name below the cell parent"),
	ROW("discovered unknown key", "discovered:\n  policy: vtime\n  foo: 1\n", "t.yaml:3:3:",
	    "unknown key 'foo' in 'discovered'"),
	ROW("cell at the cell parent", "cells:\n  - name: a\n    cgroup: /cellsched\n"
	    "    cpus: \"1\"\n", "t.yaml:3:13:", "it is the cell parent"),
	ROW("cell around the cell parent", "cell_parent: x/y\ncells:\n  - name: a\n"
	    "    cgroup: /x\n    cpus: \"1\"\n", "t.yaml:4:13:", "it contains the cell parent"),
	ROW("absolute cells nested", KC "  - name: d\n    cgroup: /k.slice/x\n    cpus: inherit\n",
	    "t.yaml:6:13:", "cgroups of cells 'c' and 'd' are nested"),
	ROW("absolute cell with '..'", "cells:\n  - name: a\n    cgroup: /k/../x\n"
	    "    cpus: \"1\"\n", "t.yaml:3:13:", "is not a valid path: '.' and '..'"),
};

static int parse_ok(const char *yaml, struct cs_config *cfg)
{
	struct cs_sysinfo si;
	char err[CS_ERR_MAX] = "";
	int ret;

	make_si(&si, "0-3", "0-3");
	ret = cs_config_parse("t.yaml", yaml, strlen(yaml), cfg, err, sizeof(err));
	if (!ret)
		ret = cs_config_check(cfg, &si, err, sizeof(err));
	if (ret)
		fail_msg("refused: %s", err);
	return ret;
}

/* The node configuration of the Kubernetes guide, as shipped. */
static void test_kubernetes_file(void **state)
{
	struct cs_sysinfo si;
	struct cs_config cfg;
	char err[CS_ERR_MAX] = "";
	const struct cs_rule_cfg *r;

	(void)state;
	make_si(&si, "0-3", "0-3");
	if (cs_config_load(CS_SOURCE_ROOT "/configs/kubernetes.yaml", &cfg, err, sizeof(err)) ||
	    cs_config_check(&cfg, &si, err, sizeof(err)))
		fail_msg("configs/kubernetes.yaml refused: %s", err);
	assert_int_equal(cfg.nr_cells, 2);
	assert_string_equal(cfg.cells[0].cgroup, "/kubepods.slice/kubepods-besteffort.slice");
	assert_int_equal(cfg.nr_rules, 1);
	r = &cfg.rules[0];
	assert_string_equal(r->cell.name, "guaranteed");
	assert_true(r->cell.inherit);
	assert_string_equal(r->cell.policy, "latency");
	cs_config_free(&cfg);
}

static void test_accepted(void **state)
{
	struct cs_config cfg;
	char path[2 * CS_CGPATH_MAX];

	(void)state;
	parse_ok("cells:\n  - name: web\n    cgroup: /system.slice/web.service\n"
		 "    cpus: inherit\n    policy: latency\n"
		 "rules:\n  - name: pods\n    match: /k.slice/k-*.slice/*/c-*.scope\n"
		 "    cell_at: /k.slice/k-*.slice/*\n    exclude: [/k.slice/k-x.slice]\n"
		 "    cpus: {min: 1, max: 2}\n"
		 "  - name: one\n    match: /j.slice/*\n    cell_at: /j.slice\n    cpus: \"3\"\n"
		 "discovered:\n  policy: vtime\n  exclude: [\"tmp-*\"]\n", &cfg);
	assert_true(cfg.cells[0].inherit);
	assert_string_equal(cs_config_cell_path(&cfg, &cfg.cells[0], path, sizeof(path)),
			    "system.slice/web.service");
	assert_int_equal(cfg.nr_rules, 2);
	assert_string_equal(cfg.rules[0].cell_at, "/k.slice/k-*.slice/*");
	assert_int_equal(cfg.rules[0].exclude.nr, 1);
	assert_true(cfg.rules[0].cell.resizable);
	assert_true(cfg.rules[0].cell.lend);	/* resizable: lends by default */
	assert_true(cs_cpus_test(&cfg.rules[1].cell.cpus, 3));
	assert_string_equal(cfg.discovered.cell.policy, "vtime");
	assert_string_equal(cfg.discovered.exclude.glob[0], "tmp-*");
	cs_config_free(&cfg);
	/* a cell below a rule's exclusion is no nesting: the rule never makes a cell there */
	parse_ok("cells:\n  - name: x\n    cgroup: /k.slice/special.slice/x\n    cpus: inherit\n"
		 "rules:\n  - name: g\n    match: /k.slice/*\n    exclude: [/k.slice/special.slice]\n"
		 "    cpus: inherit\n", &cfg);
	cs_config_free(&cfg);
	/* the default: discovered cells run fifo */
	parse_ok("tick_ms: 100\n", &cfg);
	assert_string_equal(cfg.discovered.cell.policy, "fifo");
	cs_config_free(&cfg);
}

static void test_glob_meet(void **state)
{
	static const struct {
		const char *a, *b;
		enum cs_glob_meet want;
	} rows[] = {
		{ "/k.slice/kubepods-pod*.slice", "/k.slice/kubepods-burstable.slice", CS_GLOB_APART },
		{ "/k.slice/*", "/k.slice/kubepods-burstable.slice", CS_GLOB_SAME },
		{ "/k.slice/*/c*", "/k.slice/b.slice", CS_GLOB_A_INSIDE },
		{ "/k.slice", "/k.slice/*/c*", CS_GLOB_B_INSIDE },
		{ "/a*b", "/*c", CS_GLOB_APART },
		{ "/a*", "/*b", CS_GLOB_SAME },
		{ "/a?c", "/abc", CS_GLOB_SAME },
		{ "/a[xy]c", "/abd", CS_GLOB_APART },
		{ "/x/a*", "/y/a*", CS_GLOB_APART },
		{ "/sys*", "/system.slice", CS_GLOB_SAME },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (cs_glob_meet(rows[i].a, rows[i].b) != rows[i].want)
			fail_msg("%s and %s: got %d, want %d", rows[i].a, rows[i].b,
				 cs_glob_meet(rows[i].a, rows[i].b), rows[i].want);
}

static void test_cell_name(void **state)
{
	struct cs_rule_cfg r = { .cell.name = "g", .match = "/k.slice/p*/*" };
	char a[CS_NAME_MAX], b[CS_NAME_MAX];
	const char *id = "cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef01234567"
			 "89abcdef.scope";
	char p1[256], p2[256];

	(void)state;
	cs_rules_cell_name(&r, "k.slice/p1/c 1@x", a, sizeof(a));
	assert_string_equal(a, "g.c_1_x");
	snprintf(p1, sizeof(p1), "k.slice/p1/%s", id);
	snprintf(p2, sizeof(p2), "k.slice/p2/%s", id);
	cs_rules_cell_name(&r, p1, a, sizeof(a));
	cs_rules_cell_name(&r, p2, b, sizeof(b));
	assert_int_equal(strlen(a), CS_NAME_MAX - 1);
	assert_memory_equal(a, "g.cri-containerd-0123", 21);
	assert_string_not_equal(a, b);	/* same last component, other cgroups */
	snprintf(r.cell_at, sizeof(r.cell_at), "/k.slice");
	cs_rules_cell_name(&r, "k.slice", a, sizeof(a));
	assert_string_equal(a, "g");	/* no glob in the cell path: the rule's name */
}

/* ---- the walk ----------------------------------------------------------------------- */

struct found {
	unsigned int nr, per_rule[4];
	char first[4][256];
	unsigned long watched, read_bytes;
	char mount[256];
};

static void on_cell(const struct cs_rule_cfg *r, unsigned int ri, const char *path, void *arg)
{
	struct found *f = arg;
	char file[512], buf[64];
	int fd;
	ssize_t n;

	(void)r;
	if (!f->per_rule[ri]++)
		snprintf(f->first[ri], sizeof(f->first[ri]), "%s", path);
	f->nr++;
	/* what the daemon does for a `cpus: inherit` cell: read its cpuset.cpus */
	snprintf(file, sizeof(file), "%s/%s/cpuset.cpus", f->mount, path);
	fd = open(file, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		f->read_bytes += n > 0 ? (unsigned long)n : 0;
		close(fd);
	}
}

static void on_watch(const char *dir, void *arg)
{
	(void)dir;
	((struct found *)arg)->watched++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

enum { PODS = 1000, GUARANTEED = 500 };

/*
 * kubelet's layout (systemd driver): 1,000 best-effort and 1,000 burstable
 * pods with a container each, 500 Guaranteed pods with a container each
 * and an exclusive cpuset: 5,006 cgroups.
 */
static unsigned int make_kubelet_tree(void)
{
	char rel[256];
	unsigned int n = 0;

	for (unsigned int i = 0; i < PODS; i++) {
		for (unsigned int q = 0; q < 2; q++) {
			const char *qos = q ? "burstable" : "besteffort";

			snprintf(rel, sizeof(rel), "kubepods.slice/kubepods-%s.slice/kubepods-%s-pod%u"
				 ".slice/cri-containerd-%u.scope/cgroup.procs", qos, qos, i, i);
			put(rel, "");
			n += 2;
		}
	}
	for (unsigned int i = 0; i < GUARANTEED; i++) {
		snprintf(rel, sizeof(rel), "kubepods.slice/kubepods-pod%u.slice/cri-containerd-%u.scope"
			 "/cpuset.cpus", i, i);
		put(rel, "3\n");
		n += 2;
	}
	return n + 3;	/* kubepods.slice and the two QoS slices */
}

static void test_walk_kubelet_tree(void **state)
{
	struct cs_sysinfo si;
	struct cs_config cfg;
	char err[CS_ERR_MAX];
	static const char yaml[] =
		"rules:\n"
		"  - name: guaranteed\n"
		"    match: /kubepods.slice/kubepods-pod*.slice/cri-containerd-*.scope\n"
		"    exclude: [/kubepods.slice/kubepods-pod7.slice]\n"
		"    cpus: inherit\n"
		"  - name: qos\n"
		"    match: /kubepods.slice/kubepods-b*.slice/*/cri-containerd-*.scope\n"
		"    cell_at: /kubepods.slice/kubepods-b*.slice\n"
		"    cpus: {min: 1, max: 2}\n";
	struct found f = { 0 };
	struct cs_rules_walk w = { .cell = on_cell, .watch = on_watch, .arg = &f };
	double best = 1e9;
	unsigned int cgroups;

	(void)state;
	cgroups = make_kubelet_tree();
	assert_true(cgroups >= 5000);
	make_si(&si, "0-3", "0-3");
	if (cs_config_parse("t.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err)) ||
	    cs_config_check(&cfg, &si, err, sizeof(err)))
		fail_msg("refused: %s", err);
	snprintf(f.mount, sizeof(f.mount), "%s", sysfs);
	w.mount = sysfs;
	for (int round = 0; round < 5; round++) {
		double t0 = now_ms(), t;

		memset(f.per_rule, 0, sizeof(f.per_rule));
		f.nr = 0;
		f.watched = f.read_bytes = 0;
		assert_int_equal(cs_rules_walk(&cfg, &w), 0);
		t = now_ms() - t0;
		best = t < best ? t : best;
	}
	/* every Guaranteed container but pod 7's; one cell per QoS slice */
	assert_int_equal(f.per_rule[0], GUARANTEED - 1);
	assert_int_equal(f.per_rule[1], 2);
	assert_memory_equal(f.first[1], "kubepods.slice/kubepods-b", 25);
	assert_int_equal(f.read_bytes, 2 * (GUARANTEED - 1));
	/* what it listed: kubepods.slice and each Guaranteed pod (rule 1); kubepods.slice
	 * and, per QoS slice, the slice and its first pod (rule 2) */
	assert_int_equal(w.dirs_read, 1 + (GUARANTEED - 1) + 1 + 2 * 2);
	print_message("# walk of %u cgroups (%u cells): best of 5 %.2f ms, %lu directories listed, "
		      "%lu watched\n", cgroups, f.nr, best, w.dirs_read, f.watched);
	/* the bound the README states: a full evaluation well inside one 100 ms tick */
	if (best > 50.0)
		fail_msg("walking %u cgroups took %.2f ms, over the 50 ms bound", cgroups, best);
	cs_config_free(&cfg);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_kubernetes_file),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_glob_meet),
		cmocka_unit_test(test_cell_name),
		cmocka_unit_test_setup_teardown(test_walk_kubelet_tree, tree_setup, tree_teardown),
	};

	return run_with_rows("rules", fixed, ARRAY_SIZE(fixed), bad_rules, ARRAY_SIZE(bad_rules));
}
