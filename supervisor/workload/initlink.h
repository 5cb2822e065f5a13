/* initlink.h - cairnd's side of the cairn-init channel (lib/initproto.h).
 *
 * cairn-init keeps the read ends of the instances' log pipes for us, so a
 * cairnd that dies does not close them (which would hand its services
 * EPIPE/SIGPIPE on their next line); the next cairnd fetches them back.
 * Without an init socket (cairnd run by hand, tests) every call is a
 * quiet no-op, announced once at connect. */
#ifndef CAIRN_INITLINK_H
#define CAIRN_INITLINK_H

#include <stdbool.h>

#include "err.h"

struct initlink;

/* Connect to sock_path.  Never fails for a missing socket: the link is
 * then absent and initlink_present() says so. */
int initlink_open(struct initlink **out, const char *sock_path);
bool initlink_present(const struct initlink *il);
void initlink_close(struct initlink *il);

int initlink_store(struct initlink *il, const char *name, int fd);
int initlink_drop(struct initlink *il, const char *name);

/* Ask for every stored fd; cb gets each (name, fd) and owns fd. */
typedef void (*initlink_fd_cb)(const char *name, int fd, void *data);
int initlink_fetch(struct initlink *il, initlink_fd_cb cb, void *data,
		   struct cairn_err *e);

/* "reboot" | "poweroff" | "halt". */
int initlink_host_action(struct initlink *il, const char *action,
			 struct cairn_err *e);

#endif
