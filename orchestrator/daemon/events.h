/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/events.h: what happened, kept in the daemon: the last
 * CS_EVENTS_MAX messages it logged at info or more severe (cells added,
 * resized or removed, policies attached, failed and restarted, CPUs going
 * offline, reloads, the root's events), each with its time and a number
 * that only grows, for `cellsched events [--follow]`. The log is fed
 * through core/log.c's sink. Prefix: cs_events.
 */
#ifndef CELLSCHED_EVENTS_H
#define CELLSCHED_EVENTS_H

#include <json-c/json.h>

enum { CS_EVENTS_MAX = 512, CS_EVENT_TEXT = 480 };

/* Start recording the daemon's messages. */
void cs_events_start(void);
void cs_events_stop(void);

/*
 * The events numbered after @after (0: all kept), oldest first, as
 * {"events": [{"seq", "time" (seconds since the epoch), "level",
 * "message"}], "next": the number to ask after next time, "lost": how many
 * after @after are no longer kept}.
 */
json_object *cs_events_json(unsigned long long after);

#endif
