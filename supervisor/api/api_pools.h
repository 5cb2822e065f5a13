/* api_pools.h - GET /1.0/pools: every storage pool of the config in force
 * (supervisor/storage/pool.h), its state and its use. */
#ifndef CAIRN_API_POOLS_H
#define CAIRN_API_POOLS_H

#include "http.h"
#include "pool.h"

/* Answer c with pools' state (NULL: an empty list). */
void api_pools_get(const struct pools *pools, struct http_conn *c);

#endif
