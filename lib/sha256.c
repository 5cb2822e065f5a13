/* sha256.c - bulk SHA-256 through libcrypto's EVP interface (sha256.h). */
#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>

struct cairn_sha256 *cairn_sha256_new(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	return (struct cairn_sha256 *)c;
}

int cairn_sha256_update(struct cairn_sha256 *h, const void *buf, size_t len)
{
	return EVP_DigestUpdate((EVP_MD_CTX *)h, buf, len) == 1 ? 0 : -EIO;
}

int cairn_sha256_final(struct cairn_sha256 *h, unsigned char digest[32])
{
	unsigned int n = 0;

	return EVP_DigestFinal_ex((EVP_MD_CTX *)h, digest, &n) == 1 && n == 32 ? 0 : -EIO;
}

void cairn_sha256_free(struct cairn_sha256 *h)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
}
