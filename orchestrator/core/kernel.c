// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/kernel.c: sysfs probes of the kernel's sched_ext support.
 * Only reads; never writes to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"

int cs_kernel_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
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

int cs_kernel_probe(const char *sysfs, struct cs_kernel_info *info)
{
	char path[512], buf[64];
	struct stat st;
	int err;

	memset(info, 0, sizeof(*info));
	if (stat(sysfs, &st) < 0)
		return -errno;

	snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", sysfs);
	info->has_btf = access(path, R_OK) == 0;

	snprintf(path, sizeof(path), "%s/kernel/sched_ext/state", sysfs);
	err = cs_kernel_read_text(path, buf, sizeof(buf));
	if (err == -ENOENT) {
		info->state = CS_SCX_ABSENT;
		return 0;
	}
	if (err)
		return err;
	info->state = parse_state(buf);

	snprintf(path, sizeof(path), "%s/kernel/sched_ext/root/ops", sysfs);
	if (cs_kernel_read_text(path, info->root_ops, sizeof(info->root_ops)))
		info->root_ops[0] = '\0';
	return 0;
}

int cs_kernel_read_event(const char *sysfs, const char *sched_dir, const char *name,
			 unsigned long long *val)
{
	char path[512], line[256];
	size_t nlen = strlen(name);
	int err = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel/sched_ext/%s/events", sysfs, sched_dir);
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
	char path[512];

	snprintf(path, sizeof(path), "%s/devices/system/cpu/%s", sysfs, which);
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
