/* client.h - cairnctl's side of the API: one HTTP/1.1 request over the
 * Unix socket or mutual TLS, the answer parsed with llhttp. */
#ifndef CAIRN_CLI_CLIENT_H
#define CAIRN_CLI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llhttp.h>

#include "err.h"

#define CTL_SOCKET_DEFAULT "/run/cairn/api.sock"
#define CTL_BODY_MAX (64u * 1024 * 1024)   /* more than any answer we expect */

/* Receives a successful (2xx) answer's body as it arrives, for streams. */
typedef int (*ctl_body_cb)(const char *buf, size_t len, void *data);

struct ctl_response {
	int status;
	char *body;          /* NUL-terminated; the whole body unless streamed */
	size_t len;
	bool complete;
};

/* The response parser, on its own so it can be fuzzed. */
struct ctl_resp_parser {
	llhttp_t ll;
	llhttp_settings_t settings;
	struct ctl_response *r;
	ctl_body_cb cb;
	void *data;
	size_t cap;
	char error[160];
};

void ctl_resp_init(struct ctl_resp_parser *p, struct ctl_response *r,
		   ctl_body_cb cb, void *data);
/* Returns 1 once the response is complete, 0 for more, negative on error. */
int ctl_resp_feed(struct ctl_resp_parser *p, const char *buf, size_t len,
		  struct cairn_err *e);
/* The server closed the connection. */
int ctl_resp_eof(struct ctl_resp_parser *p, struct cairn_err *e);

/* method path [body]: connect, send, read the answer.  A non-2xx status is
 * not an error here: r->status and r->body say what the server said. */
int ctl_request(const char *sock, const char *method, const char *path,
		const char *body, ctl_body_cb cb, void *data,
		struct ctl_response *r, struct cairn_err *e);
void ctl_response_free(struct ctl_response *r);

/* The same over mutual TLS to the remote named remote (remote.h). */
#define CTL_CONNECT_TIMEOUT 15   /* seconds, connect + handshake */
int ctl_request_remote(const char *remote, const char *method, const char *path,
		       const char *body, ctl_body_cb cb, void *data,
		       struct ctl_response *r, struct cairn_err *e);

/* Where a command goes: remote when set (--remote NAME), else sock. */
struct ctl_target {
	const char *sock;
	const char *remote;
};
int ctl_request_to(const struct ctl_target *t, const char *method, const char *path,
		   const char *body, ctl_body_cb cb, void *data,
		   struct ctl_response *r, struct cairn_err *e);

/* A request whose body is len bytes read from fd as they are sent (an
 * update bundle): never all in memory.  progress, if set, runs after
 * every chunk. */
struct ctl_upload {
	int fd;
	uint64_t len;
	const char *ctype;    /* NULL: application/octet-stream */
	void (*progress)(uint64_t done, uint64_t total, void *data);
	void *data;
};
int ctl_upload_to(const struct ctl_target *t, const char *method, const char *path,
		  const struct ctl_upload *up, struct ctl_response *r, struct cairn_err *e);

/* The "error" member of a JSON error body, or the body itself. */
const char *ctl_error_text(const struct ctl_response *r, char *buf, size_t size);

#endif
