// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_kernel.c: orchestrator/kernel.c against sysfs trees built in
 * a temporary directory (absent sched_ext, each state, events parsing).
 */
#define _GNU_SOURCE		/* nftw() in fake_tree.h */
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

#include "fake_tree.h"
#include "kernel.h"

static void test_absent(void **state)
{
	struct cs_kernel_info ki;

	(void)state;
	put("kernel/btf/vmlinux", "");
	assert_int_equal(cs_kernel_probe(sysfs, &ki), 0);
	assert_int_equal(ki.state, CS_SCX_ABSENT);
	assert_true(ki.has_btf);
	assert_string_equal(ki.root_ops, "");
}

static void test_disabled(void **state)
{
	struct cs_kernel_info ki;

	(void)state;
	put("kernel/sched_ext/state", "disabled\n");
	assert_int_equal(cs_kernel_probe(sysfs, &ki), 0);
	assert_int_equal(ki.state, CS_SCX_DISABLED);
	assert_false(ki.has_btf);
	assert_string_equal(cs_kernel_state_name(ki.state), "disabled");
}

static void test_enabled_names_ops(void **state)
{
	struct cs_kernel_info ki;

	(void)state;
	put("kernel/sched_ext/state", "enabled\n");
	put("kernel/sched_ext/root/ops", "qmap\n");
	assert_int_equal(cs_kernel_probe(sysfs, &ki), 0);
	assert_int_equal(ki.state, CS_SCX_ENABLED);
	assert_string_equal(ki.root_ops, "qmap");
}

static void test_unknown_state(void **state)
{
	struct cs_kernel_info ki;

	(void)state;
	put("kernel/sched_ext/state", "frobnicating\n");
	assert_int_equal(cs_kernel_probe(sysfs, &ki), 0);
	assert_int_equal(ki.state, CS_SCX_UNKNOWN);
}

static void test_missing_sysfs(void **state)
{
	struct cs_kernel_info ki;

	(void)state;
	assert_int_equal(cs_kernel_probe("/nonexistent/sysfs", &ki), -ENOENT);
}

static void test_events(void **state)
{
	unsigned long long v = 99;

	(void)state;
	put("kernel/sched_ext/root/events",
	    "SCX_EV_SELECT_CPU_FALLBACK 0\n"
	    "SCX_EV_INSERT_NOT_OWNED 17\n"
	    "SCX_EV_SUB_BYPASS_DISPATCH 5\n"
	    "SCX_EV_BYPASS_DISPATCH 3\n");
	assert_int_equal(cs_kernel_read_event(sysfs, "root", "SCX_EV_SELECT_CPU_FALLBACK", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cs_kernel_read_event(sysfs, "root", "SCX_EV_INSERT_NOT_OWNED", &v), 0);
	assert_int_equal(v, 17);
	/* a name that is a suffix or prefix of another must not match it */
	assert_int_equal(cs_kernel_read_event(sysfs, "root", "SCX_EV_BYPASS_DISPATCH", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(cs_kernel_read_event(sysfs, "root", "SCX_EV_INSERT", &v), -ENOENT);
	assert_int_equal(cs_kernel_read_event(sysfs, "sub/sub-7", "SCX_EV_INSERT_NOT_OWNED", &v),
			 -ENOENT);
}

static void test_read_text_trims(void **state)
{
	char path[512], buf[8];

	(void)state;
	put("f", "abc \n");
	snprintf(path, sizeof(path), "%s/f", sysfs);
	assert_int_equal(cs_kernel_read_text(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	/* exactly fits: the newline that does not is no loss */
	put("h", "0123456\n\n");
	snprintf(path, sizeof(path), "%s/h", sysfs);
	assert_int_equal(cs_kernel_read_text(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0123456");
}

/*
 * Issue 13 item 9: a value longer than the buffer is refused, never cut
 * short (before: "0123456789" read as "0123456", and a long online CPU list
 * as a shorter list).
 */
static void test_read_text_never_cuts(void **state)
{
	char path[512], buf[8], cpus[1024];
	size_t n = 0;

	(void)state;
	put("g", "0123456789\n");
	snprintf(path, sizeof(path), "%s/g", sysfs);
	assert_int_equal(cs_kernel_read_text(path, buf, sizeof(buf)), -EOVERFLOW);
	assert_string_equal(buf, "");
	for (int cpu = 0; cpu < 1024 && n < sizeof(cpus) - 8; cpu += 2)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%d", cpu ? "," : "", cpu);
	strcat(cpus, "\n");
	put("devices/system/cpu/online", cpus);
	assert_int_equal(cs_kernel_online_cpus(sysfs, cpus, 512), -EOVERFLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_absent, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_disabled, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_enabled_names_ops, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_state, tree_setup, tree_teardown),
		cmocka_unit_test(test_missing_sysfs),
		cmocka_unit_test_setup_teardown(test_events, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_read_text_trims, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_read_text_never_cuts, tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
