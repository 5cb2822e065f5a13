/* api_metrics.c - the Prometheus text for GET /metrics.
 *
 * Families, each with HELP and TYPE lines:
 *   cairn_uptime_seconds, cairn_config_generation            (gauges)
 *   cairn_instance_state{name,state} 1 for the current state, 0 otherwise
 *   cairn_instance_up{name}           1 while running
 *   cairn_instance_restarts_total{name}  (counter; resets when an
 *                                      operator starts the instance)
 *   cairn_instance_uptime_seconds{name}
 *   cairn_instance_memory_bytes{name} resident memory of the main
 *                                      process (VmRSS), only while one runs
 * Label values are escaped as the format says (\\, \", \n).
 */
#include "api_metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long api_metrics_rss(const char *proc, int pid)
{
	char path[256], line[256];
	long long kb = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%d/status", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6)) {
			if (sscanf(line + 6, "%lld", &kb) != 1)
				kb = -1;
			break;
		}
	}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static void label(FILE *f, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample per instance: value(info) printed with fmt. */
static void per_instance(FILE *f, const struct instance_info *in, size_t n, const char *name,
			 int what, const char *proc)
{
	for (size_t i = 0; i < n; i++) {
		long long v;

		switch (what) {
		case 0: v = in[i].state == INST_RUNNING; break;
		case 1: v = in[i].restarts; break;
		case 2: v = (long long)(in[i].uptime_ms / 1000); break;
		default:
			v = in[i].state == INST_RUNNING || in[i].state == INST_STOPPING
				? api_metrics_rss(proc, in[i].pid) : -1;
			if (v < 0)
				continue;
		}
		fprintf(f, "%s{name=\"", name);
		label(f, in[i].name);
		fprintf(f, "\"} %lld\n", v);
	}
}

int api_metrics_render(const struct supervisor *s, const char *proc, char **out,
		       size_t *len)
{
	size_t n = sup_count(s), k = 0, i;
	struct instance_info *in = calloc(n ? n : 1, sizeof(*in));
	FILE *f;

	*out = NULL;
	*len = 0;
	if (!in)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (sup_info(s, i, &in[k]) == 0)
			k++;
	f = open_memstream(out, len);
	if (!f) {
		free(in);
		return -ENOMEM;
	}
	family(f, "cairn_uptime_seconds", "gauge", "Seconds since cairnd started.");
	fprintf(f, "cairn_uptime_seconds %llu\n",
		(unsigned long long)(sup_uptime_ms(s) / 1000));
	family(f, "cairn_config_generation", "gauge",
	       "[host] generation of the configuration in force.");
	fprintf(f, "cairn_config_generation %llu\n", (unsigned long long)sup_generation(s));

	family(f, "cairn_instance_state", "gauge",
	       "1 for the state the instance is in, 0 for the others.");
	for (i = 0; i < k; i++) {
		for (int st = 0; st < INST__N_STATES; st++) {
			fputs("cairn_instance_state{name=\"", f);
			label(f, in[i].name);
			fprintf(f, "\",state=\"%s\"} %d\n", inst_state_name((enum inst_state)st),
				in[i].state == (enum inst_state)st);
		}
	}
	family(f, "cairn_instance_up", "gauge", "1 while the instance is running.");
	per_instance(f, in, k, "cairn_instance_up", 0, proc);
	family(f, "cairn_instance_restarts_total", "counter",
	       "Restarts since an operator last started the instance.");
	per_instance(f, in, k, "cairn_instance_restarts_total", 1, proc);
	family(f, "cairn_instance_uptime_seconds", "gauge", "Seconds in the running state.");
	per_instance(f, in, k, "cairn_instance_uptime_seconds", 2, proc);
	family(f, "cairn_instance_memory_bytes", "gauge",
	       "Resident memory (VmRSS) of the instance's main process.");
	per_instance(f, in, k, "cairn_instance_memory_bytes", 3, proc);
	free(in);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		*len = 0;
		return -ENOMEM;
	}
	return 0;
}
