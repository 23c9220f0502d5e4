/* SPDX-License-Identifier: GPL-2.0 */
/*
 * orchestrator/cli/ctl_client.h: the CLI's end of the control socket
 * (protocol: core/ctl.h). Prefix: cs_ctl.
 */
#ifndef CELLSCHED_CTL_CLIENT_H
#define CELLSCHED_CTL_CLIENT_H

#include <stddef.h>

#include <json-c/json.h>

#include "ctl.h"

/*
 * Send @req to the daemon at @path and wait for its answer. Returns 0 with
 * *@resp (the whole answer object; caller puts it) or -errno with a message
 * in @err (-ENOENT/-ECONNREFUSED: not running, -EACCES: not allowed).
 */
int cs_ctl_request(const char *path, json_object *req, json_object **resp, char *err,
		   size_t errlen);

#endif /* CELLSCHED_CTL_CLIENT_H */
