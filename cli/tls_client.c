/* tls_client.c - a blocking mbedtls client for one request.
 *
 * Trust is by pinning: the server's certificate is self-signed, made on
 * its first boot, and the operator copied its fingerprint from the
 * console.  mbedtls still checks that the server holds the certificate's
 * key (CertificateVerify / ServerKeyExchange); we then compare the
 * certificate's SHA-256 with the pinned one before sending anything. */
#include "tls_client.h"

#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "crypto.h"
#include "sign.h"


struct ctl_tls {
	int fd;
	struct cairn_rng rng;
	bool rng_open;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	char where[400];
};

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct ctl_tls *t = ctx;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return (int)n;
	if (errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
						     : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct ctl_tls *t = ctx;
	ssize_t n = recv(t->fd, buf, len, 0);

	if (n >= 0)
		return (int)n;
	if (errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

void ctl_tls_set_timeout(struct ctl_tls *t, unsigned timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };

	setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(t->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int tcp_connect(struct ctl_tls *t, const struct ctl_remote *r, unsigned timeout_s,
		       struct cairn_err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int g, err = 0;

	g = getaddrinfo(r->host, r->port, &hints, &res);
	if (g)
		return cairn_err_set(e, -EHOSTUNREACH, "%s: %s", t->where, gai_strerror(g));
	for (ai = res; ai; ai = ai->ai_next) {
		t->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (t->fd < 0) {
			err = errno;
			continue;
		}
		ctl_tls_set_timeout(t, timeout_s);   /* SO_SNDTIMEO bounds connect() too */
		if (connect(t->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			/* One small request, then the answer: without this the
			 * last write waits ~40 ms for the server's delayed ACK. */
			setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
			break;
		}
		err = errno == EINPROGRESS ? ETIMEDOUT : errno;
		close(t->fd);
		t->fd = -1;
	}
	freeaddrinfo(res);
	if (t->fd < 0)
		return cairn_err_sys(e, -err, "cannot connect to %s", t->where);
	return 0;
}

static int tls_fail(struct ctl_tls *t, int ret, const char *what, struct cairn_err *e)
{
	char msg[160];

	if (ret == MBEDTLS_ERR_SSL_TIMEOUT)
		return cairn_err_set(e, -ETIMEDOUT, "%s: %s: timed out", t->where, what);
	return cairn_err_set(e, -EPROTO, "%s: %s: %s", t->where, what,
			     cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
}

int ctl_tls_connect(struct ctl_tls **out, const struct ctl_remote *r, unsigned timeout_s,
		    struct cairn_err *e)
{
	struct ctl_tls *t = calloc(1, sizeof(*t));
	const mbedtls_x509_crt *peer;
	char fp[65], msg[160];
	int ret;

	if (!t)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	t->fd = -1;
	snprintf(t->where, sizeof(t->where), "remote %s (%s)", r->name, r->url);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_ssl_init(&t->ssl);
	mbedtls_x509_crt_init(&t->crt);
	mbedtls_pk_init(&t->key);
	ret = cairn_rng_open(&t->rng, e);
	if (ret < 0)
		goto fail;
	t->rng_open = true;
	ret = mbedtls_x509_crt_parse_file(&t->crt, r->cert);
	if (ret != 0) {
		ret = cairn_err_set(e, -EINVAL, "%s: %s", r->cert,
				    cairn_mbedtls_strerror(ret < 0 ? ret : -1, msg, sizeof(msg)));
		goto fail;
	}
	ret = mbedtls_pk_parse_keyfile(&t->key, r->key, NULL, cairn_rng_random, &t->rng.drbg);
	if (ret != 0) {
		ret = cairn_err_set(e, -EINVAL, "%s: %s", r->key,
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
		goto fail;
	}
	if ((ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
					       MBEDTLS_SSL_TRANSPORT_STREAM,
					       MBEDTLS_SSL_PRESET_DEFAULT)) != 0 ||
	    (ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->crt, &t->key)) != 0) {
		ret = tls_fail(t, ret, "TLS configuration", e);
		goto fail;
	}
	mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
	mbedtls_ssl_conf_ciphersuites(&t->conf, cairn_tls_suites);
	mbedtls_ssl_conf_rng(&t->conf, cairn_rng_random, &t->rng.drbg);
	/* Pinning replaces the chain check; see the top of this file. */
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
	if ((ret = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0 ||
	    (ret = mbedtls_ssl_set_hostname(&t->ssl, r->host)) != 0) {
		ret = tls_fail(t, ret, "TLS setup", e);
		goto fail;
	}
	ret = tcp_connect(t, r, timeout_s, e);
	if (ret < 0)
		goto fail;
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	do
		ret = mbedtls_ssl_handshake(&t->ssl);
	while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (ret != 0) {
		ret = tls_fail(t, ret, "TLS handshake failed (is this client's certificate "
			       "trusted by the server?)", e);
		goto fail;
	}
	peer = mbedtls_ssl_get_peer_cert(&t->ssl);
	if (!peer || cairn_sha256_hex(peer->raw.p, peer->raw.len, fp) < 0) {
		ret = cairn_err_set(e, -EPROTO, "%s: the server sent no certificate", t->where);
		goto fail;
	}
	if (strcmp(fp, r->fingerprint)) {
		ret = cairn_err_set(e, -EPERM, "%s: SERVER FINGERPRINT MISMATCH, refusing to talk: "
				    "pinned %s, server presented %s (if the server's identity was "
				    "replaced on purpose, add the remote again with the new "
				    "fingerprint)", t->where, r->fingerprint, fp);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	ctl_tls_close(t);
	return ret;
}

int ctl_tls_send(struct ctl_tls *t, const void *buf, size_t len, struct cairn_err *e)
{
	const unsigned char *p = buf;

	while (len) {
		int n = mbedtls_ssl_write(&t->ssl, p, len);

		if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n < 0)
			return tls_fail(t, n, "sending", e);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t ctl_tls_recv(struct ctl_tls *t, void *buf, size_t len, struct cairn_err *e)
{
	for (;;) {
		int n = mbedtls_ssl_read(&t->ssl, buf, len);

		if (n >= 0)
			return n;
		if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			return 0;
		if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE ||
		    n == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
			continue;
		if (n == MBEDTLS_ERR_SSL_TIMEOUT)
			return cairn_err_set(e, -ETIMEDOUT, "no answer from %s", t->where);
		if (n == MBEDTLS_ERR_NET_CONN_RESET)
			return 0;   /* a close without close_notify: the parser decides */
		return tls_fail(t, n, "reading", e);
	}
}

void ctl_tls_close(struct ctl_tls *t)
{
	if (!t)
		return;
	if (t->fd >= 0) {
		mbedtls_ssl_close_notify(&t->ssl);
		close(t->fd);
	}
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->crt);
	mbedtls_pk_free(&t->key);
	if (t->rng_open)
		cairn_rng_close(&t->rng);
	free(t);
}
