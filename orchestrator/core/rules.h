/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/rules.h: what `rules:` make of a cgroup tree. Cgroup
 * globs (one fnmatch(3) pattern per path component: *, ?, [...]): their
 * form, whether two can select the same cgroup or one inside the other's
 * (the configuration checks), the name of a rule's cell; and the walk that
 * finds the cells of every rule in a tree, reading only the directories a
 * pattern leads through (a pod's containers, not every cgroup of the
 * machine). Pure but for reading directories below a given mount point, so
 * a test runs it on a made-up tree. Prefix: cs_rules, cs_glob.
 */
#ifndef CELLSCHED_RULES_H
#define CELLSCHED_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Does @s hold a glob character (*, ? or [)? */
bool cs_glob_magic(const char *s);

/*
 * What is wrong with absolute cgroup glob @glob, or NULL: it must start with
 * '/', have no empty, '.' or '..' component, no trailing '/', and close
 * every '['.
 */
const char *cs_glob_bad(const char *glob);

/* Components of @glob ("/a/b*" is 2). */
unsigned int cs_glob_depth(const char *glob);

enum cs_glob_meet {
	CS_GLOB_APART,		/* no cgroup is selected by both, nor below one of the other */
	CS_GLOB_SAME,		/* a cgroup may be selected by both */
	CS_GLOB_A_INSIDE,	/* a cgroup of @a may lie below one of @b */
	CS_GLOB_B_INSIDE,	/* a cgroup of @b may lie below one of @a */
};

/*
 * How the cgroups selected by absolute globs @a and @b may relate. A
 * conservative answer: "[...]" counts as any one character, so two globs
 * may be said to meet when no name fits both.
 */
enum cs_glob_meet cs_glob_meet(const char *a, const char *b);

/*
 * Does an `exclude:` glob of @r take cgroup @abs ("/a/b") out: match it or
 * one of its ancestors?
 */
bool cs_rules_excluded(const struct cs_rule_cfg *r, const char *abs);

/* The glob of a rule's cells: cell_at, or match. */
const char *cs_rule_cell_glob(const struct cs_rule_cfg *r);

/*
 * The name of rule @r's cell at cgroup @path (below the mount, no leading
 * '/'): the rule's name when its cell glob has no glob character, else
 * "<rule>.<path's last component>", characters outside [A-Za-z0-9_.-] made
 * '_', and when longer than a name may be, cut with "-<hash of @path>"
 * appended so that it stays unique.
 */
void cs_rules_cell_name(const struct cs_rule_cfg *r, const char *path, char *out, size_t len);

struct cs_rules_walk {
	const char *mount;	/* where the cgroup tree is mounted */
	/*
	 * A cell of rule @r (index @ri) at @path (below the mount, no leading
	 * '/'): once per cell, however many of its cgroups match.
	 */
	void (*cell)(const struct cs_rule_cfg *r, unsigned int ri, const char *path, void *arg);
	/* A directory (below the mount) whose entries a rule looks at: watch it. */
	void (*watch)(const char *dir, void *arg);
	void *arg;
	unsigned long dirs_read, matched;	/* out: directories listed, cgroups matched */
};

/*
 * Find the cells of every rule of @cfg in the tree: each pattern component
 * without a glob is one stat, each with one a readdir of its directory.
 * Cgroups matching an `exclude:` glob (or below one) are not matched.
 * Returns 0, or -errno if a directory could not be read (-ENOENT: gone
 * meanwhile is not an error).
 */
int cs_rules_walk(const struct cs_config *cfg, struct cs_rules_walk *w);

#endif /* CELLSCHED_RULES_H */
