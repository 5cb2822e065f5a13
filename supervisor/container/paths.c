/* paths.c - directories on the host and inside a container's root.
 *
 * Inside a root, every path is resolved with openat2(RESOLVE_IN_ROOT): the
 * stage process is host root, and an image's symlink (/data -> /etc)
 * must not make it create or mount anything outside. */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ct_paths.h"
#include "fileio.h"

int ct_mkdirs(const char *path, mode_t mode, uid_t uid, gid_t gid, struct cairn_err *e)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return cairn_err_set(e, -ENAMETOOLONG, "%s: bad path", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			if (mkdir(buf, mode) == 0) {
				if (uid != (uid_t)-1 && chown(buf, uid, gid) < 0)
					return cairn_err_sys(e, -errno, "chown %s", buf);
			} else if (errno != EEXIST) {
				return cairn_err_sys(e, -errno, "mkdir %s", buf);
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int open_in(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC), .mode = mode,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

static int in_root(int root_fd, const char *rel, enum ct_node node, uid_t uid, gid_t gid,
		   int depth, struct cairn_err *e);

/* path (a prefix inside root) is a symlink to a directory that does not
 * exist: make that directory, inside root, so the link leads somewhere. */
static void make_link_target(int root_fd, int parent, const char *leaf, const char *path,
			     uid_t uid, gid_t gid, int depth)
{
	char target[1024], rel[2100];
	const char *slash = strrchr(path, '/');
	ssize_t n;
	int fd;

	if (depth > 8)
		return;   /* a loop of links: let the open fail */
	n = readlinkat(parent, leaf, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	if (target[0] == '/' || !slash)
		snprintf(rel, sizeof(rel), "%s", target);
	else
		snprintf(rel, sizeof(rel), "%.*s/%s", (int)(slash - path), path, target);
	fd = in_root(root_fd, rel, CT_NODE_DIR, uid, gid, depth + 1, NULL);
	if (fd >= 0)
		close(fd);
}

int ct_in_root(int root_fd, const char *rel, enum ct_node node, uid_t uid, gid_t gid,
	       struct cairn_err *e)
{
	return in_root(root_fd, rel, node, uid, gid, 0, e);
}

static int in_root(int root_fd, const char *rel, enum ct_node node, uid_t uid, gid_t gid,
		   int depth, struct cairn_err *e)
{
	char path[1024];
	size_t len;
	int fd = -1;

	while (*rel == '/')
		rel++;
	len = strlen(rel);
	if (len >= sizeof(path))
		return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", rel);
	if (!len)
		return open_in(root_fd, ".", O_PATH | O_DIRECTORY, 0);
	/* Each prefix is resolved from the root again, so an absolute
	 * symlink anywhere means the container's /, not the host's. */
	for (size_t i = 0; i <= len; i++) {
		bool last = i == len;

		if (!last && rel[i] != '/')
			continue;
		if (i == 0 || rel[i - 1] == '/')
			continue;
		memcpy(path, rel, i);
		path[i] = 0;
		if (fd >= 0)
			close(fd);
		if (last && node == CT_NODE_FILE) {
			fd = open_in(root_fd, path, O_RDONLY | O_CREAT | O_NOFOLLOW, 0644);
			if (fd < 0 && (errno == EISDIR || errno == ELOOP || errno == ENXIO))
				fd = open_in(root_fd, path, O_PATH | O_NOFOLLOW, 0);
			else if (fd >= 0 && uid != (uid_t)-1 && fchown(fd, uid, gid) < 0) {
				/* the file is a mount point: its owner hardly matters */
			}
		} else if (last && node == CT_NODE_EXISTING) {
			fd = open_in(root_fd, path, O_PATH | O_NOFOLLOW, 0);
		} else {
			fd = open_in(root_fd, path, O_PATH | O_DIRECTORY, 0);
			if (fd < 0 && errno == ENOENT && node != CT_NODE_EXISTING) {
				char *slash = strrchr(path, '/');
				int parent;

				if (slash)
					*slash = 0;
				parent = open_in(root_fd, slash ? path : ".", O_PATH | O_DIRECTORY, 0);
				if (slash)
					*slash = '/';
				if (parent >= 0) {
					const char *leaf = slash ? slash + 1 : path;

					if (mkdirat(parent, leaf, 0755) == 0) {
						if (uid != (uid_t)-1 &&
						    fchownat(parent, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
							/* kept as host root's: still usable */
						}
					} else if (errno == EEXIST) {
						/* a dangling symlink, resolved inside root (the
						 * parent is, and the leaf has no '/'): its target */
						char lpath[1100];

						snprintf(lpath, sizeof(lpath), "%s", path);
						make_link_target(root_fd, parent, leaf, lpath, uid, gid, depth);
					}
					close(parent);
				}
				fd = open_in(root_fd, path, O_PATH | O_DIRECTORY, 0);
			}
		}
		if (fd < 0) {
			int ret = -errno;

			if (node == CT_NODE_EXISTING && ret == -ENOENT)
				return ret;
			return cairn_err_sys(e, ret, "/%s in the container's root", path);
		}
	}
	return fd;
}

void ct_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void ct_rmtree(const char *path)
{
	nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

bool ct_is_mount_root(const char *dir)
{
	struct statx sx;

	return statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
	       (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}
