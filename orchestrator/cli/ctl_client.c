// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/ctl_client.c: the CLI's end of the control socket (see
 * ctl_client.h; the protocol is in core/ctl.h): connect, send one request,
 * read the whole answer, parse it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_client.h"

/* Connect to the daemon at @path: the socket, or -errno with @err. */
static int connect_to(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd, ret;

	if (cs_ctl_addr(&sa, path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	ret = -errno;
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		snprintf(err, errlen, "cellsched is not running (nothing answers on %s)", path);
	else if (ret == -EACCES || ret == -EPERM)
		snprintf(err, errlen, "not allowed to use %s (root or the control group only)",
			 path);
	else
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The whole answer (up to CS_CTL_MAX_RESP) into *@out (NUL-terminated); -errno with @err. */
static int read_answer(int fd, const char *path, char **out, size_t *len, char *err,
		       size_t errlen)
{
	size_t cap = 65536, got = 0;
	char *buf = malloc(cap + 1), *bigger;
	ssize_t n;

	while (buf) {
		n = recv(fd, buf + got, cap - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			snprintf(err, errlen, "no answer from cellsched on %s: %s", path,
				 n == -EAGAIN ? "timed out" : strerror((int)-n));
			free(buf);
			return (int)n;
		}
		if (n == 0) {
			buf[got] = '\0';
			*out = buf;
			*len = got;
			return 0;
		}
		got += n;
		if (got < cap)
			continue;
		bigger = cap >= CS_CTL_MAX_RESP ? NULL : realloc(buf, 2 * cap + 1);
		if (!bigger) {
			snprintf(err, errlen, "answer from cellsched too large");
			free(buf);
			return -EMSGSIZE;
		}
		buf = bigger;
		cap *= 2;
	}
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

int cs_ctl_request(const char *path, json_object *req, json_object **resp, char *err,
		   size_t errlen)
{
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text), got = 0;
	char *buf = NULL;
	int fd, ret;

	*resp = NULL;
	fd = connect_to(path, err, errlen);
	if (fd < 0)
		return fd;
	cs_ctl_set_timeout(fd, SO_RCVTIMEO, CS_CTL_CLIENT_MS);
	cs_ctl_set_timeout(fd, SO_SNDTIMEO, CS_CTL_CLIENT_MS);
	if ((send(fd, text, len, MSG_NOSIGNAL) != (ssize_t)len ||
	     send(fd, "\n", 1, MSG_NOSIGNAL) != 1) && errno != EPIPE && errno != ECONNRESET) {
		ret = -errno;
		snprintf(err, errlen, "sending to %s: %s", path, strerror(errno));
		goto out;
	}
	/* a daemon that refuses us answers before reading: go read its answer */
	shutdown(fd, SHUT_WR);
	ret = read_answer(fd, path, &buf, &got, err, errlen);
	if (ret)
		goto out;
	*resp = json_tokener_parse(buf);
	if (!*resp || !json_object_is_type(*resp, json_type_object)) {
		json_object_put(*resp);
		*resp = NULL;
		ret = -EPROTO;
		snprintf(err, errlen, "cellsched sent an answer that is not JSON%s",
			 got ? "" : " (nothing: did it stop?)");
	}
out:
	free(buf);
	close(fd);
	return ret;
}
