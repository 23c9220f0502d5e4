/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/config.h: cellsched's YAML configuration and its validation.
 *
 * Owns the schema (keys, types, defaults, ranges), parsing through libyaml
 * with the position of every value, and every check that can be made before
 * touching the kernel or the cgroup tree: names and cgroup paths, CPUs that
 * exist (online or not), the online ones inside the cell parent's cpuset, disjoint, the root cell keeping
 * root_cell.min_cpus. Errors read "FILE:LINE:COLUMN: message" and name the
 * rule broken. Pure except for reading the file: the system facts come in a
 * struct cs_sysinfo the caller fills (kernel.c) or a test makes up.
 * Prefix: cs_config.
 *
 * Schema (see configs/two-cells.yaml):
 *   tick_ms: 100              controller tick, 10..10000 ms
 *   cell_parent: cellsched    cgroup (relative to the cgroup2 mount) holding the cells
 *   state_file: /var/lib/cellsched/state.json   CLI-made changes (absolute path)
 *   control:
 *     socket: /run/cellsched/cellsched.sock     control socket (absolute path)
 *     group: NAME             group allowed besides root (socket mode 0660)
 *   metrics:
 *     listen: 127.0.0.1:9464  OpenMetrics endpoint (GET /metrics); off when absent
 *   on_stop: keep             when cellsched stops, cells that still have tasks keep
 *                             their cpusets (keep) or get the cell parent's CPUs (release)
 *   (state_file and socket: plain paths, not below /proc, /sys or /dev, apart:
 *   config_paths.c)
 *   root_cell:
 *     min_cpus: 1             CPUs the root cell always keeps, >= 1
 *   rebalance:                for cells with cpus: {min, max, weight}
 *     grow_pct: 90            utilisation at or above which a cell with waiting tasks grows
 *     shrink_pct: 50          utilisation below which a cell shrinks to what it uses
 *     cooldown_ms: 1000       a resized cell is left alone this long
 *   topology:                 override of the machine's (tests, odd machines)
 *     cores: ["0-1", "2-3"]   SMT siblings
 *     llcs: ["0-3"]           CPUs sharing a last-level cache
 *   cells:                    list, at most CS_MAX_CELLS
 *     - name: a               [A-Za-z0-9_.-], 1..63 characters, unique
 *       cgroup: a             below cell_parent, default: the name; no component
 *                             named like a cgroup file (cgroup.procs, cpu.max);
 *                             or absolute ("/system.slice/x.service"): any
 *                             cgroup, made a cell in place (it must exist
 *                             outside the cell parent: cellsched creates none there)
 *       cpus: "1-2"           fixed CPU list, non-empty; or resizable:
 *       cpus: {min: 1, max: 4, weight: 100}   the controller picks the CPUs
 *       cpus: inherit         the cgroup's own cpuset.cpus, as its owner writes it
 *       policy: fifo          child policy, default fifo
 *       lend: true            idle CPUs run root-cell tasks until the cell wants
 *                             them; default true if resizable, false if fixed
 *       slice_us: 5000        ... and the policy's tunables (policies.c), by name
 *   rules:                    cells made of cgroups as they come (config_rules.c)
 *     - name: g               as a cell's name; the cells are "g.<cgroup's name>"
 *       match: /k.slice/k-pod?.slice/c?.scope   absolute glob, per path component
 *       exclude: ["/k.slice/x.slice"]   globs of cgroups that are not cells
 *       cell_at: /k.slice/k-pod*.slice   leading components of match: the cell is
 *                             that ancestor, shared by every match below it
 *       cpus: inherit         or {min, max, weight}; a fixed list only if the
 *                             rule can make one cell (no glob in its cell path)
 *       policy, lend, tunables: as a cell's
 *   discovered:               cgroups made below cell_parent with their own cpuset
 *     policy: fifo            ... and its tunables
 *     exclude: ["tmp-*"]      names below cell_parent that are not cells
 */
#ifndef CELLSCHED_CONFIG_H
#define CELLSCHED_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cpus.h"
#include "mode.h"
#include "planner.h"
#include "policies.h"

enum cs_config_limits {
	CS_NAME_MAX		= 64,	/* bytes, with the NUL */
	CS_CGPATH_MAX		= 256,	/* bytes, with the NUL */
	CS_POLICY_MAX		= 32,	/* bytes, with the NUL */
	CS_TICK_MS_DFL		= 100,
	CS_TICK_MS_MIN		= 10,
	CS_TICK_MS_MAX		= 10000,
	CS_MIN_CPUS_DFL		= 1,
	CS_ERR_MAX		= 512,	/* bytes of an error message */
	CS_CONFIG_MAX_BYTES	= 1 << 20,	/* bytes, largest configuration file */
	CS_CONFIG_MAX_DEPTH	= 16,	/* nested lists and mappings; the schema needs 4 */
	CS_CONFIG_MAX_NODES	= 65536,	/* values (scalars, lists, mappings) in a file */
	CS_CONFIG_MAX_KEYS	= 256,	/* keys of one mapping */
	CS_WEIGHT_DFL		= 100,
	CS_WEIGHT_MAX		= 10000,
	CS_GROW_PCT_DFL		= 90,
	CS_SHRINK_PCT_DFL	= 50,
	CS_COOLDOWN_MS_DFL	= 1000,
	CS_COOLDOWN_MS_MAX	= 3600000,
	CS_PATH_MAX		= 108,	/* bytes, with the NUL: sun_path of a socket */
	CS_MAX_RULES		= 64,	/* entries of `rules:` */
	CS_MAX_EXCLUDES		= 16,	/* globs of one `exclude:` */
};

#define CS_CELL_PARENT_DFL "cellsched"
#define CS_SOCKET_DFL "/run/cellsched/cellsched.sock"
#define CS_STATE_FILE_DFL "/var/lib/cellsched/state.json"

/* Where a value came from: 1-based line and column; line 0 = not from a file. */
struct cs_pos {
	int line, col;
};

struct cs_cell_cfg {
	char name[CS_NAME_MAX];
	char cgroup[CS_CGPATH_MAX];	/* relative to the cell parent */
	char policy[CS_POLICY_MAX];
	struct cs_cpus cpus;		/* fixed cells */
	bool resizable;			/* cpus: {min, max, weight}: the planner picks */
	unsigned int min, max, weight;
	/*
	 * lend: its idle CPUs run the root cell's tasks until it wants them back.
	 * Default: on for resizable cells (their CPUs are the machine's, sized
	 * by demand), off for fixed ones (a fixed list asks for dedicated CPUs).
	 */
	bool lend, lend_set;
	/* cpus: inherit: its CPUs are its cgroup's cpuset.cpus, written by its owner */
	bool inherit;
	/* the policy's tunables (policies.h), defaults where the YAML is silent */
	unsigned long long tunables[CS_MAX_TUNABLES];
	struct cs_pos pos, name_pos, cgroup_pos, cpus_pos, policy_pos;
};

/* A cgroup glob list: `exclude:` of a rule or of `discovered:`. */
struct cs_globs {
	unsigned int nr;
	char glob[CS_MAX_EXCLUDES][CS_CGPATH_MAX];
	struct cs_pos pos[CS_MAX_EXCLUDES];
};

/*
 * A rule: every cgroup matching @match (not @exclude) makes a cell at its
 * first @cell_at components (all of them by default), named @cell.name when
 * that path has no glob, else "<name>.<its last component>" (rules.h).
 * @cell holds the cells' policy, tunables, CPUs and lending.
 */
struct cs_rule_cfg {
	struct cs_cell_cfg cell;	/* name = the rule's; cgroup unused */
	char match[CS_CGPATH_MAX];	/* absolute glob, "/" separated */
	char cell_at[CS_CGPATH_MAX];	/* "" = match */
	struct cs_globs exclude;
	struct cs_pos match_pos, cell_at_pos;
};

/* `discovered:`: the cgroups made below the cell parent with a cpuset of their own. */
struct cs_discovered_cfg {
	struct cs_cell_cfg cell;	/* policy and tunables (default fifo) */
	struct cs_globs exclude;	/* names below the cell parent that are not cells */
	struct cs_pos pos;
};

struct cs_config {
	char file[PATH_MAX];		/* for messages; "(built-in)" for the default */
	unsigned int tick_ms;
	enum cs_mode mode;		/* `mode:`; CS_MODE_AUTO when the YAML is silent */
	bool release_on_stop;		/* `on_stop: release` (default keep) */
	char metrics_listen[64];	/* `metrics.listen`; "" = no metrics endpoint */
	char cell_parent[CS_CGPATH_MAX];
	unsigned int min_cpus;
	char socket[CS_PATH_MAX];
	char group[CS_NAME_MAX];	/* "" = root only */
	char state_file[CS_PATH_MAX];
	struct cs_plan_params rebalance;
	unsigned int nr_topo_cores, nr_topo_llcs;	/* 0, 0: no override */
	struct cs_cpus *topo_cores, *topo_llcs;
	struct cs_pos cell_parent_pos, min_cpus_pos, group_pos, rebalance_pos, topology_pos;
	struct cs_pos socket_pos, state_file_pos, mode_pos, metrics_pos;
	unsigned int nr_cells;
	struct cs_cell_cfg *cells;	/* nr_cells entries */
	unsigned int nr_rules;
	struct cs_rule_cfg *rules;	/* nr_rules entries, in order: the first match wins */
	struct cs_discovered_cfg discovered;
};

/*
 * Facts about the machine the checks need. A cell may name CPUs that are
 * offline now (they count once they come online); not CPUs that cannot exist.
 */
struct cs_sysinfo {
	struct cs_cpus possible;	/* /sys/devices/system/cpu/possible */
	struct cs_cpus online;		/* /sys/devices/system/cpu/online */
	struct cs_cpus parent_cpus;	/* cpuset.cpus.effective of the cell parent (or root) */
};

/* The built-in configuration: root cell only, cells discovered from the cgroup tree. */
void cs_config_default(struct cs_config *cfg);

/*
 * Parse @path into @cfg (types, keys, ranges, syntax of every value).
 * Returns 0, or -EINVAL/-errno with the message in @err. On failure @cfg is
 * left empty (nothing to free).
 */
int cs_config_load(const char *path, struct cs_config *cfg, char *err, size_t errlen);

/* Same from a string (tests; @name plays the file name in messages). */
int cs_config_parse(const char *name, const char *text, size_t len, struct cs_config *cfg,
		    char *err, size_t errlen);

/*
 * Check @cfg against the rules between cells and against @si. Returns 0 or
 * -EINVAL with the first broken rule in @err.
 */
int cs_config_check(const struct cs_config *cfg, const struct cs_sysinfo *si, char *err,
		    size_t errlen);

/*
 * Check one cell path @cgroup (relative to the cell parent): non-empty,
 * relative, no "." or ".." component, no component named like a cgroup
 * interface file ("cgroup.procs", "cpuset.cpus": <controller>.<name>),
 * allowed characters. Returns NULL if fine, else what is wrong.
 */
const char *cs_config_bad_cgroup(const char *cgroup);

/*
 * Is @listen not an address to listen on: "IPV4:PORT", "[IPV6]:PORT" or
 * ":PORT" (every address), PORT 1..65535? 0 if fine, else -EINVAL with the
 * reason in @why (config_paths.c). cs_config_listen_addr() gives the socket
 * address of a valid one.
 */
int cs_config_bad_listen(const char *listen, char *why, size_t len);
struct sockaddr_storage;
int cs_config_listen_addr(const char *listen, struct sockaddr_storage *ss);

/*
 * The files cellsched writes (config_paths.c). cs_config_bad_file_path():
 * is @path a plain absolute path ("//", "." and ".." refused) outside /proc,
 * /sys and /dev? NULL if so, else what is wrong. cs_config_check_paths():
 * do state_file and control.socket (with the files beside them: STATE.tmp,
 * STATE.lock, STATE.corrupt-*, SOCKET.lock) stay apart? Both pure; the second
 * is part of cs_config_check(). cs_config_check_system(): what is at those
 * paths now fits (a regular file or nothing for the state file, a socket or
 * nothing for the socket, neither in a directory that leads into /proc, /sys
 * or /dev, the state file not the configuration file itself), and
 * control.group exists. 0 or -EINVAL with "FILE:LINE:COL: ..." in @err.
 */
const char *cs_config_bad_file_path(const char *path);
int cs_config_check_paths(const struct cs_config *cfg, char *err, size_t errlen);

/*
 * What @cfg asks of the mode it will run in (mode.h), resolved as @why says:
 * embedded mode has no sub-schedulers, so no cell may use `policy: external`.
 * Returns 0 or -EINVAL with the message (file:line:column) in @err.
 */
int cs_config_check_mode(const struct cs_config *cfg, enum cs_mode mode, const char *why,
			 char *err, size_t errlen);
int cs_config_check_system(const struct cs_config *cfg, char *err, size_t errlen);

/*
 * Do the cells' absolute cgroups outside the cell parent exist below the
 * cgroup mount @mount (config_paths.c)? cellsched creates cgroups only below
 * the cell parent. 0 or -EINVAL with "FILE:LINE:COL: ..." in @err.
 */
int cs_config_check_cgroups(const struct cs_config *cfg, const char *mount, char *err,
			    size_t errlen);

/*
 * The path of @cell's cgroup below the cgroup mount (no leading '/'): the
 * absolute one without its '/', or the cell parent's plus the relative one.
 */
const char *cs_config_cell_path(const struct cs_config *cfg, const struct cs_cell_cfg *cell,
				char *buf, size_t len);

/*
 * `rules:` and `discovered:` against each other and the cells
 * (config_rules.c, part of cs_config_check): globs well formed, no rule
 * that can make a cell inside another cell or around one, fixed CPUs only
 * for a rule of one cell and apart from the cells'. 0 or -EINVAL.
 */
int cs_config_check_rules(const struct cs_config *cfg, const struct cs_sysinfo *si,
			  struct cs_cpus *taken, char *err, size_t errlen);

/* May @c be in a cell's (or rule's) name: a letter, a digit, '-', '_' or '.'? */
bool cs_config_name_char(char c);

/* The checks' error: "FILE:LINE:COL: ..." at @pos into @err; returns -EINVAL. */
int cs_config_fail(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Is cgroup path @a below @b ("b/x", not "b" itself nor "bx")? */
bool cs_config_path_inside(const char *a, const char *b);

/* Deep copy of @src into @dst. Returns 0 or -ENOMEM (@dst then empty). */
int cs_config_copy(struct cs_config *dst, const struct cs_config *src);

/*
 * The topology the planner uses: the override when the configuration has one
 * (cs_config_check validated it), else @machine. Returns 0 or -EINVAL.
 */
struct cs_topo;
int cs_config_topology(const struct cs_config *cfg, const struct cs_cpus *online,
		       const struct cs_topo *machine, struct cs_topo *out, char *err, size_t errlen);

void cs_config_free(struct cs_config *cfg);

#endif /* CELLSCHED_CONFIG_H */
