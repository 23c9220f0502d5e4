/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/bpf/bpf_test.h: what the bpf suite's cmocka tests share: running a
 * SEC("syscall") program with a context (bpf_prog_test_run_opts copies the
 * context back) and skipping, with the reason, when BPF cannot be loaded
 * because the test does not run as root.
 */
#ifndef CELLSCHED_BPF_TEST_H
#define CELLSCHED_BPF_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* Run @prog on @ctx (@len bytes; written back); fails the test if it cannot run. */
static inline int cs_prog_run(struct bpf_program *prog, void *ctx, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = len);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
	return (int)opts.retval;
}

/* Skip the test, saying why, when the group setup could not load @skel (not root). */
#define CS_NEED_ROOT(skel)							\
	do {									\
		if (!(skel)) {							\
			print_message("# needs root to load BPF\n");		\
			skip();							\
		}								\
	} while (0)

#endif /* CELLSCHED_BPF_TEST_H */
