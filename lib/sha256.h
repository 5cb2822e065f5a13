/* sha256.h - SHA-256 of bulk data (update artifacts, hundreds of MB).
 *
 * OpenSSL's libcrypto, not mbedtls: it uses the CPU's SHA extensions
 * (SHA-NI), about ten times mbedtls' portable code here (1.8 GB/s vs
 * 0.18 GB/s), and hashing was what held an install below the speed of
 * the disk.  Signatures and TLS stay with mbedtls (lib/sign.c, crypto.c). */
#ifndef CAIRN_SHA256_H
#define CAIRN_SHA256_H

#include <stddef.h>

struct cairn_sha256;

/* NULL when out of memory. */
struct cairn_sha256 *cairn_sha256_new(void);
/* 0, or -EIO. */
int cairn_sha256_update(struct cairn_sha256 *h, const void *buf, size_t len);
int cairn_sha256_final(struct cairn_sha256 *h, unsigned char digest[32]);
void cairn_sha256_free(struct cairn_sha256 *h);

#endif
