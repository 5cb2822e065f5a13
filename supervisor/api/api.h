/* api.h - cairnd's REST API (HTTP/1.1 + JSON) on a Unix socket, and the
 * same handlers over HTTPS with client certificates (tls.h) on TCP 8443. */
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

/* Serve the same routes over mutual TLS as well (see tls.h for the
 * options).  On failure the Unix socket keeps serving and e says why. */
struct api_tls_opts;
struct api_tls;
int api_open_tls(struct api *a, const struct api_tls_opts *o, struct cairn_err *e);
/* The TLS side, for its fingerprint and api_tls_set_clients(); NULL when
 * HTTPS is off. */
struct api_tls *api_get_tls(struct api *a);

/* The storage pools GET /1.0/pools reports (supervisor/storage/pool.h). */
struct pools;
void api_set_pools(struct api *a, const struct pools *p);

/* POST /1.0/update (api_update.h): where the installer finds this host's
 * slots, image and state; without it the route answers 503. */
struct update_opts;
int api_set_update(struct api *a, const struct update_opts *o, struct cairn_err *e);

#endif
