// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/topology.c: the CPU topology the planner needs (see
 * topology.h): SMT cores and last-level caches (LLCs), each named by its
 * lowest CPU.
 *
 * From sysfs, every online CPU's thread_siblings_list and the
 * shared_cpu_list of its highest-level cache (the largest `level`, among
 * equal levels the highest indexK) are intersected with the online CPUs and
 * merged with a union-find: lists that disagree (a CPU listing a sibling that
 * does not list it back) end up in one group, so the result is always a
 * partition, and the LLCs of a core's CPUs are merged too, so a core never
 * spans two LLCs. A missing file or directory leaves the CPU its own core or
 * LLC. Groups given by the configuration are checked instead of merged.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topology.h"

/* Union-find over CPU numbers; the root of a set is always its lowest CPU. */
static int uf_find(short *parent, int c)
{
	while (parent[c] != c) {
		parent[c] = parent[parent[c]];
		c = parent[c];
	}
	return c;
}

static void uf_union(short *parent, int a, int b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a < b)
		parent[b] = (short)a;
	else if (b < a)
		parent[a] = (short)b;
}

/* Join @c with every online CPU of @set. */
static void uf_union_set(short *parent, int c, struct cs_cpus set, const struct cs_cpus *online)
{
	cs_cpus_and(&set, online);
	for (int s = cs_cpus_first(&set); s >= 0 && s < CS_MAX_CIDS; s++)
		if (cs_cpus_test(&set, s))
			uf_union(parent, c, s);
}

static void topo_init(struct cs_topo *t, const struct cs_cpus *online)
{
	t->cpus = *online;
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		short v = cs_cpus_test(online, c) ? (short)c : -1;

		t->core[c] = v;
		t->llc[c] = v;
	}
}

/*
 * Read a small sysfs file into @buf (NUL-terminated). Returns 0, -ENOENT when
 * it does not exist, -EFBIG when it does not fit, or another -errno.
 */
static int read_file(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == len - 1) {
			ret = -EFBIG;
			break;
		}
	}
	close(fd);
	buf[n] = '\0';
	return ret;
}

static bool missing(int ret)
{
	return ret == -ENOENT || ret == -ENOTDIR;
}

/*
 * Read the CPU list in @path into @out. Returns 0, -ENOENT (or -ENOTDIR) when
 * the file is missing, -EINVAL when it is not a CPU list, or another -errno.
 */
static int read_list(const char *path, struct cs_cpus *out)
{
	char buf[8192], err[128];	/* "0,2,...,1022": 1024 CPUs fit in 5 KiB */
	int ret = read_file(path, buf, sizeof(buf));

	if (ret)
		return ret;
	return cs_cpus_parse(buf, out, err, sizeof(err)) ? -EINVAL : 0;
}

/*
 * The shared_cpu_list of @cpu's highest-level cache into @out. Returns 0,
 * -ENOENT when there is no cache information, or another -errno.
 */
static int read_llc(const char *sysfs_cpu, int cpu, struct cs_cpus *out)
{
	char path[4096], buf[32];
	int best_level = -1, best_index = -1;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cpu%d/cache", sysfs_cpu, cpu);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long index, level;

		if (strncmp(de->d_name, "index", 5))
			continue;
		index = strtol(de->d_name + 5, &end, 10);
		if (end == de->d_name + 5 || *end || index < 0 || index > 1000)
			continue;
		snprintf(path, sizeof(path), "%s/cpu%d/cache/%s/level", sysfs_cpu, cpu,
			 de->d_name);
		if (read_file(path, buf, sizeof(buf)))
			continue;	/* no level: not a cache we can rank */
		level = strtol(buf, &end, 10);
		if (end == buf || level < 0)
			continue;
		if (level > best_level || (level == best_level && index > best_index)) {
			best_level = (int)level;
			best_index = (int)index;
		}
	}
	closedir(d);
	if (best_index < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cpu%d/cache/index%d/shared_cpu_list", sysfs_cpu, cpu,
		 best_index);
	return read_list(path, out);
}

int cs_topo_read(const char *sysfs_cpu, const struct cs_cpus *online, struct cs_topo *t)
{
	short core_parent[CS_MAX_CIDS], llc_parent[CS_MAX_CIDS];
	char path[4096];
	struct stat st;

	if (stat(sysfs_cpu, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		core_parent[c] = (short)c;
		llc_parent[c] = (short)c;
	}
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		struct cs_cpus set;
		int ret;

		if (!cs_cpus_test(online, c))
			continue;
		snprintf(path, sizeof(path), "%s/cpu%d/topology/thread_siblings_list",
			 sysfs_cpu, c);
		ret = read_list(path, &set);
		if (ret && !missing(ret))
			return ret;
		if (!ret)
			uf_union_set(core_parent, c, set, online);
		ret = read_llc(sysfs_cpu, c, &set);
		if (ret && !missing(ret))
			return ret;
		if (!ret)
			uf_union_set(llc_parent, c, set, online);
	}
	/* A core's CPUs share their LLC, whatever the cache files said. */
	for (int c = 0; c < CS_MAX_CIDS; c++)
		if (cs_cpus_test(online, c))
			uf_union(llc_parent, c, uf_find(core_parent, c));
	topo_init(t, online);
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		if (!cs_cpus_test(online, c))
			continue;
		t->core[c] = (short)uf_find(core_parent, c);
		t->llc[c] = (short)uf_find(llc_parent, c);
	}
	return 0;
}

/*
 * Assign @groups (what = "core" or "LLC") into @id[] (lowest CPU of the
 * group) and @grp[] (group index, -1 for none). Returns 0 or -EINVAL.
 */
static int assign_groups(const struct cs_cpus *online, const struct cs_cpus *groups,
			 unsigned int nr, const char *what, short *id, int *grp, char *err,
			 size_t errlen)
{
	char a[128], b[128];

	for (unsigned int g = 0; g < nr; g++) {
		int first = cs_cpus_first(&groups[g]);

		for (int c = first; c >= 0 && c < CS_MAX_CIDS; c++) {
			if (!cs_cpus_test(&groups[g], c))
				continue;
			if (!cs_cpus_test(online, c)) {
				snprintf(err, errlen,
					 "%s group %u (%s) names CPU %d, which is not online", what,
					 g + 1, cs_cpus_format(&groups[g], a, sizeof(a)), c);
				return -EINVAL;
			}
			if (grp[c] >= 0) {
				cs_cpus_format(&groups[grp[c]], a, sizeof(a));
				snprintf(err, errlen,
					 "%s groups %d (%s) and %u (%s) overlap on CPU %d", what,
					 grp[c] + 1, a, g + 1, cs_cpus_format(&groups[g], b, sizeof(b)),
					 c);
				return -EINVAL;
			}
			grp[c] = (int)g;
			id[c] = (short)first;
		}
	}
	return 0;
}

int cs_topo_from_groups(const struct cs_cpus *online, const struct cs_cpus *cores,
			unsigned int nr_cores, const struct cs_cpus *llcs, unsigned int nr_llcs,
			struct cs_topo *t, char *err, size_t errlen)
{
	int core_grp[CS_MAX_CIDS], llc_grp[CS_MAX_CIDS];
	struct cs_topo nt;
	char a[128];

	topo_init(&nt, online);
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		core_grp[c] = -1;
		llc_grp[c] = -1;
	}
	if (assign_groups(online, cores, nr_cores, "core", nt.core, core_grp, err, errlen) ||
	    assign_groups(online, llcs, nr_llcs, "LLC", nt.llc, llc_grp, err, errlen))
		return -EINVAL;
	/* Every CPU of a core must be in the LLC of the core's first CPU. */
	for (int c = 0; c < CS_MAX_CIDS; c++) {
		int first;

		if (core_grp[c] < 0)
			continue;
		first = nt.core[c];
		if (nt.llc[c] != nt.llc[first]) {
			cs_cpus_format(&cores[core_grp[c]], a, sizeof(a));
			snprintf(err, errlen, "core group %d (%s) spans two LLCs: "
				 "CPUs %d and %d do not share one", core_grp[c] + 1, a, first, c);
			return -EINVAL;
		}
	}
	*t = nt;
	return 0;
}

void cs_topo_synth(unsigned int nr_cpus, unsigned int smt, unsigned int llc_cpus,
		   struct cs_topo *t)
{
	struct cs_cpus all = { 0 };

	if (nr_cpus > CS_MAX_CIDS)
		nr_cpus = CS_MAX_CIDS;
	if (!smt)
		smt = 1;
	if (llc_cpus < smt)
		llc_cpus = smt;
	llc_cpus -= llc_cpus % smt;	/* a core never spans two LLCs */
	for (unsigned int c = 0; c < nr_cpus; c++)
		cs_cpus_set(&all, c);
	topo_init(t, &all);
	for (unsigned int c = 0; c < nr_cpus; c++) {
		t->core[c] = (short)(c - c % smt);
		t->llc[c] = (short)(c - c % llc_cpus);
	}
}

char *cs_topo_describe(const struct cs_topo *t, char *buf, size_t len)
{
	unsigned int cpus = 0, cores = 0, llcs = 0;

	for (int c = 0; c < CS_MAX_CIDS; c++) {
		if (!cs_cpus_test(&t->cpus, c))
			continue;
		cpus++;
		cores += t->core[c] == c;
		llcs += t->llc[c] == c;
	}
	snprintf(buf, len, "%u CPU%s, %u core%s, %u LLC%s", cpus, cpus == 1 ? "" : "s", cores,
		 cores == 1 ? "" : "s", llcs, llcs == 1 ? "" : "s");
	return buf;
}
