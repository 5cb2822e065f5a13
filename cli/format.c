/* format.c - tables for people.  Missing or null members print as "-",
 * so an older or newer cairnd never makes the table fail. */
#include "format.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

void fmt_duration(char *buf, size_t size, double secs)
{
	unsigned long s = secs > 0 ? (unsigned long)secs : 0;

	if (s < 60)
		snprintf(buf, size, "%lus", s);
	else if (s < 3600)
		snprintf(buf, size, "%lum%02lus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%luh%02lum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%lud%02luh", s / 86400, s % 86400 / 3600);
}

/* A member as text: strings as they are, numbers as integers, else "-". */
static const char *field(const cJSON *o, const char *key, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v) && v->valuestring[0])
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, size, "%.0f", v->valuedouble);
		return buf;
	}
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "yes" : "no";
	return "-";
}

static const char *uptime_field(const cJSON *o, const char *state, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "uptime");

	if (!cJSON_IsNumber(v) || (state && strcmp(state, "running")))
		return "-";
	fmt_duration(buf, size, v->valuedouble);
	return buf;
}

#define COLS 6
static const char *const heads[COLS] = { "NAME", "STATE", "PID", "RESTARTS", "UPTIME", "REASON" };

static void row_cells(const cJSON *o, char cell[COLS][256])
{
	char tmp[64];
	const char *state;

	snprintf(cell[0], 256, "%s", field(o, "name", tmp, sizeof(tmp)));
	state = field(o, "state", tmp, sizeof(tmp));
	snprintf(cell[1], 256, "%s", state);
	snprintf(cell[2], 256, "%s", field(o, "pid", tmp, sizeof(tmp)));
	snprintf(cell[3], 256, "%s", field(o, "restarts", tmp, sizeof(tmp)));
	snprintf(cell[4], 256, "%s", uptime_field(o, cell[1], tmp, sizeof(tmp)));
	snprintf(cell[5], 256, "%s", field(o, "reason", tmp, sizeof(tmp)));
}

int fmt_instances(FILE *out, const cJSON *arr)
{
	size_t w[COLS], i;
	const cJSON *o;
	char cell[COLS][256];

	if (!cJSON_IsArray(arr))
		return -EINVAL;
	for (i = 0; i < COLS; i++)
		w[i] = strlen(heads[i]);
	cJSON_ArrayForEach(o, arr) {
		if (!cJSON_IsObject(o))
			return -EINVAL;
		row_cells(o, cell);
		for (i = 0; i < COLS; i++)
			if (strlen(cell[i]) > w[i])
				w[i] = strlen(cell[i]);
	}
	for (i = 0; i < COLS; i++) {
		if (i == COLS - 1)
			fprintf(out, "%s\n", heads[i]);
		else
			fprintf(out, "%-*s  ", (int)w[i], heads[i]);
	}
	cJSON_ArrayForEach(o, arr) {
		row_cells(o, cell);
		for (i = 0; i < COLS; i++) {
			if (i == COLS - 1)
				fprintf(out, "%s\n", cell[i]);
			else
				fprintf(out, "%-*s  ", (int)w[i], cell[i]);
		}
	}
	return 0;
}

static void kv(FILE *out, const char *k, const char *v)
{
	fprintf(out, "%-18s %s\n", k, v);
}

int fmt_instance(FILE *out, const cJSON *o)
{
	char tmp[64], tmp2[64];
	const char *state;

	if (!cJSON_IsObject(o))
		return -EINVAL;
	state = field(o, "state", tmp2, sizeof(tmp2));
	kv(out, "name:", field(o, "name", tmp, sizeof(tmp)));
	kv(out, "kind:", field(o, "kind", tmp, sizeof(tmp)));
	kv(out, "state:", state);
	kv(out, "pid:", field(o, "pid", tmp, sizeof(tmp)));
	kv(out, "since:", field(o, "since", tmp, sizeof(tmp)));
	kv(out, "uptime:", uptime_field(o, state, tmp, sizeof(tmp)));
	kv(out, "restarts:", field(o, "restarts", tmp, sizeof(tmp)));
	kv(out, "last exit code:", field(o, "last_exit_code", tmp, sizeof(tmp)));
	kv(out, "last exit signal:", field(o, "last_exit_signal", tmp, sizeof(tmp)));
	kv(out, "reason:", field(o, "reason", tmp, sizeof(tmp)));
	if (strcmp(field(o, "detail", tmp, sizeof(tmp)), "-"))   /* a VM's QEMU and guest */
		kv(out, "detail:", field(o, "detail", tmp, sizeof(tmp)));
	kv(out, "log:", field(o, "log", tmp, sizeof(tmp)));
	return 0;
}

int fmt_info(FILE *out, const cJSON *o)
{
	char tmp[64];

	if (!cJSON_IsObject(o))
		return -EINVAL;
	kv(out, "name:", field(o, "name", tmp, sizeof(tmp)));
	kv(out, "version:", field(o, "version", tmp, sizeof(tmp)));
	kv(out, "config generation:", field(o, "config_generation", tmp, sizeof(tmp)));
	kv(out, "uptime:", uptime_field(o, NULL, tmp, sizeof(tmp)));
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "fingerprint"))) {
		char fp[80];

		kv(out, "fingerprint:", field(o, "fingerprint", fp, sizeof(fp)));
	}
	return 0;
}

int fmt_reload(FILE *out, const cJSON *o)
{
	static const char *const keys[] = { "changed", "added", "removed" };
	bool any = false;
	size_t i;

	if (!cJSON_IsObject(o))
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, keys[i]), *n;
		bool first = true;

		if (!cJSON_IsArray(arr) || !cJSON_GetArraySize(arr))
			continue;
		fprintf(out, "%-8s ", keys[i]);
		cJSON_ArrayForEach(n, arr) {
			if (!cJSON_IsString(n))
				continue;
			fprintf(out, "%s%s", first ? "" : " ", n->valuestring);
			first = false;
		}
		fputc('\n', out);
		any = true;
	}
	if (!any)
		fprintf(out, "no changes\n");
	return 0;
}
