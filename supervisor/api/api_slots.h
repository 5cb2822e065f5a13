/* api_slots.h - GET /1.0/slots: the two host image slots (update/slot.h). */
#ifndef CAIRN_API_SLOTS_H
#define CAIRN_API_SLOTS_H

#include "http.h"

/* Answer c with both slots (slot_list); 503 when the ESP cannot be read. */
void api_slots_get(struct http_conn *c);

#endif
