/* cert.h - self-signed X.509 certificates (ECDSA P-256, SHA-256) for the
 * API server's first boot and for operators' client certificates, and the
 * SHA-256 fingerprints by which cairn pins and trusts them. */
#ifndef CAIRN_CERT_H
#define CAIRN_CERT_H

#include "err.h"

#define CAIRN_CERT_DAYS_MAX 36500   /* a hundred years */

/* Make a new P-256 key (key_path, PEM, 0600) and a self-signed X.509 v3
 * certificate for it (cert_path, PEM, 0644): subject and issuer CN=cn, a
 * random serial, valid from an hour ago (clock skew) for days days.
 * Refuses to overwrite either file. */
int cairn_cert_selfsigned(const char *key_path, const char *cert_path, const char *cn,
			  unsigned days, struct cairn_err *e);

/* SHA-256 of the (first) certificate's DER in cert_path (PEM or DER), as 64
 * lowercase hex digits: `openssl x509 -noout -fingerprint -sha256` without
 * the colons, lowercased. */
int cairn_cert_fingerprint(const char *cert_path, char out[65], struct cairn_err *e);

#endif
