/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/ctl_server.h: the daemon's end of the control socket
 * (protocol: core/ctl.h).
 *
 * Malformed, oversized or slow requests are answered with an error or
 * dropped; a connection gets CS_CTL_READ_MS in all to send its request (and
 * as long to take the answer). Connections are served from the daemon's
 * poll loop without ever blocking it (cs_ctl_pollfds, cs_ctl_timeout_ms,
 * cs_ctl_serve), up to CS_CTL_MAX_CONNS at once: no client holds the daemon,
 * and a slow one delays no other. The socket's directory should be
 * cellsched's own: it is given to the group only when cellsched creates it.
 * Prefix: cs_ctl.
 */
#ifndef CELLSCHED_CTL_SERVER_H
#define CELLSCHED_CTL_SERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "ctl.h"

enum { CS_CTL_MAX_CONNS = 64 };	/* connections served at once */

/* One connection: reading its request, then sending its answer. */
struct cs_ctl_conn {
	int fd;			/* -1: a free slot */
	uint64_t deadline;	/* ms (clock.h) by which it must have sent / taken all */
	pid_t pid;		/* the caller's, from SO_PEERCRED at accept */
	uid_t uid;
	bool allowed;		/* root, or a member of the control group */
	bool answering;		/* buf holds the answer, not the request */
	bool later;		/* answered by cs_ctl_answer_later (the handler said so) */
	char *buf;		/* the request so far, then the answer */
	size_t len, off;	/* bytes in buf; of the answer, bytes sent */
};

struct cs_ctl {
	int fd;
	char path[108];
	gid_t gid;		/* allowed group; (gid_t)-1: root only */
	bool has_group;
	int spare_fd;		/* given up to accept (and drop) a caller when out of fds */
	int lock_fd;		/* PATH.lock, held while listening (lockfile.h) */
	struct cs_ctl_conn *conns;	/* CS_CTL_MAX_CONNS slots while listening, else NULL */
	unsigned int nr_conns;
};

/*
 * Answer one request: fill @result (ok) or return an exit code
 * (exit_codes.h) with the message in @err, or CS_CTL_LATER: the caller waits
 * for cs_ctl_answer_later (`stop`, answered once everything is detached).
 * @peer_uid is the caller's uid (0, or a member of the control group).
 */
enum { CS_CTL_LATER = 1000 };
typedef int (*cs_ctl_handler)(void *ctx, const char *cmd, json_object *req, uid_t peer_uid,
			      json_object **result, char *err, size_t errlen);

/*
 * Listen on @path; @group ("" = root only) may use it too. Takes PATH.lock
 * first and refuses (-EADDRINUSE, "another cellsched answers on ...") when
 * another daemon holds it or answers there; only then is a stale socket
 * removed. Returns 0 or -errno with the reason in @err.
 */
int cs_ctl_listen(struct cs_ctl *s, const char *path, const char *group, char *err,
		  size_t errlen);

/*
 * What the daemon's poll must wait for: fills @pfd (room for 1 +
 * CS_CTL_MAX_CONNS) and returns how many. The listening socket is left out
 * while every slot is taken.
 */
unsigned int cs_ctl_pollfds(const struct cs_ctl *s, struct pollfd *pfd);

/* Milliseconds until the first connection's deadline (0: past), or -1 if none. */
int cs_ctl_timeout_ms(const struct cs_ctl *s);

/*
 * Accept waiting callers, read what connections sent, answer whole requests
 * (calling @fn), send answers, drop connections past their deadline. Never
 * blocks; call it on every wake of the loop. Returns how many requests were
 * answered.
 */
int cs_ctl_serve(struct cs_ctl *s, cs_ctl_handler fn, void *ctx);

/*
 * Stop listening and remove the socket file (the lock stays until
 * cs_ctl_close): new callers find no daemon; only the connections waiting
 * for cs_ctl_answer_later stay.
 */
void cs_ctl_stop_listening(struct cs_ctl *s);

/*
 * Answer every connection waiting since its handler returned CS_CTL_LATER:
 * @result (ok, taken over) or exit code @code with @err. Blocks at most
 * CS_CTL_READ_MS per connection, then closes it.
 */
void cs_ctl_answer_later(struct cs_ctl *s, json_object *result, int code, const char *err);

/* Stop listening, remove the socket file, release the lock. Safe on a zeroed @s. */
void cs_ctl_close(struct cs_ctl *s);

#endif /* CELLSCHED_CTL_SERVER_H */
