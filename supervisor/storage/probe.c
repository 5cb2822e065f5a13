/* probe.c - what a pool's source is, asked of libblkid: tags resolved to
 * devices, and whether a device is blank.  "Blank" is strict: any
 * signature libblkid knows (a file system, a partition table, a RAID or
 * LVM member, a swap area, one with a bad checksum) makes a device not
 * blank, and a probe that fails or finds conflicting signatures is an
 * error, never "blank".  Formatting depends on this answer alone. */
#include <blkid/blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pool.h"

int pool_resolve(const char *source, char **dev)
{
	struct stat st;

	*dev = NULL;
	if (cairn_pool_source_kind(source) == CAIRN_POOL_SRC_TAG) {
		/* NULL cache: a scan of this moment, not a stale cache file */
		*dev = blkid_evaluate_tag(source, NULL, NULL);
		if (!*dev)
			return -ENOENT;
	} else if (!(*dev = strdup(source))) {
		return -ENOMEM;
	}
	if (stat(*dev, &st) == 0 && S_ISBLK(st.st_mode))
		return 0;
	free(*dev);
	*dev = NULL;
	if (stat(source, &st) == 0 || cairn_pool_source_kind(source) == CAIRN_POOL_SRC_TAG)
		return -ENOTBLK;   /* a tag's path that vanished is not worth more */
	return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
}

int pool_probe(const char *dev, char *type, size_t tsize, char *what, size_t wsize)
{
	blkid_probe pr = blkid_new_probe_from_filename(dev);
	const char *v = NULL, *usage = NULL;
	int ret;

	type[0] = what[0] = '\0';
	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
					  BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	ret = blkid_do_safeprobe(pr);
	if (ret == 1) {
		ret = 1;                             /* nothing at all */
	} else if (ret == 0) {
		if (blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL) == 0 && v) {
			snprintf(what, wsize, "%s partition table", v);
		} else if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0 && v) {
			blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
			if (usage && !strcmp(usage, "filesystem")) {
				snprintf(type, tsize, "%s", v);
				snprintf(what, wsize, "%s file system", v);
			} else {
				snprintf(what, wsize, "%s (%s)", v, usage ? usage : "signature");
			}
		} else {
			snprintf(what, wsize, "a signature libblkid cannot name");
		}
		ret = 0;
	} else if (ret == -2) {
		snprintf(what, wsize, "conflicting signatures");
		ret = -EUCLEAN;
	} else {
		ret = -EIO;
	}
	blkid_free_probe(pr);
	return ret;
}
