/* console.c - a system container's console.
 *
 * A pty of the host's: its slave is bound at /dev/console inside (owned
 * by the container's root) and is the stdin/stdout/stderr of its init;
 * its master stays with a small keeper process that cairnd forks for
 * each start.  The keeper copies everything the container writes to its
 * console into the instance's log pipe, and serves a raw byte stream on
 * CT_CONSOLE_DIR/NAME.sock (root only): what a client sends goes to the
 * console, what the console says goes to every connected client.  It
 * outlives a cairnd restart (cairn-init adopts it like the container)
 * and ends with the container, whose pidfd it watches. */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS 4

int ct_console_open(uint32_t base, int *master, char *slave, size_t size, struct cairn_err *e)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0)
		return cairn_err_sys(e, -errno, "console: /dev/ptmx");
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, size) != 0) {
		int ret = -errno;

		close(m);
		return cairn_err_sys(e, ret, "console: pty");
	}
	/* the container's root and tty group (gid 5 inside) own it */
	if (chown(slave, base, base + 5) < 0 || chmod(slave, 0620) < 0) {
		int ret = -errno;

		close(m);
		return cairn_err_sys(e, ret, "console: chown %s", slave);
	}
	*master = m;
	return 0;
}

static int listen_on(const char *path, ino_t *ino)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, MAX_CLIENTS) < 0 || stat(path, &st) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	*ino = st.st_ino;
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The keeper's loop: pidfd, master, listener, clients. */
static void keep(const char *path, int master, int out, int pidfd, int lfd, ino_t ino)
{
	struct pollfd pf[3 + MAX_CLIENTS];
	int clients[MAX_CLIENTS], n;
	char buf[4096];
	struct stat st;

	for (int k = 0; k < MAX_CLIENTS; k++)
		clients[k] = -1;
	for (;;) {
		pf[0] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = master, .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int k = 0; k < MAX_CLIENTS; k++)
			pf[3 + k] = (struct pollfd){ .fd = clients[k], .events = POLLIN };
		if (poll(pf, 3 + MAX_CLIENTS, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents & POLLIN) {
			ssize_t r = read(master, buf, sizeof(buf));

			if (r > 0) {
				write_all(out, buf, (size_t)r);
				for (int k = 0; k < MAX_CLIENTS; k++)
					if (clients[k] >= 0 && send(clients[k], buf, (size_t)r, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
					    errno != EAGAIN) {
						close(clients[k]);
						clients[k] = -1;
					}
			}
		}
		if (pf[2].revents & POLLIN) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			for (n = 0; c >= 0 && n < MAX_CLIENTS && clients[n] >= 0; n++)
				;
			if (c >= 0 && n < MAX_CLIENTS)
				clients[n] = c;
			else if (c >= 0)
				close(c);   /* enough people at this console */
		}
		for (int k = 0; k < MAX_CLIENTS; k++) {
			if (clients[k] < 0 || !(pf[3 + k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(clients[k], buf, sizeof(buf));

			if (r > 0)
				write_all(master, buf, (size_t)r);
			else {
				close(clients[k]);
				clients[k] = -1;
			}
		}
		if (pf[0].revents & POLLIN)
			break;   /* the container is gone */
	}
	/* a newer keeper may have the path already: only ours goes */
	if (stat(path, &st) == 0 && st.st_ino == ino)
		unlink(path);
	_exit(0);
}

int ct_console_serve(const char *name, int master, int out_fd, pid_t pid, struct cairn_err *e)
{
	char path[512];
	sigset_t none;
	ino_t ino = 0;
	pid_t k;
	int ret;

	if ((ret = ct_mkdirs(CT_CONSOLE_DIR, 0700, (uid_t)-1, (gid_t)-1, e)) < 0)
		return ret;
	snprintf(path, sizeof(path), CT_CONSOLE_DIR "/%s.sock", name);
	k = fork();
	if (k < 0)
		return cairn_err_sys(e, -errno, "console: fork");
	if (k == 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), lfd, m, o;

		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		/* keep only what it needs: the master, the log, the pidfd */
		m = fcntl(master, F_DUPFD_CLOEXEC, 1000);
		o = fcntl(out_fd, F_DUPFD_CLOEXEC, 1000);
		pidfd = pidfd < 0 ? -1 : fcntl(pidfd, F_DUPFD_CLOEXEC, 1000);
		if (m < 0 || o < 0 || pidfd < 0)
			_exit(1);
		syscall(SYS_close_range, 3, 999, 0);
		lfd = listen_on(path, &ino);
		if (lfd < 0) {
			dprintf(o, "cairnd: console %s: %s\n", path, strerror(-lfd));
			lfd = -1;
		}
		keep(path, m, o, pidfd, lfd, ino);
	}
	return 0;
}
