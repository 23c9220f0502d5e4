// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_state.c: orchestrator/state.c, the CLI's runtime changes:
 * recording (set replaces, delete of a YAML cell is remembered, delete of a
 * CLI-made cell forgets it), merging over a YAML configuration (a YAML
 * cell's change keeps only its CPUs), dropping changes about cells the YAML
 * lost, the file
 * (save/load round trip of fixed and resizable cells with tunables, mode
 * 0600, no temporary file left, an absent file = no changes), every kind of
 * damaged file refused with the change and field named, setting a
 * damaged file aside under a new name, and the lock a daemon holds on it.
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
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "lockfile.h"
#include "policies.h"
#include "state.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cs-state-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/state.json", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct cs_cell_cfg cell(const char *name, const char *cpus, const char *policy)
{
	struct cs_cell_cfg c = { 0 };
	char err[128];

	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.cgroup, sizeof(c.cgroup), "%s", name);
	snprintf(c.policy, sizeof(c.policy), "%s", policy);
	cs_policy_defaults(cs_policy_find(policy), c.tunables);
	if (cpus) {
		assert_int_equal(cs_cpus_parse(cpus, &c.cpus, err, sizeof(err)), 0);
	} else {
		c.resizable = true;
		c.min = 1;
		c.max = 3;
		c.weight = 200;
	}
	return c;
}

static void write_file(const char *text)
{
	FILE *f;

	mkdir(dir, 0700);
	{
		char sub[160];

		snprintf(sub, sizeof(sub), "%s/sub", dir);
		mkdir(sub, 0700);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_round_trip(void **state)
{
	struct cs_state st = { 0 }, back;
	struct cs_cell_cfg a = cell("a", "1-2", "vtime"), x = cell("x", NULL, "latency");
	struct cs_cell_cfg y = cell("y", "5", "fifo");
	char err[512] = "", tmp[160];
	struct stat sb;

	(void)state;
	a.tunables[1] = 777;	/* vtime lag_us */
	a.lend = true;		/* a fixed cell asked to lend */
	x.lend = false;		/* a resizable one asked not to */
	assert_int_equal(cs_state_set(&st, &a, false), 0);
	assert_int_equal(cs_state_set(&st, &x, false), 0);
	assert_int_equal(cs_state_delete(&st, "b", true), 0);
	assert_int_equal(cs_state_set(&st, &y, true), 0);
	assert_int_equal(cs_state_save(path, &st, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);

	assert_int_equal(cs_state_load(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.nr, 4);
	assert_string_equal(back.changes[0].cell.name, "a");
	assert_int_equal(back.changes[0].op, CS_CHANGE_SET);
	assert_true(cs_cpus_equal(&back.changes[0].cell.cpus, &a.cpus));
	assert_false(back.changes[0].cell.resizable);
	assert_string_equal(back.changes[0].cell.policy, "vtime");
	assert_int_equal(back.changes[0].cell.tunables[1], 777);
	assert_true(back.changes[0].cell.lend);
	assert_false(back.changes[1].cell.lend);
	assert_true(back.changes[1].cell.resizable);
	assert_int_equal(back.changes[1].cell.min, 1);
	assert_int_equal(back.changes[1].cell.max, 3);
	assert_int_equal(back.changes[1].cell.weight, 200);
	assert_string_equal(back.changes[1].cell.policy, "latency");
	assert_int_equal(back.changes[2].op, CS_CHANGE_DELETE);
	assert_string_equal(back.changes[2].cell.name, "b");
	/* a YAML cell's change keeps only its CPUs */
	assert_int_equal(back.changes[3].op, CS_CHANGE_RESIZE);
	assert_true(cs_cpus_test(&back.changes[3].cell.cpus, 5));
	assert_string_equal(back.changes[3].cell.policy, "");
	cs_state_free(&back);
	cs_state_free(&st);
}

/* `cell adopt`: an absolute cgroup whose CPUs are its own (cpus: inherit) comes back as such. */
static void test_round_trip_adopted(void **state)
{
	struct cs_state st = { 0 }, back;
	struct cs_cell_cfg s1 = cell("s1", "3", "vtime");
	char err[512] = "";

	(void)state;
	snprintf(s1.cgroup, sizeof(s1.cgroup), "/system.slice/s1.service");
	s1.inherit = true;
	memset(&s1.cpus, 0, sizeof(s1.cpus));
	assert_int_equal(cs_state_set(&st, &s1, false), 0);
	assert_int_equal(cs_state_save(path, &st, err, sizeof(err)), 0);
	assert_int_equal(cs_state_load(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.nr, 1);
	assert_string_equal(back.changes[0].cell.cgroup, "/system.slice/s1.service");
	assert_true(back.changes[0].cell.inherit);
	assert_false(back.changes[0].cell.resizable);
	assert_true(cs_cpus_empty(&back.changes[0].cell.cpus));
	cs_state_free(&back);
	cs_state_free(&st);
}

static void test_absent_file(void **state)
{
	struct cs_state st;
	char err[256] = "";

	(void)state;
	assert_int_equal(cs_state_load("/nonexistent/cellsched/state.json", &st, err,
				       sizeof(err)), 0);
	assert_int_equal(st.nr, 0);
	cs_state_free(&st);
}

static void test_set_and_delete(void **state)
{
	struct cs_state st = { 0 };
	struct cs_cell_cfg a = cell("a", "1", "fifo"), a2 = cell("a", "2", "fifo");

	(void)state;
	assert_int_equal(cs_state_set(&st, &a, false), 0);
	assert_int_equal(cs_state_set(&st, &a2, false), 0);	/* replaces */
	assert_int_equal(st.nr, 1);
	assert_true(cs_cpus_test(&st.changes[0].cell.cpus, 2));
	assert_int_equal(cs_state_delete(&st, "a", false), 0);	/* CLI-made: forgotten */
	assert_int_equal(st.nr, 0);
	assert_int_equal(cs_state_set(&st, &a, true), 0);
	assert_int_equal(cs_state_delete(&st, "a", true), 0);	/* from the YAML: remembered */
	assert_int_equal(st.nr, 1);
	assert_int_equal(st.changes[0].op, CS_CHANGE_DELETE);
	cs_state_free(&st);
}

static void test_apply(void **state)
{
	struct cs_config yaml, out;
	struct cs_state st = { 0 };
	struct cs_cell_cfg a2 = cell("a", "3", "fifo"), c = cell("c", "2", "vtime");
	const char *text = "cells:\n  - {name: a, cpus: 1, policy: latency}\n"
			   "  - {name: b, cpus: 2}\n";
	char err[256];

	(void)state;
	assert_int_equal(cs_config_parse("t.yaml", text, strlen(text), &yaml, err, sizeof(err)), 0);
	assert_int_equal(cs_state_set(&st, &a2, true), 0);
	assert_int_equal(cs_state_delete(&st, "b", true), 0);
	assert_int_equal(cs_state_set(&st, &c, false), 0);
	assert_int_equal(cs_state_apply(&yaml, &st, &out), 0);
	assert_int_equal(out.nr_cells, 2);
	assert_string_equal(out.cells[0].name, "a");
	assert_true(cs_cpus_test(&out.cells[0].cpus, 3));
	assert_false(cs_cpus_test(&out.cells[0].cpus, 1));
	assert_int_equal(out.cells[0].cpus_pos.line, 0);	/* from the state, not the file */
	assert_string_equal(out.cells[0].policy, "latency");	/* the rest from the YAML */
	assert_int_equal(out.cells[0].name_pos.line, 2);
	assert_string_equal(out.cells[1].name, "c");
	/* the YAML itself is untouched */
	assert_int_equal(yaml.nr_cells, 2);
	assert_true(cs_cpus_test(&yaml.cells[0].cpus, 1));
	cs_config_free(&out);
	cs_config_free(&yaml);
	cs_state_free(&st);
}

/* Changes about cells the YAML no longer has are dropped; the CLI's own cells stay. */
static void test_prune(void **state)
{
	struct cs_config yaml;
	struct cs_state st = { 0 };
	struct cs_cell_cfg a = cell("a", "3", "fifo"), gone = cell("gone", "2", "fifo");
	struct cs_cell_cfg mine = cell("mine", "1", "fifo");
	const char *text = "cells:\n  - {name: a, cpus: 1}\n";
	char err[256], names[64];

	(void)state;
	assert_int_equal(cs_config_parse("t.yaml", text, strlen(text), &yaml, err, sizeof(err)), 0);
	assert_int_equal(cs_state_set(&st, &a, true), 0);
	assert_int_equal(cs_state_set(&st, &gone, true), 0);
	assert_int_equal(cs_state_delete(&st, "old", true), 0);
	assert_int_equal(cs_state_set(&st, &mine, false), 0);
	assert_int_equal(cs_state_prune(&st, &yaml, names, sizeof(names)), 2);
	assert_string_equal(names, "gone, old");
	assert_int_equal(st.nr, 2);
	assert_string_equal(st.changes[0].cell.name, "a");
	assert_string_equal(st.changes[1].cell.name, "mine");
	cs_config_free(&yaml);
	cs_state_free(&st);
}

struct damaged {
	const char *name, *text, *want;
};

#define HDR "{\"cellsched_state\": 1, \"changes\": ["
static const struct damaged damaged[] = {
	{ "not JSON", "{\"cellsched_state\": 1, \"changes\": [", "not valid JSON" },
	{ "truncated to nothing", "", "not valid JSON" },
	{ "wrong version", "{\"cellsched_state\": 2, \"changes\": []}", "version 1" },
	{ "no changes list", "{\"cellsched_state\": 1}", "'changes' is missing" },
	{ "unknown op", HDR "{\"op\": \"grow\", \"name\": \"a\"}]}", "change 1: 'op' must be" },
	{ "resize without CPUs", HDR "{\"op\": \"resize\", \"name\": \"a\", \"min\": 0}]}",
	  "change 1: 'min' must be a whole number in 1..1024" },
	{ "no name", HDR "{\"op\": \"delete\"}]}", "change 1: 'name' is missing" },
	{ "bad cpus", HDR "{\"op\": \"set\", \"name\": \"a\", \"cgroup\": \"a\", \"policy\": "
	  "\"fifo\", \"cpus\": \"3-1\"}]}", "change 1: bad 'cpus' '3-1'" },
	{ "unknown policy", HDR "{\"op\": \"set\", \"name\": \"a\", \"cgroup\": \"a\", \"policy\": "
	  "\"nope\", \"cpus\": \"1\"}]}", "change 1: unknown policy" },
	{ "unknown tunable", HDR "{\"op\": \"set\", \"name\": \"a\", \"cgroup\": \"a\", \"policy\": "
	  "\"fifo\", \"cpus\": \"1\", \"tunables\": {\"lag_us\": 5}}]}",
	  "policy 'fifo' has no tunable 'lag_us'" },
	{ "tunable out of range", HDR "{\"op\": \"set\", \"name\": \"a\", \"cgroup\": \"a\", "
	  "\"policy\": \"fifo\", \"cpus\": \"1\", \"tunables\": {\"slice_us\": 1}}]}",
	  "'slice_us' must be a whole number in 100..100000" },
	{ "min above max", HDR "{\"op\": \"set\", \"name\": \"a\", \"cgroup\": \"a\", \"policy\": "
	  "\"fifo\", \"min\": 3, \"max\": 2}]}", "'min' is above 'max'" },
	{ "two changes of one cell", HDR "{\"op\": \"delete\", \"name\": \"a\"}, {\"op\": "
	  "\"delete\", \"name\": \"a\"}]}", "change 2: a second change for the same cell" },
	{ "NUL byte", "{\"cellsched_state\": 1, \"changes\": []}\0junk", "NUL" },
};

static void test_damaged(void **state)
{
	const struct damaged *d = *state;
	struct cs_state st;
	char err[512] = "";
	FILE *f;

	write_file("");
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(d->text, 1, strlen(d->text) + (strstr(d->name, "NUL") ? 5 : 0), f);
	fclose(f);
	assert_int_equal(cs_state_load(path, &st, err, sizeof(err)), -EINVAL);
	if (!strstr(err, d->want) || strncmp(err, path, strlen(path)))
		fail_msg("got \"%s\", want \"%s: ...%s...\"", err, path, d->want);
	assert_null(st.changes);
}

static void test_set_aside(void **state)
{
	char aside[256];

	(void)state;
	write_file("garbage");
	assert_int_equal(cs_state_set_aside(path, aside, sizeof(aside)), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(aside, F_OK), 0);
	assert_non_null(strstr(aside, "state.json.corrupt-"));
}

/*
 * Issue 13 item 7: one daemon per state file. The lock (STATE.lock, made
 * with its directory) is refused to a second taker, naming the holder's pid,
 * until the first releases it; a lock path that is not a regular file is an
 * error, never waited on.
 */
static void test_lock(void **state)
{
	char err[256] = "", want[64], lock[160];
	int a, b;

	(void)state;
	assert_int_equal(cs_state_lock(path, &a, err, sizeof(err)), 0);
	assert_true(a >= 0);
	assert_int_equal(cs_state_lock(path, &b, err, sizeof(err)), -EBUSY);
	assert_int_equal(b, -1);
	snprintf(want, sizeof(want), "(pid %d holds ", (int)getpid());
	assert_non_null(strstr(err, "another cellsched runs with the state file"));
	assert_non_null(strstr(err, want));
	cs_lockfile_release(&a);
	assert_int_equal(a, -1);
	assert_int_equal(cs_state_lock(path, &b, err, sizeof(err)), 0);
	cs_lockfile_release(&b);
	/* a FIFO where the lock goes: refused at once */
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock);
	assert_int_equal(mkfifo(lock, 0600), 0);
	assert_int_equal(cs_state_lock(path, &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(lock);
}

int main(void)
{
	struct CMUnitTest tests[5 + sizeof(damaged) / sizeof(damaged[0]) + 2] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_adopted),
		cmocka_unit_test(test_absent_file),
		cmocka_unit_test(test_set_and_delete),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_prune),
	};
	size_t n = 5;

	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_damaged,
								       (void *)&damaged[i]);
		tests[n++].name = damaged[i].name;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_set_aside);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_lock);
	return cmocka_run_group_tests(tests, setup, teardown);
}
