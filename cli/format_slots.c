/* format_slots.c - the slot table.  NEXT marks the slot the boot loader
 * picks next; TRIES is "left/done" of the boot counter, "-" for a blessed
 * entry or an empty slot; REASON says why a slot failed. */
#include "format_slots.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "-";
}

static int num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valueint : -1;
}

#define COLS 7
static const char *const heads[COLS] = { "SLOT", "STATE", "VERSION", "BLESSED", "NEXT", "TRIES",
					  "REASON" };

int fmt_slots(FILE *out, const cJSON *arr)
{
	char cell[2][COLS][200];
	size_t w[COLS];
	const cJSON *o;
	int n = 0;

	if (!cJSON_IsArray(arr))
		return -EINVAL;
	for (int k = 0; k < COLS; k++)
		w[k] = strlen(heads[k]);
	cJSON_ArrayForEach(o, arr) {
		if (!cJSON_IsObject(o) || n == 2)
			return -EINVAL;

		const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "blessed");
		const cJSON *nx = cJSON_GetObjectItemCaseSensitive(o, "next_boot");
		bool empty = !strcmp(str(o, "state"), "empty");

		snprintf(cell[n][0], 200, "%s", str(o, "name"));
		snprintf(cell[n][1], 200, "%s", str(o, "state"));
		snprintf(cell[n][2], 200, "%s", str(o, "version"));
		snprintf(cell[n][3], 200, "%s", empty ? "-" : cJSON_IsTrue(b) ? "yes" : "no");
		snprintf(cell[n][4], 200, "%s", cJSON_IsTrue(nx) ? "yes" : "-");
		if (num(o, "tries_left") < 0)
			snprintf(cell[n][5], 200, "-");
		else
			snprintf(cell[n][5], 200, "%d left, %d done", num(o, "tries_left"),
				 num(o, "tries_done"));
		snprintf(cell[n][6], 200, "%s", str(o, "reason"));
		for (int k = 0; k < COLS; k++)
			if (strlen(cell[n][k]) > w[k])
				w[k] = strlen(cell[n][k]);
		n++;
	}
	for (int k = 0; k < COLS - 1; k++)
		fprintf(out, "%-*s  ", (int)w[k], heads[k]);
	fprintf(out, "%s\n", heads[COLS - 1]);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < COLS - 1; k++)
			fprintf(out, "%-*s  ", (int)w[k], cell[i][k]);
		fprintf(out, "%s\n", cell[i][COLS - 1]);
	}
	return 0;
}
