/* bundle.h - cairn update bundles (docs/updates.md): the file format, the
 * manifest, and a streaming reader that verifies before it decompresses.
 *
 * A bundle is read front to back, never seeked, so it can arrive over a
 * socket:
 *
 *   header     24 bytes: "CAIRNBDL", then little-endian u32 format (1),
 *              u32 manifest length, u32 signature length, u32 zero
 *   manifest   INI text (bundle_manifest_parse), at most 64 KiB
 *   signature  DER ECDSA P-256 / SHA-256 over the manifest bytes
 *   artifacts  each artifact's zstd frame(s), exactly `compressed` bytes,
 *              in manifest order; nothing after the last one
 *
 * The manifest carries each artifact's uncompressed size and SHA-256, so
 * the signature covers every byte that reaches a slot. */
#ifndef CAIRN_BUNDLE_H
#define CAIRN_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define BUNDLE_MAGIC        "CAIRNBDL"
#define BUNDLE_FORMAT       1u
#define BUNDLE_HEADER_SIZE  24u
#define BUNDLE_MANIFEST_MAX (64u * 1024)
#define BUNDLE_ARTIFACTS    4u          /* the four names below, each once */
#define BUNDLE_VERSION_MAX  63u
#define BUNDLE_COMPAT_MAX   127u

/* The artifacts a bundle carries, and what the installer does with them. */
#define BUNDLE_ROOT    "root.sqfs"     /* the slot's root partition */
#define BUNDLE_VERITY  "root.verity"   /* the slot's verity partition */
#define BUNDLE_KERNEL  "vmlinuz"       /* the slot's kernel on the ESP */
#define BUNDLE_INITRD  "initramfs"     /* the slot's initramfs on the ESP */

struct bundle_header {
	uint32_t format;
	uint32_t manifest_len;
	uint32_t sig_len;
};

struct bundle_artifact {
	char name[16];
	uint64_t size;            /* uncompressed bytes */
	uint64_t compressed;      /* bytes in the bundle */
	unsigned char sha256[32]; /* of the uncompressed bytes */
};

struct bundle_manifest {
	unsigned format;
	char version[BUNDLE_VERSION_MAX + 1];
	char compatible[BUNDLE_COMPAT_MAX + 1];
	bool allow_downgrade;
	char roothash[129];       /* hex, of the verity tree (64 for sha256) */
	size_t n;                 /* artifacts, in bundle order */
	struct bundle_artifact a[BUNDLE_ARTIFACTS];
};

/* Parse and check the 24-byte header. */
int bundle_header_parse(const void *buf, size_t len, struct bundle_header *h,
			struct cairn_err *e);
void bundle_header_write(unsigned char out[BUNDLE_HEADER_SIZE], uint32_t manifest_len,
			 uint32_t sig_len);

/* Parse manifest text (len bytes, need not be NUL-terminated).  Errors say
 * where: "manifest line 7: [artifact vmlinuz] sha256: not 64 hex digits". */
int bundle_manifest_parse(const char *text, size_t len, struct bundle_manifest *m,
			  struct cairn_err *e);
/* Write m as manifest text into buf; returns the length, or -ENOSPC. */
int bundle_manifest_format(const struct bundle_manifest *m, char *buf, size_t size);

const struct bundle_artifact *bundle_artifact_find(const struct bundle_manifest *m,
						   const char *name);

/* Version order: runs of digits compare as numbers, everything else byte by
 * byte ("1.9" < "1.10" < "1.10.1", "2.0~rc1" < "2.0").  <0, 0, >0. */
int bundle_version_cmp(const char *a, const char *b);
/* 1-63 of [A-Za-z0-9.+~_-], starting with a digit or letter. */
bool bundle_version_valid(const char *v);

/* ---- streaming reader --------------------------------------------------- */

/* Where bytes come from: returns a count, 0 at end, or a negative errno. */
typedef ssize_t (*bundle_read_fn)(void *ctx, void *buf, size_t len);
/* Where an artifact's uncompressed bytes go (all of them, or -errno). */
typedef int (*bundle_write_fn)(void *ctx, const void *buf, size_t len,
			       struct cairn_err *e);

/* Read header, manifest and signature; verify the signature against
 * the *.pub keys in trust_dir before parsing the manifest.  The signer's file name goes
 * to signer.  trust_dir NULL skips the check: only to show a manifest,
 * never to act on it. */
int bundle_read_manifest(bundle_read_fn rd, void *rctx, const char *trust_dir,
			 struct bundle_manifest *m, char *signer, size_t signer_len,
			 struct cairn_err *e);

/* Read artifact a's compressed bytes from rd, decompress them into wr
 * (NULL: discard) while hashing; fails on a size or hash mismatch.  Memory
 * is a few hundred KiB whatever the artifact's size. */
int bundle_read_artifact(bundle_read_fn rd, void *rctx, const struct bundle_artifact *a,
			 bundle_write_fn wr, void *wctx, struct cairn_err *e);

/* After the last artifact: the stream must end. */
int bundle_read_end(bundle_read_fn rd, void *rctx, struct cairn_err *e);

/* A bundle_read_fn over a file descriptor (ctx points to the int). */
ssize_t bundle_fd_read(void *ctx, void *buf, size_t len);

#endif
