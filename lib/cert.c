/* cert.c - self-signed certificates through mbedtls' x509write, and their
 * fingerprints.  The key is written before the certificate and removed
 * again if the certificate cannot be written, so a failure leaves neither. */
#include "cert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#include "crypto.h"
#include "fileio.h"
#include "sign.h"

#define CERT_FILE_MAX (256 * 1024)
#define CN_MAX        64            /* ub-common-name, RFC 5280 */

/* "CN=..." with the characters mbedtls' name parser treats specially
 * escaped.  -EINVAL for names no certificate should carry. */
static int subject_name(const char *cn, char *out, size_t size, struct cairn_err *e)
{
	size_t n = strlen(cn), o;
	const char *s;

	if (n == 0 || n > CN_MAX)
		return cairn_err_set(e, -EINVAL, "common name must be 1 to %d characters", CN_MAX);
	o = (size_t)snprintf(out, size, "CN=");
	for (s = cn; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			return cairn_err_set(e, -EINVAL, "common name has a control character");
		if (o + 3 >= size)
			return cairn_err_set(e, -EINVAL, "common name too long");
		if (strchr(",=+<>#;\\\"", c))
			out[o++] = '\\';
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

static void utc_stamp(time_t t, char out[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

int cairn_cert_selfsigned(const char *key_path, const char *cert_path, const char *cn,
			  unsigned days, struct cairn_err *e)
{
	unsigned char pem[4096], serial[16];
	char subject[CN_MAX * 2 + 8], from[16], until[16], msg[128];
	mbedtls_x509write_cert crt;
	mbedtls_pk_context pk;
	struct cairn_rng rng;
	time_t now = time(NULL);
	const char *step;
	int ret;

	if (days < 1 || days > CAIRN_CERT_DAYS_MAX)
		return cairn_err_set(e, -EINVAL, "validity must be 1 to %d days, not %u",
				     CAIRN_CERT_DAYS_MAX, days);
	ret = subject_name(cn, subject, sizeof(subject), e);
	if (ret < 0)
		return ret;
	if (access(key_path, F_OK) == 0)
		return cairn_err_set(e, -EEXIST, "%s: already exists, not overwriting", key_path);
	if (access(cert_path, F_OK) == 0)
		return cairn_err_set(e, -EEXIST, "%s: already exists, not overwriting", cert_path);
	ret = cairn_rng_open(&rng, e);
	if (ret < 0)
		return ret;
	mbedtls_pk_init(&pk);
	mbedtls_x509write_crt_init(&crt);

	step = "make a P-256 key";
	ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!ret)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
					  cairn_rng_random, &rng.drbg);
	if (ret)
		goto crypto_fail;
	step = "make a serial number";
	ret = mbedtls_ctr_drbg_random(&rng.drbg, serial, sizeof(serial));
	if (ret)
		goto crypto_fail;
	/* Positive, minimal DER, 127 random bits. */
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x40);

	utc_stamp(now - 3600, from);
	utc_stamp(now + (time_t)days * 86400, until);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &pk);
	mbedtls_x509write_crt_set_issuer_key(&crt, &pk);
	step = "fill in the certificate";
	if ((ret = mbedtls_x509write_crt_set_subject_name(&crt, subject)) ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&crt, subject)) ||
	    (ret = mbedtls_x509write_crt_set_serial_raw(&crt, serial, sizeof(serial))) ||
	    (ret = mbedtls_x509write_crt_set_validity(&crt, from, until)) ||
	    (ret = mbedtls_x509write_crt_set_basic_constraints(&crt, 0, -1)) ||
	    (ret = mbedtls_x509write_crt_set_subject_key_identifier(&crt)))
		goto crypto_fail;

	step = "encode the private key";
	ret = mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem));
	if (ret)
		goto crypto_fail;
	ret = cairn_write_new(key_path, pem, strlen((char *)pem), 0600, e);
	if (ret < 0)
		goto out;
	step = "sign the certificate";
	ret = mbedtls_x509write_crt_pem(&crt, pem, sizeof(pem), cairn_rng_random, &rng.drbg);
	if (ret) {
		unlink(key_path);
		goto crypto_fail;
	}
	ret = cairn_write_new(cert_path, pem, strlen((char *)pem), 0644, e);
	if (ret < 0)
		unlink(key_path); /* ours, made a moment ago: no key without its cert */
	goto out;

crypto_fail:
	ret = cairn_err_set(e, -EIO, "%s: cannot %s: %s", cert_path, step,
			    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
out:
	mbedtls_platform_zeroize(pem, sizeof(pem));
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&pk);
	cairn_rng_close(&rng);
	return ret;
}

int cairn_cert_fingerprint(const char *cert_path, char out[65], struct cairn_err *e)
{
	mbedtls_x509_crt crt;
	char msg[128];
	char *buf;
	size_t len;
	int ret;

	out[0] = 0;
	ret = cairn_read_file(cert_path, CERT_FILE_MAX, &buf, &len, e);
	if (ret < 0)
		return ret;
	mbedtls_x509_crt_init(&crt);
	/* PEM parsing wants the terminating NUL counted; DER must not have it. */
	if (len && strstr(buf, "-----BEGIN"))
		ret = mbedtls_x509_crt_parse(&crt, (unsigned char *)buf, len + 1);
	else
		ret = mbedtls_x509_crt_parse_der(&crt, (unsigned char *)buf, len);
	free(buf);
	if (ret) {
		/* A positive value: some PEM blocks parsed, some did not. */
		if (ret < 0 || !crt.raw.len) {
			ret = cairn_err_set(e, -EINVAL, "%s: not an X.509 certificate: %s",
					    cert_path,
					    cairn_mbedtls_strerror(ret < 0 ? ret : -1, msg, sizeof(msg)));
			goto out;
		}
	}
	ret = cairn_sha256_hex(crt.raw.p, crt.raw.len, out);
	if (ret < 0)
		cairn_err_set(e, ret, "%s: SHA-256 failed", cert_path);
out:
	mbedtls_x509_crt_free(&crt);
	return ret;
}
