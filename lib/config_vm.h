/* config_vm.h - the keys of a [vm NAME] section (config_vm.c).
 * The supervision keys (restart, after, stop_timeout...) are the
 * service's, in struct cairn_service; this is the vm's own part. */
#ifndef CAIRN_CONFIG_VM_H
#define CAIRN_CONFIG_VM_H

#include "config.h"

struct cairn_vm {
	int reserved;   /* the vm issue fills this in */
};

#endif
