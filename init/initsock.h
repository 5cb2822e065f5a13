/* initsock.h - the init channel (lib/initproto.h), server side.
 *
 * A SOCK_SEQPACKET socket at CAIRN_INIT_SOCK, mode 0600, root peers only.
 * init keeps up to INITSOCK_MAX_FDS descriptors for cairnd ("store",
 * "drop", "fetch") and takes shutdown requests ("reboot", "poweroff",
 * "halt").  store and drop have no answer; fetch answers "fd NAME" + fd
 * for each stored fd, then "end". */
#ifndef CAIRN_INIT_INITSOCK_H
#define CAIRN_INIT_INITSOCK_H

#include <poll.h>

#include "initproto.h"
#include "power.h"

#define INITSOCK_MAX_FDS     4096
#define INITSOCK_MAX_CLIENTS 8

struct initsock {
	int listen_fd;
	int client[INITSOCK_MAX_CLIENTS]; /* -1: free */
	unsigned nstored;
	struct {
		int fd; /* -1: free */
		char name[CAIRN_INIT_MSG_MAX];
	} slot[INITSOCK_MAX_FDS];
};

/* Create and listen on path.  0 or -errno (logged). */
int initsock_open(struct initsock *s, const char *path);

/* Append this socket's poll entries (listener, clients) to pfd; returns
 * how many were added (at most 1 + INITSOCK_MAX_CLIENTS). */
int initsock_pollfds(const struct initsock *s, struct pollfd *pfd);

/* Handle the n entries that initsock_pollfds added.  Returns a shutdown
 * action if a client asked for one, else POWER_NONE. */
enum power_action initsock_handle(struct initsock *s, const struct pollfd *pfd, int n);

/* Close the listener, the clients and every stored fd (shutdown: a bound
 * socket would keep /run busy). */
void initsock_close(struct initsock *s);

#endif
