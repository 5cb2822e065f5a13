/* crypto.h - what every mbedtls user in cairn shares: PSA initialisation
 * (once per process, as mbedtls 3.6 needs before TLS 1.3 or PSA-backed
 * keys), a seeded random generator, and mbedtls error codes as text. */
#ifndef CAIRN_CRYPTO_H
#define CAIRN_CRYPTO_H

#include <stddef.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include "err.h"

/* psa_crypto_init(), once per process (thread-safe); later calls return
 * its first result. */
int cairn_crypto_init(struct cairn_err *e);

/* A CTR-DRBG seeded from the system's entropy.  Pass cairn_rng_random and
 * &rng->drbg wherever mbedtls wants f_rng/p_rng. */
struct cairn_rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

int cairn_rng_open(struct cairn_rng *rng, struct cairn_err *e);
void cairn_rng_close(struct cairn_rng *rng);
#define cairn_rng_random mbedtls_ctr_drbg_random

/* The TLS suites both ends of the API allow: ECDHE with AES-GCM or
 * ChaCha20-Poly1305 (TLS 1.2) and the TLS 1.3 AEAD suites; 0-terminated,
 * as mbedtls_ssl_conf_ciphersuites() wants. */
extern const int cairn_tls_suites[];

/* "text (-0xNNNN)" for an mbedtls error code, into buf. */
const char *cairn_mbedtls_strerror(int ret, char *buf, size_t size);

#endif
