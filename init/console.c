/* console.c - log lines from PID 1 to the console.
 *
 * No buffering, no allocation: a line is formatted into a stack buffer and
 * written with a single write(2) to fd 2.  In stage 1 fd 2 may not exist
 * until devtmpfs is mounted; console_attach() fixes that up. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "cairn-init: "

static bool debug_on;

void console_set_debug(bool on)
{
	debug_on = on;
}

int console_attach(void)
{
	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0)
		return 0;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
	return 0;
}

static void vsay(const char *suffix, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n = sizeof(PREFIX) - 1;

	memcpy(line, PREFIX, n);
	int r = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (r < 0)
		r = 0;
	n += (size_t)r < sizeof(line) - n - 1 ? (size_t)r : sizeof(line) - n - 2;
	if (suffix) {
		size_t s = strlen(suffix);
		if (n + s > sizeof(line) - 1)
			s = sizeof(line) - 1 - n;
		memcpy(line + n, suffix, s);
		n += s;
	}
	line[n++] = '\n';
	/* Best effort: there is nobody to tell if the console is gone. */
	ssize_t w = write(2, line, n);
	(void)w;
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(NULL, fmt, ap);
	va_end(ap);
}

void say_debug(const char *fmt, ...)
{
	if (!debug_on)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsay(NULL, fmt, ap);
	va_end(ap);
}

int say_err(int err, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(err < 0 ? -err : err));
	va_start(ap, fmt);
	vsay(suffix, fmt, ap);
	va_end(ap);
	return err;
}
