/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/proc.h: a process named by its pid, held through a
 * pidfd so that what is checked and what is moved are the same process.
 *
 * A pid is only a number: between reading /proc/PID/status and writing PID
 * to cgroup.procs the process may exit and the number go to another
 * process. A pidfd (pidfd_open(2)) refers to the process itself, and a
 * live process keeps its number: whatever was read or written by number
 * while the pidfd showed the process alive before and after was about that
 * process. The one window left is the write to cgroup.procs itself, which
 * takes a number: a process that exits during that write, and whose number
 * is taken by a new process within the same instant (the pid space must
 * wrap around meanwhile), can get the new process moved. cs_proc_move()
 * then reports it rather than claiming success. Prefix: cs_proc.
 */
#ifndef CELLSCHED_PROC_H
#define CELLSCHED_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct cs_proc {
	int pid;
	int pidfd;		/* -1: not open */
};

/* Hold process @pid. 0, or -ESRCH (no such process) / another -errno. */
int cs_proc_open(int pid, struct cs_proc *p);

/* Has the process not exited (a zombie has)? */
bool cs_proc_alive(const struct cs_proc *p);

/* Its real uid, read while it is alive. 0, or -ESRCH if it exited. */
int cs_proc_uid(const struct cs_proc *p, uid_t *uid);

/*
 * Move it with @move(@cgroup, pid) (cs_cg_attach), only if alive before;
 * -ESRCH if it had exited before, or exited during the move: then, if
 * @move succeeded, another process that took its number may have been
 * moved instead, which *@maybe_other tells. Otherwise @move's result.
 */
int cs_proc_move(const struct cs_proc *p, int (*move)(const char *cgroup, int pid),
		 const char *cgroup, bool *maybe_other);

void cs_proc_close(struct cs_proc *p);

#endif /* CELLSCHED_PROC_H */
