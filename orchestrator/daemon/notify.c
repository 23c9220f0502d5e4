// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/notify.c: the daemon's messages to systemd (notify.h):
 * readiness, status, reload and stop, and the watchdog's keep-alives, all
 * sent with libsystemd's sd_notify.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "cells.h"
#include "log.h"
#include "notify.h"

void cs_notify_init(struct cs_notify *n)
{
	uint64_t usec = 0;

	memset(n, 0, sizeof(*n));
	if (sd_watchdog_enabled(0, &usec) > 0) {
		n->watchdog_ms = usec / 1000;
		cs_info("systemd watchdog: every %llu ms", (unsigned long long)n->watchdog_ms);
	}
}

/* "2 cells running, 1 starting, 1 down (...)": only the parts that are not zero */
static void format_status(const struct cs_cells *cells, char *buf, size_t len, bool *settled)
{
	unsigned int running, waiting, down;
	int n;

	cs_cells_count(cells, &running, &waiting, &down);
	*settled = !waiting;
	n = snprintf(buf, len, "%u cell%s running", running, running == 1 ? "" : "s");
	if (waiting && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", %u starting", waiting);
	if (down && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", %u down (their tasks run in the root cell)", down);
}

static void ping(struct cs_notify *n, uint64_t now_ms)
{
	if (n->watchdog_ms && now_ms - n->pinged_ms >= n->watchdog_ms / 2) {
		sd_notify(0, "WATCHDOG=1");
		n->pinged_ms = now_ms;
	}
}

void cs_notify_status(struct cs_notify *n, const char *status, uint64_t now_ms)
{
	ping(n, now_ms);
	if (!strcmp(status, n->status))
		return;
	sd_notifyf(0, "STATUS=%s", status);
	snprintf(n->status, sizeof(n->status), "%s", status);
}

void cs_notify_pass(struct cs_notify *n, const struct cs_cells *cells, uint64_t now_ms)
{
	char status[sizeof(n->status)];
	bool settled;

	ping(n, now_ms);
	format_status(cells, status, sizeof(status), &settled);
	if (!n->ready && settled) {
		n->ready = true;
		sd_notifyf(0, "READY=1\nSTATUS=%s", status);
		cs_dbg("told systemd: ready, %s", status);
	} else if (strcmp(status, n->status)) {
		sd_notifyf(0, "STATUS=%s", status);
	} else {
		return;
	}
	snprintf(n->status, sizeof(n->status), "%s", status);
}

static unsigned long long monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}

void cs_notify_reloading(struct cs_notify *n)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading", monotonic_usec());
	snprintf(n->status, sizeof(n->status), "reloading");
}

void cs_notify_reloaded(struct cs_notify *n)
{
	if (n->ready)
		sd_notify(0, "READY=1");	/* the next pass sends the STATUS */
}

void cs_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=detaching");
}
