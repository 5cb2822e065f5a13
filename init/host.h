/* host.h - the host's identity and its loopback interface. */
#ifndef CAIRN_INIT_HOST_H
#define CAIRN_INIT_HOST_H

#define HOST_DEFAULT_NAME "cairn"

/* Set the hostname from /etc/hostname (first line), or "cairn".  -errno. */
int hostname_setup(void);

/* Bring "lo" up.  0 or -errno. */
int loopback_up(void);

#endif
