// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/run.c: `cellsched run`, the daemon.
 *
 * Checks that this kernel can run the root, loads and attaches it, then waits
 * on a signalfd (SIGINT/SIGTERM: detach cleanly) and a timerfd tick (notice a
 * scheduler the kernel ejected; print statistics every --stats seconds).
 * Reports the kernel's exit info when the root goes away and maps it to the
 * process exit code: the unregistration we asked for is success; an error
 * exit, or any exit we did not ask for (sysrq-S, scx_bpf_exit), is not.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cli.h"
#include "kernel.h"
#include "log.h"
#include "root.h"

enum {
	CS_TICK_MS		= 100,	/* ms between checks of the root's state */
	CS_DETACH_TIMEOUT_MS	= 5000,	/* ms to wait for the kernel's exit info */
};

static const char run_usage[] =
	"usage: cellsched run [--slice-us N] [--stats SECONDS]\n"
	"  --slice-us N     root time slice in microseconds (100..100000, default 5000)\n"
	"  --stats SECONDS  print scheduler statistics every SECONDS (default: only at exit)\n";

static int check_kernel(void)
{
	struct cs_kernel_info ki;
	int err;

	err = cs_kernel_probe(CS_SYSFS, &ki);
	if (err) {
		cs_err("cannot read %s: %s", CS_SYSFS, strerror(-err));
		return CS_EXIT_FAILURE;
	}
	if (ki.state == CS_SCX_ABSENT) {
		cs_err("this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT); use the VM demo "
		       "(scripts/demo)");
		return CS_EXIT_NO_SCHED_EXT;
	}
	if (!ki.has_btf) {
		cs_err("this kernel has no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)");
		return CS_EXIT_NO_SCHED_EXT;
	}
	if (ki.state != CS_SCX_DISABLED) {
		cs_err("sched_ext is %s with scheduler '%s': stop it before starting cellsched",
		       cs_kernel_state_name(ki.state), ki.root_ops[0] ? ki.root_ops : "?");
		return CS_EXIT_BUSY;
	}
	return CS_EXIT_OK;
}

static void print_stats(const struct cs_root *root)
{
	unsigned long long v[CS_NR_ROOT_STATS];

	if (cs_root_read_stats(root, v))
		return;
	printf("stats:");
	for (int i = 0; i < CS_NR_ROOT_STATS; i++)
		printf(" %s=%llu", cs_root_stat_name(i), v[i]);
	printf("\n");
	fflush(stdout);
}

static int setup_fds(int *sfd, int *tfd, sigset_t *mask)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = CS_TICK_MS * 1000000L },
		.it_value = { .tv_nsec = CS_TICK_MS * 1000000L },
	};

	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, mask, NULL) < 0)
		return -errno;
	*sfd = signalfd(-1, mask, SFD_CLOEXEC);
	if (*sfd < 0)
		return -errno;
	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (*tfd < 0)
		return -errno;
	if (timerfd_settime(*tfd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

/* Wait until a signal arrives (returns true) or the root exits on its own (false). */
static bool wait_loop(const struct cs_root *root, int sfd, int tfd, unsigned int stats_s)
{
	struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
	unsigned long long ticks = 0, expirations;
	struct signalfd_siginfo si;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			cs_err("poll: %s", strerror(errno));
			return true;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				cs_info("received %s, detaching", strsignal(si.ssi_signo));
			return true;
		}
		if (pfd[1].revents & POLLIN) {
			if (read(tfd, &expirations, sizeof(expirations)) != sizeof(expirations))
				continue;
			ticks += expirations;
			if (cs_root_exited(root))
				return false;
			if (stats_s && ticks >= stats_s * (1000 / CS_TICK_MS)) {
				ticks = 0;
				print_stats(root);
			}
		}
	}
}

static int parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *out < min || *out > max) {
		cs_err("%s: '%s' is not a number in %lu..%lu", opt, s, min, max);
		return -EINVAL;
	}
	return 0;
}

int cs_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "slice-us", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cs_root_opts opts = { .slice_ns = CS_ROOT_SLICE_NS_DFL };
	struct cs_root root = { 0 };
	struct cs_exit_info ei;
	unsigned long val, stats_s = 0;
	int c, err, ret, sfd = -1, tfd = -1;
	bool requested;
	char text[1400];
	sigset_t mask;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_uint("--slice-us", optarg, CS_ROOT_SLICE_NS_MIN / 1000,
				       CS_ROOT_SLICE_NS_MAX / 1000, &val))
				return CS_EXIT_USAGE;
			opts.slice_ns = val * 1000ULL;
			break;
		case 'S':
			if (parse_uint("--stats", optarg, 1, 86400, &stats_s))
				return CS_EXIT_USAGE;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return CS_EXIT_OK;
		default:
			fputs(run_usage, stderr);
			return CS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cs_err("run: unexpected argument '%s'", argv[optind]);
		fputs(run_usage, stderr);
		return CS_EXIT_USAGE;
	}

	ret = check_kernel();
	if (ret != CS_EXIT_OK)
		return ret;
	if (geteuid() != 0) {
		cs_err("loading a scheduler needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
		return CS_EXIT_PERM;
	}

	err = setup_fds(&sfd, &tfd, &mask);
	if (err) {
		cs_err("setting up signal and timer handling failed: %s", strerror(-err));
		ret = CS_EXIT_FAILURE;
		goto out;
	}

	err = cs_root_load(&root, &opts);
	if (err) {
		ret = err == -EPERM ? CS_EXIT_PERM : CS_EXIT_BPF;
		goto out;
	}
	err = cs_root_attach(&root);
	if (err) {
		ret = (err == -EBUSY || err == -EEXIST) ? CS_EXIT_BUSY : CS_EXIT_BPF;
		goto out;
	}
	cs_info("root scheduler 'cellsched' attached: %u cids, slice %llu us", root.shared->nr_cids,
		opts.slice_ns / 1000);

	requested = wait_loop(&root, sfd, tfd, stats_s);

	err = cs_root_detach(&root, CS_DETACH_TIMEOUT_MS);
	print_stats(&root);
	if (err) {
		cs_err("the kernel recorded no exit within %d ms of detaching", CS_DETACH_TIMEOUT_MS);
		ret = CS_EXIT_FAILURE;
		goto out;
	}
	cs_root_exit_info(&root, &ei);
	cs_exit_format(&ei, text, sizeof(text));
	if (cs_exit_is_error(ei.kind)) {
		cs_err("root scheduler exited with an error: %s", text);
		ret = CS_EXIT_SCHED_ERROR;
	} else if (!requested) {
		cs_err("root scheduler was stopped from outside cellsched: %s", text);
		ret = CS_EXIT_SCHED_ERROR;
	} else {
		cs_info("root scheduler exited: %s", text);
		ret = CS_EXIT_OK;
	}
out:
	cs_root_destroy(&root);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return ret;
}
