/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/lockfile.h: a lock that says "a cellsched daemon owns
 * this", held for the daemon's lifetime.
 *
 * A lock file is a regular file beside what it guards (STATE.lock beside the
 * state file, SOCKET.lock beside the control socket) with an exclusive
 * flock(2) on it and the holder's pid in it. The kernel drops the lock when
 * the holder exits, even by kill -9, so a lock is never stale; the file
 * stays (removing it would let two daemons lock two different files).
 * Two daemons starting at once cannot both pass: the second is told who
 * holds the lock and touches nothing. Prefix: cs_lockfile.
 */
#ifndef CELLSCHED_LOCKFILE_H
#define CELLSCHED_LOCKFILE_H

/*
 * Take the lock at @path (created if missing, mode 0600; its directory must
 * exist). Returns 0 with the open descriptor in *@fd; -EBUSY when another
 * process holds it (*@holder: its pid, 0 if it has not written it yet);
 * -EINVAL when @path is not a regular file; another -errno.
 */
int cs_lockfile_take(const char *path, int *fd, long *holder);

/* Release a lock taken by cs_lockfile_take() (*@fd becomes -1); safe on -1. */
void cs_lockfile_release(int *fd);

#endif /* CELLSCHED_LOCKFILE_H */
