/* userns.c - the container's user namespace.
 *
 * A short-lived helper unshares it; the stage process (host root) writes
 * its maps and keeps an fd.  The stage process uses the fd twice: to
 * id-map the image's mount, then to join the namespace before making the
 * others, so that they belong to it. */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_map(pid_t pid, const char *what, uint32_t base, struct cairn_err *e)
{
	char path[64], map[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	n = snprintf(map, sizeof(map), "0 %u %u\n", base, CAIRN_IDMAP_SIZE);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	if (write(fd, map, (size_t)n) != n) {
		int ret = -errno;

		close(fd);
		return cairn_err_sys(e, ret, "write %s", path);
	}
	close(fd);
	return 0;
}

int ct_userns_new(uint32_t base, int *userns_fd, struct cairn_err *e)
{
	int ready[2], hold[2], ret = 0;
	char c, path[64];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return cairn_err_sys(e, -errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		ret = -errno;
		close(ready[0]);
		close(ready[1]);
		return cairn_err_sys(e, ret, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWUSER) == 0 ? 0 : (char)errno;
		if (write(ready[1], &c, 1) == 1 && !c && read(hold[0], &c, 1) < 0) {
			/* woken by the parent closing the pipe */
		}
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0) {
		ret = cairn_err_sys(e, -errno, "fork");
		goto out;
	}
	if (read(ready[0], &c, 1) != 1 || c) {
		ret = cairn_err_set(e, c ? -c : -EIO, "unshare(CLONE_NEWUSER): %s",
				    strerror(c ? c : EIO));
		goto reap;
	}
	if ((ret = write_map(pid, "uid_map", base, e)) < 0 ||
	    (ret = write_map(pid, "gid_map", base, e)) < 0)
		goto reap;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	*userns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*userns_fd < 0)
		ret = cairn_err_sys(e, -errno, "%s", path);
reap:
	close(hold[1]);
	hold[1] = -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
out:
	close(ready[0]);
	if (hold[1] >= 0)
		close(hold[1]);
	return ret;
}

int ct_userns_enter(int userns_fd, struct cairn_err *e)
{
	if (setns(userns_fd, CLONE_NEWUSER) < 0)
		return cairn_err_sys(e, -errno, "setns(user)");
	/* Until now this process is host root seen from inside as nobody;
	 * become the namespace's root, and drop the host's groups. */
	if (setgroups(0, NULL) < 0)
		return cairn_err_sys(e, -errno, "setgroups");
	if (setresgid(0, 0, 0) < 0)
		return cairn_err_sys(e, -errno, "setresgid(0)");
	if (setresuid(0, 0, 0) < 0)
		return cairn_err_sys(e, -errno, "setresuid(0)");
	return 0;
}
