/* format.h - cairnctl's output for people: tables and key/value blocks
 * made from the API's JSON.  (--format json prints the JSON instead.) */
#ifndef CAIRN_CLI_FORMAT_H
#define CAIRN_CLI_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* 59 -> "59s", 192 -> "3m12s", 7500 -> "2h05m", 280000 -> "3d05h". */
void fmt_duration(char *buf, size_t size, double secs);

/* Each returns 0, or -EINVAL when the JSON does not have the shape the
 * API documents (the caller then says so). */
int fmt_instances(FILE *out, const cJSON *arr);   /* GET /1.0/instances */
int fmt_instance(FILE *out, const cJSON *o);      /* GET /1.0/instances/NAME */
int fmt_info(FILE *out, const cJSON *o);          /* GET /1.0 */
int fmt_reload(FILE *out, const cJSON *o);        /* POST /1.0/config/reload */

#endif
