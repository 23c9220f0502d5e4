// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/ctl_server.c: the daemon's end of the control socket
 * (see ctl_server.h; the protocol is in core/ctl.h).
 *
 * Connections are served from the daemon's poll loop and never block it.
 * The listening socket and every connection are non-blocking; each
 * connection has a slot (at most CS_CTL_MAX_CONNS at once) holding its bytes
 * so far and a deadline. One call of cs_ctl_serve() accepts what waits while
 * slots are free, reads what each connection sent, answers those whose
 * request is complete (the handler runs then), sends as much of each answer
 * as the socket takes, and drops connections past their deadline. A silent
 * or trickling client costs a slot for CS_CTL_READ_MS, never the loop's
 * time; with every slot taken, new callers wait in the listen backlog (the
 * listening socket is then left out of the poll set) until one frees.
 * SO_PEERCRED is read at accept; a caller refused by it still gets its
 * answer once it has sent its request. Requests are parsed by core/ctl.c.
 * The socket's path is claimed with a lock beside it (SOCKET.lock,
 * lockfile.h) held while listening: only its holder removes a stale socket.
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
#include "lockfile.h"
#include "log.h"

enum { CS_CTL_BACKLOG = CS_CTL_MAX_CONNS };

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

/* The socket's directory: made 0700 (0750 and the group's, with a group) if missing. */
static int make_dir(const struct cs_ctl *s, const char *path, const char *group, char *err,
		    size_t errlen)
{
	char dir[sizeof(s->path)];
	int ret;

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
	return 0;
}

/*
 * Make @path ours: take PATH.lock (held until cs_ctl_close), then remove a
 * stale socket left by a daemon that died. Only the lock's holder ever
 * unlinks the socket, so of two daemons starting at once the second neither
 * listens nor removes the first one's socket.
 */
static int claim(struct cs_ctl *s, const char *path, char *err, size_t errlen)
{
	char lock[sizeof(s->path) + 8];
	struct stat st;
	long holder;
	int ret;

	snprintf(lock, sizeof(lock), "%s.lock", path);
	ret = cs_lockfile_take(lock, &s->lock_fd, &holder);
	if (ret == -EBUSY) {
		snprintf(err, errlen, "another cellsched answers on %s (pid %ld holds %s)", path,
			 holder, lock);
		return -EADDRINUSE;
	}
	if (ret) {
		snprintf(err, errlen, "cannot lock %s: %s", lock, ret == -EINVAL ?
			 "it is not a regular file" : strerror(-ret));
		return ret;
	}
	if (someone_listens(path)) {	/* a cellsched without the lock */
		snprintf(err, errlen, "another cellsched answers on %s", path);
		return -EADDRINUSE;
	}
	/* a stale socket of a daemon that died; anything else there is not ours */
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket; refusing to replace it", path);
		return -EEXIST;
	}
	unlink(path);
	return 0;
}

int cs_ctl_listen(struct cs_ctl *s, const char *path, const char *group, char *err,
		  size_t errlen)
{
	struct sockaddr_un sa;
	struct group *gr;
	mode_t old;
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = s->spare_fd = s->lock_fd = -1;
	s->gid = (gid_t)-1;
	if (cs_ctl_addr(&sa, path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
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
	s->conns = calloc(CS_CTL_MAX_CONNS, sizeof(*s->conns));
	if (!s->conns)
		return -ENOMEM;
	for (int i = 0; i < CS_CTL_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	ret = make_dir(s, path, group, err, errlen);
	if (!ret)
		ret = claim(s, path, err, errlen);
	if (ret) {
		cs_ctl_close(s);
		return ret;
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		goto fail;
	old = umask(0177);
	ret = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || (s->has_group && (chown(path, 0, s->gid) < 0 || chmod(path, 0660) < 0)) ||
	    listen(s->fd, CS_CTL_BACKLOG) < 0)
		goto fail;
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
fail:
	ret = -errno;
	snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
	cs_ctl_close(s);
	return ret;
}

static void conn_close(struct cs_ctl *s, struct cs_ctl_conn *c)
{
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	s->nr_conns--;
}

void cs_ctl_stop_listening(struct cs_ctl *s)
{
	if (!s->conns)
		return;
	for (int i = 0; i < CS_CTL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && !s->conns[i].later)
			conn_close(s, &s->conns[i]);
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);	/* still holding the lock: it is ours */
	}
	s->fd = -1;
}

void cs_ctl_close(struct cs_ctl *s)
{
	if (!s->conns)
		return;		/* never listened (or closed already) */
	cs_ctl_stop_listening(s);
	for (int i = 0; i < CS_CTL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0)
			conn_close(s, &s->conns[i]);
	free(s->conns);
	s->conns = NULL;
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	s->fd = -1;
	s->spare_fd = -1;
	cs_lockfile_release(&s->lock_fd);
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

/* The answer @o, with its newline, becomes what @c sends next (by a new deadline). */
static void set_answer(struct cs_ctl_conn *c, json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(text);
	char *buf = malloc(len + 1);

	free(c->buf);
	c->buf = buf;
	c->len = buf ? len + 1 : 0;	/* out of memory: the caller gets no answer */
	if (buf) {
		memcpy(buf, text, len);
		buf[len] = '\n';
	}
	c->off = 0;
	c->answering = true;
	c->deadline = cs_now_ms() + CS_CTL_READ_MS;
}

static void set_error(struct cs_ctl_conn *c, int code, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "exit", json_object_new_int(code));
	json_object_object_add(o, "error", json_object_new_string(msg));
	set_answer(c, o);
	json_object_put(o);
}

/* A whole request came (or the caller refused by SO_PEERCRED is done sending): answer it. */
static void handle(struct cs_ctl *s, struct cs_ctl_conn *c, cs_ctl_handler fn, void *ctx)
{
	json_object *req, *cmd, *result = NULL, *o;
	char err[1024] = "";
	int code;

	if (!c->allowed) {
		cs_warn("control socket: refused a request from uid %d (root%s only)",
			(int)c->uid, s->has_group ? " and the control group" : "");
		set_error(c, CS_EXIT_PERM, "not allowed: the control socket is for root"
			  " and the configured control.group only");
		return;
	}
	if (c->len > CS_CTL_MAX_REQ) {
		set_error(c, CS_EXIT_USAGE, "request larger than 64 KiB");
		return;
	}
	req = cs_ctl_parse_request(c->buf, c->len, err, sizeof(err));
	if (!req) {
		set_error(c, CS_EXIT_USAGE, err);
		return;
	}
	json_object_object_get_ex(req, "cmd", &cmd);
	code = fn(ctx, json_object_get_string(cmd), req, c->uid, &result, err, sizeof(err));
	if (code == CS_CTL_LATER) {
		c->later = true;	/* not read, not timed out: cs_ctl_answer_later */
		json_object_put(result);
	} else if (code) {
		set_error(c, code, err[0] ? err : "failed");
		json_object_put(result);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "result", result ? result : json_object_new_object());
		set_answer(c, o);
		json_object_put(o);
	}
	json_object_put(req);
}

/* Read what @c sent; true once its request is whole (a newline, the end, or too much). */
static bool read_some(struct cs_ctl_conn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->buf + c->len, CS_CTL_MAX_REQ + 1 - c->len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;	/* an error: answer now */
		if (n == 0 || memchr(c->buf + c->len, '\n', n)) {
			c->len += n;
			return true;
		}
		c->len += n;
		if (c->len > CS_CTL_MAX_REQ)
			return true;
	}
}

/* Send what the socket takes of @c's answer; true once all is sent or the caller left. */
static bool write_some(struct cs_ctl_conn *c)
{
	while (c->off < c->len) {
		ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);

		if (n > 0)
			c->off += n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
	}
	return true;
}

/* A new connection into a free slot; its credentials now, its request later. */
static void take(struct cs_ctl *s, int fd)
{
	struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	socklen_t clen = sizeof(cred);
	struct cs_ctl_conn *c = NULL;

	for (int i = 0; i < CS_CTL_MAX_CONNS && !c; i++)
		if (s->conns[i].fd < 0)
			c = &s->conns[i];
	c->buf = malloc(CS_CTL_MAX_REQ + 1);
	if (!c->buf) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->deadline = cs_now_ms() + CS_CTL_READ_MS;
	c->allowed = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 &&
		     (cred.uid == 0 || (s->has_group && (cred.gid == s->gid ||
							 peer_in_group(fd, s->gid))));
	c->pid = cred.pid;
	c->uid = cred.uid;
	s->nr_conns++;
}

/* Accept the callers waiting, while slots are free. */
static void accept_all(struct cs_ctl *s)
{
	while (s->fd >= 0 && s->nr_conns < CS_CTL_MAX_CONNS) {
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
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				cs_warn("control socket: accept: %s", strerror(errno));
			return;
		}
		take(s, fd);
	}
}

/* @c's time is up: a refused caller still gets its answer (one try), others are dropped. */
static void expire(struct cs_ctl *s, struct cs_ctl_conn *c, cs_ctl_handler fn, void *ctx)
{
	if (!c->answering && !c->allowed) {
		handle(s, c, fn, ctx);
		write_some(c);
	} else if (!c->answering) {
		cs_warn("control socket: dropped a request from pid %d: no whole request within "
			"%d ms", (int)c->pid, CS_CTL_READ_MS);
	}
	conn_close(s, c);
}

int cs_ctl_serve(struct cs_ctl *s, cs_ctl_handler fn, void *ctx)
{
	int answered = 0;

	if (!s->conns)
		return 0;
	accept_all(s);
	for (int i = 0; i < CS_CTL_MAX_CONNS; i++) {
		struct cs_ctl_conn *c = &s->conns[i];

		if (c->fd < 0 || c->later)
			continue;
		if (!c->answering && read_some(c)) {
			handle(s, c, fn, ctx);
			answered++;
		}
		/* the answer goes out at once if the socket takes it */
		if (c->answering && write_some(c)) {
			conn_close(s, c);
			continue;
		}
		if (!c->later && cs_now_ms() >= c->deadline)
			expire(s, c, fn, ctx);
	}
	return answered;
}

void cs_ctl_answer_later(struct cs_ctl *s, json_object *result, int code, const char *err)
{
	for (int i = 0; s->conns && i < CS_CTL_MAX_CONNS; i++) {
		struct cs_ctl_conn *c = &s->conns[i];
		json_object *o;

		if (c->fd < 0 || !c->later)
			continue;
		if (code) {
			set_error(c, code, err);
		} else {
			o = json_object_new_object();
			json_object_object_add(o, "ok", json_object_new_boolean(1));
			json_object_object_add(o, "result", json_object_get(result));
			set_answer(c, o);
			json_object_put(o);
		}
		/* blocking now: the daemon has nothing else left to do */
		while (!write_some(c) && cs_now_ms() < c->deadline)
			poll(&(struct pollfd){ .fd = c->fd, .events = POLLOUT }, 1,
			     (int)(c->deadline - cs_now_ms()));
		conn_close(s, c);
	}
	json_object_put(result);
}

unsigned int cs_ctl_pollfds(const struct cs_ctl *s, struct pollfd *pfd)
{
	unsigned int n = 0;

	if (s->fd >= 0 && s->nr_conns < CS_CTL_MAX_CONNS)
		pfd[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (int i = 0; s->conns && i < CS_CTL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && !s->conns[i].later)
			pfd[n++] = (struct pollfd){ .fd = s->conns[i].fd,
						    .events = s->conns[i].answering ? POLLOUT :
										      POLLIN };
	return n;
}

int cs_ctl_timeout_ms(const struct cs_ctl *s)
{
	uint64_t now = cs_now_ms(), first = UINT64_MAX;

	for (int i = 0; s->conns && i < CS_CTL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && !s->conns[i].later && s->conns[i].deadline < first)
			first = s->conns[i].deadline;
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}
