/* config_iface.h - the parser's half of [interface NAME] and [host] ntp
 * (config_iface.c), called by config_parse.c.  Not a public API.
 * Each function that can fail formats its message (without FILE:LINE)
 * into msg and returns a negative errno. */
#ifndef CAIRN_CONFIG_IFACE_H
#define CAIRN_CONFIG_IFACE_H

#include <stddef.h>

#include "config.h"

/* A "[interface NAME]" header on line. */
int cairn_iface_open(struct cairn_config *c, const char *name, int line,
		     char *msg, size_t size);
/* "key = v" inside the last [interface] section. */
int cairn_iface_key(struct cairn_config *c, const char *key, const char *v, int line,
		    char *msg, size_t size);
/* "ntp = v" in [host]. */
int cairn_host_ntp(struct cairn_config *c, const char *v, int line, char *msg, size_t size);

/* Once the whole file is read and the services checked: cross-section
 * checks, canonical texts, and the generated services (dhcp-NAME, ntpd)
 * appended to c->services with their canon.  "FILE:LINE: ..." in e. */
int cairn_net_finish(struct cairn_config *c, const char *file, struct cairn_err *e);

void cairn_net_free(struct cairn_config *c);

#define CAIRN_UDHCPC_SCRIPT "/usr/share/cairn/udhcpc.script"
#define CAIRN_BUSYBOX "/bin/busybox"
#define CAIRN_CHRONYD "/usr/sbin/chronyd"

#endif
