// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/events.c: the event history (see events.h): a ring
 * of the last CS_EVENTS_MAX messages. One thread: the log sink runs in the
 * daemon's loop, as the requests do.
 */
#include <stdio.h>
#include <time.h>

#include "events.h"
#include "log.h"

struct event {
	unsigned long long seq;		/* 0: a free slot */
	double time;			/* CLOCK_REALTIME, s */
	enum cs_log_level level;
	char text[CS_EVENT_TEXT];
};

static struct event ring[CS_EVENTS_MAX];
static unsigned long long last;		/* number of the newest event */

static void record(enum cs_log_level level, const char *msg)
{
	struct event *e = &ring[++last % CS_EVENTS_MAX];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	e->seq = last;
	e->time = ts.tv_sec + ts.tv_nsec / 1e9;
	e->level = level;
	snprintf(e->text, sizeof(e->text), "%s", msg);
}

void cs_events_start(void)
{
	cs_log_set_sink(record, CS_LOG_INFO);
}

void cs_events_stop(void)
{
	cs_log_set_sink(NULL, CS_LOG_ERROR);
}

json_object *cs_events_json(unsigned long long after)
{
	static const char *const level[] = {
		[CS_LOG_ERROR] = "error", [CS_LOG_WARN] = "warning", [CS_LOG_INFO] = "info",
		[CS_LOG_DEBUG] = "debug",
	};
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	unsigned long long first = last >= CS_EVENTS_MAX ? last - CS_EVENTS_MAX + 1 : 1;
	unsigned long long from = after + 1 > first ? after + 1 : first;

	for (unsigned long long seq = from; seq <= last; seq++) {
		const struct event *e = &ring[seq % CS_EVENTS_MAX];
		json_object *ev = json_object_new_object();

		json_object_object_add(ev, "seq", json_object_new_int64((int64_t)e->seq));
		json_object_object_add(ev, "time", json_object_new_double(e->time));
		json_object_object_add(ev, "level", json_object_new_string(level[e->level]));
		json_object_object_add(ev, "message", json_object_new_string(e->text));
		json_object_array_add(arr, ev);
	}
	json_object_object_add(o, "events", arr);
	json_object_object_add(o, "next", json_object_new_int64((int64_t)last));
	json_object_object_add(o, "lost", json_object_new_int64(
		(int64_t)(from > after + 1 ? from - after - 1 : 0)));
	return o;
}
