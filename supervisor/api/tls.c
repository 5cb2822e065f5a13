/* tls.c - the API's HTTPS side: identity, trust, the handshake thread and
 * the TLS transport the loop's http_server reads and writes through.
 *
 * Why a thread: an ECDHE + ECDSA server handshake costs milliseconds of
 * CPU, and a crowd of clients must never delay a restart on the loop.  Why
 * one thread multiplexing non-blocking handshakes (not a blocking pool): a
 * silent client then holds a slot and nothing else, so fifty of them cannot
 * stop a real client from being served.  The limits are the point: at most
 * max_handshakes in flight, each for at most handshake_ms, and no more
 * established connections than the http_server will take; past either
 * bound new connections wait in the kernel's backlog.
 */
#include "tls.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "cert.h"
#include "crypto.h"
#include "sign.h"

#define LOG_BURST      20        /* refusal lines per LOG_WINDOW_MS... */
#define LOG_WINDOW_MS  10000u    /* ...then one "N more" line */
#define PAUSED_POLL_MS 100       /* re-check the bounds while not accepting */
#define ACCEPT_BATCH   32


/* Who may connect.  Immutable once built; shared by reference count. */
struct trust {
	unsigned refs;           /* under api_tls.mu */
	char (*fp)[65];
	size_t n;
	bool have_ca;
	mbedtls_x509_crt ca;
};

struct tls_conn {
	struct api_tls *t;
	struct tls_conn *prev, *next;   /* handshake list, then the ready queue */
	int fd;
	mbedtls_ssl_context ssl;
	struct trust *trust;            /* during the handshake */
	uint64_t deadline;
	uint32_t events;
	bool got_bytes;
	size_t wpending;                /* length of a write mbedtls holds */
	uint32_t chain_flags;
	char peer[64];
	char fp[65];                    /* the client's leaf, once seen */
	const char *why;                /* our reason for refusing it */
};

struct api_tls {
	struct loop *loop;
	struct http_server *http;
	int lfd, efd, stopfd, epfd;
	pthread_t thread;
	bool thread_started;
	unsigned hs_ms, max_hs, max_conns;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	struct cairn_rng rng;
	bool rng_open;

	pthread_mutex_t mu;             /* trust and the ready queue */
	struct trust *trust;
	struct tls_conn *ready_head, *ready_tail;

	/* Handshake thread only. */
	struct tls_conn *hs;
	unsigned n_hs;
	bool accepting;
	uint64_t log_window;
	unsigned log_count, log_dropped;

	atomic_uint live;               /* queued + established connections */
	char fingerprint[65];
	char url[128];
};

/* ---- small helpers ------------------------------------------------------ */

static uint64_t now_ms(void)
{
	return loop_now_ms();
}

int api_tls_fingerprint_norm(const char *in, char out[65])
{
	size_t o = 0;

	for (; *in; in++) {
		char c = *in;

		if (c == ':' || c == ' ' || c == '\t')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || o == 64)
			return -EINVAL;
		out[o++] = c;
	}
	if (o != 64)
		return -EINVAL;
	out[64] = 0;
	return 0;
}

int api_tls_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
			 unsigned *port, struct cairn_err *e)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[64];
	const char *colon, *ps;
	unsigned long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return cairn_err_set(e, -EINVAL, "listen address \"%s\": want [IPV6]:PORT", s);
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = 0;
		ps = rb + 2;
	} else if ((colon = strrchr(s, ':'))) {
		if ((size_t)(colon - s) >= sizeof(host) || memchr(s, ':', (size_t)(colon - s)))
			return cairn_err_set(e, -EINVAL,
					     "listen address \"%s\": want ADDR:PORT ([IPV6]:PORT)", s);
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		ps = colon + 1;
	} else {
		host[0] = 0;
		ps = s;
	}
	errno = 0;
	p = strtoul(ps, &end, 10);
	if (!*ps || *end || errno || p > 65535 || ps[0] == '-' || ps[0] == '+')
		return cairn_err_set(e, -EINVAL, "listen address \"%s\": bad port \"%s\"", s, ps);
	*port = (unsigned)p;
	if (!host[0] || !strcmp(host, "*") || !strcmp(host, "::")) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
	} else if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
	} else {
		return cairn_err_set(e, -EINVAL, "listen address \"%s\": \"%s\" is not an IP address",
				     s, host);
	}
	return 0;
}

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(out, size, "%s:%u", a, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], a, sizeof(a));
			snprintf(out, size, "%s:%u", a, ntohs(s6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
			snprintf(out, size, "[%s]:%u", a, ntohs(s6->sin6_port));
		}
	} else {
		snprintf(out, size, "?");
	}
}

/* ---- trust -------------------------------------------------------------- */

static void trust_unref(struct api_tls *t, struct trust *tr)
{
	bool last;

	if (!tr)
		return;
	pthread_mutex_lock(&t->mu);
	last = --tr->refs == 0;
	pthread_mutex_unlock(&t->mu);
	if (!last)
		return;
	mbedtls_x509_crt_free(&tr->ca);
	free(tr->fp);
	free(tr);
}

static struct trust *trust_get(struct api_tls *t)
{
	struct trust *tr;

	pthread_mutex_lock(&t->mu);
	tr = t->trust;
	tr->refs++;
	pthread_mutex_unlock(&t->mu);
	return tr;
}

static struct trust *trust_new(void)
{
	struct trust *tr = calloc(1, sizeof(*tr));

	if (!tr)
		return NULL;
	tr->refs = 1;
	mbedtls_x509_crt_init(&tr->ca);
	return tr;
}

static int trust_add(struct trust *tr, const char *fp)
{
	char (*n)[65];
	size_t i;

	for (i = 0; i < tr->n; i++)
		if (!strcmp(tr->fp[i], fp))
			return 0;
	n = realloc(tr->fp, (tr->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	tr->fp = n;
	memcpy(tr->fp[tr->n++], fp, 65);
	return 0;
}

static int trust_set_ca(struct trust *tr, const char *path, struct cairn_err *e)
{
	char msg[128];
	int r = mbedtls_x509_crt_parse_file(&tr->ca, path);

	if (r != 0)   /* > 0: some certificates did not parse: refuse the file */
		return cairn_err_set(e, -EINVAL, "%s: not a PEM certificate file: %s", path,
				     cairn_mbedtls_strerror(r < 0 ? r : -1, msg, sizeof(msg)));
	tr->have_ca = true;
	return 0;
}

/* Swap in a new set; the old one goes when its last handshake ends. */
static void trust_install(struct api_tls *t, struct trust *tr)
{
	struct trust *old;

	pthread_mutex_lock(&t->mu);
	old = t->trust;
	t->trust = tr;
	pthread_mutex_unlock(&t->mu);
	trust_unref(t, old);
}

/* The image's clients: trust_dir/clients/ *.crt, trust_dir/clients.txt
 * (one fingerprint a line, # comments), trust_dir/client-ca.crt. */
static int trust_load_image(struct api_tls *t, const char *dir, struct cairn_err *e)
{
	struct trust *tr = trust_new();
	char path[4096], line[256];
	struct dirent *de;
	unsigned lineno = 0;
	FILE *f;
	DIR *d;
	int r;

	if (!tr)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/clients", dir);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct cairn_err fe = { "" };
		char fp[65];

		if (n < 5 || strcmp(de->d_name + n - 4, ".crt") || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/clients/%s", dir, de->d_name);
		if (cairn_cert_fingerprint(path, fp, &fe) < 0) {
			fprintf(stderr, "cairnd: api: trusted clients: skipping %s\n", fe.msg);
			continue;
		}
		if (trust_add(tr, fp) < 0)
			goto nomem;
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/clients.txt", dir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *s = line, *h, fp[65];

		lineno++;
		if ((h = strchr(s, '#')))
			*h = 0;
		s += strspn(s, " \t\r\n");
		s[strcspn(s, " \t\r\n")] = 0;
		if (!*s)
			continue;
		if (api_tls_fingerprint_norm(s, fp) < 0) {
			fprintf(stderr, "cairnd: api: %s:%u: not a SHA-256 fingerprint, skipped\n",
				path, lineno);
			continue;
		}
		if (trust_add(tr, fp) < 0) {
			fclose(f);
			goto nomem;
		}
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/client-ca.crt", dir);
	if (access(path, F_OK) == 0) {
		r = trust_set_ca(tr, path, e);
		if (r < 0) {
			/* A broken CA file must not stop the fingerprints. */
			fprintf(stderr, "cairnd: api: client CA ignored: %s\n", e->msg);
			e->msg[0] = 0;
		}
	}
	trust_install(t, tr);
	return 0;
nomem:
	trust_unref(t, tr);
	return cairn_err_set(e, -ENOMEM, "out of memory");
}

int api_tls_set_clients(struct api_tls *t, const char *const *fingerprints, size_t n,
			const char *ca_path, struct cairn_err *e)
{
	struct trust *tr = trust_new();
	size_t i;
	int r;

	if (!tr)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		char fp[65];

		if (api_tls_fingerprint_norm(fingerprints[i], fp) < 0) {
			r = cairn_err_set(e, -EINVAL, "\"%.80s\" is not a SHA-256 fingerprint",
					  fingerprints[i]);
			goto fail;
		}
		if (trust_add(tr, fp) < 0) {
			r = cairn_err_set(e, -ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (ca_path && ca_path[0] && (r = trust_set_ca(tr, ca_path, e)) < 0)
		goto fail;
	trust_install(t, tr);
	return 0;
fail:
	trust_unref(t, tr);
	return r;
}

size_t api_tls_n_clients(const struct api_tls *t, int *have_ca)
{
	struct api_tls *m = (struct api_tls *)t;
	size_t n;

	pthread_mutex_lock(&m->mu);
	n = m->trust->n;
	if (have_ca)
		*have_ca = m->trust->have_ca;
	pthread_mutex_unlock(&m->mu);
	return n;
}

/* Decide about the client's chain, top first, leaf (depth 0) last.  The
 * verdict is ours alone: flags above the leaf are remembered and cleared,
 * and the leaf gets either 0 (let in) or the reason it is refused. */
static int verify_cb(void *data, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_conn *c = data;
	const struct trust *tr = c->trust;
	uint32_t timebad;
	size_t i;

	if (depth > 0) {
		c->chain_flags |= *flags;
		*flags = 0;
		return 0;
	}
	if (cairn_sha256_hex(crt->raw.p, crt->raw.len, c->fp) < 0)
		c->fp[0] = 0;
	timebad = *flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	if (mbedtls_x509_time_is_past(&crt->valid_to))
		timebad |= MBEDTLS_X509_BADCERT_EXPIRED;
	if (mbedtls_x509_time_is_future(&crt->valid_from))
		timebad |= MBEDTLS_X509_BADCERT_FUTURE;
	if (timebad) {
		c->why = timebad & MBEDTLS_X509_BADCERT_EXPIRED ? "client certificate expired"
								: "client certificate not valid yet";
		*flags = timebad;
		return 0;
	}
	for (i = 0; i < tr->n; i++) {
		if (c->fp[0] && !strcmp(tr->fp[i], c->fp)) {
			/* Pinned by fingerprint: the chain does not matter, a
			 * weak key still does. */
			*flags &= MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_BAD_PK;
			if (*flags)
				c->why = "client certificate key too weak";
			return 0;
		}
	}
	if (tr->have_ca && !(*flags | c->chain_flags))
		return 0;   /* chains to the client CA */
	c->why = "client certificate not trusted";
	*flags |= MBEDTLS_X509_BADCERT_NOT_TRUSTED;
	return 0;
}

/* ---- bytes on the socket, for mbedtls ----------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (errno == EPIPE || errno == ECONNRESET)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;
	ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);

	if (n > 0) {
		c->got_bytes = true;
		return (int)n;
	}
	if (n == 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (errno == ECONNRESET || errno == EPIPE)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

static void conn_free(struct tls_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	mbedtls_ssl_free(&c->ssl);
	trust_unref(c->t, c->trust);
	free(c);
}

/* ---- the transport the loop's http_server uses --------------------------- */

static ssize_t tr_read(void *ctx, void *buf, size_t len)
{
	struct tls_conn *c = ctx;
	int r;

	if (len > INT32_MAX)
		len = INT32_MAX;
	r = mbedtls_ssl_read(&c->ssl, buf, len);
	if (r > 0)
		return r;
	if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return 0;
	if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
		return -EAGAIN;
	return r == MBEDTLS_ERR_NET_CONN_RESET ? -ECONNRESET : -EPROTO;
}

/* mbedtls keeps the record of a write that would block and wants the very
 * same call again; it then reports the length it was given.  So a retry
 * passes exactly the bytes of the first try (http.c has not moved its
 * buffer past them: they were not reported written). */
static ssize_t tr_write(void *ctx, const void *buf, size_t len)
{
	struct tls_conn *c = ctx;
	size_t n = c->wpending ? c->wpending : len;
	int r;

	if (n > 16384)
		n = 16384;
	if (n > len)
		return -EIO;   /* cannot happen: the caller's buffer only grows */
	r = mbedtls_ssl_write(&c->ssl, buf, n);
	if (r == MBEDTLS_ERR_SSL_WANT_WRITE || r == MBEDTLS_ERR_SSL_WANT_READ) {
		c->wpending = n;
		return -EAGAIN;
	}
	c->wpending = 0;
	if (r >= 0)
		return r;
	return r == MBEDTLS_ERR_NET_CONN_RESET ? -EPIPE : -EPROTO;
}

static void tr_close(void *ctx)
{
	struct tls_conn *c = ctx;
	struct api_tls *t = c->t;

	mbedtls_ssl_close_notify(&c->ssl);   /* best effort, never waits */
	conn_free(c);
	atomic_fetch_sub(&t->live, 1);
}

static const struct http_transport tls_transport = {
	.read = tr_read, .write = tr_write, .close = tr_close,
};

/* The loop side of the queue: adopt what the thread finished. */
static void ready_event(struct loop *l, int fd, uint32_t events, void *data)
{
	struct api_tls *t = data;
	struct tls_conn *c, *next;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&t->mu);
	c = t->ready_head;
	t->ready_head = t->ready_tail = NULL;
	pthread_mutex_unlock(&t->mu);
	for (; c; c = next) {
		next = c->next;
		c->next = c->prev = NULL;
		/* On refusal (server full) the transport closes c. */
		if (http_server_adopt_transport(t->http, c->fd, &tls_transport, c) == -EMFILE)
			fprintf(stderr, "cairnd: api: too many connections, closing one\n");
	}
}

/* ---- the handshake thread ----------------------------------------------- */

static void hs_log(struct api_tls *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hs_log(struct api_tls *t, const char *fmt, ...)
{
	uint64_t now = now_ms();
	char line[512];
	va_list ap;

	if (now - t->log_window >= LOG_WINDOW_MS) {
		if (t->log_dropped)
			fprintf(stderr, "cairnd: api: %u more refusals not shown\n", t->log_dropped);
		t->log_window = now;
		t->log_count = t->log_dropped = 0;
	}
	if (++t->log_count > LOG_BURST) {
		t->log_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "cairnd: api: %s\n", line);
}

static void hs_unlink(struct api_tls *t, struct tls_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		t->hs = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	t->n_hs--;
	epoll_ctl(t->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

static void hs_drop(struct api_tls *t, struct tls_conn *c)
{
	hs_unlink(t, c);
	conn_free(c);
}

static void hs_refuse(struct api_tls *t, struct tls_conn *c, int r)
{
	char msg[128];

	if (c->why && c->fp[0])
		hs_log(t, "%s: refused: %s (SHA-256 fingerprint %s)", c->peer, c->why, c->fp);
	else if (c->why)
		hs_log(t, "%s: refused: %s", c->peer, c->why);
	else if (r == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE)
		hs_log(t, "%s: refused: no client certificate", c->peer);
	else if (c->got_bytes && r != MBEDTLS_ERR_NET_CONN_RESET)
		hs_log(t, "%s: TLS handshake failed: %s", c->peer,
		       cairn_mbedtls_strerror(r, msg, sizeof(msg)));
	hs_drop(t, c);
}

static void hs_ready(struct api_tls *t, struct tls_conn *c)
{
	uint64_t one = 1;

	hs_unlink(t, c);
	trust_unref(t, c->trust);
	c->trust = NULL;
	atomic_fetch_add(&t->live, 1);
	pthread_mutex_lock(&t->mu);
	if (t->ready_tail)
		t->ready_tail->next = c;
	else
		t->ready_head = c;
	t->ready_tail = c;
	pthread_mutex_unlock(&t->mu);
	if (write(t->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow in practice; the loop drains it */
	}
}

static void hs_want(struct api_tls *t, struct tls_conn *c, uint32_t ev)
{
	if (c->events == ev)
		return;
	if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &(struct epoll_event){ .events = ev,
		      .data.ptr = c }) == 0)
		c->events = ev;
}

static void hs_step(struct api_tls *t, struct tls_conn *c)
{
	int r = mbedtls_ssl_handshake(&c->ssl);

	if (r == MBEDTLS_ERR_SSL_WANT_READ) {
		hs_want(t, c, EPOLLIN);
		return;
	}
	if (r == MBEDTLS_ERR_SSL_WANT_WRITE) {
		hs_want(t, c, EPOLLOUT);
		return;
	}
	if (r != 0) {
		hs_refuse(t, c, r);
		return;
	}
	/* Belt and braces: the verdict of verify_cb, as mbedtls kept it. */
	if (mbedtls_ssl_get_verify_result(&c->ssl) != 0 || !mbedtls_ssl_get_peer_cert(&c->ssl)) {
		if (!c->why)
			c->why = "client certificate not accepted";
		hs_refuse(t, c, r);
		return;
	}
	hs_ready(t, c);
}

static void hs_accept(struct api_tls *t)
{
	int i;

	for (i = 0; i < ACCEPT_BATCH && t->n_hs < t->max_hs &&
	     atomic_load(&t->live) + t->n_hs < t->max_conns; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct tls_conn *c;
		int fd = accept4(t->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;   /* EAGAIN; EMFILE and friends: try again later */
		}
		/* Small request/answer writes: no Nagle wait for a delayed ACK. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->t = t;
		c->fd = fd;
		mbedtls_ssl_init(&c->ssl);
		addr_text(&ss, c->peer, sizeof(c->peer));
		c->trust = trust_get(t);
		if (mbedtls_ssl_setup(&c->ssl, &t->conf) != 0) {
			conn_free(c);
			return;
		}
		mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
		mbedtls_ssl_set_verify(&c->ssl, verify_cb, c);
		/* mbedtls insists on a CA chain to verify against; without a
		 * client CA our own certificate stands in, and verify_cb only
		 * ever lets a chain count when a client CA is configured. */
		mbedtls_ssl_set_hs_ca_chain(&c->ssl, c->trust->have_ca ? &c->trust->ca : &t->crt,
					    NULL);
		c->deadline = now_ms() + t->hs_ms;
		c->events = EPOLLIN;
		if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd,
			      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = c }) < 0) {
			conn_free(c);
			return;
		}
		c->next = t->hs;
		if (t->hs)
			t->hs->prev = c;
		t->hs = c;
		t->n_hs++;
	}
}

static void set_accepting(struct api_tls *t, bool on)
{
	if (t->accepting == on)
		return;
	if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, t->lfd,
		      &(struct epoll_event){ .events = on ? EPOLLIN : 0, .data.ptr = t }) == 0)
		t->accepting = on;
}

static void *hs_thread(void *arg)
{
	struct api_tls *t = arg;
	struct epoll_event ev[64];

	for (;;) {
		uint64_t now = now_ms();
		int timeout = -1, n, i;
		struct tls_conn *c, *next;

		/* Expire slow handshakes; find the next deadline. */
		for (c = t->hs; c; c = next) {
			next = c->next;
			if (c->deadline <= now) {
				if (c->got_bytes)
					hs_log(t, "%s: TLS handshake timed out", c->peer);
				hs_drop(t, c);
				continue;
			}
			if (timeout < 0 || c->deadline - now < (uint64_t)timeout)
				timeout = (int)(c->deadline - now);
		}
		set_accepting(t, t->n_hs < t->max_hs &&
				 atomic_load(&t->live) + t->n_hs < t->max_conns);
		if (!t->accepting && (timeout < 0 || timeout > PAUSED_POLL_MS))
			timeout = PAUSED_POLL_MS;
		n = epoll_wait(t->epfd, ev, 64, timeout);
		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			void *p = ev[i].data.ptr;

			if (p == &t->stopfd)
				return NULL;
			if (p == t) {
				hs_accept(t);
				continue;
			}
			hs_step(t, p);
		}
	}
	return NULL;
}

/* ---- identity ----------------------------------------------------------- */

static int mkdir_p(const char *dir, mode_t mode)
{
	char tmp[4096], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* tls_dir/server.key + server.crt: made once, then kept across restarts. */
static int load_identity(struct api_tls *t, const char *dir, struct cairn_err *e)
{
	char key[4096], crt[4096], msg[128];
	bool hk, hc;
	int r;

	snprintf(key, sizeof(key), "%s/server.key", dir);
	snprintf(crt, sizeof(crt), "%s/server.crt", dir);
	hk = access(key, F_OK) == 0;
	hc = access(crt, F_OK) == 0;
	if (hk != hc)
		return cairn_err_set(e, -ENOENT, "%s exists but %s does not; not replacing "
				     "either (remove both to make a new identity)",
				     hk ? key : crt, hk ? crt : key);
	if (!hk) {
		r = mkdir_p(dir, 0700);
		if (r < 0)
			return cairn_err_sys(e, r, "creating %s", dir);
		r = cairn_cert_selfsigned(key, crt, API_TLS_CERT_CN, API_TLS_CERT_DAYS, e);
		if (r < 0)
			return cairn_err_prefix(e, r, "making the server identity");
		fprintf(stderr, "cairnd: api: made a new server key and certificate in %s\n", dir);
	}
	r = mbedtls_x509_crt_parse_file(&t->crt, crt);
	if (r != 0)
		return cairn_err_set(e, -EINVAL, "%s: %s", crt,
				     cairn_mbedtls_strerror(r < 0 ? r : -1, msg, sizeof(msg)));
	r = mbedtls_pk_parse_keyfile(&t->key, key, NULL, cairn_rng_random, &t->rng.drbg);
	if (r != 0)
		return cairn_err_set(e, -EINVAL, "%s: %s", key,
				     cairn_mbedtls_strerror(r, msg, sizeof(msg)));
	r = mbedtls_pk_check_pair(&t->crt.pk, &t->key, cairn_rng_random, &t->rng.drbg);
	if (r != 0)
		return cairn_err_set(e, -EINVAL, "%s does not belong to %s", key, crt);
	if (cairn_sha256_hex(t->crt.raw.p, t->crt.raw.len, t->fingerprint) < 0)
		return cairn_err_set(e, -EIO, "%s: SHA-256 failed", crt);
	return 0;
}

static int setup_conf(struct api_tls *t, struct cairn_err *e)
{
	char msg[128];
	int r;

	r = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (r != 0)
		return cairn_err_set(e, -EIO, "TLS configuration: %s",
				     cairn_mbedtls_strerror(r, msg, sizeof(msg)));
	mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
	mbedtls_ssl_conf_ciphersuites(&t->conf, cairn_tls_suites);
	mbedtls_ssl_conf_rng(&t->conf, cairn_rng_random, &t->rng.drbg);
	/* mbedtls' server default asks for no certificate. */
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_cert_req_ca_list(&t->conf, MBEDTLS_SSL_CERT_REQ_CA_LIST_DISABLED);
	mbedtls_ssl_conf_ca_chain(&t->conf, &t->crt, NULL);   /* see hs_accept */
	mbedtls_ssl_conf_tls13_key_exchange_modes(&t->conf,
						  MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL);
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_PROTO_TLS1_3)
	mbedtls_ssl_conf_new_session_tickets(&t->conf, 0);
#endif
	r = mbedtls_ssl_conf_own_cert(&t->conf, &t->crt, &t->key);
	if (r != 0)
		return cairn_err_set(e, -EIO, "TLS configuration: %s",
				     cairn_mbedtls_strerror(r, msg, sizeof(msg)));
	return 0;
}

static int listen_tcp(struct api_tls *t, const char *spec, struct cairn_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned port;
	int fd, r, one = 1, zero = 0;
	char a[96];

	r = api_tls_parse_listen(spec, &ss, &sl, &port, e);
	if (r < 0)
		return r;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 && ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr)) {
		/* No IPv6 in this kernel: any IPv4 address will do. */
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		memset(&ss, 0, sizeof(ss));
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	}
	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));   /* dual stack */
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 512) < 0) {
		r = -errno;
		close(fd);
		return cairn_err_sys(e, r, "cannot listen on %s", spec);
	}
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);   /* port 0: the one we got */
	addr_text(&ss, a, sizeof(a));
	snprintf(t->url, sizeof(t->url), "https://%s", a);
	t->lfd = fd;
	return 0;
}

/* ---- open / close ------------------------------------------------------- */

int api_tls_open(struct api_tls **out, struct loop *l, struct http_server *http,
		 const struct api_tls_opts *o, struct cairn_err *e)
{
	struct api_tls *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	t->loop = l;
	t->http = http;
	t->lfd = t->efd = t->stopfd = t->epfd = -1;
	t->hs_ms = o->handshake_ms ? o->handshake_ms : API_TLS_HANDSHAKE_MS;
	t->max_hs = o->max_handshakes ? o->max_handshakes : API_TLS_MAX_HANDSHAKES;
	t->max_conns = o->max_conns ? o->max_conns : HTTP_MAX_CONNS;
	atomic_init(&t->live, 0);
	pthread_mutex_init(&t->mu, NULL);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->crt);
	mbedtls_pk_init(&t->key);

	t->trust = trust_new();
	if (!t->trust) {
		r = cairn_err_set(e, -ENOMEM, "out of memory");
		goto fail;
	}
	r = listen_tcp(t, o->listen ? o->listen : API_TLS_LISTEN_DEFAULT, e);
	if (r < 0)
		goto fail;
	r = cairn_rng_open(&t->rng, e);
	if (r < 0)
		goto fail;
	t->rng_open = true;
	r = load_identity(t, o->tls_dir ? o->tls_dir : API_TLS_DIR_DEFAULT, e);
	if (r < 0)
		goto fail;
	r = setup_conf(t, e);
	if (r < 0)
		goto fail;
	r = trust_load_image(t, o->trust_dir ? o->trust_dir : API_TRUST_DIR_DEFAULT, e);
	if (r < 0)
		goto fail;

	t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->efd < 0 || t->stopfd < 0 || t->epfd < 0) {
		r = cairn_err_sys(e, -errno, "eventfd/epoll");
		goto fail;
	}
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stopfd,
		      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &t->stopfd }) < 0 ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->lfd,
		      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = t }) < 0) {
		r = cairn_err_sys(e, -errno, "epoll_ctl");
		goto fail;
	}
	t->accepting = true;
	r = loop_add_fd(l, t->efd, EPOLLIN, ready_event, t);
	if (r < 0) {
		cairn_err_sys(e, r, "watching the handshake queue");
		goto fail;
	}
	r = pthread_create(&t->thread, NULL, hs_thread, t);
	if (r) {
		loop_del_fd(l, t->efd);
		r = cairn_err_sys(e, -r, "starting the handshake thread");
		goto fail;
	}
	t->thread_started = true;
	*out = t;
	return 0;
fail:
	api_tls_close(t);
	return r;
}

void api_tls_close(struct api_tls *t)
{
	struct tls_conn *c, *next;
	uint64_t one = 1;

	if (!t)
		return;
	if (t->thread_started) {
		if (write(t->stopfd, &one, sizeof(one)) < 0) {
			/* an eventfd write of 1 does not fail */
		}
		pthread_join(t->thread, NULL);
		loop_del_fd(t->loop, t->efd);
	}
	while (t->hs)
		hs_drop(t, t->hs);
	for (c = t->ready_head; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	if (t->lfd >= 0)
		close(t->lfd);
	if (t->efd >= 0)
		close(t->efd);
	if (t->stopfd >= 0)
		close(t->stopfd);
	if (t->epfd >= 0)
		close(t->epfd);
	trust_unref(t, t->trust);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->crt);
	mbedtls_pk_free(&t->key);
	if (t->rng_open)
		cairn_rng_close(&t->rng);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

const char *api_tls_fingerprint(const struct api_tls *t)
{
	return t->fingerprint;
}

const char *api_tls_url(const struct api_tls *t)
{
	return t->url;
}
