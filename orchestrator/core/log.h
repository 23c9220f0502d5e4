/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/core/log.h: leveled logging for the cellsched program.
 *
 * Owns the log level, the message format ("cellsched: LEVEL: ...") and the
 * libbpf print hook (libbpf's own output appears only with --verbose), and
 * hands messages to a sink when one is set (the daemon's event history).
 * Prefix: cs_log.
 */
#ifndef CELLSCHED_LOG_H
#define CELLSCHED_LOG_H

enum cs_log_level {
	CS_LOG_ERROR,
	CS_LOG_WARN,
	CS_LOG_INFO,
	CS_LOG_DEBUG,
};

void cs_log_set_level(enum cs_log_level level);
enum cs_log_level cs_log_get_level(void);
void cs_log(enum cs_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Until called again with @len 0: also copy every error message into @buf
 * (escaped, "; " between, cut with "..."), emptied first. For one step whose
 * errors are logged deep down and must reach a caller too.
 */
void cs_log_capture(char *buf, size_t len);
/*
 * Also hand every message at @max or more severe to @fn (escaped, without
 * prefix), whatever the level printed: the daemon's event history
 * (daemon/events.c). NULL: none.
 */
void cs_log_set_sink(void (*fn)(enum cs_log_level level, const char *msg),
		     enum cs_log_level max);
/* Route libbpf's messages through cs_log: warnings always, debug with --verbose. */
void cs_log_hook_libbpf(void);

#define cs_err(...)	cs_log(CS_LOG_ERROR, __VA_ARGS__)
#define cs_warn(...)	cs_log(CS_LOG_WARN, __VA_ARGS__)
#define cs_info(...)	cs_log(CS_LOG_INFO, __VA_ARGS__)
#define cs_dbg(...)	cs_log(CS_LOG_DEBUG, __VA_ARGS__)

#endif /* CELLSCHED_LOG_H */
