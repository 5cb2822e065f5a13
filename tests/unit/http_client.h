/* http_client.h - for unit tests: talk to a server running on a loop in
 * this thread.  A client thread connects, sends raw bytes, reads until the
 * server closes (or a deadline), then wakes the loop through a pipe so the
 * loop_run() in the test returns.  Included by test_*.c files only. */
#ifndef CAIRN_TEST_HTTP_CLIENT_H
#define CAIRN_TEST_HTTP_CLIENT_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "loop.h"

struct tclient {
	const char *sock;
	const char *req;
	size_t req_len;
	unsigned delay_ms;      /* wait before sending */
	size_t stop_at;         /* stop reading once this many bytes came (0: EOF) */
	const char *stop_str;   /* or once this text was seen */
	char *resp;
	size_t resp_len;
	int connect_err;
	int wake;               /* write end of the loop's wake pipe */
};

static int tclient_connect(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	strncpy(sa.sun_path, sock, sizeof(sa.sun_path) - 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void *tclient_main(void *arg)
{
	struct tclient *t = arg;
	size_t cap = 65536;
	int fd;

	t->resp = calloc(1, cap + 1);
	fd = tclient_connect(t->sock);
	if (fd < 0) {
		t->connect_err = fd;
		goto out;
	}
	if (t->delay_ms)
		usleep(t->delay_ms * 1000);
	if (t->req_len && send(fd, t->req, t->req_len, MSG_NOSIGNAL) != (ssize_t)t->req_len)
		goto done;
	for (;;) {
		ssize_t n;

		if (t->resp_len == cap) {
			cap *= 2;
			t->resp = realloc(t->resp, cap + 1);
		}
		n = read(fd, t->resp + t->resp_len, cap - t->resp_len);
		if (n <= 0)
			break;
		t->resp_len += (size_t)n;
		t->resp[t->resp_len] = 0;
		if (t->stop_at && t->resp_len >= t->stop_at)
			break;
		if (t->stop_str && strstr(t->resp, t->stop_str))
			break;
	}
done:
	close(fd);
out:
	if (write(t->wake, "x", 1) < 0)
		(void)0;
	return NULL;
}

static void tclient_wake(struct loop *l, int fd, uint32_t ev, void *data)
{
	char b[16];

	if (read(fd, b, sizeof(b)) < 0)
		(void)0;
	loop_quit(l);
}

static void tclient_deadline(struct loop *l, void *data)
{
	*(int *)data = 1;
	loop_quit(l);
}

/* Run the loop while the client does its exchange; 0 on success. */
static int tclient_run(struct loop *l, struct tclient *t)
{
	pthread_t th;
	int p[2], expired = 0;
	struct loop_timer *dl;

	if (pipe(p) < 0)
		return -errno;
	t->wake = p[1];
	loop_add_fd(l, p[0], EPOLLIN, tclient_wake, NULL);
	dl = loop_timer_add(l, 10000, tclient_deadline, &expired);
	pthread_create(&th, NULL, tclient_main, t);
	loop_run(l);
	pthread_join(th, NULL);
	if (!expired)
		loop_timer_cancel(l, dl);
	loop_del_fd(l, p[0]);
	close(p[0]);
	close(p[1]);
	return expired ? -ETIMEDOUT : t->connect_err;
}

/* Run the loop alone for ms (lets timers such as reapers fire). */
static void tloop_spin(struct loop *l, unsigned ms)
{
	int expired = 0;

	loop_timer_add(l, ms, tclient_deadline, &expired);
	loop_run(l);
}

static void tclient_free(struct tclient *t)
{
	free(t->resp);
	t->resp = NULL;
	t->resp_len = 0;
}

/* The body of a response (after the blank line), or "" */
static const char *tresp_body(const struct tclient *t)
{
	const char *b = t->resp ? strstr(t->resp, "\r\n\r\n") : NULL;

	return b ? b + 4 : "";
}

static int tresp_status(const struct tclient *t)
{
	int st = 0;

	if (t->resp && sscanf(t->resp, "HTTP/1.1 %d", &st) != 1)
		return 0;
	return st;
}

#endif
