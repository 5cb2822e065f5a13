/* test_cert.c - self-signed certificates and their fingerprints
 * (lib/cert.c), checked against mbedtls' own parser and an independent
 * SHA-256 of the DER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "cert.h"
#include "fileio.h"

struct fx {
	char dir[64];
	char key[256], crt[256];
};

static int setup(void **state)
{
	struct cairn_err e = { "" };
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_cert.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->key, sizeof(f->key), "%s/client.key", f->dir);
	snprintf(f->crt, sizeof(f->crt), "%s/client.crt", f->dir);
	if (cairn_cert_selfsigned(f->key, f->crt, "ops, team=1", 30, &e) < 0) {
		fprintf(stderr, "cert: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The DER inside a PEM file, decoded here without mbedtls' PEM reader. */
static size_t pem_to_der(const char *pem, unsigned char *der, size_t size)
{
	const char *b = strstr(pem, "-----BEGIN CERTIFICATE-----\n");
	const char *end = strstr(pem, "-----END CERTIFICATE-----");
	char b64[8192];
	size_t n = 0, out = 0;

	assert_non_null(b);
	assert_non_null(end);
	for (b += 28; b < end; b++)
		if (*b != '\n' && *b != '\r')
			b64[n++] = *b;
	assert_int_equal(mbedtls_base64_decode(der, size, &out, (unsigned char *)b64, n), 0);
	return out;
}

static void test_files_and_modes(void **state)
{
	struct fx *f = *state;
	struct stat st;

	assert_int_equal(stat(f->key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(f->crt, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static void test_certificate_contents(void **state)
{
	struct fx *f = *state;
	mbedtls_x509_crt crt;
	char name[256];
	uint32_t flags = 0;

	mbedtls_x509_crt_init(&crt);
	assert_int_equal(mbedtls_x509_crt_parse_file(&crt, f->crt), 0);
	assert_int_equal(crt.version, 3);
	assert_true(mbedtls_x509_dn_gets(name, sizeof(name), &crt.subject) > 0);
	assert_string_equal(name, "CN=ops\\, team\\=1");
	assert_true(mbedtls_x509_dn_gets(name, sizeof(name), &crt.issuer) > 0);
	assert_string_equal(name, "CN=ops\\, team\\=1");
	/* Valid now (it starts an hour ago), not for ever. */
	assert_int_equal(mbedtls_x509_time_is_future(&crt.valid_from), 0);
	assert_int_equal(mbedtls_x509_time_is_past(&crt.valid_to), 0);
	assert_true(crt.valid_to.year - crt.valid_from.year <= 1);
	assert_true(crt.serial.len >= 8);
	assert_int_equal(crt.serial.p[0] & 0x80, 0);
	/* Self-signed: it verifies with itself as the only trusted certificate
	 * (how a pinned client certificate is checked). */
	assert_int_equal(mbedtls_x509_crt_verify(&crt, &crt, NULL, NULL, &flags, NULL, NULL), 0);
	assert_int_equal(flags, 0);
	mbedtls_x509_crt_free(&crt);
}

static void test_fingerprint(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	unsigned char der[4096], hash[32];
	char fp[65], fp2[65], expect[65], derfile[256 + 8];
	size_t len, derlen, i;
	char *pem;

	if (cairn_cert_fingerprint(f->crt, fp, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(strlen(fp), 64);
	assert_int_equal(strspn(fp, "0123456789abcdef"), 64);
	/* Stable across reads. */
	assert_int_equal(cairn_cert_fingerprint(f->crt, fp2, &e), 0);
	assert_string_equal(fp, fp2);

	/* Independently: SHA-256 of the DER decoded from the PEM. */
	assert_int_equal(cairn_read_file(f->crt, 65536, &pem, &len, &e), 0);
	derlen = pem_to_der(pem, der, sizeof(der));
	free(pem);
	assert_int_equal(mbedtls_sha256(der, derlen, hash, 0), 0);
	for (i = 0; i < 32; i++)
		snprintf(expect + 2 * i, 3, "%02x", hash[i]);
	assert_string_equal(fp, expect);

	/* The same certificate as a DER file has the same fingerprint. */
	snprintf(derfile, sizeof(derfile), "%s/client.der", f->dir);
	assert_int_equal(cairn_write_atomic(derfile, der, derlen, 0644, &e), 0);
	assert_int_equal(cairn_cert_fingerprint(derfile, fp2, &e), 0);
	assert_string_equal(fp, fp2);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	char k[256], c[256], msg[1024], fp[65];

	/* Never overwrites, and leaves nothing behind when it refuses. */
	assert_int_equal(cairn_cert_selfsigned(f->key, f->crt, "x", 1, &e), -EEXIST);
	snprintf(k, sizeof(k), "%s/new.key", f->dir);
	assert_int_equal(cairn_cert_selfsigned(k, f->crt, "x", 1, &e), -EEXIST);
	snprintf(msg, sizeof(msg), "%s: already exists, not overwriting", f->crt);
	assert_string_equal(e.msg, msg);
	assert_int_equal(access(k, F_OK), -1);

	snprintf(c, sizeof(c), "%s/new.crt", f->dir);
	assert_int_equal(cairn_cert_selfsigned(k, c, "x", 0, &e), -EINVAL);
	assert_int_equal(cairn_cert_selfsigned(k, c, "x", CAIRN_CERT_DAYS_MAX + 1, &e), -EINVAL);
	assert_int_equal(cairn_cert_selfsigned(k, c, "", 1, &e), -EINVAL);
	assert_int_equal(cairn_cert_selfsigned(k, c, "a\nb", 1, &e), -EINVAL);
	assert_int_equal(access(k, F_OK), -1);
	assert_int_equal(access(c, F_OK), -1);

	/* Fingerprints of things that are not certificates. */
	assert_int_equal(cairn_cert_fingerprint(f->key, fp, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not an X.509 certificate"));
	assert_int_equal(cairn_cert_fingerprint(c, fp, &e), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_and_modes),
		cmocka_unit_test(test_certificate_contents),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
