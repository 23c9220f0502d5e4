// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/lockfile.c: the daemon's lock files, flock(2) and the
 * holder's pid (see lockfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lockfile.h"

/* The pid written in a lock another process holds (0 if none yet). */
static long holder_of(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int cs_lockfile_take(const char *path, int *fd, long *holder)
{
	char pid[32];
	struct stat st;
	int lfd, ret, n;

	*fd = -1;
	*holder = 0;
	/* O_NONBLOCK: a FIFO put there must not hang us; O_NOFOLLOW: no link elsewhere */
	lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (lfd < 0)
		return -errno;
	if (fstat(lfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(lfd);
		return -EINVAL;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (ret == -EBUSY)
			*holder = holder_of(lfd);
		close(lfd);
		return ret;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(lfd, 0) < 0 || pwrite(lfd, pid, n, 0) != n) {
		ret = -errno;
		close(lfd);
		return ret;
	}
	*fd = lfd;
	return 0;
}

void cs_lockfile_release(int *fd)
{
	if (*fd >= 0)
		close(*fd);	/* the lock goes with the descriptor */
	*fd = -1;
}
