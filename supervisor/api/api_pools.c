/* api_pools.c - GET /1.0/pools: a JSON array, one object per pool:
 *   {"name", "source", "device", "fs", "state": "ready" | "missing" | "error",
 *    "reason", "mountpoint", "size", "used"}   (sizes in bytes, 0 unless ready)
 * The pool set belongs to cairnd's main (pools_new); the API only reads
 * it, on the loop's thread like everything else. */
#include "api_pools.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

void api_pools_get(const struct pools *pools, struct http_conn *c)
{
	cJSON *arr = cJSON_CreateArray();
	char *txt;

	for (size_t i = 0; arr && i < pools_count(pools); i++) {
		struct pool_status st;
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			arr = NULL;
			break;
		}
		pools_status(pools, i, &st);
		cJSON_AddStringToObject(o, "name", st.name);
		cJSON_AddStringToObject(o, "source", st.source);
		cJSON_AddStringToObject(o, "device", st.device);
		cJSON_AddStringToObject(o, "fs", st.fs);
		cJSON_AddStringToObject(o, "state", pool_state_name(st.state));
		cJSON_AddStringToObject(o, "reason", st.reason);
		cJSON_AddStringToObject(o, "mountpoint", st.mountpoint);
		cJSON_AddNumberToObject(o, "size", (double)st.size);
		cJSON_AddNumberToObject(o, "used", (double)st.used);
	}
	txt = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	if (!txt) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	/* like every JSON answer of api.c: one line, a newline at the end */
	char *t = realloc(txt, strlen(txt) + 2);
	if (t) {
		txt = t;
		strcat(txt, "\n");
	}
	http_respond(c, 200, "application/json", NULL, txt, strlen(txt));
	free(txt);
}
