/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/ctl.h: the protocol of the control socket between
 * `cellsched run` (daemon/ctl_server.c) and the CLI verbs (cli/ctl_client.c).
 *
 * A Unix stream socket (default /run/cellsched/cellsched.sock, directory 0700
 * or 0750 with a group, socket 0600 or 0660), peer credentials checked on
 * every connection (root, or a member of the configured group), one request
 * per connection: a JSON object of at most CS_CTL_MAX_REQ bytes ending in a
 * newline, answered by one JSON object { "ok": true, "result": ... } or
 * { "ok": false, "exit": N, "error": "..." }, N an exit code of
 * exit_codes.h. A request is strict JSON (RFC 8259, UTF-8), nested at most
 * CS_CTL_JSON_DEPTH deep, with no key twice in one object (JSON leaves that
 * open and json-c keeps the last: {"cmd":"status","cmd":"stop"} would stop
 * the daemon), and nothing after it but white space. Prefix: cs_ctl.
 */
#ifndef CELLSCHED_CTL_H
#define CELLSCHED_CTL_H

#include <stddef.h>
#include <sys/un.h>

#include <json-c/json.h>

enum {
	CS_CTL_MAX_REQ		= 64 * 1024,	/* bytes of a request */
	CS_CTL_MAX_RESP		= 16 << 20,	/* bytes of a response */
	CS_CTL_READ_MS		= 500,		/* ms a client has to send its request */
	CS_CTL_CLIENT_MS	= 30000,	/* ms the CLI waits for an answer */
	CS_CTL_JSON_DEPTH	= 16,		/* nesting of a request */
};

/*
 * Parse request @buf[@len] (without or with its newline). Returns the
 * request object, which has a string "cmd" (caller puts it), or NULL with
 * "malformed request: ..." in @err.
 */
json_object *cs_ctl_parse_request(const char *buf, size_t len, char *err, size_t errlen);

/* Fill @sa with the Unix socket address @path; -ENAMETOOLONG if it does not fit. */
int cs_ctl_addr(struct sockaddr_un *sa, const char *path);

/* Set SO_RCVTIMEO or SO_SNDTIMEO (@optname) of @fd to @ms milliseconds. */
int cs_ctl_set_timeout(int fd, int optname, int ms);

#endif /* CELLSCHED_CTL_H */
