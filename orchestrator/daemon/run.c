// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/run.c: `cellsched run`, the daemon.
 *
 * Order of start-up: kernel checked, configuration parsed and validated,
 * nothing touched yet; the state file locked (STATE.lock, held for the
 * daemon's lifetime: a second daemon stops here, busy); the CLI's runtime
 * changes restored from it (an unreadable file or changes that no longer
 * fit are reported and set aside; the YAML alone runs); control socket
 * claimed and opened; the metrics endpoint opened (when configured); root
 * loaded and attached; cell parent cgroup made;
 * then the tick loop. The loop waits on a
 * signalfd (SIGINT/SIGTERM: stop; SIGHUP: reload the configuration), an
 * inotify watch on the cell parent (cgroups created or removed there), the
 * control socket and its connections (requests, api.c; served without
 * blocking, ctl_server.c) and a timerfd tick (tick_ms). Each wake checks
 * that the root still runs; a tick, a signal, a cgroup event or an answered
 * request reconciles the cells (cells.c: also rebalancing resizable cells)
 * and logs the events the root queued; --stats adds each cell's latest
 * demand report. After each pass systemd hears whether the cells are up
 * (notify.c: READY=1 once every cell settled, STATUS=, the watchdog).
 *
 * An embedded scheduler that fails (an error exit) is loaded again with
 * backoff and given the cells (reload_root), at most CS_RELOAD_MAX times in
 * a row. Shutdown stops the children, removes the cgroups cellsched created
 * (when empty), detaches the root and reports the kernel's exit info; the
 * exit code says whether the root stopped because we asked (0) or not (7).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include "machine.h"
#include "daemon.h"
#include "kernel.h"
#include "lockfile.h"
#include "events.h"
#include "log.h"
#include "stats_catalog.h"
#include "root.h"
#include "state.h"

enum {
	CS_DETACH_TIMEOUT_MS	= 5000,	/* ms to wait for the kernel's exit info */
	CS_RELOAD_FIRST_MS	= 1000,	/* ms before the first reload of a failed scheduler */
	CS_RELOAD_MAX		= 5,	/* reloads in a row; at the next failure the daemon gives up */
	CS_RELOAD_STABLE_MS	= 60000, /* ms a scheduler must run to end a row of failures */
};

static const char run_usage[] =
	"usage: cellsched run [-c FILE] [--mode auto|native|embedded] [--slice-us N]\n"
	"                     [--stats SECONDS]\n"
	"  -c, --config FILE  cells to run (YAML); without it: the root cell only, plus\n"
	"                     cells found under the cell parent cgroup\n"
	"  --mode M           native (a sub-scheduler per cell, Linux 7.3+), embedded (one\n"
	"                     scheduler for all cells) or auto (default: the configuration's\n"
	"                     'mode', else what the kernel supports)\n"
	"  --slice-us N       root time slice in microseconds (100..100000, default 5000)\n"
	"  --stats SECONDS    print scheduler statistics every SECONDS (default: at exit)\n";

struct run_state {
	struct cs_daemon d;
	int sfd, tfd, ifd;
	int state_lock;		/* STATE.lock (lockfile.h), held for the daemon's lifetime */
	unsigned int stats_s;
	enum cs_mode cli_mode;	/* --mode */
	bool mode_set;
	unsigned int failures;	/* of the scheduler, in a row (reload_delay) */
	uint64_t loaded_ms;	/* when the running scheduler was attached */
};

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
		printf(" %s=%llu", cs_stat_root_key(i), v[i]);
	printf("\n");
	fflush(stdout);
}

/* The kernel's dump of the scheduler's state at an error exit, when it left one. */
static void print_dump(const struct cs_root *root)
{
	if (cs_root_exit_dump(root)[0])
		fprintf(stderr, "the kernel's dump of the scheduler's state:\n%s\n",
			cs_root_exit_dump(root));
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
	its.it_interval.tv_sec = st->d.cfg.tick_ms / 1000;
	its.it_interval.tv_nsec = (st->d.cfg.tick_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(st->tfd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

static void watch_parent(struct run_state *st)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", cs_cg_mount(), st->d.cfg.cell_parent) >=
	    (int)sizeof(path))
		errno = ENAMETOOLONG;
	else
		st->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (st->ifd < 0 || inotify_add_watch(st->ifd, path, IN_CREATE | IN_DELETE | IN_ONLYDIR) < 0)
		cs_warn("cannot watch %s (%s); cgroups there are found on the next tick", path,
			strerror(errno));
}

static void reload(struct run_state *st)
{
	char err[CS_ERR_MAX];

	if (!st->d.config_path) {
		cs_info("SIGHUP: no configuration file to reload");
		return;
	}
	cs_info("SIGHUP: reloading %s", st->d.config_path);
	if (cs_daemon_reload(&st->d, false, err, sizeof(err)))
		cs_err("%s", err);
}

/*
 * The CLI's runtime changes from the state file, over the YAML. A file that
 * cannot be read, or changes that no longer fit the YAML or the machine, are
 * reported; the YAML alone runs, and set_aside() keeps the file under another
 * name once this daemon is sure to run (its control socket is up): nothing is
 * lost, and a second `cellsched run` never touches the running one's file.
 * Returns true when the file must be set aside.
 */
static bool restore_state(struct cs_daemon *d, const struct cs_sysinfo *si)
{
	char err[CS_ERR_MAX] = "";
	struct cs_config merged;
	const char *path = d->yaml.state_file;
	int ret;

	ret = cs_state_load(path, &d->state, err, sizeof(err));
	if (ret) {
		cs_err("cannot use the runtime changes: %s", err);
	} else if (d->state.nr) {
		ret = cs_state_apply(&d->yaml, &d->state, &merged);
		if (!ret) {
			ret = cs_config_check(&merged, si, err, sizeof(err));
			if (ret)
				cs_err("the runtime changes in %s no longer fit the configuration: %s",
				       path, err);
			cs_config_free(&merged);
		}
	}
	if (ret) {
		cs_state_free(&d->state);
		return true;
	}
	if (d->state.nr)
		cs_info("restored %u runtime change%s from %s", d->state.nr,
			d->state.nr == 1 ? "" : "s", path);
	return false;
}

static void set_aside(const char *path)
{
	char aside[CS_PATH_MAX + 32];
	int err = cs_state_set_aside(path, aside, sizeof(aside));

	if (!err)
		cs_err("kept the old file as %s; running the YAML configuration alone", aside);
	else if (err != -ENOENT)
		cs_err("could not rename %s aside (%s); the next change through the CLI will "
		       "replace it", path, strerror(-err));
}

/* The signalfd was readable: true for a stop signal; SIGHUP reloads. */
static bool take_signal(struct run_state *st)
{
	struct signalfd_siginfo si;

	if (read(st->sfd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (si.ssi_signo != SIGHUP) {
		cs_info("received %s, detaching", strsignal(si.ssi_signo));
		return true;
	}
	reload(st);
	return false;
}

/* Once a second: how busy the root cell's CPUs were (`cells` shows it). */
static void sample_root_util(struct cs_daemon *d)
{
	struct cs_cpus rc;

	if (cs_now_ms() - d->root_util_ms < 1000)
		return;
	d->root_util_ms = cs_now_ms();
	cs_cells_root_cpus(d->cells, &rc);
	if (cs_util_sample(&d->root_util, &rc, "/proc/stat"))
		d->root_util.pct = -1;
}

/*
 * Run until a stop signal (returns true) or the root exits by itself (false).
 * One poll waits for signals, the tick, the cell parent's cgroups and every
 * control connection (until the first one's deadline); nothing in a wake
 * blocks. A wake for connection traffic alone reconciles only when a request
 * was answered.
 */
static bool loop(struct run_state *st)
{
	struct pollfd pfd[4 + 1 + CS_CTL_MAX_CONNS];
	uint64_t last_stats = cs_now_ms(), expirations;
	char evbuf[4096];

	cs_cells_reconcile(st->d.cells, cs_now_ms());
	for (;;) {
		bool work = false;
		unsigned int n = 4;

		pfd[0] = (struct pollfd){ .fd = st->sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = st->tfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = st->ifd, .events = POLLIN };	/* -1: none */
		pfd[3] = (struct pollfd){ .fd = cs_metrics_fd(&st->d.metrics), .events = POLLIN };
		n += cs_ctl_pollfds(&st->d.ctl, pfd + 4);
		if (poll(pfd, n, cs_ctl_timeout_ms(&st->d.ctl)) < 0) {
			if (errno == EINTR)
				continue;
			cs_err("poll: %s", strerror(errno));
			return true;
		}
		if (pfd[0].revents & POLLIN) {
			if (take_signal(st))
				return true;
			work = true;
		}
		if (pfd[1].revents & POLLIN)
			work |= read(st->tfd, &expirations, sizeof(expirations)) > 0;
		if (st->ifd >= 0 && pfd[2].revents & POLLIN)
			while (read(st->ifd, evbuf, sizeof(evbuf)) > 0) {
				cs_cells_mark_dirty(st->d.cells);
				work = true;
			}
		if (cs_root_exited(&st->d.root))
			return false;
		if (pfd[3].revents & POLLIN || pfd[1].revents & POLLIN)
			cs_metrics_serve(&st->d.metrics);	/* (the tick: its idle timeouts) */
		work |= cs_ctl_serve(&st->d.ctl, cs_daemon_handle, &st->d) > 0;
		if (st->d.stop)
			return true;
		if (!work)
			continue;
		/* events first: a CPU that went offline is planned around in this pass */
		cs_cells_drain_events(st->d.cells);
		cs_cells_tick(st->d.cells, cs_now_ms());
		sample_root_util(&st->d);
		cs_notify_pass(&st->d.notify, st->d.cells, cs_now_ms());
		if (st->stats_s && cs_now_ms() - last_stats >= st->stats_s * 1000ULL) {
			last_stats = cs_now_ms();
			print_stats(&st->d.root);
			cs_cells_print_demand(st->d.cells);
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

/*
 * A `cellsched stop` waiting for its answer gets it now that everything is
 * detached: the kernel's exit reason, or the error. Returns @code.
 */
static int answer_stop(struct run_state *st, int code, const char *exit_text)
{
	json_object *res = NULL;

	if (!code) {
		res = json_object_new_object();
		json_object_object_add(res, "detached", json_object_new_boolean(1));
		json_object_object_add(res, "exit", json_object_new_string(exit_text));
	}
	cs_ctl_answer_later(&st->d.ctl, res, code, exit_text);
	return code;
}

static int finish(struct run_state *st, bool requested)
{
	struct cs_exit_info ei;
	char text[1400];
	int err;

	cs_notify_stopping();
	cs_ctl_stop_listening(&st->d.ctl);	/* a `stop` waiting keeps its connection */
	if (st->d.cells)
		cs_cells_shutdown(st->d.cells);
	err = cs_root_detach(&st->d.root, CS_DETACH_TIMEOUT_MS);
	print_stats(&st->d.root);
	if (err) {
		snprintf(text, sizeof(text), "the kernel recorded no exit within %d ms of detaching",
			 CS_DETACH_TIMEOUT_MS);
		cs_err("%s", text);
		return answer_stop(st, CS_EXIT_FAILURE, text);
	}
	cs_root_exit_info(&st->d.root, &ei);
	cs_exit_format(&ei, text, sizeof(text));
	if (cs_exit_is_error(ei.kind)) {
		print_dump(&st->d.root);
		cs_err("root scheduler exited with an error: %s", text);
		return answer_stop(st, CS_EXIT_SCHED_ERROR, text);
	}
	if (!requested) {
		cs_err("root scheduler was stopped from outside cellsched: %s", text);
		return answer_stop(st, CS_EXIT_SCHED_ERROR, text);
	}
	cs_info("root scheduler exited: %s", text);
	return answer_stop(st, CS_EXIT_OK, text);
}

/*
 * The scheduler exited by itself: load it again, after how many ms? Only an
 * embedded scheduler that failed (a BPF error, a stall: every cell went
 * down with it), and not once CS_RELOAD_MAX reloads in a row failed too
 * (each within CS_RELOAD_STABLE_MS of its start): -1, the daemon ends (7).
 * The delay doubles with each failure in the row.
 */
static long reload_delay(struct run_state *st)
{
	struct cs_exit_info ei;

	cs_root_exit_info(&st->d.root, &ei);
	if (st->d.mode != CS_MODE_EMBEDDED || !cs_exit_is_error(ei.kind))
		return -1;
	if (cs_now_ms() - st->loaded_ms >= CS_RELOAD_STABLE_MS)
		st->failures = 0;
	if (++st->failures > CS_RELOAD_MAX) {
		cs_err("the scheduler failed %u times in a row, each time within %d s of its "
		       "start: not loading it again", st->failures, CS_RELOAD_STABLE_MS / 1000);
		return -1;
	}
	return (long)CS_RELOAD_FIRST_MS << (st->failures - 1);
}

/* Wait @ms, answering signals only: true when told to stop. */
static bool reload_wait(struct run_state *st, long ms, const char *status)
{
	struct pollfd pfd = { .fd = st->sfd, .events = POLLIN };
	uint64_t until = cs_now_ms() + (uint64_t)ms, now;
	struct signalfd_siginfo si;
	int timeout;

	while ((now = cs_now_ms()) < until) {
		cs_notify_status(&st->d.notify, status, now);
		timeout = (int)(until - now);
		if (st->d.notify.watchdog_ms && (uint64_t)timeout > st->d.notify.watchdog_ms / 2)
			timeout = (int)(st->d.notify.watchdog_ms / 2);
		if (poll(&pfd, 1, timeout) <= 0 || read(st->sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGHUP) {
			cs_info("received %s while the scheduler was down", strsignal(si.ssi_signo));
			return true;
		}
		cs_warn("SIGHUP: no reload while the scheduler is down; send it again once it "
			"is back");
	}
	return false;
}

/*
 * The scheduler failed and reload_delay() said to load it again: report
 * the failure, wait, load and attach a new one, and hand the cells over to
 * it (their cgroups and cpusets stay throughout, so their tasks stay on
 * their CPUs under the kernel's scheduler meanwhile). The old one goes
 * first: every load maps the arena at the same fixed address.
 * Returns -1 when the new one runs, else the daemon's exit code.
 */
static int reload_root(struct run_state *st, struct cs_root_opts *opts, long delay)
{
	struct cs_daemon *d = &st->d;
	struct cs_exit_info ei;
	char text[1400], status[96];
	int err;

	err = cs_root_detach(&d->root, CS_DETACH_TIMEOUT_MS);	/* until another may attach */
	cs_root_exit_info(&d->root, &ei);
	cs_exit_format(&ei, text, sizeof(text));
	print_dump(&d->root);
	cs_err("the scheduler failed: %s", text);
	if (err)
		return finish(st, false);
	print_stats(&d->root);
	cs_warn("every cell's tasks run under the kernel's scheduler, on their cells' CPUs, "
		"until the scheduler is loaded again in %ld ms (reload %u of at most %d in a "
		"row)", delay, st->failures, CS_RELOAD_MAX);
	snprintf(status, sizeof(status), "scheduler failed (%u in a row); loading it again",
		 st->failures);
	if (reload_wait(st, delay, status))
		return finish(st, true);

	cs_cells_let_go(d->cells);
	cs_root_destroy(&d->root);
	err = cs_root_load(&d->root, opts);
	if (!err)
		err = cs_root_attach(&d->root);
	if (err) {
		cs_err("loading the scheduler again failed: %s", strerror(-err));
		cs_notify_stopping();
		cs_cells_shutdown(d->cells);
		cs_root_destroy(&d->root);
		return err == -EBUSY || err == -EEXIST ? CS_EXIT_BUSY : CS_EXIT_BPF;
	}
	cs_cells_forget(d->cells);
	st->loaded_ms = cs_now_ms();
	d->root_restarts++;
	cs_info("scheduler loaded again (%llu since the start); adding the cells to it",
		(unsigned long long)d->root_restarts);
	return -1;
}

/* The machine's topology, or the configuration's override. */
static int read_topology(struct cs_daemon *d, const struct cs_sysinfo *si, struct cs_topo *out)
{
	char err[CS_ERR_MAX], desc[128];
	int ret;

	ret = cs_topo_read(CS_SYSFS "/devices/system/cpu", &si->online, &d->machine_topo);
	if (ret)
		cs_warn("cannot read the CPU topology (%s): every CPU counts as its own core",
			strerror(-ret));
	if (cs_config_topology(&d->cfg, &si->online, &d->machine_topo, out, err, sizeof(err))) {
		cs_err("%s", err);
		return CS_EXIT_CONFIG;
	}
	cs_info("topology: %s%s", cs_topo_describe(out, desc, sizeof(desc)),
		d->cfg.nr_topo_cores || d->cfg.nr_topo_llcs ? " (from the configuration)" : "");
	return CS_EXIT_OK;
}

/* The command line into @st and @opts: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct run_state *st, struct cs_root_opts *opts)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "slice-us", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 'k' },
		{ 0 },
	};
	unsigned long val;
	int c;

	opterr = 0;	/* one line per mistake, ours */
	while ((c = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			st->d.config_path = optarg;
			break;
		case 's':
			if (parse_uint("--slice-us", optarg, CS_ROOT_SLICE_NS_MIN / 1000,
				       CS_ROOT_SLICE_NS_MAX / 1000, &val))
				return CS_EXIT_USAGE;
			opts->slice_ns = val * 1000ULL;
			break;
		case 'S':
			if (parse_uint("--stats", optarg, 1, 86400, &val))
				return CS_EXIT_USAGE;
			st->stats_s = val;
			break;
		case 'm':
			if (cs_mode_parse(optarg, &st->cli_mode)) {
				cs_err("run: unknown --mode '%s' (known: auto, native, embedded)",
				       optarg);
				return CS_EXIT_USAGE;
			}
			st->mode_set = true;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return CS_EXIT_OK;
		case 'j':
			cs_err("run: --json is for the commands that ask the daemon; run prints its log");
			return CS_EXIT_USAGE;
		case 'k':
			cs_err("run: --socket is where the commands find the daemon; run listens on "
			       "the configuration's control.socket");
			return CS_EXIT_USAGE;
		case ':':
			cs_err("run: %s needs a value", argv[optind - 1]);
			return CS_EXIT_USAGE;
		default:
			cs_err("run: unknown option '%s' (cellsched run --help lists them)",
			       argv[optind - 1]);
			return CS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cs_err("run: unexpected argument '%s'", argv[optind]);
		return CS_EXIT_USAGE;
	}
	return -1;
}

/* The mode (mode.h) on this kernel, said in the log with the reason. */
static int choose_mode(struct run_state *st)
{
	struct cs_daemon *d = &st->d;
	int ret;

	ret = cs_machine_mode(&d->yaml, st->cli_mode, st->mode_set, CS_MODE_FOR_RUN, &d->mode,
			      d->mode_why, sizeof(d->mode_why));
	if (ret)
		return ret;
	cs_info("mode %s: %s", cs_mode_name(d->mode), d->mode_why);
	return CS_EXIT_OK;
}

/* Can this machine run a scheduler of ours (the kernel checked first): root, cgroup2? */
static int check_machine(struct run_state *st)
{
	int ret = choose_mode(st);

	if (ret == CS_EXIT_OK && geteuid() != 0) {
		cs_err("loading a scheduler needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
		ret = CS_EXIT_PERM;
	}
	if (ret == CS_EXIT_OK && !cs_cg_mount()[0]) {
		cs_err("no cgroup2 file system is mounted (cells are cgroups)");
		ret = CS_EXIT_CGROUP;
	}
	return ret;
}

/* The state file is this daemon's alone (STATE.lock); another holding it is "busy". */
static int lock_state(struct run_state *st)
{
	char err[CS_ERR_MAX];
	int ret;

	ret = cs_state_lock(st->d.yaml.state_file, &st->state_lock, err, sizeof(err));
	if (ret)
		cs_err("%s", err);
	return !ret ? CS_EXIT_OK : ret == -EBUSY ? CS_EXIT_BUSY : CS_EXIT_FAILURE;
}

/* The metrics endpoint, when configured; a port taken is a failure (1). */
static int listen_metrics(struct cs_daemon *d)
{
	char err[CS_ERR_MAX];

	if (!cs_metrics_start(&d->metrics, d->cfg.metrics_listen, d, err, sizeof(err)))
		return CS_EXIT_OK;
	cs_err("%s", err);
	return CS_EXIT_FAILURE;
}

/* The control socket (SOCKET.lock, then the socket); another daemon there is "busy". */
static int listen_socket(struct cs_daemon *d)
{
	char err[CS_ERR_MAX];

	if (!cs_ctl_listen(&d->ctl, d->cfg.socket, d->cfg.group, err, sizeof(err)))
		return CS_EXIT_OK;
	cs_err("%s", err);
	return d->cfg.group[0] && strstr(err, "control.group") ? CS_EXIT_CONFIG :
	       strstr(err, "another cellsched") ? CS_EXIT_BUSY : CS_EXIT_FAILURE;
}

/*
 * Everything that can be checked is, before anything is touched: the
 * kernel, the configuration, the machine; then the state file is locked (of two daemons
 * starting at once, the second stops here and touches nothing), the
 * runtime changes restored, the topology read and the control socket
 * claimed. A state file that could not be used is set aside only then, once
 * this daemon is sure to run.
 */
static int prepare(struct run_state *st, struct cs_sysinfo *si, struct cs_topo *topo)
{
	struct cs_daemon *d = &st->d;
	bool aside = false;
	int ret;

	d->started_ms = cs_now_ms();
	ret = check_kernel();	/* first: a kernel that cannot run us says so before the file */
	if (ret == CS_EXIT_OK)
		ret = cs_load_config(d->config_path, &d->yaml, si);
	if (ret == CS_EXIT_OK)
		ret = check_machine(st);
	if (ret == CS_EXIT_OK)
		ret = lock_state(st);
	if (ret)
		return ret;
	aside = restore_state(d, si);
	if (cs_state_apply(&d->yaml, &d->state, &d->cfg))
		return CS_EXIT_FAILURE;
	ret = read_topology(d, si, topo);
	if (ret == CS_EXIT_OK)
		ret = listen_socket(d);
	if (ret == CS_EXIT_OK)
		ret = listen_metrics(d);
	if (ret == CS_EXIT_OK && aside)
		set_aside(d->yaml.state_file);
	return ret;
}

/* Load and attach the root, make the cell parent, run the loop, detach: the exit code. */
static int run(struct run_state *st, struct cs_root_opts *opts,
	       const struct cs_sysinfo *si, const struct cs_topo *topo)
{
	struct cs_daemon *d = &st->d;
	int ret;

	if (setup_fds(st)) {
		cs_err("setting up signal and timer handling failed: %s", strerror(errno));
		return CS_EXIT_FAILURE;
	}
	opts->embedded = d->mode == CS_MODE_EMBEDDED;
	ret = cs_root_load(&d->root, opts);
	if (ret)
		return ret == -EPERM ? CS_EXIT_PERM : CS_EXIT_BPF;
	ret = cs_root_attach(&d->root);
	if (ret)
		return (ret == -EBUSY || ret == -EEXIST) ? CS_EXIT_BUSY : CS_EXIT_BPF;
	cs_info("%s scheduler 'cellsched' attached: %u %s, slice %llu us",
		opts->embedded ? "embedded" : "root", d->root.shared->nr_cids,
		opts->embedded ? "CPUs" : "cids", opts->slice_ns / 1000);
	for (unsigned int cpu = 0; cpu < d->root.shared->nr_cpu_ids && cpu < CS_MAX_CIDS; cpu++)
		cs_dbg("cpu %u is cid %d", cpu, d->root.shared->cpu_to_cid[cpu]);
	cs_info("control socket %s", d->ctl.path);

	d->cells = calloc(1, sizeof(*d->cells));
	if (!d->cells || cs_cells_init(d->cells, &d->root, &d->cfg, si, topo))
		return finish(st, true) == CS_EXIT_OK ? CS_EXIT_CGROUP : CS_EXIT_FAILURE;
	watch_parent(st);
	cs_cells_set_watch(d->cells, st->ifd);
	cs_notify_init(&d->notify);
	d->root_util.pct = -1;
	st->loaded_ms = cs_now_ms();
	for (;;) {
		bool requested = loop(st);
		long delay = requested ? -1 : reload_delay(st);

		if (delay < 0)
			return finish(st, requested);
		ret = reload_root(st, opts, delay);
		if (ret >= 0)
			return ret;
	}
}

static void cleanup(struct run_state *st)
{
	cs_metrics_stop(&st->d.metrics);
	cs_ctl_close(&st->d.ctl);
	free(st->d.cells);
	cs_root_destroy(&st->d.root);
	if (st->sfd >= 0)
		close(st->sfd);
	if (st->tfd >= 0)
		close(st->tfd);
	if (st->ifd >= 0)
		close(st->ifd);
	cs_config_free(&st->d.cfg);
	cs_config_free(&st->d.yaml);
	cs_state_free(&st->d.state);
	cs_lockfile_release(&st->state_lock);	/* last: nothing of ours is left to guard */
	cs_events_stop();
}

int cs_cmd_run(int argc, char **argv)
{
	struct cs_root_opts opts = { .slice_ns = CS_ROOT_SLICE_NS_DFL };
	struct run_state st = { .sfd = -1, .tfd = -1, .ifd = -1, .state_lock = -1 };
	struct cs_sysinfo si;
	struct cs_topo topo;
	int ret;

	ret = parse_args(argc, argv, &st, &opts);
	if (ret >= 0)
		return ret;
	cs_events_start();	/* from here on what is logged is kept for `cellsched events` */
	ret = prepare(&st, &si, &topo);
	if (ret == CS_EXIT_OK)
		ret = run(&st, &opts, &si, &topo);
	cleanup(&st);
	return ret;
}
