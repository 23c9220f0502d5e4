// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/client.c: the CLI verbs that talk to a running daemon over its
 * control socket (ctl_client.h): status, cells, cell show|create|resize|delete|assign,
 * rebalance, reload, stats, stop.
 *
 * Each verb parses its own options, sends one request and prints the answer
 * as a table for people, or as the daemon's JSON with --json. What the
 * command line alone shows to be wrong (an unknown option, a bad CPU list, an
 * unknown policy, --cpus with --min) is refused here, before any request, and
 * `VERB --help` prints the verb's usage without asking the daemon. Every
 * mistake is one error line, or with --json one JSON object on stdout
 * ({"ok": false, "exit": N, "error": "..."}, as the daemon answers). The
 * daemon's refusals come back with their exit code (core/exit_codes.h),
 * which becomes ours.
 * Names and values in the tables are printed escaped (escape.h): a cell may
 * be a cgroup someone named with control characters.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "answer.h"
#include "cli.h"
#include "config.h"
#include "cpus.h"
#include "ctl_client.h"
#include "escape.h"
#include "log.h"
#include "policies.h"
#include "stats.h"
#include "tables.h"

static const char client_usage[] =
	"usage: cellsched [--socket PATH] [--json] VERB ...\n"
	"  status                         the daemon, the kernel, the partition\n"
	"  cells [-o COLUMNS]             one line per cell, then the root cell\n"
	"  cell show NAME                 everything about a cell\n"
	"  cell create NAME (--cpus LIST | [--min N] [--max N] [--weight W])\n"
	"                   [--policy P] [--cgroup PATH] [--set TUNABLE=VALUE]...\n"
	"                   [--lend | --no-lend]  idle CPUs to the root cell (default:\n"
	"                                         on if sized by cellsched, off if --cpus)\n"
	"  cell resize NAME (--cpus LIST | [--min N] [--max N] [--weight W])\n"
	"  cell delete NAME\n"
	"  cell assign NAME (--pid PID | --cgroup PATH)\n"
	"  rebalance [--dry-run]          re-plan the resizable cells now\n"
	"  reload [--reset]               re-read the YAML (--reset: drop the CLI's changes)\n"
	"  stats [--watch S] [--format F] scheduler counters per cell; --describe: the fields\n"
	"  events [--follow]              what happened, with times\n"
	"  stop                           detach everything, end the daemon; answers once done\n";

/* Each verb's own usage, for `VERB --help` (the verb's words as given, e.g. "cell resize"). */
static const struct {
	const char *verb, *usage;
} verb_usage[] = {
	{ "status", "usage: cellsched status [--json]\n"
		    "  the daemon, its mode, the kernel, the partition\n" },
	{ "cells", "usage: cellsched cells [-o COLUMNS] [--json]\n"
		   "  one line per cell, then the root cell's\n"
		   "  -o, --output COLUMNS  which, in that order (default NAME,CPUS,N,MODE,POLICY,\n"
		   "                        STATE,RUNNABLE,UTIL%,ORIGIN; also CGROUP, MAXWAIT_US,\n"
		   "                        LENT_S, FAILURES, RESTARTS)\n" },
	{ "cell show", "usage: cellsched cell show NAME [--json]\n"
		       "  everything about a cell: policy, tunables, demand, counters\n" },
	{ "cell create", "usage: cellsched cell create NAME (--cpus LIST | [--min N] [--max N] "
			 "[--weight W])\n"
			 "                   [--policy P] [--cgroup PATH] [--set TUNABLE=VALUE]...\n"
			 "                   [--lend | --no-lend]\n"
			 "  --cpus LIST   fixed CPUs (\"2-3,6\"); or --min/--max/--weight: sized by\n"
			 "                cellsched between min and max CPUs, shared by weight\n"
			 "  --policy P    fifo (default), vtime, latency, external\n"
			 "  --cgroup PATH the cell's cgroup under the cell parent (default NAME)\n"
			 "  --set T=V     a tunable of the policy (cell show lists them)\n"
			 "  --lend        idle CPUs run the root cell's tasks until the cell wants\n"
			 "                them (default: on if sized by cellsched, off with --cpus)\n" },
	{ "cell adopt", "usage: cellsched cell adopt PATH [--name NAME] [--cpus LIST|inherit|--min N "
			"...]\n"
			"                   [--policy P] [--set TUNABLE=VALUE]... [--lend | --no-lend]\n"
			"  make the existing cgroup PATH (\"/system.slice/web.service\") a cell in place:\n"
			"  no process moves, its limits stay, its owner keeps it; cellsched never\n"
			"  removes it, and puts back its cpuset.cpus when the cell goes\n"
			"  --name NAME   the cell's name (default: PATH's last component)\n"
			"  --cpus inherit  the CPUs its owner writes into its cpuset.cpus (default);\n"
			"                or fixed CPUs, or --min/--max/--weight, as for cell create\n" },
	{ "cell resize", "usage: cellsched cell resize NAME (--cpus LIST | [--min N] [--max N] "
			 "[--weight W])\n" },
	{ "cell delete", "usage: cellsched cell delete NAME\n"
			 "  a cell made by the YAML or the CLI; its tasks go to the root cell\n" },
	{ "cell assign", "usage: cellsched cell assign NAME (--pid PID | --cgroup PATH)\n"
			 "  moves the process, or every process of the cgroup, into the cell's\n"
			 "  cgroup: they leave their own cgroup, so its memory, pids and CPU limits\n"
			 "  no longer apply, and its owner (systemd, a container runtime) loses\n"
			 "  track of them; `cell adopt` makes their cgroup a cell instead\n" },
	{ "cell", "usage: cellsched cell show|create|adopt|resize|delete|assign NAME ...\n"
		  "  `cellsched cell SUBCOMMAND --help` for each\n" },
	{ "rebalance", "usage: cellsched rebalance [--dry-run] [-o COLUMNS] [--json]\n"
		       "  re-plan the resizable cells now (--dry-run: show the plan only)\n"
		       "  -o, --output COLUMNS  which, in that order (NAME,CPUS,NEXT,WANT,TARGET,\n"
		       "                        RUNNABLE,UTIL%,NOTE)\n" },
	{ "reload", "usage: cellsched reload [--reset] [--json]\n"
		    "  re-read the YAML (--reset: and drop the CLI's changes)\n" },
	{ "stats", "usage: cellsched stats [--watch SECONDS] [--format text|openmetrics] [--json]\n"
		   "       cellsched stats --describe\n"
		   "  the daemon's counters and gauges, the root cell's and each cell's\n"
		   "  --watch S    every S seconds (1..86400) until ^C, with the time and each\n"
		   "               counter's rate per second since the previous answer\n"
		   "  --format F   text (default) or openmetrics (for node_exporter's textfile\n"
		   "               collector; the metrics endpoint serves the same)\n"
		   "  --describe   every field: kind, unit, OpenMetrics name, meaning\n" },
	{ "events", "usage: cellsched events [--follow] [--json]\n"
		    "  what happened, with times: the daemon's last 512 messages (cells added,\n"
		    "  resized, removed, policies attached, failed, restarted, CPUs offline, reloads)\n"
		    "  --follow  then print new ones as they come, until ^C\n" },
	{ "stop", "usage: cellsched stop [--json]\n  detach everything and end the daemon; answers once"
		  " every scheduler is detached\n" },
};

struct client {
	const char *socket;
	bool json;
};

static int client_fail(const struct client *cl, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One mistake, one line: plain on stderr, or a JSON error object on stdout with --json. */
static int client_fail(const struct client *cl, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cl->json)
		cli_print_json_error(code, msg);
	else
		cs_err("%s", msg);
	return code;
}

/* Send @req (consumed); on success *@result is the answer's result (caller puts @resp). */
static int call(struct client *cl, json_object *req, json_object **resp, json_object **result)
{
	char err[512];
	json_object *ok;
	int ret;

	*result = NULL;
	ret = cs_ctl_request(cl->socket, req, resp, err, sizeof(err));
	json_object_put(req);
	if (ret) {
		switch (ret) {
		case -ENOENT: case -ECONNREFUSED:
			return client_fail(cl, CS_EXIT_NO_DAEMON, "%s", err);
		case -EACCES: case -EPERM:
			return client_fail(cl, CS_EXIT_PERM, "%s", err);
		case -ENAMETOOLONG:
			return client_fail(cl, CS_EXIT_USAGE, "%s", err);
		default:	/* it answered badly, or not in time */
			return client_fail(cl, CS_EXIT_FAILURE, "%s", err);
		}
	}
	if (!json_object_object_get_ex(*resp, "ok", &ok) || !json_object_get_boolean(ok)) {
		int code = (int)cli_num(*resp, "exit");

		code = code > 0 && code < 64 ? code : CS_EXIT_FAILURE;
		if (cl->json)
			cli_print_json(*resp);	/* the daemon's own error object */
		else
			client_fail(cl, code, "%s", cli_str(*resp, "error"));
		json_object_put(*resp);
		*resp = NULL;
		return code;
	}
	json_object_object_get_ex(*resp, "result", result);
	return CS_EXIT_OK;
}

static json_object *request(const char *cmd)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cmd", json_object_new_string(cmd));
	return o;
}

static void print_status(json_object *r)
{
	printf("cellsched %s, pid %lld, up %lld s\n", cli_str(r, "version"), cli_num(r, "pid"),
	       cli_num(r, "uptime_s"));
	printf("config:      %s\n", cli_str(r, "config")[0] ? cli_str(r, "config") : "(built-in)");
	printf("changes:     %lld made by the CLI, kept in %s\n", cli_num(r, "runtime_changes"),
	       cli_str(r, "state_file"));
	printf("sched_ext:   %s, root scheduler '%s'\n", cli_str(r, "sched_ext"), cli_str(r, "root_ops"));
	printf("mode:        %s (%s)\n", cli_str(r, "mode"), cli_str(r, "mode_reason"));
	printf("cells:       %lld under cgroup %s\n", cli_num(r, "cells"), cli_str(r, "cell_parent"));
	printf("CPUs:        online %s, root cell %s\n", cli_str(r, "online_cpus"),
	       cli_str(r, "root_cell_cpus"));
	printf("topology:    %s\n", cli_str(r, "topology"));
	printf("tick:        %lld ms\n", cli_num(r, "tick_ms"));
	if (cli_str(r, "plan_error")[0])
		printf("planner:     %s\n", cli_str(r, "plan_error"));
}

static void print_object(const char *indent, json_object *o)
{
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_object)) {
			printf("%s%s:\n", indent, cli_esc(key));
			print_object("    ", val);
		} else {
			printf("%s%-14s %s\n", indent, cli_esc(key),
			       val ? cli_esc(json_object_get_string(val)) : "-");
		}
	}
}

/* "TIME LEVEL MESSAGE", a line per event; a gap when some were no longer kept */
static void print_events(json_object *r)
{
	json_object *arr;
	char when[40];

	if (cli_num(r, "lost"))
		printf("(%lld earlier events are no longer kept)\n", cli_num(r, "lost"));
	if (!json_object_object_get_ex(r, "events", &arr))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		double t = cli_dbl(e, "time");
		time_t s = (time_t)t;

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", localtime(&s));
		printf("%s.%03d %-7s %s\n", when, (int)((t - (double)s) * 1000), cli_str(e, "level"),
		       cli_str(e, "message"));
	}
}

/* `stop` is answered once the daemon detached everything */
static void print_stopped(json_object *r)
{
	printf("cellsched stopped: every scheduler detached (%s)\n", cli_str(r, "exit"));
}

static int print_plan(json_object *r, const char *cols)
{
	json_object *v;
	bool dry = json_object_object_get_ex(r, "dry_run", &v) && json_object_get_boolean(v);

	if (cli_table_print(CLI_TABLE_PLAN, r, cols))
		return CS_EXIT_FAILURE;
	printf(dry ? "dry run: nothing changed\n" : "applied\n");
	return CS_EXIT_OK;
}

/* The option getopt stopped at, as the user wrote it (opterr is 0: we say it once). */
static const char *bad_option(char **argv)
{
	return argv[optind - 1] ? argv[optind - 1] : "?";
}

/*
 * What the command line alone shows about a create/resize request: a CPU
 * list that does not parse, --cpus beside a size range, min above max, a
 * policy that does not exist. The daemon checks everything again.
 */
static int check_cell_request(const struct client *cl, json_object *req)
{
	json_object *v;
	struct cs_cpus cpus;
	char why[200];
	bool range = false;
	long long min = -1, max = -1;

	if (json_object_object_get_ex(req, "min", &v))
		min = json_object_get_int64(v), range = true;
	if (json_object_object_get_ex(req, "max", &v))
		max = json_object_get_int64(v), range = true;
	range |= json_object_object_get_ex(req, "weight", &v);
	if (json_object_object_get_ex(req, "cpus", &v)) {
		const char *list = json_object_get_string(v);

		/* inherit: its cgroup's CPUs, as its owner writes them */
		if (strcmp(list, "inherit") && cs_cpus_parse(list, &cpus, why, sizeof(why)))
			return client_fail(cl, CS_EXIT_USAGE, "bad --cpus '%s': %s", cli_esc(list), why);
		if (strcmp(list, "inherit") && cs_cpus_empty(&cpus))
			return client_fail(cl, CS_EXIT_USAGE, "--cpus must name at least one CPU "
					   "(use 'cell delete' to remove a cell)");
		if (range)
			return client_fail(cl, CS_EXIT_USAGE, "--cpus (fixed CPUs) and --min/--max/"
					   "--weight (sized by cellsched) exclude each other");
	}
	if (min >= 0 && max >= 0 && min > max)
		return client_fail(cl, CS_EXIT_USAGE, "--min %lld is above --max %lld", min, max);
	if (json_object_object_get_ex(req, "policy", &v) &&
	    !cs_policy_find(json_object_get_string(v)))
		return client_fail(cl, CS_EXIT_USAGE, "unknown --policy '%s' (known: %s)",
				   cli_esc(json_object_get_string(v)), cs_policy_names());
	return CS_EXIT_OK;
}

/* A --set TUNABLE=NUMBER into @req's "tunables". */
static int set_tunable(const struct client *cl, json_object *req, char *arg)
{
	json_object *tun;
	char *end, *eq = strchr(arg, '=');
	long long v;

	errno = 0;
	v = eq ? strtoll(eq + 1, &end, 10) : 0;
	if (!eq || eq == arg || !eq[1] || *end || v < 0 || errno)
		return client_fail(cl, CS_EXIT_USAGE, "--set wants TUNABLE=NUMBER, not '%s'",
				   cli_esc(arg));
	*eq = '\0';
	if (!json_object_object_get_ex(req, "tunables", &tun)) {
		tun = json_object_new_object();
		json_object_object_add(req, "tunables", tun);
	}
	json_object_object_add(tun, arg, json_object_new_int64(v));
	return CS_EXIT_OK;
}

/* Options of the cell verbs, into @req. */
static int cell_options(struct client *cl, const char *sub, int argc, char **argv,
			json_object *req)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "min", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "weight", required_argument, NULL, 'w' },
		{ "policy", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "pid", required_argument, NULL, 'P' },
		{ "set", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "lend", no_argument, NULL, 'l' },
		{ "no-lend", no_argument, NULL, 'L' },
		{ "name", required_argument, NULL, 'n' },
		{ 0 },
	};
	char *end;
	long long v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			json_object_object_add(req, "cpus", json_object_new_string(optarg));
			break;
		case 'p':
			json_object_object_add(req, "policy", json_object_new_string(optarg));
			break;
		case 'g':
			json_object_object_add(req, "cgroup", json_object_new_string(optarg));
			break;
		case 'n':
			if (strcmp(sub, "adopt"))
				return client_fail(cl, CS_EXIT_USAGE, "cell %s: unknown option "
						   "'--name'", sub);
			json_object_object_add(req, "adopt_name", json_object_new_string(optarg));
			break;
		case 'j':
			cl->json = true;
			break;
		case 'l': case 'L':
			json_object_object_add(req, "lend", json_object_new_boolean(c == 'l'));
			break;
		case 's':
			if (set_tunable(cl, req, optarg))
				return CS_EXIT_USAGE;
			break;
		case 'm': case 'M': case 'w': case 'P':
			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0)
				return client_fail(cl, CS_EXIT_USAGE, "--%s wants a number, not '%s'",
						   c == 'm' ? "min" : c == 'M' ? "max" : c == 'w' ?
						   "weight" : "pid", cli_esc(optarg));
			json_object_object_add(req, c == 'm' ? "min" : c == 'M' ? "max" :
					       c == 'w' ? "weight" : "pid", json_object_new_int64(v));
			break;
		case ':':
			return client_fail(cl, CS_EXIT_USAGE, "%s needs a value", cli_esc(bad_option(argv)));
		default:
			return client_fail(cl, CS_EXIT_USAGE, "cell %s: unknown option '%s'", sub,
					   cli_esc(bad_option(argv)));
		}
	}
	/* getopt moved the operands last: the NAME, wherever it was written */
	if (optind >= argc)
		return client_fail(cl, CS_EXIT_USAGE, "cell %s: want a %s", sub,
				   strcmp(sub, "adopt") ? "cell NAME" : "cgroup PATH");
	if (optind + 1 < argc)
		return client_fail(cl, CS_EXIT_USAGE, "cell %s: unexpected argument '%s'", sub,
				   cli_esc(argv[optind + 1]));
	json_object_object_add(req, "name", json_object_new_string(argv[optind]));
	return check_cell_request(cl, req);
}

/*
 * `cell adopt PATH`: a `cell create` of the cgroup PATH (from the cgroup
 * mount: "/x/y", "x/y" or "/sys/fs/cgroup/x/y"), named --name or after
 * PATH's last component, inheriting its cpuset unless told otherwise.
 */
static int adopt_request(struct client *cl, json_object *req)
{
	const char *arg = cli_str(req, "name"), *p = arg, *last, *as = cli_str(req, "adopt_name");
	char cgroup[CS_CGPATH_MAX + 1], name[CS_NAME_MAX];
	json_object *v;

	if (!strncmp(p, "/sys/fs/cgroup/", 15))
		p += 14;
	while (p[0] == '/' && p[1] == '/')
		p++;
	if (snprintf(cgroup, sizeof(cgroup), "%s%s", p[0] == '/' ? "" : "/", p) >=
	    (int)sizeof(cgroup) - 1)
		return client_fail(cl, CS_EXIT_USAGE, "cell adopt: PATH is longer than %d characters",
				   CS_CGPATH_MAX - 2);
	last = strrchr(cgroup, '/') + 1;
	snprintf(name, sizeof(name), "%s", as[0] ? as : last);
	for (char *c = name; !as[0] && *c; c++)
		if (!cs_config_name_char(*c))
			*c = '_';
	if (!name[0])
		return client_fail(cl, CS_EXIT_USAGE, "cell adopt: '%s' names no cgroup below the "
				   "root", cli_esc(arg));
	json_object_object_add(req, "cgroup", json_object_new_string(cgroup));
	json_object_object_add(req, "name", json_object_new_string(name));
	json_object_object_del(req, "adopt_name");
	if (!json_object_object_get_ex(req, "cpus", &v) && !json_object_object_get_ex(req, "min", &v) &&
	    !json_object_object_get_ex(req, "max", &v) && !json_object_object_get_ex(req, "weight", &v))
		json_object_object_add(req, "cpus", json_object_new_string("inherit"));
	return CS_EXIT_OK;
}

static int cmd_cell(struct client *cl, int argc, char **argv)
{
	static const char *const subs[] = { "show", "create", "resize", "delete", "assign",
					    "adopt" };
	json_object *req, *resp = NULL, *res = NULL;
	char cmd[32] = "", name[1024];
	int ret;

	if (argc < 2)
		return client_fail(cl, CS_EXIT_USAGE, "cell: want a subcommand (show, create, "
				   "adopt, resize, delete, assign) and a name");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i]))
			snprintf(cmd, sizeof(cmd), "cell-%s", subs[i]);
	if (!cmd[0])
		return client_fail(cl, CS_EXIT_USAGE, "cell: unknown subcommand '%s'",
				   cli_esc(argv[1]));
	req = request(!strcmp(cmd, "cell-adopt") ? "cell-create" : cmd);
	ret = cell_options(cl, argv[1], argc - 1, argv + 1, req);
	if (!ret && !strcmp(cmd, "cell-adopt"))
		ret = adopt_request(cl, req);
	if (ret) {
		json_object_put(req);
		return ret;
	}
	snprintf(name, sizeof(name), "%s", cli_str(req, "name"));	/* escaped */
	ret = call(cl, req, &resp, &res);
	if (ret)
		return ret;
	if (cl->json)
		cli_print_json(res);
	else if (!strcmp(cmd, "cell-show"))
		print_object("", res);
	else if (!strcmp(cmd, "cell-delete"))
		printf("cell %s deleted\n", name);
	else if (!strcmp(cmd, "cell-assign"))
		printf("cell %s: moved %lld process%s\n", name, cli_num(res, "moved"),
		       cli_num(res, "moved") == 1 ? "" : "es");
	else
		printf("cell %s: CPUs %s, %s\n", cli_str(res, "name"), cli_str(res, "cpus"),
		       cli_str(res, "state"));
	json_object_put(resp);
	return CS_EXIT_OK;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The options of the verbs without a cell name (status, cells, rebalance, ...) */
struct verb_opts {
	json_object *extra;		/* fields added to the request */
	unsigned long watch;		/* s between answers; 0: one answer */
	bool openmetrics, describe, follow;
	const char *cols;		/* -o */
};

/* One mistake of a verb's options as its message: the exit code */
static int verb_mistake(struct client *cl, const char *verb, int c, char **argv)
{
	if (c == 'w' && !strcmp(verb, "stats"))
		return client_fail(cl, CS_EXIT_USAGE, "stats: --watch wants seconds 1..86400, "
				   "not '%s'", cli_esc(optarg));
	if (c == 'f' && !strcmp(verb, "stats"))
		return client_fail(cl, CS_EXIT_USAGE, "stats: --format wants text or openmetrics, "
				   "not '%s'", cli_esc(optarg));
	if (c == ':')
		return client_fail(cl, CS_EXIT_USAGE, "%s: %s needs a value", verb,
				   cli_esc(bad_option(argv)));
	return client_fail(cl, CS_EXIT_USAGE, "%s: unknown option '%s'", verb,
			   cli_esc(bad_option(argv)));
}

/* @argv's options into @o: 0, or the exit code (the mistake said) */
static int verb_options(struct client *cl, int argc, char **argv, struct verb_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "reset", no_argument, NULL, 'r' },
		{ "watch", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "describe", no_argument, NULL, 'D' },
		{ "follow", no_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ 0 },
	};
	const char *verb = argv[0];
	char why[512], *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		if (c == 'j')
			cl->json = true;
		else if (c == 'd' && !strcmp(verb, "rebalance"))
			json_object_object_add(o->extra, "dry_run", json_object_new_boolean(1));
		else if (c == 'r' && !strcmp(verb, "reload"))
			json_object_object_add(o->extra, "reset", json_object_new_boolean(1));
		else if (c == 'w' && !strcmp(verb, "stats") &&
			 (o->watch = strtoul(optarg, &end, 10)) > 0 && !*end && o->watch <= 86400)
			;
		else if (c == 'f' && !strcmp(verb, "stats") &&
			 (!strcmp(optarg, "text") || !strcmp(optarg, "openmetrics")))
			o->openmetrics = !strcmp(optarg, "openmetrics");
		else if (c == 'D' && !strcmp(verb, "stats"))
			o->describe = true;
		else if (c == 'F' && !strcmp(verb, "events"))
			o->follow = true;
		else if (c == 'o' && (!strcmp(verb, "cells") || !strcmp(verb, "rebalance")))
			o->cols = optarg;
		else
			return verb_mistake(cl, verb, c, argv);
	}
	if (optind != argc)
		return client_fail(cl, CS_EXIT_USAGE, "%s: unexpected argument '%s'", verb,
				   cli_esc(argv[optind]));
	if (o->cols && cli_table_check(verb[0] == 'c' ? CLI_TABLE_CELLS : CLI_TABLE_PLAN, o->cols,
				       why, sizeof(why)))
		return client_fail(cl, CS_EXIT_USAGE, "%s: -o: %s", verb, why);
	return 0;
}

/* The answer @res to @verb, as text or JSON; @prev: the one before (stats --watch). */
static int print_answer(const struct client *cl, const char *verb, json_object *res,
			json_object *prev, const struct verb_opts *o)
{
	if (cl->json)
		cli_print_json(res);
	else if (!strcmp(verb, "stats") && o->openmetrics)
		return cli_stats_openmetrics(res);
	else if (!strcmp(verb, "stats"))
		cli_stats_text(res, prev, o->watch);
	else if (!strcmp(verb, "status") || !strcmp(verb, "reload"))
		print_status(res);
	else if (!strcmp(verb, "cells"))
		return cli_table_print(CLI_TABLE_CELLS, res, o->cols);
	else if (!strcmp(verb, "rebalance"))
		return print_plan(res, o->cols);
	else if (!strcmp(verb, "stop"))
		print_stopped(res);
	else if (!strcmp(verb, "events"))
		print_events(res);
	return 0;
}

static int simple(struct client *cl, int argc, char **argv)
{
	const char *verb = argv[0];
	struct verb_opts o = { .extra = json_object_new_object() };
	json_object *resp = NULL, *res = NULL, *prev = NULL;
	long long after = 0;
	int ret;

	ret = verb_options(cl, argc, argv, &o);
	if (ret || o.describe) {	/* --describe: what the fields are, nothing to ask */
		if (!ret)
			cli_stats_describe();
		json_object_put(o.extra);
		return ret;
	}
	if (o.follow)
		o.watch = 1;	/* asks every second for what came since */
	if (o.watch) {	/* ^C ends the watch between two answers */
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	for (;;) {
		json_object *req = request(verb);

		json_object_object_foreach(o.extra, key, val)
			json_object_object_add(req, key, json_object_get(val));
		if (!strcmp(verb, "events"))
			json_object_object_add(req, "after", json_object_new_int64(after));
		ret = call(cl, req, &resp, &res);
		if (ret)
			break;
		ret = print_answer(cl, verb, res, prev, &o);
		after = cli_num(res, "next");
		json_object_put(prev);
		prev = json_object_get(res);
		json_object_put(resp);
		fflush(stdout);
		if (!o.watch || ret)
			break;
		for (unsigned long s = 0; s < o.watch && !interrupted; s++)
			sleep(1);
		if (interrupted)
			break;
		if (!cl->json && !o.follow)
			printf("\n");
	}
	json_object_put(prev);
	json_object_put(o.extra);
	return ret;
}

bool cs_is_client_verb(const char *verb)
{
	static const char *const verbs[] = { "status", "cells", "cell", "rebalance", "reload",
					     "stats", "events", "stop" };

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i]))
			return true;
	return false;
}

int cs_cmd_client(const char *socket, bool json, int argc, char **argv)
{
	struct client cl = { .socket = socket, .json = json };
	char words[64];

	/* VERB [SUB] ... --help: that verb's usage; nothing is asked of the daemon */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") && strcmp(argv[i], "--help"))
			continue;
		snprintf(words, sizeof(words), "%s%s%s", argv[0],
			 !strcmp(argv[0], "cell") && i > 1 ? " " : "",
			 !strcmp(argv[0], "cell") && i > 1 ? argv[1] : "");
		for (size_t v = 0; v < sizeof(verb_usage) / sizeof(verb_usage[0]); v++) {
			if (!strcmp(words, verb_usage[v].verb)) {
				fputs(verb_usage[v].usage, stdout);
				return CS_EXIT_OK;
			}
		}
		fputs(client_usage, stdout);
		return CS_EXIT_OK;
	}
	for (int i = 1; i < argc; i++)	/* a mistake before --json is seen still answers in JSON */
		cl.json |= !strcmp(argv[i], "--json");
	if (!strcmp(argv[0], "cell"))
		return cmd_cell(&cl, argc, argv);
	return simple(&cl, argc, argv);
}
