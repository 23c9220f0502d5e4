// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_config.c: orchestrator/core/config.c: cs_config_parse/_load and
 * cs_config_check against a made-up struct cs_sysinfo (online = parent cpuset
 * = 0-3 unless a row says otherwise), and cs_config_bad_cgroup().
 *
 * bad_configs[]: malformed or contradictory configurations, one TAP line per
 * row, each refused with the exact "t.yaml:LINE:COL:" prefix and a distinctive
 * part of the message (some also without a misleading phrase). The other tests
 * cover what is accepted (defaults, every parsed field and position, limits,
 * configs/two-cells.yaml found through CS_SOURCE_ROOT) and file errors.
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
#include <unistd.h>

#include "config.h"
#include "policies.h"
#include "config_rows.h"

#ifndef CS_SOURCE_ROOT
#error "CS_SOURCE_ROOT must be defined by tests/meson.build"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(CS_MAX_CIDS < 5000, "the 'beyond CS_MAX_CIDS' cases use CPU 5000");

#define X16 "aaaaaaaaaaaaaaaa"
#define X64 X16 X16 X16 X16

/* Parse @yaml as "t.yaml" and check it against online = parent = @online. */
static int parse_check(const char *yaml, const char *online, struct cs_config *cfg, char *err,
		       size_t errlen)
{
	struct cs_sysinfo si;
	int ret;

	make_si(&si, online, online);
	ret = cs_config_parse("t.yaml", yaml, strlen(yaml), cfg, err, errlen);
	if (ret)
		return ret;
	ret = cs_config_check(cfg, &si, err, errlen);
	if (ret)
		cs_config_free(cfg);
	return ret;
}

#define CA "cells:\n  - name: a\n"		/* a cell "a", its keys at column 5 from line 3 */
#define CB "  - name: b\n"			/* a second cell "b" */
#define NAMES "only letters, digits, '-', '_' and '.' are allowed"
#define PATHS "only letters, digits, '-', '_', '.' and '/' are allowed"
#define OUTSIDE "outside the cell parent"
#define IFACE "a component is named like a cgroup interface file"

static const struct bad_config bad_configs[] = {
	/* YAML itself */
	ROW("yaml: mapping value in a plain scalar", "a: b: c\n", "t.yaml:1:5:",
	    "YAML syntax error: mapping values are not allowed"),
	ROW("yaml: tab indentation", "cells:\n\t- name: a\n", "t.yaml:2:1:",
	    "YAML syntax error: found character that cannot start any token"),
	ROW("yaml: unterminated flow list", "tick_ms: [1, 2\n", "t.yaml:2:1:",
	    "YAML syntax error: did not find expected ',' or ']'"),
	/* Regression test; the bug was: libyaml's reader errors set problem_offset, not
	 * problem_mark, so config.c reports them at 1:1. */
	ROW("yaml: invalid UTF-8 where it is", "tick_ms: 100\ncell_parent: a\xff" "b\n",
	    "t.yaml:2:15:", "UTF-8"),
	/* Regression test; the bug was: only the first document is loaded, the rest is ignored. */
	ROW("second yaml document", "tick_ms: 100\n---\ntick_ms: abc\n", "t.yaml:", "document"),
	/* Issue 13 item 1: nesting is bounded before libyaml builds the document (the value
	 * at level 17 is named); test_config_limits.c has the big ones. */
	ROW("yaml: nested 17 deep", "x: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\n", "t.yaml:1:19:",
	    "YAML nested deeper than 16 levels (a configuration needs 4)"),
	ROW("yaml: nested 17 deep in a second document",
	    "tick_ms: 100\n---\n" "x: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\n", "t.yaml:3:19:",
	    "YAML nested deeper than 16 levels"),

	/* structure and keys */
	ROW("top level is a list", "- a\n- b\n", "t.yaml:1:1:",
	    "the configuration must be a mapping, not a list"),
	ROW("top level is a scalar", "hello\n", "t.yaml:1:1:",
	    "the configuration must be a mapping, not a scalar"),
	ROW("unknown top-level key", "tick_ms: 100\ntickms: 100\n", "t.yaml:2:1:",
	    "unknown key 'tickms' in the configuration (known keys: mode, tick_ms, cell_parent, "
	    "state_file, control, metrics, on_stop, root_cell, rebalance, topology, cells, rules, "
	    "discovered)"),
	ROW("top-level key not a scalar", "? [a]\n: 1\n", "t.yaml:1:3:",
	    "keys of the configuration must be scalars"),
	ROW("duplicate top-level key", "tick_ms: 100\ntick_ms: 200\n", "t.yaml:2:1:",
	    "key 'tick_ms' appears twice in the configuration (first at line 1)"),
	ROW("duplicate key in a cell", "cells:\n  - {name: a, cpus: 1, name: b}\n", "t.yaml:2:24:",
	    "key 'name' appears twice in a cell (first at line 2)"),
	ROW("cells is a scalar", "cells: a\n", "t.yaml:1:8:", "'cells' must be a list, not a"),
	ROW("cell is a scalar", "cells:\n  - a\n", "t.yaml:2:5:",
	    "a cell must be a mapping, not a scalar"),
	ROW("unknown cell key cpuz", CA "    cpuz: 1\n", "t.yaml:3:5:",
	    "unknown key 'cpuz' in a cell (known keys: name, cgroup, cpus, policy, lend; "
	    "policy 'fifo' tunables: slice_us)"),

	/* cell values */
	ROW("lend not a boolean", CA "    cpus: 1\n    lend: yes\n", "t.yaml:4:11:",
	    "'lend' must be true or false, not 'yes'"),
	ROW("lend a list", CA "    cpus: 1\n    lend: [true]\n", "t.yaml:4:11:",
	    "'lend' must be a scalar, not a list"),
	ROW("cell without name", "cells:\n  - cpus: 1\n", "t.yaml:2:5:", "a cell needs a 'name'"),
	ROW("cell without cpus", CA, "t.yaml:2:5:", "cell 'a' needs 'cpus'"),
	ROW("cpus empty", CA "    cpus: \"\"\n", "t.yaml:3:11:", "'cpus' must name at least one"),
	ROW("cpus without value", CA "    cpus:\n", "t.yaml:3:10:", "'cpus' must name at least one"),
	ROW("cpus is a list", CA "    cpus: [1, 2]\n", "t.yaml:3:11:",
	    "'cpus' must be a scalar, not a list"),
	ROW("cpus garbage after number", CA "    cpus: 1x\n", "t.yaml:3:11:",
	    "bad 'cpus': '1x' is not a CPU number or range"),
	ROW("cpus beyond CS_MAX_CIDS", CA "    cpus: 5000\n", "t.yaml:3:11:",
	    "bad 'cpus': CPU '5000' is beyond the supported"),
	ROW("name empty", "cells:\n  - name: \"\"\n", "t.yaml:2:11:", "'name' must not be empty"),
	ROW("name of 64 characters", "cells:\n  - name: " X64 "\n", "t.yaml:2:11:",
	    "'name' is longer than 63 characters"),
	ROW("name with a space", "cells:\n  - name: a b\n    cpus: 1\n", "t.yaml:2:11:",
	    "cell name 'a b': " NAMES),
	ROW("name with a slash", "cells:\n  - name: a/b\n    cpus: 1\n", "t.yaml:2:11:",
	    "cell name 'a/b': " NAMES),
	ROW("policy empty", CA "    policy: \"\"\n", "t.yaml:3:13:", "'policy' must not be empty"),
	ROW("slice_us below its range", CA "    cpus: 1\n    slice_us: 99\n", "t.yaml:4:15:",
	    "'slice_us' is 99, outside the allowed range 100..100000"),
	ROW("tunable of another policy", CA "    cpus: 1\n    lag_us: 5\n", "t.yaml:4:5:",
	    "unknown key 'lag_us' in a cell (known keys: name, cgroup, cpus, policy, lend; "
	    "policy 'fifo' tunables: slice_us)"),
	ROW("vtime lag_us not a number", CA "    cpus: 1\n    policy: vtime\n    lag_us: lots\n",
	    "t.yaml:5:13:", "'lag_us' must be a whole number, not 'lots'"),
	ROW("external takes no slice", CA "    cpus: 1\n    policy: external\n    slice_us: 100\n",
	    "t.yaml:5:5:", "unknown key 'slice_us' in a cell (known keys: name, cgroup, cpus, policy, lend)"),
	ROW("unknown policy", CA "    cpus: 1\n    policy: lottery\n", "t.yaml:4:13:",
	    "unknown policy 'lottery' (known: fifo"),
	ROW("cgroup of 256 characters", CA "    cgroup: " X64 X64 X64 X64 "\n", "t.yaml:3:13:",
	    "'cgroup' is longer than 255 characters"),

	/* tick_ms */
	ROW("tick_ms not a number", "tick_ms: abc\n", "t.yaml:1:10:",
	    "'tick_ms' must be a whole number, not 'abc'"),
	ROW("tick_ms negative", "tick_ms: -5\n", "t.yaml:1:10:",
	    "'tick_ms' must be a whole number, not '-5'"),
	ROW("tick_ms fractional", "tick_ms: 100.5\n", "t.yaml:1:10:",
	    "'tick_ms' must be a whole number, not '100.5'"),
	ROW("tick_ms below 10", "tick_ms: 9\n", "t.yaml:1:10:",
	    "'tick_ms' is 9, outside the allowed range 10..10000"),
	ROW("tick_ms above 10000", "tick_ms: 10001\n", "t.yaml:1:10:",
	    "'tick_ms' is 10001, outside the allowed range 10..10000"),
	/* Regression test; the bug was: get_uint() refuses a leading ' ' but strtoul() skips a
	 * leading tab or newline, so "\t100" is taken as 100. */
	ROW("tick_ms with a leading tab", "tick_ms: \"\\t100\"\n", "t.yaml:1:10:",
	    "'tick_ms' must be a whole number"),

	/* root_cell */
	ROW("root_cell is a scalar", "root_cell: 3\n", "t.yaml:1:12:",
	    "'root_cell' must be a mapping, not a scalar"),
	ROW("root_cell.min_cpus 0", "root_cell:\n  min_cpus: 0\n", "t.yaml:2:13:",
	    "'root_cell.min_cpus' is 0, outside the allowed range 1.."),
	ROW("unknown key in root_cell", "root_cell:\n  max_cpus: 2\n", "t.yaml:2:3:",
	    "unknown key 'max_cpus' in 'root_cell' (known keys: min_cpus)"),

	/* cell_parent (relative to the cgroup2 mount) */
	ROW("cell_parent empty", "cell_parent: \"\"\n", "t.yaml:1:14:",
	    "'cell_parent' must not be empty"),
	/* Regression test; the bug was: the reasons come from cs_config_bad_cgroup(), worded for
	 * the cells ("relative to the cell parent", "would leave the cell
	 * parent"), which makes no sense for cell_parent itself. */
	{ .name = "cell_parent absolute", .yaml = "cell_parent: /x\n", .pos = "t.yaml:1:14:",
	  .want = "bad 'cell_parent' '/x': ", .unwanted = "cell parent" },
	{ .name = "cell_parent with ..", .yaml = "cell_parent: a/../b\n", .pos = "t.yaml:1:14:",
	  .want = "bad 'cell_parent' 'a/../b': ", .unwanted = "cell parent" },
	ROW("cell_parent with an empty component", "cell_parent: a//b\n", "t.yaml:1:14:",
	    "bad 'cell_parent' 'a//b': it has an empty path component"),
	ROW("cell_parent ending in /", "cell_parent: a/\n", "t.yaml:1:14:",
	    "bad 'cell_parent' 'a/': it ends with '/'"),
	ROW("cell_parent with bad characters", "cell_parent: \"a b\"\n", "t.yaml:1:14:",
	    "bad 'cell_parent' 'a b': " PATHS),

	/* cell cgroups */
	ROW("cell cgroup ..", CA "    cgroup: ..\n    cpus: 1\n", "t.yaml:3:13:",
	    "cgroup '..' of cell 'a' is outside the cell parent: '.' and '..' would leave"),
	ROW("cell cgroup the root cgroup", CA "    cgroup: /\n    cpus: 1\n", "t.yaml:3:13:",
	    "cgroup '/' of cell 'a' is not a valid path: it is the root cgroup"),
	ROW("cell cgroup .. from the name", "cells:\n  - name: ..\n    cpus: 1\n", "t.yaml:2:11:",
	    "cgroup '..' of cell '..' is outside the cell parent"),
	/* Regression test; the bug was: these paths are malformed, not "outside the cell parent". */
	{ .name = "cell cgroup with bad characters", .yaml = CA "    cgroup: x y\n    cpus: 1\n",
	  .pos = "t.yaml:3:13:", .want = PATHS, .unwanted = OUTSIDE },
	{ .name = "cell cgroup with an empty component", .yaml = CA "    cgroup: x//y\n    cpus: 1\n",
	  .pos = "t.yaml:3:13:", .want = "empty path component", .unwanted = OUTSIDE },
	{ .name = "cell cgroup ending in /", .yaml = CA "    cgroup: x/\n    cpus: 1\n",
	  .pos = "t.yaml:3:13:", .want = "it ends with '/'", .unwanted = OUTSIDE },
	/* Issue 13 item 2: a cgroup named like a cgroupfs file passed, then failed "Not a
	 * directory" on every tick. */
	ROW("cell cgroup cgroup.procs", CA "    cgroup: cgroup.procs\n    cpus: 1\n", "t.yaml:3:13:",
	    "cgroup 'cgroup.procs' of cell 'a' is not a valid path: " IFACE),
	ROW("cell named cpuset.cpus (its cgroup)", "cells:\n  - name: cpuset.cpus\n    cpus: 1\n",
	    "t.yaml:2:11:", "cgroup 'cpuset.cpus' of cell 'cpuset.cpus' is not a valid path: " IFACE),
	ROW("cell cgroup x/memory.max", CA "    cgroup: x/memory.max\n    cpus: 1\n", "t.yaml:3:13:",
	    IFACE),
	ROW("cell_parent cgroup.threads", "cell_parent: cgroup.threads\n", "t.yaml:1:14:",
	    "bad 'cell_parent' 'cgroup.threads': " IFACE),

	/* between cells */
	ROW("duplicate cell names", CA "    cpus: 1\n  - name: a\n    cpus: 2\n", "t.yaml:4:11:",
	    "duplicate cell name 'a' (also at line 2)"),
	ROW("two cells with the same cgroup",
	    CA "    cgroup: x\n    cpus: 1\n" CB "    cgroup: x\n    cpus: 2\n", "t.yaml:6:13:",
	    "cells 'a' and 'b' use the same cgroup 'x'"),
	ROW("same cgroup through the default", CA "    cgroup: b\n    cpus: 1\n" CB "    cpus: 2\n",
	    "t.yaml:5:11:", "cells 'a' and 'b' use the same cgroup 'b'"),
	ROW("nested cell cgroups", CA "    cpus: 1\n" CB "    cgroup: a/b\n    cpus: 2\n",
	    "t.yaml:5:13:",
	    "cgroups of cells 'a' and 'b' are nested ('a', 'a/b'); cells cannot contain cells"),
	ROW("nested cell cgroups, inner first",
	    "cells:\n" CB "    cgroup: a/b\n    cpus: 2\n  - name: a\n    cpus: 1\n",
	    "t.yaml:5:11:", "cgroups of cells 'b' and 'a' are nested ('a/b', 'a')"),
	ROW("overlapping CPUs", CA "    cpus: 1-2\n" CB "    cpus: 2-3\n", "t.yaml:5:11:",
	    "CPUs 2 of cell 'b' overlap cell 'a' (line 3); cells must not share CPUs"),
	ROW("overlapping CPU ranges",
	    CA "    cpus: 0-2\n" CB "    cpus: 3\n  - {name: c, cpus: 1-3}\n", "t.yaml:6:21:",
	    "CPUs 1-2 of cell 'c' overlap cell 'a' (line 3)"),

	/* resizable cells: cpus: {min, max, weight} */
	ROW("cpus range: unknown key", CA "    cpus: {min: 1, maxx: 2}\n", "t.yaml:3:20:",
	    "unknown key 'maxx' in 'cpus' (known keys: min, max, weight)"),
	ROW("cpus range: min above max", CA "    cpus: {min: 3, max: 2}\n", "t.yaml:3:11:",
	    "'cpus': min 3 is above max 2"),
	ROW("cpus range: min 0", CA "    cpus: {min: 0}\n", "t.yaml:3:17:",
	    "'cpus.min' is 0, outside the allowed range 1..1024"),
	ROW("cpus range: weight too big", CA "    cpus: {weight: 20000}\n", "t.yaml:3:20:",
	    "'cpus.weight' is 20000, outside the allowed range 1..10000"),
	ROW("cpus range: weight not a number", CA "    cpus: {weight: heavy}\n", "t.yaml:3:20:",
	    "'cpus.weight' must be a whole number, not 'heavy'"),
	ROW("cpus: a list", CA "    cpus: [1, 2]\n", "t.yaml:3:11:",
	    "'cpus' must be a scalar, not a list"),
	ROW("resizable minimums do not fit", CA "    cpus: {min: 2}\n" CB "    cpus: {min: 2}\n",
	    "t.yaml:5:11:", "resizable cells need at least 4 CPUs (their 'min') and the root cell "
	    "1, but only 4 are left after the fixed cells (0-3)"),
	ROW("fixed cells leave too little for a minimum", CA "    cpus: 1-2\n" CB
	    "    cpus: {min: 2}\n", "t.yaml:5:11:", "resizable cells need at least 2 CPUs (their "
	    "'min') and the root cell 1, but only 2 are left after the fixed cells (0,3)"),

	/* rebalance */
	ROW("rebalance: shrink above grow", "rebalance:\n  grow_pct: 50\n  shrink_pct: 60\n",
	    "t.yaml:3:15:", "rebalance.shrink_pct (60) must be below rebalance.grow_pct (50)"),
	ROW("rebalance: shrink above the default grow", "rebalance:\n  shrink_pct: 95\n",
	    "t.yaml:2:15:", "rebalance.shrink_pct (95) must be below rebalance.grow_pct (90)"),
	ROW("rebalance: grow_pct 0", "rebalance:\n  grow_pct: 0\n", "t.yaml:2:13:",
	    "'rebalance.grow_pct' is 0, outside the allowed range 1..100"),
	ROW("rebalance: unknown key", "rebalance:\n  cooldown: 5\n", "t.yaml:2:3:",
	    "unknown key 'cooldown' in 'rebalance' (known keys: grow_pct, shrink_pct, "
	    "cooldown_ms)"),
	ROW("rebalance: cooldown too long", "rebalance:\n  cooldown_ms: 99999999\n",
	    "t.yaml:2:16:", "'rebalance.cooldown_ms' is 99999999, outside the allowed range "
	    "0..3600000"),
	ROW("rebalance: not a mapping", "rebalance: 5\n", "t.yaml:1:12:",
	    "'rebalance' must be a mapping, not a scalar"),

	/* topology override */
	ROW("topology: empty", "topology: {}\n", "t.yaml:1:11:", "'topology' needs 'cores' or 'llcs'"),
	ROW("topology: cores not a list", "topology:\n  cores: \"0-1\"\n", "t.yaml:2:10:",
	    "'topology.cores' must be a list of CPU lists, not a scalar"),
	ROW("topology: cores overlap", "topology:\n  cores: [\"0-1\", \"1-2\"]\n",
	    "t.yaml:2:18:", "entries 1 and 2 of 'topology.cores' share CPUs"),
	ROW("topology: bad CPU list", "topology:\n  llcs: [\"0-x\"]\n", "t.yaml:2:10:",
	    "bad CPU list in 'topology.llcs'"),
	ROW("topology: offline CPUs", "topology:\n  cores: [\"0-1\", \"6-7\"]\n", "t.yaml:2:3:",
	    "bad 'topology'"),
	ROW("topology: a core across two LLCs",
	    "topology:\n  cores: [\"1-2\"]\n  llcs: [\"0-1\", \"2-3\"]\n", "t.yaml:2:3:",
	    "bad 'topology'"),
	ROW("topology: unknown key", "topology:\n  numa: [\"0-3\"]\n", "t.yaml:2:3:",
	    "unknown key 'numa' in 'topology' (known keys: cores, llcs)"),

	/* control socket and state file */
	ROW("control: unknown key", "control:\n  sock: /x\n", "t.yaml:2:3:",
	    "unknown key 'sock' in 'control' (known keys: socket, group)"),
	ROW("control: relative socket", "control:\n  socket: run/x.sock\n", "t.yaml:2:11:",
	    "'control.socket' must be an absolute path, not 'run/x.sock'"),
	ROW("control: socket path too long", "control:\n  socket: /" X64 X64 "\n", "t.yaml:2:11:",
	    "'control.socket' is longer than 107 characters"),
	ROW("control: empty group", "control:\n  group: \"\"\n", "t.yaml:2:10:",
	    "'control.group' must not be empty"),
	ROW("state_file: relative", "state_file: state.json\n", "t.yaml:1:13:",
	    "'state_file' must be an absolute path, not 'state.json'"),
	ROW("state_file: a directory", "state_file: /var/lib/\n", "t.yaml:1:13:",
	    "'state_file' must name a file, not a directory"),
	/* Issue 13 item 6: the first change renamed the state file over the socket. */
	ROW("state_file is control.socket", "control:\n  socket: /run/x\nstate_file: /run/x\n",
	    "t.yaml:3:13:", "'state_file' /run/x and 'control.socket' /run/x collide: /run/x and "
	    "/run/x would be one path"),
	ROW("control.socket is the state file's lock",
	    "state_file: /run/s.json\ncontrol:\n  socket: /run/s.json.lock\n", "t.yaml:1:13:",
	    "/run/s.json.lock and /run/s.json.lock would be one path"),
	ROW("control.socket is the state file's temporary file",
	    "state_file: /run/s\ncontrol:\n  socket: /run/s.tmp\n", "t.yaml:1:13:", "collide"),
	ROW("control.socket below the state file", "state_file: /run/s\ncontrol:\n  socket: /run/s/k\n",
	    "t.yaml:1:13:", "/run/s and /run/s/k would be one path"),
	ROW("state_file below the socket", "control:\n  socket: /run/k\nstate_file: /run/k/s\n",
	    "t.yaml:3:13:", "collide"),
	ROW("control.socket where the state file is set aside",
	    "state_file: /run/s\ncontrol:\n  socket: /run/s.corrupt-1\n", "t.yaml:1:13:", "collide"),
	ROW("control.socket on the default state file",
	    "control:\n  socket: /var/lib/cellsched/state.json\n", "t.yaml:2:11:", "collide"),
	ROW("state_file in /proc", "state_file: /proc/self/fd/1\n", "t.yaml:1:13:",
	    "bad 'state_file' '/proc/self/fd/1': it is below /proc, /sys or /dev"),
	ROW("state_file /sys", "state_file: /sys\n", "t.yaml:1:13:", "below /proc, /sys or /dev"),
	ROW("control.socket in /dev", "control:\n  socket: /dev/null\n", "t.yaml:2:11:",
	    "bad 'control.socket' '/dev/null': it is below /proc, /sys or /dev"),
	ROW("state_file through ..", "state_file: /var/../proc/x\n", "t.yaml:1:13:",
	    "it must be a plain path, without '//', '.' or '..'"),
	ROW("control.socket with //", "control:\n  socket: /run//x\n", "t.yaml:2:11:",
	    "without '//', '.' or '..'"),

	/* against the system */
	ROW("CPUs that do not exist", CA "    cpus: 3,7\n", "t.yaml:3:11:",
	    "CPUs 7 of cell 'a' do not exist on this machine (CPUs: 0-3)"),
	{ .name = "CPUs outside the parent cpuset", .yaml = CA "    cpus: 1\n" CB "    cpus: 2-3\n",
	  .pos = "t.yaml:5:11:", .parent = "0-2",
	  .want = "CPUs 3 of cell 'b' are outside the cell parent's cpuset.cpus.effective (0-2)" },
	{ .name = "CPUs that do not exist on a sparse machine", .yaml = CA "    cpus: 1-4\n",
	  .pos = "t.yaml:3:11:", .online = "0-1,4-5",
	  .want = "CPUs 2-3 of cell 'a' do not exist on this machine (CPUs: 0-1,4-5)" },
	ROW("cells take every CPU", CA "    cpus: 0-1\n" CB "    cpus: 2-3\n", "t.yaml:5:11:",
	    "cells take CPUs 0-3 and leave the root cell 0 CPUs (none); root_cell.min_cpus is 1"),
	ROW("root cell keeps 1 CPU of min_cpus 2",
	    "root_cell:\n  min_cpus: 2\ncells:\n  - name: a\n    cpus: 1-3\n", "t.yaml:5:11:",
	    "cells take CPUs 1-3 and leave the root cell 1 CPU (0); root_cell.min_cpus is 2"),
	/* Regression test; the bug was: without cells this reads "cells take CPUs  and leave the
	 * root cell 4 CPUs (0-3)": an empty list, and no cell is to blame. */
	{ .name = "min_cpus more than the online CPUs", .yaml = "root_cell:\n  min_cpus: 8\n",
	  .pos = "t.yaml:2:13:", .want = "min_cpus", .unwanted = "CPUs  " },
};

static void assert_defaults(const struct cs_config *cfg, const char *file)
{
	assert_string_equal(cfg->file, file);
	assert_int_equal(cfg->tick_ms, 100);
	assert_string_equal(cfg->cell_parent, "cellsched");
	assert_int_equal(cfg->min_cpus, 1);
	assert_int_equal(cfg->nr_cells, 0);
}

static void assert_default_docs(const char *const *docs, size_t n)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	for (size_t i = 0; i < n; i++) {
		if (parse_check(docs[i], "0-3", &cfg, err, sizeof(err)))
			fail_msg("\"%s\": %s", docs[i], err);
		assert_defaults(&cfg, "t.yaml");
		cs_config_free(&cfg);
	}
}

static void test_empty_document(void **state)
{
	static const char *const docs[] = { "", "\n", "# only a comment\n\n", "cells: []\n" };
	struct cs_config cfg;

	(void)state;
	memset(&cfg, 0xaa, sizeof(cfg));
	cs_config_default(&cfg);
	assert_defaults(&cfg, "(built-in)");
	assert_null(cfg.cells);
	assert_default_docs(docs, ARRAY_SIZE(docs));
}

/* Regression test; the bug was: a document that is only "---" has a null root, which config.c
 * refuses as "must be a mapping, not a scalar" instead of taking it as the
 * empty configuration like an empty file. */
static void test_explicit_empty_document(void **state)
{
	static const char *const docs[] = { "---\n", "--- # nothing yet\n" };

	(void)state;
	assert_default_docs(docs, ARRAY_SIZE(docs));
}

static void assert_pos(struct cs_pos p, int line, int col)
{
	if (p.line != line || p.col != col)
		fail_msg("position %d:%d, want %d:%d", p.line, p.col, line, col);
}

static void assert_cell(const struct cs_cell_cfg *c, const char *name, const char *cgroup,
			const char *policy, const char *cpus)
{
	char buf[256];

	assert_string_equal(c->name, name);
	assert_string_equal(c->cgroup, cgroup);
	assert_string_equal(c->policy, policy);
	assert_string_equal(cs_cpus_format(&c->cpus, buf, sizeof(buf)), cpus);
}

static void test_full_config(void **state)
{
	static const char yaml[] =
		"tick_ms: 250\n"			/* 1 */
		"cell_parent: cs/cells\n"		/* 2 */
		"root_cell:\n"				/* 3 */
		"  min_cpus: 2\n"			/* 4 */
		"cells:\n"				/* 5 */
		"  - name: web\n"			/* 6 */
		"    cgroup: services/web\n"		/* 7 */
		"    cpus: \"4-5,7\"\n"			/* 8 */
		"    policy: fifo\n"			/* 9 */
		"  - name: batch.1\n"			/* 10 */
		"    cpus: 6\n"				/* 11 */
		"    policy: vtime\n"			/* 12 */
		"    lag_us: 7000\n";			/* 13 */
	struct cs_config cfg;
	const struct cs_cell_cfg *c;
	char err[CS_ERR_MAX];

	(void)state;
	if (parse_check(yaml, "0-7", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(cfg.file, "t.yaml");
	assert_int_equal(cfg.tick_ms, 250);
	assert_string_equal(cfg.cell_parent, "cs/cells");
	assert_pos(cfg.cell_parent_pos, 2, 14);
	assert_int_equal(cfg.min_cpus, 2);
	assert_pos(cfg.min_cpus_pos, 4, 13);
	assert_int_equal(cfg.nr_cells, 2);
	/* tunables: the YAML's where given, the policy's defaults elsewhere */
	assert_int_equal(cfg.cells[0].tunables[0], 5000);
	assert_int_equal(cfg.cells[1].tunables[0], 5000);
	assert_int_equal(cfg.cells[1].tunables[1], 7000);
	c = &cfg.cells[0];
	assert_cell(c, "web", "services/web", "fifo", "4-5,7");
	assert_pos(c->pos, 6, 5);
	assert_pos(c->name_pos, 6, 11);
	assert_pos(c->cgroup_pos, 7, 13);
	assert_pos(c->cpus_pos, 8, 11);
	assert_pos(c->policy_pos, 9, 13);
	/* Defaults: cgroup = the name (at the name). */
	c = &cfg.cells[1];
	assert_cell(c, "batch.1", "batch.1", "vtime", "6");
	assert_string_equal(CS_POLICY_DEFAULT, "fifo");
	assert_pos(c->pos, 10, 5);
	assert_pos(c->name_pos, 10, 11);
	assert_pos(c->cgroup_pos, 10, 11);
	assert_pos(c->cpus_pos, 11, 11);
	assert_pos(c->policy_pos, 12, 13);
	cs_config_free(&cfg);
	assert_null(cfg.cells);
	assert_int_equal(cfg.nr_cells, 0);
}

static void test_accepted(void **state)
{
	static const char *const good[] = {
		"tick_ms: 10\n",
		"tick_ms: 10000\n",
		"tick_ms: \"100\"\n",
		"root_cell:\n  min_cpus: 4\n", /* every online CPU */
		"root_cell:\n  min_cpus: 3\ncells:\n  - name: a\n    cpus: 3\n", /* just enough */
		"cells:\n  - name: " X16 X16 X16 "aaaaaaaaaaaaaaa\n    cpus: 1\n", /* 63 */
		"cells:\n  - name: a\n    cgroup: " X64 X64 X64 X16 X16 X16 "aaaaaaaaaaaaaaa\n"
		"    cpus: 1\n", /* 255 */
		"cells:\n  - name: a\n    cpus: 1\n  - name: ab\n    cpus: 2\n", /* prefix names */
		"cells:\n  - name: a\n    cgroup: x/a\n    cpus: 1\n  - name: b\n    cgroup: x/ab\n"
		"    cpus: 2\n", /* siblings, not nested */
		"cells:\n  - name: A-z_0.9\n    cgroup: .a/b..\n    cpus: 1\n", /* allowed chars */
		"cell_parent: a/b.c/d-e_f\n",
		"{tick_ms: 50, cells: [{name: a, cpus: '1'}, {name: b, cpus: 2-3}]}", /* flow */
	};
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (parse_check(good[i], "0-3", &cfg, err, sizeof(err)))
			fail_msg("\"%s\": %s", good[i], err);
		cs_config_free(&cfg);
	}
}

/* lend: what is written, else on for resizable cells and off for fixed ones. */
static void test_lend(void **state)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	if (parse_check("cells:\n  - {name: f, cpus: 1}\n  - {name: r, cpus: {max: 1}}\n"
			"  - {name: fl, cpus: 2, lend: true}\n  - {name: rn, cpus: {max: 1}, lend: false}\n",
			"0-7", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.nr_cells, 4);
	assert_false(cfg.cells[0].lend);
	assert_true(cfg.cells[1].lend);
	assert_true(cfg.cells[2].lend);
	assert_false(cfg.cells[3].lend);
	cs_config_free(&cfg);
}

/* At most CS_MAX_CELLS cells; the position is the list. */
static void test_too_many_cells(void **state)
{
	size_t cap = 64 + 32 * (CS_MAX_CELLS + 1), n;
	char *yaml = malloc(cap), err[CS_ERR_MAX], want[128];
	struct cs_config cfg;

	(void)state;
	assert_non_null(yaml);
	n = (size_t)snprintf(yaml, cap, "cells: [");
	for (int i = 0; i < CS_MAX_CELLS; i++)
		n += (size_t)snprintf(yaml + n, cap - n, "%s{name: c%d, cpus: %d}",
				      i ? ", " : "", i, i % CS_MAX_CIDS);
	strcpy(yaml + n, "]\n");
	if (cs_config_parse("t.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err)))
		fail_msg("%d cells: %s", CS_MAX_CELLS, err);
	assert_int_equal(cfg.nr_cells, CS_MAX_CELLS);
	cs_config_free(&cfg);
	strcpy(yaml + n, ", {name: one-more, cpus: 1}]\n");
	assert_int_equal(cs_config_parse("t.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "t.yaml:1:8: %d cells is more than the %d supported",
		 CS_MAX_CELLS + 1, CS_MAX_CELLS);
	assert_string_equal(err, want);
	free(yaml);
}

static void test_two_cells_file(void **state)
{
	const char *path = CS_SOURCE_ROOT "/configs/two-cells.yaml";
	struct cs_sysinfo si;
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	if (cs_config_load(path, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(cfg.file, path);
	assert_int_equal(cfg.tick_ms, 100);
	assert_string_equal(cfg.cell_parent, "cellsched");
	assert_int_equal(cfg.min_cpus, 1);
	assert_int_equal(cfg.nr_cells, 2);
	assert_cell(&cfg.cells[0], "a", "a", "fifo", "1");
	assert_cell(&cfg.cells[1], "b", "b", "vtime", "2-3");
	assert_int_equal(cfg.cells[1].tunables[1], 20000);	/* lag_us */

	make_si(&si, "0-3", "0-3");
	if (cs_config_check(&cfg, &si, err, sizeof(err)))
		fail_msg("%s", err);
	/* On a 3-CPU machine it is refused, with the file's name in the message. */
	make_si(&si, "0-2", "0-2");
	assert_int_equal(cs_config_check(&cfg, &si, err, sizeof(err)), -EINVAL);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	assert_non_null(strstr(err, "CPUs 3 of cell 'b' do not exist on this machine (CPUs: 0-2)"));
	/*
	 * Regression test (a CPU offline when cellsched starts): on the 4-CPU machine
	 * with CPU 3 offline, cell b's CPU 3 counts once it is back; it is accepted.
	 */
	make_si(&si, "0-2", "0-2");
	cs_cpus_set(&si.possible, 3);
	if (cs_config_check(&cfg, &si, err, sizeof(err)))
		fail_msg("refused with CPU 3 offline: %s", err);
	/* cell a's CPU 1 offline too: the root cell keeps CPU 0 and the check still holds */
	cs_cpus_clear(&si.online, 1);
	cs_cpus_clear(&si.parent_cpus, 1);
	if (cs_config_check(&cfg, &si, err, sizeof(err)))
		fail_msg("refused with CPUs 1 and 3 offline: %s", err);
	cs_config_free(&cfg);
}

/* cs_config_load(@path) must fail with @ret (0: any) and "@path: ...@want...". */
static void assert_load_fails(const char *path, int ret, const char *want)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX];
	int got;

	got = cs_config_load(path, &cfg, err, sizeof(err));
	if (got >= 0 || (ret && got != ret))
		fail_msg("%s: returned %d, want %d", path, got, ret);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	if (!strstr(err, want))
		fail_msg("got \"%s\", want \"%s\" in it", err, want);
	assert_int_equal(cfg.nr_cells, 0);
	assert_null(cfg.cells);
}

static void test_load_missing(void **state)
{
	(void)state;
	assert_load_fails(CS_SOURCE_ROOT "/configs/no-such-config.yaml", -ENOENT,
			  ": cannot read the configuration: No such file or directory");
}

/* Regression test; the bug was: fread() on a directory fails with EISDIR, but config.c
 * reports strerror(EIO), "Input/output error", which suggests a disk fault. */
static void test_load_directory(void **state)
{
	(void)state;
	assert_load_fails(CS_SOURCE_ROOT "/configs", 0,
			  ": cannot read the configuration: Is a directory");
}

/* A temporary file: @text, then comment lines up to @size bytes in all. */
static void write_tmp(char *path, size_t pathlen, const char *text, size_t size)
{
	static const char pad[] = "#xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	FILE *f;
	int fd;

	snprintf(path, pathlen, "%s/cs-unit-config.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	for (size_t n = strlen(text), line; n < size; n += line) {
		line = size - n < sizeof(pad) ? size - n : sizeof(pad);
		fprintf(f, "%.*s\n", (int)line - 1, pad);
	}
	assert_int_equal(fclose(f), 0);
}

/* Load a file of @size bytes setting tick_ms to 50. */
static int load_sized(size_t size, struct cs_config *cfg, char *path, char *err)
{
	int ret;

	write_tmp(path, 512, "tick_ms: 50\n", size);
	ret = cs_config_load(path, cfg, err, CS_ERR_MAX);
	unlink(path);
	return ret;
}

static void test_load_files(void **state)
{
	struct cs_config cfg;
	char path[512], err[CS_ERR_MAX], want[600];
	int ret;

	(void)state;
	assert_int_equal(load_sized((1 << 20) + 1, &cfg, path, err), -EFBIG);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ": cannot read the configuration: larger than 1 MiB"));
	if (load_sized((1 << 20) - 1, &cfg, path, err))
		fail_msg("1 MiB - 1: %s", err);
	assert_int_equal(cfg.tick_ms, 50);
	cs_config_free(&cfg);

	/* Parse errors name the file, at the right place. */
	write_tmp(path, sizeof(path), "# comment\ncells:\n  - name: a\n    polcy: fifo\n", 0);
	ret = cs_config_load(path, &cfg, err, sizeof(err));
	unlink(path);
	assert_int_equal(ret, -EINVAL);
	snprintf(want, sizeof(want), "%s:4:5: unknown key 'polcy' in a cell", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_null(cfg.cells);
}

/* Regression test; the bug was: a file of exactly 1 MiB fills the buffer without reaching EOF
 * and is refused as "larger than 1 MiB". */
static void test_load_exactly_1mib(void **state)
{
	struct cs_config cfg;
	char path[512], err[CS_ERR_MAX];

	(void)state;
	if (load_sized(1 << 20, &cfg, path, err))
		fail_msg("a file of exactly 1 MiB: %s", err);
	assert_int_equal(cfg.tick_ms, 50);
	cs_config_free(&cfg);
}

#define IFACE_WHY IFACE " (cgroup.*, cpu.*, cpuset.*, memory.*, io.*, pids.*, ...)"
#define DOTS "'.' and '..' would leave the parent"
#define ABS "it must be relative, not absolute"

static void test_bad_cgroup(void **state)
{
	static const char *const good[] = {
		"a", "a/b", "a/b/c", "A-z_0.9", ".a", "a.", "..a", "a..", "a/.b/c..d", "...",
		"cgroup", "cpu", "cpus.x", "mycpu.max", "cgroupx.procs", "x.cgroup.procs",
	};
	static const struct { const char *in, *why; } bad[] = {
		{ "", "it is empty" }, { "/a", ABS }, { "/", ABS },
		{ ".", DOTS }, { "..", DOTS }, { "a/..", DOTS }, { "a/./b", DOTS },
		{ "../a", DOTS },
		{ "a//b", "it has an empty path component" },
		{ "a/", "it ends with '/'" }, { "a/b/", "it ends with '/'" },
		{ "a b", PATHS }, { "a\\b", PATHS }, { "a:b", PATHS }, { "a\nb", PATHS },
		{ "caf\xc3\xa9", PATHS },
		{ "cgroup.procs", IFACE_WHY }, { "cgroup.", IFACE_WHY }, { "a/cpu.max", IFACE_WHY },
		{ "cpuset.cpus/a", IFACE_WHY }, { "io.weight", IFACE_WHY }, { "pids.max", IFACE_WHY },
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		why = cs_config_bad_cgroup(good[i]);
		if (why)
			fail_msg("\"%s\" refused: %s", good[i], why);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		why = cs_config_bad_cgroup(bad[i].in);
		if (!why || strcmp(why, bad[i].why))
			fail_msg("\"%s\": got \"%s\", want \"%s\"", bad[i].in,
				 why ? why : "(accepted)", bad[i].why);
	}
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_explicit_empty_document),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_lend),
		cmocka_unit_test(test_too_many_cells),
		cmocka_unit_test(test_two_cells_file),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_directory),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_load_exactly_1mib),
		cmocka_unit_test(test_bad_cgroup),
	};
	return run_with_rows("config", fixed, ARRAY_SIZE(fixed), bad_configs,
			     ARRAY_SIZE(bad_configs));
}
