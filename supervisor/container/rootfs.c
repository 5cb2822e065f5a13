/* rootfs.c - the image file: opened once, hash checked, attached to a
 * read-only loop device and mounted once on the host, read-only, at
 * CT_IMAGE_MNT/SHA256: every container of that image starts from an
 * id-mapped clone of that mount, so they share one page cache (a restart
 * finds its files warm) and one loop device.  The fd that was hashed is
 * the one the loop device reads, so replacing the file after the check
 * changes nothing.  An image no container of the config in force uses is
 * unmounted (the loop device clears itself). */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashfile.h"

int ct_image_open(const struct cairn_service *s, int *fd_out, struct cairn_err *e)
{
	const struct cairn_container *ct = s->ct;
	char got[65];
	struct stat st;
	int fd, ret;

	fd = open(ct->image, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "image %s", ct->image);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cairn_err_set(e, -EINVAL, "image %s: not a regular file", ct->image);
	}
	ct_mkdirs(CT_HASH_CACHE, 0700, (uid_t)-1, (gid_t)-1, NULL);
	ret = cairn_sha256_cached(fd, CT_HASH_CACHE, got, e);
	if (ret < 0) {
		close(fd);
		return cairn_err_prefix(e, ret, "image %s", ct->image);
	}
	if (strcmp(got, ct->sha256)) {
		close(fd);
		return cairn_err_set(e, -EBADMSG, "image %s: sha256 is %s, the config pins %s",
				     ct->image, got, ct->sha256);
	}
	if (!ct_image_fstype(fd) && !ct_image_is_tar(fd)) {
		close(fd);
		return cairn_err_set(e, -EINVAL, "image %s: not squashfs, erofs, tar or tar.zst", ct->image);
	}
	*fd_out = fd;
	return 0;
}

const char *ct_image_fstype(int fd)
{
	unsigned char b[4];

	if (pread(fd, b, 4, 0) == 4 && !memcmp(b, "hsqs", 4))
		return "squashfs";
	/* EROFS_SUPER_MAGIC_V1 0xE0F5E1E2, little endian, at 1024 */
	if (pread(fd, b, 4, 1024) == 4 && b[0] == 0xe2 && b[1] == 0xe1 && b[2] == 0xf5 && b[3] == 0xe0)
		return "erofs";
	return NULL;
}

int ct_loop_attach(int img_fd, int *loop_fd, char *dev, size_t size, struct cairn_err *e)
{
	struct loop_config lc = { .fd = (unsigned)img_fd };
	int ctl, ret = -EBUSY;

	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return cairn_err_sys(e, -errno, "/dev/loop-control");
	/* Another process may take the free device between the two calls. */
	for (int tries = 0; tries < 20 && ret == -EBUSY; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd;

		if (n < 0) {
			ret = cairn_err_sys(e, -errno, "LOOP_CTL_GET_FREE");
			break;
		}
		snprintf(dev, size, "/dev/loop%d", n);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = cairn_err_sys(e, -errno, "%s", dev);
			break;
		}
		if (ioctl(fd, LOOP_CONFIGURE, &lc) == 0) {
			*loop_fd = fd;
			ret = 0;
		} else if (errno == EINVAL && (lc.info.lo_flags & LO_FLAGS_DIRECT_IO)) {
			/* the backing fs cannot do direct I/O: buffered then */
			lc.info.lo_flags &= ~LO_FLAGS_DIRECT_IO;
			ret = -EBUSY;
			close(fd);
			tries--;
		} else {
			ret = -errno;
			close(fd);
			if (ret != -EBUSY)
				cairn_err_sys(e, ret, "LOOP_CONFIGURE %s", dev);
		}
	}
	close(ctl);
	if (ret == -EBUSY)
		cairn_err_set(e, ret, "no free loop device");
	return ret;
}

int ct_image_mount(const struct cairn_service *s, int img_fd, char *dir, size_t size,
		   struct cairn_err *e)
{
	char dev[64];
	int loop_fd, ret;

	snprintf(dir, size, CT_IMAGE_MNT "/%s", s->ct->sha256);
	if (ct_is_mount_root(dir))
		return 0;
	if ((ret = ct_mkdirs(dir, 0700, (uid_t)-1, (gid_t)-1, e)) < 0)
		return ret;
	ret = ct_loop_attach(img_fd, &loop_fd, dev, sizeof(dev), e);
	if (ret < 0) {
		rmdir(dir);
		return ret;
	}
	if (mount(dev, dir, ct_image_fstype(img_fd), MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) < 0)
		ret = cairn_err_sys(e, -errno, "mount image %s (%s)", s->ct->image, dev);
	close(loop_fd);   /* the mount holds it now; auto-clear frees it with the mount */
	if (ret < 0)
		rmdir(dir);
	return ret;
}

void ct_image_sweep(const struct cairn_config *c)
{
	struct dirent *de;
	DIR *d = opendir(CT_IMAGE_MNT);

	while (d && (de = readdir(d))) {
		char path[4200];
		bool used = false;

		if (de->d_name[0] == '.')
			continue;
		for (size_t k = 0; c && k < c->n_services && !used; k++)
			used = c->services[k].kind == CAIRN_KIND_CONTAINER &&
			       !strcmp(c->services[k].ct->sha256, de->d_name);
		if (used)
			continue;
		snprintf(path, sizeof(path), CT_IMAGE_MNT "/%s", de->d_name);
		/* containers still running keep their clones of it */
		umount2(path, MNT_DETACH);
		rmdir(path);
	}
	if (d)
		closedir(d);
}
