/* format_slots.h - `cairnctl slots` (and the slots part of `cairnctl
 * status`): GET /1.0/slots as a table. */
#ifndef CAIRN_CLI_FORMAT_SLOTS_H
#define CAIRN_CLI_FORMAT_SLOTS_H

#include <stdio.h>

#include <cjson/cJSON.h>

/* SLOT STATE VERSION BLESSED TRIES REASON; 0, or -EINVAL when the JSON
 * is not an array of objects. */
int fmt_slots(FILE *out, const cJSON *arr);

#endif
