/* crypto.c - process-wide PSA initialisation, the random generator that
 * key generation, signing and certificates draw from, and the TLS suites
 * the API's server and client share. */
#include "crypto.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <psa/crypto.h>

static pthread_once_t psa_once = PTHREAD_ONCE_INIT;
static psa_status_t psa_status;

static void psa_init_once(void)
{
	psa_status = psa_crypto_init();
}

int cairn_crypto_init(struct cairn_err *e)
{
	pthread_once(&psa_once, psa_init_once);
	if (psa_status != PSA_SUCCESS)
		return cairn_err_set(e, -EIO, "cannot initialise PSA crypto (status %d)",
				     (int)psa_status);
	return 0;
}

int cairn_rng_open(struct cairn_rng *rng, struct cairn_err *e)
{
	static const unsigned char pers[] = "cairn";
	char msg[128];
	int ret;

	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	ret = cairn_crypto_init(e);
	if (ret < 0)
		goto fail;
	ret = mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func, &rng->entropy,
				    pers, sizeof(pers) - 1);
	if (ret) {
		ret = cairn_err_set(e, -EIO, "cannot seed the random generator: %s",
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
		goto fail;
	}
	return 0;
fail:
	cairn_rng_close(rng);
	return ret;
}

void cairn_rng_close(struct cairn_rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

const char *cairn_mbedtls_strerror(int ret, char *buf, size_t size)
{
	char text[100];

	mbedtls_strerror(ret, text, sizeof(text));
	snprintf(buf, size, "%s (-0x%04x)", text, (unsigned)(ret < 0 ? -ret : ret));
	return buf;
}

const int cairn_tls_suites[] = {
	MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
	MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
	MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};
