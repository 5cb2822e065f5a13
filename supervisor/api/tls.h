/* tls.h - HTTPS for cairnd's API: mutual TLS on TCP (8443) with mbedtls.
 *
 * The server side of the remote API.  TLS 1.2 and 1.3 only, ECDHE with
 * AES-GCM or ChaCha20-Poly1305 only, and a client certificate is required:
 * a client is let in when its leaf certificate's SHA-256 fingerprint is
 * trusted, or when it chains to the configured client CA; an expired (or
 * not yet valid) certificate is refused either way.
 *
 * Handshakes never run on the supervision loop.  One handshake thread
 * accepts, drives up to max_handshakes non-blocking handshakes at once,
 * each bounded by a timeout, and hands every established, trusted
 * connection to the loop through a queue and an eventfd; from there the
 * loop's http_server serves it like any other stream, through the
 * transport interface (non-blocking mbedtls_ssl_read/write).
 *
 * Threads: api_tls_open, api_tls_close and api_tls_set_clients run on the
 * loop thread; the trust set is swapped under a mutex and reference
 * counted, so handshakes in flight keep the set they started with.
 */
#ifndef CAIRN_API_TLS_H
#define CAIRN_API_TLS_H

#include <stddef.h>
#include <sys/socket.h>

#include "err.h"
#include "http.h"
#include "loop.h"

#define API_TLS_LISTEN_DEFAULT  "[::]:8443"
#define API_TLS_DIR_DEFAULT     "/var/lib/cairn/tls"
#define API_TRUST_DIR_DEFAULT   "/etc/cairn/trust"
#define API_TLS_HANDSHAKE_MS    10000u
#define API_TLS_MAX_HANDSHAKES  64u
#define API_TLS_CERT_DAYS       9000u   /* ~25 years: clients pin it, not date it */
#define API_TLS_CERT_CN         "cairn"

struct api_tls_opts {
	const char *listen;       /* "ADDR:PORT" or "[V6ADDR]:PORT" (port 0: any
				   * free one; cairnd itself takes 0 as "off") */
	const char *tls_dir;      /* server.key + server.crt, made on first start */
	const char *trust_dir;    /* clients/ *.crt, clients.txt, client-ca.crt */
	unsigned handshake_ms;    /* 0: API_TLS_HANDSHAKE_MS */
	unsigned max_handshakes;  /* 0: API_TLS_MAX_HANDSHAKES */
	unsigned max_conns;       /* established connections; 0: HTTP_MAX_CONNS */
};

struct api_tls;

/* Load (or make, on first start) the server key and certificate, load the
 * image's trusted clients from trust_dir, bind the listening socket and
 * start the handshake thread.  Established connections are served by http
 * (which must outlive nothing: free it before api_tls_close). */
int api_tls_open(struct api_tls **out, struct loop *l, struct http_server *http,
		 const struct api_tls_opts *o, struct cairn_err *e);
/* Stops the thread and drops handshakes and queued connections.  Call
 * after the http_server serving the established ones has been freed. */
void api_tls_close(struct api_tls *t);

/* SHA-256 of the server certificate (64 lowercase hex digits). */
const char *api_tls_fingerprint(const struct api_tls *t);
/* "https://ADDR:PORT" as bound. */
const char *api_tls_url(const struct api_tls *t);
/* How many fingerprints are trusted, and whether a client CA is set. */
size_t api_tls_n_clients(const struct api_tls *t, int *have_ca);

/* Replace the trusted clients: n SHA-256 fingerprints (hex, colons and
 * case ignored) and an optional client CA file (PEM; NULL for none).  The
 * image's list from trust_dir applies only until the first call.  Nothing
 * changes on error.  Handshakes already under way finish with the old
 * set; established connections are kept. */
int api_tls_set_clients(struct api_tls *t, const char *const *fingerprints, size_t n,
			const char *ca_path, struct cairn_err *e);

/* ---- exposed for tests --------------------------------------------------- */

/* "1.2.3.4:8443", "[::1]:8443", "*:8443", ":8443" (any), "8443".  *port
 * 0 means the API is off. */
int api_tls_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
			 unsigned *port, struct cairn_err *e);
/* "AB:cd:..." or "abcd..." to 64 lowercase hex digits; -EINVAL if it is
 * not a SHA-256 fingerprint. */
int api_tls_fingerprint_norm(const char *in, char out[65]);

#endif
