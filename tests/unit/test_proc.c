// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_proc.c: issue 13 item 8, `cell assign --pid` and PID
 * reuse: core/proc.c holds the process through a pidfd from the ownership
 * check to the move. A live child is read (its uid) and moved; one that
 * exited is neither; and (as root, with clone3's set_tid) a new process
 * given the very number of one that exited after it was checked is never
 * moved in its place, which reading /proc/PID and writing PID, as before,
 * did. The move is a stand-in that records the pid it was given.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

static int moved_pid;

static int record_move(const char *cgroup, int pid)
{
	(void)cgroup;
	moved_pid = pid;
	return 0;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	assert_true(pid > 0);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

static void test_live_process(void **state)
{
	pid_t pid = sleeper();
	struct cs_proc p;
	bool other;
	uid_t uid;

	(void)state;
	assert_int_equal(cs_proc_open(pid, &p), 0);
	assert_true(cs_proc_alive(&p));
	assert_int_equal(cs_proc_uid(&p, &uid), 0);
	assert_int_equal(uid, getuid());
	moved_pid = 0;
	assert_int_equal(cs_proc_move(&p, record_move, "x", &other), 0);
	assert_int_equal(moved_pid, pid);
	assert_false(other);
	cs_proc_close(&p);
	reap(pid);
}

static void test_exited_process(void **state)
{
	pid_t pid = sleeper();
	struct cs_proc p;
	bool other;
	uid_t uid;

	(void)state;
	assert_int_equal(cs_proc_open(pid, &p), 0);
	reap(pid);
	assert_false(cs_proc_alive(&p));
	assert_int_equal(cs_proc_uid(&p, &uid), -ESRCH);
	moved_pid = 0;
	assert_int_equal(cs_proc_move(&p, record_move, "x", &other), -ESRCH);
	assert_int_equal(moved_pid, 0);
	cs_proc_close(&p);
	assert_int_equal(cs_proc_open(pid, &p), -ESRCH);
}

/* clone_args of clone3(2) up to set_tid (Linux 5.5) */
struct clone_args_tid {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size;
};

/* A child that sleeps, made with pid @want; -errno if that cannot be had. */
static pid_t sleeper_with_pid(pid_t want)
{
	struct clone_args_tid args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	pid_t tid = want;
	long ret;

	args.set_tid = (uintptr_t)&tid;
	ret = syscall(SYS_clone3, &args, sizeof(args));
	if (ret == 0) {
		pause();
		_exit(0);
	}
	return ret < 0 ? -errno : (pid_t)ret;
}

static void test_reused_pid_not_moved(void **state)
{
	pid_t first = sleeper(), second;
	struct cs_proc p;
	bool other;
	uid_t uid;

	(void)state;
	if (geteuid() != 0) {
		reap(first);
		skip();	/* set_tid needs CAP_SYS_ADMIN */
	}
	/* checked: alive and ours; then it exits and its number goes to another */
	assert_int_equal(cs_proc_open(first, &p), 0);
	assert_int_equal(cs_proc_uid(&p, &uid), 0);
	reap(first);
	second = sleeper_with_pid(first);
	if (second < 0) {
		cs_proc_close(&p);
		if (second == -EEXIST)
			skip();	/* something else took the number first */
		fail_msg("clone3 with set_tid %d: %s", first, strerror(-second));
	}
	assert_int_equal(second, first);
	moved_pid = 0;
	assert_int_equal(cs_proc_uid(&p, &uid), -ESRCH);
	assert_int_equal(cs_proc_move(&p, record_move, "x", &other), -ESRCH);
	assert_int_equal(moved_pid, 0);	/* the new process with the old number stays */
	cs_proc_close(&p);
	reap(second);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_process),
		cmocka_unit_test(test_exited_process),
		cmocka_unit_test(test_reused_pid_not_moved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
