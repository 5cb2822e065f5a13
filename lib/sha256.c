/* sha256.c - bulk SHA-256 (sha256.h).
 *
 * libcrypto is opened on first use, not linked: loading it (its
 * relocations, its own libz and libzstd, its constructors) cost every
 * process about 2 ms at start, which was most of the time of a
 * `cairnctl` command that never hashes anything.  When it cannot be
 * opened, mbedtls' portable code gives the same digest, slower. */
#include "sha256.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <mbedtls/sha256.h>
#include <openssl/evp.h>

#define LIBCRYPTO "libcrypto.so.3"

static struct {
	__typeof__(&EVP_MD_CTX_new) ctx_new;
	__typeof__(&EVP_MD_CTX_free) ctx_free;
	__typeof__(&EVP_sha256) sha256;
	__typeof__(&EVP_DigestInit_ex) init;
	__typeof__(&EVP_DigestUpdate) update;
	__typeof__(&EVP_DigestFinal_ex) final;
	bool ok;
} evp;
static pthread_once_t evp_once = PTHREAD_ONCE_INIT;

struct cairn_sha256 {
	EVP_MD_CTX *evp;   /* NULL: the portable code */
	mbedtls_sha256_context mb;
};

static void evp_open(void)
{
	void *h = dlopen(LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	evp.ctx_new = (__typeof__(evp.ctx_new))dlsym(h, "EVP_MD_CTX_new");
	evp.ctx_free = (__typeof__(evp.ctx_free))dlsym(h, "EVP_MD_CTX_free");
	evp.sha256 = (__typeof__(evp.sha256))dlsym(h, "EVP_sha256");
	evp.init = (__typeof__(evp.init))dlsym(h, "EVP_DigestInit_ex");
	evp.update = (__typeof__(evp.update))dlsym(h, "EVP_DigestUpdate");
	evp.final = (__typeof__(evp.final))dlsym(h, "EVP_DigestFinal_ex");
	evp.ok = evp.ctx_new && evp.ctx_free && evp.sha256 && evp.init && evp.update && evp.final;
	/* never closed: contexts may outlive any one caller */
}

static struct cairn_sha256 *make(bool portable)
{
	struct cairn_sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	if (!portable) {
		pthread_once(&evp_once, evp_open);
		portable = !evp.ok;
	}
	if (!portable) {
		h->evp = evp.ctx_new();
		if (h->evp && evp.init(h->evp, evp.sha256(), NULL) == 1)
			return h;
		if (h->evp)
			evp.ctx_free(h->evp);
		free(h);
		return NULL;
	}
	mbedtls_sha256_init(&h->mb);
	if (mbedtls_sha256_starts(&h->mb, 0) != 0) {
		mbedtls_sha256_free(&h->mb);
		free(h);
		return NULL;
	}
	return h;
}

struct cairn_sha256 *cairn_sha256_new(void)
{
	return make(false);
}

struct cairn_sha256 *cairn_sha256_new_portable(void)
{
	return make(true);
}

const char *cairn_sha256_impl(const struct cairn_sha256 *h)
{
	return h->evp ? LIBCRYPTO : "mbedtls";
}

int cairn_sha256_update(struct cairn_sha256 *h, const void *buf, size_t len)
{
	if (h->evp)
		return evp.update(h->evp, buf, len) == 1 ? 0 : -EIO;
	return mbedtls_sha256_update(&h->mb, buf, len) == 0 ? 0 : -EIO;
}

int cairn_sha256_final(struct cairn_sha256 *h, unsigned char digest[32])
{
	unsigned int n = 0;

	if (h->evp)
		return evp.final(h->evp, digest, &n) == 1 && n == 32 ? 0 : -EIO;
	return mbedtls_sha256_finish(&h->mb, digest) == 0 ? 0 : -EIO;
}

void cairn_sha256_free(struct cairn_sha256 *h)
{
	if (!h)
		return;
	if (h->evp)
		evp.ctx_free(h->evp);
	else
		mbedtls_sha256_free(&h->mb);
	free(h);
}
