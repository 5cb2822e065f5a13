/* format_pool.h - `cairnctl pool list`: GET /1.0/pools as a table. */
#ifndef CAIRN_CLI_FORMAT_POOL_H
#define CAIRN_CLI_FORMAT_POOL_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* 0 -> "0", 1536 -> "1.5K", 10737418240 -> "10.0G" (powers of 1024). */
void fmt_bytes(char *buf, size_t size, double bytes);

/* NAME STATE FS SIZE USED SOURCE REASON; 0, or -EINVAL when the JSON is
 * not an array of objects. */
int fmt_pools(FILE *out, const cJSON *arr);

#endif
