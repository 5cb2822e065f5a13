/* bundle_read.c - reading a bundle as a stream: the signed manifest first,
 * then each artifact through zstd and SHA-256 into a writer.  Nothing here
 * holds more than one input and one output buffer, so a 2 GB root image
 * costs the same memory as a 2 KB one. */
#include "bundle.h"
#include "sha256.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "sign.h"

ssize_t bundle_fd_read(void *ctx, void *buf, size_t len)
{
	int fd = *(int *)ctx;

	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : n;
	}
}

/* Exactly len bytes, or an error naming what was being read. */
static int read_full(bundle_read_fn rd, void *rctx, void *buf, size_t len, const char *what,
		     struct cairn_err *e)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = rd(rctx, p + got, len - got);

		if (n < 0)
			return cairn_err_sys(e, (int)n, "bundle: reading the %s", what);
		if (n == 0)
			return cairn_err_set(e, -EPROTO, "bundle: truncated in the %s (%zu of %zu "
					     "bytes)", what, got, len);
		got += (size_t)n;
	}
	return 0;
}

int bundle_read_manifest(bundle_read_fn rd, void *rctx, const char *trust_dir,
			 struct bundle_manifest *m, char *signer, size_t signer_len,
			 struct cairn_err *e)
{
	unsigned char head[BUNDLE_HEADER_SIZE], sig[256];
	struct bundle_header h;
	char *text;
	int r;

	r = read_full(rd, rctx, head, sizeof(head), "header", e);
	if (r < 0)
		return r;
	r = bundle_header_parse(head, sizeof(head), &h, e);
	if (r < 0)
		return r;
	text = malloc(h.manifest_len);
	if (!text)
		return cairn_err_set(e, -ENOMEM, "bundle: out of memory");
	r = read_full(rd, rctx, text, h.manifest_len, "manifest", e);
	if (!r)
		r = read_full(rd, rctx, sig, h.sig_len, "signature", e);
	/* The signature first: an unsigned manifest is not even parsed. */
	if (!r && trust_dir) {
		r = cairn_verify_buf(text, h.manifest_len, sig, h.sig_len, trust_dir, signer,
				     signer_len, e);
		if (r < 0)
			cairn_err_prefix(e, r, "bundle: manifest signature");
	}
	if (!r)
		r = bundle_manifest_parse(text, h.manifest_len, m, e);
	free(text);
	return r;
}

static void hex32(const unsigned char *b, char out[65])
{
	static const char d[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[64] = 0;
}

/* One artifact in flight: zstd, the hash, the writer. */
struct art {
	const struct bundle_artifact *a;
	ZSTD_DCtx *z;
	struct cairn_sha256 *sha;
	char *outb;
	size_t out_size;
	uint64_t produced;
	size_t zret;          /* 0 once a frame ends exactly where the input does */
	bundle_write_fn wr;
	void *wctx;
};

/* Decompress all of in, hash and write what comes out. */
static int art_feed(struct art *t, ZSTD_inBuffer *in, struct cairn_err *e)
{
	const struct bundle_artifact *a = t->a;
	ZSTD_outBuffer out;
	int r;

	do {
		out = (ZSTD_outBuffer){ t->outb, t->out_size, 0 };
		t->zret = ZSTD_decompressStream(t->z, &out, in);
		if (ZSTD_isError(t->zret))
			return cairn_err_set(e, -EBADMSG, "update: artifact %s: zstd: %s", a->name,
					     ZSTD_getErrorName(t->zret));
		if (!out.pos)
			continue;
		if (out.pos > a->size - t->produced)
			return cairn_err_set(e, -EFBIG, "update: artifact %s: larger than the "
					     "%" PRIu64 " bytes its manifest says", a->name, a->size);
		t->produced += out.pos;
		if (cairn_sha256_update(t->sha, t->outb, out.pos))
			return cairn_err_set(e, -EIO, "update: artifact %s: sha256 failed", a->name);
		if (t->wr && (r = t->wr(t->wctx, t->outb, out.pos, e)) < 0)
			return cairn_err_prefix(e, r, "update: artifact %s", a->name);
	} while (in->pos < in->size || out.pos == out.size);
	return 0;
}

int bundle_read_artifact(bundle_read_fn rd, void *rctx, const struct bundle_artifact *a,
			 bundle_write_fn wr, void *wctx, struct cairn_err *e)
{
	size_t in_size = ZSTD_DStreamInSize();
	char *inb = malloc(in_size);
	struct art t = { .a = a, .z = ZSTD_createDCtx(), .out_size = ZSTD_DStreamOutSize(),
			 .zret = 1, .wr = wr, .wctx = wctx };
	unsigned char digest[32];
	uint64_t left = a->compressed;
	int r = 0;

	t.outb = malloc(t.out_size);
	t.sha = cairn_sha256_new();
	if (!inb || !t.outb || !t.z || !t.sha) {
		r = cairn_err_set(e, -ENOMEM, "update: artifact %s: out of memory", a->name);
		goto out;
	}
	while (left) {
		size_t want = left < in_size ? (size_t)left : in_size;
		ssize_t n = rd(rctx, inb, want);
		ZSTD_inBuffer in;

		if (n < 0) {
			r = cairn_err_sys(e, (int)n, "update: artifact %s: reading", a->name);
			goto out;
		}
		if (n == 0) {
			r = cairn_err_set(e, -EPROTO, "update: artifact %s: bundle truncated "
					  "(%" PRIu64 " of %" PRIu64 " compressed bytes)", a->name,
					  a->compressed - left, a->compressed);
			goto out;
		}
		left -= (uint64_t)n;
		in = (ZSTD_inBuffer){ inb, (size_t)n, 0 };
		r = art_feed(&t, &in, e);
		if (r < 0)
			goto out;
	}
	if (t.zret != 0) {
		r = cairn_err_set(e, -EBADMSG, "update: artifact %s: zstd frame cut short",
				  a->name);
		goto out;
	}
	if (t.produced != a->size) {
		r = cairn_err_set(e, -EBADMSG, "update: artifact %s: %" PRIu64 " bytes, the "
				  "manifest says %" PRIu64, a->name, t.produced, a->size);
		goto out;
	}
	if (cairn_sha256_final(t.sha, digest)) {
		r = cairn_err_set(e, -EIO, "update: artifact %s: sha256 failed", a->name);
		goto out;
	}
	if (memcmp(digest, a->sha256, 32)) {
		char got[65], want[65];

		hex32(digest, got);
		hex32(a->sha256, want);
		r = cairn_err_set(e, -EBADMSG, "update: artifact %s: sha256 mismatch (got %.12s..., "
				  "manifest %.12s...)", a->name, got, want);
	}
out:
	cairn_sha256_free(t.sha);
	ZSTD_freeDCtx(t.z);
	free(inb);
	free(t.outb);
	return r;
}

int bundle_read_end(bundle_read_fn rd, void *rctx, struct cairn_err *e)
{
	char c;
	ssize_t n = rd(rctx, &c, 1);

	if (n < 0)
		return cairn_err_sys(e, (int)n, "bundle: reading");
	if (n > 0)
		return cairn_err_set(e, -EPROTO, "bundle: data after the last artifact");
	return 0;
}
