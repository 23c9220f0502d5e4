// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/run.c: `cellsched run`, the daemon.
 *
 * Order of start-up: configuration parsed and validated (nothing touched
 * yet); kernel checked; root loaded and attached; cell parent cgroup made;
 * then the tick loop. The loop waits on a signalfd (SIGINT/SIGTERM: stop;
 * SIGHUP: reload the configuration), an inotify watch on the cell parent
 * (cgroups created or removed there) and a timerfd tick (tick_ms). Each wake
 * reconciles the cells (cells.c), logs the events the root queued and checks
 * that the root still runs; --stats adds each cell's latest demand report.
 *
 * Shutdown stops the children, removes the cgroups cellsched created (when
 * empty), detaches the root and reports the kernel's exit info; the exit code
 * says whether the root stopped because we asked (0) or not (7).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cells.h"
#include "cgroup.h"
#include "cli.h"
#include "config.h"
#include "kernel.h"
#include "log.h"
#include "root.h"

enum {
	CS_DETACH_TIMEOUT_MS	= 5000,	/* ms to wait for the kernel's exit info */
};

static const char run_usage[] =
	"usage: cellsched run [-c FILE] [--slice-us N] [--stats SECONDS]\n"
	"  -c, --config FILE  cells to run (YAML); without it: the root cell only, plus\n"
	"                     cells found under the cell parent cgroup\n"
	"  --slice-us N       root time slice in microseconds (100..100000, default 5000)\n"
	"  --stats SECONDS    print scheduler statistics every SECONDS (default: at exit)\n";

struct run_state {
	const char *config_path;
	struct cs_config cfg;
	struct cs_root root;
	struct cs_cells *cells;
	int sfd, tfd, ifd;
	unsigned int stats_s;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

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

static int setup_fds(struct run_state *st)
{
	struct itimerspec its = { 0 };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	st->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (st->sfd < 0)
		return -errno;
	st->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (st->tfd < 0)
		return -errno;
	its.it_interval.tv_sec = st->cfg.tick_ms / 1000;
	its.it_interval.tv_nsec = (st->cfg.tick_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(st->tfd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

static void watch_parent(struct run_state *st)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cs_cg_mount(), st->cfg.cell_parent);
	st->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (st->ifd < 0 || inotify_add_watch(st->ifd, path, IN_CREATE | IN_DELETE | IN_ONLYDIR) < 0)
		cs_warn("cannot watch %s (%s); cgroups there are found on the next tick", path,
			strerror(errno));
}

static void reload(struct run_state *st)
{
	struct cs_config cfg;
	struct cs_sysinfo si;

	if (!st->config_path) {
		cs_info("SIGHUP: no configuration file to reload");
		return;
	}
	cs_info("SIGHUP: reloading %s", st->config_path);
	if (cs_load_config(st->config_path, &cfg, &si)) {
		cs_err("keeping the running configuration");
		return;
	}
	if (strcmp(cfg.cell_parent, st->cfg.cell_parent) || cfg.tick_ms != st->cfg.tick_ms) {
		cs_err("%s: cell_parent and tick_ms cannot change while running; keeping the "
		       "running configuration", st->config_path);
		cs_config_free(&cfg);
		return;
	}
	cs_config_free(&st->cfg);
	st->cfg = cfg;
	/* the cell manager keeps a pointer: to the running copy, never the local one */
	cs_cells_set_config(st->cells, &st->cfg);
	st->cells->si = si;
}

/* Run until a stop signal (returns true) or the root exits by itself (false). */
static bool loop(struct run_state *st)
{
	struct pollfd pfd[3] = {
		{ .fd = st->sfd, .events = POLLIN },
		{ .fd = st->tfd, .events = POLLIN },
		{ .fd = st->ifd, .events = POLLIN },
	};
	uint64_t last_stats = now_ms(), expirations;
	struct signalfd_siginfo si;
	char evbuf[4096];

	cs_cells_reconcile(st->cells, now_ms());
	for (;;) {
		if (poll(pfd, st->ifd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			cs_err("poll: %s", strerror(errno));
			return true;
		}
		if (pfd[0].revents & POLLIN && read(st->sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGHUP) {
				cs_info("received %s, detaching", strsignal(si.ssi_signo));
				return true;
			}
			reload(st);
		}
		if (pfd[1].revents & POLLIN)
			(void)!read(st->tfd, &expirations, sizeof(expirations));
		if (st->ifd >= 0 && pfd[2].revents & POLLIN)
			while (read(st->ifd, evbuf, sizeof(evbuf)) > 0)
				;
		if (cs_root_exited(&st->root))
			return false;
		cs_cells_reconcile(st->cells, now_ms());
		cs_cells_drain_events(st->cells);
		if (st->stats_s && now_ms() - last_stats >= st->stats_s * 1000ULL) {
			last_stats = now_ms();
			print_stats(&st->root);
			cs_cells_print_demand(st->cells);
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

static int finish(struct run_state *st, bool requested)
{
	struct cs_exit_info ei;
	char text[1400];
	int err;

	if (st->cells)
		cs_cells_shutdown(st->cells);
	err = cs_root_detach(&st->root, CS_DETACH_TIMEOUT_MS);
	print_stats(&st->root);
	if (err) {
		cs_err("the kernel recorded no exit within %d ms of detaching", CS_DETACH_TIMEOUT_MS);
		return CS_EXIT_FAILURE;
	}
	cs_root_exit_info(&st->root, &ei);
	cs_exit_format(&ei, text, sizeof(text));
	if (cs_exit_is_error(ei.kind)) {
		cs_err("root scheduler exited with an error: %s", text);
		return CS_EXIT_SCHED_ERROR;
	}
	if (!requested) {
		cs_err("root scheduler was stopped from outside cellsched: %s", text);
		return CS_EXIT_SCHED_ERROR;
	}
	cs_info("root scheduler exited: %s", text);
	return CS_EXIT_OK;
}

int cs_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "slice-us", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cs_root_opts opts = { .slice_ns = CS_ROOT_SLICE_NS_DFL };
	struct run_state st = { .sfd = -1, .tfd = -1, .ifd = -1 };
	struct cs_sysinfo si;
	unsigned long val;
	int c, err, ret;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			st.config_path = optarg;
			break;
		case 's':
			if (parse_uint("--slice-us", optarg, CS_ROOT_SLICE_NS_MIN / 1000,
				       CS_ROOT_SLICE_NS_MAX / 1000, &val))
				return CS_EXIT_USAGE;
			opts.slice_ns = val * 1000ULL;
			break;
		case 'S':
			if (parse_uint("--stats", optarg, 1, 86400, &val))
				return CS_EXIT_USAGE;
			st.stats_s = val;
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

	/* everything that can be checked is, before anything is touched */
	ret = cs_load_config(st.config_path, &st.cfg, &si);
	if (ret)
		return ret;
	ret = check_kernel();
	if (ret == CS_EXIT_OK && geteuid() != 0) {
		cs_err("loading a scheduler needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
		ret = CS_EXIT_PERM;
	}
	if (ret == CS_EXIT_OK && !cs_cg_mount()[0]) {
		cs_err("no cgroup2 file system is mounted (cells are cgroups)");
		ret = CS_EXIT_CGROUP;
	}
	if (ret)
		goto out_config;

	err = setup_fds(&st);
	if (err) {
		cs_err("setting up signal and timer handling failed: %s", strerror(-err));
		ret = CS_EXIT_FAILURE;
		goto out;
	}
	err = cs_root_load(&st.root, &opts);
	if (err) {
		ret = err == -EPERM ? CS_EXIT_PERM : CS_EXIT_BPF;
		goto out;
	}
	err = cs_root_attach(&st.root);
	if (err) {
		ret = (err == -EBUSY || err == -EEXIST) ? CS_EXIT_BUSY : CS_EXIT_BPF;
		goto out;
	}
	cs_info("root scheduler 'cellsched' attached: %u cids, slice %llu us",
		st.root.shared->nr_cids, opts.slice_ns / 1000);
	for (unsigned int cpu = 0; cpu < st.root.shared->nr_cpu_ids && cpu < CS_MAX_CIDS; cpu++)
		cs_dbg("cpu %u is cid %d", cpu, st.root.shared->cpu_to_cid[cpu]);


	st.cells = calloc(1, sizeof(*st.cells));
	if (!st.cells || cs_cells_init(st.cells, &st.root, &st.cfg, &si)) {
		ret = finish(&st, true) == CS_EXIT_OK ? CS_EXIT_CGROUP : CS_EXIT_FAILURE;
		goto out;
	}
	watch_parent(&st);
	ret = finish(&st, loop(&st));
out:
	free(st.cells);
	cs_root_destroy(&st.root);
	if (st.sfd >= 0)
		close(st.sfd);
	if (st.tfd >= 0)
		close(st.tfd);
	if (st.ifd >= 0)
		close(st.ifd);
out_config:
	cs_config_free(&st.cfg);
	return ret;
}
