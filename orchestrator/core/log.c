// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/log.c: leveled logging to stderr, and the libbpf print hook.
 * Errors and warnings carry their level in the line; info lines do not, so
 * the normal output stays readable. A message is one line: control
 * characters in it (a cgroup named with a newline, an escape sequence in a
 * request) are printed escaped (escape.h), never raw. While a caller
 * captures (cs_log_capture), error messages are also collected for it: the
 * daemon hands them to the client whose change failed.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "escape.h"
#include "log.h"

static enum cs_log_level cs_log_level = CS_LOG_INFO;
static char *capture_buf;	/* cs_log_capture(): errors are copied here too */
static size_t capture_len;

void cs_log_set_level(enum cs_log_level level)
{
	cs_log_level = level;
}

enum cs_log_level cs_log_get_level(void)
{
	return cs_log_level;
}

void cs_log_capture(char *buf, size_t len)
{
	capture_buf = len ? buf : NULL;
	capture_len = len;
	if (capture_buf)
		capture_buf[0] = '\0';
}

/* An error while capturing: appended, escaped, "; " after the one before. */
static void capture(const char *msg)
{
	size_t off = strlen(capture_buf);
	char *out = capture_buf + off;
	size_t room = capture_len - off;

	if (off && room > 2) {
		memcpy(out, "; ", 3);
		out += 2;
		room -= 2;
	}
	if (room > 1)
		cs_escape(msg, out, room);
}

static void cs_vlog(enum cs_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {
		[CS_LOG_ERROR] = "error: ",
		[CS_LOG_WARN] = "warning: ",
		[CS_LOG_INFO] = "",
		[CS_LOG_DEBUG] = "debug: ",
	};
	char *msg = NULL, *safe = NULL;
	size_t n;

	if (level > cs_log_level && !(level == CS_LOG_ERROR && capture_buf))
		return;
	if (vasprintf(&msg, fmt, ap) < 0) {
		fprintf(stderr, "cellsched: %s(out of memory formatting a message)\n",
			prefix[level]);
		return;
	}
	if (level == CS_LOG_ERROR && capture_buf)
		capture(msg);
	if (level > cs_log_level) {
		free(msg);
		return;
	}
	if (cs_escape_needed(msg)) {
		n = 4 * strlen(msg) + 1;	/* at most 4 bytes ("\x1b") for each one */
		safe = malloc(n);
		if (safe)
			cs_escape(msg, safe, n);
	}
	fprintf(stderr, "cellsched: %s%s\n", prefix[level],
		!cs_escape_needed(msg) ? msg : safe ? safe : "(out of memory escaping a message)");
	free(safe);
	free(msg);
}

void cs_log(enum cs_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cs_vlog(level, fmt, ap);
	va_end(ap);
}

static int cs_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings are interesting mostly as context of a failure we report */
	if (level == LIBBPF_DEBUG && cs_log_level < CS_LOG_DEBUG)
		return 0;
	if (level == LIBBPF_INFO && cs_log_level < CS_LOG_DEBUG)
		return 0;
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void cs_log_hook_libbpf(void)
{
	libbpf_set_print(cs_libbpf_print);
}
