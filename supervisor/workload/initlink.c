/* initlink.c - client of cairn-init's SOCK_SEQPACKET channel (initlink.h).
 * Datagrams are short text messages, fds travel as SCM_RIGHTS.  Replies to
 * "fetch" are read with a receive timeout: a wedged init must not wedge
 * the supervisor. */
#include "initlink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "initproto.h"

struct initlink {
	int fd;
	char path[108];
};

static int connect_init(struct initlink *il)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", il->path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	il->fd = fd;
	return 0;
}

int initlink_open(struct initlink **out, const char *sock_path)
{
	struct initlink *il = calloc(1, sizeof(*il));
	int ret;

	if (!il)
		return -ENOMEM;
	il->fd = -1;
	snprintf(il->path, sizeof(il->path), "%s", sock_path);
	ret = connect_init(il);
	if (ret < 0)
		fprintf(stderr, "cairnd: no init channel at %s (%s): services' log "
			"pipes will not survive a cairnd restart\n", sock_path, strerror(-ret));
	*out = il;
	return 0;
}

bool initlink_present(const struct initlink *il)
{
	return il && il->fd >= 0;
}

void initlink_close(struct initlink *il)
{
	if (!il)
		return;
	if (il->fd >= 0)
		close(il->fd);
	free(il);
}

static int send_msg(struct initlink *il, const char *msg, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = strlen(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (il->fd < 0 && connect_init(il) < 0)
			return -ENOTCONN;
		if (sendmsg(il->fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		/* init restarted its socket or dropped us: reconnect once */
		close(il->fd);
		il->fd = -1;
	}
	return -EPIPE;
}

int initlink_store(struct initlink *il, const char *name, int fd)
{
	char msg[CAIRN_INIT_MSG_MAX];

	if (!initlink_present(il))
		return 0;
	snprintf(msg, sizeof(msg), "store %s", name);
	return send_msg(il, msg, fd);
}

int initlink_drop(struct initlink *il, const char *name)
{
	char msg[CAIRN_INIT_MSG_MAX];

	if (!initlink_present(il))
		return 0;
	snprintf(msg, sizeof(msg), "drop %s", name);
	return send_msg(il, msg, -1);
}

int initlink_fetch(struct initlink *il, initlink_fd_cb cb, void *data,
		   struct cairn_err *e)
{
	char buf[CAIRN_INIT_MSG_MAX + 1];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} u;
	int ret;

	if (!initlink_present(il))
		return 0;
	ret = send_msg(il, "fetch", -1);
	if (ret < 0)
		return cairn_err_sys(e, ret, "init: fetch");
	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		int fd = -1;
		ssize_t n = recvmsg(il->fd, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cairn_err_sys(e, n < 0 ? -errno : -ECONNRESET, "init: fetch reply");
		buf[n] = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < nfd; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (fd < 0)
					fd = f;
				else
					close(f);
			}
		}
		if (!strcmp(buf, "end")) {
			if (fd >= 0)
				close(fd);
			return 0;
		}
		if (!strncmp(buf, "fd ", 3) && fd >= 0)
			cb(buf + 3, fd, data);
		else if (fd >= 0)
			close(fd);
	}
}

int initlink_host_action(struct initlink *il, const char *action,
			 struct cairn_err *e)
{
	int ret;

	if (!initlink_present(il))
		return cairn_err_set(e, -ENOTCONN, "no init channel: cannot %s", action);
	ret = send_msg(il, action, -1);
	return ret < 0 ? cairn_err_sys(e, ret, "init: %s", action) : 0;
}
