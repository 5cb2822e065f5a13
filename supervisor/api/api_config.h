/* api_config.h - the configuration routes: GET /1.0/config (the text in
 * force), PUT /1.0/config (a signed push), POST /1.0/config/confirm. */
#ifndef CAIRN_API_CONFIG_H
#define CAIRN_API_CONFIG_H

#include "http.h"
#include "instance.h"

#define API_SIG_B64_MAX 4096   /* base64 of a DER signature: far less */

void api_config_get(struct supervisor *s, struct http_conn *c);
void api_config_put(struct supervisor *s, struct http_conn *c, const struct http_request *req);
void api_config_confirm(struct supervisor *s, struct http_conn *c);

/* The HTTP status for a sup_push/sup_confirm failure. */
int api_config_status(int err);

#endif
