/* partition.h - finding a block device by its GPT partition label.
 *
 * The kernel exports each partition's GPT name as PARTNAME= in
 * /sys/class/block/<dev>/uevent, so no udev and no blkid are needed. */
#ifndef CAIRN_INIT_PARTITION_H
#define CAIRN_INIT_PARTITION_H

#include <stddef.h>

/* Look once.  On success writes "/dev/<name>" into dev (creating the node
 * if devtmpfs has not) and returns 0; -ENOENT if no partition has label. */
int partition_find(const char *label, char *dev, size_t size);

/* Look until found or timeout_ms passed, saying every few seconds what is
 * missing.  On timeout lists the partitions that do exist and returns
 * -ETIMEDOUT. */
int partition_wait(const char *label, int timeout_ms, char *dev, size_t size);

#endif
