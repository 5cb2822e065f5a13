/* userns.c - the container's user namespace.
 *
 * A short-lived holder process is born in it; the stage process (host
 * root) writes its maps and keeps an fd.  The stage process uses the fd twice: to
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

/* The holder: alive in the new namespace until killed, touching nothing
 * (it shares the stage's memory). */
static int hold(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

int ct_userns_new(uint32_t base, int *userns_fd, struct cairn_err *e)
{
	/* CLONE_VM: no copy of the stage's page tables (a fork here took
	 * 0.5 ms of a 7 ms start); born in the namespace, so no handshake.
	 * A static stack: the stage is a process of its own and makes one
	 * holder at a time. */
	static _Alignas(16) char stack[16384];
	char path[64];
	pid_t pid;
	int ret = 0;

	pid = clone(hold, stack + sizeof(stack), CLONE_VM | CLONE_NEWUSER | SIGCHLD, NULL);
	if (pid < 0)
		return cairn_err_sys(e, -errno, "user namespace: clone(CLONE_NEWUSER)");
	if ((ret = write_map(pid, "uid_map", base, e)) < 0 ||
	    (ret = write_map(pid, "gid_map", base, e)) < 0)
		goto reap;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	*userns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*userns_fd < 0)
		ret = cairn_err_sys(e, -errno, "%s", path);
reap:
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
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
