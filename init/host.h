/* host.h - the host's identity and its loopback interface. */
#ifndef CAIRN_INIT_HOST_H
#define CAIRN_INIT_HOST_H

#include <stdbool.h>

#define HOST_DEFAULT_NAME "cairn"

/* Set the hostname from /etc/hostname (first line), or "cairn".  With
 * only_own_ns (--container) it refuses to touch the initial UTS namespace,
 * which is the host's.  0 or -errno. */
int hostname_setup(bool only_own_ns);

/* Bring "lo" up.  0 or -errno. */
int loopback_up(void);

#endif
