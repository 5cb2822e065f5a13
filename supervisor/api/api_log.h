/* api_log.h - the log endpoint: the last lines of an instance's log, and
 * following it as it grows (chunked), across rotations. */
#ifndef CAIRN_API_LOG_H
#define CAIRN_API_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "http.h"
#include "loop.h"

#define API_LOG_LINES_DEFAULT 100u
#define API_LOG_LINES_MAX     100000u
#define API_LOG_TAIL_MAX      (1024u * 1024)   /* bytes of history sent */

struct api_logs;

int api_logs_new(struct api_logs **out, struct loop *l);
/* Call after the HTTP server is gone (its followers are closed by then). */
void api_logs_free(struct api_logs *lg);
unsigned api_logs_followers(const struct api_logs *lg);

/* The last `lines` lines of the file at path (at most API_LOG_TAIL_MAX
 * bytes, starting at a line boundary).  A missing file reads as empty.
 * *end is the offset the text ends at, where following starts. */
int api_log_tail(const char *path, unsigned lines, char **out, size_t *len,
		 off_t *end);

/* Answer c with the tail of path; with follow, keep streaming. */
void api_log_serve(struct api_logs *lg, struct http_conn *c, const char *path,
		   unsigned lines, bool follow);

#endif
