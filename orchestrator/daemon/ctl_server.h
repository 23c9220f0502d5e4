/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/ctl_server.h: the daemon's end of the control socket
 * (protocol: core/ctl.h).
 *
 * Malformed, oversized or slow requests are answered with an error or
 * dropped; a connection gets CS_CTL_READ_MS in all to send its request (and
 * as long to take the answer), and one wake of the daemon takes new
 * connections for at most that long: no client holds the daemon for more
 * than about twice that. The socket's directory should be cellsched's own:
 * it is given to the group only when cellsched creates it. Prefix: cs_ctl.
 */
#ifndef CELLSCHED_CTL_SERVER_H
#define CELLSCHED_CTL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "ctl.h"

struct cs_ctl {
	int fd;
	char path[108];
	gid_t gid;		/* allowed group; (gid_t)-1: root only */
	bool has_group;
	int spare_fd;		/* given up to accept (and drop) a caller when out of fds */
};

/*
 * Answer one request: fill @result (ok) or return an exit code
 * (exit_codes.h) with the message in @err. @peer_uid is the caller's uid (0,
 * or a member of the control group).
 */
typedef int (*cs_ctl_handler)(void *ctx, const char *cmd, json_object *req, uid_t peer_uid,
			      json_object **result, char *err, size_t errlen);

/*
 * Listen on @path; @group ("" = root only) may use it too. Refuses to
 * replace a socket another daemon still answers on (-EADDRINUSE). Returns 0
 * or -errno with the reason in @err.
 */
int cs_ctl_listen(struct cs_ctl *s, const char *path, const char *group, char *err,
		  size_t errlen);

/* Accept and answer the connections waiting on @s (the socket is non-blocking). */
void cs_ctl_serve(struct cs_ctl *s, cs_ctl_handler fn, void *ctx);

/* Stop listening and remove the socket file. */
void cs_ctl_close(struct cs_ctl *s);

#endif /* CELLSCHED_CTL_SERVER_H */
