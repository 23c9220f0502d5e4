/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/ctl.h: the control socket between `cellsched run` and the
 * CLI verbs.
 *
 * Owns the transport: a Unix stream socket (default
 * /run/cellsched/cellsched.sock, directory 0700 or 0750 with a group, socket
 * 0600 or 0660), peer credentials checked on every connection (root, or a
 * member of the configured group), one request per connection: a JSON object
 * of at most CS_CTL_MAX_REQ bytes ending in a newline, answered by one JSON
 * object { "ok": true, "result": ... } or { "ok": false, "exit": N,
 * "error": "..." }. Malformed, oversized or slow requests are answered with
 * an error or dropped; a connection gets CS_CTL_READ_MS in all to send its
 * request (and as long to take the answer), and one wake of the daemon takes
 * new connections for at most that long: no client holds the daemon for
 * more than about twice that. The socket's
 * directory should be cellsched's own: it is given to the group only when
 * cellsched creates it. Prefix: cs_ctl.
 */
#ifndef CELLSCHED_CTL_H
#define CELLSCHED_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

enum {
	CS_CTL_MAX_REQ		= 64 * 1024,	/* bytes of a request */
	CS_CTL_MAX_RESP		= 16 << 20,	/* bytes of a response */
	CS_CTL_READ_MS		= 500,		/* ms a client has to send its request */
	CS_CTL_CLIENT_MS	= 30000,	/* ms the CLI waits for an answer */
};

struct cs_ctl {
	int fd;
	char path[108];
	gid_t gid;		/* allowed group; (gid_t)-1: root only */
	bool has_group;
	int spare_fd;		/* given up to accept (and drop) a caller when out of fds */
};

/*
 * Answer one request: fill @result (ok) or return an exit code (cli.h) with
 * the message in @err. @peer_uid is the caller's uid (0, or a member of the
 * control group).
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

/*
 * Client: send @req to the daemon at @path and wait for its answer.
 * Returns 0 with *@resp (the whole answer object; caller puts it) or
 * -errno with a message in @err (-ENOENT/-ECONNREFUSED: not running,
 * -EACCES: not allowed).
 */
int cs_ctl_request(const char *path, json_object *req, json_object **resp, char *err,
		   size_t errlen);

#endif /* CELLSCHED_CTL_H */
