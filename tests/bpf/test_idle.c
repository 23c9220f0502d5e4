// SPDX-License-Identifier: GPL-2.0
/*
 * tests/bpf/test_idle.c: the root's cid sets (bpf/cids.bpf.h) run by
 * the host kernel through bpf_prog_test_run_opts. Needs root (BPF loading);
 * skipped with that reason otherwise.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "bpf_test.h"

#include "cellsched.h"
#include "idle_test.skel.h"

struct idle_args {
	__u32 cid;
	__u32 nr_cids;
	__u32 from;
	__s32 ret;
};

static int run(struct bpf_program *prog, struct idle_args *a)
{
	cs_prog_run(prog, a, sizeof(*a));
	return a->ret;
}

static struct idle_test_bpf *skel;

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	skel = idle_test_bpf__open_and_load();
	return skel ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	idle_test_bpf__destroy(skel);
	skel = NULL;
	return 0;
}

static void set(__u32 cid)
{
	struct idle_args a = { .cid = cid };

	run(skel->progs.idle_set, &a);
}

static __u32 next(__u32 nr, __u32 from)
{
	struct idle_args a = { .nr_cids = nr, .from = from };

	return run(skel->progs.idle_next, &a);
}

static bool claim(__u32 cid)
{
	struct idle_args a = { .cid = cid };

	return run(skel->progs.idle_claim, &a);
}

static void reset(void)
{
	memset(skel->bss->idle.bits, 0, sizeof(skel->bss->idle.bits));
	memset(skel->bss->usable.bits, 0xff, sizeof(skel->bss->usable.bits));
}

static void test_set_clear_bits(void **state)
{
	struct idle_args a = { .cid = 70 };

	(void)state;
	CS_NEED_ROOT(skel);
	reset();
	set(0);
	set(63);
	set(70);
	assert_int_equal(skel->bss->idle.bits[0], 1ULL | (1ULL << 63));
	assert_int_equal(skel->bss->idle.bits[1], 1ULL << 6);
	run(skel->progs.idle_clear, &a);
	assert_int_equal(skel->bss->idle.bits[1], 0);
	/* out-of-range cids are ignored, not written past the bitmap */
	set(CS_MAX_CIDS);
	set(~0U);
	for (int w = 1; w < CS_CID_WORDS; w++)
		assert_int_equal(skel->bss->idle.bits[w], 0);
}

static void test_next_scans_and_wraps(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	reset();
	assert_int_equal(next(4, 0), 4);		/* nothing idle: nr_cids */
	set(1);
	assert_int_equal(next(4, 0), 1);
	assert_int_equal(next(4, 1), 1);		/* from itself */
	assert_int_equal(next(4, 2), 1);		/* wraps around */
	assert_int_equal(next(4, 9), 1);		/* from beyond nr_cids starts at 0 */
	set(3);
	assert_int_equal(next(4, 2), 3);
	/* bits at or above nr_cids are never returned */
	reset();
	set(5);
	assert_int_equal(next(4, 0), 4);
	/* across words, wrapping into the start word's low part */
	reset();
	set(130);
	set(2);
	assert_int_equal(next(200, 131), 2);
	assert_int_equal(next(200, 3), 130);
	assert_int_equal(next(CS_MAX_CIDS, CS_MAX_CIDS - 1), 2);
	set(CS_MAX_CIDS - 1);
	assert_int_equal(next(CS_MAX_CIDS, CS_MAX_CIDS - 1), CS_MAX_CIDS - 1);
}

/* only cids in both sets are found: idle cids outside the usable set are skipped */
static void test_next_and_masks(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	reset();
	set(1);
	set(2);
	set(70);
	skel->bss->usable.bits[0] = 1ULL << 2;
	assert_int_equal(next(128, 0), 2);
	assert_int_equal(next(128, 3), 70);
	assert_int_equal(next(128, 71), 2);	/* wraps, skipping idle but unusable 1 */
	skel->bss->usable.bits[0] = 0;
	assert_int_equal(next(128, 0), 70);
	skel->bss->usable.bits[1] = 0;
	assert_int_equal(next(128, 0), 128);
}

static void test_claim_once(void **state)
{
	(void)state;
	CS_NEED_ROOT(skel);
	reset();
	assert_false(claim(5));
	set(5);
	assert_true(claim(5));
	assert_false(claim(5));
	assert_int_equal(skel->bss->idle.bits[0], 0);
}

enum { RACE_CIDS = 256, RACE_THREADS = 4 };

static void *claim_all(void *arg)
{
	long won = 0;

	(void)arg;
	for (__u32 c = 0; c < RACE_CIDS; c++)
		won += claim(c);
	return (void *)won;
}

/* CPUs racing for the same idle cids: each cid is won exactly once */
static void test_claim_race(void **state)
{
	pthread_t th[RACE_THREADS];
	long total = 0;

	(void)state;
	CS_NEED_ROOT(skel);
	for (int round = 0; round < 20; round++) {
		reset();
		for (__u32 c = 0; c < RACE_CIDS; c++)
			set(c);
		for (int t = 0; t < RACE_THREADS; t++)
			assert_int_equal(pthread_create(&th[t], NULL, claim_all, NULL), 0);
		for (int t = 0; t < RACE_THREADS; t++) {
			void *won;

			pthread_join(th[t], &won);
			total += (long)won;
		}
		assert_int_equal(total, (round + 1) * RACE_CIDS);
	}
	assert_int_equal(next(RACE_CIDS, 0), RACE_CIDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_clear_bits),
		cmocka_unit_test(test_next_scans_and_wraps),
		cmocka_unit_test(test_next_and_masks),
		cmocka_unit_test(test_claim_once),
		cmocka_unit_test(test_claim_race),
	};

	return cmocka_run_group_tests_name("bpf-idle", tests, setup, teardown);
}
