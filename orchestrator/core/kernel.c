// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/kernel.c: sysfs probes of the kernel's sched_ext support.
 * Only reads; never writes to the kernel. A value longer than the caller's
 * buffer, or a path longer than PATH_MAX, is an error, never cut short.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"

int cs_kernel_read_text(const char *path, char *buf, size_t len)
{
	char rest[64];
	ssize_t n, more;
	int fd, err = 0;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	/* what did not fit may only be the trailing newline: never cut a value short */
	while (n >= 0 && !err && (more = read(fd, rest, sizeof(rest))) != 0) {
		if (more < 0)
			err = -errno;
		for (ssize_t i = 0; i < more && !err; i++)
			if (rest[i] != '\n' && rest[i] != ' ')
				err = -EOVERFLOW;
	}
	if (n < 0)
		err = -errno;
	close(fd);
	buf[n > 0 && !err ? n : 0] = '\0';
	if (err)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static enum cs_scx_state parse_state(const char *s)
{
	static const struct {
		const char *name;
		enum cs_scx_state state;
	} names[] = {
		{ "disabled", CS_SCX_DISABLED },
		{ "enabling", CS_SCX_ENABLING },
		{ "enabled", CS_SCX_ENABLED },
		{ "disabling", CS_SCX_DISABLING },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].state;
	return CS_SCX_UNKNOWN;
}

const char *cs_kernel_state_name(enum cs_scx_state state)
{
	switch (state) {
	case CS_SCX_ABSENT:	return "absent";
	case CS_SCX_DISABLED:	return "disabled";
	case CS_SCX_ENABLING:	return "enabling";
	case CS_SCX_ENABLED:	return "enabled";
	case CS_SCX_DISABLING:	return "disabling";
	default:		return "unknown";
	}
}

/* "@sysfs/@rel" into @path[PATH_MAX]; -ENAMETOOLONG rather than a cut path. */
static int sysfs_path(char *path, const char *sysfs, const char *rel)
{
	return snprintf(path, PATH_MAX, "%s/%s", sysfs, rel) < PATH_MAX ? 0 : -ENAMETOOLONG;
}

int cs_kernel_probe(const char *sysfs, struct cs_kernel_info *info)
{
	char path[PATH_MAX], buf[64];
	struct stat st;
	int err;

	memset(info, 0, sizeof(*info));
	if (stat(sysfs, &st) < 0)
		return -errno;
	if (sysfs_path(path, sysfs, "kernel/sched_ext/root/ops"))
		return -ENAMETOOLONG;	/* the longest of the three */

	sysfs_path(path, sysfs, "kernel/btf/vmlinux");
	info->has_btf = access(path, R_OK) == 0;

	sysfs_path(path, sysfs, "kernel/sched_ext/state");
	err = cs_kernel_read_text(path, buf, sizeof(buf));
	if (err == -ENOENT) {
		info->state = CS_SCX_ABSENT;
		return 0;
	}
	if (err)
		return err;
	info->state = parse_state(buf);

	sysfs_path(path, sysfs, "kernel/sched_ext/root/ops");
	if (cs_kernel_read_text(path, info->root_ops, sizeof(info->root_ops)))
		info->root_ops[0] = '\0';
	return 0;
}

int cs_kernel_read_event(const char *sysfs, const char *sched_dir, const char *name,
			 unsigned long long *val)
{
	char path[PATH_MAX], line[256];
	size_t nlen = strlen(name);
	int err = -ENOENT;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/kernel/sched_ext/%s/events", sysfs, sched_dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* lines look like "SCX_EV_SELECT_CPU_FALLBACK    0" */
		if (strncmp(line, name, nlen) || (line[nlen] != ' ' && line[nlen] != '\t'))
			continue;
		if (sscanf(line + nlen, "%llu", val) == 1)
			err = 0;
		break;
	}
	fclose(f);
	return err;
}

/* The CPU list in @sysfs/devices/system/cpu/@which ("0-3"). */
static int cpu_list(const char *sysfs, const char *which, char *buf, size_t len)
{
	char path[PATH_MAX];

	char rel[64];

	snprintf(rel, sizeof(rel), "devices/system/cpu/%s", which);	/* "online", "possible" */
	if (sysfs_path(path, sysfs, rel))
		return -ENAMETOOLONG;
	return cs_kernel_read_text(path, buf, len);
}

int cs_kernel_online_cpus(const char *sysfs, char *buf, size_t len)
{
	return cpu_list(sysfs, "online", buf, len);
}

int cs_kernel_possible_cpus(const char *sysfs, char *buf, size_t len)
{
	return cpu_list(sysfs, "possible", buf, len);
}
