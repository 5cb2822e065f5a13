/* client.c - cairnctl's HTTP client: Unix socket or mutual TLS to a
 * remote (tls_client.c), Connection: close,
 * response parsed with llhttp (Content-Length or chunked, both).  The
 * server is trusted little: bodies are capped and parse errors reported. */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "remote.h"
#include "tls_client.h"

static int body_add(struct ctl_resp_parser *p, const char *at, size_t len)
{
	struct ctl_response *r = p->r;

	if (r->len + len > CTL_BODY_MAX) {
		snprintf(p->error, sizeof(p->error), "answer larger than %u bytes", CTL_BODY_MAX);
		return -1;
	}
	if (r->len + len + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		char *b;

		while (cap < r->len + len + 1)
			cap *= 2;
		b = realloc(r->body, cap);
		if (!b) {
			snprintf(p->error, sizeof(p->error), "out of memory");
			return -1;
		}
		r->body = b;
		p->cap = cap;
	}
	memcpy(r->body + r->len, at, len);
	r->len += len;
	r->body[r->len] = 0;
	return 0;
}

static int on_body(llhttp_t *ll, const char *at, size_t len)
{
	struct ctl_resp_parser *p = ll->data;
	int st = p->r->status;

	if (p->cb && st >= 200 && st < 300) {
		if (p->cb(at, len, p->data) < 0) {
			snprintf(p->error, sizeof(p->error), "writing the output failed");
			return -1;
		}
		return 0;
	}
	return body_add(p, at, len);
}

static int on_headers_complete(llhttp_t *ll)
{
	struct ctl_resp_parser *p = ll->data;

	p->r->status = llhttp_get_status_code(ll);
	return 0;
}

static int on_message_complete(llhttp_t *ll)
{
	struct ctl_resp_parser *p = ll->data;

	p->r->complete = true;
	return HPE_PAUSED;   /* one answer is all we read */
}

void ctl_resp_init(struct ctl_resp_parser *p, struct ctl_response *r,
		   ctl_body_cb cb, void *data)
{
	memset(p, 0, sizeof(*p));
	memset(r, 0, sizeof(*r));
	p->r = r;
	p->cb = cb;
	p->data = data;
	llhttp_settings_init(&p->settings);
	p->settings.on_body = on_body;
	p->settings.on_headers_complete = on_headers_complete;
	p->settings.on_message_complete = on_message_complete;
	llhttp_init(&p->ll, HTTP_RESPONSE, &p->settings);
	p->ll.data = p;
}

int ctl_resp_feed(struct ctl_resp_parser *p, const char *buf, size_t len,
		  struct cairn_err *e)
{
	llhttp_errno_t err;

	if (p->r->complete)
		return 1;
	err = llhttp_execute(&p->ll, buf, len);
	if (err == HPE_OK)
		return 0;
	if (err == HPE_PAUSED && p->r->complete)
		return 1;
	return cairn_err_set(e, -EPROTO, "bad answer from the server: %s",
			     p->error[0] ? p->error :
			     (llhttp_get_error_reason(&p->ll) ? llhttp_get_error_reason(&p->ll)
							      : llhttp_errno_name(err)));
}

int ctl_resp_eof(struct ctl_resp_parser *p, struct cairn_err *e)
{
	llhttp_errno_t err;

	if (p->r->complete)
		return 1;
	/* A body delimited by the close (no length) ends here. */
	err = llhttp_finish(&p->ll);
	if ((err == HPE_OK || err == HPE_PAUSED) && p->r->complete)
		return 1;
	return cairn_err_set(e, -EPROTO, "the server closed the connection mid-answer");
}

void ctl_response_free(struct ctl_response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

const char *ctl_error_text(const struct ctl_response *r, char *buf, size_t size)
{
	cJSON *o = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "error");

	if (cJSON_IsString(m))
		snprintf(buf, size, "%s", m->valuestring);
	else if (r->body && r->len)
		snprintf(buf, size, "%.*s", (int)strcspn(r->body, "\n"), r->body);
	else
		snprintf(buf, size, "HTTP status %d", r->status);
	cJSON_Delete(o);
	return buf;
}

/* How the request and answer move: a Unix socket or a TLS connection. */
struct io {
	int (*send)(void *ctx, const void *buf, size_t len, struct cairn_err *e);
	ssize_t (*recv)(void *ctx, void *buf, size_t len, struct cairn_err *e);
	void *ctx;
	const char *where;
};

static int fd_send(void *ctx, const void *buf, size_t len, struct cairn_err *e)
{
	int fd = *(int *)ctx;
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cairn_err_sys(e, -errno, "sending");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t fd_recv(void *ctx, void *buf, size_t len, struct cairn_err *e)
{
	int fd = *(int *)ctx;

	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return cairn_err_set(e, -ETIMEDOUT, "no answer");
		if (n < 0)
			return cairn_err_sys(e, -errno, "reading");
		return n;
	}
}

/* Send the body of an upload from its file, chunk by chunk. */
static int send_upload(struct io *io, const struct ctl_upload *up, struct cairn_err *e)
{
	char buf[65536];
	uint64_t done = 0;

	while (done < up->len) {
		size_t want = up->len - done < sizeof(buf) ? (size_t)(up->len - done) : sizeof(buf);
		ssize_t n = read(up->fd, buf, want);
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cairn_err_sys(e, -errno, "reading the upload");
		if (n == 0)
			return cairn_err_set(e, -EIO, "the upload shrank while it was sent");
		ret = io->send(io->ctx, buf, (size_t)n, e);
		if (ret < 0)
			return ret;
		done += (uint64_t)n;
		if (up->progress)
			up->progress(done, up->len, up->data);
	}
	return 0;
}

/* Send the request, read one answer. */
static int exchange(struct io *io, const char *method, const char *path, const char *body,
		    const struct ctl_upload *up, ctl_body_cb cb, void *data,
		    struct ctl_response *r, struct cairn_err *e)
{
	struct ctl_resp_parser p;
	char head[1024], buf[16384];
	size_t blen = body ? strlen(body) : 0;
	int n, ret;

	ctl_resp_init(&p, r, cb, data);
	if (up)
		n = snprintf(head, sizeof(head),
			     "%s %s HTTP/1.1\r\nHost: cairn\r\nUser-Agent: cairnctl\r\n"
			     "Connection: close\r\nContent-Type: %s\r\nContent-Length: %llu\r\n\r\n",
			     method, path, up->ctype ? up->ctype : "application/octet-stream",
			     (unsigned long long)up->len);
	else if (body || strcmp(method, "GET"))
		n = snprintf(head, sizeof(head),
			     "%s %s HTTP/1.1\r\nHost: cairn\r\nUser-Agent: cairnctl\r\n"
			     "Connection: close\r\n%sContent-Length: %zu\r\n\r\n", method, path,
			     body ? "Content-Type: application/json\r\n" : "", blen);
	else
		n = snprintf(head, sizeof(head),
			     "%s %s HTTP/1.1\r\nHost: cairn\r\nUser-Agent: cairnctl\r\n"
			     "Connection: close\r\n\r\n", method, path);
	if (n < 0 || (size_t)n >= sizeof(head))
		return cairn_err_set(e, -EINVAL, "request too long");
	ret = io->send(io->ctx, head, (size_t)n, e);
	if (!ret && blen)
		ret = io->send(io->ctx, body, blen, e);
	if (!ret && up) {
		ret = send_upload(io, up, e);
		/* The server may have answered and closed before taking it all:
		 * its answer says more than our EPIPE. */
		if (ret == -EPIPE || ret == -ECONNRESET)
			ret = 0;
	}
	if (ret < 0)
		return cairn_err_prefix(e, ret, "%s", io->where);
	for (;;) {
		ssize_t got = io->recv(io->ctx, buf, sizeof(buf), e);

		if (got < 0)
			return cairn_err_prefix(e, (int)got, "%s", io->where);
		ret = got ? ctl_resp_feed(&p, buf, (size_t)got, e) : ctl_resp_eof(&p, e);
		if (ret != 0)
			break;
	}
	return ret < 0 ? ret : 0;
}

static int request_local(const char *sock, const char *method, const char *path,
			 const char *body, const struct ctl_upload *up, ctl_body_cb cb,
			 void *data, struct ctl_response *r, struct cairn_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct io io = { fd_send, fd_recv, NULL, sock };
	int fd, ret;

	memset(r, 0, sizeof(*r));
	if (strlen(sock) >= sizeof(sa.sun_path))
		return cairn_err_set(e, -ENAMETOOLONG, "socket path too long: %s", sock);
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		close(fd);
		return cairn_err_sys(e, ret, "cannot connect to %s", sock);
	}
	if (!cb) {
		/* Streams may be quiet for long; ordinary answers are not. */
		struct timeval tv = { .tv_sec = 120 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	io.ctx = &fd;
	ret = exchange(&io, method, path, body, up, cb, data, r, e);
	close(fd);
	return ret;
}

static int tls_send(void *ctx, const void *buf, size_t len, struct cairn_err *e)
{
	return ctl_tls_send(ctx, buf, len, e);
}

static ssize_t tls_recv(void *ctx, void *buf, size_t len, struct cairn_err *e)
{
	return ctl_tls_recv(ctx, buf, len, e);
}

int ctl_request(const char *sock, const char *method, const char *path,
		const char *body, ctl_body_cb cb, void *data,
		struct ctl_response *r, struct cairn_err *e)
{
	return request_local(sock, method, path, body, NULL, cb, data, r, e);
}

static int request_remote(const char *remote, const char *method, const char *path,
			  const char *body, const struct ctl_upload *up, ctl_body_cb cb,
			  void *data, struct ctl_response *r, struct cairn_err *e)
{
	struct ctl_remote rm;
	struct ctl_tls *t;
	struct io io = { tls_send, tls_recv, NULL, NULL };
	int ret;

	memset(r, 0, sizeof(*r));
	ret = ctl_remote_find(remote, &rm, e);
	if (ret < 0)
		return ret;
	ret = ctl_tls_connect(&t, &rm, CTL_CONNECT_TIMEOUT, e);
	if (ret < 0)
		return ret;
	ctl_tls_set_timeout(t, cb ? 0 : 120);
	io.ctx = t;
	io.where = rm.url;
	ret = exchange(&io, method, path, body, up, cb, data, r, e);
	ctl_tls_close(t);
	return ret;
}

int ctl_request_remote(const char *remote, const char *method, const char *path,
		       const char *body, ctl_body_cb cb, void *data,
		       struct ctl_response *r, struct cairn_err *e)
{
	return request_remote(remote, method, path, body, NULL, cb, data, r, e);
}

int ctl_upload_to(const struct ctl_target *t, const char *method, const char *path,
		  const struct ctl_upload *up, struct ctl_response *r, struct cairn_err *e)
{
	if (t->remote && t->remote[0])
		return request_remote(t->remote, method, path, NULL, up, NULL, NULL, r, e);
	return request_local(t->sock, method, path, NULL, up, NULL, NULL, r, e);
}

int ctl_request_to(const struct ctl_target *t, const char *method, const char *path,
		   const char *body, ctl_body_cb cb, void *data,
		   struct ctl_response *r, struct cairn_err *e)
{
	if (t->remote && t->remote[0])
		return ctl_request_remote(t->remote, method, path, body, cb, data, r, e);
	return ctl_request(t->sock, method, path, body, cb, data, r, e);
}
