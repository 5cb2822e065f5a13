/* tls_client.h - cairnctl's TLS connection to a remote cairnd: TCP,
 * mbedtls (TLS 1.2/1.3, ECDHE + AEAD only), the operator's client
 * certificate, and the server pinned by its certificate's SHA-256: no CA,
 * no name check, a mismatch refuses before a single request byte is sent. */
#ifndef CAIRN_CLI_TLS_CLIENT_H
#define CAIRN_CLI_TLS_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "remote.h"

struct ctl_tls;

/* Connect and handshake; timeout_s bounds the connect and the handshake.
 * -EPERM when the server's fingerprint is not the pinned one (e says
 * both). */
int ctl_tls_connect(struct ctl_tls **out, const struct ctl_remote *r, unsigned timeout_s,
		    struct cairn_err *e);
/* Reads time out after timeout_s (0: never, for streams). */
void ctl_tls_set_timeout(struct ctl_tls *t, unsigned timeout_s);
/* Whole buffer, or a negative errno. */
int ctl_tls_send(struct ctl_tls *t, const void *buf, size_t len, struct cairn_err *e);
/* Bytes read, 0 at the end, or a negative errno (-ETIMEDOUT). */
ssize_t ctl_tls_recv(struct ctl_tls *t, void *buf, size_t len, struct cairn_err *e);
void ctl_tls_close(struct ctl_tls *t);

#endif
