/* format_pool.c - the pool table.  SIZE and USED only mean something for
 * a ready pool ("-" otherwise); REASON says why a pool is not ready. */
#include "format_pool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void fmt_bytes(char *buf, size_t size, double bytes)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%.0f", bytes < 0 ? 0 : bytes);
		return;
	}
	while (bytes >= 1024 && u < 5) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f%c", bytes, units[u]);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "-";
}

static const char *bytes(const cJSON *o, const char *key, bool ready, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!ready || !cJSON_IsNumber(v))
		return "-";
	fmt_bytes(buf, size, v->valuedouble);
	return buf;
}

#define COLS 7
static const char *const heads[COLS] = { "NAME", "STATE", "FS", "SIZE", "USED", "SOURCE", "REASON" };

int fmt_pools(FILE *out, const cJSON *arr)
{
	size_t w[COLS], n = 0;
	const cJSON *o;

	if (!cJSON_IsArray(arr))
		return -EINVAL;
	for (int k = 0; k < COLS; k++)
		w[k] = strlen(heads[k]);
	cJSON_ArrayForEach(o, arr) {
		if (!cJSON_IsObject(o))
			return -EINVAL;
		n++;
	}
	char (*cell)[COLS][256] = n ? calloc(n, sizeof(*cell)) : NULL;
	size_t i = 0;

	if (n && !cell)
		return -ENOMEM;
	cJSON_ArrayForEach(o, arr) {
		bool ready = !strcmp(str(o, "state"), "ready");
		char b[32];

		snprintf(cell[i][0], 256, "%s", str(o, "name"));
		snprintf(cell[i][1], 256, "%s", str(o, "state"));
		snprintf(cell[i][2], 256, "%s", str(o, "fs"));
		snprintf(cell[i][3], 256, "%s", bytes(o, "size", ready, b, sizeof(b)));
		snprintf(cell[i][4], 256, "%s", bytes(o, "used", ready, b, sizeof(b)));
		snprintf(cell[i][5], 256, "%s", str(o, "source"));
		snprintf(cell[i][6], 256, "%s", ready ? "-" : str(o, "reason"));
		for (int k = 0; k < COLS; k++)
			if (strlen(cell[i][k]) > w[k])
				w[k] = strlen(cell[i][k]);
		i++;
	}
	for (int k = 0; k < COLS - 1; k++)
		fprintf(out, "%-*s  ", (int)w[k], heads[k]);
	fprintf(out, "%s\n", heads[COLS - 1]);
	for (i = 0; i < n; i++) {
		for (int k = 0; k < COLS - 1; k++)
			fprintf(out, "%-*s  ", (int)w[k], cell[i][k]);
		fprintf(out, "%s\n", cell[i][COLS - 1]);
	}
	free(cell);
	return 0;
}
