/* init_sockclient.c - a test client for the init channel (lib/initproto.h).
 *
 *   init_sockclient [-s SOCK] store NAME TEXT   store a pipe's read end
 *                                               holding TEXT under NAME
 *   init_sockclient [-s SOCK] fetch             print "NAME: <data>" for
 *                                               each fd init returns, then "end"
 *   init_sockclient [-s SOCK] drop NAME
 *   init_sockclient [-s SOCK] send MESSAGE      e.g. reboot, poweroff
 *
 * A stored pipe whose writer is gone still holds its data, so fetching it
 * back in another process and reading TEXT proves init kept the very fd.
 * Exit 0 on success, 1 on a protocol error, 100 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "initproto.h"

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "init_sockclient: connect %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void send_msg(int sock, const char *text, int fd)
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
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "init_sockclient: send \"%s\": %s\n", text, strerror(errno));
		exit(1);
	}
}

static int fetch(int sock)
{
	for (;;) {
		char buf[CAIRN_INIT_MSG_MAX + 1];
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = buf, .iov_len = CAIRN_INIT_MSG_MAX };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n <= 0) {
			fprintf(stderr, "init_sockclient: fetch: %s\n",
				n < 0 ? strerror(errno) : "connection closed before \"end\"");
			return 1;
		}
		buf[n] = '\0';
		if (strcmp(buf, "end") == 0) {
			printf("end\n");
			return 0;
		}
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		if (strncmp(buf, "fd ", 3) != 0 || !c || c->cmsg_type != SCM_RIGHTS) {
			fprintf(stderr, "init_sockclient: unexpected answer \"%s\"\n", buf);
			return 1;
		}
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		char data[512] = "";
		fcntl(fd, F_SETFL, O_NONBLOCK);
		ssize_t r = read(fd, data, sizeof(data) - 1);
		data[r > 0 ? r : 0] = '\0';
		printf("%s: %s\n", buf + 3, data);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *path = CAIRN_INIT_SOCK;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		path = argv[2];
		i = 3;
	}
	if (i >= argc)
		goto usage;
	const char *cmd = argv[i];
	char msg[CAIRN_INIT_MSG_MAX + 1];
	int sock = connect_to(path);

	if (strcmp(cmd, "store") == 0 && i + 2 < argc) {
		int p[2];
		if (pipe(p) < 0)
			return 1;
		if (write(p[1], argv[i + 2], strlen(argv[i + 2])) < 0)
			return 1;
		close(p[1]);
		snprintf(msg, sizeof(msg), "store %s", argv[i + 1]);
		send_msg(sock, msg, p[0]);
		close(p[0]);
	} else if (strcmp(cmd, "drop") == 0 && i + 1 < argc) {
		snprintf(msg, sizeof(msg), "drop %s", argv[i + 1]);
		send_msg(sock, msg, -1);
	} else if (strcmp(cmd, "fetch") == 0) {
		send_msg(sock, "fetch", -1);
		return fetch(sock);
	} else if (strcmp(cmd, "send") == 0 && i + 1 < argc) {
		send_msg(sock, argv[i + 1], -1);
		return 0; /* a shutdown request has no answer */
	} else {
		goto usage;
	}
	/* A round trip so the caller knows init has handled the message
	 * before it goes on: fetch is answered only after what came before. */
	send_msg(sock, "fetch", -1);
	char buf[CAIRN_INIT_MSG_MAX + 1];
	for (;;) {
		ssize_t n = recv(sock, buf, CAIRN_INIT_MSG_MAX, 0);
		if (n <= 0)
			return 1;
		buf[n] = '\0';
		if (strcmp(buf, "end") == 0)
			return 0;
	}
usage:
	fprintf(stderr, "usage: init_sockclient [-s SOCK] store NAME TEXT | fetch | drop NAME | send MSG\n");
	return 100;
}
