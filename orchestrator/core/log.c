// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/log.c: leveled logging to stderr, and the libbpf print hook.
 * Errors and warnings carry their level in the line; info lines do not, so
 * the normal output stays readable.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "log.h"

static enum cs_log_level cs_log_level = CS_LOG_INFO;

void cs_log_set_level(enum cs_log_level level)
{
	cs_log_level = level;
}

enum cs_log_level cs_log_get_level(void)
{
	return cs_log_level;
}

static void cs_vlog(enum cs_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {
		[CS_LOG_ERROR] = "error: ",
		[CS_LOG_WARN] = "warning: ",
		[CS_LOG_INFO] = "",
		[CS_LOG_DEBUG] = "debug: ",
	};

	if (level > cs_log_level)
		return;
	fprintf(stderr, "cellsched: %s", prefix[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
