/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/cgroup.h: the cgroup v2 operations cellsched needs, through
 * libcgroup.
 *
 * Owns every access to the cgroup tree: making the cell parent (with the
 * cpuset and cpu controllers enabled for its children), creating and deleting
 * cell cgroups, reading and writing cpuset files, listing the cell parent's
 * children and resolving a cgroup's id (the inode that sched_ext's
 * sub_cgroup_id wants). Paths are relative to the cgroup2 mount ("a/b"); one
 * too long for PATH_MAX once joined to it is -ENAMETOOLONG, never cut.
 * Functions return 0 or -errno and never print; callers report.
 * Prefix: cs_cg.
 */
#ifndef CELLSCHED_CGROUP_H
#define CELLSCHED_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Initialise libcgroup and find the cgroup2 mount. -ENOENT: no cgroup2 mounted. */
int cs_cg_init(void);

/* The cgroup2 mount point found by cs_cg_init() ("/sys/fs/cgroup"). */
const char *cs_cg_mount(void);

/* Does cgroup @path exist? */
bool cs_cg_exists(const char *path);

/*
 * Create @path if missing (*created tells) and make sure its children can use
 * the cpuset and cpu controllers (cgroup.subtree_control of it and its
 * ancestors).
 */
int cs_cg_ensure_parent(const char *path, bool *created);

/*
 * Create cell cgroup @path with cpuset.cpus = @cpus, marked as cellsched's
 * (extended attribute CS_CG_MARK). -EEXIST if it exists.
 */
int cs_cg_create(const char *path, const char *cpus);

/* Did cellsched create @path (it carries CS_CG_MARK)? */
bool cs_cg_is_ours(const char *path);

#define CS_CG_MARK "trusted.cellsched"

/* Remove cgroup @path; -EBUSY while it has tasks or children. */
int cs_cg_delete(const char *path);

/* Write @value to controller file @file ("cpuset.cpus") of @path ("" empties it). */
int cs_cg_write(const char *path, const char *file, const char *value);

/*
 * Read controller file @file of @path into @buf, without the trailing
 * newline; -EOVERFLOW (and @buf empty) when the value does not fit.
 */
int cs_cg_read(const char *path, const char *file, char *buf, size_t len);

/* cgroup id of @path: its directory's inode number. */
int cs_cg_id(const char *path, uint64_t *id);

/*
 * Call @fn(name, arg) for each direct child of @path (name relative to
 * @path); stops early and returns @fn's value when it is non-zero.
 */
int cs_cg_for_each_child(const char *path, int (*fn)(const char *name, void *arg), void *arg);

/* Move task @pid into @path. */
int cs_cg_attach(const char *path, int pid);

/* Move every process of @from into @to; *@moved counts them (exited ones are skipped). */
int cs_cg_move_all(const char *from, const char *to, unsigned int *moved);

#endif /* CELLSCHED_CGROUP_H */
