/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/state.h: the cell changes made at run time through the CLI
 * (cell create / resize / delete), layered over the YAML configuration and
 * persisted so that a restart, even after kill -9, comes back to them.
 *
 * Owns the change list, merging it into a configuration, and its file: JSON
 * (json-c), written atomically (temporary file, fsync, rename, fsync of the
 * directory); a file that cannot be read back is reported and renamed aside,
 * never silently dropped or overwritten; a daemon using it holds STATE.lock.
 * Prefix: cs_state.
 *
 * A cell of the YAML changed by the CLI keeps everything but its CPUs from
 * the YAML ("resize": an edit of its policy or tunables still applies); a
 * cell the CLI created is kept whole ("set"). Changes about YAML cells that
 * are gone from the YAML are dropped (cs_state_prune).
 *
 * File format:
 *   { "cellsched_state": 1,
 *     "changes": [ { "op": "set", "name": "x", "cgroup": "x", "policy": "fifo",
 *                    "cpus": "2-3" | "min": 1, "max": 2, "weight": 100,
 *                    "tunables": { "slice_us": 5000 } },
 *                  { "op": "resize", "name": "a", "cpus": "3" | "min": ... },
 *                  { "op": "delete", "name": "b" } ] }
 */
#ifndef CELLSCHED_STATE_H
#define CELLSCHED_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum { CS_STATE_VERSION = 1, CS_STATE_MAX_BYTES = 4 << 20 };

enum cs_change_op {
	CS_CHANGE_SET,		/* the cell is exactly @cell (made by the CLI) */
	CS_CHANGE_RESIZE,	/* the YAML's cell, with @cell's CPUs (cpus or min/max/weight) */
	CS_CHANGE_DELETE,	/* the YAML's cell @cell.name is gone */
};

struct cs_change {
	enum cs_change_op op;
	struct cs_cell_cfg cell;
};

struct cs_state {
	unsigned int nr;
	struct cs_change *changes;	/* at most CS_MAX_CELLS x 2 */
};

/*
 * Read @path. Returns 0 (an absent file is an empty list), or -EINVAL /
 * -errno with "PATH: what is wrong" in @err (the file is then left as is).
 */
int cs_state_load(const char *path, struct cs_state *st, char *err, size_t errlen);

/* Same from @text[@len] (@name plays the path in messages; the fuzzer's entry). */
int cs_state_parse(const char *name, const char *text, size_t len, struct cs_state *st,
		   char *err, size_t errlen);

/* Write @st to @path atomically. Returns 0 or -errno with the step that failed in @err. */
int cs_state_save(const char *path, const struct cs_state *st, char *err, size_t errlen);

/*
 * Take PATH.lock (lockfile.h; the directory is made if missing) for the
 * daemon's lifetime: one daemon per state file. 0 with the lock's descriptor
 * in *@fd (cs_lockfile_release() drops it); -EBUSY when another daemon holds
 * it, with its pid in @err; another -errno.
 */
int cs_state_lock(const char *path, int *fd, char *err, size_t errlen);

/* Rename an unreadable @path to PATH.corrupt-YYYYMMDD-HHMMSS; its new name in @aside. */
int cs_state_set_aside(const char *path, char *aside, size_t len);

/*
 * @out = @yaml with @st applied (SET replaces or appends the cell of that
 * name, RESIZE changes a YAML cell's CPUs, DELETE removes it). What comes
 * from the state carries line 0 positions (messages say "runtime change").
 * Returns 0 or -ENOMEM.
 */
int cs_state_apply(const struct cs_config *yaml, const struct cs_state *st,
		   struct cs_config *out);

/*
 * Drop RESIZE and DELETE changes whose cell is not in @yaml; their names,
 * comma-separated, in @names. Returns how many were dropped.
 */
unsigned int cs_state_prune(struct cs_state *st, const struct cs_config *yaml, char *names,
			    size_t len);

/*
 * Record a change (replacing an earlier one for the same cell): @cell as
 * the CLI made it; @in_yaml: it is a cell of the YAML (only its CPUs are
 * kept). -ENOMEM/-ENOSPC.
 */
int cs_state_set(struct cs_state *st, const struct cs_cell_cfg *cell, bool in_yaml);
int cs_state_delete(struct cs_state *st, const char *name, bool in_yaml);

int cs_state_copy(struct cs_state *dst, const struct cs_state *src);
void cs_state_free(struct cs_state *st);

#endif /* CELLSCHED_STATE_H */
