/* http.c - HTTP/1.1 requests in, responses out, on cairnd's loop.
 *
 * The limits are the point of this file: a client gets HTTP_MAX_CONNS
 * slots, HTTP_MAX_HEADER bytes of header, HTTP_MAX_BODY bytes of body and
 * HTTP_IDLE_MS of silence.  Memory grows only with bytes that arrived; a
 * claimed Content-Length is checked, never allocated.  Connections are
 * torn down from a timer, never from inside a caller's call, so no
 * callback ever runs on a freed connection.
 */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define READ_BUF        16384
#define STREAM_OUT_MAX  (2u * 1024 * 1024)  /* a follower that stops reading */
#define ACCEPT_PAUSE_MS 100                  /* out of fds: breathe */

/* ---- small helpers ------------------------------------------------------ */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX (and '+' as space when plus) from src[0..n) into out, which
 * holds n+1 bytes.  Rejects bad escapes and NUL bytes. */
static int pct_decode(const char *src, size_t n, char *out, bool plus)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)src[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n)
				return -EINVAL;
			h = hexval((unsigned char)src[i + 1]);
			l = hexval((unsigned char)src[i + 2]);
			if (h < 0 || l < 0)
				return -EINVAL;
			c = h * 16 + l;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == 0)
			return -EINVAL;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

bool http_query_get(const char *query, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = query;

	if (!p)
		return false;
	while (*p) {
		const char *end = strchr(p, '&');
		const char *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', n);
		if ((size_t)((eq ? eq : p + n) - p) == klen && !memcmp(p, key, klen)) {
			const char *v = eq ? eq + 1 : p + n;
			size_t vn = (size_t)(p + n - v);
			char *tmp;

			if (!out || !outlen)
				return true;
			tmp = malloc(vn + 1);
			if (!tmp || pct_decode(v, vn, tmp, true) < 0) {
				free(tmp);
				out[0] = 0;
				return true;
			}
			snprintf(out, outlen, "%s", tmp);
			free(tmp);
			return true;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return false;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

int http_format_head(char *buf, size_t size, int status, const char *ctype,
		     size_t content_length, bool chunked, bool keep_alive,
		     const char *extra)
{
	char len[64];
	int n;

	if (chunked)
		snprintf(len, sizeof(len), "Transfer-Encoding: chunked\r\n");
	else
		snprintf(len, sizeof(len), "Content-Length: %zu\r\n", content_length);
	n = snprintf(buf, size, "HTTP/1.1 %d %s\r\n%s%s%s%sConnection: %s\r\n%s\r\n",
		     status, http_status_text(status),
		     ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
		     len, keep_alive ? "keep-alive" : "close", extra ? extra : "");
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

/* ---- request parser ----------------------------------------------------- */

static struct http_parser *P(llhttp_t *ll)
{
	return ll->data;
}

static int perr(struct http_parser *p, int status, const char *msg)
{
	p->status = status;
	snprintf(p->error, sizeof(p->error), "%s", msg);
	return -1;
}

static int on_url(llhttp_t *ll, const char *at, size_t len)
{
	struct http_parser *p = P(ll);
	size_t have = p->req.target ? strlen(p->req.target) : 0;
	char *t;

	if (have + len > p->max_header)
		return perr(p, 414, "request target too long");
	t = realloc(p->req.target, have + len + 1);
	if (!t)
		return perr(p, 500, "out of memory");
	memcpy(t + have, at, len);
	t[have + len] = 0;
	p->req.target = t;
	return 0;
}

static int on_header_field_complete(llhttp_t *ll)
{
	struct http_parser *p = P(ll);

	if (++p->n_headers > HTTP_MAX_HEADERS)
		return perr(p, 431, "too many header fields");
	return 0;
}

static int on_headers_complete(llhttp_t *ll)
{
	P(ll)->headers_done = true;
	/* Pause so feed() learns exactly where the header block ends. */
	return HPE_PAUSED;
}

static int on_body(llhttp_t *ll, const char *at, size_t len)
{
	struct http_parser *p = P(ll);
	size_t need = p->req.body_len + len;

	if (p->sink) {
		if (p->sink(p->sink_ctx, at, len) < 0)
			return perr(p, 500, "request body not taken");
		p->req.body_len = need;
		return 0;
	}

	if (need > p->max_body)
		return perr(p, 413, "request body too large");
	if (need + 1 > p->body_cap) {
		/* Grow with what arrived, doubling, never past the limit. */
		size_t cap = p->body_cap ? p->body_cap * 2 : 4096;
		char *b;

		while (cap < need + 1)
			cap *= 2;
		if (cap > p->max_body + 1)
			cap = p->max_body + 1;
		b = realloc(p->req.body, cap);
		if (!b)
			return perr(p, 500, "out of memory");
		p->req.body = b;
		p->body_cap = cap;
	}
	memcpy(p->req.body + p->req.body_len, at, len);
	p->req.body_len = need;
	p->req.body[need] = 0;
	return 0;
}

static int on_message_complete(llhttp_t *ll)
{
	struct http_parser *p = P(ll);

	p->done = true;
	p->req.keep_alive = llhttp_should_keep_alive(ll) && !ll->upgrade;
	return HPE_PAUSED;
}

void http_parser_init(struct http_parser *p, size_t max_header, size_t max_body)
{
	memset(p, 0, sizeof(*p));
	p->max_header = max_header ? max_header : HTTP_MAX_HEADER;
	p->max_body = max_body ? max_body : HTTP_MAX_BODY;
	llhttp_settings_init(&p->settings);
	p->settings.on_url = on_url;
	p->settings.on_header_field_complete = on_header_field_complete;
	p->settings.on_headers_complete = on_headers_complete;
	p->settings.on_body = on_body;
	p->settings.on_message_complete = on_message_complete;
	llhttp_init(&p->ll, HTTP_REQUEST, &p->settings);
	p->ll.data = p;
}

static void req_clear(struct http_request *r)
{
	free(r->target);
	free(r->path);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void http_parser_free(struct http_parser *p)
{
	req_clear(&p->req);
}

void http_parser_next(struct http_parser *p)
{
	req_clear(&p->req);
	p->header_bytes = 0;
	p->body_cap = 0;
	p->n_headers = 0;
	p->headers_done = false;
	p->done = false;
	p->sink = NULL;
	p->sink_ctx = NULL;
	if (llhttp_get_errno(&p->ll) == HPE_PAUSED)
		llhttp_resume(&p->ll);
}

/* Split and decode the target once the header block is in. */
static int finish_head(struct http_parser *p)
{
	struct http_request *r = &p->req;
	const char *t = r->target, *q;
	size_t n;

	if (p->header_bytes > p->max_header)
		return perr(p, 431, "request header block too large");
	if (!t || t[0] != '/')
		return perr(p, 400, "request target must be an absolute path");
	q = strchr(t, '?');
	n = q ? (size_t)(q - t) : strlen(t);
	r->query = q ? q + 1 : "";
	r->path = malloc(n + 1);
	if (!r->path)
		return perr(p, 500, "out of memory");
	if (pct_decode(t, n, r->path, false) < 0)
		return perr(p, 400, "bad percent-encoding in path");
	r->method = (uint8_t)llhttp_get_method(&p->ll);
	if (p->on_head && p->on_head(p, p->head_ctx) < 0)
		return perr(p, 500, "out of memory");
	if (!p->sink && (p->ll.flags & F_CONTENT_LENGTH) && p->ll.content_length > p->max_body)
		return perr(p, 413, "request body too large");
	return 0;
}

enum http_parse http_parser_feed(struct http_parser *p, const char *buf,
				 size_t len, size_t *used)
{
	size_t off = 0;

	*used = 0;
	if (p->status)
		return HTTP_PARSE_ERROR;
	if (p->done)
		return HTTP_PARSE_DONE;
	for (;;) {
		bool before = p->headers_done;
		llhttp_errno_t err = llhttp_execute(&p->ll, buf + off, len - off);
		size_t n;

		if (err == HPE_OK) {
			n = len - off;
		} else if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
			n = (size_t)(llhttp_get_error_pos(&p->ll) - (buf + off));
		} else {
			if (!p->status) {
				const char *why = llhttp_get_error_reason(&p->ll);

				p->status = 400;
				snprintf(p->error, sizeof(p->error), "malformed request: %s",
					 why ? why : llhttp_errno_name(err));
			}
			*used = off;
			return HTTP_PARSE_ERROR;
		}
		if (!before)
			p->header_bytes += n;
		off += n;
		if (!before && !p->headers_done && p->header_bytes > p->max_header) {
			perr(p, 431, "request header block too large");
			*used = off;
			return HTTP_PARSE_ERROR;
		}
		if (!before && p->headers_done) {
			if (finish_head(p) < 0) {
				*used = off;
				return HTTP_PARSE_ERROR;
			}
			if (err == HPE_PAUSED && !p->done) {
				llhttp_resume(&p->ll);
				continue;   /* maybe with 0 bytes: completes bodiless requests */
			}
		}
		if (p->done) {
			*used = off;
			return HTTP_PARSE_DONE;
		}
		if (err == HPE_PAUSED_UPGRADE) {
			*used = off;
			return perr(p, 400, "protocol upgrade not supported"), HTTP_PARSE_ERROR;
		}
		if (off >= len) {
			*used = off;
			return HTTP_PARSE_MORE;
		}
	}
}

enum http_parse http_parser_eof(struct http_parser *p)
{
	if (p->done)
		return HTTP_PARSE_DONE;
	if (p->status)
		return HTTP_PARSE_ERROR;
	if (p->header_bytes == 0 && !p->req.target)
		return HTTP_PARSE_MORE;   /* a clean close between requests */
	perr(p, 400, "request cut short");
	return HTTP_PARSE_ERROR;
}

/* ---- server: connections on the loop ----------------------------------- */

enum conn_state {
	C_READ,     /* reading a request */
	C_HANDLE,   /* the handler has it; no answer queued yet */
	C_WRITE,    /* writing a complete answer */
	C_STREAM,   /* chunked answer open for as long as the peer stays */
	C_DEFER,    /* the handler answers later (http_defer) */
	C_DEAD,     /* waiting for the reaper timer */
};

struct http_conn {
	struct http_server *srv;
	struct http_conn *prev, *next;
	int fd;
	struct http_transport tr;
	void *tctx;
	enum conn_state state;
	uint32_t events;
	struct http_parser parser;
	char in[READ_BUF];
	size_t in_off, in_len;
	char *out;
	size_t out_off, out_len, out_cap;
	bool close_after;
	uint64_t last_ms;
	struct loop_timer *timer;
	const struct http_stream_ops *sops;
	void *sdata;
	const struct http_body_ops *bops;   /* a streamed request body */
	void *bctx;
	bool body_paused;                   /* its consumer is full */
};

struct http_server {
	struct loop *loop;
	int lfd;
	struct http_server_opts o;
	struct http_conn *conns;
	unsigned n_conns;
	struct loop_timer *accept_timer;
	bool accept_paused;
};

static ssize_t fd_read(void *ctx, void *buf, size_t len)
{
	ssize_t n = read((int)(intptr_t)ctx, buf, len);

	return n < 0 ? -errno : n;
}

static ssize_t fd_write(void *ctx, const void *buf, size_t len)
{
	ssize_t n = send((int)(intptr_t)ctx, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

static void fd_close(void *ctx)
{
	close((int)(intptr_t)ctx);
}

static const struct http_transport plain_transport = {
	.read = fd_read, .write = fd_write, .close = fd_close,
};

static void conn_destroy(struct http_conn *c)
{
	struct http_server *s = c->srv;

	if (c->events != (uint32_t)-1)
		loop_del_fd(s->loop, c->fd);
	if (c->timer)
		loop_timer_cancel(s->loop, c->timer);
	if (c->sops && c->sops->closed)
		c->sops->closed(c, c->sdata);
	if (c->bops && c->bops->closed)
		c->bops->closed(c->bctx);
	c->tr.close(c->tctx);
	http_parser_free(&c->parser);
	free(c->out);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	free(c);
}

static void reap_cb(struct loop *l, void *data)
{
	struct http_conn *c = data;

	c->timer = NULL;
	conn_destroy(c);
}

/* Close c soon, from the loop, whatever is on the stack now. */
static void conn_fail(struct http_conn *c)
{
	struct http_server *s = c->srv;

	if (c->state == C_DEAD)
		return;
	c->state = C_DEAD;
	if (c->events != (uint32_t)-1) {
		loop_del_fd(s->loop, c->fd);
		c->events = (uint32_t)-1;
	}
	if (c->timer)
		loop_timer_cancel(s->loop, c->timer);
	c->timer = loop_timer_add(s->loop, 1, reap_cb, c);
	/* No timer: http_server_free() reaps it. */
}

static void conn_want(struct http_conn *c, uint32_t ev)
{
	if (c->state == C_DEAD || c->events == ev)
		return;
	if (loop_mod_fd(c->srv->loop, c->fd, ev) < 0) {
		conn_fail(c);
		return;
	}
	c->events = ev;
}

static int out_reserve(struct http_conn *c, size_t more)
{
	size_t need;
	char *b;

	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	need = c->out_len + more;
	if (need <= c->out_cap)
		return 0;
	if (c->out_off) {   /* slide what is left to the front first */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
		need = c->out_len + more;
		if (need <= c->out_cap)
			return 0;
	}
	b = realloc(c->out, need);
	if (!b)
		return -ENOMEM;
	c->out = b;
	c->out_cap = need;
	return 0;
}

static int out_add(struct http_conn *c, const void *buf, size_t len)
{
	if (out_reserve(c, len) < 0)
		return -ENOMEM;
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return 0;
}

/* Write what is queued.  Returns 1 when all is out, 0 when the socket is
 * full (EPOLLOUT armed), negative on error (the caller fails c). */
static int conn_flush(struct http_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = c->tr.write(c->tctx, c->out + c->out_off, c->out_len - c->out_off);

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK) {
			conn_want(c, c->state == C_STREAM ? EPOLLIN | EPOLLOUT : EPOLLOUT);
			return 0;
		}
		if (n <= 0)
			return n < 0 ? (int)n : -EPIPE;
		c->out_off += (size_t)n;
		c->last_ms = loop_now_ms();
	}
	c->out_off = c->out_len = 0;
	return 1;
}

/* An answer went out completely: close, or read the next request. */
static void conn_answered(struct http_conn *c)
{
	if (c->close_after) {
		conn_fail(c);
		return;
	}
	if (c->state == C_STREAM) {
		conn_want(c, EPOLLIN);
		return;
	}
	c->state = C_READ;
	c->bops = NULL;
	c->bctx = NULL;
	c->body_paused = false;
	http_parser_next(&c->parser);
	conn_want(c, EPOLLIN);
}

static void conn_dispatch(struct http_conn *c)
{
	struct http_server *s = c->srv;

	c->state = C_HANDLE;
	s->o.handler(c, &c->parser.req, s->o.data);
	if (c->state == C_HANDLE)
		http_respond_error(c, 500, "no answer from the handler");
	if (c->state == C_DEAD || c->state == C_DEFER)
		return;
	int r = conn_flush(c);
	if (r < 0)
		conn_fail(c);
	else if (r > 0)
		conn_answered(c);
}

static void conn_parse_error(struct http_conn *c)
{
	struct http_parser *p = &c->parser;

	if (c->bops && c->bops->closed)
		c->bops->closed(c->bctx);   /* its body ends here, unfinished */
	c->bops = NULL;
	c->state = C_HANDLE;
	http_respond_error(c, p->status ? p->status : 400, "%s",
			   p->error[0] ? p->error : "bad request");
	c->close_after = true;
	int r = conn_flush(c);
	if (r < 0)
		conn_fail(c);
	else if (r > 0)
		conn_answered(c);
}

/* Read and answer requests until the socket is drained or an answer is
 * waiting for the peer to read. */
static void conn_input(struct http_conn *c)
{
	while (c->state == C_READ) {
		if (c->in_off < c->in_len) {
			size_t used;
			enum http_parse r = http_parser_feed(&c->parser, c->in + c->in_off,
							     c->in_len - c->in_off, &used);

			c->in_off += used;
			if (r == HTTP_PARSE_DONE)
				conn_dispatch(c);
			else if (r == HTTP_PARSE_ERROR)
				conn_parse_error(c);
			continue;
		}
		c->in_off = c->in_len = 0;
		if (c->bops && c->bops->ready && !c->bops->ready(c->bctx)) {
			/* Hold the peer back until the consumer catches up. */
			c->body_paused = true;
			conn_want(c, 0);
			return;
		}
		ssize_t n = c->tr.read(c->tctx, c->in, sizeof(c->in));
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n < 0) {
			conn_fail(c);
			return;
		}
		if (n == 0) {
			if (http_parser_eof(&c->parser) == HTTP_PARSE_DONE)
				continue;   /* cannot happen: done is dispatched at once */
			conn_fail(c);
			return;
		}
		c->in_len = (size_t)n;
		c->last_ms = loop_now_ms();
	}
}

/* While streaming, the peer has nothing to say; reading only tells us
 * when it leaves. */
static void conn_drain_input(struct http_conn *c)
{
	char buf[4096];

	for (;;) {
		ssize_t n = c->tr.read(c->tctx, buf, sizeof(buf));

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n > 0)
			continue;   /* discarded */
		conn_fail(c);   /* EOF or error: the follower left */
		return;
	}
}

static void conn_event(struct loop *l, int fd, uint32_t events, void *data)
{
	struct http_conn *c = data;

	if (c->state == C_DEAD)
		return;
	if (events & EPOLLERR) {
		conn_fail(c);
		return;
	}
	if (c->body_paused || c->state == C_DEFER) {
		if (events & EPOLLHUP)
			conn_fail(c);   /* the uploader left */
		return;
	}
	if ((events & EPOLLOUT) && (c->state == C_WRITE || c->state == C_STREAM)) {
		bool streaming = c->state == C_STREAM && !c->close_after;
		int r = conn_flush(c);

		if (r < 0) {
			conn_fail(c);
			return;
		}
		if (r > 0) {
			conn_answered(c);
			if (streaming && c->state == C_STREAM && c->sops && c->sops->drained)
				c->sops->drained(c, c->sdata);
		}
	}
	if (c->state == C_STREAM && (events & (EPOLLIN | EPOLLHUP))) {
		conn_drain_input(c);
		return;
	}
	if (c->state == C_READ)
		conn_input(c);   /* also picks up pipelined bytes already buffered */
	else if ((events & EPOLLHUP) && c->state != C_DEAD)
		conn_fail(c);
}

static void idle_cb(struct loop *l, void *data)
{
	struct http_conn *c = data;
	struct http_server *s = c->srv;
	uint64_t now = loop_now_ms(), idle = s->o.idle_ms;

	c->timer = NULL;
	/* Waiting on our own side (a stream, a busy body consumer, a deferred
	 * answer) is not the client's silence. */
	bool ours = c->state == C_STREAM || c->state == C_DEFER || c->body_paused;

	if (ours)
		c->last_ms = now;
	if (ours || now - c->last_ms < idle) {
		uint64_t left = ours ? idle : idle - (now - c->last_ms);

		c->timer = loop_timer_add(l, left ? left : 1, idle_cb, c);
		if (!c->timer)
			conn_fail(c);
		return;
	}
	conn_fail(c);
}

/* The header block is in: does this route stream its body? */
static int conn_head(struct http_parser *p, void *ctx)
{
	struct http_conn *c = ctx;
	struct http_server *s = c->srv;
	void *bctx = NULL;
	const struct http_body_ops *ops = s->o.stream_body(c, &p->req, s->o.data, &bctx);

	if (ops) {
		c->bops = ops;
		c->bctx = bctx;
		p->sink = ops->data;
		p->sink_ctx = bctx;
	}
	return 0;
}

static int conn_new(struct http_server *s, int fd, const struct http_transport *tr,
		    void *tctx)
{
	struct http_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		tr->close(tctx);
		return -ENOMEM;
	}
	c->srv = s;
	c->fd = fd;
	c->tr = *tr;
	c->tctx = tctx;
	c->state = C_READ;
	c->last_ms = loop_now_ms();
	http_parser_init(&c->parser, s->o.max_header, s->o.max_body);
	if (s->o.stream_body) {
		c->parser.on_head = conn_head;
		c->parser.head_ctx = c;
	}
	r = loop_add_fd(s->loop, fd, EPOLLIN, conn_event, c);
	if (r < 0) {
		tr->close(tctx);
		free(c);
		return r;
	}
	c->events = EPOLLIN;
	c->timer = loop_timer_add(s->loop, s->o.idle_ms, idle_cb, c);
	if (!c->timer) {
		loop_del_fd(s->loop, fd);
		tr->close(tctx);
		free(c);
		return -ENOMEM;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->n_conns++;
	return 0;
}

int http_server_adopt(struct http_server *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return -errno;
	}
	return conn_new(s, fd, &plain_transport, (void *)(intptr_t)fd);
}

int http_server_adopt_transport(struct http_server *s, int fd,
				const struct http_transport *tr, void *ctx)
{
	if (s->n_conns >= s->o.max_conns) {
		tr->close(ctx);
		return -EMFILE;
	}
	return conn_new(s, fd, tr, ctx);
}

static void accept_resume(struct loop *l, void *data)
{
	struct http_server *s = data;

	s->accept_timer = NULL;
	s->accept_paused = false;
	loop_mod_fd(l, s->lfd, EPOLLIN);
}

static void accept_event(struct loop *l, int fd, uint32_t events, void *data)
{
	struct http_server *s = data;
	int i;

	for (i = 0; i < 64; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			     errno == ENOMEM) && !s->accept_paused) {
				/* Level-triggered: stop asking until a slot may be free. */
				s->accept_timer = loop_timer_add(l, ACCEPT_PAUSE_MS,
								 accept_resume, s);
				if (s->accept_timer) {
					s->accept_paused = true;
					loop_mod_fd(l, fd, 0);
				}
			}
			return;
		}
		if (s->n_conns >= s->o.max_conns) {
			close(cfd);   /* full: the client sees the door close */
			continue;
		}
		conn_new(s, cfd, &plain_transport, (void *)(intptr_t)cfd);
	}
}

int http_server_new(struct http_server **out, struct loop *l, int listen_fd,
		    const struct http_server_opts *o, struct cairn_err *e)
{
	struct http_server *s;
	int fl, r;

	s = calloc(1, sizeof(*s));
	if (!s) {
		close(listen_fd);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	s->loop = l;
	s->lfd = listen_fd;
	s->o = *o;
	if (!s->o.max_header)
		s->o.max_header = HTTP_MAX_HEADER;
	if (!s->o.max_body)
		s->o.max_body = HTTP_MAX_BODY;
	if (!s->o.max_conns)
		s->o.max_conns = HTTP_MAX_CONNS;
	if (!s->o.idle_ms)
		s->o.idle_ms = HTTP_IDLE_MS;
	if (listen_fd >= 0) {
		fl = fcntl(listen_fd, F_GETFL);
		if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			r = cairn_err_sys(e, -errno, "http: fcntl");
			goto fail;
		}
		r = loop_add_fd(l, listen_fd, EPOLLIN, accept_event, s);
		if (r < 0) {
			cairn_err_sys(e, r, "http: watching the listening socket");
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	close(listen_fd);
	free(s);
	return r;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_destroy(s->conns);
	if (s->accept_timer)
		loop_timer_cancel(s->loop, s->accept_timer);
	if (s->lfd >= 0) {
		loop_del_fd(s->loop, s->lfd);
		close(s->lfd);
	}
	free(s);
}

unsigned http_server_conns(const struct http_server *s)
{
	return s->n_conns;
}

/* ---- answers ------------------------------------------------------------ */

static int queue_head(struct http_conn *c, int status, const char *ctype,
		      const char *extra, size_t len, bool chunked)
{
	char head[1024];
	int n;

	n = http_format_head(head, sizeof(head), status, ctype, len, chunked,
			     !c->close_after, extra);
	if (n < 0)
		return n;
	return out_add(c, head, (size_t)n);
}

int http_respond(struct http_conn *c, int status, const char *ctype,
		 const char *extra, const void *body, size_t len)
{
	bool deferred = c->state == C_DEFER;

	if (c->state != C_HANDLE && !deferred)
		return -EINVAL;
	c->close_after = !c->parser.req.keep_alive;
	/* An answer ends the request: a body consumer is not told of the
	 * connection's end any more (it answered, or was told already). */
	c->bops = NULL;
	c->bctx = NULL;
	if (queue_head(c, status, ctype, extra, len, false) < 0 ||
	    (len && out_add(c, body, len) < 0)) {
		conn_fail(c);
		return -ENOMEM;
	}
	c->state = C_WRITE;
	if (deferred) {   /* no dispatcher on the stack to flush for us */
		int r = conn_flush(c);

		if (r < 0)
			conn_fail(c);
		else if (r > 0)
			conn_answered(c);
	}
	return 0;
}

void http_defer(struct http_conn *c)
{
	if (c->state != C_HANDLE)
		return;
	c->state = C_DEFER;
	conn_want(c, 0);
}

void *http_body_ctx(const struct http_conn *c)
{
	return c->bops ? c->bctx : NULL;
}

void http_body_resume(struct http_conn *c)
{
	if (!c->body_paused || c->state == C_DEAD)
		return;
	c->body_paused = false;
	conn_want(c, EPOLLIN);
	conn_input(c);
}

int http_respond_error(struct http_conn *c, int status, const char *fmt, ...)
{
	char msg[600];
	cJSON *o;
	char *txt;
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "error", msg)) {
		cJSON_Delete(o);
		conn_fail(c);
		return -ENOMEM;
	}
	txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!txt) {
		conn_fail(c);
		return -ENOMEM;
	}
	r = http_respond(c, status, "application/json", NULL, txt, strlen(txt));
	free(txt);
	return r;
}

int http_stream_begin(struct http_conn *c, int status, const char *ctype,
		      const struct http_stream_ops *ops, void *data)
{
	if (c->state != C_HANDLE)
		return -EINVAL;
	c->close_after = false;
	if (queue_head(c, status, ctype, NULL, 0, true) < 0) {
		conn_fail(c);
		return -ENOMEM;
	}
	c->state = C_STREAM;
	c->sops = ops;
	c->sdata = data;
	return 0;
}

/* Inside a handler the dispatcher flushes; outside, flush now. */
static int stream_flush(struct http_conn *c)
{
	int r;

	if (c->out_len - c->out_off > STREAM_OUT_MAX) {
		conn_fail(c);   /* the follower stopped reading */
		return -ENOBUFS;
	}
	r = conn_flush(c);
	if (r < 0) {
		conn_fail(c);
		return r;
	}
	if (r > 0) {
		if (c->close_after)
			conn_fail(c);
		else
			conn_want(c, EPOLLIN);
	}
	return 0;
}

int http_stream_write(struct http_conn *c, const void *buf, size_t len)
{
	char size[32];
	int n;

	if (c->state != C_STREAM || c->close_after)
		return -EPIPE;
	if (!len)
		return 0;
	n = snprintf(size, sizeof(size), "%zx\r\n", len);
	if (out_reserve(c, (size_t)n + len + 2) < 0) {
		conn_fail(c);
		return -ENOMEM;
	}
	out_add(c, size, (size_t)n);
	out_add(c, buf, len);
	out_add(c, "\r\n", 2);
	return stream_flush(c);
}

void http_stream_end(struct http_conn *c)
{
	if (c->state != C_STREAM || c->close_after)
		return;
	c->close_after = true;
	if (out_add(c, "0\r\n\r\n", 5) < 0) {
		conn_fail(c);
		return;
	}
	stream_flush(c);
}

size_t http_conn_pending(const struct http_conn *c)
{
	return c->out_len - c->out_off;
}
