/* test_tls.c - the HTTPS side's pieces that need no client: listen
 * addresses, fingerprints, the server identity made once and kept, the
 * image's trusted clients, and api_tls_set_clients(). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert.h"
#include "http.h"
#include "loop.h"
#include "tls.h"

static const char FP_A[] = "aab63b92265d2355070b746bce7787b65ecabcb006d5d9a01fb454896cd60ab8";

static void test_parse_listen(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct cairn_err e = { "" };
	socklen_t len;
	unsigned port;
	char a[64];

	assert_int_equal(api_tls_parse_listen("[::]:8443", &ss, &len, &port, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(port, 8443);
	assert_int_equal(ntohs(s6->sin6_port), 8443);
	assert_int_equal(api_tls_parse_listen("127.0.0.1:9000", &ss, &len, &port, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	assert_int_equal(api_tls_parse_listen("[fe80::1]:1", &ss, &len, &port, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(api_tls_parse_listen("*:8443", &ss, &len, &port, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(api_tls_parse_listen(":8443", &ss, &len, &port, &e), 0);
	assert_int_equal(api_tls_parse_listen("8443", &ss, &len, &port, &e), 0);
	assert_int_equal(port, 8443);
	assert_int_equal(api_tls_parse_listen("0.0.0.0:0", &ss, &len, &port, &e), 0);
	assert_int_equal(port, 0);

	assert_int_equal(api_tls_parse_listen("1.2.3.4:99999", &ss, &len, &port, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "bad port"));
	assert_int_equal(api_tls_parse_listen("1.2.3.4:", &ss, &len, &port, &e), -EINVAL);
	assert_int_equal(api_tls_parse_listen("1.2.3.4:-1", &ss, &len, &port, &e), -EINVAL);
	assert_int_equal(api_tls_parse_listen("host.example:80", &ss, &len, &port, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not an IP address"));
	assert_int_equal(api_tls_parse_listen("::1:80", &ss, &len, &port, &e), -EINVAL);
	assert_int_equal(api_tls_parse_listen("[::1]80", &ss, &len, &port, &e), -EINVAL);
}

static void test_fingerprint_norm(void **state)
{
	char out[65], colons[200];
	size_t i, o = 0;

	assert_int_equal(api_tls_fingerprint_norm(FP_A, out), 0);
	assert_string_equal(out, FP_A);
	for (i = 0; i < 64; i++) {
		colons[o++] = (char)(FP_A[i] >= 'a' ? FP_A[i] - 32 : FP_A[i]);
		if (i % 2 && i != 63)
			colons[o++] = ':';
	}
	colons[o] = 0;
	assert_int_equal(api_tls_fingerprint_norm(colons, out), 0);
	assert_string_equal(out, FP_A);
	assert_int_equal(api_tls_fingerprint_norm("abc", out), -EINVAL);
	assert_int_equal(api_tls_fingerprint_norm("", out), -EINVAL);
	strcpy(colons, FP_A);
	colons[10] = 'g';
	assert_int_equal(api_tls_fingerprint_norm(colons, out), -EINVAL);
	snprintf(colons, sizeof(colons), "%s00", FP_A);
	assert_int_equal(api_tls_fingerprint_norm(colons, out), -EINVAL);
}

/* ---- a real api_tls on a loopback port ---------------------------------- */

struct fx {
	char dir[64], tls[96], trust[96];
	struct loop *l;
	struct http_server *http;
};

static void noop_handler(struct http_conn *c, const struct http_request *req, void *data)
{
	http_respond(c, 204, NULL, NULL, NULL, 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct http_server_opts o = { .handler = noop_handler };
	struct cairn_err e = { "" };
	char p[200];

	strcpy(f->dir, "/tmp/cairn-tls-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->tls, sizeof(f->tls), "%s/tls", f->dir);
	snprintf(f->trust, sizeof(f->trust), "%s/trust", f->dir);
	snprintf(p, sizeof(p), "%s/clients", f->trust);
	assert_int_equal(mkdir(f->trust, 0755), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(loop_new(&f->l), 0);
	assert_int_equal(http_server_new(&f->http, f->l, -1, &o, &e), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	http_server_free(f->http);
	loop_free(f->l);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}


static int open_on(struct fx *f, const char *listen, struct api_tls **t, struct cairn_err *e)
{
	struct api_tls_opts o = { .listen = listen, .tls_dir = f->tls, .trust_dir = f->trust };

	return api_tls_open(t, f->l, f->http, &o, e);
}

static void test_port_zero_is_any(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct api_tls *t = NULL;

	if (open_on(f, "127.0.0.1:0", &t, &e) < 0)
		fail_msg("api_tls_open: %s", e.msg);
	assert_true(strncmp(api_tls_url(t), "https://127.0.0.1:", 18) == 0);
	assert_true(atoi(api_tls_url(t) + 18) > 0);
	api_tls_close(t);
}


static void test_identity_made_once(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct api_tls *t;
	char key[160], crt[160], fp[65], fp2[65];
	struct stat st;

	if (open_on(f, "127.0.0.1:0", &t, &e) < 0)
		fail_msg("api_tls_open: %s", e.msg);
	snprintf(key, sizeof(key), "%s/server.key", f->tls);
	snprintf(crt, sizeof(crt), "%s/server.crt", f->tls);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cairn_cert_fingerprint(crt, fp, &e), 0);
	assert_string_equal(api_tls_fingerprint(t), fp);
	api_tls_close(t);

	/* Kept across restarts. */
	if (open_on(f, "127.0.0.1:0", &t, &e) < 0)
		fail_msg("api_tls_open again: %s", e.msg);
	assert_string_equal(api_tls_fingerprint(t), fp);
	api_tls_close(t);
	assert_int_equal(cairn_cert_fingerprint(crt, fp2, &e), 0);
	assert_string_equal(fp, fp2);

	/* Half an identity is not silently replaced. */
	assert_int_equal(unlink(crt), 0);
	assert_true(open_on(f, "127.0.0.1:0", &t, &e) < 0);
	assert_non_null(strstr(e.msg, "not replacing"));
}

static void test_bind_failure(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct api_tls *t, *t2;
	char taken[64], want[100];

	if (open_on(f, "127.0.0.1:0", &t, &e) < 0)
		fail_msg("api_tls_open: %s", e.msg);
	snprintf(taken, sizeof(taken), "%s", api_tls_url(t) + 8);
	assert_true(open_on(f, taken, &t2, &e) < 0);
	snprintf(want, sizeof(want), "cannot listen on %s", taken);
	assert_non_null(strstr(e.msg, want));
	api_tls_close(t);
}

static void test_image_trust_and_set_clients(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct api_tls *t;
	char p[200];
	const char *fps[2] = { FP_A, "AA:B6" };
	int have_ca = -1;
	FILE *fp;

	/* One certificate file, two good lines (one a duplicate of it in
	 * colon form), a comment and a bad line. */
	snprintf(p, sizeof(p), "%s/clients/op", f->trust);
	{
		char key[220], crt[220], fpr[65];

		snprintf(key, sizeof(key), "%s.key", p);
		snprintf(crt, sizeof(crt), "%s.crt", p);
		assert_int_equal(cairn_cert_selfsigned(key, crt, "op", 30, &e), 0);
		assert_int_equal(cairn_cert_fingerprint(crt, fpr, &e), 0);
		snprintf(p, sizeof(p), "%s/clients.txt", f->trust);
		fp = fopen(p, "w");
		fprintf(fp, "# operators\n%s  # laptop\n\n%s\nnot-a-fingerprint\n", FP_A, fpr);
		fclose(fp);
	}
	if (open_on(f, "127.0.0.1:0", &t, &e) < 0)
		fail_msg("api_tls_open: %s", e.msg);
	assert_int_equal(api_tls_n_clients(t, &have_ca), 2);
	assert_int_equal(have_ca, 0);

	/* Replacing the list: a bad entry changes nothing. */
	assert_int_equal(api_tls_set_clients(t, fps, 2, NULL, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "AA:B6"));
	assert_int_equal(api_tls_n_clients(t, NULL), 2);
	assert_int_equal(api_tls_set_clients(t, fps, 1, NULL, &e), 0);
	assert_int_equal(api_tls_n_clients(t, &have_ca), 1);
	/* A client CA. */
	snprintf(p, sizeof(p), "%s/clients/op.crt", f->trust);
	assert_int_equal(api_tls_set_clients(t, NULL, 0, p, &e), 0);
	assert_int_equal(api_tls_n_clients(t, &have_ca), 0);
	assert_int_equal(have_ca, 1);
	assert_int_equal(api_tls_set_clients(t, NULL, 0, "/nonexistent.crt", &e), -EINVAL);
	assert_int_equal(api_tls_n_clients(t, &have_ca), 0);
	assert_int_equal(have_ca, 1);
	api_tls_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_fingerprint_norm),
		cmocka_unit_test_setup_teardown(test_port_zero_is_any, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_made_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_trust_and_set_clients, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
