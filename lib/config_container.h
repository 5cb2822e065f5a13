/* config_container.h - the keys of a [container NAME] section (config_container.c).
 * The supervision keys (restart, after, stop_timeout...) are the
 * service's, in struct cairn_service; this is the container's own part. */
#ifndef CAIRN_CONFIG_CONTAINER_H
#define CAIRN_CONFIG_CONTAINER_H

#include "config.h"

struct cairn_container {
	int reserved;   /* the container issue fills this in */
};

#endif
