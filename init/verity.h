/* verity.h - dm-verity for the root: the trust step of stage 1.
 *
 * verity_setup() turns the raw root partition into the device to mount.
 * With cairn.roothash=HEX on the kernel command line (the trust anchor:
 * the loader entry carries it) it waits for cairn-verity-<slot>, reads
 * the veritysetup superblock there (block count, salt, algorithm),
 * creates a read-only dm-verity device through device-mapper ioctls
 * (dm.h), reads its first block to prove the root hash matches, and
 * returns /dev/dm-N.  Every block read later is checked again; a block
 * that does not verify reads as an I/O error.
 *
 * Without a root hash it refuses, unless cairn.insecure is given: then it
 * warns loudly and returns the raw partition. */
#ifndef CAIRN_INIT_VERITY_H
#define CAIRN_INIT_VERITY_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"

#define VERITY_BLOCK      4096
#define VERITY_SB_SIZE    512
#define VERITY_SALT_MAX   256

/* What the superblock says, after checking that cairn-init supports it. */
struct verity_sb_info {
	uint64_t data_blocks;              /* of VERITY_BLOCK bytes */
	char salt_hex[2 * VERITY_SALT_MAX + 1]; /* "-" for no salt */
	char uuid[37];                     /* for messages only */
};

/* Parse a veritysetup superblock (the first VERITY_SB_SIZE bytes of the
 * hash device).  Accepts only: version 1, hash type 1 (normal), sha256,
 * 4096-byte data and hash blocks.  0, or -EINVAL with the reason in why. */
int verity_sb_parse(const unsigned char *sb, size_t len, struct verity_sb_info *out,
		    char *why, size_t why_size);

/* Write the device to mount into out.  0, or -errno with the details
 * logged and a one-line reason for the failure message in why. */
int verity_setup(const struct init_opts *o, const char *raw_dev, char *out, size_t size,
		 char *why, size_t why_size);

#endif
