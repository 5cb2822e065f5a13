/* test_http.c - the HTTP request parser, response heads, and the server's
 * limits on a real loop and a real Unix socket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "http.h"
#include "http_client.h"

/* ---- parser ------------------------------------------------------------- */

static enum http_parse feed_all(struct http_parser *p, const char *s, size_t *used)
{
	return http_parser_feed(p, s, strlen(s), used);
}

static void test_simple_get(void **state)
{
	struct http_parser p;
	size_t used;
	const char *r = "GET /1.0/instances/web/log?lines=5&follow=1 HTTP/1.1\r\n"
			"Host: cairn\r\nUser-Agent: t\r\n\r\n";

	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, r, &used), HTTP_PARSE_DONE);
	assert_int_equal(used, strlen(r));
	assert_int_equal(p.req.method, HTTP_GET);
	assert_string_equal(p.req.path, "/1.0/instances/web/log");
	assert_string_equal(p.req.query, "lines=5&follow=1");
	assert_true(p.req.keep_alive);
	assert_null(p.req.body);
	assert_int_equal(p.req.body_len, 0);
	http_parser_free(&p);
}

static void test_connection_close_and_http10(void **state)
{
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &used),
			 HTTP_PARSE_DONE);
	assert_false(p.req.keep_alive);
	http_parser_free(&p);
	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, "GET / HTTP/1.0\r\n\r\n", &used), HTTP_PARSE_DONE);
	assert_false(p.req.keep_alive);
	http_parser_free(&p);
}

static void test_split_byte_by_byte(void **state)
{
	const char *r = "PUT /1.0/instances/a/state HTTP/1.1\r\nContent-Length: 18\r\n"
			"Content-Type: application/json\r\n\r\n{\"action\":\"stop\"}\n";
	struct http_parser p;
	size_t i, n = strlen(r), used;

	http_parser_init(&p, 0, 0);
	for (i = 0; i < n - 1; i++) {
		assert_int_equal(http_parser_feed(&p, r + i, 1, &used), HTTP_PARSE_MORE);
		assert_int_equal(used, 1);
	}
	assert_int_equal(http_parser_feed(&p, r + n - 1, 1, &used), HTTP_PARSE_DONE);
	assert_int_equal(p.req.method, HTTP_PUT);
	assert_string_equal(p.req.path, "/1.0/instances/a/state");
	assert_int_equal(p.req.body_len, 18);
	assert_string_equal(p.req.body, "{\"action\":\"stop\"}\n");
	http_parser_free(&p);
}

static void test_chunked_body(void **state)
{
	const char *r = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
			"3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, r, &used), HTTP_PARSE_DONE);
	assert_string_equal(p.req.body, "abcdefg");
	http_parser_free(&p);
}

static void test_pipelined(void **state)
{
	const char *r = "GET /a HTTP/1.1\r\n\r\nGET /b?x HTTP/1.1\r\n\r\n";
	struct http_parser p;
	size_t used, used2;

	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, r, &used), HTTP_PARSE_DONE);
	assert_string_equal(p.req.path, "/a");
	assert_int_equal(used, strlen("GET /a HTTP/1.1\r\n\r\n"));
	/* Until next(), the finished request stays put. */
	assert_int_equal(http_parser_feed(&p, r + used, strlen(r + used), &used2), HTTP_PARSE_DONE);
	assert_int_equal(used2, 0);
	http_parser_next(&p);
	assert_int_equal(http_parser_feed(&p, r + used, strlen(r + used), &used2), HTTP_PARSE_DONE);
	assert_string_equal(p.req.path, "/b");
	assert_string_equal(p.req.query, "x");
	assert_int_equal(used + used2, strlen(r));
	http_parser_free(&p);
}

static void test_oversize_header(void **state)
{
	struct http_parser p;
	char *big = malloc(20000);
	size_t used, off = 0;
	enum http_parse r = HTTP_PARSE_MORE;

	strcpy(big, "GET / HTTP/1.1\r\nX-Big: ");
	memset(big + strlen(big), 'a', 19000);
	big[19000] = 0;
	http_parser_init(&p, 0, 0);
	/* In 1000-byte reads, as a socket would deliver it. */
	while (r == HTTP_PARSE_MORE && off < strlen(big)) {
		r = http_parser_feed(&p, big + off, 1000, &used);
		off += used;
	}
	assert_int_equal(r, HTTP_PARSE_ERROR);
	assert_int_equal(p.status, 431);
	assert_true(off <= HTTP_MAX_HEADER + 1000);
	http_parser_free(&p);
	free(big);
}

static void test_long_target(void **state)
{
	struct http_parser p;
	char *big = malloc(20000);
	size_t used;

	strcpy(big, "GET /");
	memset(big + 5, 'a', 18000);
	strcpy(big + 18005, " HTTP/1.1\r\n\r\n");
	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, big, &used), HTTP_PARSE_ERROR);
	assert_true(p.status == 414 || p.status == 431);
	http_parser_free(&p);
	free(big);
}

static void test_too_many_headers(void **state)
{
	struct http_parser p;
	char buf[8192];
	size_t used, n = 0;
	unsigned i;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "GET / HTTP/1.1\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS + 5; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%u: y\r\n", i);
	snprintf(buf + n, sizeof(buf) - n, "\r\n");
	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, buf, &used), HTTP_PARSE_ERROR);
	assert_int_equal(p.status, 431);
	http_parser_free(&p);
}

static void test_claimed_body_too_large(void **state)
{
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	/* Refused at the header, before a byte of body, with nothing allocated. */
	assert_int_equal(feed_all(&p, "PUT /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", &used),
			 HTTP_PARSE_ERROR);
	assert_int_equal(p.status, 413);
	assert_null(p.req.body);
	assert_int_equal(p.body_cap, 0);
	http_parser_free(&p);
}

static void test_body_grows_with_arrival(void **state)
{
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	/* A big claim within the limit: memory follows the bytes, not the claim. */
	assert_int_equal(feed_all(&p, "PUT /x HTTP/1.1\r\nContent-Length: 1000000\r\n\r\nabc", &used),
			 HTTP_PARSE_MORE);
	assert_true(p.body_cap < 10000);
	assert_int_equal(p.req.body_len, 3);
	http_parser_free(&p);
}

static void test_chunked_body_too_large(void **state)
{
	struct http_parser p;
	size_t used;
	const char *head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
	char chunk[300];
	enum http_parse r;
	int i;

	http_parser_init(&p, 0, 100);
	assert_int_equal(feed_all(&p, head, &used), HTTP_PARSE_MORE);
	snprintf(chunk, sizeof(chunk), "28\r\n%040d\r\n", 0);
	for (i = 0, r = HTTP_PARSE_MORE; i < 5 && r == HTTP_PARSE_MORE; i++)
		r = feed_all(&p, chunk, &used);
	assert_int_equal(r, HTTP_PARSE_ERROR);
	assert_int_equal(p.status, 413);
	http_parser_free(&p);
}

static void test_bad_requests(void **state)
{
	static const struct { const char *req; int status; } cases[] = {
		{ "FOO / HTTP/1.1\r\n\r\n", 400 },
		{ "GET http://evil/ HTTP/1.1\r\n\r\n", 400 },
		{ "GET * HTTP/1.1\r\n\r\n", 400 },
		{ "GET /a%zz HTTP/1.1\r\n\r\n", 400 },
		{ "GET /a%00b HTTP/1.1\r\n\r\n", 400 },
		{ "GET /a%4 HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/9.9\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "\x01\x02\x03", 400 },
	};
	size_t i, used;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_parser p;

		http_parser_init(&p, 0, 0);
		if (feed_all(&p, cases[i].req, &used) != HTTP_PARSE_ERROR) {
			print_error("case %zu accepted: %s\n", i, cases[i].req);
			fail();
		}
		assert_int_equal(p.status, cases[i].status);
		assert_true(p.error[0] != 0);
		http_parser_free(&p);
	}
}

static void test_percent_decoding(void **state)
{
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	assert_int_equal(feed_all(&p, "GET /1.0/instances/a%20b?x=%41 HTTP/1.1\r\n\r\n", &used),
			 HTTP_PARSE_DONE);
	assert_string_equal(p.req.path, "/1.0/instances/a b");
	assert_string_equal(p.req.query, "x=%41");
	http_parser_free(&p);
}

static void test_eof(void **state)
{
	struct http_parser p;
	size_t used;

	http_parser_init(&p, 0, 0);
	assert_int_equal(http_parser_eof(&p), HTTP_PARSE_MORE);   /* clean */
	assert_int_equal(feed_all(&p, "GET / HTTP/1.1\r\nHo", &used), HTTP_PARSE_MORE);
	assert_int_equal(http_parser_eof(&p), HTTP_PARSE_ERROR);
	assert_int_equal(p.status, 400);
	http_parser_free(&p);
}

static void test_query_get(void **state)
{
	char v[32];

	assert_true(http_query_get("lines=5&follow=1", "lines", v, sizeof(v)));
	assert_string_equal(v, "5");
	assert_true(http_query_get("lines=5&follow=1", "follow", v, sizeof(v)));
	assert_string_equal(v, "1");
	assert_true(http_query_get("follow&lines=2", "follow", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(http_query_get("lines=5", "line", v, sizeof(v)));
	assert_false(http_query_get("xlines=5", "lines", v, sizeof(v)));
	assert_false(http_query_get("", "lines", v, sizeof(v)));
	assert_true(http_query_get("a=%41+b", "a", v, sizeof(v)));
	assert_string_equal(v, "A b");
	assert_true(http_query_get("a=0123456789012345678901234567890123456789", "a", v, 8));
	assert_string_equal(v, "0123456");
}

static void test_format_head(void **state)
{
	char buf[512];
	int n;

	n = http_format_head(buf, sizeof(buf), 404, "application/json", 12, false, false, NULL);
	assert_true(n > 0);
	assert_string_equal(buf, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
			    "Content-Length: 12\r\nConnection: close\r\n\r\n");
	n = http_format_head(buf, sizeof(buf), 200, "text/plain", 0, true, true, "Allow: GET\r\n");
	assert_true(n > 0);
	assert_string_equal(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			    "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\nAllow: GET\r\n\r\n");
	assert_true(http_format_head(buf, 10, 200, NULL, 0, false, true, NULL) < 0);
	assert_string_equal(http_status_text(413), "Content Too Large");
}

/* ---- server on a real loop ---------------------------------------------- */

struct srv {
	struct loop *l;
	struct http_server *s;
	char dir[64];
	char sock[128];
	unsigned handled;
};

static void echo_handler(struct http_conn *c, const struct http_request *req, void *data)
{
	struct srv *t = data;
	char buf[512];

	t->handled++;
	if (!strcmp(req->path, "/stream")) {
		http_stream_begin(c, 200, "text/plain", NULL, NULL);
		http_stream_write(c, "hello ", 6);
		http_stream_write(c, "world\n", 6);
		http_stream_end(c);
		return;
	}
	if (!strcmp(req->path, "/silent"))
		return;   /* the server answers 500 for a handler that forgets */
	snprintf(buf, sizeof(buf), "%s %s [%s] %zu", llhttp_method_name(req->method),
		 req->path, req->query, req->body_len);
	http_respond(c, 200, "text/plain", NULL, buf, strlen(buf));
}

static int srv_setup(struct srv *t, const struct http_server_opts *o0)
{
	struct http_server_opts o = *o0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	memset(t, 0, sizeof(*t));
	strcpy(t->dir, "/tmp/cairn-http-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->sock, sizeof(t->sock), "%s/s", t->dir);
	strcpy(sa.sun_path, t->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0)
		return -1;
	if (loop_new(&t->l) < 0)
		return -1;
	o.handler = echo_handler;
	o.data = t;
	return http_server_new(&t->s, t->l, fd, &o, NULL);
}

static void srv_teardown(struct srv *t)
{
	http_server_free(t->s);
	loop_free(t->l);
	unlink(t->sock);
	rmdir(t->dir);
}

static void test_server_roundtrip(void **state)
{
	struct http_server_opts o = { 0 };
	struct srv t;
	struct tclient c = { 0 };
	const char *req = "GET /a?b=1 HTTP/1.1\r\n\r\n"
			  "PUT /c HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";

	assert_int_equal(srv_setup(&t, &o), 0);
	c.sock = t.sock;
	c.req = req;
	c.req_len = strlen(req);
	assert_int_equal(tclient_run(t.l, &c), 0);
	/* Two answers on one connection, then the server closed it. */
	assert_non_null(strstr(c.resp, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
				"Content-Length: 14\r\nConnection: keep-alive\r\n\r\nGET /a [b=1] 0"));
	assert_non_null(strstr(c.resp, "Connection: close\r\n\r\nPUT /c [] 2"));
	assert_int_equal(t.handled, 2);
	tloop_spin(t.l, 20);
	assert_int_equal(http_server_conns(t.s), 0);
	tclient_free(&c);
	srv_teardown(&t);
}

static void test_server_errors(void **state)
{
	struct http_server_opts o = { .max_body = 10 };
	struct srv t;
	struct tclient c = { 0 };
	const char *big = "PUT /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
	const char *bad = "GARBAGE\r\n\r\n";

	assert_int_equal(srv_setup(&t, &o), 0);
	c.sock = t.sock;
	c.req = big;
	c.req_len = strlen(big);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_int_equal(tresp_status(&c), 413);
	assert_non_null(strstr(c.resp, "Connection: close"));
	assert_non_null(strstr(tresp_body(&c), "{\"error\":\"request body too large\"}"));
	tclient_free(&c);

	c.req = bad;
	c.req_len = strlen(bad);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_int_equal(tresp_status(&c), 400);
	assert_non_null(strstr(tresp_body(&c), "\"error\""));
	tclient_free(&c);

	c.req = "GET /silent HTTP/1.1\r\nConnection: close\r\n\r\n";
	c.req_len = strlen(c.req);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_int_equal(tresp_status(&c), 500);
	tclient_free(&c);
	assert_int_equal(t.handled, 1);
	srv_teardown(&t);
}

static void test_server_stream(void **state)
{
	struct http_server_opts o = { 0 };
	struct srv t;
	struct tclient c = { 0 };

	assert_int_equal(srv_setup(&t, &o), 0);
	c.sock = t.sock;
	c.req = "GET /stream HTTP/1.1\r\n\r\n";
	c.req_len = strlen(c.req);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_non_null(strstr(c.resp, "Transfer-Encoding: chunked\r\n"));
	assert_non_null(strstr(tresp_body(&c), "6\r\nhello \r\n6\r\nworld\n\r\n0\r\n\r\n"));
	tclient_free(&c);
	srv_teardown(&t);
}

static void test_server_idle_timeout(void **state)
{
	struct http_server_opts o = { .idle_ms = 100 };
	struct srv t;
	struct tclient c = { 0 };
	uint64_t t0;

	assert_int_equal(srv_setup(&t, &o), 0);
	/* Half a request, then silence: the server hangs up on its own. */
	c.sock = t.sock;
	c.req = "GET / HTTP/1.1\r\nHost";
	c.req_len = strlen(c.req);
	t0 = loop_now_ms();
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_true(loop_now_ms() - t0 >= 90);
	assert_true(loop_now_ms() - t0 < 3000);
	assert_int_equal(c.resp_len, 0);
	tclient_free(&c);
	srv_teardown(&t);
}

static void test_server_max_conns(void **state)
{
	struct http_server_opts o = { .max_conns = 3 };
	struct srv t;
	struct tclient c = { 0 };
	int fds[5], i;

	assert_int_equal(srv_setup(&t, &o), 0);
	/* Fill every slot with silent clients... */
	for (i = 0; i < 5; i++) {
		fds[i] = tclient_connect(t.sock);
		assert_true(fds[i] >= 0);
	}
	tloop_spin(t.l, 50);
	assert_int_equal(http_server_conns(t.s), 3);
	/* ...the extra ones were closed at once... */
	c.sock = t.sock;
	c.req = "GET / HTTP/1.1\r\n\r\n";
	c.req_len = strlen(c.req);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_int_equal(c.resp_len, 0);
	tclient_free(&c);
	/* ...and a freed slot serves again. */
	close(fds[0]);
	tloop_spin(t.l, 50);
	assert_int_equal(http_server_conns(t.s), 2);
	c.req = "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n";
	c.req_len = strlen(c.req);
	assert_int_equal(tclient_run(t.l, &c), 0);
	assert_int_equal(tresp_status(&c), 200);
	tclient_free(&c);
	for (i = 1; i < 5; i++)
		close(fds[i]);
	srv_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_connection_close_and_http10),
		cmocka_unit_test(test_split_byte_by_byte),
		cmocka_unit_test(test_chunked_body),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_oversize_header),
		cmocka_unit_test(test_long_target),
		cmocka_unit_test(test_too_many_headers),
		cmocka_unit_test(test_claimed_body_too_large),
		cmocka_unit_test(test_body_grows_with_arrival),
		cmocka_unit_test(test_chunked_body_too_large),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_percent_decoding),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_format_head),
		cmocka_unit_test(test_server_roundtrip),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_server_stream),
		cmocka_unit_test(test_server_idle_timeout),
		cmocka_unit_test(test_server_max_conns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
