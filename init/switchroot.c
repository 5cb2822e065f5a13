/* switchroot.c - switch_root, as one visible sequence.
 *
 * The initramfs is a tmpfs (or ramfs) that cannot be unmounted, so its
 * files are deleted to give their memory back, without crossing into
 * other mounts (newroot and the moved API filesystems).  Order:
 *   1. move /proc, /sys, /dev to newroot (so nothing below is lost)
 *   2. chdir newroot
 *   3. delete the initramfs's contents (same device as "/" only)
 *   4. mount --move newroot to /, chroot ".", chdir "/"
 *   5. exec stage 2
 */
#include "switchroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "console.h"

/* Delete everything under dirfd that lives on device dev.  Errors are
 * only logged: a file left behind costs memory, not correctness. */
static void delete_tree(int dirfd, dev_t dev)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_dev != dev)
			continue; /* a mount point: not ours to delete */
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				delete_tree(sub, dev);
			if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != EBUSY)
				say_debug("switch_root: cannot remove /%s: %s", de->d_name, strerror(errno));
		} else if (unlinkat(dirfd, de->d_name, 0) < 0) {
			say_debug("switch_root: cannot remove %s: %s", de->d_name, strerror(errno));
		}
	}
	closedir(d);
}

int switch_root(const char *newroot, char *const argv[])
{
	static const char *const moves[] = { "/proc", "/sys", "/dev" };
	char target[256];
	struct statfs sf;
	struct stat root_st;

	/* Only ever wipe an initramfs, never a real disk. */
	if (statfs("/", &sf) < 0 || stat("/", &root_st) < 0)
		return say_err(-errno, "switch_root: stat /");
	if ((unsigned long)sf.f_type != RAMFS_MAGIC && (unsigned long)sf.f_type != TMPFS_MAGIC) {
		say("switch_root: / is not an initramfs (fs type 0x%lx); refusing",
		    (unsigned long)sf.f_type);
		return -EINVAL;
	}

	for (unsigned i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		snprintf(target, sizeof(target), "%s%s", newroot, moves[i]);
		if (mount(moves[i], target, NULL, MS_MOVE, NULL) < 0) {
			/* Stage 2 mounts a fresh one if this is missing. */
			say_err(-errno, "switch_root: moving %s to %s", moves[i], target);
			umount2(moves[i], MNT_DETACH);
		}
	}

	if (chdir(newroot) < 0)
		return say_err(-errno, "switch_root: chdir %s", newroot);

	int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0)
		delete_tree(rootfd, root_st.st_dev);

	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return say_err(-errno, "switch_root: moving %s to /", newroot);
	if (chroot(".") < 0)
		return say_err(-errno, "switch_root: chroot");
	if (chdir("/") < 0)
		return say_err(-errno, "switch_root: chdir /");

	say("switching to the real root: exec %s", argv[0]);
	execv(argv[0], argv);
	return say_err(-errno, "switch_root: exec %s", argv[0]);
}
