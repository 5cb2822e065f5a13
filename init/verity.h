/* verity.h - THE SEAM for dm-verity (arrives with the A/B update issue).
 *
 * verity_setup() turns the raw root partition into the device to mount.
 * Today it returns the raw device unchanged.  When the A/B work lands it
 * will wait for cairn-verity-<slot>, create a dm-verity target through
 * device-mapper ioctls with the root hash from cairn.roothash=, and return
 * /dev/mapper/... instead; stage1.c will not change. */
#ifndef CAIRN_INIT_VERITY_H
#define CAIRN_INIT_VERITY_H

#include <stddef.h>

#include "opts.h"

/* Write the device to mount into out.  0 or -errno (logged). */
int verity_setup(const struct init_opts *o, const char *raw_dev, char *out, size_t size);

#endif
