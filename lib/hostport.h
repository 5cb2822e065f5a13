/* hostport.h - "HOST:PORT" as [host] health_address writes it: an IPv4
 * address or a host name, or an IPv6 address in brackets ("[::1]:8080"),
 * and a port from 1 to 65535. */
#ifndef CAIRN_HOSTPORT_H
#define CAIRN_HOSTPORT_H

#include <stddef.h>

/* Split s into host (brackets removed) and port.  0, or -EINVAL. */
int cairn_hostport_split(const char *s, char *host, size_t hsize, char *port, size_t psize);

#endif
