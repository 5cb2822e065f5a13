/* fuzz_http_response.c - cairnctl's HTTP response parser (cli/client.c):
 * whatever a server (or something pretending to be one) answers.  The
 * first byte picks the read size and whether the body is streamed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client.h"

static int sink(const char *buf, size_t len, void *data)
{
	size_t *total = data;

	*total += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_resp_parser p;
	struct ctl_response r;
	size_t off = 1, step, streamed = 0;
	int ret = 0;
	char msg[256];

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	ctl_resp_init(&p, &r, (data[0] & 0x80) ? sink : NULL, &streamed);
	while (off < size && ret == 0) {
		size_t n = size - off < step ? size - off : step;

		ret = ctl_resp_feed(&p, (const char *)data + off, n, NULL);
		off += n;
	}
	if (ret == 0)
		ret = ctl_resp_eof(&p, NULL);
	if (ret > 0 && !r.complete)
		__builtin_trap();
	if (r.body && strlen(r.body) > r.len)
		__builtin_trap();
	ctl_error_text(&r, msg, sizeof(msg));
	ctl_response_free(&r);
	return 0;
}
