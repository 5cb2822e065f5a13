/* sign.h - signer keys and detached signatures (ECDSA P-256, SHA-256),
 * all through mbedtls.
 *
 * A signature file (FILE.sig) holds the DER-encoded ECDSA signature over
 * SHA-256 of the file's bytes: exactly what
 *   openssl dgst -sha256 -sign KEY -out FILE.sig FILE
 * writes, so an operator can check one with openssl too.  Keys are PEM:
 * the private key (SEC1 or PKCS#8) mode 0600, the public key as
 * SubjectPublicKeyInfo.  A trust directory holds one *.pub (PEM public
 * key) per trusted signer. */
#ifndef CAIRN_SIGN_H
#define CAIRN_SIGN_H

#include <stddef.h>

#include "err.h"

#define CAIRN_SIG_MAX 256   /* a DER P-256 signature is at most 72 bytes */

/* Make a new P-256 key pair: priv_path (0600) and pub_path.  Refuses to
 * overwrite either file. */
int cairn_keygen(const char *priv_path, const char *pub_path, struct cairn_err *e);

/* Sign len bytes of data with the private key at key_path; the DER
 * signature goes to sig (at most CAIRN_SIG_MAX bytes), its length to *siglen. */
int cairn_sign_buf(const char *key_path, const void *data, size_t len,
		   unsigned char *sig, size_t *siglen, struct cairn_err *e);

/* Sign FILE into FILE.sig (written atomically). */
int cairn_sign_file(const char *key_path, const char *file, struct cairn_err *e);

/* Check sig against every *.pub in trust_dir.  0 when one verifies (its
 * file name goes to signer if not NULL); otherwise a negative value and a
 * message that says why: malformed signature, no trusted signer matches,
 * empty trust directory... */
int cairn_verify_buf(const void *data, size_t len, const void *sig, size_t siglen,
		     const char *trust_dir, char *signer, size_t signer_len,
		     struct cairn_err *e);

/* Read FILE and FILE.sig and verify as above. */
int cairn_verify_file(const char *file, const char *trust_dir, char *signer,
		      size_t signer_len, struct cairn_err *e);

/* SHA-256 of a DER certificate or key, as 64 lowercase hex digits + NUL. */
int cairn_sha256_hex(const void *data, size_t len, char out[65]);

#endif
