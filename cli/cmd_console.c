/* cmd_console.c - cairnctl console NAME.
 *
 * The console socket is a raw byte stream (QEMU's serial port for a VM;
 * a container's console the same way): relay it both ways until the
 * socket closes or the operator types Ctrl-], with the terminal in raw
 * mode (restored on every way out) when stdin is one.  Without a tty
 * (scripts, tests) stdin's end only stops sending. */
#include "cmd_console.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "msg.h"

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int relay(int s, bool tty)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = s, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents) {
			ssize_t n = read(s, buf, sizeof(buf));

			if (n <= 0)
				return 0;   /* the console went away (VM stopped) */
			if (write_all(1, buf, (size_t)n) < 0)
				return 1;
		}
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			char *detach;

			if (n <= 0) {
				p[0].fd = -1;   /* no more input; keep showing output */
				shutdown(s, SHUT_WR);
				continue;
			}
			detach = tty ? memchr(buf, CONSOLE_DETACH, (size_t)n) : NULL;
			if (write_all(s, buf, detach ? (size_t)(detach - buf) : (size_t)n) < 0)
				return 1;
			if (detach)
				return 0;
		}
	}
}

int ctl_console(const char *sock, int nargs, char **args)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct termios old, raw;
	const char *slash = strrchr(sock, '/');
	bool tty = isatty(0);
	int s, ret;

	if (nargs != 1)
		return ctl_usage_error("console takes one instance name");
	if (!args[0][0] || strchr(args[0], '/'))
		return ctl_usage_error("bad instance name \"%s\"", args[0]);
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%.*s/console/%s.sock",
			     slash ? (int)(slash - sock) : 1, slash ? sock : ".", args[0]) >=
	    sizeof(sa.sun_path))
		return ctl_fail("console socket path too long");
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = errno;
		if (s >= 0)
			close(s);
		return ctl_fail("%s has no console (%s: %s): is it a running VM or container?",
				args[0], sa.sun_path, strerror(ret));
	}
	if (tty) {
		fprintf(stderr, "cairnctl: console of %s; Ctrl-] detaches\r\n", args[0]);
		tcgetattr(0, &old);
		raw = old;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	ret = relay(s, tty);
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		fprintf(stderr, "\ncairnctl: detached from %s\n", args[0]);
	}
	close(s);
	return ret;
}
