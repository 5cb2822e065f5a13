/* api.h - cairnd's REST API (HTTP/1.1 + JSON) on a Unix socket.
 * The same handlers will serve TLS on 8443 (later issue). */
#ifndef CAIRN_API_H
#define CAIRN_API_H

#include "err.h"
#include "instance.h"
#include "loop.h"

struct api;

/* Listen on sock_path (mode 0600, replacing a stale socket) and serve
 * requests from the loop. */
int api_open(struct api **out, struct loop *l, struct supervisor *s,
	     const char *sock_path, struct cairn_err *e);
void api_close(struct api *a);

#endif
