/* config_vm.h - the keys of a [vm NAME] section (config_vm.c).
 * The supervision keys (restart, after, stop_timeout...) are the
 * service's, in struct cairn_service; this is the vm's own part. */
#ifndef CAIRN_CONFIG_VM_H
#define CAIRN_CONFIG_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum cairn_vm_format { CAIRN_VM_RAW, CAIRN_VM_QCOW2 };
enum cairn_vm_firmware { CAIRN_VM_BIOS, CAIRN_VM_UEFI };

/* disk = POOL/FILE[,format=raw|qcow2][,readonly][,size=8G] */
struct cairn_vm_disk {
	char *pool;                 /* a [pool] name, or NULL: path is absolute */
	char *path;                 /* FILE inside the pool, or /var/... */
	enum cairn_vm_format format;
	bool readonly;
	uint64_t size;              /* create at this size when missing; 0: must exist */
	int line;
};

struct cairn_vm {
	uint64_t memory;            /* bytes, a whole number of MiB (default 512M) */
	unsigned cpus;              /* default 1 */
	struct cairn_vm_disk *disks;
	size_t n_disks;
	char *kernel, *initrd, *cmdline;   /* NULL when not set */
	enum cairn_vm_firmware firmware;   /* default bios */
	char *bridge;               /* network = bridge:NAME, or NULL (none) */
	char mac[18];               /* "" unless mac = is set */
	int line_initrd, line_network;
};

#define CAIRN_VM_CPUS_MAX 255u
#define CAIRN_VM_DISKS_MAX 16
#define CAIRN_VM_MEMORY_MIN (16u << 20)

/* The MAC a VM's NIC gets: vm->mac, or one derived from the VM's name
 * (52:54:00 plus three bytes of a hash: stable across restarts). */
void cairn_vm_mac(const char *name, const struct cairn_vm *vm, char out[18]);

#endif
