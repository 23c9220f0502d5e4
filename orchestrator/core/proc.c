// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/proc.c: processes held through pidfds (see proc.h).
 * A pidfd becomes readable when its process exits; polling it tells alive
 * from gone without signals.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

int cs_proc_open(int pid, struct cs_proc *p)
{
	p->pid = pid;
	p->pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	if (p->pidfd < 0)
		return pid > 0 ? -errno : -ESRCH;
	return 0;
}

bool cs_proc_alive(const struct cs_proc *p)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

	return p->pidfd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* The "Uid:" line of /proc/PID/status: the real uid, or -1. */
static long status_uid(int pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4)) {
			uid = strtol(line + 4, NULL, 10);
			break;
		}
	fclose(f);
	return uid;
}

int cs_proc_uid(const struct cs_proc *p, uid_t *uid)
{
	long u;

	if (!cs_proc_alive(p))
		return -ESRCH;
	u = status_uid(p->pid);
	/* alive after the read too: the number was still this process's */
	if (u < 0 || !cs_proc_alive(p))
		return -ESRCH;
	*uid = (uid_t)u;
	return 0;
}

int cs_proc_move(const struct cs_proc *p, int (*move)(const char *cgroup, int pid),
		 const char *cgroup, bool *maybe_other)
{
	int err;

	*maybe_other = false;
	if (!cs_proc_alive(p))
		return -ESRCH;
	err = move(cgroup, p->pid);
	if (cs_proc_alive(p))
		return err;
	*maybe_other = err == 0;
	return -ESRCH;
}

void cs_proc_close(struct cs_proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}
