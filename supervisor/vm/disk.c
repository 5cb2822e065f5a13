/* disk.c - creating a VM's disk images: raw with ftruncate (sparse),
 * qcow2 with qemu-img; both to PATH.tmp, fsync, rename, fsync the
 * directory (nothing is written in place). */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec.h"

static int fsync_dir_of(const char *path)
{
	char buf[4096];
	int fd, ret = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

struct img_child {
	const char *qemu_img, *path, *size;
};

static void img_child(void *arg, int st)
{
	const struct img_child *c = arg;
	int null = open("/dev/null", O_RDWR);

	child_reset();
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		child_fail(st, "/dev/null");
	execl(c->qemu_img, c->qemu_img, "create", "-q", "-f", "qcow2", c->path, c->size,
	      (char *)NULL);
	child_fail(st, "exec");
}

static int run_qemu_img(const char *qemu_img, const char *path, uint64_t size,
			struct cairn_err *e)
{
	char sz[32], step[FORKEXEC_STEP];
	struct img_child c = { qemu_img, path, sz };
	int st, pidfd, ret;
	pid_t pid;

	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
	ret = fork_exec(img_child, &c, &pid, &pidfd, step);
	if (ret < 0)
		return cairn_err_set(e, ret, "%s: %s: %s", qemu_img, step, strerror(-ret));
	close(pidfd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return cairn_err_sys(e, -errno, "waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cairn_err_set(e, -EIO, "%s create -f qcow2 %s failed (%s %d)", qemu_img, path,
				     WIFEXITED(st) ? "exit status" : "signal",
				     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

static int finish(const char *tmp, const char *path, uid_t uid, gid_t gid, struct cairn_err *e)
{
	int fd = open(tmp, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", tmp);
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		int ret = -errno;

		close(fd);
		return cairn_err_sys(e, ret, "%s", tmp);
	}
	close(fd);
	if (rename(tmp, path) < 0)
		return cairn_err_sys(e, -errno, "rename %s", path);
	fsync_dir_of(path);
	return 0;
}

int disk_create(const char *path, enum cairn_vm_format format, uint64_t size,
		const char *qemu_img, uid_t uid, gid_t gid, struct cairn_err *e)
{
	char tmp[4200];
	int fd, ret;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);   /* a leftover of a crash: ours, never in use */
	if (format == CAIRN_VM_QCOW2) {
		ret = run_qemu_img(qemu_img, tmp, size, e);
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return cairn_err_sys(e, -errno, "create %s", tmp);
		ret = ftruncate(fd, (off_t)size) < 0 ? cairn_err_sys(e, -errno, "size %s", tmp) : 0;
		close(fd);
	}
	if (ret == 0)
		ret = finish(tmp, path, uid, gid, e);
	if (ret < 0)
		unlink(tmp);
	return ret;
}

int disk_copy(const char *src, const char *dst, uid_t uid, gid_t gid, struct cairn_err *e)
{
	char tmp[4200], buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cairn_err_sys(e, -errno, "%s", src);
	unlink(tmp);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		ret = cairn_err_sys(e, -errno, "create %s", tmp);
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ret = cairn_err_sys(e, -EIO, "write %s", tmp);
			break;
		}
	if (n < 0 && ret == 0)
		ret = cairn_err_sys(e, -errno, "read %s", src);
	close(in);
	close(out);
	if (ret == 0)
		ret = finish(tmp, dst, uid, gid, e);
	if (ret < 0)
		unlink(tmp);
	return ret;
}
