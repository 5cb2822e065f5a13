/* tap.h - a VM's NIC on the host: a tap device on a bridge (tap.c). */
#ifndef CAIRN_VM_TAP_H
#define CAIRN_VM_TAP_H

#include <net/if.h>
#include <sys/types.h>

#include "err.h"

/* The tap's name for VM vm: net_ifname_for("vm-", vm) ("vm-NAME", or
 * "vm-", the first bytes of NAME and a hash when NAME is too long for a
 * link name).  0, or -EINVAL. */
int tap_name(const char *vm, char out[IF_NAMESIZE]);

/* Create the tap name (owned by uid, so QEMU may use it after dropping
 * privileges), attach it to bridge (which must be a bridge) and set it
 * up.  Returns its fd
 * (CLOEXEC): the device lives as long as a descriptor of it does, so
 * QEMU's exit removes it and a failure here leaves nothing. */
int tap_open(const char *name, const char *bridge, uid_t uid, struct cairn_err *e);

#endif
