// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/config_paths.c: where the files cellsched writes may be
 * (see config.h): the state file STATE (with STATE.tmp while it is written,
 * STATE.lock while a daemon runs, STATE.corrupt-* when set aside) and the
 * control socket SOCKET (with SOCKET.lock); the form of a cgroup path
 * (cs_config_bad_cgroup: the cell parent and the cells' cgroups) and of the
 * metrics endpoint's address (cs_config_bad_listen).
 *
 * Three layers. cs_config_bad_file_path(): the form of one path, pure (a
 * plain absolute path, not below /proc, /sys or /dev). cs_config_check_paths():
 * the two paths against each other, pure (no file of one may be, contain or
 * sit inside a file of the other: a state file on the socket's path would
 * replace the socket at the first change). cs_config_check_system(): what
 * only this machine can say (what exists at those paths now, where their
 * directories really lead, the control group): `check` and `run` call it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config.h"

static const char *const special_dirs[] = { "/proc", "/sys", "/dev" };

/* Is @path @dir itself or below it ("/proc", "/proc/x"; not "/procx")? */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static const char *special_dir_of(const char *path)
{
	for (size_t i = 0; i < sizeof(special_dirs) / sizeof(special_dirs[0]); i++)
		if (under(path, special_dirs[i]))
			return special_dirs[i];
	return NULL;
}

const char *cs_config_bad_file_path(const char *path)
{
	if (path[0] != '/')
		return "it must be an absolute path";
	if (path[strlen(path) - 1] == '/')
		return "it must name a file, not a directory";
	for (const char *p = path + 1; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "it must be a plain path, without '//', '.' or '..'";
		p += n;
		p += *p == '/';
	}
	if (special_dir_of(path))
		return "it is below /proc, /sys or /dev, which hold the kernel's files";
	return NULL;
}

/* Is one of @a and @b the other, or a directory on the other's path? */
static bool clash(const char *a, const char *b)
{
	return !strcmp(a, b) || cs_config_path_inside(a, b) || cs_config_path_inside(b, a);
}

int cs_config_check_paths(const struct cs_config *cfg, char *err, size_t errlen)
{
	char state[3][CS_PATH_MAX + 16], sock[2][CS_PATH_MAX + 16], aside[CS_PATH_MAX + 16];
	struct cs_pos pos = cfg->state_file_pos.line ? cfg->state_file_pos : cfg->socket_pos;

	snprintf(state[0], sizeof(state[0]), "%s", cfg->state_file);
	snprintf(state[1], sizeof(state[1]), "%s.tmp", cfg->state_file);
	snprintf(state[2], sizeof(state[2]), "%s.lock", cfg->state_file);
	snprintf(sock[0], sizeof(sock[0]), "%s", cfg->socket);
	snprintf(sock[1], sizeof(sock[1]), "%s.lock", cfg->socket);
	snprintf(aside, sizeof(aside), "%s.corrupt-", cfg->state_file);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (clash(state[i], sock[j]) || !strncmp(sock[j], aside, strlen(aside))) {
				snprintf(err, errlen, "%s:%d:%d: 'state_file' %s and 'control.socket' "
					 "%s collide: %s and %s would be one path (cellsched "
					 "keeps STATE, STATE.tmp, STATE.lock, STATE.corrupt-*, "
					 "SOCKET and SOCKET.lock)", cfg->file, pos.line, pos.col,
					 cfg->state_file, cfg->socket, state[i], sock[j]);
				return -EINVAL;
			}
	return 0;
}

static int fail(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		const char *key, const char *path, const char *why)
{
	if (pos.line)
		snprintf(err, errlen, "%s:%d:%d: '%s' %s: %s", cfg->file, pos.line, pos.col, key,
			 path, why);
	else
		snprintf(err, errlen, "%s: '%s' %s (the default): %s", cfg->file, key, path, why);
	return -EINVAL;
}

static const char *file_type(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	       S_ISLNK(m) ? "a symbolic link" : "a regular file";
}

/* Where the directory of @path really is (symbolic links followed), if it exists. */
static const char *real_dir(const char *path, char *out)
{
	char copy[CS_PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	return realpath(dirname(copy), out);
}

/* One of the two files: what exists there must be of type @want; its directory no kernel's. */
static int check_file(const struct cs_config *cfg, struct cs_pos pos, char *err, size_t errlen,
		      const char *key, const char *path, mode_t want)
{
	char real[PATH_MAX], why[PATH_MAX + 64];
	struct stat st;

	if (real_dir(path, real) && special_dir_of(real)) {
		snprintf(why, sizeof(why), "its directory is %s, below %s", real,
			 special_dir_of(real));
		return fail(cfg, pos, err, errlen, key, path, why);
	}
	/* the state file is read through a symbolic link; the socket's path is replaced */
	if ((want == S_IFSOCK ? lstat(path, &st) : stat(path, &st)) == 0 &&
	    (st.st_mode & S_IFMT) != want) {
		snprintf(why, sizeof(why), "it exists and is %s, not %s", file_type(st.st_mode),
			 file_type(want));
		return fail(cfg, pos, err, errlen, key, path, why);
	}
	return 0;
}

int cs_config_check_system(const struct cs_config *cfg, char *err, size_t errlen)
{
	struct stat a, b;
	char why[CS_NAME_MAX + 64];

	if (check_file(cfg, cfg->state_file_pos, err, errlen, "state_file", cfg->state_file,
		       S_IFREG) ||
	    check_file(cfg, cfg->socket_pos, err, errlen, "control.socket", cfg->socket,
		       S_IFSOCK))
		return -EINVAL;
	if (stat(cfg->state_file, &a) == 0 && stat(cfg->file, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return fail(cfg, cfg->state_file_pos, err, errlen, "state_file", cfg->state_file,
			    "it is the configuration file itself");
	if (cfg->group[0] && !getgrnam(cfg->group)) {
		snprintf(why, sizeof(why), "no group of that name on this machine");
		return fail(cfg, cfg->group_pos, err, errlen, "control.group", cfg->group, why);
	}
	return 0;
}

int cs_config_check_cgroups(const struct cs_config *cfg, const char *mount, char *err,
			    size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;

	for (unsigned int i = 0; i < cfg->nr_cells; i++) {
		const struct cs_cell_cfg *c = &cfg->cells[i];

		if (c->cgroup[0] != '/' || cs_config_path_inside(c->cgroup + 1, cfg->cell_parent))
			continue;
		snprintf(path, sizeof(path), "%s%s", mount, c->cgroup);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			return cs_config_fail(cfg, c->cgroup_pos, err, errlen, "cgroup '%s' of cell "
					      "'%s' does not exist; outside the cell parent a cell "
					      "is made of a cgroup in place, and cellsched creates "
					      "none there", c->cgroup, c->name);
	}
	return 0;
}

/*
 * Is the path component @p (@n bytes) named like a cgroup interface file:
 * "<controller>.<name>" ("cgroup.procs", "cpuset.cpus", "memory.max")? A
 * cgroup cannot be made under such a name, or would be mistaken for one.
 * The controllers of cgroup v2 and of v1, so that none of them can come.
 */
static bool interface_name(const char *p, size_t n)
{
	static const char *const prefixes[] = {
		"cgroup", "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices",
		"freezer", "net_cls", "net_prio", "perf_event", "hugetlb", "pids", "rdma",
		"misc", "dmem",
	};
	const char *dot = memchr(p, '.', n);

	for (size_t i = 0; dot && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if ((size_t)(dot - p) == strlen(prefixes[i]) && !strncmp(p, prefixes[i], dot - p))
			return true;
	return false;
}

const char *cs_config_bad_cgroup(const char *cg)
{
	const char *p = cg;

	if (!cg[0])
		return "it is empty";
	if (cg[0] == '/')
		return "it must be relative, not absolute";
	for (const char *s = cg; *s; s++)
		if (!(*s == '/' || *s == '-' || *s == '_' || *s == '.' ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return "only letters, digits, '-', '_', '.' and '/' are allowed";
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "it has an empty path component";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' and '..' would leave the parent";
		if (interface_name(p, n))
			return "a component is named like a cgroup interface file (cgroup.*, cpu.*, "
			       "cpuset.*, memory.*, io.*, pids.*, ...)";
		p += n;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return "it ends with '/'";
	}
	return NULL;
}

int cs_config_listen_addr(const char *listen, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(listen, ':');
	char host[64], *end;
	unsigned long port;
	size_t n;

	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return -EINVAL;
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || colon[1] == '-' || port < 1 || port > 65535)
		return -EINVAL;
	n = colon - listen;
	memcpy(host, listen, n);
	host[n] = 0;
	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = 0;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	v4->sin_family = AF_INET;
	v4->sin_port = htons(port);
	if (!n) {
		v4->sin_addr.s_addr = htonl(INADDR_ANY);
		return 0;
	}
	return inet_pton(AF_INET, host, &v4->sin_addr) == 1 ? 0 : -EINVAL;
}

int cs_config_bad_listen(const char *listen, char *why, size_t len)
{
	struct sockaddr_storage ss;

	if (!cs_config_listen_addr(listen, &ss))
		return 0;
	snprintf(why, len, "want IPV4:PORT, [IPV6]:PORT or :PORT, PORT 1..65535 "
		 "(e.g. 127.0.0.1:9464)");
	return -EINVAL;
}
