/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/daemon/daemon.h: the state of a running `cellsched run` that the tick
 * loop (run.c) and the control socket's request handlers (api.c) share.
 *
 * Three configurations live here: the YAML as parsed, the CLI's runtime
 * changes (state.h), and what runs = the YAML with the changes applied. Every
 * change to any of them goes through cs_daemon_commit(), which validates the
 * result against the machine, applies it, and persists the changes only
 * once they run (undoing them if they cannot be applied or saved).
 * Prefix: cs_daemon.
 */
#ifndef CELLSCHED_DAEMON_H
#define CELLSCHED_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cells.h"
#include "config.h"
#include "cpu_util.h"
#include "clock.h"
#include "ctl_server.h"
#include "metrics.h"
#include "notify.h"
#include "root.h"
#include "state.h"
#include "topology.h"

struct cs_daemon {
	const char *config_path;	/* NULL: the built-in configuration */
	struct cs_config yaml;		/* the file as parsed */
	struct cs_state state;		/* CLI-made changes */
	struct cs_config cfg;		/* yaml + state: what runs */
	struct cs_topo machine_topo;	/* read from sysfs at start */
	struct cs_root root;
	struct cs_cells *cells;
	struct cs_ctl ctl;
	uint64_t started_ms;
	enum cs_mode mode;		/* native or embedded, for the daemon's lifetime */
	char mode_why[CS_ERR_MAX];	/* why (mode.h) */
	bool stop;			/* `cellsched stop` asked */
	struct cs_notify notify;	/* what systemd was told (notify.h) */
	struct cs_metrics metrics;	/* the OpenMetrics endpoint (metrics.h) */
	struct cs_util root_util;	/* the root cell's CPUs, sampled every second */
	uint64_t root_util_ms;		/* when */
	uint64_t root_restarts;		/* schedulers loaded again after failing (run.c) */
};

/*
 * Make @yaml (NULL: the current one) with @state (NULL: the current changes)
 * the running configuration (commit.c): validate, switch and reconcile,
 * check that every cell runs as configured, then save @state when given.
 * Takes ownership of @yaml and @state in every case. Returns CS_EXIT_OK, or
 * an exit code (exit_codes.h) with the reason in @err: refused (8, 12),
 * could not be applied (9) or saved (1); on failure the previous
 * configuration runs again and nothing was saved.
 */
int cs_daemon_commit(struct cs_daemon *d, struct cs_config *yaml, struct cs_state *state,
		     char *err, size_t errlen);

/*
 * Re-read the YAML file and run it with the CLI's changes (@reset: without
 * them, and forget them). CS_EXIT_OK or an exit code with @err; on failure
 * nothing changed.
 */
int cs_daemon_reload(struct cs_daemon *d, bool reset, char *err, size_t errlen);

/* The answer to `stats` (api.c; its fields: core/stats_catalog.h), for the metrics endpoint too. */
json_object *cs_daemon_stats_json(const struct cs_daemon *d);

/* The control socket's request handler (a cs_ctl_handler; @ctx is the daemon). */
int cs_daemon_handle(void *ctx, const char *cmd, json_object *req, uid_t peer_uid,
		     json_object **result, char *err, size_t errlen);

#endif /* CELLSCHED_DAEMON_H */
