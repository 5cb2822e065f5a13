/* http.h - a small HTTP/1.1 server for cairnd's API.
 *
 * Two layers.  The request parser (struct http_parser) turns bytes into a
 * struct http_request with llhttp and enforces the limits: header block,
 * body, header count; it never allocates more than what has arrived.  The
 * server (struct http_server) accepts stream connections on the loop,
 * bounds their number, times out silent clients, feeds the parser, hands
 * complete requests to one handler and writes the answers.  Bytes move
 * through a struct http_transport so TLS can take the place of the plain
 * socket later without touching the rest.
 */
#ifndef CAIRN_HTTP_H
#define CAIRN_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <llhttp.h>

#include "err.h"
#include "loop.h"

#define HTTP_MAX_HEADER   (16u * 1024)   /* request line + header block */
#define HTTP_MAX_BODY     (1024u * 1024)
#define HTTP_MAX_HEADERS  100u           /* header lines per request */
#define HTTP_MAX_CONNS    64u
#define HTTP_IDLE_MS      30000u

struct http_request {
	uint8_t method;         /* llhttp_method_t: HTTP_GET, HTTP_PUT... */
	char *target;           /* the raw request target, "/a/b?c=d" */
	char *path;             /* percent-decoded path, no query */
	const char *query;      /* raw text after '?', "" if none */
	char *body;             /* NUL-terminated; NULL when there is none */
	size_t body_len;
	bool keep_alive;
};

/* Look up key in a query string ("a=1&b=2"); copies the percent-decoded
 * value into out.  Returns true if present ("follow" alone gives ""). */
bool http_query_get(const char *query, const char *key, char *out, size_t outlen);

/* ---- request parser ---------------------------------------------------- */

enum http_parse {
	HTTP_PARSE_MORE,        /* need more bytes */
	HTTP_PARSE_DONE,        /* a request is complete in p->req */
	HTTP_PARSE_ERROR,       /* p->status and p->error say why */
};

struct http_parser {
	llhttp_t ll;
	llhttp_settings_t settings;
	size_t max_header, max_body;
	struct http_request req;
	size_t header_bytes;    /* raw bytes of the current header block */
	size_t body_cap;
	unsigned n_headers;
	bool headers_done;
	bool done;
	int status;             /* on error: 400, 413, 431 */
	char error[128];
	/* Streaming bodies: on_head (if set) runs once the header block is
	 * in and may set sink; the body then goes to sink chunk by chunk,
	 * never into req.body, and max_body does not apply. */
	int (*on_head)(struct http_parser *p, void *ctx);
	void *head_ctx;
	int (*sink)(void *ctx, const char *buf, size_t len);
	void *sink_ctx;
};

void http_parser_init(struct http_parser *p, size_t max_header, size_t max_body);
/* Feed len bytes; *used tells how many were consumed (a complete request
 * stops consumption so pipelined bytes stay with the caller). */
enum http_parse http_parser_feed(struct http_parser *p, const char *buf,
				 size_t len, size_t *used);
/* The peer closed its side: a request cut short is an error. */
enum http_parse http_parser_eof(struct http_parser *p);
/* Forget the current request and get ready for the next one. */
void http_parser_next(struct http_parser *p);
void http_parser_free(struct http_parser *p);

const char *http_status_text(int status);

/* Format a complete response head into buf; returns its length, or a
 * negative value if it does not fit.  extra is "" or "Name: v\r\n"... */
int http_format_head(char *buf, size_t size, int status, const char *ctype,
		     size_t content_length, bool chunked, bool keep_alive,
		     const char *extra);

/* ---- server ------------------------------------------------------------- */

/* How bytes move.  read/write return a byte count, 0 on EOF (read), or a
 * negative errno (-EAGAIN when they would block). */
struct http_transport {
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	ssize_t (*write)(void *ctx, const void *buf, size_t len);
	void (*close)(void *ctx);
};

struct http_server;
struct http_conn;

/* Called once per complete request.  The handler must answer, now with
 * http_respond() or by starting a stream with http_stream_begin(). */
typedef void (*http_handler)(struct http_conn *c, const struct http_request *req,
			     void *data);

/* A route that takes its body as a stream (an update upload): data gets
 * each piece as it arrives (all of it: keep it or drop it, or return a
 * negative errno to fail the request with 500); before every read of the
 * connection ready is asked, and while it says no the connection is not
 * read (the peer is held back by TCP) until http_body_resume().  closed
 * runs once if the connection goes away before the request is answered;
 * c must not be used after it. */
struct http_body_ops {
	int (*data)(void *ctx, const char *buf, size_t len);
	bool (*ready)(void *ctx);
	void (*closed)(void *ctx);
};

/* Asked once per request when its header block is in (req has method,
 * path and query, no body): return ops and set *ctx to stream this
 * request's body, or NULL for the usual buffered body under max_body. */
typedef const struct http_body_ops *(*http_stream_body_fn)(struct http_conn *c,
							   const struct http_request *req,
							   void *data, void **ctx);

struct http_server_opts {
	http_stream_body_fn stream_body;   /* NULL: every body is buffered */
	size_t max_header;      /* 0: HTTP_MAX_HEADER */
	size_t max_body;        /* 0: HTTP_MAX_BODY */
	unsigned max_conns;     /* 0: HTTP_MAX_CONNS */
	unsigned idle_ms;       /* 0: HTTP_IDLE_MS */
	http_handler handler;
	void *data;
};

/* Serve the listening socket listen_fd (made non-blocking here; the
 * server owns it from now on and closes it). */
int http_server_new(struct http_server **out, struct loop *l, int listen_fd,
		    const struct http_server_opts *o, struct cairn_err *e);
/* Closes every connection (stream close callbacks run). */
void http_server_free(struct http_server *s);
unsigned http_server_conns(const struct http_server *s);

/* Serve one already-connected stream fd through the plain-socket
 * transport; exposed for tests.  Closes fd on failure. */
int http_server_adopt(struct http_server *s, int fd);

/* Serve an established, non-blocking stream through transport tr (TLS):
 * the loop watches fd, bytes go through tr with ctx, and tr->close(ctx)
 * runs when the connection ends.  Refused (ctx closed, -EMFILE) when the
 * server already has max_conns connections. */
int http_server_adopt_transport(struct http_server *s, int fd,
				const struct http_transport *tr, void *ctx);

/* Answer with a complete body (Content-Length).  extra: NULL or header
 * lines, each ending in CRLF. */
int http_respond(struct http_conn *c, int status, const char *ctype,
		 const char *extra, const void *body, size_t len);
/* From a handler: the answer comes later (http_respond or
 * http_respond_error from a loop callback); the connection is not read
 * meanwhile.  For streamed bodies whose work outlasts the upload. */
void http_defer(struct http_conn *c);
/* The ctx stream_body gave for this request's body (NULL: none). */
void *http_body_ctx(const struct http_conn *c);
/* A streamed body's consumer has room again: read on. */
void http_body_resume(struct http_conn *c);

/* {"error":"msg"} with status. */
int http_respond_error(struct http_conn *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Streaming (chunked) answers, for log following.  drained runs when all
 * queued output has been written (time to queue more); closed runs once
 * when the connection goes away, after which c must not be used. */
struct http_stream_ops {
	void (*drained)(struct http_conn *c, void *data);
	void (*closed)(struct http_conn *c, void *data);
};
int http_stream_begin(struct http_conn *c, int status, const char *ctype,
		      const struct http_stream_ops *ops, void *data);
int http_stream_write(struct http_conn *c, const void *buf, size_t len);
/* Send the last chunk and close once written. */
void http_stream_end(struct http_conn *c);
/* Bytes queued and not yet written. */
size_t http_conn_pending(const struct http_conn *c);

#endif
