/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/metrics.h: the OpenMetrics endpoint (`metrics.listen`
 * in the configuration): GET /metrics answers the daemon's statistics as
 * OpenMetrics text (core/openmetrics.c), built when asked. Served by
 * libmicrohttpd from the daemon's own poll loop (its epoll fd is one more fd
 * there): nothing runs on another thread, and a request reads the same
 * state `cellsched stats` does. Prefix: cs_metrics.
 */
#ifndef CELLSCHED_METRICS_H
#define CELLSCHED_METRICS_H

#include <stddef.h>

struct cs_daemon;
struct MHD_Daemon;

struct cs_metrics {
	struct MHD_Daemon *mhd;		/* NULL: no endpoint */
	struct cs_daemon *d;
};

/* Listen on @listen ("ADDR:PORT", config.h). 0, or -errno with the reason in @err. */
int cs_metrics_start(struct cs_metrics *m, const char *listen, struct cs_daemon *d, char *err,
		     size_t errlen);

/* The fd the poll loop waits on for it (-1: no endpoint). */
int cs_metrics_fd(const struct cs_metrics *m);

/* Accept, read, answer what is ready; never blocks. */
void cs_metrics_serve(struct cs_metrics *m);

void cs_metrics_stop(struct cs_metrics *m);

#endif
