/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/notify.h: what the daemon tells its service manager
 * (systemd's notify protocol, through libsystemd's sd_notify): READY=1 once
 * the root runs and every cell has settled, STATUS= lines when what runs
 * changes, RELOADING=1 / READY=1 around a reload, STOPPING=1, and WATCHDOG=1
 * keep-alives when the unit sets WatchdogSec=. Without $NOTIFY_SOCKET (not
 * started by systemd) every call does nothing.
 */
#ifndef CS_NOTIFY_H
#define CS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct cs_cells;

struct cs_notify {
	bool ready;			/* READY=1 sent */
	uint64_t watchdog_ms;		/* WatchdogSec= in ms (0: off) */
	uint64_t pinged_ms;		/* last WATCHDOG=1 */
	char status[256];		/* last STATUS= sent */
};

/* Read WatchdogSec= ($WATCHDOG_USEC); nothing is sent. */
void cs_notify_init(struct cs_notify *n);

/*
 * After each pass of the loop: READY=1 the first time every cell has
 * settled (cs_cells_count), STATUS= when it changed, WATCHDOG=1 when half
 * the watchdog interval has passed.
 */
void cs_notify_pass(struct cs_notify *n, const struct cs_cells *cells, uint64_t now_ms);

/*
 * Between passes (the scheduler is down, waiting to be loaded again):
 * STATUS=@status when it changed, WATCHDOG=1 when due.
 */
void cs_notify_status(struct cs_notify *n, const char *status, uint64_t now_ms);

/* A reload starts / ended (applied or refused: the old configuration runs). */
void cs_notify_reloading(struct cs_notify *n);
void cs_notify_reloaded(struct cs_notify *n);

/* The daemon is detaching everything. */
void cs_notify_stopping(void);

#endif
