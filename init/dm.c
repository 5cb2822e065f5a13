/* dm.c - device-mapper ioctls on /dev/mapper/control.
 *
 * Every request is a struct dm_ioctl header followed by its payload in one
 * buffer; data_size is the whole buffer, data_start where the payload
 * begins.  A table load carries dm_target_spec + its parameter string.
 * The sequence that makes a usable device is create -> load -> resume
 * (DM_DEV_SUSPEND without DM_SUSPEND_FLAG); until the resume the device
 * exists but has no live table. */
#include "dm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

#define DM_BUF_SIZE 16384 /* header + one target + its parameters */

/* devtmpfs makes /dev/mapper/control when dm_mod loads; make it from
 * sysfs if this /dev did not. */
static int control_open(void)
{
	int fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : say_err(-errno, "opening " DM_CONTROL);
	char buf[32];
	unsigned maj, min;
	ssize_t n = read_file("/sys/class/misc/device-mapper/dev", buf, sizeof(buf));
	if (n < 0)
		return say_err((int)n, "no " DM_CONTROL " and no device-mapper in sysfs "
				       "(is dm_mod loaded?)");
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return say_err(-EINVAL, "parsing /sys/class/misc/device-mapper/dev");
	int r = mkdir_p("/dev/mapper", 0755);
	if (r < 0)
		return say_err(r, "creating /dev/mapper");
	if (mknod(DM_CONTROL, S_IFCHR | 0600, makedev(maj, min)) < 0 && errno != EEXIST)
		return say_err(-errno, "creating " DM_CONTROL);
	fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	return fd >= 0 ? fd : say_err(-errno, "opening " DM_CONTROL);
}

static void dm_init(struct dm_ioctl *io, size_t size, const char *name)
{
	memset(io, 0, size);
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = 0; /* anything with major 4 will do */
	io->version[2] = 0;
	io->data_size = (uint32_t)size;
	io->data_start = sizeof(*io);
	if (name)
		snprintf(io->name, sizeof(io->name), "%s", name);
}

static int dm_ioctl(int fd, unsigned long req, struct dm_ioctl *io, const char *what)
{
	if (ioctl(fd, req, io) < 0)
		return say_err(-errno, "device-mapper %s of \"%s\"", what, io->name);
	return 0;
}

int dm_remove(const char *name)
{
	int fd = control_open();
	if (fd < 0)
		return fd;
	struct dm_ioctl io;
	dm_init(&io, sizeof(io), name);
	int r = dm_ioctl(fd, DM_DEV_REMOVE, &io, "DM_DEV_REMOVE");
	close(fd);
	return r;
}

/* Make /dev/dm-<minor> if devtmpfs has not (yet). */
static int ensure_node(dev_t dev, char *node, size_t size)
{
	if (snprintf(node, size, "/dev/dm-%u", minor(dev)) >= (int)size)
		return -ENAMETOOLONG;
	struct stat st;
	for (int i = 0; i < 20; i++) { /* devtmpfs is usually there first */
		if (stat(node, &st) == 0)
			return S_ISBLK(st.st_mode) && st.st_rdev == dev ? 0 : -ENOTBLK;
		sleep_ms(10);
	}
	if (mknod(node, S_IFBLK | 0600, dev) < 0 && errno != EEXIST)
		return say_err(-errno, "creating %s (%u:%u)", node, major(dev), minor(dev));
	return 0;
}

int dm_create_readonly(const char *name, const char *uuid, uint64_t sectors,
		       const char *type, const char *params, char *node, size_t size)
{
	size_t plen = strlen(params) + 1;
	size_t need = sizeof(struct dm_ioctl) + sizeof(struct dm_target_spec) + plen;
	if (strlen(name) >= DM_NAME_LEN || (uuid && strlen(uuid) >= DM_UUID_LEN) ||
	    strlen(type) >= DM_MAX_TYPE_NAME || need > DM_BUF_SIZE)
		return say_err(-EINVAL, "device-mapper request for \"%s\" too large", name);

	int fd = control_open();
	if (fd < 0)
		return fd;
	/* 8-byte aligned: the kernel reads the target spec's u64s in place. */
	union {
		struct dm_ioctl io;
		unsigned char raw[DM_BUF_SIZE];
	} *buf = calloc(1, sizeof(*buf));
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	struct dm_ioctl *io = &buf->io;
	int r;

	/* 1. the device, no table yet */
	dm_init(io, sizeof(*io), name);
	if (uuid)
		snprintf(io->uuid, sizeof(io->uuid), "%s", uuid);
	r = dm_ioctl(fd, DM_DEV_CREATE, io, "DM_DEV_CREATE");
	if (r < 0)
		goto out;
	dev_t dev = (dev_t)io->dev; /* huge_encode_dev: what makedev() gives */

	/* 2. the table, read-only: one target over the whole device */
	dm_init(io, need, name);
	io->target_count = 1;
	io->flags = DM_READONLY_FLAG;
	struct dm_target_spec *t = (void *)(buf->raw + sizeof(*io));
	t->sector_start = 0;
	t->length = sectors;
	snprintf(t->target_type, sizeof(t->target_type), "%s", type);
	t->next = 0;
	memcpy((char *)(t + 1), params, plen);
	r = dm_ioctl(fd, DM_TABLE_LOAD, io, "DM_TABLE_LOAD");
	if (r < 0)
		goto remove;

	/* 3. resume: the loaded table goes live */
	dm_init(io, sizeof(*io), name);
	r = dm_ioctl(fd, DM_DEV_SUSPEND, io, "DM_DEV_SUSPEND (resume)");
	if (r < 0)
		goto remove;

	r = ensure_node(dev, node, size);
	if (r == 0)
		goto out;
remove:
	dm_init(io, sizeof(*io), name);
	dm_ioctl(fd, DM_DEV_REMOVE, io, "DM_DEV_REMOVE");
out:
	free(buf);
	close(fd);
	return r;
}
