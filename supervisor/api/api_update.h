/* api_update.h - POST /1.0/update[?reboot=1]: the body is an update
 * bundle, streamed into the installer as it arrives (never buffered
 * whole).  One install at a time: a second upload is answered 409. */
#ifndef CAIRN_API_UPDATE_H
#define CAIRN_API_UPDATE_H

#include "http.h"
#include "instance.h"
#include "loop.h"
#include "update.h"

struct api_update;

/* o's strings must outlive u. */
int api_update_new(struct api_update **out, struct loop *l, struct supervisor *sup,
		   const struct update_opts *o);
/* Waits for a running install's worker (it stops at the next read once
 * its upload is gone). */
void api_update_free(struct api_update *u);

/* http_server_opts.stream_body for POST /1.0/update. */
const struct http_body_ops *api_update_body(struct api_update *u, struct http_conn *c,
					    const struct http_request *req, void **ctx);
/* The route's handler, once the whole body went to api_update_body's ops. */
void api_update_post(struct api_update *u, struct http_conn *c,
		     const struct http_request *req);

#endif
