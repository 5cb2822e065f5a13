/* disk.h - a VM's disk images (disk.c). */
#ifndef CAIRN_VM_DISK_H
#define CAIRN_VM_DISK_H

#include <stdint.h>
#include <sys/types.h>

#include "config_vm.h"
#include "err.h"

/* Create path as a format image of size bytes, owned by uid:gid, mode
 * 0600.  Made under a temporary name and renamed: a crash or a failure
 * leaves no half-made disk.  qemu_img: the qemu-img binary (qcow2). */
int disk_create(const char *path, enum cairn_vm_format format, uint64_t size,
		const char *qemu_img, uid_t uid, gid_t gid, struct cairn_err *e);

/* Copy src to dst the same way (the per-VM OVMF variables). */
int disk_copy(const char *src, const char *dst, uid_t uid, gid_t gid, struct cairn_err *e);

#endif
