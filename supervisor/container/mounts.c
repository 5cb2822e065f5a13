/* mounts.c - the container's file system tree.
 *
 * Built by the stage process (host root, a private mount namespace):
 *   DIR            tmpfs, the staging area (mode 0711: init passes through)
 *   DIR/lower      the image's shared host mount (rootfs.c), cloned and
 *                  id-mapped into the container's range
 *   DIR/rw         tmpfs (thrown away) or the kept directory: upper, work
 *   DIR/root       overlay of lower + rw/upper; volumes and /dev inside
 * then finished by the container's init from inside its user namespace
 * (/proc, /sys, the masks, devpts) and pivoted into.  None of it is seen
 * by the host, and all of it goes when the container's last process does. */
#include "ct.h"
#include "ct_paths.h"
#include "ct_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int ct_upper_open(const struct cairn_service *s, struct cairn_err *e)
{
	char path[4200];
	int pool_fd, fd;

	if (!s->ct->storage) {
		snprintf(path, sizeof(path), CT_LIB_DIR "/%s/rw", s->name);
		fd = ct_mkdirs(path, 0700, (uid_t)-1, (gid_t)-1, e);
		if (fd == 0 && (fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			fd = cairn_err_sys(e, -errno, "%s", path);
		return fd;
	}
	snprintf(path, sizeof(path), CT_POOLS_DIR "/%s", s->ct->storage);
	if (!ct_is_mount_root(path))
		return cairn_err_set(e, -ENOENT, "storage pool %s is not mounted (%s)", s->ct->storage, path);
	pool_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pool_fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	/* resolved inside the pool: another container's volume there may
	 * hold a symlink */
	snprintf(path, sizeof(path), "containers/%s", s->name);
	fd = ct_in_root(pool_fd, path, CT_NODE_DIR, (uid_t)-1, (gid_t)-1, e);
	close(pool_fd);
	return fd;
}

static int mnt(const char *src, const char *dst, const char *type, unsigned long flags,
	       const char *data, struct cairn_err *e)
{
	if (mount(src, dst, type, flags, data) < 0)
		return cairn_err_sys(e, -errno, "mount %s on %s", type ? type : src ? src : "(remount)", dst);
	return 0;
}

/* The image's shared host mount, cloned and id-mapped into the
 * container's range (and nosuid for an app) at DIR/lower; an unpacked
 * archive, whose owners are shifted already, is only bound read-only. */
static int image_mounts(struct ct_stage *st, bool nosuid, struct cairn_err *e)
{
	char lower[300];
	struct mount_attr attr = {
		.attr_set = (st->tar ? 0 : MOUNT_ATTR_IDMAP) | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV |
			    (nosuid ? MOUNT_ATTR_NOSUID : 0),
		/* the host's mount is nosuid; a system container's sudo works */
		.attr_clr = nosuid ? 0 : MOUNT_ATTR_NOSUID,
		.userns_fd = st->tar ? 0 : (uint64_t)st->userns_fd,
	};
	int tree, ret;

	snprintf(lower, sizeof(lower), "%s/lower", st->dir);
	if (mkdir(lower, 0755) < 0)
		return cairn_err_sys(e, -errno, "mkdir %s", lower);
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, st->image, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return cairn_err_sys(e, -errno, "open_tree %s", st->image);
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		ret = -errno;
		close(tree);
		return cairn_err_sys(e, ret, "id-mapped mount of image %s (the kernel must support it for its file system)",
				     st->ct->image);
	}
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		ret = -errno;
		close(tree);
		return cairn_err_sys(e, ret, "move_mount %s", lower);
	}
	close(tree);
	return 0;
}

static int overlay(struct ct_stage *st, bool nosuid, struct cairn_err *e)
{
	char rw[300], opts[1200], path[4096];
	int ret;

	snprintf(rw, sizeof(rw), "%s/rw", st->dir);
	if (mkdir(rw, 0700) < 0 || mkdir(st->root, 0755) < 0)
		return cairn_err_sys(e, -errno, "mkdir in %s", st->dir);
	if (st->ct->persistent) {
		int fd = ct_upper_open(st->s, e);

		if (fd < 0)
			return fd;
		ct_fd_path(fd, path, sizeof(path));
		ret = mnt(path, rw, NULL, MS_BIND, NULL, e);
		close(fd);
	} else {
		snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u", st->base, st->base);
		ret = mnt("tmpfs", rw, "tmpfs", MS_NODEV | MS_NOSUID, opts, e);
		if (ret == 0)
			for (const char *const *d = (const char *const[]){ "upper", "work", NULL }; *d; d++) {
				snprintf(path, sizeof(path), "%s/%s", rw, *d);
				if (mkdir(path, 0755) < 0 || chown(path, st->base, st->base) < 0)
					return cairn_err_sys(e, -errno, "%s", path);
			}
	}
	if (ret < 0)
		return ret;
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work",
		 st->dir, rw, rw);
	return mnt("overlay", st->root, "overlay", MS_NODEV | (nosuid ? MS_NOSUID : 0), opts, e);
}

static int mount_at(int root_fd, const char *rel, const char *src, const char *type,
		    unsigned long flags, const char *data, struct cairn_err *e);

static int volumes(struct ct_stage *st, int root_fd, struct cairn_err *e)
{
	for (size_t k = 0; k < st->ct->n_volumes; k++) {
		const struct cairn_ct_volume *v = &st->ct->volumes[k];
		char pool[4096], src[64], at[64];
		int fd, pool_fd, src_fd, ret;

		/* the source resolved inside its pool, the target inside the root */
		snprintf(pool, sizeof(pool), CT_POOLS_DIR "/%s", v->pool);
		pool_fd = open(pool, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (pool_fd < 0)
			return cairn_err_sys(e, -errno, "%s", pool);
		src_fd = ct_in_root(pool_fd, v->path, CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, e);
		close(pool_fd);
		if (src_fd < 0)
			return cairn_err_sys(e, src_fd, "volume %s/%s", v->pool, v->path);
		fd = ct_in_root(root_fd, v->target, CT_NODE_DIR, st->base, st->base, e);
		if (fd < 0) {
			close(src_fd);
			return cairn_err_prefix(e, fd, "volume %s", v->target);
		}
		ct_fd_path(src_fd, src, sizeof(src));
		ct_fd_path(fd, at, sizeof(at));
		ret = mnt(src, at, NULL, MS_BIND | MS_REC, NULL, e);
		close(src_fd);
		close(fd);
		/* the fd names what is under the new mount: resolve again */
		if (ret == 0)
			ret = mount_at(root_fd, v->target, NULL, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID |
				       MS_NODEV | (v->ro ? MS_RDONLY : 0), NULL, e);
		if (ret < 0)
			return cairn_err_prefix(e, ret, "volume %s/%s:%s", v->pool, v->path, v->target);
	}
	return 0;
}

int ct_rootfs_build(struct ct_stage *st, struct cairn_err *e)
{
	bool nosuid = st->ct->type == CAIRN_CT_APP;
	int root_fd, ret;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cairn_err_sys(e, -errno, "make / private");
	ret = mnt("tmpfs", st->dir, "tmpfs", MS_NODEV | MS_NOSUID | MS_NOEXEC, "mode=0711,size=64k", e);
	if (ret < 0)
		return ret;
	snprintf(st->root, sizeof(st->root), "%s/root", st->dir);
	if ((ret = image_mounts(st, nosuid, e)) < 0 || (ret = overlay(st, nosuid, e)) < 0)
		return ret;
	root_fd = open(st->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return cairn_err_sys(e, -errno, "%s", st->root);
	ret = volumes(st, root_fd, e);
	if (ret == 0)
		ret = ct_dev_populate(st->root, st->base, st->console, e);
	close(root_fd);
	return ret;
}

static int mount_at(int root_fd, const char *rel, const char *src, const char *type,
		    unsigned long flags, const char *data, struct cairn_err *e)
{
	char at[64];
	int fd = ct_in_root(root_fd, rel, CT_NODE_DIR, (uid_t)-1, (gid_t)-1, e), ret;

	if (fd < 0)
		return fd;
	ct_fd_path(fd, at, sizeof(at));
	ret = mnt(src, at, type, flags, data, e);
	close(fd);
	return ret;
}

/* Masked like crun's defaults: unreadable files, empty directories. */
static const char *const masked[] = {
	"proc/kcore", "proc/keys", "proc/timer_list", "proc/sched_debug", "proc/latency_stats",
	"proc/acpi", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap", NULL,
};
static const char *const readonly[] = {
	"proc/sys", "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs", NULL,
};

static int mask(int root_fd, const char *rel, struct cairn_err *e)
{
	char at[64], null[64];
	struct stat sb;
	int fd, nfd, ret;

	fd = ct_in_root(root_fd, rel, CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, NULL);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return cairn_err_sys(e, fd, "mask /%s", rel);
	ct_fd_path(fd, at, sizeof(at));
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		ret = mnt("tmpfs", at, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0", e);
	} else {
		nfd = ct_in_root(root_fd, "dev/null", CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, e);
		if (nfd < 0) {
			close(fd);
			return nfd;
		}
		ct_fd_path(nfd, null, sizeof(null));
		ret = mnt(null, at, NULL, MS_BIND, NULL, e);
		close(nfd);
	}
	close(fd);
	return ret;
}

static int make_ro(int root_fd, const char *rel, struct cairn_err *e)
{
	char at[64];
	int fd, ret;

	fd = ct_in_root(root_fd, rel, CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, NULL);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return cairn_err_sys(e, fd, "read-only /%s", rel);
	ct_fd_path(fd, at, sizeof(at));
	ret = mnt(at, at, NULL, MS_BIND | MS_REC, NULL, e);
	close(fd);
	if (ret < 0)
		return ret;
	/* the fd names what is under the new mount: resolve again (a file
	 * such as sysrq-trigger or a directory) */
	fd = ct_in_root(root_fd, rel, CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, e);
	if (fd < 0)
		return fd;
	ct_fd_path(fd, at, sizeof(at));
	ret = mnt(NULL, at, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, e);
	close(fd);
	return ret;
}

/* /proc and /sys must be mounted while the host's are still visible in
 * this namespace: the kernel refuses a new one to a user namespace that
 * could not see a full one (mount_too_revealing). */
int ct_rootfs_enter(const struct cairn_container *ct, const char *root, struct cairn_err *e)
{
	const unsigned long pflags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int root_fd, ret;

	/* The stage's mounts came into this namespace locked together, and
	 * pivot_root refuses a locked root: a bind of it made here is not. */
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cairn_err_sys(e, -errno, "bind %s", root);
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return cairn_err_sys(e, -errno, "%s", root);
	ret = mount_at(root_fd, "proc", "proc", "proc", pflags, NULL, e);
	if (ret == 0 && ct->net != CAIRN_CT_NET_HOST)
		ret = mount_at(root_fd, "sys", "sysfs", "sysfs", pflags | MS_RDONLY, NULL, e);
	else if (ret == 0) {
		/* the host's net namespace is not ours: its sysfs, read-only */
		ret = mount_at(root_fd, "sys", "/sys", NULL, MS_BIND | MS_REC, NULL, e);
		if (ret == 0)
			ret = mount_at(root_fd, "sys", NULL, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | pflags, NULL, e);
	}
	if (ret == 0)
		ret = mount_at(root_fd, "sys/fs/cgroup", "cgroup2", "cgroup2",
			       pflags | (ct->type == CAIRN_CT_APP ? MS_RDONLY : 0), NULL, e);
	for (size_t k = 0; ret == 0 && masked[k]; k++)
		ret = mask(root_fd, masked[k], e);
	for (size_t k = 0; ret == 0 && readonly[k]; k++)
		ret = make_ro(root_fd, readonly[k], e);
	if (ret == 0)
		ret = ct_dev_mount_inner(root, e);
	if (ret < 0) {
		close(root_fd);
		return ret;
	}
	if (fchdir(root_fd) < 0) {
		ret = cairn_err_sys(e, -errno, "chdir %s", root);
		close(root_fd);
		return ret;
	}
	close(root_fd);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cairn_err_sys(e, -errno, "pivot_root %s", root);
	/* the old root is stacked under the new one: detach it */
	if (umount2(".", MNT_DETACH) < 0)
		return cairn_err_sys(e, -errno, "detach the host's root");
	if (chdir("/") < 0)
		return cairn_err_sys(e, -errno, "chdir /");
	return 0;
}
