// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/daemon/metrics.c: the OpenMetrics endpoint (see metrics.h),
 * with libmicrohttpd in its external-epoll mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "openmetrics.h"

enum {
	CS_METRICS_MAX_CONNS	= 16,	/* scrapers at once */
	CS_METRICS_TIMEOUT_S	= 5,	/* an idle connection is dropped after this */
};

static const char content_type[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	struct cs_metrics *m = cls;
	json_object *stats;
	char *text;
	size_t len;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET)) {
		text = strdup("only GET /metrics\n");
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", text,
			     text ? strlen(text) : 0);
	}
	if (strcmp(url, "/metrics")) {
		text = strdup("not found: the metrics are at /metrics\n");
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", text, text ? strlen(text) : 0);
	}
	stats = cs_daemon_stats_json(m->d);
	if (!stats || cs_openmetrics(stats, &text, &len)) {
		json_object_put(stats);
		return MHD_NO;	/* out of memory: the connection is closed */
	}
	json_object_put(stats);
	return reply(conn, MHD_HTTP_OK, content_type, text, len);
}

int cs_metrics_start(struct cs_metrics *m, const char *listen, struct cs_daemon *d, char *err,
		     size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_EPOLL;

	m->d = d;
	m->mhd = NULL;
	if (!listen[0])
		return 0;
	if (cs_config_listen_addr(listen, &ss)) {
		snprintf(err, errlen, "metrics.listen '%s' is not an address", listen);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, answer, m,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CS_METRICS_MAX_CONNS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CS_METRICS_TIMEOUT_S,
				  MHD_OPTION_END);
	if (!m->mhd) {
		int e = errno ? errno : EADDRINUSE;

		snprintf(err, errlen, "metrics.listen %s: cannot listen: %s", listen, strerror(e));
		return -e;
	}
	cs_info("metrics: OpenMetrics at http://%s/metrics", listen);
	return 0;
}

int cs_metrics_fd(const struct cs_metrics *m)
{
	const union MHD_DaemonInfo *info;

	if (!m->mhd)
		return -1;
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

void cs_metrics_serve(struct cs_metrics *m)
{
	if (m->mhd)
		MHD_run(m->mhd);
}

void cs_metrics_stop(struct cs_metrics *m)
{
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	m->mhd = NULL;
}
