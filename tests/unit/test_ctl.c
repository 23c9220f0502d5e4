// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_ctl.c: orchestrator/ctl.c, the control socket, both ends,
 * on the host (a server loop in a thread, the real socket): socket and
 * directory modes, a second daemon refused (also while it holds only the
 * socket's lock, and two starting at once), a request answered, a handler's
 * refusal carried with its exit code, and every kind of bad request (not
 * JSON, not an object, no or non-string "cmd", trailing bytes, a key twice
 * in an object, not strict JSON, oversized,
 * nested too deep, a client that sends nothing, one that hangs up, one that
 * sends a byte every 200 ms and must not hold the daemon, 20 silent ones
 * beside a request, more than the slots) answered
 * with an error or dropped while the server keeps serving; a client without
 * the rights refused by the file modes and, with those opened up, by the
 * peer credential check; a member of control.group let in (socket 0660);
 * a client with no daemon told so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_server.h"
#include "exit_codes.h"
#include "lockfile.h"
#include "log.h"

static char dir[32], sock_path[96];
static struct cs_ctl server;
static pthread_t thread;
static volatile int stop_server;
static int served;

static int handler(void *ctx, const char *cmd, json_object *req, uid_t peer,
		   json_object **result, char *err, size_t errlen)
{
	json_object *x;

	(void)ctx;
	(void)peer;
	served++;
	if (!strcmp(cmd, "echo")) {
		*result = json_object_new_object();
		if (json_object_object_get_ex(req, "x", &x))
			json_object_object_add(*result, "x", json_object_get(x));
		return 0;
	}
	snprintf(err, errlen, "no cell 'zz'");
	return CS_EXIT_NOT_FOUND;
}

enum { TICK_MS = 20 };
static volatile long long max_tick_gap;	/* ms between two ticks the loop took */

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The daemon's loop in small (daemon/run.c): one poll for a tick and the control socket. */
static void *serve(void *arg)
{
	struct itimerspec its = { .it_interval.tv_nsec = TICK_MS * 1000000L,
				  .it_value.tv_nsec = TICK_MS * 1000000L };
	struct pollfd p[1 + 1 + CS_CTL_MAX_CONNS];
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	long long last = mono_ms();
	uint64_t n;

	(void)arg;
	timerfd_settime(tfd, 0, &its, NULL);
	while (!stop_server) {
		p[0] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		if (poll(p, 1 + cs_ctl_pollfds(&server, p + 1), cs_ctl_timeout_ms(&server)) < 0)
			continue;
		if (p[0].revents & POLLIN && read(tfd, &n, sizeof(n)) == sizeof(n)) {
			if (mono_ms() - last > max_tick_gap)
				max_tick_gap = mono_ms() - last;
			last = mono_ms();
		}
		cs_ctl_serve(&server, handler, NULL);
	}
	close(tfd);
	return NULL;
}

static int setup(void **state)
{
	char err[256];

	(void)state;
	cs_log_set_level(CS_LOG_ERROR);
	snprintf(dir, sizeof(dir), "/tmp/cs-ctl-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/run/cellsched.sock", dir);
	if (cs_ctl_listen(&server, sock_path, "", err, sizeof(err))) {
		fprintf(stderr, "listen: %s\n", err);
		return -1;
	}
	return pthread_create(&thread, NULL, serve, NULL);
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	stop_server = 1;
	pthread_join(thread, NULL);
	cs_ctl_close(&server);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Send @len raw bytes, return what came back (malloc'd, "" if nothing). */
static char *raw(const void *buf, size_t len, bool hang_up_early)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *out = calloc(1, 4096);
	size_t got = 0;
	ssize_t n;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (len)
		(void)!send(fd, buf, len, MSG_NOSIGNAL);
	if (hang_up_early) {
		close(fd);
		return out;
	}
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, out + got, 4095 - got, 0)) > 0)
		got += n;
	close(fd);
	return out;
}

static void assert_refused(const char *text, size_t len, const char *want)
{
	char *out = raw(text, len, false);

	if (!strstr(out, "\"ok\":false") || !strstr(out, want))
		fail_msg("sent %.60s...: got '%s', want an error with '%s'", text, out, want);
	free(out);
}

static void assert_still_serving(void)
{
	json_object *req = json_object_new_object(), *resp, *x;
	char err[256];

	json_object_object_add(req, "cmd", json_object_new_string("echo"));
	json_object_object_add(req, "x", json_object_new_int(42));
	assert_int_equal(cs_ctl_request(sock_path, req, &resp, err, sizeof(err)), 0);
	assert_true(json_object_object_get_ex(resp, "result", &x));
	assert_true(json_object_object_get_ex(x, "x", &x));
	assert_int_equal(json_object_get_int(x), 42);
	json_object_put(resp);
	json_object_put(req);
}

static bool someone_answers(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	bool yes;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	yes = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return yes;
}

static void test_modes(void **state)
{
	struct stat sb;
	char run[160];

	(void)state;
	assert_int_equal(stat(sock_path, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(run, sizeof(run), "%s/run", dir);
	assert_int_equal(stat(run, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
}

static void test_second_daemon(void **state)
{
	struct cs_ctl other;
	char err[256] = "";

	(void)state;
	assert_int_equal(cs_ctl_listen(&other, sock_path, "", err, sizeof(err)), -EADDRINUSE);
	assert_non_null(strstr(err, "another cellsched answers on"));
	assert_still_serving();
}

/*
 * Issue 13 item 7: two daemons starting at once could both find nobody
 * listening, and the second unlinked the first one's socket. The socket's
 * path is claimed with SOCKET.lock first: while another holds it, listen
 * refuses and leaves even a stale socket file alone.
 */
static void test_lock_held(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[100], lock[110], err[256] = "";
	struct stat before, after;
	struct cs_ctl other;
	long holder;
	int fd, lfd;

	(void)state;
	snprintf(path, sizeof(path), "%s/run/stale.sock", dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	/* a socket file nobody listens on (bound, never listening) */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(lstat(path, &before), 0);
	assert_int_equal(cs_lockfile_take(lock, &lfd, &holder), 0);
	assert_int_equal(cs_ctl_listen(&other, path, "", err, sizeof(err)), -EADDRINUSE);
	assert_non_null(strstr(err, "another cellsched answers on"));
	assert_int_equal(lstat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	/* released: the stale socket is replaced */
	cs_lockfile_release(&lfd);
	assert_int_equal(cs_ctl_listen(&other, path, "", err, sizeof(err)), 0);
	cs_ctl_close(&other);
	assert_int_equal(access(path, F_OK), -1);
}

/* 20 times two processes listen on one path at once: one wins, its socket stays. */
static void test_two_at_once(void **state)
{
	char path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/run/race.sock", dir);
	for (int round = 0; round < 20; round++) {
		int go[2], done[2], status, won = 0;
		pid_t pid[2];
		char c = 0;

		assert_int_equal(pipe(go), 0);
		assert_int_equal(pipe(done), 0);
		for (int i = 0; i < 2; i++) {
			pid[i] = fork();
			if (pid[i] == 0) {
				struct cs_ctl s;
				char err[256];
				int ret;

				close(go[1]);
				close(done[1]);
				(void)!read(go[0], &c, 1);
				ret = cs_ctl_listen(&s, path, "", err, sizeof(err));
				if (!ret)	/* keep listening until the parent has looked */
					(void)!read(done[0], &c, 1);
				if (!ret)
					cs_ctl_close(&s);
				_exit(ret == 0 ? 0 : ret == -EADDRINUSE ? 1 : 2);
			}
		}
		close(go[0]);
		close(done[0]);
		close(go[1]);	/* both start */
		/* whoever won still answers on the path, whatever the loser did */
		for (int i = 0; i < 200 && !someone_answers(path); i++)
			usleep(5000);
		assert_true(someone_answers(path));
		close(done[1]);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) < 2);
			won += WEXITSTATUS(status) == 0;
		}
		if (won != 1)
			fail_msg("round %d: %d listeners won", round, won);
	}
}

static void test_request(void **state)
{
	(void)state;
	assert_still_serving();
}

static void test_refusal(void **state)
{
	json_object *req = json_object_new_object(), *resp, *v;
	char err[256];

	(void)state;
	json_object_object_add(req, "cmd", json_object_new_string("cell-show"));
	assert_int_equal(cs_ctl_request(sock_path, req, &resp, err, sizeof(err)), 0);
	assert_true(json_object_object_get_ex(resp, "ok", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(resp, "exit", &v));
	assert_int_equal(json_object_get_int(v), CS_EXIT_NOT_FOUND);
	assert_true(json_object_object_get_ex(resp, "error", &v));
	assert_string_equal(json_object_get_string(v), "no cell 'zz'");
	json_object_put(resp);
	json_object_put(req);
}

#define MALFORMED "malformed request"
static void test_not_json(void **state)
{
	(void)state;
	assert_refused("garbage\n", 8, MALFORMED);
	assert_refused("{\"cmd\": \"echo\"\n", 15, MALFORMED);	/* unterminated */
	assert_still_serving();
}

static void test_not_an_object(void **state)
{
	(void)state;
	assert_refused("[1, 2]\n", 7, MALFORMED);
	assert_refused("\"echo\"\n", 7, MALFORMED);
	assert_still_serving();
}

static void test_bad_cmd(void **state)
{
	(void)state;
	assert_refused("{}\n", 3, MALFORMED);
	assert_refused("{\"cmd\": 5}\n", 11, MALFORMED);
	assert_refused("{\"cmd\": \"echo\"} {\"cmd\": \"echo\"}\n", 33, MALFORMED);
	assert_still_serving();
}

/*
 * Issue 13 item 4: json-c keeps the last of two equal keys, so
 * {"cmd":"status","cmd":"stop"} stopped the daemon. A key twice in any object
 * of a request makes it malformed; the handler never sees it.
 */
static void test_duplicate_keys(void **state)
{
	static const char *const dups[] = {
		"{\"cmd\": \"cell-show\", \"cmd\": \"echo\"}\n",
		"{\"cmd\": \"echo\", \"cmd\": \"echo\"}\n",
		"{\"cmd\": \"echo\", \"\\u0063md\": \"cell-show\"}\n",	/* the same key, escaped */
		"{\"cmd\": \"echo\", \"x\": {\"a\": 1, \"b\": [{\"c\": 1, \"c\": 2}]}}\n",
		"{\"cmd\": \"echo\", \"x\": {\"a\": {\"z\": 1}, \"a\": 2}, \"y\": {}}\n",
	};
	int before = served;

	(void)state;
	for (size_t i = 0; i < sizeof(dups) / sizeof(dups[0]); i++)
		assert_refused(dups[i], strlen(dups[i]), "malformed request: an object has the "
			       "same key twice");
	assert_int_equal(served, before);
	assert_still_serving();
}

/* cs_ctl_parse_request() itself: what strict JSON without duplicates lets through. */
static void test_parse_request(void **state)
{
	static const char *const good[] = {
		"{\"cmd\":\"a\"}",
		"  {\"cmd\": \"a\", \"x\": {\"a\": 1, \"b\": [{\"a\": 1}, {\"a\": 2}, []]}}\r\n",
		"{\"cmd\": \"a\", \"k\\\":\": 1, \"k2\": \"x:y{[\", \"e\": {}}\n",
		"{\"cmd\": \"a\", \"A\": 1, \"a\": 2}",
	};
	static const char *const bad[] = {
		"{\"cmd\": \"a\", \"x\": 1, \"x\": 1}",
		"{\"cmd\": \"a\", /* comment */ \"x\": 1}",	/* json-c takes it unless strict */
		"{'cmd': 'a'}",
		"{\"cmd\": \"a\",}",
		"{\"cmd\": \"a\"} x",
		"{\"cmd\": \"\xff\"}",	/* not UTF-8 */
		"",
	};
	char err[256];
	json_object *o;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		o = cs_ctl_parse_request(good[i], strlen(good[i]), err, sizeof(err));
		if (!o)
			fail_msg("refused %s: %s", good[i], err);
		json_object_put(o);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = cs_ctl_parse_request(bad[i], strlen(bad[i]), err, sizeof(err));
		if (o)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(err, "malformed request"));
	}
	/* a NUL inside ends nothing: the bytes after it are refused */
	o = cs_ctl_parse_request("{\"cmd\":\"a\"}\0x", 14, err, sizeof(err));
	assert_null(o);
}

static void test_oversized(void **state)
{
	size_t n = CS_CTL_MAX_REQ + 4096;
	char *big = malloc(n);

	(void)state;
	memset(big, ' ', n);
	memcpy(big, "{\"cmd\": \"echo\", \"x\": \"", 22);
	assert_refused(big, n, "larger than 64 KiB");
	free(big);
	assert_still_serving();
}

static void test_too_deep(void **state)
{
	char deep[512];
	size_t n = 0;

	(void)state;
	n += snprintf(deep, sizeof(deep), "{\"cmd\": \"echo\", \"x\": ");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n++] = '\n';
	assert_refused(deep, n, MALFORMED);
	assert_still_serving();
}

static void test_silent_and_hasty_clients(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, before = served;

	(void)state;
	/* connects and never sends: dropped after CS_CTL_READ_MS */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	free(raw("{\"cmd\": \"echo\"}\n", 16, true));	/* hangs up before the answer */
	assert_still_serving();
	close(fd);
	assert_true(served > before);
}

/* One byte every 200 ms: the connection still ends within CS_CTL_READ_MS or so. */
static void test_trickling_client(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *req = "{\"cmd\": \"echo\"}\n";
	long long t0;
	char buf[256];
	int fd;

	(void)state;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	t0 = mono_ms();
	for (size_t i = 0; i < strlen(req); i++) {
		struct timespec pause = { .tv_nsec = 200 * 1000 * 1000 };

		if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1)
			break;	/* the server hung up on us: good */
		nanosleep(&pause, NULL);
		if (mono_ms() - t0 > 3000)
			break;
	}
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
	if (mono_ms() - t0 > CS_CTL_READ_MS + 700)
		fail_msg("a trickling client held its connection for %lld ms", mono_ms() - t0);
	assert_still_serving();
}

static int connect_silent(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	/* with the backlog full a connect waits (EAGAIN) for a slot: that is fine */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EAGAIN)
		fail_msg("connect: %s", strerror(errno));
	return fd;
}

static bool no_connections(void)
{
	return server.nr_conns == 0;
}

/* Wait up to @ms for @cond. */
static bool wait_for(bool (*cond)(void), int ms)
{
	long long end = mono_ms() + ms;

	while (!cond()) {
		struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };

		if (mono_ms() > end)
			return false;
		nanosleep(&pause, NULL);
	}
	return true;
}

/*
 * Issue 13 item 5: 17 to 20 connections that send nothing made `cellsched
 * status` wait 7.5 s (each held the loop for 500 ms). Now a request is
 * answered at once beside 20 silent connections, and the loop's tick keeps
 * its period while they wait out their 500 ms.
 */
static void test_silent_clients_delay_nobody(void **state)
{
	int fds[20];
	long long t0;

	(void)state;
	assert_true(wait_for(no_connections, 2000));
	for (int i = 0; i < 20; i++)
		fds[i] = connect_silent();
	max_tick_gap = 0;
	t0 = mono_ms();
	assert_still_serving();
	/* before, the first silent connection alone held the loop CS_CTL_READ_MS; a
	 * loaded machine may delay us, but not by that much */
	if (mono_ms() - t0 >= CS_CTL_READ_MS)
		fail_msg("a request beside 20 silent connections took %lld ms", mono_ms() - t0);
	/* the silent ones are dropped after CS_CTL_READ_MS; the tick went on meanwhile */
	assert_true(wait_for(no_connections, CS_CTL_READ_MS + 1500));
	if (max_tick_gap >= CS_CTL_READ_MS)
		fail_msg("the loop's %d ms tick waited %lld ms", TICK_MS, max_tick_gap);
	for (int i = 0; i < 20; i++)
		close(fds[i]);
}

/*
 * More silent connections than slots (CS_CTL_MAX_CONNS): the others wait in
 * the backlog, the loop neither spins nor stalls, and a request is answered
 * once the first slots free (CS_CTL_READ_MS), not after all of them.
 */
static void test_more_connections_than_slots(void **state)
{
	enum { N = CS_CTL_MAX_CONNS + 8 };
	int fds[N];
	long long t0;

	(void)state;
	assert_true(wait_for(no_connections, 2000));
	for (int i = 0; i < N; i++)
		fds[i] = connect_silent();
	max_tick_gap = 0;
	t0 = mono_ms();
	assert_still_serving();
	if (mono_ms() - t0 > CS_CTL_READ_MS + 1000)
		fail_msg("a request behind %d silent connections took %lld ms", N, mono_ms() - t0);
	if (max_tick_gap >= 2 * CS_CTL_READ_MS)
		fail_msg("the loop's %d ms tick waited %lld ms", TICK_MS, max_tick_gap);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	assert_true(wait_for(no_connections, CS_CTL_READ_MS + 1500));
}

static void test_not_allowed(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	if (pid == 0) {
		json_object *req = json_object_new_object(), *resp;
		char err[256] = "";
		int ret;

		json_object_object_add(req, "cmd", json_object_new_string("echo"));
		if (setgid(65534) || setuid(65534))
			_exit(3);
		ret = cs_ctl_request(sock_path, req, &resp, err, sizeof(err));
		_exit(ret == -EACCES && strstr(err, "not allowed") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* With the file modes opened up, the peer credential check still refuses. */
static void test_peer_credentials(void **state)
{
	char run[160];
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(run, sizeof(run), "%s/run", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(run, 0755), 0);
	assert_int_equal(chmod(sock_path, 0666), 0);
	pid = fork();
	if (pid == 0) {
		json_object *req = json_object_new_object(), *resp, *v;
		char err[256] = "";

		json_object_object_add(req, "cmd", json_object_new_string("echo"));
		if (setgid(65534) || setuid(65534))
			_exit(3);
		if (cs_ctl_request(sock_path, req, &resp, err, sizeof(err)))
			_exit(4);
		_exit(json_object_object_get_ex(resp, "exit", &v) &&
		      json_object_get_int(v) == CS_EXIT_PERM &&
		      json_object_object_get_ex(resp, "error", &v) &&
		      strstr(json_object_get_string(v), "not allowed") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	chmod(sock_path, 0600);
	chmod(run, 0700);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_still_serving();
}

/* control.group: its members may use the socket (mode 0660, directory 0750). */
static void test_group_member(void **state)
{
	struct cs_ctl g;
	struct stat sb;
	char path[160], err[256] = "";
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0 || !getgrnam("nogroup"))
		skip();
	snprintf(path, sizeof(path), "%s/grp/g.sock", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(cs_ctl_listen(&g, path, "nogroup", err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	assert_int_equal(sb.st_gid, getgrnam("nogroup")->gr_gid);
	pid = fork();
	if (pid == 0) {
		json_object *req = json_object_new_object(), *resp, *v;
		char e[256] = "";

		json_object_object_add(req, "cmd", json_object_new_string("echo"));
		if (setgid(getgrnam("nogroup")->gr_gid) || setuid(65534))
			_exit(3);
		if (cs_ctl_request(path, req, &resp, e, sizeof(e)))
			_exit(4);
		_exit(json_object_object_get_ex(resp, "ok", &v) && json_object_get_boolean(v) ?
		      0 : 1);
	}
	/* serve this one socket until the member has its answer */
	for (int i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		struct pollfd p[1 + CS_CTL_MAX_CONNS];

		poll(p, cs_ctl_pollfds(&g, p), 50);
		cs_ctl_serve(&g, handler, NULL);
	}
	if (waitpid(pid, &status, WNOHANG) == 0)
		assert_int_equal(waitpid(pid, &status, 0), pid);
	cs_ctl_close(&g);
	chmod(dir, 0700);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_no_daemon(void **state)
{
	json_object *req = json_object_new_object(), *resp;
	char err[256] = "", path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/nothing.sock", dir);
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	assert_int_equal(cs_ctl_request(path, req, &resp, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cellsched is not running"));
	json_object_put(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_second_daemon),
		cmocka_unit_test(test_lock_held),
		cmocka_unit_test(test_two_at_once),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_bad_cmd),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_silent_and_hasty_clients),
		cmocka_unit_test(test_trickling_client),
		cmocka_unit_test(test_silent_clients_delay_nobody),
		cmocka_unit_test(test_more_connections_than_slots),
		cmocka_unit_test(test_not_allowed),
		cmocka_unit_test(test_peer_credentials),
		cmocka_unit_test(test_group_member),
		cmocka_unit_test(test_no_daemon),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
