// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/log.c: leveled logging to stderr, and the libbpf print hook.
 * Errors and warnings carry their level in the line; info lines do not, so
 * the normal output stays readable. A message is one line: control
 * characters in it (a cgroup named with a newline, an escape sequence in a
 * request) are printed escaped (escape.h), never raw. While a caller
 * captures (cs_log_capture), error messages are also collected for it: the
 * daemon hands them to the client whose change failed. When stderr is the
 * systemd journal (JOURNAL_STREAM names its device and inode, see
 * systemd.exec(5)), each line starts with its syslog priority ("<3>" for an
 * error, sd-daemon(3)), so `journalctl -p warning` shows errors and warnings.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include <bpf/libbpf.h>

#include "escape.h"
#include "log.h"

static enum cs_log_level cs_log_level = CS_LOG_INFO;
static char *capture_buf;	/* cs_log_capture(): errors are copied here too */
static void (*sink)(enum cs_log_level, const char *);	/* cs_log_set_sink() */
static enum cs_log_level sink_max;
static size_t capture_len;

void cs_log_set_sink(void (*fn)(enum cs_log_level level, const char *msg),
		     enum cs_log_level max)
{
	sink = fn;
	sink_max = max;
}

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

/*
 * "<N>" (syslog priority) when stderr is the journal's stream, else "".
 * Decided once, at the first message: JOURNAL_STREAM is "DEV:INODE" of the
 * stream systemd connected; a redirected stderr no longer matches it.
 */
static const char *journal_prio(int syslog_level)
{
	static const char *const prio[] = { "<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>", "<7>" };
	static int journal = -1;

	if (journal < 0) {
		const char *env = getenv("JOURNAL_STREAM");
		unsigned long long dev, ino;
		struct stat st;

		journal = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
			  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
	}
	return journal && syslog_level >= 0 && syslog_level <= 7 ? prio[syslog_level] : "";
}

static void cs_vlog(enum cs_log_level level, const char *fmt, va_list ap)
{
	static const int syslog_level[] = {
		[CS_LOG_ERROR] = LOG_ERR,
		[CS_LOG_WARN] = LOG_WARNING,
		[CS_LOG_INFO] = LOG_INFO,
		[CS_LOG_DEBUG] = LOG_DEBUG,
	};
	static const char *const prefix[] = {
		[CS_LOG_ERROR] = "error: ",
		[CS_LOG_WARN] = "warning: ",
		[CS_LOG_INFO] = "",
		[CS_LOG_DEBUG] = "debug: ",
	};
	char *msg = NULL, *safe = NULL;
	size_t n;

	if (level > cs_log_level && !(level == CS_LOG_ERROR && capture_buf) &&
	    !(sink && level <= sink_max))
		return;
	if (vasprintf(&msg, fmt, ap) < 0) {
		fprintf(stderr, "%scellsched: %s(out of memory formatting a message)\n",
			journal_prio(syslog_level[level]), prefix[level]);
		return;
	}
	if (level == CS_LOG_ERROR && capture_buf)
		capture(msg);
	if (cs_escape_needed(msg)) {
		n = 4 * strlen(msg) + 1;	/* at most 4 bytes ("\x1b") for each one */
		safe = malloc(n);
		if (safe)
			cs_escape(msg, safe, n);
	}
	if (sink && level <= sink_max)
		sink(level, !cs_escape_needed(msg) ? msg : safe ? safe : "(out of memory)");
	if (level > cs_log_level) {
		free(safe);
		free(msg);
		return;
	}
	fprintf(stderr, "%scellsched: %s%s\n", journal_prio(syslog_level[level]), prefix[level],
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
	fputs(journal_prio(level == LIBBPF_WARN ? LOG_WARNING : LOG_DEBUG), stderr);
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void cs_log_hook_libbpf(void)
{
	libbpf_set_print(cs_libbpf_print);
}
