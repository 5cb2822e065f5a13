/* config_pool.h - the parser's half of [pool NAME] (config_pool.c), called
 * by config_parse.c.  Not a public API: struct cairn_pool is in config.h.
 * Each function that can fail formats its message (without FILE:LINE)
 * into msg and returns a negative errno. */
#ifndef CAIRN_CONFIG_POOL_H
#define CAIRN_CONFIG_POOL_H

#include <stddef.h>

#include "config.h"

/* A "[pool NAME]" header on line. */
int cairn_pool_open(struct cairn_config *c, const char *name, int line,
		    char *msg, size_t size);
/* "key = v" inside the last [pool] section. */
int cairn_pool_key(struct cairn_config *c, const char *key, const char *v, int line,
		   char *msg, size_t size);
/* Once the whole file is read: every pool has a source that fits its fs,
 * no two pools share one.  "FILE:LINE: ..." in e. */
int cairn_pool_finish(struct cairn_config *c, const char *file, struct cairn_err *e);

void cairn_pool_free(struct cairn_config *c);

#endif
