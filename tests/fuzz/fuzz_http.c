/* fuzz_http.c - cairnd's HTTP request parser (supervisor/http.c).
 * The first byte picks how the rest is split into reads, as a socket
 * would deliver it; pipelined requests are parsed one after another, as
 * the server does.  Also exercises the query-string reader. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_parser p;
	size_t off = 1, step, used;
	char v[64];

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	/* Small limits reach the 413/431 paths with small inputs. */
	http_parser_init(&p, data[0] & 0x80 ? 256 : 0, data[0] & 0x40 ? 64 : 0);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		enum http_parse r = http_parser_feed(&p, (const char *)data + off, n, &used);

		if (used > n)
			__builtin_trap();
		off += used;
		if (r == HTTP_PARSE_ERROR) {
			if (p.status < 400 || !p.error[0])
				__builtin_trap();
			break;
		}
		if (r == HTTP_PARSE_DONE) {
			if (!p.req.path || p.req.path[0] != '/' || !p.req.query)
				__builtin_trap();
			if (p.req.body && strlen(p.req.body) > p.req.body_len)
				__builtin_trap();
			http_query_get(p.req.query, "lines", v, sizeof(v));
			http_query_get(p.req.query, "follow", v, sizeof(v));
			http_parser_next(&p);
		}
	}
	if (off >= size)
		http_parser_eof(&p);
	http_parser_free(&p);
	return 0;
}
