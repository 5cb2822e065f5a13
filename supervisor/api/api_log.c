/* api_log.c - serve instance logs: a bounded tail, then (follow=1) every
 * byte appended afterwards.
 *
 * Followers are woken by inotify on the log's directory, which sees both
 * appends (IN_MODIFY) and rotation (the file renamed away, a new one
 * created).  A follower always reads its open file to the end before it
 * checks whether the name now points at a new file, so the lines written
 * just before a rotation are not lost.  The inotify descriptor exists only
 * while someone follows; if a directory cannot be watched, a one-second
 * timer does the same checks, again only while such a follower exists.
 */
#include "api_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUMP_CHUNK   65536
#define PENDING_MAX  (256u * 1024)   /* wait for the client past this */
#define POLL_MS      1000

struct follower {
	struct api_logs *lg;
	struct follower *next;
	struct http_conn *c;
	char *path;
	const char *base;   /* into path */
	int fd;             /* -1 while the file does not exist */
	off_t off;
	dev_t dev;
	ino_t ino;
	int wd;             /* -1: polled */
};

struct api_logs {
	struct loop *loop;
	struct follower *followers;
	unsigned n;
	int ino_fd;
	struct loop_timer *poll;
};

int api_logs_new(struct api_logs **out, struct loop *l)
{
	struct api_logs *lg = calloc(1, sizeof(*lg));

	if (!lg)
		return -ENOMEM;
	lg->loop = l;
	lg->ino_fd = -1;
	*out = lg;
	return 0;
}

static void inotify_stop(struct api_logs *lg)
{
	if (lg->ino_fd >= 0) {
		loop_del_fd(lg->loop, lg->ino_fd);
		close(lg->ino_fd);
		lg->ino_fd = -1;
	}
	if (lg->poll) {
		loop_timer_cancel(lg->loop, lg->poll);
		lg->poll = NULL;
	}
}

void api_logs_free(struct api_logs *lg)
{
	if (!lg)
		return;
	/* Followers belong to connections; by now the server closed them. */
	inotify_stop(lg);
	free(lg);
}

unsigned api_logs_followers(const struct api_logs *lg)
{
	return lg->n;
}

static int tail_fd(int fd, unsigned lines, char **out, size_t *len, off_t *end)
{
	struct stat st;
	size_t cap, start, scan_end, count = 0, from;
	char *buf;
	off_t pos;

	*out = NULL;
	*len = 0;
	*end = 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	*end = st.st_size;
	if (!st.st_size || !lines)
		return 0;
	cap = (size_t)st.st_size < API_LOG_TAIL_MAX ? (size_t)st.st_size : API_LOG_TAIL_MAX;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	/* Fill buf from its end backwards, block by block, until enough
	 * newlines are seen; a trailing newline does not start a line. */
	start = cap;
	pos = st.st_size;
	from = SIZE_MAX;
	scan_end = cap;
	while (start > 0 && from == SIZE_MAX) {
		size_t chunk = start < 8192 ? start : 8192, i;
		ssize_t n = pread(fd, buf + start - chunk, chunk, pos - (off_t)chunk);

		if (n != (ssize_t)chunk) {
			int r = n < 0 ? -errno : -EIO;

			free(buf);
			return r;
		}
		start -= chunk;
		pos -= (off_t)chunk;
		if (scan_end == cap && buf[cap - 1] == '\n')
			scan_end = cap - 1;
		for (i = scan_end; i > start; i--) {
			if (buf[i - 1] == '\n' && ++count == lines) {
				from = i;
				break;
			}
		}
		scan_end = start;
	}
	if (from == SIZE_MAX) {
		from = 0;
		/* Cut at the byte limit, not at the file's start: skip the
		 * partial first line. */
		if ((size_t)st.st_size > cap) {
			char *nl = memchr(buf, '\n', cap);

			from = nl ? (size_t)(nl - buf) + 1 : cap;
		}
	}
	memmove(buf, buf + from, cap - from);
	*len = cap - from;
	buf[*len] = 0;
	*out = buf;
	return 0;
}

int api_log_tail(const char *path, unsigned lines, char **out, size_t *len,
		 off_t *end)
{
	int fd, r;

	*out = NULL;
	*len = 0;
	*end = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = tail_fd(fd, lines, out, len, end);
	close(fd);
	return r;
}

/* ---- following ---------------------------------------------------------- */

static void follower_open(struct follower *f)
{
	struct stat st;

	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return;
	if (fstat(f->fd, &st) < 0) {
		close(f->fd);
		f->fd = -1;
		return;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
}

/* Send what is new; switch files on rotation, rewind on truncation. */
static void follower_pump(struct follower *f)
{
	static char buf[PUMP_CHUNK];
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		struct stat st;
		ssize_t n;

		if (http_conn_pending(f->c) > PENDING_MAX)
			return;   /* drained() calls us again */
		if (f->fd < 0) {
			follower_open(f);
			if (f->fd < 0)
				return;
			f->off = 0;
		}
		n = pread(f->fd, buf, sizeof(buf), f->off);
		if (n > 0) {
			f->off += n;
			if (http_stream_write(f->c, buf, (size_t)n) < 0)
				return;   /* the connection is closing */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* At the end of the open file: has the name moved on? */
		if (stat(f->path, &st) == 0 && (st.st_ino != f->ino || st.st_dev != f->dev)) {
			close(f->fd);
			f->fd = -1;
			continue;
		}
		if (fstat(f->fd, &st) == 0 && st.st_size < f->off) {
			f->off = 0;   /* truncated in place */
			continue;
		}
		return;
	}
}

static void inotify_event(struct loop *l, int fd, uint32_t events, void *data)
{
	struct api_logs *lg = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct follower *f;
	bool all = false;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		char *p;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->mask & IN_Q_OVERFLOW)
				all = true;
			for (f = lg->followers; f; f = f->next)
				if (ev->len && f->wd == ev->wd && !strcmp(f->base, ev->name))
					follower_pump(f);
			p += sizeof(*ev) + ev->len;
		}
	}
	if (all)
		for (f = lg->followers; f; f = f->next)
			follower_pump(f);
}

static void poll_cb(struct loop *l, void *data)
{
	struct api_logs *lg = data;
	struct follower *f;
	bool any = false;

	lg->poll = NULL;
	for (f = lg->followers; f; f = f->next) {
		if (f->wd < 0) {
			follower_pump(f);
			any = true;
		}
	}
	if (any)
		lg->poll = loop_timer_add(l, POLL_MS, poll_cb, lg);
}

static void follower_watch(struct api_logs *lg, struct follower *f)
{
	char dir[PATH_MAX];
	size_t n = (size_t)(f->base - f->path);

	f->wd = -1;
	if (lg->ino_fd < 0) {
		lg->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (lg->ino_fd >= 0 &&
		    loop_add_fd(lg->loop, lg->ino_fd, EPOLLIN, inotify_event, lg) < 0) {
			close(lg->ino_fd);
			lg->ino_fd = -1;
		}
	}
	if (lg->ino_fd >= 0 && n < sizeof(dir)) {
		if (n == 0)
			snprintf(dir, sizeof(dir), ".");
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)n, f->path);
		f->wd = inotify_add_watch(lg->ino_fd, dir,
					  IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
					  IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB);
	}
	if (f->wd < 0 && !lg->poll)
		lg->poll = loop_timer_add(lg->loop, POLL_MS, poll_cb, lg);
}

static void follower_drained(struct http_conn *c, void *data)
{
	follower_pump(data);
}

static void follower_closed(struct http_conn *c, void *data)
{
	struct follower *f = data, **pp;
	struct api_logs *lg = f->lg;

	for (pp = &lg->followers; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	lg->n--;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
	if (!lg->followers)
		inotify_stop(lg);   /* nobody follows: no watches, no timer */
}

static const struct http_stream_ops follower_ops = {
	.drained = follower_drained,
	.closed = follower_closed,
};

void api_log_serve(struct api_logs *lg, struct http_conn *c, const char *path,
		   unsigned lines, bool follow)
{
	struct follower *f;
	char *text;
	size_t len;
	off_t end;
	int r;

	if (!follow) {
		r = api_log_tail(path, lines, &text, &len, &end);
		if (r < 0) {
			http_respond_error(c, 500, "reading %s: %s", path, strerror(-r));
			return;
		}
		http_respond(c, 200, "text/plain; charset=utf-8", NULL, text, len);
		free(text);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (f)
		f->path = strdup(path);
	if (!f || !f->path) {
		free(f);
		http_respond_error(c, 500, "out of memory");
		return;
	}
	f->lg = lg;
	f->c = c;
	f->base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	text = NULL;
	len = 0;
	follower_open(f);
	if (f->fd >= 0) {
		/* Follow from exactly where the tail ends, in the same file. */
		r = tail_fd(f->fd, lines, &text, &len, &end);
		if (r < 0) {
			http_respond_error(c, 500, "reading %s: %s", path, strerror(-r));
			close(f->fd);
			free(f->path);
			free(f);
			return;
		}
		f->off = end;
	}
	if (http_stream_begin(c, 200, "text/plain; charset=utf-8", &follower_ops, f) < 0) {
		if (f->fd >= 0)
			close(f->fd);
		free(f->path);
		free(f);
		free(text);
		return;
	}
	f->next = lg->followers;
	lg->followers = f;
	lg->n++;
	follower_watch(lg, f);
	if (len)
		http_stream_write(c, text, len);
	free(text);
	follower_pump(f);
}
