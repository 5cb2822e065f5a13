/* seed.c - finding a seed configuration (seed.h). */
#include "seed.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int from_dir(const char *dir, struct cfg_blob *b, struct cairn_err *e)
{
	char path[1100];

	snprintf(path, sizeof(path), "%s/seed.conf", dir);
	return cfg_blob_read(b, path, e);
}

/* The device with that label, or NULL.  No cache file: a probe of what
 * the kernel lists now. */
static char *find_label(const char *label)
{
	blkid_cache cache = NULL;
	char *dev;

	if (blkid_get_cache(&cache, "/dev/null") < 0)
		return NULL;
	dev = blkid_evaluate_tag("LABEL", label, &cache);
	blkid_put_cache(cache);
	return dev;
}

/* Where dev is mounted already (the ESP, which the slot keeper keeps
 * mounted read-write: a second, read-only mount of it is refused with
 * EBUSY), or 0 with mnt empty. */
static int mounted_at(const char *dev, char *mnt, size_t size)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;

	mnt[0] = 0;
	if (!f)
		return 0;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_fsname, dev)) {
			snprintf(mnt, size, "%s", m->mnt_dir);
			break;
		}
	endmntent(f);
	return mnt[0] != 0;
}

/* Read the seed from under mnt; messages name dev. */
static int read_seed(const char *dev, const char *mnt, struct cfg_blob *b, struct cairn_err *e)
{
	static const char *const files[] = { "cairn/seed.conf", "seed.conf" };
	char path[1200];
	int ret = -ENOENT;

	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]) && ret == -ENOENT; k++) {
		snprintf(path, sizeof(path), "%s/%s", mnt, files[k]);
		ret = cfg_blob_read(b, path, e);
		if (ret == 0)   /* messages name the device, not a mount point */
			snprintf(b->name, sizeof(b->name), "%s:/%s", dev, files[k]);
	}
	if (ret == -ENOENT)
		cairn_err_set(e, -ENOENT, "%s: no /cairn/seed.conf or /seed.conf", dev);
	return ret;
}

static int from_partition(const char *dev, const char *run_dir, struct cfg_blob *b,
			  struct cairn_err *e)
{
	static const char *const fstypes[] = { "vfat", "ext4" };
	const unsigned long flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char mnt[1100];
	int ret;
	size_t k;

	if (mounted_at(dev, mnt, sizeof(mnt)))
		return read_seed(dev, mnt, b, e);
	snprintf(mnt, sizeof(mnt), "%s/seed-mnt.XXXXXX", run_dir);
	if (!mkdtemp(mnt))
		return cairn_err_sys(e, -errno, "%s", mnt);
	for (k = 0; k < sizeof(fstypes) / sizeof(fstypes[0]); k++)
		if (mount(dev, mnt, fstypes[k], flags, NULL) == 0)
			break;
	if (k == sizeof(fstypes) / sizeof(fstypes[0])) {
		ret = cairn_err_sys(e, -errno, "%s: cannot mount read-only (vfat, ext4)", dev);
		rmdir(mnt);
		return ret;
	}
	ret = read_seed(dev, mnt, b, e);
	umount2(mnt, MNT_DETACH);
	rmdir(mnt);
	return ret;
}

/* One label of the list: -ENOENT when there is no such partition or it
 * holds no seed, so that the next label is tried. */
static int from_label(const char *label, const char *run_dir, struct cfg_blob *b,
		      struct cairn_err *e)
{
	char *dev = find_label(label);
	int ret;

	if (!dev)
		return cairn_err_set(e, -ENOENT, "no partition labelled %s", label);
	ret = from_partition(dev, run_dir, b, e);
	free(dev);
	return ret;
}

int seed_find(const char *dir, const char *labels, const char *run_dir, struct cfg_blob *b,
	      struct cairn_err *e)
{
	char list[256], *save = NULL, *label;
	char tried[512] = "";
	size_t n = 0;
	int ret;

	memset(b, 0, sizeof(*b));
	if (dir && *dir) {
		ret = from_dir(dir, b, e);
		if (ret != -ENOENT)
			return ret;
	}
	snprintf(list, sizeof(list), "%s", labels ? labels : "");
	for (label = strtok_r(list, ",", &save); label; label = strtok_r(NULL, ",", &save)) {
		ret = from_label(label, run_dir, b, e);
		if (ret != -ENOENT)
			return ret;
		n += (size_t)snprintf(tried + n, n < sizeof(tried) ? sizeof(tried) - n : 0,
				      ", %s", e->msg);
	}
	return cairn_err_set(e, -ENOENT, "none found (%s/seed.conf%s)", dir && *dir ? dir : "-",
			     n < sizeof(tried) ? tried : ", ...");
}
