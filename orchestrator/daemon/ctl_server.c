// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/ctl_server.c: the daemon's end of the control socket
 * (see ctl_server.h; the protocol is in core/ctl.h).
 *
 * The daemon serves connections from its poll loop: accept (non-blocking),
 * check SO_PEERCRED, read one request with a receive timeout so that a
 * client that never sends cannot hold the loop for more than CS_CTL_READ_MS,
 * answer, close. Requests are parsed with json-c's tokenizer, with a depth
 * limit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl_server.h"
#include "exit_codes.h"
#include "log.h"

enum { CS_CTL_BACKLOG = 16, CS_CTL_PER_WAKE = 32 };

/* Is a daemon answering on @path? */
static bool someone_listens(const char *path)
{
	struct sockaddr_un sa;
	bool yes;
	int fd;

	if (cs_ctl_addr(&sa, path))
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	yes = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return yes;
}

int cs_ctl_listen(struct cs_ctl *s, const char *path, const char *group, char *err,
		  size_t errlen)
{
	char dir[sizeof(s->path)];
	struct sockaddr_un sa;
	struct group *gr;
	struct stat st;
	mode_t old;
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->gid = (gid_t)-1;
	s->spare_fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (group[0]) {
		gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "control.group '%s' is not a group on this machine",
				 group);
			return -ENOENT;
		}
		s->gid = gr->gr_gid;
		s->has_group = true;
	}
	if (cs_ctl_addr(&sa, path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	dirname(dir);
	if (mkdir(dir, s->has_group ? 0750 : 0700) == 0) {
		/* only a directory we made is ours to hand to the group */
		if (s->has_group && (chown(dir, 0, s->gid) < 0 || chmod(dir, 0750) < 0))
			cs_warn("cannot give %s to group %s: %s", dir, group, strerror(errno));
	} else if (errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return ret;
	}
	if (someone_listens(path)) {
		snprintf(err, errlen, "another cellsched answers on %s", path);
		return -EADDRINUSE;
	}
	/* a stale socket of a daemon that died; anything else there is not ours */
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket; refusing to replace it", path);
		return -EEXIST;
	}
	unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		goto fail;
	old = umask(0177);
	ret = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0)
		goto fail;
	if (s->has_group && (chown(path, 0, s->gid) < 0 || chmod(path, 0660) < 0))
		goto fail;
	if (listen(s->fd, CS_CTL_BACKLOG) < 0)
		goto fail;
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
fail:
	ret = -errno;
	snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
	cs_ctl_close(s);
	return ret;
}

void cs_ctl_close(struct cs_ctl *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	s->fd = -1;
	s->spare_fd = -1;
}

/* Is @gid among the peer's supplementary groups (SO_PEERGROUPS)? */
static bool peer_in_group(int fd, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;	/* ERANGE: more than 256 groups; refuse rather than guess */
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Wait until @fd is ready for @events or @deadline (ms, CLOCK_MONOTONIC) passes. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t now = cs_now_ms();
	int n;

	if (now >= deadline)
		return -ETIMEDOUT;
	n = poll(&p, 1, (int)(deadline - now));
	return n > 0 ? 0 : n == 0 ? -ETIMEDOUT : -errno;
}

/* Connection fds are non-blocking: every wait is bounded by the connection's deadline. */
static void reply(int fd, json_object *o, uint64_t deadline)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(text), off = 0;

	while (off <= len) {
		ssize_t n;

		/* the text, then its newline */
		n = off < len ? send(fd, text + off, len - off, MSG_NOSIGNAL) :
				send(fd, "\n", 1, MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;	/* the client went away: its loss */
		if (wait_fd(fd, POLLOUT, deadline))
			return;
	}
}

static void reply_error(int fd, int code, const char *msg, uint64_t deadline)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "exit", json_object_new_int(code));
	json_object_object_add(o, "error", json_object_new_string(msg));
	reply(fd, o, deadline);
	json_object_put(o);
}

/* Read one request (up to a newline or EOF) by @deadline. Returns its length or -errno. */
static ssize_t read_request(int fd, char *buf, size_t cap, uint64_t deadline)
{
	size_t len = 0;

	while (len < cap) {
		ssize_t n = recv(fd, buf + len, cap - len, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int err = wait_fd(fd, POLLIN, deadline);

			if (err)
				return err;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0 || memchr(buf + len, '\n', n)) {
			len += n;
			return len;
		}
		len += n;
	}
	return -EMSGSIZE;
}

static void serve_one(struct cs_ctl *s, int fd, cs_ctl_handler fn, void *ctx)
{
	uint64_t deadline = cs_now_ms() + CS_CTL_READ_MS;
	struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	socklen_t clen = sizeof(cred);
	json_object *req = NULL, *cmd, *result = NULL, *o;
	char err[1024] = "";
	char *buf;
	ssize_t len;
	int code;

	buf = malloc(CS_CTL_MAX_REQ + 1);
	if (!buf)
		return;
	/* read first, also from a caller we refuse: it gets our answer, not a reset */
	len = read_request(fd, buf, CS_CTL_MAX_REQ + 1, deadline);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
	    !(cred.uid == 0 || (s->has_group && (cred.gid == s->gid ||
						 peer_in_group(fd, s->gid))))) {
		cs_warn("control socket: refused a request from uid %d (root%s only)",
			(int)cred.uid, s->has_group ? " and the control group" : "");
		reply_error(fd, CS_EXIT_PERM, "not allowed: the control socket is for root"
			    " and the configured control.group only", deadline);
		goto out;
	}
	if (len == -EMSGSIZE || len > CS_CTL_MAX_REQ) {
		reply_error(fd, CS_EXIT_USAGE, "request larger than 64 KiB", deadline);
		goto out;
	}
	if (len < 0) {
		cs_warn("control socket: dropped a request from pid %d: %s", (int)cred.pid,
			len == -ETIMEDOUT ? "no whole request within 500 ms" : strerror(-len));
		goto out;
	}
	req = cs_ctl_parse_request(buf, (size_t)len, err, sizeof(err));
	if (!req) {
		reply_error(fd, CS_EXIT_USAGE, err, deadline);
		goto out;
	}
	json_object_object_get_ex(req, "cmd", &cmd);
	code = fn(ctx, json_object_get_string(cmd), req, cred.uid, &result, err, sizeof(err));
	/* the handler's own work does not count against the client's time */
	deadline = cs_now_ms() + CS_CTL_READ_MS;
	if (code) {
		reply_error(fd, code, err[0] ? err : "failed", deadline);
		json_object_put(result);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", result ? result : json_object_new_object());
	reply(fd, o, deadline);
	json_object_put(o);
out:
	json_object_put(req);
	free(buf);
}

void cs_ctl_serve(struct cs_ctl *s, cs_ctl_handler fn, void *ctx)
{
	uint64_t until = cs_now_ms() + CS_CTL_READ_MS;

	/* a few connections per wake, and not longer than one client may take */
	for (int i = 0; s->fd >= 0 && i < CS_CTL_PER_WAKE && cs_now_ms() < until; i++) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
			/* out of fds: use the spare to take the caller off the queue, or
			 * the socket stays readable and the loop spins */
			cs_warn("control socket: out of file descriptors; dropping a connection");
			close(s->spare_fd);
			fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				close(fd);
			s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			continue;
		}
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				cs_warn("control socket: accept: %s", strerror(errno));
			return;
		}
		serve_one(s, fd, fn, ctx);
		close(fd);
	}
}
