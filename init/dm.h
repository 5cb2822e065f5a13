/* dm.h - device-mapper, the little of it stage 1 needs, through the ioctls
 * of /dev/mapper/control (no libdevmapper, no udev: PID 1 is libc only).
 *
 * One call makes one read-only device with a one-target table and
 * resumes it, or leaves nothing behind. */
#ifndef CAIRN_INIT_DM_H
#define CAIRN_INIT_DM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DM_CONTROL "/dev/mapper/control"

/* Create the device-mapper device name (uuid may be NULL), load one
 * read-only target "type params" over sectors 0..sectors-1, and resume
 * it.  On success writes "/dev/dm-<minor>" into node (creating the node
 * if devtmpfs has not) and returns 0; on failure removes what it made,
 * logs which ioctl failed and returns -errno. */
int dm_create_readonly(const char *name, const char *uuid, uint64_t sectors,
		       const char *type, const char *params, char *node, size_t size);

/* Remove the device name (best effort, for failure paths).  0 or -errno. */
int dm_remove(const char *name);

#endif
