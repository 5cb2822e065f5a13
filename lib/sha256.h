/* sha256.h - SHA-256 of bulk data (update artifacts, hundreds of MB).
 *
 * OpenSSL's libcrypto (opened on first use: sha256.c), not mbedtls: it
 * uses the CPU's SHA extensions (SHA-NI), about ten times mbedtls'
 * portable code here (1.8 GB/s vs 0.18 GB/s), and hashing was what held
 * an install below the speed of the disk.  Signatures and TLS stay with mbedtls (lib/sign.c, crypto.c). */
#ifndef CAIRN_SHA256_H
#define CAIRN_SHA256_H

#include <stddef.h>

struct cairn_sha256;

/* NULL when out of memory.  libcrypto when it can be opened, else
 * mbedtls; _portable: mbedtls always (for tests that compare the two). */
struct cairn_sha256 *cairn_sha256_new(void);
struct cairn_sha256 *cairn_sha256_new_portable(void);
/* Which code hashes: "libcrypto.so.3" or "mbedtls". */
const char *cairn_sha256_impl(const struct cairn_sha256 *h);
/* 0, or -EIO. */
int cairn_sha256_update(struct cairn_sha256 *h, const void *buf, size_t len);
int cairn_sha256_final(struct cairn_sha256 *h, unsigned char digest[32]);
void cairn_sha256_free(struct cairn_sha256 *h);

#endif
