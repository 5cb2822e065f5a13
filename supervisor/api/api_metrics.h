/* api_metrics.h - GET /metrics: the supervisor in the Prometheus text
 * exposition format 0.0.4, for a scraper or for curl. */
#ifndef CAIRN_API_METRICS_H
#define CAIRN_API_METRICS_H

#include <stddef.h>

#include "instance.h"

#define API_METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* Render every metric into a new buffer (*out, freed by the caller).
 * proc is where /proc is ("/proc"; tests may point elsewhere).  Returns 0
 * or -ENOMEM. */
int api_metrics_render(const struct supervisor *s, const char *proc, char **out,
		       size_t *len);

/* Resident memory of pid in bytes (VmRSS of proc/PID/status), or -1. */
long long api_metrics_rss(const char *proc, int pid);

#endif
