/* initsock.c - serve the init channel: fd store and shutdown requests.
 *
 * Messages are single datagrams (SOCK_SEQPACKET), so there is no framing
 * to get wrong.  The fd table is a fixed array: storing never allocates,
 * and a full table is refused with a console message.  Received fds get
 * MSG_CMSG_CLOEXEC so no child of init inherits them.  Replies to "fetch"
 * are sent with a send timeout: a client that does not read loses its
 * connection, init does not hang. */
#include "initsock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "console.h"

#define MAX_FDS_PER_MSG 8

int initsock_open(struct initsock *s, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	s->listen_fd = -1;
	s->nstored = 0;
	for (int i = 0; i < INITSOCK_MAX_CLIENTS; i++)
		s->client[i] = -1;
	for (int i = 0; i < INITSOCK_MAX_FDS; i++)
		s->slot[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return say_err(-ENAMETOOLONG, "init socket %s", path);
	strcpy(sa.sun_path, path);

	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say_err(-errno, "init socket: socket");
	unlink(path);
	/* The umask makes the socket 0600 from the start: no window in
	 * which someone else could connect. */
	mode_t old = umask(0177);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		r = say_err(-errno, "init socket: bind/listen %s", path);
		close(fd);
		return r;
	}
	s->listen_fd = fd;
	say("listening on %s", path);
	return 0;
}

int initsock_pollfds(const struct initsock *s, struct pollfd *pfd)
{
	int n = 0;
	pfd[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
	for (int i = 0; i < INITSOCK_MAX_CLIENTS; i++)
		pfd[n++] = (struct pollfd){ .fd = s->client[i], .events = POLLIN };
	return n;
}

static void drop_client(struct initsock *s, int i)
{
	close(s->client[i]);
	s->client[i] = -1;
}

static void accept_client(struct initsock *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			say_err(-errno, "init socket: accept");
		return;
	}
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		say("init socket: refusing a client that is not root");
		close(fd);
		return;
	}
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < INITSOCK_MAX_CLIENTS; i++) {
		if (s->client[i] < 0) {
			s->client[i] = fd;
			say_debug("init socket: client pid %d connected", (int)cred.pid);
			return;
		}
	}
	say("init socket: too many clients (%d), refusing pid %d", INITSOCK_MAX_CLIENTS,
	    (int)cred.pid);
	close(fd);
}

static int find_slot(struct initsock *s, const char *name)
{
	for (int i = 0; i < INITSOCK_MAX_FDS; i++)
		if (s->slot[i].fd >= 0 && strcmp(s->slot[i].name, name) == 0)
			return i;
	return -1;
}

static bool valid_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static void store(struct initsock *s, const char *name, int fd)
{
	if (fd < 0) {
		say("init socket: \"store %s\" came without a file descriptor", name);
		return;
	}
	int i = find_slot(s, name);
	if (i >= 0) {
		close(s->slot[i].fd); /* store replaces */
	} else {
		for (i = 0; i < INITSOCK_MAX_FDS && s->slot[i].fd >= 0; i++)
			;
		if (i == INITSOCK_MAX_FDS) {
			say("init socket: fd store full (%d), refusing \"%s\"", INITSOCK_MAX_FDS, name);
			close(fd);
			return;
		}
		s->nstored++;
		snprintf(s->slot[i].name, sizeof(s->slot[i].name), "%s", name);
	}
	s->slot[i].fd = fd;
	say_debug("init socket: stored fd \"%s\" (%u stored)", name, s->nstored);
}

static void drop(struct initsock *s, const char *name)
{
	int i = find_slot(s, name);
	if (i < 0) {
		say_debug("init socket: drop of unknown \"%s\"", name);
		return;
	}
	close(s->slot[i].fd);
	s->slot[i].fd = -1;
	s->nstored--;
}

static int send_msg(int sock, const char *text, int fd)
{
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int fetch(struct initsock *s, int sock)
{
	char msg[CAIRN_INIT_MSG_MAX + 8];
	for (int i = 0; i < INITSOCK_MAX_FDS; i++) {
		if (s->slot[i].fd < 0)
			continue;
		snprintf(msg, sizeof(msg), "fd %s", s->slot[i].name);
		int r = send_msg(sock, msg, s->slot[i].fd);
		if (r < 0)
			return say_err(r, "init socket: answering fetch");
	}
	int r = send_msg(sock, "end", -1);
	return r < 0 ? say_err(r, "init socket: answering fetch") : 0;
}

/* One datagram from client i.  Returns the shutdown action it asks for;
 * *close_it is set when the client is to be dropped. */
static enum power_action client_message(struct initsock *s, int i, bool *close_it)
{
	char buf[CAIRN_INIT_MSG_MAX + 1];
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS_PER_MSG)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = CAIRN_INIT_MSG_MAX };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };

	ssize_t n = recvmsg(s->client[i], &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			say_err(-errno, "init socket: recvmsg");
			*close_it = true;
		}
		return POWER_NONE;
	}
	if (n == 0) {
		*close_it = true;
		return POWER_NONE;
	}
	buf[n] = '\0';

	/* Collect the fds first so that every path closes what it does not keep. */
	int fds[MAX_FDS_PER_MSG], nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t j = 0; j < k && nfds < MAX_FDS_PER_MSG; j++)
			memcpy(&fds[nfds++], CMSG_DATA(c) + j * sizeof(int), sizeof(int));
	}
	int fd = nfds ? fds[0] : -1;
	for (int j = 1; j < nfds; j++)
		close(fds[j]);
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		say("init socket: message too long (over %d bytes or too many fds), ignored",
		    CAIRN_INIT_MSG_MAX);
		if (fd >= 0)
			close(fd);
		return POWER_NONE;
	}

	enum power_action a = POWER_NONE;
	if (strncmp(buf, "store ", 6) == 0 && valid_name(buf + 6)) {
		store(s, buf + 6, fd);
		fd = -1;
	} else if (strncmp(buf, "drop ", 5) == 0 && valid_name(buf + 5)) {
		drop(s, buf + 5);
	} else if (strcmp(buf, "fetch") == 0) {
		if (fetch(s, s->client[i]) < 0)
			*close_it = true;
	} else if (strcmp(buf, "reboot") == 0) {
		a = POWER_REBOOT;
	} else if (strcmp(buf, "poweroff") == 0) {
		a = POWER_POWEROFF;
	} else if (strcmp(buf, "halt") == 0) {
		a = POWER_HALT;
	} else {
		say("init socket: unknown message \"%.64s\", ignored", buf);
	}
	if (a != POWER_NONE)
		say("%s requested on the init socket", power_action_name(a));
	if (fd >= 0)
		close(fd);
	return a;
}

enum power_action initsock_handle(struct initsock *s, const struct pollfd *pfd, int n)
{
	enum power_action a = POWER_NONE;
	if (n > 0 && (pfd[0].revents & POLLIN))
		accept_client(s);
	for (int i = 0; i < INITSOCK_MAX_CLIENTS && i + 1 < n; i++) {
		if (s->client[i] < 0 || pfd[i + 1].fd != s->client[i] || !pfd[i + 1].revents)
			continue;
		bool close_it = false;
		if (pfd[i + 1].revents & POLLIN) {
			enum power_action r = client_message(s, i, &close_it);
			if (r != POWER_NONE)
				a = r;
		} else {
			close_it = true; /* POLLHUP / POLLERR without data */
		}
		if (close_it)
			drop_client(s, i);
	}
	return a;
}

void initsock_close(struct initsock *s)
{
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	for (int i = 0; i < INITSOCK_MAX_CLIENTS; i++)
		if (s->client[i] >= 0)
			drop_client(s, i);
	for (int i = 0; i < INITSOCK_MAX_FDS; i++) {
		if (s->slot[i].fd >= 0)
			close(s->slot[i].fd);
		s->slot[i].fd = -1;
	}
	s->nstored = 0;
}
