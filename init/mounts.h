/* mounts.h - mounting the API filesystems and others, idempotently.
 *
 * Both stages and --container mode call these against trees that may
 * already have some of the mounts (a moved /dev, a host's /dev/pts), so
 * a target that already carries the wanted filesystem type is left alone. */
#ifndef CAIRN_INIT_MOUNTS_H
#define CAIRN_INIT_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

struct mount_spec {
	const char *source;
	const char *target;
	const char *fstype;
	unsigned long flags;
	const char *data;
	unsigned long magic; /* statfs f_type meaning "already mounted"; 0: always mount */
};

/* mkdir -p target, then mount unless target already has spec->magic.
 * 0 or -errno (logged with the target). */
int mount_one(const struct mount_spec *spec);

/* Mount proc, sysfs, devtmpfs at /proc, /sys, /dev (stage 1, or a stage 2
 * that finds them missing).  0 or the first -errno. */
int mount_api_filesystems(void);

/* True if path is a mount point of type magic. */
bool is_fs_type(const char *path, unsigned long magic);

#define MOUNTINFO_BUF (256 * 1024)
#define MOUNTINFO_MAX 1024

/* Read /proc/self/mountinfo into buf and point mp[] at each mount point
 * (unescaped), in the kernel's order (parents before children).  Returns
 * the count or -errno. */
int mountinfo_read(char *buf, size_t size, char **mp, int max);

/* --container: make every mount in this namespace private, so that
 * nothing init mounts or unmounts propagates to the host.  Tries "/"
 * recursively first; in a chroot "/" is no mount point and each mount is
 * done one by one.  0 or -errno. */
int mounts_make_private(void);

#endif
