/* tlsload.c - closed-loop HTTPS load over kept-alive mTLS connections, for
 * bench/tls.sh.  N connections are opened and handshaken first (TLS 1.3,
 * one AEAD suite, a client certificate, the server checked against a
 * pinned certificate); then each sends one GET at a time for D seconds
 * and the complete 200 responses (framed by Content-Length) are counted.
 * Handshakes are outside the measured window: this is request throughput
 * on established sessions, not connection setup.
 *
 * One thread, poll() over non-blocking sockets: the load generator costs
 * the same for every server, and bench/tls.sh can pin it with the server
 * on one CPU.
 *
 *   tlsload HOST PORT NAME SERVER.crt CLIENT.crt CLIENT.key CONNS SECS PATH
 *
 * Prints one line: responses seconds rps version suite client-cpu-seconds
 * (its own CPU time in the window: near SECS means the client, not the
 * server, set the pace).
 * Exit 0 done, 1 the server misbehaved (refused, closed, not 200),
 * 100 bad usage, 111 a system call or mbedtls setup failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#define MAX_CONNS 256
#define RBUF      65536

/* The one suite both servers are held to, so the record cipher is equal. */
static const int suites[] = { MBEDTLS_TLS1_3_AES_128_GCM_SHA256, 0 };

enum cstate { C_SEND, C_RECV };

struct conn {
	int fd;
	mbedtls_ssl_context ssl;
	enum cstate st;
	size_t sent;           /* bytes of the request written */
	size_t have;           /* bytes of response in buf */
	char buf[RBUF];
};

static struct conn conns[MAX_CONNS];
static char req[512];
static size_t req_len;

static int die(int code, const char *what, int err)
{
	char m[160] = "";

	if (err < 0)
		mbedtls_strerror(err, m, sizeof(m));
	else if (err > 0)
		snprintf(m, sizeof(m), "%s", strerror(err));
	fprintf(stderr, "tlsload: %s%s%s\n", what, *m ? ": " : "", m);
	exit(code);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int bio_send(void *ctx, const unsigned char *b, size_t n)
{
	ssize_t r = send(*(int *)ctx, b, n, MSG_NOSIGNAL);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *b, size_t n)
{
	ssize_t r = recv(*(int *)ctx, b, n, 0);

	if (r > 0)
		return (int)r;
	if (r == 0)
		return MBEDTLS_ERR_NET_CONN_RESET;
	if (errno == EAGAIN || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* One complete response at the start of c->buf: its total length, 0 when
 * more bytes are needed, -1 when it is not a 200 with a Content-Length. */
static long response_len(const struct conn *c)
{
	const char *end, *p;
	long clen = -1;

	end = memmem(c->buf, c->have, "\r\n\r\n", 4);
	if (!end)
		return c->have >= RBUF ? -1 : 0;
	if (c->have < 12 || memcmp(c->buf + 9, "200", 3) != 0)
		return -1;
	for (p = c->buf; p < end; ) {
		const char *nl = memmem(p, (size_t)(end - p), "\r\n", 2);

		p = nl ? nl + 2 : end;
		if (p < end && strncasecmp(p, "content-length:", 15) == 0)
			clen = strtol(p + 15, NULL, 10);
	}
	if (clen < 0)
		return -1;
	if ((size_t)(end + 4 - c->buf) + (size_t)clen > c->have)
		return (size_t)(end + 4 - c->buf) + (size_t)clen > RBUF ? -1 : 0;
	return (long)(end + 4 - c->buf) + clen;
}

static int tcp_connect(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die(100, "HOST must be an IPv4 address", 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(111, "socket", errno);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(1, "connect", errno);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Write the request; 1 when all of it went out, 0 to wait for POLLOUT. */
static int step_send(struct conn *c)
{
	while (c->sent < req_len) {
		int r = mbedtls_ssl_write(&c->ssl, (const unsigned char *)req + c->sent,
					  req_len - c->sent);

		if (r == MBEDTLS_ERR_SSL_WANT_WRITE || r == MBEDTLS_ERR_SSL_WANT_READ)
			return 0;
		if (r < 0)
			die(1, "write", r);
		c->sent += (size_t)r;
	}
	c->sent = 0;
	c->have = 0;
	c->st = C_RECV;
	return 1;
}

/* Read what is there; the number of complete responses it finished (0/1). */
static int step_recv(struct conn *c)
{
	for (;;) {
		long len;
		int r = mbedtls_ssl_read(&c->ssl, (unsigned char *)c->buf + c->have,
					 RBUF - c->have);

		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			return 0;
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
		if (r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
			continue;
#endif
		if (r <= 0)
			die(1, "read (server closed the connection?)", r);
		c->have += (size_t)r;
		len = response_len(c);
		if (len < 0)
			die(1, "not a 200 response with a Content-Length", 0);
		if (len > 0) {
			if ((size_t)len != c->have)
				die(1, "more bytes than one response (nothing was pipelined)", 0);
			c->st = C_SEND;
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	mbedtls_x509_crt server_crt, client_crt;
	mbedtls_pk_context client_key;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	struct pollfd pfd[MAX_CONNS];
	unsigned long long done = 0;
	double secs, t0, t1, cpu0;
	int n, i, r, port;

	if (argc != 10)
		die(100, "usage: tlsload HOST PORT NAME SERVER.crt CLIENT.crt CLIENT.key CONNS SECS PATH", 0);
	port = atoi(argv[2]);
	n = atoi(argv[7]);
	secs = atof(argv[8]);
	if (port <= 0 || n <= 0 || n > MAX_CONNS || secs <= 0)
		die(100, "PORT, CONNS (1-256) and SECS must be positive", 0);
	req_len = (size_t)snprintf(req, sizeof(req),
				   "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlsload\r\n"
				   "Accept: */*\r\n\r\n", argv[9], argv[3]);

	if (psa_crypto_init() != PSA_SUCCESS)
		die(111, "psa_crypto_init", 0);
	mbedtls_x509_crt_init(&server_crt);
	mbedtls_x509_crt_init(&client_crt);
	mbedtls_pk_init(&client_key);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ssl_config_init(&conf);
	if ((r = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0)) != 0)
		die(111, "drbg", r);
	if ((r = mbedtls_x509_crt_parse_file(&server_crt, argv[4])) != 0)
		die(111, argv[4], r);
	if ((r = mbedtls_x509_crt_parse_file(&client_crt, argv[5])) != 0)
		die(111, argv[5], r);
	if ((r = mbedtls_pk_parse_keyfile(&client_key, argv[6], NULL,
					  mbedtls_ctr_drbg_random, &drbg)) != 0)
		die(111, argv[6], r);
	if ((r = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
					     MBEDTLS_SSL_TRANSPORT_STREAM,
					     MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
		die(111, "ssl config", r);
	mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3);
	mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3);
	mbedtls_ssl_conf_ciphersuites(&conf, suites);
	mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&conf, &server_crt, NULL);   /* the pin */
	mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
	if ((r = mbedtls_ssl_conf_own_cert(&conf, &client_crt, &client_key)) != 0)
		die(111, "client cert", r);

	/* Connect and handshake every connection, blocking, before the clock. */
	for (i = 0; i < n; i++) {
		struct conn *c = &conns[i];

		c->fd = tcp_connect(argv[1], port);
		mbedtls_ssl_init(&c->ssl);
		if ((r = mbedtls_ssl_setup(&c->ssl, &conf)) != 0)
			die(111, "ssl setup", r);
		if ((r = mbedtls_ssl_set_hostname(&c->ssl, argv[3])) != 0)
			die(111, "hostname", r);
		mbedtls_ssl_set_bio(&c->ssl, &c->fd, bio_send, bio_recv, NULL);
		if ((r = mbedtls_ssl_handshake(&c->ssl)) != 0)
			die(1, "handshake", r);
		if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0)
			die(111, "fcntl", errno);
		c->st = C_SEND;
	}
	/* One unmeasured request each: the server's per-connection first-use work. */
	for (i = 0; i < n; i++) {
		struct conn *c = &conns[i];

		while (!step_send(c))
			poll(&(struct pollfd){ .fd = c->fd, .events = POLLOUT }, 1, 1000);
		while (!step_recv(c))
			poll(&(struct pollfd){ .fd = c->fd, .events = POLLIN }, 1, 1000);
	}

	cpu0 = cpu_s();
	t0 = now_s();
	t1 = t0;
	for (i = 0; i < n; i++)
		step_send(&conns[i]);
	while (t1 - t0 < secs) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = conns[i].fd;
			pfd[i].events = conns[i].st == C_SEND ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
		}
		r = poll(pfd, (nfds_t)n, 100);
		if (r < 0 && errno != EINTR)
			die(111, "poll", errno);
		for (i = 0; i < n && r > 0; i++) {
			struct conn *c = &conns[i];

			if (!pfd[i].revents)
				continue;
			if (c->st == C_RECV && step_recv(c)) {
				done++;
				step_send(c);
			} else if (c->st == C_SEND) {
				step_send(c);
			}
		}
		t1 = now_s();
	}
	printf("%llu %.3f %.1f %s %s %.2f\n", done, t1 - t0, done / (t1 - t0),
	       mbedtls_ssl_get_version(&conns[0].ssl),
	       mbedtls_ssl_get_ciphersuite(&conns[0].ssl), cpu_s() - cpu0);
	for (i = 0; i < n; i++) {
		mbedtls_ssl_free(&conns[i].ssl);
		close(conns[i].fd);
	}
	mbedtls_ssl_config_free(&conf);
	mbedtls_pk_free(&client_key);
	mbedtls_x509_crt_free(&client_crt);
	mbedtls_x509_crt_free(&server_crt);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return 0;
}
