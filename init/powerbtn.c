/* powerbtn.c - watch /dev/input/event* for the power button. */
#include "powerbtn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "console.h"

int powerbtn_open(struct powerbtn *b)
{
	b->n = 0;
	DIR *d = opendir("/dev/input");
	if (!d) {
		say("no /dev/input: the power button will not be watched");
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d)) && b->n < POWERBTN_MAX) {
		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		char path[300], name[128] = "";
		snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) < 0 || !strstr(name, "Power Button")) {
			close(fd);
			continue;
		}
		say("watching %s (%s) for power-off", path, name);
		b->fd[b->n++] = fd;
	}
	closedir(d);
	if (!b->n)
		say("no power button found: power off with SIGUSR2/SIGPWR or the init socket");
	return b->n;
}

int powerbtn_pollfds(const struct powerbtn *b, struct pollfd *pfd)
{
	for (int i = 0; i < b->n; i++)
		pfd[i] = (struct pollfd){ .fd = b->fd[i], .events = POLLIN };
	return b->n;
}

enum power_action powerbtn_handle(struct powerbtn *b, const struct pollfd *pfd, int n)
{
	enum power_action a = POWER_NONE;
	for (int i = 0; i < n && i < b->n; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		struct input_event ev[16];
		ssize_t r = read(b->fd[i], ev, sizeof(ev));
		if (r < 0 && errno != EAGAIN && errno != EINTR) {
			say_err(-errno, "power button: read (no longer watched)");
			close(b->fd[i]);
			b->fd[i] = b->fd[--b->n];
			break; /* the pollfd indexes no longer match */
		}
		for (ssize_t k = 0; r > 0 && k < r / (ssize_t)sizeof(ev[0]); k++) {
			if (ev[k].type == EV_KEY && ev[k].code == KEY_POWER && ev[k].value == 1) {
				say("power button pressed");
				a = POWER_POWEROFF;
			}
		}
	}
	return a;
}
