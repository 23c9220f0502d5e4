// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_exitinfo.c: orchestrator/exitinfo.c: which exits are errors
 * and the text cellsched prints for them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "exitinfo.h"

static void test_classification(void **state)
{
	(void)state;
	assert_false(cs_exit_is_error(CS_EXIT_KIND_UNREG));
	assert_false(cs_exit_is_error(CS_EXIT_KIND_UNREG_BPF));
	assert_false(cs_exit_is_error(CS_EXIT_KIND_SYSRQ));
	assert_false(cs_exit_is_error(CS_EXIT_KIND_PARENT_KILL));
	assert_true(cs_exit_is_error(CS_EXIT_KIND_ERROR));
	assert_true(cs_exit_is_error(CS_EXIT_KIND_ERROR_BPF));
	assert_true(cs_exit_is_error(CS_EXIT_KIND_ERROR_STALL));
	assert_true(cs_exit_is_error(2000)); /* unknown future error kinds stay errors */
	assert_string_equal(cs_exit_kind_name(CS_EXIT_KIND_UNREG), "unregistered");
	assert_string_equal(cs_exit_kind_name(CS_EXIT_KIND_ERROR_STALL), "stall");
	assert_string_equal(cs_exit_kind_name(2000), "error");
	assert_string_equal(cs_exit_kind_name(70), "exit");
}

static void test_format(void **state)
{
	struct cs_exit_info ei = { .kind = CS_EXIT_KIND_UNREG, .cpu = -1 };
	char buf[256];

	(void)state;
	snprintf(ei.reason, sizeof(ei.reason), "unregistered from user space");
	assert_string_equal(cs_exit_format(&ei, buf, sizeof(buf)),
			    "unregistered: unregistered from user space");

	ei.kind = CS_EXIT_KIND_ERROR_BPF;
	ei.cpu = 3;
	snprintf(ei.reason, sizeof(ei.reason), "scx_bpf_error");
	snprintf(ei.msg, sizeof(ei.msg), "root.bpf.c:42: boom");
	assert_string_equal(cs_exit_format(&ei, buf, sizeof(buf)),
			    "bpf-error: scx_bpf_error (root.bpf.c:42: boom) on CPU 3");

	memset(&ei, 0, sizeof(ei));
	ei.cpu = -1;
	assert_string_equal(cs_exit_format(&ei, buf, sizeof(buf)), "none: (no reason given)");
}

static void test_format_truncates(void **state)
{
	struct cs_exit_info ei = { .kind = CS_EXIT_KIND_ERROR, .cpu = 1 };
	char buf[16];

	(void)state;
	memset(ei.msg, 'x', sizeof(ei.msg) - 1);
	snprintf(ei.reason, sizeof(ei.reason), "reason");
	cs_exit_format(&ei, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "error: reason (x", sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests_name("exitinfo", tests, NULL, NULL);
}
