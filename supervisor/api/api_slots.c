/* api_slots.c - GET /1.0/slots: a JSON array, slot a then slot b:
 *   {"name": "a", "state": "active" | "good" | "pending" | "failed" | "empty",
 *    "version", "blessed": bool, "next_boot": bool (the boot loader picks it
 *    next), "tries_left", "tries_done" (-1: no counter),
 *    "reason" (why it failed, or "")}
 * Read from the ESP's loader entries at each request (slot_list). */
#include "api_slots.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "slot.h"

void api_slots_get(struct http_conn *c)
{
	struct slot_info info[2];
	struct cairn_err e = { "" };
	cJSON *arr;
	char *txt, name[2] = "";

	if (slot_list(info, &e) < 0) {
		http_respond_error(c, 503, "slots: %s", e.msg);
		return;
	}
	arr = cJSON_CreateArray();
	for (int k = 0; arr && k < 2; k++) {
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			arr = NULL;
			break;
		}
		name[0] = info[k].name;
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddStringToObject(o, "state", slot_state_name(info[k].state));
		cJSON_AddStringToObject(o, "version", info[k].version);
		cJSON_AddBoolToObject(o, "blessed", info[k].blessed);
		cJSON_AddBoolToObject(o, "next_boot", info[k].next_boot);
		cJSON_AddNumberToObject(o, "tries_left", info[k].tries_left);
		cJSON_AddNumberToObject(o, "tries_done", info[k].tries_done);
		cJSON_AddStringToObject(o, "reason", info[k].reason);
	}
	txt = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	if (!txt) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	char *t = realloc(txt, strlen(txt) + 2);   /* one line, a newline at the end */
	if (t) {
		txt = t;
		strcat(txt, "\n");
	}
	http_respond(c, 200, "application/json", NULL, txt, strlen(txt));
	free(txt);
}
