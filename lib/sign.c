/* sign.c - signer keys and detached signatures: ECDSA P-256 over SHA-256,
 * DER-encoded exactly as `openssl dgst -sha256 -sign` writes them.
 *
 * A signature is checked for well-formed DER before any key is tried, so
 * a damaged .sig file is reported as such and not as "no signer matches".
 * Files are hashed as they are read: signing or verifying a large file
 * (an update manifest, an image) needs no memory proportional to it. */
#include "sign.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "crypto.h"
#include "fileio.h"

#define KEY_FILE_MAX   (64 * 1024)  /* a PEM key is a few hundred bytes */
#define DER_SIG_MAX    72           /* SEQUENCE { INTEGER r, INTEGER s }, P-256 */
#define TRUST_KEYS_MAX 1024

/* Load a P-256 key (private when priv, else public) from a PEM file. */
static int load_key(mbedtls_pk_context *pk, const char *path, bool priv,
		    struct cairn_rng *rng, struct cairn_err *e)
{
	char msg[128];
	char *buf;
	size_t len;
	int ret;

	ret = cairn_read_file(path, KEY_FILE_MAX, &buf, &len, e);
	if (ret < 0)
		return ret;
	/* PEM parsing wants the terminating NUL counted in the length. */
	if (priv)
		ret = mbedtls_pk_parse_key(pk, (unsigned char *)buf, len + 1, NULL, 0,
					   cairn_rng_random, &rng->drbg);
	else
		ret = mbedtls_pk_parse_public_key(pk, (unsigned char *)buf, len + 1);
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (ret)
		return cairn_err_set(e, -EINVAL, "%s: not a PEM %s key: %s", path,
				     priv ? "private" : "public",
				     cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
	if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECDSA) ||
	    mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(*pk)) != MBEDTLS_ECP_DP_SECP256R1)
		return cairn_err_set(e, -EINVAL, "%s: not an ECDSA P-256 key", path);
	return 0;
}

int cairn_keygen(const char *priv_path, const char *pub_path, struct cairn_err *e)
{
	unsigned char pem[2048];
	mbedtls_pk_context pk;
	struct cairn_rng rng;
	char msg[128];
	int ret;

	/* Both checked first, so a refusal leaves nothing behind. */
	if (access(priv_path, F_OK) == 0)
		return cairn_err_set(e, -EEXIST, "%s: already exists, not overwriting", priv_path);
	if (access(pub_path, F_OK) == 0)
		return cairn_err_set(e, -EEXIST, "%s: already exists, not overwriting", pub_path);
	ret = cairn_rng_open(&rng, e);
	if (ret < 0)
		return ret;
	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!ret)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
					  cairn_rng_random, &rng.drbg);
	if (ret) {
		ret = cairn_err_set(e, -EIO, "cannot make a P-256 key: %s",
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
		goto out;
	}
	ret = mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem));
	if (ret) {
		ret = cairn_err_set(e, -EIO, "cannot encode the private key: %s",
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
		goto out;
	}
	ret = cairn_write_new(priv_path, pem, strlen((char *)pem), 0600, e);
	if (ret < 0)
		goto out;
	ret = mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof(pem));
	if (ret) {
		ret = cairn_err_set(e, -EIO, "cannot encode the public key: %s",
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
		unlink(priv_path);
		goto out;
	}
	ret = cairn_write_new(pub_path, pem, strlen((char *)pem), 0644, e);
	if (ret < 0)
		unlink(priv_path); /* ours, made a moment ago: no half pair */
out:
	mbedtls_platform_zeroize(pem, sizeof(pem));
	mbedtls_pk_free(&pk);
	cairn_rng_close(&rng);
	return ret;
}

static int sign_hash(const char *key_path, const unsigned char hash[32],
		     unsigned char *sig, size_t *siglen, struct cairn_err *e)
{
	mbedtls_pk_context pk;
	struct cairn_rng rng;
	char msg[128];
	int ret;

	ret = cairn_rng_open(&rng, e);
	if (ret < 0)
		return ret;
	mbedtls_pk_init(&pk);
	ret = load_key(&pk, key_path, true, &rng, e);
	if (ret < 0)
		goto out;
	ret = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, CAIRN_SIG_MAX, siglen,
			      cairn_rng_random, &rng.drbg);
	if (ret)
		ret = cairn_err_set(e, -EIO, "%s: cannot sign: %s", key_path,
				    cairn_mbedtls_strerror(ret, msg, sizeof(msg)));
out:
	mbedtls_pk_free(&pk);
	cairn_rng_close(&rng);
	return ret;
}

int cairn_sign_buf(const char *key_path, const void *data, size_t len,
		   unsigned char *sig, size_t *siglen, struct cairn_err *e)
{
	unsigned char hash[32];

	if (mbedtls_sha256(data, len, hash, 0))
		return cairn_err_set(e, -EIO, "SHA-256 failed");
	return sign_hash(key_path, hash, sig, siglen, e);
}

/* SHA-256 of a file's bytes, read in blocks. */
static int hash_file(const char *path, unsigned char hash[32], struct cairn_err *e)
{
	mbedtls_sha256_context ctx;
	unsigned char buf[16384];
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	mbedtls_sha256_init(&ctx);
	if (mbedtls_sha256_starts(&ctx, 0)) {
		ret = cairn_err_set(e, -EIO, "SHA-256 failed");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = cairn_err_sys(e, -errno, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		if (mbedtls_sha256_update(&ctx, buf, (size_t)n)) {
			ret = cairn_err_set(e, -EIO, "SHA-256 failed");
			goto out;
		}
	}
	if (mbedtls_sha256_finish(&ctx, hash))
		ret = cairn_err_set(e, -EIO, "SHA-256 failed");
out:
	mbedtls_sha256_free(&ctx);
	close(fd);
	return ret;
}

static int sig_path(const char *file, char *out, size_t size, struct cairn_err *e)
{
	if ((size_t)snprintf(out, size, "%s.sig", file) >= size)
		return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", file);
	return 0;
}

int cairn_sign_file(const char *key_path, const char *file, struct cairn_err *e)
{
	unsigned char hash[32], sig[CAIRN_SIG_MAX];
	char sigfile[PATH_MAX];
	size_t siglen = 0;
	int ret;

	ret = sig_path(file, sigfile, sizeof(sigfile), e);
	if (ret < 0)
		return ret;
	ret = hash_file(file, hash, e);
	if (ret < 0)
		return ret;
	ret = sign_hash(key_path, hash, sig, &siglen, e);
	if (ret < 0)
		return ret;
	return cairn_write_atomic(sigfile, sig, siglen, 0644, e);
}

/* One DER INTEGER of an ECDSA signature: positive, minimally encoded,
 * non-zero and at most 256 bits. */
static bool der_sig_int(unsigned char **p, const unsigned char *end)
{
	size_t len;

	if (mbedtls_asn1_get_tag(p, end, &len, MBEDTLS_ASN1_INTEGER) || len == 0 || len > 33)
		return false;
	if ((*p)[0] & 0x80)
		return false;                   /* negative */
	if (len > 1 && (*p)[0] == 0 && !((*p)[1] & 0x80))
		return false;                   /* a needless leading zero */
	if (len == 33 && (*p)[0] != 0)
		return false;                   /* more than 256 bits */
	if (len == 1 && (*p)[0] == 0)
		return false;                   /* zero is never a valid r or s */
	*p += len;
	return true;
}

/* Is sig a well-formed DER ECDSA-Sig-Value with nothing after it?  Strict,
 * so one signature has exactly one encoding. */
static const char *der_sig_problem(const unsigned char *sig, size_t siglen)
{
	unsigned char *p = (unsigned char *)sig;
	const unsigned char *end = sig + siglen;
	size_t len;

	if (siglen == 0)
		return "empty";
	if (mbedtls_asn1_get_tag(&p, end, &len,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    p + len != end)
		return "malformed DER";
	if (!der_sig_int(&p, end) || !der_sig_int(&p, end) || p != end)
		return "malformed DER";
	return NULL;
}

static int has_pub_suffix(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".pub");
}

static int verify_hash(const unsigned char hash[32], const unsigned char *sig, size_t siglen,
		       const char *trust_dir, char *signer, size_t signer_len,
		       struct cairn_err *e)
{
	struct dirent **names = NULL;
	char skipped[200] = "";
	const char *problem;
	int i, n, tried = 0, ret;

	if (siglen > DER_SIG_MAX)
		return cairn_err_set(e, -EBADMSG,
				     "not a valid signature (too large: %zu bytes, at most %d)",
				     siglen, DER_SIG_MAX);
	problem = der_sig_problem(sig, siglen);
	if (problem)
		return cairn_err_set(e, -EBADMSG, "not a valid signature (%s)", problem);
	ret = cairn_crypto_init(e);
	if (ret < 0)
		return ret;

	/* Sorted, so which key is tried first never depends on the file system. */
	n = scandir(trust_dir, &names, has_pub_suffix, alphasort);
	if (n < 0)
		return cairn_err_sys(e, -errno, "%s: cannot read the trust directory", trust_dir);
	ret = -EKEYREJECTED;
	for (i = 0; i < n && i < TRUST_KEYS_MAX; i++) {
		struct cairn_err ke = { "" };
		mbedtls_pk_context pk;
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", trust_dir, names[i]->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		mbedtls_pk_init(&pk);
		if (load_key(&pk, path, false, NULL, &ke) < 0) {
			/* A broken key file trusts no one; it is named if nothing
			 * else matches, so the operator finds it. */
			if (!skipped[0])
				snprintf(skipped, sizeof(skipped), "; skipped %.150s", ke.msg);
			mbedtls_pk_free(&pk);
			continue;
		}
		tried++;
		if (mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, siglen) == 0) {
			if (signer && signer_len)
				snprintf(signer, signer_len, "%s", names[i]->d_name);
			ret = 0;
		}
		mbedtls_pk_free(&pk);
		if (ret == 0)
			break;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret == 0)
		return 0;
	if (tried == 0)
		return cairn_err_set(e, -ENOKEY, "%s: no trusted signer keys (*.pub)%s",
				     trust_dir, skipped);
	return cairn_err_set(e, -EKEYREJECTED,
			     "no trusted signer matches (tried %d key%s in %s)%s",
			     tried, tried == 1 ? "" : "s", trust_dir, skipped);
}

int cairn_verify_buf(const void *data, size_t len, const void *sig, size_t siglen,
		     const char *trust_dir, char *signer, size_t signer_len,
		     struct cairn_err *e)
{
	unsigned char hash[32];

	if (mbedtls_sha256(data, len, hash, 0))
		return cairn_err_set(e, -EIO, "SHA-256 failed");
	return verify_hash(hash, sig, siglen, trust_dir, signer, signer_len, e);
}

int cairn_verify_file(const char *file, const char *trust_dir, char *signer,
		      size_t signer_len, struct cairn_err *e)
{
	unsigned char hash[32];
	char sigfile[PATH_MAX];
	char *sig;
	size_t siglen;
	int ret;

	ret = sig_path(file, sigfile, sizeof(sigfile), e);
	if (ret < 0)
		return ret;
	if (access(sigfile, F_OK) < 0 && errno == ENOENT)
		return cairn_err_set(e, -ENOENT, "%s: missing", sigfile);
	ret = cairn_read_file(sigfile, CAIRN_SIG_MAX, &sig, &siglen, e);
	if (ret == -EFBIG)
		return cairn_err_set(e, -EBADMSG,
				     "%s: not a valid signature (too large: more than %d bytes, at most %d)",
				     sigfile, CAIRN_SIG_MAX, DER_SIG_MAX);
	if (ret < 0)
		return ret;
	ret = hash_file(file, hash, e);
	if (ret == 0)
		ret = verify_hash(hash, (unsigned char *)sig, siglen, trust_dir, signer,
				  signer_len, e);
	free(sig);
	/* Messages about the signature name its file; those about the trust
	 * directory or the data file already name theirs. */
	if (ret == -EBADMSG || ret == -EKEYREJECTED)
		cairn_err_prefix(e, ret, "%s", sigfile);
	return ret;
}

int cairn_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char hash[32];
	int i;

	if (mbedtls_sha256(data, len, hash, 0)) {
		out[0] = 0;
		return -EIO;
	}
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[hash[i] >> 4];
		out[2 * i + 1] = hex[hash[i] & 15];
	}
	out[64] = 0;
	return 0;
}
