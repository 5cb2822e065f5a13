/* devices.c - a container's /dev: a small tmpfs with the host's harmless
 * character devices bound in (a user namespace may not create device
 * nodes), a devpts instance of its own, /dev/shm. */
#include "ct.h"
#include "ct_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty", NULL };

static const struct { const char *name, *target; } links[] = {
	{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
};

int ct_dev_populate(const char *root, uint32_t base, const char *console, struct cairn_err *e)
{
	char opts[128], at[64], src[64];
	int root_fd, dev_fd, ret = 0;

	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return cairn_err_sys(e, -errno, "%s", root);
	dev_fd = ct_in_root(root_fd, "dev", CT_NODE_DIR, base, base, e);
	close(root_fd);
	if (dev_fd < 0)
		return dev_fd;
	ct_fd_path(dev_fd, at, sizeof(at));
	snprintf(opts, sizeof(opts), "mode=0755,size=1m,nr_inodes=256,uid=%u,gid=%u", base, base);
	if (mount("tmpfs", at, "tmpfs", MS_NOSUID | MS_NOEXEC, opts) < 0) {
		ret = cairn_err_sys(e, -errno, "mount tmpfs on /dev");
		close(dev_fd);
		return ret;
	}
	close(dev_fd);
	/* the fd was the directory under the mount: take the new one */
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 || (dev_fd = ct_in_root(root_fd, "dev", CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, e)) < 0) {
		if (root_fd >= 0)
			close(root_fd);
		return cairn_err_sys(e, -errno, "/dev");
	}
	close(root_fd);
	for (size_t k = 0; !ret && nodes[k]; k++) {
		int fd = openat(dev_fd, nodes[k], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (fd < 0) {
			ret = cairn_err_sys(e, -errno, "/dev/%s", nodes[k]);
			break;
		}
		snprintf(src, sizeof(src), "/dev/%s", nodes[k]);
		/* bind over the placeholder through an O_PATH fd of it */
		close(fd);
		fd = openat(dev_fd, nodes[k], O_PATH | O_CLOEXEC);
		ct_fd_path(fd, at, sizeof(at));
		if (fd < 0 || mount(src, at, NULL, MS_BIND, NULL) < 0)
			ret = cairn_err_sys(e, -errno, "bind %s", src);
		if (fd >= 0)
			close(fd);
	}
	for (size_t k = 0; !ret && k < sizeof(links) / sizeof(links[0]); k++)
		if (symlinkat(links[k].target, dev_fd, links[k].name) < 0 ||
		    fchownat(dev_fd, links[k].name, base, base, AT_SYMLINK_NOFOLLOW) < 0)
			ret = cairn_err_sys(e, -errno, "/dev/%s", links[k].name);
	for (const char *const *d = (const char *const[]){ "pts", "shm", "mqueue", NULL }; !ret && *d; d++)
		if (mkdirat(dev_fd, *d, 0755) < 0 || fchownat(dev_fd, *d, base, base, 0) < 0)
			ret = cairn_err_sys(e, -errno, "/dev/%s", *d);
	/* the console pty of a system container, else a console that
	 * swallows what is written to it */
	if (!ret) {
		int fd = openat(dev_fd, "console", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);

		if (fd >= 0) {
			close(fd);
			fd = openat(dev_fd, "console", O_PATH | O_CLOEXEC);
		}
		ct_fd_path(fd, at, sizeof(at));
		if (fd < 0 || mount(console && *console ? console : "/dev/null", at, NULL, MS_BIND, NULL) < 0)
			ret = cairn_err_sys(e, -errno, "/dev/console");
		if (fd >= 0)
			close(fd);
	}
	close(dev_fd);
	return ret;
}

int ct_dev_mount_inner(const char *root, struct cairn_err *e)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/dev/pts", root);
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
	    mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0)
		return cairn_err_sys(e, -errno, "mount devpts");
	snprintf(path, sizeof(path), "%s/dev/shm", root);
	if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
		return cairn_err_sys(e, -errno, "mount /dev/shm");
	snprintf(path, sizeof(path), "%s/dev/mqueue", root);
	if (mount("mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return cairn_err_sys(e, -errno, "mount /dev/mqueue");
	return 0;
}
